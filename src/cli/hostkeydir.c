/* hostkeydir.c: the sshd host keys of one directory (see hostkeydir.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostkeydir.h"
#include "hostkeyfmt.h"
#include "die.h"
#include "fsx.h"
#include "keyfile.h"
#include "keyload.h"
#include "keyperm.h"
#include "keyprint.h"
#include "osutil.h"
#include "pathwalk.h"
#include "rand.h"
#include "secret.h"

/* ROOT/PATH through the safe walk (its last component made 0755 when create): the fd, or -1. */
static int walk_open(const char *root, const char *path, int create, char *err, size_t errcap)
{
	uid_t me = geteuid();
	struct pathwalk w = { .root = strcmp(root, "/") ? root : "", .uid = me, .mkdir_mode = create ? 0755 : 0,
			      .mk_uid = me, .mk_gid = getegid() };
	int fd = -1, ok;

	/* --root opened once per walk: the walk starts at the same image whatever happens to the name */
	if (*w.root && (w.rootfd = open(w.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errcap, "--root %s: %s", w.root, strerror(errno));
		return -1;
	}
	w.use_rootfd = *w.root != '\0';
	ok = pathwalk_open_dir(&w, path, &fd, err, errcap) == PW_OK;
	if (w.use_rootfd) {
		int e = errno;
		close(w.rootfd);
		errno = e;
	}
	return ok ? fd : -1;
}

int hostkeydir_open_dir(const char *root, const char *path, int create, char *err, size_t errcap)
{
	uid_t me = geteuid();
	struct stat st;
	int fd = walk_open(root, path, create, err, errcap);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (st.st_uid != 0 && st.st_uid != me) || (st.st_mode & 022)) {
		snprintf(err, errcap, "%s%s is owned by uid %u with mode %04o: refusing to write host keys "
			 "into a directory others can write", strcmp(root, "/") ? root : "", path, (unsigned)st.st_uid,
			 (unsigned)(st.st_mode & 07777));
		close(fd);
		errno = 0; /* no errno hint: the directory is the problem */
		return -1;
	}
	return fd;
}

int hostkeydir_open_sshdir(const char *root, char *err, size_t errcap)
{
	int fd = walk_open(root, "/etc", 1, err, errcap);

	if (fd < 0)
		return -1;
	close(fd);
	return hostkeydir_open_dir(root, "/etc/ssh", 1, err, errcap);
}

int hostkeydir_types(const char *cmd, const char *list, enum keygen_type types[3])
{
	char lbuf[64];
	int n = 0;

	if (strlen(list) >= sizeof lbuf)
		return msg_usage(cmd, "bad type list '%s'", list), 0;
	snprintf(lbuf, sizeof lbuf, "%s", list);
	for (char *save = NULL, *t = strtok_r(lbuf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum keygen_type kt;
		int dup = 0;
		/* "ed25519, rsa" as people type lists: blanks around a name do not matter. */
		while (*t == ' ' || *t == '\t')
			t++;
		for (size_t l = strlen(t); l && (t[l - 1] == ' ' || t[l - 1] == '\t');)
			t[--l] = '\0';
		if (!*t)
			continue;
		if (keygen_type_parse(t, &kt) < 0)
			return msg_usage(cmd, "unknown key type '%s' (ed25519, ecdsa, rsa)", t), 0;
		for (int i = 0; i < n; i++)
			dup |= types[i] == kt;
		if (!dup)
			types[n++] = kt;
	}
	if (n == 0)
		msg_usage(cmd, "no key types given");
	return n;
}

void hostkeydir_comment(char *comment, size_t cap)
{
	osutil_user_at_host(comment, cap);
	if (getuid() == 0) {
		char *at = strchr(comment, '@');
		char host[256];
		snprintf(host, sizeof host, "%s", at ? at + 1 : "localhost");
		snprintf(comment, cap, "root@%s", host);
	}
}

void hostkeydir_name(const struct hostkeydir *d, enum keygen_type t, char name[64])
{
	static const char *const names[] = { "ssh_host_%s_key", "dropbear_%s_host_key", ".ed25519.sk" };
	snprintf(name, 64, names[d ? d->format : HKF_OPENSSH], keygen_type_name(t));
}

int hostkeydir_has(int dirfd, enum keygen_type t)
{
	char name[64];
	int lnk;

	hostkeydir_name(NULL, t, name);
	return fsx_exists(dirfd, name, &lnk);
}

int hostkeydir_make(struct hostkeydir *d, const enum keygen_type *types, int n)
{
	int ret = EXIT_OK;

	for (int i = 0; i < n; i++) {
		char name[64];
		int lnk, rerr, kr, wr = KFE_OK;
		struct keygen_pair *pair;

		hostkeydir_name(d, types[i], name);
		if (fsx_exists(d->dirfd, name, &lnk))
			continue; /* a link is refused by hostkeydir_scan */
		if (!(pair = malloc(sizeof *pair)))
			return msg_fail(EXIT_FAIL, d->cmd, "out of memory");
		if (!d->quiet)
			printf("generating new host key: %s/%s\n", d->shown, name);
		fflush(stdout);
		kr = keygen_generate(types[i], 0, pair, cmd_entropy_wait, (void *)d->cmd, &rerr);
		if (kr == KG_OK)
			wr = d->format == HKF_OPENSSH ? keyfile_write_pair(d->dirfd, name, pair, d->comment, 0, NULL)
						       : hostkeyfmt_write_new(d, name, pair);
		keygen_wipe(pair);
		free(pair);
		if (kr != KG_OK) /* no randomness: nothing else can work either */
			return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, name,
					kr == KG_RAND ? rand_strerror(rerr) : keygen_strerror(kr));
		if (wr == KFE_OK)
			d->created++;
		else if (wr == HKF_SAID)
			ret = EXIT_FAIL, d->refused |= 1u << types[i];
		else if (wr != KFE_EXISTS) /* each type on its own: one failure does not stop the others */
			ret = msg_fail(EXIT_FAIL, d->cmd, "%s/%s%s %s%s", d->shown, name, wr == KFE_IO ? ":" : "",
				       keyfile_strerror(wr),
				       wr == KFE_IO && (errno == EACCES || errno == EPERM) ? " (run as root, or use --root DIR)" : "");
	}
	return ret;
}

/* A host key we cannot read but sshd may (PEM, encrypted, another type): left exactly as it is,
 * recorded with its .pub's key when there is a valid one, like ssh-keygen -A, which only checks
 * that the file exists. */
static void note_foreign(int dirfd, const char *pubname, struct hostkey *k)
{
	char cur[PRIVKEY_BLOB_MAX];
	size_t clen;
	struct stat st;
	struct pubkey pk;

	if (fsx_read_at(dirfd, pubname, cur, sizeof cur - 1, &clen, &st) < 0 ||
	    pubkey_parse_line(cur, clen, k->blob, sizeof k->blob, &pk) != PKL_OK)
		return;
	size_t cl = pk.comment ? (pk.commentlen > PRIVKEY_COMMENT_MAX ? PRIVKEY_COMMENT_MAX : pk.commentlen) : 0;
	memcpy(k->comment, pk.comment ? pk.comment : "", cl);
	k->comment[cl] = '\0';
	if (pk.blob != k->blob)
		memmove(k->blob, pk.blob, pk.bloblen);
	k->len = pk.bloblen;
}

/* sshd refuses a private host key of its own uid with any group or other bit (its sshkey_perm_ok
 * rule, "UNPROTECTED PRIVATE KEY FILE"): every login then misses that host key. Repaired on the
 * file's own descriptor (never through a name a link could have replaced), or said. */
int hostkeydir_check_mode(const struct hostkeydir *d, const char *name, const struct stat *st)
{
	const char *why = d->refuser ? d->refuser : "sshd refuses it (UNPROTECTED PRIVATE KEY FILE)";
	unsigned f = keyperm_private(st->st_mode, st->st_uid, geteuid());
	mode_t to = (mode_t)keyperm_private_fixed(st->st_mode);
	struct stat now;
	int fd, ok;

	if (f & KP_OPEN) /* another uid's key, readable by others: sshd takes it, everyone can copy it */
		msg_err(d->cmd, "warning: %s/%s belongs to uid %u and others can read it: every host with a copy "
			"can pose as this one", d->shown, name, (unsigned)st->st_uid);
	if (!(f & KP_UNPROTECTED))
		return EXIT_OK;
	if (!d->fix && d->show) /* --show repairs nothing: --no-fix is not why */
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: mode %04o: %s; left as it is (--show: not repaired)", d->shown,
				name, (unsigned)(st->st_mode & 07777), why);
	if (!d->fix)
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: mode %04o: %s; left as it is (without --no-fix: repaired to %04o)",
			       d->shown, name, (unsigned)(st->st_mode & 07777), why, (unsigned)to);
	fd = openat(d->dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	ok = fd >= 0 && fstat(fd, &now) == 0 && now.st_dev == st->st_dev && now.st_ino == st->st_ino &&
	     fchmod(fd, to) == 0;
	if (!ok) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: mode %04o (%s): cannot repair it: %s", d->shown, name,
				(unsigned)(st->st_mode & 07777), why, fd >= 0 && e == 0 ? "replaced meanwhile" : strerror(e));
	}
	close(fd);
	if (!d->quiet)
		printf("repaired the mode of %s/%s: %04o -> %04o (%s)\n", d->shown, name, (unsigned)(st->st_mode & 07777),
		       (unsigned)to, d->refuser ? "others could read it" : "sshd refused it");
	return EXIT_OK;
}

/* An existing private key: its .pub must exist and match (a crash between the two renames, or a
 * stale .pub, is repaired from the private key), its mode must be one sshd takes. Returns EXIT_OK,
 * or the exit code of a file that is no usable private key at all. */
static int check_existing(const struct hostkeydir *d, const char *name, struct hostkey *k)
{
	char *text = NULL, pubname[FSX_NAME_MAX], line[PRIVKEY_BLOB_MAX];
	size_t len;
	struct stat st;
	struct keyload *kl = NULL;
	int ret = EXIT_FAIL, r, lockfd = -1, lock_made = 0;

	snprintf(pubname, sizeof pubname, "%s.pub", name);
	text = malloc(PRIVKEY_TEXT_MAX + 1);
	kl = malloc(sizeof *kl);
	if (!text || !kl) {
		ret = msg_fail(EXIT_FAIL, d->cmd, "out of memory");
		goto out;
	}
	if (fsx_read_at(d->dirfd, name, text, PRIVKEY_TEXT_MAX, &len, &st) < 0) {
		if (errno == EFBIG) {
			msg_err(d->cmd, "%s/%s: too large to read; left as it is", d->shown, name);
			ret = EXIT_OK;
		} else {
			ret = msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, name,
				       errno == ELOOP ? "is a symbolic link: refusing to read through it" : strerror(errno));
		}
		goto out;
	}
	if ((ret = hostkeydir_check_mode(d, name, &st)) != EXIT_OK)
		goto out;
	ret = EXIT_FAIL;
	/* sshd reads OpenSSH and PEM host keys; an encrypted one or a .ppk it cannot use, but it is
	 * somebody's file: left alone. */
	if ((r = keyload_parse(text, len, NULL, 0, kl)) == PK_OK && !kl->have_private)
		r = PK_NEED_PRIVATE;
	if (r != PK_OK) {
		if (r == PK_NEED_PRIVATE || r == PK_ENCRYPTED || r == PK_TYPE || r == PK_DSA || r == PK_CIPHER ||
		    r == PK_PEM_ENCRYPTED || r == PK_PEM || r == PK_PUTTY) {
			msg_err(d->cmd, "%s/%s: %s; left as it is", d->shown, name, privkey_strerror(r));
			note_foreign(d->dirfd, pubname, k);
			ret = EXIT_OK;
		} else {
			/* exit 3 as pubkey -f gives for the same file: key text refused, not an I/O failure */
			ret = msg_fail(EXIT_REJECT, d->cmd, "%s/%s: %s (sshd cannot use it; move it away to get a new one)",
				       d->shown, name, privkey_strerror(r));
		}
		goto out;
	}
	const uint8_t *pub = kl->pair.pub;
	size_t publen = kl->pair.publen;
	char cur[PRIVKEY_BLOB_MAX];
	size_t clen;
	struct pubkey pk;
	int ok = fsx_read_at(d->dirfd, pubname, cur, sizeof cur - 1, &clen, &st) == 0 &&
		 pubkey_parse_line(cur, clen, k->blob, sizeof k->blob, &pk) == PKL_OK && pk.bloblen == publen &&
		 memcmp(pk.blob, pub, publen) == 0;
	if (!ok && !d->show) { /* --show changes nothing: the key shown is the private key's */
		long l = keyfile_pub_line(pub, publen, kl->comment, line, sizeof line);
		if (l < 0) {
			ret = msg_fail(EXIT_FAIL, d->cmd, "%s/%s.pub: key too large", d->shown, name);
			goto out;
		}
		if ((lockfd = fsx_lock_file(d->dirfd, FSX_LOCK_NAME, 10000, &lock_made)) < 0) {
			ret = msg_fail(EXIT_FAIL, d->cmd, "%s/%s.pub: %s", d->shown, name,
				       errno == EWOULDBLOCK ? "directory locked by another keydrop (waited 10 s)" : strerror(errno));
			goto out;
		}
		fsx_clean_stale(d->dirfd);
		if (fsx_write_atomic(d->dirfd, pubname, line, (size_t)l, 0644, (uid_t)-1, (gid_t)-1, 1) < 0) {
			ret = msg_fail(EXIT_FAIL, d->cmd, "%s/%s.pub: %s", d->shown, name, strerror(errno));
			goto out;
		}
		if (!d->quiet)
			printf("repaired %s/%s.pub from its private key\n", d->shown, name);
	}
	if (publen <= sizeof k->blob) {
		memcpy(k->blob, pub, publen);
		k->len = publen;
		snprintf(k->comment, sizeof k->comment, "%s", kl->comment);
		k->usable = 1;
	}
	ret = EXIT_OK;
out:
	fsx_unlock_file(d->dirfd, FSX_LOCK_NAME, lockfd, lock_made);
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

/* ssh_host_*_key: what sshd's HostKey defaults and ssh-keygen -A name host keys. */
static int is_host_key_name(const char *s)
{
	size_t n = strlen(s);
	return n > 13 && n < 64 && strncmp(s, "ssh_host_", 9) == 0 && strcmp(s + n - 4, "_key") == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hostkey *)a)->name, ((const struct hostkey *)b)->name);
}

int hostkeydir_scan(struct hostkeydir *d)
{
	int fd = openat(d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = EXIT_OK, r;
	size_t more = 0;
	DIR *dir;
	struct dirent *e;

	d->n = 0;
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return msg_fail(EXIT_FAIL, d->cmd, "%s: %s", d->shown, strerror(errno));
	}
	while ((e = readdir(dir)) != NULL) {
		if (!is_host_key_name(e->d_name))
			continue;
		if (d->n == HOSTKEYS_MAX) {
			more++;
			continue;
		}
		memset(&d->k[d->n], 0, sizeof d->k[d->n]);
		memcpy(d->k[d->n++].name, e->d_name, strlen(e->d_name)); /* < 64: is_host_key_name */
	}
	closedir(dir);
	if (more)
		msg_err(d->cmd, "%s: %zu more host keys than the %d looked at", d->shown, more, HOSTKEYS_MAX);
	qsort(d->k, d->n, sizeof d->k[0], by_name);
	/* Leftovers of a run killed mid-write (their writer is gone) are removed first. */
	int lk, lk_made;
	if (!d->show && (lk = fsx_lock_file(d->dirfd, FSX_LOCK_NAME, 10000, &lk_made)) >= 0) {
		fsx_clean_stale(d->dirfd);
		fsx_unlock_file(d->dirfd, FSX_LOCK_NAME, lk, lk_made);
	}
	/* Each key on its own: one bad key does not stop the others from being checked. */
	for (size_t i = 0; i < d->n; i++)
		if ((r = check_existing(d, d->k[i].name, &d->k[i])) != EXIT_OK)
			ret = r;
	return ret;
}

void hostkeydir_print(const struct hostkeydir *d, int console)
{
	char line[PRIVKEY_BLOB_MAX];

	if (d->quiet)
		return;
	if (console)
		puts("-----BEGIN SSH HOST KEY FINGERPRINTS-----");
	for (size_t i = 0; i < d->n; i++)
		if (d->k[i].len)
			cmd_print_key(d->k[i].blob, d->k[i].len, *d->k[i].comment ? d->k[i].comment : NULL,
				      strlen(d->k[i].comment), FP_SHA256, !console);
	if (!console)
		return;
	puts("-----END SSH HOST KEY FINGERPRINTS-----\n-----BEGIN SSH HOST KEY KEYS-----");
	for (size_t i = 0; i < d->n; i++)
		if (d->k[i].len && keyfile_pub_line(d->k[i].blob, d->k[i].len, d->k[i].comment, line, sizeof line) > 0)
			fputs(line, stdout);
	puts("-----END SSH HOST KEY KEYS-----");
}
