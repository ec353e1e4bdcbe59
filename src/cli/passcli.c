/* passcli.c */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cmd.h"
#include "die.h"
#include "fsx.h"
#include "passcli.h"
#include "secret.h"

int pass_from_arg(const char *cmd, const char *opt, char *arg, struct pass *p)
{
	size_t n = strlen(arg);
	if (n > PASS_MAX)
		return msg_usage(cmd, "the passphrase given with %s is longer than %d bytes", opt, PASS_MAX);
	memcpy(p->s, arg, n + 1);
	p->len = n;
	p->set = 1;
	/* Out of /proc/PID/cmdline from now on (ps showed it until here: --passphrase-file avoids that). */
	secret_wipe(arg, n);
	return EXIT_OK;
}

/* Takes the first line of buf[0..n) (without "\n" or "\r\n"); -1 if it is longer than PASS_MAX. */
static int first_line(const char *buf, size_t n, struct pass *p)
{
	const char *nl = memchr(buf, '\n', n);
	size_t l = nl ? (size_t)(nl - buf) : n;
	if (l > 0 && buf[l - 1] == '\r')
		l--;
	if (l > PASS_MAX)
		return -1;
	memcpy(p->s, buf, l);
	p->s[l] = '\0';
	p->len = l;
	p->set = 1;
	return 0;
}

int pass_from_file(const char *cmd, const char *path, struct pass *p)
{
	char buf[PASS_MAX + 3];
	struct stat st;
	int ret = EXIT_FAIL;

	/* A named pipe waits for its writer here, as any reader of it would (opened without a writer,
	 * its first read would say end of file: an empty passphrase). */
	int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return msg_fail(EXIT_FAIL, cmd, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		msg_err(cmd, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		msg_err(cmd, "%s: is a directory", path);
		goto out;
	}
	/* A pipe (<(...)) is nobody else's to read; a file on disk must be ours alone, as ssh wants
	 * of a private key. */
	if (S_ISREG(st.st_mode) && (st.st_mode & 044)) {
		ret = msg_fail(EXIT_USAGE, cmd, "%s: the passphrase file is readable by others (chmod 600 %s)", path,
			       path);
		goto out;
	}
	long n = fsx_read_all(fd, buf, sizeof buf);
	if (n < 0) {
		msg_err(cmd, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (first_line(buf, (size_t)n, p) < 0) {
		ret = msg_fail(EXIT_USAGE, cmd, "%s: the passphrase is longer than %d bytes", path, PASS_MAX);
		goto out;
	}
	ret = EXIT_OK;
out:
	secret_wipe(buf, sizeof buf);
	close(fd);
	return ret;
}

static void put(int fd, const char *s)
{
	size_t n = strlen(s);
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Reads one line from the terminal fd with echo off. The signals that would end or stop us are
 * blocked and read from a signalfd, so the terminal is put back before any of them acts (a
 * handler would need file-scope state). Returns 0, -1 (errno), or the signal number (> 0). */
static int tty_line(int fd, const char *prompt, char *buf, size_t cap, size_t *len, int *toolong)
{
	struct termios old, quiet;
	sigset_t set, oldset;
	int sfd = -1, ret = -1, saved;

	*len = 0;
	*toolong = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGTSTP);
	sigaddset(&set, SIGTTIN);
	sigaddset(&set, SIGTTOU);
	if (sigprocmask(SIG_BLOCK, &set, &oldset) < 0)
		return -1;
	if ((sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0 || tcgetattr(fd, &old) < 0)
		goto out;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0)
		goto out;
	put(fd, prompt);
	for (;;) {
		struct pollfd pf[2] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
				ret = (int)si.ssi_signo;
			break;
		}
		if (!(pf[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		char chunk[256];
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		size_t k = (size_t)r;
		const char *nl = memchr(chunk, '\n', k);
		size_t take = nl ? (size_t)(nl - chunk) : k;
		if (*len + take > cap)
			*toolong = 1;
		else
			memcpy(buf + *len, chunk, take);
		if (!*toolong)
			*len += take;
		secret_wipe(chunk, sizeof chunk);
		if (nl || r == 0) { /* end of line, or ^D / end of file */
			ret = 0;
			break;
		}
	}
	saved = errno;
	tcsetattr(fd, TCSAFLUSH, &old);
	put(fd, "\n");
	errno = saved;
out:
	saved = errno;
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &oldset, NULL);
	errno = saved;
	return ret;
}

/* One line of stdin, read a byte at a time so nothing after it is taken from a shared stream.
 * Returns 1 (a line, maybe empty), 0 (end of input before any byte), -1 (errno), -2 (too long). */
static int stdin_line(char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	int any = 0, toolong = 0;

	for (;;) {
		char c;
		ssize_t r = read(STDIN_FILENO, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		any = 1;
		if (c == '\n')
			break;
		if (n < cap)
			buf[n++] = c;
		else
			toolong = 1;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	*len = n;
	return toolong ? -2 : any;
}

static int is_stop(int sig)
{
	return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

int pass_prompt(const char *cmd, const char *prompt, struct pass *p)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), toolong, r;

	memset(p, 0, sizeof *p);
	if (fd < 0) {
		r = stdin_line(p->s, PASS_MAX, &p->len);
		if (r == -1 || r == -2) {
			int e = errno;
			pass_wipe(p);
			return r == -2 ? msg_fail(EXIT_USAGE, cmd, "the passphrase on stdin is longer than %d bytes", PASS_MAX)
				       : msg_fail(EXIT_FAIL, cmd, "cannot read the passphrase from stdin: %s", strerror(e));
		}
		p->s[p->len] = '\0';
		p->set = r == 1;
		return EXIT_OK;
	}
	/* ^Z at the prompt stops us with the terminal put back; after fg, ask again (readpassphrase). */
	while ((r = tty_line(fd, prompt, p->s, PASS_MAX, &p->len, &toolong)) > 0 && is_stop(r))
		raise(r);
	close(fd);
	if (r > 0) {
		/* The terminal is back as it was: now let the signal do what it does. */
		pass_wipe(p);
		raise(r);
		return msg_fail(EXIT_FAIL, cmd, "interrupted");
	}
	if (r < 0) {
		pass_wipe(p);
		return msg_fail(EXIT_FAIL, cmd, "cannot read the passphrase from the terminal: %s", strerror(errno));
	}
	if (toolong) {
		pass_wipe(p);
		return msg_fail(EXIT_USAGE, cmd, "the passphrase is longer than %d bytes", PASS_MAX);
	}
	p->s[p->len] = '\0';
	p->set = 1;
	return EXIT_OK;
}

int pass_prompt_new(const char *cmd, const char *prompt, struct pass *p)
{
	struct pass again;
	int r;

	for (;;) {
		if ((r = pass_prompt(cmd, prompt, p)) != EXIT_OK || !p->set)
			return r;
		if ((r = pass_prompt(cmd, "Enter same passphrase again: ", &again)) != EXIT_OK) {
			pass_wipe(p);
			return r;
		}
		int same = again.set && again.len == p->len && memcmp(again.s, p->s, p->len) == 0;
		pass_wipe(&again);
		if (same)
			return EXIT_OK;
		pass_wipe(p);
		int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return msg_fail(EXIT_USAGE, cmd, "the two passphrases read from stdin differ");
		close(fd);
		/* ssh-keygen's words, on stdout as it prints them */
		printf("Passphrases do not match.  Try again.\n");
		fflush(stdout);
	}
}

void pass_wipe(struct pass *p)
{
	secret_wipe(p, sizeof *p);
}
