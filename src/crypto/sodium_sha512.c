/* sodium_sha512.c: libsodium's crypto_hash_sha512 API on BearSSL's SHA-512, for the Ed25519 subset
 * (signature verification hashes R || A || M with it). BearSSL's SHA-512 is in the binary anyway
 * (TLS, bcrypt_pbkdf, Ed25519 key derivation); libsodium's own (hash_sha512_cp.c) was a second
 * implementation of the same function, 4.7 KiB of the release binary. The Makefile builds this
 * file instead of that one. Checked by tests/unit/t_ed25519.c (RFC 8032 signatures) and
 * tests/unit/t_keycheck.c (certificate signatures, good and bad).
 *
 * libsodium's state struct is the caller's storage: the BearSSL context is copied in and out of it
 * (no access through a pointer of the other type) and the local copy is wiped. */
#include <stdint.h>
#include <string.h>
#include <bearssl.h>
#include <sodium/crypto_hash_sha512.h>

#include "secret.h"

_Static_assert(sizeof(crypto_hash_sha512_state) >= sizeof(br_sha512_context),
	       "a BearSSL SHA-512 context fits in libsodium's state");

int crypto_hash_sha512_init(crypto_hash_sha512_state *state)
{
	br_sha512_context c;
	br_sha512_init(&c);
	memcpy(state, &c, sizeof c);
	secret_wipe(&c, sizeof c);
	return 0;
}

int crypto_hash_sha512_update(crypto_hash_sha512_state *state, const unsigned char *in,
			      unsigned long long inlen)
{
	br_sha512_context c;
	memcpy(&c, state, sizeof c);
	while (inlen > 0) { /* size_t may be narrower than unsigned long long */
		size_t n = inlen > SIZE_MAX ? SIZE_MAX : (size_t)inlen;
		br_sha512_update(&c, in, n);
		in += n;
		inlen -= n;
	}
	memcpy(state, &c, sizeof c);
	secret_wipe(&c, sizeof c);
	return 0;
}

int crypto_hash_sha512_final(crypto_hash_sha512_state *state, unsigned char *out)
{
	br_sha512_context c;
	memcpy(&c, state, sizeof c);
	br_sha512_out(&c, out);
	secret_wipe(&c, sizeof c);
	secret_wipe(state, sizeof *state); /* as libsodium's: the state is not reused */
	return 0;
}

int crypto_hash_sha512(unsigned char *out, const unsigned char *in, unsigned long long inlen)
{
	crypto_hash_sha512_state st;
	crypto_hash_sha512_init(&st);
	crypto_hash_sha512_update(&st, in, inlen);
	return crypto_hash_sha512_final(&st, out);
}
