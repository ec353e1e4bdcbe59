/* tls.c: BearSSL client with a trimmed profile (the X.509 wrapper is tls_x509.c) and
 * deadline-bounded record I/O on a socket. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "ec_impl.h"
#include "rand.h"
#include "tls.h"

/* ---- profile --------------------------------------------------------------------------------- */

/* The trimmed profile (the full one costs size and adds nothing our sources need). TLS 1.2 only,
 * forward-secret ECDHE suites with AEAD ciphers (ChaCha20-Poly1305, AES-GCM): what every HTTPS API of
 * the last decade offers. No CBC (padding-oracle history), no 3DES, no static RSA key exchange. */
static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,       BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
};

/* Epoch seconds -> BearSSL's (days since 0000-01-01, seconds): 719528 days to 1970-01-01. Computed
 * in 64 bits; -1 (and 0/0) outside [0, TLS_TIME_MAX), where a uint32 day count would wrap. */
static int tls_days(int64_t now, uint32_t *days, uint32_t *secs)
{
	*days = *secs = 0;
	if (now < 0 || now >= TLS_TIME_MAX)
		return -1;
	int64_t d = now / 86400 + 719528;
	if (d > (int64_t)UINT32_MAX)
		return -1;
	*days = (uint32_t)d;
	*secs = (uint32_t)(now % 86400);
	return 0;
}

static void profile(struct tls *t, const struct tls_config *cfg)
{
	br_ssl_client_context *cc = &t->cc;
	br_x509_minimal_context *xc = &t->x.minimal;
	/* No MD5/SHA-1: no public CA signs with them any more, and TLS 1.2 signatures need neither. */
	static const br_hash_class *const hashes[] = { &br_sha224_vtable, &br_sha256_vtable,
						       &br_sha384_vtable, &br_sha512_vtable };
	static const int ids[] = { br_sha224_ID, br_sha256_ID, br_sha384_ID, br_sha512_ID };

	br_ssl_client_zero(cc);
	br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12);
	br_x509_minimal_init(xc, &br_sha256_vtable, cfg->anchors->ta, cfg->anchors->n);
	br_ssl_engine_set_suites(&cc->eng, suites, sizeof suites / sizeof suites[0]);
	/* ECDHE only: no br_ssl_client_set_default_rsapub (that is for static RSA key exchange). */
	br_ssl_engine_set_rsavrfy(&cc->eng, &br_rsa_i31_pkcs1_vrfy);
	br_ssl_engine_set_ec(&cc->eng, &keydrop_ec);
	br_ssl_engine_set_ecdsa(&cc->eng, &br_ecdsa_i31_vrfy_asn1);
	br_x509_minimal_set_rsa(xc, &br_rsa_i31_pkcs1_vrfy);
	br_x509_minimal_set_ecdsa(xc, &keydrop_ec, &br_ecdsa_i31_vrfy_asn1);
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		br_ssl_engine_set_hash(&cc->eng, ids[i], hashes[i]);
		br_x509_minimal_set_hash(xc, ids[i], hashes[i]);
	}
	br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
	/* One constant-time implementation each (not the CPU-specific extras the defaults pull in):
	 * key lists are a few KiB, so throughput does not matter and the bytes do (size budget). */
	br_ssl_engine_set_gcm(&cc->eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
	br_ssl_engine_set_aes_ctr(&cc->eng, &br_aes_ct64_ctr_vtable);
	br_ssl_engine_set_ghash(&cc->eng, &br_ghash_ctmul64);
	br_ssl_engine_set_chapol(&cc->eng, &br_sslrec_in_chapol_vtable, &br_sslrec_out_chapol_vtable);
	br_ssl_engine_set_chacha20(&cc->eng, &br_chacha20_ct_run);
	br_ssl_engine_set_poly1305(&cc->eng, &br_poly1305_ctmul_run);

	uint32_t days, secs;
	(void)tls_days(cfg->now, &days, &secs); /* range checked by tls_handshake */
	br_x509_minimal_set_time(xc, days, secs);

	t->x.vtable = &tls_x509_vtable;
	t->x.cfg = cfg;
	br_ssl_engine_set_x509(&cc->eng, &t->x.vtable);
}

/* ---- record I/O ------------------------------------------------------------------------------ */

static int fail(struct tls *t, int err)
{
	t->err = err;
	if (err == TLS_E_IO)
		t->sys_errno = errno;
	return err;
}

/* Drives the engine until one of the `want` state bits is set. Returns TLS_OK or TLS_E_*. */
static int pump(struct tls *t, unsigned want)
{
	br_ssl_engine_context *eng = &t->cc.eng;

	if (t->err)
		return t->err; /* after a socket failure the engine state is meaningless */
	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED) {
			int e = br_ssl_engine_last_error(eng);
			if (e == BR_ERR_OK)
				return (want & BR_SSL_CLOSED) ? TLS_OK : fail(t, TLS_E_EOF);
			if (e == BR_ERR_IO && t->err)
				return t->err;
			t->br_err = e;
			if (t->x.pin_failed)
				return fail(t, TLS_E_PIN);
			return fail(t, TLS_E_ENGINE);
		}
		if (st & BR_SSL_SENDREC) {
			size_t len;
			unsigned char *buf = br_ssl_engine_sendrec_buf(eng, &len);
			int w = deadline_poll(t->fd, POLLOUT, t->deadline_ms);
			if (w <= 0) {
				fail(t, w == 0 ? TLS_E_TIMEOUT : TLS_E_IO);
				return t->err;
			}
			ssize_t n = write(t->fd, buf, len);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				fail(t, TLS_E_IO);
				return t->err;
			}
			br_ssl_engine_sendrec_ack(eng, (size_t)n);
			continue;
		}
		if (st & want)
			return TLS_OK;
		if (st & BR_SSL_RECVREC) {
			size_t len;
			unsigned char *buf = br_ssl_engine_recvrec_buf(eng, &len);
			int w = deadline_poll(t->fd, POLLIN, t->deadline_ms);
			if (w <= 0) {
				fail(t, w == 0 ? TLS_E_TIMEOUT : TLS_E_IO);
				return t->err;
			}
			ssize_t n = read(t->fd, buf, len);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n == 0) {
				/* TCP closed without close_notify: a truncation attack looks exactly like this. */
				fail(t, TLS_E_EOF);
				return t->err;
			}
			if (n < 0) {
				fail(t, TLS_E_IO);
				return t->err;
			}
			br_ssl_engine_recvrec_ack(eng, (size_t)n);
			continue;
		}
		/* Nothing to do and not what we want: the engine waits for the application. */
		return fail(t, TLS_E_ENGINE);
	}
}

static int is_ip_literal(const char *h)
{
	if (strchr(h, ':'))
		return 1;
	for (; *h; h++)
		if (!((*h >= '0' && *h <= '9') || *h == '.'))
			return 0;
	return 1;
}

int tls_handshake(struct tls *t, int fd, const char *host, const struct tls_config *cfg,
		  int64_t deadline_ms)
{
	br_hmac_drbg_context drbg;
	unsigned char seed[32];

	memset(t, 0, sizeof *t);
	t->fd = fd;
	t->deadline_ms = deadline_ms;
	snprintf(t->host, sizeof t->host, "%s", host);
	uint32_t d, sec;
	if (tls_days(cfg->now, &d, &sec) != 0)
		return fail(t, TLS_E_TIME);
	profile(t, cfg);
	br_ssl_engine_set_buffer(&t->cc.eng, t->iobuf, sizeof t->iobuf, 0);
	/* Seed from getrandom() through our DRBG, never BearSSL's system seeder (rand.h says why). */
	if (rand_drbg_init(&drbg, NULL, NULL) != 0)
		return fail(t, TLS_E_RNG);
	br_hmac_drbg_generate(&drbg, seed, sizeof seed);
	br_ssl_engine_inject_entropy(&t->cc.eng, seed, sizeof seed);
	explicit_bzero(seed, sizeof seed);
	explicit_bzero(&drbg, sizeof drbg);
	/* An IP literal cannot be name-checked by BearSSL 0.6 nor sent as SNI (RFC 6066). */
	if (!br_ssl_client_reset(&t->cc, is_ip_literal(host) ? NULL : host, 0))
		return fail(t, TLS_E_ENGINE);
	int r = pump(t, BR_SSL_SENDAPP | BR_SSL_RECVAPP);
	if (r == TLS_OK)
		t->handshake_done = 1;
	return r;
}

int tls_write_all(struct tls *t, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	br_ssl_engine_context *eng = &t->cc.eng;

	while (len > 0) {
		int r = pump(t, BR_SSL_SENDAPP);
		if (r != TLS_OK)
			return r;
		size_t cap;
		unsigned char *dst = br_ssl_engine_sendapp_buf(eng, &cap);
		if (cap > len)
			cap = len;
		memcpy(dst, p, cap);
		br_ssl_engine_sendapp_ack(eng, cap);
		p += cap;
		len -= cap;
	}
	br_ssl_engine_flush(eng, 0);
	return pump(t, BR_SSL_RECVAPP | BR_SSL_SENDAPP);
}

long tls_read(struct tls *t, void *buf, size_t cap)
{
	br_ssl_engine_context *eng = &t->cc.eng;
	int r = pump(t, BR_SSL_RECVAPP | BR_SSL_CLOSED);
	size_t len;
	unsigned char *src;

	if (r != TLS_OK)
		return r;
	if (br_ssl_engine_current_state(eng) & BR_SSL_CLOSED)
		return 0; /* close_notify received */
	src = br_ssl_engine_recvapp_buf(eng, &len);
	if (len > cap)
		len = cap;
	memcpy(buf, src, len);
	br_ssl_engine_recvapp_ack(eng, len);
	return (long)len;
}

void tls_close(struct tls *t)
{
	if (t->handshake_done && t->err == TLS_OK && !(br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_CLOSED)) {
		int64_t d = deadline_now_ms() + 200;
		if (d < t->deadline_ms)
			t->deadline_ms = d;
		br_ssl_engine_close(&t->cc.eng);
		(void)pump(t, BR_SSL_CLOSED);
	}
	free(t->x.cur);
	free(t->x.leaf);
	explicit_bzero(t, sizeof *t);
}

/* ---- messages -------------------------------------------------------------------------------- */

int tls_is_verify_error(const struct tls *t)
{
	if (t->err == TLS_E_PIN || t->err == TLS_E_TIME)
		return 1;
	if (t->err != TLS_E_ENGINE)
		return 0;
	return t->br_err >= BR_ERR_X509_OK && t->br_err < BR_ERR_RECV_FATAL_ALERT;
}

static void describe_expired(const struct tls *t, char *out, size_t cap)
{
	const struct tls_config *cfg = t->x.cfg;
	uint32_t nd, ns;
	char when[40];
	int n = t->x.ncert < TLS_CHAIN_MAX ? t->x.ncert : TLS_CHAIN_MAX;

	(void)tls_days(cfg->now, &nd, &ns);
	for (int i = 0; i < n; i++) {
		const struct tls_certinfo *ci = &t->x.info[i];
		const char *who = i == 0 ? "certificate" : "issuer certificate";
		if (!ci->valid)
			continue;
		if (nd < ci->nb_days || (nd == ci->nb_days && ns < ci->nb_secs)) {
			tls_format_time(ci->nb_days, ci->nb_secs, when, sizeof when);
			snprintf(out, cap, "TLS: %s not yet valid (not before %s)", who, when);
			return;
		}
		if (nd > ci->na_days || (nd == ci->na_days && ns > ci->na_secs)) {
			tls_format_time(ci->na_days, ci->na_secs, when, sizeof when);
			snprintf(out, cap, "TLS: %s expired (not after %s)", who, when);
			return;
		}
	}
	snprintf(out, cap, "TLS: certificate expired or not yet valid");
}

static void describe_policy(const struct tls *t, char *out, size_t cap)
{
	const struct tls_polinfo *p = &t->x.pol;
	char who[40];

	if (p->cert == 0)
		snprintf(who, sizeof who, "the server certificate");
	else
		snprintf(who, sizeof who, "issuer certificate %d", p->cert);
	switch (p->code) {
	case TLS_POL_SIG_WEAK:
		snprintf(out, cap, "TLS: certificate signed with SHA-1/MD5: refusing (%s)", who);
		return;
	case TLS_POL_RSA_WEAK:
		snprintf(out, cap, "TLS: certificate key too weak (RSA %u bits in %s; at least %d needed)", p->bits, who,
			 TLS_RSA_MIN_BITS);
		return;
	case TLS_POL_NO_SAN:
		snprintf(out, cap, "TLS: wrong host name (certificate has no subjectAltName DNS name for %s; the common name is not used)",
			 t->host);
		return;
	case TLS_POL_WILDCARD:
		snprintf(out, cap, "TLS: wrong host name (certificate wildcard %s covers a public suffix, not valid for %s)", p->name,
			 t->host);
		return;
	case TLS_POL_HOST:
		snprintf(out, cap, "TLS: wrong host name (certificate is not valid for %s)", t->host);
		return;
	case TLS_POL_EKU:
		snprintf(out, cap, "TLS: certificate extended key usage does not allow TLS server authentication");
		return;
	case TLS_POL_NC_EXCLUDED:
		snprintf(out, cap, "TLS: name constraints of %s exclude %s", who, p->name);
		return;
	case TLS_POL_NC_PERMITTED:
		snprintf(out, cap, "TLS: name constraints of %s do not permit %s", who, p->name);
		return;
	}
	snprintf(out, cap, "TLS: %s could not be checked (malformed, larger than 64 KiB, or too many names)", who);
}

void tls_describe(const struct tls *t, char *out, size_t cap)
{
	int e = t->br_err;

	switch (t->err) {
	case TLS_OK: snprintf(out, cap, "ok"); return;
	case TLS_E_TIMEOUT: snprintf(out, cap, "timed out during TLS"); return;
	case TLS_E_IO: snprintf(out, cap, "TLS: connection error: %s", strerror(t->sys_errno)); return;
	case TLS_E_EOF:
		snprintf(out, cap, t->handshake_done ? "TLS: connection closed without close_notify (truncated response)"
						     : "TLS: connection closed during the handshake");
		return;
	case TLS_E_PIN:
		snprintf(out, cap, "TLS: public key pin mismatch (the server's key matches no --pin)");
		return;
	case TLS_E_RNG: snprintf(out, cap, "TLS: cannot seed the random generator"); return;
	case TLS_E_TIME: snprintf(out, cap, "TLS: validation time out of range"); return;
	}
	if (t->err == TLS_E_ENGINE && t->x.pol_failed) {
		describe_policy(t, out, cap);
		return;
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT) {
		int alert = e - BR_ERR_RECV_FATAL_ALERT;
		if (alert == 70)
			snprintf(out, cap, "TLS: server requires TLS 1.3 (BearSSL 0.6 speaks TLS 1.2)");
		else if (alert == 40)
			snprintf(out, cap, "TLS: handshake failure alert (no common cipher suite or certificate type: Ed25519 and RSA-PSS certificates are unsupported by BearSSL 0.6)");
		else
			snprintf(out, cap, "TLS: server sent fatal alert %d", alert);
		return;
	}
	switch (e) {
	case BR_ERR_X509_EXPIRED: describe_expired(t, out, cap); return;
	case BR_ERR_X509_BAD_SERVER_NAME:
		snprintf(out, cap, "TLS: wrong host name (certificate is not valid for %s)", t->host);
		return;
	case BR_ERR_X509_NOT_TRUSTED:
		snprintf(out, cap, "TLS: unknown issuer (chain does not lead to a trusted CA: self-signed or missing intermediate?) [anchors: %s]",
			 t->x.cfg->anchors->source);
		return;
	case BR_ERR_X509_UNSUPPORTED:
	case BR_ERR_X509_WRONG_KEY_TYPE:
	case BR_ERR_X509_BAD_SIGNATURE:
		snprintf(out, cap, "TLS: unsupported certificate (RSA-PSS and Ed25519 are unsupported by BearSSL 0.6; error %d)", e);
		return;
	case BR_ERR_X509_NOT_CA:
		snprintf(out, cap, "TLS: an issuer in the chain is not a CA");
		return;
	case BR_ERR_X509_WEAK_PUBLIC_KEY:
		snprintf(out, cap, "TLS: certificate key too weak");
		return;
	case BR_ERR_X509_FORBIDDEN_KEY_USAGE:
		snprintf(out, cap, "TLS: certificate key usage forbids TLS server authentication");
		return;
	case BR_ERR_X509_CRITICAL_EXTENSION:
		snprintf(out, cap, "TLS: certificate has an unsupported critical extension");
		return;
	case BR_ERR_X509_EMPTY_CHAIN:
		snprintf(out, cap, "TLS: server sent no certificate");
		return;
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
		snprintf(out, cap, "TLS: server requires TLS 1.3 or older than 1.2 (BearSSL 0.6 speaks TLS 1.2)");
		return;
	case BR_ERR_BAD_CIPHER_SUITE:
		snprintf(out, cap, "TLS: server chose an unsupported cipher suite or curve");
		return;
	}
	if (e >= BR_ERR_X509_OK && e < BR_ERR_RECV_FATAL_ALERT)
		snprintf(out, cap, "TLS: certificate rejected (BearSSL X.509 error %d)", e);
	else
		snprintf(out, cap, "TLS: handshake failed (BearSSL error %d)", e);
}
