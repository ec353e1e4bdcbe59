/* timefmt.h: UTC dates as text. Pure arithmetic, kept instead of gmtime_r + strftime: the same
 * output from the musl release binary and the glibc test/fuzz builds for every t in range (the
 * libcs differ on years past 9999 and before 0), and no time-zone state in the core layer. */
#ifndef KEYDROP_TIMEFMT_H
#define KEYDROP_TIMEFMT_H
#include <stdint.h>

#define TIMEFMT_MAX 48

/* "YYYY-MM-DD" (with_time 0) or "YYYY-MM-DD HH:MM:SS UTC" (with_time 1) for t seconds since the
 * epoch, proleptic Gregorian calendar, any t in +-10^12. */
void timefmt_utc(int64_t t, int with_time, char out[TIMEFMT_MAX]);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12, d 1..31; H. Hinnant's
 * days_from_civil), the inverse of what timefmt_utc prints: HTTP dates, certificate times and
 * authorized_keys expiry-time all read dates through it. */
int64_t timefmt_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
