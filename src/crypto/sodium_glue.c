/* sodium_glue.c: the two libsodium symbols the Ed25519 subset needs from the parts of libsodium we
 * do not build (core.c drags in every primitive; randombytes.c its own RNG). Randomness comes from
 * getrandom() through rand.c, like everything else in keydrop. */
#include <stdlib.h>
#include <sodium/core.h>
#include <sodium/randombytes.h>

#include "rand.h"

void randombytes_buf(void *const buf, const size_t size)
{
	/* keydrop seeds Ed25519 itself (crypto_sign_ed25519_seed_keypair); this is a safety net. */
	if (rand_bytes(buf, size, NULL, NULL) != RAND_OK)
		abort();
}

void sodium_misuse(void)
{
	abort();
}
