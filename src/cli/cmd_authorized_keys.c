/* cmd_authorized_keys.c: keydrop authorized-keys --user %u SOURCE...: sshd's
 * AuthorizedKeysCommand. Prints the validated keys of the user (options kept) and nothing else.
 * Every login runs it, so: the cache answers within --ttl without a request; one short deadline
 * (2 s) bounds everything; a failed source is served from its last good copy up to --max-stale;
 * any runtime failure prints no keys and exits 0 (sshd then falls back to AuthorizedKeysFile) with
 * one line on stderr; the user name is checked before it reaches a URL, a path or a command. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "akcopts.h"
#include "authkeys.h"
#include "cliconf.h"
#include "cmd.h"
#include "cmdline.h"
#include "deadline.h"
#include "die.h"
#include "netcli.h"
#include "opts.h"
#include "osutil.h"
#include "fingerprint.h"
#include "subproc.h"
#include "target.h"
#include "targetcli.h"

static const char *const help[] = {
	"usage: keydrop authorized-keys --user USER [--key-type T --key KEY] [OPTIONS] SOURCE...\n"
	"sshd's AuthorizedKeysCommand: prints USER's validated keys (authorized_keys lines) and\n"
	"nothing else. In sshd_config (or let 'keydrop sshd-config' write it):\n"
	"  AuthorizedKeysCommand /usr/local/bin/keydrop authorized-keys --user %u --key-type %t --key %k\n"
	"      --run-as keydrop https://keys.example/%%u.keys\n"
	"  AuthorizedKeysCommandUser root\n"
	"SOURCE: gh:%u, https://.../%u..., a file; keydrop expands %u (and %%) itself, after checking\n"
	"the name ([A-Za-z0-9._-], up to 64 bytes): sshd expands tokens first, so write %%u there.\n"
	"Cached in --cache DIR (default " AKC_CACHE_DEFAULT ", owned by the AuthorizedKeysCommandUser,\n"
	"not writable by others): within --ttl no request; then revalidated (ETag); a failing source\n"
	"is served from its copy up to --max-stale old; a 404 is remembered for --ttl.\n"
	"Any failure: no keys from that source, one line on stderr, exit 0 (sshd falls back to\n"
	"AuthorizedKeysFile). Usage errors exit 2.\n"
	"options:\n"
	"  --user USER              the login name (%u)\n"
	"  --key-type T, --key KEY  the offered key (%t %k): print only its line (and cert-authority lines)\n"
	"  --config FILE            more options, one per line: 'ttl 30', 'source gh:%u', 'chain /usr/bin/x %u'\n"
	"                           (FILE owned by root or the caller, not writable by others)\n"
	"  --run-as NAME            started as root: read USER's removals (keydrop remove), then become\n"
	"                           NAME for the cache, the network and --chain (sshd-config's setup)\n",
	AKC_HELP_FWD,
	"  --timeout S              one deadline for all sources (default 2)\n"
	"  --retry N                retries within the deadline (default 0)\n"
	"  --cache DIR              the cache (default " AKC_CACHE_DEFAULT ")\n"
	"  other network options as 'keydrop fetch --help': --format --json-path --header-file --cacert\n"
	"  --pin --proxy --max-bytes --allow-http --github-url --gitlab-url --launchpad-url\n",
	NULL
};

static const char cmd[] = "authorized-keys";

/* A --chain command: split as sshd splits, tokens filled in, started now. */
static int chain_start(const struct akc_opts *a, const char *line, struct subproc *sp, size_t max)
{
	struct cmdline raw = { 0 }, ex = { 0 };
	int r = cmdline_split(line, &raw);

	if (r == CMDLINE_OK && raw.n == 0)
		r = CMDLINE_EMPTY;
	for (int i = 0; r == CMDLINE_OK && i < raw.n; i++) {
		r = cmdline_expand(raw.v[i], a->user, a->key_type, a->key, &ex.v[i]);
		ex.n = i + (r == CMDLINE_OK);
	}
	if (r != CMDLINE_OK)
		msg_err(cmd, "--chain %s: %s; not run", line, cmdline_strerror(r));
	else if (subproc_start(sp, ex.v, max, 0) != SUBPROC_OK) {
		msg_err(cmd, "--chain %s: %s; not run", ex.v[0], osutil_strerror(errno));
		r = -1;
	}
	cmdline_free(&raw);
	cmdline_free(&ex);
	return r;
}

/* Reads one source into ks: its answer, else (authorized-keys' promise) its last good copy. */
static void add_source(struct source_ctx *c, struct keyset *ks, const char *spec)
{
	static const struct collect_opts co = { COLLECT_ALLOW_EMPTY, NULL };
	struct source_text t;
	char err[1024];
	int valid = 0, net = source_kind(spec) == SRC_NET;
	size_t before = ks->n;
	int r = source_read(c, spec, &t, err, sizeof err);

	if (r == SRCE_OK) {
		char why[1024];
		int answer = t.keep != NULL; /* a new answer of the server's, not the cached copy */
		r = keyset_add_text(ks, c, &co, spec, net, t.p, t.len, &valid, why, sizeof why);
		if (r == SRCE_OK && (valid || ks->n == before))
			source_keep(c, &t); /* only an answer accepted whole is cached (an empty one too) */
		source_text_free(&t);
		if (r != SRCE_OK) {
			snprintf(err, sizeof err, "%s", why);
			/* A new answer with a key sshd cannot use: the source failed; its last good copy.
			 * (A cached copy that no longer passes, e.g. an expiry-time now past, is not a
			 * failure of the server's: the next call after --ttl asks it.) */
			if (answer && netsrc_stale_refused(c, spec, &t) == 0) {
				r = keyset_add_text(ks, c, &co, spec, net, t.p, t.len, &valid, why, sizeof why);
				source_text_free(&t);
			}
		}
		if (r == SRCE_OK)
			return;
		msg_err(cmd, "%s; no keys from it", err);
		return;
	}
	msg_err(cmd, "%s: %s; no keys from it", spec, err);
}

/* A --chain command's keys: its whole output when it exits 0 in time (as sshd takes it). */
static void add_chain(struct source_ctx *c, struct keyset *ks, struct subproc *sp, const char *line,
		      int64_t deadline)
{
	static const struct collect_opts co = { COLLECT_SKIP_INVALID | COLLECT_ALLOW_EMPTY, NULL };
	char err[1024];
	int valid, r = subproc_finish(sp, deadline);

	if (r == SUBPROC_TIMEOUT)
		msg_err(cmd, "--chain %s: no answer within --chain-timeout; killed, no keys from it", line);
	else if (r == SUBPROC_TOOBIG)
		msg_err(cmd, "--chain %s: more than --max-bytes of output; killed, no keys from it", line);
	else if (r == SUBPROC_STATUS)
		msg_err(cmd, "--chain %s: failed (%s %d); no keys from it", line,
			WIFSIGNALED(sp->status) ? "signal" : "exit status",
			WIFSIGNALED(sp->status) ? WTERMSIG(sp->status) : WEXITSTATUS(sp->status));
	else if (r == SUBPROC_OK && memchr(sp->out, 0, sp->len))
		msg_err(cmd, "--chain %s: output holds NUL bytes; no keys from it", line);
	else if (r == SUBPROC_OK &&
		 keyset_add_text(ks, c, &co, line, 0, sp->out, sp->len, &valid, err, sizeof err) != SRCE_OK)
		msg_err(cmd, "%s; no keys from it", err);
	subproc_free(sp);
}

/* The SHA-256 digests a user's removals deny (keydrop remove: "# keydrop:denied" lines in the
 * blocks of ~/.ssh/authorized_keys and of every ~/.ssh/authorized_keys.d fragment). */
struct denials {
	uint8_t (*d)[32];
	size_t n, cap;
};

/* Reads one target (authorized_keys, or fragment NAME) through the safe walk and appends its
 * denials. Returns 0, or -1 when root could not read it (said: an unsafe path). */
static int denials_of(const char *user, const char *fragment, struct denials *dn, int *dirfd_out)
{
	struct target t = TARGET_INIT;
	struct target_spec sp = { .user = user, .fragment = fragment };
	struct authkeys ak = { 0 };
	char err[512];
	int r = 0;

	if (target_resolve(&t, &sp, err, sizeof err) != 0)
		goto out; /* not in the passwd file (a directory service's user): no file of ours to read */
	if (target_open_dir(&t, 0, err, sizeof err) != 0 || (t.dirfd >= 0 && target_read(&t, err, sizeof err) != 0)) {
		if (geteuid() == 0) /* root could read it: what stops it (an unsafe path) is worth a line */
			msg_err(cmd, "%s: %s; its removals not applied", t.path, err);
		r = -1;
		goto out;
	}
	if (t.data && authkeys_parse(&ak, t.data, t.len) == 0)
		for (size_t i = 0; i < ak.nlines; i++) {
			if (dn->n == dn->cap) {
				size_t nc = dn->cap ? 2 * dn->cap : 16;
				void *p = realloc(dn->d, nc * sizeof *dn->d);
				if (!p)
					break;
				dn->d = p;
				dn->cap = nc;
			}
			dn->n += (size_t)authkeys_denied_digest(&ak, i, dn->d[dn->n]);
		}
	if (dirfd_out && t.dirfd >= 0)
		*dirfd_out = fcntl(t.dirfd, F_DUPFD_CLOEXEC, 0); /* .ssh: where the fragments are */
out:
	authkeys_free(&ak);
	target_close(&t);
	return r;
}

static void read_denials(const char *user, struct denials *dn)
{
	int sshfd = -1, fd;
	DIR *d;
	struct dirent *e;

	if (denials_of(user, NULL, dn, &sshfd) != 0 || sshfd < 0)
		return;
	fd = openat(sshfd, "authorized_keys.d", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(sshfd);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) /* each fragment through the same walk and checks as --fragment */
		if (e->d_name[0] != '.' && authkeys_name_ok(e->d_name, strlen(e->d_name)))
			(void)denials_of(user, e->d_name, dn, NULL);
	closedir(d);
}

static int denied(const struct denials *dn, const struct paste_key *k)
{
	uint8_t d[32];

	if (!dn->n)
		return 0;
	fingerprint_digest(k->blob, k->bloblen, FP_SHA256, d);
	for (size_t i = 0; i < dn->n; i++)
		if (memcmp(dn->d[i], d, 32) == 0)
			return 1;
	return 0;
}

/* Started as root (sshd-config: AuthorizedKeysCommandUser root, --run-as NAME): become NAME, for
 * good, before anything reads the cache, the network or runs a --chain. Returns 0 or -1 (said). */
static int become(const char *name)
{
	struct passwd *pw = getpwnam(name);

	if (!pw || pw->pw_uid == 0) {
		msg_err(cmd, "--run-as %s: no such user (other than root); no keys", name);
		return -1;
	}
	if (geteuid() != 0) {
		if (geteuid() == pw->pw_uid)
			return 0; /* already that user */
		msg_err(cmd, "--run-as %s: started as uid %u, not root; no keys", name, (unsigned)geteuid());
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 ||
	    setuid(0) == 0) {
		msg_err(cmd, "--run-as %s: cannot become that user: %s; no keys", name, osutil_strerror(errno));
		return -1;
	}
	return 0;
}

/* With --key: the offered key's lines, and every cert-authority line (the key may be a certificate). */
static int wanted(const struct akc_opts *a, const struct paste_key *k)
{
	if (!a->key)
		return 1;
	if (strlen(a->key) == k->b64len && memcmp(a->key, k->b64, k->b64len) == 0)
		return 1;
	return k->opts && (authkeys_opts_flags(k->opts, k->optslen) & AKO_CERT_AUTHORITY);
}

static int any_wanted(const struct akc_opts *a, const struct keyset *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		if (strlen(a->key) == ks->k[i]->b64len && memcmp(a->key, ks->k[i]->b64, ks->k[i]->b64len) == 0)
			return 1;
	return 0;
}

int cmd_authorized_keys(int argc, char **argv, const struct globals *gg)
{
	static const struct option lo[] = { NETCLI_LONGOPTS, AKC_LONGOPTS_FWD, AKC_LONGOPTS_CALL, OPTS_HELP_ROW,
					    OPTS_END_ROW };
	struct globals gl = *gg, *g = &gl;
	struct cliconf conf;
	struct akc_opts a;
	struct netsrc_opts o;
	struct opts op;
	struct keyset ks = { 0 };
	struct source_ctx ctx;
	struct subproc sp[AKC_CHAIN_MAX];
	struct denials dn = { 0 };
	char **av, *specs[CMDLINE_ARGS_MAX], fresh[CMDLINE_ARGS_MAX];
	int ac, c, rc, nspecs = 0, nocache_cache = 0, started[AKC_CHAIN_MAX] = { 0 };
	int64_t chain_deadline;

	akc_defaults(&a);
	netcli_init(&o, cmd);
	o.timeout_ms = AKC_TIMEOUT_DEFAULT_MS;
	o.retries = 0; /* a refused connection goes straight to the cached copy */
	o.cache_dir = AKC_CACHE_DEFAULT;
	rc = cliconf_load(&conf, argc, argv, cmd);
	av = conf.av;
	ac = conf.ac;
	if (rc != 0)
		goto done;
	opts_init(&op, cmd, ac, av, "", lo, g, help);
	while ((c = opts_next(&op)) >= 0) {
		if (c == AKCOPT_CONFIG && (rc = cliconf_seen(ac, av, cmd)) != 0)
			goto done;
		if (c >= AKCOPT_TTL)
			rc = akc_option(c, op.arg, &a, cmd);
		else {
			nocache_cache |= c == NETOPT_CACHE;
			rc = netcli_option(c, op.arg, &o, cmd);
		}
		if (rc != 0)
			goto done;
	}
	if (c == OPTS_EXIT) {
		rc = op.rc;
		goto done;
	}
	netcli_quiet(&o, g);
	if ((rc = netcli_finish(&o, cmd)) != 0)
		goto done;
	if (!a.user) {
		rc = msg_usage(cmd, "--user USER is required (sshd: --user %%u)");
		goto done;
	}
	if (a.no_cache && nocache_cache) {
		rc = msg_usage(cmd, "--cache and --no-cache cannot be combined");
		goto done;
	}
	if (op.ind >= ac && a.nchain == 0) {
		rc = msg_usage(cmd, "no SOURCE given");
		goto done;
	}
	/* Everything below is a login: a failure means no keys from that part, exit 0. */
	o.ttl_s = a.ttl_s;
	o.max_stale_s = a.max_stale_s;
	if (a.no_cache)
		o.cache_dir = NULL;
	for (int i = op.ind; i < ac; i++) {
		const char *why = i - op.ind >= CMDLINE_ARGS_MAX ? "more than 64 sources" : akc_source_why(av[i]);
		if (why) {
			rc = msg_usage(cmd, "%s: %s", av[i], why);
			goto done;
		}
	}
	rc = EXIT_OK;
	if (!akc_user_ok(a.user)) {
		char shown[80];
		snprintf(shown, sizeof shown, "%s", a.user);
		for (char *p = shown; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				*p = '?';
		msg_err(cmd, "user name '%s%s' is not a portable user name ([A-Za-z0-9._-], up to 64 bytes); no keys",
			shown, strlen(a.user) >= sizeof shown ? "..." : "");
		goto done;
	}
	for (int i = op.ind; i < ac; i++)
		if (cmdline_expand(av[i], a.user, NULL, NULL, &specs[nspecs]) == CMDLINE_OK)
			nspecs++;
	read_denials(a.user, &dn);
	if (a.run_as && become(a.run_as) != 0)
		goto out;
	chain_deadline = deadline_now_ms() + a.chain_timeout_ms;
	for (int i = 0; i < a.nchain; i++) /* they run while the sources are read */
		started[i] = chain_start(&a, a.chain[i], &sp[i], o.max_bytes) == CMDLINE_OK;
	source_ctx_init(&ctx, &o);
	for (int i = 0; i < nspecs; i++) {
		int hits = ctx.fresh_hits;
		add_source(&ctx, &ks, specs[i]);
		fresh[i] = ctx.fresh_hits > hits;
	}
	if (a.key && ctx.fresh_hits && !any_wanted(&a, &ks) && !(a.key_type && strstr(a.key_type, "-cert-"))) {
		/* The offered key is not in what the cache says: it may have been added since. Ask the
		 * servers that answered from the cache (a conditional request: 304 when nothing changed),
		 * so a new key works at once; a key in the cached answer is served from it until --ttl.
		 * The others were asked just now: their entries answer again without a request. A
		 * certificate (%t *-cert-v01@openssh.com) is never a listed key: no second pass. */
		keyset_free(&ks);
		for (int i = 0; i < nspecs; i++) {
			o.ttl_s = fresh[i] ? 0 : a.ttl_s;
			add_source(&ctx, &ks, specs[i]);
		}
	}
	for (int i = 0; i < a.nchain; i++)
		if (started[i])
			add_chain(&ctx, &ks, &sp[i], a.chain[i], chain_deadline);
	if (keyset_finish(&ks) != 0)
		msg_err(cmd, "out of memory; no keys");
	else
		for (size_t i = 0; i < ks.n; i++) {
			const struct paste_key *k = ks.k[i];
			if (!wanted(&a, k))
				continue;
			if (denied(&dn, k)) {
				char fp[FINGERPRINT_MAX];
				fingerprint_format(k->blob, k->bloblen, FP_SHA256, fp);
				if (!o.quiet)
					msg_err(cmd, "%s: removed with keydrop remove (denied in %s's authorized_keys); not served",
						fp, a.user);
				continue;
			}
			fwrite(k->line, 1, k->len, stdout);
			putchar('\n');
		}
	if (fflush(stdout) != 0 || ferror(stdout))
		msg_err(cmd, "writing the keys: %s", errno ? osutil_strerror(errno) : "write error");
	keyset_free(&ks);
	source_ctx_free(&ctx);
out:
	free(dn.d);
	for (int i = 0; i < nspecs; i++)
		free(specs[i]);
done:
	cliconf_free(&conf);
	netcli_free(&o);
	return rc;
}
