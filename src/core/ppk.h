/* ppk.h: PuTTY private key files, versions 2 and 3 (PuTTY's sshpubk.c format, as puttygen writes
 * it): the header, the comment and the public lines. The private lines, the key derivation and
 * the MAC are only checked for shape: keydrop reads the public half of a .ppk, which the format
 * stores in clear even when the file is encrypted. Pure. */
#ifndef KEYDROP_PPK_H
#define KEYDROP_PPK_H
#include <stddef.h>
#include <stdint.h>

#define PPK_LINES_MAX 1024 /* Public-Lines / Private-Lines: RSA-16384 needs under 200 */

struct ppk {
	int version;          /* 2 or 3 */
	int encrypted;        /* "Encryption: aes256-cbc" */
	const char *comment;  /* the Comment header's value (into text, not NUL-terminated) */
	size_t commentlen;
	size_t publen;        /* bytes of the public blob written to pub */
};

/* Reads text[0..n) (the "PuTTY-User-Key-File-N: TYPE" line first; LF or CRLF line ends) and
 * decodes the public lines into pub[0..cap). The blob's type must be the header's TYPE. Returns
 * PK_OK (privkey.h), PK_NOT_KEY (no PuTTY header), PK_TYPE (version 1 or an unknown version),
 * PK_TOOBIG, or PK_FORMAT (headers missing, out of order or malformed; bad base64; a type
 * mismatch; trailing text). The blob itself is not inspected (keyblob_inspect's job). */
int ppk_decode(const char *text, size_t n, uint8_t *pub, size_t cap, struct ppk *out);

#endif
