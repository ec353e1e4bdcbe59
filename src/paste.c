/* paste.c: pasted public key text -> authorized_keys lines (see paste.h for what is fixed and what
 * is refused). Works on a normalised copy split into lines; every refusal names the input line. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "b64.h"
#include "paste.h"
#include "privkey.h"
#include "pubkey.h"

struct span {
	const char *s;
	size_t n;
};

struct ctx {
	struct paste_result *res;
	struct span *lines;
	size_t nlines;
	uint8_t *work;  /* PUBKEY_BLOB_MAX */
	size_t keycap;
};

static int fail(struct ctx *c, int err, size_t line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(struct ctx *c, int err, size_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->detail, sizeof c->res->detail, fmt, ap);
	va_end(ap);
	c->res->err = err;
	c->res->line = (unsigned)line;
	return err;
}

static int is_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

static int b64_only(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!b64_is_char((unsigned char)s[i]) && s[i] != '=')
			return 0;
	return 1;
}

static int is_hex(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* "xx:xx:...:xx" with 16 pairs (old ssh-keygen -l output). */
static int md5_pairs(const char *w, size_t n)
{
	if (n != 47)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i % 3 == 2 ? w[i] != ':' : !is_hex((unsigned char)w[i]))
			return 0;
	return 1;
}

/* Returns "SHA256" / "MD5" when w is a fingerprint, else NULL. */
static const char *fingerprint_word(const char *w, size_t n)
{
	if (n >= 7 + 43 && n <= 7 + 44 && strncmp(w, "SHA256:", 7) == 0 && b64_only(w + 7, n - 7))
		return "SHA256";
	if (n == 4 + 47 && strncmp(w, "MD5:", 4) == 0 && md5_pairs(w + 4, 47))
		return "MD5";
	if (md5_pairs(w, n))
		return "MD5";
	return NULL;
}

static size_t word(const char *s, size_t n, size_t at, struct span *w)
{
	while (at < n && is_blank(s[at]))
		at++;
	size_t b = at;
	while (at < n && !is_blank(s[at]))
		at++;
	w->s = s + b;
	w->n = at - b;
	return at;
}

/* Position of a key type name ("ssh-", "ecdsa-", "sk-" known types) starting at or after from in
 * s[0..n), or n. */
static size_t find_type(const char *s, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++) {
		if (s[i] != 's' && s[i] != 'e')
			continue;
		if (strncmp(s + i, "ssh-", n - i < 4 ? n - i : 4) != 0 && strncmp(s + i, "ecdsa-", n - i < 6 ? n - i : 6) != 0 &&
		    strncmp(s + i, "sk-", n - i < 3 ? n - i : 3) != 0)
			continue;
		size_t e = i;
		while (e < n && !is_blank(s[e]) && e - i <= KEYBLOB_TYPE_MAX) /* bounded: no quadratic scan */
			e++;
		if (keyblob_type_known(s + i, e - i))
			return i;
	}
	return n;
}

static int push(struct ctx *c, const struct pubkey *pk, size_t srcline)
{
	struct paste_result *r = c->res;
	size_t len = (pk->opts ? pk->optslen + 1 : 0) + pk->typelen + 1 + pk->b64len +
		     (pk->comment ? pk->commentlen + 1 : 0);

	if (r->n == PASTE_KEYS_MAX)
		return fail(c, PASTE_TOOMANY, srcline, "more than %d keys in one value", PASTE_KEYS_MAX);
	if (r->n == c->keycap) {
		size_t nc = c->keycap ? c->keycap * 2 : 4;
		struct paste_key *nk = realloc(r->keys, nc * sizeof *nk);
		if (!nk)
			return fail(c, PASTE_NOMEM, 0, "out of memory");
		r->keys = nk;
		c->keycap = nc;
	}
	struct paste_key *k = &r->keys[r->n];
	memset(k, 0, sizeof *k);
	char *line = malloc(len + 1), *p = line;
	uint8_t *blob = malloc(pk->bloblen ? pk->bloblen : 1);
	if (!line || !blob) {
		free(line);
		free(blob);
		return fail(c, PASTE_NOMEM, 0, "out of memory");
	}
	if (pk->opts) {
		memcpy(p, pk->opts, pk->optslen);
		k->opts = p;
		k->optslen = pk->optslen;
		p += pk->optslen;
		*p++ = ' ';
	}
	memcpy(p, pk->type, pk->typelen);
	p += pk->typelen;
	*p++ = ' ';
	memcpy(p, pk->b64, pk->b64len);
	k->b64 = p;
	k->b64len = pk->b64len;
	p += pk->b64len;
	if (pk->comment) {
		*p++ = ' ';
		memcpy(p, pk->comment, pk->commentlen);
		k->comment = p;
		k->commentlen = pk->commentlen;
		p += pk->commentlen;
	}
	*p = '\0';
	memcpy(blob, pk->blob, pk->bloblen);
	k->line = line;
	k->len = len;
	k->blob = blob;
	k->bloblen = pk->bloblen;
	k->info = pk->info;
	k->srcline = (unsigned)srcline;
	r->n++;
	return PASTE_OK;
}

/* Turns a failed pubkey parse of a key-first line into the specific refusal. */
static int key_error(struct ctx *c, int r, const struct pubkey *pk, size_t ln)
{
	switch (r) {
	case PKL_MISMATCH:
		return fail(c, PASTE_MISMATCH, ln, "the line says %.*s but the key data holds a %s key",
			    (int)(pk->typelen > 64 ? 64 : pk->typelen), pk->type, pk->info.type);
	case PKL_NODATA:
		return fail(c, PASTE_NODATA, ln, "%.*s without key data after it", (int)(pk->typelen > 64 ? 64 : pk->typelen),
			    pk->type);
	case PKL_TOOBIG:
		return fail(c, PASTE_BADKEY, ln, "key data is longer than %d bytes", PUBKEY_BLOB_MAX);
	case PKL_BASE64:
		if (b64_only(pk->b64, pk->b64len) && pk->b64len % 4 == 0)
			return fail(c, PASTE_BASE64, ln, "key data is not valid base64 (stray bits or a misplaced '=')");
		if (b64_only(pk->b64, pk->b64len))
			return fail(c, PASTE_TRUNCATED, ln,
				    "key data is truncated (%zu base64 characters is not a whole key; was the paste cut short?)",
				    pk->b64len);
		for (size_t i = 0; i < pk->b64len; i++)
			if (!b64_is_char((unsigned char)pk->b64[i]) && pk->b64[i] != '=')
				return fail(c, PASTE_BASE64, ln, "key data is not base64 (byte 0x%02x at offset %zu)",
					    (unsigned char)pk->b64[i], i);
		return fail(c, PASTE_BASE64, ln, "key data is not valid base64");
	case PKL_BLOB:
		if (pk->blob_err == KB_TRUNCATED)
			return fail(c, PASTE_TRUNCATED, ln, "key data is truncated (%zu bytes; was the paste cut short?)",
				    pk->bloblen);
		return fail(c, PASTE_BADKEY, ln, "%s", keyblob_strerror(pk->blob_err));
	case PKL_BADOPTS:
		return fail(c, PASTE_OPTIONS, ln, "options have an unterminated quote");
	}
	return fail(c, PASTE_NOTKEY, ln, "%s", pubkey_strerror(r));
}

/* Bare base64 (no type): say what it holds. */
static int bare_b64(struct ctx *c, const struct span *w, size_t ln)
{
	struct keyblob_info info;
	long n = b64_decode(w->s, w->n, c->work, PUBKEY_BLOB_MAX);

	if (w->n >= 19 && strncmp(w->s, "b3BlbnNzaC1rZXktdjE", 19) == 0)
		return fail(c, PASTE_PRIVATE, ln, "this is the body of an OpenSSH private key: never paste it; "
						  "paste the .pub file instead (ssh-keygen -y -f KEY prints it)");
	if (n > 0) {
		int e = keyblob_inspect(c->work, (size_t)n, &info);
		if (info.type[0] && (e == KB_OK || keyblob_type_known(info.type, strlen(info.type))))
			return fail(c, PASTE_NOTYPE, ln,
				    "key data without its key type: it holds a %s key; put '%s ' in front of it", info.type,
				    info.type);
	} else if (w->n >= 8 && strncmp(w->s, "AAAA", 4) == 0) {
		/* Maybe wrapped or cut; the type is in the first bytes anyway. */
		char head[32];
		uint8_t hb[24];
		size_t hn = w->n < 32 ? w->n / 4 * 4 : 32;
		memcpy(head, w->s, hn);
		long got = b64_decode(head, hn, hb, sizeof hb);
		if (got > 4) {
			uint32_t tl = (uint32_t)hb[0] << 24 | (uint32_t)hb[1] << 16 | (uint32_t)hb[2] << 8 | hb[3];
			if (tl > 0 && tl <= (uint32_t)got - 4 && keyblob_type_known((const char *)hb + 4, tl))
				return fail(c, PASTE_NOTYPE, ln, "key data without its key type (it starts like a %.*s key)",
					    (int)tl, (const char *)hb + 4);
		}
		return fail(c, PASTE_NOTYPE, ln, "base64 without a key type in front (expected 'TYPE BASE64 [COMMENT]')");
	}
	return fail(c, PASTE_NOTKEY, ln, "base64 data that is not a public key");
}

/* Base64 wrapped over several lines: s[0..n) is "type b64-start"; joins the following lines made of
 * base64 (the last may carry the comment) until the key parses. Returns lines consumed, or 0. */
static size_t unwrap(struct ctx *c, const char *s, size_t n, size_t i, struct pubkey *pk, char **joined)
{
	size_t cap = n + 1, len = n, width = c->lines[i].n;
	char *j = malloc(cap);

	if (!j)
		return 0;
	memcpy(j, s, n);
	for (size_t k = i + 1; k < c->nlines; k++) {
		struct span t = c->lines[k], v;
		size_t after = word(t.s, t.n, 0, &v);
		if (!b64_only(v.s, v.n) || len - n > B64_ENCLEN(PUBKEY_BLOB_MAX) + 8)
			break; /* not base64, or longer than any key: each try re-reads the joined line */
		size_t add = t.n - (size_t)(v.s - t.s);
		char *nj = realloc(j, len + add + 1);
		if (!nj)
			break;
		j = nj;
		memcpy(j + len, v.s, add);
		len += add;
		j[len] = '\0';
		int r = pubkey_parse_line(j, len, c->work, PUBKEY_BLOB_MAX, pk);
		if (r == PKL_OK) {
			/* Wrapped at a fixed width (every line so far exactly as long as the first): the
			 * comment may go on in the next lines, which are shorter or equal and start no key. */
			while (t.n == width && k + 1 < c->nlines && c->lines[k + 1].n > 0 && c->lines[k + 1].n <= width &&
			       !is_blank(c->lines[k + 1].s[0]) && c->lines[k + 1].s[0] != '#' &&
			       find_type(c->lines[k + 1].s, c->lines[k + 1].n, 0) != 0 &&
			       !memchr(c->lines[k + 1].s, ' ', c->lines[k + 1].n)) {
				t = c->lines[++k];
				nj = realloc(j, len + t.n + 1);
				if (!nj)
					break;
				j = nj;
				memcpy(j + len, t.s, t.n);
				len += t.n;
				j[len] = '\0';
			}
			if (pubkey_parse_line(j, len, c->work, PUBKEY_BLOB_MAX, pk) != PKL_OK)
				break;
			*joined = j;
			return k - i;
		}
		if (t.n != width)
			width = 0;
		if (after < t.n) /* a comment after it: the key had to be complete here */
			break;
	}
	free(j);
	return 0;
}

static int rfc4716(struct ctx *c, size_t *ip)
{
	size_t i = *ip, k = i + 1, b64len = 0;
	char comment[1024];
	size_t clen = 0;
	char *b64 = malloc(PASTE_IN_MAX);
	int ret = PASTE_NOMEM;
	struct pubkey pk;

	if (!b64)
		return fail(c, PASTE_NOMEM, 0, "out of memory");
	/* Headers: "Tag: value", a trailing '\' continues the value on the next line (RFC 4716 §3.3). */
	while (k < c->nlines && memchr(c->lines[k].s, ':', c->lines[k].n)) {
		struct span t = c->lines[k];
		const char *colon = memchr(t.s, ':', t.n);
		int is_comment = colon - t.s == 7 && strncasecmp(t.s, "Comment", 7) == 0;
		const char *v = colon + 1;
		size_t vn = t.n - (size_t)(v - t.s);
		clen = is_comment ? 0 : clen;
		for (;;) {
			while (vn && is_blank(*v))
				v++, vn--;
			int cont = vn && v[vn - 1] == '\\';
			if (cont)
				vn--;
			if (is_comment && clen + vn < sizeof comment) {
				memcpy(comment + clen, v, vn);
				clen += vn;
			}
			k++;
			if (!cont || k >= c->nlines)
				break;
			v = c->lines[k].s;
			vn = c->lines[k].n;
		}
		if (is_comment && clen >= 2 && comment[0] == '"' && comment[clen - 1] == '"') {
			memmove(comment, comment + 1, clen - 2);
			clen -= 2;
		}
	}
	for (; k < c->nlines; k++) {
		struct span t = c->lines[k];
		while (t.n && is_blank(*t.s))
			t.s++, t.n--;
		while (t.n && is_blank(t.s[t.n - 1]))
			t.n--;
		if (t.n >= 8 && strncmp(t.s, "---- END", 8) == 0)
			break;
		if (t.n == 0)
			continue;
		if (!b64_only(t.s, t.n)) {
			ret = fail(c, PASTE_RFC4716, k + 1, "line in the SSH2 public key block is not base64");
			goto out;
		}
		memcpy(b64 + b64len, t.s, t.n);
		b64len += t.n;
	}
	if (k >= c->nlines) {
		ret = fail(c, PASTE_RFC4716, i + 1, "SSH2 public key block has no '---- END SSH2 PUBLIC KEY ----' line");
		goto out;
	}
	if (b64len == 0) {
		ret = fail(c, PASTE_RFC4716, i + 1, "SSH2 public key block holds no key data");
		goto out;
	}
	long n = b64_decode(b64, b64len, c->work, PUBKEY_BLOB_MAX);
	struct keyblob_info info;
	int e;
	if (n < 0) {
		ret = fail(c, b64_only(b64, b64len) && b64len % 4 ? PASTE_TRUNCATED : PASTE_BASE64, i + 1,
			   "SSH2 public key block: key data is %s", b64len % 4 ? "truncated" : "not valid base64");
		goto out;
	}
	if ((e = keyblob_inspect(c->work, (size_t)n, &info)) != KB_OK) {
		ret = fail(c, e == KB_TRUNCATED ? PASTE_TRUNCATED : PASTE_BADKEY, i + 1, "SSH2 public key block: %s",
			   keyblob_strerror(e));
		goto out;
	}
	/* Rebuild as one line: "type b64 comment" and parse it like any other. */
	size_t tl = strlen(info.type), ll = tl + 1 + b64len + (clen ? clen + 1 : 0);
	char *line = malloc(ll + 1);
	if (!line) {
		ret = fail(c, PASTE_NOMEM, 0, "out of memory");
		goto out;
	}
	snprintf(line, ll + 1, "%s %.*s%s%.*s", info.type, (int)b64len, b64, clen ? " " : "", (int)clen, comment);
	int r = pubkey_parse_line(line, ll, c->work, PUBKEY_BLOB_MAX, &pk);
	ret = r == PKL_OK ? push(c, &pk, i + 1) : key_error(c, r, &pk, i + 1);
	free(line);
	c->res->fixes |= PASTE_FIX_RFC4716;
	*ip = k;
out:
	free(b64);
	return ret;
}

/* One logical line s[0..n) (trimmed), input line i. May consume following lines (*ip). */
static int one_line(struct ctx *c, const char *s, size_t n, size_t *ip)
{
	size_t ln = *ip + 1;
	struct span w0, w1;
	struct pubkey pk;
	const char *why, *fp;

	for (;;) {
		size_t a0 = word(s, n, 0, &w0);
		word(s, n, a0, &w1);
		if ((fp = fingerprint_word(w0.s, w0.n)) || (w0.n && w0.n <= 5 && w0.s[0] >= '0' && w0.s[0] <= '9' &&
							    (fp = fingerprint_word(w1.s, w1.n))))
			return fail(c, PASTE_FINGERPRINT, ln,
				    "this is a %s fingerprint, not a public key: paste the whole line of the .pub file "
				    "('TYPE BASE64 COMMENT') instead",
				    fp);
		int r = pubkey_parse_line(s, n, c->work, PUBKEY_BLOB_MAX, &pk);
		if (r == PKL_OK) {
			if (pk.opts && authkeys_opts_check(pk.opts, pk.optslen, &why) < 0)
				return fail(c, PASTE_OPTIONS, ln, "options rejected as sshd would: %s", why);
			/* Another key in the comment ("...a@b ssh-rsa AAAA..." or run together "a@bssh-rsa ..."). */
			if (pk.comment) {
				size_t co = (size_t)(pk.comment - s);
				for (size_t q = find_type(s, n, co); q < n; q = find_type(s, n, q + 1)) {
					struct pubkey t;
					if (pubkey_parse_line(s + q, n - q, c->work, PUBKEY_BLOB_MAX, &t) == PKL_OK && !t.opts &&
					    t.type == s + q) {
						r = pubkey_parse_line(s, q, c->work, PUBKEY_BLOB_MAX, &pk);
						if (r != PKL_OK)
							return key_error(c, r, &pk, ln);
						if ((r = push(c, &pk, ln)) != PASTE_OK)
							return r;
						c->res->fixes |= PASTE_FIX_SPLIT;
						s += q;
						n -= q;
						goto again;
					}
				}
				/* The trial parses above reused the work buffer: decode this key again. */
				if ((r = pubkey_parse_line(s, n, c->work, PUBKEY_BLOB_MAX, &pk)) != PKL_OK)
					return key_error(c, r, &pk, ln);
			}
			return push(c, &pk, ln);
		}
		if (!pk.opts && pk.type == w0.s && pk.type && pubkey_word_is_type(w0.s, w0.n)) {
			/* Key first, broken data: run together with the next key, or wrapped. */
			size_t q = find_type(w1.s, w1.n, 1);
			if (q < w1.n) {
				size_t cut = (size_t)(w1.s - s) + q;
				struct pubkey t;
				if (pubkey_parse_line(s, cut, c->work, PUBKEY_BLOB_MAX, &t) == PKL_OK) {
					if ((r = push(c, &t, ln)) != PASTE_OK)
						return r;
					c->res->fixes |= PASTE_FIX_SPLIT;
					s += cut;
					n -= cut;
					goto again;
				}
			}
			if (!pk.comment && (r == PKL_BASE64 || r == PKL_BLOB || r == PKL_TOOBIG)) {
				char *joined = NULL;
				struct pubkey t;
				size_t used = unwrap(c, s, n, *ip, &t, &joined);
				if (used) {
					int pr = push(c, &t, ln);
					free(joined);
					c->res->fixes |= PASTE_FIX_WRAP;
					*ip += used;
					return pr;
				}
			}
			return key_error(c, r, &pk, ln);
		}
		if (b64_only(w0.s, w0.n) && w0.n >= 16)
			return bare_b64(c, &w0, ln);
		if (pubkey_word_is_type(w0.s, w0.n) && b64_only(w1.s, w1.n)) {
			/* A mistyped or wrong type word in front of good key data. */
			struct keyblob_info info;
			long bn = b64_decode(w1.s, w1.n, c->work, PUBKEY_BLOB_MAX);
			if (bn > 0 && keyblob_inspect(c->work, (size_t)bn, &info) == KB_OK &&
			    keyblob_type_known(info.type, strlen(info.type)))
				return fail(c, PASTE_MISMATCH, ln, "the line says %.*s but the key data holds a %s key",
					    (int)(w0.n > 64 ? 64 : w0.n), w0.s, info.type);
		}
		if (r == PKL_BADOPTS)
			return fail(c, PASTE_OPTIONS, ln, "options have an unterminated quote");
		if (pk.opts && pk.type) {
			if (authkeys_opts_check(pk.opts, pk.optslen, &why) < 0) {
				if (strcmp(why, "unsupported option") == 0 && !memchr(pk.opts, '=', pk.optslen) &&
				    !memchr(pk.opts, ',', pk.optslen))
					return fail(c, PASTE_NOTKEY, ln, "not a public key line (expected 'TYPE BASE64 [COMMENT]')");
				return fail(c, PASTE_OPTIONS, ln, "options rejected as sshd would: %s", why);
			}
			if (r != PKL_NOKEY)
				return key_error(c, r, &pk, ln);
		}
		return fail(c, PASTE_NOTKEY, ln, "not a public key line (expected 'TYPE BASE64 [COMMENT]')");
again:
		while (n && is_blank(*s))
			s++, n--;
	}
}

/* Copies in to a normalised buffer: BOM and CR dropped (lone CR = newline), U+00A0 -> space.
 * Refuses control characters. */
static int normalise(struct ctx *c, const char *in, size_t n, char *out, size_t *outlen)
{
	size_t o = 0, line = 1, col = 0;

	for (size_t i = 0; i < n; i++, col++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == 0xEF && i + 2 < n && (unsigned char)in[i + 1] == 0xBB && (unsigned char)in[i + 2] == 0xBF &&
		    (o == 0 || out[o - 1] == '\n')) {
			i += 2;
			c->res->fixes |= PASTE_FIX_BOM;
			continue;
		}
		if (ch == 0xC2 && i + 1 < n && (unsigned char)in[i + 1] == 0xA0) {
			out[o++] = ' ';
			i++;
			c->res->fixes |= PASTE_FIX_NBSP;
			continue;
		}
		if (ch == '\r') {
			c->res->fixes |= PASTE_FIX_CR;
			if (i + 1 < n && in[i + 1] == '\n')
				continue;
			ch = '\n';
		}
		if (ch == '\n') {
			line++;
			col = 0;
		} else if (ch == 0) {
			return fail(c, PASTE_CTRL, line, "NUL byte at column %zu (UTF-16 text? save the key as plain UTF-8)",
				    col + 1);
		} else if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			return fail(c, PASTE_CTRL, line, "control character 0x%02x at column %zu", ch, col + 1);
		}
		out[o++] = (char)ch;
	}
	*outlen = o;
	return PASTE_OK;
}

static int private_kind(struct ctx *c, const char *in, size_t n)
{
	int k = privkey_sniff(in, n);
	if (k == PK_OK)
		return fail(c, PASTE_PRIVATE, 0, "this is an OpenSSH PRIVATE key: it must never leave your machine; "
						 "paste the .pub file instead (ssh-keygen -y -f KEY prints it)");
	if (k == PK_PEM)
		return fail(c, PASTE_PRIVATE, 0, "this is a PEM/PKCS#8 PRIVATE key: it must never leave your machine; "
						 "paste the public key instead (ssh-keygen -y -f KEY prints it)");
	if (k == PK_PUTTY)
		return fail(c, PASTE_PRIVATE, 0, "this is a PuTTY PRIVATE key (.ppk): paste PuTTYgen's "
						 "'Public key for pasting into OpenSSH authorized_keys file' instead");
	for (size_t i = 0; i + 20 <= n; i++)
		if (in[i] == '-' && n - i >= 37 && memcmp(in + i, "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY", 37) == 0)
			return fail(c, PASTE_PRIVATE, 0, "this is an SSH2 PRIVATE key: paste the public key instead");
	return PASTE_OK;
}

int paste_parse(const char *in, size_t n, struct paste_result *res)
{
	struct ctx c = { res, NULL, 0, NULL, 0 };
	char *buf = NULL;
	size_t blen = 0;
	int ret;

	memset(res, 0, sizeof *res);
	if (n > PASTE_IN_MAX) {
		ret = fail(&c, PASTE_TOOBIG, 0, "more than %u bytes", PASTE_IN_MAX);
		goto out;
	}
	if ((ret = private_kind(&c, in, n)) != PASTE_OK)
		goto out;
	if (!(buf = malloc(n + 1)) || !(c.work = malloc(PUBKEY_BLOB_MAX))) {
		ret = fail(&c, PASTE_NOMEM, 0, "out of memory");
		goto out;
	}
	if ((ret = normalise(&c, in, n, buf, &blen)) != PASTE_OK)
		goto out;
	size_t cap = 1;
	for (size_t i = 0; i < blen; i++)
		cap += buf[i] == '\n';
	if (!(c.lines = calloc(cap, sizeof *c.lines))) {
		ret = fail(&c, PASTE_NOMEM, 0, "out of memory");
		goto out;
	}
	for (size_t off = 0; off <= blen && c.nlines < cap;) {
		const char *s = buf + off, *nl = memchr(s, '\n', blen - off);
		size_t len = nl ? (size_t)(nl - s) : blen - off;
		c.lines[c.nlines].s = s;
		c.lines[c.nlines].n = len;
		c.nlines++;
		off += len + 1;
		if (!nl)
			break;
	}
	for (size_t i = 0; i < c.nlines; i++) {
		const char *s = c.lines[i].s;
		size_t len = c.lines[i].n;
		while (len && is_blank(*s))
			s++, len--;
		while (len && is_blank(s[len - 1]))
			len--;
		if (len == 0 || *s == '#')
			continue;
		/* Copied out of JSON or YAML: "ssh-ed25519 AAAA... me", with the quotes (and a comma). */
		if (len >= 3 && (*s == '"' || *s == '\'') && s[len - 1] == ',' && s[len - 2] == *s)
			len--;
		if (len >= 2 && (*s == '"' || *s == '\'') && s[len - 1] == *s) {
			struct span w;
			word(s + 1, len - 2, 0, &w);
			if (w.n && keyblob_type_known(w.s, w.n)) {
				s++;
				len -= 2;
				res->fixes |= PASTE_FIX_QUOTES;
			}
		}
		if (len >= 15 && strncmp(s, "---- BEGIN SSH2", 15) == 0 && memmem(s, len, "PUBLIC KEY", 10)) {
			if ((ret = rfc4716(&c, &i)) != PASTE_OK)
				goto out;
			continue;
		}
		if ((ret = one_line(&c, s, len, &i)) != PASTE_OK)
			goto out;
	}
	if (res->n == 0) {
		ret = fail(&c, PASTE_EMPTY, 0, "no public key in it (empty, or only comments)");
		goto out;
	}
	ret = PASTE_OK;
out:
	if (ret != PASTE_OK) {
		paste_free(res);
		res->err = ret;
	}
	free(c.lines);
	if (c.work) {
		memset(c.work, 0, PUBKEY_BLOB_MAX);
		free(c.work);
	}
	if (buf) {
		memset(buf, 0, n + 1);
		free(buf);
	}
	return ret;
}

void paste_free(struct paste_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		free(res->keys[i].line);
		free(res->keys[i].blob);
	}
	free(res->keys);
	res->keys = NULL;
	res->n = 0;
}
