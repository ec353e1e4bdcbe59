/* ed25519.c: Ed25519 key derivation without libsodium's 30 KiB fixed-base table.
 * crypto_sign_ed25519_seed_keypair multiplies by the base point with a precomputed table
 * (ge25519_scalarmult_base); keydrop makes one key per run, so the variable-base, constant-time
 * ge25519_scalarmult with the base point decoded from its RFC 8032 encoding does the same job and
 * keeps the binary inside its size budget. Checked against RFC 8032 §7.1 by tests/unit/t_ed25519.c.
 * libsodium's internal group API is used as built by the Makefile: HAVE_TI_MODE must match it. */
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

/* The base point B (RFC 8032 §5.1): y = 4/5, x positive, little-endian encoding. */
static const uint8_t base_point[32] = {
	0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

int ed25519_public_from_seed(uint8_t pk[32], const uint8_t seed[32])
{
	br_sha512_context c;
	uint8_t h[64];
	ge25519_p3 B, A;

	if (ge25519_frombytes(&B, base_point) != 0)
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
