/* paste.c: pasted public key text -> authorized_keys lines (see paste.h for what is fixed and what
 * is refused). Works on a normalised copy split into lines; every refusal names the input line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "b64.h"
#include "paste.h"
#include "paste_int.h"
#include "pubkey.h"

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
	if (n >= 7 + 43 && n <= 7 + 44 && strncmp(w, "SHA256:", 7) == 0 && paste_b64_only(w + 7, n - 7))
		return "SHA256";
	if (n == 4 + 47 && strncmp(w, "MD5:", 4) == 0 && md5_pairs(w + 4, 47))
		return "MD5";
	if (md5_pairs(w, n))
		return "MD5";
	return NULL;
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static size_t word(const char *s, size_t n, size_t at, struct span *w);

/* "BITS EXPONENT MODULUS [COMMENT]" in decimal: an SSH1 RSA key (OpenSSH's old identity.pub). */
static int ssh1_key(const char *s, size_t n)
{
	struct span b, e, m;
	size_t at = word(s, n, 0, &b);
	at = word(s, n, at, &e);
	word(s, n, at, &m);
	return digits(b.s, b.n) && b.n <= 5 && digits(e.s, e.n) && digits(m.s, m.n) && m.n >= 20;
}

static size_t word(const char *s, size_t n, size_t at, struct span *w)
{
	while (at < n && paste_blank(s[at]))
		at++;
	size_t b = at;
	while (at < n && !paste_blank(s[at]))
		at++;
	w->s = s + b;
	w->n = at - b;
	return at;
}

size_t paste_find_type(const char *s, size_t n, size_t from)
{
	for (size_t i = from; i < n; i++) {
		if (s[i] != 's' && s[i] != 'e')
			continue;
		if (strncmp(s + i, "ssh-", n - i < 4 ? n - i : 4) != 0 && strncmp(s + i, "ecdsa-", n - i < 6 ? n - i : 6) != 0 &&
		    strncmp(s + i, "sk-", n - i < 3 ? n - i : 3) != 0)
			continue;
		size_t e = i;
		while (e < n && !paste_blank(s[e]) && e - i <= KEYBLOB_TYPE_MAX) /* bounded: no quadratic scan */
			e++;
		if (keyblob_type_known(s + i, e - i))
			return i;
	}
	return n;
}

/* Bare base64 (no type): say what it holds. */
static int bare_b64(struct paste_ctx *c, const struct span *w, size_t ln)
{
	struct keyblob_info info;
	long n = b64_decode(w->s, w->n, c->work, PUBKEY_BLOB_MAX);

	if (w->n >= 19 && strncmp(w->s, "b3BlbnNzaC1rZXktdjE", 19) == 0)
		return paste_fail(c, PASTE_PRIVATE, ln, "this is the body of an OpenSSH private key: never paste it; "
						  "paste the .pub file instead (keydrop pubkey -f KEY prints it)");
	if (n > 0) {
		int e = keyblob_inspect(c->work, (size_t)n, &info);
		if (info.type[0] && (e == KB_OK || keyblob_type_known(info.type, strlen(info.type))))
			return paste_fail(c, PASTE_NOTYPE, ln,
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
				return paste_fail(c, PASTE_NOTYPE, ln, "key data without its key type (it starts like a %.*s key)",
					    (int)tl, (const char *)hb + 4);
		}
		return paste_fail(c, PASTE_NOTYPE, ln, "base64 without a key type in front (expected 'TYPE BASE64 [COMMENT]')");
	}
	return paste_fail(c, PASTE_NOTKEY, ln, "base64 data that is not a public key");
}

/* Base64 wrapped over several lines: s[0..n) is "type b64-start"; joins the following lines made of
 * base64 (the last may carry the comment) until the key parses. Returns lines consumed, or 0. */
static size_t unwrap(struct paste_ctx *c, const char *s, size_t n, size_t i, struct pubkey *pk, char **joined)
{
	size_t cap = n + 1, len = n, width = c->lines[i].n;
	char *j = malloc(cap);

	if (!j)
		return 0;
	memcpy(j, s, n);
	for (size_t k = i + 1; k < c->nlines; k++) {
		struct span t = c->lines[k], v;
		size_t after = word(t.s, t.n, 0, &v);
		if (!paste_b64_only(v.s, v.n) || len - n > B64_ENCLEN(PUBKEY_BLOB_MAX) + 8)
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
			       !paste_blank(c->lines[k + 1].s[0]) && c->lines[k + 1].s[0] != '#' &&
			       paste_find_type(c->lines[k + 1].s, c->lines[k + 1].n, 0) != 0 &&
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

/* "options rejected as sshd would: REASON at 'OPTION...'" (the option text is quoted, shortened). */
static int opts_error(struct paste_ctx *c, const struct pubkey *pk, const char *why, size_t at, size_t ln)
{
	size_t n = authkeys_opt_len(pk->opts, pk->optslen, at);
	return paste_fail(c, PASTE_OPTIONS, ln, "bad options: %s at '%.*s%s'", why,
			  (int)(n > 40 ? 40 : n), pk->opts + at, n > 40 ? "..." : "");
}

/* One logical line s[0..n) (trimmed), input line i. May consume following lines (*ip). */
static int one_line(struct paste_ctx *c, const char *s, size_t n, size_t *ip)
{
	size_t ln = *ip + 1;
	struct span w0, w1;
	struct pubkey pk;
	const char *why, *fp;
	size_t at;

	for (;;) {
		size_t a0 = word(s, n, 0, &w0);
		word(s, n, a0, &w1);
		if ((fp = fingerprint_word(w0.s, w0.n)) || (w0.n && w0.n <= 5 && w0.s[0] >= '0' && w0.s[0] <= '9' &&
							    (fp = fingerprint_word(w1.s, w1.n))))
			return paste_fail(c, PASTE_FINGERPRINT, ln,
				    "this is a %s fingerprint, not a public key: paste the whole line of the .pub file "
				    "('TYPE BASE64 COMMENT') instead",
				    fp);
		int r = pubkey_parse_line(s, n, c->work, PUBKEY_BLOB_MAX, &pk);
		if (r == PKL_OK) {
			if (pk.opts && authkeys_opts_check_at(pk.opts, pk.optslen, &why, &at) < 0)
				return opts_error(c, &pk, why, at, ln);
			/* Another key in the comment ("...a@b ssh-rsa AAAA..." or run together "a@bssh-rsa ..."). */
			if (pk.comment) {
				size_t co = (size_t)(pk.comment - s);
				for (size_t q = paste_find_type(s, n, co); q < n; q = paste_find_type(s, n, q + 1)) {
					struct pubkey t;
					if (pubkey_parse_line(s + q, n - q, c->work, PUBKEY_BLOB_MAX, &t) == PKL_OK && !t.opts &&
					    t.type == s + q) {
						r = pubkey_parse_line(s, q, c->work, PUBKEY_BLOB_MAX, &pk);
						if (r != PKL_OK)
							return paste_key_error(c, r, &pk, ln);
						if ((r = paste_push(c, &pk, ln)) != PASTE_OK)
							return r;
						c->res->fixes |= PASTE_FIX_SPLIT;
						s += q;
						n -= q;
						goto again;
					}
				}
				/* The trial parses above reused the work buffer: decode this key again. */
				if ((r = pubkey_parse_line(s, n, c->work, PUBKEY_BLOB_MAX, &pk)) != PKL_OK)
					return paste_key_error(c, r, &pk, ln);
			}
			return paste_push(c, &pk, ln);
		}
		if (!pk.opts && pk.type == w0.s && pk.type && pubkey_word_is_type(w0.s, w0.n)) {
			/* Key first, broken data: run together with the next key, or wrapped. */
			size_t q = paste_find_type(w1.s, w1.n, 1);
			if (q < w1.n) {
				size_t cut = (size_t)(w1.s - s) + q;
				struct pubkey t;
				if (pubkey_parse_line(s, cut, c->work, PUBKEY_BLOB_MAX, &t) == PKL_OK) {
					if ((r = paste_push(c, &t, ln)) != PASTE_OK)
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
					int pr = paste_push(c, &t, ln);
					free(joined);
					c->res->fixes |= PASTE_FIX_WRAP;
					*ip += used;
					return pr;
				}
			}
			return paste_key_error(c, r, &pk, ln);
		}
		if (paste_b64_only(w0.s, w0.n) && w0.n >= 16 && !digits(w0.s, w0.n))
			return bare_b64(c, &w0, ln);
		if (ssh1_key(s, n))
			return paste_fail(c, PASTE_NOTKEY, ln, "this is an SSH1 (RSA1) public key: sshd has not accepted "
							   "SSH protocol 1 keys since OpenSSH 7.4; make a new key (keydrop keygen)");
		if (pubkey_word_is_type(w0.s, w0.n) && paste_b64_only(w1.s, w1.n)) {
			/* A mistyped or wrong type word in front of good key data. */
			struct keyblob_info info;
			long bn = b64_decode(w1.s, w1.n, c->work, PUBKEY_BLOB_MAX);
			if (bn > 0 && keyblob_inspect(c->work, (size_t)bn, &info) == KB_OK &&
			    keyblob_type_known(info.type, strlen(info.type)))
				return paste_fail(c, PASTE_MISMATCH, ln, "key type does not match the key data: the line says %.*s but the key data holds a %s key",
					    (int)(w0.n > 64 ? 64 : w0.n), w0.s, info.type);
		}
		if (r == PKL_BADOPTS)
			return paste_fail(c, PASTE_OPTIONS, ln, "options have an unterminated quote");
		if (pk.opts && pk.type) {
			if (authkeys_opts_check_at(pk.opts, pk.optslen, &why, &at) < 0) {
				if (strcmp(why, "unknown key option") == 0 && at == 0 && !memchr(pk.opts, '=', pk.optslen) &&
				    !memchr(pk.opts, ',', pk.optslen))
					return paste_fail(c, PASTE_NOTKEY, ln, "not a public key line (expected 'TYPE BASE64 [COMMENT]')");
				return opts_error(c, &pk, why, at, ln);
			}
			if (r != PKL_NOKEY)
				return paste_key_error(c, r, &pk, ln);
		}
		return paste_fail(c, PASTE_NOTKEY, ln, "not a public key line (expected 'TYPE BASE64 [COMMENT]')");
again:
		while (n && paste_blank(*s))
			s++, n--;
	}
}

int paste_parse(const char *in, size_t n, struct paste_result *res)
{
	struct paste_ctx c = { res, NULL, 0, NULL, 0 };
	char *buf = NULL;
	size_t blen = 0;
	int ret;

	memset(res, 0, sizeof *res);
	if (n > PASTE_IN_MAX) {
		ret = paste_fail(&c, PASTE_TOOBIG, 0, "more than %u bytes", PASTE_IN_MAX);
		goto out;
	}
	if ((ret = paste_private(&c, in, n)) != PASTE_OK)
		goto out;
	if (!(buf = malloc(n + 1)) || !(c.work = malloc(PUBKEY_BLOB_MAX))) {
		ret = paste_fail(&c, PASTE_NOMEM, 0, "out of memory");
		goto out;
	}
	if ((ret = paste_normalise(&c, in, n, buf, &blen)) != PASTE_OK)
		goto out;
	size_t cap = 1;
	for (size_t i = 0; i < blen; i++)
		cap += buf[i] == '\n';
	if (!(c.lines = calloc(cap, sizeof *c.lines))) {
		ret = paste_fail(&c, PASTE_NOMEM, 0, "out of memory");
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
		while (len && paste_blank(*s))
			s++, len--;
		while (len && paste_blank(s[len - 1]))
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
			if ((ret = paste_rfc4716(&c, &i)) != PASTE_OK)
				goto out;
			continue;
		}
		if ((ret = one_line(&c, s, len, &i)) != PASTE_OK)
			goto out;
	}
	if (res->n == 0 && res->nskipped > 0) {
		ret = paste_fail(&c, PASTE_UNKNOWN, res->skipped[0].srcline,
				 "key type %s is not one keydrop knows: it cannot check such a key, so it does not take it",
				 res->skipped[0].type);
		goto out;
	}
	if (res->n == 0) {
		ret = paste_fail(&c, PASTE_EMPTY, 0, "no public key in it (empty, or only comments)");
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
	free(res->skipped);
	res->skipped = NULL;
	res->nskipped = 0;
}

long paste_first_expired(const struct paste_result *res, long long now, long gmtoff)
{
	for (size_t i = 0; i < res->n; i++)
		if (authkeys_opts_expired(res->keys[i].opts, res->keys[i].optslen, now, gmtoff))
			return (long)i;
	return -1;
}
