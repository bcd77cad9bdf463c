#ifndef ALERTD_RULE_H
#define ALERTD_RULE_H
/* alertd's rule language: one rule per line,
 *
 *	NAME SOURCE TEST... [OPTION=VALUE...]
 *
 * SOURCE is "sample FIELD", "row FILE COLUMN", "AGG FILE COLUMN" (AGG one of
 * sum, mean, median, min, max, count) or "inventory".  A TEST is
 * "warn" or "crit" followed by a comparison (">70", "<0.7*mean",
 * "<=0.5*median") or "=" and a Nagios range ("=10:20", "=@10:20", "=~:70").
 * See alertd(1) for the whole language.  Also here: Nagios ranges and the
 * statistics that relative thresholds compare with. */
#include <stddef.h>

#define RULE_NAME_MAX	64
#define RULE_FIELD_MAX	64
#define RULE_FILE_MAX	128
#define RULE_KEY_MAX	128
#define RULE_MSG_MAX	256
#define RULE_TEXT_MAX	48
#define RULE_LINE_MAX	4096
#define RULES_MAX	1024
#define RULES_FILE_MAX	(4 << 20)	/* bytes of a rules file */

/* ---- Nagios ranges -------------------------------------------------------- */

/* A range [lo, hi]; an open end is infinite.  The check alerts when the value
 * is outside the range, or inside it (inclusive) when inside is set ("@"). */
struct nrange {
	double lo, hi;
	int inside;
};

/* Parse "10", "10:", "~:10", "10:20" or "@10:20".  Returns 0, or -1 with a
 * reason in err. */
int nrange_parse(const char *s, struct nrange *r, char *err, size_t errlen);
/* 1 when v raises an alert under r. */
int nrange_alert(const struct nrange *r, double v);

/* ---- statistics ------------------------------------------------------------ */

enum rstat {
	STAT_NONE,		/* a literal number */
	STAT_MEAN,
	STAT_MEDIAN,
	STAT_MIN,
	STAT_MAX,
	STAT_SUM,
	STAT_COUNT,
};

/* The statistic s of the n values v (sorted ascending), leaving out one
 * value equal to skip when skip_one is set ("the other rows").  Returns 0,
 * or -1 when no value is left (count gives 0 then). */
int stat_sorted(enum rstat s, const double *v, size_t n, int skip_one,
    double skip, double *out);
/* Sort n doubles ascending. */
void stat_sort(double *v, size_t n);
const char *stat_name(enum rstat s);

/* ---- tests and rules -------------------------------------------------------- */

enum test_kind { TEST_NONE, TEST_RANGE, TEST_CMP };
enum cmp_op { CMP_GT, CMP_GE, CMP_LT, CMP_LE };

struct test {
	enum test_kind kind;
	struct nrange range;	/* TEST_RANGE */
	enum cmp_op op;		/* TEST_CMP: value OP factor*stat, or num */
	enum rstat stat;
	double factor;		/* for a statistic */
	double num;		/* for a literal */
	char text[RULE_TEXT_MAX];	/* as written, after "warn"/"crit" */
};

enum source { SRC_SAMPLE, SRC_ROW, SRC_AGG, SRC_INVENTORY };

struct rule {
	char name[RULE_NAME_MAX];
	enum source src;
	enum rstat agg;		/* SRC_AGG */
	char field[RULE_FIELD_MAX];	/* sample field, or the value column */
	char file[RULE_FILE_MAX];	/* snapshot file (a plain file name) */
	struct test warn, crit;
	double for_s, keep_s, repeat_s;	/* for=, keep_firing_for=, repeat= */
	double window_s, span_s;	/* inventory: window=, span= */
	int others;		/* of=others: statistics leave the row out */
	double hyst;		/* hysteresis=: a firing alert clears only
				   past its threshold by this fraction */
	double min_stat;	/* min_stat=: unknown while the statistic
				   compared with is below this */
	int has_key;
	char key[RULE_KEY_MAX];
	char message[RULE_MSG_MAX];
	unsigned line;		/* line in the rules file */
};

/* Parse one line of a rules file.  Returns 1 with r filled, 0 for a blank or
 * comment line, or -1 with the reason in err (no file:line prefix). */
int rule_parse_line(const char *line, struct rule *r, char *err,
    size_t errlen);

/* Load a rules file into a new array (*rules, owned by the caller; free()
 * it).  The file must be a regular file of at most RULES_FILE_MAX bytes
 * (lib/readfile.h).  Returns the number of rules, or -1 with
 * "FILE:LINE: reason" (or "FILE: reason") in err. */
long rules_load(const char *path, struct rule **rules, char *err,
    size_t errlen);

/* The same over the len bytes at buf, name standing for the file in
 * messages. */
long rules_parse_buf(const char *name, const char *buf, size_t len,
    struct rule **rules, char *err, size_t errlen);

/* 1 when test t raises an alert for value v; the threshold compared with is
 * stored in *thr (NAN for a range).  st/n are the sorted column values (for
 * a statistic), skip_one/self as in stat_sorted.  Returns -1 when the
 * statistic cannot be computed. */
int test_eval(const struct test *t, double v, const double *st, size_t n,
    int skip_one, double *thr);

/* The level of value v under rule r: 2 critical, 1 warning, 0 ok, -1 unknown
 * (a statistic could not be computed).  thr_warn, thr_crit get the compared
 * thresholds (NAN when none). */
int rule_level(const struct rule *r, double v, const double *st, size_t n,
    double *thr_warn, double *thr_crit);

#endif
