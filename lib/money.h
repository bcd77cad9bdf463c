#ifndef LI_MONEY_H
#define LI_MONEY_H
/* Exact decimal numbers in fixed point.  Money is kept in integer paise
 * (hundredths), so sums of any size and order are exact: a double drifts
 * after a few million additions. */
#include <stddef.h>
#include <stdint.h>

#define MONEY_SCALE	100

/* Parse a decimal such as "12", "-3.5", "1010876.00" or "+0.05" into
 * hundredths.  Digits past the second decimal must be zeros ("4.000" is
 * fine, "4.005" is not exact and fails).  No spaces, no exponent.
 * Returns 0, or -1 with errno EINVAL (not a number) or ERANGE. */
int money_parse(const char *s, size_t len, int64_t *out);

/* Parse an integer that may be written as a float with a zero fraction
 * ("4", "4.0", "1010876.0").  Returns 0, or -1 with errno EINVAL/ERANGE. */
int int_parse(const char *s, size_t len, int64_t *out);

/* Format hundredths as "-1234.50" (always two decimals) into buf, which
 * must hold MONEY_BUFSZ bytes.  Returns the length written. */
#define MONEY_BUFSZ	32
size_t money_format(int64_t v, char *buf);

/* Format an integer; returns its length.  buf holds MONEY_BUFSZ bytes. */
size_t int_format(int64_t v, char *buf);

/* Exact average total/count rounded half away from zero, in hundredths. */
int64_t money_div(int64_t total, int64_t count);

#endif
