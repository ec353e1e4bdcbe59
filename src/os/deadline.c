/* deadline.c: see deadline.h. */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include "deadline.h"

int64_t deadline_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t deadline_left_ms(int64_t deadline)
{
	int64_t left = deadline - deadline_now_ms();
	return left > 0 ? left : 0;
}

int deadline_poll(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline_left_ms(deadline);
		struct pollfd p = { .fd = fd, .events = events };
		if (left <= 0)
			return 0;
		/* poll takes an int: wait in slices and re-check, whatever the deadline's distance */
		int r = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (r > 0)
			return 1;
		if (r == 0)
			continue;
		if (errno != EINTR)
			return -1;
	}
}

void deadline_sleep_ms(int64_t ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
