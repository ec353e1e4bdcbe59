/* blowfish.h: the Blowfish block cipher (Schneier, "Description of a New Variable-Length Key, 64-Bit
 * Block Cipher (Blowfish)", FSE 1993) with the key schedule split the way eksblowfish needs it
 * (Provos & Mazieres, "A Future-Adaptable Password Scheme", USENIX 1999): bcrypt_pbkdf.c is its
 * user. Words are big-endian, as in the paper. No allocation, no file-scope state: everything lives
 * in the caller's struct blowfish_state, which holds key material and must be wiped after use. */
#ifndef KEYDROP_BLOWFISH_H
#define KEYDROP_BLOWFISH_H
#include <stddef.h>
#include <stdint.h>

struct blowfish_state {
	uint32_t s[4][256]; /* S-boxes */
	uint32_t p[18];     /* P-array (subkeys) */
};

/* Sets st to the initial state: the hexadecimal digits of pi (P-array first, then S-boxes). */
void blowfish_initstate(struct blowfish_state *st);

/* The next 4 bytes of data[0..len) as a big-endian word, starting at *pos and wrapping around to
 * data[0] at the end (a key shorter than the 72 bytes the schedule consumes is repeated). len > 0;
 * *pos < len on entry, and it is advanced (modulo len). */
uint32_t blowfish_stream2word(const uint8_t *data, size_t len, size_t *pos);

/* The standard key schedule step ("expand0state" in eksblowfish): XORs the P-array with the key
 * (cyclically), then replaces P and S in order by the successive encryptions of an all-zero block.
 * keylen > 0. Run on the initial state, this is Blowfish's key setup (Schneier §3). */
void blowfish_expand0state(struct blowfish_state *st, const uint8_t *key, size_t keylen);

/* blowfish_expand0state on two independent states at once (st0 with key0, st1 with key1; the
 * same result as two calls, about as fast as one: the two block chains run in parallel on an
 * out-of-order CPU). bcrypt_pbkdf computes two output blocks this way. st0 != st1. */
void blowfish_expand0state2(struct blowfish_state *st0, const uint8_t *key0,
			    struct blowfish_state *st1, const uint8_t *key1, size_t keylen);

/* The salted step ("expandstate"): as blowfish_expand0state, except that before each encryption
 * the block is XORed with the next 8 bytes of data (cyclically). keylen > 0, datalen > 0. */
void blowfish_expandstate(struct blowfish_state *st, const uint8_t *data, size_t datalen,
			  const uint8_t *key, size_t keylen);

/* Encrypts the block (*xl, *xr) in place (16 rounds). */
void blowfish_encipher(const struct blowfish_state *st, uint32_t *xl, uint32_t *xr);

/* ECB over nblocks blocks, each two words (left, right) of data[0..2*nblocks). */
void blowfish_ecb_encrypt(const struct blowfish_state *st, uint32_t *data, size_t nblocks);

/* Standard Blowfish key setup: initial state, then blowfish_expand0state with key. 0 < keylen
 * (the published cipher allows up to 56 bytes; longer keys work the same way and are not refused). */
void blowfish_setkey(struct blowfish_state *st, const uint8_t *key, size_t keylen);

#endif
