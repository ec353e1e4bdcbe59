/* tls_roots.c: trust anchors from PEM bundles, or the embedded Mozilla set (build/gen/ca_roots.h,
 * generated at build time by BearSSL's `brssl ta` from Debian's ca-certificates; see mk/net.mk). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osutil.h"
#include "tls.h"

#include "ca_roots.h"

#define BUNDLE_MAX (8u << 20)
#define CERT_DER_MAX (64u << 10)

size_t tls_embedded_count(void)
{
	return CA_ROOTS_NUM;
}

/* Unpacks the embedded anchors (format: mk/ca_blob.awk) into a->ta; the bytes stay in the blob. */
static int load_embedded(struct tls_anchors *a);

int tls_anchors_embedded(struct tls_anchors *a)
{
	memset(a, 0, sizeof *a);
	return load_embedded(a);
}

/* Inflates mk/ca_pack.c's LZ77 stream into out[0..cap). Returns the length or -1. */
static long lz_unpack(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned c = in[i++];
		if (c < 0x80) {
			size_t run = c + 1;
			if (run > n - i || run > cap - o)
				return -1;
			memcpy(out + o, in + i, run);
			i += run;
			o += run;
		} else {
			size_t len = (c & 0x7f) + 3, off;
			if (n - i < 2)
				return -1;
			off = (size_t)in[i] << 8 | in[i + 1];
			i += 2;
			if (off == 0 || off > o || len > cap - o)
				return -1;
			for (size_t k = 0; k < len; k++, o++)
				out[o] = out[o - off]; /* may overlap: byte by byte */
		}
	}
	return (long)o;
}

static int load_embedded(struct tls_anchors *a)
{
#if CA_ROOTS_NUM == 0
	(void)a;
	(void)lz_unpack;
	return -1; /* built with EMBED_ROOTS=0 */
#else
	unsigned char *blob = malloc(CA_ROOTS_RAW_LEN);
	br_x509_trust_anchor *ta = calloc(CA_ROOTS_NUM, sizeof *ta);
	const unsigned char *p, *end;
	size_t n = 0;

	if (!blob || !ta || lz_unpack(ca_roots_lz, sizeof ca_roots_lz, blob, CA_ROOTS_RAW_LEN) != CA_ROOTS_RAW_LEN)
		goto fail;
	p = blob;
	end = blob + CA_ROOTS_RAW_LEN;
	/* records: mk/ca_blob.awk; every length is checked against the end */
	static const unsigned char e65537[3] = { 1, 0, 1 };
	while (p < end && n < CA_ROOTS_NUM) {
		br_x509_trust_anchor *t = &ta[n++];
		unsigned head;
		if (end - p < 3)
			goto fail;
		head = p[0];
		t->flags = head & 1 ? BR_X509_TA_CA : 0;
		t->dn.len = (size_t)p[1] << 8 | p[2];
		t->dn.data = (unsigned char *)(p + 3);
		p += 3;
		if ((size_t)(end - p) < t->dn.len + 2)
			goto fail;
		p += t->dn.len;
		if (!(head & 2)) {
			t->pkey.key_type = BR_KEYTYPE_RSA;
			t->pkey.key.rsa.nlen = (size_t)p[0] << 8 | p[1];
			t->pkey.key.rsa.n = (unsigned char *)(p + 2);
			p += 2;
			if ((size_t)(end - p) < t->pkey.key.rsa.nlen)
				goto fail;
			p += t->pkey.key.rsa.nlen;
			if (head & 16) {
				t->pkey.key.rsa.e = (unsigned char *)e65537;
				t->pkey.key.rsa.elen = 3;
			} else {
				if (p == end || (size_t)(end - p - 1) < p[0])
					goto fail;
				t->pkey.key.rsa.elen = p[0];
				t->pkey.key.rsa.e = (unsigned char *)(p + 1);
				p += 1 + t->pkey.key.rsa.elen;
			}
		} else {
			t->pkey.key_type = BR_KEYTYPE_EC;
			t->pkey.key.ec.curve = BR_EC_secp256r1 + (int)((head >> 2) & 3);
			t->pkey.key.ec.qlen = p[0];
			t->pkey.key.ec.q = (unsigned char *)(p + 1);
			p += 1;
			if ((size_t)(end - p) < t->pkey.key.ec.qlen)
				goto fail;
			p += t->pkey.key.ec.qlen;
		}
	}
	if (p != end || n != CA_ROOTS_NUM)
		goto fail;
	a->ta = ta;
	a->n = a->cap = n;
	a->owned = 0;
	a->embedded = 1;
	a->blob = blob;
	return 0;
fail:
	free(blob);
	free(ta);
	return -1;
#endif
}

static unsigned char *dup_bytes(const void *p, size_t n)
{
	unsigned char *d = malloc(n ? n : 1);
	if (d && n)
		memcpy(d, p, n);
	return d;
}

/* Decodes one DER certificate into an anchor appended to a. Returns 0 or -1 (skipped). */
static int add_der(struct tls_anchors *a, const unsigned char *der, size_t len)
{
	struct tls_certfacts f;
	br_x509_trust_anchor ta;

	if (tls_cert_parse(der, len, &f) != 0)
		return -1;
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 64;
		br_x509_trust_anchor *nt = realloc(a->ta, nc * sizeof *nt);
		if (!nt)
			return -1;
		a->ta = nt;
		a->cap = nc;
	}
	memset(&ta, 0, sizeof ta);
	ta.flags = f.is_ca ? BR_X509_TA_CA : 0;
	ta.pkey.key_type = (unsigned char)f.key_type;
	ta.dn.len = f.dnlen;
	ta.dn.data = dup_bytes(f.dn, f.dnlen);
	if (f.key_type == BR_KEYTYPE_RSA) {
		ta.pkey.key.rsa.n = dup_bytes(f.n, f.nlen);
		ta.pkey.key.rsa.nlen = f.nlen;
		ta.pkey.key.rsa.e = dup_bytes(f.e, f.elen);
		ta.pkey.key.rsa.elen = f.elen;
		if (!ta.dn.data || !ta.pkey.key.rsa.n || !ta.pkey.key.rsa.e)
			goto fail;
	} else {
		ta.pkey.key.ec.curve = f.curve;
		ta.pkey.key.ec.q = dup_bytes(f.q, f.qlen);
		ta.pkey.key.ec.qlen = f.qlen;
		if (!ta.dn.data || !ta.pkey.key.ec.q)
			goto fail;
	}
	a->ta[a->n++] = ta;
	return 0;
fail:
	free(ta.dn.data);
	if (f.key_type == BR_KEYTYPE_RSA) {
		free(ta.pkey.key.rsa.n);
		free(ta.pkey.key.rsa.e);
	} else {
		free(ta.pkey.key.ec.q);
	}
	return -1;
}

size_t tls_anchors_add_pem(struct tls_anchors *a, const char *buf, size_t len)
{
	unsigned char *der = malloc(CERT_DER_MAX);
	size_t added = 0, off = 0, n;
	int bad;

	a->owned = 1;
	if (!der)
		return 0;
	while (off < len) {
		n = tls_pem_next(buf, len, &off, der, CERT_DER_MAX, &bad);
		if (n > 0 && add_der(a, der, n) == 0)
			added++;
		else if (n > 0 || bad)
			a->skipped++;
		else
			break;
	}
	free(der);
	return added;
}

void tls_anchors_free(struct tls_anchors *a)
{
	if (a->owned) {
		for (size_t i = 0; i < a->n; i++) {
			br_x509_trust_anchor *t = &a->ta[i];
			free(t->dn.data);
			if (t->pkey.key_type == BR_KEYTYPE_RSA) {
				free(t->pkey.key.rsa.n);
				free(t->pkey.key.rsa.e);
			} else {
				free(t->pkey.key.ec.q);
			}
		}
		free(a->ta);
	} else if (a->embedded) {
		free(a->ta);
		free(a->blob);
	}
	memset(a, 0, sizeof *a);
}

static int load_embedded(struct tls_anchors *a);

/* Loads one bundle file. Returns 0 when it gave at least one anchor. */
static int load_file(struct tls_anchors *a, const char *path)
{
	char *buf = NULL;
	size_t len = 0;

	if (osutil_slurp(path, BUNDLE_MAX, &buf, &len) != 0)
		return -1;
#ifdef KEYDROP_CA_SHA256
	/* The very bundle the embedded table was made from: use the table, skip the decoding. */
	{
		br_sha256_context c;
		uint8_t h[32];
		char hex[65];
		br_sha256_init(&c);
		br_sha256_update(&c, buf, len);
		br_sha256_out(&c, h);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		if (strcmp(hex, KEYDROP_CA_SHA256) == 0 && load_embedded(a) == 0) {
			free(buf);
			snprintf(a->source, sizeof a->source, "%s (same as the embedded roots)", path);
			return 0;
		}
	}
#endif
	tls_anchors_add_pem(a, buf, len);
	free(buf);
	if (a->n == 0) {
		errno = ENODATA; /* readable, but no certificate in it */
		return -1;
	}
	snprintf(a->source, sizeof a->source, "%s", path);
	return 0;
}

int tls_anchors_load(struct tls_anchors *a, const char *cacert)
{
	static const char *const paths[] = { "/etc/ssl/certs/ca-certificates.crt",
					     "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem" };
	const char *env = getenv("SSL_CERT_FILE");

	memset(a, 0, sizeof *a);
	if (cacert || (env && *env)) {
		const char *p = cacert ? cacert : env;
		if (load_file(a, p) == 0)
			return 0;
		int e = errno;
		tls_anchors_free(a);
		snprintf(a->source, sizeof a->source, "%s", p);
		errno = e;
		return -1;
	}
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		if (load_file(a, paths[i]) == 0)
			return 0;
		tls_anchors_free(a);
	}
	if (load_embedded(a) != 0) {
		errno = CA_ROOTS_NUM == 0 ? ENOENT : ENOMEM;
		snprintf(a->source, sizeof a->source, "%s", CA_ROOTS_NUM == 0 ? "the system (no bundle found; this build has no embedded roots)"
										   : "embedded roots");
		return -1;
	}
#ifdef KEYDROP_CA_VERSION
	snprintf(a->source, sizeof a->source, "embedded roots (%s)", KEYDROP_CA_VERSION);
#else
	snprintf(a->source, sizeof a->source, "embedded roots");
#endif
	return 0;
}
