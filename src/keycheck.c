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

int keycheck_ec_point(unsigned bits, const uint8_t *q, size_t qlen)
{
	static const unsigned char one = 1;
	unsigned char tmp[1 + 2 * EC_FIELD_MAX];
	size_t flen = (bits + 7) / 8;
	int curve = curve_id(bits);

	if (!curve || qlen != 1 + 2 * flen || q[0] != 0x04)
		return KC_POINT;
	/* sshd also wants log2(x) and log2(y) above half the order's size (its order has as many bits
	 * as the field here): a point with tiny coordinates is refused though it is on the curve. */
	if (sshbuf_bits(q + 1, flen) <= bits / 2 || sshbuf_bits(q + 1 + flen, flen) <= bits / 2)
		return KC_POINT;
	/* BearSSL's mul decodes its input first: 04 prefix, both coordinates below p, and the curve
	 * equation; it returns 0 for anything else. Multiplying by 1 keeps the work to that check. The
	 * curve's cofactor is 1, so a point on it is in the prime-order group (sshd's order check). */
	memcpy(tmp, q, qlen);
	return keydrop_ec.mul(tmp, qlen, &one, 1, curve) == 1 ? KC_OK : KC_POINT;
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
