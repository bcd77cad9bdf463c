#ifndef ALERTD_OUTFMT_H
#define ALERTD_OUTFMT_H
/* What alertd writes for others to parse, whatever bytes its input held:
 * numbers, JSON event lines (-F json and the hooks' stdin) and the Nagios
 * status line of --once.
 *
 * JSON is always valid UTF-8: a byte that is not part of a valid UTF-8
 * sequence becomes U+FFFD; control characters (U+0000-U+001F, U+007F and
 * U+0080-U+009F) are escaped (\n, \r, \t, else \u00XX), as are '"' and
 * '\\'.  The Nagios line follows the plugin guidelines: one line; the text
 * holds no '|'; perfdata labels are quoted with single quotes when they
 * hold anything but letters, digits and _ . - / [ ] :, a quote in them
 * doubled.  In both the text and the labels, control characters and '|'
 * become '_', and so does '=' in a label (the guidelines allow none);
 * invalid UTF-8 becomes U+FFFD there too. */
#include <stddef.h>

#include "hook.h"

#define OUT_NUM_MAX	48	/* out_num's longest text, with its NUL */
#define OUT_JSON_MAX	(6 * (sizeof(((struct hook_event *)0)->time) + \
	sizeof(((struct hook_event *)0)->status) +			\
	sizeof(((struct hook_event *)0)->name) +			\
	sizeof(((struct hook_event *)0)->severity) +			\
	sizeof(((struct hook_event *)0)->key) +				\
	sizeof(((struct hook_event *)0)->value) +			\
	sizeof(((struct hook_event *)0)->message)) + 128)

/* ---- numbers and UTF-8 ---------------------------------------------------- */

/* v as alertd prints values: at most two decimals, trailing zeros dropped
 * ("82", "84.5"); "" for NaN, "inf" and "-inf"; %.17g from 1e15 on, so a
 * huge value is never cut short.  buf needs OUT_NUM_MAX bytes; returns
 * buf. */
const char *out_num(double v, char *buf, size_t cap);

/* The length (1 to 4) of the valid UTF-8 sequence at the n bytes at s, or
 * 0 when it is not one (overlong forms, surrogates and code points above
 * U+10FFFF are not). */
size_t out_utf8_seq(const unsigned char *s, size_t n);

/* 1 when the n bytes at s are valid UTF-8. */
int out_utf8_valid(const char *s, size_t n);

/* The length of s[0..len) without a multi-byte sequence cut short at its
 * end (what snprintf leaves when it truncates), so that cutting there
 * does not make valid UTF-8 invalid. */
size_t out_utf8_cut(const char *s, size_t len);

/* snprintf(dst, cap, "%s", src), cut at a character boundary. */
void out_copy(char *dst, size_t cap, const char *src);

/* ---- JSON ------------------------------------------------------------------ */

/* Append s as a JSON string (quotes included) to buf at *len; buf has cap
 * bytes and stays NUL-terminated.  Returns 0, or -1 when it does not fit
 * (buf and *len unchanged).  6 * strlen(s) + 3 bytes always fit. */
int out_json_str(char *buf, size_t cap, size_t *len, const char *s);

/* The event as one JSON object line ending in '\n' (value a number when
 * ev->value is one, else null).  Returns its length, or 0 when cap is too
 * small (never with OUT_JSON_MAX). */
size_t out_json_event(const struct hook_event *ev, char *buf, size_t cap);

/* ---- the Nagios status line ------------------------------------------------ */

enum { NAG_OK, NAG_WARNING, NAG_CRITICAL, NAG_UNKNOWN };
enum { NAG_THR_NONE, NAG_THR_NUM, NAG_THR_RANGE };

/* A threshold for the perfdata: a number, or a Nagios range [lo, hi]
 * (-inf and +inf for open ends; inside for "@"). */
struct nag_thr {
	int kind;
	double num;
	double lo, hi;
	int inside;
};

struct nagios;

/* A status line of at most about max bytes (items that do not fit are
 * left out whole; the counts stay exact).  NULL on ENOMEM. */
struct nagios *nag_new(size_t max);
void nag_free(struct nagios *n);

/* One alert: its rule's name, its key ("" for none), its level (NAG_*),
 * its value (NaN when unknown) and thresholds (NULL for none).  Alerts
 * not OK are listed in the text; those with a finite value and a known
 * level go into the perfdata. */
void nag_add(struct nagios *n, const char *name, const char *key, int level,
    double value, const struct nag_thr *warn, const struct nag_thr *crit);

/* A rule with no data at all: unknown, listed as "NAME=no data". */
void nag_nodata(struct nagios *n, const char *name);

/* An alert left out because what it watches is not present (a sample
 * field "-": no GPU): no status, noted in the text as "NAME: not present"
 * (or "NAME[KEY]: not present"). */
void nag_absent(struct nagios *n, const char *name, const char *key);

/* The line, "SERVICE STATUS - ...\n" (service: letters, digits and '_'),
 * owned by n and valid until nag_free.  Returns the status, NAG_*. */
int nag_line(struct nagios *n, const char *service, const char **line);

#endif
