/* target_root.c: --root containment: every path below ROOT is walked one component at a time with
 * openat(O_NOFOLLOW|O_DIRECTORY), refusing '..' and symlinks, so an image's links never lead out of
 * it; and ROOT/etc/passwd read the same way (an offline image has its own user database). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsx.h"
#include "osutil.h"
#include "target.h"
#include "target_int.h"

int target_opendir_path(const struct target *t, const char *path, char *err, size_t errcap)
{
	size_t rl = strlen(t->root);
	const char *p;
	int fd, e;

	if (!t->root[0]) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			e = errno;
			target_say(err, errcap, "%s: %s", path, strerror(e));
			errno = e;
		}
		return fd;
	}
	if (strncmp(path, t->root, rl) != 0 || (path[rl] && path[rl] != '/' && t->root[rl - 1] != '/'))
		return target_say(err, errcap, "%s is not inside --root %s", path, t->root);
	fd = open(t->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		target_say(err, errcap, "--root %s: %s", t->root, strerror(e));
		errno = e;
		return -1;
	}
	for (p = path + rl;;) {
		char comp[FSX_NAME_MAX];
		struct stat st;
		size_t n;
		int nfd;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		n = strcspn(p, "/");
		if (n >= sizeof comp) {
			close(fd);
			errno = ENAMETOOLONG;
			return target_say(err, errcap, "%s: %s", path, strerror(ENAMETOOLONG));
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			close(fd);
			target_say(err, errcap, "%s: '..' would leave --root %s: refusing", path, t->root);
			return -2;
		}
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0) {
			e = errno;
			if (e == ELOOP || (e == ENOTDIR && fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
					   S_ISLNK(st.st_mode))) {
				close(fd);
				target_say(err, errcap, "%s: '%s' is a symlink inside --root %s: refusing to follow it", path, comp,
				    t->root);
				return -2;
			}
			close(fd);
			target_say(err, errcap, "%s: %s", path, strerror(e));
			errno = e;
			return -1;
		}
		close(fd);
		fd = nfd;
	}
	return fd;
}

int target_passwd_in_root(const struct target *t, const char *name, uid_t *uid, gid_t *gid, char *home,
			  size_t cap, char *err, size_t errcap)
{
	char path[TARGET_PATH_MAX], *text = NULL;
	size_t len, nl = strlen(name);
	struct stat st;
	int ret = -1, etc = -1, r;

	if (target_join(path, sizeof path, t->root, "/etc") < 0) {
		target_say(err, errcap, "path too long");
		return -2;
	}
	if ((etc = target_opendir_path(t, path, err, errcap)) < 0)
		return etc == -1 && errno == ENOENT ? -1 : -2; /* no etc/: no entry (--home may say) */
	if (!(text = malloc((8u << 20) + 1))) {
		target_say(err, errcap, "out of memory");
		ret = -2;
		goto out;
	}
	if (fsx_read_at(etc, "passwd", text, 8u << 20, &len, &st) < 0) {
		r = errno;
		if (r == ENOENT)
			goto out; /* no passwd: no entry */
		target_say(err, errcap, "%s/passwd: %s", path, r == ELOOP ? "a symlink inside --root: refusing to follow it" : strerror(r));
		ret = -2;
		goto out;
	}
	text[len] = '\0';
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *f[7] = { 0 };
		int k = 0;
		for (char *p = line; k < 7; k++) {
			f[k] = p;
			p = strchr(p, ':');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (k < 6 || strlen(f[0]) != nl || strcmp(f[0], name) != 0)
			continue;
		char *e1, *e2;
		unsigned long u = strtoul(f[2], &e1, 10), g = strtoul(f[3], &e2, 10);
		if (*e1 || *e2 || !*f[2] || !*f[3] || snprintf(home, cap, "%s", f[5]) >= (int)cap)
			break;
		*uid = (uid_t)u;
		*gid = (gid_t)g;
		ret = 0;
		break;
	}
out:
	free(text);
	if (etc >= 0)
		close(etc);
	return ret;
}

