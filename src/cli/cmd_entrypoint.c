/* cmd_entrypoint.c: keydrop entrypoint [OPTIONS] [SOURCE...] -- CMD [ARG...], a container's start
 * command (ENTRYPOINT ["/usr/local/bin/keydrop", "entrypoint", "--", "/usr/sbin/sshd", "-D", "-e"]):
 * host keys kept in --state DIR across restarts and copied into /etc/ssh, the keys of PUBLIC_KEY,
 * SSH_PUBLIC_KEY, KEYDROP_SOURCES and the SOURCEs each in a managed block of their own (a restart
 * never duplicates, a changed value replaces), then exec CMD: keydrop leaves no process behind and
 * signals reach CMD directly. A boot never locks everyone out: a bad or unreachable source is one
 * line on stderr, its keys from earlier starts stay, the rest still happens and CMD still starts
 * (--strict: exit 1 instead). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "authkeys_apply.h"
#include "cmd.h"
#include "die.h"
#include "envkey.h"
#include "fingerprint.h"
#include "fsx.h"
#include "hostkeydir.h"
#include "netcli.h"
#include "opts.h"
#include "osutil.h"
#include "pathwalk.h"
#include "secret.h"
#include "targetcli.h"

static const char *const help[] = {
	"usage: keydrop entrypoint [--state DIR] [--user USER] [-t LIST] [--strict] [OPTIONS] [SOURCE...] -- CMD [ARG...]\n"
	"A container's start command. Makes the sshd host keys (kept in --state DIR: the same identity on\n"
	"every restart), installs the keys of PUBLIC_KEY, SSH_PUBLIC_KEY, KEYDROP_SOURCES (blank-separated\n"
	"SOURCEs) and the SOURCEs, each in a managed block 'entrypoint:...' of its own, then runs CMD in\n"
	"its place (exec). A source that fails is reported and skipped: its keys from earlier starts stay,\n"
	"and CMD still starts. A block whose source is no longer given is removed (when any is given).\n"
	"  --state DIR   keep the host keys in DIR (made 0700; a volume) and copy them into /etc/ssh\n"
	"                (without it: made in /etc/ssh, as hostkeys does)\n"
	"  --user USER   whose authorized_keys (default root; root needs no passwd entry: /root)\n"
	"  -t LIST       host key types (default ed25519, and every type /etc/ssh already has)\n"
	"  --strict      exit 1 instead of starting CMD when anything failed\n"
	"  --timeout S   here the deadline of each source, retries included (default 10)\n"
	"  exit: CMD's (exec); 1 failure with --strict; 2 usage; 126/127 CMD cannot be run\n"
	"options:\n",
	NETCLI_HELP, NULL
};

static const char cmd[] = "entrypoint";
#define EP_PREFIX "entrypoint:"
#define EP_SOURCES_MAX 32

struct epsrc {
	char block[AUTHKEYS_NAME_MAX + 1];
	const char *spec; /* a SOURCE, or NULL for an environment value */
	const char *env;  /* PUBLIC_KEY, SSH_PUBLIC_KEY */
	int ok;           /* read: its block becomes its keys (else the block is kept as it is) */
	int failed;       /* not read: a failure (--strict), and no block is removed this start */
	size_t added, removed;
	struct keyset ks;
};

/* The block of a source: "entrypoint:" + the spec when it makes a block name (gh:alice), else
 * "entrypoint:sha256:" + 16 hex digits of its SHA-256 (URLs and paths hold characters names may
 * not; no SOURCE starts with "sha256:"). A variable's is "entrypoint:env:NAME", as env:NAME's. */
static void block_name(const char *spec, char out[AUTHKEYS_NAME_MAX + 1])
{
	size_t n = strlen(spec);
	uint8_t h[32];

	if (n + sizeof EP_PREFIX - 1 <= AUTHKEYS_NAME_MAX && authkeys_name_ok(spec, n)) {
		snprintf(out, AUTHKEYS_NAME_MAX + 1, EP_PREFIX "%s", spec);
		return;
	}
	fingerprint_digest((const uint8_t *)spec, n, FP_SHA256, h);
	snprintf(out, AUTHKEYS_NAME_MAX + 1, EP_PREFIX "sha256:%02x%02x%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3],
		 h[4], h[5], h[6], h[7]);
}

/* Reads one source into its keyset. Invalid keys are dropped with a note (a container with one bad
 * line among good keys still gets the good ones), unless strict: then one refuses the source, as
 * a source without keys does. Returns 0, or -1 after its stderr line (s->failed set). */
static int read_source(struct source_ctx *ctx, struct epsrc *s, int strict)
{
	struct collect_opts co = { (strict ? 0 : COLLECT_SKIP_INVALID) | COLLECT_ALLOW_EMPTY, s->block };
	char err[1024], *text = NULL;
	const char *label = s->spec;
	int r, valid;

	if (s->env) {
		const char *v = getenv(s->env);
		size_t n = strlen(v), len;
		label = s->env;
		if (!(text = malloc(n + 1)))
			return s->failed = 1, msg_err(cmd, "out of memory"), -1;
		r = envkey_normalise(v, n, text, &len);
		if (r != ENVKEY_OK) { /* a slip of the template, not a failure: the last keys stay */
			msg_err(cmd, "warning: %s is %s: no key from it (the keys it gave before are kept)", s->env,
				r == ENVKEY_NULL ? "a template's unset value (null, None or undefined)" : "empty");
			free(text);
			return 0;
		}
		r = keyset_add_text(&s->ks, ctx, &co, s->env, 0, text, len, &valid, err, sizeof err);
		if (r == SRCE_OK && keyset_finish(&s->ks) < 0)
			r = SRCE_IO, snprintf(err, sizeof err, "%s: out of memory", s->env);
		secret_wipe(text, n);
		free(text);
	} else if (strcmp(s->spec, "-") == 0) {
		r = SRCE_USAGE;
		snprintf(err, sizeof err, "-: standard input is no source at a container's start");
	} else {
		char *spec = (char *)s->spec;
		r = source_collect(ctx, &co, &spec, 1, &s->ks, err, sizeof err);
	}
	if (r == SRCE_OK && s->ks.n == 0 && strict)
		r = SRCE_REJECT, snprintf(err, sizeof err, "%s gave no keys", label);
	if (r != SRCE_OK)
		return s->failed = 1, msg_err(cmd, "%s (skipped; its keys from earlier starts are kept)", err), -1;
	if (s->ks.n == 0)
		msg_err(cmd, "warning: %s gave no keys (the keys it gave before are kept)", label);
	else
		s->ok = 1;
	return 0;
}

/* One model step on the file: the result becomes the new text (*cur, owned) and its parse. */
static int step(struct authkeys *ak, char **cur, size_t *curlen, struct authkeys_out *o, int changed)
{
	if (!changed)
		return AK_OK;
	authkeys_free(ak);
	free(*cur);
	*cur = o->p;
	*curlen = o->len;
	o->p = NULL;
	return authkeys_parse(ak, *cur, *curlen);
}

/* mark grown to n bytes (the old buffer freed on failure). Returns 0 or -1. */
static int grow(uint8_t **mark, size_t n)
{
	uint8_t *m = realloc(*mark, n);

	if (!m)
		return -1;
	*mark = m;
	return 0;
}

/* Every read source's block replaced, in one write under the target's lock. The entrypoint blocks
 * of sources no longer given go too, but only with prune (every given source read, some key among
 * them): a failed fetch never takes keys away. Returns 0 or -1 (said). */
static int install(const struct target_spec *spec, struct epsrc *s, size_t ns, int prune, int quiet)
{
	struct target t = TARGET_INIT;
	struct authkeys ak = { 0 };
	struct authkeys_out o = { 0 };
	char *cur = NULL, gone[8][AUTHKEYS_NAME_MAX + 1];
	size_t curlen = 0, ngone = 0;
	uint8_t *mark = NULL;
	int r, changed, any = 0, ret = -1;

	if (cmdt_open(&t, spec, cmd, 1, 1) != EXIT_OK)
		goto out;
	if ((r = authkeys_parse(&ak, t.data, t.len)) != AK_OK)
		goto fail;
	for (size_t i = 0; i < ns; i++) {
		struct ak_newkey *nk;
		if (!s[i].ok)
			continue;
		if (!(nk = calloc(s[i].ks.n + 1, sizeof *nk)) || grow(&mark, ak.nlines + s[i].ks.n + 2) < 0) {
			free(nk);
			r = AK_NOMEM;
			goto fail;
		}
		for (size_t k = 0; k < s[i].ks.n; k++)
			nk[k] = (struct ak_newkey){ s[i].ks.k[k]->line, s[i].ks.k[k]->len, s[i].ks.k[k]->blob,
						    s[i].ks.k[k]->bloblen, NULL, 0 };
		r = authkeys_apply_sync(&ak, s[i].block, nk, s[i].ks.n, TARGET_FILE_MAX, mark, mark + ak.nlines + 1, &o,
					&changed);
		free(nk);
		for (size_t l = 0; r == AK_OK && l < ak.nlines; l++)
			s[i].removed += mark[l] == 1;
		for (size_t k = 0; r == AK_OK && k < s[i].ks.n; k++)
			s[i].added += mark[ak.nlines + 1 + k] == 1;
		if (r != AK_OK || (r = step(&ak, &cur, &curlen, &o, changed)) != AK_OK)
			goto fail;
		any |= changed;
	}
	/* Blocks of sources no longer given: the user took that source out of the container's setup. */
	for (size_t b = 0; prune && b < ak.nblocks; b++) {
		const struct authkeys_block *bl = &ak.blocks[b];
		char name[AUTHKEYS_NAME_MAX + 1];
		int given = 0;
		size_t dropped;
		if (bl->namelen > AUTHKEYS_NAME_MAX || bl->namelen < sizeof EP_PREFIX ||
		    memcmp(bl->name, EP_PREFIX, sizeof EP_PREFIX - 1) != 0)
			continue;
		memcpy(name, bl->name, bl->namelen);
		name[bl->namelen] = '\0';
		for (size_t i = 0; i < ns; i++)
			given |= strcmp(s[i].block, name) == 0;
		if (given)
			continue;
		if (grow(&mark, ak.nlines + 1) < 0) {
			r = AK_NOMEM;
			goto fail;
		}
		r = authkeys_apply_remove(&ak, NULL, 0, NULL, 0, name, TARGET_FILE_MAX, mark, &dropped, &o, &changed);
		if (r != AK_OK || (r = step(&ak, &cur, &curlen, &o, changed)) != AK_OK)
			goto fail;
		any |= changed;
		if (ngone < sizeof gone / sizeof *gone)
			memcpy(gone[ngone++], name, sizeof name);
		b = (size_t)-1; /* the blocks moved: look again from the start */
	}
	if (any && cmdt_write(&t, cur, curlen, cmd) != EXIT_OK)
		goto out;
	ret = 0;
	for (size_t i = 0; i < ns && !quiet; i++) /* said once it is true: after the write */
		if (s[i].ok)
			printf("block %s: %zu key%s (%zu added, %zu removed)\n", s[i].block, s[i].ks.n,
			       s[i].ks.n == 1 ? "" : "s", s[i].added, s[i].removed);
	for (size_t i = 0; i < ngone && !quiet; i++)
		printf("block %s: removed (its source is no longer given)\n", gone[i]);
	goto out;
fail:
	if (r == AK_UNTERMINATED)
		msg_err(cmd, "%s: line %zu: a '# keydrop:begin' marker has no end marker; fix the file first (nothing changed)",
			t.path, ak.unterminated);
	else
		msg_err(cmd, "%s: %s (nothing changed)", t.path, authkeys_strerror(r));
out:
	authkeys_free(&ak);
	free(o.p);
	free(cur);
	free(mark);
	target_close(&t);
	return ret;
}

/* Copies name (0600) or name.pub (0644) from the state into /etc/ssh when the bytes there differ,
 * atomically. Returns 1 when written, 0 when equal, -1 (said). */
static int copy_one(const struct hostkeydir *st, int etc, const char *name, mode_t mode, char *a, char *b)
{
	size_t na, nb;
	struct stat sa, sb;
	int same;

	if (fsx_read_at(st->dirfd, name, a, PRIVKEY_TEXT_MAX, &na, &sa) < 0)
		return msg_err(cmd, "%s/%s: %s", st->shown, name, strerror(errno)), -1;
	/* Ours alone: a file another uid owns, or that has another name too (a hard link made by
	 * someone who could change it there), is no identity to give sshd. */
	if (sa.st_uid != geteuid() || sa.st_nlink != 1)
		return msg_err(cmd, "%s/%s: owned by uid %u with %u links: not this machine's own key; not used", st->shown,
			       name, (unsigned)sa.st_uid, (unsigned)sa.st_nlink), -1;
	same = fsx_read_at(etc, name, b, PRIVKEY_TEXT_MAX, &nb, &sb) == 0 && na == nb && memcmp(a, b, na) == 0 &&
	       (sb.st_mode & 07777) == mode && sb.st_uid == geteuid();
	if (same)
		return 0;
	if (fsx_write_atomic(etc, name, a, na, mode, (uid_t)-1, (gid_t)-1, 1) < 0)
		return msg_err(cmd, "/etc/ssh/%s: %s", name, strerror(errno)), -1;
	return 1;
}

/* The state's keys into /etc/ssh (private key first, then its .pub, as keyfile_write_pair), under
 * the writers' lock there. Returns 0 or -1 (said). */
static int copy_keys(const struct hostkeydir *st, int etc)
{
	char *a = malloc(PRIVKEY_TEXT_MAX + 1), *b = malloc(PRIVKEY_TEXT_MAX + 1), pub[80];
	int lk = -1, made = 0, ret = -1, r;

	if (!a || !b || (lk = fsx_lock_file(etc, FSX_LOCK_NAME, 10000, &made)) < 0) {
		msg_err(cmd, "/etc/ssh: %s", !a || !b ? "out of memory" : strerror(errno));
		goto out;
	}
	ret = 0;
	for (size_t i = 0; i < st->n; i++) { /* each key on its own: one bad key costs only itself */
		if (!st->k[i].usable)
			continue;
		snprintf(pub, sizeof pub, "%s.pub", st->k[i].name);
		int r1 = r = copy_one(st, etc, st->k[i].name, 0600, a, b);
		if (r >= 0 && ((r = copy_one(st, etc, pub, 0644, a, b)) > 0 || r1 > 0) && !st->quiet)
			printf("installed %s/%s as /etc/ssh/%s\n", st->shown, st->k[i].name, st->k[i].name);
		if (r < 0)
			ret = -1;
	}
out:
	fsx_unlock_file(etc, FSX_LOCK_NAME, lk, made);
	if (a)
		secret_wipe(a, PRIVKEY_TEXT_MAX + 1);
	if (b)
		secret_wipe(b, PRIVKEY_TEXT_MAX + 1);
	free(a);
	free(b);
	return ret;
}

/* Opens (or makes, 0700) the --state directory: it must be this uid's and closed to others, as a
 * directory of private keys (a bind mount of another user's directory would let that user choose
 * the machine's identity). A mode open to others on our own directory is closed. Returns the fd,
 * or -1 with err. */
static int state_dir(const char *state, char *err, size_t errcap)
{
	uid_t me = geteuid();
	struct pathwalk w = { .root = "", .uid = me, .mkdir_mode = 0700, .mk_uid = me, .mk_gid = getegid() };
	struct stat st;
	int fd;

	if (pathwalk_open_dir(&w, state, &fd, err, errcap) != PW_OK)
		return -1;
	if (fstat(fd, &st) != 0 || st.st_uid != me) {
		snprintf(err, errcap, "owned by uid %u: another user could choose this machine's host keys (chown it to uid %u)",
			 (unsigned)st.st_uid, (unsigned)me);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0700) != 0) {
		snprintf(err, errcap, "mode %04o, and it cannot be closed to others: %s", (unsigned)(st.st_mode & 07777),
			 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Host keys: generated once into --state DIR and copied into /etc/ssh when they differ there (sshd
 * reads its default HostKey paths; no config to change), or made in /etc/ssh itself. Every
 * standard type /etc/ssh already has (the image's openssh-server made them at build time, shared by
 * every container of the image) gets its own key in the state too, so sshd presents none of the
 * image's. Prints the keys sshd will present, in cloud-init's console blocks. Returns 0 or -1. */
static int host_keys(const char *state, const enum keygen_type *asked, int nasked, int quiet)
{
	struct hostkeydir *d = calloc(1, sizeof *d), *e = NULL;
	enum keygen_type types[3];
	char err[4400], comment[300];
	int etc, ntypes = 0, ret = -1;

	if (!d)
		return msg_err(cmd, "out of memory"), -1;
	if ((etc = hostkeydir_open_sshdir("/", err, sizeof err)) < 0) {
		msg_err(cmd, "%s", err);
		free(d);
		return -1;
	}
	hostkeydir_comment(comment, sizeof comment);
	for (int i = 0; i < nasked; i++)
		types[ntypes++] = asked[i];
	for (enum keygen_type t = KT_ED25519; state && t <= KT_RSA; t++) {
		int have = 0;
		for (int i = 0; i < ntypes; i++)
			have |= types[i] == t;
		if (!have && hostkeydir_has(etc, t))
			types[ntypes++] = t;
	}
	*d = (struct hostkeydir){ .dirfd = etc, .shown = "/etc/ssh", .cmd = cmd, .comment = comment, .quiet = quiet, .fix = 1 };
	ret = 0;
	if (state && (e = calloc(1, sizeof *e)) != NULL) {
		*e = *d;
		e->shown = state;
		if ((e->dirfd = state_dir(state, err, sizeof err)) < 0) {
			msg_err(cmd, "--state %s: %s; host keys made in /etc/ssh instead (a new identity when the container is "
				"recreated)", state, err);
			ret = -1;
		} else {
			ret |= hostkeydir_make(e, types, ntypes) != EXIT_OK;
			ret |= hostkeydir_scan(e) != EXIT_OK;
			ret |= copy_keys(e, etc) < 0;
		}
	} else if (state) {
		ret = -1;
	}
	/* Whatever the state gave: sshd gets a key of every type in /etc/ssh itself. */
	ret |= hostkeydir_make(d, types, ntypes) != EXIT_OK;
	ret |= hostkeydir_scan(d) != EXIT_OK;
	hostkeydir_print(d, 1);
	ret = ret ? -1 : 0;
	if (e && e->dirfd >= 0)
		close(e->dirfd);
	free(e);
	close(etc);
	free(d);
	return ret;
}

/* /run/sshd, sshd's privilege separation directory (Debian's unit makes it with RuntimeDirectory;
 * a container has no unit): root's, 0755, as sshd requires. Returns 0 or -1 (said). */
static int run_sshd(void)
{
	uid_t me = geteuid();
	struct pathwalk w = { .root = "", .uid = me, .mkdir_mode = 0755, .mk_uid = me, .mk_gid = getegid() };
	struct stat st;
	char err[512];
	int fd;

	if (pathwalk_open_dir(&w, "/run", &fd, err, sizeof err) != PW_OK ||
	    (close(fd), pathwalk_open_dir(&w, "/run/sshd", &fd, err, sizeof err)) != PW_OK)
		return msg_err(cmd, "%s", err), -1;
	/* sshd refuses one that is not root's or that others can write: said now, or repaired when ours */
	if (fstat(fd, &st) == 0 && (st.st_uid != 0 || (st.st_mode & 022)) &&
	    (st.st_uid != me || fchmod(fd, 0755) != 0)) {
		close(fd);
		return msg_err(cmd, "/run/sshd is owned by uid %u with mode %04o: sshd refuses it (it must be root's, "
			       "not writable by others)", (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777)), -1;
	}
	close(fd);
	return 0;
}

/* SIGTERM or SIGINT to keydrop as a container's PID 1, before CMD runs: stop now (every write is
 * atomic; a temp file left behind is removed by the next writer). */
static void on_stop(int sig)
{
	_exit(128 + sig);
}

static int failed_src(const struct epsrc *s, size_t ns)
{
	for (size_t i = 0; i < ns; i++)
		if (s[i].failed)
			return 1;
	return 0;
}

int cmd_entrypoint(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	enum { OPT_STATE = 400, OPT_STRICT };
	static const struct option lo[] = { CMDT_LONGOPTS, NETCLI_LONGOPTS, { "state", required_argument, 0, OPT_STATE },
					    { "strict", no_argument, 0, OPT_STRICT }, OPTS_HELP_ROW, OPTS_END_ROW };
	static const char *const envs[] = { "PUBLIC_KEY", "SSH_PUBLIC_KEY" };
	struct netsrc_opts o;
	struct source_ctx ctx = { 0 };
	struct target_spec spec = { 0 };
	struct epsrc *s = NULL;
	const char *state = NULL, *list = "ed25519";
	char *words = NULL, **run;
	enum keygen_type types[3];
	struct rlimit core;
	size_t ns = 0, nkeys = 0;
	int c, dd, ntypes, strict = 0, failed = 0, ret = EXIT_USAGE;

	/* CMD is everything after the first "--", never options of ours. */
	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	netcli_init(&o, cmd);
	o.timeout_ms = 10000; /* a container start waits for no server longer than this (--timeout) */
	opts_init(&op, cmd, dd, argv, "t:", lo, g, help);
	while ((c = opts_next(&op)) >= 0) {
		if (cmdt_target_opt(c, op.arg, &spec))
			continue;
		if (c == OPT_STATE)
			state = op.arg;
		else if (c == OPT_STRICT)
			strict = 1;
		else if (c == 't')
			list = op.arg;
		else if (netcli_option(c, op.arg, &o, cmd) != EXIT_OK)
			goto out;
	}
	if (c == OPTS_EXIT) {
		ret = op.rc;
		goto out;
	}
	netcli_quiet(&o, g);
	if (dd + 1 >= argc) {
		msg_usage(cmd, "no command to start: give it after '--' (e.g. -- /usr/sbin/sshd -D -e)");
		goto out;
	}
	if (state && *state != '/') {
		msg_usage(cmd, "--state needs an absolute path (the container's volume), not '%s'", state);
		goto out;
	}
	if (spec.root || spec.fragment) {
		msg_usage(cmd, "--root and --fragment are not for a container's start (give --user, --home or --file)");
		goto out;
	}
	if (!spec.user && !spec.home && !spec.file)
		spec.user = "root";
	if (netcli_finish(&o, cmd) != EXIT_OK || cmdt_spec_check(&spec, cmd) != EXIT_OK ||
	    !(ntypes = hostkeydir_types(cmd, list, types)))
		goto out;
	ret = EXIT_FAIL;
	run = argv + dd + 1;

	/* The sources: the environment's, then KEYDROP_SOURCES, then the operands. */
	const char *ks = getenv("KEYDROP_SOURCES");
	if (!(s = calloc(EP_SOURCES_MAX, sizeof *s)) || (ks && !(words = strdup(ks)))) {
		msg_err(cmd, "out of memory");
		goto out;
	}
	size_t total = 0;
	for (size_t i = 0; i < sizeof envs / sizeof *envs; i++)
		if (getenv(envs[i]) && ++total <= EP_SOURCES_MAX) {
			s[ns].env = envs[i];
			snprintf(s[ns++].block, sizeof s->block, EP_PREFIX "env:%s", envs[i]);
		}
	for (char *save = NULL, *w = words ? strtok_r(words, " \t\n", &save) : NULL; w; w = strtok_r(NULL, " \t\n", &save))
		if (++total <= EP_SOURCES_MAX)
			s[ns++].spec = w;
	for (int i = op.ind; i < dd; i++)
		if (++total <= EP_SOURCES_MAX)
			s[ns++].spec = argv[i];
	if (total > EP_SOURCES_MAX)
		msg_err(cmd, "warning: %zu sources: only the first %d are read (the keys of the others stay as they are)",
			total, EP_SOURCES_MAX);

	/* 1. Host keys and sshd's directories: sshd starts whatever the key sources do. As PID 1 (a
	 * container) keydrop has no default signal actions: `docker stop` must not wait for a server. */
	if (getpid() == 1) {
		signal(SIGTERM, on_stop);
		signal(SIGINT, on_stop);
	}
	getrlimit(RLIMIT_CORE, &core);
	osutil_protect_secrets();
	failed |= host_keys(state, types, ntypes, g->quiet) < 0;
	failed |= run_sshd() < 0;
	fflush(stdout);

	/* 2. The keys: every source read, each with its own --timeout (a server that never answers
	 * must not use up the time of the sources after it), then one write. */
	for (size_t i = 0; i < ns; i++) {
		if (s[i].spec)
			block_name(s[i].spec, s[i].block);
		source_ctx_init(&ctx, &o);
		failed |= read_source(&ctx, &s[i], strict) < 0;
		source_ctx_free(&ctx);
		memset(&ctx, 0, sizeof ctx);
		nkeys += s[i].ks.n;
	}
	if (ns) { /* no source at all: keydrop does not manage this container's keys */
		int prune = !failed_src(s, ns) && total <= EP_SOURCES_MAX && nkeys > 0;
		if (spec.user && strcmp(spec.user, "root") == 0 && !spec.home && !spec.file && mkdir("/root", 0700) == 0 &&
		    !g->quiet)
			printf("made /root (0700)\n");
		failed |= install(&spec, s, ns, prune, g->quiet) < 0;
	}
	fflush(stdout);
	if (failed && strict) {
		msg_err(cmd, "not starting %s: a step failed (--strict)", run[0]);
		goto out;
	}
	/* 3. CMD in keydrop's place: same PID (a container's PID 1), signals straight to it. */
	source_ctx_free(&ctx);
	netcli_free(&o);
	for (size_t i = 0; i < ns; i++)
		keyset_free(&s[i].ks);
	free(s);
	free(words);
	fflush(NULL);
	setrlimit(RLIMIT_CORE, &core); /* CMD's limits are the ones keydrop was given */
	execvp(run[0], run);
	return msg_fail(errno == ENOENT ? 127 : 126, cmd, "cannot run %s: %s", run[0], strerror(errno));
out:
	source_ctx_free(&ctx);
	netcli_free(&o);
	for (size_t i = 0; s && i < ns; i++)
		keyset_free(&s[i].ks);
	free(s);
	free(words);
	return ret;
}
