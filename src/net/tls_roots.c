/* tls_roots.c: trust anchors from PEM bundles, certificates decoded by BearSSL's br_x509_decoder
 * (what `brssl ta` does) after framing with br_pem_decoder's grammar (tls_pem.c: the same objects
 * and bytes, 7x faster), or the embedded Mozilla set: `brssl ta`'s tables from Debian's
 * ca-certificates, as one read-only blob and a table of offsets (build/gen/ca_roots.h; see
 * scripts/mk/net.mk), made into anchors when needed. A bundle
 * certificate whose DER hashes to an embedded one's is served from the table, not decoded again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osutil.h"
#include "tls.h"
#include "tls_pem.h"

#include "ca_roots.h"

#define BUNDLE_MAX (8u << 20)
#define DN_MAX (64u << 10) /* a subject Name longer than this is not a real CA's: the certificate is skipped */

size_t tls_embedded_count(void)
{
	return CA_ROOTS_NUM;
}

#if CA_ROOTS_NUM > 0
/* Embedded anchor i, made from the offsets table: its names and keys point into the read-only blob
 * (BearSSL never writes through an anchor; nothing of it is freed). */
static void embedded_ta(size_t i, br_x509_trust_anchor *ta)
{
	const struct ca_compact *r = &CA_TA[i];
	unsigned char *p = (unsigned char *)CA_BLOB + ((size_t)r->off_hi << 16 | r->off_lo);

	memset(ta, 0, sizeof *ta);
	ta->dn.data = p;
	ta->dn.len = r->dnlen;
	ta->flags = r->flags;
	ta->pkey.key_type = r->key_type;
	if (r->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = p + r->dnlen;
		ta->pkey.key.rsa.nlen = r->k1len;
		ta->pkey.key.rsa.e = p + r->dnlen + r->k1len;
		ta->pkey.key.rsa.elen = r->k2len;
	} else {
		ta->pkey.key.ec.curve = r->curve;
		ta->pkey.key.ec.q = p + r->dnlen;
		ta->pkey.key.ec.qlen = r->k1len;
	}
}
#endif

int tls_anchors_embedded(struct tls_anchors *a)
{
	memset(a, 0, sizeof *a);
#if CA_ROOTS_NUM == 0
	return -1; /* built with EMBED_ROOTS=0 */
#else
	/* the anchors' array is ours (freed by tls_anchors_free); what they point to is read-only */
	if (!(a->ta = malloc(CA_ROOTS_NUM * sizeof *a->ta))) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < CA_ROOTS_NUM; i++)
		embedded_ta(i, &a->ta[i]);
	a->n = a->cap = CA_ROOTS_NUM;
	a->embedded = 1;
	return 0;
#endif
}

static unsigned char *dup_bytes(const void *p, size_t n)
{
	unsigned char *d = malloc(n ? n : 1);
	if (d && n)
		memcpy(d, p, n);
	return d;
}

/* The subject Name the X.509 decoder hands over in pieces. */
struct dnbuf {
	unsigned char *b;
	size_t n, cap;
	int over; /* longer than DN_MAX, or out of memory */
};

static void dn_append(void *ctx, const void *buf, size_t len)
{
	struct dnbuf *d = ctx;
	if (d->over || len > DN_MAX - d->n) {
		d->over = 1;
		return;
	}
	if (d->n + len > d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 256;
		while (nc < d->n + len)
			nc *= 2;
		unsigned char *nb = realloc(d->b, nc);
		if (!nb) {
			d->over = 1;
			return;
		}
		d->b = nb;
		d->cap = nc;
	}
	memcpy(d->b + d->n, buf, len);
	d->n += len;
}

/* One certificate's decoding state. */
struct certdec {
	br_x509_decoder_context x;
	struct dnbuf dn;
};

static void anchor_free(br_x509_trust_anchor *t)
{
	free(t->dn.data);
	if (t->pkey.key_type == BR_KEYTYPE_RSA) {
		free(t->pkey.key.rsa.n);
		free(t->pkey.key.rsa.e);
	} else {
		free(t->pkey.key.ec.q);
	}
}

/* The decoded certificate c as an anchor appended to a (as `brssl ta`: subject, key, CA flag).
 * Takes the DN buffer. Returns 0 or -1 (not a certificate BearSSL decodes, or out of memory). */
/* Room for one more anchor in a (ta[] and its borrowed[] flags). */
static int grow(struct tls_anchors *a)
{
	if (a->n < a->cap)
		return 0;
	size_t nc = a->cap ? a->cap * 2 : 64;
	br_x509_trust_anchor *nt = realloc(a->ta, nc * sizeof *nt);
	if (!nt)
		return -1;
	a->ta = nt;
	unsigned char *nb = realloc(a->borrowed, nc);
	if (!nb)
		return -1;
	a->borrowed = nb;
	a->cap = nc;
	return 0;
}

static int add_decoded(struct tls_anchors *a, struct certdec *c)
{
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&c->x);
	br_x509_trust_anchor ta;

	if (!pk || c->dn.over || c->dn.n == 0 || grow(a) != 0)
		return -1;
	memset(&ta, 0, sizeof ta);
	ta.flags = br_x509_decoder_isCA(&c->x) ? BR_X509_TA_CA : 0;
	ta.pkey.key_type = pk->key_type;
	ta.dn.data = c->dn.b;
	ta.dn.len = c->dn.n;
	c->dn.b = NULL; /* taken: the next certificate grows a new one */
	c->dn.n = c->dn.cap = 0;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta.pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta.pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta.pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		ta.pkey.key.rsa.elen = pk->key.rsa.elen;
		if (!ta.pkey.key.rsa.n || !ta.pkey.key.rsa.e)
			goto fail;
	} else {
		ta.pkey.key.ec.curve = pk->key.ec.curve;
		ta.pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
		ta.pkey.key.ec.qlen = pk->key.ec.qlen;
		if (!ta.pkey.key.ec.q)
			goto fail;
	}
	a->borrowed[a->n] = 0;
	a->ta[a->n++] = ta;
	return 0;
fail:
	anchor_free(&ta);
	return -1;
}

#if CA_ROOTS_NUM > 0
_Static_assert(CA_ROOTS_DER_NUM == CA_ROOTS_NUM, "ca_roots_der.h and brssl ta's table differ in length");

/* The index of the embedded anchor for a certificate whose DER is der[0..n) (the same certificate:
 * its anchor is what br_x509_decoder makes of it, t_tls checks that), or -1. The table keeps the
 * first CA_ROOTS_DER_LEN bytes of each SHA-256 (16: why that is enough, scripts/mk/ca_der_sha256.c). */
static long embedded_for(const uint8_t *der, size_t n)
{
	br_sha256_context hc;
	uint8_t h[32];

	br_sha256_init(&hc);
	br_sha256_update(&hc, der, n);
	br_sha256_out(&hc, h);
	for (size_t i = 0; i < CA_ROOTS_NUM; i++)
		if (CA_ROOTS_DER_SHA256[i][0] == h[0] && memcmp(CA_ROOTS_DER_SHA256[i], h, CA_ROOTS_DER_LEN) == 0)
			return (long)i;
	return -1;
}
#endif

/* One certificate's DER as an anchor appended to a. Returns 0 or -1 (skipped). */
static int add_der(struct tls_anchors *a, struct certdec *c, const uint8_t *der, size_t n)
{
#if CA_ROOTS_NUM > 0
	long e = embedded_for(der, n);
	if (e >= 0) {
		if (grow(a) != 0)
			return -1;
		a->borrowed[a->n] = 1; /* points into the read-only blob: never freed */
		embedded_ta((size_t)e, &a->ta[a->n++]);
		return 0;
	}
#endif
	c->dn.n = 0;
	c->dn.over = 0;
	br_x509_decoder_init(&c->x, dn_append, &c->dn);
	/* One push of the whole DER: BearSSL 0.6's decoder must not be pushed again after it failed
	 * (its T0 program resumes past `fail` with a broken stack) or finished; br_pem_decoder's
	 * 255-byte chunks did that, and a damaged bundle crashed the loader. */
	br_x509_decoder_push(&c->x, der, n);
	return add_decoded(a, c);
}

/* The object names brssl accepts; other objects (keys, CRLs) are passed over, not counted. BearSSL
 * 0.6 leaves the banner's trailing dashes in the name when the line ends in CRLF: ignored here. */
static int pem_name_is_cert(const char *name)
{
	size_t n = strlen(name);
	while (n > 0 && name[n - 1] == '-')
		n--;
	return (n == 11 && memcmp(name, "CERTIFICATE", 11) == 0) || (n == 16 && memcmp(name, "X509 CERTIFICATE", 16) == 0);
}

size_t tls_anchors_add_pem(struct tls_anchors *a, const char *buf, size_t len)
{
	struct tls_pem p;
	struct certdec *c = calloc(1, sizeof *c); /* ~3 KiB of decoder state: heap, not stack */
	size_t cap = TLS_PEM_DER_CAP(len), added = 0, n;
	uint8_t *der = malloc(cap);
	int r;

	if (a->embedded) { /* the embedded set is complete as it is: nothing from a bundle joins it */
		free(c);
		free(der);
		return 0;
	}
	a->owned = 1;
	if (!c || !der)
		goto out;
	tls_pem_init(&p, buf, len);
	while ((r = tls_pem_next(&p, der, cap, &n)) != TLS_PEM_DONE) {
		if (!pem_name_is_cert(p.name))
			continue;
		if (r == TLS_PEM_OBJECT && add_der(a, c, der, n) == 0)
			added++;
		else
			a->skipped++;
	}
out:
	if (c)
		free(c->dn.b);
	free(c);
	free(der);
	return added;
}

void tls_anchors_free(struct tls_anchors *a)
{
	if (a->owned) {
		for (size_t i = 0; i < a->n; i++)
			if (!a->borrowed[i])
				anchor_free(&a->ta[i]);
		free(a->ta);
		free(a->borrowed);
	}
	if (a->embedded)
		free(a->ta); /* the array; the names and keys are the read-only blob's */
	memset(a, 0, sizeof *a);
}

/* Loads one bundle file. Returns 0 when it gave at least one anchor. */
static int load_file(struct tls_anchors *a, const char *path)
{
	char *buf = NULL;
	size_t len = 0;

	if (osutil_slurp(path, BUNDLE_MAX, &buf, &len) != 0)
		return -1;
#ifdef KEYDROP_CA_SHA256
	/* The very bundle the embedded table was made from: use the table, skip the decoding (another
	 * length: not that bundle, and no time spent hashing it as a whole). */
	if (len == KEYDROP_CA_LEN) {
		br_sha256_context c;
		uint8_t h[32];
		char hex[65];
		br_sha256_init(&c);
		br_sha256_update(&c, buf, len);
		br_sha256_out(&c, h);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		if (strcmp(hex, KEYDROP_CA_SHA256) == 0 && tls_anchors_embedded(a) == 0) {
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
	if (tls_anchors_embedded(a) != 0) {
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
