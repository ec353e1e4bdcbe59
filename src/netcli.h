/* netcli.h: the network options fetch and sync share (--format, --json-path, --header, --cacert,
 * --pin, --timeout, --retry, --wait-network, --proxy, --max-bytes, --allow-http, --cache). */
#ifndef KEYDROP_NETCLI_H
#define KEYDROP_NETCLI_H
#include <getopt.h>

#include "netsrc.h"

enum {
	NETOPT_FORMAT = 300, NETOPT_JSON_PATH, NETOPT_HEADER, NETOPT_HEADER_FILE, NETOPT_CACERT, NETOPT_PIN,
	NETOPT_TIMEOUT, NETOPT_RETRY, NETOPT_WAIT, NETOPT_PROXY, NETOPT_MAX_BYTES, NETOPT_ALLOW_HTTP,
	NETOPT_CACHE
};

#define NETCLI_LONGOPTS                                                                              \
	{ "format", required_argument, 0, NETOPT_FORMAT }, { "json-path", required_argument, 0, NETOPT_JSON_PATH }, \
	{ "header", required_argument, 0, NETOPT_HEADER }, { "header-file", required_argument, 0, NETOPT_HEADER_FILE }, \
	{ "cacert", required_argument, 0, NETOPT_CACERT }, { "pin", required_argument, 0, NETOPT_PIN },           \
	{ "timeout", required_argument, 0, NETOPT_TIMEOUT }, { "retry", required_argument, 0, NETOPT_RETRY },    \
	{ "wait-network", required_argument, 0, NETOPT_WAIT }, { "proxy", required_argument, 0, NETOPT_PROXY },  \
	{ "max-bytes", required_argument, 0, NETOPT_MAX_BYTES }, { "allow-http", no_argument, 0, NETOPT_ALLOW_HTTP }, \
	{ "cache", required_argument, 0, NETOPT_CACHE }

#define NETCLI_HELP                                                                                  \
	"  --format lines|json      body format (default: authorized_keys lines)\n"             \
	"  --json-path P            with --format json: strings to take, e.g. ssh_keys or [].key\n"   \
	"  --header 'Name: value'   extra request header (repeatable)\n"                             \
	"  --header-file PATH       headers from a file (keeps tokens out of ps)\n"          \
	"  --cacert FILE            trust only the CA certificates in FILE\n"                          \
	"  --pin sha256//BASE64     require the server's public key (SPKI) hash, as curl\n"          \
	"  --timeout S              one deadline for all sources, retries included (default 30)\n"                          \
	"  --retry N                retries on connection errors, timeouts, 429, 5xx (default 3)\n"  \
	"  --wait-network S         keep retrying for S seconds (boot: network not up yet)\n"   \
	"  --proxy URL              HTTP CONNECT proxy (default: HTTPS_PROXY, NO_PROXY)\n"           \
	"  --max-bytes N            body size limit (default 1048576)\n"                               \
	"  --allow-http             permit plain http:// (link-local metadata services)\n"            \
	"  --cache DIR              keep the last good body; revalidate with ETag/Last-Modified\n"

/* fetch and sync only (install refuses any invalid key). */
#define NETCLI_HELP_SKIP "  --skip-invalid           drop (and report) invalid keys instead of refusing all\n"

/* Handles option c (a NETOPT_*) for cmd. Returns 0, or EXIT_USAGE after printing the reason. */
int netcli_option(int c, const char *arg, struct netsrc_opts *o, const char *cmd);
/* Checks the combination after parsing (json-path needs format json). Returns 0 or EXIT_USAGE. */
int netcli_finish(struct netsrc_opts *o, const char *cmd);

#endif

/* Keys gathered from SOURCEs: normalised authorized_keys lines, duplicates (same key data) dropped. */
struct netkeys {
	char **lines;
	char **b64;   /* the key data of each line, for duplicate detection */
	size_t n, cap;
};

/* Reads every spec (network or local, via source_read), validates each key with the paste
 * normaliser, and appends them to out. One invalid key fails everything (EXIT_REJECT) unless
 * skip_invalid (then each skipped key is reported). Each source on its own must give at least one
 * valid key (an empty response, or one whose keys were all skipped, fails with EXIT_REJECT) unless
 * allow_empty: for sync an empty source must never remove keys. block (or NULL) names the managed
 * block in that refusal. Prints one line per failure; returns EXIT_OK or the exit code. */
int netcli_collect(const char *cmd, char *const *specs, int nspecs, int skip_invalid, int allow_empty,
		   const char *block, struct netkeys *out);
void netkeys_free(struct netkeys *k);
