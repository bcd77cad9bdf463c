#ifndef ALERTD_NUM_H
#define ALERTD_NUM_H
/* The one number syntax alertd reads, in samples, tick lines, snapshot
 * cells, rule thresholds, durations and the stock file: a plain decimal,
 *
 *	[blanks] [+|-] digits [. [digits]] [e|E [+|-] digits] [blanks]
 *
 * (or a fraction with no integer part, ".5"), blanks being spaces and tabs,
 * trimmed on both sides alike.  Hexadecimal ("0x10"), "inf", "nan", blanks
 * inside, a lone sign or point, and anything longer than NUM_TEXT_MAX
 * characters are not numbers, nor is a value beyond the range of a double.
 * strtod accepts all of those, so it is only called on text that has
 * passed this grammar. */
#include <stddef.h>

#define NUM_TEXT_MAX	100	/* characters of a number, blanks trimmed */

/* Parse the len bytes at s (not NUL-terminated) as a number in [min, max].
 * Returns 0 with *out set, or -1 (EINVAL: not a number; ERANGE: out of
 * range) leaving *out alone. */
int num_parse(const char *s, size_t len, double min, double max,
    double *out);

/* The same for a NUL-terminated string. */
int num_parse_str(const char *s, double min, double max, double *out);

/* 1 when the len bytes at s are only blanks (or nothing): an empty field. */
int num_blank(const char *s, size_t len);

/* A whole integer in [min, max] written as a number of this syntax with no
 * fraction or exponent ("12", " 12 ", "+12", "12.0" with zeros only after
 * the point).  Returns 0 or -1 (errno as above). */
int num_parse_int(const char *s, size_t len, long long min, long long max,
    long long *out);

/* A duration: a number of this syntax, not negative, and an optional unit
 * ms, s, m, h or d right after it ("1.5s", "250ms", "2m"; a bare number is
 * seconds).  Returns 0 or -1. */
int num_duration(const char *s, double *seconds);

/* The length of the longest prefix of the len bytes at s that is a number
 * of this syntax (no blanks), or 0 when none is. */
size_t num_span(const char *s, size_t len);

#endif
