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

static int load_embedded(struct tls_anchors *a)
{
	const unsigned char *p = ca_roots_blob, *end = ca_roots_blob + sizeof ca_roots_blob;
	br_x509_trust_anchor *ta;
	size_t n = 0;

#if CA_ROOTS_NUM == 0
	(void)p; (void)end; (void)ta; (void)n; (void)a;
	return -1; /* built with EMBED_ROOTS=0 */
#else
	ta = calloc(CA_ROOTS_NUM, sizeof *ta);
	if (!ta)
		return -1;
	while (p < end && n < CA_ROOTS_NUM) {
		br_x509_trust_anchor *t = &ta[n++];
		t->flags = p[0] & 1 ? BR_X509_TA_CA : 0;
		t->pkey.key_type = p[1];
		t->dn.len = (size_t)p[2] << 8 | p[3];
		t->dn.data = (unsigned char *)(p + 4);
		p += 4 + t->dn.len;
		if (t->pkey.key_type == BR_KEYTYPE_RSA) {
			t->pkey.key.rsa.nlen = (size_t)p[0] << 8 | p[1];
			t->pkey.key.rsa.n = (unsigned char *)(p + 2);
			p += 2 + t->pkey.key.rsa.nlen;
			t->pkey.key.rsa.elen = p[0];
			t->pkey.key.rsa.e = (unsigned char *)(p + 1);
			p += 1 + t->pkey.key.rsa.elen;
		} else {
			t->pkey.key.ec.curve = p[0];
			t->pkey.key.ec.qlen = p[1];
			t->pkey.key.ec.q = (unsigned char *)(p + 2);
			p += 2 + t->pkey.key.ec.qlen;
		}
	}
	if (p != end || n != CA_ROOTS_NUM) {
		free(ta);
		return -1;
	}
	a->ta = ta;
	a->n = a->cap = n;
	a->owned = 0;
	a->embedded = 1;
	return 0;
#endif
}

struct growbuf {
	unsigned char *p;
	size_t len, cap;
	int overflow;
};

static void grow_append(void *ctx, const void *buf, size_t len)
{
	struct growbuf *g = ctx;

	if (g->overflow)
		return;
	if (len > CERT_DER_MAX - g->len) {
		g->overflow = 1;
		return;
	}
	if (g->len + len > g->cap) {
		size_t nc = g->cap ? g->cap : 2048;
		while (nc < g->len + len)
			nc *= 2;
		unsigned char *np = realloc(g->p, nc);
		if (!np) {
			g->overflow = 1;
			return;
		}
		g->p = np;
		g->cap = nc;
	}
	memcpy(g->p + g->len, buf, len);
	g->len += len;
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
	br_x509_decoder_context dc;
	struct growbuf dn = { 0 };
	const br_x509_pkey *pk;
	br_x509_trust_anchor ta;
	int ret = -1;

	memset(&ta, 0, sizeof ta);
	br_x509_decoder_init(&dc, grow_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk || dn.overflow || dn.len == 0)
		goto out;
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 64;
		br_x509_trust_anchor *nt = realloc(a->ta, nc * sizeof *nt);
		if (!nt)
			goto out;
		a->ta = nt;
		a->cap = nc;
	}
	ta.dn.data = dn.p;
	ta.dn.len = dn.len;
	dn.p = NULL;
	ta.flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta.pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta.pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta.pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta.pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		ta.pkey.key.rsa.elen = pk->key.rsa.elen;
		if (!ta.pkey.key.rsa.n || !ta.pkey.key.rsa.e)
			goto out;
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		ta.pkey.key.ec.curve = pk->key.ec.curve;
		ta.pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
		ta.pkey.key.ec.qlen = pk->key.ec.qlen;
		if (!ta.pkey.key.ec.q)
			goto out;
	} else {
		goto out;
	}
	a->ta[a->n++] = ta;
	memset(&ta, 0, sizeof ta);
	ret = 0;
out:
	free(ta.dn.data);
	if (ta.pkey.key_type == BR_KEYTYPE_RSA) {
		free(ta.pkey.key.rsa.n);
		free(ta.pkey.key.rsa.e);
	} else if (ta.pkey.key_type == BR_KEYTYPE_EC) {
		free(ta.pkey.key.ec.q);
	}
	free(dn.p);
	return ret;
}

size_t tls_anchors_add_pem(struct tls_anchors *a, const char *buf, size_t len)
{
	br_pem_decoder_context pc;
	struct growbuf der = { 0 };
	size_t added = 0, off = 0;
	int in_cert = 0;

	a->owned = 1;
	br_pem_decoder_init(&pc);
	while (off < len) {
		off += br_pem_decoder_push(&pc, buf + off, len - off);
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ: {
			const char *name = br_pem_decoder_name(&pc);
			in_cert = strcmp(name, "CERTIFICATE") == 0 || strcmp(name, "X509 CERTIFICATE") == 0;
			der.len = 0;
			der.overflow = 0;
			br_pem_decoder_setdest(&pc, in_cert ? grow_append : NULL, in_cert ? &der : NULL);
			break;
		}
		case BR_PEM_END_OBJ:
			if (in_cert) {
				if (!der.overflow && add_der(a, der.p, der.len) == 0)
					added++;
				else
					a->skipped++;
			}
			in_cert = 0;
			break;
		case BR_PEM_ERROR:
			/* A damaged object: count it, resynchronise on the next line. */
			if (in_cert)
				a->skipped++;
			in_cert = 0;
			br_pem_decoder_init(&pc);
			{
				const char *nl = memchr(buf + off, '\n', len - off);
				off = nl ? (size_t)(nl - buf) + 1 : len;
			}
			break;
		default:
			break;
		}
	}
	free(der.p);
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
	strncpy(a->source, path, sizeof a->source - 1);
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
		strncpy(a->source, p, sizeof a->source - 1);
		errno = e;
		return -1;
	}
	/* test-only: behave as on a machine without a CA bundle */
	const char *nosys = getenv("KEYDROP_TEST_NO_SYSTEM_CA");
	for (size_t i = 0; i < sizeof paths / sizeof paths[0] && !(nosys && *nosys); i++) {
		if (load_file(a, paths[i]) == 0)
			return 0;
		tls_anchors_free(a);
	}
	if (load_embedded(a) != 0) {
		errno = CA_ROOTS_NUM == 0 ? ENOENT : ENOMEM;
		strncpy(a->source, CA_ROOTS_NUM == 0 ? "the system (no bundle found; this build has no embedded roots)"
						     : "embedded roots", sizeof a->source - 1);
		return -1;
	}
#ifdef KEYDROP_CA_VERSION
	strncpy(a->source, "embedded roots (" KEYDROP_CA_VERSION ")", sizeof a->source - 1);
#else
	strncpy(a->source, "embedded roots", sizeof a->source - 1);
#endif
	return 0;
}
