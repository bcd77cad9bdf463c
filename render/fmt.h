#ifndef RENDER_FMT_H
#define RENDER_FMT_H
/* Number formatting and UTF-8 display width for render. */
#include <stddef.h>
#include <stdint.h>

enum fmt_grouping {
	FMT_WESTERN,		/* 1,234,567 */
	FMT_INDIAN,		/* 12,34,567 */
	FMT_NONE,		/* 1234567 */
};

struct fmt_num {
	enum fmt_grouping grouping;
	int decimals;		/* after the point; -1: 0 or 2 as needed */
	const char *prefix;	/* e.g. "₹" (borrowed; may be NULL) */
	const char *suffix;	/* e.g. " °C" (borrowed; may be NULL) */
};

#define FMT_BUFSZ	96

/* Format v with thousands separators, decimals, prefix and suffix into buf
 * (cap bytes, at least FMT_BUFSZ): "-₹12,34,567.50".  Returns the length. */
size_t fmt_number(double v, const struct fmt_num *f, char *buf, size_t cap);

/* Format v in a short form: "1.2k", "35M" (western) or "1.2K", "3.4L",
 * "12Cr" (Indian), with prefix and suffix.  Returns the length. */
size_t fmt_compact(double v, const struct fmt_num *f, char *buf, size_t cap);

/* The same with sig significant digits (1 to 6; "5.000M" is "5M"):
 * 6569034.17 is "65.69L" (Indian) or "6.569M" (western) with 4; sig 0 is
 * fmt_compact's rule.  Below the first unit the number is as
 * fmt_compact's. */
size_t fmt_compact_sig(double v, const struct fmt_num *f, int sig,
    char *buf, size_t cap);

/* Number of digits after the decimal point in a number's text ("12.50"
 * gives 2, "7" gives 0). */
int fmt_decimals_of(const char *s);

/* Numbers render takes: at most 1e300 in magnitude, so that no sum,
 * difference or ratio it draws overflows; smaller than 1e-300 is 0. */
#define FMT_NUM_MAX	1e300
#define FMT_NUM_TINY	1e-300

/* Parse a whole decimal number ("-12.5", "3e2"; no hex, inf or nan).
 * Returns 0, 1 for an empty (unknown) field, -1 when not a number, or -2
 * when out of range (over FMT_NUM_MAX in magnitude). */
int fmt_parse_num(const char *s, double *out);

/* Replace, in place, what must not reach a terminal in a message: control
 * characters, invalid UTF-8, bidirectional controls (and any non-ASCII
 * outside a UTF-8 locale) become '?', byte for byte. */
void fmt_printable(char *s);

/* ---- times people read ------------------------------------------------ */

enum fmt_time_style {
	FMT_TIME_HMS,		/* 14:05:09 */
	FMT_TIME_DATE_HM,	/* 2024-05-26 14:05 */
	FMT_TIME_SINCE,		/* 14:05 today, else 05-26 14:05 */
};

/* The time s ("YYYY-MM-DD[T ]HH:MM[:SS][.frac][Z|+HH:MM|-HHMM]") in the
 * process's local time zone (TZ) as style says, into out (cap bytes).  A
 * time with an offset or Z is converted; one without is the store's local
 * wall time already and is shown as it is.  now (seconds since the epoch)
 * decides what "today" is for FMT_TIME_SINCE.  Returns the length, or -1
 * when s is not such a time. */
int fmt_time_local(const char *s, enum fmt_time_style style, long long now,
    char *out, size_t cap);

/* ---- UTF-8 -------------------------------------------------------------- */

/* Set by main: 1 when the locale's codeset is UTF-8.  Otherwise every
 * non-ASCII character counts one column and is drawn as '?'. */
extern int fmt_utf8;

/* Decode one character of s (len > 0 bytes).  Returns the bytes used
 * (at least 1); an invalid sequence gives U+FFFD and 1 byte. */
size_t u8_decode(const char *s, size_t len, uint32_t *cp);

/* Encode cp into out (4 bytes); returns the length. */
size_t u8_encode(uint32_t cp, char *out);

/* The character drawn for cp: cp itself, or U+FFFD ('?' outside UTF-8)
 * for a control character, a bidirectional control, or one wcwidth does
 * not know; '?' for any non-ASCII outside UTF-8. */
uint32_t cp_shown(uint32_t cp);

/* Display width of the character drawn for cp: 0 (combining), 1 or 2. */
int cp_width(uint32_t cp);

/* Display width of a string of len bytes. */
size_t u8_width(const char *s, size_t len);

/* Bytes of s that fit in at most w columns. */
size_t u8_prefix(const char *s, size_t len, size_t w);

#endif
