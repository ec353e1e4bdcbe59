/* timefmt.h: UTC dates as text without strftime (which pulls musl's time-zone code, ~7 KiB, into a
 * binary that only ever prints UTC). Pure. */
#ifndef KEYDROP_TIMEFMT_H
#define KEYDROP_TIMEFMT_H
#include <stdint.h>

#define TIMEFMT_MAX 48

/* "YYYY-MM-DD" (with_time 0) or "YYYY-MM-DD HH:MM:SS UTC" (with_time 1) for t seconds since the
 * epoch, proleptic Gregorian calendar, any t in +-10^12. */
void timefmt_utc(int64_t t, int with_time, char out[TIMEFMT_MAX]);

#endif
