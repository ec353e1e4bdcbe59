/* keygen.h: new key pairs. Ed25519 from libsodium, ECDSA and RSA from BearSSL; all randomness from
 * getrandom() (rand.c). Output is the SSH public blob and the openssh-key-v1 private section. */
#ifndef KEYDROP_KEYGEN_H
#define KEYDROP_KEYGEN_H
#include <stddef.h>
#include <stdint.h>

#include "privkey.h"

enum keygen_type { KT_ED25519, KT_ECDSA, KT_RSA };

enum keygen_err { KG_OK = 0, KG_BITS = -1, KG_RAND = -2, KG_CRYPTO = -3 };

#define KEYGEN_RSA_DEFAULT 3072
#define KEYGEN_RSA_MIN 2048
#define KEYGEN_RSA_MAX 16384

struct keygen_pair {
	uint8_t pub[PRIVKEY_BLOB_MAX / 4]; /* public blob */
	size_t publen;
	uint8_t priv[PRIVKEY_BLOB_MAX / 2]; /* type + private fields (secret: wipe with keygen_wipe) */
	size_t privlen;
	unsigned bits;
};

/* Parses "ed25519" / "ecdsa" / "rsa"; returns 0 or -1. */
int keygen_type_parse(const char *s, enum keygen_type *t);
const char *keygen_type_name(enum keygen_type t); /* "ed25519", ... for file names */

/* Resolves bits as ssh-keygen does (0 = default: ecdsa 256, rsa 3072) and checks them. Returns the
 * bits to use, or 0 if invalid for the type. */
unsigned keygen_bits(enum keygen_type t, unsigned bits);

/* Generates a key pair. on_wait is told if getrandom would block (early boot). rand_err receives the
 * rand.c error when KG_RAND is returned. */
int keygen_generate(enum keygen_type t, unsigned bits, struct keygen_pair *out,
		    void (*on_wait)(void *), void *arg, int *rand_err);
void keygen_wipe(struct keygen_pair *p);
const char *keygen_strerror(int err);

#endif
