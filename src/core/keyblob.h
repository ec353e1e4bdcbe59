/* keyblob.h: what an SSH public key blob (RFC 4253 §6.6, PROTOCOL.certkeys, PROTOCOL.u2f) holds.
 * Pure: inspects a blob without trusting any length in it. */
#ifndef KEYDROP_KEYBLOB_H
#define KEYDROP_KEYBLOB_H
#include <stddef.h>
#include <stdint.h>

enum keyblob_family {
	KF_UNKNOWN = 0, /* well-formed but a type we do not know: passed through as is */
	KF_ED25519, KF_ECDSA, KF_RSA, KF_DSA, KF_ED25519_SK, KF_ECDSA_SK
};

enum keyblob_err {
	KB_OK = 0,
	KB_TRUNCATED = -1,  /* ends before its fields do */
	KB_TRAILING = -2,   /* bytes after the last field */
	KB_BADFIELD = -3,   /* a field has an impossible value (length, curve, point, mpint) */
	KB_NOTYPE = -4,     /* type string missing or not printable */
	KB_KEYSIZE = -5,    /* RSA modulus outside 1024..16384 bits: sshd refuses it */
	KB_POINT = -6,      /* ECDSA point not on its curve (or one sshd refuses) */
	KB_CERT = -7,       /* certificate fields sshd refuses (type, principals, signature format) */
	KB_CERTCA = -8,     /* certificate's CA key is not a valid plain key */
	KB_CERTSIG = -9,    /* certificate's CA signature does not verify */
	KB_CERTUNSUP = -10  /* certificate signed by a CA type keydrop cannot verify (DSA) */
};

#define KEYBLOB_TYPE_MAX 64

struct keyblob_info {
	char type[KEYBLOB_TYPE_MAX + 1]; /* the type name inside the blob, NUL-terminated */
	enum keyblob_family family;
	int cert;                        /* an OpenSSH certificate (*-cert-v01@openssh.com) */
	unsigned bits;                   /* key size as ssh-keygen -l prints it; 0 if unknown */
	const char *label;               /* "ED25519", "RSA", "ECDSA-CERT", ... as ssh-keygen -l shows */
};

/* Inspects blob[0..n). Known types are fully parsed and checked as sshd does (no trailing bytes,
 * field lengths, curve names, ECDSA points on their curve, RSA sizes; for certificates every field
 * and the CA's signature); unknown types only need a printable type string and get family KF_UNKNOWN:
 * callers must not treat them as keys they have checked. */
int keyblob_inspect(const uint8_t *blob, size_t n, struct keyblob_info *out);
const char *keyblob_strerror(int err);

/* For a certificate: writes the certified plain key's blob (what ssh-keygen -l fingerprints) into
 * out[0..cap) and its length into *outlen. Returns 0, or -1 if blob is not a valid certificate. */
int keyblob_plain(const uint8_t *blob, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/* 1 if name is a key type keydrop knows (plain, sk or cert). */
int keyblob_type_known(const char *name, size_t len);

#endif
