/* fuzz_privkey.c: the openssh-key-v1 reader (armour, base64, structure, padding, check ints). */
#include <stddef.h>
#include <stdint.h>

#include "privkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t work[PRIVKEY_BLOB_MAX];
	struct privkey_parts p;

	privkey_sniff((const char *)data, size);
	if (privkey_decode((const char *)data, size, work, sizeof work, &p) == PK_OK) {
		if (p.pub < work || p.pub + p.publen > work + sizeof work || p.priv + p.privlen > work + sizeof work)
			__builtin_trap();
	}
	return 0;
}
