#ifndef ALERTD_EVAL_H
#define ALERTD_EVAL_H
/* Row and aggregate rules evaluated over one snapshot file: the numbers of
 * the rule's column (num.h syntax), the statistics its thresholds compare
 * with, and one level per row (or one for an aggregate).  No state, no
 * output: the caller keeps the alerts. */
#include <stddef.h>

#include "rule.h"
#include "table.h"

#define EVAL_KEY_MAX	(2 * RULE_KEY_MAX)	/* bytes of a key, with NUL */

struct eval_cb {
	/* A value for key: level 2 (critical), 1 (warning), 0 (ok), or -1
	 * (unknown: a cell that is not a number, a statistic that cannot be
	 * computed; v is NaN then).  tw and tc are the thresholds compared
	 * with (NaN for none).  key is borrowed for the call. */
	void (*alert)(void *arg, const char *key, int level, double v,
	    double tw, double tc);
	/* A cell of the rule's column that is not a number (may be NULL). */
	void (*bad_cell)(void *arg, size_t row, size_t col, const char *cell);
	void *arg;
};

/* Evaluate the row or aggregate rule r over t (read, t->ok): for a row
 * rule, alert() once per row in order; for an aggregate, once.  Returns
 * 0, -1 when t has no column r->field (nothing reported), or -2 on ENOMEM.
 */
int eval_table(const struct rule *r, const struct table *t,
    const struct eval_cb *cb);

/* The key of a row of t for row rule r: r->key with key=, else the row's
 * fields other than column vc joined by '/', cut at a character boundary
 * to at most cap - 1 bytes. */
void eval_row_key(const struct rule *r, const struct table *t, size_t row,
    long vc, char *key, size_t cap);

#endif
