/* cmd_pubkey.c: keydrop pubkey -f KEY, like ssh-keygen -y: the public line of a private key (any
 * format keyload reads, passphrase-protected too), or the OpenSSH line of a public key in any form
 * install accepts (ssh-keygen -i's job: RFC 4716 / PuTTY blocks, quoted lines). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "die.h"
#include "keyfile.h"
#include "keyload.h"
#include "keyprint.h"
#include "opts.h"
#include "osutil.h"
#include "passcli.h"
#include "paste.h"
#include "privkey.h"
#include "secret.h"

static const char usage[] =
	"usage: keydrop pubkey [-f] KEY [-P PASS | --passphrase-file FILE] [--public-only]\n"
	"  Prints the public key line (type, base64, comment) of a private key: OpenSSH (also\n"
	"  passphrase-protected), PEM, PKCS#8 or PuTTY .ppk; or the OpenSSH line of a public key\n"
	"  given as an RFC 4716 / PuTTY block or a quoted line.\n"
	"  -P PASS                 the key's passphrase (visible to other users in the process list)\n"
	"  --passphrase-file FILE  the passphrase is FILE's first line (FILE readable by you only)\n"
	"  --public-only           print the public half an encrypted key stores in clear, asking\n"
	"                          nothing (it has no comment then)\n"
	"  Without -P, the passphrase is asked on the terminal, or read from stdin without one.\n";

static int print_line(const uint8_t *blob, size_t n, const char *comment, const char *path)
{
	char line[PRIVKEY_BLOB_MAX];
	long l = keyfile_pub_line(blob, n, comment, line, sizeof line);
	if (l < 0)
		return msg_fail(EXIT_FAIL, "pubkey", "%s: key too large", path);
	fwrite(line, 1, (size_t)l, stdout);
	return EXIT_OK; /* main checks stdout once for every command */
}

/* A public key in any form install takes: one OpenSSH line per key. */
static int do_public(const char *path, const char *text, size_t len)
{
	struct paste_result pr;
	int ret = EXIT_OK;

	if (paste_parse(text, len, &pr) != PASTE_OK) {
		ret = msg_fail(EXIT_REJECT, "pubkey", "%s: %s", path, pr.detail);
		paste_free(&pr);
		return ret;
	}
	for (size_t i = 0; i < pr.nskipped; i++)
		msg_err("pubkey", "%s: line %u: skipped a key of unknown type '%s'", path, pr.skipped[i].srcline,
			pr.skipped[i].type);
	for (size_t i = 0; i < pr.n && ret == EXIT_OK; i++) {
		char comment[PRIVKEY_COMMENT_MAX + 1] = "";
		const struct paste_key *k = &pr.keys[i];
		if (k->comment && k->commentlen <= PRIVKEY_COMMENT_MAX) {
			memcpy(comment, k->comment, k->commentlen);
			comment[k->commentlen] = '\0';
		}
		ret = print_line(k->blob, k->bloblen, comment, path);
	}
	paste_free(&pr);
	return ret;
}

static int do_private(const char *path, const char *text, size_t len, struct pass *pw, int public_only)
{
	struct keyload *kl = malloc(sizeof *kl);
	char why[512];
	int r, ret;

	if (!kl)
		return msg_fail(EXIT_FAIL, "pubkey", "out of memory");
	r = keyload_parse(text, len, pw->set ? pw->s : NULL, pw->len, kl);
	if (r == PK_ENCRYPTED && !public_only && !pw->set) {
		if ((ret = pass_prompt("pubkey", "Enter passphrase: ", pw)) != EXIT_OK)
			goto out;
		if (pw->set)
			r = keyload_parse(text, len, pw->s, pw->len, kl);
	}
	if (r == PK_ENCRYPTED && public_only) {
		ret = print_line(kl->pair.pub, kl->pair.publen, "", path);
		goto out;
	}
	if (r != PK_OK) {
		/* Every refused key is exit 3 (input rejected), a passphrase-protected one too: the
		 * same input gets the same code in every command. */
		if (r == PK_ENCRYPTED)
			ret = msg_fail(EXIT_REJECT, "pubkey", "%s: the private key is passphrase-protected (give the "
				       "passphrase with -P or --passphrase-file, or print its public half with "
				       "--public-only)", path);
		else
			ret = msg_fail(EXIT_REJECT, "pubkey", "%s: %s", path, cmd_key_error(kl, r, why, sizeof why));
		goto out;
	}
	ret = print_line(kl->pair.pub, kl->pair.publen, kl->comment, path);
out:
	keyload_wipe(kl);
	free(kl);
	return ret;
}

int cmd_pubkey(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg;
	struct opts op;
	static const struct option longopts[] = {
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "public-only", no_argument, NULL, 'u' },
		{ "file", required_argument, NULL, 'f' },
		OPTS_END_ROW,
	};
	const char *path = NULL;
	char *text = NULL;
	size_t len = 0;
	int c, ret = EXIT_FAIL, public_only = 0;
	struct pass pw = { .set = 0 };

	static const char *const help[] = { usage, NULL };
	opts_init(&op, "pubkey", argc, argv, "f:P:y", longopts, &gl, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 'f':
			path = op.arg;
			break;
		case 'P':
			if ((ret = pass_from_arg("pubkey", "-P", op.arg, &pw)) != EXIT_OK)
				goto out;
			break;
		case 'p':
			if ((ret = pass_from_file("pubkey", op.arg, &pw)) != EXIT_OK)
				goto out;
			break;
		case 'u':
			public_only = 1;
			break;
		case 'y': /* ssh-keygen -y -f KEY, typed by habit */
			break;
		}
	}
	if (c == OPTS_EXIT) {
		ret = op.rc;
		goto out;
	}
	if (!path && op.ind < argc)
		path = argv[op.ind++];
	if (!path || op.ind != argc) {
		ret = msg_usage("pubkey", "need exactly one key: -f KEY");
		goto out;
	}
	osutil_protect_secrets();
	if (osutil_slurp(path, PASTE_IN_MAX, &text, &len) < 0) {
		ret = msg_fail(EXIT_FAIL, "pubkey", "%s: %s", path,
			       errno == EFBIG ? "too large for a key file" : osutil_strerror(errno));
		goto out;
	}
	const char *shown = strcmp(path, "-") == 0 ? "(stdin)" : path;
	ret = privkey_sniff(text, len) == PK_NOT_KEY ? do_public(shown, text, len)
						     : do_private(shown, text, len, &pw, public_only);
out:
	if (text) {
		secret_wipe(text, len);
		free(text);
	}
	pass_wipe(&pw);
	return ret;
}
