/* subproc.h: run a program under a deadline and take its standard output: authorized-keys' --chain
 * (stderr stays ours: sshd logs it) and the system programs sshd-config runs (sshd -T, useradd:
 * stderr joins stdout, their first line is the reason, and a fixed environment). It gets /dev/null
 * as stdin and its own process group; at the deadline the whole group is killed, so nothing it
 * started outlives the command. */
#ifndef KEYDROP_SUBPROC_H
#define KEYDROP_SUBPROC_H
#include <stddef.h>
#include <stdint.h>

enum {
	SUBPROC_OK = 0,       /* exited 0; *out holds its output */
	SUBPROC_SPAWN = -1,   /* could not start it (errno) */
	SUBPROC_STATUS = -2,  /* exited non-zero or died of a signal (*status: the wait status) */
	SUBPROC_TIMEOUT = -3, /* killed at the deadline */
	SUBPROC_TOOBIG = -4   /* wrote more than max bytes (killed) */
};

enum {
	SUBPROC_STDERR = 1, /* its stderr into the same pipe as its stdout */
	SUBPROC_SYSENV = 2  /* environment: PATH of the system directories and LC_ALL=C only */
};

struct subproc {
	int pid;
	int fd;       /* read end of its stdout */
	char *out;    /* what it wrote (malloc'ed, NUL-terminated) */
	size_t len, max;
	int status;
};

/* Starts argv[0] (an absolute path) with argv; flags: SUBPROC_*. Returns SUBPROC_OK or SUBPROC_SPAWN. */
int subproc_start(struct subproc *s, char *const argv[], size_t max, int flags);
/* Reads its output until it exits or deadline (deadline_now_ms() clock), then reaps it. Returns a
 * SUBPROC_* code; s->out stays allocated in every case (free with subproc_free). */
int subproc_finish(struct subproc *s, int64_t deadline);
void subproc_free(struct subproc *s);

/* Runs argv (flags: SUBPROC_*) to its end or the deadline; its output (cut to cap - 1 bytes) into
 * out, NUL-terminated. Returns its exit status (0..255; 127: it could not be run), 256 + the signal
 * that ended it (SIGKILL at the deadline or when it wrote more than cap - 1 bytes), or -1 (errno)
 * when it could not be started. */
int subproc_run(char *const argv[], int flags, char *out, size_t cap, int64_t deadline);

#endif
