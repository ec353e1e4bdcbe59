/* fuzz_paste.c: the paste normaliser on arbitrary text. Invariants: every key it returns is one
 * line that the authorized_keys parser accepts with the same blob, and holds no control bytes; none
 * is a certificate or of a type keydrop does not know (those are refused or only listed as skipped).
 * paste_diagnose on the same text: covers 1.. lines that exist, agrees with paste_parse on those
 * lines (keys for PASTE_OK / JOINED / UNREADABLE, a refusal with its words otherwise). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "authkeys.h"
#include "paste.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t work[PUBKEY_BLOB_MAX];
	struct paste_result res;

	if (paste_parse((const char *)data, size, &res) == PASTE_OK) {
		if (res.n == 0)
			__builtin_trap();
		for (size_t i = 0; i < res.n; i++) {
			const struct paste_key *k = &res.keys[i];
			struct pubkey pk;
			if (strlen(k->line) != k->len)
				__builtin_trap();
			for (size_t j = 0; j < k->len; j++)
				if ((unsigned char)k->line[j] < 0x20 && k->line[j] != '\t')
					__builtin_trap();
			if (pubkey_parse_line(k->line, k->len, work, sizeof work, &pk) != PKL_OK)
				__builtin_trap();
			if (pk.bloblen != k->bloblen || memcmp(pk.blob, k->blob, k->bloblen) != 0)
				__builtin_trap();
			const char *why;
			if (pk.opts && authkeys_opts_check(pk.opts, pk.optslen, &why) != 0)
				__builtin_trap();
			if (k->info.cert || k->info.family == KF_UNKNOWN || pk.info.family == KF_UNKNOWN)
				__builtin_trap();
			unsigned f = pk.opts ? authkeys_opts_flags(pk.opts, pk.optslen) : 0;
			if ((f & AKO_PRINCIPALS) && !(f & AKO_CERT_AUTHORITY))
				__builtin_trap();
		}
		for (size_t i = 0; i < res.nskipped; i++)
			if (keyblob_type_known(res.skipped[i].type, strlen(res.skipped[i].type)))
				__builtin_trap();
	} else if (res.n != 0 || res.keys || res.nskipped != 0 || !res.detail[0]) {
		__builtin_trap();
	}
	paste_free(&res);

	struct paste_diag d;
	int e = paste_diagnose((const char *)data, size, &d, &res);
	size_t lines = 1;
	for (size_t i = 0; i + 1 < size; i++)
		lines += data[i] == '\n';
	if (e != d.err || d.nlines < 1 || d.nlines > lines)
		__builtin_trap();
	if (e == PASTE_JOINED && (res.n < 2 || d.nkeys != res.n))
		__builtin_trap();
	if ((e == PASTE_JOINED || e == PASTE_UNREADABLE) && (res.n == 0 || !d.detail[0]))
		__builtin_trap();
	if (e != PASTE_OK && e != PASTE_JOINED && e != PASTE_UNREADABLE && (res.n != 0 || !d.detail[0]))
		__builtin_trap();
	paste_free(&res);
	return 0;
}
