/* keylock.h: the passphrase encryption of OpenSSH private keys: bcrypt_pbkdf derives key and IV
 * from the passphrase and a salt; AES (BearSSL) in CTR or CBC mode encrypts the private section. */
#ifndef KEYDROP_KEYLOCK_H
#define KEYDROP_KEYLOCK_H
#include <stddef.h>
#include <stdint.h>

#include "privkey.h"

#define KEYLOCK_SALT_LEN 16      /* as ssh-keygen */
#define KEYLOCK_ROUNDS_DEFAULT 16 /* ssh-keygen -a default */

/* What keylock_open refuses before any work, without a passphrase: an unknown cipher or KDF
 * (PK_CIPHER), rounds above max_rounds (PK_ROUNDS), broken options or section (PK_FORMAT). So a key
 * nobody can open is said before anyone is asked for its passphrase. */
int keylock_check(const struct privkey_parts *parts, uint32_t max_rounds);

/* Decrypts parts->section into out[0..parts->sectionlen) and sets *blocksize (the cipher's block
 * size, the padding unit). Refuses before any work an unknown cipher or KDF (PK_CIPHER), rounds
 * above max_rounds (PK_ROUNDS), a section that is not whole blocks (PK_FORMAT). A wrong passphrase
 * is found by the caller (privkey_decode_section's check ints). */
int keylock_open(const struct privkey_parts *parts, const char *pass, size_t passlen, uint32_t max_rounds,
		 uint8_t *out, size_t *blocksize);

/* AES-CTR as OpenSSH runs it: the whole 16-byte IV is the counter, incremented as one big-endian
 * number. Encrypts or decrypts buf[0..len) in place; keylen 16, 24 or 32. */
void keylock_aes_ctr(const uint8_t *key, size_t keylen, const uint8_t *iv, uint8_t *buf, size_t len);

/* What privkey_encode needs to write an aes256-ctr / bcrypt key: a fresh salt, the derived key and
 * IV, and the seal that points at them. Wipe with keylock_wipe. */
struct keylock {
	uint8_t salt[KEYLOCK_SALT_LEN];
	uint8_t key[32 + 16]; /* AES-256 key || CTR IV, as bcrypt_pbkdf derives them */
	struct privkey_seal seal;
};

/* Returns 0, or -1 (no randomness: *rand_err says why; or bad rounds). */
int keylock_init(struct keylock *kl, const char *pass, size_t passlen, uint32_t rounds, int *rand_err);
void keylock_wipe(struct keylock *kl);

#endif
