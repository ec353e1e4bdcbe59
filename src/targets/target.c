/* target.c: resolve, walk, lock, read and replace an authorized_keys file (see target.h). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fsx.h"
#include "osutil.h"
#include "target.h"
#include "target_int.h"

/* Formats the message into err[0..cap) and returns -1 (for `return target_say(...)`). */
__attribute__((format(printf, 3, 4))) static int target_say(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

int target_join(char *out, size_t cap, const char *root, const char *path)
{
	int n;
	if (root && *root) {
		size_t rl = strlen(root);
		while (rl > 1 && root[rl - 1] == '/')
			rl--;
		n = snprintf(out, cap, "%.*s%s%s", (int)rl, root, *path == '/' ? "" : "/", path);
	} else {
		n = snprintf(out, cap, "%s", path);
	}
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int resolve(struct target *t, const struct target_spec *s, char *err, size_t errcap);

int target_resolve(struct target *t, const struct target_spec *s, char *err, size_t errcap)
{
	int r = resolve(t, s, err, errcap);
	if (r < 0 && t->rootfd_open) {
		close(t->rootfd);
		t->rootfd_open = 0;
	}
	return r;
}

static int resolve(struct target *t, const struct target_spec *s, char *err, size_t errcap)
{
	char home[TARGET_PATH_MAX] = "";

	memset(t, 0, sizeof *t);
	t->homefd = t->dirfd = t->lockfd = -1;
	t->as_root = geteuid() == 0;
	if (s->file && s->home)
		return target_say(err, errcap, "--file and --home cannot be combined");
	if (s->root && *s->root) {
		size_t rl = strlen(s->root);
		while (rl > 1 && s->root[rl - 1] == '/')
			rl--;
		if (rl >= sizeof t->root)
			return target_say(err, errcap, "path too long");
		memcpy(t->root, s->root, rl);
		t->root[rl] = '\0';
		if (strcmp(t->root, "/") == 0) {
			t->root[0] = '\0'; /* --root / is the machine itself */
		} else {
			/* Opened once, as given (the admin named it): later walks cannot be sent elsewhere. */
			if ((t->rootfd = open(t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
				return target_say(err, errcap, "--root %s: %s", t->root, strerror(errno));
			t->rootfd_open = 1;
		}
	}
	if (s->user) {
		struct passwd *pw = NULL;
		if (strlen(s->user) >= sizeof t->user)
			return target_say(err, errcap, "user name too long");
		snprintf(t->user, sizeof t->user, "%s", s->user);
		if (t->root[0]) {
			int r = target_passwd_in_root(t, s->user, &t->uid, &t->gid, home, sizeof home, err, errcap);
			if (r == -2)
				return -1;
			if (r == 0)
				t->uid_known = 1;
		} else if ((pw = getpwnam(s->user)) != NULL) {
			t->uid = pw->pw_uid;
			t->gid = pw->pw_gid;
			t->uid_known = 1;
			snprintf(home, sizeof home, "%s", pw->pw_dir);
		}
		if (!t->uid_known && strcmp(s->user, "root") == 0) {
			/* uid 0 is root everywhere: a scratch or distroless image, or an initramfs, has no
			 * passwd, and root's home is /root by the FHS */
			t->uid = 0;
			t->gid = 0;
			t->uid_known = 1;
			snprintf(home, sizeof home, "/root");
		}
		if (!t->uid_known && !s->home) {
			if (t->root[0])
				return target_say(err, errcap, "no user '%s' in %s/etc/passwd (give --home DIR)", s->user, t->root);
			return target_say(err, errcap, "no such user '%s' (give --home DIR)", s->user);
		}
	} else if (!s->home) {
		struct passwd *pw = getpwuid(getuid());
		t->uid = getuid();
		t->gid = getgid();
		t->uid_known = 1;
		snprintf(t->user, sizeof t->user, "%s", pw ? pw->pw_name : "");
		if (!t->user[0])
			snprintf(t->user, sizeof t->user, "uid %u", (unsigned)t->uid);
		if (!s->file && (s->root ? (pw ? snprintf(home, sizeof home, "%s", pw->pw_dir) < 0 : 1)
					 : osutil_home(home, sizeof home) < 0))
			return target_say(err, errcap, pw ? "cannot tell the home directory (give --home DIR or --file PATH)"
							  : "cannot tell the home directory: no HOME and no passwd entry for uid %u "
							    "(give --home DIR or --file PATH)",
					  (unsigned)t->uid);
	}
	if (s->home)
		snprintf(home, sizeof home, "%s", s->home);
	if (s->file) {
		char d[TARGET_PATH_MAX];
		if (!*s->file || s->file[strlen(s->file) - 1] == '/')
			return target_say(err, errcap, "--file needs a file path");
		if (target_join(t->path, sizeof t->path, s->root, s->file) < 0)
			return target_say(err, errcap, "path too long");
		const char *base = fsx_split(t->path, d, sizeof d);
		if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strlen(base) >= sizeof t->name)
			return target_say(err, errcap, "--file needs a file name");
		snprintf(t->name, sizeof t->name, "%s", base);
		snprintf(t->dir, sizeof t->dir, "%s", d);
		t->is_file = 1;
		t->user_given = s->user != NULL;
		if (!s->user && !t->uid_known) {
			t->uid = getuid();
			t->gid = getgid();
			t->uid_known = 1;
		}
		return 0;
	}
	if (!*home || *home != '/')
		return target_say(err, errcap, "home directory '%s' is not an absolute path", home);
	if (target_join(t->home, sizeof t->home, s->root, home) < 0 ||
	    snprintf(t->dir, sizeof t->dir, "%s%s.ssh", t->home, t->home[strlen(t->home) - 1] == '/' ? "" : "/") >=
		    (int)sizeof t->dir ||
	    snprintf(t->path, sizeof t->path, "%s/authorized_keys", t->dir) >= (int)sizeof t->path)
		return target_say(err, errcap, "path too long");
	snprintf(t->name, sizeof t->name, "authorized_keys");
	if (s->fragment) { /* the name was checked by the command: no '/', not "." or ".." */
		size_t dl = strlen(t->dir);
		if (strlen(s->fragment) >= sizeof t->name ||
		    snprintf(t->dir + dl, sizeof t->dir - dl, "/%s", TARGET_FRAGMENT_DIR) >= (int)(sizeof t->dir - dl) ||
		    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, s->fragment) >= (int)sizeof t->path)
			return target_say(err, errcap, "path too long");
		snprintf(t->name, sizeof t->name, "%s", s->fragment);
		t->is_fragment = 1;
	}
	return 0;
}

int target_open_home(struct target *t, char *err, size_t errcap)
{
	struct stat st;

	if (t->is_file)
		return 0;
	t->homefd = target_opendir_path(t, t->home, err, errcap);
	if (t->homefd < 0) {
		size_t el = strlen(err);
		int r = t->homefd;
		if (r == -1 && errno == ENOENT && el < errcap)
			snprintf(err + el, errcap - el, " (the home directory %s: create it first, or give --home DIR)", t->home);
		t->homefd = -1;
		return r;
	}
	if (fstat(t->homefd, &st) < 0)
		return target_say(err, errcap, "home %s: %s", t->home, strerror(errno));
	if (!t->uid_known) {
		/* --home without a passwd entry: the home's owner is the user. */
		t->uid = st.st_uid;
		t->gid = st.st_gid;
		t->uid_known = 1;
		if (!t->user[0])
			snprintf(t->user, sizeof t->user, "uid %u", (unsigned)t->uid);
	}
	if (st.st_uid != t->uid && st.st_uid != 0)
		return target_say(err, errcap, "home %s is owned by uid %u, not %s: refusing", t->home, (unsigned)st.st_uid,
			   t->user);
	return 0;
}

static int check_owner(const struct target *t, const struct stat *st, const char *what, char *err, size_t errcap)
{
	if (st->st_uid != t->uid && st->st_uid != 0)
		return target_say(err, errcap, "%s is owned by uid %u, not %s: refusing", what, (unsigned)st->st_uid, t->user);
	return 0;
}

int target_user_can_read(const struct target *t, const struct stat *st)
{
	if (t->uid == 0 || st->st_mode & S_IROTH)
		return 1;
	if (st->st_uid == t->uid)
		return (st->st_mode & S_IRUSR) != 0;
	/* Only the primary group counts: a supplementary one would need the user's group list, and a
	 * refusal here only asks the admin to look (safe), where a wrong yes would leak. */
	return st->st_gid == t->gid && (st->st_mode & S_IRGRP);
}

int target_check_readable(const struct target *t, const struct stat *st, char *err, size_t errcap)
{
	/* sshd reads authorized_keys as the user; keydrop, as root, could read anything and would copy
	 * the bytes into a file the user owns (a root-only file the user renamed into place). */
	if (target_user_can_read(t, st))
		return 0;
	return target_say(err, errcap,
			  "%s is owned by uid %u with mode %04o, which %s cannot read: refusing to copy its bytes "
			  "into a file %s can read (sshd cannot use it either)",
			  t->path, (unsigned)st->st_uid, (unsigned)(st->st_mode & 07777), t->user, t->user);
}

/* Opens directory name under parent (path: its name for messages) with O_NOFOLLOW into *fd; when
 * missing and create is set, makes it 0700 owned by the user; when missing otherwise, *fd = -1 and 0.
 * Returns 0, or -1 with err (*fd stays open when only the owner is wrong). */
static int open_sub(struct target *t, int parent, const char *name, const char *path, int create, int *fd,
		    char *err, size_t errcap)
{
	struct stat st;

	*fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT && create) {
		int made = mkdirat(parent, name, 0700) == 0;
		if (!made && errno != EEXIST)
			return target_say(err, errcap, "cannot create %s: %s", path, strerror(errno));
		*fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		/* Only the directory this run made: the user can rename any directory of her home into the
		 * name between our open and mkdirat (EEXIST) or between mkdirat and this open, a root-owned
		 * one too (~/.gnupg of a `sudo gpg`); that one is checked as found, never given to her. */
		if (made && *fd >= 0 && fstat(*fd, &st) == 0 && fsx_dir_fresh(*fd, geteuid())) {
			/* By descriptor: the directory we just made, whatever happens to the name. */
			if (t->as_root && st.st_uid != t->uid && fchown(*fd, t->uid, t->gid) < 0)
				return target_say(err, errcap, "cannot chown %s: %s", path, strerror(errno));
			if (fchmod(*fd, 0700) < 0)
				return target_say(err, errcap, "cannot chmod %s: %s", path, strerror(errno));
			/* The new directory entry must survive a crash as much as the file in it. */
			if (fsync(*fd) < 0 || fsx_fsync_dir(parent) < 0)
				return target_say(err, errcap, "cannot sync %s: %s", path, strerror(errno));
		}
	}
	if (*fd < 0) {
		int e = errno;
		if (e == ENOENT && !create)
			return 0;
		if (e == ELOOP || (e == ENOTDIR && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				   S_ISLNK(st.st_mode)))
			return target_say(err, errcap, "%s is a symlink: refusing to follow it", path);
		if (e == ENOTDIR)
			return target_say(err, errcap, "%s is not a directory", path);
		return target_say(err, errcap, "%s: %s", path, strerror(e));
	}
	if (fstat(*fd, &st) < 0)
		return target_say(err, errcap, "%s: %s", path, strerror(errno));
	return check_owner(t, &st, path, err, errcap);
}

int target_open_dir(struct target *t, int create, char *err, size_t errcap)
{
	struct stat st;

	if (t->is_file) {
		t->dirfd = target_opendir_path(t, t->dir, err, errcap);
		if (t->dirfd < 0) {
			int r = t->dirfd;
			size_t el = strlen(err);
			t->dirfd = -1;
			if (r == -2 && !t->user_given && strstr(err, "owned by uid") && el < errcap)
				snprintf(err + el, errcap - el, " (for another user's file, name them: --user NAME)");
			return r;
		}
		if (fstat(t->dirfd, &st) < 0)
			return target_say(err, errcap, "%s: %s", t->dir, strerror(errno));
		/* sshd's rule for the file's own directory too: root's or the user's. */
		if (check_owner(t, &st, t->dir, err, errcap) < 0) {
			/* "install --file /home/alice/.ssh/authorized_keys" as root means alice's file: say how. */
			size_t el = strlen(err);
			if (!t->user_given && el < errcap)
				snprintf(err + el, errcap - el, " (for another user's file, name them: --user NAME)");
			return -1;
		}
		return 0;
	}
	if (t->homefd < 0) {
		int r = target_open_home(t, err, errcap);
		if (r < 0)
			return r;
	}
	if (!t->is_fragment)
		return open_sub(t, t->homefd, ".ssh", t->dir, create, &t->dirfd, err, errcap);
	char ssh[TARGET_PATH_MAX];
	int sfd = -1, r;
	snprintf(ssh, sizeof ssh, "%.*s", (int)(strlen(t->dir) - sizeof TARGET_FRAGMENT_DIR), t->dir);
	r = open_sub(t, t->homefd, ".ssh", ssh, create, &sfd, err, errcap);
	if (r == 0 && sfd >= 0)
		r = open_sub(t, sfd, TARGET_FRAGMENT_DIR, t->dir, create, &t->dirfd, err, errcap);
	if (sfd >= 0)
		close(sfd);
	return r;
}

int target_lock_timeout(void)
{
	const char *v = getenv("KEYDROP_LOCK_TIMEOUT_MS");
	char *e;
	long ms;

	if (!v || !*v)
		return TARGET_LOCK_MS;
	ms = strtol(v, &e, 10);
	return *e || ms < 0 || ms > 3600000 ? TARGET_LOCK_MS : (int)ms;
}

int target_lock(struct target *t, int timeout_ms, char *err, size_t errcap)
{
	/* A lock file that exists only while a keydrop holds it, made 0600 by the writer: the user (or
	 * anyone) cannot open it to hold the lock against root, and nothing is left in the user's .ssh. */
	int fd = fsx_lock_file(t->dirfd, TARGET_LOCK_NAME, timeout_ms, &t->lock_created);
	if (fd >= 0) {
		t->lockfd = fd;
		return 0;
	}
	if (errno == EROFS || errno == EACCES) {
		/* Cannot create the lock file: lock the directory itself (a write will fail anyway). */
		if ((t->lockfd = dup(t->dirfd)) < 0)
			return target_say(err, errcap, "%s: %s", t->dir, strerror(errno));
		t->lock_created = 0;
		if (fsx_lock(t->lockfd, timeout_ms) == 0)
			return 0;
		close(t->lockfd);
		t->lockfd = -1;
	}
	if (errno == ELOOP)
		return target_say(err, errcap, "%s/%s is a symlink: refusing", t->dir, TARGET_LOCK_NAME);
	if (errno == EINVAL)
		return target_say(err, errcap, "%s/%s is not a regular file", t->dir, TARGET_LOCK_NAME);
	if (errno != EWOULDBLOCK)
		return target_say(err, errcap, "lock %s/%s: %s", t->dir, TARGET_LOCK_NAME, strerror(errno));
	target_say(err, errcap, "%s is locked by another keydrop (waited %d ms)", t->path, timeout_ms);
	return -2;
}

enum { TR_CHECK, TR_READ, TR_INSPECT };
static int target_read2(struct target *t, int how, char *err, size_t errcap);

/* A missing file reads as empty. */
static int read_empty(struct target *t, int read_it, char *err, size_t errcap)
{
	if (read_it && !(t->data = calloc(1, 1)))
		return target_say(err, errcap, "out of memory");
	return 0;
}

int target_read(struct target *t, char *err, size_t errcap)
{
	return target_read2(t, TR_READ, err, errcap);
}

int target_check(struct target *t, char *err, size_t errcap)
{
	return target_read2(t, TR_CHECK, err, errcap);
}

int target_inspect(struct target *t, char *err, size_t errcap)
{
	return target_read2(t, TR_INSPECT, err, errcap);
}

static int target_read2(struct target *t, int how, char *err, size_t errcap)
{
	int fd = -1, ret = -1, read_it = how != TR_CHECK, refused = 0;
	size_t cap;

	t->exists = 0;
	free(t->data);
	t->data = NULL;
	t->len = 0;
	if (t->dirfd < 0)
		return read_empty(t, read_it, err, errcap);
	fd = openat(t->dirfd, t->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return read_empty(t, read_it, err, errcap);
		if (errno == ELOOP)
			return target_say(err, errcap, "%s is a symlink: refusing to follow it", t->path);
		return target_say(err, errcap, "%s: %s", t->path, strerror(errno));
	}
	if (fstat(fd, &t->st) < 0) {
		target_say(err, errcap, "%s: %s", t->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(t->st.st_mode)) {
		target_say(err, errcap, "%s is not a regular file: refusing", t->path);
		goto out;
	}
	if (t->st.st_nlink > 1) {
		target_say(err, errcap, "%s has %lu hard links: refusing (another name may point at it)", t->path,
		    (unsigned long)t->st.st_nlink);
		refused = 1;
	} else if (check_owner(t, &t->st, t->path, err, errcap) < 0 || target_check_readable(t, &t->st, err, errcap) < 0) {
		refused = 1;
	}
	/* check reads what it reports on (nothing read here is ever written anywhere). */
	if (refused && how != TR_INSPECT)
		goto out;
	if ((unsigned long long)t->st.st_size > TARGET_FILE_MAX) {
		target_say(err, errcap, "%s is larger than %u MiB", t->path, TARGET_FILE_MAX >> 20);
		if (how == TR_INSPECT) { /* check still reports its mode, owner and links */
			t->exists = 1;
			close(fd);
			return 2;
		}
		goto out;
	}
	if (!read_it) {
		t->exists = 1;
		close(fd);
		return 0;
	}
	cap = (size_t)t->st.st_size + 1;
	if (!(t->data = malloc(cap + 1))) {
		target_say(err, errcap, "out of memory");
		goto out;
	}
	for (;;) {
		if (t->len == cap) {
			target_say(err, errcap, "%s changed while reading it", t->path);
			goto out;
		}
		ssize_t r = read(fd, t->data + t->len, cap - t->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			target_say(err, errcap, "%s: %s", t->path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		t->len += (size_t)r;
	}
	t->data[t->len] = '\0';
	/* The name must still be this file, and the file ours alone: a hard link made while reading
	 * would let another user's bytes be copied into authorized_keys. */
	struct stat now;
	if (fstat(fd, &now) < 0 || !fsx_is_named(t->dirfd, t->name, &t->st)) {
		target_say(err, errcap, "%s changed while reading it: refusing", t->path);
		goto out;
	}
	if (now.st_nlink != 1 && how != TR_INSPECT) {
		target_say(err, errcap, "%s has %lu hard links: refusing (another name may point at it)", t->path,
		    (unsigned long)now.st_nlink);
		goto out;
	}
	t->exists = 1;
	ret = refused;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0) {
		free(t->data);
		t->data = NULL;
		t->len = 0;
	}
	return ret;
}

int target_write(struct target *t, const char *data, size_t len, char *err, size_t errcap)
{
	mode_t mode = t->new_mode ? t->new_mode : 0600;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;

	if (t->dirfd < 0)
		return target_say(err, errcap, "%s does not exist", t->dir);
	if (t->is_file && t->exists) {
		mode = t->st.st_mode & 0644;
		if (t->as_root) {
			uid = t->st.st_uid;
			gid = t->st.st_gid;
		}
	} else if (t->as_root) {
		uid = t->uid;
		gid = t->gid;
	}
	char tmp[FSX_NAME_MAX];
	fsx_clean_stale(t->dirfd);
	if (fsx_write_temp(t->dirfd, t->name, data, len, mode, uid, gid, tmp) < 0 ||
	    fsx_publish(t->dirfd, tmp, t->name, 1) < 0)
		return target_say(err, errcap, "cannot write %s: %s (nothing changed)", t->path, strerror(errno));
	if (fsx_fsync_dir(t->dirfd) < 0)
		return target_say(err, errcap, "%s written, but syncing %s failed: %s", t->path, t->dir, strerror(errno));
	return 0;
}

void target_close(struct target *t)
{
	if (t->lockfd >= 0)
		fsx_unlock_file(t->dirfd, TARGET_LOCK_NAME, t->lockfd, t->lock_created); /* releases the flock */
	if (t->dirfd >= 0)
		close(t->dirfd);
	if (t->homefd >= 0)
		close(t->homefd);
	if (t->rootfd_open)
		close(t->rootfd);
	t->rootfd_open = 0;
	free(t->data);
	t->data = NULL;
	t->lockfd = t->dirfd = t->homefd = -1;
}
