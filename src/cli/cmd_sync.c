/* cmd_sync.c: keydrop sync [TARGET] --source NAME SOURCE...: make the managed block NAME hold
 * exactly the keys the sources give now (adds new keys, removes keys deleted upstream).
 * Every source is fetched and validated first; any failure changes nothing (exit 1). A source
 * that gives no valid key, or an empty result, removes keys only with --allow-empty (else exit 3). Lines outside the block are
 * never touched; an unchanged result is not written. --config FILE (keydrop-sync@.service's
 * /etc/keydrop/sync/USER.conf) holds options and sources, read as authorized-keys reads its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys_apply.h"
#include "cliconf.h"
#include "cmd.h"
#include "targetcli.h"
#include "die.h"
#include "fingerprint.h"
#include "netcli.h"
#include "opts.h"

static const char *const help[] = {
	"usage: keydrop sync [TARGET] --source NAME [OPTIONS] SOURCE...\n"
	"Replaces the keys of managed block NAME ('# keydrop:begin NAME' .. '# keydrop:end NAME')\n"
	"with the keys the SOURCEs give now, in one atomic write. Keys outside the block stay.\n"
	"Keys 'keydrop remove' took out stay out. --fragment NAME: block NAME in that file.\n",
	cmdt_usage,
	"exit: 0 ok (also: unchanged), 1 failure (nothing changed), 2 usage, 3 response rejected\n"
	"options:\n",
	NETCLI_HELP NETCLI_HELP_SKIP, /* one copy of the shared text in the binary */
	"  --allow-empty            let an empty source (or result) remove keys of the block\n",
	"  --block NAME             the same as --source NAME ('block NAME' in a --config file)\n",
	CLICONF_HELP, NULL
};

enum { OPT_SKIP = 400, OPT_EMPTY, OPT_SOURCE, OPT_CONFIG };

/* "added 256 SHA256:... comment (ED25519) [block]" for a parsed key (blob decoded by the parser). */
static void describe(const char *verb, const struct pubkey *pk, const char *block)
{
	fputs(verb, stdout);
	cmdt_describe(stdout, pk->blob, pk->bloblen, pk->comment, pk->commentlen);
	printf(" [%s]\n", block);
}

static int sync_run(int argc, char **argv, const struct globals *gg);

/* The --config file's lines go before the command line's arguments (cliconf.h). */
int cmd_sync(int argc, char **argv, const struct globals *g)
{
	struct cliconf cf;
	int ret = cliconf_load(&cf, argc, argv, "sync");

	if (ret == 0)
		ret = sync_run(cf.ac, cf.av, g);
	cliconf_free(&cf);
	return ret;
}

static int sync_run(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	static const struct option lo[] = { CMDT_LONGOPTS, NETCLI_LONGOPTS,
					    CMDT_SOURCE_ROW(OPT_SOURCE),
					    { "allow-empty", no_argument, 0, OPT_EMPTY },
					    { "skip-invalid", no_argument, 0, OPT_SKIP },
					    { "config", required_argument, 0, OPT_CONFIG },
					    /* --source NAME, as a --config file writes it ('source' lines are SOURCEs) */
					    { "block", required_argument, 0, OPT_SOURCE },
					    OPTS_HELP_ROW, OPTS_END_ROW };
	/* the sources, read first */
	struct netsrc_opts o;
	struct keyset keys = { 0 };
	struct source_ctx ctx = { 0 }; /* source_ctx_free is safe on it before source_ctx_init */
	struct ak_newkey *nk = NULL;
	/* then the target */
	struct target_spec spec = { 0 };
	struct target t = TARGET_INIT;
	struct authkeys ak = { 0 };
	struct authkeys_out o1 = { 0 };
	const char *name = NULL;
	uint8_t *removed = NULL, *isnew = NULL, *work = NULL;
	int c, skip = 0, allow_empty = 0, changed = 0, ret = EXIT_FAIL;
	size_t n_removed = 0, n_added = 0, n_denied = 0;

	netcli_init(&o, "sync");
	opts_init(&op, "sync", argc, argv, "", lo, g, help);
	while ((c = opts_next(&op)) >= 0) {
		if (cmdt_target_opt(c, op.arg, &spec))
			continue;
		switch (c) {
		case OPT_SOURCE:
			if (!authkeys_name_ok(op.arg, strlen(op.arg))) {
				ret = msg_usage("sync", "--source NAME must be 1-%d of A-Z a-z 0-9 . _ @ : + -", AUTHKEYS_NAME_MAX);
				goto out;
			}
			name = op.arg;
			break;
		case OPT_EMPTY:
			allow_empty = 1;
			break;
		case OPT_SKIP:
			skip = 1;
			break;
		case OPT_CONFIG: /* already read by cmd_sync */
			if ((ret = cliconf_seen(argc, argv, "sync")) != EXIT_OK)
				goto out;
			ret = EXIT_FAIL;
			break;
		default:
			if ((ret = netcli_option(c, op.arg, &o, "sync")) != EXIT_OK)
				goto out;
			ret = EXIT_FAIL;
		}
	}
	if (c == OPTS_EXIT) {
		ret = op.rc;
		goto out;
	}
	netcli_quiet(&o, g); /* -q and -v may follow the command name */
	if ((ret = netcli_finish(&o, "sync")) != EXIT_OK || (ret = cmdt_spec_check(&spec, "sync")) != EXIT_OK ||
	    (ret = cmdt_fragment_source(&spec, name, "sync")) != EXIT_OK)
		goto out;
	if (spec.fragment) /* the fragment is keydrop's own file: its block is named after it */
		name = spec.fragment;
	if (!name) {
		ret = msg_usage("sync", "--source NAME is required (the managed block to replace)");
		goto out;
	}
	if (op.ind >= argc) {
		ret = msg_usage("sync", "no SOURCE given");
		goto out;
	}

	/* 1. Everything fetched and validated before the target is opened. */
	source_ctx_init(&ctx, &o);
	/* Every source individually: one that is empty (or has no valid key left by --skip-invalid)
	 * would otherwise silently remove its keys while the others keep the total non-empty. */
	struct collect_opts co = { (skip ? COLLECT_SKIP_INVALID : 0) | (allow_empty ? COLLECT_ALLOW_EMPTY : 0), name };
	if ((ret = netcli_collect(&ctx, "sync", &co, argv + optind, (size_t)(argc - optind), &keys)) != EXIT_OK)
		goto out;
	if (keys.n == 0 && !allow_empty) {
		ret = msg_fail(EXIT_REJECT, "sync", "the sources gave no keys; refusing to empty block '%s' (--allow-empty to allow)",
			       name);
		goto out;
	}

	/* 2. Lock, read, replace the block's lines (decided in the model), write. */
	if (!(nk = calloc(keys.n + 1, sizeof *nk)) || !(isnew = calloc(keys.n + 1, 1)) || !(work = malloc(PUBKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "sync", "out of memory");
		goto out;
	}
	for (size_t k = 0; k < keys.n; k++) /* the blobs the collection decoded once */
		nk[k] = (struct ak_newkey){ keys.k[k]->line, keys.k[k]->len, keys.k[k]->blob, keys.k[k]->bloblen, NULL, 0 };
	if ((ret = cmdt_open(&t, &spec, "sync", 1, 1)) != EXIT_OK)
		goto out;
	ret = EXIT_FAIL;
	if ((c = authkeys_parse(&ak, t.data, t.len)) != AK_OK || !(removed = calloc(ak.nlines + 1, 1))) {
		ret = msg_fail(EXIT_FAIL, "sync", "%s: %s", t.path, authkeys_strerror(c ? c : AK_NOMEM));
		goto out;
	}
	c = authkeys_apply_sync(&ak, name, nk, keys.n, TARGET_FILE_MAX, removed, isnew, &o1, &changed);
	if (c == AK_UNTERMINATED) {
		ret = msg_fail(EXIT_FAIL, "sync", "%s: line %zu: a '# keydrop:begin' marker has no end marker; fix the file first",
			       t.path, ak.unterminated);
		goto out;
	}
	if (c != AK_OK) {
		ret = msg_fail(EXIT_FAIL, "sync", "%s: %s", t.path, authkeys_strerror(c));
		goto out;
	}
	if (!changed) {
		if (g->verbose)
			fprintf(stderr, "keydrop: sync: %s unchanged (not written)\n", t.path);
	} else {
		if ((ret = cmdt_write(&t, o1.p, o1.len, "sync")) != EXIT_OK)
			goto out;
	}
	for (size_t i = 0; i < ak.nlines; i++) {
		struct pubkey pk;
		const char *why;
		if (removed[i] == 1) {
			n_removed++;
			if (!g->quiet && authkeys_line_key(&ak, i, work, PUBKEY_BLOB_MAX, &pk, &why) == PKL_OK)
				describe("removed ", &pk, name);
		}
	}
	for (size_t k = 0; k < keys.n; k++) {
		struct pubkey pk; /* the real parser: options may hold quoted blanks */
		if (isnew[k] == 2) { /* said, not an error: the user removed it from this block */
			char fp[FINGERPRINT_MAX];
			n_denied++;
			fingerprint_format(keys.k[k]->blob, keys.k[k]->bloblen, FP_SHA256, fp);
			if (g->quiet)
				continue;
			fflush(stdout);
			msg_err("sync", "%s is denied in block %s: not added (install allows it)", fp, name);
			continue;
		}
		if (!isnew[k])
			continue;
		n_added++;
		if (!g->quiet && pubkey_parse_line(keys.k[k]->line, keys.k[k]->len, work, PUBKEY_BLOB_MAX, &pk) == PKL_OK)
			describe("added ", &pk, name);
	}
	if (!g->quiet)
	{
		printf("block %s: %zu key%s (%zu added, %zu removed", name, keys.n - n_denied,
		       keys.n - n_denied == 1 ? "" : "s", n_added, n_removed);
		if (n_denied)
			printf(", %zu denied", n_denied);
		puts(")");
	}
	/* The report is secondary to the write that already happened. Exit 0: sync's exit 1 promises
	 * "nothing changed", which would be false now (a caller would treat a done sync as failed). The
	 * lost report is said on stderr instead. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg_err("sync", "%s: keys synced (block %s), but the report could not be written to stdout: %s", t.path,
			name, strerror(errno));
		clearerr(stdout); /* said here; main's stdout check must not say it again or turn it into exit 1 */
	}
	ret = EXIT_OK;
out:
	authkeys_free(&ak);
	free(o1.p);
	free(nk);
	free(isnew);
	free(removed);
	free(work);
	target_close(&t);
	keyset_free(&keys);
	source_ctx_free(&ctx);
	netcli_free(&o);
	return ret;
}
