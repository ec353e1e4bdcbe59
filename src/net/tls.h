/* tls.h: the BearSSL client keydrop uses: a trimmed TLS 1.2 profile (ECDHE with AES-GCM or
 * ChaCha20-Poly1305; RSA and ECDSA certificates), trust anchors from files or the embedded Mozilla
 * set, SNI + host-name check, an optional SPKI pin, and a validation time never before the build
 * date. Every failure keeps enough detail for a specific message (tls_describe). */
#ifndef KEYDROP_TLS_H
#define KEYDROP_TLS_H
#include <stddef.h>
#include <stdint.h>
#include <bearssl.h>

/* ---- trust anchors (tls_roots.c) ------------------------------------------------------------- */
struct tls_anchors {
	br_x509_trust_anchor *ta;
	size_t n, cap;
	size_t skipped;       /* certificates in a bundle that could not be decoded (skipped) */
	int owned;            /* ta[] and its contents are malloc'ed, except where borrowed[i] */
	unsigned char *borrowed; /* with owned: 1 where ta[i] is a copy of an embedded anchor (read-only) */
	int embedded;         /* ta holds the embedded anchors (the array is ours; what they point to is read-only) */
	char source[256];     /* "embedded (Debian ca-certificates V)" or the file path */
};

/* Loads anchors: cacert if non-NULL (only it), else $SSL_CERT_FILE, else the first readable of
 * /etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/cert.pem, else the
 * embedded set. A certificate that does not decode is skipped and counted. Returns 0, or -1 when
 * cacert (or $SSL_CERT_FILE) cannot be read or holds no usable certificate (errno ENODATA); a->source names
 * the file. */
int tls_anchors_load(struct tls_anchors *a, const char *cacert);
/* Parses a PEM bundle in buf[0..len) into a (appending), framed as br_pem_decoder frames it
 * (tls_pem.c) and decoded by br_x509_decoder: every "CERTIFICATE" (or "X509 CERTIFICATE") object
 * becomes an anchor (subject, key, CA flag, as `brssl ta`; an embedded certificate's comes from the
 * table); one that does not decode (bad base64, not X.509, a key BearSSL lacks, no END banner)
 * is skipped and counted in a->skipped; other PEM objects are passed over. Returns the number added. */
size_t tls_anchors_add_pem(struct tls_anchors *a, const char *buf, size_t len);
void tls_anchors_free(struct tls_anchors *a);
/* Loads only the embedded anchors (what tls_anchors_load falls back to). Returns 0 or -1. */
int tls_anchors_embedded(struct tls_anchors *a);
/* Number of anchors in the embedded table. */
size_t tls_embedded_count(void);

/* ---- certificate helpers (tls_cert.c, pure) -------------------------------------------------- */
/* Finds the DER SubjectPublicKeyInfo inside a DER certificate. Returns 0 and sets *spki and *n, or -1. */
int tls_cert_spki(const unsigned char *der, size_t len, const unsigned char **spki, size_t *n);
/* Parses "sha256//BASE64" (several may be joined with ';', as curl) into up to max 32-byte hashes.
 * Returns the count, or -1 when malformed. */
int tls_parse_pins(const char *s, uint8_t (*pins)[32], int max);
/* What keydrop needs from a DER certificate (pointers into it). */
struct tls_certfacts {
	const unsigned char *dn;  /* subject Name, whole DER element */
	size_t dnlen;
	int key_type;             /* BR_KEYTYPE_RSA or BR_KEYTYPE_EC */
	const unsigned char *n, *e, *q;
	size_t nlen, elen, qlen;
	int curve;                /* BR_EC_secp256r1/384r1/521r1 */
	int is_ca;                /* basicConstraints cA */
	uint32_t nb_days, nb_secs, na_days, na_secs; /* validity, BearSSL's day count */
};
/* Parses der[0..len). Returns 0, or -1 for anything malformed or an unsupported key. */
int tls_cert_parse(const unsigned char *der, size_t len, struct tls_certfacts *f);
/* One DER element at *p (< end), definite lengths of up to 4 bytes, low tag numbers only: sets *tag,
 * *val, *vlen and advances *p past it. 0, or -1 when malformed or past end (tls_cert.c, pure). */
int tls_der_next(const unsigned char **p, const unsigned char *end, int *tag, const unsigned char **val,
		 size_t *vlen);
/* BearSSL's (days since 0000-01-01, seconds) to "YYYY-MM-DD HH:MM:SS UTC". */
void tls_format_time(uint32_t days, uint32_t secs, char *out, size_t cap);

/* ---- certificate policy (tls_policy.c, pure): what BearSSL 0.6's minimal validator omits ------ */
#define TLS_RSA_MIN_BITS 2048
/* What the policy needs from one DER certificate (pointers into it). */
struct tls_certext {
	int sig_weak;                      /* signed with MD2/MD5/SHA-1 (RSA, ECDSA or DSA) */
	unsigned rsa_bits;                 /* RSA modulus bits; 0 for other keys */
	int has_eku, eku_server;           /* extendedKeyUsage present; it has serverAuth or anyExtendedKeyUsage */
	const unsigned char *san, *nc;     /* subjectAltName GeneralNames / NameConstraints contents, or NULL */
	size_t sanlen, nclen;
};
/* Parses der[0..len) (a whole Certificate). Returns 0, or -1 when malformed or when an extension
 * keydrop reads occurs twice. Bounded by len; no allocation. */
int tls_cert_ext(const unsigned char *der, size_t len, struct tls_certext *x);

enum {
	TLS_POL_OK = 0,
	TLS_POL_MALFORMED,     /* a certificate our parser cannot read (or over 64 KiB, or too many names) */
	TLS_POL_SIG_WEAK,      /* MD5/SHA-1 signature */
	TLS_POL_RSA_WEAK,      /* RSA key under TLS_RSA_MIN_BITS */
	TLS_POL_NO_SAN,        /* no subjectAltName dNSName at all (CN-only): browsers ignore the CN, so do we */
	TLS_POL_WILDCARD,      /* only a wildcard over a public suffix names the host */
	TLS_POL_HOST,          /* dNSNames present, none names the host */
	TLS_POL_EKU,           /* extendedKeyUsage present without serverAuth / anyExtendedKeyUsage */
	TLS_POL_NC_EXCLUDED,   /* a CA's excluded dNSName subtree covers a name */
	TLS_POL_NC_PERMITTED   /* a CA has permitted dNSName subtrees and a name is in none */
};
/* The first refusal in a chain, for the message. cert: 0 the server's certificate, 1.. issuers. */
struct tls_polinfo {
	int code;
	int cert;
	unsigned bits;
	char name[128];        /* the offending name or wildcard (printable ASCII, '?' for others) */
};
/* Wildcard rule: "*." + R is allowed when '*' is the whole leftmost label and R has at least two
 * non-empty labels, and R is not "L.CC" with CC two letters (a ccTLD) and L one of the second-level
 * labels registries sell under (ac co com edu gob go gov govt ltd mil ne net nic nom or org plc sch
 * gen info biz web): so "*.com", "*.co.uk", "*.com.au" are refused, "*.example.com", "*.example.co.uk"
 * and "*.example.test" allowed. A wildcard stands for exactly one non-empty label. 1 allowed, 0 not. */
int tls_wildcard_allowed(const unsigned char *pat, size_t n);
/* Host check on the server certificate: subjectAltName dNSNames only (no CN fallback), case-
 * insensitive, a trailing dot on host ignored. Returns TLS_POL_OK or NO_SAN/WILDCARD/HOST/MALFORMED;
 * info->name gets the refused wildcard. */
int tls_check_host(const struct tls_certext *leaf, const char *host, struct tls_polinfo *info);
/* Server certificate usage: TLS_POL_EKU when an EKU is present and allows no TLS server auth. */
int tls_check_leaf(const struct tls_certext *leaf);
/* The dNSName nameConstraints of ca against host (NULL: none, e.g. an IP literal) and every SAN
 * dNSName of leaf (a wildcard counts as every name it stands for). RFC 5280 4.2.1.10: a base equal
 * to or a label-suffix of the name matches; ".example.com" matches subdomains only. Returns
 * TLS_POL_OK, NC_EXCLUDED, NC_PERMITTED (info->name set) or MALFORMED (also past 65536 name x
 * subtree comparisons). */
int tls_check_nc(const struct tls_certext *ca, const struct tls_certext *leaf, const char *host,
		 struct tls_polinfo *info);

/* ---- connections (tls.c) --------------------------------------------------------------------- */
#define TLS_PINS_MAX 8
#define TLS_CHAIN_MAX 8

struct tls_config {
	const struct tls_anchors *anchors;
	int npins;
	uint8_t pins[TLS_PINS_MAX][32];
	int64_t now;          /* validation time (epoch seconds), already floored by the caller;
	                       * must be in [0, TLS_TIME_MAX) or the handshake fails with TLS_E_TIME */
};
/* 2^37 s (year 6325): BearSSL's day count (uint32, days since year 0) holds it without wrapping. */
#define TLS_TIME_MAX ((int64_t)1 << 37)

enum {
	TLS_OK = 0,
	TLS_E_TIMEOUT = -1,   /* the overall deadline passed */
	TLS_E_IO = -2,        /* socket error (errno in sys_errno) */
	TLS_E_EOF = -3,       /* peer closed the TCP connection without close_notify */
	TLS_E_ENGINE = -4,    /* BearSSL reported an error: see br_err and tls_describe */
	TLS_E_PIN = -5,       /* no pin matched the server's key */
	TLS_E_RNG = -6,       /* could not seed the engine */
	TLS_E_TIME = -7       /* cfg->now outside [0, TLS_TIME_MAX) */
};

struct tls_certinfo {
	uint32_t nb_days, nb_secs, na_days, na_secs;
	int valid;
};

struct tls_x509 {                       /* wraps br_x509_minimal: captures what messages need */
	const br_x509_class *vtable;
	br_x509_minimal_context minimal;
	int ncert;
	struct tls_certinfo info[TLS_CHAIN_MAX];
	unsigned char *cur;                 /* the certificate being received (bounded) */
	size_t cur_len, cur_cap;
	int cur_overflow;
	uint8_t ee_spki_sha256[32];         /* the server certificate's SPKI hash (for pins) */
	int ee_hashed;
	const struct tls_config *cfg;
	int pin_failed;
	int cur_skip;                       /* BearSSL decided the chain before this certificate */
	unsigned char *leaf;                /* the server certificate's DER (leafx points into it) */
	struct tls_certext leafx;
	char host[256];                     /* the name checked; empty for an IP literal */
	struct tls_polinfo pol;             /* first policy refusal (code 0: none) */
	int pol_failed;                     /* the chain was refused for pol */
};
/* The vtable of struct tls_x509 (tls_x509.c): set as the engine's X.509 class by the handshake. */
extern const br_x509_class tls_x509_vtable;

struct tls {
	br_ssl_client_context cc;
	struct tls_x509 x;
	unsigned char iobuf[BR_SSL_BUFSIZE_MONO];
	int fd;
	int64_t deadline_ms;  /* CLOCK_MONOTONIC milliseconds */
	int err;              /* TLS_E_* of the last failure */
	int br_err;           /* BearSSL error code when err == TLS_E_ENGINE */
	int sys_errno;
	int handshake_done;
	char host[256];
};

/* Runs the handshake on a connected socket fd (non-blocking or blocking; we poll) for host (SNI
 * and name check; an IP literal disables the name check, as BearSSL cannot check it). */
int tls_handshake(struct tls *t, int fd, const char *host, const struct tls_config *cfg,
		  int64_t deadline_ms);
int tls_write_all(struct tls *t, const void *buf, size_t len);
/* Reads up to cap application bytes. Returns the count, 0 on close_notify, or a TLS_E_* code
 * (TLS_E_EOF when the TCP stream ended without close_notify). */
long tls_read(struct tls *t, void *buf, size_t cap);
/* Sends close_notify (best effort, bounded by the deadline) and wipes the context. */
void tls_close(struct tls *t);
/* One specific sentence for the last failure: "certificate expired (not after ...)" etc. */
void tls_describe(const struct tls *t, char *out, size_t cap);
/* 1 if the last failure is a verification failure (not worth retrying). */
int tls_is_verify_error(const struct tls *t);

#endif
