/* fuzz_keyperm.c: keyperm's .pub reader on any text (a key it finds must match itself, pointers stay
 * inside the input) and its mode rules on modes taken from the input (a mode --fix gives is never
 * reported again). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "keyperm.h"
#include "pubkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[PUBKEY_BLOB_MAX], buf2[PUBKEY_BLOB_MAX];
	const char *text = (const char *)data;
	struct pubkey pk, pk2;

	if (keyperm_first_key(text, size, buf, sizeof buf, &pk) == PKL_OK) {
		if (pk.opts || pk.type < text || pk.type + pk.typelen > text + size)
			__builtin_trap();
		if (keyperm_pub_match(text, size, pk.blob, pk.bloblen, buf2, sizeof buf2, &pk2) != KPM_MATCH)
			__builtin_trap();
	}
	if (size >= 8) {
		uint32_t mode = (uint32_t)data[0] | (uint32_t)data[1] << 8, owner = data[2] & 3, uid = data[3] & 3;
		const char *name = data[4] & 1 ? ".ssh" : "keys";
		if (keyperm_private(keyperm_private_fixed(mode), uid, uid) != 0)
			__builtin_trap();
		if (keyperm_pub(keyperm_pub_fixed(mode), uid, uid) != 0)
			__builtin_trap();
		if (keyperm_dir(keyperm_dir_fixed(mode, name), uid, uid, name) & (KP_WRITABLE | KP_NOT_0700))
			__builtin_trap();
		if ((keyperm_private(mode, owner, uid) & KP_UNPROTECTED) && owner != uid)
			__builtin_trap();
	}
	return 0;
}
