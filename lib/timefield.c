#include "timefield.h"

#include <errno.h>
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

int
tm_parse(const char *s, size_t len, struct li_tm *t)
{
	const char *p = s, *e = s + len;
	int a, b, c;
	char sep;

	t->hour = t->min = t->sec = 0;
	/* Date: YYYY-MM-DD or DD-MM-YYYY. */
	if (len >= 4 && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' && p[3] <= '9') {
		if ((a = digits(&p, e, 4)) < 0 || p >= e)
			goto bad;
		sep = *p++;
		if ((sep != '-' && sep != '/') || (b = digits(&p, e, 2)) < 0 ||
		    p >= e || *p++ != sep || (c = digits(&p, e, 2)) < 0)
			goto bad;
		t->year = a, t->mon = b, t->day = c;
	} else {
		if ((a = digits(&p, e, 2)) < 0 || p >= e)
			goto bad;
		sep = *p++;
		if ((sep != '-' && sep != '/') || (b = digits(&p, e, 2)) < 0 ||
		    p >= e || *p++ != sep || (c = digits(&p, e, 4)) < 0)
			goto bad;
		t->year = c, t->mon = b, t->day = a;
	}
	if (t->mon < 1 || t->mon > 12 || t->day < 1 ||
	    t->day > mdays(t->year, t->mon) || t->year < 1)
		goto bad;
	if (p == e)
		return 0;
	if (*p != ' ' && *p != 'T')
		goto bad;
	p++;
	if ((t->hour = digits(&p, e, 2)) < 0 || p >= e || *p++ != ':' ||
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
	if (p < e && *p == 'Z')
		p++;	/* RFC 3339 UTC, as the tools write their own times */
	if (p != e || t->hour > 23 || t->min > 59 || t->sec > 60)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
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
