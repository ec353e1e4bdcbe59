/* keyfile.c */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "b64.h"
#include "fsx.h"
#include "keyfile.h"
#include "privkey.h"
#include "rand.h"
#include "secret.h"

long keyfile_pub_line(const unsigned char *blob, size_t n, const char *comment, char *out, size_t cap)
{
	const unsigned char *p = blob + 4;
	size_t tlen;
	long o, b;

	if (n < 4)
		return -1;
	tlen = (size_t)blob[0] << 24 | (size_t)blob[1] << 16 | (size_t)blob[2] << 8 | blob[3];
	if (tlen > n - 4 || tlen + 2 > cap)
		return -1;
	memcpy(out, p, tlen);
	out[tlen] = ' ';
	o = (long)tlen + 1;
	if ((b = b64_encode(blob, n, out + o, cap - (size_t)o, 1)) < 0)
		return -1;
	o += b;
	int r = comment && *comment ? snprintf(out + o, cap - (size_t)o, " %s\n", comment)
				    : snprintf(out + o, cap - (size_t)o, "\n");
	if (r < 0 || (size_t)r >= cap - (size_t)o)
		return -1;
	return o + r;
}

/* Takes the writers' lock of dirfd, a lock file only this uid can open (a flock on the directory
 * itself could be held by anyone who can read it, /etc/ssh included), removes the leftovers of a
 * killed writer, and refuses a symlink at name or name2 (may be NULL). Returns KFE_OK with the lock
 * held (*lockfd, *made for fsx_unlock_file), or the error without it. */
static int lock_names(int dirfd, const char *name, const char *name2, int *lockfd, int *made)
{
	int lnk;

	if ((*lockfd = fsx_lock_file(dirfd, FSX_LOCK_NAME, 10000, made)) < 0)
		return errno == EWOULDBLOCK ? KFE_LOCK : KFE_IO;
	fsx_clean_stale(dirfd);
	if ((fsx_exists(dirfd, name, &lnk) && lnk) || (name2 && fsx_exists(dirfd, name2, &lnk) && lnk)) {
		fsx_unlock_file(dirfd, FSX_LOCK_NAME, *lockfd, *made);
		*lockfd = -1;
		*made = 0;
		return KFE_SYMLINK;
	}
	return KFE_OK;
}

int keyfile_write_pair(int dirfd, const char *name, const struct keygen_pair *pair, const char *comment,
		       int replace, const struct privkey_seal *seal)
{
	char text[PRIVKEY_TEXT_MAX], publine[PRIVKEY_BLOB_MAX], pubname[FSX_NAME_MAX];
	char tpriv[FSX_NAME_MAX], tpub[FSX_NAME_MAX];
	uint32_t checkint;
	long tlen, plen;
	int lnk, ret = KFE_ENCODE, lockfd = -1, lock_made = 0, have_tpriv = 0, have_tpub = 0;

	if (snprintf(pubname, sizeof pubname, "%s.pub", name) >= (int)sizeof pubname) {
		errno = ENAMETOOLONG;
		return KFE_IO;
	}
	if (rand_bytes(&checkint, sizeof checkint, NULL, NULL) != RAND_OK)
		return KFE_ENCODE;
	tlen = privkey_encode(pair->pub, pair->publen, pair->priv, pair->privlen, comment, checkint, seal, text,
			      sizeof text);
	plen = keyfile_pub_line(pair->pub, pair->publen, comment, publine, sizeof publine);
	if (tlen < 0 || plen < 0)
		goto out;

	if ((ret = lock_names(dirfd, name, pubname, &lockfd, &lock_made)) != KFE_OK)
		goto out;
	ret = KFE_EXISTS;
	if (!replace && fsx_exists(dirfd, name, &lnk))
		goto out;

	ret = KFE_IO;
	if (fsx_write_temp(dirfd, name, text, (size_t)tlen, 0600, (uid_t)-1, (gid_t)-1, tpriv) < 0)
		goto out;
	have_tpriv = 1;
	if (fsx_write_temp(dirfd, pubname, publine, (size_t)plen, 0644, (uid_t)-1, (gid_t)-1, tpub) < 0)
		goto out;
	have_tpub = 1;
	/* A .pub about to be superseded (an orphan, or the old key's with --force) goes first, so a
	 * crash between the two renames leaves "private key, no .pub" (repairable from the private
	 * key), never a .pub that belongs to another key. */
	if ((replace || !fsx_exists(dirfd, name, &lnk)) && fsx_exists(dirfd, pubname, &lnk) &&
	    unlinkat(dirfd, pubname, 0) < 0)
		goto out;
	have_tpriv = 0; /* fsx_publish removes the temp on failure */
	if (fsx_publish(dirfd, tpriv, name, replace) < 0) {
		if (errno == EEXIST)
			ret = KFE_EXISTS;
		goto out;
	}
	have_tpub = 0;
	if (fsx_publish(dirfd, tpub, pubname, 1) < 0)
		goto out;
	if (fsx_fsync_dir(dirfd) < 0)
		goto out;
	ret = KFE_OK;
out:
	if (have_tpriv)
		unlinkat(dirfd, tpriv, 0);
	if (have_tpub)
		unlinkat(dirfd, tpub, 0);
	fsx_unlock_file(dirfd, FSX_LOCK_NAME, lockfd, lock_made);
	secret_wipe(text, sizeof text);
	secret_wipe(&checkint, sizeof checkint);
	return ret;
}

int keyfile_save_private(int dirfd, const char *name, const struct keygen_pair *pair, const char *comment,
			 const struct privkey_seal *seal, mode_t mode, uid_t uid, gid_t gid)
{
	char text[PRIVKEY_TEXT_MAX];
	uint32_t checkint;
	long tlen;
	int ret = KFE_ENCODE, lockfd = -1, lock_made = 0;

	if (rand_bytes(&checkint, sizeof checkint, NULL, NULL) != RAND_OK)
		return KFE_ENCODE;
	tlen = privkey_encode(pair->pub, pair->publen, pair->priv, pair->privlen, comment, checkint, seal, text,
			      sizeof text);
	if (tlen < 0)
		goto out;
	if ((ret = lock_names(dirfd, name, NULL, &lockfd, &lock_made)) != KFE_OK)
		goto out;
	ret = fsx_write_atomic(dirfd, name, text, (size_t)tlen, mode, uid, gid, 1) < 0 ? KFE_IO : KFE_OK;
out:
	fsx_unlock_file(dirfd, FSX_LOCK_NAME, lockfd, lock_made);
	secret_wipe(text, sizeof text);
	secret_wipe(&checkint, sizeof checkint);
	return ret;
}

const char *keyfile_strerror(int err)
{
	switch (err) {
	case KFE_OK:
		return "ok";
	case KFE_EXISTS:
		return "already exists (use --force to replace it)";
	case KFE_SYMLINK:
		return "is a symbolic link: refusing to write through it";
	case KFE_IO:
		return strerror(errno);
	case KFE_LOCK:
		return "directory is locked by another keydrop (timed out after 10 s)";
	default:
		return "could not encode the key";
	}
}
