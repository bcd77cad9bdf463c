/* Two chart kinds for issue 14: heat, a matrix of shaded cells (branch x
 * hour, weekday x hour), and pop, period over period (a value against
 * its reference, an arrow and the change in percent). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartint.h"


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
weekday_order(struct heat_grid *g)
{
	static const char *const days[] = { "Monday", "Tuesday", "Wednesday",
	    "Thursday", "Friday", "Saturday", "Sunday" };
	const char *nrows[7];
	double *tmp;
	unsigned char *th;
	int i, d, n = 0, at[7], nr = g->nr;

	if (nr > 7)
		return;
	for (i = 0; i < nr; i++) {
		for (d = 0; d < 7 && strcmp(g->rows[i], days[d]) != 0; d++)
			;
		if (d == 7)
			return;
	}
	tmp = malloc((size_t)nr * HEAT_MAX * sizeof(*tmp));
	th = malloc((size_t)nr * HEAT_MAX);
	if (tmp == NULL || th == NULL)
		goto out;
	for (d = 0; d < 7; d++)
		for (i = 0; i < nr; i++)
			if (strcmp(g->rows[i], days[d]) == 0) {
				nrows[n] = g->rows[i];
				at[n++] = i;
			}
	for (i = 0; i < nr; i++) {
		memcpy(tmp + (size_t)i * HEAT_MAX, g->m + (size_t)at[i] *
		    HEAT_MAX, HEAT_MAX * sizeof(*tmp));
		memcpy(th + (size_t)i * HEAT_MAX, g->have + (size_t)at[i] *
		    HEAT_MAX, HEAT_MAX);
	}
	memcpy(g->m, tmp, (size_t)nr * HEAT_MAX * sizeof(*tmp));
	memcpy(g->have, th, (size_t)nr * HEAT_MAX);
	memcpy(g->rows, nrows, (size_t)nr * sizeof(*nrows));
out:
	free(tmp);
	free(th);
}

int
chart_heat_grid(const struct chart_spec *s, const struct dtab *t,
    struct heat_grid *g, char *err, size_t errlen)
{
	long lc, xc, vc;
	size_t r;
	double v;
	int i, j, ri, ci, first;

	memset(g, 0, sizeof(*g));
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
	g->vc = vc;
	g->lc = lc;
	g->xc = xc;
	g->m = calloc((size_t)HEAT_MAX * HEAT_MAX, sizeof(*g->m));
	g->have = calloc((size_t)HEAT_MAX * HEAT_MAX, 1);
	if (g->m == NULL || g->have == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r = chart_first_row(s, t); r < t->nrow; r++) {
		int k;
		if (chart_stopped(r, t, err, errlen))
			return -1;
		if ((k = dtab_num(t, r, (size_t)vc, &v, err, errlen)) < 0)
			return -1;
		if (k == 1)
			continue;
		ri = name_index(g->rows, &g->nr, dtab_get(t, r, (size_t)lc));
		ci = name_index(g->cols, &g->nc, dtab_get(t, r, (size_t)xc));
		if (ri < 0 || ci < 0)
			continue;	/* past HEAT_MAX: not shown */
		g->m[ri * HEAT_MAX + ci] += v;
		g->have[ri * HEAT_MAX + ci] = 1;
	}
	weekday_order(g);
	for (i = 0, first = 1; i < g->nr; i++)
		for (j = 0; j < g->nc; j++) {
			if (!g->have[i * HEAT_MAX + j])
				continue;
			v = g->m[i * HEAT_MAX + j];
			if (first || v > g->max)
				g->max = v;
			if (first || v < g->min)
				g->min = v;
			first = 0;
		}
	return 0;
}

void
chart_heat_grid_free(struct heat_grid *g)
{
	free(g->m);
	free(g->have);
	g->m = NULL;
	g->have = NULL;
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
	const char *const *shade = G == &glyphs_ascii ? shade_ascii : shade_utf8;
	struct heat_grid hg;
	const char *const *rows = hg.rows, *const *cols = hg.cols;
	double *m, max;
	int nr, nc, i, j, lw = 0, cw, used, shown;
	char b[FMT_BUFSZ];
	struct fmt_num f;

	if (chart_heat_grid(s, t, &hg, err, errlen) == -1)
		goto fail;
	if (hg.nr == 0) {
		chart_heat_grid_free(&hg);
		return chart_no_data(cv, x, y, w, h, "no data yet");
	}
	m = hg.m;
	nr = hg.nr;
	nc = hg.nc;
	max = hg.max > 0 ? hg.max : 0;
	for (i = 0; i < nr; i++) {
		int lw1 = (int)u8_width(rows[i], strlen(rows[i]));
		if (lw1 > lw)
			lw = lw1;
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
	chart_numfmt(s, env, chart_col_decimals(s, t, hg.vc, 0), &f);
	fmt_compact(max, &f, b, sizeof(b));
	{
		char key[128];
		int n = snprintf(key, sizeof(key), "%s low  %s  %s  %s high "
		    "(%s)", shade[1], shade[2], shade[3], shade[4], b);
		cv_text(cv, x + lw + 1, y + used, w - lw - 1, key,
		    (size_t)(n < 0 ? 0 : n), ST_GREY);
	}
	chart_heat_grid_free(&hg);
	return used + 1;
fail:
	chart_heat_grid_free(&hg);
	return -1;
}

int
chart_pop_rows(const struct chart_spec *s, const struct dtab *t,
    struct pop_row **rows, size_t *n, long *vcp, long *rcp, char *err,
    size_t errlen)
{
	char buf[512], *names[4];
	long vc = -1, rc = -1, lc = -1;
	size_t r;
	struct pop_row *pr;

	*rows = NULL;
	*n = 0;
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
	*vcp = vc;
	*rcp = rc;
	if (t->nrow == 0)
		return 0;
	if ((pr = calloc(t->nrow, sizeof(*pr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r = chart_first_row(s, t); r < t->nrow; r++) {
		struct pop_row *p = &pr[*n];
		if ((p->kv = dtab_num(t, r, (size_t)vc, &p->v, err,
		    errlen)) < 0 || (p->kr = dtab_num(t, r, (size_t)rc,
		    &p->ref, err, errlen)) < 0) {
			free(pr);
			*n = 0;
			return -1;
		}
		p->label = lc >= 0 ? dtab_get(t, r, (size_t)lc) : NULL;
		(*n)++;
	}
	*rows = pr;
	return 0;
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
	struct pop_row *pr;
	size_t n, r;
	long vc, rc;
	int used = 0, lw = 0;
	struct fmt_num f;

	if (chart_pop_rows(s, t, &pr, &n, &vc, &rc, err, errlen) == -1)
		return -1;
	if (n == 0) {
		free(pr);
		return chart_no_data(cv, x, y, w, h, "no data yet");
	}
	for (r = 0; r < n; r++) {
		int lw1;
		if (pr[r].label == NULL)
			continue;
		lw1 = (int)u8_width(pr[r].label, strlen(pr[r].label));
		if (lw1 > lw)
			lw = lw1;
	}
	if (lw > w / 3)
		lw = w / 3;
	chart_numfmt(s, env, chart_col_decimals(s, t, vc, 0), &f);
	for (r = 0; r < n && used < h; r++, used++) {
		double v = pr[r].v, ref = pr[r].ref;
		int cx = x;
		char line[256], vb[FMT_BUFSZ], rb[FMT_BUFSZ];
		size_t len;
		if (pr[r].label != NULL) {
			const char *l = pr[r].label;
			cv_text(cv, cx, y + used, lw, l, strlen(l), 0);
			cx += lw + 1;
		}
		if (pr[r].kv != 0) {
			cv_text(cv, cx, y + used, x + w - cx, "-", 1, ST_DIM);
			continue;
		}
		fmt_compact(v, &f, vb, sizeof(vb));
		len = (size_t)snprintf(line, sizeof(line), "%s", vb);
		cx += cv_text(cv, cx, y + used, x + w - cx, line, len, ST_BOLD);
		if (pr[r].kr != 0 || ref == 0) {
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
	free(pr);
	return used;
}
