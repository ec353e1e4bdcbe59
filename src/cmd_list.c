/* cmd_list.c: keydrop list — the keys sshd would use, one per line or as JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "cmd.h"
#include "cmd_target.h"
#include "die.h"
#include "fingerprint.h"
#include "textsafe.h"

static const char usage[] =
	"usage: keydrop list [TARGET] [--json]\n"
	"  One line per key: LINE: BITS FINGERPRINT COMMENT (TYPE) [block NAME] [options OPTS].\n"
	"  --json prints an array of {line, fingerprint, type, bits, comment, options, source}.\n"
	"  Lines sshd would skip are not listed (keydrop check explains them).\n" CMDT_USAGE;

/* JSON string: escapes quotes, backslashes and control bytes; invalid UTF-8 becomes U+FFFD. */
static void json_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n;) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			printf("\\%c", ch);
			i++;
		} else if (ch < 0x20 || ch == 0x7f) {
			printf("\\u%04x", ch);
			i++;
		} else if (ch < 0x80) {
			putchar(ch);
			i++;
		} else {
			size_t len = ch >= 0xf0 && ch < 0xf5 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc2 && ch < 0xe0 ? 2 : 0;
			int good = len && i + len <= n;
			for (size_t k = 1; good && k < len; k++)
				good = ((unsigned char)s[i + k] & 0xc0) == 0x80;
			if (good && len == 3 && ((ch == 0xe0 && (unsigned char)s[i + 1] < 0xa0) ||
						 (ch == 0xed && (unsigned char)s[i + 1] >= 0xa0)))
				good = 0;
			if (good && len == 4 && ((ch == 0xf0 && (unsigned char)s[i + 1] < 0x90) ||
						 (ch == 0xf4 && (unsigned char)s[i + 1] >= 0x90)))
				good = 0;
			enum textsafe_kind k;
			if (good && len == textsafe_char(s, n, i, &k) && k != TS_PRINT) {
				/* C1 and bidi controls: escaped, so a terminal showing the JSON is not driven by
				 * them; the value is unchanged for a JSON reader. */
				unsigned cp = len == 2 ? (ch & 0x1fu) << 6 | ((unsigned char)s[i + 1] & 0x3fu)
						       : (ch & 0x0fu) << 12 | ((unsigned char)s[i + 1] & 0x3fu) << 6 |
								 ((unsigned char)s[i + 2] & 0x3fu);
				printf("\\u%04x", cp);
				i += len;
			} else if (good) {
				fwrite(s + i, 1, len, stdout);
				i += len;
			} else {
				fputs("\\ufffd", stdout);
				i++;
			}
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
	static const struct option longopts[] = { CMDT_LONGOPTS,
						   { "json", no_argument, NULL, 'j' },
						   { "help", no_argument, NULL, 'h' },
						   { NULL, 0, NULL, 0 } };
	struct target_spec spec = { 0 };
	struct target t = { .homefd = -1, .dirfd = -1, .lockfd = -1 };
	struct authkeys ak = { 0 };
	uint8_t *work = NULL;
	int c, json = 0, ret = EXIT_FAIL, first = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hjqv", longopts, NULL)) != -1) {
		if (cmdt_common_opt(c, optarg, &spec, g))
			continue;
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		default:
			return msg_usage("list", "unknown option or missing argument: '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return msg_usage("list", "unexpected argument '%s'", argv[optind]);
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
		const char *why;
		char fp[FINGERPRINT_MAX];
		if (ak.lines[i].kind != AKL_OTHER || authkeys_line_key(&ak, i, work, PUBKEY_BLOB_MAX, &pk, &why) != PKL_OK)
			continue;
		const struct authkeys_block *b = ak.lines[i].block ? &ak.blocks[ak.lines[i].block - 1] : NULL;
		fingerprint_format(pk.blob, pk.bloblen, FP_SHA256, fp);
		if (json) {
			printf("%s\n {\"line\":%zu,\"fingerprint\":\"%s\",\"type\":", first ? "" : ",", i + 1, fp);
			json_str(pk.info.type, strlen(pk.info.type));
			printf(",\"bits\":%u,\"comment\":", pk.info.bits);
			json_opt(pk.comment, pk.commentlen);
			fputs(",\"options\":", stdout);
			json_opt(pk.opts, pk.optslen);
			fputs(",\"source\":", stdout);
			json_opt(b ? b->name : NULL, b ? b->namelen : 0);
			putchar('}');
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
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	(void)g;
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	authkeys_free(&ak);
	target_close(&t);
	free(work);
	return ret;
}
