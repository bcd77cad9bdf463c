#include "money.h"

#include <errno.h>
#include <string.h>

int
money_parse(const char *s, size_t len, int64_t *out)
{
	const char *e = s + len;
	int neg = 0, frac = 0, digits = 0;
	uint64_t v = 0;

	/* Fast path for the usual shape, 1 to 15 digits, a point and two
	 * digits ("1747.08"): no overflow is possible. */
	if (len >= 4 && len <= 18 && s[len - 3] == '.') {
		size_t i;
		unsigned d1 = (unsigned char)s[len - 2] - '0';
		unsigned d2 = (unsigned char)s[len - 1] - '0';
		for (i = 0; i < len - 3; i++) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 9)
				break;
			v = v * 10 + d;
		}
		if (i == len - 3 && d1 < 10 && d2 < 10) {
			*out = (int64_t)(v * MONEY_SCALE + d1 * 10 + d2);
			return 0;
		}
		v = 0;
	}

	if (s < e && (*s == '-' || *s == '+'))
		neg = (*s++ == '-');
	for (; s < e && *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (UINT64_MAX / 10 - 9) / MONEY_SCALE)
			goto range;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	v *= MONEY_SCALE;
	if (s < e && *s == '.') {
		int fd = 0;
		s++;
		for (; s < e && *s >= '0' && *s <= '9'; s++, fd++) {
			if (fd == 0)
				frac += (*s - '0') * 10;
			else if (fd == 1)
				frac += *s - '0';
			else if (*s != '0')
				goto inval;	/* not exact in hundredths */
		}
		if (fd == 0 && digits == 0)
			goto inval;
		digits += fd;
	}
	if (s != e || digits == 0)
		goto inval;
	v += (uint64_t)frac;
	if (v > (uint64_t)INT64_MAX)
		goto range;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
inval:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
}

int
int_parse(const char *s, size_t len, int64_t *out)
{
	const char *e = s + len;
	int neg = 0, digits = 0;
	uint64_t v = 0;

	if (s < e && (*s == '-' || *s == '+'))
		neg = (*s++ == '-');
	for (; s < e && *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (UINT64_MAX - 9) / 10)
			goto range;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (digits == 0)
		goto inval;
	if (s < e && *s == '.') {
		for (s++; s < e && *s == '0'; s++)
			;
	}
	if (s != e)
		goto inval;
	if (v > (uint64_t)INT64_MAX)
		goto range;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
inval:
	errno = EINVAL;
	return -1;
range:
	errno = ERANGE;
	return -1;
}

size_t
int_format(int64_t v, char *buf)
{
	char tmp[MONEY_BUFSZ];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return i;
}

size_t
money_format(int64_t v, char *buf)
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0;
	char tmp[MONEY_BUFSZ];
	uint64_t whole = u / MONEY_SCALE, frac = u % MONEY_SCALE;
	size_t i = 0;

	do {
		tmp[n++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole > 0);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i++] = '.';
	buf[i++] = (char)('0' + frac / 10);
	buf[i++] = (char)('0' + frac % 10);
	buf[i] = '\0';
	return i;
}

int64_t
money_div(int64_t total, int64_t count)
{
	int64_t q, r;

	if (count == 0)
		return 0;
	q = total / count;
	r = total % count;
	/* Round half away from zero. */
	if (2 * (r < 0 ? -r : r) >= (count < 0 ? -count : count))
		q += ((total < 0) != (count < 0)) ? -1 : 1;
	return q;
}
