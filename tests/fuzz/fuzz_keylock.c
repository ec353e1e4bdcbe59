/* fuzz_keylock.c: encrypted openssh-key-v1 files: the envelope, the KDF options, decryption with a
 * fixed passphrase (at most 2 bcrypt rounds, so each input stays fast), and the decrypted section
 * (check ints, fields, comment, padding). Seeds are keys ssh-keygen encrypted with "pass", -a 1. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "keylock.h"
#include "privkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t work[PRIVKEY_BLOB_MAX];
	struct privkey_parts p;
	size_t block = 0;

	if (privkey_decode((const char *)data, size, work, sizeof work, &p) != PK_ENCRYPTED)
		return 0;
	uint8_t *sec = malloc(p.sectionlen ? p.sectionlen : 1);
	if (!sec)
		return 0;
	if (keylock_open(&p, "pass", 4, 2, sec, &block) == PK_OK &&
	    privkey_decode_section(sec, p.sectionlen, block, &p) == PK_OK) {
		if (p.priv < sec || p.priv + p.privlen > sec + p.sectionlen || p.comment + p.commentlen > sec + p.sectionlen)
			__builtin_trap();
	}
	free(sec);
	return 0;
}
