/* osutil.c */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fsx.h"
#include "osutil.h"

int osutil_home(char *buf, size_t cap)
{
	const char *h = getenv("HOME");
	if (!h || !*h) {
		struct passwd *pw = getpwuid(getuid());
		h = pw ? pw->pw_dir : NULL;
	}
	if (!h || !*h || strlen(h) >= cap)
		return -1;
	snprintf(buf, cap, "%s", h);
	return 0;
}

void osutil_user_at_host(char *buf, size_t cap)
{
	char host[256] = "localhost";
	const char *user = NULL;
	struct passwd *pw = getpwuid(getuid());

	if (pw)
		user = pw->pw_name;
	if (!user)
		user = getenv("USER");
	if (!user)
		user = getuid() == 0 ? "root" : "user";
	if (gethostname(host, sizeof host - 1) < 0)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(buf, cap, "%s@%s", user, host);
	/* $USER (used when the uid has no passwd entry) and the host name are anyone's text: a newline
	 * would start a second key line in the .pub. Control bytes become '?' (not dropped), so the
	 * comment still shows that something was there. */
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

int osutil_slurp(const char *path, size_t max, char **out, size_t *len)
{
	int is_stdin = strcmp(path, "-") == 0;
	/* O_NONBLOCK: opening a FIFO without a writer would block forever, before any check. */
	int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	int saved;
	struct stat st;

	if (fd < 0)
		return -1;
	/* A named file must be a regular file: a FIFO, terminal or device can block or never end.
	 * Pipes and terminals are still read through "-" (stdin), which the caller chose to wait for.
	 * /dev/null (Linux char device 1:3) is the usual spelling of "empty" and cannot block. */
	if (!is_stdin) {
		if (fstat(fd, &st) < 0)
			goto fail;
		if (!S_ISREG(st.st_mode) && !(S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3)) {
			errno = S_ISDIR(st.st_mode) ? EISDIR : OSUTIL_ENOTREG;
			goto fail;
		}
	}
	if (!(buf = malloc(cap + 1)))
		goto fail;
	for (;;) {
		long r = fsx_read_all(fd, buf + n, cap - n);
		if (r < 0)
			goto fail;
		n += (size_t)r;
		if (n < cap) /* end of file */
			break;
		if (cap > max) {
			errno = EFBIG;
			goto fail;
		}
		size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
		char *nb = malloc(ncap + 1);
		if (!nb)
			goto fail;
		memcpy(nb, buf, n);
		explicit_bzero(buf, n);
		free(buf);
		buf = nb;
		cap = ncap;
	}
	if (n > max) {
		errno = EFBIG;
		goto fail;
	}
	buf[n] = '\0';
	if (fd != 0)
		close(fd);
	*out = buf;
	*len = n;
	return 0;
fail:
	saved = errno;
	if (buf) {
		explicit_bzero(buf, n);
		free(buf);
	}
	if (fd > 0)
		close(fd);
	errno = saved;
	return -1;
}

const char *osutil_strerror(int err)
{
	if (err == OSUTIL_ENOTREG)
		return "not a regular file (a FIFO or device; use - to read a pipe from stdin)";
	if (err == EFBIG)
		return "file too large";
	return strerror(err);
}

long osutil_gmtoff(time_t t)
{
	struct tm lt;
	return localtime_r(&t, &lt) ? (long)lt.tm_gmtoff : 0;
}

/* RLIMIT_CORE to soft/hard, then non-dumpable: no core file and no ptrace attach by other same-uid
 * processes. */
static int protect(rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };
	int ret = setrlimit(RLIMIT_CORE, &rl);

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		ret = -1;
	return ret;
}

int osutil_protect_secrets(void)
{
	return protect(0, 0);
}

int osutil_protect_secrets_until_exec(struct rlimit *saved)
{
	/* The hard limit stays: lowering it could not be undone without CAP_SYS_RESOURCE, and the
	 * command exec'd afterwards gets saved back (exec makes it dumpable again by itself). */
	if (getrlimit(RLIMIT_CORE, saved) != 0)
		return -1;
	return protect(0, saved->rlim_max);
}
