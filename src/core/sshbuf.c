/* sshbuf.c: SSH wire encoding with bounds checked on every access. */
#include <string.h>

#include "sshbuf.h"

void sshbuf_r_init(struct sshbuf_r *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}

size_t sshbuf_r_left(const struct sshbuf_r *r)
{
	return r->len - r->off;
}

int sshbuf_get_u32(struct sshbuf_r *r, uint32_t *v)
{
	if (sshbuf_r_left(r) < 4)
		return -1;
	const uint8_t *q = r->p + r->off;
	*v = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
	r->off += 4;
	return 0;
}

int sshbuf_get_u8(struct sshbuf_r *r, uint8_t *v)
{
	if (sshbuf_r_left(r) < 1)
		return -1;
	*v = r->p[r->off++];
	return 0;
}

int sshbuf_get_bytes(struct sshbuf_r *r, const uint8_t **s, size_t n)
{
	if (sshbuf_r_left(r) < n)
		return -1;
	*s = r->p + r->off;
	r->off += n;
	return 0;
}

int sshbuf_get_string(struct sshbuf_r *r, const uint8_t **s, size_t *n)
{
	size_t save = r->off;
	uint32_t len;

	if (sshbuf_get_u32(r, &len) < 0 || sshbuf_get_bytes(r, s, len) < 0) {
		r->off = save;
		return -1;
	}
	*n = len;
	return 0;
}

int sshbuf_get_expect(struct sshbuf_r *r, const char *want)
{
	size_t save = r->off, n;
	const uint8_t *s;

	if (sshbuf_get_string(r, &s, &n) < 0 || n != strlen(want) || memcmp(s, want, n) != 0) {
		r->off = save;
		return -1;
	}
	return 0;
}

int sshbuf_get_mpint(struct sshbuf_r *r, const uint8_t **s, size_t *n)
{
	size_t save = r->off;

	if (sshbuf_get_string(r, s, n) < 0)
		return -1;
	if (*n > 0 && ((*s)[0] & 0x80))
		goto bad; /* negative */
	if (*n > SSHBUF_MPINT_MAX + 1)
		goto bad; /* OpenSSH's SSHBUF_MAX_BIGNUM (16384 bits) and a sign byte */
	/* Leading zeros beyond the sign byte are tolerated and stripped, as OpenSSH does. */
	while (*n > 0 && (*s)[0] == 0) {
		(*s)++;
		(*n)--;
	}
	if (*n > SSHBUF_MPINT_MAX)
		goto bad;
	return 0;
bad:
	r->off = save;
	return -1;
}

void sshbuf_w_init(struct sshbuf_w *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

void sshbuf_put_bytes(struct sshbuf_w *w, const void *s, size_t n)
{
	if (w->err || w->cap - w->len < n) {
		w->err = 1;
		return;
	}
	if (n)
		memcpy(w->p + w->len, s, n);
	w->len += n;
}

void sshbuf_put_u32(struct sshbuf_w *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	sshbuf_put_bytes(w, b, 4);
}

void sshbuf_put_u8(struct sshbuf_w *w, uint8_t v)
{
	sshbuf_put_bytes(w, &v, 1);
}

void sshbuf_put_string(struct sshbuf_w *w, const void *s, size_t n)
{
	if (n > UINT32_MAX) {
		w->err = 1;
		return;
	}
	sshbuf_put_u32(w, (uint32_t)n);
	sshbuf_put_bytes(w, s, n);
}

void sshbuf_put_cstring(struct sshbuf_w *w, const char *s)
{
	sshbuf_put_string(w, s, strlen(s));
}

void sshbuf_put_mpint(struct sshbuf_w *w, const uint8_t *mag, size_t n)
{
	while (n > 0 && mag[0] == 0) {
		mag++;
		n--;
	}
	int pad = n > 0 && (mag[0] & 0x80);
	sshbuf_put_u32(w, (uint32_t)(n + (size_t)pad));
	if (pad)
		sshbuf_put_u8(w, 0);
	sshbuf_put_bytes(w, mag, n);
}

unsigned sshbuf_bits(const uint8_t *mag, size_t n)
{
	while (n > 0 && mag[0] == 0) {
		mag++;
		n--;
	}
	if (n == 0)
		return 0;
	unsigned bits = (unsigned)(n - 1) * 8;
	for (uint8_t top = mag[0]; top; top >>= 1)
		bits++;
	return bits;
}
