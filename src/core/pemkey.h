/* pemkey.h: unencrypted PEM private keys as OpenSSL and `ssh-keygen -m PEM|PKCS8` write them:
 * "BEGIN RSA PRIVATE KEY" (PKCS#1 RSAPrivateKey, RFC 8017 A.1.2), "BEGIN EC PRIVATE KEY" (SEC1
 * ECPrivateKey, RFC 5915), "BEGIN PRIVATE KEY" (PKCS#8 PrivateKeyInfo / OneAsymmetricKey, RFC 5208
 * and 5958) holding rsaEncryption, id-ecPublicKey on a named curve, or id-Ed25519 (RFC 8410).
 * Pure: armour, base64 and a strict, bounded DER reader; no crypto (the caller derives and checks
 * the public half). Never copies key text into a message. */
#ifndef KEYDROP_PEMKEY_H
#define KEYDROP_PEMKEY_H
#include <stddef.h>
#include <stdint.h>

enum pemkey_armour { PEMKEY_PKCS1, PEMKEY_SEC1, PEMKEY_PKCS8 };
enum pemkey_alg { PEMKEY_RSA, PEMKEY_EC, PEMKEY_ED25519, PEMKEY_DSA };

/* A big-endian unsigned magnitude inside the work buffer, leading zero bytes stripped. */
struct pemkey_int {
	const uint8_t *p;
	size_t n;
};

struct pemkey {
	enum pemkey_armour armour;
	enum pemkey_alg alg;
	/* RSA (PKCS#1 field names; iqmp = q^-1 mod p, as OpenSSH stores it) */
	struct pemkey_int n, e, d, p, q, iqmp;
	/* EC: curve size (256, 384, 521), the private scalar (stripped, nonzero, below the curve
	 * order) and the public point as stored (NULL if the file omits it; not checked here). */
	unsigned curve;
	struct pemkey_int ecd;
	const uint8_t *ecq;
	size_t ecqlen;
	/* Ed25519: the 32-byte seed, and the 32-byte public key when the file has one (RFC 8410 v2). */
	const uint8_t *seed, *edpub;
	/* DSA (refused, but its public half is wanted for fingerprints): p, q, g, and y from "BEGIN
	 * DSA PRIVATE KEY", or x from PKCS#8 (dy.n == 0 then: y = g^x mod p is the caller's job). */
	struct pemkey_int dp, dq, dg, dy, dx;
};

/* Finds the private key block in text[0..n) (text around the armour and an "EC PARAMETERS" block
 * before it are skipped, as ssh-keygen does), decodes it into work[0..cap) and points out's
 * fields into work (the caller wipes work: it holds the private key). Returns PK_OK (privkey.h),
 * PK_NOT_KEY (no PEM private key armour), PK_PEM_ENCRYPTED (Proc-Type: 4,ENCRYPTED or
 * "ENCRYPTED PRIVATE KEY"), PK_DSA (out->alg PEMKEY_DSA and its DSA fields set; an encrypted DSA
 * key is PK_PEM_ENCRYPTED), PK_TYPE (another algorithm, explicit curve
 * parameters, a curve other than P-256/384/521, multi-prime RSA), PK_MULTI (a second private key
 * block), PK_TOOBIG, PK_FORMAT (anything broken: base64, DER lengths, tags, trailing bytes). */
int pemkey_decode(const char *text, size_t n, uint8_t *work, size_t cap, struct pemkey *out);

#endif
