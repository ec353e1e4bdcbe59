/* fuzz_krl.c: the KRL check on any bytes: never reads outside the input; a KRL it accepts is
 * refused as signed once a signature section is appended (keydrop does not verify KRL signatures),
 * and a cut signature is never accepted either. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "krl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sig[] = { 4, 0, 0, 0, 1, 'k', 0, 0, 0, 0 };
	struct krl_info a, b;
	int r = krl_parse(data, size, &a);

	if (r > KRL_OK || r < KRL_E_MANY || !krl_strerror(r))
		__builtin_trap();
	if (r != KRL_OK)
		return 0;
	if (a.nsections > size / 5)
		__builtin_trap();
	uint8_t *p = malloc(size + sizeof sig);
	if (!p)
		return 0;
	memcpy(p, data, size);
	memcpy(p + size, sig, sizeof sig);
	if (krl_parse(p, size + sizeof sig, &b) != KRL_E_SIGNED)
		__builtin_trap();
	if (krl_parse(p, size + sizeof sig - 1, &b) == KRL_OK)
		__builtin_trap();
	free(p);
	return 0;
}
