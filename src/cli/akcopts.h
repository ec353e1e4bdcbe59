/* akcopts.h: the options of `keydrop authorized-keys` (sshd's AuthorizedKeysCommand) beyond the
 * network options of netcli.h, shared with `keydrop sshd-config`, which checks them with the same
 * code and writes them into the AuthorizedKeysCommand line it makes. */
#ifndef KEYDROP_AKCOPTS_H
#define KEYDROP_AKCOPTS_H
#include <getopt.h>

enum {
	AKCOPT_TTL = 500, AKCOPT_MAX_STALE, AKCOPT_CHAIN, AKCOPT_CHAIN_TIMEOUT, AKCOPT_NO_CACHE,
	/* the per-login values sshd fills in (%u %t %k) and the config file: never forwarded */
	AKCOPT_USER, AKCOPT_KEY_TYPE, AKCOPT_KEY, AKCOPT_CONFIG, AKCOPT_RUN_AS
};

#define AKC_CHAIN_MAX 4                      /* --chain commands */
#define AKC_CACHE_DEFAULT "/var/cache/keydrop" /* outside any home; owned by AuthorizedKeysCommandUser */
#define AKC_TIMEOUT_DEFAULT_MS 2000          /* well under sshd's LoginGraceTime (120 s) */
#define AKC_TTL_DEFAULT 60
#define AKC_MAX_STALE_DEFAULT (7 * 86400)

struct akc_opts {
	const char *user;       /* --user: the login name (%u), checked by akc_user_ok before any use */
	const char *key_type;   /* --key-type (%t) */
	const char *key;        /* --key (%k): print only this key's line */
	const char *config;     /* --config FILE */
	const char *run_as;     /* --run-as NAME: started as root, read the user's denials, then become NAME */
	long long ttl_s;        /* --ttl: a cache entry younger than this is served without a request */
	long long max_stale_s;  /* --max-stale: a failed source is served from an entry this old at most */
	long long chain_timeout_ms;
	const char *chain[AKC_CHAIN_MAX]; /* --chain 'CMD ARGS' */
	int nchain;
	int no_cache;           /* --no-cache */
};

/* The options sshd-config forwards into the command line it writes (after NETCLI_LONGOPTS). */
#define AKC_LONGOPTS_FWD                                                                              \
	{ "ttl", required_argument, 0, AKCOPT_TTL }, { "max-stale", required_argument, 0, AKCOPT_MAX_STALE }, \
	{ "chain", required_argument, 0, AKCOPT_CHAIN }, { "chain-timeout", required_argument, 0, AKCOPT_CHAIN_TIMEOUT }, \
	{ "no-cache", no_argument, 0, AKCOPT_NO_CACHE }
/* The rest of authorized-keys' own options. */
#define AKC_LONGOPTS_CALL                                                                             \
	{ "user", required_argument, 0, AKCOPT_USER }, { "key-type", required_argument, 0, AKCOPT_KEY_TYPE }, \
	{ "key", required_argument, 0, AKCOPT_KEY }, { "config", required_argument, 0, AKCOPT_CONFIG }, \
	{ "run-as", required_argument, 0, AKCOPT_RUN_AS }

#define AKC_HELP_FWD                                                                                  \
	"  --ttl DURATION           serve a cached answer this long without asking (default 60s)\n"  \
	"  --max-stale DURATION     when a source fails, serve its last good answer up to this age\n"  \
	"                           (default 7d); DURATION: N, Ns, Nm, Nh or Nd\n"                      \
	"  --chain 'CMD ARGS'       also run another AuthorizedKeysCommand (absolute path; %u %t %k\n" \
	"                           %% expanded) and merge its keys (repeatable, up to 4)\n"           \
	"  --chain-timeout S        deadline of each --chain command (default 2)\n"                    \
	"  --no-cache               no cache: every login asks the sources\n"

void akc_defaults(struct akc_opts *a);
/* Handles option c (an AKCOPT_*) for cmd. Returns 0, or EXIT_USAGE after printing the reason. */
int akc_option(int c, char *arg, struct akc_opts *a, const char *cmd);
/* "90", "90s", "15m", "2h", "7d" -> seconds in [0, max]. Returns 0 or -1. */
int akc_duration(const char *s, long long max, long long *out);
/* A login name keydrop will put into a URL, a path or a command: POSIX portable characters
 * [A-Za-z0-9._-], not starting with '-', not "." or "..", 1..64 bytes. */
int akc_user_ok(const char *u);
/* A user --run-as may become: akc_user_ok and not root. */
int akc_run_as_ok(const char *u);
/* Why SOURCE cannot be an authorized-keys source (stdin, env:, an unknown kind, a %-token other
 * than %u and %%), or NULL. */
const char *akc_source_why(const char *spec);

#endif
