#ifndef LI_TIMEFIELD_H
#define LI_TIMEFIELD_H
/* Timestamps of the sales data and the time fields derived from them.
 * All arithmetic is on the civil calendar with no time zone: a timestamp is
 * the local time the till wrote, as in the original data set. */
#include <stddef.h>
#include <stdint.h>

struct li_tm {
	int year, mon, day;	/* mon 1-12, day 1-31 */
	int hour, min, sec;
};

/* Parse "DD-MM-YYYY HH:MM[:SS]", "YYYY-MM-DD HH:MM[:SS]" (also with '/'
 * for '-' and 'T' for the space, and an optional trailing 'Z') or a bare
 * date.  Fractional seconds are ignored.  The date is checked against the calendar.  Returns 0, or -1
 * with errno EINVAL. */
int tm_parse(const char *s, size_t len, struct li_tm *t);

/* Days since 1970-01-01 for a civil date. */
int64_t tm_days(int year, int mon, int day);
/* Seconds since 1970-01-01 00:00:00 for t, as if it were UTC. */
int64_t tm_epoch(const struct li_tm *t);
/* Inverse of tm_epoch. */
void tm_from_epoch(int64_t secs, struct li_tm *t);

int tm_wday(const struct li_tm *t);	/* 0 = Sunday */
int tm_yday(const struct li_tm *t);	/* 0 = 1 January */

/* Output buffers must hold TM_BUFSZ bytes; each returns the length. */
#define TM_BUFSZ	32
size_t tm_fmt_iso(const struct li_tm *t, char *buf);	/* YYYY-MM-DD HH:MM:SS */
size_t tm_fmt_rfc3339(const struct li_tm *t, char *buf);	/* YYYY-MM-DDTHH:MM:SSZ */
/* The current UTC time as RFC 3339 ("2026-11-23T10:41:07Z"). */
size_t tm_now_rfc3339(char *buf);
size_t tm_fmt_date(const struct li_tm *t, char *buf);	/* YYYY-MM-DD */
size_t tm_fmt_month(const struct li_tm *t, char *buf);	/* YYYY-MM */
size_t tm_fmt_week(const struct li_tm *t, char *buf);	/* %Y-W%U */

/* "Morning" 06-11, "Afternoon" 12-16, "Evening" 17-20, else "Night". */
const char *tm_slot(int hour);
/* "Sunday" .. "Saturday". */
const char *tm_dayname(int wday);

#endif
