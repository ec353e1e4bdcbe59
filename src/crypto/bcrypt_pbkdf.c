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

/* One block: eksblowfish keyed by the hashed passphrase and salted by the hashed salt (one salted
 * expansion, then 64 rounds of expanding by the salt and by the passphrase), then the constant
 * encrypted 64 times in ECB. The words come out little-endian: OpenSSH's byte order, kept. */
static void bcrypt_hash(struct blowfish_state *st, const uint8_t sha2pass[64], const uint8_t sha2salt[64],
			uint8_t out[BCRYPT_HASHSIZE])
{
	static const uint8_t magic[BCRYPT_HASHSIZE] = "OxychromaticBlowfishSwatDynamite";
	uint32_t cdata[BCRYPT_HASHSIZE / 4];
	size_t pos = 0;

	blowfish_initstate(st);
	blowfish_expandstate(st, sha2salt, 64, sha2pass, 64);
	for (int i = 0; i < 64; i++) {
		blowfish_expand0state(st, sha2salt, 64);
		blowfish_expand0state(st, sha2pass, 64);
	}
	for (size_t i = 0; i < BCRYPT_HASHSIZE / 4; i++)
		cdata[i] = blowfish_stream2word(magic, sizeof magic, &pos);
	for (int i = 0; i < 64; i++)
		blowfish_ecb_encrypt(st, cdata, BCRYPT_HASHSIZE / 8);
	for (size_t i = 0; i < BCRYPT_HASHSIZE / 4; i++) {
		out[4 * i + 0] = (uint8_t)cdata[i];
		out[4 * i + 1] = (uint8_t)(cdata[i] >> 8);
		out[4 * i + 2] = (uint8_t)(cdata[i] >> 16);
		out[4 * i + 3] = (uint8_t)(cdata[i] >> 24);
	}
	secret_wipe(cdata, sizeof cdata);
}

int bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
		 uint8_t *key, size_t keylen, unsigned rounds)
{
	if (rounds == 0 || keylen == 0 || keylen > BCRYPT_KEY_MAX || saltlen == 0 ||
	    saltlen > BCRYPT_SALT_MAX || !salt || !key || (!pass && passlen))
		return -1;

	struct blowfish_state st;
	br_sha512_context ctx;
	uint8_t sha2pass[64], sha2salt[64], countsalt[BCRYPT_SALT_MAX + 4];
	uint8_t out[BCRYPT_HASHSIZE], tmp[BCRYPT_HASHSIZE];
	/* Block `count` (1-based) supplies key bytes count-1, count-1+stride, ...: each block
	 * contributes to the whole key, so no part of it is cheaper to attack than the rest. */
	size_t stride = (keylen + BCRYPT_HASHSIZE - 1) / BCRYPT_HASHSIZE;
	size_t amt = (keylen + stride - 1) / stride;

	sha512(sha2pass, passlen ? pass : "", passlen, &ctx);
	memcpy(countsalt, salt, saltlen);
	for (size_t count = 1; count <= stride; count++) {
		countsalt[saltlen + 0] = (uint8_t)(count >> 24);
		countsalt[saltlen + 1] = (uint8_t)(count >> 16);
		countsalt[saltlen + 2] = (uint8_t)(count >> 8);
		countsalt[saltlen + 3] = (uint8_t)count;
		sha512(sha2salt, countsalt, saltlen + 4, &ctx);
		bcrypt_hash(&st, sha2pass, sha2salt, tmp);
		memcpy(out, tmp, sizeof out);
		for (unsigned r = 1; r < rounds; r++) {
			sha512(sha2salt, tmp, sizeof tmp, &ctx);
			bcrypt_hash(&st, sha2pass, sha2salt, tmp);
			for (size_t i = 0; i < sizeof out; i++)
				out[i] ^= tmp[i];
		}
		for (size_t i = 0; i < amt; i++) {
			size_t dest = i * stride + (count - 1);
			if (dest >= keylen)
				break;
			key[dest] = out[i];
		}
	}

	secret_wipe(&st, sizeof st);
	secret_wipe(&ctx, sizeof ctx);
	secret_wipe(sha2pass, sizeof sha2pass);
	secret_wipe(sha2salt, sizeof sha2salt);
	secret_wipe(countsalt, sizeof countsalt);
	secret_wipe(out, sizeof out);
	secret_wipe(tmp, sizeof tmp);
	return 0;
}
