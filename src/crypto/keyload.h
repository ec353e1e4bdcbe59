/* keyload.h: every private key file a user brings, read into one shape: OpenSSH (clear or
 * encrypted with a passphrase), PEM (PKCS#1 RSA, SEC1 EC), PKCS#8, and PuTTY .ppk (public half).
 * Pure apart from the crypto it needs (key derivation, decryption, public from private). */
#ifndef KEYDROP_KEYLOAD_H
#define KEYDROP_KEYLOAD_H
#include <stddef.h>
#include <stdint.h>

#include "keygen.h"
#include "privkey.h"

/* A hostile or mistyped key must not hang a boot script: an OpenSSH key asking for more bcrypt
 * rounds than this is refused (PK_ROUNDS) before any work. ssh-keygen's default is 16; 1024 rounds
 * take about KEYLOAD_ROUNDS_SECONDS here. */
#define KEYLOAD_ROUNDS_MAX 1024
#define KEYLOAD_ROUNDS_SECONDS "5 s"

enum keyload_fmt {
	KL_OPENSSH,   /* openssh-key-v1 */
	KL_PEM_RSA,   /* BEGIN RSA PRIVATE KEY (PKCS#1) */
	KL_PEM_EC,    /* BEGIN EC PRIVATE KEY (SEC1) */
	KL_PKCS8,     /* BEGIN PRIVATE KEY */
	KL_PPK2,      /* PuTTY-User-Key-File-2 */
	KL_PPK3       /* PuTTY-User-Key-File-3 */
};

struct keyload {
	enum keyload_fmt fmt;
	int encrypted;       /* the file is passphrase-protected */
	int have_private;    /* pair.priv is set: the key in clear, as an openssh-key-v1 private part */
	struct keygen_pair pair; /* pub always set on PK_OK and PK_ENCRYPTED; priv only if have_private */
	char comment[PRIVKEY_COMMENT_MAX + 1]; /* NUL-terminated; "" if none or not readable */
	int have_comment;    /* the file stores a comment we could read (an encrypted OpenSSH key's
	                      * comment is inside the encrypted part) */
	uint32_t rounds;     /* bcrypt rounds of an encrypted OpenSSH key */
	char cipher[32];     /* its cipher name, for messages */
};

/* Reads text (a whole key file). pass == NULL: do not decrypt; an encrypted key returns
 * PK_ENCRYPTED with out->pair.pub, publen and encrypted set. With pass (passlen bytes, may be 0
 * for "no passphrase"): decrypts, or PK_BADPASS. Other results: PK_OK, PK_NOT_KEY, PK_FORMAT,
 * PK_CHECKINT, PK_MISMATCH, PK_TOOBIG, PK_MULTI, PK_TYPE, PK_CIPHER, PK_ROUNDS, PK_PEM_ENCRYPTED,
 * PK_DSA; the public half is set for PK_DSA, PK_CIPHER and PK_ROUNDS too, and cipher and rounds for
 * the last two, which are found before any passphrase is needed. A .ppk gives PK_OK with have_private 0 (its public lines only). Wipe with keyload_wipe. */
int keyload_parse(const char *text, size_t n, const char *pass, size_t passlen, struct keyload *out);
void keyload_wipe(struct keyload *k);

/* PEM, PKCS#8 and .ppk (keyload_foreign.c): same contract as keyload_parse for those formats. */
int keyload_foreign(const char *text, size_t n, struct keyload *out);


/* Messages: privkey_strerror (privkey.h). */

#endif
