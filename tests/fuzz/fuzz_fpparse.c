/* fuzz_fpparse.c: fingerprint_parse, the FINGERPRINT argument of `keydrop remove`, on arbitrary text.
 * Invariants: it returns FP_SHA256 with 32 bytes, FP_MD5 with 16, or -1; what it accepts is exactly
 * the canonical text of the digest it returns ("SHA256:" optional and its prefix, like "MD5:" and the
 * MD5 hex, in either case: the base64 itself is case-sensitive), so one
 * key has one fingerprint text and nothing else selects it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "b64.h"
#include "fingerprint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[256], canon[FINGERPRINT_MAX];
	uint8_t digest[32], again[32];
	size_t dlen = 0, dlen2 = 0;

	/* The argument is a C string: the parser sees the bytes up to the first NUL. */
	if (size >= sizeof text)
		size = sizeof text - 1;
	memcpy(text, data, size);
	text[size] = '\0';

	int r = fingerprint_parse(text, digest, &dlen);
	if (r < 0) {
		if (r != -1)
			__builtin_trap();
		return 0;
	}
	if (r == FP_SHA256) {
		if (dlen != 32)
			__builtin_trap();
		memcpy(canon, "SHA256:", 7);
		if (b64_encode(digest, 32, canon + 7, sizeof canon - 7, 0) != 43)
			__builtin_trap();
		const char *body = strncasecmp(text, "SHA256:", 7) == 0 ? text + 7 : text;
		if (strcmp(body, canon + 7) != 0)
			__builtin_trap();
	} else if (r == FP_MD5) {
		if (dlen != 16)
			__builtin_trap();
		size_t o = (size_t)snprintf(canon, sizeof canon, "MD5:");
		for (size_t i = 0; i < 16; i++)
			o += (size_t)snprintf(canon + o, sizeof canon - o, i ? ":%02x" : "%02x", digest[i]);
		if (strcasecmp(text, canon) != 0)
			__builtin_trap();
	} else {
		__builtin_trap();
	}
	/* The canonical text parses back to the same digest. */
	if (fingerprint_parse(canon, again, &dlen2) != r || dlen2 != dlen || memcmp(digest, again, dlen) != 0)
		__builtin_trap();
	return 0;
}
