/* Number formatting and UTF-8 display width for render. */
#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

int fmt_utf8;

/* Copy the digits d[0..n) into out with separators; returns the length. */
static size_t
fmt_group(const char *d, size_t n, enum fmt_grouping g, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		size_t left = n - i;	/* digits from here to the end */

		if (i > 0 && g == FMT_WESTERN && left % 3 == 0)
			out[o++] = ',';
		else if (i > 0 && g == FMT_INDIAN && left >= 3 &&
		    (left == 3 || (left > 3 && (left - 3) % 2 == 0)))
			out[o++] = ',';
		out[o++] = d[i];
	}
	return o;
}

/* Append s to buf at *o within cap. */
static void
fmt_cat(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n >= cap)
		n = *o + 1 < cap ? cap - *o - 1 : 0;
	memcpy(buf + *o, s, n);
	*o += n;
	buf[*o] = '\0';
}

/* A number too big to group: sign, prefix, the digits num, suffix. */
static void
fmt_huge(char *buf, size_t cap, size_t *o, int neg, const char *num,
    const struct fmt_num *f)
{
	if (neg)
		fmt_cat(buf, cap, o, "-", 1);
	if (f->prefix)
		fmt_cat(buf, cap, o, f->prefix, strlen(f->prefix));
	fmt_cat(buf, cap, o, num, strlen(num));
	if (f->suffix)
		fmt_cat(buf, cap, o, f->suffix, strlen(f->suffix));
}

size_t
fmt_number(double v, const struct fmt_num *f, char *buf, size_t cap)
{
	char num[64], grp[96];
	const char *dot;
	size_t o = 0, ilen, glen;
	int dec = f->decimals, neg;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (!isfinite(v))
		return 0;
	if (dec < 0)
		dec = fabs(v - nearbyint(v)) < 0.005 ? 0 : 2;
	if (dec > 6)
		dec = 6;
	if (fabs(v) >= 1e18) {	/* beyond grouping: %g, with the rest */
		snprintf(num, sizeof(num), "%.6g", fabs(v));
		fmt_huge(buf, cap, &o, v < 0, num, f);
		return o;
	}
	snprintf(num, sizeof(num), "%.*f", dec, fabs(v));
	/* "-0.00" is zero. */
	neg = v < 0 && strspn(num, "0.") != strlen(num);
	dot = strchr(num, '.');
	ilen = dot ? (size_t)(dot - num) : strlen(num);
	glen = fmt_group(num, ilen, f->grouping, grp);
	if (neg)
		fmt_cat(buf, cap, &o, "-", 1);
	if (f->prefix)
		fmt_cat(buf, cap, &o, f->prefix, strlen(f->prefix));
	fmt_cat(buf, cap, &o, grp, glen);
	if (dot)
		fmt_cat(buf, cap, &o, dot, strlen(dot));
	if (f->suffix)
		fmt_cat(buf, cap, &o, f->suffix, strlen(f->suffix));
	return o;
}

size_t
fmt_compact(double v, const struct fmt_num *f, char *buf, size_t cap)
{
	return fmt_compact_sig(v, f, 0, buf, cap);
}

/* s in the digits of a short form: with sig > 0, sig significant digits
 * (65.69, 13.80; "5.000" is 5); else one decimal under 9.95
 * and none from there ("1.0" is "1"). */
static void
compact_digits(double s, int sig, char *num, size_t cap)
{
	size_t n;
	char *p;

	if (sig > 0) {
		int intd = s < 10 ? 1 : s < 100 ? 2 : s < 1000 ? 3 : 4;
		int dec = sig > intd ? sig - intd : 0;
		snprintf(num, cap, "%.*f", dec, s);
		if ((p = strchr(num, '.')) != NULL &&
		    strspn(p + 1, "0") == strlen(p + 1))
			*p = '\0';	/* "5.000" is "5" */
		return;
	}
	if (s < 9.95)
		snprintf(num, cap, "%.1f", s);
	else
		snprintf(num, cap, "%.0f", s);
	n = strlen(num);
	if (n > 2 && strcmp(num + n - 2, ".0") == 0)
		num[n - 2] = '\0';
}

size_t
fmt_compact_sig(double v, const struct fmt_num *f, int sig, char *buf,
    size_t cap)
{
	static const struct unit { double div; const char *name; }
	    western[] = { { 1e3, "k" }, { 1e6, "M" }, { 1e9, "B" },
		{ 1e12, "T" } },
	    indian[] = { { 1e3, "K" }, { 1e5, "L" }, { 1e7, "Cr" } };
	const struct unit *u;
	char num[64];
	size_t nu, i, o = 0;
	double a = fabs(v), s;
	int k = -1;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	if (!isfinite(v))
		return 0;
	if (a >= 1e18) {	/* past any unit: 3 digits and an exponent */
		snprintf(num, sizeof(num), "%.3g", a);
		fmt_huge(buf, cap, &o, v < 0, num, f);
		return o;
	}
	if (f->grouping == FMT_INDIAN) {
		u = indian;
		nu = sizeof(indian) / sizeof(indian[0]);
	} else {
		u = western;
		nu = sizeof(western) / sizeof(western[0]);
	}
	for (i = 0; i < nu; i++)
		if (a >= u[i].div)
			k = (int)i;
	if (k < 0) {	/* small: at most one decimal */
		struct fmt_num g = *f;

		if (g.decimals < 0 || g.decimals > 1)
			g.decimals = fabs(a - nearbyint(a)) < 0.05 ? 0 : 1;
		snprintf(num, sizeof(num), "%.*f", g.decimals, a);
		if (strtod(num, NULL) >= 1000)
			k = 0;	/* 999.97 rounds to 1000: say 1k */
		else
			return fmt_number(v, &g, buf, cap);
	}
	for (;;) {
		s = a / u[k].div;
		compact_digits(s, sig, num, sizeof(num));
		/* 999.6k is 1M; 99.9K is 1L in Indian units. */
		if (k + 1 < (int)nu && strtod(num, NULL) * u[k].div >=
		    u[k + 1].div) {
			k++;
			continue;
		}
		break;
	}
	if (v < 0)
		fmt_cat(buf, cap, &o, "-", 1);
	if (f->prefix)
		fmt_cat(buf, cap, &o, f->prefix, strlen(f->prefix));
	if (s >= 1000) {	/* past the largest unit: group the digits */
		char grp[96];
		size_t glen = fmt_group(num, strlen(num), f->grouping, grp);
		fmt_cat(buf, cap, &o, grp, glen);
	} else
		fmt_cat(buf, cap, &o, num, strlen(num));
	fmt_cat(buf, cap, &o, u[k].name, strlen(u[k].name));
	if (f->suffix)
		fmt_cat(buf, cap, &o, f->suffix, strlen(f->suffix));
	return o;
}

int
fmt_decimals_of(const char *s)
{
	const char *dot = strchr(s, '.');
	int n = 0;

	if (dot == NULL)
		return 0;
	for (dot++; *dot >= '0' && *dot <= '9'; dot++)
		n++;
	return n;
}

int
fmt_parse_num(const char *s, double *out)
{
	const char *p;
	char *end;
	double v;
	int digits = 0;

	if (*s == '\0')
		return 1;
	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (strchr("+-.eE", *p) == NULL)
			return -1;
	}
	if (digits == 0)
		return -1;
	v = strtod(s, &end);
	if (*end != '\0')
		return -1;
	if (!isfinite(v) || fabs(v) > FMT_NUM_MAX)
		return -2;
	if (fabs(v) < FMT_NUM_TINY)
		v = 0;
	*out = v;
	return 0;
}

/* ---- times people read ------------------------------------------------ */

/* n digits of s as a number, or -1. */
static int
digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Parse s into the civil time *t and its UTC offset in seconds; *zoned
 * says whether it had one.  Returns 0 or -1. */
static int
time_parse(const char *s, struct tm *t, long *off, int *zoned)
{
	const char *p = s + 16;
	int sign, oh, om;

	memset(t, 0, sizeof(*t));
	*off = 0;
	*zoned = 0;
	if (strlen(s) < 16 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return -1;
	t->tm_year = digits(s, 4);
	t->tm_mon = digits(s + 5, 2);
	t->tm_mday = digits(s + 8, 2);
	t->tm_hour = digits(s + 11, 2);
	t->tm_min = digits(s + 14, 2);
	if (*p == ':') {
		if ((t->tm_sec = digits(p + 1, 2)) < 0)
			return -1;
		p += 3;
		if (*p == '.' || *p == ',')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	if (t->tm_year < 0 || t->tm_mon < 1 || t->tm_mon > 12 ||
	    t->tm_mday < 1 || t->tm_mday > 31 || t->tm_hour < 0 ||
	    t->tm_hour > 23 || t->tm_min < 0 || t->tm_min > 59 ||
	    t->tm_sec < 0 || t->tm_sec > 60)
		return -1;
	t->tm_year -= 1900;
	t->tm_mon--;
	if (*p == '\0')
		return 0;
	*zoned = 1;
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return 0;
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	if ((oh = digits(p + 1, 2)) < 0 || oh > 23)
		return -1;
	p += 3;
	if (*p == ':')
		p++;
	if ((om = digits(p, 2)) < 0 || om > 59 || p[2] != '\0')
		return -1;
	*off = sign * (oh * 3600L + om * 60L);
	return 0;
}

int
fmt_time_local(const char *s, enum fmt_time_style style, long long now,
    char *out, size_t cap)
{
	struct tm t, today;
	long off;
	int zoned, n;
	time_t tt, nt = (time_t)now;

	if (cap == 0 || time_parse(s, &t, &off, &zoned) == -1)
		return -1;
	if (zoned) {	/* UTC: timegm, less the offset, then local */
		tt = timegm(&t);
		if (tt == (time_t)-1 && t.tm_year != 69)
			return -1;
		tt -= off;
		if (localtime_r(&tt, &t) == NULL)
			return -1;
	}
	if (style == FMT_TIME_SINCE) {
		if (localtime_r(&nt, &today) != NULL &&
		    today.tm_year == t.tm_year && today.tm_mon == t.tm_mon &&
		    today.tm_mday == t.tm_mday)
			n = snprintf(out, cap, "%02d:%02d", t.tm_hour,
			    t.tm_min);
		else
			n = snprintf(out, cap, "%02d-%02d %02d:%02d",
			    t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min);
	} else if (style == FMT_TIME_HMS)
		n = snprintf(out, cap, "%02d:%02d:%02d", t.tm_hour, t.tm_min,
		    t.tm_sec);
	else
		n = snprintf(out, cap, "%04d-%02d-%02d %02d:%02d",
		    t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour,
		    t.tm_min);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* ---- UTF-8 -------------------------------------------------------------- */

size_t
u8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	size_t n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else
		goto bad;
	if (n > len)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			goto bad;
		c = c << 6 | (u[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

size_t
u8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

uint32_t
cp_shown(uint32_t cp)
{
	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
		return fmt_utf8 ? 0xfffd : '?';	/* controls */
	if (cp < 0x80)
		return cp;
	if (!fmt_utf8)
		return '?';
	/* Bidirectional embeddings, overrides, isolates and marks would
	 * reorder what the terminal shows. */
	if (cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0xfffd;
	if (wcwidth((wchar_t)cp) < 0)
		return 0xfffd;	/* unassigned, or a line separator */
	return cp;
}

int
cp_width(uint32_t cp)
{
	int w;

	cp = cp_shown(cp);
	if (cp < 0x80 || !fmt_utf8)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w > 2 ? 2 : w;
}

void
fmt_printable(char *s)
{
	size_t i = 0, n = strlen(s), k;
	uint32_t cp;

	while (i < n) {
		k = u8_decode(s + i, n - i, &cp);
		/* Only what the terminal would draw as it is stays. */
		if ((cp == 0xfffd && k == 1) || cp_shown(cp) != cp ||
		    (cp >= 0x80 && !fmt_utf8))
			memset(s + i, '?', k);
		i += k;
	}
}

size_t
u8_width(const char *s, size_t len)
{
	size_t i = 0, w = 0;
	uint32_t cp;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			w++;
			continue;
		}
		i += u8_decode(s + i, len - i, &cp);
		w += (size_t)cp_width(cp);
	}
	return w;
}

size_t
u8_prefix(const char *s, size_t len, size_t w)
{
	size_t i = 0, used = 0, n;
	uint32_t cp;
	int cw;

	while (i < len) {
		n = u8_decode(s + i, len - i, &cp);
		cw = cp_width(cp);
		if (used + (size_t)cw > w)
			break;
		used += (size_t)cw;
		i += n;
	}
	return i;
}
