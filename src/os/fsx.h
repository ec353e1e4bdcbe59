/* fsx.h: safe filesystem primitives. Everything works on directory descriptors and never follows
 * a symlink at the final component; replacement is temp + fsync + rename + directory fsync. */
#ifndef KEYDROP_FSX_H
#define KEYDROP_FSX_H
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define FSX_TMP_PREFIX ".keydrop-tmp."
#define FSX_NAME_MAX 256
#define FSX_LOCK_NAME ".keydrop.lock" /* the writers' lock file, present only while one holds it */

/* Writes data to a new temp file in dirfd (O_CREAT|O_EXCL|O_NOFOLLOW, then fchmod to mode so the
 * umask never matters; fchown to uid/gid unless uid is (uid_t)-1), fsyncs it, and returns its name
 * in tmp[FSX_NAME_MAX]. Returns 0, or -1 with errno set and nothing left behind. */
int fsx_write_temp(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		   uid_t uid, gid_t gid, char tmp[FSX_NAME_MAX]);

/* Moves tmp to name in dirfd. replace=0 fails with EEXIST when name exists (renameat2 NOREPLACE,
 * or link+unlink where that is unsupported). On failure tmp is removed. Does not fsync the dir. */
int fsx_publish(int dirfd, const char *tmp, const char *name, int replace);

/* fsx_write_temp + fsx_publish + directory fsync in one call. */
int fsx_write_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		     uid_t uid, gid_t gid, int replace);

int fsx_fsync_dir(int dirfd);

/* flock(LOCK_EX) with a bounded wait (polls every 10 ms). Returns 0, or -1 with errno EWOULDBLOCK
 * on timeout. */
int fsx_lock(int fd, int timeout_ms);

/* Exclusive flock on the lock file name in dirfd, waiting at most timeout_ms. The file is created
 * (O_EXCL|O_NOFOLLOW, 0600, so only this uid can open it and nobody else can hold the lock against us)
 * when missing, and then *created is 1 and fsx_unlock_file removes it again: nothing is left behind.
 * An existing one is opened read-only and never changed; one this uid cannot open (another uid's writer
 * holds it) is waited for like a held lock. Returns the fd, or -1 with errno
 * (EWOULDBLOCK on timeout, ELOOP for a symlink, EINVAL for a non-regular file, EACCES/EROFS when it
 * cannot be created). */
int fsx_lock_file(int dirfd, const char *name, int timeout_ms, int *created);
/* Removes the lock file (if this run created it and the name is still it) and releases the lock. */
void fsx_unlock_file(int dirfd, const char *name, int fd, int created);

/* 1 when name in dirfd (not followed if a symlink) is the file st describes (same device and inode):
 * the check that a name still is the file a descriptor was opened on. */
int fsx_is_named(int dirfd, const char *name, const struct stat *st);

/* Removes leftover temp files (FSX_TMP_PREFIX*) that a killed run left in dirfd: only those whose
 * writer (the pid in the name) no longer exists, so concurrent writers are never disturbed. */
void fsx_clean_stale(int dirfd);

/* Reads name in dirfd without following a symlink into buf[0..cap); *len gets the size, st the
 * file's status. Returns 0, or -1 with errno (EFBIG when larger than cap, ELOOP for a symlink). */
/* Reads fd until end of file or cap bytes, retrying on EINTR: the one read loop. Returns the count
 * (less than cap only at end of file), or -1 (errno). */
long fsx_read_all(int fd, char *buf, size_t cap);
int fsx_read_at(int dirfd, const char *name, char *buf, size_t cap, size_t *len, struct stat *st);

/* Splits path into directory and final name (into dir[cap] and returns pointer to base in path). */
const char *fsx_split(const char *path, char *dir, size_t cap);

/* 1 if the directory fd is owned by uid and holds no entry: the one this process just made with mkdirat,
 * not one somebody renamed into the name between the mkdirat and the open (only then may it be chown'ed
 * or chmod'ed). Reads through a new open of "." (fd's offset is untouched). */
int fsx_dir_fresh(int fd, uid_t uid);

/* 1 if name exists in dirfd (without following symlinks); lnk set when it is a symlink. */
int fsx_exists(int dirfd, const char *name, int *lnk);

#endif
