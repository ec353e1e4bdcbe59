/* pubkey.c: public key lines as sshd reads them. */
#include <string.h>

#include "b64.h"
#include "pubkey.h"

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

int pubkey_word_is_type(const char *w, size_t n)
{
	if (keyblob_type_known(w, n))
		return 1;
	/* Unknown but plausible: ASCII letters, digits, '-', '.', '@' and not an option (no '=', '"', ','). */
	if (n == 0 || n > KEYBLOB_TYPE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '.' || c == '@'))
			return 0;
	}
	return 1;
}

/* The bytes OpenSSH's base64 decoder (b64_pton) skips anywhere in the key data: isspace() in the C
 * locale, less space and tab, which end the field before the decoder sees it. */
static int b64_skipped(int c)
{
	return c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Decodes s[0..n) as sshd does: strict canonical base64 (b64_decode) of the bytes left after
 * dropping the skipped ones; nothing but skipped bytes may follow the padding. Same returns as
 * b64_decode. */
static long decode_sshd(const char *s, size_t n, uint8_t *out, size_t cap)
{
	char q[4];
	size_t k = 0, o = 0;
	int padded = 0;

	for (size_t i = 0; i < n; i++) {
		if (b64_skipped((unsigned char)s[i]))
			continue;
		if (padded)
			return -1;
		q[k++] = s[i];
		if (k < 4)
			continue;
		long r = b64_decode(q, 4, out + o, cap - o);
		if (r < 0)
			return r;
		o += (size_t)r;
		k = 0;
		padded = q[3] == '=';
	}
	return k ? -1 : (long)o;
}

/* Reads "type base64" at *p; on success advances *p past the key data. sshd set: the key data may
 * hold bytes sshd's decoder skips (they never count towards the size limit: padding a line with
 * them must not make keydrop give up on a key sshd reads). */
static int read_key(const char **pp, const char *end, uint8_t *buf, size_t cap, struct pubkey *out, int sshd)
{
	const char *p = *pp, *t = p;

	while (p < end && !is_blank(*p))
		p++;
	out->type = t;
	out->typelen = (size_t)(p - t);
	while (p < end && is_blank(*p))
		p++;
	const char *b = p;
	while (p < end && !is_blank(*p))
		p++;
	out->b64 = b;
	out->b64len = (size_t)(p - b);
	size_t sig = out->b64len;
	if (sshd)
		for (const char *c = b; c < p; c++)
			sig -= b64_skipped((unsigned char)*c) != 0;
	if (sig == 0)
		return out->b64len ? PKL_BASE64 : PKL_NODATA;
	if (sig / 4 * 3 > cap)
		return PKL_TOOBIG;
	long n = sig == out->b64len ? b64_decode(b, out->b64len, buf, cap) : decode_sshd(b, out->b64len, buf, cap);
	if (n == -2)
		return PKL_TOOBIG;
	if (n < 0)
		return PKL_BASE64;
	out->blob = buf;
	out->bloblen = (size_t)n;
	int e = keyblob_inspect(buf, (size_t)n, &out->info);
	if (e != KB_OK && e != KB_NOTYPE) {
		/* The type may still tell the user what went wrong; check it first when readable. */
		out->blob_err = e;
		if (out->info.type[0] && (strlen(out->info.type) != out->typelen ||
					  memcmp(out->info.type, out->type, out->typelen) != 0))
			return PKL_MISMATCH;
		return PKL_BLOB;
	}
	if (e == KB_NOTYPE) {
		out->blob_err = e;
		return PKL_BLOB;
	}
	if (strlen(out->info.type) != out->typelen || memcmp(out->info.type, out->type, out->typelen) != 0)
		return PKL_MISMATCH;
	*pp = p;
	return PKL_OK;
}

static int parse(const char *line, size_t len, uint8_t *buf, size_t cap, struct pubkey *out, int sshd)
{
	const char *p = line, *end = line + len;

	memset(out, 0, sizeof *out);
	if (sshd) {
		/* sshd handles each line as a C string: it ends at the first NUL. */
		const char *z = memchr(line, '\0', len);
		if (z)
			end = z;
	}
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return PKL_EMPTY;

	/* sshd: try a key first; if that fails, skip an options field and try again. */
	const char *w = p;
	while (w < end && !is_blank(*w))
		w++;
	int key_first = keyblob_type_known(p, (size_t)(w - p));
	if (!key_first) {
		int quoted = 0;
		const char *o = p;
		for (; p < end && (quoted || !is_blank(*p)); p++) {
			if (*p == '\\' && p + 1 < end && p[1] == '"')
				p++;
			else if (*p == '"')
				quoted = !quoted;
		}
		if (quoted)
			return PKL_BADOPTS;
		out->opts = o;
		out->optslen = (size_t)(p - o);
		while (p < end && is_blank(*p))
			p++;
		if (p == end)
			return PKL_NOKEY;
		/* A lone unknown word followed by base64 is an unknown key type, not options. */
		if (!memchr(o, '=', out->optslen) && !memchr(o, ',', out->optslen)) {
			const char *save = p;
			struct pubkey tmp = *out;
			const char *q = o;
			tmp.opts = NULL;
			tmp.optslen = 0;
			int r = read_key(&q, end, buf, cap, &tmp, sshd);
			if (r == PKL_OK) {
				*out = tmp;
				p = q;
				goto comment;
			}
			p = save;
		}
	}
	int r = read_key(&p, end, buf, cap, out, sshd);
	if (r != PKL_OK)
		return r;
comment:
	while (p < end && is_blank(*p))
		p++;
	const char *ce = end;
	while (ce > p && is_blank(ce[-1]))
		ce--;
	if (ce > p) {
		out->comment = p;
		out->commentlen = (size_t)(ce - p);
	}
	return PKL_OK;
}

int pubkey_parse_line(const char *line, size_t len, uint8_t *buf, size_t cap, struct pubkey *out)
{
	return parse(line, len, buf, cap, out, 0);
}

int pubkey_parse_authline(const char *line, size_t len, uint8_t *buf, size_t cap, struct pubkey *out)
{
	return parse(line, len, buf, cap, out, 1);
}

const char *pubkey_strerror(int err)
{
	switch (err) {
	case PKL_OK:
		return "ok";
	case PKL_EMPTY:
		return "empty line or comment";
	case PKL_NOKEY:
		return "no key after the options";
	case PKL_BADOPTS:
		return "options have an unterminated quote";
	case PKL_BASE64:
		return "key data is not valid base64";
	case PKL_MISMATCH:
		return "key type does not match the type inside the key data";
	case PKL_BLOB:
		return "key data is not a valid key";
	case PKL_TOOBIG:
		return "key data is too long";
	case PKL_NODATA:
		return "key type without key data";
	}
	return "invalid key line";
}
