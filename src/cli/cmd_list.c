/* cmd_list.c: keydrop list — the keys sshd would use, one per line or as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "cmd.h"
#include "targetcli.h"
#include "diagcli.h"
#include "die.h"
#include "fingerprint.h"
#include "opts.h"
#include "textsafe.h"

static const char usage[] =
	"usage: keydrop list [TARGET] [--json]\n"
	"  One line per key: LINE: BITS FINGERPRINT COMMENT (TYPE) [block NAME] [options OPTS].\n"
	"  A key remove took out of a block: LINE: denied FINGERPRINT [block NAME].\n"
	"  --json prints an array of {line, fingerprint, type, bits, comment, options, source, denied}.\n"
	"  Lines sshd would skip are not listed (keydrop check explains them).\n";

/* JSON string: escapes quotes, backslashes, control bytes, and C1 and bidi controls (so a terminal
 * showing the JSON is not driven by them; the value is unchanged for a JSON reader); invalid UTF-8
 * becomes U+FFFD. One UTF-8 classifier for every output (textsafe.c). */
static void json_str(const char *s, size_t n)
{
	enum textsafe_kind k;

	putchar('"');
	for (size_t i = 0, len; i < n; i += len) {
		const unsigned char *u = (const unsigned char *)s + i;
		len = textsafe_char(s, n, i, &k);
		if (k == TS_INVALID || k == TS_STRAY_C1) {
			fputs("\\ufffd", stdout);
		} else if (k == TS_PRINT && len == 1 && (u[0] == '"' || u[0] == '\\')) {
			printf("\\%c", u[0]);
		} else if (k == TS_PRINT) {
			fwrite(u, 1, len, stdout);
		} else { /* TS_TAB, TS_CTRL, TS_BIDI: 1, 2 or 3 bytes */
			unsigned cp = len == 1 ? u[0]
				    : len == 2 ? (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu)
					       : (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
			printf("\\u%04x", cp);
		}
	}
	putchar('"');
}

static void json_opt(const char *s, size_t n)
{
	if (s)
		json_str(s, n);
	else
		fputs("null", stdout);
}

int cmd_list(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	static const struct option longopts[] = { /* and cmdt_longopts */
						   { "json", no_argument, NULL, 'j' },
						   OPTS_END_ROW };
	struct target_spec spec = { 0 };
	struct target t = TARGET_INIT;
	struct authkeys ak = { 0 };
	uint8_t *work = NULL;
	int c, json = 0, ret = EXIT_FAIL, first = 1;
	size_t nkeys = 0;
	struct opts op;

	static const char *const help[] = { usage, cmdt_usage, NULL };
	opts_init(&op, "list", argc, argv, "j", longopts, g, help);
	opts_add(&op, cmdt_longopts);
	while ((c = opts_next(&op)) >= 0)
		if (c == 'j')
			json = 1;
		else
			(void)cmdt_target_opt(c, op.arg, &spec);
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK)
		return op.rc;
	/* Readers take no lock: writers replace the file by rename, so a read sees old or new. */
	if ((ret = cmdt_open(&t, &spec, "list", 0, 0)) != EXIT_OK)
		goto out;
	if (!t.exists) {
		ret = msg_fail(EXIT_FAIL, "list", "%s: no such file", t.path);
		goto out;
	}
	if ((c = authkeys_parse(&ak, t.data, t.len)) != AK_OK || !(work = malloc(PUBKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "list", "%s: %s", t.path, authkeys_strerror(c ? c : AK_NOMEM));
		goto out;
	}
	if (json)
		fputs("[", stdout);
	for (size_t i = 0; i < ak.nlines; i++) {
		struct pubkey pk;
		struct paste_diag d;
		const char *why;
		char fp[FINGERPRINT_MAX], where[64];
		const struct authkeys_line *l = &ak.lines[i];
		if (l->kind == AKL_DENIED) { /* strictly "# keydrop:denied SHA256:<43>" inside a block */
			const struct authkeys_block *b = &ak.blocks[l->block - 1];
			const char *f = ak.buf + l->off + strlen(AUTHKEYS_MARK_DENIED);
			if (json) {
				printf("%s\n {\"line\":%zu,\"fingerprint\":\"%.50s\",\"type\":null,\"bits\":null,\"comment\":null,"
				       "\"options\":null,\"source\":", first ? "" : ",", i + 1, f);
				json_str(b->name, b->namelen);
				fputs(",\"denied\":true}", stdout);
			} else {
				printf("%zu: denied %.50s [block %.*s]\n", i + 1, f, (int)b->namelen, b->name);
			}
			first = 0;
			continue;
		}
		if (l->kind != AKL_OTHER)
			continue;
		int r = authkeys_line_key(&ak, i, work, PUBKEY_BLOB_MAX, &pk, &why);
		if (diag_authline(&ak, i, r, &pk, work, &d)) {
			/* Not listed (or listed as sshd reads it), but named as install and check name it. */
			diag_where(where, sizeof where, i, &d);
			if (r == PKL_OK)
				msg_err("list", "%s: %s: %s", t.path, where, d.detail);
			else
				msg_err("list", "%s: %s: sshd skips %s: %s (not listed)", t.path, where,
					d.nlines > 1 ? "them" : "it", d.detail);
			if (r != PKL_OK) {
				i += d.nlines - 1;
				continue;
			}
			/* pk was decoded into work, which the diagnosis reused. */
			authkeys_line_key(&ak, i, work, PUBKEY_BLOB_MAX, &pk, &why);
		}
		if (r != PKL_OK)
			continue;
		const struct authkeys_block *b = ak.lines[i].block ? &ak.blocks[ak.lines[i].block - 1] : NULL;
		int known = pk.info.family != KF_UNKNOWN; /* never a fingerprint by guesswork */
		if (known)
			fingerprint_format(pk.blob, pk.bloblen, FP_SHA256, fp);
		if (json) {
			printf("%s\n {\"line\":%zu,\"fingerprint\":%s%s%s,\"type\":", first ? "" : ",", i + 1,
			       known ? "\"" : "", known ? fp : "null", known ? "\"" : "");
			json_str(pk.info.type, strlen(pk.info.type));
			printf(",\"bits\":%u,\"comment\":", pk.info.bits);
			json_opt(pk.comment, pk.commentlen);
			fputs(",\"options\":", stdout);
			json_opt(pk.opts, pk.optslen);
			fputs(",\"source\":", stdout);
			json_opt(b ? b->name : NULL, b ? b->namelen : 0);
			fputs(",\"denied\":false}", stdout);
		} else {
			printf("%zu: ", i + 1);
			cmdt_describe(stdout, pk.blob, pk.bloblen, pk.comment, pk.commentlen);
			if (b)
				printf(" [block %.*s]", (int)b->namelen, b->name);
			if (pk.opts)
			{
				fputs(" [options ", stdout);
				cmdt_put_safe(stdout, pk.opts, pk.optslen);
				putchar(']');
			}
			putchar('\n');
		}
		first = 0;
		nkeys++;
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	else if (!nkeys && !g->quiet) /* an empty listing, said (on stderr: stdout stays one line per key) */
		msg_err("list", "%s: no keys", t.path);
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	authkeys_free(&ak);
	target_close(&t);
	free(work);
	return ret;
}
