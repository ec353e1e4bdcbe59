/* tls_pem.c: PEM framing with br_pem_decoder's grammar (BearSSL 0.6, src/codec/pemdec.t0), line by
 * line. Why not br_pem_decoder itself: it runs a T0 interpreter a byte at a time, 70% of the 52 ms
 * that loading a 144-certificate bundle cost; this is memchr for the lines and b64_decode for the
 * base64, and hands the same bytes to br_x509_decoder. fuzz_cert and t_tls compare the two on every
 * input they see. The grammar, as pemdec.t0 has it:
 *   - a banner is a line starting "-----BEGIN " (ASCII case-insensitive); the rest of the line is the
 *     name: upper-cased, CRs skipped (the byte under a CR keeps its old value), 1..126 bytes, trailing
 *     dashes trimmed; a line with an empty or longer name is no banner (but its first 127 bytes
 *     stay in the buffer: a later name with a CR shows one of them);
 *   - body lines: whitespace (bytes <= 32) is ignored, the rest is whole base64 quartets; a line whose
 *     first byte is '-' must start "-----END " and ends the object (the rest of it is not read);
 *   - '=' padding ends the data: the rest of its line must be whitespace, then only empty lines
 *     (not even a CR) before the END line;
 *   - lines end in '\n'; a last line without one ends as if it had it (as `brssl ta` reads a file,
 *     and as every other PEM reader does: a bundle whose final newline was lost keeps its last
 *     certificate);
 *   - anything else is an error; the decoder restarts fresh (tls_roots.c re-inits it) at the next line. */
#include <string.h>

#include "b64.h"
#include "tls_pem.h"

void tls_pem_init(struct tls_pem *p, const char *buf, size_t len)
{
	memset(p, 0, sizeof *p);
	p->buf = (const unsigned char *)buf;
	p->len = len;
}

/* The next line, without its '\n' (a last line without one included). Returns 0 at the end. */
static int next_line(struct tls_pem *p, const unsigned char **s, size_t *n)
{
	const unsigned char *b, *nl;

	if (p->off >= p->len)
		return 0;
	b = p->buf + p->off;
	nl = memchr(b, '\n', p->len - p->off);
	if (!nl)
		nl = p->buf + p->len; /* the last line, unterminated */
	*s = b;
	*n = (size_t)(nl - b);
	p->off = nl < p->buf + p->len ? p->off + *n + 1 : p->len;
	return 1;
}

static int upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/* 1 if s[0..n) starts with pat (upper case), ignoring ASCII case as BearSSL's match-string does. */
static int starts_ci(const unsigned char *s, size_t n, const char *pat)
{
	size_t m = strlen(pat);
	if (n < m)
		return 0;
	for (size_t i = 0; i < m; i++)
		if (upper(s[i]) != pat[i])
			return 0;
	return 1;
}

/* Whole quartets q[0..k) into der at *o; *padded when they end in '='. */
static int flush(const char *q, size_t k, uint8_t *der, size_t cap, size_t *o, int *padded)
{
	long r = b64_decode(q, k, der + *o, cap - *o);
	if (r < 0)
		return -1;
	*o += (size_t)r;
	*padded = q[k - 1] == '=';
	return 0;
}

/* One body line: its base64 without whitespace, in chunks of whole quartets (b64_decode is strict:
 * the alphabet, '=' only at the end, no stray bits, as BearSSL's quartet checks). */
static int decode_line(const unsigned char *s, size_t n, uint8_t *der, size_t cap, size_t *o, int *padded)
{
	char q[256]; /* a multiple of 4 */
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] <= ' ')
			continue;
		if (*padded) /* a character after the '=' that ended the data */
			return -1;
		q[k++] = (char)s[i];
		if (k == sizeof q) {
			if (flush(q, k, der, cap, o, padded) != 0)
				return -1;
			k = 0;
		}
	}
	return k ? flush(q, k, der, cap, o, padded) : 0;
}

int tls_pem_next(struct tls_pem *p, uint8_t *der, size_t cap, size_t *derlen)
{
	const unsigned char *s;
	size_t n, o = 0;
	int padded = 0;

	*derlen = 0;
	if (p->reset) {
		memset(p->name, 0, sizeof p->name);
		p->reset = 0;
	}
	for (;;) {
		if (!next_line(p, &s, &n))
			return TLS_PEM_DONE;
		if (!starts_ci(s, n, "-----BEGIN "))
			continue;
		size_t k = n - 11, t;
		/* BearSSL stores up to 127 bytes, then refuses a name of 127 or more: the bytes stay */
		for (size_t i = 0; i < k && i < sizeof p->name - 1; i++)
			if (s[11 + i] != '\r')
				p->name[i] = (char)upper(s[11 + i]);
		if (k == 0 || k > sizeof p->name - 2)
			continue;
		for (t = k; t > 0 && p->name[t - 1] == '-'; t--)
			;
		p->name[t] = '\0';
		break;
	}
	for (;;) {
		if (!next_line(p, &s, &n))
			return TLS_PEM_BAD; /* the input ends inside the object */
		if (padded && n == 0)
			continue;
		if (padded || (n > 0 && s[0] == '-')) {
			if (!starts_ci(s, n, "-----END "))
				break;
			*derlen = o;
			return TLS_PEM_OBJECT;
		}
		if (decode_line(s, n, der, cap, &o, &padded) != 0)
			break;
	}
	p->reset = 1;
	return TLS_PEM_BAD;
}
