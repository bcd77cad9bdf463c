#include "timefield.h"

#include <errno.h>
#include <string.h>
#include <time.h>

static int
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Read exactly n digits at *p; returns the value or -1. */
static int
digits(const char **p, const char *e, int n)
{
	int v = 0;

	if (e - *p < n)
		return -1;
	while (n-- > 0) {
		char c = *(*p)++;
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

/* Read one or two digits at *p (a day, a month, an hour); the value or
 * -1. */
static int
digits12(const char **p, const char *e)
{
	if (e - *p >= 2 && (*p)[1] >= '0' && (*p)[1] <= '9')
		return digits(p, e, 2);
	return digits(p, e, 1);
}

/* The zone after a time: "Z", "+HH:MM", "-HH:MM", "+HHMM" or "+HH".
 * Returns 0 with *off in seconds east of UTC, or -1. */
static int
parse_zone(const char *p, const char *e, long *off)
{
	int sign, h, m = 0;

	if (e - p == 1 && *p == 'Z') {
		*off = 0;
		return 0;
	}
	if (p >= e || (*p != '+' && *p != '-'))
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if ((h = digits(&p, e, 2)) < 0 || h > 23)
		return -1;
	if (p < e && *p == ':')
		p++;
	if (p < e && ((m = digits(&p, e, 2)) < 0 || m > 59))
		return -1;
	if (p != e)
		return -1;
	*off = sign * (h * 3600L + m * 60L);
	return 0;
}

int
tm_parse_zone(const char *s, size_t len, struct li_tm *t, long *gmtoff)
{
	const char *p = s, *e = s + len, *q;
	int a, b, c;
	char sep;

	t->hour = t->min = t->sec = 0;
	*gmtoff = TM_NO_ZONE;
	for (q = p; q < e && *q >= '0' && *q <= '9'; q++)
		;
	/* Date: YYYY-M-D, or D-M-YYYY (day first, always); '/' for '-'. */
	if (q - p == 4) {
		a = digits(&p, e, 4);
		if (p >= e)
			goto bad;
		sep = *p++;
		if ((sep != '-' && sep != '/') || (b = digits12(&p, e)) < 0 ||
		    p >= e || *p++ != sep || (c = digits12(&p, e)) < 0)
			goto bad;
		t->year = a, t->mon = b, t->day = c;
	} else if (q - p == 1 || q - p == 2) {
		a = digits12(&p, e);
		if (p >= e)
			goto bad;
		sep = *p++;
		if ((sep != '-' && sep != '/') || (b = digits12(&p, e)) < 0 ||
		    p >= e || *p++ != sep || (c = digits(&p, e, 4)) < 0)
			goto bad;
		t->year = c, t->mon = b, t->day = a;
	} else
		goto bad;
	if (t->mon < 1 || t->mon > 12 || t->day < 1 ||
	    t->day > mdays(t->year, t->mon) || t->year < 1)
		goto bad;
	if (p == e)
		return 0;
	if (*p != ' ' && *p != 'T')
		goto bad;
	p++;
	if ((t->hour = digits12(&p, e)) < 0 || p >= e || *p++ != ':' ||
	    (t->min = digits(&p, e, 2)) < 0)
		goto bad;
	if (p < e && *p == ':') {
		p++;
		if ((t->sec = digits(&p, e, 2)) < 0)
			goto bad;
		if (p < e && *p == '.') {
			for (p++; p < e && *p >= '0' && *p <= '9'; p++)
				;
		}
	}
	if (p < e && parse_zone(p, e, gmtoff) == -1)
		goto bad;
	if (t->hour > 23 || t->min > 59 || t->sec > 60)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
tm_parse(const char *s, size_t len, struct li_tm *t)
{
	long off;

	return tm_parse_zone(s, len, t, &off);
}

int64_t
tm_days(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t
tm_epoch(const struct li_tm *t)
{
	return tm_days(t->year, t->mon, t->day) * 86400 +
	    t->hour * 3600 + t->min * 60 + t->sec;
}

void
tm_from_epoch(int64_t secs, struct li_tm *t)
{
	int64_t z = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t rem = secs - z * 86400, era, doe, yoe, y, doy, mp;

	t->hour = (int)(rem / 3600);
	t->min = (int)(rem % 3600 / 60);
	t->sec = (int)(rem % 60);
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	t->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	t->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(y + (t->mon <= 2));
}

int
tm_wday(const struct li_tm *t)
{
	int64_t d = tm_days(t->year, t->mon, t->day);

	/* 1970-01-01 was a Thursday (4). */
	return (int)(((d % 7) + 7 + 4) % 7);
}

int
tm_yday(const struct li_tm *t)
{
	return (int)(tm_days(t->year, t->mon, t->day) - tm_days(t->year, 1, 1));
}

static size_t
put(char *b, size_t i, int v, int width)
{
	int k;

	for (k = width - 1; k >= 0; k--) {
		b[i + (size_t)k] = (char)('0' + v % 10);
		v /= 10;
	}
	return i + (size_t)width;
}

size_t
tm_fmt_date(const struct li_tm *t, char *b)
{
	size_t i = put(b, 0, t->year, 4);

	b[i++] = '-';
	i = put(b, i, t->mon, 2);
	b[i++] = '-';
	i = put(b, i, t->day, 2);
	b[i] = '\0';
	return i;
}

size_t
tm_fmt_iso(const struct li_tm *t, char *b)
{
	size_t i = tm_fmt_date(t, b);

	b[i++] = ' ';
	i = put(b, i, t->hour, 2);
	b[i++] = ':';
	i = put(b, i, t->min, 2);
	b[i++] = ':';
	i = put(b, i, t->sec, 2);
	b[i] = '\0';
	return i;
}

size_t
tm_fmt_rfc3339(const struct li_tm *t, char *b)
{
	size_t i = tm_fmt_iso(t, b);

	b[10] = 'T';
	b[i++] = 'Z';
	b[i] = '\0';
	return i;
}

size_t
tm_now_rfc3339(char *b)
{
	struct li_tm t;

	tm_from_epoch((int64_t)time(NULL), &t);
	return tm_fmt_rfc3339(&t, b);
}

long
tm_local_offset(const struct li_tm *t)
{
	struct tm lt;
	time_t when;

	memset(&lt, 0, sizeof(lt));
	lt.tm_year = t->year - 1900;
	lt.tm_mon = t->mon - 1;
	lt.tm_mday = t->day;
	lt.tm_hour = t->hour;
	lt.tm_min = t->min;
	lt.tm_sec = t->sec;
	lt.tm_isdst = -1;
	when = mktime(&lt);
	if (when == (time_t)-1) {
		/* Out of time_t's range, or a time the zone skips: the
		 * offset in force now. */
		when = time(NULL);
		if (localtime_r(&when, &lt) == NULL)
			return 0;
	}
	return lt.tm_gmtoff;
}

size_t
tm_fmt_rfc3339_off(const struct li_tm *t, long gmtoff, char *b)
{
	size_t i = tm_fmt_iso(t, b);
	long a = gmtoff < 0 ? -gmtoff : gmtoff;

	b[10] = 'T';
	b[i++] = gmtoff < 0 ? '-' : '+';
	i = put(b, i, (int)(a / 3600 % 100), 2);
	b[i++] = ':';
	i = put(b, i, (int)(a % 3600 / 60), 2);
	b[i] = '\0';
	return i;
}

size_t
tm_fmt_local(const struct li_tm *t, char *b)
{
	return tm_fmt_rfc3339_off(t, tm_local_offset(t), b);
}

size_t
tm_now_local(char *b)
{
	time_t now = time(NULL);
	struct tm lt;
	struct li_tm t;

	if (localtime_r(&now, &lt) == NULL)
		return tm_now_rfc3339(b);
	t.year = lt.tm_year + 1900;
	t.mon = lt.tm_mon + 1;
	t.day = lt.tm_mday;
	t.hour = lt.tm_hour;
	t.min = lt.tm_min;
	t.sec = lt.tm_sec;
	return tm_fmt_rfc3339_off(&t, lt.tm_gmtoff, b);
}

size_t
tm_fmt_month(const struct li_tm *t, char *b)
{
	size_t i = put(b, 0, t->year, 4);

	b[i++] = '-';
	i = put(b, i, t->mon, 2);
	b[i] = '\0';
	return i;
}

size_t
tm_fmt_week(const struct li_tm *t, char *b)
{
	/* strftime %U: weeks start on Sunday; days before the year's first
	 * Sunday are in week 00. */
	int week = (tm_yday(t) + 7 - tm_wday(t)) / 7;
	size_t i = put(b, 0, t->year, 4);

	b[i++] = '-';
	b[i++] = 'W';
	i = put(b, i, week, 2);
	b[i] = '\0';
	return i;
}

size_t
tm_fmt_isoweek(const struct li_tm *t, char *b)
{
	/* strftime %G-W%V: weeks start on Monday; week 1 holds the year's
	 * first Thursday, so 1 to 3 January may be in the year before's last
	 * week and 29 to 31 December in the next year's week 1. */
	int wd = (tm_wday(t) + 6) % 7;	/* Monday 0 */
	int yd = tm_yday(t), year = t->year;
	int week = (yd - wd + 10) / 7;	/* ISO 8601: (ordinal - weekday + 10) / 7 */
	size_t i;

	if (week < 1) {
		struct li_tm dec31 = { year - 1, 12, 31, 0, 0, 0 };
		int pwd = (tm_wday(&dec31) + 6) % 7;
		year--;
		week = (tm_yday(&dec31) - pwd + 10) / 7;
	} else if (week == 53) {
		/* A year has a week 53 when 31 December is a Thursday (or a
		 * Friday in a leap year, where the formula gives 53 too);
		 * when it is a Monday to Wednesday, the days from that
		 * Monday are in the next year's week 1. */
		struct li_tm dec31 = { year, 12, 31, 0, 0, 0 };
		int dwd = (tm_wday(&dec31) + 6) % 7;
		if (dwd < 3) {	/* Mon-Wed: those days are in next year's W01 */
			year++;
			week = 1;
		}
	}
	i = put(b, 0, year, 4);
	b[i++] = '-';
	b[i++] = 'W';
	i = put(b, i, week, 2);
	b[i] = '\0';
	return i;
}

const char *
tm_slot(int hour)
{
	if (hour >= 6 && hour <= 11)
		return "Morning";
	if (hour >= 12 && hour <= 16)
		return "Afternoon";
	if (hour >= 17 && hour <= 20)
		return "Evening";
	return "Night";
}

const char *
tm_dayname(int wday)
{
	static const char *names[] = { "Sunday", "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday" };

	return wday >= 0 && wday < 7 ? names[wday] : "?";
}
