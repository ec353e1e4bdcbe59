/* tls_policy.c: the certificate rules BearSSL 0.6's minimal validator leaves out (README, "Keys over
 * HTTPS"): host names from subjectAltName only, no wildcard over a public suffix, serverAuth
 * EKU, RSA >= 2048 bits, no MD5/SHA-1 signatures, dNSName nameConstraints. Pure: DER in, verdict out;
 * every loop advances through a bounded buffer (fuzz_cert). */
#include <string.h>

#include "tls.h"

static int oid_eq(const unsigned char *v, size_t n, const char *oid, size_t on)
{
	return n == on && memcmp(v, oid, on) == 0;
}

/* Signature algorithms built on MD2, MD5 or SHA-1 (RSA PKCS#1 1.2.840.113549.1.1.{2,4,5}, ECDSA
 * 1.2.840.10045.4.1, DSA 1.2.840.10040.4.3, and OIW's sha1WithRSA 1.3.14.3.2.29). */
static int sig_is_weak(const unsigned char *v, size_t n)
{
	static const char pkcs1[] = "\x2a\x86\x48\x86\xf7\x0d\x01\x01";
	if (n == 9 && memcmp(v, pkcs1, 8) == 0 && (v[8] == 2 || v[8] == 4 || v[8] == 5))
		return 1;
	return oid_eq(v, n, "\x2a\x86\x48\xce\x3d\x04\x01", 7) || oid_eq(v, n, "\x2a\x86\x48\xce\x38\x04\x03", 7) ||
	       oid_eq(v, n, "\x2b\x0e\x03\x02\x1d", 5);
}

/* Bits of a big-endian unsigned integer without leading zero bytes. */
static unsigned int_bits(const unsigned char *v, size_t n)
{
	while (n > 0 && *v == 0) {
		v++;
		n--;
	}
	if (n == 0)
		return 0;
	unsigned b = (unsigned)(n - 1) * 8;
	for (unsigned c = *v; c; c >>= 1)
		b++;
	return b;
}

/* EKU (2.5.29.37): serverAuth (1.3.6.1.5.5.7.3.1) or anyExtendedKeyUsage (2.5.29.37.0) in it? */
static int eku_allows_server(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *v;
	size_t vl;
	int tag;

	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return 0;
	for (p = v, end = v + vl; p < end;) {
		if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x06)
			return 0;
		if (oid_eq(v, vl, "\x2b\x06\x01\x05\x05\x07\x03\x01", 8) || oid_eq(v, vl, "\x55\x1d\x25\x00", 4))
			return 1;
	}
	return 0;
}

int tls_cert_ext(const unsigned char *der, size_t len, struct tls_certext *x)
{
	struct tls_certfacts f;
	const unsigned char *p = der, *end = der + len, *v, *tbs, *tbe;
	size_t vl;
	int tag;

	memset(x, 0, sizeof *x);
	if (tls_cert_parse(der, len, &f) != 0)
		return -1;
	if (f.key_type == BR_KEYTYPE_RSA)
		x->rsa_bits = int_bits(f.n, f.nlen);
	/* Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature } */
	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1;
	p = v;
	end = v + vl;
	if (tls_der_next(&p, end, &tag, &tbs, &vl) != 0 || tag != 0x30)
		return -1;
	tbe = tbs + vl;
	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1;
	{
		const unsigned char *a = v, *ae = v + vl, *oid;
		size_t ol;
		if (tls_der_next(&a, ae, &tag, &oid, &ol) != 0 || tag != 0x06)
			return -1;
		x->sig_weak = sig_is_weak(oid, ol);
	}
	/* tbsCertificate: [0] version, serial, signature, issuer, validity, subject, SPKI, [1], [2], [3] */
	p = tbs;
	if (p < tbe && *p == 0xa0 && tls_der_next(&p, tbe, &tag, &v, &vl) != 0)
		return -1;
	for (int i = 0; i < 6; i++)
		if (tls_der_next(&p, tbe, &tag, &v, &vl) != 0)
			return -1;
	const unsigned char *ext = NULL;
	size_t extl = 0;
	while (p < tbe && !ext) {
		if (tls_der_next(&p, tbe, &tag, &v, &vl) != 0)
			return -1;
		if (tag == 0xa3) {
			ext = v;
			extl = vl;
		} else if (tag != 0x81 && tag != 0x82 && tag != 0xa1 && tag != 0xa2) {
			return -1;
		}
	}
	if (!ext)
		return 0; /* no extensions */
	{
		const unsigned char *e = ext;
		if (tls_der_next(&e, ext + extl, &tag, &v, &vl) != 0 || tag != 0x30)
			return -1;
	}
	for (const unsigned char *e = v, *ee = v + vl; e < ee;) {
		const unsigned char *xv, *oid, *val;
		size_t xl, ol, al;
		if (tls_der_next(&e, ee, &tag, &xv, &xl) != 0 || tag != 0x30)
			return -1;
		const unsigned char *q = xv, *qe = xv + xl;
		if (tls_der_next(&q, qe, &tag, &oid, &ol) != 0 || tag != 0x06)
			return -1;
		if (q < qe && *q == 0x01 && tls_der_next(&q, qe, &tag, &val, &al) != 0)
			return -1; /* critical BOOLEAN */
		if (tls_der_next(&q, qe, &tag, &val, &al) != 0 || tag != 0x04)
			return -1;
		if (oid_eq(oid, ol, "\x55\x1d\x11", 3)) { /* subjectAltName: GeneralNames SEQUENCE */
			const unsigned char *s = val, *sv;
			size_t sl;
			if (x->san || tls_der_next(&s, val + al, &tag, &sv, &sl) != 0 || tag != 0x30)
				return -1; /* a second SAN would let two parsers disagree */
			x->san = sv;
			x->sanlen = sl;
		} else if (oid_eq(oid, ol, "\x55\x1d\x25", 3)) {
			if (x->has_eku)
				return -1;
			x->has_eku = 1;
			x->eku_server = eku_allows_server(val, val + al);
		} else if (oid_eq(oid, ol, "\x55\x1d\x1e", 3)) { /* nameConstraints SEQUENCE */
			const unsigned char *s = val, *sv;
			size_t sl;
			if (x->nc || tls_der_next(&s, val + al, &tag, &sv, &sl) != 0 || tag != 0x30)
				return -1;
			x->nc = sv;
			x->nclen = sl;
		}
	}
	return 0;
}

/* ---- names ----------------------------------------------------------------------------------- */

static unsigned char lc(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int name_eq(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (lc(a[i]) != lc(b[i]))
			return 0;
	return 1;
}

/* A name without a trailing dot (the host from a URL may end in one; certificates never do). */
static size_t trim_dot(const unsigned char *s, size_t n)
{
	return n > 1 && s[n - 1] == '.' ? n - 1 : n;
}

static size_t count_labels(const unsigned char *s, size_t n)
{
	size_t k = n ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.')
			k++;
	return k;
}

/* Second-level labels that ccTLD registries sell names under (co.uk, com.au, ac.jp, gov.br...):
 * a wildcard directly above one of them covers a whole public suffix. */
static int cc_second_level(const unsigned char *s, size_t n)
{
	/* Rows of chars, not pointers: no start-up relocation per label (a static PIE: 32 bytes each). */
	static const char sl[][5] = { "ac", "co", "com", "edu", "gob", "go", "gov", "govt", "ltd", "mil", "ne",
				      "net", "nic", "nom", "or", "org", "plc", "sch", "gen", "info", "biz", "web" };
	for (size_t i = 0; i < sizeof sl / sizeof sl[0]; i++)
		if (name_eq(s, n, (const unsigned char *)sl[i], strlen(sl[i])))
			return 1;
	return 0;
}

/* The wildcard rule (tls.h): "*." + R, where R has at least two labels, none empty, and is
 * not "<ac|co|com|edu|gov|net|org|...>.<2-letter TLD>". */
int tls_wildcard_allowed(const unsigned char *pat, size_t n)
{
	if (n < 2 || pat[0] != '*' || pat[1] != '.')
		return 0;
	const unsigned char *r = pat + 2;
	size_t rn = n - 2;
	if (rn == 0 || r[0] == '.' || r[rn - 1] == '.' || memchr(r, '*', rn))
		return 0;
	for (size_t i = 1; i < rn; i++)
		if (r[i] == '.' && r[i - 1] == '.')
			return 0;
	size_t labels = count_labels(r, rn);
	if (labels < 2)
		return 0;
	if (labels == 2) {
		const unsigned char *dot = memchr(r, '.', rn);
		size_t first = (size_t)(dot - r), tld = rn - first - 1;
		if (tld == 2 && cc_second_level(r, first))
			return 0;
	}
	return 1;
}

/* Does the pattern (a SAN dNSName, possibly "*.R") name host? *wild: it matched only as a wildcard. */
static int pattern_matches(const unsigned char *pat, size_t pn, const unsigned char *host, size_t hn, int *wild)
{
	*wild = 0;
	if (name_eq(pat, pn, host, hn))
		return 1;
	if (pn < 3 || pat[0] != '*' || pat[1] != '.')
		return 0;
	const unsigned char *dot = memchr(host, '.', hn);
	if (!dot || dot == host)
		return 0; /* the '*' stands for exactly one non-empty label */
	*wild = 1;
	return name_eq(pat + 1, pn - 1, dot, hn - (size_t)(dot - host));
}

/* Calls fn on every dNSName of the SAN GeneralNames; stops on non-zero. -1 on malformed. */
static int san_each(const struct tls_certext *x, int (*fn)(void *, const unsigned char *, size_t), void *arg)
{
	const unsigned char *p = x->san, *end, *v;
	size_t vl;
	int tag, r;

	if (!x->san)
		return 0;
	end = x->san + x->sanlen;
	while (p < end) {
		if (tls_der_next(&p, end, &tag, &v, &vl) != 0)
			return -1;
		if (tag == 0x82 && (r = fn(arg, v, vl)) != 0)
			return r;
	}
	return 0;
}

struct hostq {
	const unsigned char *host;
	size_t hn;
	int ndns, exact, wild_ok, wild_bad;
	struct tls_polinfo *info;
};

static void set_name(struct tls_polinfo *info, const unsigned char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < sizeof info->name; i++)
		info->name[o++] = (char)(s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?');
	info->name[o] = 0;
}

static int host_one(void *arg, const unsigned char *pat, size_t pn)
{
	struct hostq *q = arg;
	int wild;

	q->ndns++;
	if (!pattern_matches(pat, pn, q->host, q->hn, &wild))
		return 0;
	if (!wild) {
		q->exact = 1;
	} else if (tls_wildcard_allowed(pat, pn)) {
		q->wild_ok = 1;
	} else if (!q->wild_bad) {
		q->wild_bad = 1;
		set_name(q->info, pat, pn);
	}
	return 0;
}

int tls_check_host(const struct tls_certext *leaf, const char *host, struct tls_polinfo *info)
{
	struct hostq q = { (const unsigned char *)host, trim_dot((const unsigned char *)host, strlen(host)), 0, 0, 0, 0, info };

	if (san_each(leaf, host_one, &q) != 0)
		return TLS_POL_MALFORMED;
	if (q.exact || q.wild_ok)
		return 0;
	if (q.wild_bad)
		return TLS_POL_WILDCARD;
	return q.ndns ? TLS_POL_HOST : TLS_POL_NO_SAN;
}

int tls_check_leaf(const struct tls_certext *x)
{
	if (x->has_eku && !x->eku_server)
		return TLS_POL_EKU;
	return 0;
}

/* ---- name constraints (RFC 5280 4.2.1.10, dNSName form) ---------------------------------------- */

/* name is inside the subtree base: equal, or base's labels are a suffix of name's. A base with a
 * leading dot (a common form) means subdomains only; an empty base matches every name. */
static int nc_within(const unsigned char *name, size_t nn, const unsigned char *base, size_t bn)
{
	if (bn == 0)
		return 1;
	if (base[0] == '.')
		return nn > bn && name_eq(name + nn - bn, bn, base, bn);
	if (name_eq(name, nn, base, bn))
		return 1;
	return nn > bn && name[nn - bn - 1] == '.' && name_eq(name + nn - bn, bn, base, bn);
}

/* For "*.R": every name the wildcard stands for is inside base (permitted test)... */
static int nc_wild_all_within(const unsigned char *r, size_t rn, const unsigned char *base, size_t bn)
{
	if (bn == 0)
		return 1;
	if (base[0] == '.')
		return nc_within(r, rn, base + 1, bn - 1); /* x.R ends in .B iff R is B or under it */
	return nc_within(r, rn, base, bn);
}

/* ...and some name it stands for is inside base (excluded test): also when base is one label under R. */
static int nc_wild_any_within(const unsigned char *r, size_t rn, const unsigned char *base, size_t bn)
{
	if (nc_wild_all_within(r, rn, base, bn))
		return 1;
	if (base[0] == '.' || bn <= rn + 1)
		return 0;
	const unsigned char *dot = memchr(base, '.', bn);
	return dot && dot != base && (size_t)(base + bn - dot - 1) == rn && name_eq(dot + 1, rn, r, rn);
}

struct ncq {
	const struct tls_certext *ca;
	struct tls_polinfo *info;
	long budget; /* bounds names x subtrees */
};

/* Walks the dNSName subtrees of [0] (permitted) or [1] (excluded). Returns the number of dNSName
 * subtrees, and in *hit whether name matches one; -1 when malformed or over budget. */
static int nc_scan(struct ncq *q, int which, const unsigned char *name, size_t nn, int *hit)
{
	const unsigned char *p = q->ca->nc, *end = q->ca->nc + q->ca->nclen, *v, *sv, *bv;
	size_t vl, sl, bl;
	int tag, n = 0, wild = nn >= 2 && name[0] == '*' && name[1] == '.';

	*hit = 0;
	while (p < end) {
		if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || (tag != 0xa0 && tag != 0xa1))
			return -1;
		if (tag != (which ? 0xa1 : 0xa0))
			continue;
		for (const unsigned char *s = v, *se = v + vl; s < se;) {
			if (tls_der_next(&s, se, &tag, &sv, &sl) != 0 || tag != 0x30)
				return -1; /* GeneralSubtree */
			const unsigned char *g = sv;
			if (tls_der_next(&g, sv + sl, &tag, &bv, &bl) != 0)
				return -1;
			if (tag != 0x82)
				continue;
			if (--q->budget < 0)
				return -1;
			n++;
			if (wild ? (which ? nc_wild_any_within(name + 2, nn - 2, bv, bl)
					  : nc_wild_all_within(name + 2, nn - 2, bv, bl))
				 : nc_within(name, nn, bv, bl))
				*hit = 1;
		}
	}
	return n;
}

static int nc_one(void *arg, const unsigned char *name, size_t nn)
{
	struct ncq *q = arg;
	int hit, n;

	nn = trim_dot(name, nn);
	if ((n = nc_scan(q, 1, name, nn, &hit)) < 0)
		return TLS_POL_MALFORMED;
	if (hit) {
		set_name(q->info, name, nn);
		return TLS_POL_NC_EXCLUDED;
	}
	if ((n = nc_scan(q, 0, name, nn, &hit)) < 0)
		return TLS_POL_MALFORMED;
	if (n > 0 && !hit) {
		set_name(q->info, name, nn);
		return TLS_POL_NC_PERMITTED;
	}
	return 0;
}

int tls_check_nc(const struct tls_certext *ca, const struct tls_certext *leaf, const char *host,
		 struct tls_polinfo *info)
{
	struct ncq q = { ca, info, 1L << 16 };
	int r;

	if (!ca->nc)
		return 0;
	if (host && (r = nc_one(&q, (const unsigned char *)host, strlen(host))) != 0)
		return r;
	r = san_each(leaf, nc_one, &q);
	return r < 0 ? TLS_POL_MALFORMED : r;
}
