/* sshdconf.c: sshd_config(5) text as sshd reads it (sshdconf.h). */
#include <string.h>

#include "sshdconf.h"

/* OpenSSH's WHITESPACE (misc.h) plus the form feed servconf.c also strips at the end of a line. */
static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f';
}

int sshdconf_next(const char *text, size_t len, size_t *pos, unsigned *lineno, struct sshdconf_line *l)
{
	const char *nul = memchr(text, 0, len);

	if (nul)
		len = (size_t)(nul - text);
	while (*pos < len) {
		const char *s = text + *pos, *nl = memchr(s, '\n', len - *pos);
		size_t n = nl ? (size_t)(nl - s) : len - *pos, k = 0, e;

		*pos += n + (nl != NULL);
		++*lineno;
		while (n > 0 && blank(s[n - 1]))
			n--;
		while (k < n && blank(s[k]))
			k++;
		if (k == n || s[k] == '#')
			continue;
		l->kw = s + k;
		for (e = k; e < n && !blank(s[e]) && s[e] != '='; e++)
			;
		l->kwlen = e - k;
		if (!l->kwlen)
			continue; /* "= value": no keyword keydrop looks for */
		while (e < n && blank(s[e]))
			e++;
		if (e < n && s[e] == '=') /* strdelim: one '=' may stand between keyword and value */
			for (e++; e < n && blank(s[e]); e++)
				;
		l->rest = s + e;
		l->restlen = n - e;
		l->lineno = *lineno;
		return 1;
	}
	return 0;
}

int sshdconf_is(const struct sshdconf_line *l, const char *kw)
{
	size_t n = strlen(kw);

	if (l->kwlen != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char a = l->kw[i], b = kw[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return 0;
	}
	return 1;
}

long sshdconf_quote(const char *arg, int percent, char *out, size_t cap)
{
	int q = !*arg;
	size_t j = 0;

	for (const char *p = arg; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return -1;
		if (strchr(" \"'\\#", *p))
			q = 1;
	}
	/* the longest form: every byte doubled, two quotes, the NUL */
	if (cap < 3 || strlen(arg) > (cap - 3) / 2)
		return -1;
	if (q)
		out[j++] = '"';
	for (const char *p = arg; *p; p++) {
		if (q && (*p == '"' || *p == '\\'))
			out[j++] = '\\';
		else if (percent && *p == '%')
			out[j++] = '%';
		out[j++] = *p;
	}
	if (q)
		out[j++] = '"';
	out[j] = 0;
	return (long)j;
}

/* The next byte of s[*i..n) with blank runs as one space and no blanks at the ends; -1 at the end. */
static int norm_next(const char *s, size_t n, size_t *i)
{
	size_t start = *i;

	while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
		++*i;
	if (*i >= n)
		return -1;
	if (*i > start && start > 0)
		return ' '; /* the run, once; its next byte comes with the next call */
	return (unsigned char)s[(*i)++];
}

int sshdconf_same_command(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;

	for (;;) {
		int x = norm_next(a, alen, &i), y = norm_next(b, blen, &j);
		if (x != y)
			return 0;
		if (x < 0)
			return 1;
	}
}

int sshdconf_glob(const char *p, const char *n)
{
	const char *star = NULL, *resume = NULL;

	while (*n) {
		if (*p == '*') {
			star = ++p; /* backtrack here, one more name byte eaten, on a mismatch */
			resume = n;
		} else if (*p && *p != '[' && (*p == '?' || *p == *n)) {
			p++;
			n++;
		} else if (star) {
			p = star;
			n = ++resume;
		} else
			return 0;
	}
	while (*p == '*')
		p++;
	return !*p;
}
