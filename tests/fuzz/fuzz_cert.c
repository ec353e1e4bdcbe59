/* fuzz_cert.c: the certificate facts parser (trust anchors from bundles, validity for messages),
 * bundle loading (tls_anchors_add_pem: tls_pem.c's framing, br_x509_decoder, the embedded table),
 * checked against the reference (br_pem_decoder + br_x509_decoder, anchors_ref.h) on every input:
 * the same anchors in the same order, the same skipped count; and the policy checks BearSSL 0.6
 * leaves out (tls_policy.c: extensions, host names, wildcards, name constraints). Certificates come
 * from files and servers: hostile input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"
#include "tls_pem.h"

#include "../unit/anchors_ref.h"

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
		struct tls_anchors ref = { 0 };
		ref_add_pem(&ref, (const char *)data, size);
		if (!ref_same_set(&a, &ref))
			abort(); /* the framing or the table differs from BearSSL's own decoders */
		tls_anchors_free(&ref);
		tls_anchors_free(&a);
	}
	{
		/* the framer alone: offsets move forward, the DER fits, names stay terminated */
		static uint8_t der[TLS_PEM_DER_CAP(65536)];
		struct tls_pem p;
		size_t dl, last = 0;
		int r;
		if (size <= 65536) {
			tls_pem_init(&p, (const char *)data, size);
			while ((r = tls_pem_next(&p, der, sizeof der, &dl)) != TLS_PEM_DONE) {
				if (p.off > size || p.off <= last || memchr(p.name, 0, sizeof p.name) == NULL ||
				    (r == TLS_PEM_OBJECT && dl > size / 4 * 3) || (r != TLS_PEM_OBJECT && dl != 0))
					abort();
				last = p.off;
			}
		}
	}
	return 0;
}
