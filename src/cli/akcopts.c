/* akcopts.c: parsing of authorized-keys' own options (akcopts.h). */
#include <stdlib.h>
#include <string.h>

#include "akcopts.h"
#include "cmdline.h"
#include "die.h"
#include "opts.h"
#include "source.h"

void akc_defaults(struct akc_opts *a)
{
	memset(a, 0, sizeof *a);
	a->ttl_s = AKC_TTL_DEFAULT;
	a->max_stale_s = AKC_MAX_STALE_DEFAULT;
	a->chain_timeout_ms = AKC_TIMEOUT_DEFAULT_MS;
}

int akc_duration(const char *s, long long max, long long *out)
{
	char num[24];
	size_t n = strlen(s);
	long long mul = 1, v;

	if (n == 0 || n >= sizeof num)
		return -1;
	switch (s[n - 1]) {
	case 's': mul = 1; n--; break;
	case 'm': mul = 60; n--; break;
	case 'h': mul = 3600; n--; break;
	case 'd': mul = 86400; n--; break;
	}
	memcpy(num, s, n);
	num[n] = 0;
	if (opts_num(num, 0, max / mul, &v) != 0)
		return -1;
	*out = v * mul;
	return 0;
}

int akc_run_as_ok(const char *u)
{
	return akc_user_ok(u) && strcmp(u, "root") != 0;
}

int akc_user_ok(const char *u)
{
	size_t n = strlen(u);

	if (n == 0 || n > 64 || u[0] == '-' || strcmp(u, ".") == 0 || strcmp(u, "..") == 0)
		return 0;
	for (; *u; u++)
		if (!((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') || *u == '.' ||
		      *u == '_' || *u == '-'))
			return 0;
	return 1;
}

const char *akc_source_why(const char *spec)
{
	enum source_kind k = source_kind(spec);
	char *x;
	int e = cmdline_expand(spec, "u", NULL, NULL, &x); /* the SOURCE itself, before any name */

	free(x);
	if (e != CMDLINE_OK)
		return "only %u and %% may appear in a SOURCE";
	if (k == SRC_BAD)
		return "unknown kind of source";
	if (k == SRC_STDIN || k == SRC_ENV)
		return "stdin and env: are not sources at login time";
	return NULL;
}

/* A --chain command as sshd would run it: split, %-tokens known, an absolute path. */
static const char *chain_why(const char *line)
{
	struct cmdline cl = { 0 };
	int e = cmdline_split(line, &cl);
	const char *why = e != CMDLINE_OK ? cmdline_strerror(e) : cl.n == 0 ? "empty command" : NULL;

	for (int i = 0; !why && i < cl.n; i++) {
		char *x;
		if ((e = cmdline_expand(cl.v[i], "u", "t", "k", &x)) != CMDLINE_OK)
			why = cmdline_strerror(e);
		free(x);
	}
	if (!why && cl.v[0][0] != '/')
		why = "wants a command with an absolute path, as sshd does";
	cmdline_free(&cl);
	return why;
}

int akc_option(int c, char *arg, struct akc_opts *a, const char *cmd)
{
	long long v;

	switch (c) {
	case AKCOPT_TTL:
		if (akc_duration(arg, 86400, &a->ttl_s) != 0)
			return msg_usage(cmd, "--ttl wants a duration up to 1d (N, Ns, Nm, Nh)");
		return 0;
	case AKCOPT_MAX_STALE:
		if (akc_duration(arg, 366LL * 86400, &a->max_stale_s) != 0)
			return msg_usage(cmd, "--max-stale wants a duration up to 366d (N, Ns, Nm, Nh, Nd)");
		return 0;
	case AKCOPT_CHAIN: {
		const char *why = chain_why(arg);
		if (why)
			return msg_usage(cmd, "--chain %s: %s", arg, why);
		if (a->nchain == AKC_CHAIN_MAX)
			return msg_usage(cmd, "at most %d --chain commands", AKC_CHAIN_MAX);
		a->chain[a->nchain++] = arg;
		return 0;
	}
	case AKCOPT_CHAIN_TIMEOUT:
		if (opts_num(arg, 1, 60, &v) != 0)
			return msg_usage(cmd, "--chain-timeout wants seconds (1..60)");
		a->chain_timeout_ms = v * 1000;
		return 0;
	case AKCOPT_NO_CACHE:
		a->no_cache = 1;
		return 0;
	case AKCOPT_USER:
		a->user = arg;
		return 0;
	case AKCOPT_KEY_TYPE:
		a->key_type = arg;
		return 0;
	case AKCOPT_KEY:
		a->key = arg;
		return 0;
	case AKCOPT_CONFIG:
		a->config = arg;
		return 0;
	case AKCOPT_RUN_AS:
		if (!akc_run_as_ok(arg))
			return msg_usage(cmd, "--run-as wants a user name other than root");
		a->run_as = arg;
		return 0;
	}
	return msg_usage(cmd, "unknown option");
}
