/* tls_roots.c: trust anchors from PEM bundles, or the embedded Mozilla set (build/gen/ca_roots.h,
 * generated at build time by BearSSL's `brssl ta` from Debian's ca-certificates; see mk/net.mk). */
/* tls_roots.c: trust anchors from PEM bundles, decoded by BearSSL's own br_pem_decoder and
 * br_x509_decoder (what `brssl ta` does), or the embedded Mozilla set: `brssl ta`'s tables from
 * Debian's ca-certificates, compiled in as they are (build/gen/ca_roots.h; see scripts/mk/net.mk). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "osutil.h"
#include "tls.h"

#include "ca_roots.h"

#define BUNDLE_MAX (8u << 20)
#define DN_MAX (64u << 10) /* a subject Name longer than this is not a real CA's: the certificate is skipped */

size_t tls_embedded_count(void)
{
	return CA_ROOTS_NUM;
}

int tls_anchors_embedded(struct tls_anchors *a)
{
	memset(a, 0, sizeof *a);
#if CA_ROOTS_NUM == 0
	return -1; /* built with EMBED_ROOTS=0 */
#else
	/* read-only tables: BearSSL never writes through an anchor, and tls_anchors_free frees nothing */
	a->ta = (br_x509_trust_anchor *)TAs;
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

/* One certificate object: the PEM decoder streams its DER straight into the X.509 decoder. */
struct certdec {
	br_x509_decoder_context x;
	struct dnbuf dn;
};

static void der_to_x509(void *ctx, const void *buf, size_t len)
{
	struct certdec *c = ctx;
	br_x509_decoder_push(&c->x, buf, len);
}

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
static int add_decoded(struct tls_anchors *a, struct certdec *c)
{
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&c->x);
	br_x509_trust_anchor ta;

	if (!pk || c->dn.over || c->dn.n == 0)
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
	a->ta[a->n++] = ta;
	return 0;
fail:
	anchor_free(&ta);
	return -1;
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
	br_pem_decoder_context pc;
	struct certdec *c = calloc(1, sizeof *c); /* ~3 KiB of decoder state: heap, not stack */
	size_t added = 0, off = 0;
	int inobj = 0, iscert = 0;

	a->owned = 1;
	if (!c)
		return 0;
	br_pem_decoder_init(&pc);
	while (off < len) {
		off += br_pem_decoder_push(&pc, buf + off, len - off);
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			iscert = pem_name_is_cert(br_pem_decoder_name(&pc));
			inobj = 1;
			c->dn.n = 0;
			c->dn.over = 0;
			if (iscert) {
				br_x509_decoder_init(&c->x, dn_append, &c->dn);
				br_pem_decoder_setdest(&pc, der_to_x509, c);
			} else {
				br_pem_decoder_setdest(&pc, NULL, NULL);
			}
			break;
		case BR_PEM_END_OBJ:
			if (iscert) {
				if (add_decoded(a, c) == 0)
					added++;
				else
					a->skipped++;
			}
			inobj = iscert = 0;
			break;
		case BR_PEM_ERROR:
			/* bad base64. BearSSL 0.6's decoder would resume at the next banner with the broken
			 * object's partial base64 quartet still pending, shifting every byte of the next
			 * object: a fresh decoder from here instead. */
			a->skipped += (size_t)iscert;
			inobj = iscert = 0;
			br_pem_decoder_init(&pc);
			break;
		default:
			break;
		}
	}
	if (inobj && iscert) /* cut off before its END banner */
		a->skipped++;
	free(c->dn.b);
	free(c);
	return added;
}

void tls_anchors_free(struct tls_anchors *a)
{
	if (a->owned) {
		for (size_t i = 0; i < a->n; i++)
			anchor_free(&a->ta[i]);
		free(a->ta);
	}
	memset(a, 0, sizeof *a); /* embedded: read-only tables, nothing to free */
}

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
