/* tls_cert.c: small pure helpers about certificates: the SPKI for pins, pin syntax, dates. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "b64.h"
#include "tls.h"

/* Reads one DER element at *p (< end): sets *tag, *val, *vlen and advances *p past it. */
static int der_next(const unsigned char **p, const unsigned char *end, int *tag,
		    const unsigned char **val, size_t *vlen)
{
	const unsigned char *q = *p;
	size_t len;

	if (end - q < 2)
		return -1;
	*tag = *q++;
	if ((*tag & 0x1f) == 0x1f)
		return -1; /* high tag numbers never occur where we look */
	len = *q++;
	if (len & 0x80) {
		int nb = (int)(len & 0x7f);
		if (nb == 0 || nb > 4 || end - q < nb)
			return -1;
		len = 0;
		while (nb--)
			len = (len << 8) | *q++;
	}
	if ((size_t)(end - q) < len)
		return -1;
	*val = q;
	*vlen = len;
	*p = q + len;
	return 0;
}

int tls_cert_spki(const unsigned char *der, size_t len, const unsigned char **spki, size_t *n)
{
	const unsigned char *p = der, *end = der + len, *v, *start;
	size_t vl;
	int tag;

	if (der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1; /* Certificate */
	p = v;
	end = v + vl;
	if (der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1; /* tbsCertificate */
	p = v;
	end = v + vl;
	/* [0] version (optional), serial, signature, issuer, validity, subject, then the SPKI */
	if (p < end && *p == 0xa0 && der_next(&p, end, &tag, &v, &vl) != 0)
		return -1;
	for (int i = 0; i < 5; i++)
		if (der_next(&p, end, &tag, &v, &vl) != 0)
			return -1;
	start = p;
	if (der_next(&p, end, &tag, &v, &vl) != 0 || tag != 0x30)
		return -1;
	*spki = start;
	*n = (size_t)(p - start);
	return 0;
}

int tls_parse_pins(const char *s, uint8_t (*pins)[32], int max)
{
	int count = 0;

	while (*s) {
		const char *e = strchr(s, ';');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		char b64[64];
		uint8_t raw[48];
		long rl;

		if (n < 8 || strncmp(s, "sha256//", 8) != 0 || n - 8 >= sizeof b64 || count == max)
			return -1;
		memcpy(b64, s + 8, n - 8);
		b64[n - 8] = 0;
		rl = b64_decode(b64, strlen(b64), raw, sizeof raw);
		if (rl != 32)
			return -1;
		memcpy(pins[count++], raw, 32);
		s += n;
		if (*s == ';')
			s++;
	}
	return count ? count : -1;
}

void tls_format_time(uint32_t days, uint32_t secs, char *out, size_t cap)
{
	/* BearSSL counts days from 0000-01-01 (proleptic Gregorian); 719528 is 1970-01-01. */
	int64_t t = ((int64_t)days - 719528) * 86400 + secs;
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) && strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm) > 0)
		return;
	snprintf(out, cap, "day %u", (unsigned)days);
}
