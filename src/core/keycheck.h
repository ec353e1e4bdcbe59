/* keycheck.h: the cryptographic checks sshd makes when it reads a public key, so that keydrop never
 * calls a line usable that sshd refuses: ECDSA points on their curve (sshkey_ec_validate_public) and
 * OpenSSH certificate signatures by their CA (sshkey.c cert_parse -> sshkey_verify). Pure: BearSSL
 * for the curves, RSA and the hashes, libsodium for Ed25519. */
#ifndef KEYDROP_KEYCHECK_H
#define KEYDROP_KEYCHECK_H
#include <stddef.h>
#include <stdint.h>

enum keycheck_err {
	KC_OK = 0,
	KC_POINT = -1,    /* not a valid point of the curve, or one sshd refuses (small coordinates) */
	KC_SIGFORMAT = -2, /* the signature blob is malformed or of a type that does not fit the CA key */
	KC_BADSIG = -3,   /* well formed, but the CA did not sign these bytes */
	KC_CAUNSUP = -4   /* a CA key type keydrop cannot verify (DSA) */
};

/* q[0..qlen): an uncompressed point 04||X||Y on nistp256/384/521 (bits = 256, 384 or 521).
 * Returns KC_OK or KC_POINT. */
int keycheck_ec_point(unsigned bits, const uint8_t *q, size_t qlen);

/* Verifies sig[0..siglen) (an SSH signature blob: string type, string data[, sk fields]) over
 * data[0..datalen) with the plain public key blob ca[0..calen) (already checked by keyblob_inspect).
 * Returns KC_OK or a keycheck_err. */
int keycheck_verify(const uint8_t *ca, size_t calen, const uint8_t *sig, size_t siglen, const uint8_t *data,
		    size_t datalen);

#endif
