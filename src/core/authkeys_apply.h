/* authkeys_apply.h: what install, sync and remove do to an authorized_keys file, as pure functions
 * of the model (authkeys.h): each takes the parsed file and the command's keys or selection, decides
 * per key or per line, and renders the new file. The commands only read, print and write.
 * Invariants (asserted by tests/fuzz/fuzz_apply.c): every line outside the block a command touches
 * keeps its bytes and order; sync leaves its block holding exactly the given keys, once each, in the
 * given order; install never adds a key that a line already lets in, nor one key twice; applying the
 * same install or sync again changes nothing. */
#ifndef KEYDROP_AUTHKEYS_APPLY_H
#define KEYDROP_AUTHKEYS_APPLY_H
#include <stddef.h>
#include <stdint.h>

#include "authkeys.h"

/* One key given to install or sync: the line to write (no newline) and its parsed parts. */
struct ak_newkey {
	const char *line;
	size_t len;
	const uint8_t *blob;
	size_t bloblen;
	const char *opts; /* its options field, or NULL */
	size_t optslen;
};

/* What install did with one key. */
enum ak_install_what {
	AKI_ADDED = 1,       /* appended (to the block, when one is named) */
	AKI_PRESENT,         /* a line already lets it in, with the same options */
	AKI_OTHER_OPTS,      /* a line lets it in with other options; that line kept its own */
	AKI_OPTS_REPLACED,   /* ... and its options field was rewritten (replace_opts) */
	AKI_REPEAT           /* the same blob as an earlier key of the list: nothing */
};

/* The decision for one key (install) and the file after all of them. */
struct ak_install_plan {
	uint8_t *what;   /* [nkeys] enum ak_install_what */
	long *line;      /* [nkeys] the existing line for AKI_PRESENT/OTHER_OPTS/OPTS_REPLACED, else -1 */
	size_t nadded, nreplaced;
	size_t nlifted;  /* denial lines dropped: an explicit install allows a denied key again */
};

/* install: keys[0..n) into block (or at the end of the file when block is NULL). A key counts as
 * present when a line lets it log in now (authkeys_find's rule: now, gmtoff). A present key given
 * with other options keeps the line's options unless replace_opts, which rewrites that options field
 * in place. Every "# keydrop:denied" line of a given key goes, in every block (install is the
 * explicit "allow it again"). plan->what and plan->line must hold n entries. out->p (malloc'ed) is the new file when
 * *changed, else NULL. Returns AK_OK, AK_NOMEM, AK_TOOBIG (over max), AK_BADEDIT, or
 * AK_UNTERMINATED (a new block would follow a begin marker without end: ak->unterminated says where). */
int authkeys_apply_install(const struct authkeys *ak, const char *block, const struct ak_newkey *keys, size_t n,
			   int replace_opts, long long now, long gmtoff, size_t max, struct ak_install_plan *plan,
			   struct authkeys_out *out, int *changed);

/* sync: block name holds exactly keys[0..n) afterwards (a repeated blob once, first place kept),
 * created at the end when absent; every other line kept, and so are the block's denial lines: a key
 * denied in the block is never added (nor kept). removed[nlines]: 1 for a block line whose key is
 * not among the keys or is denied (reported as removed), 2 for a block line that holds no key
 * (dropped silently), 0 otherwise. isnew[n]: 1 for a key the block did not have (and not a repeat),
 * 2 for a key denied in the block (not written), else 0. out and
 * *changed as install. Returns AK_OK, AK_NOMEM, AK_TOOBIG, or AK_UNTERMINATED (no block name and a
 * begin marker without end). */
int authkeys_apply_sync(const struct authkeys *ak, const char *name, const struct ak_newkey *keys, size_t n,
			size_t max, uint8_t *removed, uint8_t *isnew, struct authkeys_out *out, int *changed);

/* One fingerprint to remove: its digest as fingerprint_parse gives it. */
struct ak_fpsel {
	int kind; /* enum fp_hash */
	uint8_t digest[32];
	size_t dlen;
	size_t hits; /* out: lines it matched */
};

/* remove: the lines to drop, chosen by exactly one of: fps[0..nfp) (key lines whose blob has one of
 * these digests; options sshd rejects do not hide a key), comment (key lines with exactly this
 * comment), block (the whole block, markers and denials included). A selected key line inside a
 * block becomes that block's denial line for the key ("# keydrop:denied SHA256:...", so that sync
 * does not bring it back; a repeated denial is harmless). drop[nlines]: 1 for a dropped line,
 * 2 for a key line replaced by its denial; *ndropped counts both. out and *changed as install. Returns AK_OK, AK_NOMEM or AK_TOOBIG. */
int authkeys_apply_remove(const struct authkeys *ak, struct ak_fpsel *fps, size_t nfp, const char *comment,
			  size_t commentlen, const char *block, size_t max, uint8_t *drop, size_t *ndropped,
			  struct authkeys_out *out, int *changed);

#endif
