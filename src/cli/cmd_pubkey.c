/* cmd_pubkey.c: keydrop pubkey -f KEY, like ssh-keygen -y: the public line of a private key. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "die.h"
#include "keyfile.h"
#include "opts.h"
#include "osutil.h"
#include "privkey.h"
#include "secret.h"

static const char usage[] = "usage: keydrop pubkey [-f] KEY\n"
			    "  Prints the public key line (type, base64, comment) of an OpenSSH private key.\n";

int cmd_pubkey(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg;
	struct opts op;
	static const struct option longopts[] = { OPTS_HELP_ROW, OPTS_END_ROW };
	const char *path = NULL;
	char *text = NULL, line[PRIVKEY_BLOB_MAX], comment[PRIVKEY_COMMENT_MAX + 1];
	uint8_t *work = NULL;
	size_t len = 0;
	struct privkey_parts parts;
	int c, r, ret = EXIT_FAIL;

	static const char *const help[] = { usage, NULL };
	opts_init(&op, "pubkey", argc, argv, "f:", longopts, &gl, help);
	while ((c = opts_next(&op)) == 'f')
		path = op.arg;
	if (c == OPTS_EXIT)
		return op.rc;
	if (!path && op.ind < argc)
		path = argv[op.ind++];
	if (!path || op.ind != argc)
		return msg_usage("pubkey", "need exactly one key: -f KEY");
	osutil_protect_secrets();
	if (osutil_slurp(path, PRIVKEY_TEXT_MAX, &text, &len) < 0)
		return msg_fail(EXIT_FAIL, "pubkey", "%s: %s", path,
				errno == EFBIG ? "too large for a private key" : osutil_strerror(errno));
	if (!(work = malloc(PRIVKEY_BLOB_MAX))) {
		ret = msg_fail(EXIT_FAIL, "pubkey", "out of memory");
		goto out;
	}
	if ((r = privkey_decode(text, len, work, PRIVKEY_BLOB_MAX, &parts)) != PK_OK) {
		/* Every refused key format is exit 3 (input rejected), a passphrase-protected key too:
		 * the same input gets the same code in every command (README, exit codes). */
		ret = msg_fail(EXIT_REJECT, "pubkey", "%s: %s", path, privkey_strerror(r));
		goto out;
	}
	size_t cl = parts.commentlen > PRIVKEY_COMMENT_MAX ? PRIVKEY_COMMENT_MAX : parts.commentlen;
	memcpy(comment, parts.comment, cl);
	comment[cl] = '\0';
	if (memchr(comment, '\n', cl) || memchr(comment, '\r', cl))
		comment[0] = '\0';
	long l = keyfile_pub_line(parts.pub, parts.publen, comment, line, sizeof line);
	if (l < 0) {
		ret = msg_fail(EXIT_FAIL, "pubkey", "%s: key too large", path);
		goto out;
	}
	fwrite(line, 1, (size_t)l, stdout);
	ret = EXIT_OK; /* main checks stdout once for every command */
out:
	if (text) {
		secret_wipe(text, len);
		free(text);
	}
	if (work) {
		secret_wipe(work, PRIVKEY_BLOB_MAX);
		free(work);
	}
	return ret;
}
