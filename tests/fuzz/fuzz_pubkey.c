/* fuzz_pubkey.c: the public key line parser and the key blob inspector behind it (with its ECDSA
 * point and certificate signature checks, keycheck.c), the fingerprint/randomart of whatever parses,
 * and the terminal-safety classifier on the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fingerprint.h"
#include "ec_impl.h"
#include "keycheck.h"
#include "pubkey.h"
#include "sshbuf.h"
#include "textsafe.h"

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
	/* The checks on their own: a point of each size, and a signature check with the input split
	 * into CA key, signature and data at offsets taken from its first bytes. */
	if (size > 0) {
		/* Differential: the fast curve-equation check against BearSSL's own point decoder (inside
		 * its multiplication). They differ only on sshd's extra rule (small coordinates). */
		static const unsigned bits[] = { 256, 384, 521 };
		static const int curves[] = { BR_EC_secp256r1, BR_EC_secp384r1, BR_EC_secp521r1 };
		static const unsigned char one = 1;
		unsigned b = bits[data[0] % 3];
		size_t flen = (b + 7) / 8;
		int ours = keycheck_ec_point(b, data + 1, size - 1) == KC_OK;
		if (size - 1 == 1 + 2 * flen) {
			unsigned char t[133];
			memcpy(t, data + 1, size - 1);
			int bear = keydrop_ec.mul(t, size - 1, &one, 1, curves[data[0] % 3]) == 1;
			int big = sshbuf_bits(data + 2, flen) > b / 2 && sshbuf_bits(data + 2 + flen, flen) > b / 2;
			if (ours != (bear && big))
				__builtin_trap();
		}
	}
	if (size >= 2) {
		size_t a = data[0] % (size - 1), b = a + data[1] % (size - a - 1 + 1);
		if (b > size - 2)
			b = size - 2;
		keycheck_verify(data + 2, a, data + 2 + a, b - a, data + 2 + b, size - 2 - b);
	}
	enum textsafe_kind k;
	for (size_t i = 0, len; i < size; i += len) {
		len = textsafe_char((const char *)data, size, i, &k);
		if (len == 0 || len > 4 || i + len > size || (k == TS_PRINT && len == 1 && (data[i] < 0x20 || data[i] >= 0x7f)))
			__builtin_trap();
	}
	return 0;
}
