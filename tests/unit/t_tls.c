/* t_tls.c: the embedded trust anchors (packed by mk/ca_blob.awk) equal brssl's tables; PEM bundle
 * loading skips damaged certificates; pins; SPKI extraction; time formatting. */
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "b64.h"
#include "tap.h"
#include "tls.h"

#include "ca_roots_brssl.h" /* brssl ta output: TAs[], TAs_NUM (build/gen) */
#include "ca_roots.h"        /* what the binary embeds: CA_ROOTS_NUM */
#define CA_ROOTS_NUM_BUILT CA_ROOTS_NUM

static void dn_sink(void *ctx, const void *buf, size_t len)
{
	struct { unsigned char b[4096]; size_t n; } *d = ctx;
	if (len <= sizeof d->b - d->n) {
		memcpy(d->b + d->n, buf, len);
		d->n += len;
	}
}

static int same_anchor(const br_x509_trust_anchor *a, const br_x509_trust_anchor *b)
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

/* A P-256 self-signed certificate (openssl req -x509 -subj /CN=t), made for this test. */
static const char pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBbTCCAROgAwIBAgIUV+uk9yR9AJuzwPS2u8d0ShAf89wwCgYIKoZIzj0EAwIw\n"
	"DDEKMAgGA1UEAwwBdDAeFw0yNjExMjMwMTA4MzhaFw0zNjExMjAwMTA4MzhaMAwx\n"
	"CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASZ8LtnH6ahlx/b\n"
	"OGJmtQTMBY06eBkFtFZJHtqVdcB8ryweMHdbs5hTTfwsh4JSi0hssgyu18HuplPu\n"
	"qepUM0guo1MwUTAdBgNVHQ4EFgQUHxVhUT1MzGCVhR3hHUfG+LGqIywwHwYDVR0j\n"
	"BBgwFoAUHxVhUT1MzGCVhR3hHUfG+LGqIywwDwYDVR0TAQH/BAUwAwEB/zAKBggq\n"
	"hkjOPQQDAgNIADBFAiBQGKEVCTKnzKOKaks8i0k8M/w5eGjVd31f/3QmR9lh4wIh\n"
	"ALW1zn4+P3PNh0JEFOEcjxMA23OL0ckWSZ3iLzVIuXWR\n"
	"-----END CERTIFICATE-----\n";

int main(void)
{
	struct tls_anchors a;

#if CA_ROOTS_NUM_BUILT == 0
	IS_INT(tls_anchors_embedded(&a), -1, "built with EMBED_ROOTS=0: no embedded anchors");
#else
	IS_INT(tls_anchors_embedded(&a), 0, "embedded anchors unpack");
	IS_INT(a.n, TAs_NUM, "as many embedded anchors as brssl's table (%d)", TAs_NUM);
	OK(a.n >= 100, "a real Mozilla set (%zu anchors)", a.n);
	size_t same = 0;
	for (size_t i = 0; i < a.n && i < TAs_NUM; i++)
		same += (size_t)same_anchor(&a.ta[i], &TAs[i]);
	IS_INT(same, TAs_NUM, "every packed anchor equals brssl's (DN, flags, key)");
	IS_INT(tls_embedded_count(), TAs_NUM, "tls_embedded_count");
	tls_anchors_free(&a);
#endif

	/* bundle: a damaged block, one good certificate, a non-certificate object */
	{
		char bundle[4096];
		snprintf(bundle, sizeof bundle,
			 "junk before\n-----BEGIN CERTIFICATE-----\nMIIBroken!!\n-----END CERTIFICATE-----\n%s"
			 "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
			 pem);
		memset(&a, 0, sizeof a);
		size_t added = tls_anchors_add_pem(&a, bundle, strlen(bundle));
		IS_INT(added, 1, "the good certificate becomes an anchor");
		IS_INT(a.skipped, 1, "the damaged one is skipped and counted");
		OK(a.n == 1 && a.ta[0].pkey.key_type == BR_KEYTYPE_EC, "EC anchor");
		OK(a.n == 1 && (a.ta[0].flags & BR_X509_TA_CA), "CA flag from basicConstraints");
		tls_anchors_free(&a);
	}

	/* our certificate parser against BearSSL's decoder, over every certificate of the system bundle */
	{
		FILE *fp = fopen("/etc/ssl/certs/ca-certificates.crt", "rb");
		if (!fp) {
			printf("ok %d # SKIP no system bundle\n", ++tap_n);
		} else {
			static char bundle[4 << 20];
			size_t len = fread(bundle, 1, sizeof bundle, fp), off = 0, n, total = 0, agree = 0;
			static unsigned char der[65536];
			int bad;
			fclose(fp);
			while ((n = tls_pem_next(bundle, len, &off, der, sizeof der, &bad)) > 0 || bad) {
				struct tls_certfacts f;
				br_x509_decoder_context dc;
				struct { unsigned char b[4096]; size_t n; } dn = { { 0 }, 0 };
				if (!n)
					continue;
				total++;
				br_x509_decoder_init(&dc, dn_sink, &dn);
				br_x509_decoder_push(&dc, der, n);
				const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
				int r = tls_cert_parse(der, n, &f);
				if (!pk || r != 0)
					continue;
				int eq = f.dnlen == dn.n && memcmp(f.dn, dn.b, dn.n) == 0 && f.key_type == pk->key_type &&
					   f.is_ca == br_x509_decoder_isCA(&dc) && f.nb_days == dc.notbefore_days &&
					   f.nb_secs == dc.notbefore_seconds && f.na_days == dc.notafter_days &&
					   f.na_secs == dc.notafter_seconds;
				if (eq && f.key_type == BR_KEYTYPE_RSA)
					eq = f.nlen == pk->key.rsa.nlen && memcmp(f.n, pk->key.rsa.n, f.nlen) == 0 &&
					       f.elen == pk->key.rsa.elen && memcmp(f.e, pk->key.rsa.e, f.elen) == 0;
				else if (eq)
					eq = f.curve == pk->key.ec.curve && f.qlen == pk->key.ec.qlen &&
					       memcmp(f.q, pk->key.ec.q, f.qlen) == 0;
				agree += (size_t)eq;
			}
			OK(total >= 100, "system bundle: %zu certificates", total);
			IS_INT(agree, total, "tls_cert_parse agrees with br_x509_decoder on every one (DN, key, CA, validity)");
		}
	}

	/* pins */
	{
		uint8_t pins[4][32];
		IS_INT(tls_parse_pins("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", pins, 4), 1, "one pin");
		IS_INT(tls_parse_pins("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;sha256//AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
				      pins, 4), 2, "two pins joined with ;");
		IS_INT(pins[1][0], 1, "second pin decoded");
		IS_INT(tls_parse_pins("sha1//AAAA", pins, 4), -1, "other hash refused");
		IS_INT(tls_parse_pins("sha256//AAAA", pins, 4), -1, "short pin refused");
		IS_INT(tls_parse_pins("", pins, 4), -1, "empty refused");
	}

	/* SPKI inside a DER certificate: the bytes start with the SPKI SEQUENCE of a P-256 key */
	{
		unsigned char der[2048];
		/* decode base64 body directly (simpler than a PEM sink here) */
		const char *b = strstr(pem, "\n") + 1, *e = strstr(pem, "-----END");
		char b64[2048];
		size_t k = 0;
		for (const char *c = b; c < e; c++)
			if (*c != '\n')
				b64[k++] = *c;
		b64[k] = 0;
		long n = b64_decode(b64, k, der, sizeof der);
		OK(n > 0, "test certificate decodes");
		const unsigned char *spki;
		size_t sl;
		IS_INT(tls_cert_spki(der, (size_t)n, &spki, &sl), 0, "SPKI found");
		IS_INT(sl, 91, "P-256 SPKI is 91 bytes");
		OK(sl == 91 && spki[0] == 0x30 && spki[1] == 0x59, "SPKI SEQUENCE header");
		IS_INT(tls_cert_spki(der, 10, &spki, &sl), -1, "truncated certificate refused");
	}

	{
		char buf[40];
		tls_format_time(719528 + 1, 3600, buf, sizeof buf);
		IS_STR(buf, "1970-01-02 01:00:00 UTC", "BearSSL day count formatted");
	}

	/* A validation time outside [0, 2^37) is refused before any byte is sent: BearSSL's uint32 day
	 * count would wrap to an arbitrary date (an expired certificate could verify). */
	{
		static const int64_t bad[] = { -1, TLS_TIME_MAX, ((int64_t)1 << 32) * 86400 + 86400 * 19000, INT64_MAX };
		struct tls *t = malloc(sizeof *t);
		struct tls_anchors none = { 0 };
		struct tls_config cfg = { .anchors = &none };
		int sv[2];
		OK(t && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
		for (size_t i = 0; t && i < sizeof bad / sizeof bad[0]; i++) {
			cfg.now = bad[i];
			IS_INT(tls_handshake(t, sv[0], "localhost", &cfg, tls_now_ms() + 200), TLS_E_TIME,
			       "validation time %lld refused", (long long)bad[i]);
			char d[100];
			tls_describe(t, d, sizeof d);
			IS_STR(d, "TLS: validation time out of range", "its message");
			OK(tls_is_verify_error(t), "not retried");
			tls_close(t);
		}
		char c;
		IS_INT(recv(sv[1], &c, 1, MSG_DONTWAIT), -1, "nothing was sent");
		close(sv[0]);
		close(sv[1]);
		free(t);
	}
	return tap_done();
}
