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
	"Prints (--write: installs) the sshd drop-in that runs 'keydrop authorized-keys --user %u\n"
	"--key-type %t --key %k [OPTIONS] SOURCE...' as sshd's AuthorizedKeysCommand, into the directory\n"
	"FILE's Include line names (Debian: /etc/ssh/sshd_config.d/" SSHDCFG_DROPIN ", read first).\n"
	"An AuthorizedKeysCommand already in force (sshd -T) is refused unless a --chain is that command.\n"
	"--write then checks 'sshd -t' and that sshd -T shows the new command, and puts the old file back\n"
	"if not. SOURCE and --chain may hold %u (the login name, checked before use).\n"
	"exit: 0 ok (also: unchanged), 1 refused or failed (nothing changed), 2 usage\n"
	"options:\n"
	"  --sshd-config FILE       the main sshd configuration (default /etc/ssh/sshd_config)\n"
	"  --user-akc NAME          AuthorizedKeysCommandUser, owner of the cache (default keydrop)\n"
	"  --create-user            with --write, create NAME as a system user when missing\n"
	"  --write                  install the drop-in and the cache directory (default: print)\n",
	AKC_HELP_FWD, NETCLI_HELP, NULL
};

enum { OPT_FILE = 600, OPT_USER, OPT_CREATE, OPT_WRITE };

/* Records option c (value arg) for the command line, checked as authorized-keys checks it. */
static int take(struct sshdcfg *s, const struct option *lo, int c, char *arg)
{
	int rc;

	if (c == NETOPT_HEADER) /* sshd_config and /proc/PID/cmdline are world-readable */
		return msg_usage("sshd-config", "--header would put the token into sshd_config "
				 "(use --header-file FILE readable by the AKC user only)");
	if ((c == NETOPT_CACERT || c == NETOPT_HEADER_FILE || c == NETOPT_CACHE) && arg[0] != '/')
		return msg_usage("sshd-config", "%s: sshd runs the command from /: give an absolute path", arg);
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

	if (sshdconf_quote(arg, percent, q, sizeof q) < 0)
		return -1;
	return put(s, " ") || put(s, q);
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
	for (int i = 0; i < s->nfwd; i += 2)
		r |= put(s, " --") || put(s, s->fwd[i]) || (s->fwd[i + 1] && put_arg(s, s->fwd[i + 1], 0));
	for (int i = 0; i < s->nsrc; i++)
		r |= put_arg(s, s->src[i], 0);
	r |= put(s, "\nAuthorizedKeysCommand ");
	start = s->outlen;
	/* argument 0 is the one sshd does not %-expand; it must start with '/' unquoted */
	r |= put(s, s->exe) || put(s, " authorized-keys --user %u --key-type %t --key %k");
	for (int i = 0; i < s->nfwd; i += 2)
		r |= put(s, " --") || put(s, s->fwd[i]) || (s->fwd[i + 1] && put_arg(s, s->fwd[i + 1], 1));
	r |= put(s, " --");
	for (int i = 0; i < s->nsrc; i++)
		r |= put_arg(s, s->src[i], 1);
	if (!r && s->outlen - start < sizeof s->akcline) {
		memcpy(s->akcline, s->out + start, s->outlen - start);
		s->akcline[s->outlen - start] = 0;
	} else
		r = -1;
	r |= put(s, "\nAuthorizedKeysCommandUser ") || put(s, s->user) || put(s, "\n");
	return r ? -1 : 0;
}

/* The directory of FILE's first Include pattern (before any Match) that our drop-in's name matches. */
static int find_dropin_dir(struct sshdcfg *s, const char *text, size_t len)
{
	struct sshdconf_line l;
	size_t pos = 0, i;
	unsigned ln = 0;
	char w[PATH_MAX];

	while (sshdconf_next(text, len, &pos, &ln, &l)) {
		if (sshdconf_is(&l, "match"))
			break; /* an Include under Match applies to some connections only */
		if (!sshdconf_is(&l, "include"))
			continue;
		for (i = 0; sshdconf_word(l.rest, l.restlen, &i, 1, w, sizeof w) == 1;) {
			char *slash = strrchr(w, '/');
			/* relative: sshd reads it under /etc/ssh (SSHDIR) */
			const char *pre = w[0] == '/' ? "" : "/etc/ssh/";
			if (!slash || !sshdconf_glob(slash + 1, SSHDCFG_DROPIN))
				continue;
			*slash = 0;
			if (strpbrk(w, "*?[") || (size_t)snprintf(s->dir, sizeof s->dir, "%s%s", pre, w) >= sizeof s->dir)
				continue;
			s->include_line = l.lineno;
			return 0;
		}
	}
	return -1;
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
static int keep_others(struct sshdcfg *s, const struct globals *g)
{
	char w[SSHDCFG_OUT_MAX / 2], prev[SSHDCFG_OUT_MAX / 2];
	size_t i = 0;

	if (strcmp(s->eff_cmd, "none") == 0 || !s->eff_cmd[0])
		return 0;
	if (!s->ours || strcmp(s->eff_cmd, s->old_akc) != 0) {
		if (!chained(s, s->eff_cmd))
			return msg_fail(EXIT_FAIL, "sshd-config",
					"sshd already runs AuthorizedKeysCommand '%s' (add --chain '%s' to keep it)",
					s->eff_cmd, s->eff_cmd);
		if (!g->quiet && strcmp(s->eff_user, s->user) != 0)
			msg_err("sshd-config", "note: the chained '%s' will run as %s (our AuthorizedKeysCommandUser), "
				"not as %s", s->eff_cmd, s->user, s->eff_user);
		return 0;
	}
	/* our drop-in is in force: the commands it chains stay unless named again */
	while (sshdconf_word(s->eff_cmd, strlen(s->eff_cmd), &i, 0, w, sizeof w) == 1 && strcmp(w, "--") != 0) {
		if (strcmp(w, "--chain") != 0 || sshdconf_word(s->eff_cmd, strlen(s->eff_cmd), &i, 0, w, sizeof w) != 1)
			continue;
		size_t k = 0;
		for (const char *p = w; *p; p++) { /* undo the %% of sshdconf_quote */
			if (p[0] == '%' && p[1] == '%')
				p++;
			prev[k++] = *p;
		}
		prev[k] = 0;
		if (!chained(s, prev))
			return msg_fail(EXIT_FAIL, "sshd-config",
					"the drop-in in force chains '%s' (add --chain '%s' to keep it)", prev, prev);
	}
	return 0;
}

int cmd_sshd_config(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	static const struct option lo[] = {
		{ "sshd-config", required_argument, 0, OPT_FILE }, { "user-akc", required_argument, 0, OPT_USER },
		{ "create-user", no_argument, 0, OPT_CREATE }, { "write", no_argument, 0, OPT_WRITE },
		NETCLI_LONGOPTS, AKC_LONGOPTS_FWD, OPTS_HELP_ROW, OPTS_END_ROW
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
	while ((c = opts_next(&op)) >= 0) {
		if (c == OPT_FILE)
			s->file = op.arg;
		else if (c == OPT_USER)
			s->user = op.arg;
		else if (c == OPT_CREATE)
			s->create = 1;
		else if (c == OPT_WRITE)
			s->write = 1;
		else if ((rc = take(s, lo, c, op.arg)) != 0)
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
	for (int i = 0; i < s->nsrc; i++)
		if (strcmp(s->src[i], "-") == 0) {
			msg_usage("sshd-config", "SOURCE '-': sshd gives the command no input");
			goto out;
		}
	if (!akc_user_ok(s->user)) {
		msg_usage("sshd-config", "--user-akc: not a user name ([A-Za-z0-9._-], 1..64 bytes)");
		goto out;
	}
	rc = EXIT_FAIL;
	if (osproc_self_exe(s->exe, sizeof s->exe, why, sizeof why) != 0) {
		msg_err("sshd-config", "sshd would refuse to run this binary: %s (install keydrop into "
			"/usr/local/bin first)", why);
		goto out;
	}
	if (strpbrk(s->exe, " \t\"'\\#%")) {
		msg_err("sshd-config", "%s: sshd cannot take this path as a command (install keydrop into "
			"/usr/local/bin first)", s->exe);
		goto out;
	}
	if (!s->create && !getpwnam(s->user)) {
		msg_err("sshd-config", "no user %s (add --create-user to make it a system user)", s->user);
		goto out;
	}
	{
		char *text = NULL;
		size_t len;
		if (osutil_slurp(s->file, 1 << 20, &text, &len) != 0) {
			msg_err("sshd-config", "%s: %s", s->file, osutil_strerror(errno));
			goto out;
		}
		int found = find_dropin_dir(s, text, len);
		s->main_text = text;
		s->main_len = len;
		if (found != 0) {
			msg_err("sshd-config", "%s includes no drop-in directory (add 'Include "
				"/etc/ssh/sshd_config.d/*.conf' as its first line, or put the lines keydrop "
				"sshd-config prints at its top)", s->file);
			goto out;
		}
	}
	if (sshdcfg_before_include(s, why, sizeof why)) {
		msg_err("sshd-config", "%s sets AuthorizedKeysCommand before the Include line: sshd keeps "
			"the first one it reads (move it below the Include line)", why);
		goto out;
	}
	if ((rc = sshdcfg_effective(s)) != 0 || (rc = sshdcfg_open(s)) != 0)
		goto out;
	rc = EXIT_FAIL;
	if ((rc = keep_others(s, g)) != 0)
		goto out;
	if (compose(s) != 0) {
		rc = msg_fail(EXIT_USAGE, "sshd-config", "an argument holds a control character, or the command "
			      "is longer than %d bytes", SSHDCFG_OUT_MAX / 2);
		goto out;
	}
	if (!s->write) {
		fwrite(s->out, 1, s->outlen, stdout);
		if (!g->quiet)
			msg_err("sshd-config", "not written: --write installs it as %s/%s%s%s", s->dir, SSHDCFG_DROPIN,
				getpwnam(s->user) ? "" : " and creates the system user ", getpwnam(s->user) ? "" : s->user);
		rc = EXIT_OK;
	} else
		rc = sshdcfg_install(s, g->quiet);
	if (rc == EXIT_OK && !s->akc.no_cache && strcmp(s->user, "nobody") == 0 && !g->quiet)
		msg_err("sshd-config", "warning: every other daemon running as nobody could write the cache "
			"(a dedicated --user-akc keeps it yours)");
out:
	sshdcfg_close(s);
	netcli_free(&s->net);
	free(s->main_text);
	free(s);
	return rc;
}
