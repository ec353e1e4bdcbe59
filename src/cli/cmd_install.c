/* cmd_install.c: keydrop install — add keys to authorized_keys, keep every other byte.
 * All sources are read and validated before the target is touched (all or nothing); keys already
 * present (same blob, whatever the comment or options) change nothing; no change means no write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "authkeys_apply.h"
#include "cmd.h"
#include "targetcli.h"
#include "die.h"
#include "osutil.h"
#include "netcli.h"
#include "opts.h"
#include "paste.h"
#include "source.h"

static const char usage[] =
	"usage: keydrop install [TARGET] [--source NAME] [--key TEXT]... [SOURCE]...\n"
	"  Adds the public keys from every --key TEXT and SOURCE (a path, file:PATH, - for stdin,\n"
	"  env:VAR; gh:USER, gl:USER, lp:USER, https://... with the network layer). Keys already\n"
	"  present are left alone; nothing else in the file changes. With --source NAME the keys go\n"
	"  into the managed block '# keydrop:begin NAME' ... '# keydrop:end NAME'.\n"
	"  A key already present with other options keeps the file's line (a warning names both);\n"
	"  --replace-options rewrites that line's options in place with the given ones.\n";
static const char usage2[] =
	"  Writers wait for the lock up to KEYDROP_LOCK_TIMEOUT_MS (default 10000) milliseconds.\n"
	"  Exit: 0 ok (also: nothing to add), 1 failure (file untouched), 2 usage, 3 key text refused.\n"
	"network sources (gh:, gl:, lp:, https://):\n";

/* A positional that is not a file but looks like key text: the user meant --key. */
static int looks_like_key_text(const char *s)
{
	return strchr(s, ' ') || strncmp(s, "ssh-", 4) == 0 || strncmp(s, "ecdsa-", 6) == 0 ||
	       strncmp(s, "sk-", 3) == 0 || strncmp(s, "SHA256:", 7) == 0 || strncmp(s, "AAAA", 4) == 0;
}

/* "'no-pty'" or "(none)", escaped for the terminal. */
static void put_opts(FILE *f, const char *o, size_t n)
{
	if (!o) {
		fputs("(none)", f);
		return;
	}
	putc('\'', f);
	cmdt_put_safe(f, o, n);
	putc('\'', f);
}

/* The key pk (as given) is present on line `at`: says so with the FILE's comment (the line is what
 * stays), and whether its options differ from the given ones (applied, or a warning naming both:
 * the user asked for restrictions the file does not have). */
static void present_say(const struct authkeys *ak, long at, const struct paste_key *pk, int differ, int replaced,
			int quiet, uint8_t *work)
{
	struct pubkey fk;
	const char *why;

	if (authkeys_line_key(ak, (size_t)at, work, PUBKEY_BLOB_MAX, &fk, &why) != PKL_OK)
		return;
	if (!quiet) {
		fputs(differ && replaced ? "options replaced " : "present ", stdout);
		cmdt_describe(stdout, fk.blob, fk.bloblen, fk.comment, fk.commentlen);
		printf(" (line %ld", at + 1);
		if (differ && replaced) {
			fputs(": ", stdout);
			put_opts(stdout, fk.opts, fk.optslen);
			fputs(" -> ", stdout);
			put_opts(stdout, pk->opts, pk->optslen);
		} else if (differ) {
			fputs(", other options", stdout);
		}
		fputs(")\n", stdout);
	}
	if (differ && !replaced) {
		fflush(stdout);
		fprintf(stderr, "keydrop: install: warning: line %ld keeps its options ", at + 1);
		put_opts(stderr, fk.opts, fk.optslen);
		fputs(", not the given ", stderr);
		put_opts(stderr, pk->opts, pk->optslen);
		fputs(" (add --replace-options to apply them)\n", stderr);
	}
}

int cmd_install(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	static const struct option longopts[] = { CMDT_SOURCE_ROW('s'), /* and cmdt_ and netcli_longopts */
						   { "key", required_argument, NULL, 'k' },
						   { "replace-options", no_argument, NULL, 'O' },
						   OPTS_END_ROW };
	struct target_spec spec = { 0 };
	struct target t = TARGET_INIT;
	struct authkeys ak = { 0 };
	struct authkeys_out out = { 0 };
	const char *block = NULL;
	const char **keys = NULL;
	struct keyset ks = { 0 };
	struct source_ctx ctx = { 0 }; /* source_ctx_free is safe on it before source_ctx_init */
	size_t nkeys = 0, nnk = 0;
	struct ak_newkey *nk = NULL;
	struct ak_install_plan plan = { 0 };
	uint8_t *work = NULL;
	int c, ret = EXIT_FAIL, replace_opts = 0, changed = 0;
	struct netsrc_opts net;
	struct opts op;

	netcli_init(&net, "install");

	if (!(keys = calloc((size_t)argc + 1, sizeof *keys)))
		return msg_fail(EXIT_FAIL, "install", "out of memory");
	static const char *const help[] = { usage, cmdt_usage, usage2, NETCLI_HELP, NULL }; /* one copy of the shared text */
	opts_init(&op, "install", argc, argv, "", longopts, g, help);
	opts_add(&op, cmdt_longopts);
	opts_add(&op, netcli_longopts);
	while ((c = opts_next(&op)) >= 0) {
		if (cmdt_target_opt(c, op.arg, &spec))
			continue;
		if (c >= NETOPT_FORMAT && c <= NETOPT_CACHE) {
			/* Network options (issue 4) apply to gh:/gl:/lp:/https:// sources. */
			if ((ret = netcli_option(c, op.arg, &net, "install")) != EXIT_OK)
				goto out;
			continue;
		}
		switch (c) {
		case 's':
			if (!authkeys_name_ok(op.arg, strlen(op.arg))) {
				ret = msg_usage("install", "--source NAME must be 1-%d of A-Z a-z 0-9 . _ @ : + -",
						AUTHKEYS_NAME_MAX);
				goto out;
			}
			block = op.arg;
			break;
		case 'k':
			keys[nkeys++] = op.arg;
			break;
		case 'O':
			replace_opts = 1;
			break;
		}
	}
	if (c == OPTS_EXIT) {
		ret = op.rc;
		goto out;
	}
	if ((ret = netcli_finish(&net, "install")) != EXIT_OK || (ret = cmdt_spec_check(&spec, "install")) != EXIT_OK ||
	    (ret = cmdt_fragment_source(&spec, block, "install")) != EXIT_OK)
		goto out;
	ret = EXIT_FAIL;
	netcli_quiet(&net, g); /* -q and -v may follow the command name */
	source_ctx_init(&ctx, &net);
	if (nkeys == 0 && optind >= argc) {
		ret = msg_usage("install", "nothing to install: give --key TEXT or a SOURCE");
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (source_kind(argv[i]) == SRC_FILE && strncmp(argv[i], "file:", 5) != 0 && stat(argv[i], &st) < 0 &&
		    looks_like_key_text(argv[i])) {
			/* Not echoed: it could be anything pasted, a private key included. */
			ret = msg_usage("install", "SOURCE %d is not a file but looks like key text; to install key text give --key 'TEXT'",
					i - optind + 1);
			goto out;
		}
	}

	/* 1. Read and validate everything before touching the target: the --key values, then the
	 * SOURCEs, through the one collection fetch and sync use (each text parsed once; a key given
	 * twice is kept once, the first time). */
	struct collect_opts co = { 0, NULL };
	for (size_t i = 0; i < nkeys; i++) {
		char err[1024];
		int valid, r = keyset_add_text(&ks, &ctx, &co, "--key", 0, keys[i], strlen(keys[i]), &valid, err, sizeof err);
		if (r != SRCE_OK) {
			ret = msg_fail(netcli_exit(r), "install", "%s", err);
			goto out;
		}
	}
	if ((ret = netcli_collect(&ctx, "install", &co, argv + optind, (size_t)(argc - optind), &ks)) != EXIT_OK)
		goto out;
	if (!(nk = calloc(ks.n + 1, sizeof *nk)) || !(plan.what = calloc(ks.n + 1, 1)) ||
	    !(plan.line = calloc(ks.n + 1, sizeof *plan.line)) || !(work = malloc(PUBKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "install", "out of memory");
		goto out;
	}
	for (nnk = 0; nnk < ks.n; nnk++) {
		const struct paste_key *pk = ks.k[nnk];
		nk[nnk] = (struct ak_newkey){ pk->line, pk->len, pk->blob, pk->bloblen, pk->opts, pk->optslen };
	}

	/* 2. Lock, read, decide (in the model), write. */
	if ((ret = cmdt_open(&t, &spec, "install", 1, 1)) != EXIT_OK)
		goto out;
	if ((c = authkeys_parse(&ak, t.data, t.len)) != AK_OK) {
		ret = msg_fail(EXIT_FAIL, "install", "%s: %s", t.path, authkeys_strerror(c));
		goto out;
	}
	/* "Already present" only when that line lets the key log in now (expiry-time is local time
	 * unless it ends in Z, as sshd reads it). */
	time_t now = time(NULL);
	c = authkeys_apply_install(&ak, block, nk, nnk, replace_opts, (long long)now, osutil_gmtoff(now), TARGET_FILE_MAX,
				   &plan, &out, &changed);
	if (c == AK_UNTERMINATED) {
		const struct authkeys_line *u = &ak.lines[ak.unterminated - 1];
		ret = msg_fail(EXIT_FAIL, "install", "%s: line %zu: '%.*s' has no end marker; fix the file first", t.path,
			       ak.unterminated, (int)(u->len > 80 ? 80 : u->len), ak.buf + u->off);
		goto out;
	}
	if (c != AK_OK) {
		ret = msg_fail(EXIT_FAIL, "install", "%s: %s", t.path, authkeys_strerror(c));
		goto out;
	}
	if (changed) {
		if ((ret = cmdt_write(&t, out.p, out.len, "install")) != EXIT_OK)
			goto out;
	}
	for (size_t k = 0; k < nnk && !g->quiet && plan.nlifted; k++) {
		long dl = plan.what[k] == AKI_REPEAT ? -1 : authkeys_blob_denied(&ak, ks.k[k]->blob, ks.k[k]->bloblen);
		if (dl >= 0) { /* said once, for its first block */
			const struct authkeys_block *b = &ak.blocks[ak.lines[dl].block - 1];
			fputs("allowed again ", stdout);
			cmdt_describe(stdout, ks.k[k]->blob, ks.k[k]->bloblen, ks.k[k]->comment, ks.k[k]->commentlen);
			printf(" (no longer denied in block %.*s)\n", (int)b->namelen, b->name);
		}
	}
	for (size_t k = 0; k < nnk && !g->quiet; k++) {
		if (plan.what[k] != AKI_ADDED)
			continue;
		fputs("added ", stdout);
		cmdt_describe(stdout, ks.k[k]->blob, ks.k[k]->bloblen, ks.k[k]->comment, ks.k[k]->commentlen);
		if (block)
			printf(" [%s]", block);
		putchar('\n');
	}
	for (size_t k = 0; k < nnk; k++)
		if (plan.what[k] == AKI_PRESENT || plan.what[k] == AKI_OTHER_OPTS || plan.what[k] == AKI_OPTS_REPLACED)
			present_say(&ak, plan.line[k], ks.k[k], plan.what[k] != AKI_PRESENT,
				    plan.what[k] == AKI_OPTS_REPLACED, g->quiet, work);
	if (!g->quiet)
		cmdt_warn_modes(&t, "install");
	if (g->verbose && !changed)
		fprintf(stderr, "keydrop: install: %s unchanged (not written)\n", t.path);
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	authkeys_free(&ak);
	free(out.p);
	target_close(&t);
	keyset_free(&ks);
	source_ctx_free(&ctx);
	free(keys);
	free(nk);
	free(plan.what);
	free(plan.line);
	free(work);
	netcli_free(&net); /* wiped: may hold a bearer token */
	return ret;
}
