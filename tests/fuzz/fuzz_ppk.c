/* fuzz_ppk.c: the PuTTY .ppk reader (headers, public lines, shape of the rest). Invariants: the
 * blob fits the buffer, starts with the header's type, and the comment lies inside the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ppk.h"
#include "privkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pub[2048];
	struct ppk p;
	const char *t = (const char *)data;
	int r = ppk_decode(t, size, pub, sizeof pub, &p);

	if (r != PK_OK && r != PK_NOT_KEY && r != PK_TYPE && r != PK_TOOBIG && r != PK_FORMAT)
		__builtin_trap();
	if (r == PK_OK) {
		if (p.publen < 4 || p.publen > sizeof pub || (p.version != 2 && p.version != 3))
			__builtin_trap();
		if (p.comment < t || p.comment + p.commentlen > t + size || memchr(p.comment, '\n', p.commentlen))
			__builtin_trap();
	}
	return 0;
}
