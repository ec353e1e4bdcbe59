/* cmd_fetch.c: keydrop fetch SOURCE...: print the validated keys, install nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "targetcli.h"
#include "die.h"
#include "netcli.h"
#include "opts.h"

static const char *const help[] = {
	"usage: keydrop fetch [OPTIONS] SOURCE...\n"
	"Fetches and validates keys, prints them as authorized_keys lines; installs nothing.\n"
	"SOURCE: gh:USER gl:USER lp:USER https://URL (http:// with --allow-http), or a local\n"
	"file, file:PATH, env:VAR, - (stdin). All sources must succeed before anything is printed.\n"
	"Control and bidi characters (C0, C1, U+202E...) in the lines are printed as '?'.\n"
	"exit: 0 ok, 1 network/TLS/HTTP failure, 2 usage, 3 response rejected\n"
	"options:\n",
	NETCLI_HELP NETCLI_HELP_SKIP, NULL
};

enum { OPT_SKIP = 400 };

int cmd_fetch(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	static const struct option lo[] = { { "skip-invalid", no_argument, 0, OPT_SKIP }, OPTS_END_ROW }; /* and netcli_longopts */
	struct netsrc_opts o;
	struct keyset keys = { 0 };
	struct source_ctx ctx;
	int c, skip = 0, rc;

	netcli_init(&o, "fetch");
	opts_init(&op, "fetch", argc, argv, "", lo, g, help);
	opts_add(&op, netcli_longopts);
	while ((c = opts_next(&op)) >= 0) {
		if (c == OPT_SKIP) {
			skip = 1;
			continue;
		}
		if ((rc = netcli_option(c, op.arg, &o, "fetch")) != 0) {
			netcli_free(&o);
			return rc;
		}
	}
	if (c == OPTS_EXIT) {
		netcli_free(&o);
		return op.rc;
	}
	netcli_quiet(&o, g); /* -q and -v may follow the command name */
	if ((rc = netcli_finish(&o, "fetch")) != 0) {
		netcli_free(&o);
		return rc;
	}
	if (op.ind >= argc) {
		netcli_free(&o);
		return msg_usage("fetch", "no SOURCE given");
	}
	source_ctx_init(&ctx, &o);
	struct collect_opts co = { skip ? COLLECT_SKIP_INVALID : 0, NULL };
	rc = netcli_collect(&ctx, "fetch", &co, argv + optind, (size_t)(argc - optind), &keys);
	if (rc == EXIT_OK) {
		for (size_t i = 0; i < keys.n; i++) { /* comments never drive the terminal (C1, bidi) */
			cmdt_put_line(stdout, keys.k[i]->line, keys.k[i]->len);
			putchar('\n');
		}
	}
	keyset_free(&keys);
	source_ctx_free(&ctx);
	netcli_free(&o);
	return rc;
}
