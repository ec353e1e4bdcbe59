/* textsafe.c: UTF-8 decoding (RFC 3629: no overlongs, surrogates or values past U+10FFFF) and the
 * classification of textsafe.h. */
#include "textsafe.h"

static int cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t textsafe_char(const char *s, size_t n, size_t i, enum textsafe_kind *kind)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t left = n - i, len;
	unsigned long cp;

	if (u[0] < 0x80) {
		*kind = u[0] == '\t' ? TS_TAB : u[0] < 0x20 || u[0] == 0x7f ? TS_CTRL : TS_PRINT;
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf)
		len = 2, cp = u[0] & 0x1f;
	else if (u[0] >= 0xe0 && u[0] <= 0xef)
		len = 3, cp = u[0] & 0x0f;
	else if (u[0] >= 0xf0 && u[0] <= 0xf4)
		len = 4, cp = u[0] & 0x07;
	else
		len = 0, cp = 0;
	int good = len > 0 && left >= len;
	for (size_t k = 1; good && k < len; k++) {
		good = cont(u[k]);
		cp = cp << 6 | (u[k] & 0x3f);
	}
	if (good && ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		     (len == 4 && (cp < 0x10000 || cp > 0x10ffff))))
		good = 0;
	if (!good) {
		*kind = u[0] <= 0x9f ? TS_STRAY_C1 : TS_INVALID;
		return 1;
	}
	if (cp <= 0x9f)
		*kind = TS_CTRL;
	else if (cp == 0x61c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
		 (cp >= 0x2066 && cp <= 0x2069))
		*kind = TS_BIDI;
	else
		*kind = TS_PRINT;
	return len;
}
