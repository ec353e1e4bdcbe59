/* t_tls.c: the embedded trust anchors (brssl ta's tables) equal what BearSSL's decoders make of the
 * bundle they came from, at run time; bundle loading (tls_pem.c framing, the per-certificate table)
 * gives exactly what br_pem_decoder + br_x509_decoder give (anchors_ref.h), for that bundle, a
 * modified one and damaged ones; pins; SPKI extraction; time formatting; the certificate policy
 * BearSSL 0.6 leaves out (tls_policy.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "b64.h"
#include "tap.h"
#include "tls.h"

#include "anchors_ref.h"
#include "ca_roots.h" /* what the binary embeds: CA_ROOTS_NUM, the blob and offsets (build/gen) */
#define CA_ROOTS_NUM_BUILT CA_ROOTS_NUM
#if CA_ROOTS_NUM > 0
#include "ca_roots_brssl.h" /* brssl ta's own table (TAs[]), the reference the offsets came from */
#endif
#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static void dn_sink(void *ctx, const void *buf, size_t len)
{
	struct { unsigned char b[4096]; size_t n; } *d = ctx;
	if (len <= sizeof d->b - d->n) {
		memcpy(d->b + d->n, buf, len);
		d->n += len;
	}
}

#define same_anchor ref_same_anchor

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

/* The whole system bundle into buf (static, 4 MiB); its length, or 0 when there is none. */
static size_t read_bundle(char *buf, size_t cap)
{
	FILE *fp = fopen(SYSTEM_BUNDLE, "rb");
	size_t len;
	if (!fp)
		return 0;
	len = fread(buf, 1, cap, fp);
	fclose(fp);
	return len;
}

/* Collects one PEM object's DER (the test's own splitter, through BearSSL's PEM decoder). */
struct derbuf {
	unsigned char b[65536];
	size_t n;
	int over;
};
static void der_sink(void *ctx, const void *buf, size_t len)
{
	struct derbuf *d = ctx;
	if (len > sizeof d->b - d->n)
		d->over = 1;
	else {
		memcpy(d->b + d->n, buf, len);
		d->n += len;
	}
}

/* ---- policy (tls_policy.c): what BearSSL 0.6's minimal validator leaves out ------------------- */

static unsigned char *slurp_der(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = malloc(8192);
	*n = 0;
	if (f && b)
		*n = fread(b, 1, 8192, f);
	if (f)
		fclose(f);
	return b;
}

/* GeneralNames contents: one [2] dNSName per name (tag 0x82, short lengths). */
static size_t dns_names(unsigned char *out, const char *const *names)
{
	size_t o = 0;
	for (; *names; names++) {
		size_t n = strlen(*names);
		out[o++] = 0x82;
		out[o++] = (unsigned char)n;
		memcpy(out + o, *names, n);
		o += n;
	}
	return o;
}

/* NameConstraints contents: [0] permitted and [1] excluded GeneralSubtrees of dNSName bases. */
static size_t name_constraints(unsigned char *out, const char *const *perm, const char *const *excl)
{
	size_t o = 0;
	for (int which = 0; which < 2; which++) {
		const char *const *l = which ? excl : perm;
		unsigned char sub[512];
		size_t s = 0;
		if (!l)
			continue;
		for (; *l; l++) {
			size_t n = strlen(*l);
			sub[s++] = 0x30;
			sub[s++] = (unsigned char)(n + 2);
			sub[s++] = 0x82;
			sub[s++] = (unsigned char)n;
			memcpy(sub + s, *l, n);
			s += n;
		}
		out[o++] = which ? 0xa1 : 0xa0;
		out[o++] = (unsigned char)s;
		memcpy(out + o, sub, s);
		o += s;
	}
	return o;
}

static int host_check(const char *const *names, const char *host, char *name_out)
{
	unsigned char san[512];
	struct tls_certext x = { 0 };
	struct tls_polinfo info = { 0 };
	x.san = san;
	x.sanlen = dns_names(san, names);
	int r = tls_check_host(&x, host, &info);
	if (name_out)
		strcpy(name_out, info.name);
	return r;
}

static int nc_check(const char *const *perm, const char *const *excl, const char *const *names, const char *host)
{
	unsigned char san[512], nc[1024];
	struct tls_certext leaf = { 0 }, ca = { 0 };
	struct tls_polinfo info = { 0 };
	leaf.san = san;
	leaf.sanlen = dns_names(san, names);
	ca.nc = nc;
	ca.nclen = name_constraints(nc, perm, excl);
	return tls_check_nc(&ca, &leaf, host, &info);
}

static void test_policy(void)
{
	static const struct { const char *pat; int ok; } wild[] = {
		{ "*.example.com", 1 }, { "*.example.co.uk", 1 }, { "*.example.test", 1 }, { "*.a.b", 1 },
		{ "*.xy.uk", 1 },        /* "xy" is no registry second level: allowed (the list is the rule) */
		{ "*.co.example", 1 },   /* the TLD has more than 2 letters */
		{ "*.com", 0 }, { "*.test", 0 }, { "*.co.uk", 0 }, { "*.CO.UK", 0 }, { "*.com.au", 0 }, { "*.ac.jp", 0 },
		{ "*.gov.br", 0 }, { "*.org.il", 0 }, { "*.net.nz", 0 }, { "*.edu.pl", 0 }, { "*", 0 }, { "*.", 0 },
		{ "*..com", 0 }, { "*.example..com", 0 }, { "*.example.com.", 0 }, { ".example.com", 0 },
		{ "f*.example.com", 0 }, { "*.*.example.com", 0 }, { "**.example.com", 0 },
	};
	for (size_t i = 0; i < sizeof wild / sizeof wild[0]; i++)
		IS_INT(tls_wildcard_allowed((const unsigned char *)wild[i].pat, strlen(wild[i].pat)), wild[i].ok,
		       "wildcard %s %s", wild[i].pat, wild[i].ok ? "allowed" : "refused");

	static const char *const good[] = { "other.example", "*.example.test", "LocalHost", NULL };
	char nm[128];
	IS_INT(host_check(good, "a.example.test", NULL), TLS_POL_OK, "*.example.test names a.example.test");
	IS_INT(host_check(good, "A.Example.TEST", NULL), TLS_POL_OK, "case-insensitive");
	IS_INT(host_check(good, "b.a.example.test", NULL), TLS_POL_HOST, "a wildcard stands for one label only");
	IS_INT(host_check(good, "example.test", NULL), TLS_POL_HOST, "a wildcard needs a label");
	IS_INT(host_check(good, ".example.test", NULL), TLS_POL_HOST, "... a non-empty one");
	IS_INT(host_check(good, "localhost", NULL), TLS_POL_OK, "exact name, case-insensitive");
	IS_INT(host_check(good, "localhost.", NULL), TLS_POL_OK, "a trailing dot on the host is ignored");
	IS_INT(host_check(good, "other.example.evil", NULL), TLS_POL_HOST, "no prefix match");
	static const char *const com[] = { "*.com", NULL }, *const couk[] = { "*.co.uk", "x.example", NULL };
	IS_INT(host_check(com, "keydrop.com", nm), TLS_POL_WILDCARD, "*.com refused");
	IS_STR(nm, "*.com", "the refused wildcard is named");
	IS_INT(host_check(couk, "keydrop.co.uk", nm), TLS_POL_WILDCARD, "*.co.uk refused");
	static const char *const both[] = { "*.com", "keydrop.com", NULL };
	IS_INT(host_check(both, "keydrop.com", NULL), TLS_POL_OK, "an exact name beside a refused wildcard still counts");
	static const char *const none[] = { NULL };
	IS_INT(host_check(none, "localhost", NULL), TLS_POL_NO_SAN, "SAN without dNSName: no CN fallback");
	{
		struct tls_certext x = { 0 };
		struct tls_polinfo info = { 0 };
		IS_INT(tls_check_host(&x, "localhost", &info), TLS_POL_NO_SAN, "no SAN at all");
		static const unsigned char ip[] = { 0x87, 4, 127, 0, 0, 1 }, bad[] = { 0x82, 9, 'l', 'o' };
		x.san = ip;
		x.sanlen = sizeof ip;
		IS_INT(tls_check_host(&x, "localhost", &info), TLS_POL_NO_SAN, "SAN with an IP only: no DNS name");
		x.san = bad;
		x.sanlen = sizeof bad;
		IS_INT(tls_check_host(&x, "localhost", &info), TLS_POL_MALFORMED, "truncated SAN: malformed");
		x.has_eku = 1;
		IS_INT(tls_check_leaf(&x), TLS_POL_EKU, "EKU without serverAuth refused");
		x.eku_server = 1;
		IS_INT(tls_check_leaf(&x), TLS_POL_OK, "EKU with serverAuth (or anyExtendedKeyUsage) accepted");
		x.has_eku = x.eku_server = 0;
		IS_INT(tls_check_leaf(&x), TLS_POL_OK, "no EKU: any usage");
	}

	static const char *const p_ex[] = { "example.com", NULL }, *const p_dot[] = { ".example.com", NULL };
	static const char *const n_ex[] = { "example.com", NULL }, *const n_sub[] = { "a.example.com", NULL };
	static const char *const n_bad[] = { "badexample.com", NULL }, *const n_wild[] = { "*.example.com", NULL };
	static const char *const n_wsub[] = { "*.a.example.com", NULL }, *const e_b[] = { "b.example.com", NULL };
	static const char *const p_a[] = { "a.example.com", NULL }, *const e_none[] = { "other.test", NULL };
	static const char *const empty[] = { "", NULL };
	IS_INT(nc_check(p_ex, NULL, n_ex, "example.com"), TLS_POL_OK, "permitted example.com: the name itself");
	IS_INT(nc_check(p_ex, NULL, n_sub, "a.example.com"), TLS_POL_OK, "permitted example.com: a subdomain");
	IS_INT(nc_check(p_ex, NULL, n_bad, "badexample.com"), TLS_POL_NC_PERMITTED, "permitted example.com: not badexample.com");
	IS_INT(nc_check(p_dot, NULL, n_ex, "example.com"), TLS_POL_NC_PERMITTED, "permitted .example.com: subdomains only");
	IS_INT(nc_check(p_dot, NULL, n_sub, "a.example.com"), TLS_POL_OK, "permitted .example.com: a.example.com");
	IS_INT(nc_check(p_dot, NULL, n_wild, "x.example.com"), TLS_POL_OK, "permitted .example.com: *.example.com");
	IS_INT(nc_check(p_a, NULL, n_wild, "a.example.com"), TLS_POL_NC_PERMITTED, "permitted a.example.com: not all of *.example.com");
	IS_INT(nc_check(p_ex, NULL, n_sub, "evil.test"), TLS_POL_NC_PERMITTED, "the requested host is checked too");
	IS_INT(nc_check(NULL, n_ex, n_sub, "a.example.com"), TLS_POL_NC_EXCLUDED, "excluded example.com: a.example.com");
	IS_INT(nc_check(NULL, e_b, n_wild, "x.example.com"), TLS_POL_NC_EXCLUDED, "excluded b.example.com: *.example.com covers it");
	IS_INT(nc_check(NULL, e_b, n_wsub, "x.a.example.com"), TLS_POL_OK, "excluded b.example.com: *.a.example.com does not");
	IS_INT(nc_check(NULL, e_none, n_wild, "x.example.com"), TLS_POL_OK, "excluded elsewhere: fine");
	IS_INT(nc_check(p_ex, n_sub, n_sub, "a.example.com"), TLS_POL_NC_EXCLUDED, "excluded wins over permitted");
	IS_INT(nc_check(NULL, empty, n_ex, "example.com"), TLS_POL_NC_EXCLUDED, "an empty excluded base covers every name");
	IS_INT(nc_check(p_ex, NULL, n_ex, NULL), TLS_POL_OK, "no host (IP literal): the SAN names only");

	/* real certificates (openssl, tests/tls/vectors/README) */
	size_t n;
	struct tls_certext x, ca;
	struct tls_polinfo info = { 0 };
	unsigned char *der = slurp_der("tests/tls/vectors/leaf-sha1-eku.der", &n);
	IS_INT(tls_cert_ext(der, n, &x), 0, "leaf-sha1-eku parses");
	OK(x.sig_weak && x.has_eku && !x.eku_server && x.rsa_bits == 0 && x.san && !x.nc, "ecdsa-with-SHA1, EKU clientAuth only, SAN");
	IS_INT(tls_check_host(&x, "www.example.test", &info), TLS_POL_OK, "its SAN names www.example.test");
	IS_INT(tls_check_host(&x, "localhost", &info), TLS_POL_HOST, "its CN (localhost) is not used");
	unsigned char *cad = slurp_der("tests/tls/vectors/nc-ca.der", &n);
	IS_INT(tls_cert_ext(cad, n, &ca), 0, "nc-ca parses");
	OK(ca.nc && !ca.sig_weak, "nameConstraints found");
	IS_INT(tls_check_nc(&ca, &x, "www.example.test", &info), TLS_POL_NC_EXCLUDED, "excluded bad.example.test: *.example.test covers it");
	IS_STR(info.name, "*.example.test", "the excluded name is named");
	IS_INT(tls_check_nc(&ca, &x, "x.example.org", &info), TLS_POL_NC_EXCLUDED, "first SAN-wide refusal still wins");
	for (size_t cut = 0; cut < n; cut += 7)
		(void)tls_cert_ext(cad, cut, &ca); /* truncations never read past the end (ASan build) */
	free(cad);
	free(der);
	der = slurp_der("tests/tls/vectors/rsa1024-cnonly.der", &n);
	IS_INT(tls_cert_ext(der, n, &x), 0, "rsa1024-cnonly parses");
	IS_INT(x.rsa_bits, 1024, "RSA modulus bits");
	OK(!x.sig_weak && x.has_eku && x.eku_server && !x.san, "sha256, EKU serverAuth, no SAN");
	IS_INT(tls_check_host(&x, "localhost", &info), TLS_POL_NO_SAN, "CN-only: refused");
	free(der);
}

static size_t count_borrowed(const struct tls_anchors *a)
{
	size_t k = 0;
	for (size_t i = 0; i < a->n; i++)
		k += a->borrowed[i] != 0;
	return k;
}

/* The next PEM object of bundle, framed by br_pem_decoder as brssl ta frames them: 1 with its DER in
 * *der and *cert saying whether its label is a certificate's, 0 at the end. Start with *off = 0 and
 * pc initialised. */
static int ref_next_der(br_pem_decoder_context *pc, const char *bundle, size_t len, size_t *off, struct derbuf *der,
			int *cert)
{
	while (*off < len) {
		*off += br_pem_decoder_push(pc, bundle + *off, len - *off);
		int ev = br_pem_decoder_event(pc);
		if (ev == BR_PEM_BEGIN_OBJ) {
			der->n = 0;
			der->over = 0;
			*cert = ref_is_cert(br_pem_decoder_name(pc));
			br_pem_decoder_setdest(pc, der_sink, der);
		}
		if (ev == BR_PEM_END_OBJ && !der->over)
			return 1;
	}
	return 0;
}

#if CA_ROOTS_NUM_BUILT > 0
/* How many of the bundle's certificates (framed by br_pem_decoder, as brssl ta frames them) hash
 * to the ca_roots_der.h entry of the same index. */
static size_t der_hashes_match(const char *bundle, size_t len)
{
	static struct derbuf der;
	br_pem_decoder_context pc;
	size_t off = 0, i = 0, match = 0;
	int cert = 0;
	br_pem_decoder_init(&pc);
	while (ref_next_der(&pc, bundle, len, &off, &der, &cert)) {
		if (cert) {
			br_sha256_context hc;
			unsigned char h[32];
			br_sha256_init(&hc);
			br_sha256_update(&hc, der.b, der.n);
			br_sha256_out(&hc, h);
			match += i < CA_ROOTS_DER_NUM && memcmp(h, CA_ROOTS_DER_SHA256[i], CA_ROOTS_DER_LEN) == 0;
			i++;
		}
	}
	return i == CA_ROOTS_DER_NUM ? match : 0;
}

/* A bundle that is not the embedded one: the system bundle without its fifth certificate and with a
 * test CA (made here by openssl) appended, LF and CRLF; tls_anchors_add_pem and the loader against
 * the reference. */
static void test_modified_bundle(const char *bundle, size_t len)
{
	char dir[] = "/tmp/t_tls.XXXXXX", cmd[512], path[300];
	static char mod[4 << 20], crlf[8 << 20];
	size_t m = 0, k = 0;
	const char *p = bundle, *end = bundle + len;

	if (!mkdtemp(dir)) {
		OK(0, "mkdtemp");
		return;
	}
	snprintf(cmd, sizeof cmd,
		 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=keydrop-t_tls-ca "
		 "-days 30 -keyout %s/ca.key -out %s/ca.pem 2>/dev/null", dir, dir);
	IS_INT(system(cmd), 0, "openssl made a test CA");
	for (int i = 0; p < end; i++) { /* copy every certificate block but the fifth */
		const char *b = strstr(p, "-----BEGIN CERTIFICATE-----"), *e = b ? strstr(b, "-----END CERTIFICATE-----\n") : NULL;
		const char *stop = e ? e + 26 : end;
		if (i != 4) {
			memcpy(mod + m, p, (size_t)(stop - p));
			m += (size_t)(stop - p);
		}
		p = stop;
	}
	snprintf(path, sizeof path, "%s/ca.pem", dir);
	FILE *f = fopen(path, "rb");
	if (f) {
		m += fread(mod + m, 1, sizeof mod - m, f);
		fclose(f);
	}
	OK(m < len + 2000 && m > len - 3000, "modified bundle: %zu bytes (system: %zu)", m, len);
	for (size_t i = 0; i < m; i++) {
		if (mod[i] == '\n')
			crlf[k++] = '\r';
		crlf[k++] = mod[i];
	}
	for (int v = 0; v < 2; v++) {
		const char *t = v ? crlf : mod, *what = v ? "CRLF" : "LF";
		size_t tn = v ? k : m;
		struct tls_anchors got = { 0 }, ref = { 0 };
		size_t added = tls_anchors_add_pem(&got, t, tn);
		ref_add_pem(&ref, t, tn);
		IS_INT(added, TAs_NUM, "%s modified bundle: one certificate fewer, one more", what);
		OK(ref_same_set(&got, &ref), "%s modified bundle: exactly the reference's anchors, in order", what);
		IS_INT(count_borrowed(&got), TAs_NUM - 1, "%s: all but the test CA from the embedded table", what);
		OK(got.n == TAs_NUM && !got.borrowed[got.n - 1] && got.ta[got.n - 1].pkey.key_type == BR_KEYTYPE_EC &&
			   memmem(got.ta[got.n - 1].dn.data, got.ta[got.n - 1].dn.len, "keydrop-t_tls-ca", 16) != NULL,
		   "%s: the test CA decoded, last", what);
		tls_anchors_free(&got);
		tls_anchors_free(&ref);
	}
	/* the loader, as --cacert would */
	snprintf(path, sizeof path, "%s/bundle.pem", dir);
	f = fopen(path, "wb");
	OK(f && fwrite(mod, 1, m, f) == m && fclose(f) == 0, "modified bundle written");
	struct tls_anchors got = { 0 }, ref = { 0 };
	IS_INT(tls_anchors_load(&got, path), 0, "tls_anchors_load of the modified bundle");
	ref_add_pem(&ref, mod, m);
	OK(!got.embedded && strcmp(got.source, path) == 0 && ref_same_set(&got, &ref), "loaded: the reference's anchors, named by its path");
	tls_anchors_free(&got);
	tls_anchors_free(&ref);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	IS_INT(system(cmd), 0, "cleanup");
}
#endif

/* Damaged and odd bundles: tls_anchors_add_pem against the reference, byte for byte the same
 * outcome (anchors, order, skipped count). Each case is a shape br_pem_decoder treats in its own way. */
static void test_framing_cases(void)
{
	const char *body = strchr(pem, '\n') + 1;
	int bl = (int)(strstr(pem, "-----END") - body);
	static const char *const fmt[] = {
		"%s",                                                        /* plain */
		"-----begin certificate-----\n%.*s-----end certificate-----\n", /* lower case banners */
		"-----BEGIN CERTIFICATE-----\r\n%.*s-----END CERTIFICATE-----\r\n",
		"-----BEGIN TRUSTED CERTIFICATE-----\r\n%.*s-----END TRUSTED CERTIFICATE-----\n"
		"-----BEGIN CERTIFICATE-----\r\n%.*s-----END CERTIFICATE-----\n", /* CR leaves an old byte in the name */
		"-----BEGIN X509 CERTIFICATE\n%.*s-----END whatever\n",        /* no dashes; END name not read */
		"-----BEGIN CERTIFICATE-----\n%.*s-----END CERTIFICATE-----",  /* no newline after END: never ends */
		"-----BEGIN CERTIFICATE-----\n%.*s\n\n-----END CERTIFICATE-----\n", /* empty lines */
		"-----BEGIN CERTIFICATE-----\n%.*s\r\n-----END CERTIFICATE-----\n",  /* a CR line */
		" -----BEGIN CERTIFICATE-----\n%.*s-----END CERTIFICATE-----\n",     /* indented banner */
		"-----BEGIN CERTIFICATE-----\n%.*s -----END CERTIFICATE-----\n",     /* indented END */
		"-----BEGIN CERTIFICATE-----\n%.*s-----END\n",                     /* short END */
		"-----BEGIN \n-----BEGIN CERTIFICATE-----\n%.*s-----END CERTIFICATE-----\n", /* empty name */
		"-----BEGIN CERTIFICATE-----\nAAAA=\n%.*s-----END CERTIFICATE-----\n"
		"-----BEGIN CERTIFICATE-----\n%.*s-----END CERTIFICATE-----\n",    /* bad base64, then good */
		"-----BEGIN CERTIFICATE-----\n\t%.*s  -----END CERTIFICATE-----\n", /* tab first, dash later */
		"-----BEGIN CERTIFICATE-----\n%.*s-----BEGIN CERTIFICATE-----\n%.*s-----END CERTIFICATE-----\n",
		"-----BEGIN CERTIFICATE-----\nMIIB\n",                               /* cut off */
	};
	/* the body with its line breaks taken out, and respaced */
	char one[2048], spaced[4096], line127[300], buf[16384];
	size_t o = 0, sp = 0;
	for (int i = 0; i < bl; i++)
		if (body[i] != '\n')
			one[o++] = body[i];
	one[o] = 0;
	for (size_t i = 0; i < o; i++) {
		spaced[sp++] = one[i];
		if (i % 7 == 3)
			spaced[sp++] = i % 2 ? ' ' : '\t';
	}
	spaced[sp] = 0;
	size_t ncase = 0, agree = 0;
	for (size_t i = 0; i < sizeof fmt / sizeof fmt[0]; i++) {
		if (i == 0)
			snprintf(buf, sizeof buf, "%s", pem);
		else
			snprintf(buf, sizeof buf, fmt[i], bl, body, bl, body);
		struct tls_anchors got = { 0 }, ref = { 0 };
		tls_anchors_add_pem(&got, buf, strlen(buf));
		ref_add_pem(&ref, buf, strlen(buf));
		ncase++;
		if (ref_same_set(&got, &ref))
			agree++;
		else
			printf("# framing case %zu differs: got %zu (%zu skipped), reference %zu (%zu skipped)\n", i, got.n, got.skipped, ref.n, ref.skipped);
		tls_anchors_free(&got);
		tls_anchors_free(&ref);
	}
	/* one long line; whitespace inside quartets; padding then a further quartet; a 126 and a 127-byte name */
	memset(line127, 'A', sizeof line127);
	const char *more[7];
	char m0[4096], m1[8192], m2[4096], m3[4096], m4[4096], m5[4096];
	snprintf(m0, sizeof m0, "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n", one);
	snprintf(m1, sizeof m1, "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n", spaced);
	snprintf(m2, sizeof m2, "-----BEGIN CERTIFICATE-----\n%s AAAA\n-----END CERTIFICATE-----\n", one);
	snprintf(m3, sizeof m3, "-----BEGIN CERTIFICATE-----\n%s\n\n\n-----END CERTIFICATE-----\n", one);
	snprintf(m4, sizeof m4, "-----BEGIN %.115s CERTIFICATE\n%s\n-----END CERTIFICATE-----\n", line127, one);
	snprintf(m5, sizeof m5, "-----BEGIN %.114s CERTIFICATE\n%s\n-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n", line127, one, one);
	/* a refused 130-byte name leaves its bytes in BearSSL's buffer; the CR of the next banner shows
	 * the one at index 16: "CERTIFICATE-----Q" is no certificate (found by fuzz_cert) */
	char m6[8192];
	snprintf(m6, sizeof m6, "-----BEGIN %.130s\n-----BEGIN CERTIFICATE-----\r\n%.*s-----END CERTIFICATE-----\n%s",
		 "QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
		 bl, body, pem);
	more[0] = m0, more[1] = m1, more[2] = m2, more[3] = m3, more[4] = m4, more[5] = m5, more[6] = m6;
	for (size_t i = 0; i < 7; i++) {
		struct tls_anchors got = { 0 }, ref = { 0 };
		tls_anchors_add_pem(&got, more[i], strlen(more[i]));
		ref_add_pem(&ref, more[i], strlen(more[i]));
		ncase++;
		if (ref_same_set(&got, &ref))
			agree++;
		else
			printf("# framing case m%zu differs: got %zu (%zu skipped), reference %zu (%zu skipped)\n", i, got.n, got.skipped, ref.n, ref.skipped);
		tls_anchors_free(&got);
		tls_anchors_free(&ref);
	}
	/* bodies that end in '=' and '==' padding (nc-ca.der: 497 bytes, leaf-sha1-eku.der: 469), in
	 * 64-column lines, each case followed by a good object (how the decoder resumes matters) */
	static const char *const padfmt[] = {
		"-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s\n\n\n-----END CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s\n\r\n-----END CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s\n \n-----END CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s AAAA\n-----END CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s \t\r\n-----END CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s-----END CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s\n-----BEGIN CERTIFICATE-----\n%s",
		"-----BEGIN CERTIFICATE-----\n%s\n-----end \n%s",
	};
	static const char *const padder[] = { "tests/tls/vectors/nc-ca.der", "tests/tls/vectors/leaf-sha1-eku.der" };
	for (size_t d = 0; d < 2; d++) {
		size_t dn;
		unsigned char *der = slurp_der(padder[d], &dn);
		char b64[1024], lines[1100];
		long bn = b64_encode(der, dn, b64, sizeof b64, 1);
		size_t ln = 0;
		free(der);
		OK(bn > 0 && b64[bn - 1] == '=' && (b64[bn - 2] == '=') == (d == 1), "%s: base64 ends in %s", padder[d], d ? "==" : "=");
		for (long i = 0; i < bn; i++) {
			if (i && i % 64 == 0)
				lines[ln++] = '\n';
			lines[ln++] = b64[i];
		}
		lines[ln] = 0;
		for (size_t i = 0; i < sizeof padfmt / sizeof padfmt[0]; i++) {
			struct tls_anchors got = { 0 }, ref = { 0 };
			snprintf(buf, sizeof buf, padfmt[i], lines, pem);
			tls_anchors_add_pem(&got, buf, strlen(buf));
			ref_add_pem(&ref, buf, strlen(buf));
			ncase++;
			if (ref_same_set(&got, &ref))
				agree++;
			else
				printf("# padded case %zu/%zu differs: got %zu (%zu skipped), reference %zu (%zu skipped)\n", d, i, got.n, got.skipped, ref.n, ref.skipped);
			tls_anchors_free(&got);
			tls_anchors_free(&ref);
		}
	}
	IS_INT(agree, ncase, "every damaged or odd bundle gives the reference's anchors and skipped count");

	/* br_x509_decoder must get the DER in one push: after a failure (or after the certificate's end)
	 * another push resumes its T0 program past the `fail` with a broken stack (BearSSL 0.6). Fed in
	 * br_pem_decoder's chunks of 255 bytes, a certificate that fails in its first 255 bytes, or one
	 * with 300 bytes after its end, crashed the loader (SEGV on main before this test). */
	{
		unsigned char der[1024];
		char b64[2048], bundle[8192];
		static char found[65536];
		FILE *f = fopen("tests/fuzz/corpus/cert/bundle-x509-fails-early.pem", "rb");
		size_t fl = f ? fread(found, 1, sizeof found, f) : 0;
		if (f)
			fclose(f);
		struct tls_anchors fa = { 0 }, fr = { 0 };
		OK(fl > 3000, "the bundle fuzz_cert found (%zu bytes)", fl);
		tls_anchors_add_pem(&fa, found, fl);
		ref_add_pem(&fr, found, fl);
		OK(fa.n == 1 && fa.skipped == 1 && ref_same_set(&fa, &fr), "its damaged certificate is skipped, the good one kept");
		tls_anchors_free(&fa);
		tls_anchors_free(&fr);
		long dn = b64_decode(one, o, der, sizeof der);
		OK(dn == 369 && der[12] == 2, "the test certificate: 369 bytes, version 3 at byte 12");
		for (int v = 0; v < 2; v++) {
			size_t len = (size_t)dn;
			if (v == 0)
				der[12] = 5; /* "version 6": BearSSL fails at byte 12 */
			else
				memset(der + len, 0, 300), len += 300; /* 300 bytes after the certificate */
			long bn = b64_encode(der, len, b64, sizeof b64, 1);
			snprintf(bundle, sizeof bundle, "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n%s", bn > 0 ? b64 : "", pem);
			struct tls_anchors got = { 0 }, ref = { 0 };
			size_t added = tls_anchors_add_pem(&got, bundle, strlen(bundle));
			ref_add_pem(&ref, bundle, strlen(bundle));
			IS_INT(added + got.skipped, 2, "%s: both objects counted", v ? "trailing bytes" : "early failure");
			IS_INT(got.skipped, 1, "%s: skipped (BearSSL refuses it)", v ? "trailing bytes" : "early failure");
			OK(ref_same_set(&got, &ref), "%s: the reference's anchors", v ? "trailing bytes" : "early failure");
			tls_anchors_free(&got);
			tls_anchors_free(&ref);
			der[12] = 2;
		}
	}
}

int main(void)
{
	struct tls_anchors a;

#if CA_ROOTS_NUM_BUILT == 0
	IS_INT(tls_anchors_embedded(&a), -1, "built with EMBED_ROOTS=0: no embedded anchors");
#else
	IS_INT(tls_anchors_embedded(&a), 0, "embedded anchors load");
	IS_INT(a.n, TAs_NUM, "as many embedded anchors as brssl's table (%d)", TAs_NUM);
	OK(a.n >= 100, "a real Mozilla set (%zu anchors)", a.n);
	IS_INT(tls_embedded_count(), TAs_NUM, "tls_embedded_count");
	{
		size_t same = 0;
		for (size_t i = 0; i < a.n && i < TAs_NUM; i++)
			same += (size_t)same_anchor(&a.ta[i], &TAs[i]);
		IS_INT(same, TAs_NUM, "every anchor made from the offsets table equals brssl ta's (DN, CA flag, key)");
	}
	tls_anchors_free(&a);
	OK(a.ta == NULL && a.n == 0, "freeing the embedded set clears the struct");

	/* the embedded table equals the run-time decoding (tls_anchors_add_pem: BearSSL's PEM and X.509
	 * decoders) of the very bundle it was made from, anchor by anchor, in order */
	{
		static char bundle[4 << 20];
		size_t len = read_bundle(bundle, sizeof bundle);
		br_sha256_context hc;
		unsigned char h[32];
		char hex[65];
		br_sha256_init(&hc);
		br_sha256_update(&hc, bundle, len);
		br_sha256_out(&hc, h);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", h[i]);
		if (len == 0 || strcmp(hex, KEYDROP_CA_SHA256) != 0) {
			printf("ok %d # SKIP %s is not the bundle this build embeds\n", ++tap_n, SYSTEM_BUNDLE);
		} else {
			struct tls_anchors ref = { 0 };
			size_t added = ref_add_pem(&ref, bundle, len), same = 0;
			IS_INT(added, TAs_NUM, "br_pem_decoder + br_x509_decoder: as many anchors as brssl's table");
			IS_INT(ref.skipped, 0, "no certificate of the bundle skipped");
			for (size_t i = 0; i < ref.n && i < TAs_NUM; i++)
				same += (size_t)same_anchor(&ref.ta[i], &TAs[i]);
			IS_INT(same, TAs_NUM, "every decoded anchor equals the embedded one (DN, CA flag, key)");
			IS_INT(der_hashes_match(bundle, len), TAs_NUM, "ca_roots_der.h: entry i is the SHA-256 of certificate i's DER");
			memset(&a, 0, sizeof a);
			IS_INT(tls_anchors_add_pem(&a, bundle, len), TAs_NUM, "tls_anchors_add_pem: as many");
			OK(ref_same_set(&a, &ref), "tls_anchors_add_pem gives exactly the reference's anchors, in order");
			IS_INT(count_borrowed(&a), TAs_NUM, "... every one served from the embedded table");
			tls_anchors_free(&a);
			tls_anchors_free(&ref);
			test_modified_bundle(bundle, len);
			/* and the loader serves that bundle from the table (same bytes: no decoding) */
			unsetenv("SSL_CERT_FILE");
			IS_INT(tls_anchors_load(&a, SYSTEM_BUNDLE), 0, "loading the system bundle");
			OK(a.embedded && a.n == TAs_NUM && strstr(a.source, "same as the embedded roots"),
			   "served from the embedded table (%s)", a.source);
			tls_anchors_free(&a);
		}
	}
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
		OK(a.n == 1 && a.ta[0].dn.len == 14 && memcmp(a.ta[0].dn.data, "\x30\x0c\x31\x0a\x30\x08\x06\x03\x55\x04\x03\x0c\x01t", 14) == 0,
		   "subject DN: the whole Name element (CN=t)");
		tls_anchors_free(&a);
	}
	/* a bundle whose last newline was lost (an editor, `printf %s`, a copy from a web page) keeps
	 * its last certificate, as brssl and OpenSSL read it */
	{
		char bundle[4096];
		size_t n = (size_t)snprintf(bundle, sizeof bundle, "%s%s", pem, pem);
		while (n > 0 && bundle[n - 1] == '\n')
			bundle[--n] = 0;
		memset(&a, 0, sizeof a);
		IS_INT(tls_anchors_add_pem(&a, bundle, n), 2, "a bundle without its final newline: both certificates");
		IS_INT(a.skipped, 0, "... none skipped");
		tls_anchors_free(&a);
	}
	/* CRLF lines, the "X509 CERTIFICATE" name, base64 that is not X.509, a block cut off before END */
	{
		char bundle[8192], crlf[2048];
		size_t k = 0;
		for (const char *c = pem; *c && k < sizeof crlf - 2; c++) {
			if (*c == '\n')
				crlf[k++] = '\r';
			crlf[k++] = *c;
		}
		crlf[k] = 0;
		snprintf(bundle, sizeof bundle,
			 "%s-----BEGIN X509 CERTIFICATE-----\n%.*s-----END X509 CERTIFICATE-----\n"
			 "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n%.*s",
			 crlf, (int)(strstr(pem, "-----END") - (strchr(pem, '\n') + 1)), strchr(pem, '\n') + 1,
			 (int)(strlen(pem) - 30), pem);
		memset(&a, 0, sizeof a);
		IS_INT(tls_anchors_add_pem(&a, bundle, strlen(bundle)), 2, "CRLF and X509 CERTIFICATE objects decode");
		IS_INT(a.skipped, 2, "not-X.509 contents and a block without END are skipped and counted");
		OK(a.n == 2 && same_anchor(&a.ta[0], &a.ta[1]), "both give the same anchor");
		tls_anchors_free(&a);
	}

	/* our certificate parser (tls_cert_parse: validity and key for messages and the policy) against
	 * BearSSL's decoder, over every certificate of the system bundle */
	{
		static char bundle[4 << 20];
		size_t len = read_bundle(bundle, sizeof bundle);
		if (len == 0) {
			/* the bootstrap installs ca-certificates: a missing bundle is a broken setup, not a skip */
			OK(0, "%s readable (bash scripts/bootstrap.sh test installs ca-certificates)", SYSTEM_BUNDLE);
		} else {
			static struct derbuf der;
			br_pem_decoder_context pc;
			size_t off = 0, total = 0, agree = 0;
			int cert;
			br_pem_decoder_init(&pc);
			while (ref_next_der(&pc, bundle, len, &off, &der, &cert)) {
				struct tls_certfacts f;
				br_x509_decoder_context dc;
				struct { unsigned char b[4096]; size_t n; } dn = { { 0 }, 0 };
				total++;
				br_x509_decoder_init(&dc, dn_sink, &dn);
				br_x509_decoder_push(&dc, der.b, der.n);
				const br_x509_pkey *pk = br_x509_decoder_get_pkey(&dc);
				int r = tls_cert_parse(der.b, der.n, &f);
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
			IS_INT(tls_handshake(t, sv[0], "localhost", &cfg, deadline_now_ms() + 200), TLS_E_TIME,
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
	test_framing_cases();
	test_policy();
	return tap_done();
}
