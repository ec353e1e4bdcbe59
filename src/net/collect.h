/* collect.h: SOURCEs (and install's --key values) -> one validated, de-duplicated set of keys.
 * The one way install, fetch and sync gather keys: each text is read through source_read, parsed by
 * the paste layer once (that parse decides, and a network body goes to --cache only when it passed),
 * and its keys kept with their parse. Warnings (an unknown key type left out, a line skipped by
 * --skip-invalid) go to the context's note sink; the first refusal is returned, with the spec, for
 * the command to print. */
#ifndef KEYDROP_COLLECT_H
#define KEYDROP_COLLECT_H
#include <stddef.h>
#include <stdint.h>

#include "paste.h"
#include "source.h"

struct keyset_ix {
	uint64_t h; /* hash of the key data (the index's first sort key) */
	size_t i;   /* into k[] */
};

/* Keys in the order given, each key data once (once source_collect has finished). */
struct keyset {
	struct paste_result *res;     /* the parses the keys live in (owned) */
	size_t nres, capres;
	const struct paste_key **k;   /* k[0..n): into res[] */
	size_t n, cap;
	struct keyset_ix *ix;         /* k sorted by key data (source_collect): lookups in O(log n) */
};

enum {
	COLLECT_SKIP_INVALID = 1, /* drop (and report) invalid keys and lines instead of refusing all */
	COLLECT_ALLOW_EMPTY = 2   /* a source with no (valid) key is no error */
};

/* How a collection refuses (fetch/sync: the managed block a refusal protects, or NULL). */
struct collect_opts {
	int flags;          /* COLLECT_* */
	const char *block;  /* sync's block name, named in "refusing to remove keys of block" */
};

/* Validates text (named label in messages; net: it is a network response) under co and appends its
 * keys to ks. One invalid key (or an expired expiry-time) refuses the whole text unless
 * COLLECT_SKIP_INVALID; a text without a key is refused unless COLLECT_ALLOW_EMPTY. Returns SRCE_OK
 * (*valid set to 1 when every key of the text passed as a whole), or SRCE_REJECT / SRCE_IO (out of
 * memory) with "LABEL: reason" in err[errcap]. */
int keyset_add_text(struct keyset *ks, struct source_ctx *c, const struct collect_opts *co, const char *label,
		    int net, const char *text, size_t len, int *valid, char *err, size_t errcap);

/* Reads every spec under c and appends its keys (keyset_add_text), then drops repeated key data
 * (the first keeps its place) and indexes the rest. All specs or nothing: returns SRCE_OK, or the
 * first failure's source_err with "SPEC: reason" in err[errcap] (ks then holds what was read; free
 * it). */
int source_collect(struct source_ctx *c, const struct collect_opts *co, char *const *specs, size_t nspecs,
		   struct keyset *ks, char *err, size_t errcap);

/* Drops repeated key data (the first keeps its place) and indexes the rest, as source_collect does
 * at its end: for a caller that added texts itself (keyset_add_text). Returns 0 or -1 (no memory). */
int keyset_finish(struct keyset *ks);

/* Index in ks->k of the key whose canonical base64 is b64[0..n), or -1 (after source_collect). */
long keyset_find(const struct keyset *ks, const char *b64, size_t n);
void keyset_free(struct keyset *ks);

#endif
