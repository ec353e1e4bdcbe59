/* netcli.h: the network options fetch, sync and install share (--format, --json-path, --header,
 * --cacert, --pin, --timeout, --retry, --retry-delay, --wait-network, --proxy, --max-bytes,
 * --allow-http, --github-url, --gitlab-url, --launchpad-url, --cache). */
#ifndef KEYDROP_NETCLI_H
#define KEYDROP_NETCLI_H
#include <getopt.h>

#include "collect.h"
#include "cmd.h"
#include "netsrc.h"

enum {
	NETOPT_FORMAT = 300, NETOPT_JSON_PATH, NETOPT_HEADER, NETOPT_HEADER_FILE, NETOPT_CACERT, NETOPT_PIN,
	NETOPT_TIMEOUT, NETOPT_RETRY, NETOPT_WAIT, NETOPT_PROXY, NETOPT_MAX_BYTES, NETOPT_ALLOW_HTTP,
	NETOPT_RETRY_DELAY, NETOPT_GITHUB_URL, NETOPT_GITLAB_URL, NETOPT_LAUNCHPAD_URL,
	NETOPT_CACHE /* last: install takes NETOPT_FORMAT..NETOPT_CACHE as the network options */
};

#define NETCLI_LONGOPTS                                                                              \
	{ "format", required_argument, 0, NETOPT_FORMAT }, { "json-path", required_argument, 0, NETOPT_JSON_PATH }, \
	{ "header", required_argument, 0, NETOPT_HEADER }, { "header-file", required_argument, 0, NETOPT_HEADER_FILE }, \
	{ "cacert", required_argument, 0, NETOPT_CACERT }, { "pin", required_argument, 0, NETOPT_PIN },           \
	{ "timeout", required_argument, 0, NETOPT_TIMEOUT }, { "retry", required_argument, 0, NETOPT_RETRY },    \
	{ "wait-network", required_argument, 0, NETOPT_WAIT }, { "proxy", required_argument, 0, NETOPT_PROXY },  \
	{ "max-bytes", required_argument, 0, NETOPT_MAX_BYTES }, { "allow-http", no_argument, 0, NETOPT_ALLOW_HTTP }, \
	{ "cache", required_argument, 0, NETOPT_CACHE }, { "retry-delay", required_argument, 0, NETOPT_RETRY_DELAY }, \
	{ "github-url", required_argument, 0, NETOPT_GITHUB_URL }, { "gitlab-url", required_argument, 0, NETOPT_GITLAB_URL }, \
	{ "launchpad-url", required_argument, 0, NETOPT_LAUNCHPAD_URL }

#define NETCLI_HELP                                                                                  \
	"  --format lines|json      body format (default: authorized_keys lines)\n"             \
	"  --json-path P            with --format json: strings to take, e.g. ssh_keys or [].key\n"   \
	"  --header 'Name: value'   extra request header (repeatable)\n"                             \
	"  --header-file PATH       headers from a file (keeps tokens out of ps)\n"          \
	"  --cacert FILE            trust only the CA certificates in FILE\n"                          \
	"  --pin sha256//BASE64     require the server's public key (SPKI) hash, as curl\n"          \
	"  --timeout S              one deadline for all sources, retries included (default 30)\n"                          \
	"  --retry N                retries on connection errors, timeouts, 429, 5xx (default 3)\n"  \
	"  --retry-delay MS         backoff base: try n waits up to MS*2^n ms, max 30 s (default 1000)\n" \
	"  --wait-network S         keep retrying for S seconds (boot: network not up yet)\n"   \
	"  --proxy URL              HTTP CONNECT proxy (default: HTTPS_PROXY, NO_PROXY)\n"           \
	"  --max-bytes N            body size limit (default 1048576)\n"                               \
	"  --allow-http             permit plain http:// (link-local metadata services)\n"            \
	"  --cache DIR              keep the last good body; revalidate with ETag/Last-Modified\n"    \
	"  --github-url URL         gh:USER from URL/USER.keys (GitHub Enterprise; default github.com)\n" \
	"  --gitlab-url URL         gl:USER from URL/USER.keys (self-hosted GitLab; default gitlab.com)\n" \
	"  --launchpad-url URL      lp:USER from URL/~USER/+sshkeys (default launchpad.net)\n"

/* fetch and sync only (install refuses any invalid key). */
#define NETCLI_HELP_SKIP "  --skip-invalid           drop (and report) invalid keys instead of refusing all\n"

/* NETCLI_LONGOPTS as one table (ending with a NULL row) for opts_add: one copy in the binary. */
extern const struct option netcli_longopts[];

/* Handles option c (a NETOPT_*) for cmd. Returns 0, or EXIT_USAGE after printing the reason.
 * A --header arg (argv's own string) is blanked once copied: /proc/PID/cmdline is world-readable. */
int netcli_option(int c, char *arg, struct netsrc_opts *o, const char *cmd);
/* Checks the combination after parsing (json-path needs format json; --github-url and friends are
 * https:// unless --allow-http, without query or fragment). Returns 0 or EXIT_USAGE. */
int netcli_finish(struct netsrc_opts *o, const char *cmd);
/* Wipes and frees what the options hold (the headers: tokens). */
void netcli_free(struct netsrc_opts *o);

/* A command's network options before parsing: the defaults, its name for messages, its note sink. */
void netcli_init(struct netsrc_opts *o, const char *cmd);
/* -q/-v into o after parsing (they may follow the command name). */
void netcli_quiet(struct netsrc_opts *o, const struct globals *g);

/* The note sink of the network source layer: "keydrop: CMD: line" on stderr. */
void netcli_note(void *arg, const char *cmd, const char *line);


/* Reads every spec under c and collects its keys into ks (source_collect: validated once, repeats
 * dropped). Prints the refusal ("keydrop: CMD: SPEC: reason"); returns EXIT_OK or its exit code
 * (2 for a bad SOURCE, 3 for refused content, 1 otherwise). */
int netcli_collect(struct source_ctx *c, const char *cmd, const struct collect_opts *co, char *const *specs,
		   size_t nspecs, struct keyset *ks);
/* The exit code for a source_err. */
int netcli_exit(int srce);

#endif
