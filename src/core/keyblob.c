/* keyblob.c: public key blob structure for every type OpenSSH 9 writes. */
#include <string.h>

#include "keyblob.h"
#include "keycheck.h"
#include "sshbuf.h"

struct type_row {
	const char *name;
	size_t namelen; /* strlen(name): find_type runs for every line of a file */
	enum keyblob_family family;
	const char *curve; /* ECDSA curve identifier inside the blob */
	const char *label, *cert_label;
};

/* The plain types; each has a certificate type (OpenSSH PROTOCOL.certkeys): the name without its
 * "@openssh.com", then "-cert-v01@openssh.com". */
static const struct type_row types[] = {
	{ "ssh-ed25519", sizeof "ssh-ed25519" - 1, KF_ED25519, NULL, "ED25519", "ED25519-CERT" },
	{ "ssh-rsa", sizeof "ssh-rsa" - 1, KF_RSA, NULL, "RSA", "RSA-CERT" },
	{ "ecdsa-sha2-nistp256", sizeof "ecdsa-sha2-nistp256" - 1, KF_ECDSA, "nistp256", "ECDSA", "ECDSA-CERT" },
	{ "ecdsa-sha2-nistp384", sizeof "ecdsa-sha2-nistp384" - 1, KF_ECDSA, "nistp384", "ECDSA", "ECDSA-CERT" },
	{ "ecdsa-sha2-nistp521", sizeof "ecdsa-sha2-nistp521" - 1, KF_ECDSA, "nistp521", "ECDSA", "ECDSA-CERT" },
	{ "ssh-dss", sizeof "ssh-dss" - 1, KF_DSA, NULL, "DSA", "DSA-CERT" },
	{ "sk-ssh-ed25519@openssh.com", sizeof "sk-ssh-ed25519@openssh.com" - 1, KF_ED25519_SK, NULL, "ED25519-SK", "ED25519-SK-CERT" },
	{ "sk-ecdsa-sha2-nistp256@openssh.com", sizeof "sk-ecdsa-sha2-nistp256@openssh.com" - 1, KF_ECDSA_SK, "nistp256", "ECDSA-SK", "ECDSA-SK-CERT" },
};

static const char cert_suffix[] = "-cert-v01@openssh.com", openssh_suffix[] = "@openssh.com";

static int has_suffix(const char *s, size_t n, const char *suf, size_t sl)
{
	return n >= sl && memcmp(s + n - sl, suf, sl) == 0;
}

/* The row of type name[0..len), plain or certificate (*cert says which), or NULL. */
static const struct type_row *find_type(const char *name, size_t len, int *cert)
{
	size_t cl = sizeof cert_suffix - 1, ol = sizeof openssh_suffix - 1;

	*cert = has_suffix(name, len, cert_suffix, cl);
	size_t stem = *cert ? len - cl : len;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		const char *t = types[i].name;
		size_t tl = types[i].namelen;
		if (*cert && has_suffix(t, tl, openssh_suffix, ol))
			tl -= ol; /* sk types: the stem has no "@openssh.com" */
		if (tl == stem && memcmp(t, name, stem) == 0)
			return &types[i];
	}
	return NULL;
}

int keyblob_type_known(const char *name, size_t len)
{
	int cert;
	return find_type(name, len, &cert) != NULL;
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
		const uint8_t *z = n ? memchr(s, 0, n) : NULL;
		if (z && z < s + n - 1)
			return KB_BADFIELD; /* sshd reads it as a C string: a NUL only at its end */
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

	int cert;
	const struct type_row *t = find_type(out->type, n, &cert);
	if (!t) {
		out->family = KF_UNKNOWN;
		out->label = "UNKNOWN";
		return KB_OK;
	}
	out->family = t->family;
	out->cert = cert;
	out->label = cert ? t->cert_label : t->label;
	if (cert && sshbuf_get_string(&r, &s, &n) < 0) /* nonce */
		return KB_TRUNCATED;
	if ((err = parse_fields(&r, t, &out->bits)) != KB_OK)
		return err;
	if (cert && (err = parse_cert_tail(&r)) != KB_OK)
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
	int cert;
	const struct type_row *t = find_type(info.type, strlen(info.type), &cert);
	sshbuf_r_init(&r, blob, len);
	if (!t || sshbuf_get_string(&r, &s, &n) < 0 || sshbuf_get_string(&r, &s, &n) < 0) /* type, nonce */
		return -1;
	size_t start = r.off;
	if (parse_fields(&r, t, &bits) != KB_OK)
		return -1;
	/* The plain type is the row's name ("@openssh.com" of sk types included). */
	sshbuf_w_init(&w, out, cap);
	sshbuf_put_cstring(&w, t->name);
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
