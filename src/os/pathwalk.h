/* pathwalk.h: the one safe way to reach a directory keydrop writes under (see below).
 *
 * The path is walked one component at a time from "/" (or from --root) with
 * openat(O_NOFOLLOW|O_DIRECTORY), and every directory on the way must pass the rule sshd applies to the
 * authorized_keys path (auth.c auth_secure_path / misc.c safe_path):
 *   - owned by root or by the user the files are for (pathwalk.uid);
 *   - not writable by group or others, except a sticky directory (/tmp): there nobody can rename or
 *     replace an entry that is not theirs, and the owner rule above still applies to what we enter.
 *   The last directory of the path is opened with the owner rule only: its mode is the caller's to
 *   report (sshd's StrictModes on the home and .ssh is what `check` reports and `--fix` repairs).
 * A symlink is followed only when the directory holding it is owned by root (or by the writer, the
 * effective uid, who is then the only one able to have made it) and not writable by group or others:
 * a distribution's /etc or /home -> /var/home layout works, while a link in a directory the user (or
 * anyone else) can write is refused, and so is any link once the walk has passed a directory owned by
 * someone else (the user): she chooses what lies below it, root-owned directories and links included (she
 * renames them into place; `sudo tar x` or `sudo git clone` of her files makes them). Under --root, an absolute link target is read inside ROOT (as the
 * image will see it when it boots) and neither a link nor ".." may climb above ROOT.
 * A relative path is made absolute from the working directory first. */
#ifndef KEYDROP_PATHWALK_H
#define KEYDROP_PATHWALK_H
#include <stddef.h>
#include <sys/types.h>

#define PATHWALK_LINKS_MAX 32 /* symlinks followed in one walk (Linux allows 40) */

struct pathwalk {
	const char *root; /* "" or NULL: the real "/"; else the --root directory (opened as given) */
	int use_rootfd;   /* 1: rootfd is root, already open (every walk of one command starts at the same
	                   * image, whatever happens to the name meanwhile) */
	int rootfd;
	uid_t uid;        /* the user: directories must belong to root or uid */
	int uid_unknown;  /* uid not known yet: it becomes the last directory's owner (--home without a
	                   * passwd entry), and every directory on the way must belong to root or to it */
	int links_only;   /* only the link rule (keygen: the writer's own 0600 files, which a foreign
	                   * owner of a directory on the way could delete but never read or redirect) */
	mode_t mkdir_mode; /* nonzero: create the last component when missing, with this mode, owned by
	                    * mk_uid/mk_gid when running as root (by descriptor, after opening it) */
	uid_t mk_uid;
	gid_t mk_gid;
};

enum pathwalk_result {
	PW_OK = 0,
	PW_ERRNO = -1,  /* a system error; errno kept (ENOENT: a component is missing) */
	PW_UNSAFE = -2  /* refused: a link that may not be followed, a foreign owner, a writable
	                 * directory, ".." or a link leading out of --root, too many links */
};

/* Opens directory path (inside w->root when set; path is then the path as the image sees it, e.g.
 * "/home/alice"). On success returns PW_OK with *fd open (O_RDONLY|O_DIRECTORY); with w->uid_unknown
 * the user is the directory's owner (fstat *fd). On failure returns PW_ERRNO or PW_UNSAFE with a
 * message in err naming the directory (as a full path) and why, and *fd is -1. */
int pathwalk_open_dir(const struct pathwalk *w, const char *path, int *fd, char *err, size_t errcap);

#endif
