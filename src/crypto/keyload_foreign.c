/* keyload_foreign.c: PEM, PKCS#8 and PuTTY .ppk private keys. TEMPORARY stub. */
#include <string.h>

#include "keyload.h"

int keyload_foreign(const char *text, size_t n, struct keyload *out)
{
	(void)out;
	return privkey_sniff(text, n);
}
