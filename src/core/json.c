/* json.c: path selection on jsmn tokens. The only file that includes jsmn.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "json.h"

#define JSON_STR_(x) #x
#define JSON_STR(x) JSON_STR_(x)

const char *json_strerror(int err)
{
	switch (err) {
	case JSON_OK: return "ok";
	case JSON_E_SYNTAX: return "malformed JSON";
	case JSON_E_TOO_BIG: return "JSON document has too many elements";
	case JSON_E_PATH: return "bad JSON path";
	case JSON_E_NOMATCH: return "JSON path not found in the document";
	case JSON_E_TYPE: return "JSON path selects something other than strings";
	case JSON_E_STRING: return "bad JSON string (bad escape or line break in a key)";
	case JSON_E_NOMEM: return "out of memory";
	case JSON_E_CALLBACK: return "stopped";
	case JSON_E_DEPTH: return "JSON document nested too deeply (more than " JSON_STR(JSON_DEPTH_MAX) " levels)";
	}
	return "unknown JSON error";
}

struct seg {
	char name[JSON_PATH_MAX]; /* empty for "[]" */
	int iter;                 /* 1 for "[]" */
};

#define SEGS_MAX 32

struct walk {
	const char *doc;
	jsmntok_t *tok;
	int ntok;
	struct seg seg[SEGS_MAX];
	int nseg;
	json_string_fn fn;
	void *arg;
};

static int parse_path(const char *path, struct walk *w)
{
	const char *p = path;

	w->nseg = 0;
	while (*p) {
		size_t n = 0;
		while (p[n] && p[n] != '.' && p[n] != '[') {
			char c = p[n];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			      c == '_' || c == '-' || c == '$'))
				return JSON_E_PATH;
			n++;
		}
		if (n) {
			if (w->nseg == SEGS_MAX || n >= JSON_PATH_MAX)
				return JSON_E_PATH;
			memcpy(w->seg[w->nseg].name, p, n);
			w->seg[w->nseg].name[n] = 0;
			w->seg[w->nseg++].iter = 0;
			p += n;
		}
		while (p[0] == '[') {
			if (p[1] != ']' || w->nseg == SEGS_MAX)
				return JSON_E_PATH;
			w->seg[w->nseg].name[0] = 0;
			w->seg[w->nseg++].iter = 1;
			p += 2;
		}
		if (*p == '.') {
			p++;
			if (!*p || *p == '.')
				return JSON_E_PATH;
		} else if (*p) {
			return JSON_E_PATH;
		}
		if (!n && w->nseg == 0)
			return JSON_E_PATH;
	}
	return JSON_OK;
}

static int hex4(const char *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

/* Decodes the JSON string body s[0..n) into out (at least n + 1 bytes). Returns the length or -1. */
static long decode(const char *s, size_t n, char *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i++];
		if (c != '\\') {
			if (c < 0x20)
				return -1;
			out[o++] = (char)c;
			continue;
		}
		if (i >= n)
			return -1;
		c = (unsigned char)s[i++];
		switch (c) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (i + 4 > n || hex4(s + i, &cp) != 0)
				return -1;
			i += 4;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u' || hex4(s + i + 2, &lo) != 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return -1;
				i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				return -1;
			}
			/* UTF-8: never longer than the 6 (or 12) escape bytes it replaces */
			if (cp < 0x80) {
				out[o++] = (char)cp;
			} else if (cp < 0x800) {
				out[o++] = (char)(0xc0 | (cp >> 6));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				out[o++] = (char)(0xe0 | (cp >> 12));
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				out[o++] = (char)(0xf0 | (cp >> 18));
				out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
				out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default:
			return -1;
		}
	}
	out[o] = 0;
	return (long)o;
}

/* Deepest nesting of '[' and '{' outside strings, in one pass; stops counting past limit. Only a
 * bound for what jsmn then does (jsmn still judges the syntax): a stray quote or bracket in broken
 * JSON may shift the count, never the linear cost. */
static int too_deep(const char *doc, size_t len, int limit)
{
	int depth = 0, in_str = 0;

	for (size_t i = 0; i < len && doc[i]; i++) {
		char c = doc[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > limit)
				return 1;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* Index of the token after the subtree rooted at i. */
static int skip(const struct walk *w, int i)
{
	int j = i + 1;
	while (j < w->ntok && w->tok[j].start < w->tok[i].end)
		j++;
	return j;
}

static int emit(struct walk *w, int i)
{
	const jsmntok_t *t = &w->tok[i];
	size_t n = (size_t)(t->end - t->start);
	char *buf;
	long len;
	int r = JSON_OK;

	if (t->type != JSMN_STRING)
		return JSON_E_TYPE;
	buf = malloc(n + 1);
	if (!buf)
		return JSON_E_NOMEM;
	len = decode(w->doc + t->start, n, buf);
	if (len < 0) {
		r = JSON_E_STRING;
		goto out;
	}
	for (long k = 0; k < len; k++)
		if (((unsigned char)buf[k] < 0x20 && buf[k] != '\t') || buf[k] == 0x7f) {
			r = JSON_E_STRING;
			goto out;
		}
	if (w->fn(w->arg, buf, (size_t)len) != 0)
		r = JSON_E_CALLBACK;
out:
	free(buf);
	return r;
}

static int key_is(const struct walk *w, int i, const char *name)
{
	const jsmntok_t *t = &w->tok[i];
	size_t n = (size_t)(t->end - t->start);
	char buf[JSON_PATH_MAX + 8];
	long len;

	if (t->type != JSMN_STRING || n > JSON_PATH_MAX)
		return 0;
	len = decode(w->doc + t->start, n, buf);
	return len >= 0 && strcmp(buf, name) == 0 && (size_t)len == strlen(name);
}

static int select_at(struct walk *w, int i, int s)
{
	const jsmntok_t *t = &w->tok[i];
	int r, j, k;

	if (s == w->nseg) {
		if (t->type == JSMN_STRING)
			return emit(w, i);
		if (t->type != JSMN_ARRAY)
			return JSON_E_TYPE;
		for (k = 0, j = i + 1; k < t->size; k++, j = skip(w, j))
			if ((r = emit(w, j)) != JSON_OK)
				return r;
		return JSON_OK;
	}
	if (w->seg[s].iter) {
		if (t->type != JSMN_ARRAY)
			return JSON_E_NOMATCH;
		for (k = 0, j = i + 1; k < t->size; k++, j = skip(w, j))
			if ((r = select_at(w, j, s + 1)) != JSON_OK)
				return r;
		return JSON_OK;
	}
	if (t->type != JSMN_OBJECT)
		return JSON_E_NOMATCH;
	/* members are key, value pairs; the last matching key wins nothing: the first one is used */
	for (k = 0, j = i + 1; k < t->size; k++) {
		int v = j + 1;
		if (v >= w->ntok)
			return JSON_E_SYNTAX;
		if (key_is(w, j, w->seg[s].name))
			return select_at(w, v, s + 1);
		j = skip(w, v);
	}
	return JSON_E_NOMATCH;
}

int json_path_check(const char *path)
{
	struct walk w;

	memset(&w, 0, sizeof w);
	return strlen(path) >= JSON_PATH_MAX || parse_path(path, &w) != JSON_OK ? JSON_E_PATH : JSON_OK;
}

int json_select(const char *doc, size_t len, const char *path, json_string_fn fn, void *arg)
{
	struct walk w;
	jsmn_parser p;
	int n, r;

	memset(&w, 0, sizeof w);
	if (strlen(path) >= JSON_PATH_MAX || (r = parse_path(path, &w)) != JSON_OK)
		return JSON_E_PATH;
	if (too_deep(doc, len, JSON_DEPTH_MAX))
		return JSON_E_DEPTH;
	jsmn_init(&p);
	n = jsmn_parse(&p, doc, len, NULL, 0);
	if (n == JSMN_ERROR_NOMEM)
		return JSON_E_TOO_BIG;
	if (n <= 0)
		return JSON_E_SYNTAX;
	if (n > JSON_TOKENS_MAX)
		return JSON_E_TOO_BIG;
	w.tok = calloc((size_t)n, sizeof *w.tok);
	if (!w.tok)
		return JSON_E_NOMEM;
	jsmn_init(&p);
	w.ntok = jsmn_parse(&p, doc, len, w.tok, (unsigned)n);
	if (w.ntok != n) {
		r = JSON_E_SYNTAX;
		goto out;
	}
	/* One top-level value only: jsmn happily tokenizes "[1] [2]" as two. */
	if (skip(&w, 0) != w.ntok) {
		r = JSON_E_SYNTAX;
		goto out;
	}
	for (size_t k = (size_t)w.tok[0].end + (w.tok[0].type == JSMN_STRING); k < len; k++)
		if (!(doc[k] == ' ' || doc[k] == '\t' || doc[k] == '\n' || doc[k] == '\r')) {
			r = JSON_E_SYNTAX;
			goto out;
		}
	w.doc = doc;
	w.fn = fn;
	w.arg = arg;
	r = select_at(&w, 0, 0);
out:
	free(w.tok);
	return r;
}
