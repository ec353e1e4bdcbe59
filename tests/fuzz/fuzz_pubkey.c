/* fuzz_pubkey.c: the public key line parser and the key blob inspector behind it, and the
 * fingerprint/randomart of whatever parses. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fingerprint.h"
#include "pubkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[PUBKEY_BLOB_MAX];
	struct pubkey pk;

	if (pubkey_parse_line((const char *)data, size, buf, sizeof buf, &pk) == PKL_OK) {
		char fp[FINGERPRINT_MAX], art[RANDOMART_MAX];
		fingerprint_format(pk.blob, pk.bloblen, FP_SHA256, fp);
		fingerprint_format(pk.blob, pk.bloblen, FP_MD5, fp);
		fingerprint_randomart(pk.blob, pk.bloblen, FP_SHA256, pk.info.label, pk.info.bits, art);
		/* Parsed pointers must stay inside the input. */
		if (pk.type < (const char *)data || pk.type + pk.typelen > (const char *)data + size)
			__builtin_trap();
		if (pk.comment && pk.comment + pk.commentlen > (const char *)data + size)
			__builtin_trap();
	}
	/* The blob inspector on raw bytes too. */
	struct keyblob_info info;
	keyblob_inspect(data, size, &info);
	uint8_t plain[4096];
	size_t pl;
	keyblob_plain(data, size, plain, sizeof plain, &pl);
	return 0;
}
