/* anchors_ref.h: the reference for tls_anchors_add_pem, for t_tls and fuzz_cert: the bundle framed by
 * BearSSL's own br_pem_decoder and every certificate decoded by br_x509_decoder, with no table
 * lookups (what tls_roots.c did before tls_pem.c and the per-certificate table). The result is a
 * struct tls_anchors that tls_anchors_free frees. Static functions: include once per test. */
#ifndef KEYDROP_ANCHORS_REF_H
#define KEYDROP_ANCHORS_REF_H
#include <stdlib.h>
#include <string.h>

#include "tls.h"

struct ref_cert {
	br_x509_decoder_context x;
	unsigned char *dn;
	size_t dnlen;
	int dnover;
};

static void ref_dn(void *ctx, const void *buf, size_t len)
{
	struct ref_cert *c = ctx;
	unsigned char *nb;
	if (c->dnover || len > (64u << 10) - c->dnlen || !(nb = realloc(c->dn, c->dnlen + len ? c->dnlen + len : 1))) {
		c->dnover = 1;
		return;
	}
	c->dn = nb;
	memcpy(c->dn + c->dnlen, buf, len);
	c->dnlen += len;
}

/* br_pem_decoder hands the DER over in chunks. BearSSL 0.6's br_x509_decoder_push must not be called
 * again once the decoder failed (its T0 program would resume after `fail` with a broken stack) or
 * finished (no program left): the chunks after that are dropped, which is what one push of the whole
 * DER does (tls_roots.c). Without this check a bundle crashed the loader on main (fuzz_cert found it:
 * tests/fuzz/corpus/cert/bundle-x509-fails-early.pem). */
static void ref_der(void *ctx, const void *buf, size_t len)
{
	struct ref_cert *c = ctx;
	if (c->x.err == 0 && c->x.cpu.ip != NULL)
		br_x509_decoder_push(&c->x, buf, len);
}

static unsigned char *ref_dup(const void *p, size_t n)
{
	unsigned char *d = malloc(n ? n : 1);
	if (d && n)
		memcpy(d, p, n);
	return d;
}

static int ref_is_cert(const char *name)
{
	size_t n = strlen(name);
	while (n > 0 && name[n - 1] == '-')
		n--;
	return (n == 11 && memcmp(name, "CERTIFICATE", 11) == 0) || (n == 16 && memcmp(name, "X509 CERTIFICATE", 16) == 0);
}

/* Appends c's anchor to a; 0 or -1 (as tls_roots.c: no key, no DN or a DN over 64 KiB: skipped). */
static int ref_add(struct tls_anchors *a, struct ref_cert *c)
{
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&c->x);
	br_x509_trust_anchor *t;
	if (!pk || c->dnover || c->dnlen == 0)
		return -1;
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->ta = realloc(a->ta, a->cap * sizeof *a->ta);
		a->borrowed = realloc(a->borrowed, a->cap);
		if (!a->ta || !a->borrowed)
			abort();
	}
	t = &a->ta[a->n];
	memset(t, 0, sizeof *t);
	a->borrowed[a->n++] = 0;
	t->flags = br_x509_decoder_isCA(&c->x) ? BR_X509_TA_CA : 0;
	t->dn.data = c->dn;
	t->dn.len = c->dnlen;
	c->dn = NULL;
	c->dnlen = 0;
	t->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		t->pkey.key.rsa.n = ref_dup(pk->key.rsa.n, pk->key.rsa.nlen);
		t->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		t->pkey.key.rsa.e = ref_dup(pk->key.rsa.e, pk->key.rsa.elen);
		t->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else {
		t->pkey.key.ec.curve = pk->key.ec.curve;
		t->pkey.key.ec.q = ref_dup(pk->key.ec.q, pk->key.ec.qlen);
		t->pkey.key.ec.qlen = pk->key.ec.qlen;
	}
	return 0;
}

/* The reference decoding of buf[0..len), appended to a (zeroed by the caller). Returns the count added. */
static size_t ref_add_pem(struct tls_anchors *a, const char *buf, size_t len)
{
	br_pem_decoder_context pc;
	struct ref_cert *c = calloc(1, sizeof *c);
	size_t added = 0, off = 0;
	int inobj = 0, iscert = 0;

	a->owned = 1;
	if (!c)
		abort();
	/* As brssl reads a file: a last line without its newline gets one. */
	char *nl = NULL;
	if (len > 0 && buf[len - 1] != '\n') {
		if (!(nl = malloc(len + 1)))
			abort();
		memcpy(nl, buf, len);
		nl[len++] = '\n';
		buf = nl;
	}
	br_pem_decoder_init(&pc);
	while (off < len) {
		off += br_pem_decoder_push(&pc, buf + off, len - off);
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			iscert = ref_is_cert(br_pem_decoder_name(&pc));
			inobj = 1;
			c->dnlen = 0;
			c->dnover = 0;
			br_x509_decoder_init(&c->x, ref_dn, c);
			br_pem_decoder_setdest(&pc, iscert ? ref_der : NULL, c);
			break;
		case BR_PEM_END_OBJ:
			if (iscert) {
				if (ref_add(a, c) == 0)
					added++;
				else
					a->skipped++;
			}
			inobj = iscert = 0;
			break;
		case BR_PEM_ERROR: /* as tls_roots.c did: a fresh decoder from the next line */
			a->skipped += (size_t)iscert;
			inobj = iscert = 0;
			br_pem_decoder_init(&pc);
			break;
		default:
			break;
		}
	}
	if (inobj && iscert)
		a->skipped++;
	free(c->dn);
	free(c);
	free(nl);
	return added;
}

/* 1 if the two anchors are the same (flags, DN, key). */
static int ref_same_anchor(const br_x509_trust_anchor *a, const br_x509_trust_anchor *b)
{
	if (a->flags != b->flags || a->pkey.key_type != b->pkey.key_type || a->dn.len != b->dn.len ||
	    memcmp(a->dn.data, b->dn.data, a->dn.len) != 0)
		return 0;
	if (a->pkey.key_type == BR_KEYTYPE_RSA)
		return a->pkey.key.rsa.nlen == b->pkey.key.rsa.nlen && a->pkey.key.rsa.elen == b->pkey.key.rsa.elen &&
		       memcmp(a->pkey.key.rsa.n, b->pkey.key.rsa.n, a->pkey.key.rsa.nlen) == 0 &&
		       memcmp(a->pkey.key.rsa.e, b->pkey.key.rsa.e, a->pkey.key.rsa.elen) == 0;
	return a->pkey.key.ec.curve == b->pkey.key.ec.curve && a->pkey.key.ec.qlen == b->pkey.key.ec.qlen &&
	       memcmp(a->pkey.key.ec.q, b->pkey.key.ec.q, a->pkey.key.ec.qlen) == 0;
}

/* 1 if a and b hold the same anchors in the same order and skipped the same count. */
static int ref_same_set(const struct tls_anchors *a, const struct tls_anchors *b)
{
	if (a->n != b->n || a->skipped != b->skipped)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!ref_same_anchor(&a->ta[i], &b->ta[i]))
			return 0;
	return 1;
}
#endif
