/* ed25519.c: Ed25519 key derivation: the seed's pruned hash times the base point, with libsodium's
 * constant-time variable-base multiplication (ge25519_scalarmult). Not ge25519_scalarmult_base: its
 * precomputed table is 30 KiB of the binary (6% of the 512 KiB ceiling) to save about 0.1 ms per
 * key; keydrop makes one or three keys per run and never signs.
 * Checked against RFC 8032 §7.1 by tests/unit/t_ed25519.c. libsodium's internal group API is used
 * as built by the Makefile: HAVE_TI_MODE must match it. */
#ifndef HAVE_TI_MODE
#define HAVE_TI_MODE 1
#endif
#ifndef CONFIGURED
#define CONFIGURED 1 /* as the Makefile builds libsodium: no autotools config.h */
#endif
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-function"
#include <sodium/private/ed25519_ref10.h>
#pragma GCC diagnostic pop
#include <bearssl.h>

#include "ed25519.h"
#include "secret.h"

int ed25519_public_from_seed(uint8_t pk[32], const uint8_t seed[32])
{
	br_sha512_context c;
	uint8_t h[64];
	ge25519_p3 A, B;
	/* RFC 8032 §5.1: the base point B, encoded (y = 4/5, x positive). */
	static const uint8_t base[32] = { 0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
					  0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66 };

	if (ge25519_frombytes(&B, base) != 0)
		return -1;

	br_sha512_init(&c);
	br_sha512_update(&c, seed, 32);
	br_sha512_out(&c, h);
	/* RFC 8032 §5.1.5: prune the first half of the hash into the secret scalar. */
	h[0] &= 248;
	h[31] &= 127;
	h[31] |= 64;
	ge25519_scalarmult(&A, h, &B);
	ge25519_p3_tobytes(pk, &A);
	secret_wipe(h, sizeof h);
	secret_wipe(&c, sizeof c);
	secret_wipe(&A, sizeof A);
	return 0;
}
