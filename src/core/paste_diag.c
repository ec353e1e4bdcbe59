/* paste_diag.c: the paste normaliser's verdict on one item of a file (see paste_diagnose in paste.h):
 * how many lines it spans, and install's words for it. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprint.h"
#include "paste.h"
#include "paste_int.h"

#define BLOCK_LINES_MAX 512 /* a 16 KiB key wrapped at 64 columns is ~350 lines */
#define WRAP_LINES_MAX 400

/* Line at p (up to end), trimmed of blanks and a CR; *next is where the following line starts. */
static struct span line_at(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	struct span s = { p, nl ? (size_t)(nl - p) : (size_t)(end - p) };

	*next = nl ? nl + 1 : end;
	while (s.n && paste_blank(*s.s))
		s.s++, s.n--;
	while (s.n && (paste_blank(s.s[s.n - 1]) || s.s[s.n - 1] == '\r'))
		s.n--;
	return s;
}

static int starts(struct span s, const char *w)
{
	size_t n = strlen(w);
	return s.n >= n && memcmp(s.s, w, n) == 0;
}

/* Lines (>= 1) of the block that starts with first at text: through the first line starting with one
 * of the end words, or just the first line when there is none within BLOCK_LINES_MAX. */
static unsigned block_lines(const char *text, const char *end, const char *e1, const char *e2)
{
	const char *p = text;
	unsigned k = 0;

	line_at(p, end, &p);
	while (p < end && ++k < BLOCK_LINES_MAX) {
		struct span s = line_at(p, end, &p);
		if (starts(s, e1) || (e2 && starts(s, e2)))
			return k + 1;
	}
	return 1;
}

/* Lines of key data wrapped after a key-first line: the first line and the following ones made of one
 * base64 word (the last may carry a comment; paste_parse decides). */
static unsigned wrap_lines(const char *text, const char *end)
{
	const char *p = text;
	unsigned k = 1;

	line_at(p, end, &p);
	while (p < end && k < WRAP_LINES_MAX) {
		struct span s = line_at(p, end, &p);
		size_t w = 0;
		while (w < s.n && !paste_blank(s.s[w]))
			w++;
		if (!paste_b64_only(s.s, w) || paste_find_type(s.s, w, 0) == 0)
			break;
		k++;
		if (w < s.n)
			break; /* a comment after the data: the key ends here */
	}
	return k;
}

/* Byte length of the first k lines of text. */
static size_t span_len(const char *text, const char *end, unsigned k)
{
	const char *p = text;
	while (k-- && p < end)
		line_at(p, end, &p);
	return (size_t)(p - text);
}

/* "TYPE SHA256:..., TYPE SHA256:..." of the keys, as much as fits. */
static void name_keys(const struct paste_result *res, char *out, size_t cap)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < res->n && o < cap; i++) {
		char fp[FINGERPRINT_MAX];
		fingerprint_format(res->keys[i].blob, res->keys[i].bloblen, FP_SHA256, fp);
		int w = snprintf(out + o, cap - o, "%s%s %s", i ? ", " : "", res->keys[i].info.type, fp);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

static int say(struct paste_diag *d, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int say(struct paste_diag *d, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->detail, sizeof d->detail, fmt, ap);
	va_end(ap);
	return d->err = err;
}

int paste_diagnose(const char *text, size_t n, struct paste_diag *d, struct paste_result *res)
{
	const char *end = text + n, *after;
	struct span first = line_at(text, end, &after);
	unsigned k = 1;
	int r;

	memset(d, 0, sizeof *d);
	memset(res, 0, sizeof *res);
	d->nlines = 1;
	if (starts(first, "---- BEGIN SSH2"))
		k = block_lines(text, end, "---- END", NULL);
	else if (starts(first, "-----BEGIN "))
		k = block_lines(text, end, "-----END ", NULL);
	else if (starts(first, "PuTTY-User-Key-File-"))
		k = block_lines(text, end, "Private-MAC:", "Private-Hash:");
	r = paste_parse(text, span_len(text, end, k), res);
	if (r != PASTE_OK && k == 1 && (r == PASTE_TRUNCATED || r == PASTE_BASE64 || r == PASTE_BADKEY) &&
	    (k = wrap_lines(text, end)) > 1) {
		/* Key data cut onto the next lines: what install takes when given them together. */
		struct paste_result w;
		if (paste_parse(text, span_len(text, end, k), &w) == PASTE_OK && (w.fixes & PASTE_FIX_WRAP)) {
			paste_free(res);
			*res = w;
			r = PASTE_OK;
		} else {
			paste_free(&w);
			k = 1;
		}
	}
	d->nlines = k;
	if (r == PASTE_EMPTY)
		return d->err = PASTE_OK;
	if (r != PASTE_OK) {
		snprintf(d->detail, sizeof d->detail, "%s", res->detail);
		return d->err = r;
	}
	char keys[PASTE_DIAG_MAX / 2];
	d->nkeys = res->n;
	name_keys(res, keys, sizeof keys);
	if (res->fixes & PASTE_FIX_SPLIT)
		return say(d, PASTE_JOINED,
			   "%zu keys joined on one line (%s): sshd reads at most the first, and the rest as its comment; "
			   "put each key on its own line (keydrop install splits them)",
			   res->n, keys);
	if (res->fixes & PASTE_FIX_RFC4716)
		return say(d, PASTE_UNREADABLE,
			   "an RFC 4716 (SSH2) public key block (%s): sshd reads only one-line keys; "
			   "keydrop install takes the block and writes the key as one line",
			   keys);
	if (res->fixes & PASTE_FIX_WRAP)
		return say(d, PASTE_UNREADABLE,
			   "key data wrapped over %u lines (%s): sshd reads only one-line keys; "
			   "keydrop install joins the lines",
			   k, keys);
	if (res->fixes & PASTE_FIX_QUOTES)
		return say(d, PASTE_UNREADABLE, "a key in quotes (%s): sshd cannot read it; keydrop install drops the quotes",
			   keys);
	if (res->fixes & (PASTE_FIX_BOM | PASTE_FIX_NBSP))
		return say(d, PASTE_UNREADABLE,
			   "a key with a byte order mark or no-break spaces (%s): sshd cannot read it; keydrop install "
			   "drops them", keys);
	return d->err = PASTE_OK;
}

int paste_may_join(const char *s, size_t n)
{
	return paste_find_type(s, n, 0) < n;
}
