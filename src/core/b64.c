/* b64.c: base64 without tables of state; constant alphabet only. */
#include "b64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int b64_is_char(int c)
{
	return b64_value(c) >= 0;
}

long b64_encode(const uint8_t *in, size_t n, char *out, size_t cap, int pad)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t rem = n - i;
		if (rem > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (rem > 2)
			v |= in[i + 2];
		char q[4] = { alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
			      rem > 1 ? alphabet[(v >> 6) & 63] : '=', rem > 2 ? alphabet[v & 63] : '=' };
		for (int k = 0; k < 4; k++) {
			if (q[k] == '=' && !pad)
				break;
			if (o + 1 >= cap)
				return -1;
			out[o++] = q[k];
		}
	}
	if (o >= cap)
		return -1;
	out[o] = '\0';
	return (long)o;
}

/* Line breaks, spaces and tabs skipped; everything else refused as b64_decode does. */
long b64_decode_spaced(const char *text, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0, ndata = 0, npad = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
			continue;
		if (c == '=') {
			npad++;
			continue;
		}
		int v = b64_value(c);
		if (v < 0 || npad > 0) /* data after padding */
			return -1;
		ndata++;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -2;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	if (npad > 2 || (ndata + npad) % 4 != 0 || (bits > 0 && acc != 0))
		return -1;
	return (long)o;
}

/* The strict decoder keeps its own loop: it runs for every key of every authorized_keys file read
 * (list of 100,000 keys: about 10% of its time with b64_decode_spaced's loop above). */
long b64_decode(const char *text, size_t n, uint8_t *out, size_t cap)
{
	size_t o = 0, npad = 0;
	uint32_t acc = 0;
	int bits = 0;

	while (n > 0 && text[n - 1] == '=') {
		n--;
		npad++;
	}
	/* Padding is required, as OpenSSH's b64_pton requires it. */
	if (npad > 2 || (n + npad) % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value((unsigned char)text[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -2;
			out[o++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero: reject non-canonical encodings. */
	if (bits > 0 && acc != 0)
		return -1;
	return (long)o;
}
