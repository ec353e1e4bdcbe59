/* bcrypt_pbkdf.h: OpenSSH's passphrase KDF for openssh-key-v1 files (kdf "bcrypt"), as described
 * in OpenBSD's bcrypt_pbkdf(3) and PROTOCOL.key: a PBKDF2-like construction whose PRF is SHA-512
 * of the passphrase and of the salt feeding one eksblowfish "bcrypt_hash" of the 32-byte constant
 * "OxychromaticBlowfishSwatDynamite", with the output bytes of the 32-byte blocks interleaved. */
#ifndef KEYDROP_BCRYPT_PBKDF_H
#define KEYDROP_BCRYPT_PBKDF_H
#include <stddef.h>
#include <stdint.h>

/* The most rounds a key file may ask keydrop for (policy, applied by the callers that read files;
 * bcrypt_pbkdf itself computes any count). The cost is linear in rounds and a hostile key could
 * ask 2^31 of them, which would hang a boot script for months instead of failing. ssh-keygen
 * writes 16 by default; 1024 rounds of a 48-byte key (aes256-ctr: key and IV) took 4.7 s here
 * (release build, one core of the 2-core AMD EPYC development VM, otherwise idle; 6.8 s with
 * the other core busy; 16 rounds: 71-74 ms), so the limit bounds the wait to seconds. */
#define BCRYPT_ROUNDS_MAX 1024

/* Largest salt and output bcrypt_pbkdf accepts (OpenSSH writes 16-byte salts, reads 48-byte keys). */
#define BCRYPT_SALT_MAX 1024
#define BCRYPT_KEY_MAX 1024

/* Derives key[0..keylen) from pass[0..passlen) (any bytes; passlen 0 allowed, pass may then be
 * NULL) and salt[0..saltlen), with `rounds` iterations, exactly as OpenSSH's bcrypt_pbkdf.
 * Returns 0, or -1 (key untouched) when rounds is 0, keylen is 0 or > BCRYPT_KEY_MAX, saltlen is
 * 0 or > BCRYPT_SALT_MAX, or a needed pointer is NULL. Every intermediate is wiped before return;
 * the caller wipes pass and key. Time: rounds x ceil(keylen / 64) x about 4.5 ms here (the 32-byte
 * output blocks are computed two at a time, in about the time of one). */
int bcrypt_pbkdf(const char *pass, size_t passlen, const uint8_t *salt, size_t saltlen,
		 uint8_t *key, size_t keylen, unsigned rounds);

#endif
