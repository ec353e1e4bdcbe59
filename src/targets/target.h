/* target.h: which authorized_keys file a command works on, and the only code that touches it.
 * --user NAME / --home DIR / --file PATH / --root DIR (README, "authorized_keys"). The home (or --file's
 * directory) is reached through the safe walk from "/" or --root (pathwalk.h: no link anyone but root
 * could have planted, every directory owned by root or the user); everything below the home is
 * reached with openat(O_NOFOLLOW) and checked with fstat: a symlinked, foreign-owned or hard-linked
 * .ssh or file is refused, and so is a file of root's (or anyone's) that the user could not read
 * (its bytes would land in a file the user owns). Writes go through fsx
 * (temp + fsync + renameat + directory fsync) under flock on .ssh/.keydrop.lock. */
#ifndef KEYDROP_TARGET_H
#define KEYDROP_TARGET_H
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fsx.h"

#define TARGET_PATH_MAX 4096
#define TARGET_FILE_MAX (64u << 20)  /* authorized_keys we are willing to read (~700k keys) */
#define TARGET_LOCK_NAME FSX_LOCK_NAME
#define TARGET_LOCK_MS 10000         /* default bounded wait; KEYDROP_LOCK_TIMEOUT_MS overrides */

struct target_spec {
	const char *user, *home, *file, *root; /* as given on the command line, or NULL */
	const char *fragment; /* --fragment NAME: ~/.ssh/authorized_keys.d/NAME (a checked name), or NULL */
};

#define TARGET_FRAGMENT_DIR "authorized_keys.d" /* OpenSSH >= 10: AuthorizedKeysFile globs */

struct target {
	char home[TARGET_PATH_MAX];  /* "" for --file */
	char dir[TARGET_PATH_MAX];   /* directory holding the file (home/.ssh, or --file's dirname) */
	char path[TARGET_PATH_MAX];  /* the file, for messages */
	char name[256];              /* final component */
	char user[64];               /* user name for messages ("uid N" when unknown) */
	char root[TARGET_PATH_MAX];  /* --root without trailing slashes, "" without --root */
	uid_t uid;                   /* owner the file must / will have */
	gid_t gid;
	int uid_known;               /* from passwd or the invoker; else taken from the home's owner */
	int is_file;                 /* --file */
	int is_fragment;             /* --fragment: dir is home/.ssh/authorized_keys.d */
	int user_given;              /* --user was given (else the user is the invoker or the home's owner) */
	int as_root;                 /* running as root: new files are chown'ed to uid/gid */
	mode_t new_mode;             /* mode of a file target_write creates; 0: 0600 (authorized_keys).
	                              * fetch-krl sets 0644: a KRL is public, like sshd's own files */
	int homefd, dirfd, lockfd;   /* -1 when not open */
	int lock_created;            /* this run made the lock file: removed again on close */
	int rootfd_open, rootfd;     /* --root, opened once by target_resolve: every walk starts there */
	int exists;                  /* after target_read: the file exists */
	struct stat st;              /* after target_read, when it exists */
	char *data;                  /* after target_read: contents (malloc'ed, NUL-terminated) */
	size_t len;
};

/* A target before target_resolve: no descriptor open (target_close is safe on it). */
#define TARGET_INIT { .homefd = -1, .dirfd = -1, .lockfd = -1 }

/* Fills t from the spec: paths, user and ids (passwd database, or DIR/etc/passwd with --root).
 * Touches nothing. Returns 0, or -1 with a message in err. */
int target_resolve(struct target *t, const struct target_spec *s, char *err, size_t errcap);

/* Opens the directory PATH (home, or --file's directory; it starts with t->root) through the safe walk
 * (pathwalk.h): from "/" or inside --root, component by component, following only links nobody but
 * root could have made, every directory on the way owned by root or the user and not writable by
 * others. Returns
 * the fd, -1 with err (errno kept), or -2 with err when the walk refused (unsafe). */
int target_opendir_path(const struct target *t, const char *path, char *err, size_t errcap);

/* Opens the home (by path, or contained under --root) and checks its owner. Returns 0, -2 with err when
 * the walk refused (unsafe), or -1 with err (t->homefd stays open when only the owner is wrong). */
int target_open_home(struct target *t, char *err, size_t errcap);

/* Opens the directory holding the file: for home targets .ssh with O_NOFOLLOW, created 0700 and
 * owned by the user when create is set and it is missing (then t->dirfd stays -1 if not created);
 * for a fragment .ssh and then .ssh/authorized_keys.d, each by the same rules.
 * Refuses a symlink, a non-directory, or a foreign owner. Returns 0, -2 with err when the walk to
 * the home or to --file's directory refused (unsafe), or -1 with err (t->dirfd stays open when only
 * the owner is wrong). */
int target_open_dir(struct target *t, int create, char *err, size_t errcap);

/* flock on the lock file in the directory (fsx_lock_file: made 0600 by this process for the time of
 * the lock and removed by target_close, so only the writer's uid can hold it and nothing is left
 * behind; an existing one is opened read-only and never changed) (or on the directory itself when the
 * file cannot be created, e.g. a read-only filesystem), waiting at most timeout_ms. Returns 0, -2 on
 * timeout, or -1 on other errors, with err. */
int target_lock(struct target *t, int timeout_ms, char *err, size_t errcap);

/* Reads the file with O_NOFOLLOW; refuses a symlink, a non-regular file, st_nlink > 1 and a
 * foreign owner, and, after reading, a name that no longer is that file or a link count grown
 * meanwhile (another user's bytes are never copied into authorized_keys). A missing file reads as empty with t->exists = 0. Returns 0 or -1 with err. */
int target_read(struct target *t, char *err, size_t errcap);

/* target_read for check, which reports what target_read refuses: the same walk, open and read, but a
 * hard link, a foreign owner or a file the user cannot read does not stop it. Returns 0, 1 (read,
 * and err says why target_read would have refused), 2 (too large to read: t->st is set, t->data is
 * not, err says so), or -1 with err. What it reads is only looked at,
 * never written anywhere: writes go through target_lock, target_read and target_write. */
int target_inspect(struct target *t, char *err, size_t errcap);

/* Replaces the file with data[0..len) atomically (and removes stale temp files first). Mode 0600
 * (or t->new_mode) owned by the user for new files; an existing --file keeps its owner and mode (minus group and
 * world write). On failure nothing changed. Returns 0 or -1 with err. */
int target_write(struct target *t, const char *data, size_t len, char *err, size_t errcap);

/* 1 if the user (t->uid, t->gid) may read a file with status st (others' read bit, the owner's read
 * bit for the user's own file, the group's for the user's primary group; root reads everything). */
int target_user_can_read(const struct target *t, const struct stat *st);
/* 0, or -1 with err naming the owner and mode when the user cannot read it. */
int target_check_readable(const struct target *t, const struct stat *st, char *err, size_t errcap);

/* The checks of target_read without reading (before taking the lock). */
int target_check(struct target *t, char *err, size_t errcap);

void target_close(struct target *t);

/* Lock timeout from KEYDROP_LOCK_TIMEOUT_MS, else TARGET_LOCK_MS. */
int target_lock_timeout(void);

#endif
