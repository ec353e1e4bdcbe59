/* pemkey.c: PEM armour (RFC 7468, with RFC 1421 headers) and a strict DER reader (X.690 §10:
 * definite, minimal lengths; minimal non-negative INTEGERs; no bytes left inside a structure). */
#include <string.h>

#include "b64.h"
#include "pemkey.h"
#include "privkey.h"
#include "secret.h"

#define LABEL_MAX 64

struct der {
	const uint8_t *p;
	size_t n;
};

/* Takes one element with the given tag from the front of d; its contents go to inner. */
static int der_take(struct der *d, uint8_t tag, struct der *inner)
{
	size_t len, hl;

	if (d->n < 2 || d->p[0] != tag)
		return -1;
	if (d->p[1] < 0x80) {
		len = d->p[1];
		hl = 2;
	} else {
		size_t k = d->p[1] & 0x7f;
		/* 0x80 is BER's indefinite length; more than 3 length bytes is more than any key. */
		if (k == 0 || k > 3 || d->n < 2 + k || d->p[2] == 0)
			return -1;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | d->p[2 + i];
		if (len < 0x80) /* the short form would do: not DER */
			return -1;
		hl = 2 + k;
	}
	if (len > d->n - hl)
		return -1;
	inner->p = d->p + hl;
	inner->n = len;
	d->p += hl + len;
	d->n -= hl + len;
	return 0;
}

/* A non-negative INTEGER, minimally encoded; v gets its magnitude without leading zeros. */
static int der_uint(struct der *d, struct pemkey_int *v)
{
	struct der i;

	if (der_take(d, 0x02, &i) < 0 || i.n == 0 || (i.p[0] & 0x80))
		return -1;
	if (i.n > 1 && i.p[0] == 0 && !(i.p[1] & 0x80))
		return -1;
	while (i.n > 0 && i.p[0] == 0)
		i.p++, i.n--;
	v->p = i.p;
	v->n = i.n;
	return 0;
}

static int der_version(struct der *d, unsigned *v)
{
	struct pemkey_int x;

	if (der_uint(d, &x) < 0 || x.n > 1)
		return -1;
	*v = x.n ? x.p[0] : 0;
	return 0;
}

static int is_oid(const struct der *o, const uint8_t *want, size_t n)
{
	return o->n == n && memcmp(o->p, want, n) == 0;
}

static const uint8_t OID_RSA[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t OID_EC[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t OID_ED25519[] = { 0x2b, 0x65, 0x70 };
static const uint8_t OID_DSA[] = { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01 };
static const uint8_t OID_P256[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 };
static const uint8_t OID_P384[] = { 0x2b, 0x81, 0x04, 0x00, 0x22 };
static const uint8_t OID_P521[] = { 0x2b, 0x81, 0x04, 0x00, 0x23 };

/* The group orders (SEC 2 §2.4.2, 2.5.1, 2.6.1): a private scalar must be below them. */
static const uint8_t ORDER_P256[] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51
};
static const uint8_t ORDER_P384[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
	0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73
};
static const uint8_t ORDER_P521[] = {
	0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xfa, 0x51, 0x86, 0x87, 0x83, 0xbf, 0x2f, 0x96, 0x6b, 0x7f, 0xcc, 0x01, 0x48, 0xf7, 0x09,
	0xa5, 0xd0, 0x3b, 0xb5, 0xc9, 0xb8, 0x89, 0x9c, 0x47, 0xae, 0xbb, 0x6f, 0xb7, 0x1e, 0x91, 0x38,
	0x64, 0x09
};

/* Curve parameters: an OID names P-256/384/521 (PK_OK, *bits set); explicit parameters (a
 * SEQUENCE, what `openssl ec -param_enc explicit` writes), implicitCA (NULL) and other named
 * curves are PK_TYPE: sshd knows only the three named curves. */
static int curve_params(struct der *d, unsigned *bits)
{
	struct der o;

	if (d->n > 0 && (d->p[0] == 0x30 || d->p[0] == 0x05))
		return PK_TYPE;
	if (der_take(d, 0x06, &o) < 0)
		return PK_FORMAT;
	if (is_oid(&o, OID_P256, sizeof OID_P256))
		*bits = 256;
	else if (is_oid(&o, OID_P384, sizeof OID_P384))
		*bits = 384;
	else if (is_oid(&o, OID_P521, sizeof OID_P521))
		*bits = 521;
	else
		return PK_TYPE;
	return PK_OK;
}

/* Big-endian a < b, both stripped of leading zeros. */
static int mag_less(const struct pemkey_int *a, const uint8_t *b, size_t bn)
{
	if (a->n != bn)
		return a->n < bn;
	return memcmp(a->p, b, bn) < 0;
}

/* RSAPrivateKey (RFC 8017 A.1.2): version 0 (1 is multi-prime: PK_TYPE), n e d p q dp dq qinv. */
static int parse_rsa(struct der d, struct pemkey *out)
{
	struct der s;
	struct pemkey_int dp, dq;
	unsigned v;

	if (der_take(&d, 0x30, &s) < 0 || d.n != 0 || der_version(&s, &v) < 0)
		return PK_FORMAT;
	if (v != 0)
		return v == 1 ? PK_TYPE : PK_FORMAT;
	if (der_uint(&s, &out->n) < 0 || der_uint(&s, &out->e) < 0 || der_uint(&s, &out->d) < 0 ||
	    der_uint(&s, &out->p) < 0 || der_uint(&s, &out->q) < 0 || der_uint(&s, &dp) < 0 ||
	    der_uint(&s, &dq) < 0 || der_uint(&s, &out->iqmp) < 0 || s.n != 0)
		return PK_FORMAT;
	if (!out->n.n || !out->e.n || !out->d.n || !out->p.n || !out->q.n || !out->iqmp.n)
		return PK_FORMAT;
	out->alg = PEMKEY_RSA;
	return PK_OK;
}

/* ECPrivateKey (RFC 5915 §3): version 1, privateKey, [0] parameters, [1] publicKey. curve is the
 * PKCS#8 algorithm's curve (0 for a SEC1 file, which must then name its own). */
static int parse_ec(struct der d, unsigned curve, struct pemkey *out)
{
	struct der s, k, t, bs;
	unsigned v, own = 0;
	int r;

	if (der_take(&d, 0x30, &s) < 0 || d.n != 0 || der_version(&s, &v) < 0 || v != 1 ||
	    der_take(&s, 0x04, &k) < 0)
		return PK_FORMAT;
	if (s.n > 0 && s.p[0] == 0xa0) {
		if (der_take(&s, 0xa0, &t) < 0)
			return PK_FORMAT;
		if ((r = curve_params(&t, &own)) != PK_OK)
			return r;
		if (t.n != 0 || (curve && own != curve))
			return PK_FORMAT;
	}
	if (!curve && !(curve = own))
		return PK_FORMAT;
	size_t fb = (curve + 7) / 8;
	const uint8_t *order = curve == 256 ? ORDER_P256 : curve == 384 ? ORDER_P384 : ORDER_P521;
	size_t ordern = curve == 256 ? sizeof ORDER_P256 : curve == 384 ? sizeof ORDER_P384 : sizeof ORDER_P521;
	if (k.n == 0 || k.n > fb)
		return PK_FORMAT;
	out->ecd.p = k.p;
	out->ecd.n = k.n;
	while (out->ecd.n > 0 && out->ecd.p[0] == 0)
		out->ecd.p++, out->ecd.n--;
	if (out->ecd.n == 0 || !mag_less(&out->ecd, order, ordern))
		return PK_FORMAT;
	out->ecq = NULL;
	out->ecqlen = 0;
	if (s.n > 0) {
		if (der_take(&s, 0xa1, &t) < 0 || der_take(&t, 0x03, &bs) < 0 || t.n != 0 || bs.n < 2 ||
		    bs.p[0] != 0)
			return PK_FORMAT;
		out->ecq = bs.p + 1;
		out->ecqlen = bs.n - 1;
		/* uncompressed (04 X Y) or compressed (02/03 X) */
		if (!((out->ecq[0] == 4 && out->ecqlen == 1 + 2 * fb) ||
		      ((out->ecq[0] == 2 || out->ecq[0] == 3) && out->ecqlen == 1 + fb)))
			return PK_FORMAT;
	}
	if (s.n != 0)
		return PK_FORMAT;
	out->curve = curve;
	out->alg = PEMKEY_EC;
	return PK_OK;
}

/* DSAPrivateKey as OpenSSL writes it: version 0, p, q, g, y, x. Refused, but read for its public half. */
static int parse_dsa(struct der d, struct pemkey *out)
{
	struct der s;
	unsigned v;

	if (der_take(&d, 0x30, &s) < 0 || d.n != 0 || der_version(&s, &v) < 0 || v != 0 ||
	    der_uint(&s, &out->dp) < 0 || der_uint(&s, &out->dq) < 0 || der_uint(&s, &out->dg) < 0 ||
	    der_uint(&s, &out->dy) < 0 || der_uint(&s, &out->dx) < 0 || s.n != 0)
		return PK_FORMAT;
	out->alg = PEMKEY_DSA;
	return PK_DSA;
}

/* PrivateKeyInfo / OneAsymmetricKey (RFC 5958 §2): version, algorithm, privateKey,
 * [0] attributes, [1] publicKey (version 1 only). */
static int parse_pkcs8(struct der d, struct pemkey *out)
{
	struct der s, alg, oid, key, t, pubk = { NULL, 0 };
	unsigned v, curve = 0;
	int r;

	if (der_take(&d, 0x30, &s) < 0 || d.n != 0 || der_version(&s, &v) < 0 || v > 1 ||
	    der_take(&s, 0x30, &alg) < 0 || der_take(&alg, 0x06, &oid) < 0 || der_take(&s, 0x04, &key) < 0)
		return PK_FORMAT;
	if (s.n > 0 && s.p[0] == 0xa0 && der_take(&s, 0xa0, &t) < 0)
		return PK_FORMAT;
	if (s.n > 0 && (v != 1 || der_take(&s, 0x81, &pubk) < 0))
		return PK_FORMAT;
	if (s.n != 0)
		return PK_FORMAT;
	out->armour = PEMKEY_PKCS8;
	if (is_oid(&oid, OID_RSA, sizeof OID_RSA)) {
		/* parameters: NULL (absent tolerated) */
		if (alg.n != 0 && (der_take(&alg, 0x05, &t) < 0 || t.n != 0 || alg.n != 0))
			return PK_FORMAT;
		return parse_rsa(key, out);
	}
	if (is_oid(&oid, OID_EC, sizeof OID_EC)) {
		if ((r = curve_params(&alg, &curve)) != PK_OK)
			return r;
		if (alg.n != 0)
			return PK_FORMAT;
		return parse_ec(key, curve, out);
	}
	if (is_oid(&oid, OID_ED25519, sizeof OID_ED25519)) {
		/* RFC 8410 §7: no parameters; the key is an OCTET STRING inside the OCTET STRING. */
		if (alg.n != 0 || der_take(&key, 0x04, &t) < 0 || key.n != 0 || t.n != 32)
			return PK_FORMAT;
		out->seed = t.p;
		out->edpub = NULL;
		if (pubk.p) {
			if (pubk.n != 33 || pubk.p[0] != 0)
				return PK_FORMAT;
			out->edpub = pubk.p + 1;
		}
		out->alg = PEMKEY_ED25519;
		return PK_OK;
	}
	if (is_oid(&oid, OID_DSA, sizeof OID_DSA)) {
		/* Dss-Parms p, q, g; the key is an INTEGER x inside the OCTET STRING. */
		struct der prm;
		if (der_take(&alg, 0x30, &prm) < 0 || alg.n != 0 || der_uint(&prm, &out->dp) < 0 ||
		    der_uint(&prm, &out->dq) < 0 || der_uint(&prm, &out->dg) < 0 || prm.n != 0 ||
		    der_uint(&key, &out->dx) < 0 || key.n != 0)
			return PK_FORMAT;
		out->dy.p = NULL;
		out->dy.n = 0;
		out->alg = PEMKEY_DSA;
		return PK_DSA;
	}
	return PK_TYPE; /* X25519, Ed448, RSASSA-PSS, GOST, ... */
}

/* ---- armour ---------------------------------------------------------------------------------- */

struct block {
	const char *label; /* between "-----BEGIN " and "-----" */
	size_t labellen;
	const char *body, *end; /* after the BEGIN line; the END line */
	const char *next;       /* after the END line */
};

static const char *find_mem(const char *hay, size_t n, const char *needle, size_t k)
{
	for (size_t i = 0; k <= n && i <= n - k; i++) {
		const char *p = memchr(hay + i, needle[0], n - k - i + 1);
		if (!p)
			return NULL;
		i = (size_t)(p - hay);
		if (memcmp(p, needle, k) == 0)
			return p;
	}
	return NULL;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl : end;
}

static int blank_to(const char *p, const char *e)
{
	for (; p < e; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return 0;
	return 1;
}

/* The next "-----BEGIN LABEL-----" line at the start of a line at or after p, with its END line.
 * Returns 1 (found), 0 (none), or PK_FORMAT (a BEGIN without its END, a bad label). */
static int next_block(const char *text, const char *p, const char *end, struct block *b)
{
	static const char begin[] = "-----BEGIN ";
	for (;;) {
		const char *q = find_mem(p, (size_t)(end - p), begin, sizeof begin - 1);
		if (!q)
			return 0;
		if (q != text && q[-1] != '\n') {
			p = q + 1;
			continue;
		}
		const char *le = line_end(q, end);
		const char *l = q + sizeof begin - 1;
		const char *dash = find_mem(l, (size_t)(le - l), "-----", 5);
		if (!dash || dash == l || (size_t)(dash - l) > LABEL_MAX || !blank_to(dash + 5, le))
			return PK_FORMAT;
		if (le == end)
			return PK_FORMAT;
		b->label = l;
		b->labellen = (size_t)(dash - l);
		b->body = le + 1;
		/* "-----END " LABEL "-----" at the start of a line */
		char want[LABEL_MAX + 16];
		size_t wn = 10;
		memcpy(want, "\n-----END ", wn);
		memcpy(want + wn, l, b->labellen);
		wn += b->labellen;
		memcpy(want + wn, "-----", 5);
		wn += 5;
		const char *e = find_mem(le, (size_t)(end - le), want, wn);
		if (!e)
			return PK_FORMAT;
		b->end = e + 1;
		const char *ee = line_end(e + wn, end);
		if (!blank_to(e + wn, ee))
			return PK_FORMAT;
		b->next = ee;
		return 1;
	}
}

static int label_is(const struct block *b, const char *s)
{
	return b->labellen == strlen(s) && memcmp(b->label, s, b->labellen) == 0;
}

/* Base64 of the body (RFC 1421 headers first: "Proc-Type: 4,ENCRYPTED" means encrypted). */
static long body_decode(const struct block *b, uint8_t *work, size_t cap)
{
	const char *p = b->body;
	const char *le = line_end(p, b->end);
	if (memchr(p, ':', (size_t)(le - p))) {
		int enc = 0;
		while (p < b->end) {
			le = line_end(p, b->end);
			if (blank_to(p, le))
				break;
			if ((size_t)(le - p) >= 10 && memcmp(p, "Proc-Type:", 10) == 0 &&
			    find_mem(p, (size_t)(le - p), "ENCRYPTED", 9))
				enc = 1;
			p = le + 1;
		}
		if (enc)
			return PK_PEM_ENCRYPTED;
		return PK_FORMAT; /* headers we do not know */
	}
	long r = b64_decode_spaced(p, (size_t)(b->end - p), work, cap);
	if (r == -2)
		return PK_TOOBIG;
	return r <= 0 ? PK_FORMAT : r;
}

int pemkey_decode(const char *text, size_t n, uint8_t *work, size_t cap, struct pemkey *out)
{
	struct block b, key = { 0 };
	const char *p = text, *end = text + n;
	int r, found = 0;

	memset(out, 0, sizeof *out);
	while ((r = next_block(text, p, end, &b)) == 1) {
		p = b.next;
		if (b.labellen < 11 || memcmp(b.label + b.labellen - 11, "PRIVATE KEY", 11) != 0)
			continue; /* EC PARAMETERS, a certificate, ...: text around the key */
		if (found)
			return PK_MULTI;
		key = b;
		found = 1;
	}
	if (r < 0)
		return r;
	if (!found)
		return PK_NOT_KEY;
	enum pemkey_armour arm;
	if (label_is(&key, "RSA PRIVATE KEY"))
		arm = PEMKEY_PKCS1;
	else if (label_is(&key, "EC PRIVATE KEY"))
		arm = PEMKEY_SEC1;
	else if (label_is(&key, "DSA PRIVATE KEY"))
		arm = PEMKEY_PKCS1; /* the traditional form, as for RSA */
	else if (label_is(&key, "PRIVATE KEY"))
		arm = PEMKEY_PKCS8;
	else if (label_is(&key, "ENCRYPTED PRIVATE KEY"))
		return PK_PEM_ENCRYPTED;
	else
		return PK_TYPE;
	long len = body_decode(&key, work, cap);
	if (len < 0)
		return (int)len;
	struct der d = { work, (size_t)len };
	out->armour = arm;
	if (label_is(&key, "DSA PRIVATE KEY"))
		r = parse_dsa(d, out);
	else if (arm == PEMKEY_PKCS1)
		r = parse_rsa(d, out);
	else if (arm == PEMKEY_SEC1)
		r = parse_ec(d, 0, out);
	else
		r = parse_pkcs8(d, out);
	if (r != PK_OK && r != PK_DSA) {
		struct pemkey z = { 0 };
		*out = z;
	}
	return r;
}
