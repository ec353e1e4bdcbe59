/* fuzz_dropbearkey.c: dropbear's key format and tinyssh's key files. The input is read as a dropbear
 * key file, as an openssh-key-v1 private part to convert, and as a tinyssh pair (32 + 64 bytes).
 * Invariants: the public blob fits and starts with the key's type string; whatever the converter
 * writes, the reader takes; an ed25519 key's tinyssh slices give the same public key. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dropbearkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_blob(const uint8_t *pub, size_t publen, size_t cap)
{
	if (publen < 4 || publen > cap)
		__builtin_trap();
	uint32_t tl = (uint32_t)pub[0] << 24 | (uint32_t)pub[1] << 16 | (uint32_t)pub[2] << 8 | pub[3];
	if (tl == 0 || tl > publen - 4)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pub[1024], pub2[1024], out[DROPBEARKEY_MAX];
	size_t publen, publen2;
	int r = dropbearkey_parse(data, size, pub, sizeof pub, &publen);

	if (r != PK_OK && r != PK_FORMAT && r != PK_TYPE && r != PK_DSA && r != PK_TOOBIG &&
	    r != DROPBEARKEY_RSA_SIZE && r != DROPBEARKEY_EC_POINT)
		__builtin_trap();
	if (r == PK_OK)
		check_blob(pub, publen, sizeof pub);

	long l = dropbearkey_from_openssh(data, size, out, sizeof out);
	if (l > (long)sizeof out)
		__builtin_trap();
	if (l > 0) {
		r = dropbearkey_parse(out, (size_t)l, pub, sizeof pub, &publen);
		if (r != PK_OK && r != PK_TOOBIG) /* too big: an RSA key larger than pub[] */
			__builtin_trap();
		if (r == PK_OK)
			check_blob(pub, publen, sizeof pub);
		/* an ed25519 key: tinyssh's files are slices of it, and say the same public key */
		if (l == DROPBEAR_ED25519_LEN &&
		    (r != PK_OK || tinysshkey_parse(out + DROPBEAR_ED25519_PK, TINYSSH_PK_LEN, out + DROPBEAR_ED25519_SK,
						    TINYSSH_SK_LEN, pub2, sizeof pub2, &publen2) != PK_OK ||
		     publen2 != publen || memcmp(pub, pub2, publen) != 0))
			__builtin_trap();
	}

	if (size >= TINYSSH_PK_LEN + TINYSSH_SK_LEN) {
		r = tinysshkey_parse(data, TINYSSH_PK_LEN, data + TINYSSH_PK_LEN, size - TINYSSH_PK_LEN, pub, sizeof pub,
				     &publen);
		if (r == PK_OK)
			check_blob(pub, publen, sizeof pub);
	}
	return 0;
}
