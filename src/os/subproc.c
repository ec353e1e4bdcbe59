/* subproc.c: a helper command under a deadline (see subproc.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "subproc.h"

extern char **environ;

int subproc_start(struct subproc *s, char *const argv[], size_t max, int flags)
{
	static char *const sysenv[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int p[2], e;
	pid_t pid;

	memset(s, 0, sizeof *s);
	s->fd = -1;
	s->max = max;
	if (!(s->out = malloc(1)))
		return SUBPROC_SPAWN;
	s->out[0] = 0;
	if (pipe2(p, O_CLOEXEC) != 0)
		return SUBPROC_SPAWN;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (flags & SUBPROC_STDERR)
		posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	/* its own group: the deadline kills everything it started, not only itself */
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	e = posix_spawn(&pid, argv[0], &fa, &at, argv, flags & SUBPROC_SYSENV ? sysenv : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (e != 0) {
		close(p[0]);
		errno = e;
		return SUBPROC_SPAWN;
	}
	s->pid = pid;
	s->fd = p[0];
	return SUBPROC_OK;
}

int subproc_finish(struct subproc *s, int64_t deadline)
{
	int r = SUBPROC_OK;

	if (s->pid <= 0)
		return SUBPROC_SPAWN;
	for (;;) {
		char buf[4096];
		ssize_t n;
		int w = deadline_poll(s->fd, POLLIN, deadline);
		if (w <= 0) {
			r = SUBPROC_TIMEOUT;
			break;
		}
		n = read(s->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* end of its output (or an error: it is over for us either way) */
		if ((size_t)n > s->max - s->len) {
			r = SUBPROC_TOOBIG;
			break;
		}
		char *o = realloc(s->out, s->len + (size_t)n + 1);
		if (!o) {
			r = SUBPROC_SPAWN;
			break;
		}
		s->out = o;
		memcpy(s->out + s->len, buf, (size_t)n);
		s->len += (size_t)n;
		s->out[s->len] = 0;
	}
	close(s->fd);
	s->fd = -1;
	if (r != SUBPROC_OK)
		(void)kill(-s->pid, SIGKILL);
	/* Output closed: wait for the exit, but not past the deadline (it may have closed stdout and
	 * kept running). A pidfd (Linux 5.3) says when it exits; without one, look every 5 ms. */
	if (r == SUBPROC_OK) {
		int pfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
		for (;;) {
			pid_t w = waitpid(s->pid, &s->status, WNOHANG);
			if (w == s->pid) {
				if (pfd >= 0)
					close(pfd);
				s->pid = 0;
				return WIFEXITED(s->status) && WEXITSTATUS(s->status) == 0 ? SUBPROC_OK : SUBPROC_STATUS;
			}
			if ((w < 0 && errno != EINTR) || deadline_left_ms(deadline) == 0)
				break;
			if (pfd >= 0)
				(void)deadline_poll(pfd, POLLIN, deadline);
			else
				deadline_sleep_ms(5);
		}
		if (pfd >= 0)
			close(pfd);
		r = SUBPROC_TIMEOUT;
	}
	(void)kill(-s->pid, SIGKILL);
	while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	return r == SUBPROC_OK ? SUBPROC_STATUS : r;
}

void subproc_free(struct subproc *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->pid > 0) {
		(void)kill(-s->pid, SIGKILL);
		while (waitpid(s->pid, &s->status, 0) < 0 && errno == EINTR)
			;
	}
	free(s->out);
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

int subproc_run(char *const argv[], int flags, char *out, size_t cap, int64_t deadline)
{
	struct subproc s;
	int r;

	out[0] = 0;
	if (subproc_start(&s, argv, cap - 1, flags) != SUBPROC_OK) {
		subproc_free(&s);
		return -1;
	}
	r = subproc_finish(&s, deadline);
	memcpy(out, s.out, s.len + 1);
	if (r == SUBPROC_OK || r == SUBPROC_STATUS)
		r = WIFEXITED(s.status) ? WEXITSTATUS(s.status) : 256 + WTERMSIG(s.status);
	else
		r = r == SUBPROC_SPAWN ? -1 : 256 + SIGKILL;
	subproc_free(&s);
	return r;
}
