/* cmd_keygen.c: keydrop keygen, like ssh-keygen -t -b -f -C -N. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "die.h"
#include "fingerprint.h"
#include "fsx.h"
#include "keyblob.h"
#include "keyprint.h"
#include "keyfile.h"
#include "keygen.h"
#include "keyload.h"
#include "keylock.h"
#include "opts.h"
#include "passcli.h"
#include "privkey.h"
#include "osutil.h"
#include "pathwalk.h"
#include "rand.h"
#include "secret.h"

static const char usage[] =
	"usage: keydrop keygen [-t ed25519|ecdsa|rsa] [-b bits] [-f path] [-C comment] [-N pass] [-a rounds]\n"
	"                      [--passphrase-file FILE] [--force]\n"
	"  -t, --type TYPE       key type (default ed25519; any case: RSA works)\n"
	"  -b, --bits BITS       ecdsa: 256, 384 or 521 (default 256); rsa: 2048..16384 (default 3072);\n"
	"                        ignored for ed25519 (always 256)\n"
	"  -f, --file PATH       private key path (default ~/.ssh/id_TYPE); the public key goes to PATH.pub\n"
	"  -C, --comment TEXT    comment (default user@host)\n"
	"  -N PASS               passphrase ('' for none); the key is encrypted as ssh-keygen does\n"
	"                        (aes256-ctr, bcrypt KDF)\n"
	"  --passphrase-file FILE  the passphrase is FILE's first line (keeps it out of the process list)\n"
	"  -a, --rounds N        KDF rounds (default 16, at most 1024)\n"
	"  --force               replace an existing key (atomically)\n"
	"  -o                    accepted and ignored (keys are always in the OpenSSH format)\n"
	"  Without -N, keygen asks for a passphrase on a terminal; with no terminal the key has none.\n"
	"  ssh-keygen's -y, -l and -p run keydrop pubkey, fingerprint and passphrase.\n";

/* On a failure after the passphrase is read: set the exit code and leave through the wipe. */
#define FAIL_OUT(expr) \
	do { \
		ret = (expr); \
		goto out; \
	} while (0)

/* ssh-keygen -y / -l / -p typed to keygen by habit ("ssh-keygen -lf key.pub"): the same job under
 * its keydrop name, with the same arguments minus that letter. Returns the command's result, or
 * -1 when argv asks for none of them. */
static int run_alias(int argc, char **argv, const struct globals *g)
{
	static const char valued[] = "tbfCNPaE"; /* ssh-keygen letters that take a value */
	int ai = -1, ci = 0;
	char which = 0;

	for (int i = 1; i < argc && !which; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '\0' || a[1] == '-')
			continue;
		for (int k = 1; a[k]; k++) {
			if (strchr("ylp", a[k])) {
				which = a[k], ai = i, ci = k;
				break;
			}
			if (strchr(valued, a[k])) {
				if (!a[k + 1])
					i++; /* the value is the next argument */
				break;
			}
		}
	}
	if (!which)
		return -1;
	char **nv = calloc((size_t)argc + 1, sizeof *nv), cluster[64];
	int n = 0, ret;
	if (!nv)
		return msg_fail(EXIT_FAIL, "keygen", "out of memory");
	nv[n++] = which == 'y' ? "pubkey" : which == 'l' ? "fingerprint" : "passphrase";
	for (int i = 1; i < argc; i++) {
		if (i != ai) {
			nv[n++] = argv[i];
			continue;
		}
		size_t len = strlen(argv[i]);
		if (len >= sizeof cluster) {
			free(nv);
			return msg_usage("keygen", "option '%.20s...' is too long", argv[i]);
		}
		memcpy(cluster, argv[i], (size_t)ci);
		memcpy(cluster + ci, argv[i] + ci + 1, len - (size_t)ci);
		/* The cluster may hold a passphrase (-pPsecret): the command wipes the copy it reads, so
		 * the original goes from the process list now. */
		secret_wipe(argv[i], len);
		if (strcmp(cluster, "-") != 0)
			nv[n++] = cluster;
	}
	nv[n] = NULL;
	ret = which == 'y' ? cmd_pubkey(n, nv, g) : which == 'l' ? cmd_fingerprint(n, nv, g) : cmd_passphrase(n, nv, g);
	secret_wipe(cluster, sizeof cluster);
	free(nv);
	return ret;
}


int cmd_keygen(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	static const struct option longopts[] = {
		{ "force", no_argument, NULL, 'F' },
		{ "type", required_argument, NULL, 't' },
		{ "bits", required_argument, NULL, 'b' },
		{ "file", required_argument, NULL, 'f' },
		{ "comment", required_argument, NULL, 'C' },
		{ "rounds", required_argument, NULL, 'a' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		OPTS_END_ROW,
	};
	struct pass pw = { .set = 0 };
	struct keylock *lock = NULL;
	long long rounds = KEYLOCK_ROUNDS_DEFAULT;
	int bits_given = 0;
	enum keygen_type type = KT_ED25519;
	unsigned long bits = 0;
	const char *path = NULL, *comment = NULL;
	char pathbuf[4096], dir[4096], defcomment[512], fp[FINGERPRINT_MAX], art[RANDOMART_MAX];
	int quiet, force = 0, c, dirfd = -1, ret = EXIT_FAIL, rerr = RAND_OK;
	struct keygen_pair *pair = NULL;
	char *end;

	static const char *const help[] = { usage, NULL };
	int alias = run_alias(argc, argv, gg);
	if (alias >= 0)
		return alias;
	opts_init(&op, "keygen", argc, argv, "t:b:f:C:N:a:o", longopts, g, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 't':
			if (keygen_type_parse(op.arg, &type) < 0) {
				ret = msg_usage("keygen", "unknown key type '%s' (ed25519, ecdsa or rsa)", op.arg);
				goto out;
			}
			break;
		case 'b':
			errno = 0;
			bits = strtoul(op.arg, &end, 10);
			if (errno || *end || !*op.arg || bits > 65536) {
				ret = msg_usage("keygen", "bad key size '%s'", op.arg);
				goto out;
			}
			bits_given = 1;
			break;
		case 'f':
			path = op.arg;
			break;
		case 'C':
			comment = op.arg;
			break;
		case 'N':
			if ((ret = pass_from_arg("keygen", "-N", op.arg, &pw)) != EXIT_OK)
				goto out;
			break;
		case 'p':
			if ((ret = pass_from_file("keygen", op.arg, &pw)) != EXIT_OK)
				goto out;
			break;
		case 'a':
			if (opts_num(op.arg, 1, KEYLOAD_ROUNDS_MAX, &rounds) < 0) {
				ret = msg_usage("keygen", "bad KDF rounds '%s' (1..%d; ssh-keygen's default is %d)", op.arg,
						KEYLOAD_ROUNDS_MAX, KEYLOCK_ROUNDS_DEFAULT);
				goto out;
			}
			break;
		case 'o': /* ssh-keygen -o: the OpenSSH format, which is the only one keydrop writes */
			break;
		case 'F':
			force = 1;
			break;
		}
	}
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK) {
		ret = op.rc;
		goto out;
	}
	quiet = g->quiet;
	if (type == KT_ED25519 && bits_given) {
		/* ssh-keygen ignores -b for Ed25519; so do we, but say so. */
		if (!quiet)
			msg_err("keygen", "note: -b is ignored for Ed25519 keys (always 256 bits)");
		bits = 0;
	}
	unsigned ubits = keygen_bits(type, (unsigned)bits);
	if (ubits == 0) {
		if (type == KT_RSA)
			FAIL_OUT(msg_usage("keygen", "invalid RSA key size %lu (2048..16384)", bits));
		if (type == KT_ECDSA)
			FAIL_OUT(msg_usage("keygen", "invalid ECDSA key size %lu (256, 384 or 521)", bits));
		FAIL_OUT(msg_usage("keygen", "Ed25519 keys have a fixed size (256)"));
	}
	if (comment && strpbrk(comment, "\r\n"))
		FAIL_OUT(msg_usage("keygen", "the comment must be one line"));
	if (comment && strlen(comment) > PRIVKEY_COMMENT_MAX)
		FAIL_OUT(msg_usage("keygen", "the comment is longer than %d bytes", PRIVKEY_COMMENT_MAX));
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
			FAIL_OUT(msg_usage("keygen", "path too long"));
		snprintf(pathbuf, sizeof pathbuf, "%s", path);
		name = fsx_split(pathbuf, dir, sizeof dir);
		if (!*name)
			FAIL_OUT(msg_usage("keygen", "'%s' names a directory, not a key file", path));
		if (pathwalk_open_dir(&w, dir, &dirfd, werr, sizeof werr) != PW_OK)
			FAIL_OUT(msg_fail(EXIT_FAIL, "keygen", "%s%s", werr,
					errno == ENOENT ? " (create the directory first)" : ""));
	} else {
		char home[4000];
		if (osutil_home(home, sizeof home) < 0)
			FAIL_OUT(msg_fail(EXIT_FAIL, "keygen", "cannot find the home directory (set HOME or use -f)"));
		if (snprintf(dir, sizeof dir, "%s/.ssh", home) >= (int)sizeof dir - 16)
			FAIL_OUT(msg_fail(EXIT_FAIL, "keygen", "home directory path too long"));
		memcpy(pathbuf, dir, strlen(dir) + 1);
		strcat(pathbuf, "/id_");
		strcat(pathbuf, keygen_type_name(type));
		name = pathbuf + strlen(dir) + 1;
		w.mkdir_mode = 0700;
		if (pathwalk_open_dir(&w, dir, &dirfd, werr, sizeof werr) != PW_OK)
			FAIL_OUT(msg_fail(EXIT_FAIL, "keygen", "%s", werr));
	}

	osutil_protect_secrets();
	/* Check early so a user does not wait for an RSA key that cannot be written. */
	int lnk;
	if (fsx_exists(dirfd, name, &lnk) && (lnk || !force)) {
		ret = msg_fail(EXIT_FAIL, "keygen", "%s %s", pathbuf,
			       keyfile_strerror(lnk ? KFE_SYMLINK : KFE_EXISTS));
		goto out;
	}
	/* A .pub without its private key is replaced (ssh-keygen does too), but said: it may be the
	 * only copy of a public key somebody meant to keep. */
	char pubname[FSX_NAME_MAX];
	int orphan = snprintf(pubname, sizeof pubname, "%s.pub", name) < (int)sizeof pubname &&
		     !fsx_exists(dirfd, name, &lnk) && fsx_exists(dirfd, pubname, &lnk) && !lnk;
	struct stat dst;
	if (!quiet && fstat(dirfd, &dst) == 0 && (dst.st_mode & 022) && !(dst.st_mode & S_ISVTX))
		msg_err("keygen", "note: %s is writable by others: they can replace your key there (chmod go-w %s)",
			*dir ? dir : ".", *dir ? dir : ".");
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
	/* As ssh-keygen: asked on the terminal, else read from stdin; a script whose stdin is empty
	 * (/dev/null) gets a key without one. Asked before the key is made, so nobody waits for RSA
	 * primes and then for the prompt. */
	if (!pw.set && (ret = pass_prompt_new("keygen", "Enter passphrase (empty for no passphrase): ", &pw)) != EXIT_OK)
		goto out;
	if (pw.len > 0) {
		if (!(lock = malloc(sizeof *lock)))
			FAIL_OUT(msg_fail(EXIT_FAIL, "keygen", "out of memory"));
		if (keylock_init(lock, pw.s, pw.len, (uint32_t)rounds, &rerr) < 0)
			FAIL_OUT(msg_fail(EXIT_FAIL, "keygen", "cannot derive the key's encryption: %s",
					  rerr != RAND_OK ? rand_strerror(rerr) : "bcrypt_pbkdf failed"));
	}
	if (type == KT_RSA && ubits >= 8192 && !quiet)
		msg_err("keygen", "note: searching primes for a %u-bit RSA key may take a while (minutes for 16384)", ubits);
	int kr = keygen_generate(type, ubits, pair, cmd_entropy_wait, "keygen", &rerr);
	if (kr != KG_OK) {
		ret = msg_fail(EXIT_FAIL, "keygen", "%s", kr == KG_RAND ? rand_strerror(rerr) : keygen_strerror(kr));
		goto out;
	}
	int wr = keyfile_write_pair(dirfd, name, pair, comment, force, lock ? &lock->seal : NULL);
	if (wr != KFE_OK) {
		ret = msg_fail(EXIT_FAIL, "keygen", "%s%s %s", pathbuf, wr == KFE_IO ? ":" : "", keyfile_strerror(wr));
		goto out;
	}
	if (orphan && !quiet)
		msg_err("keygen", "note: replaced %s.pub, which had no private key beside it", pathbuf);
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
	if (lock) {
		keylock_wipe(lock);
		free(lock);
	}
	pass_wipe(&pw);
	if (dirfd >= 0)
		close(dirfd);
	return ret;
}
