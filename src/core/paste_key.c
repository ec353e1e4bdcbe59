/* paste_key.c: recording results of the paste normaliser: keys, and refusals with their reason. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "b64.h"
#include "paste_int.h"

int paste_fail(struct paste_ctx *c, int err, size_t line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int paste_fail(struct paste_ctx *c, int err, size_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->detail, sizeof c->res->detail, fmt, ap);
	va_end(ap);
	c->res->err = err;
	c->res->line = (unsigned)line;
	return err;
}

int paste_b64_only(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!b64_is_char((unsigned char)s[i]) && s[i] != '=')
			return 0;
	return 1;
}

/* A key of a type keydrop does not know: recorded, never kept (it could not be checked). */
static int skip_unknown(struct paste_ctx *c, const struct pubkey *pk, size_t srcline)
{
	struct paste_result *r = c->res;

	if (r->nskipped == PASTE_KEYS_MAX)
		return paste_fail(c, PASTE_TOOMANY, srcline, "more than %d keys in one value", PASTE_KEYS_MAX);
	struct paste_skip *ns = realloc(r->skipped, (r->nskipped + 1) * sizeof *ns);
	if (!ns)
		return paste_fail(c, PASTE_NOMEM, 0, "out of memory");
	r->skipped = ns;
	memcpy(ns[r->nskipped].type, pk->info.type, sizeof ns[r->nskipped].type);
	ns[r->nskipped].srcline = (unsigned)srcline;
	r->nskipped++;
	return PASTE_OK;
}

/* Lines sshd parses but never lets log in. */
static int unusable(struct paste_ctx *c, const struct pubkey *pk, size_t srcline)
{
	if (pk->info.cert)
		return paste_fail(c, PASTE_CERT, srcline,
				  "this is an OpenSSH certificate (%s): sshd never accepts a certificate as an authorized "
				  "key; install the plain public key instead, or the CA's key with the cert-authority option",
				  pk->info.type);
	if (pk->opts) {
		unsigned f = authkeys_opts_flags(pk->opts, pk->optslen);
		if ((f & AKO_PRINCIPALS) && !(f & AKO_CERT_AUTHORITY))
			return paste_fail(c, PASTE_OPTIONS, srcline,
					  "principals= without cert-authority: sshd skips such a line (principals= only "
					  "restricts a cert-authority line)");
	}
	return PASTE_OK;
}

int paste_push(struct paste_ctx *c, const struct pubkey *pk, size_t srcline)
{
	struct paste_result *r = c->res;
	size_t len = (pk->opts ? pk->optslen + 1 : 0) + pk->typelen + 1 + pk->b64len +
		     (pk->comment ? pk->commentlen + 1 : 0);
	int e;

	if (pk->info.family == KF_UNKNOWN)
		return skip_unknown(c, pk, srcline);
	if ((e = unusable(c, pk, srcline)) != PASTE_OK)
		return e;
	if (r->n == PASTE_KEYS_MAX)
		return paste_fail(c, PASTE_TOOMANY, srcline, "more than %d keys in one value", PASTE_KEYS_MAX);
	if (r->n == c->keycap) {
		size_t nc = c->keycap ? c->keycap * 2 : 4;
		struct paste_key *nk = realloc(r->keys, nc * sizeof *nk);
		if (!nk)
			return paste_fail(c, PASTE_NOMEM, 0, "out of memory");
		r->keys = nk;
		c->keycap = nc;
	}
	struct paste_key *k = &r->keys[r->n];
	memset(k, 0, sizeof *k);
	char *line = malloc(len + 1), *p = line;
	uint8_t *blob = malloc(pk->bloblen ? pk->bloblen : 1);
	if (!line || !blob) {
		free(line);
		free(blob);
		return paste_fail(c, PASTE_NOMEM, 0, "out of memory");
	}
	if (pk->opts) {
		memcpy(p, pk->opts, pk->optslen);
		k->opts = p;
		k->optslen = pk->optslen;
		p += pk->optslen;
		*p++ = ' ';
	}
	memcpy(p, pk->type, pk->typelen);
	p += pk->typelen;
	*p++ = ' ';
	memcpy(p, pk->b64, pk->b64len);
	k->b64 = p;
	k->b64len = pk->b64len;
	p += pk->b64len;
	if (pk->comment) {
		*p++ = ' ';
		memcpy(p, pk->comment, pk->commentlen);
		k->comment = p;
		k->commentlen = pk->commentlen;
		p += pk->commentlen;
	}
	*p = '\0';
	memcpy(blob, pk->blob, pk->bloblen);
	k->line = line;
	k->len = len;
	k->blob = blob;
	k->bloblen = pk->bloblen;
	k->info = pk->info;
	k->srcline = (unsigned)srcline;
	r->n++;
	return PASTE_OK;
}

/* Turns a failed pubkey parse of a key-first line into the specific refusal. */
int paste_key_error(struct paste_ctx *c, int r, const struct pubkey *pk, size_t ln)
{
	switch (r) {
	case PKL_MISMATCH:
		return paste_fail(c, PASTE_MISMATCH, ln, "key type does not match the key data: the line says %.*s but the key data holds a %s key",
			    (int)(pk->typelen > 64 ? 64 : pk->typelen), pk->type, pk->info.type);
	case PKL_NODATA:
		return paste_fail(c, PASTE_NODATA, ln, "%.*s without key data after it", (int)(pk->typelen > 64 ? 64 : pk->typelen),
			    pk->type);
	case PKL_TOOBIG:
		return paste_fail(c, PASTE_BADKEY, ln, "key data is longer than %d bytes", PUBKEY_BLOB_MAX);
	case PKL_BASE64:
		if (paste_b64_only(pk->b64, pk->b64len) && pk->b64len % 4 == 0)
			return paste_fail(c, PASTE_BASE64, ln, "key data is not valid base64 (stray bits or a misplaced '=')");
		if (paste_b64_only(pk->b64, pk->b64len))
			return paste_fail(c, PASTE_TRUNCATED, ln,
				    "key data is truncated (%zu base64 characters is not a whole key; was the paste cut short?)",
				    pk->b64len);
		for (size_t i = 0; i < pk->b64len; i++)
			if (!b64_is_char((unsigned char)pk->b64[i]) && pk->b64[i] != '=')
				return paste_fail(c, PASTE_BASE64, ln, "key data is not base64 (byte 0x%02x at offset %zu)",
					    (unsigned char)pk->b64[i], i);
		return paste_fail(c, PASTE_BASE64, ln, "key data is not valid base64");
	case PKL_BLOB:
		if (pk->blob_err == KB_TRUNCATED)
			return paste_fail(c, PASTE_TRUNCATED, ln, "key data is truncated (%zu bytes; was the paste cut short?)",
				    pk->bloblen);
		return paste_fail(c, PASTE_BADKEY, ln, "%s", keyblob_strerror(pk->blob_err));
	case PKL_BADOPTS:
		return paste_fail(c, PASTE_OPTIONS, ln, "options have an unterminated quote");
	}
	return paste_fail(c, PASTE_NOTKEY, ln, "%s", pubkey_strerror(r));
}
