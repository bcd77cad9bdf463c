/* Two chart kinds for issue 14: heat, a matrix of shaded cells (branch x
 * hour, weekday x hour), and pop, period over period (a value against
 * its reference, an arrow and the change in percent). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartint.h"

#define HEAT_MAX	256	/* rows and columns kept */

static const char *const shade_utf8[] = { " ", "\xe2\x96\x91", "\xe2\x96\x92",
    "\xe2\x96\x93", "\xe2\x96\x88" };		/* space ░ ▒ ▓ █ */
static const char *const shade_ascii[] = { " ", ".", ":", "*", "#" };
static const uint8_t shade_style[] = { ST_DIM, ST_BLUE, ST_CYAN, ST_YELLOW,
    ST_RED };

/* The index of s in names[0..*n), added when new (up to HEAT_MAX); -1
 * when full. */
static int
name_index(const char **names, int *n, const char *s)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	if (*n == HEAT_MAX)
		return -1;
	names[*n] = s;
	return (*n)++;
}

/* Rows that are all day names go Monday to Sunday (a snapshot sorts
 * them by name), their cells with them. */
static void
weekday_order(const char **rows, int nr, double *m)
{
	static const char *const days[] = { "Monday", "Tuesday", "Wednesday",
	    "Thursday", "Friday", "Saturday", "Sunday" };
	const char *nrows[7];
	double *tmp;
	int i, d, n = 0, at[7];

	if (nr > 7)
		return;
	for (i = 0; i < nr; i++) {
		for (d = 0; d < 7 && strcmp(rows[i], days[d]) != 0; d++)
			;
		if (d == 7)
			return;
	}
	if ((tmp = malloc((size_t)nr * HEAT_MAX * sizeof(*tmp))) == NULL)
		return;
	for (d = 0; d < 7; d++)
		for (i = 0; i < nr; i++)
			if (strcmp(rows[i], days[d]) == 0) {
				nrows[n] = rows[i];
				at[n++] = i;
			}
	for (i = 0; i < nr; i++)
		memcpy(tmp + (size_t)i * HEAT_MAX, m + (size_t)at[i] * HEAT_MAX,
		    HEAT_MAX * sizeof(*m));
	memcpy(m, tmp, (size_t)nr * HEAT_MAX * sizeof(*m));
	memcpy(rows, nrows, (size_t)nr * sizeof(*rows));
	free(tmp);
}

/* heat: rows by --label (default: the first text column), columns by
 * --x (default: the next text column), cells the --value (default: the
 * first numeric column), summed; rows and columns in the order they first
 * come (reduce's snapshots are sorted). */
int
chart_heat(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	static const char *rows[HEAT_MAX], *cols[HEAT_MAX];
	const char *const *shade = G == &glyphs_ascii ? shade_ascii : shade_utf8;
	double *m = NULL, max = 0, v;
	int nr = 0, nc = 0, i, j, lw = 0, cw, ri, ci, used, shown;
	long lc, xc, vc;
	size_t r;
	char b[FMT_BUFSZ];
	struct fmt_num f;

	/* By default the value is the last numeric column (an hour is a
	 * number too), the rows the first other column, the columns the
	 * next. */
	if (s->value != NULL) {
		if (chart_need_col(t, s->value, &vc, err, errlen) == -1)
			return -1;
	} else {
		for (vc = (long)t->ncol - 1; vc >= 0 &&
		    !dtab_numeric(t, (size_t)vc); vc--)
			;
		if (vc < 0) {
			snprintf(err, errlen, "%s: no numeric column", t->name);
			return -1;
		}
	}
	if (s->label != NULL) {
		if (chart_need_col(t, s->label, &lc, err, errlen) == -1)
			return -1;
	} else
		for (lc = 0; lc < (long)t->ncol && lc == vc; lc++)
			;
	if (s->x != NULL) {
		if (chart_need_col(t, s->x, &xc, err, errlen) == -1)
			return -1;
	} else
		for (xc = 0; xc < (long)t->ncol && (xc == lc || xc == vc); xc++)
			;
	if (lc >= (long)t->ncol || xc >= (long)t->ncol) {
		snprintf(err, errlen, "%s: a heat map wants a row column, a "
		    "column column and a value (--label, --x, --value)",
		    t->name);
		return -1;
	}
	if ((m = calloc((size_t)HEAT_MAX * HEAT_MAX, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r = chart_first_row(s, t); r < t->nrow; r++) {
		int k;
		if (chart_stopped(r, t, err, errlen))
			goto fail;
		if ((k = dtab_num(t, r, (size_t)vc, &v, err, errlen)) < 0)
			goto fail;
		if (k == 1)
			continue;
		ri = name_index(rows, &nr, dtab_get(t, r, (size_t)lc));
		ci = name_index(cols, &nc, dtab_get(t, r, (size_t)xc));
		if (ri < 0 || ci < 0)
			continue;	/* past HEAT_MAX: not shown */
		m[ri * HEAT_MAX + ci] += v;
	}
	if (nr == 0) {
		free(m);
		return chart_no_data(cv, x, y, w, h, "no data yet");
	}
	weekday_order(rows, nr, m);
	for (i = 0; i < nr; i++) {
		int lw1 = (int)u8_width(rows[i], strlen(rows[i]));
		if (lw1 > lw)
			lw = lw1;
		for (j = 0; j < nc; j++)
			if (m[i * HEAT_MAX + j] > max)
				max = m[i * HEAT_MAX + j];
	}
	if (lw > w / 3)
		lw = w / 3;
	cw = nc > 0 ? (w - lw - 1) / nc : 1;
	if (cw > 4)
		cw = 4;
	if (cw < 1 || h < 3) {
		snprintf(err, errlen, "%s: too small for a %d x %d heat map "
		    "(%d x %d)", t->name, nr, nc, w, h);
		goto fail;
	}
	/* The column labels, every column that has room for its label. */
	for (j = 0, shown = 0; j < nc; j++) {
		int lx = x + lw + 1 + j * cw;
		size_t n = strlen(cols[j]);
		if (lx < shown)
			continue;
		cv_text(cv, lx, y, x + w - lx, cols[j], n, ST_GREY);
		shown = lx + (int)u8_width(cols[j], n) + 1;
	}
	used = 1;
	for (i = 0; i < nr && used < h - 1; i++, used++) {
		cv_text(cv, x, y + used, lw, rows[i], strlen(rows[i]), 0);
		for (j = 0; j < nc; j++) {
			double q = max > 0 ? m[i * HEAT_MAX + j] / max : 0;
			int lvl = q <= 0 ? 0 : 1 + chart_iround(floor(q * 4 -
			    1e-9), 0, 3);
			for (int c = 0; c < cw - (cw > 1); c++)
				cv_glyph(cv, x + lw + 1 + j * cw + c, y + used,
				    shade[lvl], env->color ? shade_style[lvl] : 0);
		}
	}
	/* The key. */
	chart_numfmt(s, env, chart_col_decimals(s, t, vc, 0), &f);
	fmt_compact(max, &f, b, sizeof(b));
	{
		char key[128];
		int n = snprintf(key, sizeof(key), "%s low  %s  %s  %s high "
		    "(%s)", shade[1], shade[2], shade[3], shade[4], b);
		cv_text(cv, x + lw + 1, y + used, w - lw - 1, key,
		    (size_t)(n < 0 ? 0 : n), ST_GREY);
	}
	free(m);
	return used + 1;
fail:
	free(m);
	return -1;
}

/* pop: --value VALUE,REFERENCE (default: the first two numeric
 * columns), a line per row: its --label, the value, the reference, an
 * arrow and the change in percent (green up, red down; "-" when the
 * reference is 0 or unknown). */
int
chart_pop(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	char buf[512], *names[4];
	long vc = -1, rc = -1, lc = -1;
	int used = 0, lw = 0;
	size_t r;
	struct fmt_num f;

	if (s->value != NULL) {
		if (chart_split_names(s->value, buf, sizeof(buf), names, 4) != 2) {
			snprintf(err, errlen, "%s: pop wants --value "
			    "VALUE,REFERENCE", t->name);
			return -1;
		}
		if (chart_need_col(t, names[0], &vc, err, errlen) == -1 ||
		    chart_need_col(t, names[1], &rc, err, errlen) == -1)
			return -1;
	} else {
		vc = chart_first_col(t, 1, -1);
		rc = vc < 0 ? -1 : chart_first_col(t, 1, vc);
		for (long c = vc + 1; vc >= 0 && c < (long)t->ncol; c++)
			if (dtab_numeric(t, (size_t)c) || t->nrow == 0) {
				rc = c;
				break;
			}
		if (vc < 0 || rc < 0) {
			snprintf(err, errlen, "%s: pop wants two numeric "
			    "columns (--value VALUE,REFERENCE)", t->name);
			return -1;
		}
	}
	if (s->label != NULL) {
		if (chart_need_col(t, s->label, &lc, err, errlen) == -1)
			return -1;
	} else
		lc = chart_first_col(t, 0, vc);
	if (t->nrow == 0)
		return chart_no_data(cv, x, y, w, h, "no data yet");
	for (r = chart_first_row(s, t); lc >= 0 && r < t->nrow; r++) {
		const char *l = dtab_get(t, r, (size_t)lc);
		int lw1 = (int)u8_width(l, strlen(l));
		if (lw1 > lw)
			lw = lw1;
	}
	if (lw > w / 3)
		lw = w / 3;
	chart_numfmt(s, env, chart_col_decimals(s, t, vc, 0), &f);
	for (r = chart_first_row(s, t); r < t->nrow && used < h; r++, used++) {
		double v, ref;
		int kv, kr, cx = x;
		char line[256], vb[FMT_BUFSZ], rb[FMT_BUFSZ];
		size_t len;
		if ((kv = dtab_num(t, r, (size_t)vc, &v, err, errlen)) < 0 ||
		    (kr = dtab_num(t, r, (size_t)rc, &ref, err, errlen)) < 0)
			return -1;
		if (lc >= 0) {
			const char *l = dtab_get(t, r, (size_t)lc);
			cv_text(cv, cx, y + used, lw, l, strlen(l), 0);
			cx += lw + 1;
		}
		if (kv != 0) {
			cv_text(cv, cx, y + used, x + w - cx, "-", 1, ST_DIM);
			continue;
		}
		fmt_compact(v, &f, vb, sizeof(vb));
		len = (size_t)snprintf(line, sizeof(line), "%s", vb);
		cx += cv_text(cv, cx, y + used, x + w - cx, line, len, ST_BOLD);
		if (kr != 0 || ref == 0) {
			cv_text(cv, cx, y + used, x + w - cx, "  vs -", 6,
			    ST_DIM);
			continue;
		}
		fmt_compact(ref, &f, rb, sizeof(rb));
		len = (size_t)snprintf(line, sizeof(line), "  vs %s  ", rb);
		cx += cv_text(cv, cx, y + used, x + w - cx, line, len, ST_GREY);
		{
			double pct = (v - ref) / fabs(ref) * 100;
			len = (size_t)snprintf(line, sizeof(line), "%s %+.1f%%",
			    pct >= 0 ? G->up : G->down, pct);
			cv_text(cv, cx, y + used, x + w - cx, line, len,
			    !env->color ? 0 : pct >= 0 ? ST_GREEN : ST_RED);
		}
	}
	return used;
}
