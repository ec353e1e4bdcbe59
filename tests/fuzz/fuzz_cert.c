/* fuzz_cert.c: the certificate facts parser (trust anchors from bundles, validity for messages),
 * bundle loading (BearSSL's PEM and X.509 decoders behind tls_anchors_add_pem), and the policy checks BearSSL 0.6 leaves out (tls_policy.c: extensions, host
 * names, wildcards, name constraints). Certificates come from files and servers: hostile input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_certfacts f;
	const unsigned char *spki;
	size_t n;

	if (tls_cert_parse(data, size, &f) == 0) {
		if (f.dn < data || f.dn + f.dnlen > data + size)
			abort();
		if (f.key_type == BR_KEYTYPE_RSA && (f.n + f.nlen > data + size || f.e + f.elen > data + size))
			abort();
		if (f.key_type == BR_KEYTYPE_EC && f.q + f.qlen > data + size)
			abort();
	}
	struct tls_certext x;
	struct tls_polinfo info;
	if (tls_cert_ext(data, size, &x) == 0) {
		if ((x.san && (x.san < data || x.san + x.sanlen > data + size)) ||
		    (x.nc && (x.nc < data || x.nc + x.nclen > data + size)) || (x.eku_server && !x.has_eku))
			abort();
		static const char *const hosts[] = { "localhost", "a.example.test", "keydrop.co.uk", "x.", "" };
		for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
			memset(&info, 0, sizeof info);
			int r = tls_check_host(&x, hosts[i], &info);
			if (r < TLS_POL_OK || r > TLS_POL_NC_PERMITTED || memchr(info.name, 0, sizeof info.name) == NULL)
				abort();
			/* the certificate as its own CA: its constraints against its own names */
			r = tls_check_nc(&x, &x, i ? hosts[i] : NULL, &info);
			if (r < TLS_POL_OK || r > TLS_POL_NC_PERMITTED || memchr(info.name, 0, sizeof info.name) == NULL)
				abort();
		}
		(void)tls_check_leaf(&x);
	}
	/* the SAN/NC walkers on raw bytes too (they are reached with any contents a CA signed) */
	if (size > 1) {
		struct tls_certext raw = { 0 };
		size_t half = size / 2;
		raw.san = data;
		raw.sanlen = half;
		raw.nc = data + half;
		raw.nclen = size - half;
		memset(&info, 0, sizeof info);
		(void)tls_check_host(&raw, "a.example.test", &info);
		(void)tls_check_nc(&raw, &raw, "a.example.test", &info);
		(void)tls_wildcard_allowed(data, size);
	}
	if (tls_cert_spki(data, size, &spki, &n) == 0 && (spki < data || spki + n > data + size))
		abort();
	{
		struct tls_anchors a = { 0 };
		size_t added = tls_anchors_add_pem(&a, (const char *)data, size);
		if (added != a.n || a.n > a.cap || a.n + a.skipped > size / 22 + 1) /* 22: the shortest BEGIN+END pair */
			abort();
		for (size_t i = 0; i < a.n; i++)
			if (a.ta[i].dn.len == 0 || (a.ta[i].pkey.key_type != BR_KEYTYPE_RSA && a.ta[i].pkey.key_type != BR_KEYTYPE_EC))
				abort();
		tls_anchors_free(&a);
	}
	return 0;
}
