/* fingerprint.c: SHA256/MD5 fingerprints and OpenSSH's randomart ("drunken bishop"). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <bearssl.h>

#include "b64.h"
#include "fingerprint.h"
#include "keyblob.h"

size_t fingerprint_digest(const uint8_t *blob, size_t n, enum fp_hash h, uint8_t digest[32])
{
	/* As OpenSSH: a certificate's fingerprint is that of the key it certifies. */
	uint8_t plain[4096];
	size_t pl;
	if (keyblob_plain(blob, n, plain, sizeof plain, &pl) == 0) {
		blob = plain;
		n = pl;
	}
	if (h == FP_MD5) {
		br_md5_context c;
		br_md5_init(&c);
		br_md5_update(&c, blob, n);
		br_md5_out(&c, digest);
		return br_md5_SIZE;
	}
	br_sha256_context c;
	br_sha256_init(&c);
	br_sha256_update(&c, blob, n);
	br_sha256_out(&c, digest);
	return br_sha256_SIZE;
}

void fingerprint_format(const uint8_t *blob, size_t n, enum fp_hash h, char out[FINGERPRINT_MAX])
{
	uint8_t d[32];
	size_t dlen = fingerprint_digest(blob, n, h, d);

	if (h == FP_MD5) {
		size_t o = (size_t)snprintf(out, FINGERPRINT_MAX, "MD5:");
		for (size_t i = 0; i < dlen; i++)
			o += (size_t)snprintf(out + o, FINGERPRINT_MAX - o, i ? ":%02x" : "%02x", d[i]);
		return;
	}
	memcpy(out, "SHA256:", 7);
	b64_encode(d, dlen, out + 7, FINGERPRINT_MAX - 7, 0);
}

/* Field of the randomart: 17 x 9, the bishop starts in the middle (OpenSSH sshkey.c). */
enum { FLD_X = 17, FLD_Y = 9 };
static const char symbols[] = " .o+=*BOX@%&#/^SE";

static size_t frame_line(char *p, const char *label)
{
	size_t tlen = strlen(label), o = 0, i;

	p[o++] = '+';
	for (i = 0; i < (FLD_X - tlen) / 2; i++)
		p[o++] = '-';
	memcpy(p + o, label, tlen);
	o += tlen;
	for (i += tlen; i < FLD_X; i++)
		p[o++] = '-';
	p[o++] = '+';
	return o;
}

void fingerprint_randomart(const uint8_t *blob, size_t n, enum fp_hash h, const char *label,
			   unsigned bits, char out[RANDOMART_MAX])
{
	uint8_t field[FLD_X][FLD_Y];
	uint8_t d[32];
	size_t dlen = fingerprint_digest(blob, n, h, d);
	const int top = (int)strlen(symbols) - 1; /* 'E' */
	int x = FLD_X / 2, y = FLD_Y / 2;
	char title[FLD_X], foot[FLD_X];
	size_t o = 0;

	memset(field, 0, sizeof field);
	for (size_t i = 0; i < dlen; i++) {
		unsigned in = d[i];
		for (int b = 0; b < 4; b++) {
			x += (in & 1) ? 1 : -1;
			y += (in & 2) ? 1 : -1;
			x = x < 0 ? 0 : x > FLD_X - 1 ? FLD_X - 1 : x;
			y = y < 0 ? 0 : y > FLD_Y - 1 ? FLD_Y - 1 : y;
			if (field[x][y] < top - 2)
				field[x][y]++;
			in >>= 2;
		}
	}
	field[FLD_X / 2][FLD_Y / 2] = (uint8_t)(top - 1); /* 'S' */
	field[x][y] = (uint8_t)top;                        /* 'E' */

	/* "[TYPE BITS]", or "[TYPE]" when that does not fit (long certificate labels). */
	int r = snprintf(title, sizeof title, "[%s %u]", label, bits);
	if (r < 0 || r > (int)sizeof title)
		snprintf(title, sizeof title, "[%s]", label);
	snprintf(foot, sizeof foot, "[%s]", h == FP_MD5 ? "MD5" : "SHA256");

	o += frame_line(out + o, title);
	out[o++] = '\n';
	for (int yy = 0; yy < FLD_Y; yy++) {
		out[o++] = '|';
		for (int xx = 0; xx < FLD_X; xx++)
			out[o++] = symbols[field[xx][yy] < top ? field[xx][yy] : top];
		out[o++] = '|';
		out[o++] = '\n';
	}
	o += frame_line(out + o, foot);
	out[o] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int fingerprint_parse(const char *text, uint8_t digest[32], size_t *dlen)
{
	const char *p = text;
	size_t n = strlen(text);

	if (n >= 4 && strncasecmp(p, "MD5:", 4) == 0) { /* the prefix in any case, as typed */
		p += 4;
		for (size_t i = 0; i < 16; i++) {
			int hi = hexval((unsigned char)p[0]), lo = hi < 0 ? -1 : hexval((unsigned char)p[1]);
			if (hi < 0 || lo < 0)
				return -1;
			digest[i] = (uint8_t)(hi << 4 | lo);
			p += 2;
			if (i < 15 && *p++ != ':')
				return -1;
		}
		if (*p != '\0')
			return -1;
		*dlen = 16;
		return FP_MD5;
	}
	if (n >= 7 && strncasecmp(p, "SHA256:", 7) == 0) {
		p += 7;
		n -= 7;
	}
	if (n != 43)
		return -1;
	char padded[45];
	memcpy(padded, p, 43);
	padded[43] = '=';
	padded[44] = '\0';
	if (b64_decode(padded, 44, digest, 32) != 32)
		return -1;
	*dlen = 32;
	return FP_SHA256;
}
