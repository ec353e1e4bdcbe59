/* paste_int.h: what the paste_*.c files share (not part of paste.h's interface). */
#ifndef KEYDROP_PASTE_INT_H
#define KEYDROP_PASTE_INT_H
#include <stddef.h>
#include <stdint.h>

#include "paste.h"
#include "pubkey.h"

struct span {
	const char *s;
	size_t n;
};

/* One paste_parse call: the result being built, the input split into lines, a blob buffer. */
struct paste_ctx {
	struct paste_result *res;
	struct span *lines;
	size_t nlines;
	uint8_t *work;  /* PUBKEY_BLOB_MAX */
	size_t keycap;
};

static inline int paste_blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* Records the refusal (code, 1-based input line or 0, message) in c->res; returns err. */
int paste_fail(struct paste_ctx *c, int err, size_t line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* 1 if s[0..n) is non-empty and only base64 characters or '='. */
int paste_b64_only(const char *s, size_t n);
/* Appends the parsed key (normalised line, copied blob) to the result. */
int paste_push(struct paste_ctx *c, const struct pubkey *pk, size_t srcline);
/* The specific refusal for a failed parse r of a key-first line. */
int paste_key_error(struct paste_ctx *c, int r, const struct pubkey *pk, size_t ln);
/* An RFC 4716 block starting at line *ip; *ip is left on its END line. */
int paste_rfc4716(struct paste_ctx *c, size_t *ip);
/* Copies in[0..n) to out without BOM/CR, U+00A0 as a space; refuses control characters. */
int paste_normalise(struct paste_ctx *c, const char *in, size_t n, char *out, size_t *outlen);
/* Position of a key type name ("ssh-", "ecdsa-", "sk-" known types) starting at or after from in
 * s[0..n), or n. */
size_t paste_find_type(const char *s, size_t n, size_t from);
/* PASTE_PRIVATE (with a message that never quotes the key) if in holds a private key. */
int paste_private(struct paste_ctx *c, const char *in, size_t n);

#endif
