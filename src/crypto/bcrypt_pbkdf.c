/* bcrypt_pbkdf.c: OpenSSH's bcrypt_pbkdf (see bcrypt_pbkdf.h) on BearSSL's SHA-512 and blowfish.c. */
#include <string.h>
#include <bearssl.h>

#include "bcrypt_pbkdf.h"
#include "blowfish.h"
#include "secret.h"

#define BCRYPT_HASHSIZE 32 /* bytes of one bcrypt_hash block: 8 words */

static void sha512(uint8_t out[64], const void *data, size_t len, br_sha512_context *c)
{
	br_sha512_init(c);
	br_sha512_update(c, data, len);
	br_sha512_out(c, out);
}

/* Output blocks `n` (1 or 2) at a time: block j from sha2salt[j] into out[j], with the state st[j].
 * One block: eksblowfish keyed by the hashed passphrase and salted by the hashed salt (one salted
 * expansion, then 64 rounds of expanding by the salt and by the passphrase), then the constant
 * encrypted 64 times in ECB. The words come out little-endian: OpenSSH's byte order, kept.
 * Two blocks share the expansion loop (blowfish_expand0state2), which costs about as much as one. */
static void bcrypt_hash(struct blowfish_state st[2], size_t n, const uint8_t sha2pass[64],
			const uint8_t sha2salt[2][64], uint8_t out[2][BCRYPT_HASHSIZE])
{
	static const uint8_t magic[BCRYPT_HASHSIZE] = "OxychromaticBlowfishSwatDynamite";
	uint32_t cdata[BCRYPT_HASHSIZE / 4];

	for (size_t j = 0; j < n; j++) {
		blowfish_initstate(&st[j]);
		blowfish_expandstate(&st[j], sha2salt[j], 64, sha2pass, 64);
	}
	for (int i = 0; i < 64; i++) {
		if (n == 2) {
			blowfish_expand0state2(&st[0], sha2salt[0], &st[1], sha2salt[1], 64);
			blowfish_expand0state2(&st[0], sha2pass, &st[1], sha2pass, 64);
		} else {
			blowfish_expand0state(&st[0], sha2salt[0], 64);
			blowfish_expand0state(&st[0], sha2pass, 64);
		}
	}
	for (size_t j = 0; j < n; j++) {
		size_t pos = 0;
		for (size_t i = 0; i < BCRYPT_HASHSIZE / 4; i++)
			cdata[i] = blowfish_stream2word(magic, sizeof magic, &pos);
		for (int i = 0; i < 64; i++)
			blowfish_ecb_encrypt(&st[j], cdata, BCRYPT_HASHSIZE / 8);
		for (size_t i = 0; i < BCRYPT_HASHSIZE / 4; i++) {
			out[j][4 * i + 0] = (uint8_t)cdata[i];
			out[j][4 * i + 1] = (uint8_t)(cdata[i] >> 8);
			out[j][4 * i + 2] = (uint8_t)(cdata[i] >> 16);
			out[j][4 * i + 3] = (uint8_t)(cdata[i] >> 24);
		}
	}
	secret_wipe(cdata, sizeof cdata);
}

int bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
		 uint8_t *key, size_t keylen, unsigned rounds)
{
	if (rounds == 0 || keylen == 0 || keylen > BCRYPT_KEY_MAX || saltlen == 0 ||
	    saltlen > BCRYPT_SALT_MAX || !salt || !key || (!pass && passlen))
		return -1;

	struct blowfish_state st[2];
	br_sha512_context ctx;
	uint8_t sha2pass[64], sha2salt[2][64], countsalt[BCRYPT_SALT_MAX + 4];
	uint8_t out[2][BCRYPT_HASHSIZE], tmp[2][BCRYPT_HASHSIZE];
	/* Block `count` (1-based) supplies key bytes count-1, count-1+stride, ...: each block
	 * contributes to the whole key, so no part of it is cheaper to attack than the rest. */
	size_t stride = (keylen + BCRYPT_HASHSIZE - 1) / BCRYPT_HASHSIZE;
	size_t amt = (keylen + stride - 1) / stride;

	sha512(sha2pass, passlen ? pass : "", passlen, &ctx);
	memcpy(countsalt, salt, saltlen);
	for (size_t count = 1; count <= stride; count += 2) {
		size_t n = stride - count >= 1 ? 2 : 1; /* blocks count and count+1, if it exists */
		for (size_t j = 0; j < n; j++) {
			size_t c = count + j;
			countsalt[saltlen + 0] = (uint8_t)(c >> 24);
			countsalt[saltlen + 1] = (uint8_t)(c >> 16);
			countsalt[saltlen + 2] = (uint8_t)(c >> 8);
			countsalt[saltlen + 3] = (uint8_t)c;
			sha512(sha2salt[j], countsalt, saltlen + 4, &ctx);
		}
		bcrypt_hash(st, n, sha2pass, (const uint8_t(*)[64])sha2salt, tmp);
		memcpy(out, tmp, sizeof out);
		for (unsigned r = 1; r < rounds; r++) {
			for (size_t j = 0; j < n; j++)
				sha512(sha2salt[j], tmp[j], sizeof tmp[j], &ctx);
			bcrypt_hash(st, n, sha2pass, (const uint8_t(*)[64])sha2salt, tmp);
			for (size_t j = 0; j < n; j++)
				for (size_t i = 0; i < BCRYPT_HASHSIZE; i++)
					out[j][i] ^= tmp[j][i];
		}
		for (size_t j = 0; j < n; j++) {
			for (size_t i = 0; i < amt; i++) {
				size_t dest = i * stride + (count + j - 1);
				if (dest >= keylen)
					break;
				key[dest] = out[j][i];
			}
		}
	}

	secret_wipe(st, sizeof st);
	secret_wipe(&ctx, sizeof ctx);
	secret_wipe(sha2pass, sizeof sha2pass);
	secret_wipe(sha2salt, sizeof sha2salt);
	secret_wipe(countsalt, sizeof countsalt);
	secret_wipe(out, sizeof out);
	secret_wipe(tmp, sizeof tmp);
	return 0;
}
