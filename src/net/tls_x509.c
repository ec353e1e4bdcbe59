/* tls_x509.c: the X.509 class keydrop hands BearSSL: br_x509_minimal inside, plus what pins and
 * messages need (the end-entity DER, each certificate's validity) and the policy checks BearSSL 0.6
 * leaves out (tls_policy.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls.h"

/* ---- X.509 wrapper: br_x509_minimal inside, plus the end-entity DER and each validity ------- */

#define CERT_MAX (64u << 10) /* per certificate; the server's is kept for the policy checks */

static void xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	x->ncert = 0;
	x->pin_failed = 0;
	x->ee_hashed = 0;
	x->pol_failed = 0;
	memset(&x->pol, 0, sizeof x->pol);
	memset(&x->leafx, 0, sizeof x->leafx);
	free(x->leaf);
	x->leaf = NULL;
	snprintf(x->host, sizeof x->host, "%s", server_name ? server_name : "");
	x->minimal.vtable->start_chain(&x->minimal.vtable, server_name);
}

static void xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	x->cur_len = 0;
	/* Once BearSSL has decided (trusted, or failed), it ignores the rest of the chain: so do we,
	 * so that an extra certificate the server sends along never changes the verdict. */
	x->cur_skip = x->minimal.err != 0;
	x->cur_overflow = length > CERT_MAX;
	if (!x->cur_overflow && x->cur_cap < length) {
		unsigned char *p = realloc(x->cur, length ? length : 1);
		if (p) {
			x->cur = p;
			x->cur_cap = length;
		} else {
			x->cur_overflow = 1;
		}
	}
	x->minimal.vtable->start_cert(&x->minimal.vtable, length);
}

static void xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	if (!x->cur_overflow) {
		if (len > x->cur_cap - x->cur_len) {
			x->cur_overflow = 1;
		} else {
			memcpy(x->cur + x->cur_len, buf, len);
			x->cur_len += len;
		}
	}
	x->minimal.vtable->append(&x->minimal.vtable, buf, len);
}

static void pol_fail(struct tls_x509 *x, int code, unsigned bits)
{
	if (x->pol.code == 0) {
		x->pol.code = code;
		x->pol.cert = x->ncert;
		x->pol.bits = bits;
	}
}

/* The rules BearSSL 0.6 leaves out (tls_policy.c), on every certificate it looks at; the first
 * refusal is kept. The server's certificate is kept whole: the CAs after it constrain its names. */
static void xw_policy(struct tls_x509 *x)
{
	struct tls_certext e;
	int r;

	if (x->cur_skip || x->pol.code)
		return;
	if (x->cur_overflow || tls_cert_ext(x->cur, x->cur_len, &e) != 0) {
		pol_fail(x, TLS_POL_MALFORMED, 0);
		return;
	}
	if (e.sig_weak || (e.rsa_bits && e.rsa_bits < TLS_RSA_MIN_BITS)) {
		pol_fail(x, e.sig_weak ? TLS_POL_SIG_WEAK : TLS_POL_RSA_WEAK, e.rsa_bits);
		return;
	}
	if (x->ncert == 0) {
		x->leaf = x->cur; /* e points into it; the next certificate gets a new buffer */
		x->leafx = e;
		x->cur = NULL;
		x->cur_cap = 0;
		if ((r = tls_check_leaf(&x->leafx)) != 0 || (x->host[0] && (r = tls_check_host(&x->leafx, x->host, &x->pol)) != 0))
			pol_fail(x, r, 0);
		return;
	}
	if (x->leaf && (r = tls_check_nc(&e, &x->leafx, x->host[0] ? x->host : NULL, &x->pol)) != 0)
		pol_fail(x, r, 0);
}

static void xw_end_cert(const br_x509_class **ctx)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	struct tls_certfacts f;
	int ok = !x->cur_overflow && tls_cert_parse(x->cur, x->cur_len, &f) == 0;

	if (x->ncert < TLS_CHAIN_MAX) {
		struct tls_certinfo *ci = &x->info[x->ncert];
		ci->valid = ok;
		ci->nb_days = ok ? f.nb_days : 0;
		ci->nb_secs = ok ? f.nb_secs : 0;
		ci->na_days = ok ? f.na_days : 0;
		ci->na_secs = ok ? f.na_secs : 0;
	}
	if (x->ncert == 0) {
		/* the server's own certificate: remember its SPKI hash for the pin check */
		const unsigned char *spki;
		size_t n;
		if (!x->cur_overflow && tls_cert_spki(x->cur, x->cur_len, &spki, &n) == 0) {
			br_sha256_context sc;
			br_sha256_init(&sc);
			br_sha256_update(&sc, spki, n);
			br_sha256_out(&sc, x->ee_spki_sha256);
			x->ee_hashed = 1;
		}
	}
	xw_policy(x);
	x->ncert++;
	x->minimal.vtable->end_cert(&x->minimal.vtable);
}

static unsigned xw_end_chain(const br_x509_class **ctx)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	unsigned r = x->minimal.vtable->end_chain(&x->minimal.vtable);

	/* Our refusal wins over BearSSL's acceptance, over its name verdict (ours is more precise), and
	 * over whatever it says about an MD5/SHA-1 signature (it only knows an unsupported hash);
	 * otherwise BearSSL's own reason (expired, unknown issuer...) is the message. */
	if (x->pol.code && (r == BR_ERR_OK || r == BR_ERR_X509_BAD_SERVER_NAME || x->pol.code == TLS_POL_SIG_WEAK)) {
		x->pol_failed = 1;
		return BR_ERR_X509_NOT_TRUSTED;
	}
	if (r != BR_ERR_OK || x->cfg->npins == 0)
		return r;
	/* Pin check (curl's --pinnedpubkey): SHA-256 of the server certificate's DER SPKI. Only after
	 * the chain verified: a pin narrows trust, it never replaces it. */
	x->pin_failed = 1;
	for (int i = 0; i < x->cfg->npins && x->ee_hashed; i++)
		if (memcmp(x->ee_spki_sha256, x->cfg->pins[i], 32) == 0) {
			x->pin_failed = 0;
			return BR_ERR_OK;
		}
	return BR_ERR_X509_UNSUPPORTED; /* reported as a pin mismatch via pin_failed */
}

static const br_x509_pkey *xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct tls_x509 *x = (const struct tls_x509 *)(const void *)ctx;
	return x->minimal.vtable->get_pkey(&x->minimal.vtable, usages);
}

const br_x509_class tls_x509_vtable = {
	sizeof(struct tls_x509), xw_start_chain, xw_start_cert, xw_append, xw_end_cert, xw_end_chain,
	xw_get_pkey
};
