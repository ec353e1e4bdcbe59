/* source.h: a SOURCE argument -> the bytes it holds (README, "Use"), under a context the
 * command owns.
 * Local kinds are read here: an existing path, file:PATH, - (stdin), env:VAR. Network kinds (gh:USER,
 * gl:USER, lp:USER, https://..., http://...) are classified here and fetched by netsrc_fetch.
 * Everything a command's reads share lives in struct source_ctx, never in file-scope variables:
 * the options, the one deadline, the trust anchors (loaded once, on the first https:// source),
 * the once-only warnings, and the note sink (o->note) that is the only way this layer speaks. */
#ifndef KEYDROP_SOURCE_H
#define KEYDROP_SOURCE_H
#include <stddef.h>
#include <stdint.h>

#include "netsrc.h"
#include "tls.h"

#define SOURCE_MAX (1u << 20) /* bytes read from one source */

enum source_kind {
	SRC_FILE = 0, /* a path or file:PATH */
	SRC_STDIN,    /* - */
	SRC_ENV,      /* env:VAR */
	SRC_NET,      /* gh: gl: lp: https:// http:// */
	SRC_BAD       /* empty, or a scheme we do not know ("ftp://", "foo:bar" is still a path) */
};

/* Result codes of source_read; the command maps them to exit codes. */
enum source_err {
	SRCE_OK = 0,
	SRCE_IO = -1,     /* could not read (exit 1): no such file, permission, network */
	SRCE_USAGE = -2,  /* the SOURCE itself is wrong (exit 2) */
	SRCE_REJECT = -3  /* read, but the content is refused (exit 3): empty, unset variable */
};

/* One command's reading state. Set up with source_ctx_init, released with source_ctx_free; two
 * contexts share nothing. Fields are the source layer's (read them, do not set them). */
struct source_ctx {
	const struct netsrc_opts *o; /* the command's options and note sink; outlives the context */
	int64_t deadline_ms;         /* the command's one deadline (CLOCK_MONOTONIC ms), every source
	                              * and retry included: --timeout, or --wait-network's end */
	struct tls_anchors anchors;  /* loaded on the first https:// source (netsrc_anchors) */
	int anchors_loaded;
	int clock_warned;            /* "system clock is before the build date": once per context */
	int cache_warned;            /* "cache DIR not used": once per context */
	int fresh_hits;              /* sources answered from the cache within --ttl, no request */
};

/* Starts a context for o (which must outlive it) and the command's one deadline from now:
 * o->timeout_ms, or o->wait_network_s when set. Call it right before reading the sources. */
void source_ctx_init(struct source_ctx *c, const struct netsrc_opts *o);
/* Frees what the context loaded (the trust anchors). */
void source_ctx_free(struct source_ctx *c);

/* What one source gave. */
struct netsrc_keep;
struct source_text {
	char *p;                   /* malloc'ed, NUL-terminated key text (len bytes) */
	size_t len;
	struct netsrc_keep *keep;  /* network only: the response the --cache keeps once the caller has
	                            * validated p (source_keep), else NULL */
};

enum source_kind source_kind(const char *spec);

/* Reads spec into t (at most SOURCE_MAX bytes for local kinds, o->max_bytes for network ones).
 * On failure returns a source_err with a one-line reason in err[errcap] (not including spec) and
 * t empty. Release t with source_text_free (it wipes: a source may hold a pasted private key). */
int source_read(struct source_ctx *c, const char *spec, struct source_text *t, char *err, size_t errcap);
/* The caller validated every key in t->p: a network response with validators goes to the --cache
 * (only a good body is kept). Nothing for local sources or without --cache. */
void source_keep(struct source_ctx *c, struct source_text *t);
/* Wipes and frees t. */
void source_text_free(struct source_text *t);

#endif
