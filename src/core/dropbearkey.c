/* dropbearkey.c: dropbear's private key format and tinyssh's key files (see dropbearkey.h). */
#include <string.h>

#include "dropbearkey.h"
#include "secret.h"
#include "sshbuf.h"

#define ED25519 "ssh-ed25519"
#define ECDSA "ecdsa-sha2-"

static int is_name(const uint8_t *s, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* Bytes of one coordinate of "nistp256/384/521", 0 for any other curve name. */
static size_t curve_bytes(const uint8_t *s, size_t n)
{
	return is_name(s, n, "nistp256") ? 32 : is_name(s, n, "nistp384") ? 48 : is_name(s, n, "nistp521") ? 66 : 0;
}

/* string type, string curve, string Q, mpint d: the layout both formats share. Checks the curve
 * matches the type and Q is an uncompressed point of that curve; copies type, curve and Q to pubw,
 * and everything (with d) to privw when it is not NULL. */
static int ecdsa_fields(struct sshbuf_r *r, const uint8_t *type, size_t tlen, struct sshbuf_w *pubw,
			struct sshbuf_w *privw)
{
	const uint8_t *c, *q, *d;
	size_t cn, qn, dn, cb;

	if (sshbuf_get_string(r, &c, &cn) < 0 || sshbuf_get_string(r, &q, &qn) < 0 || sshbuf_get_mpint(r, &d, &dn) < 0)
		return PK_FORMAT;
	if (tlen != 11 + cn || memcmp(type + 11, c, cn) != 0 || !(cb = curve_bytes(c, cn)))
		return PK_TYPE;
	if (qn != 1 + 2 * cb || q[0] != 4 || dn == 0 || dn > cb)
		return PK_FORMAT;
	sshbuf_put_string(pubw, type, tlen);
	sshbuf_put_string(pubw, c, cn);
	sshbuf_put_string(pubw, q, qn);
	if (privw) {
		sshbuf_put_string(privw, type, tlen);
		sshbuf_put_string(privw, c, cn);
		sshbuf_put_string(privw, q, qn);
		sshbuf_put_mpint(privw, d, dn);
	}
	return PK_OK;
}

long dropbearkey_from_openssh(const uint8_t *priv, size_t privlen, uint8_t *out, size_t cap)
{
	struct sshbuf_r r;
	struct sshbuf_w w, pw;
	const uint8_t *t, *a, *b, *m[6];
	size_t tl, al, bl, ml[6];
	uint8_t pub[1024];
	int ret = PK_FORMAT;

	sshbuf_r_init(&r, priv, privlen);
	sshbuf_w_init(&w, out, cap);
	sshbuf_w_init(&pw, pub, sizeof pub);
	if (sshbuf_get_string(&r, &t, &tl) < 0)
		return PK_FORMAT;
	if (is_name(t, tl, ED25519)) {
		/* openssh-key-v1: string pk, string (seed || pk); dropbear keeps only the second */
		if (sshbuf_get_string(&r, &a, &al) < 0 || sshbuf_get_string(&r, &b, &bl) < 0 || al != 32 || bl != 64 ||
		    memcmp(a, b + 32, 32) != 0)
			return PK_FORMAT;
		sshbuf_put_string(&w, t, tl);
		sshbuf_put_string(&w, b, bl);
	} else if (tl > 11 && memcmp(t, ECDSA, 11) == 0) {
		if ((ret = ecdsa_fields(&r, t, tl, &pw, &w)) != PK_OK)
			return ret;
	} else if (is_name(t, tl, "ssh-rsa")) {
		/* openssh-key-v1: n, e, d, iqmp, p, q; dropbear: e, n, d, p, q */
		for (int i = 0; i < 6; i++)
			if (sshbuf_get_mpint(&r, &m[i], &ml[i]) < 0 || ml[i] == 0)
				return PK_FORMAT;
		sshbuf_put_string(&w, t, tl);
		sshbuf_put_mpint(&w, m[1], ml[1]);
		sshbuf_put_mpint(&w, m[0], ml[0]);
		sshbuf_put_mpint(&w, m[2], ml[2]);
		sshbuf_put_mpint(&w, m[4], ml[4]);
		sshbuf_put_mpint(&w, m[5], ml[5]);
	} else {
		return is_name(t, tl, "ssh-dss") ? PK_DSA : PK_TYPE;
	}
	secret_wipe(&r, sizeof r);
	return w.err ? PK_TOOBIG : (long)w.len;
}

int dropbearkey_parse(const uint8_t *in, size_t n, uint8_t *pub, size_t cap, size_t *publen)
{
	struct sshbuf_r r;
	struct sshbuf_w w;
	const uint8_t *t, *s, *m[5];
	size_t tl, sl, ml[5];
	int ret = PK_FORMAT;

	sshbuf_r_init(&r, in, n);
	sshbuf_w_init(&w, pub, cap);
	*publen = 0;
	if (sshbuf_get_string(&r, &t, &tl) < 0)
		return PK_FORMAT;
	if (is_name(t, tl, ED25519)) {
		if (sshbuf_get_string(&r, &s, &sl) < 0 || sl != 64)
			return PK_FORMAT;
		sshbuf_put_string(&w, t, tl);
		sshbuf_put_string(&w, s + 32, 32);
	} else if (tl > 11 && memcmp(t, ECDSA, 11) == 0) {
		if ((ret = ecdsa_fields(&r, t, tl, &w, NULL)) != PK_OK)
			return ret;
	} else if (is_name(t, tl, "ssh-rsa")) {
		/* e, n, d, and p, q unless the file ends after d (old dropbear) */
		int k = 0;
		for (; k < 5 && (k < 3 || sshbuf_r_left(&r) > 0); k++)
			if (sshbuf_get_mpint(&r, &m[k], &ml[k]) < 0 || ml[k] == 0)
				return PK_FORMAT;
		if (k == 4)
			return PK_FORMAT;
		sshbuf_put_string(&w, t, tl);
		sshbuf_put_mpint(&w, m[0], ml[0]);
		sshbuf_put_mpint(&w, m[1], ml[1]);
	} else {
		return is_name(t, tl, "ssh-dss") ? PK_DSA : PK_TYPE;
	}
	if (sshbuf_r_left(&r) != 0)
		return PK_FORMAT;
	if (w.err)
		return PK_TOOBIG;
	*publen = w.len;
	return PK_OK;
}

int tinysshkey_from_openssh(const uint8_t *priv, size_t privlen, uint8_t pk[TINYSSH_PK_LEN],
			    uint8_t sk[TINYSSH_SK_LEN])
{
	struct sshbuf_r r;
	const uint8_t *t, *a, *b;
	size_t tl, al, bl;

	sshbuf_r_init(&r, priv, privlen);
	if (sshbuf_get_string(&r, &t, &tl) < 0)
		return PK_FORMAT;
	if (!is_name(t, tl, ED25519))
		return PK_TYPE;
	if (sshbuf_get_string(&r, &a, &al) < 0 || sshbuf_get_string(&r, &b, &bl) < 0 || al != TINYSSH_PK_LEN ||
	    bl != TINYSSH_SK_LEN || memcmp(a, b + 32, 32) != 0)
		return PK_FORMAT;
	memcpy(pk, a, TINYSSH_PK_LEN);
	memcpy(sk, b, TINYSSH_SK_LEN);
	return PK_OK;
}

int tinysshkey_parse(const uint8_t *pk, size_t pkn, const uint8_t *sk, size_t skn, uint8_t *pub, size_t cap,
		     size_t *publen)
{
	struct sshbuf_w w;

	*publen = 0;
	if (pkn != TINYSSH_PK_LEN || (sk && skn != TINYSSH_SK_LEN))
		return PK_FORMAT;
	if (sk && memcmp(sk + 32, pk, TINYSSH_PK_LEN) != 0)
		return PK_MISMATCH;
	sshbuf_w_init(&w, pub, cap);
	sshbuf_put_cstring(&w, ED25519);
	sshbuf_put_string(&w, pk, TINYSSH_PK_LEN);
	if (w.err)
		return PK_TOOBIG;
	*publen = w.len;
	return PK_OK;
}
