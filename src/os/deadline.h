/* deadline.h: time on CLOCK_MONOTONIC in milliseconds, and waits bounded by an absolute deadline.
 * One module for every layer that waits: plain TCP connects and reads, TLS records, the DNS child's
 * pipe, proxy CONNECT, retry backoff. A deadline is an absolute deadline_now_ms() value, so one
 * deadline can be shared by every step of a command (one --timeout for everything). */
#ifndef KEYDROP_DEADLINE_H
#define KEYDROP_DEADLINE_H
#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC (never jumps with the wall clock, which may still be at 1970). */
int64_t deadline_now_ms(void);

/* Milliseconds left until deadline (0 when it has passed). */
int64_t deadline_left_ms(int64_t deadline);

/* Waits until fd is readable (POLLIN) or writable (POLLOUT) or the deadline passes; EINTR is
 * retried. Returns 1 ready, 0 deadline passed, -1 poll error (errno set). */
int deadline_poll(int fd, short events, int64_t deadline);

/* Sleeps ms milliseconds (EINTR resumes the rest); ms <= 0 returns at once. */
void deadline_sleep_ms(int64_t ms);

#endif
