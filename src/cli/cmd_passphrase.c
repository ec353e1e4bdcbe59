/* cmd_passphrase.c: keydrop passphrase -f KEY, like ssh-keygen -p: add, change or remove a private
 * key's passphrase. The key, its comment and its .pub stay as they are; the file is replaced
 * atomically, keeping its owner and (at most) 0600. A PEM/PKCS#8 key comes out in the OpenSSH
 * format, as ssh-keygen -p writes it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "die.h"
#include "fsx.h"
#include "keyfile.h"
#include "keyload.h"
#include "keylock.h"
#include "keyprint.h"
#include "opts.h"
#include "osutil.h"
#include "passcli.h"
#include "pathwalk.h"
#include "privkey.h"
#include "rand.h"
#include "secret.h"

static const char usage[] =
	"usage: keydrop passphrase [-f] KEY [-P OLD] [-N NEW] [-a ROUNDS]\n"
	"                          [--old-passphrase-file FILE] [--new-passphrase-file FILE]\n"
	"  Adds, changes or removes the passphrase of a private key (OpenSSH, PEM or PKCS#8; the\n"
	"  result is an OpenSSH key, aes256-ctr with bcrypt, as ssh-keygen -p writes).\n"
	"  -P OLD        the current passphrase (asked on the terminal when the key has one, or read\n"
	"                from stdin without a terminal)\n"
	"  -N NEW        the new passphrase; -N '' removes it (asked twice, as ssh-keygen -p)\n"
	"  --old-passphrase-file FILE, --new-passphrase-file FILE\n"
	"                the passphrase is FILE's first line (FILE readable by you only)\n"
	"  -a, --rounds N  KDF rounds (default 16, at most 1024)\n";

/* On a failure after a passphrase is read: set the exit code and leave through the wipe. */
#define FAIL_OUT(expr) \
	do { \
		ret = (expr); \
		goto out; \
	} while (0)

enum { OPT_OLD_FILE = 256, OPT_NEW_FILE, OPT_WHICH_FILE }; /* long options without a letter */

int cmd_passphrase(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg;
	struct opts op;
	static const struct option longopts[] = {
		{ "old-passphrase-file", required_argument, NULL, OPT_OLD_FILE },
		{ "new-passphrase-file", required_argument, NULL, OPT_NEW_FILE },
		{ "passphrase-file", required_argument, NULL, OPT_WHICH_FILE },
		{ "rounds", required_argument, NULL, 'a' },
		{ "file", required_argument, NULL, 'f' },
		OPTS_END_ROW,
	};
	static const char *const help[] = { usage, NULL };
	struct pass *oldp = NULL, *newp = NULL;
	struct keyload *kl = NULL;
	struct keylock *lock = NULL;
	char *text = NULL, pathbuf[4096], dir[4096], werr[4400], why[512];
	const char *path = NULL, *name;
	long long rounds = KEYLOCK_ROUNDS_DEFAULT;
	size_t len = 0;
	struct stat st;
	int c, r, ret = EXIT_FAIL, dirfd = -1, rerr = RAND_OK;

	oldp = calloc(1, sizeof *oldp);
	newp = calloc(1, sizeof *newp);
	kl = malloc(sizeof *kl);
	text = malloc(PRIVKEY_TEXT_MAX + 1);
	if (!oldp || !newp || !kl || !text)
		FAIL_OUT(msg_fail(EXIT_FAIL, "passphrase", "out of memory"));
	memset(kl, 0, sizeof *kl);
	opts_init(&op, "passphrase", argc, argv, "f:P:N:a:po", longopts, &gl, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 'f':
			path = op.arg;
			break;
		case 'P':
			if ((ret = pass_from_arg("passphrase", "-P", op.arg, oldp)) != EXIT_OK)
				goto out;
			break;
		case 'N':
			if ((ret = pass_from_arg("passphrase", "-N", op.arg, newp)) != EXIT_OK)
				goto out;
			break;
		case OPT_OLD_FILE:
			if ((ret = pass_from_file("passphrase", op.arg, oldp)) != EXIT_OK)
				goto out;
			break;
		case OPT_NEW_FILE:
			if ((ret = pass_from_file("passphrase", op.arg, newp)) != EXIT_OK)
				goto out;
			break;
		case OPT_WHICH_FILE:
			FAIL_OUT(msg_usage("passphrase", "which one? use --old-passphrase-file or --new-passphrase-file"));
		case 'a':
			if (opts_num(op.arg, 1, KEYLOAD_ROUNDS_MAX, &rounds) < 0)
				FAIL_OUT(msg_usage("passphrase", "bad KDF rounds '%s' (1..%d; ssh-keygen's default is %d)",
						   op.arg, KEYLOAD_ROUNDS_MAX, KEYLOCK_ROUNDS_DEFAULT));
			break;
		case 'p': /* ssh-keygen -p -f KEY, typed by habit */
		case 'o': /* ssh-keygen -p -o: "the new format", the only one keydrop writes */
			break;
		}
	}
	if (c == OPTS_EXIT)
		FAIL_OUT(op.rc);
	if (!path && op.ind < argc)
		path = argv[op.ind++];
	if (!path || op.ind != argc)
		FAIL_OUT(msg_usage("passphrase", "need exactly one key: -f KEY"));
	if (strlen(path) >= sizeof pathbuf)
		FAIL_OUT(msg_usage("passphrase", "path too long"));
	snprintf(pathbuf, sizeof pathbuf, "%s", path);
	name = fsx_split(pathbuf, dir, sizeof dir);
	if (!*name)
		FAIL_OUT(msg_usage("passphrase", "'%s' names a directory, not a key file", path));

	/* The key's directory through the safe walk, as keygen: root changing a user's key is not led
	 * elsewhere by the user's symlinks; the key itself is never read or written through a link. */
	struct pathwalk w = { .uid = geteuid(), .links_only = 1 };
	if (pathwalk_open_dir(&w, dir, &dirfd, werr, sizeof werr) != PW_OK)
		FAIL_OUT(msg_fail(EXIT_FAIL, "passphrase", "%s", werr));
	osutil_protect_secrets();
	if (fsx_read_at(dirfd, name, text, PRIVKEY_TEXT_MAX, &len, &st) < 0)
		FAIL_OUT(msg_fail(EXIT_FAIL, "passphrase", "%s: %s", path,
				  errno == ELOOP ? "is a symbolic link: refusing to read through it"
				  : errno == EFBIG ? "too large for a private key"
						   : strerror(errno)));

	r = keyload_parse(text, len, NULL, 0, kl);
	if (r == PK_ENCRYPTED) {
		if (!oldp->set && (ret = pass_prompt("passphrase", "Enter old passphrase: ", oldp)) != EXIT_OK)
			goto out;
		if (!oldp->set)
			FAIL_OUT(msg_fail(EXIT_REJECT, "passphrase", "%s: the key is passphrase-protected (give the "
					  "current one with -P or --old-passphrase-file)", path));
		r = keyload_parse(text, len, oldp->s, oldp->len, kl);
	}
	if (r == PK_OK && !kl->have_private)
		r = PK_NEED_PRIVATE;
	if (r != PK_OK)
		FAIL_OUT(msg_fail(EXIT_REJECT, "passphrase", "%s: %s", path, cmd_key_error(kl, r, why, sizeof why)));
	if (!newp->set) {
		if ((ret = pass_prompt_new("passphrase", "Enter new passphrase (empty for no passphrase): ", newp)) !=
		    EXIT_OK)
			goto out;
		if (!newp->set)
			FAIL_OUT(msg_usage("passphrase", "give the new passphrase with -N or --new-passphrase-file "
						       "(-N '' removes it)"));
	}
	if (newp->len == 0 && !kl->encrypted && kl->fmt == KL_OPENSSH) {
		/* Nothing to change: no write at all (mtime kept). */
		if (!gl.quiet)
			printf("%s has no passphrase; left as it is.\n", path);
		FAIL_OUT(EXIT_OK);
	}
	if (newp->len > 0) {
		if (!(lock = malloc(sizeof *lock)))
			FAIL_OUT(msg_fail(EXIT_FAIL, "passphrase", "out of memory"));
		if (keylock_init(lock, newp->s, newp->len, (uint32_t)rounds, &rerr) < 0)
			FAIL_OUT(msg_fail(EXIT_FAIL, "passphrase", "cannot derive the key's encryption: %s",
					  rerr != RAND_OK ? rand_strerror(rerr) : "bcrypt_pbkdf failed"));
	}
	/* Private keys are 0600 at most; a 0400 key stays read-only. The owner stays (root changing a
	 * user's key leaves it the user's). */
	mode_t mode = (st.st_mode & 0600) == 0400 ? 0400 : 0600;
	/* Only root can give the new file another owner or group; a user's own key in a group the user
	 * is not in (user:root after provisioning) comes out in the user's group, as with ssh-keygen -p. */
	int root = geteuid() == 0;
	int wr = keyfile_save_private(dirfd, name, &kl->pair, kl->comment, lock ? &lock->seal : NULL, mode,
				      root ? st.st_uid : (uid_t)-1, root ? st.st_gid : (gid_t)-1);
	if (wr != KFE_OK)
		FAIL_OUT(msg_fail(EXIT_FAIL, "passphrase", "%s%s %s", path, wr == KFE_IO ? ":" : "",
				  keyfile_strerror(wr)));
	if (!gl.quiet)
		printf("Your identification has been saved with the new passphrase.\n");
	ret = EXIT_OK;
out:
	if (oldp) {
		pass_wipe(oldp);
		free(oldp);
	}
	if (newp) {
		pass_wipe(newp);
		free(newp);
	}
	if (kl) {
		keyload_wipe(kl);
		free(kl);
	}
	if (lock) {
		keylock_wipe(lock);
		free(lock);
	}
	if (text) {
		secret_wipe(text, PRIVKEY_TEXT_MAX + 1);
		free(text);
	}
	if (dirfd >= 0)
		close(dirfd);
	return ret;
}
