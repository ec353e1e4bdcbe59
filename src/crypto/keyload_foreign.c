/* keyload_foreign.c: PEM / PKCS#8 private keys (core/pemkey.c) into the openssh-key-v1 shape, with
 * the public half derived and checked here; PuTTY .ppk files (core/ppk.c): their public half. */
#include <stdlib.h>
#include <string.h>
#include <bearssl.h>

#include "ec_impl.h"
#include "ed25519.h"
#include "keyblob.h"
#include "keyload.h"
#include "pemkey.h"
#include "ppk.h"
#include "secret.h"
#include "sshbuf.h"

/* Checks the public blob as keyload.c does for OpenSSH keys and takes its size. */
static int check_public(struct keyload *out)
{
	struct keyblob_info info;

	if (keyblob_inspect(out->pair.pub, out->pair.publen, &info) != KB_OK)
		return PK_FORMAT;
	if (info.family == KF_UNKNOWN || info.cert)
		return PK_TYPE;
	out->pair.bits = info.bits;
	return info.family == KF_DSA ? PK_DSA : PK_OK;
}

static int put_rsa(const struct pemkey *k, struct keyload *out)
{
	struct sshbuf_w w;

	sshbuf_w_init(&w, out->pair.pub, sizeof out->pair.pub);
	sshbuf_put_cstring(&w, "ssh-rsa");
	sshbuf_put_mpint(&w, k->e.p, k->e.n);
	sshbuf_put_mpint(&w, k->n.p, k->n.n);
	out->pair.publen = w.len;
	if (w.err)
		return PK_TOOBIG;
	/* PROTOCOL.key: n, e, d, iqmp, p, q (PKCS#1's coefficient is OpenSSH's iqmp: q^-1 mod p). */
	sshbuf_w_init(&w, out->pair.priv, sizeof out->pair.priv);
	sshbuf_put_cstring(&w, "ssh-rsa");
	sshbuf_put_mpint(&w, k->n.p, k->n.n);
	sshbuf_put_mpint(&w, k->e.p, k->e.n);
	sshbuf_put_mpint(&w, k->d.p, k->d.n);
	sshbuf_put_mpint(&w, k->iqmp.p, k->iqmp.n);
	sshbuf_put_mpint(&w, k->p.p, k->p.n);
	sshbuf_put_mpint(&w, k->q.p, k->q.n);
	out->pair.privlen = w.len;
	return w.err ? PK_TOOBIG : PK_OK;
}

/* Q = d*G; a Q stored in the file (uncompressed or compressed) must be that point. */
static int put_ec(const struct pemkey *k, struct keyload *out)
{
	unsigned char q[BR_EC_KBUF_PUB_MAX_SIZE], x[BR_EC_KBUF_PRIV_MAX_SIZE];
	br_ec_private_key sk;
	const char *name, *curve;
	struct sshbuf_w w;
	size_t ql, fb = (k->curve + 7) / 8;
	int ret = PK_FORMAT;

	if (k->curve == 256)
		sk.curve = BR_EC_secp256r1, name = "ecdsa-sha2-nistp256", curve = "nistp256";
	else if (k->curve == 384)
		sk.curve = BR_EC_secp384r1, name = "ecdsa-sha2-nistp384", curve = "nistp384";
	else
		sk.curve = BR_EC_secp521r1, name = "ecdsa-sha2-nistp521", curve = "nistp521";
	if (k->ecd.n > fb || fb > sizeof x)
		goto out;
	/* BearSSL wants the scalar at the field's width. */
	memset(x, 0, fb);
	memcpy(x + fb - k->ecd.n, k->ecd.p, k->ecd.n);
	sk.x = x;
	sk.xlen = fb;
	if ((ql = br_ec_compute_pub(&keydrop_ec, NULL, q, &sk)) != 1 + 2 * fb || q[0] != 4)
		goto out;
	if (k->ecq) {
		int same = k->ecq[0] == 4 ? k->ecqlen == ql && memcmp(k->ecq, q, ql) == 0
					  : k->ecqlen == 1 + fb && k->ecq[0] == (2 | (q[ql - 1] & 1)) &&
						    memcmp(k->ecq + 1, q + 1, fb) == 0;
		if (!same) {
			ret = PK_MISMATCH;
			goto out;
		}
	}
	sshbuf_w_init(&w, out->pair.pub, sizeof out->pair.pub);
	sshbuf_put_cstring(&w, name);
	sshbuf_put_cstring(&w, curve);
	sshbuf_put_string(&w, q, ql);
	out->pair.publen = w.len;
	sshbuf_w_init(&w, out->pair.priv, sizeof out->pair.priv);
	sshbuf_put_cstring(&w, name);
	sshbuf_put_cstring(&w, curve);
	sshbuf_put_string(&w, q, ql);
	sshbuf_put_mpint(&w, k->ecd.p, k->ecd.n);
	out->pair.privlen = w.len;
	ret = w.err ? PK_TOOBIG : PK_OK;
out:
	secret_wipe(x, sizeof x);
	secret_wipe(&sk, sizeof sk);
	return ret;
}

/* The public key from the seed; RFC 8410 v2 files store it too: it must be the same. */
static int put_ed25519(const struct pemkey *k, struct keyload *out)
{
	uint8_t pk[32], sk[64];
	struct sshbuf_w w;
	int ret = PK_FORMAT;

	if (ed25519_public_from_seed(pk, k->seed) != 0)
		goto out;
	if (k->edpub && memcmp(k->edpub, pk, 32) != 0) {
		ret = PK_MISMATCH;
		goto out;
	}
	memcpy(sk, k->seed, 32); /* PROTOCOL.key: pk, then seed||pk */
	memcpy(sk + 32, pk, 32);
	sshbuf_w_init(&w, out->pair.pub, sizeof out->pair.pub);
	sshbuf_put_cstring(&w, "ssh-ed25519");
	sshbuf_put_string(&w, pk, sizeof pk);
	out->pair.publen = w.len;
	sshbuf_w_init(&w, out->pair.priv, sizeof out->pair.priv);
	sshbuf_put_cstring(&w, "ssh-ed25519");
	sshbuf_put_string(&w, pk, sizeof pk);
	sshbuf_put_string(&w, sk, sizeof sk);
	out->pair.privlen = w.len;
	ret = w.err ? PK_TOOBIG : PK_OK;
out:
	secret_wipe(sk, sizeof sk);
	return ret;
}

/* DSA is refused, but its public half still gives a fingerprint (as for an OpenSSH DSA key). A
 * PKCS#8 file stores only x: y = g^x mod p, computed with BearSSL's modular exponentiation (the
 * RSA public operation is exactly that, with p as modulus and x as exponent). */
static int put_dsa(const struct pemkey *k, struct keyload *out)
{
	uint8_t y[KEYGEN_RSA_MAX / 8]; /* BearSSL here takes moduli up to 16384 bits (Makefile) */
	struct pemkey_int yy = k->dy;
	struct sshbuf_w w;

	if (!yy.n) {
		size_t pl = k->dp.n;
		if (pl == 0 || pl > sizeof y || k->dg.n > pl || k->dx.n == 0)
			return PK_FORMAT;
		br_rsa_public_key pub = { (unsigned char *)k->dp.p, pl, (unsigned char *)k->dx.p, k->dx.n };
		memset(y, 0, pl);
		memcpy(y + pl - k->dg.n, k->dg.p, k->dg.n);
		if (!br_rsa_i31_public(y, pl, &pub))
			return PK_FORMAT;
		yy.p = y;
		yy.n = pl;
	}
	sshbuf_w_init(&w, out->pair.pub, sizeof out->pair.pub);
	sshbuf_put_cstring(&w, "ssh-dss");
	sshbuf_put_mpint(&w, k->dp.p, k->dp.n);
	sshbuf_put_mpint(&w, k->dq.p, k->dq.n);
	sshbuf_put_mpint(&w, k->dg.p, k->dg.n);
	sshbuf_put_mpint(&w, yy.p, yy.n);
	out->pair.publen = w.len;
	return w.err ? PK_TOOBIG : PK_DSA;
}

static int load_pem(const char *text, size_t n, struct keyload *out)
{
	struct pemkey k;
	uint8_t *work = malloc(PRIVKEY_BLOB_MAX);
	int r;

	if (!work)
		return PK_TOOBIG;
	r = pemkey_decode(text, n, work, PRIVKEY_BLOB_MAX, &k);
	if (r == PK_DSA) {
		if ((r = put_dsa(&k, out)) == PK_DSA && check_public(out) != PK_DSA)
			r = PK_FORMAT;
		goto out;
	}
	if (r != PK_OK)
		goto out;
	out->fmt = k.armour == PEMKEY_PKCS8 ? KL_PKCS8 : k.armour == PEMKEY_SEC1 ? KL_PEM_EC : KL_PEM_RSA;
	r = k.alg == PEMKEY_RSA ? put_rsa(&k, out) : k.alg == PEMKEY_EC ? put_ec(&k, out) : put_ed25519(&k, out);
	if (r == PK_OK && (r = check_public(out)) == PK_OK)
		out->have_private = 1; /* no comment: the formats have none */
out:
	secret_wipe(&k, sizeof k);
	secret_wipe(work, PRIVKEY_BLOB_MAX);
	free(work);
	return r;
}

/* The .ppk's public lines and Comment header; the private half stays unread (have_private 0). */
static int load_ppk(const char *text, size_t n, struct keyload *out)
{
	struct ppk p;
	int r = ppk_decode(text, n, out->pair.pub, sizeof out->pair.pub, &p);

	if (r != PK_OK)
		return r;
	out->pair.publen = p.publen;
	out->fmt = p.version == 2 ? KL_PPK2 : KL_PPK3;
	out->encrypted = p.encrypted;
	if ((r = check_public(out)) != PK_OK)
		return r;
	/* A comment that would break the .pub line, or is too long to keep whole, is no comment. */
	int clean = p.commentlen <= PRIVKEY_COMMENT_MAX;
	for (size_t i = 0; clean && i < p.commentlen; i++)
		if ((unsigned char)p.comment[i] < 0x20 || p.comment[i] == 0x7f)
			clean = 0;
	if (clean) {
		memcpy(out->comment, p.comment, p.commentlen);
		out->comment[p.commentlen] = '\0';
	}
	out->have_comment = 1;
	return PK_OK;
}

int keyload_foreign(const char *text, size_t n, struct keyload *out)
{
	int kind = privkey_sniff(text, n);
	if (kind == PK_PUTTY)
		return load_ppk(text, n, out);
	if (kind == PK_PEM)
		return load_pem(text, n, out);
	return kind == PK_OK ? PK_FORMAT : kind;
}
