/* tls_cert.c: small pure helpers about certificates: the SPKI for pins, pin syntax, dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "timefmt.h"
#include "tls.h"

int tls_der_next(const unsigned char **p, const unsigned char *end, int *tag, const unsigned char **val,
		 size_t *vlen)
{
	const unsigned char *q = *p;
	size_t len;

	if (end - q < 2)
		return -1;
	*tag = *q++;
	if ((*tag & 0x1f) == 0x1f)
		return -1; /* high tag numbers never occur where we look */
	len = *q++;
	if (len & 0x80) {
		int nb = (int)(len & 0x7f);
		if (nb == 0 || nb > 4 || end - q < nb)
			return -1;
		len = 0;
		while (nb--)
			len = (len << 8) | *q++;
	}
	if ((size_t)(end - q) < len)
		return -1;
	*val = q;
	*vlen = len;
	*p = q + len;
	return 0;
}

/* Points [*p, *end) at the fields of the tbsCertificate of the Certificate der[0..len), after the
 * optional [0] version: serial, signature, issuer, validity, subject, SPKI, ... */
static int tbs_enter(const unsigned char *der, size_t len, const unsigned char **p, const unsigned char **end)
{
	const unsigned char *q = der, *e = der + len, *v;
	size_t vl;
	int tag;

	if (tls_der_next(&q, e, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1; /* Certificate */
	q = v;
	e = v + vl;
	if (tls_der_next(&q, e, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1; /* tbsCertificate */
	q = v;
	e = v + vl;
	if (q < e && *q == 0xa0 && tls_der_next(&q, e, &tag, &v, &vl) != 0)
		return -1; /* [0] version */
	*p = q;
	*end = e;
	return 0;
}

int tls_cert_spki(const unsigned char *der, size_t len, const unsigned char **spki, size_t *n)
{
	const unsigned char *p, *end, *v, *start;
	size_t vl;
	int tag;

	if (tbs_enter(der, len, &p, &end) != 0)
		return -1;
	/* serial, signature, issuer, validity, subject, then the SPKI */
	for (int i = 0; i < 5; i++)
		if (tls_der_next(&p, end, &tag, &v, &vl) != 0)
			return -1;
	start = p;
	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1;
	*spki = start;
	*n = (size_t)(p - start);
	return 0;
}

int tls_parse_pins(const char *s, uint8_t (*pins)[32], int max)
{
	int count = 0;

	while (*s) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char b64[64];
		uint8_t raw[48];
		long rl;

		if (n < 8 || strncmp(s, "sha256//", 8) != 0 || n - 8 >= sizeof b64 || count == max)
			return -1;
		memcpy(b64, s + 8, n - 8);
		b64[n - 8] = 0;
		rl = b64_decode(b64, strlen(b64), raw, sizeof raw);
		if (rl != 32)
			return -1;
		memcpy(pins[count++], raw, 32);
		s += n;
		if (*s == ';')
			s++;
	}
	return count ? count : -1;
}

void tls_format_time(uint32_t days, uint32_t secs, char *out, size_t cap)
{
	/* BearSSL counts days from 0000-01-01 (proleptic Gregorian); 719528 is 1970-01-01. */
	char buf[TIMEFMT_MAX];

	timefmt_utc(((int64_t)days - 719528) * 86400 + secs, 1, buf);
	snprintf(out, cap, "%s", buf);
}

/* ---- certificate facts (replaces br_x509_decoder: smaller, and we need only these) ------------ */

static int digits(const unsigned char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* UTCTime (0x17) or GeneralizedTime (0x18), "Z" form only (RFC 5280 4.1.2.5). */
static int der_time(int tag, const unsigned char *v, size_t n, uint32_t *days, uint32_t *secs)
{
	int y, off;

	if (tag == 0x17 && n == 13) {
		y = digits(v, 2);
		y += y < 50 ? 2000 : 1900;
		off = 2;
	} else if (tag == 0x18 && n == 15) {
		y = digits(v, 4);
		off = 4;
	} else {
		return -1;
	}
	int mo = digits(v + off, 2), d = digits(v + off + 2, 2), h = digits(v + off + 4, 2),
	    mi = digits(v + off + 6, 2), s = digits(v + off + 8, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 ||
	    s > 60 || v[n - 1] != 'Z')
		return -1;
	*days = (uint32_t)(timefmt_days_from_civil(y, (unsigned)mo, (unsigned)d) + 719528);
	*secs = (uint32_t)(h * 3600 + mi * 60 + s);
	return 0;
}

static int oid_is(const unsigned char *v, size_t n, const char *oid, size_t on)
{
	return n == on && memcmp(v, oid, on) == 0;
}

/* INTEGER content without leading zero bytes (as BearSSL wants moduli and exponents). */
static void strip0(const unsigned char **v, size_t *n)
{
	while (*n > 1 && **v == 0) {
		(*v)++;
		(*n)--;
	}
}

static int parse_spki(const unsigned char *p, const unsigned char *end, struct tls_certfacts *f)
{
	const unsigned char *v, *alg, *bits, *q;
	size_t vl, al, bl, ql;
	int tag;

	if (tls_der_next(&p, end, &tag, &alg, &al) != 0 || tag != 0x30 ||
	    tls_der_next(&p, end, &tag, &bits, &bl) != 0 || tag != 0x03 || bl < 2 || bits[0] != 0)
		return -1;
	const unsigned char *ap = alg, *ae = alg + al;
	if (tls_der_next(&ap, ae, &tag, &v, &vl) != 0 || tag != 0x06)
		return -1;
	if (oid_is(v, vl, "\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 9)) { /* rsaEncryption */
		const unsigned char *kp = bits + 1, *ke = bits + bl, *sp;
		size_t sl;
		if (tls_der_next(&kp, ke, &tag, &sp, &sl) != 0 || tag != 0x30)
			return -1;
		kp = sp;
		ke = sp + sl;
		if (tls_der_next(&kp, ke, &tag, &f->n, &f->nlen) != 0 || tag != 0x02 ||
		    tls_der_next(&kp, ke, &tag, &f->e, &f->elen) != 0 || tag != 0x02)
			return -1;
		strip0(&f->n, &f->nlen);
		strip0(&f->e, &f->elen);
		f->key_type = BR_KEYTYPE_RSA;
		return 0;
	}
	if (oid_is(v, vl, "\x2a\x86\x48\xce\x3d\x02\x01", 7)) { /* id-ecPublicKey */
		if (tls_der_next(&ap, ae, &tag, &q, &ql) != 0 || tag != 0x06)
			return -1;
		if (oid_is(q, ql, "\x2a\x86\x48\xce\x3d\x03\x01\x07", 8))
			f->curve = BR_EC_secp256r1;
		else if (oid_is(q, ql, "\x2b\x81\x04\x00\x22", 5))
			f->curve = BR_EC_secp384r1;
		else if (oid_is(q, ql, "\x2b\x81\x04\x00\x23", 5))
			f->curve = BR_EC_secp521r1;
		else
			return -1;
		f->q = bits + 1;
		f->qlen = bl - 1;
		f->key_type = BR_KEYTYPE_EC;
		return 0;
	}
	return -1;
}

/* basicConstraints (2.5.29.19) cA = TRUE, inside the [3] extensions. */
static int find_ca(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *v, *x, *xe, *ev;
	size_t vl, el;
	int tag;

	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0xa3)
		return 0;
	p = v;
	end = v + vl;
	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return 0;
	for (x = v, xe = v + vl; x < xe;) {
		if (tls_der_next(&x, xe, &tag, &ev, &el) != 0 || tag != 0x30)
			return 0;
		const unsigned char *ep = ev, *ee = ev + el, *oid, *val;
		size_t ol, vl2;
		if (tls_der_next(&ep, ee, &tag, &oid, &ol) != 0 || tag != 0x06 || !oid_is(oid, ol, "\x55\x1d\x13", 3))
			continue;
		if (ep < ee && *ep == 0x01 && tls_der_next(&ep, ee, &tag, &val, &vl2) != 0)
			return 0; /* critical flag */
		if (tls_der_next(&ep, ee, &tag, &val, &vl2) != 0 || tag != 0x04)
			return 0;
		const unsigned char *bp = val, *be = val + vl2, *bv;
		size_t bvl;
		if (tls_der_next(&bp, be, &tag, &bv, &bvl) != 0 || tag != 0x30)
			return 0;
		bp = bv;
		be = bv + bvl;
		return bp < be && tls_der_next(&bp, be, &tag, &bv, &bvl) == 0 && tag == 0x01 && bvl == 1 && bv[0] != 0;
	}
	return 0;
}

int tls_cert_parse(const unsigned char *der, size_t len, struct tls_certfacts *f)
{
	const unsigned char *p, *end, *v, *tv;
	size_t vl, tl;
	int tag, t2;

	memset(f, 0, sizeof *f);
	if (tbs_enter(der, len, &p, &end) != 0)
		return -1;
	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x02 || /* serial */
	    tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30 || /* signature */
	    tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30 || /* issuer */
	    tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)   /* validity */
		return -1;
	{
		const unsigned char *q = v, *qe = v + vl;
		if (tls_der_next(&q, qe, &t2, &tv, &tl) != 0 || der_time(t2, tv, tl, &f->nb_days, &f->nb_secs) != 0 ||
		    tls_der_next(&q, qe, &t2, &tv, &tl) != 0 || der_time(t2, tv, tl, &f->na_days, &f->na_secs) != 0)
			return -1;
	}
	f->dn = p;
	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1; /* subject: kept whole (tag and length too), as BearSSL's DN comparisons hash it */
	f->dnlen = (size_t)(p - f->dn);
	if (tls_der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30 || parse_spki(v, v + vl, f) != 0)
		return -1;
	/* optional issuerUniqueID [1], subjectUniqueID [2], then extensions [3] */
	while (p < end && (*p == 0x81 || *p == 0xa1 || *p == 0x82 || *p == 0xa2))
		if (tls_der_next(&p, end, &tag, &v, &vl) != 0)
			return -1;
	f->is_ca = find_ca(p, end);
	return 0;
}
