/* cmd_sync.c: keydrop sync [TARGET] --source NAME SOURCE...: make the managed block NAME hold
 * exactly the keys the sources give now (adds new keys, removes keys deleted upstream).
 * Every source is fetched and validated first; any failure changes nothing (exit 1). A source
 * that gives no valid key, or an empty result, removes keys only with --allow-empty (else exit 3). Lines outside the block are
 * never touched; an unchanged result is not written. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "b64.h"
#include "cmd.h"
#include "targetcli.h"
#include "die.h"
#include "netcli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: keydrop sync [TARGET] --source NAME [OPTIONS] SOURCE...\n"
		   "Replaces the keys of managed block NAME ('# keydrop:begin NAME' .. '# keydrop:end NAME')\n"
		   "with the keys the SOURCEs give now, in one atomic write. Keys outside the block stay.\n"
		   CMDT_USAGE "options:\n");
	fputs(NETCLI_HELP NETCLI_HELP_SKIP, f); /* one copy of the shared text in the binary */
	fprintf(f, "  --allow-empty            let an empty source (or result) remove keys of the block\n"
		   "exit: 0 ok (also: unchanged), 1 failure (nothing changed), 2 usage, 3 response rejected\n");
}

enum { OPT_SKIP = 400, OPT_EMPTY, OPT_SOURCE };

/* Index in keys of the key on line i of ak (read as sshd reads it), -1 when it is not there, -2 when
 * the line holds no key. Compared by canonical key data: a line sshd reads through VT, FF or CR in the
 * base64 is the same key. */
static long line_in_keys(const struct authkeys *ak, size_t i, const struct netkeys *k, uint8_t *work, char *canon)
{
	struct pubkey pk;
	const char *why;

	if (ak->lines[i].kind != AKL_OTHER || authkeys_line_key(ak, i, work, PUBKEY_BLOB_MAX, &pk, &why) != PKL_OK)
		return -2;
	long n = b64_encode(pk.blob, pk.bloblen, canon, B64_ENCLEN(PUBKEY_BLOB_MAX) + 1, 1);
	return n < 0 ? -1 : netkeys_find(k, canon, (size_t)n);
}

/* "added 256 SHA256:... comment (ED25519) [block]" for a parsed key (blob decoded by the parser). */
static void describe(const char *verb, const struct pubkey *pk, const char *block)
{
	fputs(verb, stdout);
	cmdt_describe(stdout, pk->blob, pk->bloblen, pk->comment, pk->commentlen);
	printf(" [%s]\n", block);
}

int cmd_sync(int argc, char **argv, const struct globals *g)
{
	static const struct option lo[] = { CMDT_LONGOPTS, NETCLI_LONGOPTS,
					    { "source", required_argument, 0, OPT_SOURCE },
					    { "allow-empty", no_argument, 0, OPT_EMPTY },
					    { "skip-invalid", no_argument, 0, OPT_SKIP },
					    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	struct target_spec spec = { 0 };
	struct target t = { .homefd = -1, .dirfd = -1, .lockfd = -1 };
	struct authkeys ak = { 0 }, ak2 = { 0 };
	struct authkeys_out o1 = { 0 }, o2 = { 0 };
	struct netsrc_opts o;
	struct netkeys keys = { 0 };
	const char *name = NULL;
	uint8_t *drop = NULL, *work = NULL, *newkey = NULL;
	char *canon = NULL;
	int c, skip = 0, allow_empty = 0, ret = EXIT_FAIL;
	size_t removed = 0, added = 0;

	netsrc_defaults(&o);
	o.note = netcli_note;
	o.cmd = "sync";
	o.quiet = g->quiet;
	o.verbose = g->verbose;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", lo, NULL)) != -1) {
		if (cmdt_target_opt(c, optarg, &spec))
			continue;
		switch (c) {
		case 'h':
			usage(stdout);
			ret = EXIT_OK;
			goto out;
		case OPT_SOURCE:
			if (!authkeys_name_ok(optarg, strlen(optarg))) {
				ret = msg_usage("sync", "--source NAME must be 1-%d of A-Z a-z 0-9 . _ @ : + -", AUTHKEYS_NAME_MAX);
				goto out;
			}
			name = optarg;
			break;
		case OPT_EMPTY:
			allow_empty = 1;
			break;
		case OPT_SKIP:
			skip = 1;
			break;
		case '?':
		case ':':
			ret = msg_usage("sync", "bad option '%s'", argv[optind - 1]);
			goto out;
		default:
			if ((ret = netcli_option(c, optarg, &o, "sync")) != EXIT_OK)
				goto out;
			ret = EXIT_FAIL;
		}
	}
	if ((ret = netcli_finish(&o, "sync")) != EXIT_OK)
		goto out;
	if (!name) {
		ret = msg_usage("sync", "--source NAME is required (the managed block to replace)");
		goto out;
	}
	if (optind >= argc) {
		ret = msg_usage("sync", "no SOURCE given");
		goto out;
	}

	/* 1. Everything fetched and validated before the target is opened. */
	netsrc_configure(&o);
	/* Every source individually: one that is empty (or has no valid key left by --skip-invalid)
	 * would otherwise silently remove its keys while the others keep the total non-empty. */
	if ((ret = netcli_collect("sync", argv + optind, argc - optind, skip, allow_empty, name, &keys)) != EXIT_OK)
		goto out;
	if (keys.n == 0 && !allow_empty) {
		ret = msg_fail(EXIT_REJECT, "sync", "the sources gave no keys; refusing to empty block '%s' (--allow-empty to allow)",
			       name);
		goto out;
	}

	/* 2. Lock, read, replace the block's lines. */
	ret = EXIT_FAIL;
	if ((ret = cmdt_open(&t, &spec, "sync", 1, 1)) != EXIT_OK)
		goto out;
	ret = EXIT_FAIL;
	if (authkeys_parse(&ak, t.data, t.len) != AK_OK || !(work = malloc(PUBKEY_BLOB_MAX)) ||
	    !(drop = calloc(ak.nlines + 1, 1)) || !(canon = malloc(B64_ENCLEN(PUBKEY_BLOB_MAX) + 1)) ||
	    !(newkey = malloc(keys.n + 1))) {
		ret = msg_fail(EXIT_FAIL, "sync", "out of memory");
		goto out;
	}
	long bi = authkeys_block_find(&ak, name, strlen(name));
	if (bi < 0 && ak.unterminated) {
		ret = msg_fail(EXIT_FAIL, "sync", "%s: line %zu: a '# keydrop:begin' marker has no end marker; fix the file first",
			       t.path, ak.unterminated);
		goto out;
	}
	/* One pass over the block: each line's key is looked up once (keys x lines parses took seconds). */
	memset(newkey, 1, keys.n + 1);
	if (bi >= 0) {
		const struct authkeys_block *b = &ak.blocks[bi];
		for (size_t i = b->begin + 1; i < b->end; i++) {
			long k = line_in_keys(&ak, i, &keys, work, canon);
			drop[i] = 1;
			if (k >= 0) {
				newkey[k] = 0; /* the block has it already */
			} else if (k == -1) {
				drop[i] = 2; /* reported after the write */
				removed++;
			}
		}
	}
	for (size_t k = 0; k < keys.n; k++)
		added += newkey[k];
	if (authkeys_render_drop(&ak, drop, TARGET_FILE_MAX, &o1) != AK_OK) {
		ret = msg_fail(EXIT_FAIL, "sync", "%s: %s", t.path, authkeys_strerror(o1.err));
		goto out;
	}
	const char *final = o1.p;
	size_t finallen = o1.len;
	if (keys.n > 0) {
		size_t *lens = calloc(keys.n, sizeof *lens);
		if (!lens || authkeys_parse(&ak2, o1.p, o1.len) != AK_OK) {
			free(lens);
			ret = msg_fail(EXIT_FAIL, "sync", "out of memory");
			goto out;
		}
		for (size_t i = 0; i < keys.n; i++)
			lens[i] = strlen(keys.lines[i]);
		int r = authkeys_render_add(&ak2, name, (const char *const *)keys.lines, lens, keys.n, TARGET_FILE_MAX, &o2);
		free(lens);
		if (r != AK_OK) {
			ret = msg_fail(EXIT_FAIL, "sync", "%s: %s", t.path, authkeys_strerror(r));
			goto out;
		}
		final = o2.p;
		finallen = o2.len;
	}
	if (finallen == t.len && memcmp(final, t.data, t.len) == 0) {
		if (g->verbose)
			fprintf(stderr, "keydrop: sync: %s unchanged (not written)\n", t.path);
	} else {
		char err[TARGET_PATH_MAX + 200];
		if (target_write(&t, final, finallen, err, sizeof err) < 0) {
			ret = msg_fail(EXIT_FAIL, "sync", "%s", err);
			goto out;
		}
	}
	if (!g->quiet) {
		for (size_t i = 0; i < ak.nlines; i++) {
			struct pubkey pk;
			const char *why;
			if (drop[i] == 2 && authkeys_line_key(&ak, i, work, PUBKEY_BLOB_MAX, &pk, &why) == PKL_OK)
				describe("removed ", &pk, name);
		}
		for (size_t k = 0; k < keys.n; k++) {
			struct pubkey pk; /* the real parser: options may hold quoted blanks */
			if (newkey[k] && pubkey_parse_line(keys.lines[k], strlen(keys.lines[k]), work, PUBKEY_BLOB_MAX, &pk) == PKL_OK)
				describe("added ", &pk, name);
		}
	}
	if (!g->quiet)
		printf("block %s: %zu key%s (%zu added, %zu removed)\n", name, keys.n, keys.n == 1 ? "" : "s", added,
		       removed);
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
	authkeys_free(&ak2);
	free(o1.p);
	free(o2.p);
	free(drop);
	free(newkey);
	free(canon);
	free(work);
	target_close(&t);
	netkeys_free(&keys);
	netcli_free(&o);
	return ret;
}
