/* timefmt.c: days to civil date by the era arithmetic of the proleptic Gregorian calendar
 * (400-year eras of 146097 days). */
#include <stdio.h>

#include "timefmt.h"

void timefmt_utc(int64_t t, int with_time, char out[TIMEFMT_MAX])
{
	int64_t days = t / 86400, secs = t % 86400;

	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468; /* shift the epoch to 0000-03-01 */
	int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	int64_t doe = days - era * 146097;                                  /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] from March */
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	int mm = (int)m, dd = (int)d, hh = (int)(secs / 3600), mi = (int)(secs / 60 % 60), ss = (int)(secs % 60);
	if (with_time)
		snprintf(out, TIMEFMT_MAX, "%04lld-%02d-%02d %02d:%02d:%02d UTC", (long long)y, mm, dd, hh, mi, ss);
	else
		snprintf(out, TIMEFMT_MAX, "%04lld-%02d-%02d", (long long)y, mm, dd);
}

int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}
