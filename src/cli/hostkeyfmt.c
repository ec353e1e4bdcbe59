/* hostkeyfmt.c: dropbear's and tinyssh's host key files (see hostkeyfmt.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "die.h"
#include "dropbearkey.h"
#include "ed25519.h"
#include "fsx.h"
#include "hostkeyfmt.h"
#include "keyfile.h"
#include "keyload.h"
#include "secret.h"

#define TINY_PK "ed25519.pk"

/* The secrets of one key, in one allocation wiped as a whole: the key in dropbear's format (a, alen;
 * tinyssh's two files are slices of it, dropbearkey.h), what a file holds now, the OpenSSH key. */
struct fmtwork {
	uint8_t a[DROPBEARKEY_MAX];
	size_t alen;
	uint8_t cur[DROPBEARKEY_MAX + 1];
	char text[PRIVKEY_TEXT_MAX];
	struct keyload kl;
};

static struct fmtwork *work_new(const struct hostkeydir *d)
{
	struct fmtwork *w = calloc(1, sizeof *w);

	if (!w)
		msg_err(d->cmd, "out of memory");
	return w;
}

static void work_free(struct fmtwork *w)
{
	if (w)
		secret_wipe(w, sizeof *w);
	free(w);
}

/* "DIR/NAME: why" for the errno of a failed read or write (exit 1). */
static int io_fail(const struct hostkeydir *d, const char *dir, const char *name)
{
	return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", dir, name,
			errno == ELOOP ? "is a symbolic link: refusing to read or write through it" : strerror(errno));
}

static int encode(const struct hostkeydir *d, const struct keygen_pair *p, struct fmtwork *w)
{
	long l = dropbearkey_from_openssh(p->priv, p->privlen, w->a, sizeof w->a);

	w->alen = l > 0 ? (size_t)l : 0;
	if (l > 0 && d->format == HKF_TINYSSH && l != DROPBEAR_ED25519_LEN)
		return PK_TYPE;
	return l > 0 ? PK_OK : (int)l;
}

/* The private key file's bytes: dropbear's whole file, or tinyssh's seed || public. */
static const uint8_t *secret_of(const struct hostkeydir *d, const struct fmtwork *w, size_t *len)
{
	*len = d->format == HKF_TINYSSH ? TINYSSH_SK_LEN : w->alen;
	return d->format == HKF_TINYSSH ? w->a + DROPBEAR_ED25519_SK : w->a;
}

/* Why a file of the key directory whose lstat is st is not ours to read (reading) or replace, or
 * NULL: only a regular file of our uid is (a FIFO blocks its reader, a socket is no key, another
 * uid's file is not ours to judge), and one with a single link when replaced (a second link would
 * keep the old secret under another name). */
static const char *refusal(const struct stat *st, int reading, char *buf, size_t cap)
{
	if (S_ISLNK(st->st_mode))
		return "is a symbolic link: refusing to read or write through it";
	if (!S_ISREG(st->st_mode))
		return reading ? "not a regular file: refusing to read it" : "not a regular file: refusing to replace it";
	if (st->st_uid != geteuid())
		return snprintf(buf, cap, "owned by uid %u: refusing it", (unsigned)st->st_uid), buf;
	if (!reading && st->st_nlink != 1)
		return snprintf(buf, cap, "has %lu hard links: refusing to replace it", (unsigned long)st->st_nlink), buf;
	return NULL;
}

/* NULL when name (and for tinyssh ed25519.pk) hold exactly w's key in files we would keep, else the
 * name of the first file that differs; *exists says whether that one exists (a key replaced). */
static const char *differs(const struct hostkeydir *d, const char *name, struct fmtwork *w, int *exists)
{
	const char *names[2] = { name, TINY_PK };
	const uint8_t *want[2];
	size_t wl[2], len;
	struct stat st;
	char b[80];

	want[0] = secret_of(d, w, &wl[0]);
	want[1] = w->a + DROPBEAR_ED25519_PK;
	wl[1] = TINYSSH_PK_LEN;
	for (int i = 0; i < (d->format == HKF_TINYSSH ? 2 : 1); i++) {
		int got = fsx_read_at(d->dirfd, names[i], (char *)w->cur, sizeof w->cur, &len, &st) == 0;
		*exists = got || errno != ENOENT;
		/* one holding the same key is left alone even with a second link: only a write needs one */
		if (!got || refusal(&st, 1, b, sizeof b) || (i == 1 && (st.st_mode & 022)) || len != wl[i] ||
		    memcmp(w->cur, want[i], len) != 0)
			return names[i];
	}
	return NULL;
}

/* Checks name under the lock: missing, or a file we may replace (replace 0: kept). Returns 0 (go
 * on; *exists set), 1 (exists and kept) or -1 (refused, said). */
static int check_target(const struct hostkeydir *d, const char *name, int replace, int *exists)
{
	struct stat st;
	char b[80];
	const char *why;

	*exists = fstatat(d->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!*exists && errno != ENOENT)
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, name, strerror(errno)), -1;
	if (!*exists)
		return 0;
	if (!replace && !S_ISLNK(st.st_mode))
		return 1;
	if ((why = refusal(&st, 0, b, sizeof b)))
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, name, why), -1;
	return 0;
}

/* Writes w's key as name (0600; tinyssh: and ed25519.pk, 0644) under the writers' lock, both names
 * checked before either changes, both temps written and synced before either rename; the old
 * .ed25519.sk is put back when ed25519.pk cannot follow, so the pair never holds two keys. replace 0:
 * an existing name is kept (KFE_EXISTS). Returns KFE_OK, KFE_EXISTS, or HKF_SAID (failed, said). */
static int put(const struct hostkeydir *d, const char *name, const struct fmtwork *w, int replace)
{
	const char *names[2] = { name, TINY_PK }, *failed = name;
	const uint8_t *data[2];
	size_t len[2];
	char tmp[2][FSX_NAME_MAX], bak[FSX_NAME_MAX];
	int n = d->format == HKF_TINYSSH ? 2 : 1, lockfd, made, exists[2], ret = HKF_SAID, r, temps = 0, done = 0,
	    saved = 0;

	data[0] = secret_of(d, w, &len[0]);
	data[1] = w->a + DROPBEAR_ED25519_PK;
	len[1] = TINYSSH_PK_LEN;
	if ((lockfd = fsx_lock_file(d->dirfd, FSX_LOCK_NAME, 10000, &made)) < 0)
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, name,
				errno == EWOULDBLOCK ? keyfile_strerror(KFE_LOCK) : strerror(errno)), HKF_SAID;
	fsx_clean_stale(d->dirfd);
	for (int i = 0; i < n; i++) /* ed25519.pk alone is no key: replaced even when .ed25519.sk is new */
		if ((r = check_target(d, names[i], replace || i > 0, &exists[i])) != 0) {
			ret = r > 0 ? KFE_EXISTS : HKF_SAID;
			goto out;
		}
	for (; temps < n; temps++)
		if (fsx_write_temp(d->dirfd, names[temps], data[temps], len[temps], temps ? 0644 : 0600, (uid_t)-1, (gid_t)-1,
				   tmp[temps]) < 0) {
			failed = names[temps];
			goto io;
		}
	snprintf(bak, sizeof bak, FSX_TMP_PREFIX "%s.%ld.bak", name, (long)getpid());
	if (n == 2 && exists[0]) { /* the old secret kept under a temp name until the pair is in place */
		if (unlinkat(d->dirfd, bak, 0) < 0 && errno != ENOENT)
			goto io;
		if (linkat(d->dirfd, name, d->dirfd, bak, 0) < 0)
			goto io;
		saved = 1;
	}
	for (; done < n; done++)
		if (renameat(d->dirfd, tmp[done], d->dirfd, names[done]) < 0) {
			int e = errno;
			failed = names[done];
			if (done == 1 && (saved ? renameat(d->dirfd, bak, d->dirfd, name) : unlinkat(d->dirfd, name, 0)) == 0)
				saved = 0; /* the first rename undone */
			errno = e;
			goto io;
		}
	if (fsx_fsync_dir(d->dirfd) < 0)
		goto io;
	ret = KFE_OK;
	goto out;
io:
	msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, failed, strerror(errno));
out:
	for (int i = done; i < temps; i++)
		unlinkat(d->dirfd, tmp[i], 0);
	if (saved)
		unlinkat(d->dirfd, bak, 0);
	fsx_unlock_file(d->dirfd, FSX_LOCK_NAME, lockfd, made);
	return ret;
}

int hostkeyfmt_write_new(const struct hostkeydir *d, const char *name, const struct keygen_pair *pair)
{
	struct fmtwork *w = work_new(d);
	int r = !w || encode(d, pair, w) != PK_OK ? KFE_ENCODE : put(d, name, w, 0);

	work_free(w);
	return r;
}

/* Why a key cannot be converted or used: privkey's words, and dropbear's RSA limits. */
static const char *fmt_strerror(int r)
{
	return r == DROPBEARKEY_RSA_SIZE   ? "dropbear reads RSA keys of 1024 to 4096 bits"
	       : r == DROPBEARKEY_EC_POINT ? "the ECDSA public key is not a point on its curve"
					   : privkey_strerror(r);
}

/* The type string an ssh_host_TYPE_key must hold, as its private part starts. */
static const char *const type_prefix[] = { "\0\0\0\013ssh-ed25519", "\0\0\0\023ecdsa-sha2-", "\0\0\0\007ssh-rsa" };

static int convert_one(struct hostkeydir *d, int sshfd, const char *sshshown, enum keygen_type t, struct fmtwork *w)
{
	char src[64], name[64];
	size_t len, pl = t == KT_RSA ? 11 : 15;
	struct stat st;
	struct keyload *kl = &w->kl;
	const char *diff;
	int r, exists;

	snprintf(src, sizeof src, "ssh_host_%s_key", keygen_type_name(t));
	hostkeydir_name(d, t, name);
	if (fsx_read_at(sshfd, src, w->text, sizeof w->text, &len, &st) < 0)
		return io_fail(d, sshshown, src);
	if ((r = keyload_parse(w->text, len, NULL, 0, kl)) == PK_OK && !kl->have_private)
		r = PK_NEED_PRIVATE;
	if (r == PK_OK && (kl->pair.privlen < pl || memcmp(kl->pair.priv, type_prefix[t], pl) != 0))
		r = PK_TYPE;
	if (r == PK_OK)
		r = encode(d, &kl->pair, w);
	if (r == PK_ENCRYPTED || r == PK_PEM_ENCRYPTED) /* hostkeys takes no passphrase: privkey's -P hint is wrong here */
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: passphrase-protected: cannot convert it (sshd cannot use it either)",
				sshshown, src);
	if (r != PK_OK)
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s: cannot convert it", sshshown, src, fmt_strerror(r));
	if (!(diff = differs(d, name, w, &exists)))
		return EXIT_OK; /* the same key already: no write, the mtime stays */
	if (put(d, name, w, 1) != KFE_OK) {
		d->refused |= 1u << t; /* said: not read again by the scan */
		return EXIT_FAIL;
	}
	if (exists && !d->quiet)
		msg_err(d->cmd, "note: %s/%s held another key: replaced by the one of %s/%s (one host identity)", d->shown,
			diff, sshshown, src);
	if (!d->quiet)
		printf("converted %s/%s to %s/%s\n", sshshown, src, d->shown, name);
	return EXIT_OK;
}

int hostkeyfmt_convert(struct hostkeydir *d, int sshfd, const char *sshshown, const enum keygen_type *types, int n)
{
	struct fmtwork *w = work_new(d);
	int ret = w ? EXIT_OK : EXIT_FAIL, r;

	for (int i = 0; w && i < n; i++) { /* each type on its own: one that fails does not stop the others */
		if ((r = convert_one(d, sshfd, sshshown, types[i], w)) != EXIT_OK)
			ret = r;
		secret_wipe(w, sizeof *w);
	}
	work_free(w);
	return ret;
}

/* Reads name of the key directory into buf[0..cap) (*len, *st) when it is a file we read: regular,
 * our uid. Returns 0, -1 (no such file) or the exit code (said). */
static int read_key_file(const struct hostkeydir *d, const char *name, uint8_t *buf, size_t cap, size_t *len,
			 struct stat *st)
{
	char b[80];
	const char *why;

	if (fsx_read_at(d->dirfd, name, (char *)buf, cap, len, st) == 0)
		why = refusal(st, 1, b, sizeof b);
	else if (errno == ENOENT)
		return -1;
	else if (errno != ELOOP && fstatat(d->dirfd, name, st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st->st_mode))
		why = refusal(st, 1, b, sizeof b); /* a FIFO, a socket, a directory: said as such, not as EINVAL */
	else
		why = errno == ELOOP ? "is a symbolic link: refusing to read or write through it" : strerror(errno);
	return why ? msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, name, why) : 0;
}

/* Reads one key of the directory into k. Returns EXIT_OK (k->len 0: no such key) or the exit code. */
static int scan_one(const struct hostkeydir *d, const char *name, struct hostkey *k, struct fmtwork *w)
{
	size_t len, pklen = 0;
	struct stat st, pst;
	int r, mode;

	if ((r = read_key_file(d, name, w->cur, sizeof w->cur, &len, &st)) != 0)
		return r < 0 ? EXIT_OK : r;
	/* The server uses it whatever its mode (neither checks): it is shown even when only reported. */
	mode = hostkeydir_check_mode(d, name, &st);
	if (d->format == HKF_TINYSSH) {
		if ((r = read_key_file(d, TINY_PK, w->a, sizeof w->a, &pklen, &pst)) != 0)
			return r < 0 ? msg_fail(EXIT_REJECT, d->cmd, "%s/%s: missing: the server cannot use %s", d->shown,
						 TINY_PK, name)
				      : r;
		if (pst.st_mode & 022) /* whoever can write it changes the key tinysshd announces */
			mode = msg_fail(EXIT_FAIL, d->cmd, "%s/%s: mode %04o: others can change the public key; left as it is",
					d->shown, TINY_PK, (unsigned)(pst.st_mode & 07777));
		r = tinysshkey_parse(w->a, pklen, w->cur, len, k->blob, sizeof k->blob, &k->len);
	} else {
		r = dropbearkey_parse(w->cur, len, k->blob, sizeof k->blob, &k->len);
	}
	if (r != PK_OK)
		return msg_fail(EXIT_REJECT, d->cmd, "%s/%s: %s: the server cannot use it", d->shown, name, fmt_strerror(r));
	/* An ed25519 file holds seed || public: a public half that is not the seed's key makes the server
	 * announce one key and sign with another (the pure readers cannot derive it: checked here). */
	const uint8_t *seed = d->format == HKF_TINYSSH ? w->cur : w->cur + DROPBEAR_ED25519_SK;
	uint8_t derived[32];
	if ((d->format == HKF_TINYSSH || (len == DROPBEAR_ED25519_LEN && k->len == 51 /* an ssh-ed25519 blob */)) &&
	    (ed25519_public_from_seed(derived, seed) != 0 || memcmp(derived, seed + 32, 32) != 0)) {
		k->len = 0;
		return msg_fail(EXIT_REJECT, d->cmd, "%s/%s: its public half is not the key of its seed: the server cannot use it",
				d->shown, name);
	}
	snprintf(k->name, sizeof k->name, "%s", name);
	snprintf(k->comment, sizeof k->comment, "%s", d->comment);
	k->usable = 1;
	return mode;
}

int hostkeyfmt_scan(struct hostkeydir *d)
{
	/* by name, as the OpenSSH keys are listed: ecdsa, ed25519, rsa */
	static const enum keygen_type order[] = { KT_ECDSA, KT_ED25519, KT_RSA };
	struct fmtwork *w = work_new(d);
	int ret = w ? EXIT_OK : EXIT_FAIL, r;
	char name[64];

	d->n = 0;
	for (int i = 0; w && i < 3; i++) {
		if ((d->format == HKF_TINYSSH && order[i] != KT_ED25519) || (d->refused & 1u << order[i]))
			continue; /* a target whose write failed was said once already */
		hostkeydir_name(d, order[i], name);
		memset(&d->k[d->n], 0, sizeof d->k[d->n]);
		if ((r = scan_one(d, name, &d->k[d->n], w)) != EXIT_OK)
			ret = r;
		if (d->k[d->n].len)
			d->n++;
	}
	work_free(w);
	return ret;
}
