/* cmd_sshd_config.c: keydrop sshd-config: the sshd drop-in that makes `keydrop authorized-keys` sshd's
 * AuthorizedKeysCommand (AKC), printed or installed (--write). sshd uses the first AKC it reads and has
 * room for one: an AKC already in force is never replaced unless --chain takes it along. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "akcopts.h"
#include "cmdline.h"
#include "cmd.h"
#include "die.h"
#include "netcli.h"
#include "opts.h"
#include "osproc.h"
#include "osutil.h"
#include "sshdcfg.h"
#include "sshdconf.h"

static const char *const help[] = {
	"usage: keydrop sshd-config [--sshd-config FILE] [--user-akc NAME] [--create-user]\n"
	"                           [--chain 'CMD ARGS']... [--write] [OPTIONS] SOURCE...\n"
	"Prints (--write: installs and checks with sshd -t/-T) the drop-in " SSHDCFG_DROPIN " that runs\n"
	"'keydrop authorized-keys ... SOURCE...' as sshd's AuthorizedKeysCommand, in the directory FILE\n"
	"(default " SSHDCFG_FILE_DEFAULT ") includes. An AuthorizedKeysCommand in force is kept only by --chain.\n"
	"exit: 0 ok, 1 refused or failed (nothing changed), 2 usage\n"
	"  --user-akc NAME          AuthorizedKeysCommandUser (default " SSHDCFG_USER_DEFAULT "); --create-user makes it\n",
	AKC_HELP_FWD, NETCLI_HELP, NULL
};

enum { OPT_FILE = 600, OPT_USER, OPT_CREATE, OPT_WRITE };

/* Records option c (value arg) for the command line, checked as authorized-keys checks it. */
static int take(struct sshdcfg *s, const struct option *lo, int c, char *arg)
{
	int rc;

	if (c == NETOPT_HEADER) /* sshd_config and /proc/PID/cmdline are world-readable */
		return msg_usage("sshd-config", "--header: sshd_config is world-readable (use --header-file)");
	if ((c == NETOPT_CACERT || c == NETOPT_HEADER_FILE || c == NETOPT_CACHE) && arg[0] != '/')
		return msg_usage("sshd-config", "%s: not an absolute path", arg);
	if (c >= AKCOPT_TTL && c <= AKCOPT_NO_CACHE)
		rc = akc_option(c, arg, &s->akc, "sshd-config");
	else
		rc = netcli_option(c, arg, &s->net, "sshd-config");
	if (rc != 0)
		return rc;
	if (s->nfwd + 2 > SSHDCFG_FWD_MAX)
		return msg_usage("sshd-config", "too many options");
	for (; lo->name; lo++)
		if (lo->val == c) {
			s->fwd[s->nfwd++] = lo->name;
			s->fwd[s->nfwd++] = arg; /* NULL for a flag */
			return 0;
		}
	return msg_usage("sshd-config", "unknown option");
}

/* Appends text to s->out. Returns 0, or -1 when the drop-in outgrows its buffer. */
static int put(struct sshdcfg *s, const char *text)
{
	size_t n = strlen(text);

	if (n >= sizeof s->out - s->outlen)
		return -1;
	memcpy(s->out + s->outlen, text, n + 1);
	s->outlen += n;
	return 0;
}

/* Appends " ARG" quoted for sshd (percent: '%' doubled, see sshdconf_quote). */
static int put_arg(struct sshdcfg *s, const char *arg, int percent)
{
	char q[SSHDCFG_OUT_MAX / 2];

	return sshdconf_quote(arg, percent, q, sizeof q) < 0 || put(s, " ") || put(s, q);
}

/* The forwarded options, then the SOURCEs (after "--" in the command sshd runs). */
static int put_args(struct sshdcfg *s, int percent)
{
	int r = 0;

	for (int i = 0; i < s->nfwd; i += 2)
		r |= put(s, " --") || put(s, s->fwd[i]) || (s->fwd[i + 1] && put_arg(s, s->fwd[i + 1], percent));
	if (percent)
		r |= put(s, " --");
	for (int i = 0; i < s->nsrc; i++)
		r |= put_arg(s, s->src[i], percent);
	return r;
}

/* The drop-in text into s->out, and the AuthorizedKeysCommand value alone into s->akcline. */
static int compose(struct sshdcfg *s)
{
	int r = 0;
	size_t start;

	s->outlen = 0;
	r |= put(s, SSHDCFG_HEADER "# keydrop sshd-config");
	if (strcmp(s->file, SSHDCFG_FILE_DEFAULT) != 0)
		r |= put(s, " --sshd-config") || put_arg(s, s->file, 0);
	if (strcmp(s->user, SSHDCFG_USER_DEFAULT) != 0)
		r |= put(s, " --user-akc") || put_arg(s, s->user, 0);
	r |= put_args(s, 0) || put(s, "\nAuthorizedKeysCommand ");
	start = s->outlen;
	/* argument 0 is the one sshd does not %-expand; it must start with '/' unquoted */
	/* started as root only to read the user's removals; --run-as: everything else as the AKC user */
	r |= put(s, s->exe) || put(s, " authorized-keys --user %u --key-type %t --key %k --run-as") ||
	     put_arg(s, s->user, 1) || put_args(s, 1);
	r |= s->outlen - start >= sizeof s->akcline;
	if (!r)
		memcpy(s->akcline, s->out + start, s->outlen - start + 1);
	r |= put(s, "\nAuthorizedKeysCommandUser root\n");
	return r ? -1 : 0;
}

/* The directory of FILE's first Include pattern (before any Match) that our drop-in's name matches. */
static int find_dropin_dir(struct sshdcfg *s)
{
	struct sshdconf_line l;
	size_t pos = 0;
	unsigned ln = 0;
	char w[PATH_MAX];
	int found = -1;

	while (found && sshdconf_next(s->main_text, s->main_len, &pos, &ln, &l) && !sshdconf_is(&l, "match")) {
		struct cmdline cl = { 0 };
		if (!sshdconf_is(&l, "include") || l.restlen >= sizeof w)
			continue;
		memcpy(w, l.rest, l.restlen);
		w[l.restlen] = 0;
		(void)cmdline_split(w, &cl);
		for (int i = 0; i < cl.n && cl.v[i][0] != '#' && found; i++) {
			char *slash = strrchr(cl.v[i], '/');
			if (!slash || !sshdconf_glob(slash + 1, SSHDCFG_DROPIN))
				continue;
			*slash = 0; /* relative: sshd reads it under /etc/ssh */
			found = strpbrk(cl.v[i], "*?[") || snprintf(s->dir, sizeof s->dir, "%s%s",
				cl.v[i][0] == '/' ? "" : "/etc/ssh/", cl.v[i]) >= (int)sizeof s->dir;
			s->include_line = l.lineno;
		}
		cmdline_free(&cl);
	}
	return found;
}

/* Whether a chain value is the command cmd. */
static int chained(const struct sshdcfg *s, const char *cmd)
{
	for (int i = 0; i < s->akc.nchain; i++)
		if (sshdconf_same_command(s->akc.chain[i], strlen(s->akc.chain[i]), cmd, strlen(cmd)))
			return 1;
	return 0;
}

/* Refuses to drop a command sshd runs now: the effective AKC when it is not ours, or a --chain of
 * our drop-in in force. Returns 0 or the exit code (message printed). */
static int keep_others(struct sshdcfg *s)
{
	if (strcmp(s->eff_cmd, "none") == 0 || !s->eff_cmd[0])
		return 0;
	if (!s->ours || strcmp(s->eff_cmd, s->old_akc) != 0) {
		if (!chained(s, s->eff_cmd))
			return msg_fail(EXIT_FAIL, "sshd-config",
					"sshd already runs AuthorizedKeysCommand '%s' (add --chain '%s' to keep it)",
					s->eff_cmd, s->eff_cmd);
		s->takes = strcmp(s->eff_user, s->user) != 0; /* said once all went well */
		return 0;
	}
	/* our drop-in is in force: the commands it chains stay unless named again */
	struct cmdline cl = { 0 };
	char *prev = NULL;
	int rc = 0;
	(void)cmdline_split(s->eff_cmd, &cl);
	for (int i = 1; i + 1 < cl.n && !rc; i++) {
		if (strcmp(cl.v[i], "--chain") != 0 || cmdline_expand(cl.v[++i], "%u", "%t", "%k", &prev) != 0)
			continue; /* expanding %% and our own tokens back gives the value as it was given */
		if (!chained(s, prev))
			rc = msg_fail(EXIT_FAIL, "sshd-config", "the drop-in in force chains '%s' (add --chain '%s' "
				      "to keep it)", prev, prev);
		free(prev);
	}
	cmdline_free(&cl);
	return rc;
}

int cmd_sshd_config(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	static const struct option lo[] = {
		{ "sshd-config", required_argument, 0, OPT_FILE }, { "user-akc", required_argument, 0, OPT_USER },
		{ "create-user", no_argument, 0, OPT_CREATE }, { "write", no_argument, 0, OPT_WRITE },
		AKC_LONGOPTS_FWD, OPTS_END_ROW /* and netcli_longopts */
	};
	struct sshdcfg *s = calloc(1, sizeof *s);
	struct opts op;
	char why[512];
	int c, rc = EXIT_FAIL;

	if (!s)
		return msg_fail(EXIT_FAIL, "sshd-config", "out of memory");
	s->dirfd = s->lockfd = -1;
	s->file = SSHDCFG_FILE_DEFAULT;
	s->user = SSHDCFG_USER_DEFAULT;
	netcli_init(&s->net, "sshd-config");
	akc_defaults(&s->akc);
	opts_init(&op, "sshd-config", argc, argv, "", lo, g, help);
	opts_add(&op, netcli_longopts);
	while ((c = opts_next(&op)) >= 0) {
		if (c == OPT_FILE)
			s->file = op.arg;
		else if (c == OPT_USER)
			s->user = op.arg;
		else if (c == OPT_CREATE)
			s->create = 1;
		else if (c == OPT_WRITE)
			s->write = 1;
		else if ((rc = take(s, op.lo, c, op.arg)) != 0)
			goto out;
	}
	rc = op.rc;
	if (c == OPTS_EXIT)
		goto out;
	netcli_quiet(&s->net, g);
	if ((rc = netcli_finish(&s->net, "sshd-config")) != 0)
		goto out;
	s->src = argv + op.ind;
	s->nsrc = argc - op.ind;
	rc = EXIT_USAGE;
	if (s->nsrc < 1) {
		msg_usage("sshd-config", "no SOURCE given");
		goto out;
	}
	for (int i = 0; i < s->nsrc; i++) { /* what authorized-keys would refuse at every login */
		const char *bad = i >= CMDLINE_ARGS_MAX ? "more than 64 sources" : akc_source_why(s->src[i]);
		if (bad) {
			msg_usage("sshd-config", "%s: %s", s->src[i], bad);
			goto out;
		}
	}
	if (!akc_run_as_ok(s->user)) {
		msg_usage("sshd-config", "--user-akc: not a user name other than root");
		goto out;
	}
	/* the path is read even when sshd would not run it: usage errors come first */
	int unsafe = osproc_self_exe(s->exe, sizeof s->exe, why, sizeof why);
	if (compose(s) != 0) {
		msg_usage("sshd-config", "a control character in an argument, or a command over %d bytes",
			  SSHDCFG_OUT_MAX / 2);
		goto out;
	}
	rc = EXIT_FAIL;
	if (unsafe || strpbrk(s->exe, " \t\"'\\#%")) {
		msg_err("sshd-config", "sshd will not run %s (%s): install keydrop into /usr/local/bin first", s->exe,
			unsafe ? why : "a blank, quote or % in the path");
		goto out;
	}
	if (!s->create && !getpwnam(s->user)) {
		msg_err("sshd-config", "no user %s (add --create-user)", s->user);
		goto out;
	}
	if (osutil_slurp(s->file, 1 << 20, &s->main_text, &s->main_len) != 0) {
		msg_err("sshd-config", "%s: %s", s->file, osutil_strerror(errno));
		goto out;
	}
	if (find_dropin_dir(s) != 0) {
		msg_err("sshd-config", "%s includes no drop-in directory (add 'Include /etc/ssh/sshd_config.d/*.conf' "
			"as its first line)", s->file);
		goto out;
	}
	if ((rc = sshdcfg_effective(s)) != 0 || (rc = sshdcfg_open(s)) != 0)
		goto out;
	if ((rc = keep_others(s)) != 0)
		goto out;
	if (!s->write) {
		fwrite(s->out, 1, s->outlen, stdout);
		if (!g->quiet)
			msg_err("sshd-config", "not written: --write installs it as %s/%s", s->dir, SSHDCFG_DROPIN);
		rc = EXIT_OK;
	} else
		rc = sshdcfg_install(s, g->quiet);
	if (rc == EXIT_OK && s->takes && !g->quiet)
		msg_err("sshd-config", "note: the chained '%s' will run as %s, not %s", s->eff_cmd, s->user, s->eff_user);
	if (rc == EXIT_OK && !s->akc.no_cache && strcmp(s->user, "nobody") == 0 && !g->quiet)
		msg_err("sshd-config", "warning: any daemon running as nobody can write the cache");
out:
	sshdcfg_close(s);
	netcli_free(&s->net);
	free(s->main_text);
	free(s);
	return rc;
}
