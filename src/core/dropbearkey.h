/* dropbearkey.h: the host key files of the SSH servers that run in an initramfs, so they can present
 * the same identity as sshd: dropbear's own private key format and tinyssh's key directory files.
 * Pure: caller-provided buffers, results as privkey_err codes (privkey_strerror).
 *
 * Dropbear (signkey.c buf_put_priv_key, the same from 2013 to 2025) stores one key as SSH wire data,
 * no armour, no comment:
 *   ssh-ed25519:          string type, string (seed[32] || public[32])        (ed25519.c)
 *   ecdsa-sha2-nistpN:    string type, string "nistpN", string Q, mpint d     (ecdsa.c)
 *   ssh-rsa:              string type, mpint e, mpint n, mpint d, mpint p, mpint q  (rsa.c; files of
 *                         old dropbear versions stop after d)
 * tinyssh (sshcrypto_key.c, tinysshd-makekey): ed25519.pk = public[32], .ed25519.sk = seed || public
 * (libsodium's 64-byte secret key). */
#ifndef KEYDROP_DROPBEARKEY_H
#define KEYDROP_DROPBEARKEY_H
#include <stddef.h>
#include <stdint.h>

#include "privkey.h"

#define DROPBEARKEY_MAX 8192   /* an RSA-16384 key (OpenSSH's largest) is about 4.7 KiB in dropbear's format */

/* What dropbear (2013 to 2025) loads as an RSA host key: it reads the key file into a buffer of
 * MAX_PRIVKEY_SIZE (1700) bytes ("for a 4096 bit RSA key": about 4400 bits at most), refuses an n
 * under MIN_RSA_KEYLEN (1024) bits, an e over 64 bits and an mpint over BUF_MAX_MPINT (1030 bytes,
 * leading zero included). A key outside gets DROPBEARKEY_RSA_SIZE. */
#define DROPBEAR_FILE_MAX 1700
#define DROPBEAR_RSA_MIN_BITS 1024
#define DROPBEAR_RSA_E_MAX_BITS 64
#define DROPBEAR_MPINT_MAX 1030
#define DROPBEARKEY_RSA_SIZE (-64) /* not a privkey_err: "dropbear reads RSA keys of 1024 to 4096 bits" */
#define DROPBEARKEY_EC_POINT (-65) /* an ECDSA public point not on its curve (dropbear refuses it) */
#define TINYSSH_PK_LEN 32
#define TINYSSH_SK_LEN 64

/* Encodes the key whose openssh-key-v1 private part is priv[0..privlen) (type string + private
 * fields, as keyload gives it) in dropbear's format into out[0..cap). Returns the length, or
 * PK_TYPE (a type dropbear does not take as a host key here: sk-*, certificates), PK_DSA, PK_FORMAT,
 * PK_TOOBIG, DROPBEARKEY_RSA_SIZE (an RSA key dropbear cannot load), DROPBEARKEY_EC_POINT. What it
 * returns passes dropbearkey_parse. The caller wipes out. */
long dropbearkey_from_openssh(const uint8_t *priv, size_t privlen, uint8_t *out, size_t cap);

/* Reads a dropbear private key file in[0..n) and writes its SSH public key blob into pub[0..cap)
 * (*publen its length). Every field is checked for the shape dropbear reads (lengths, the curve
 * matching the type, an uncompressed point, nothing after the key) and for the limits dropbear
 * applies (DROPBEAR_FILE_MAX..., an ECDSA point on its curve). Returns PK_OK, PK_FORMAT, PK_TYPE,
 * PK_DSA, PK_TOOBIG, DROPBEARKEY_RSA_SIZE or DROPBEARKEY_EC_POINT. */
int dropbearkey_parse(const uint8_t *in, size_t n, uint8_t *pub, size_t cap, size_t *publen);

/* Where an ed25519 key in dropbear's format (83 bytes) holds tinyssh's .ed25519.sk (seed || public)
 * and its ed25519.pk (the public half): the same bytes, so one conversion serves both. */
#define DROPBEAR_ED25519_LEN 83
#define DROPBEAR_ED25519_SK 19
#define DROPBEAR_ED25519_PK 51

/* Reads tinyssh's ed25519.pk (pk[0..pkn)) and, unless sk is NULL, its .ed25519.sk (sk[0..skn)),
 * which must end with the same public key; the SSH public blob goes into pub[0..cap). Returns
 * PK_OK, PK_FORMAT (wrong size), PK_MISMATCH (the two files hold different keys) or PK_TOOBIG. */
int tinysshkey_parse(const uint8_t *pk, size_t pkn, const uint8_t *sk, size_t skn, uint8_t *pub, size_t cap,
		     size_t *publen);

#endif
