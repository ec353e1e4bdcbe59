/* osproc.c: the running binary as sshd sees it (osproc.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "osproc.h"

/* One level of sshd's rule: root's, not group/other-writable, no link. Returns 0, or -1 with why. */
static int judge(int fd, const char *path, size_t plen, char *why, size_t whycap)
{
	struct stat st;

	if (fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode) && st.st_uid == 0 && !(st.st_mode & 022))
		return 0;
	snprintf(why, whycap, "%.*s is a link, not root's or writable by others", (int)plen, plen ? path : "/");
	return -1;
}

int osproc_self_exe(char *path, size_t cap, char *why, size_t whycap)
{
	ssize_t n = readlink("/proc/self/exe", path, cap - 1);
	int fd, rc = -1;

	path[n > 0 ? n : 0] = 0;
	snprintf(why, whycap, "%s: unusual path", path);
	if (n <= 0 || path[0] != '/' || (fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	if (judge(fd, path, 0, why, whycap) < 0)
		goto out;
	for (size_t i = 1; i < (size_t)n;) {
		size_t e = i;
		char comp[256];
		while (e < (size_t)n && path[e] != '/')
			e++;
		if (e - i >= sizeof comp || e == i)
			goto out;
		memcpy(comp, path + i, e - i);
		comp[e - i] = 0;
		int next = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		if ((fd = next) < 0 || judge(fd, path, e, why, whycap) < 0)
			goto out;
		i = e + 1;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
