/* pubkey.h: one public key line, "[options] type base64 [comment]", parsed as sshd reads
 * authorized_keys (sshd(8) AUTHORIZED_KEYS FILE FORMAT; sshkey_advance_past_options). Pure. */
#ifndef KEYDROP_PUBKEY_H
#define KEYDROP_PUBKEY_H
#include <stddef.h>
#include <stdint.h>

#include "keyblob.h"

#define PUBKEY_BLOB_MAX 16384

enum pubkey_err {
	PKL_OK = 0,
	PKL_EMPTY = -1,      /* blank line or '#' comment */
	PKL_NOKEY = -2,      /* no key type where one is needed */
	PKL_BADOPTS = -3,    /* options with an unterminated quote */
	PKL_BASE64 = -4,     /* key data is not valid base64 */
	PKL_MISMATCH = -5,   /* the type before the key data differs from the type inside it */
	PKL_BLOB = -6,       /* key data decodes but is not a valid key (see blob_err) */
	PKL_TOOBIG = -7,     /* key data longer than PUBKEY_BLOB_MAX */
	PKL_NODATA = -8      /* a type but no key data */
};

struct pubkey {
	const char *opts;    /* options text as written, or NULL */
	size_t optslen;
	const char *type;    /* type word as written */
	size_t typelen;
	const char *b64;     /* base64 key data as written */
	size_t b64len;
	const char *comment; /* comment with surrounding blanks trimmed, or NULL */
	size_t commentlen;
	const uint8_t *blob; /* decoded key data, in the caller's buffer */
	size_t bloblen;
	struct keyblob_info info;
	int blob_err;        /* keyblob_err when PKL_BLOB */
};

/* Parses line[0..len) (no newline needed; a trailing "\r\n" or "\n" is ignored). The blob is
 * decoded into buf[0..cap); pointers in out point into line and buf. A line with a key type we do
 * not know is accepted when it is well formed and the type inside the data matches. */
int pubkey_parse_line(const char *line, size_t len, uint8_t *buf, size_t cap, struct pubkey *out);

/* The same for a line of an authorized_keys file, read exactly as sshd reads it (auth2-pubkeyfile.c,
 * sshkey_read): the line ends at its first NUL byte (sshd handles lines as C strings), and the key
 * data may hold LF, VT, FF and CR anywhere, which OpenSSH's base64 decoder skips (only space and tab
 * end the field). Used wherever keydrop reads what sshd will read; key text a user gives keydrop
 * to install goes through the strict pubkey_parse_line. */
int pubkey_parse_authline(const char *line, size_t len, uint8_t *buf, size_t cap, struct pubkey *out);

/* 1 if word looks like a key type name: sshd tries a key first, then options. */
int pubkey_word_is_type(const char *w, size_t n);

const char *pubkey_strerror(int err);

#endif
