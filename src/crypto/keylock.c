/* keylock.c: TEMPORARY until bcrypt_pbkdf lands: refuses every encrypted key. */
#include <string.h>

#include "keylock.h"
#include "secret.h"

int keylock_open(const struct privkey_parts *parts, const char *pass, size_t passlen, uint32_t max_rounds,
		 uint8_t *out, size_t *blocksize)
{
	(void)parts, (void)pass, (void)passlen, (void)max_rounds, (void)out, (void)blocksize;
	return PK_CIPHER;
}

int keylock_init(struct keylock *kl, const char *pass, size_t passlen, uint32_t rounds, int *rand_err)
{
	(void)pass, (void)passlen, (void)rounds, (void)rand_err;
	memset(kl, 0, sizeof *kl);
	return -1;
}

void keylock_wipe(struct keylock *kl)
{
	secret_wipe(kl, sizeof *kl);
}
