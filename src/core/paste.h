/* paste.h: public key text as people paste it (arguments, files, stdin, env:VAR), normalised into
 * authorized_keys lines, or refused with a specific reason. Pure.
 * Fixes silently: UTF-8 BOM, CR / CRLF, no-break spaces, a line in JSON/YAML quotes, base64
 * wrapped over several lines, several keys on one line or run together, RFC 4716 / PuTTYgen
 * "---- BEGIN SSH2 PUBLIC KEY ----" blocks (quoted Comment: header, '\' continuations).
 * Refuses: fingerprints, bare base64 without a type, private keys (never echoed), truncated blobs,
 * type/blob mismatch, keys sshd cannot use (ECDSA points off the curve, certificates: sshd never
 * takes one as an authorized key), control characters, options sshd rejects or ignores the line for
 * (principals= without cert-authority), SSH1 keys, anything else that is not a key.
 * One bad key refuses the whole value. A key of a type keydrop does not know is never guessed at:
 * it is left out and listed in skipped (the caller warns, naming the type), and the other keys are
 * kept; a value with only such keys is refused (PASTE_UNKNOWN). */
#ifndef KEYDROP_PASTE_H
#define KEYDROP_PASTE_H
#include <stddef.h>
#include <stdint.h>

#include "keyblob.h"

#define PASTE_IN_MAX (1u << 20) /* bytes of input per value */
#define PASTE_KEYS_MAX 4096     /* keys per value */

enum paste_err {
	PASTE_OK = 0,
	PASTE_EMPTY = -1,       /* no key at all */
	PASTE_PRIVATE = -2,     /* a private key of some kind */
	PASTE_FINGERPRINT = -3, /* SHA256:/MD5: fingerprint or ssh-keygen -l output */
	PASTE_NOTYPE = -4,      /* base64 key data without its type */
	PASTE_TRUNCATED = -5,   /* key data cut short */
	PASTE_MISMATCH = -6,    /* type word differs from the type inside the data */
	PASTE_CTRL = -7,        /* control character */
	PASTE_BASE64 = -8,      /* key data is not base64 */
	PASTE_BADKEY = -9,      /* decodes, but not a valid key */
	PASTE_OPTIONS = -10,    /* options sshd would reject */
	PASTE_NOTKEY = -11,     /* not a key line at all */
	PASTE_RFC4716 = -12,    /* broken SSH2 public key block */
	PASTE_TOOMANY = -13,
	PASTE_TOOBIG = -14,
	PASTE_NOMEM = -15,
	PASTE_NODATA = -16,     /* a type with nothing after it */
	PASTE_CERT = -17,       /* an OpenSSH certificate: never usable as an authorized key */
	PASTE_UNKNOWN = -18,    /* only keys of types keydrop does not know */
	PASTE_JOINED = -19,     /* paste_diagnose only: several keys on one line */
	PASTE_UNREADABLE = -20  /* paste_diagnose only: keys install takes, in a form sshd cannot read
				 * (an RFC 4716 block, base64 wrapped over lines, quotes, a BOM) */
};

/* Normalisations applied (for -v output). */
enum {
	PASTE_FIX_BOM = 1, PASTE_FIX_CR = 2, PASTE_FIX_WRAP = 4, PASTE_FIX_SPLIT = 8, PASTE_FIX_RFC4716 = 16,
	PASTE_FIX_NBSP = 32, PASTE_FIX_QUOTES = 64
};

struct paste_key {
	char *line;           /* "[options ]type base64[ comment]", NUL-terminated (malloc'ed) */
	size_t len;
	const char *b64;      /* into line */
	size_t b64len;
	const char *comment;  /* into line, or NULL */
	size_t commentlen;
	const char *opts;     /* into line, or NULL */
	size_t optslen;
	uint8_t *blob;        /* decoded key data (malloc'ed) */
	size_t bloblen;
	struct keyblob_info info;
	unsigned srcline;     /* 1-based input line where the key starts */
};

/* A key left out because keydrop does not know its type. */
struct paste_skip {
	char type[KEYBLOB_TYPE_MAX + 1];
	unsigned srcline;     /* 1-based input line */
};

struct paste_result {
	struct paste_key *keys;
	size_t n;
	struct paste_skip *skipped; /* keys of unknown types, left out (see above) */
	size_t nskipped;
	unsigned fixes;       /* PASTE_FIX_* bits */
	int err;              /* on failure: the paste_err */
	unsigned line;        /* on failure: 1-based input line (0 if not about one line) */
	char detail[256];     /* on failure: the specific reason; never contains private key text */
};

/* Parses in[0..n). Returns PASTE_OK with res->keys[0..n) (n >= 1), or a paste_err with res->err,
 * res->line and res->detail set and no keys. Always call paste_free. */
int paste_parse(const char *in, size_t n, struct paste_result *res);
void paste_free(struct paste_result *res);

/* Index of the first key whose expiry-time lies before now (seconds since the epoch; gmtoff, seconds
 * east of UTC, reads an expiry-time without Z as local time, as sshd), or -1. sshd refuses such an
 * entry ("entry expired"): installing one would look like access that does not work. */
long paste_first_expired(const struct paste_result *res, long long now, long gmtoff);

/* One diagnosis for every command (install refuses with it; check, list and fingerprint name the
 * lines of a file with it). text[0..n) is a file from the start of one line on. The item starting at
 * that line is one line, or the whole block that starts there: an RFC 4716 / SSH2 public key block,
 * a PEM / OpenSSH / PuTTY / SSH2 private key, key data wrapped onto the following lines. It is read
 * as install reads a paste (paste_parse), and described in install's words.
 *   err:    PASTE_OK when there is nothing to say (one key, as sshd reads it, or text that is no key
 *           at all and no paste refusal either: the caller's own reason stands); PASTE_JOINED,
 *           PASTE_UNREADABLE, or paste_parse's refusal (PASTE_FINGERPRINT, PASTE_NOTYPE,
 *           PASTE_PRIVATE, ...).
 *   nlines: lines the item covers (>= 1; for a block up to its end line).
 *   nkeys:  keys install takes from those lines (PASTE_OK, PASTE_JOINED, PASTE_UNREADABLE).
 *   detail: install's words (never private key text); for PASTE_JOINED and PASTE_UNREADABLE the
 *           keys are named by type and SHA256 fingerprint.
 * res receives what paste_parse returned for those lines (the keys, when it took them): always
 * call paste_free(res). Returns d->err. */
#define PASTE_DIAG_MAX 512
struct paste_diag {
	int err;
	unsigned nlines;
	size_t nkeys;
	char detail[PASTE_DIAG_MAX];
};
int paste_diagnose(const char *text, size_t n, struct paste_diag *d, struct paste_result *res);

/* 1 if the comment of a key line, s[0..n), holds a known key type name: then the line may be keys
 * joined on one line (ask paste_diagnose); 0 lets callers skip that for ordinary lines. */
int paste_may_join(const char *s, size_t n);

#endif
