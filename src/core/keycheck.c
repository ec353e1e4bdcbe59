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
 * (FIPS 186-4 D.1.2, SEC 2 2.4), and R^2 mod p for BearSSL's Montgomery factor R = 2^(31 * value
 * words of p): 2^279, 2^403, 2^527 (computed from the primes), so that montymul(x, R^2) = xR without
 * br_i31_to_monty's slow division. Big-endian hex, as long as a coordinate (P-521: two literals). */
struct curve_consts {
	unsigned bits;
	const char *p, *b, *r2;
};
static const struct curve_consts curves[] = {
	{ 256, "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
	  "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
	  "0000bffffffebfffffffbffffffefffffffe8000000000000000c00000014000" },
	{ 384, "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
	  "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
	  "000000000000000000000040000000800000003fffffff8000000000000000800000003fffffff800000004000000000" },
	{ 521, "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	       "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	  "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109"
	  "e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
	  "000000000000000000000000000000000000000000000000000000000000000000"
	  "000000000000000000000000000000000000000000000000000000000000001000" },
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

/* The bytes of hex[0..2n) (lower-case digits: our constants only). */
static void unhex(const char *hex, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned hi = (unsigned char)hex[2 * i], lo = (unsigned char)hex[2 * i + 1];
		out[i] = (unsigned char)(((hi <= '9' ? hi - '0' : hi - 'a' + 10) << 4) | (lo <= '9' ? lo - '0' : lo - 'a' + 10));
	}
}

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
	const struct curve_consts *cc = &curves[bits == 256 ? 0 : bits == 384 ? 1 : 2];
	unsigned char p[EC_FIELD_MAX], b[EC_FIELD_MAX], r2[EC_FIELD_MAX];
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
	unhex(cc->p, p, flen);
	unhex(cc->b, b, flen);
	unhex(cc->r2, r2, flen);
	br_i31_decode(m, p, flen);
	uint32_t m0i = br_i31_ninv31(m[1]);
	if (!(br_i31_decode_mod(x, q + 1, flen, m) & br_i31_decode_mod(y, q + 1 + flen, flen, m)))
		return KC_POINT;
	br_i31_decode_mod(cb, r2, flen, m);
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
