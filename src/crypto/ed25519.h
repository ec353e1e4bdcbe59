/* ed25519.h: Ed25519 public keys from 32-byte seeds (RFC 8032 §5.1.5), on libsodium's group code. */
#ifndef KEYDROP_ED25519_H
#define KEYDROP_ED25519_H
#include <stdint.h>

/* pk = the public key of seed: SHA-512(seed), clamped, times the base point. Returns 0 or -1. */
int ed25519_public_from_seed(uint8_t pk[32], const uint8_t seed[32]);

#endif
