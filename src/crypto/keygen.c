/* keygen.c */
#include <string.h>
#include <strings.h>
#include <bearssl.h>

#include "ec_impl.h"
#include "ed25519.h"
#include "keygen.h"
#include "rand.h"
#include "secret.h"
#include "sshbuf.h"

int keygen_type_parse(const char *s, enum keygen_type *t)
{
	if (strcasecmp(s, "ed25519") == 0)
		*t = KT_ED25519;
	else if (strcasecmp(s, "ecdsa") == 0)
		*t = KT_ECDSA;
	else if (strcasecmp(s, "rsa") == 0)
		*t = KT_RSA;
	else
		return -1;
	return 0;
}

const char *keygen_type_name(enum keygen_type t)
{
	return t == KT_ED25519 ? "ed25519" : t == KT_ECDSA ? "ecdsa" : "rsa";
}

unsigned keygen_bits(enum keygen_type t, unsigned bits)
{
	switch (t) {
	case KT_ED25519:
		return bits == 0 || bits == 256 ? 256 : 0;
	case KT_ECDSA:
		if (bits == 0)
			return 256;
		return bits == 256 || bits == 384 || bits == 521 ? bits : 0;
	case KT_RSA:
		if (bits == 0)
			return KEYGEN_RSA_DEFAULT;
		return bits >= KEYGEN_RSA_MIN && bits <= KEYGEN_RSA_MAX ? bits : 0;
	}
	return 0;
}

static int gen_ed25519(struct keygen_pair *out, void (*on_wait)(void *), void *arg, int *rerr)
{
	unsigned char seed[32], pk[32], sk[64];
	struct sshbuf_w w;
	int ret = KG_RAND;

	if ((*rerr = rand_bytes(seed, sizeof seed, on_wait, arg)) != RAND_OK)
		goto out;
	ret = KG_CRYPTO;
	if (ed25519_public_from_seed(pk, seed) != 0)
		goto out;
	memcpy(sk, seed, 32); /* libsodium's secret key layout, as PROTOCOL.key stores it: seed || pk */
	memcpy(sk + 32, pk, 32);
	sshbuf_w_init(&w, out->pub, sizeof out->pub);
	sshbuf_put_cstring(&w, "ssh-ed25519");
	sshbuf_put_string(&w, pk, sizeof pk);
	out->publen = w.len;
	/* PROTOCOL.key: ed25519 private part is pk, then seed||pk. */
	sshbuf_w_init(&w, out->priv, sizeof out->priv);
	sshbuf_put_cstring(&w, "ssh-ed25519");
	sshbuf_put_string(&w, pk, sizeof pk);
	sshbuf_put_string(&w, sk, sizeof sk);
	out->privlen = w.len;
	out->bits = 256;
	ret = w.err ? KG_CRYPTO : KG_OK;
out:
	secret_wipe(seed, sizeof seed);
	secret_wipe(sk, sizeof sk);
	return ret;
}

static int gen_ecdsa(unsigned bits, br_hmac_drbg_context *drbg, struct keygen_pair *out)
{
	const br_ec_impl *ec = &keydrop_ec;
	unsigned char kpriv[BR_EC_KBUF_PRIV_MAX_SIZE], kpub[BR_EC_KBUF_PUB_MAX_SIZE];
	br_ec_private_key sk;
	br_ec_public_key pk;
	const char *name, *curve;
	int id, ret = KG_CRYPTO;
	struct sshbuf_w w;

	if (bits == 256)
		id = BR_EC_secp256r1, name = "ecdsa-sha2-nistp256", curve = "nistp256";
	else if (bits == 384)
		id = BR_EC_secp384r1, name = "ecdsa-sha2-nistp384", curve = "nistp384";
	else
		id = BR_EC_secp521r1, name = "ecdsa-sha2-nistp521", curve = "nistp521";
	if (br_ec_keygen(&drbg->vtable, ec, &sk, kpriv, id) == 0)
		goto out;
	if (br_ec_compute_pub(ec, &pk, kpub, &sk) == 0)
		goto out;
	sshbuf_w_init(&w, out->pub, sizeof out->pub);
	sshbuf_put_cstring(&w, name);
	sshbuf_put_cstring(&w, curve);
	sshbuf_put_string(&w, pk.q, pk.qlen);
	out->publen = w.len;
	sshbuf_w_init(&w, out->priv, sizeof out->priv);
	sshbuf_put_cstring(&w, name);
	sshbuf_put_cstring(&w, curve);
	sshbuf_put_string(&w, pk.q, pk.qlen);
	sshbuf_put_mpint(&w, sk.x, sk.xlen);
	out->privlen = w.len;
	out->bits = bits;
	ret = w.err ? KG_CRYPTO : KG_OK;
out:
	secret_wipe(kpriv, sizeof kpriv);
	secret_wipe(&sk, sizeof sk);
	return ret;
}

static int gen_rsa(unsigned bits, br_hmac_drbg_context *drbg, struct keygen_pair *out)
{
	static const uint32_t e = 65537;
	unsigned char kpriv[BR_RSA_KBUF_PRIV_SIZE(KEYGEN_RSA_MAX)];
	unsigned char kpub[BR_RSA_KBUF_PUB_SIZE(KEYGEN_RSA_MAX)];
	unsigned char d[KEYGEN_RSA_MAX / 8];
	br_rsa_private_key sk;
	br_rsa_public_key pk;
	struct sshbuf_w w;
	int ret = KG_CRYPTO;
	size_t dlen;

	/* i62 (64x64->128 multiplications) where the compiler has them: its modpow makes the prime
	 * search of a 3072-bit key about twice as fast (scripts/bench/keygen.sh, hostkeys); i31 elsewhere. */
	br_rsa_keygen kg = br_rsa_i62_keygen_get();
	if (!kg)
		kg = br_rsa_i31_keygen;
	br_rsa_compute_privexp privexp = br_rsa_i31_compute_privexp;
	if (!kg(&drbg->vtable, &sk, kpriv, &pk, kpub, bits, e))
		goto out;
	/* OpenSSH stores d; BearSSL keeps only the CRT form, so compute it (d = e^-1 mod lcm). */
	if ((dlen = privexp(d, &sk, e)) == 0)
		goto out;
	sshbuf_w_init(&w, out->pub, sizeof out->pub);
	sshbuf_put_cstring(&w, "ssh-rsa");
	sshbuf_put_mpint(&w, pk.e, pk.elen);
	sshbuf_put_mpint(&w, pk.n, pk.nlen);
	out->publen = w.len;
	/* PROTOCOL.key: n, e, d, iqmp, p, q (iqmp = q^-1 mod p, BearSSL's iq). */
	sshbuf_w_init(&w, out->priv, sizeof out->priv);
	sshbuf_put_cstring(&w, "ssh-rsa");
	sshbuf_put_mpint(&w, pk.n, pk.nlen);
	sshbuf_put_mpint(&w, pk.e, pk.elen);
	sshbuf_put_mpint(&w, d, dlen);
	sshbuf_put_mpint(&w, sk.iq, sk.iqlen);
	sshbuf_put_mpint(&w, sk.p, sk.plen);
	sshbuf_put_mpint(&w, sk.q, sk.qlen);
	out->privlen = w.len;
	out->bits = sshbuf_bits(pk.n, pk.nlen);
	ret = w.err ? KG_CRYPTO : KG_OK;
out:
	secret_wipe(kpriv, sizeof kpriv);
	secret_wipe(d, sizeof d);
	secret_wipe(&sk, sizeof sk);
	return ret;
}

int keygen_generate(enum keygen_type t, unsigned bits, struct keygen_pair *out,
		    void (*on_wait)(void *), void *arg, int *rand_err)
{
	br_hmac_drbg_context drbg;
	int ret;

	memset(out, 0, sizeof *out);
	*rand_err = RAND_OK;
	if ((bits = keygen_bits(t, bits)) == 0)
		return KG_BITS;
	if (t == KT_ED25519)
		return gen_ed25519(out, on_wait, arg, rand_err);
	if ((*rand_err = rand_drbg_init(&drbg, on_wait, arg)) != RAND_OK)
		return KG_RAND;
	ret = t == KT_ECDSA ? gen_ecdsa(bits, &drbg, out) : gen_rsa(bits, &drbg, out);
	secret_wipe(&drbg, sizeof drbg);
	if (ret != KG_OK)
		keygen_wipe(out);
	return ret;
}

void keygen_wipe(struct keygen_pair *p)
{
	secret_wipe(p, sizeof *p);
}

const char *keygen_strerror(int err)
{
	switch (err) {
	case KG_OK:
		return "ok";
	case KG_BITS:
		return "invalid key size";
	case KG_RAND:
		return "no randomness";
	default:
		return "key generation failed";
	}
}
