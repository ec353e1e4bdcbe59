/* netsrc.h: network SOURCEs (gh:USER, gl:USER, lp:USER, https://, http:// with --allow-http) ->
 * key text. The glue between source.c's hook (source_net_fetch), net.c, json.c and the cache.
 * Options are process-wide (netsrc_configure), set by the command that parses them; commands that
 * do not (install) get the defaults. Messages about retries go to stderr through die.c. */
#ifndef KEYDROP_NETSRC_H
#define KEYDROP_NETSRC_H
#include <stddef.h>
#include <stdint.h>

#include "tls.h"

enum { NETSRC_LINES = 0, NETSRC_JSON = 1 };

struct netsrc_opts {
	const char *cmd;          /* command name for messages ("fetch") */
	int format;               /* NETSRC_LINES or NETSRC_JSON */
	const char *json_path;
	char *headers;            /* "Name: value\r\n" lines (owned by the command), or NULL */
	const char *cacert;
	int npins;
	uint8_t pins[TLS_PINS_MAX][32];
	int64_t timeout_ms;       /* one deadline for the whole command (every source, retries
	                           * included), from netsrc_configure; default 30 s */
	int retries;              /* default 3 */
	int64_t wait_network_s;   /* 0: use retries; else retry until this many seconds after
	                           * netsrc_configure (the command's deadline instead of timeout_ms) */
	const char *proxy;
	size_t max_bytes;         /* default 1 MiB */
	int allow_http;
	const char *cache_dir;
	int quiet, verbose;
};

/* Sets defaults (format lines, 30 s, 3 retries, 1 MiB). */
void netsrc_defaults(struct netsrc_opts *o);
/* Installs o as the process-wide options (o must outlive the fetches) and starts the command's
 * one deadline (timeout_ms, or wait_network_s when set): call it once, right before fetching. */
void netsrc_configure(const struct netsrc_opts *o);

/* The URL for spec (gh:/gl:/lp:/https:/http:). The test-only variables KEYDROP_TEST_GITHUB_BASE,
 * KEYDROP_TEST_GITLAB_BASE, KEYDROP_TEST_LAUNCHPAD_BASE replace "https://github.com" etc. (tests
 * point them at a loopback server). Returns 0, or -1 for a malformed spec / user name. */
int netsrc_url(const char *spec, char *url, size_t cap);

/* Parses --header 'Name: value' lines: appends "Name: value\r\n" to *acc (malloc'ed, grown).
 * Returns 0, or -1 if the header is malformed (CR/LF, no name). */
int netsrc_add_header(char **acc, const char *line);

/* source.h's hook: see there. Returns SRCE_OK, SRCE_IO (network/TLS/HTTP failure), SRCE_USAGE (bad
 * spec) or SRCE_REJECT (a body that cannot hold keys: HTML page, JSON path not found). */
int source_net_fetch(const char *spec, char **out, size_t *len, char *err, size_t errcap);

#endif
