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

/* 1 when name (and for tinyssh ed25519.pk) hold exactly w's key, 0 when not; *exists says whether name does. */
static int holds(const struct hostkeydir *d, const char *name, struct fmtwork *w, int *exists)
{
	size_t len, want;
	struct stat st;
	const uint8_t *sec = secret_of(d, w, &want);
	int got = fsx_read_at(d->dirfd, name, (char *)w->cur, sizeof w->cur, &len, &st) == 0;

	*exists = got || errno != ENOENT;
	int same = got && st.st_uid == geteuid() && len == want && memcmp(w->cur, sec, len) == 0;
	if (same && d->format == HKF_TINYSSH)
		same = fsx_read_at(d->dirfd, TINY_PK, (char *)w->cur, sizeof w->cur, &len, &st) == 0 &&
		       len == TINYSSH_PK_LEN && memcmp(w->cur, w->a + DROPBEAR_ED25519_PK, len) == 0;
	return same;
}

/* Writes w's key as name (0600; tinyssh: then ed25519.pk, 0644) under the writers' lock. replace 0:
 * an existing name is kept (KFE_EXISTS); another uid's file is never replaced (KFE_IO, EPERM).
 * Returns a keyfile_err. */
static int put(const struct hostkeydir *d, const char *name, const struct fmtwork *w, int replace)
{
	int lockfd, made, lnk, ret = KFE_IO;
	struct stat st;
	size_t len;
	const uint8_t *sec = secret_of(d, w, &len);
	int tiny = d->format == HKF_TINYSSH;

	if ((lockfd = fsx_lock_file(d->dirfd, FSX_LOCK_NAME, 10000, &made)) < 0)
		return errno == EWOULDBLOCK ? KFE_LOCK : KFE_IO;
	fsx_clean_stale(d->dirfd);
	if ((fsx_exists(d->dirfd, name, &lnk) && lnk) || (tiny && fsx_exists(d->dirfd, TINY_PK, &lnk) && lnk))
		ret = KFE_SYMLINK;
	else if (fstatat(d->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && (!replace || st.st_uid != geteuid()))
		ret = replace ? (errno = EPERM, KFE_IO) : KFE_EXISTS;
	else if (fsx_write_atomic(d->dirfd, name, sec, len, 0600, (uid_t)-1, (gid_t)-1, 1) == 0 &&
		 (!tiny || fsx_write_atomic(d->dirfd, TINY_PK, w->a + DROPBEAR_ED25519_PK, TINYSSH_PK_LEN, 0644, (uid_t)-1,
					    (gid_t)-1, 1) == 0))
		ret = KFE_OK;
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

/* The type string an ssh_host_TYPE_key must hold, as its private part starts. */
static const char *const type_prefix[] = { "\0\0\0\013ssh-ed25519", "\0\0\0\023ecdsa-sha2-", "\0\0\0\007ssh-rsa" };

static int convert_one(struct hostkeydir *d, int sshfd, const char *sshshown, enum keygen_type t, struct fmtwork *w)
{
	char src[64], name[64];
	size_t len, pl = t == KT_RSA ? 11 : 15;
	struct stat st;
	struct keyload *kl = &w->kl;
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
	if (r != PK_OK)
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s: cannot convert it", sshshown, src, privkey_strerror(r));
	if (holds(d, name, w, &exists))
		return EXIT_OK; /* the same key already: no write, the mtime stays */
	if ((r = put(d, name, w, 1)) != KFE_OK)
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: %s", d->shown, name, keyfile_strerror(r));
	if (exists && !d->quiet)
		msg_err(d->cmd, "note: %s/%s held another key: replaced by the one of %s/%s (one host identity)", d->shown,
			name, sshshown, src);
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

/* Reads one key of the directory into k. Returns EXIT_OK (k->len 0: no such key) or the exit code. */
static int scan_one(const struct hostkeydir *d, const char *name, struct hostkey *k, struct fmtwork *w)
{
	size_t len, pklen = 0;
	struct stat st, pst;
	int r;

	if (fsx_read_at(d->dirfd, name, (char *)w->cur, sizeof w->cur, &len, &st) < 0)
		return errno == ENOENT ? EXIT_OK : io_fail(d, d->shown, name);
	if (st.st_uid != geteuid())
		return msg_fail(EXIT_FAIL, d->cmd, "%s/%s: owned by uid %u: refusing it", d->shown, name, (unsigned)st.st_uid);
	/* The server uses it whatever its mode (neither checks): it is shown even when only reported. */
	int mode = hostkeydir_check_mode(d, name, &st);
	if (d->format == HKF_TINYSSH) {
		if (fsx_read_at(d->dirfd, TINY_PK, (char *)w->a, sizeof w->a, &pklen, &pst) < 0)
			return io_fail(d, d->shown, TINY_PK);
		r = tinysshkey_parse(w->a, pklen, w->cur, len, k->blob, sizeof k->blob, &k->len);
	} else {
		r = dropbearkey_parse(w->cur, len, k->blob, sizeof k->blob, &k->len);
	}
	if (r != PK_OK)
		return msg_fail(EXIT_REJECT, d->cmd, "%s/%s: %s: the server cannot use it", d->shown, name, privkey_strerror(r));
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
		if (d->format == HKF_TINYSSH && order[i] != KT_ED25519)
			continue;
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
