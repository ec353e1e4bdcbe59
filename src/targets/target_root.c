/* target_root.c: directories of a target reached through the safe walk (pathwalk.h), inside --root
 * when one is given; and ROOT/etc/passwd read the same way (an offline image has its own user
 * database). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsx.h"
#include "osutil.h"
#include "passwd.h"
#include "pathwalk.h"
#include "target.h"
#include "target_int.h"

int target_opendir_path(const struct target *t, const char *path, char *err, size_t errcap)
{
	size_t rl = strlen(t->root);
	struct pathwalk w = { .root = t->root, .use_rootfd = t->rootfd_open, .rootfd = t->rootfd, .uid = t->uid,
			      .uid_unknown = !t->uid_known };
	int fd, r;

	/* Paths are kept joined with the root for messages; the walk wants the image's own view. */
	if (rl && (strncmp(path, t->root, rl) != 0 || (path[rl] && path[rl] != '/' && t->root[rl - 1] != '/')))
		return snprintf(err, errcap, "%s is not inside --root %s", path, t->root), -2;
	r = pathwalk_open_dir(&w, rl ? (path[rl] ? path + rl : "/") : path, &fd, err, errcap);
	if (r == PW_OK)
		return fd;
	return r == PW_UNSAFE ? -2 : -1;
}

int target_passwd_in_root(const struct target *t, const char *name, uid_t *uid, gid_t *gid, char *home,
			  size_t cap, char *err, size_t errcap)
{
	char *text = NULL;
	size_t len;
	struct stat st;
	struct passwd_entry *pe = NULL;
	/* ROOT/etc as this process sees it: the image's own directories, no link out of it. */
	struct pathwalk w = { .root = t->root, .use_rootfd = t->rootfd_open, .rootfd = t->rootfd, .uid = geteuid() };
	int ret = -2, etc = -1, r;

	if ((r = pathwalk_open_dir(&w, "/etc", &etc, err, errcap)) != PW_OK)
		return r == PW_ERRNO && errno == ENOENT ? -1 : -2; /* no etc/: no entry (--home may say) */
	if (!(text = malloc((8u << 20) + 1)) || !(pe = malloc(sizeof *pe))) {
		snprintf(err, errcap, "out of memory");
		goto out;
	}
	if (fsx_read_at(etc, "passwd", text, 8u << 20, &len, &st) < 0) {
		r = errno;
		if (r == ENOENT) {
			ret = -1; /* no passwd: no entry */
			goto out;
		}
		snprintf(err, errcap, "%s/etc/passwd: %s", t->root,
			   r == ELOOP ? "a symlink inside --root: refusing to follow it" : strerror(r));
		goto out;
	}
	r = passwd_find(text, len, name, pe);
	if (r == PWD_NOENT) {
		ret = -1;
		goto out;
	}
	if (r != PWD_FOUND) {
		snprintf(err, errcap, "%s/etc/passwd: user '%s': %s", t->root, name, passwd_strerror(r));
		goto out;
	}
	if (snprintf(home, cap, "%s", pe->home) >= (int)cap) {
		snprintf(err, errcap, "%s/etc/passwd: user '%s': home directory too long", t->root, name);
		goto out;
	}
	*uid = (uid_t)pe->uid;
	*gid = (gid_t)pe->gid;
	ret = 0;
out:
	free(pe);
	free(text);
	if (etc >= 0)
		close(etc);
	return ret;
}
