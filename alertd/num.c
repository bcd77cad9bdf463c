/* alertd's strict decimal numbers; see num.h. */
#include "num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t
num_span(const char *s, size_t len)
{
	size_t i = 0, d = 0, e;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < len && is_digit(s[i]); i++)
		d++;
	if (i < len && s[i] == '.') {
		i++;
		for (; i < len && is_digit(s[i]); i++)
			d++;
	}
	if (d == 0)
		return 0;
	/* An exponent only counts when it has digits: "5e" is the number 5
	 * followed by "e". */
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		e = i + 1;
		if (e < len && (s[e] == '+' || s[e] == '-'))
			e++;
		if (e < len && is_digit(s[e])) {
			while (e < len && is_digit(s[e]))
				e++;
			i = e;
		}
	}
	return i;
}

int
num_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_blank(s[i]))
			return 0;
	return 1;
}

/* Trim blanks; *s and *len are updated. */
static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && is_blank(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && is_blank((*s)[*len - 1]))
		(*len)--;
}

int
num_parse(const char *s, size_t len, double min, double max, double *out)
{
	char buf[NUM_TEXT_MAX + 1];
	double v;

	if (s == NULL)
		goto inval;
	trim(&s, &len);
	if (len == 0 || len > NUM_TEXT_MAX || num_span(s, len) != len)
		goto inval;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* The grammar above is a subset of strtod's in every locale that
	 * keeps '.' as the point, which alertd (no setlocale) does. */
	v = strtod(buf, NULL);
	if (!isfinite(v) || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

int
num_parse_str(const char *s, double min, double max, double *out)
{
	if (s == NULL) {
		errno = EINVAL;
		return -1;
	}
	return num_parse(s, strlen(s), min, max, out);
}

int
num_parse_int(const char *s, size_t len, long long min, long long max,
    long long *out)
{
	size_t i;
	double v;

	if (s == NULL) {
		errno = EINVAL;
		return -1;
	}
	trim(&s, &len);
	if (num_span(s, len) != len || len == 0) {
		errno = EINVAL;
		return -1;
	}
	/* No exponent; after a point, zeros only ("4.0", as some exports
	 * write integers). */
	for (i = 0; i < len && s[i] != '.'; i++)
		if (s[i] == 'e' || s[i] == 'E') {
			errno = EINVAL;
			return -1;
		}
	for (i = i + 1; i < len; i++)
		if (s[i] != '0') {
			errno = EINVAL;
			return -1;
		}
	if (num_parse(s, len, (double)min, (double)max, &v) == -1)
		return -1;
	/* Beyond 2^53 a double loses integers: refuse rather than round. */
	if (fabs(v) > 9007199254740992.0) {
		errno = ERANGE;
		return -1;
	}
	*out = (long long)v;
	return 0;
}

int
num_duration(const char *s, double *seconds)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "m", 60 },
		{ "h", 3600 }, { "d", 86400 },
	};
	size_t n, i;
	double v;

	if (s == NULL || (n = num_span(s, strlen(s))) == 0 || s[0] == '-' ||
	    num_parse(s, n, 0, 1e300, &v) == -1) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s + n, units[i].unit) == 0) {
			*seconds = v * units[i].mul;
			return 0;
		}
	errno = EINVAL;
	return -1;
}
