/* fuzz_cert.c: the certificate facts parser (trust anchors from bundles, validity for messages)
 * and the PEM splitter. Certificates come from files and servers: hostile input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_certfacts f;
	const unsigned char *spki;
	size_t n, off = 0;
	unsigned char der[8192];
	int bad;

	if (tls_cert_parse(data, size, &f) == 0) {
		if (f.dn < data || f.dn + f.dnlen > data + size)
			abort();
		if (f.key_type == BR_KEYTYPE_RSA && (f.n + f.nlen > data + size || f.e + f.elen > data + size))
			abort();
		if (f.key_type == BR_KEYTYPE_EC && f.q + f.qlen > data + size)
			abort();
	}
	if (tls_cert_spki(data, size, &spki, &n) == 0 && (spki < data || spki + n > data + size))
		abort();
	while ((n = tls_pem_next((const char *)data, size, &off, der, sizeof der, &bad)) > 0 || bad)
		if (n > sizeof der || off > size)
			abort();
	return 0;
}
