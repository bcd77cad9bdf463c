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

/* Parse a timestamp: a date, then optionally a time and a zone.
 *   date  D-M-YYYY (day first, always: 03-04-2024 is 3 April) or
 *         YYYY-M-D; D, M one or two digits; '/' may stand for '-'
 *   time  after a space or 'T': H:MM or H:MM:SS, H one or two digits,
 *         an optional fraction of a second (ignored)
 *   zone  'Z', +HH:MM, -HH:MM, +HHMM or +HH
 * The date is checked against the calendar.  t gets the civil time as
 * written (the zone is not applied).  Returns 0, or -1 with errno
 * EINVAL. */
int tm_parse(const char *s, size_t len, struct li_tm *t);

/* As tm_parse; *gmtoff gets the zone written, in seconds east of UTC
 * ('Z': 0), or TM_NO_ZONE when there is none (local wall time).  The
 * instant is tm_epoch(t) - *gmtoff. */
#define TM_NO_ZONE	(-999999L)
int tm_parse_zone(const char *s, size_t len, struct li_tm *t, long *gmtoff);

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
/* The current UTC time as RFC 3339 ("2026-11-23T10:41:07Z"); for a
 * time people read, see tm_now_local below. */
size_t tm_now_rfc3339(char *buf);
size_t tm_fmt_date(const struct li_tm *t, char *buf);	/* YYYY-MM-DD */
size_t tm_fmt_month(const struct li_tm *t, char *buf);	/* YYYY-MM */
size_t tm_fmt_week(const struct li_tm *t, char *buf);	/* %Y-W%U */
size_t tm_fmt_isoweek(const struct li_tm *t, char *buf);	/* %G-W%V */

/* Local time (the process's TZ), as people read it and machines parse
 * it: RFC 3339 with the UTC offset, "2026-12-03T12:40:05+05:30". */
/* The offset east of UTC, in seconds, that the process's TZ has at the
 * local wall time t (mktime; for a time the zone skips or repeats, the
 * one mktime picks). */
long tm_local_offset(const struct li_tm *t);
/* t with the offset gmtoff: "YYYY-MM-DDTHH:MM:SS+HH:MM". */
size_t tm_fmt_rfc3339_off(const struct li_tm *t, long gmtoff, char *buf);
/* The local wall time t with the offset the TZ has then. */
size_t tm_fmt_local(const struct li_tm *t, char *buf);
/* The current local time with its offset. */
size_t tm_now_local(char *buf);

/* "Morning" 06-11, "Afternoon" 12-16, "Evening" 17-20, else "Night". */
const char *tm_slot(int hour);
/* "Sunday" .. "Saturday". */
const char *tm_dayname(int wday);

#endif
