/* cmd_remove.c: keydrop remove — drop keys by fingerprint, by exact comment, or a whole managed
 * block. Only whole lines are dropped; every other byte stays. No match means no write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "authkeys_apply.h"
#include "cmd.h"
#include "targetcli.h"
#include "die.h"
#include "fingerprint.h"
#include "opts.h"

static const char usage[] =
	"usage: keydrop remove [TARGET] FINGERPRINT... | --comment TEXT | --source NAME\n"
	"  Removes the keys with these fingerprints (as keydrop list shows them), with comment TEXT,\n"
	"  or managed block NAME. A key removed from a block is denied there: sync does not bring it\n"
	"  back, install allows it again. A FINGERPRINT matching no key nor denial: exit 1, nothing\n"
	"  written.\n";

/* What the user probably meant by an argument that is not a fingerprint ("" when nothing fits). */
static const char *not_fingerprint_hint(const char *a)
{
	struct stat st;

	if ((strstr(a, "SHA256:") || strstr(a, "MD5:")) && strpbrk(a, " \t"))
		return ": give only its SHA256:... word, not the whole line";
	if (strncmp(a, "gh:", 3) == 0 || strncmp(a, "gl:", 3) == 0 || strncmp(a, "lp:", 3) == 0 ||
	    strncmp(a, "https://", 8) == 0 || strncmp(a, "http://", 7) == 0 || strncmp(a, "env:", 4) == 0)
		return ": that is a key source; to remove the keys it installed into a block, give --source NAME";
	if (strncmp(a, "ssh-", 4) == 0 || strncmp(a, "ecdsa-", 6) == 0 || strncmp(a, "sk-", 3) == 0)
		return ": that is a key; 'keydrop fingerprint -' prints its fingerprint";
	if (stat(a, &st) == 0 && S_ISREG(st.st_mode))
		return ": that is a file; 'keydrop fingerprint FILE' prints the fingerprints of its keys";
	return "";
}

int cmd_remove(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	static const struct option longopts[] = { /* and cmdt_longopts */
						   { "comment", required_argument, NULL, 'c' },
						   CMDT_SOURCE_ROW('s'),
						   OPTS_END_ROW };
	struct target_spec spec = { 0 };
	struct target t = TARGET_INIT;
	struct authkeys ak = { 0 };
	struct authkeys_out out = { 0 };
	const char *comment = NULL, *block = NULL;
	struct ak_fpsel *fps = NULL;
	const char **fptext = NULL;
	size_t nfp = 0, ndrop = 0;
	uint8_t *drop = NULL, *work = NULL;
	int c, ret = EXIT_FAIL, changed = 0;
	struct opts op;

	static const char *const help[] = { usage, cmdt_usage, NULL };
	opts_init(&op, "remove", argc, argv, "", longopts, g, help);
	opts_add(&op, cmdt_longopts);
	while ((c = opts_next(&op)) >= 0) {
		if (cmdt_target_opt(c, op.arg, &spec))
			continue;
		switch (c) {
		case 'c':
			comment = op.arg;
			break;
		case 's':
			if (!authkeys_name_ok(op.arg, strlen(op.arg)))
				return msg_usage("remove", "--source NAME must be 1-%d of A-Z a-z 0-9 . _ @ : + -",
						 AUTHKEYS_NAME_MAX);
			block = op.arg;
			break;
		}
	}
	if (c == OPTS_EXIT)
		return op.rc;
	if (cmdt_spec_check(&spec, "remove") != EXIT_OK || cmdt_fragment_source(&spec, block, "remove") != EXIT_OK)
		return EXIT_USAGE;
	if ((comment != NULL) + (block != NULL) + (optind < argc) != 1)
		return msg_usage("remove", "give FINGERPRINT..., or --comment TEXT, or --source NAME (one of them)");
	if (comment && !*comment)
		return msg_usage("remove", "--comment needs a non-empty TEXT");
	if (!(fps = calloc((size_t)(argc - optind) + 1, sizeof *fps)) ||
	    !(fptext = calloc((size_t)(argc - optind) + 1, sizeof *fptext))) {
		ret = msg_fail(EXIT_FAIL, "remove", "out of memory");
		goto out;
	}
	for (int i = optind; i < argc; i++, nfp++) {
		fptext[nfp] = argv[i];
		fps[nfp].kind = fingerprint_parse(argv[i], fps[nfp].digest, &fps[nfp].dlen);
		if (fps[nfp].kind < 0) {
			/* Echo only what is short and plain: a long argument may be pasted secret text. */
			int plain = strlen(argv[i]) <= 64;
			for (const char *p = argv[i]; plain && *p; p++)
				plain = *p > 0x20 && *p < 0x7f;
			const char *hint = not_fingerprint_hint(argv[i]);
			if (plain)
				ret = msg_usage("remove", "'%s' is not a fingerprint (SHA256:... or MD5:xx:...)%s", argv[i], hint);
			else
				ret = msg_usage("remove", "argument %d is not a fingerprint (SHA256:... or MD5:xx:...)%s",
						i - optind + 1, hint);
			goto out;
		}
	}
	if ((ret = cmdt_open(&t, &spec, "remove", 0, 1)) != EXIT_OK)
		goto out;
	if ((c = authkeys_parse(&ak, t.data, t.len)) != AK_OK || !(drop = calloc(ak.nlines + 1, 1)) ||
	    !(work = malloc(PUBKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "remove", "%s: %s", t.path, authkeys_strerror(c ? c : AK_NOMEM));
		goto out;
	}
	c = authkeys_apply_remove(&ak, fps, nfp, comment, comment ? strlen(comment) : 0, block, TARGET_FILE_MAX, drop,
				  &ndrop, &out, &changed);
	if (c != AK_OK) {
		ret = msg_fail(EXIT_FAIL, "remove", "%s: %s", t.path, authkeys_strerror(c));
		goto out;
	}
	/* A fingerprint that matches nothing fails the whole command (all or nothing): a script that
	 * removes a compromised key must see a typo. One that a block already denies was removed before:
	 * not an error, so a repeated removal of a block's key stays idempotent. */
	for (size_t k = 0; k < nfp; k++) {
		if (fps[k].hits || (fps[k].kind == FP_SHA256 && authkeys_denied(&ak, NULL, fps[k].digest) >= 0))
			continue;
		ret = msg_fail(EXIT_FAIL, "remove", "%s: no key %s (nothing removed; 'keydrop list' shows the keys)", t.path,
			       fptext[k]);
		goto out;
	}
	if (changed) {
		if ((ret = cmdt_write(&t, out.p, out.len, "remove")) != EXIT_OK)
			goto out;
	}
	if (!g->quiet) {
		for (size_t i = 0; i < ak.nlines; i++) {
			struct pubkey pk;
			const char *why;
			const struct authkeys_line *l = &ak.lines[i];
			const struct authkeys_block *b = ak.lines[i].block ? &ak.blocks[ak.lines[i].block - 1] : NULL;
			if (!drop[i])
				continue;
			if (l->kind == AKL_DENIED) { /* strictly "# keydrop:denied SHA256:<43>" */
				printf("dropped denial %.50s (line %zu)\n", ak.buf + l->off + strlen(AUTHKEYS_MARK_DENIED), i + 1);
				continue;
			}
			int r = authkeys_line_key(&ak, i, work, PUBKEY_BLOB_MAX, &pk, &why);
			if (r != PKL_OK && r != AKO_BAD)
				continue;
			fputs("removed ", stdout);
			cmdt_describe(stdout, pk.blob, pk.bloblen, pk.comment, pk.commentlen);
			if (b && !block)
				printf(" from block %.*s (line %zu); sync will not bring it back (install it to allow it again)\n",
				       (int)b->namelen, b->name, i + 1);
			else
				printf(" (line %zu)\n", i + 1);
		}
		for (size_t k = 0; k < nfp; k++)
			if (!fps[k].hits) {
				long dl = authkeys_denied(&ak, NULL, fps[k].digest);
				const struct authkeys_block *b = &ak.blocks[ak.lines[dl].block - 1];
				printf("already removed %s (denied in block %.*s)\n", fptext[k], (int)b->namelen, b->name);
			}
		if (block) /* its keys first (above), then the block itself */
			printf(ndrop ? "removed block %s (%zu lines)\n" : "no block %s\n", block, ndrop);
		if (comment && ndrop == 0)
			printf("no key with comment '%s'\n", comment);
	}
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	authkeys_free(&ak);
	free(out.p);
	target_close(&t);
	free(fps);
	free(fptext);
	free(drop);
	free(work);
	return ret;
}
