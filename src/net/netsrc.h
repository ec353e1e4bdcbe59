/* netsrc.h: network SOURCEs (gh:USER, gl:USER, lp:USER, https://, http:// with --allow-http) ->
 * key text. The glue between source_read (source.h), net.c, json.c and the cache. Options come
 * from the command in struct netsrc_opts, held by its struct source_ctx with the deadline, the trust
 * anchors and the once-only warnings; messages (retries, the clock floor, cache not used) go to the
 * command's note sink. */
#ifndef KEYDROP_NETSRC_H
#define KEYDROP_NETSRC_H
#include <stddef.h>
#include <stdint.h>

#include "tls.h"

enum { NETSRC_LINES = 0, NETSRC_JSON = 1 };
/* The hosted services behind gh:, gl:, lp: (index into netsrc_opts.base_url). */
enum { NETSRC_GITHUB = 0, NETSRC_GITLAB = 1, NETSRC_LAUNCHPAD = 2, NETSRC_NSERVICES = 3 };
#define NETSRC_BASE_MAX 512

struct netsrc_opts {
	const char *cmd;          /* command name for messages ("fetch") */
	int format;               /* NETSRC_LINES or NETSRC_JSON */
	const char *json_path;
	char *headers;            /* "Name: value\r\n" lines (owned by the command), or NULL */
	const char *cacert;
	int npins;
	uint8_t pins[TLS_PINS_MAX][32];
	int64_t timeout_ms;       /* one deadline for the whole command (every source, retries
	                           * included), from source_ctx_init; default 30 s */
	int retries;              /* default 3 */
	int64_t retry_delay_ms;   /* backoff base (--retry-delay), default 1000 */
	int64_t wait_network_s;   /* 0: use retries; else retry until this many seconds after
	                           * source_ctx_init (the command's deadline instead of timeout_ms) */
	const char *proxy;
	size_t max_bytes;         /* default 1 MiB */
	int allow_http;
	const char *cache_dir;
	/* authorized-keys: a cache entry younger than ttl_s is served without a request (a remembered
	 * 404 too); when the source fails, an entry up to max_stale_s old is served, with a note.
	 * -1 (the default): every command else asks the server each time and never serves stale. */
	int64_t ttl_s, max_stale_s;
	/* --github-url, --gitlab-url, --launchpad-url (self-hosted servers), checked by
	 * netsrc_base_url and kept without trailing '/'; "" means the public service */
	char base_url[NETSRC_NSERVICES][NETSRC_BASE_MAX];
	int quiet, verbose;
	/* Where the source layer's notes go (retries, the clock floor, cache not used, verbose
	 * details): one complete line, without the "keydrop: CMD: " prefix, to the command's
	 * printer. NULL drops them. Nothing below cli/ prints by itself. */
	void (*note)(void *arg, const char *cmd, const char *line);
	void *note_arg;
};


/* Sets defaults (format lines, 30 s, 3 retries, 1 MiB). */
void netsrc_defaults(struct netsrc_opts *o);

/* The URL for spec (gh:/gl:/lp:/https:/http:): gh:USER is BASE/USER.keys with BASE
 * o->base_url[NETSRC_GITHUB] or https://github.com (gl: likewise with https://gitlab.com),
 * lp:USER is BASE/~USER/+sshkeys (https://launchpad.net). Returns 0, or -1 for a malformed spec /
 * user name or a URL longer than cap. */
int netsrc_url(const char *spec, const struct netsrc_opts *o, char *url, size_t cap);

/* Checks a base URL for --github-url and friends and copies it to out[cap] without trailing '/':
 * absolute https:// (http:// only when allow_http), a host name or bracketed IPv6 address, an
 * optional port and path; no user info, query (?) or fragment (#), no blanks or control
 * characters. Returns 0, or -1 (out is then ""). Pure. */
int netsrc_base_url(const char *in, int allow_http, char *out, size_t cap);

struct source_ctx;
struct source_text;
struct netsrc_keep;

/* Fetches spec (kind SRC_NET) under c: its options, its deadline, its trust anchors, into t (the
 * key text, already extracted from JSON where the source is an API; t->keep set when --cache may
 * keep the response). Returns SRCE_OK, SRCE_IO (network/TLS/HTTP failure), SRCE_USAGE (bad spec)
 * or SRCE_REJECT (a body that cannot hold keys: HTML page, JSON path not found), with a one-line
 * reason in err[errcap]. Called by source_read. */
int netsrc_fetch(struct source_ctx *c, const char *spec, struct source_text *t, char *err, size_t errcap);
/* authorized-keys: when spec failed (why: the reason, for the note), its cached copy if it is at
 * most o->max_stale_s old, into t, with a note saying so. Returns 0, or -1 (t empty): no such
 * copy, or max_stale_s < 0 (every other command). */
int netsrc_stale(struct source_ctx *c, const char *spec, const char *why, struct source_text *t);
/* The same when the server's answer was refused after netsrc_fetch returned it (a key sshd cannot
 * use): the copy, and the failure remembered for --ttl as for a server that is down. */
int netsrc_stale_refused(struct source_ctx *c, const char *spec, struct source_text *t);
/* Fetches the network source spec (an https:// URL; http:// with --allow-http) under c like
 * netsrc_fetch (same anchors, pins, clock floor, proxy, headers, size cap, retries and deadline;
 * no --cache) and hands over the body as the server sent it, binary included, in *body (malloc'ed,
 * caller frees; NULL when empty) and *len. Returns SRCE_OK, SRCE_IO or SRCE_USAGE with a one-line
 * reason in err. */
int netsrc_fetch_raw(struct source_ctx *c, const char *spec, const char *accept, uint8_t **body, size_t *len,
		     char *err, size_t errcap);
/* Stores k's response in the --cache (source_keep) / frees k. */
void netsrc_keep(struct source_ctx *c, const struct netsrc_keep *k);
void netsrc_keep_free(struct netsrc_keep *k);

/* c's trust anchors, loaded on the first call (o->cacert, else the system bundle or the embedded
 * set) and kept in c. Returns 0, or SRCE_IO with the reason in err[errcap]. */
int netsrc_anchors(struct source_ctx *c, char *err, size_t errcap);

#endif
