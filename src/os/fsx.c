/* fsx.c */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fsx.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int fsx_write_temp(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		   uid_t uid, gid_t gid, char tmp[FSX_NAME_MAX])
{
	int fd = -1, saved;

	for (int tries = 0; tries < 100; tries++) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int n = snprintf(tmp, FSX_NAME_MAX, FSX_TMP_PREFIX "%s.%ld.%lx%x", name, (long)getpid(),
				 (unsigned long)ts.tv_nsec, (unsigned)tries);
		/* pid + time + try: unique enough that O_EXCL below rarely needs another try, and no
		 * process-wide counter (no file-scope state) */
		if (n < 0 || n >= FSX_NAME_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		/* 0600 at creation: the contents are never readable by others, whatever the umask. */
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		return -1;
	if (uid != (uid_t)-1 && fchown(fd, uid, gid) < 0)
		goto fail;
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlinkat(dirfd, tmp, 0);
	errno = saved;
	return -1;
}

int fsx_publish(int dirfd, const char *tmp, const char *name, int replace)
{
	int r, saved;

	if (replace) {
		r = renameat(dirfd, tmp, dirfd, name);
	} else {
		r = (int)syscall(SYS_renameat2, dirfd, tmp, dirfd, name, RENAME_NOREPLACE);
		if (r < 0 && (errno == ENOSYS || errno == EINVAL)) {
			/* Filesystems without RENAME_NOREPLACE: link() also refuses an existing name. */
			r = linkat(dirfd, tmp, dirfd, name, 0);
			if (r == 0)
				unlinkat(dirfd, tmp, 0);
		}
	}
	if (r < 0) {
		saved = errno;
		unlinkat(dirfd, tmp, 0);
		errno = saved;
	}
	return r;
}

int fsx_fsync_dir(int dirfd)
{
	return fsync(dirfd);
}

int fsx_write_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		     uid_t uid, gid_t gid, int replace)
{
	char tmp[FSX_NAME_MAX];

	if (fsx_write_temp(dirfd, name, data, len, mode, uid, gid, tmp) < 0)
		return -1;
	if (fsx_publish(dirfd, tmp, name, replace) < 0)
		return -1;
	return fsx_fsync_dir(dirfd);
}

int fsx_lock(int fd, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited >= timeout_ms) {
			errno = EWOULDBLOCK;
			return -1;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int fsx_lock_file(int dirfd, const char *name, int timeout_ms, int *created)
{
	struct timespec t0, now;
	int fd, made, existed, left = timeout_ms;

	*created = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int tries = 0;; tries++) {
		if (tries > 1000) { /* a name that keeps vanishing: someone is playing games */
			errno = EWOULDBLOCK;
			return -1;
		}
		struct stat st;
		/* O_EXCL: only a file this run makes is ours to remove later; an existing one (another
		 * keydrop's, or anything planted) is opened read-only, flock needs no more, never changed. */
		fd = openat(dirfd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600);
		made = fd >= 0;
		existed = fd < 0 && errno == EEXIST;
		if (existed) {
			fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
			if (fd < 0 && errno == EACCES) {
				/* Another uid's writer holds it (root's keydrop writing the user's file): its 0600
				 * file is not ours to open, and locking anything else would let both write at
				 * once. Wait for the name to go, within the time given. */
				clock_gettime(CLOCK_MONOTONIC, &now);
				if ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000 >= timeout_ms) {
					errno = EWOULDBLOCK;
					return -1;
				}
				struct timespec ts = { 0, 10 * 1000 * 1000 };
				nanosleep(&ts, NULL);
				tries--;
				continue;
			}
		}
		if (fd < 0) {
			/* Removed between the two opens: its holder is done. ENOENT from the O_CREAT open
			 * itself means the directory is gone, where no retry makes a lock. */
			if (errno == ENOENT && existed)
				continue;
			return -1;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			if (made)
				unlinkat(dirfd, name, 0);
			errno = EINVAL;
			return -1;
		}
		if (fsx_lock(fd, left) < 0) {
			int e = errno;
			close(fd);
			if (made)
				unlinkat(dirfd, name, 0);
			errno = e;
			return -1;
		}
		/* The holder before us removes the name when it is done: a lock on a file that no longer
		 * has the name is no lock. Try again with whatever the name is now. */
		if (fsx_is_named(dirfd, name, &st)) {
			*created = made;
			return fd;
		}
		close(fd);
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - (int)((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left < 0)
			left = 0;
	}
}

int fsx_is_named(int dirfd, const char *name, const struct stat *st)
{
	struct stat named;
	return fstatat(dirfd, name, &named, AT_SYMLINK_NOFOLLOW) == 0 && named.st_dev == st->st_dev &&
	       named.st_ino == st->st_ino;
}

void fsx_unlock_file(int dirfd, const char *name, int fd, int created)
{
	struct stat st;

	if (fd < 0)
		return;
	/* Only the file this run made, and only while the name still is that file. */
	if (created && fstat(fd, &st) == 0 && fsx_is_named(dirfd, name, &st))
		unlinkat(dirfd, name, 0);
	close(fd); /* releases the flock, after the name is gone */
}

/* The pid embedded in a temp name (FSX_TMP_PREFIX NAME.PID.SUFFIX), or -1. */
static long temp_pid(const char *name)
{
	const char *last = strrchr(name, '.');
	if (!last || last == name)
		return -1;
	const char *p = last - 1;
	while (p > name && *p != '.')
		p--;
	if (*p != '.' || p + 1 >= last)
		return -1;
	long pid = 0;
	for (const char *q = p + 1; q < last; q++) {
		if (*q < '0' || *q > '9' || pid > 1000000000L)
			return -1;
		pid = pid * 10 + (*q - '0');
	}
	return pid > 0 ? pid : -1;
}

void fsx_clean_stale(int dirfd)
{
	/* A fresh descriptor of its own: dup() would share the directory's read position with dirfd. */
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, FSX_TMP_PREFIX, strlen(FSX_TMP_PREFIX)) != 0)
			continue;
		/* Only what a dead writer left: callers hold different locks (key directory vs
		 * authorized_keys lock file), so a live process's temp file is never touched. */
		long pid = temp_pid(e->d_name);
		if (pid < 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		struct stat st;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)))
			unlinkat(dirfd, e->d_name, 0);
	}
	closedir(d);
}

long fsx_read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	while (got < cap) {
		ssize_t r = read(fd, buf + got, cap - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

int fsx_read_at(int dirfd, const char *name, char *buf, size_t cap, size_t *len, struct stat *st)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	size_t got = 0;
	int saved;

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0)
		goto fail;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	long r = fsx_read_all(fd, buf, cap);
	if (r < 0)
		goto fail;
	got = (size_t)r;
	if (got == cap) { /* full: one more byte says whether the file is larger */
		char c;
		if (fsx_read_all(fd, &c, 1) != 0) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	*len = got;
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}


const char *fsx_split(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, cap, ".");
		return path;
	}
	size_t n = (size_t)(slash - path);
	if (n == 0)
		n = 1; /* "/name" */
	if (n >= cap)
		n = cap - 1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return slash + 1;
}

int fsx_dir_fresh(int fd, uid_t uid)
{
	struct stat st;
	int dfd, fresh = 1;

	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != uid)
		return 0;
	if ((dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 0;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	struct dirent *e;
	while (fresh && (e = readdir(d)) != NULL)
		fresh = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return fresh;
}

int fsx_exists(int dirfd, const char *name, int *lnk)
{
	struct stat st;

	*lnk = 0;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	*lnk = S_ISLNK(st.st_mode);
	return 1;
}
