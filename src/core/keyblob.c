/* keyblob.c: public key blob structure for every type OpenSSH 9 writes. */
#include <string.h>

#include "keyblob.h"
#include "keycheck.h"
#include "sshbuf.h"

struct type_row {
	const char *name;
	enum keyblob_family family;
	int cert;
	const char *curve; /* ECDSA curve identifier inside the blob */
	const char *label;
};

static const struct type_row types[] = {
	{ "ssh-ed25519", KF_ED25519, 0, NULL, "ED25519" },
	{ "ssh-rsa", KF_RSA, 0, NULL, "RSA" },
	{ "ecdsa-sha2-nistp256", KF_ECDSA, 0, "nistp256", "ECDSA" },
	{ "ecdsa-sha2-nistp384", KF_ECDSA, 0, "nistp384", "ECDSA" },
	{ "ecdsa-sha2-nistp521", KF_ECDSA, 0, "nistp521", "ECDSA" },
	{ "ssh-dss", KF_DSA, 0, NULL, "DSA" },
	{ "sk-ssh-ed25519@openssh.com", KF_ED25519_SK, 0, NULL, "ED25519-SK" },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", KF_ECDSA_SK, 0, "nistp256", "ECDSA-SK" },
	{ "ssh-ed25519-cert-v01@openssh.com", KF_ED25519, 1, NULL, "ED25519-CERT" },
	{ "ssh-rsa-cert-v01@openssh.com", KF_RSA, 1, NULL, "RSA-CERT" },
	{ "ecdsa-sha2-nistp256-cert-v01@openssh.com", KF_ECDSA, 1, "nistp256", "ECDSA-CERT" },
	{ "ecdsa-sha2-nistp384-cert-v01@openssh.com", KF_ECDSA, 1, "nistp384", "ECDSA-CERT" },
	{ "ecdsa-sha2-nistp521-cert-v01@openssh.com", KF_ECDSA, 1, "nistp521", "ECDSA-CERT" },
	{ "ssh-dss-cert-v01@openssh.com", KF_DSA, 1, NULL, "DSA-CERT" },
	{ "sk-ssh-ed25519-cert-v01@openssh.com", KF_ED25519_SK, 1, NULL, "ED25519-SK-CERT" },
	{ "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", KF_ECDSA_SK, 1, "nistp256", "ECDSA-SK-CERT" },
};

static const struct type_row *find_type(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i].name) == len && memcmp(types[i].name, name, len) == 0)
			return &types[i];
	return NULL;
}

int keyblob_type_known(const char *name, size_t len)
{
	return find_type(name, len) != NULL;
}

static unsigned curve_bits(const char *curve)
{
	if (strcmp(curve, "nistp256") == 0)
		return 256;
	if (strcmp(curve, "nistp384") == 0)
		return 384;
	return 521;
}

/* Uncompressed point length for the curve: 0x04 || X || Y. */
static size_t point_len(unsigned bits)
{
	return 1 + 2 * ((bits + 7) / 8);
}

/* Parses the key fields of family fam (after the type, and after the nonce for certificates). */
static int parse_fields(struct sshbuf_r *r, const struct type_row *t, unsigned *bits)
{
	const uint8_t *s;
	size_t n;

	switch (t->family) {
	case KF_ED25519:
	case KF_ED25519_SK:
		if (sshbuf_get_string(r, &s, &n) < 0)
			return KB_TRUNCATED;
		if (n != 32)
			return KB_BADFIELD;
		*bits = 256;
		break;
	case KF_ECDSA:
	case KF_ECDSA_SK:
		if (sshbuf_get_string(r, &s, &n) < 0)
			return KB_TRUNCATED;
		if (n != strlen(t->curve) || memcmp(s, t->curve, n) != 0)
			return KB_BADFIELD;
		*bits = curve_bits(t->curve);
		if (sshbuf_get_string(r, &s, &n) < 0)
			return KB_TRUNCATED;
		if (n != point_len(*bits) || s[0] != 0x04)
			return KB_BADFIELD;
		/* sshd (sshkey_ec_validate_public) refuses a point off the curve: ssh-keygen too. */
		if (keycheck_ec_point(*bits, s, n) != KC_OK)
			return KB_POINT;
		break;
	case KF_RSA: {
		const uint8_t *e, *m;
		size_t en, mn;
		struct sshbuf_r probe = *r;
		/* Tell "too short" apart from "bad number": first check both strings are there. */
		if (sshbuf_get_string(&probe, &s, &n) < 0 || sshbuf_get_string(&probe, &s, &n) < 0)
			return KB_TRUNCATED;
		if (sshbuf_get_mpint(r, &e, &en) < 0 || sshbuf_get_mpint(r, &m, &mn) < 0)
			return KB_BADFIELD;
		if (en == 0 || mn == 0)
			return KB_BADFIELD;
		*bits = sshbuf_bits(m, mn);
		/* sshd refuses RSA moduli under 1024 bits (SSH_RSA_MINIMUM_MODULUS_SIZE) and over
		 * 16384 (SSHBUF_MAX_BIGNUM). */
		if (*bits < 1024 || *bits > 16384)
			return KB_KEYSIZE;
		break;
	}
	case KF_DSA: {
		const uint8_t *p;
		size_t pn;
		if (sshbuf_get_mpint(r, &p, &pn) < 0)
			return KB_TRUNCATED;
		*bits = sshbuf_bits(p, pn);
		for (int i = 0; i < 3; i++) /* q, g, y */
			if (sshbuf_get_mpint(r, &s, &n) < 0)
				return KB_TRUNCATED;
		break;
	}
	default:
		return KB_BADFIELD;
	}
	if (t->family == KF_ED25519_SK || t->family == KF_ECDSA_SK) {
		if (sshbuf_get_string(r, &s, &n) < 0) /* application, e.g. "ssh:" */
			return KB_TRUNCATED;
	}
	return KB_OK;
}

/* A certificate's principals (strings without NUL, at most 256 as sshd) or its critical options and
 * extensions (name/data string pairs), as sshkey.c cert_parse reads them. */
static int cert_list(const uint8_t *s, size_t n, int pairs)
{
	struct sshbuf_r r;
	const uint8_t *v;
	size_t vn;
	unsigned count = 0;

	sshbuf_r_init(&r, s, n);
	while (sshbuf_r_left(&r) != 0) {
		if (sshbuf_get_string(&r, &v, &vn) < 0 || (pairs && sshbuf_get_string(&r, &v, &vn) < 0))
			return KB_CERT;
		if (!pairs && (memchr(v, 0, vn) || ++count > 256))
			return KB_CERT;
	}
	return KB_OK;
}

/* The certificate fields after the key (PROTOCOL.certkeys), and the CA's signature over everything
 * before the signature: sshd parses no certificate whose signature does not verify. */
static int parse_cert_tail(struct sshbuf_r *r)
{
	const uint8_t *s, *ca, *sig;
	size_t n, calen, siglen;
	uint32_t type;
	struct keyblob_info cainfo;

	if (sshbuf_get_bytes(r, &s, 8) < 0 || sshbuf_get_u32(r, &type) < 0) /* serial, type */
		return KB_TRUNCATED;
	if (sshbuf_get_string(r, &s, &n) < 0) /* key id */
		return KB_TRUNCATED;
	if (memchr(s, 0, n))
		return KB_CERT;
	if (sshbuf_get_string(r, &s, &n) < 0) /* principals */
		return KB_TRUNCATED;
	int err = cert_list(s, n, 0);
	if (err != KB_OK)
		return err;
	if (sshbuf_get_bytes(r, &s, 16) < 0) /* valid after, valid before */
		return KB_TRUNCATED;
	for (int i = 0; i < 2; i++) { /* critical options, extensions */
		if (sshbuf_get_string(r, &s, &n) < 0)
			return KB_TRUNCATED;
		if ((err = cert_list(s, n, 1)) != KB_OK)
			return err;
	}
	if (sshbuf_get_string(r, &s, &n) < 0 || sshbuf_get_string(r, &ca, &calen) < 0) /* reserved, CA key */
		return KB_TRUNCATED;
	size_t signed_len = r->off;
	if (sshbuf_get_string(r, &sig, &siglen) < 0)
		return KB_TRUNCATED;
	if (type != 1 && type != 2) /* SSH2_CERT_TYPE_USER, SSH2_CERT_TYPE_HOST */
		return KB_CERT;
	/* The CA is a plain key that sshd would accept on its own (a certificate cannot sign one). */
	if (keyblob_inspect(ca, calen, &cainfo) != KB_OK || cainfo.cert || cainfo.family == KF_UNKNOWN)
		return KB_CERTCA;
	switch (keycheck_verify(ca, calen, sig, siglen, r->p, signed_len)) {
	case KC_OK:
		return KB_OK;
	case KC_CAUNSUP:
		return KB_CERTUNSUP;
	case KC_SIGFORMAT:
		return KB_CERT;
	}
	return KB_CERTSIG;
}

int keyblob_inspect(const uint8_t *blob, size_t len, struct keyblob_info *out)
{
	struct sshbuf_r r;
	const uint8_t *s;
	size_t n;
	int err;

	memset(out, 0, sizeof *out);
	sshbuf_r_init(&r, blob, len);
	if (sshbuf_get_string(&r, &s, &n) < 0)
		return len < 4 ? KB_TRUNCATED : KB_NOTYPE;
	if (n == 0 || n > KEYBLOB_TYPE_MAX)
		return KB_NOTYPE;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return KB_NOTYPE;
	memcpy(out->type, s, n);
	out->type[n] = '\0';

	const struct type_row *t = find_type(out->type, n);
	if (!t) {
		out->family = KF_UNKNOWN;
		out->label = "UNKNOWN";
		return KB_OK;
	}
	out->family = t->family;
	out->cert = t->cert;
	out->label = t->label;
	if (t->cert && sshbuf_get_string(&r, &s, &n) < 0) /* nonce */
		return KB_TRUNCATED;
	if ((err = parse_fields(&r, t, &out->bits)) != KB_OK)
		return err;
	if (t->cert && (err = parse_cert_tail(&r)) != KB_OK)
		return err;
	if (sshbuf_r_left(&r) != 0)
		return KB_TRAILING;
	return KB_OK;
}

int keyblob_plain(const uint8_t *blob, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
	struct keyblob_info info;
	struct sshbuf_r r;
	struct sshbuf_w w;
	const uint8_t *s;
	size_t n;
	unsigned bits;

	if (keyblob_inspect(blob, len, &info) != KB_OK || !info.cert)
		return -1;
	const struct type_row *t = find_type(info.type, strlen(info.type));
	sshbuf_r_init(&r, blob, len);
	if (!t || sshbuf_get_string(&r, &s, &n) < 0 || sshbuf_get_string(&r, &s, &n) < 0) /* type, nonce */
		return -1;
	size_t start = r.off;
	if (parse_fields(&r, t, &bits) != KB_OK)
		return -1;
	/* The plain type is the certificate type without its "-cert-v01@openssh.com" suffix, keeping
	 * the "@openssh.com" of sk types. */
	char plain[KEYBLOB_TYPE_MAX + 1];
	static const char cert_suffix[] = "-cert-v01@openssh.com";
	size_t tl = strlen(info.type), sl = sizeof cert_suffix - 1;
	/* sk certificate types end in "-cert-v01@openssh.com" as well ("sk-...-cert-v01@openssh.com"). */
	if (tl <= sl || memcmp(info.type + tl - sl, cert_suffix, sl) != 0)
		return -1;
	size_t pl = tl - sl;
	memcpy(plain, info.type, pl);
	plain[pl] = '\0';
	if (info.family == KF_ED25519_SK || info.family == KF_ECDSA_SK)
		strcat(plain, "@openssh.com");
	sshbuf_w_init(&w, out, cap);
	sshbuf_put_cstring(&w, plain);
	sshbuf_put_bytes(&w, blob + start, r.off - start);
	if (w.err)
		return -1;
	*outlen = w.len;
	return 0;
}

const char *keyblob_strerror(int err)
{
	switch (err) {
	case KB_OK:
		return "ok";
	case KB_TRUNCATED:
		return "key data is truncated";
	case KB_TRAILING:
		return "key data has extra bytes after the key";
	case KB_BADFIELD:
		return "key data is malformed";
	case KB_NOTYPE:
		return "key data does not start with a key type";
	case KB_KEYSIZE:
		return "RSA key size is outside 1024..16384 bits (sshd refuses it)";
	case KB_POINT:
		return "ECDSA public key is not a point sshd accepts (not on its curve, or a weak point); ssh-keygen refuses it too";
	case KB_CERT:
		return "certificate is malformed (sshd refuses it)";
	case KB_CERTCA:
		return "certificate is signed by an invalid CA key (sshd refuses it)";
	case KB_CERTSIG:
		return "certificate signature is invalid: its CA did not sign it (sshd refuses it)";
	case KB_CERTUNSUP:
		return "certificate is signed by a DSA CA key, which keydrop cannot verify";
	}
	return "key data is invalid";
}
