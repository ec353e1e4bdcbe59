/* tls_pem.h: PEM framing for CA bundles, with exactly the grammar of BearSSL 0.6's br_pem_decoder
 * (src/codec/pemdec.t0) as tls_roots.c drives it, at memchr/b64 speed. Pure: no I/O, no allocation. */
#ifndef KEYDROP_TLS_PEM_H
#define KEYDROP_TLS_PEM_H
#include <stddef.h>
#include <stdint.h>

struct tls_pem {
	const unsigned char *buf;
	size_t len, off;
	int reset; /* the last object failed: the next call starts as a fresh decoder */
	/* BearSSL's name buffer, kept across objects as its decoder keeps it (a CR in a banner leaves
	 * the byte it skips as it was: the names it reports depend on the banners before). */
	char name[128];
};

enum { TLS_PEM_DONE = 0, TLS_PEM_OBJECT = 1, TLS_PEM_BAD = 2 };

/* Starts framing buf[0..len) (not copied: it must outlive the tls_pem). */
void tls_pem_init(struct tls_pem *p, const char *buf, size_t len);

/* The next object: TLS_PEM_OBJECT (its name in p->name, as br_pem_decoder_name gives it: upper
 * case, trailing dashes trimmed; its bytes in der[0..*derlen)), TLS_PEM_BAD (an object began,
 * p->name is its name, but its base64 or END banner is broken or the input ends first: where
 * br_pem_decoder reports BR_PEM_ERROR or never ends the object), or TLS_PEM_DONE (no further BEGIN
 * banner). der needs TLS_PEM_DER_CAP(len) bytes for any input of len bytes. */
#define TLS_PEM_DER_CAP(len) ((len) / 4 * 3 + 3)
int tls_pem_next(struct tls_pem *p, uint8_t *der, size_t cap, size_t *derlen);

#endif
