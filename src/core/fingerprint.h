/* fingerprint.h: key fingerprints and randomart exactly as ssh-keygen -l / -lv print them. Pure. */
#ifndef KEYDROP_FINGERPRINT_H
#define KEYDROP_FINGERPRINT_H
#include <stddef.h>
#include <stdint.h>

enum fp_hash { FP_SHA256, FP_MD5 };

#define FINGERPRINT_MAX 64  /* "SHA256:" + 43, or "MD5:" + 47, plus NUL */
#define RANDOMART_MAX 256   /* 11 lines of 20 bytes, plus NUL */

/* Writes "SHA256:<base64 without padding>" or "MD5:<hex:pairs>" of blob into out[FINGERPRINT_MAX]. */
void fingerprint_format(const uint8_t *blob, size_t n, enum fp_hash h, char out[FINGERPRINT_MAX]);

/* Draws the "drunken bishop" randomart of the digest of blob, framed with "[LABEL BITS]" on top and
 * "[SHA256]" / "[MD5]" below, as OpenSSH does; lines end with '\n' except the last. */
void fingerprint_randomart(const uint8_t *blob, size_t n, enum fp_hash h, const char *label,
			   unsigned bits, char out[RANDOMART_MAX]);

/* Parses "SHA256:..." / "MD5:xx:.." (or bare 43-char SHA256 base64) typed by a user into a digest;
 * returns the hash kind or -1. Used to select keys by fingerprint. */
int fingerprint_parse(const char *text, uint8_t digest[32], size_t *dlen);

/* Raw digest of blob. */
size_t fingerprint_digest(const uint8_t *blob, size_t n, enum fp_hash h, uint8_t digest[32]);

#endif
