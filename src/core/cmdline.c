/* cmdline.c: sshd's argument split, %-tokens, and the --config file (see cmdline.h). Pure. */
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static int push(struct cmdline *cl, const char *s, size_t n)
{
	char *p;

	if (cl->n >= CMDLINE_ARGS_MAX || n > CMDLINE_ARG_MAX)
		return CMDLINE_TOOMANY;
	if (!(p = malloc(n + 1)))
		return CMDLINE_NOMEM;
	memcpy(p, s, n);
	p[n] = 0;
	cl->v[cl->n++] = p;
	cl->v[cl->n] = NULL;
	return CMDLINE_OK;
}

int cmdline_split(const char *s, struct cmdline *cl)
{
	size_t cap = strlen(s) + 1;
	char *arg = malloc(cap);
	int r = CMDLINE_OK;

	if (!arg)
		return CMDLINE_NOMEM;
	while (*s && r == CMDLINE_OK) {
		size_t j = 0;
		char quote = 0;
		if (*s == ' ' || *s == '\t') {
			s++;
			continue;
		}
		for (; *s; s++) {
			if (*s == '\\' && (s[1] == '\'' || s[1] == '"' || s[1] == '\\' || (!quote && s[1] == ' ')))
				arg[j++] = *++s;
			else if (!quote && (*s == ' ' || *s == '\t'))
				break;
			else if (!quote && (*s == '"' || *s == '\''))
				quote = *s;
			else if (quote && *s == quote)
				quote = 0;
			else
				arg[j++] = *s;
		}
		r = quote ? CMDLINE_QUOTE : push(cl, arg, j);
	}
	free(arg);
	return r;
}

int cmdline_expand(const char *s, const char *user, const char *type, const char *key, char **out)
{
	size_t cap = 1, n = 0;
	char *p;

	*out = NULL;
	for (const char *q = s; *q; q++) { /* the length first: one allocation */
		const char *v = NULL;
		if (*q != '%') {
			cap++;
			continue;
		}
		switch (*++q) {
		case 'u': v = user; break;
		case 't': v = type; break;
		case 'k': v = key; break;
		case '%': v = "%"; break;
		}
		if (!v)
			return CMDLINE_TOKEN;
		cap += strlen(v);
	}
	if (cap > CMDLINE_ARG_MAX + 1)
		return CMDLINE_TOOMANY;
	if (!(p = malloc(cap)))
		return CMDLINE_NOMEM;
	for (; *s; s++) {
		const char *v;
		if (*s != '%') {
			p[n++] = *s;
			continue;
		}
		s++;
		v = *s == 'u' ? user : *s == 't' ? type : *s == 'k' ? key : "%";
		memcpy(p + n, v, strlen(v));
		n += strlen(v);
	}
	p[n] = 0;
	*out = p;
	return CMDLINE_OK;
}

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int cmdline_conf(const char *text, size_t len, struct cmdline *cl, unsigned *badline)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;
	int r = CMDLINE_OK;

	*badline = 0;
	while (p < end && r == CMDLINE_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *name, *v;
		size_t nn;
		line++;
		while (p < e && blank(*p))
			p++;
		while (e > p && blank(e[-1]))
			e--;
		if (p == e || *p == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		for (name = p; p < e && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'); p++)
			;
		nn = (size_t)(p - name);
		if (nn == 0 || (p < e && !blank(*p)) || memchr(name, 0, (size_t)(e - name))) {
			r = CMDLINE_SYNTAX;
			break;
		}
		for (v = p; v < e && blank(*v); v++)
			;
		if (nn == 6 && memcmp(name, "source", 6) == 0) {
			if (v == e || *v == '-') {
				r = CMDLINE_SYNTAX;
				break;
			}
			r = push(cl, v, (size_t)(e - v));
		} else {
			char buf[CMDLINE_ARG_MAX + 1];
			size_t vn = (size_t)(e - v);
			if (nn + vn + 3 > sizeof buf) {
				r = CMDLINE_TOOMANY;
				break;
			}
			memcpy(buf, "--", 2);
			memcpy(buf + 2, name, nn);
			if (vn) {
				buf[2 + nn] = '=';
				memcpy(buf + 3 + nn, v, vn);
			}
			r = push(cl, buf, 2 + nn + (vn ? 1 + vn : 0));
		}
		p = nl ? nl + 1 : end;
	}
	if (r != CMDLINE_OK)
		*badline = line;
	return r;
}

void cmdline_free(struct cmdline *cl)
{
	for (int i = 0; i < cl->n; i++)
		free(cl->v[i]);
	memset(cl, 0, sizeof *cl);
}

const char *cmdline_strerror(int e)
{
	switch (e) {
	case CMDLINE_NOMEM: return "out of memory";
	case CMDLINE_QUOTE: return "a quote is not closed";
	case CMDLINE_TOOMANY: return "too many or too long arguments";
	case CMDLINE_TOKEN: return "unknown %-token (only %u %t %k %%)";
	case CMDLINE_EMPTY: return "empty command";
	case CMDLINE_SYNTAX: return "not 'name value'";
	}
	return "ok";
}
