/* t_keylock.c: the encryption of OpenSSH private keys: AES-CTR's 128-bit counter (against BearSSL's
 * ctrcbc, which counts over all 128 bits), sealed keys read back, and each way a locked key can be
 * refused: wrong passphrase, bad padding, unknown cipher, too many rounds, broken sections. */
#include <stdio.h>
#include <string.h>
#include <bearssl.h>

#include "bcrypt_pbkdf.h"
#include "keygen.h"
#include "keyload.h"
#include "keylock.h"
#include "privkey.h"
#include "tap.h"

static char text[PRIVKEY_TEXT_MAX];
static struct keyload kl;

/* The reference: BearSSL's ctrcbc interface increments the whole 16-byte counter. */
static void ref_ctr(const uint8_t *key, const uint8_t *iv, uint8_t *buf, size_t len)
{
	br_aes_ct64_ctrcbc_keys k;
	uint8_t ctr[16];
	br_aes_ct64_ctrcbc_init(&k, key, 32);
	memcpy(ctr, iv, 16);
	br_aes_ct64_ctrcbc_ctr(&k, ctr, buf, len);
}

/* A seal whose crypt first breaks the last padding byte, then encrypts as keylock does. */
static int crypt_bad_pad(void *ctx, uint8_t *buf, size_t len)
{
	const struct keylock *kl2 = ctx;
	buf[len - 1] ^= 0x40;
	return kl2->seal.crypt(ctx, buf, len);
}

static long seal_key(const struct keygen_pair *p, const struct privkey_seal *seal)
{
	return privkey_encode(p->pub, p->publen, p->priv, p->privlen, "unit", 0x01020304, seal, text, sizeof text);
}

int main(void)
{
	static const uint8_t key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };
	static const struct { uint8_t tail[4]; const char *what; } ivs[] = {
		{ { 0, 0, 0, 0 }, "low counter far from wrapping" },
		{ { 0xff, 0xff, 0xff, 0xfd }, "low 32 bits wrap inside the data" },
		{ { 0xff, 0xff, 0xff, 0xff }, "low 32 bits wrap after the first block" },
	};
	for (size_t i = 0; i < sizeof ivs / sizeof ivs[0]; i++) {
		uint8_t iv[16], a[200], b[200];
		memset(iv, 0xff, 12); /* a carry out of the low 32 bits runs through all 96 high bits */
		iv[11] = (uint8_t)(0xfe + (i & 1));
		memcpy(iv + 12, ivs[i].tail, 4);
		for (size_t j = 0; j < sizeof a; j++)
			a[j] = b[j] = (uint8_t)(j * 7);
		keylock_aes_ctr(key, 32, iv, a, sizeof a); /* not a multiple of 16: a partial last block */
		ref_ctr(key, iv, b, sizeof b);
		OK(memcmp(a, b, sizeof a) == 0, "AES-CTR with a 128-bit counter: %s", ivs[i].what);
	}

	struct keygen_pair pair;
	int rerr;
	IS_INT(keygen_generate(KT_ED25519, 256, &pair, NULL, NULL, &rerr), KG_OK, "an ed25519 key to lock");
	struct keylock lk;
	IS_INT(keylock_init(&lk, "pass word", 9, 2, &rerr), 0, "keylock_init derives a key (2 rounds)");
	OK(seal_key(&pair, &lk.seal) > 0, "the key is sealed");
	IS_INT(keyload_parse(text, strlen(text), NULL, 0, &kl), PK_ENCRYPTED, "no passphrase: PK_ENCRYPTED");
	OK(kl.pair.publen == pair.publen && memcmp(kl.pair.pub, pair.pub, pair.publen) == 0 && kl.rounds == 2 &&
		   strcmp(kl.cipher, "aes256-ctr") == 0,
	   "... with the public half, the rounds and the cipher");
	IS_INT(keyload_parse(text, strlen(text), "pass word", 9, &kl), PK_OK, "the right passphrase opens it");
	OK(kl.have_private && kl.pair.privlen == pair.privlen && memcmp(kl.pair.priv, pair.priv, pair.privlen) == 0 &&
		   strcmp(kl.comment, "unit") == 0,
	   "... and gives back the private part and the comment");
	IS_INT(keyload_parse(text, strlen(text), "pass wore", 9, &kl), PK_BADPASS, "a wrong passphrase: PK_BADPASS");
	IS_INT(keyload_parse(text, strlen(text), "", 0, &kl), PK_BADPASS, "an empty passphrase: PK_BADPASS");

	struct privkey_seal bad = lk.seal;
	bad.crypt = crypt_bad_pad;
	OK(seal_key(&pair, &bad) > 0, "a key sealed with broken padding");
	IS_INT(keyload_parse(text, strlen(text), "pass word", 9, &kl), PK_FORMAT, "broken padding: PK_FORMAT");

	struct privkey_seal other = lk.seal;
	other.cipher = "chacha20-poly1305@openssh.com";
	OK(seal_key(&pair, &other) > 0, "a key naming a cipher keydrop does not implement");
	IS_INT(keyload_parse(text, strlen(text), NULL, 0, &kl), PK_CIPHER, "... PK_CIPHER before any passphrase");
	OK(kl.pair.publen == pair.publen && memcmp(kl.pair.pub, pair.pub, pair.publen) == 0 &&
		   strcmp(kl.cipher, "chacha20-poly1305@openssh.com") == 0,
	   "... with its public half and the cipher's name kept");
	IS_INT(keyload_parse(text, strlen(text), "pass word", 9, &kl), PK_CIPHER, "... opening it: PK_CIPHER");

	struct privkey_seal many = lk.seal;
	many.rounds = KEYLOAD_ROUNDS_MAX + 1;
	OK(seal_key(&pair, &many) > 0, "a key asking for %d rounds", KEYLOAD_ROUNDS_MAX + 1);
	IS_INT(keyload_parse(text, strlen(text), "pass word", 9, &kl), PK_ROUNDS, "... PK_ROUNDS, before any work");
	IS_INT(keyload_parse(text, strlen(text), NULL, 0, &kl), PK_ROUNDS, "... also without a passphrase");
	OK(kl.rounds == KEYLOAD_ROUNDS_MAX + 1 && kl.pair.publen == pair.publen, "... with the rounds and the public half");
	many.rounds = 0;
	OK(seal_key(&pair, &many) > 0, "a key asking for 0 rounds");
	IS_INT(keyload_parse(text, strlen(text), "pass word", 9, &kl), PK_FORMAT, "... PK_FORMAT");

	/* A section that is not whole AES blocks (8-byte padding, as for cipher none). */
	struct privkey_seal eight = lk.seal;
	eight.blocksize = 8;
	long n = seal_key(&pair, &eight);
	OK(n > 0, "a key padded to 8 bytes but named aes256-ctr");
	int r = keyload_parse(text, strlen(text), "pass word", 9, &kl);
	OK(r == PK_FORMAT || r == PK_BADPASS, "... refused (%d)", r);

	/* keylock_open refuses by itself too. */
	struct privkey_parts parts = { 0 };
	uint8_t out[64];
	size_t bs;
	parts.cipher = (const uint8_t *)"aes256-ctr", parts.cipherlen = 10;
	parts.kdf = (const uint8_t *)"none", parts.kdflen = 4;
	IS_INT(keylock_open(&parts, "x", 1, 16, out, &bs), PK_CIPHER, "kdf none with a cipher: PK_CIPHER");
	parts.kdf = (const uint8_t *)"bcrypt", parts.kdflen = 6;
	IS_INT(keylock_open(&parts, "x", 1, 16, out, &bs), PK_FORMAT, "bcrypt without a salt: PK_FORMAT");

	keylock_wipe(&lk);
	OK(lk.seal.crypt == NULL && lk.key[0] == 0 && lk.key[47] == 0, "keylock_wipe clears the derived key");
	keygen_wipe(&pair);
	keyload_wipe(&kl);
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
