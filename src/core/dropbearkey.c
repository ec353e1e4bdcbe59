/* dropbearkey.c: dropbear's private key format and tinyssh's key files (see dropbearkey.h). */
#include <string.h>

#include "dropbearkey.h"
#include "keycheck.h"
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

/* string type, string curve, string Q, mpint d (dropbear, as openssh-key-v1). Checks the curve
 * matches the type and Q is an uncompressed point on that curve (dropbear's buf_get_ecc_raw_pubkey
 * refuses one that is not: ltc_ecc_is_point); puts type, curve and Q to pubw. */
static int ecdsa_fields(struct sshbuf_r *r, const uint8_t *type, size_t tlen, struct sshbuf_w *pubw)
{
	const uint8_t *c, *q, *d;
	size_t cn, qn, dn, cb;

	if (sshbuf_get_string(r, &c, &cn) < 0 || sshbuf_get_string(r, &q, &qn) < 0 || sshbuf_get_mpint(r, &d, &dn) < 0)
		return PK_FORMAT;
	if (tlen != 11 + cn || memcmp(type + 11, c, cn) != 0 || !(cb = curve_bytes(c, cn)))
		return PK_TYPE;
	if (qn != 1 + 2 * cb || q[0] != 4 || dn == 0 || dn > cb)
		return PK_FORMAT;
	if (keycheck_ec_point(cb == 66 ? 521 : (unsigned)cb * 8, q, qn) != KC_OK)
		return DROPBEARKEY_EC_POINT;
	sshbuf_put_string(pubw, type, tlen);
	sshbuf_put_string(pubw, c, cn);
	sshbuf_put_string(pubw, q, qn);
	return PK_OK;
}

long dropbearkey_from_openssh(const uint8_t *priv, size_t privlen, uint8_t *out, size_t cap)
{
	static const uint8_t rsa_order[5] = { 1, 0, 2, 4, 5 };
	struct sshbuf_r r;
	struct sshbuf_w w;
	const uint8_t *t, *s, *m[6];
	size_t tl, sl, ml[6], pl;
	uint8_t pub[2200]; /* an RSA-16384 public key fits (refused after the parse, not for want of room) */
	int ret;

	sshbuf_r_init(&r, priv, privlen);
	sshbuf_w_init(&w, out, cap);
	if (sshbuf_get_string(&r, &t, &tl) < 0)
		return PK_FORMAT;
	if (is_name(t, tl, ED25519)) {
		/* openssh-key-v1: string pk, string (seed || pk); dropbear keeps only the second */
		if (sshbuf_get_string(&r, &s, &sl) < 0 || sshbuf_get_string(&r, &s, &sl) < 0)
			return PK_FORMAT;
		sshbuf_put_string(&w, t, tl);
		sshbuf_put_string(&w, s, sl);
	} else if (tl > 11 && memcmp(t, ECDSA, 11) == 0) {
		/* curve, Q, d: the same fields in the same order, copied as they are (minimal mpint) */
		if (sshbuf_get_string(&r, &s, &sl) < 0 || sshbuf_get_string(&r, &s, &sl) < 0 ||
		    sshbuf_get_mpint(&r, &s, &sl) < 0)
			return PK_FORMAT;
		sshbuf_put_bytes(&w, priv, r.off);
	} else if (is_name(t, tl, "ssh-rsa")) {
		/* openssh-key-v1: n, e, d, iqmp, p, q; dropbear: e, n, d, p, q */
		for (int i = 0; i < 6; i++)
			if (sshbuf_get_mpint(&r, &m[i], &ml[i]) < 0)
				return PK_FORMAT;
		sshbuf_put_string(&w, t, tl);
		for (int i = 0; i < 5; i++)
			sshbuf_put_mpint(&w, m[rsa_order[i]], ml[rsa_order[i]]);
	} else {
		return is_name(t, tl, "ssh-dss") ? PK_DSA : PK_TYPE;
	}
	if (w.err)
		return PK_TOOBIG;
	/* What we write passes the checks dropbear's own files pass (sizes, curve, point, no empty field). */
	ret = dropbearkey_parse(out, w.len, pub, sizeof pub, &pl);
	return ret == PK_OK ? (long)w.len : ret;
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
		if ((ret = ecdsa_fields(&r, t, tl, &w)) != PK_OK)
			return ret;
	} else if (is_name(t, tl, "ssh-rsa")) {
		/* e, n, d, and p, q unless the file ends after d (old dropbear) */
		int big = n > DROPBEAR_FILE_MAX;
		for (int k = 0; k < 5 && (k != 3 || sshbuf_r_left(&r) > 0); k++) {
			size_t at = r.off;
			if (sshbuf_get_mpint(&r, &m[k], &ml[k]) < 0 || ml[k] == 0)
				return PK_FORMAT;
			big |= r.off - at - 4 > DROPBEAR_MPINT_MAX; /* the length as written, leading zeros too */
		}
		if (sshbuf_r_left(&r) != 0)
			return PK_FORMAT;
		if (big || sshbuf_bits(m[1], ml[1]) < DROPBEAR_RSA_MIN_BITS || sshbuf_bits(m[0], ml[0]) > DROPBEAR_RSA_E_MAX_BITS)
			return DROPBEARKEY_RSA_SIZE;
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
