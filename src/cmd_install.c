/* cmd_install.c: keydrop install — add keys to authorized_keys, keep every other byte.
 * All sources are read and validated before the target is touched (all or nothing); keys already
 * present (same blob, whatever the comment or options) change nothing; no change means no write. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "authkeys.h"
#include "cmd.h"
#include "cmd_target.h"
#include "die.h"
#include "netcli.h"
#include "paste.h"
#include "secret.h"
#include "source.h"

static const char usage[] =
	"usage: keydrop install [TARGET] [--source NAME] [--key TEXT]... [SOURCE]...\n"
	"  Adds the public keys from every --key TEXT and SOURCE (a path, file:PATH, - for stdin,\n"
	"  env:VAR; gh:USER, gl:USER, lp:USER, https://... with the network layer). Keys already\n"
	"  present are left alone; nothing else in the file changes. With --source NAME the keys go\n"
	"  into the managed block '# keydrop:begin NAME' ... '# keydrop:end NAME'.\n" CMDT_USAGE
	"  Writers wait for the lock up to KEYDROP_LOCK_TIMEOUT_MS (default 10000) milliseconds.\n"
	"  Exit: 0 ok (also: nothing to add), 1 failure (file untouched), 2 usage, 3 key text refused.\n"
	"network sources (gh:, gl:, lp:, https://):\n";

struct input {
	const char *label;
	struct paste_result res;
};

/* A positional that is not a file but looks like key text: the user meant --key. */
static int looks_like_key_text(const char *s)
{
	return strchr(s, ' ') || strncmp(s, "ssh-", 4) == 0 || strncmp(s, "ecdsa-", 6) == 0 ||
	       strncmp(s, "sk-", 3) == 0 || strncmp(s, "SHA256:", 7) == 0 || strncmp(s, "AAAA", 4) == 0;
}

static int read_input(const char *label, const char *text, size_t len, struct input *in)
{
	in->label = label;
	int r = paste_parse(text, len, &in->res);
	if (r != PASTE_OK) {
		if (in->res.line)
			msg_err("install", "%s: line %u: %s", label, in->res.line, in->res.detail);
		else
			msg_err("install", "%s: %s", label, in->res.detail);
		return EXIT_REJECT;
	}
	return EXIT_OK;
}

int cmd_install(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	static const struct option longopts[] = { CMDT_LONGOPTS, NETCLI_LONGOPTS,
						   { "source", required_argument, NULL, 's' },
						   { "key", required_argument, NULL, 'k' },
						   { "help", no_argument, NULL, 'h' },
						   { NULL, 0, NULL, 0 } };
	struct target_spec spec = { 0 };
	struct target t = { .homefd = -1, .dirfd = -1, .lockfd = -1 };
	struct authkeys ak = { 0 };
	struct authkeys_out out = { 0 };
	const char *block = NULL;
	const char **keys = NULL;
	struct input *ins = NULL;
	size_t nkeys = 0, nins = 0, nadd = 0;
	const char **adds = NULL;
	size_t *addlens = NULL;
	struct paste_key **addk = NULL, **presk = NULL;
	long *presline = NULL;
	size_t npres = 0;
	uint8_t *work = NULL;
	int c, ret = EXIT_FAIL;
	struct netsrc_opts net;

	netsrc_defaults(&net);
	net.cmd = "install";
	net.quiet = g->quiet;
	net.verbose = g->verbose;

	if (!(keys = calloc((size_t)argc + 1, sizeof *keys)))
		return msg_fail(EXIT_FAIL, "install", "out of memory");
	optind = 1;
	while ((c = getopt_long(argc, argv, "hqv", longopts, NULL)) != -1) {
		if (cmdt_common_opt(c, optarg, &spec, g))
			continue;
		if (c >= NETOPT_FORMAT && c <= NETOPT_CACHE) {
			/* Network options (issue 4) apply to gh:/gl:/lp:/https:// sources. */
			if ((ret = netcli_option(c, optarg, &net, "install")) != EXIT_OK)
				goto out;
			continue;
		}
		switch (c) {
		case 's':
			if (!authkeys_name_ok(optarg, strlen(optarg))) {
				ret = msg_usage("install", "--source NAME must be 1-%d of A-Z a-z 0-9 . _ @ : + -",
						AUTHKEYS_NAME_MAX);
				goto out;
			}
			block = optarg;
			break;
		case 'k':
			keys[nkeys++] = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			fputs(NETCLI_HELP, stdout); /* one copy of the shared text in the binary */
			ret = EXIT_OK;
			goto out;
		default:
			ret = msg_usage("install", "unknown option or missing argument: '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if ((ret = netcli_finish(&net, "install")) != EXIT_OK)
		goto out;
	ret = EXIT_FAIL;
	net.quiet = g->quiet;
	net.verbose = g->verbose;
	netsrc_configure(&net);
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

	/* 1. Read and validate everything before touching the target. */
	if (!(ins = calloc(nkeys + (size_t)(argc - optind) + 1, sizeof *ins))) {
		ret = msg_fail(EXIT_FAIL, "install", "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nkeys; i++, nins++)
		if ((ret = read_input("--key", keys[i], strlen(keys[i]), &ins[nins])) != EXIT_OK)
			goto out;
	for (int i = optind; i < argc; i++, nins++) {
		char *text = NULL, err[512];
		size_t len = 0;
		int r = source_read(argv[i], &text, &len, err, sizeof err);
		if (r != SRCE_OK) {
			ret = msg_fail(r == SRCE_USAGE ? EXIT_USAGE : r == SRCE_REJECT ? EXIT_REJECT : EXIT_FAIL, "install",
				       "%s: %s", argv[i], err);
			goto out;
		}
		ret = read_input(argv[i], text, len, &ins[nins]);
		secret_wipe(text, len);
		free(text);
		if (ret != EXIT_OK) {
			nins++;
			goto out;
		}
	}
	size_t total = 0;
	for (size_t i = 0; i < nins; i++)
		total += ins[i].res.n;
	if (!(adds = calloc(total, sizeof *adds)) || !(addlens = calloc(total, sizeof *addlens)) ||
	    !(addk = calloc(total, sizeof *addk)) || !(presk = calloc(total, sizeof *presk)) ||
	    !(presline = calloc(total, sizeof *presline)) || !(work = malloc(PUBKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "install", "out of memory");
		goto out;
	}

	/* 2. Lock, read, decide. */
	if ((ret = cmdt_open(&t, &spec, "install", 1, 1)) != EXIT_OK)
		goto out;
	if ((c = authkeys_parse(&ak, t.data, t.len)) != AK_OK) {
		ret = msg_fail(EXIT_FAIL, "install", "%s: %s", t.path, authkeys_strerror(c));
		goto out;
	}
	/* "Already present" only when that line lets the key log in now (expiry-time is local time
	 * unless it ends in Z, as sshd reads it). */
	time_t now = time(NULL);
	struct tm lt;
	long gmtoff = localtime_r(&now, &lt) ? (long)lt.tm_gmtoff : 0;
	for (size_t i = 0; i < nins; i++) {
		for (size_t k = 0; k < ins[i].res.n; k++) {
			struct paste_key *pk = &ins[i].res.keys[k];
			int dup = 0;
			for (size_t j = 0; j < nadd && !dup; j++)
				dup = addk[j]->bloblen == pk->bloblen && memcmp(addk[j]->blob, pk->blob, pk->bloblen) == 0;
			for (size_t j = 0; j < npres && !dup; j++)
				dup = presk[j]->bloblen == pk->bloblen && memcmp(presk[j]->blob, pk->blob, pk->bloblen) == 0;
			if (dup)
				continue;
			long at = authkeys_find(&ak, pk->b64, pk->b64len, pk->blob, pk->bloblen, work, PUBKEY_BLOB_MAX,
						(long long)now, gmtoff);
			if (at >= 0) {
				presk[npres] = pk;
				presline[npres++] = at;
			} else {
				addk[nadd] = pk;
				adds[nadd] = pk->line;
				addlens[nadd++] = pk->len;
			}
		}
	}
	if (nadd > 0) {
		int r = authkeys_render_add(&ak, block, adds, addlens, nadd, TARGET_FILE_MAX, &out);
		if (r == AK_UNTERMINATED) {
			const struct authkeys_line *u = &ak.lines[ak.unterminated - 1];
			ret = msg_fail(EXIT_FAIL, "install", "%s: line %zu: '%.*s' has no end marker; fix the file first",
				       t.path, ak.unterminated, (int)(u->len > 80 ? 80 : u->len), ak.buf + u->off);
			goto out;
		}
		if (r != AK_OK) {
			ret = msg_fail(EXIT_FAIL, "install", "%s: %s", t.path, authkeys_strerror(r));
			goto out;
		}
		char err[TARGET_PATH_MAX + 200];
		if (target_write(&t, out.p, out.len, err, sizeof err) < 0) {
			ret = msg_fail(EXIT_FAIL, "install", "%s", err);
			goto out;
		}
	}
	if (!g->quiet) {
		for (size_t j = 0; j < nadd; j++) {
			fputs("added ", stdout);
			cmdt_describe(stdout, addk[j]->blob, addk[j]->bloblen, addk[j]->comment, addk[j]->commentlen);
			if (block)
				printf(" [%s]", block);
			putchar('\n');
		}
		for (size_t j = 0; j < npres; j++) {
			fputs("present ", stdout);
			cmdt_describe(stdout, presk[j]->blob, presk[j]->bloblen, presk[j]->comment, presk[j]->commentlen);
			printf(" (line %ld)\n", presline[j] + 1);
		}
	}
	if (!g->quiet)
		cmdt_warn_modes(&t, "install");
	if (g->verbose && nadd == 0)
		fprintf(stderr, "keydrop: install: %s unchanged (not written)\n", t.path);
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	authkeys_free(&ak);
	free(out.p);
	target_close(&t);
	for (size_t i = 0; i < nins; i++)
		paste_free(&ins[i].res);
	free(ins);
	free(keys);
	free(adds);
	free(addlens);
	free(addk);
	free(presk);
	free(presline);
	free(work);
	netcli_free(&net); /* wiped: may hold a bearer token */
	return ret;
}
