/* keylock.c: OpenSSH's key file encryption (PROTOCOL.key: kdf "bcrypt" with options salt and
 * rounds; bcrypt_pbkdf yields the cipher key followed by its IV). Reads aes{128,192,256}-{ctr,cbc};
 * writes aes256-ctr, ssh-keygen's default. AES is BearSSL's constant-time ct64. */
#include <string.h>
#include <bearssl.h>

#include "bcrypt_pbkdf.h"
#include "keylock.h"
#include "rand.h"
#include "secret.h"

struct cipher {
	const char *name;
	size_t keylen;
	int cbc;
};

static const struct cipher ciphers[] = {
	{ "aes256-ctr", 32, 0 }, { "aes192-ctr", 24, 0 }, { "aes128-ctr", 16, 0 },
	{ "aes256-cbc", 32, 1 }, { "aes192-cbc", 24, 1 }, { "aes128-cbc", 16, 1 },
};

static const struct cipher *find_cipher(const uint8_t *name, size_t n)
{
	for (size_t i = 0; i < sizeof ciphers / sizeof ciphers[0]; i++)
		if (strlen(ciphers[i].name) == n && memcmp(ciphers[i].name, name, n) == 0)
			return &ciphers[i];
	return NULL;
}

/* BearSSL's ctr_run counts in the last 32 bits only, so where those wrap the carry goes into the
 * first 96 bits here. */
void keylock_aes_ctr(const uint8_t *key, size_t keylen, const uint8_t *iv, uint8_t *buf, size_t len)
{
	br_aes_ct64_ctr_keys k;
	uint8_t hi[12];
	uint32_t cc = (uint32_t)iv[12] << 24 | (uint32_t)iv[13] << 16 | (uint32_t)iv[14] << 8 | iv[15];

	br_aes_ct64_ctr_init(&k, key, keylen);
	memcpy(hi, iv, sizeof hi);
	while (len > 0) {
		/* blocks until the low counter wraps (2^32 - cc, at least 1) */
		uint64_t room = (uint64_t)UINT32_MAX - cc + 1;
		size_t n = (uint64_t)len / 16 + (len % 16 != 0) > room ? (size_t)room * 16 : len;
		cc = br_aes_ct64_ctr_run(&k, hi, cc, buf, n);
		buf += n;
		len -= n;
		if (len > 0 && cc == 0) /* wrapped: carry into the high 96 bits */
			for (int i = 11; i >= 0 && ++hi[i] == 0; i--)
				;
	}
	secret_wipe(&k, sizeof k);
	secret_wipe(hi, sizeof hi);
}

int keylock_check(const struct privkey_parts *parts, uint32_t max_rounds)
{
	const struct cipher *c = find_cipher(parts->cipher, parts->cipherlen);

	if (!c || parts->kdflen != 6 || memcmp(parts->kdf, "bcrypt", 6) != 0)
		return PK_CIPHER;
	if (!parts->salt || parts->saltlen == 0 || parts->saltlen > 1024 || parts->rounds == 0)
		return PK_FORMAT;
	if (parts->rounds > max_rounds)
		return PK_ROUNDS;
	if (parts->sectionlen == 0 || parts->sectionlen % 16 != 0)
		return PK_FORMAT;
	return PK_OK;
}

int keylock_open(const struct privkey_parts *parts, const char *pass, size_t passlen, uint32_t max_rounds,
		 uint8_t *out, size_t *blocksize)
{
	const struct cipher *c = find_cipher(parts->cipher, parts->cipherlen);
	uint8_t kiv[32 + 16];
	int ret = PK_FORMAT;

	int r = keylock_check(parts, max_rounds);
	if (r != PK_OK)
		return r;
	if (bcrypt_pbkdf(pass, passlen, parts->salt, parts->saltlen, kiv, c->keylen + 16, parts->rounds) != 0)
		goto out;
	memcpy(out, parts->section, parts->sectionlen);
	if (c->cbc) {
		br_aes_ct64_cbcdec_keys k;
		br_aes_ct64_cbcdec_init(&k, kiv, c->keylen);
		br_aes_ct64_cbcdec_run(&k, kiv + c->keylen, out, parts->sectionlen);
		secret_wipe(&k, sizeof k);
	} else {
		keylock_aes_ctr(kiv, c->keylen, kiv + c->keylen, out, parts->sectionlen);
	}
	*blocksize = 16;
	ret = PK_OK;
out:
	secret_wipe(kiv, sizeof kiv);
	return ret;
}

static int seal_ctr(void *ctx, uint8_t *buf, size_t len)
{
	const struct keylock *kl = ctx;
	keylock_aes_ctr(kl->key, 32, kl->key + 32, buf, len);
	return 0;
}

int keylock_init(struct keylock *kl, const char *pass, size_t passlen, uint32_t rounds, int *rand_err)
{
	memset(kl, 0, sizeof *kl);
	if (rounds == 0)
		return -1;
	if ((*rand_err = rand_bytes(kl->salt, sizeof kl->salt, NULL, NULL)) != RAND_OK)
		return -1;
	if (bcrypt_pbkdf(pass, passlen, kl->salt, sizeof kl->salt, kl->key, sizeof kl->key, rounds) != 0) {
		keylock_wipe(kl);
		return -1;
	}
	kl->seal = (struct privkey_seal){
		.cipher = "aes256-ctr", .kdf = "bcrypt", .salt = kl->salt, .saltlen = sizeof kl->salt,
		.rounds = rounds, .blocksize = 16, .crypt = seal_ctr, .ctx = kl,
	};
	return 0;
}

void keylock_wipe(struct keylock *kl)
{
	secret_wipe(kl, sizeof *kl);
}
