/* subproc.h: run a helper command under a deadline and take its standard output (authorized-keys'
 * --chain). The helper gets /dev/null as stdin, our stderr (sshd logs it), its own process group;
 * at the deadline the whole group is killed, so nothing it started outlives the login. */
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

struct subproc {
	int pid;
	int fd;       /* read end of its stdout */
	char *out;    /* what it wrote (malloc'ed, NUL-terminated) */
	size_t len, max;
	int status;
};

/* Starts argv[0] (an absolute path) with argv. Returns SUBPROC_OK or SUBPROC_SPAWN. */
int subproc_start(struct subproc *s, char *const argv[], size_t max);
/* Reads its output until it exits or deadline (deadline_now_ms() clock), then reaps it. Returns a
 * SUBPROC_* code; s->out stays allocated in every case (free with subproc_free). */
int subproc_finish(struct subproc *s, int64_t deadline);
void subproc_free(struct subproc *s);

#endif
