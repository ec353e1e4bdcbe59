/* osutil.h: facts about the running system that commands need. */
#ifndef KEYDROP_OSUTIL_H
#define KEYDROP_OSUTIL_H
#include <errno.h>
#include <stddef.h>
#include <time.h>

/* The invoking user's home: $HOME, else the passwd entry. Returns 0 or -1. */
int osutil_home(char *buf, size_t cap);
/* "user@host" as ssh-keygen's default comment: one line, control bytes replaced by '?'. */
void osutil_user_at_host(char *buf, size_t cap);
/* errno of osutil_slurp for a named file that is not a regular file (Linux has no EFTYPE). */
#define OSUTIL_ENOTREG ENOTSUP
/* Reads all of fd 0 (path "-") or of the regular file path into a malloc'ed NUL-terminated buffer
 * of at most max bytes. Never blocks on opening: a FIFO, device (but /dev/null) or directory is
 * refused. Returns 0, or -1 with errno (EFBIG when larger, EISDIR, OSUTIL_ENOTREG). The caller frees
 * (and wipes, if secret). */
int osutil_slurp(const char *path, size_t max, char **out, size_t *len);
/* strerror for osutil_slurp's errno, with words for OSUTIL_ENOTREG and EFBIG. */
const char *osutil_strerror(int err);

/* Seconds east of UTC of local time at t (0 when it cannot be told): how an expiry-time without Z is
 * read, as sshd reads it. */
long osutil_gmtoff(time_t t);

/* Sets RLIMIT_CORE to 0 and marks the process non-dumpable while secrets live. Returns 0 or -1. */
int osutil_protect_secrets(void);
/* The same for a process that execs another command afterwards (entrypoint): only the soft limit
 * goes to 0, the limits are saved for setrlimit before the exec. Returns 0 or -1. */
struct rlimit;
int osutil_protect_secrets_until_exec(struct rlimit *saved);

#endif
