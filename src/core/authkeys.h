/* authkeys.h: the authorized_keys model (sshd(8) AUTHORIZED_KEYS FILE FORMAT). Pure.
 * A file is a list of lines kept byte for byte; keydrop only ever appends lines or drops whole
 * lines, so everything it does not understand (comments, blanks, garbage) survives untouched.
 * Managed blocks are the lines between "# keydrop:begin NAME" and "# keydrop:end NAME". A block may
 * hold denial lines, "# keydrop:denied SHA256:<fingerprint>": that key was removed from the block by
 * hand and its source must not bring it back (sshd reads them as comments). They live in the file
 * itself so that they are written atomically with the keys. */
#ifndef KEYDROP_AUTHKEYS_H
#define KEYDROP_AUTHKEYS_H
#include <stddef.h>
#include <stdint.h>

#include "pubkey.h"

#define AUTHKEYS_MARK_BEGIN "# keydrop:begin "
#define AUTHKEYS_MARK_END "# keydrop:end "
#define AUTHKEYS_MARK_DENIED "# keydrop:denied "
#define AUTHKEYS_DENIED_MAX 96 /* a denial line with its NUL */
#define AUTHKEYS_NAME_MAX 64
#define AUTHKEYS_LINES_MAX (2u << 20) /* lines in one file: bounds the line table (48 MiB) */

enum authkeys_kind {
	AKL_BLANK = 0,  /* empty or only blanks */
	AKL_COMMENT,    /* '#' line (not a marker) */
	AKL_BEGIN,      /* "# keydrop:begin NAME" that opens a block */
	AKL_END,        /* "# keydrop:end NAME" that closes it */
	AKL_OTHER,      /* anything else: a key line, or something sshd will skip */
	AKL_DENIED      /* "# keydrop:denied SHA256:<43 base64>" inside a block (elsewhere: a comment) */
};

enum authkeys_err {
	AK_OK = 0,
	AK_NOMEM = -1,
	AK_UNTERMINATED = -2, /* "# keydrop:begin NAME" without its end marker */
	AK_TOOBIG = -3,
	AK_BADEDIT = -4 /* authkeys_render_edit: edits out of order or outside their line */
};

struct authkeys_line {
	size_t off;       /* start in the buffer */
	uint32_t len;     /* without the newline */
	uint8_t kind;     /* enum authkeys_kind */
	uint8_t has_nl;   /* the line ends with '\n' (only the last line may not) */
	uint32_t block;   /* 1 + index into blocks[] for lines inside a block (markers included), else 0 */
};

struct authkeys_block {
	const char *name; /* points into the buffer; not NUL-terminated */
	size_t namelen;
	size_t begin, end; /* line indexes of the two markers */
};

struct authkeys {
	const char *buf;  /* the file as read; not owned */
	size_t len;
	struct authkeys_line *lines;
	size_t nlines;
	struct authkeys_block *blocks;
	size_t nblocks;
	size_t unterminated;   /* 1 + line index of a begin marker without end, else 0 */
	size_t stray;          /* 1 + line index of an end marker without begin (or a nested begin), else 0 */
};

/* Splits buf[0..len) into lines and finds the managed blocks. No key is decoded here (fast: one pass).
 * ak points into buf, which must outlive it. Returns AK_OK, AK_NOMEM, or AK_TOOBIG (more than
 * AUTHKEYS_LINES_MAX lines); free with authkeys_free (a failure frees what it took). */
int authkeys_parse(struct authkeys *ak, const char *buf, size_t len);
void authkeys_free(struct authkeys *ak);

/* Parses line i exactly as sshd does (pubkey_parse_authline, then the options grammar). Returns
 * PKL_OK, a pubkey_err, or AKO_BAD (options sshd rejects: *why says which). blob decoded into
 * work[0..cap). */
int authkeys_line_key(const struct authkeys *ak, size_t i, uint8_t *work, size_t cap, struct pubkey *pk,
		      const char **why);

/* Offset in line i of its first odd byte, or -1: a control byte other than tab, or DEL (a CR just
 * before the newline does not count). sshd reads a line only up to a NUL and skips VT, FF and CR
 * inside the key data, so such bytes can hide or disguise a working key from a reader or an editor. */
long authkeys_line_odd(const struct authkeys *ak, size_t i);

/* Index of the first line sshd accepts for a plain login with the key whose blob is blob[0..n), or
 * -1. Lines are matched by blob, never by comment; a line that does not let the key itself log in
 * does not count: cert-authority (it admits certificates, not the key), principals= without
 * cert-authority on a plain key (sshd skips it), and an expiry-time before now (seconds since the
 * epoch; gmtoff, seconds east of UTC, reads a local expiry-time). A scan of every line: for many keys
 * use authkeys_plan_install (or an authkeys_index), which give the same answers. */
long authkeys_find(const struct authkeys *ak, const uint8_t *blob, size_t n, uint8_t *work, size_t cap, long long now,
		   long gmtoff);

/* Whether line i is such a line for blob[0..n) (the test authkeys_find applies to each line). */
int authkeys_line_lets_in(const struct authkeys *ak, size_t i, const uint8_t *blob, size_t n, uint8_t *work,
			  size_t cap, long long now, long gmtoff);

/* The key lines of a file by blob digest (authkeys_index.c): built in O(lines log lines), then each
 * authkeys_index_find answers what authkeys_find would, in O(log lines). Holds line indexes of ak
 * (which must outlive it) and no pointers into it. */
struct authkeys_ixent;
struct authkeys_index {
	struct authkeys_ixent *e;
	size_t n;
};
int authkeys_index_build(struct authkeys_index *ix, const struct authkeys *ak, uint8_t *work, size_t cap);
long authkeys_index_find(const struct authkeys_index *ix, const struct authkeys *ak, const uint8_t *blob, size_t n,
			 uint8_t *work, size_t cap, long long now, long gmtoff);
void authkeys_index_free(struct authkeys_index *ix);

/* What install does with keys[0..nkeys): verdict[k] is the index of the line that already lets key
 * k log in (as authkeys_find), AUTHKEYS_ADD, or AUTHKEYS_REPEAT (the same blob as an earlier key of
 * the list). O((lines + keys) log). Returns AK_OK, AK_NOMEM or AK_TOOBIG. */
struct authkeys_blob {
	const uint8_t *blob;
	size_t len;
};
#define AUTHKEYS_ADD (-1L)
#define AUTHKEYS_REPEAT (-2L)
int authkeys_plan_install(const struct authkeys *ak, const struct authkeys_blob *keys, size_t nkeys, long *verdict,
			  uint8_t *work, size_t cap, long long now, long gmtoff);

/* Line i is a denial line: returns 1 with sha256[0..32) the denied key's SHA-256 digest (as
 * fingerprint_digest gives it), else 0. */
int authkeys_denied_digest(const struct authkeys *ak, size_t i, uint8_t sha256[32]);

/* Whether the key whose SHA-256 digest is sha256 (fingerprint_digest(blob, FP_SHA256)) is denied:
 * the line index of its "# keydrop:denied" line in block NAME (name NULL: in any block), or -1.
 * For the AuthorizedKeysCommand: a key denied in any block of the user's authorized_keys was removed
 * by hand and must not be printed again, whatever a source says. Pure; one pass over the lines. */
long authkeys_denied(const struct authkeys *ak, const char *name, const uint8_t sha256[32]);
/* The same for the key blob[0..n) itself, in any block: authkeys_denied(ak, NULL, its digest). */
long authkeys_blob_denied(const struct authkeys *ak, const uint8_t *blob, size_t n);

/* The denial line for key blob[0..n): "# keydrop:denied SHA256:..." (no newline) into out. */
void authkeys_denied_line(const uint8_t *blob, size_t n, char out[AUTHKEYS_DENIED_MAX]);

/* Index of block NAME or -1. */
long authkeys_block_find(const struct authkeys *ak, const char *name, size_t namelen);

/* Checks an sshd options field (as auth-options.c sshauthopt_parse): known option names (case-
 * insensitive), '"' quoted values with \" escapes, comma separated, no duplicates where sshd refuses
 * them, value syntax for expiry-time, environment, permitopen/permitlisten, tunnel.
 * Returns 0, or -1 with *why set to sshd's reason. */
int authkeys_opts_check(const char *opts, size_t n, const char **why);
/* The same, and *at is the offset in opts of the option that was refused. */
int authkeys_opts_check_at(const char *opts, size_t n, const char **why, size_t *at);
/* Which of these options a (valid) options field holds. */
enum { AKO_CERT_AUTHORITY = 1, AKO_PRINCIPALS = 2 };
unsigned authkeys_opts_flags(const char *opts, size_t n);

/* The expiry-time of a (valid) options field: returns 1 with *t its value in seconds since the epoch
 * read as UTC and *utc set when it ends in 'Z' (else it is local time: subtract the UTC offset), or 0
 * when there is none. */
int authkeys_opts_expiry(const char *opts, size_t n, long long *t, int *utc);
/* 1 if opts (may be NULL) has an expiry-time before now: sshd refuses the key ("entry expired").
 * gmtoff (seconds east of UTC) reads an expiry-time without Z as local time, as sshd does. */
int authkeys_opts_expired(const char *opts, size_t n, long long now, long gmtoff);

/* Length of the option starting at opts[at] (up to an unquoted comma or blank, or the end). */
size_t authkeys_opt_len(const char *opts, size_t n, size_t at);

#define AKO_BAD (-100) /* authkeys_line_key: the options are rejected by sshd */

/* A growable output buffer for rendering (bounded by cap). */
struct authkeys_out {
	char *p;
	size_t len, cap, max;
	int err;
};

/* Renders the file with adds[0..nadd) (one key line each, no newline) appended: inside block NAME
 * (created at the end when absent) if name != NULL, else at the end of the file. A missing final
 * newline is added first so the new key never merges into the last line. out->p is malloc'ed.
 * Returns AK_OK, AK_NOMEM, AK_TOOBIG, or AK_UNTERMINATED when a new block would follow a begin
 * marker that has no end marker (it would nest inside it). */
int authkeys_render_add(const struct authkeys *ak, const char *name, const char *const *adds,
			const size_t *addlens, size_t nadd, size_t max, struct authkeys_out *out);


/* One change inside a line: line's bytes [at, at + del) become ins[0..inslen). */
struct authkeys_edit {
	size_t line, at, del;
	const char *ins;
	size_t inslen;
};

/* Renders the file with edits[0..nedit) applied (in line order, at most one per line; a line keeps
 * its place, inside a block or not, and its newline) and without the lines whose drop[i] is nonzero
 * (drop may be NULL; an edited line is kept, edited), every other byte kept. Returns AK_OK,
 * AK_NOMEM, AK_TOOBIG or AK_BADEDIT. */
int authkeys_render_edit(const struct authkeys *ak, const struct authkeys_edit *edits, size_t nedit,
			 const uint8_t *drop, size_t max, struct authkeys_out *out);
/* Renders the file without the lines whose drop[i] is nonzero (every other byte kept). */
static inline int authkeys_render_drop(const struct authkeys *ak, const uint8_t *drop, size_t max,
				       struct authkeys_out *out)
{
	return authkeys_render_edit(ak, NULL, 0, drop, max, out);
}

/* The edit that gives key line i (pk: its authkeys_line_key) the options field opts[0..optslen)
 * instead of its own: replaced in place, dropped with the blanks after it when opts is NULL, or
 * inserted before the key type (then opts must end with the separating blank). */
int authkeys_options_edit(const struct authkeys *ak, size_t i, const struct pubkey *pk, const char *opts,
			  size_t optslen, struct authkeys_edit *ed);

/* A block name keydrop accepts: 1..AUTHKEYS_NAME_MAX of [A-Za-z0-9._@:+-]. */
int authkeys_name_ok(const char *name, size_t n);

const char *authkeys_strerror(int err);

#endif
