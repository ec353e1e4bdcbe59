/* cmd_keygen.c: keydrop keygen, like ssh-keygen -t -b -f -C -N. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "die.h"
#include "fingerprint.h"
#include "fsx.h"
#include "keyblob.h"
#include "keyprint.h"
#include "keyfile.h"
#include "keygen.h"
#include "opts.h"
#include "privkey.h"
#include "osutil.h"
#include "pathwalk.h"
#include "rand.h"
#include "secret.h"

static const char usage[] =
	"usage: keydrop keygen [-t ed25519|ecdsa|rsa] [-b bits] [-f path] [-C comment] [-N ''] [--force]\n"
	"  -t TYPE    key type (default ed25519)\n"
	"  -b BITS    ecdsa: 256, 384 or 521 (default 256); rsa: 2048..16384 (default 3072)\n"
	"  -f PATH    private key path (default ~/.ssh/id_TYPE); the public key goes to PATH.pub\n"
	"  -C TEXT    comment (default user@host)\n"
	"  -N ''      empty passphrase (passphrases are not supported yet)\n"
	"  --force    replace an existing key (atomically)\n";


int cmd_keygen(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'F' },
		OPTS_HELP_ROW, OPTS_END_ROW,
	};
	enum keygen_type type = KT_ED25519;
	unsigned long bits = 0;
	const char *path = NULL, *comment = NULL;
	char pathbuf[4096], dir[4096], defcomment[512], fp[FINGERPRINT_MAX], art[RANDOMART_MAX];
	int quiet, force = 0, c, dirfd = -1, ret = EXIT_FAIL, rerr;
	struct keygen_pair *pair = NULL;
	char *end;

	static const char *const help[] = { usage, NULL };
	opts_init(&op, "keygen", argc, argv, "t:b:f:C:N:", longopts, g, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 't':
			if (keygen_type_parse(op.arg, &type) < 0)
				return msg_usage("keygen", "unknown key type '%s' (ed25519, ecdsa or rsa)", op.arg);
			break;
		case 'b':
			errno = 0;
			bits = strtoul(op.arg, &end, 10);
			if (errno || *end || !*op.arg || bits > 65536)
				return msg_usage("keygen", "bad key size '%s'", op.arg);
			break;
		case 'f':
			path = op.arg;
			break;
		case 'C':
			comment = op.arg;
			break;
		case 'N':
			if (*op.arg)
				return msg_fail(EXIT_USAGE, "keygen",
						"passphrase-protected keys are not supported yet; use -N '' "
						"and protect the key otherwise");
			break;
		case 'F':
			force = 1;
			break;
		}
	}
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK)
		return op.rc;
	quiet = g->quiet;
	unsigned ubits = keygen_bits(type, (unsigned)bits);
	if (ubits == 0) {
		if (type == KT_RSA)
			return msg_usage("keygen", "invalid RSA key size %lu (2048..16384)", bits);
		if (type == KT_ECDSA)
			return msg_usage("keygen", "invalid ECDSA key size %lu (256, 384 or 521)", bits);
		return msg_usage("keygen", "Ed25519 keys have a fixed size (256)");
	}
	if (comment && strpbrk(comment, "\r\n"))
		return msg_usage("keygen", "the comment must be one line");
	if (comment && strlen(comment) > PRIVKEY_COMMENT_MAX)
		return msg_usage("keygen", "the comment is longer than %d bytes", PRIVKEY_COMMENT_MAX);
	if (!comment) {
		osutil_user_at_host(defcomment, sizeof defcomment);
		comment = defcomment;
	}

	/* The key's directory through the safe walk: a link is followed only where nobody but root (or
	 * this user) could have made it, so root running keygen -f into a user's tree cannot be led
	 * into /root/.ssh by the user's symlink. Directory owners are not sshd's business here (as
	 * ssh-keygen, root may write its key below an image builder's uid-1000 directory). */
	struct pathwalk w = { .uid = geteuid(), .links_only = 1, .mk_uid = geteuid(), .mk_gid = getegid() };
	char werr[4400];
	const char *name;
	if (path) {
		if (strlen(path) >= sizeof pathbuf)
			return msg_usage("keygen", "path too long");
		snprintf(pathbuf, sizeof pathbuf, "%s", path);
		name = fsx_split(pathbuf, dir, sizeof dir);
		if (!*name)
			return msg_usage("keygen", "'%s' names a directory, not a key file", path);
		if (pathwalk_open_dir(&w, dir, &dirfd, werr, sizeof werr) != PW_OK)
			return msg_fail(EXIT_FAIL, "keygen", "%s%s", werr,
					errno == ENOENT ? " (create the directory first)" : "");
	} else {
		char home[4000];
		if (osutil_home(home, sizeof home) < 0)
			return msg_fail(EXIT_FAIL, "keygen", "cannot find the home directory (set HOME or use -f)");
		if (snprintf(dir, sizeof dir, "%s/.ssh", home) >= (int)sizeof dir - 16)
			return msg_fail(EXIT_FAIL, "keygen", "home directory path too long");
		memcpy(pathbuf, dir, strlen(dir) + 1);
		strcat(pathbuf, "/id_");
		strcat(pathbuf, keygen_type_name(type));
		name = pathbuf + strlen(dir) + 1;
		w.mkdir_mode = 0700;
		if (pathwalk_open_dir(&w, dir, &dirfd, werr, sizeof werr) != PW_OK)
			return msg_fail(EXIT_FAIL, "keygen", "%s", werr);
	}

	osutil_protect_secrets();
	/* Check early so a user does not wait for an RSA key that cannot be written. */
	int lnk;
	if (fsx_exists(dirfd, name, &lnk) && (lnk || !force)) {
		ret = msg_fail(EXIT_FAIL, "keygen", "%s %s", pathbuf,
			       keyfile_strerror(lnk ? KFE_SYMLINK : KFE_EXISTS));
		goto out;
	}
	if (!(pair = malloc(sizeof *pair))) {
		ret = msg_fail(EXIT_FAIL, "keygen", "out of memory");
		goto out;
	}
	if (!quiet)
		printf("Generating public/private %s key pair.\n", keygen_type_name(type));
	/* A broken stdout is found before the key is written, so this failure leaves no key behind. */
	if (fflush(stdout) != 0) {
		ret = msg_fail(EXIT_FAIL, "keygen", "cannot write output: %s", strerror(errno));
		goto out;
	}
	int kr = keygen_generate(type, ubits, pair, cmd_entropy_wait, "keygen", &rerr);
	if (kr != KG_OK) {
		ret = msg_fail(EXIT_FAIL, "keygen", "%s", kr == KG_RAND ? rand_strerror(rerr) : keygen_strerror(kr));
		goto out;
	}
	int wr = keyfile_write_pair(dirfd, name, pair, comment, force, NULL);
	if (wr != KFE_OK) {
		ret = msg_fail(EXIT_FAIL, "keygen", "%s%s %s", pathbuf, wr == KFE_IO ? ":" : "", keyfile_strerror(wr));
		goto out;
	}
	if (!quiet) {
		struct keyblob_info info;
		keyblob_inspect(pair->pub, pair->publen, &info);
		fingerprint_format(pair->pub, pair->publen, FP_SHA256, fp);
		fingerprint_randomart(pair->pub, pair->publen, FP_SHA256, info.label, info.bits, art);
		printf("Your identification has been saved in %s\n", pathbuf);
		printf("Your public key has been saved in %s.pub\n", pathbuf);
		printf("The key fingerprint is:\n%s %s\n", fp, comment);
		printf("The key's randomart image is:\n%s\n", art);
	}
	ret = EXIT_OK;
out:
	if (pair) {
		keygen_wipe(pair);
		free(pair);
	}
	if (dirfd >= 0)
		close(dirfd);
	return ret;
}
