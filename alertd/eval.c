/* Row and aggregate rules over a snapshot file; see eval.h. */
#include "eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "outfmt.h"

void
eval_row_key(const struct rule *r, const struct table *t, size_t row,
    long vc, char *key, size_t cap)
{
	size_t o = 0, j, n;
	int first = 1;

	if (cap == 0)
		return;
	key[0] = '\0';
	if (r->has_key) {
		out_copy(key, cap, r->key);
		return;
	}
	for (j = 0; j < t->ncols && o + 1 < cap; j++) {
		const char *c = table_cell(t, row, j);

		if ((long)j == vc)
			continue;
		if (!first)
			key[o++] = '/';
		first = 0;
		n = strlen(c);
		if (o + n + 1 > cap)
			n = out_utf8_cut(c, cap - 1 - o);
		memcpy(key + o, c, n);
		o += n;
	}
	if (o >= cap)
		o = cap - 1;
	key[o] = '\0';
}

int
eval_table(const struct rule *r, const struct table *t,
    const struct eval_cb *cb)
{
	double *vals = NULL, *sorted = NULL, tw, tc, v;
	size_t n = 0, i;
	char key[EVAL_KEY_MAX];
	int lv, ret = -2;
	long vc;

	if ((vc = table_col(t, r->field)) < 0)
		return -1;
	if ((vals = malloc((t->nrows + 1) * sizeof(*vals))) == NULL ||
	    (sorted = malloc((t->nrows + 1) * sizeof(*sorted))) == NULL)
		goto out;
	for (i = 0; i < t->nrows; i++) {
		const char *c = table_cell(t, i, (size_t)vc);

		if (num_parse_str(c, -1e300, 1e300, &vals[i]) == 0) {
			sorted[n++] = vals[i];
			continue;
		}
		vals[i] = NAN;
		if (cb->bad_cell != NULL)
			cb->bad_cell(cb->arg, i, (size_t)vc, c);
	}
	stat_sort(sorted, n);
	if (r->src == SRC_AGG) {
		if (stat_sorted(r->agg, sorted, n, 0, 0, &v) == -1) {
			cb->alert(cb->arg, r->has_key ? r->key : "", -1, NAN,
			    NAN, NAN);
		} else {
			lv = rule_level(r, v, NULL, 0, &tw, &tc);
			cb->alert(cb->arg, r->has_key ? r->key : "", lv,
			    lv < 0 ? NAN : v, tw, tc);
		}
		ret = 0;
		goto out;
	}
	for (i = 0; i < t->nrows; i++) {
		eval_row_key(r, t, i, vc, key, sizeof(key));
		if (isnan(vals[i])) {
			/* Not a number: unknown, never a value. */
			cb->alert(cb->arg, key, -1, NAN, NAN, NAN);
			continue;
		}
		lv = rule_level(r, vals[i], sorted, n, &tw, &tc);
		cb->alert(cb->arg, key, lv, lv < 0 ? NAN : vals[i], tw, tc);
	}
	ret = 0;
out:
	free(vals);
	free(sorted);
	return ret;
}
