/* t_timefmt.c: timefmt_utc against the C library's gmtime_r + strftime over a wide range. */
#include <stdio.h>
#include <time.h>

#include "tap.h"
#include "timefmt.h"

int main(void)
{
	char got[TIMEFMT_MAX], want[64];
	struct tm tm;
	int bad = 0, n = 0;

	/* Every day from 1900 to 2200 at a varying time of day, plus leap-year edges. */
	for (int64_t t = -2208988800LL; t < 7258118400LL; t += 86400 + 3607) {
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		strftime(want, sizeof want, "%Y-%m-%d %H:%M:%S UTC", &tm);
		timefmt_utc(t, 1, got);
		if (strcmp(got, want) != 0 && bad++ < 5)
			printf("# %lld: got %s want %s\n", (long long)t, got, want);
		n++;
	}
	OK(bad == 0, "timefmt_utc equals gmtime_r+strftime on %d instants 1900..2200", n);
	timefmt_utc(0, 0, got);
	IS_STR(got, "1970-01-01", "the epoch");
	timefmt_utc(951782400LL, 0, got);
	IS_STR(got, "2000-02-29", "a leap day of a century divisible by 400");
	timefmt_utc(-1, 1, got);
	IS_STR(got, "1969-12-31 23:59:59 UTC", "one second before the epoch");
	return tap_done();
}
