/* keycheck.c: ECDSA point validation and certificate signature verification, as sshd does them
 * (sshkey.c: sshkey_ec_validate_public, cert_parse, ssh_{ed25519,ecdsa,rsa}{,_sk}_verify). */
#include <string.h>

#include <bearssl.h>
#include <sodium/crypto_sign_ed25519.h>

#include "ec_impl.h"
#include "keycheck.h"
#include "sshbuf.h"

#define EC_FIELD_MAX 66 /* nistp521 */
#define RSA_BYTES_MAX 2048 /* 16384 bits: keyblob and sshd refuse larger keys (the build raises BearSSL to it) */

static int curve_id(unsigned bits)
{
	return bits == 256 ? BR_EC_secp256r1 : bits == 384 ? BR_EC_secp384r1 : bits == 521 ? BR_EC_secp521r1 : 0;
}

/* The field prime p and the constant b of y^2 = x^3 - 3x + b for NIST P-256, P-384, P-521
 * (FIPS 186-4 D.1.2, SEC 2 2.4), big-endian, as long as a coordinate. */
static const unsigned char p256[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
static const unsigned char b256[32] = {
	0x5a, 0xc6, 0x35, 0xd8, 0xaa, 0x3a, 0x93, 0xe7, 0xb3, 0xeb, 0xbd, 0x55, 0x76, 0x98, 0x86, 0xbc,
	0x65, 0x1d, 0x06, 0xb0, 0xcc, 0x53, 0xb0, 0xf6, 0x3b, 0xce, 0x3c, 0x3e, 0x27, 0xd2, 0x60, 0x4b,
};
static const unsigned char p384[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
};
static const unsigned char b384[48] = {
	0xb3, 0x31, 0x2f, 0xa7, 0xe2, 0x3e, 0xe7, 0xe4, 0x98, 0x8e, 0x05, 0x6b, 0xe3, 0xf8, 0x2d, 0x19,
	0x18, 0x1d, 0x9c, 0x6e, 0xfe, 0x81, 0x41, 0x12, 0x03, 0x14, 0x08, 0x8f, 0x50, 0x13, 0x87, 0x5a,
	0xc6, 0x56, 0x39, 0x8d, 0x8a, 0x2e, 0xd1, 0x9d, 0x2a, 0x85, 0xc8, 0xed, 0xd3, 0xec, 0x2a, 0xef,
};
static const unsigned char p521[66] = {
	0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff,
};
static const unsigned char b521[66] = {
	0x00, 0x51, 0x95, 0x3e, 0xb9, 0x61, 0x8e, 0x1c, 0x9a, 0x1f, 0x92, 0x9a, 0x21, 0xa0, 0xb6, 0x85,
	0x40, 0xee, 0xa2, 0xda, 0x72, 0x5b, 0x99, 0xb3, 0x15, 0xf3, 0xb8, 0xb4, 0x89, 0x91, 0x8e, 0xf1,
	0x09, 0xe1, 0x56, 0x19, 0x39, 0x51, 0xec, 0x7e, 0x93, 0x7b, 0x16, 0x52, 0xc0, 0xbd, 0x3b, 0xb1,
	0xbf, 0x07, 0x35, 0x73, 0xdf, 0x88, 0x3d, 0x2c, 0x34, 0xf1, 0xef, 0x45, 0x1f, 0xd4, 0x6b, 0x50,
	0x3f, 0x00,
};

/* BearSSL 0.6's i31 big-integer primitives, declared in its src/inner.h (not an installed header)
 * and exported by libbearssl.a: its EC and RSA code are built on them. Used here because every
 * public EC entry point (mul, mulgen, muladd) ends in a point encoding whose field inversion costs
 * 40-150 us per key; the curve equation itself needs five Montgomery products. */
uint32_t br_i31_add(uint32_t *a, const uint32_t *b, uint32_t ctl);
uint32_t br_i31_sub(uint32_t *a, const uint32_t *b, uint32_t ctl);
void br_i31_decode(uint32_t *x, const void *src, size_t len);
uint32_t br_i31_decode_mod(uint32_t *x, const void *src, size_t len, const uint32_t *m);
uint32_t br_i31_ninv31(uint32_t x);
void br_i31_montymul(uint32_t *d, const uint32_t *x, const uint32_t *y, const uint32_t *m, uint32_t m0i);

#define I31_WORDS (2 + (521 + 30) / 31) /* header word + value words of a P-521 element, + 1 */

/* R^2 mod p for BearSSL's Montgomery factor R = 2^(31 * value words of p): 2^279, 2^403, 2^527 (computed
 * from the primes above), so that montymul(x, R^2) = xR without br_i31_to_monty's slow division. */
static const unsigned char r2_256[32] = {
	0x00, 0x00, 0xbf, 0xff, 0xff, 0xfe, 0xbf, 0xff, 0xff, 0xff, 0xbf, 0xff, 0xff, 0xfe, 0xff, 0xff,
	0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x01, 0x40, 0x00,
};
static const unsigned char r2_384[48] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x80,
	0x00, 0x00, 0x00, 0x3f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80,
	0x00, 0x00, 0x00, 0x3f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char r2_521[66] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x10, 0x00,
};

/* a = a + b mod m and a = a - b mod m, for a, b < m. */
static void add_mod(uint32_t *a, const uint32_t *b, const uint32_t *m)
{
	uint32_t carry = br_i31_add(a, b, 1);
	br_i31_sub(a, m, carry | (br_i31_sub(a, m, 0) ^ 1));
}

static void sub_mod(uint32_t *a, const uint32_t *b, const uint32_t *m)
{
	br_i31_add(a, m, br_i31_sub(a, b, 1));
}

int keycheck_ec_point(unsigned bits, const uint8_t *q, size_t qlen)
{
	size_t flen = (bits + 7) / 8;
	const unsigned char *p = bits == 256 ? p256 : bits == 384 ? p384 : p521,
			    *b = bits == 256 ? b256 : bits == 384 ? b384 : b521;
	uint32_t m[I31_WORDS], x[I31_WORDS], xr[I31_WORDS], y[I31_WORDS], cb[I31_WORDS], y2[I31_WORDS], x2[I31_WORDS],
		 rhs[I31_WORDS];

	if (!curve_id(bits) || qlen != 1 + 2 * flen || q[0] != 0x04)
		return KC_POINT;
	/* sshd also wants log2(x) and log2(y) above half the order's size (its order has as many bits
	 * as the field here): a point with tiny coordinates is refused though it is on the curve. */
	if (sshbuf_bits(q + 1, flen) <= bits / 2 || sshbuf_bits(q + 1 + flen, flen) <= bits / 2)
		return KC_POINT;
	/* Both coordinates below p, and y^2 = x^3 - 3x + b (mod p). With montymul(a, b) = ab/R and one
	 * conversion xR = montymul(x, R^2) of x: x^2 = montymul(x, xR), x^3 = montymul(x^2, xR); the sides are then compared
	 * as y^2/R = montymul(y, y) and rhs/R = montymul(rhs, 1). The cofactor is 1, so a point on the
	 * curve is in the prime-order group (sshd's order check). */
	static const unsigned char one = 1;
	br_i31_decode(m, p, flen);
	uint32_t m0i = br_i31_ninv31(m[1]);
	if (!(br_i31_decode_mod(x, q + 1, flen, m) & br_i31_decode_mod(y, q + 1 + flen, flen, m)))
		return KC_POINT;
	br_i31_decode_mod(cb, bits == 256 ? r2_256 : bits == 384 ? r2_384 : r2_521, flen, m);
	br_i31_montymul(xr, x, cb, m, m0i);
	br_i31_decode_mod(cb, b, flen, m);
	br_i31_montymul(x2, x, xr, m, m0i);
	br_i31_montymul(rhs, x2, xr, m, m0i);
	for (int i = 0; i < 3; i++)
		sub_mod(rhs, x, m);
	add_mod(rhs, cb, m);
	br_i31_decode_mod(cb, &one, 1, m);
	br_i31_montymul(x2, rhs, cb, m, m0i);
	br_i31_montymul(y2, y, y, m, m0i);
	size_t words = 1 + ((m[0] + 31) >> 5);
	return memcmp(y2, x2, words * sizeof y2[0]) == 0 ? KC_OK : KC_POINT;
}

static int is(const uint8_t *s, size_t n, const char *want)
{
	return strlen(want) == n && memcmp(s, want, n) == 0;
}

static void digest(const br_hash_class *vt, const void *d, size_t n, uint8_t *out)
{
	br_hash_compat_context c;
	vt->init(&c.vtable);
	vt->update(&c.vtable, d, n);
	vt->out(&c.vtable, out);
}

/* ECDSA over hash[0..hlen) with public point q: the SSH signature data is mpint r, mpint s. */
static int ecdsa_verify(unsigned bits, const uint8_t *q, size_t qlen, const uint8_t *sd, size_t sdn,
			const uint8_t *hash, size_t hlen)
{
	struct sshbuf_r r;
	const uint8_t *rs, *ss;
	size_t rn, sn, flen = (bits + 7) / 8;
	unsigned char raw[2 * EC_FIELD_MAX];

	sshbuf_r_init(&r, sd, sdn);
	if (sshbuf_get_mpint(&r, &rs, &rn) < 0 || sshbuf_get_mpint(&r, &ss, &sn) < 0 || sshbuf_r_left(&r) != 0)
		return KC_SIGFORMAT;
	if (rn == 0 || sn == 0 || rn > flen || sn > flen)
		return KC_BADSIG; /* zero, or not below the order: no valid signature */
	memset(raw, 0, sizeof raw);
	memcpy(raw + flen - rn, rs, rn);
	memcpy(raw + 2 * flen - sn, ss, sn);
	br_ec_public_key pk = { curve_id(bits), (unsigned char *)q, qlen };
	return br_ecdsa_i31_vrfy_raw(&keydrop_ec, hash, hlen, &pk, raw, 2 * flen) == 1 ? KC_OK : KC_BADSIG;
}

static int rsa_verify(struct sshbuf_r *k, const uint8_t *st, size_t stn, const uint8_t *sd, size_t sdn,
		      const uint8_t *data, size_t datalen)
{
	const uint8_t *e, *n;
	size_t en, nn, hlen;
	const br_hash_class *vt;
	const unsigned char *oid;
	uint8_t want[64], got[64];
	if (is(st, stn, "rsa-sha2-256")) {
		vt = &br_sha256_vtable, oid = BR_HASH_OID_SHA256, hlen = 32;
	} else if (is(st, stn, "rsa-sha2-512")) {
		vt = &br_sha512_vtable, oid = BR_HASH_OID_SHA512, hlen = 64;
	} else if (is(st, stn, "ssh-rsa")) {
		vt = &br_sha1_vtable, oid = BR_HASH_OID_SHA1, hlen = 20;
	} else {
		return KC_SIGFORMAT;
	}
	if (sshbuf_get_mpint(k, &e, &en) < 0 || sshbuf_get_mpint(k, &n, &nn) < 0 || nn == 0 ||
	    nn > RSA_BYTES_MAX)
		return KC_SIGFORMAT;
	if (sdn > nn) /* sshd: SSH_ERR_KEY_BITS_MISMATCH; a shorter one is left-padded, as sshd does */
		return KC_BADSIG;
	unsigned char x[RSA_BYTES_MAX];
	memset(x, 0, nn - sdn);
	memcpy(x + nn - sdn, sd, sdn);
	br_rsa_public_key pk = { (unsigned char *)n, nn, (unsigned char *)e, en };
	digest(vt, data, datalen, want);
	if (br_rsa_i31_pkcs1_vrfy(x, nn, oid, hlen, &pk, got) != 1)
		return KC_BADSIG;
	return memcmp(want, got, hlen) == 0 ? KC_OK : KC_BADSIG;
}

/* Security key signatures (PROTOCOL.u2f): the key signed SHA256(application) || flags || counter ||
 * SHA256(data). Appends flags and counter read from s to msg[32..37). */
static int sk_message(struct sshbuf_r *s, const uint8_t *app, size_t appn, const uint8_t *data, size_t datalen,
		      uint8_t msg[69])
{
	uint8_t flags;
	uint32_t counter;

	if (sshbuf_get_u8(s, &flags) < 0 || sshbuf_get_u32(s, &counter) < 0 || sshbuf_r_left(s) != 0)
		return KC_SIGFORMAT;
	digest(&br_sha256_vtable, app, appn, msg);
	msg[32] = flags;
	msg[33] = (uint8_t)(counter >> 24);
	msg[34] = (uint8_t)(counter >> 16);
	msg[35] = (uint8_t)(counter >> 8);
	msg[36] = (uint8_t)counter;
	digest(&br_sha256_vtable, data, datalen, msg + 37);
	return KC_OK;
}

int keycheck_verify(const uint8_t *ca, size_t calen, const uint8_t *sig, size_t siglen, const uint8_t *data,
		    size_t datalen)
{
	struct sshbuf_r k, s;
	const uint8_t *kt, *st, *sd, *f1, *f2, *app;
	size_t ktn, stn, sdn, f1n, f2n, appn;
	uint8_t h[64], msg[69];
	int r = KC_SIGFORMAT;

	sshbuf_r_init(&k, ca, calen);
	sshbuf_r_init(&s, sig, siglen);
	if (sshbuf_get_string(&k, &kt, &ktn) < 0 || sshbuf_get_string(&s, &st, &stn) < 0 ||
	    sshbuf_get_string(&s, &sd, &sdn) < 0)
		return KC_SIGFORMAT;
	if (is(kt, ktn, "ssh-rsa"))
		return sshbuf_r_left(&s) != 0 ? KC_SIGFORMAT : rsa_verify(&k, st, stn, sd, sdn, data, datalen);
	if (is(kt, ktn, "ssh-dss"))
		return KC_CAUNSUP;
	/* Every other type signs with its own name. */
	if (ktn != stn || memcmp(kt, st, ktn) != 0)
		return KC_SIGFORMAT;
	if (is(kt, ktn, "ssh-ed25519")) {
		if (sshbuf_r_left(&s) != 0 || sdn != 64 || sshbuf_get_string(&k, &f1, &f1n) < 0 || f1n != 32)
			return KC_SIGFORMAT;
		return crypto_sign_ed25519_verify_detached(sd, data, datalen, f1) == 0 ? KC_OK : KC_BADSIG;
	}
	if (is(kt, ktn, "sk-ssh-ed25519@openssh.com")) {
		if (sdn != 64 || sshbuf_get_string(&k, &f1, &f1n) < 0 || f1n != 32 || sshbuf_get_string(&k, &app, &appn) < 0)
			return KC_SIGFORMAT;
		if ((r = sk_message(&s, app, appn, data, datalen, msg)) != KC_OK)
			return r;
		return crypto_sign_ed25519_verify_detached(sd, msg, sizeof msg, f1) == 0 ? KC_OK : KC_BADSIG;
	}
	/* ECDSA: the curve name, then the point. */
	if (sshbuf_get_string(&k, &f1, &f1n) < 0 || sshbuf_get_string(&k, &f2, &f2n) < 0)
		return KC_SIGFORMAT;
	unsigned bits = is(f1, f1n, "nistp256") ? 256 : is(f1, f1n, "nistp384") ? 384 : is(f1, f1n, "nistp521") ? 521 : 0;
	if (!bits)
		return KC_SIGFORMAT;
	if (is(kt, ktn, "sk-ecdsa-sha2-nistp256@openssh.com")) {
		if (sshbuf_get_string(&k, &app, &appn) < 0 || (r = sk_message(&s, app, appn, data, datalen, msg)) != KC_OK)
			return r;
		digest(&br_sha256_vtable, msg, sizeof msg, h);
		return ecdsa_verify(bits, f2, f2n, sd, sdn, h, 32);
	}
	if (sshbuf_r_left(&s) != 0)
		return KC_SIGFORMAT;
	if (bits == 256)
		digest(&br_sha256_vtable, data, datalen, h);
	else if (bits == 384)
		digest(&br_sha384_vtable, data, datalen, h);
	else
		digest(&br_sha512_vtable, data, datalen, h);
	return ecdsa_verify(bits, f2, f2n, sd, sdn, h, bits == 256 ? 32 : bits == 384 ? 48 : 64);
}
