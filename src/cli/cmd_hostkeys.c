/* cmd_hostkeys.c: keydrop hostkeys, like ssh-keygen -A: create only the missing host keys. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "keyprint.h"
#include "die.h"
#include "fingerprint.h"
#include "fsx.h"
#include "keyblob.h"
#include "keyfile.h"
#include "keygen.h"
#include "keyload.h"
#include "opts.h"
#include "osutil.h"
#include "pathwalk.h"
#include "privkey.h"
#include "pubkey.h"
#include "rand.h"
#include "secret.h"

static const char usage[] =
	"usage: keydrop hostkeys [--root DIR] [-t ed25519,ecdsa,rsa] [-A]\n"
	"  Creates the missing sshd host keys DIR/etc/ssh/ssh_host_TYPE_key{,.pub} (DIR default /),\n"
	"  then prints every host key's fingerprint and randomart.\n"
	"  -t LIST    key types to ensure (default: ed25519; add ecdsa and rsa as needed)\n"
	"  -A         all three types, as ssh-keygen -A (unless -t is given)\n"
	"  --root DIR prefix for building an image offline\n";

/* Opens DIR/etc/ssh through the safe walk (pathwalk.h), creating etc and etc/ssh (0755) when missing:
 * every directory root's (or, for an image built without root, the builder's), no link anyone else
 * could have planted, and etc/ssh itself not writable by others (they could swap the keys in it).
 * Returns the fd, or -1 with a message in err. */
static int open_sshdir(const char *root, char *err, size_t errcap)
{
	uid_t me = geteuid();
	struct pathwalk w = { .root = strcmp(root, "/") ? root : "", .uid = me, .mkdir_mode = 0755, .mk_uid = me,
			      .mk_gid = getegid() };
	struct stat st;
	int fd = -1, ok;

	/* --root opened once: both walks start at the same image. */
	if (*w.root && (w.rootfd = open(w.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errcap, "--root %s: %s", w.root, strerror(errno));
		return -1;
	}
	w.use_rootfd = *w.root != '\0';
	ok = pathwalk_open_dir(&w, "/etc", &fd, err, errcap) == PW_OK;
	if (ok)
		close(fd);
	ok = ok && pathwalk_open_dir(&w, "/etc/ssh", &fd, err, errcap) == PW_OK;
	if (w.use_rootfd) {
		int e = errno;
		close(w.rootfd);
		errno = e;
	}
	if (!ok)
		return -1;
	if (fstat(fd, &st) < 0 || (st.st_uid != 0 && st.st_uid != me) || (st.st_mode & 022)) {
		snprintf(err, errcap, "%s/etc/ssh is owned by uid %u with mode %04o: refusing to write host keys "
			 "into a directory others can write", w.root, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	return fd;
}

/* Prints the ssh-keygen -lv view of a key blob. */
static void print_fingerprint(const uint8_t *blob, size_t n, const char *comment)
{
	cmd_print_key(blob, n, *comment ? comment : NULL, strlen(comment), FP_SHA256, 1);
}

/* A host key we cannot read but sshd may (PEM, encrypted, another type): left exactly as it is,
 * with its .pub's fingerprint when there is a valid one, like ssh-keygen -A, which only checks
 * that the file exists. */
static void show_foreign(int dirfd, const char *pubname, int quiet)
{
	char cur[PRIVKEY_BLOB_MAX], comment[PRIVKEY_COMMENT_MAX + 1];
	uint8_t pbuf[PUBKEY_BLOB_MAX];
	size_t clen;
	struct stat st;
	struct pubkey pk;

	if (quiet || fsx_read_at(dirfd, pubname, cur, sizeof cur - 1, &clen, &st) < 0 ||
	    pubkey_parse_line(cur, clen, pbuf, sizeof pbuf, &pk) != PKL_OK)
		return;
	size_t cl = pk.comment ? (pk.commentlen > PRIVKEY_COMMENT_MAX ? PRIVKEY_COMMENT_MAX : pk.commentlen) : 0;
	if (cl)
		memcpy(comment, pk.comment, cl);
	comment[cl] = '\0';
	print_fingerprint(pk.blob, pk.bloblen, comment);
}

/* For an existing private key: make sure its .pub exists and matches (a crash between the two
 * renames, or a stale .pub, is repaired from the private key), then print the fingerprint.
 * Returns EXIT_OK, or EXIT_FAIL for a file that is no usable private key at all. */
static int check_existing(int dirfd, const char *name, const char *shown, int quiet)
{
	char *text = NULL, pubname[FSX_NAME_MAX], line[PRIVKEY_BLOB_MAX];
	uint8_t pbuf[PUBKEY_BLOB_MAX];
	size_t len;
	struct stat st;
	struct keyload *kl = NULL;
	int ret = EXIT_FAIL, r, lockfd = -1, lock_made = 0;

	snprintf(pubname, sizeof pubname, "%s.pub", name);
	text = malloc(PRIVKEY_TEXT_MAX + 1);
	kl = malloc(sizeof *kl);
	if (!text || !kl) {
		ret = msg_fail(EXIT_FAIL, "hostkeys", "out of memory");
		goto out;
	}
	if (fsx_read_at(dirfd, name, text, PRIVKEY_TEXT_MAX, &len, &st) < 0) {
		if (errno == EFBIG) {
			msg_err("hostkeys", "%s: too large to read; left as it is", shown);
			ret = EXIT_OK;
		} else {
			ret = msg_fail(EXIT_FAIL, "hostkeys", "%s: %s", shown,
				       errno == ELOOP ? "is a symbolic link: refusing to read through it" : strerror(errno));
		}
		goto out;
	}
	/* sshd reads OpenSSH and PEM host keys; an encrypted one or a .ppk it cannot use, but it is
	 * somebody's file: left alone. */
	if ((r = keyload_parse(text, len, NULL, 0, kl)) == PK_OK && !kl->have_private)
		r = PK_NEED_PRIVATE;
	if (r != PK_OK) {
		if (r == PK_NEED_PRIVATE || r == PK_ENCRYPTED || r == PK_TYPE || r == PK_DSA || r == PK_CIPHER ||
		    r == PK_PEM_ENCRYPTED || r == PK_PEM || r == PK_PUTTY) {
			msg_err("hostkeys", "%s: %s; left as it is", shown, privkey_strerror(r));
			show_foreign(dirfd, pubname, quiet);
			ret = EXIT_OK;
		} else {
			/* exit 3 as pubkey -f gives for the same file: key text refused, not an I/O failure */
			ret = msg_fail(EXIT_REJECT, "hostkeys", "%s: %s (sshd cannot use it; move it away to get a new one)",
				       shown, privkey_strerror(r));
		}
		goto out;
	}
	const char *comment = kl->comment;
	const uint8_t *pub = kl->pair.pub;
	size_t publen = kl->pair.publen;

	char cur[PRIVKEY_BLOB_MAX];
	size_t clen;
	struct pubkey pk;
	int ok = fsx_read_at(dirfd, pubname, cur, sizeof cur - 1, &clen, &st) == 0 &&
		 pubkey_parse_line(cur, clen, pbuf, sizeof pbuf, &pk) == PKL_OK && pk.bloblen == publen &&
		 memcmp(pk.blob, pub, publen) == 0;
	if (!ok) {
		long l = keyfile_pub_line(pub, publen, comment, line, sizeof line);
		if (l < 0) {
			ret = msg_fail(EXIT_FAIL, "hostkeys", "%s.pub: key too large", shown);
			goto out;
		}
		if ((lockfd = fsx_lock_file(dirfd, FSX_LOCK_NAME, 10000, &lock_made)) < 0) {
			ret = msg_fail(EXIT_FAIL, "hostkeys", "%s.pub: %s", shown,
				       errno == EWOULDBLOCK ? "directory locked by another keydrop (waited 10 s)" : strerror(errno));
			goto out;
		}
		fsx_clean_stale(dirfd);
		if (fsx_write_atomic(dirfd, pubname, line, (size_t)l, 0644, (uid_t)-1, (gid_t)-1, 1) < 0) {
			ret = msg_fail(EXIT_FAIL, "hostkeys", "%s.pub: %s", shown, strerror(errno));
			goto out;
		}
		if (!quiet)
			printf("repaired %s.pub from its private key\n", shown);
	}
	if (!quiet)
		print_fingerprint(pub, publen, comment);
	ret = EXIT_OK;
out:
	fsx_unlock_file(dirfd, FSX_LOCK_NAME, lockfd, lock_made);
	if (text) {
		secret_wipe(text, PRIVKEY_TEXT_MAX + 1);
		free(text);
	}
	if (kl) {
		keyload_wipe(kl);
		free(kl);
	}
	return ret;
}

int cmd_hostkeys(int argc, char **argv, const struct globals *gg)
{
	struct globals gl = *gg, *g = &gl;
	struct opts op;
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		OPTS_HELP_ROW, OPTS_END_ROW,
	};
	const char *root = "/", *list = NULL;
	int quiet, c, dirfd = -1, ret = EXIT_OK;
	enum keygen_type types[3];
	int ntypes = 0;

	static const char *const help[] = { usage, NULL };
	int every = 0;
	opts_init(&op, "hostkeys", argc, argv, "t:A", longopts, g, help);
	while ((c = opts_next(&op)) >= 0) {
		switch (c) {
		case 'r':
			root = op.arg;
			break;
		case 't':
			list = op.arg;
			break;
		case 'A': /* ssh-keygen -A: every type it makes by default */
			every = 1;
			break;
		}
	}
	if (!list)
		list = every ? "ed25519,ecdsa,rsa" : "ed25519";
	if (c == OPTS_EXIT || (op.rc = opts_no_operands(&op)) != EXIT_OK)
		return op.rc;
	quiet = g->quiet;
	char lbuf[64];
	if (strlen(list) >= sizeof lbuf)
		return msg_usage("hostkeys", "bad type list '%s'", list);
	snprintf(lbuf, sizeof lbuf, "%s", list);
	for (char *save = NULL, *t = strtok_r(lbuf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum keygen_type kt;
		/* "ed25519, rsa" as people type lists: blanks around a name do not matter. */
		while (*t == ' ' || *t == '\t')
			t++;
		for (size_t n = strlen(t); n && (t[n - 1] == ' ' || t[n - 1] == '\t');)
			t[--n] = '\0';
		if (!*t)
			continue;
		if (keygen_type_parse(t, &kt) < 0)
			return msg_usage("hostkeys", "unknown key type '%s' (ed25519, ecdsa, rsa)", t);
		int dup = 0;
		for (int i = 0; i < ntypes; i++)
			dup |= types[i] == kt;
		if (!dup)
			types[ntypes++] = kt;
	}
	if (ntypes == 0)
		return msg_usage("hostkeys", "no key types given");

	char err[4400];
	if ((dirfd = open_sshdir(root, err, sizeof err)) < 0)
		return msg_fail(EXIT_FAIL, "hostkeys", "%s%s", err,
				errno == EACCES || errno == EPERM ? " (run as root, or use --root DIR)" : "");
	osutil_protect_secrets();

	char comment[300];
	osutil_user_at_host(comment, sizeof comment);
	if (getuid() == 0) {
		char *at = strchr(comment, '@');
		char host[256];
		snprintf(host, sizeof host, "%s", at ? at + 1 : "localhost");
		snprintf(comment, sizeof comment, "root@%s", host);
	}
	const char *prefix = strcmp(root, "/") == 0 ? "" : root;
	/* Leftovers of a run killed mid-write (their writer is gone) are removed first. */
	int lk, lk_made;
	if ((lk = fsx_lock_file(dirfd, FSX_LOCK_NAME, 10000, &lk_made)) >= 0) {
		fsx_clean_stale(dirfd);
		fsx_unlock_file(dirfd, FSX_LOCK_NAME, lk, lk_made);
	}
	for (int i = 0; i < ntypes; i++) {
		char name[64], shown[4200];
		int lnk, r;
		snprintf(name, sizeof name, "ssh_host_%s_key", keygen_type_name(types[i]));
		snprintf(shown, sizeof shown, "%s/etc/ssh/%s", prefix, name);
		if (!fsx_exists(dirfd, name, &lnk)) {
			struct keygen_pair *pair = malloc(sizeof *pair);
			int rerr, kr, wr = KFE_OK;
			if (!pair) {
				ret = msg_fail(EXIT_FAIL, "hostkeys", "out of memory");
				break;
			}
			if (!quiet)
				printf("generating new host key: %s\n", shown);
			fflush(stdout);
			kr = keygen_generate(types[i], 0, pair, cmd_entropy_wait, "hostkeys", &rerr);
			if (kr == KG_OK)
				wr = keyfile_write_pair(dirfd, name, pair, comment, 0, NULL);
			keygen_wipe(pair);
			free(pair);
			if (kr != KG_OK) {
				ret = msg_fail(EXIT_FAIL, "hostkeys", "%s: %s", shown,
					       kr == KG_RAND ? rand_strerror(rerr) : keygen_strerror(kr));
				break; /* no randomness: nothing else can work either */
			}
			if (wr != KFE_OK && wr != KFE_EXISTS) {
				ret = msg_fail(EXIT_FAIL, "hostkeys", "%s%s %s%s", shown, wr == KFE_IO ? ":" : "",
					       keyfile_strerror(wr),
					       wr == KFE_IO && (errno == EACCES || errno == EPERM) ? " (run as root, or use --root DIR)" : "");
				continue;
			}
		} else if (lnk) {
			ret = msg_fail(EXIT_FAIL, "hostkeys", "%s %s", shown, keyfile_strerror(KFE_SYMLINK));
			continue;
		}
		/* Each type on its own: one bad key does not stop the others from being created. */
		if ((r = check_existing(dirfd, name, shown, quiet)) != EXIT_OK)
			ret = r;
	}
	/* Every host key sshd will present is shown, not only the types asked for: that is what a user
	 * compares on first connect. */
	static const enum keygen_type all[] = { KT_ED25519, KT_ECDSA, KT_RSA };
	for (size_t a = 0; a < sizeof all / sizeof *all; a++) {
		char name[64], shown[4200];
		int lnk, asked = 0, r;
		for (int i = 0; i < ntypes; i++)
			asked |= types[i] == all[a];
		snprintf(name, sizeof name, "ssh_host_%s_key", keygen_type_name(all[a]));
		if (asked || !fsx_exists(dirfd, name, &lnk) || lnk)
			continue;
		snprintf(shown, sizeof shown, "%s/etc/ssh/%s", prefix, name);
		if ((r = check_existing(dirfd, name, shown, quiet)) != EXIT_OK)
			ret = r;
	}
	close(dirfd);
	return ret;
}
