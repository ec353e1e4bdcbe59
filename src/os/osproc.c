/* osproc.c: running system programs; the running binary as sshd sees it (osproc.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "osproc.h"

/* Appends what fd has now to buf[*n..cap-1), dropping what does not fit. Returns 0 at end of file. */
static int drain(int fd, char *buf, size_t cap, size_t *n)
{
	char tmp[4096];
	ssize_t r = read(fd, tmp, sizeof tmp);

	if (r < 0)
		return errno == EINTR || errno == EAGAIN;
	if (r == 0)
		return 0;
	size_t k = (size_t)r < cap - 1 - *n ? (size_t)r : cap - 1 - *n;
	memcpy(buf + *n, tmp, k);
	*n += k;
	buf[*n] = 0;
	return 1;
}

int osproc_run(char *const argv[], char *out, size_t ocap, char *err, size_t ecap)
{
	static char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	int po[2], pe[2], gate[2], st, e;
	size_t no = 0, ne = 0;
	pid_t pid;

	out[0] = err[0] = 0;
	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		e = errno;
		close(po[0]), close(po[1]);
		errno = e;
		return -1;
	}
	/* gate: the child writes its exec errno here; a successful exec closes it (O_CLOEXEC) */
	gate[0] = gate[1] = -1;
	if (pipe2(gate, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		e = errno;
		close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
		if (gate[0] >= 0)
			close(gate[0]), close(gate[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(127);
		execve(argv[0], argv, env);
		e = errno;
		(void)!write(gate[1], &e, sizeof e);
		_exit(127);
	}
	close(po[1]), close(pe[1]), close(gate[1]);
	struct pollfd pf[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[0].revents && !drain(po[0], out, ocap, &no))
			pf[0].fd = -1;
		if (pf[1].revents && !drain(pe[0], err, ecap, &ne))
			pf[1].fd = -1;
	}
	close(po[0]), close(pe[0]);
	e = 0;
	ssize_t r = read(gate[0], &e, sizeof e);
	close(gate[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (r == (ssize_t)sizeof e) {
		errno = e;
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 256 + WTERMSIG(st);
}

/* One level of sshd's rule: root's, not group/other-writable. Returns 0, or -1 with why. */
static int judge(int fd, const char *path, size_t plen, char *why, size_t whycap)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		snprintf(why, whycap, "%.*s: %s", (int)plen, path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		snprintf(why, whycap, "%.*s %s", (int)plen, plen ? path : "/",
			 S_ISLNK(st.st_mode) ? "is a symlink" : st.st_uid ? "is not owned by root"
									  : "is writable by group or others");
		return -1;
	}
	return 0;
}

int osproc_self_exe(char *path, size_t cap, char *why, size_t whycap)
{
	ssize_t n = readlink("/proc/self/exe", path, cap - 1);
	int fd, rc = -1;

	if (n <= 0 || path[0] != '/') {
		snprintf(why, whycap, "cannot read /proc/self/exe: %s", n < 0 ? strerror(errno) : "not a path");
		return -1;
	}
	path[n] = 0;
	if ((fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || judge(fd, path, 0, why, whycap) < 0)
		goto out;
	for (size_t i = 1; i < (size_t)n;) {
		size_t e = i;
		char comp[256];
		while (e < (size_t)n && path[e] != '/')
			e++;
		if (e - i >= sizeof comp || e == i) {
			snprintf(why, whycap, "%s: unusual path", path);
			goto out;
		}
		memcpy(comp, path + i, e - i);
		comp[e - i] = 0;
		int next = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = next;
		if (fd < 0) {
			snprintf(why, whycap, "%.*s: %s", (int)e, path, strerror(errno));
			goto out;
		}
		if (judge(fd, path, e, why, whycap) < 0)
			goto out;
		i = e + 1;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
