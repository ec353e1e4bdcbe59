/* cmd_entrypoint.c: keydrop entrypoint [OPTIONS] [SOURCE...] -- CMD [ARG...], a container's start
 * command (ENTRYPOINT ["/usr/local/bin/keydrop", "entrypoint", "--", "/usr/sbin/sshd", "-D", "-e"]):
 * host keys kept in --state DIR across restarts and copied into /etc/ssh, the keys of PUBLIC_KEY,
 * SSH_PUBLIC_KEY, KEYDROP_SOURCES and the SOURCEs each in a managed block of their own (a restart
 * never duplicates, a changed value replaces), then exec CMD: keydrop leaves no process behind and
 * signals reach CMD directly. A boot never locks everyone out: a bad or unreachable source is one
 * line on stderr, its keys from earlier starts stay, the rest still happens and CMD still starts
 * (--strict: exit 1 instead). */
#include <errno.h>
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
#include "hostkeydir.h"
#include "hoststate.h"
#include "netcli.h"
#include "opts.h"
#include "osutil.h"
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
	struct rlimit core = { 0, 0 }; /* as keydrop was given them: CMD gets them back */
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
	osutil_protect_secrets_until_exec(&core);
	failed |= hoststate_keys(state, types, ntypes, g->quiet) < 0;
	failed |= hoststate_run_sshd() < 0;
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
	if (core.rlim_max) /* CMD's limits are the ones keydrop was given (0/0: nothing to give back) */
		setrlimit(RLIMIT_CORE, &core);
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
