/* sshbuf.h: bounded reader and writer for the SSH wire encoding (RFC 4251 §5). Pure.
 * The reader never reads past its buffer; the writer never writes past its capacity and remembers
 * the first error, so a sequence of puts needs one check at the end. */
#ifndef KEYDROP_SSHBUF_H
#define KEYDROP_SSHBUF_H
#include <stddef.h>
#include <stdint.h>

struct sshbuf_r {
	const uint8_t *p;
	size_t len, off;
};

struct sshbuf_w {
	uint8_t *p;
	size_t cap, len;
	int err; /* nonzero once a put did not fit */
};

void sshbuf_r_init(struct sshbuf_r *r, const uint8_t *p, size_t len);
size_t sshbuf_r_left(const struct sshbuf_r *r);
/* Each get returns 0 on success, -1 if the data runs out (the reader is then unchanged). */
int sshbuf_get_u32(struct sshbuf_r *r, uint32_t *v);
int sshbuf_get_u8(struct sshbuf_r *r, uint8_t *v);
/* A string: *s points into the buffer (not NUL-terminated), *n its length. */
int sshbuf_get_string(struct sshbuf_r *r, const uint8_t **s, size_t *n);
/* A string that must equal the C string want (e.g. a key type name). */
int sshbuf_get_expect(struct sshbuf_r *r, const char *want);
/* An mpint that must be non-negative; *s and *n are its magnitude bytes without leading zeros
 * (OpenSSH tolerates extra leading zeros, so do we). Returns -1 if missing or negative. */
#define SSHBUF_MPINT_MAX 2048 /* bytes of an mpint's value, as OpenSSH's sshbuf_get_bignum2 */
int sshbuf_get_mpint(struct sshbuf_r *r, const uint8_t **s, size_t *n);
int sshbuf_get_bytes(struct sshbuf_r *r, const uint8_t **s, size_t n);

void sshbuf_w_init(struct sshbuf_w *w, uint8_t *p, size_t cap);
void sshbuf_put_u32(struct sshbuf_w *w, uint32_t v);
void sshbuf_put_u8(struct sshbuf_w *w, uint8_t v);
void sshbuf_put_bytes(struct sshbuf_w *w, const void *s, size_t n);
void sshbuf_put_string(struct sshbuf_w *w, const void *s, size_t n);
void sshbuf_put_cstring(struct sshbuf_w *w, const char *s);
/* Puts an unsigned big-endian magnitude as an mpint: leading zeros stripped, 0x00 prepended when
 * the top bit is set. */
void sshbuf_put_mpint(struct sshbuf_w *w, const uint8_t *mag, size_t n);

/* Number of significant bits in a big-endian magnitude. */
unsigned sshbuf_bits(const uint8_t *mag, size_t n);

#endif
