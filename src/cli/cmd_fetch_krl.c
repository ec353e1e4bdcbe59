/* cmd_fetch_krl.c: keydrop fetch-krl URL --output FILE: an OpenSSH KRL for sshd's RevokedKeys,
 * validated (krl.h), never older than the one it replaces, written like every keydrop write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "die.h"
#include "krl.h"
#include "netcli.h"
#include "opts.h"
#include "targetcli.h"
#include "timefmt.h"

static const char *const help[] = {
	"usage: keydrop fetch-krl [OPTIONS] URL --output FILE\n"
	"Fetches an OpenSSH KRL (as ssh-keygen -k makes) for sshd's RevokedKeys, checks it and writes\n"
	"FILE atomically (new: 0644; else owner and mode kept). Never older: a lower krl_version\n"
	"(as ssh-keygen -z sets it) than FILE's is refused; the same version is taken only with a later\n"
	"generated date; the same bytes write nothing. A FILE that is no KRL is replaced.\n"
	"exit: 0 ok or unchanged, 1 network/write failure, 2 usage, 3 KRL refused\n"
	"options: --output FILE, and fetch's network options but --format, --json-path,\n"
	"--cache (the KRL is compared with FILE) and --*-url\n",
	NULL
};

enum { OPT_OUTPUT = 400 };

/* "N (generated DATE)" for messages. */
static void describe(const struct krl_info *k, char *out, size_t cap)
{
	char d[TIMEFMT_MAX];
	timefmt_utc((int64_t)(k->generated_date > INT64_MAX / 2 ? INT64_MAX / 2 : k->generated_date), 1, d);
	snprintf(out, cap, "%llu (generated %s)", (unsigned long long)k->version, d);
}

/* Whether the new KRL may replace FILE's (see --help). Returns EXIT_OK to write, -1 for "unchanged",
 * or EXIT_REJECT after printing the refusal. */
static int newer(const struct target *t, const char *url, const uint8_t *p, size_t n, const struct krl_info *k,
		 int quiet)
{
	struct krl_info old;
	char a[96], b[96];
	int e;

	if (!t->exists)
		return EXIT_OK;
	if ((e = krl_parse((const uint8_t *)t->data, t->len, &old)) != KRL_OK) {
		if (!quiet)
			msg_err("fetch-krl", "warning: %s holds no valid KRL (%s): replacing it", t->path, krl_strerror(e));
		return EXIT_OK;
	}
	if (n == t->len && memcmp(p, t->data, n) == 0)
		return -1;
	if (k->version != old.version ? k->version > old.version : k->generated_date > old.generated_date)
		return EXIT_OK;
	describe(k, a, sizeof a);
	describe(&old, b, sizeof b);
	/* the same version and date with other bytes is no newer either: the file stays */
	return msg_fail(EXIT_REJECT, "fetch-krl", "%s: KRL version %s is %s than version %s in %s: refusing to replace it",
			url, a, k->version < old.version || k->generated_date < old.generated_date ? "older" : "no newer",
			b, t->path);
}

int cmd_fetch_krl(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	static const struct option lo[] = { { "output", required_argument, 0, OPT_OUTPUT }, OPTS_END_ROW }; /* and netcli_longopts */
	struct netsrc_opts o;
	struct source_ctx ctx;
	struct target_spec ts = { 0 };
	struct target t = TARGET_INIT;
	struct krl_info k;
	uint8_t *body = NULL;
	size_t len = 0;
	char err[1024], d[96];
	int c, rc;

	netcli_init(&o, "fetch-krl");
	opts_init(&op, "fetch-krl", argc, argv, "", lo, g, help);
	opts_add(&op, netcli_longopts);
	while ((c = opts_next(&op)) >= 0) {
		if (c == OPT_OUTPUT) {
			ts.file = op.arg;
			continue;
		}
		/* what names keys, not a KRL: formats, JSON paths, gh:/gl:/lp: servers; and the cache */
		if (c == NETOPT_FORMAT || c == NETOPT_JSON_PATH || c == NETOPT_CACHE ||
		    (c >= NETOPT_GITHUB_URL && c <= NETOPT_LAUNCHPAD_URL)) {
			netcli_free(&o);
			const struct option *r = op.lo;
			while (r->name && r->val != c)
				r++;
			return msg_usage("fetch-krl", "--%s does not apply to fetch-krl (see --help)", r->name);
		}
		if ((rc = netcli_option(c, op.arg, &o, "fetch-krl")) != 0) {
			netcli_free(&o);
			return rc;
		}
	}
	if (c == OPTS_EXIT) {
		netcli_free(&o);
		return op.rc;
	}
	netcli_quiet(&o, g);
	if ((rc = netcli_finish(&o, "fetch-krl")) != 0)
		goto out_opts;
	rc = EXIT_USAGE;
	if (!ts.file) {
		msg_usage("fetch-krl", "no --output FILE given");
		goto out_opts;
	}
	if (op.ind != argc - 1) {
		msg_usage("fetch-krl", op.ind >= argc ? "no URL given" : "one URL only");
		goto out_opts;
	}
	const char *url = argv[op.ind];
	/* All or nothing: fetched and checked before the file is looked at. */
	source_ctx_init(&ctx, &o);
	rc = netsrc_fetch_raw(&ctx, url, "application/octet-stream, */*;q=0.5", &body, &len, err, sizeof err);
	source_ctx_free(&ctx);
	if (rc != SRCE_OK) {
		rc = msg_fail(netcli_exit(rc), "fetch-krl", "%s: %s", url, err);
		goto out_opts;
	}
	if ((rc = krl_parse(body, len, &k)) != KRL_OK) {
		rc = msg_fail(EXIT_REJECT, "fetch-krl", "%s: %s", url, krl_strerror(rc));
		goto out_opts;
	}
	if ((rc = cmdt_open(&t, &ts, "fetch-krl", 0, 1)) != EXIT_OK)
		goto out;
	describe(&k, d, sizeof d);
	rc = newer(&t, url, body, len, &k, g->quiet);
	if (rc == -1) {
		rc = EXIT_OK;
		if (!g->quiet)
			printf("%s: unchanged: KRL version %s\n", t.path, d);
		goto out;
	}
	if (rc != EXIT_OK)
		goto out;
	t.new_mode = 0644; /* sshd reads it as root; a KRL is no secret */
	if ((rc = cmdt_write(&t, (const char *)body, len, "fetch-krl")) == EXIT_OK && !g->quiet)
		printf("%s: KRL version %s written (%zu bytes)\n", t.path, d, len);
out:
	target_close(&t);
out_opts:
	free(body);
	netcli_free(&o);
	return rc;
}
