/* The chart types: bar, hbar, share, line, spark, table, kpi, alerts. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "timefield.h"

const char *const chart_kind_names[CH_NKIND] = {
	"bar", "hbar", "share", "line", "spark", "table", "kpi", "alerts",
};

static const uint8_t palette[] = {
	ST_CYAN, ST_YELLOW, ST_MAGENTA, ST_GREEN, ST_BLUE, ST_RED,
	8 + ST_CYAN, 8 + ST_YELLOW, 8 + ST_MAGENTA, 8 + ST_GREEN,
};

#define NAMES_MAX	CHART_MAX_SERIES

struct item {
	const char *label;
	double v;
};

int
chart_kind_parse(const char *name)
{
	int i;

	for (i = 0; i < CH_NKIND; i++)
		if (strcmp(name, chart_kind_names[i]) == 0)
			return i;
	return -1;
}

void
chart_spec_init(struct chart_spec *s, enum chart_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->decimals = -1;
	s->weight = 1;
}

static uint8_t
pal(int i)
{
	return palette[(size_t)i % sizeof(palette)];
}

void
chart_nice(double lo, double hi, int maxticks, double *nlo, double *nhi,
    double *step)
{
	double range, raw, mag, f, st;

	if (maxticks < 2)
		maxticks = 2;
	if (!(hi > lo)) {
		double d = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
		lo -= d;
		hi += d;
	}
	range = hi - lo;
	raw = range / (maxticks - 1);
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	if (f <= 1)
		st = 1;
	else if (f <= 2)
		st = 2;
	else if (f <= 5)
		st = 5;
	else
		st = 10;
	st *= mag;
	*nlo = floor(lo / st + 1e-9) * st;
	*nhi = ceil(hi / st - 1e-9) * st;
	if (*nhi <= *nlo)
		*nhi = *nlo + st;
	*step = st;
}

long
chart_scale8(double v, double max, int w)
{
	if (max <= 0 || v <= 0 || w <= 0)
		return 0;
	if (v >= max)
		return (long)w * 8;
	return lround(v / max * w * 8);
}

/* ---- columns ------------------------------------------------------------ */

static int
need_col(const struct dtab *t, const char *name, long *out, char *err,
    size_t errlen)
{
	if ((*out = dtab_col(t, name)) < 0) {
		snprintf(err, errlen, "%s: no column '%s'", t->name, name);
		return -1;
	}
	return 0;
}

/* The first column (not skip) whose values are all numbers (num) or not
 * (!num); -1 when none. */
static long
first_col(const struct dtab *t, int num, long skip)
{
	size_t c;

	for (c = 0; c < t->ncol; c++) {
		if ((long)c == skip)
			continue;
		if (dtab_numeric(t, c) == num)
			return (long)c;
	}
	return -1;
}

/* Split a comma-separated list into buf; returns the count or -1. */
static int
split_names(const char *list, char *buf, size_t cap, char **names, int max)
{
	char *p, *save = NULL;
	int n = 0;

	if (strlen(list) >= cap)
		return -1;
	strcpy(buf, list);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -1;
		names[n++] = p;
	}
	return n;
}

/* Digits after the point to show for column col: the most the data has,
 * at most 2, unless the spec says. */
static int
col_decimals(const struct chart_spec *s, const struct dtab *t, long col,
    size_t from)
{
	size_t r;
	int d = 0, k;

	if (s->decimals >= 0)
		return s->decimals;
	if (col < 0)
		return 0;
	for (r = from; r < t->nrow; r++) {
		k = fmt_decimals_of(dtab_get(t, r, (size_t)col));
		if (k > d)
			d = k;
	}
	return d > 2 ? 2 : d;
}

static size_t
first_row(const struct chart_spec *s, const struct dtab *t)
{
	if (s->last > 0 && t->nrow > (size_t)s->last)
		return t->nrow - (size_t)s->last;
	return 0;
}

static void
numfmt(const struct chart_spec *s, const struct chart_env *env, int dec,
    struct fmt_num *f)
{
	f->grouping = env->grouping;
	f->decimals = dec;
	f->prefix = s->prefix;
	f->suffix = s->suffix;
}

/* The label and value columns of a one-value chart. */
static int
label_value(const struct chart_spec *s, const struct dtab *t, long *lc,
    long *vc, char *err, size_t errlen)
{
	if (s->value) {
		if (strchr(s->value, ',')) {
			snprintf(err, errlen, "%s: one value column wanted, "
			    "not '%s'", t->name, s->value);
			return -1;
		}
		if (need_col(t, s->value, vc, err, errlen) == -1)
			return -1;
	} else if ((*vc = first_col(t, 1, -1)) < 0) {
		snprintf(err, errlen, "%s: no numeric column", t->name);
		return -1;
	}
	if (s->label) {
		if (need_col(t, s->label, lc, err, errlen) == -1)
			return -1;
	} else
		*lc = first_col(t, 0, *vc);
	return 0;
}

static int
cmp_desc(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	return (x->v < y->v) - (x->v > y->v);
}

static int
cmp_asc(const void *a, const void *b)
{
	return -cmp_desc(a, b);
}

static int
cmp_label(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	return strcmp(x->label, y->label);
}

/* Label/value items, summed per label in order of first appearance,
 * sorted and cut to top-N.  *out is the caller's to free. */
static int
items_get(const struct chart_spec *s, const struct dtab *t, struct item **out,
    size_t *nout, int *dec, char *err, size_t errlen)
{
	struct strmap *m = NULL;
	struct item *it = NULL;
	size_t r, n = 0, from = first_row(s, t);
	long lc, vc;
	double v;
	int rc;

	*out = NULL;
	*nout = 0;
	if (label_value(s, t, &lc, &vc, err, errlen) == -1)
		return -1;
	*dec = col_decimals(s, t, vc, from);
	if ((m = strmap_new()) == NULL ||
	    (it = calloc(t->nrow - from + 1, sizeof(*it))) == NULL)
		goto nomem;
	for (r = from; r < t->nrow; r++) {
		char rowname[32];
		const char *lab;
		long id;
		int ins;

		if ((rc = dtab_num(t, r, (size_t)vc, &v, err, errlen)) < 0)
			goto fail;
		if (rc == 1)
			continue;	/* unknown value */
		if (lc >= 0)
			lab = dtab_get(t, r, (size_t)lc);
		else {
			snprintf(rowname, sizeof(rowname), "%zu", r - from + 1);
			lab = rowname;
		}
		if ((id = strmap_intern(m, lab, strlen(lab), &ins)) < 0)
			goto nomem;
		if (ins) {
			it[id].label = lc >= 0 ? lab : NULL;
			it[id].v = 0;
			n++;
		}
		it[id].v += v;
	}
	for (r = 0; r < n; r++)
		if (it[r].label == NULL) {	/* row numbers: keep in map */
			size_t len;
			it[r].label = strmap_key(m, (long)r, &len);
		}
	if (s->sort == SORT_DESC || (s->sort == SORT_NONE && s->top > 0))
		qsort(it, n, sizeof(*it), cmp_desc);
	else if (s->sort == SORT_ASC)
		qsort(it, n, sizeof(*it), cmp_asc);
	else if (s->sort == SORT_LABEL)
		qsort(it, n, sizeof(*it), cmp_label);
	/* Labels of row numbers live in the map: copy them out. */
	if (lc < 0) {
		for (r = 0; r < n; r++)
			it[r].label = strdup(it[r].label);
	}
	strmap_free(m);
	*out = it;
	*nout = n;
	return lc < 0 ? 1 : 0;	/* 1: labels are owned copies */
nomem:
	snprintf(err, errlen, "%s: out of memory", t->name);
fail:
	strmap_free(m);
	free(it);
	return -1;
}

static void
items_free(struct item *it, size_t n, int owned)
{
	size_t i;

	if (owned == 1)
		for (i = 0; i < n; i++)
			free((char *)it[i].label);
	free(it);
}

static void
no_data(struct canvas *cv, int x, int y, int w, int h, const char *what)
{
	cv_wrap(cv, x, y + (h > 2 ? h / 2 - 1 : 0), w, h, what, ST_DIM);
}

/* ---- hbar --------------------------------------------------------------- */

static int
draw_hbar(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f;
	char vb[FMT_BUFSZ];
	size_t n, i, shown, lw = 0, vw = 0, k;
	double vmax = 0, vmin = 0, span;
	int dec, owned, compact = 0, barw, z, row;

	if ((owned = items_get(s, t, &it, &n, &dec, err, errlen)) < 0)
		return -1;
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	if (n == 0) {
		no_data(cv, x, y, w, h, "no data yet");
		items_free(it, n, owned);
		return h < 1 ? h : 1;
	}
	shown = n <= (size_t)h ? n : (size_t)(h > 1 ? h - 1 : h);
	numfmt(s, env, dec, &f);
	for (i = 0; i < shown; i++) {
		k = u8_width(it[i].label, strlen(it[i].label));
		if (k > lw)
			lw = k;
		if (it[i].v > vmax)
			vmax = it[i].v;
		if (it[i].v < vmin)
			vmin = it[i].v;
		k = fmt_number(it[i].v, &f, vb, sizeof(vb));
		if (u8_width(vb, k) > vw)
			vw = u8_width(vb, k);
	}
	if (lw > (size_t)(w / 3) && w / 3 >= 4)
		lw = (size_t)(w / 3);
	if ((int)(lw + vw + 2) + 8 > w) {	/* long numbers: compact */
		compact = 1;
		vw = 0;
		for (i = 0; i < shown; i++) {
			k = fmt_compact(it[i].v, &f, vb, sizeof(vb));
			if (u8_width(vb, k) > vw)
				vw = u8_width(vb, k);
		}
	}
	barw = w - (int)lw - 1 - (int)vw - 1;
	if (barw < 2) {
		snprintf(err, errlen, "%s: too narrow for a bar chart (%d "
		    "columns)", t->name, w);
		items_free(it, n, owned);
		return -1;
	}
	span = vmax - vmin;
	if (span <= 0)
		span = 1;
	z = (int)lround(-vmin / span * barw);
	for (i = 0; i < shown; i++) {
		int bx = x + (int)lw + 1 + z, cells, vx;
		uint8_t st = pal(0);

		row = y + (int)i;
		cv_text(cv, x, row, (int)lw, it[i].label, strlen(it[i].label),
		    0);
		k = compact ? fmt_compact(it[i].v, &f, vb, sizeof(vb)) :
		    fmt_number(it[i].v, &f, vb, sizeof(vb));
		if (it[i].v >= 0) {
			long e8 = chart_scale8(it[i].v, span, barw);
			long full, rem, c;

			if (e8 > (long)(barw - z) * 8)	/* rounding of z */
				e8 = (long)(barw - z) * 8;
			full = e8 / 8;
			rem = e8 % 8;

			for (c = 0; c < full; c++)
				cv_glyph(cv, bx + (int)c, row, G->bar_eighths[8],
				    st);
			cells = (int)full;
			if (*G->bar_eighths[rem]) {
				cv_glyph(cv, bx + cells, row, G->bar_eighths[rem],
				    st);
				cells++;
			}
			vx = bx + cells + 1;
		} else {
			int c;

			cells = (int)lround(-it[i].v / span * barw);
			for (c = 1; c <= cells; c++)
				cv_glyph(cv, bx - c, row, G->bar_eighths[8],
				    ST_RED);
			vx = bx + 1;
		}
		if (vx + (int)vw > x + w)
			vx = x + w - (int)vw;
		cv_text(cv, vx, row, (int)vw, vb, k, ST_BOLD);
	}
	if (shown < n) {
		char more[64];
		snprintf(more, sizeof(more), "%s %zu more", G->ellipsis,
		    n - shown);
		cv_text(cv, x, y + (int)shown, w, more, strlen(more), ST_DIM);
		shown++;
	}
	items_free(it, n, owned);
	return (int)shown;
}

/* ---- vertical bars ------------------------------------------------------ */

/* Width of the value axis labels for ticks lo..hi by step. */
static int
axis_labels(double lo, double hi, double step, const struct fmt_num *f)
{
	char b[FMT_BUFSZ];
	double v;
	int w = 1;
	size_t k;

	for (v = lo; v <= hi + step / 2; v += step) {
		k = fmt_compact(fabs(v) < step / 1e6 ? 0 : v, f, b, sizeof(b));
		if ((int)u8_width(b, k) > w)
			w = (int)u8_width(b, k);
	}
	return w;
}

/* Draw the value axis: tick labels right-aligned in [x, x+lw), the axis
 * line at x+lw, rows y..y+ph-1 spanning hi (top) to lo (bottom). */
static void
draw_vaxis(struct canvas *cv, int x, int y, int lw, int ph, double lo,
    double hi, double step, const struct fmt_num *f)
{
	char b[FMT_BUFSZ];
	double v;
	int r, last = -10;
	size_t k;

	for (r = 0; r < ph; r++)
		cv_glyph(cv, x + lw, y + r, G->axis_v, ST_GREY);
	for (v = hi; v >= lo - step / 2; v -= step) {
		r = (int)lround((hi - v) / (hi - lo) * (ph - 1));
		if (r - last < 2 && r != ph - 1)
			continue;
		if (r == ph - 1 && r - last < 2 && last >= 0)
			continue;
		k = fmt_compact(fabs(v) < step / 1e6 ? 0 : v, f, b, sizeof(b));
		cv_rtext(cv, x + lw, y + r, lw, b, k, ST_GREY);
		last = r;
	}
}

static int
draw_bar(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f, fa;
	char b[FMT_BUFSZ];
	size_t n, i, shown;
	double vmax = 0, vmin = 0, lo, hi, step;
	int dec, owned, lw, pw, ph, slot, bw, px, zrow, top8;

	if ((owned = items_get(s, t, &it, &n, &dec, err, errlen)) < 0)
		return -1;
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	if (n == 0) {
		no_data(cv, x, y, w, h, "no data yet");
		items_free(it, n, owned);
		return h < 1 ? h : 1;
	}
	if (h < 5) {
		snprintf(err, errlen, "%s: too low for a bar chart (%d lines)",
		    t->name, h);
		items_free(it, n, owned);
		return -1;
	}
	numfmt(s, env, dec, &f);
	fa = f;
	fa.prefix = fa.suffix = NULL;
	for (i = 0; i < n; i++) {
		if (it[i].v > vmax)
			vmax = it[i].v;
		if (it[i].v < vmin)
			vmin = it[i].v;
	}
	if (s->has_max && s->max > vmax)
		vmax = s->max;
	if (s->has_min && s->min < vmin)
		vmin = s->min;
	ph = h - 3;		/* value labels row, axis row, x labels row */
	chart_nice(vmin, vmax, ph / 2 + 1 < 6 ? ph / 2 + 1 : 6, &lo, &hi,
	    &step);
	lw = axis_labels(lo, hi, step, &fa);
	pw = w - lw - 1;
	shown = n;
	if ((size_t)pw < 2 * n)
		shown = (size_t)pw / 2;
	if (shown == 0 || pw < 2) {
		snprintf(err, errlen, "%s: too narrow for a bar chart (%d "
		    "columns)", t->name, w);
		items_free(it, n, owned);
		return -1;
	}
	slot = pw / (int)shown;
	bw = slot > 2 ? slot - 1 : 1;
	if (bw > 12)
		bw = 12;
	draw_vaxis(cv, x, y + 1, lw, ph, lo, hi, step, &fa);
	px = x + lw + 1;
	cv_glyph(cv, px - 1, y + 1 + ph, G->axis_corner, ST_GREY);
	cv_hline(cv, px, y + 1 + ph, pw, G->axis_h, ST_GREY);
	/* Row (from the top of the plot) of the zero line, in eighths. */
	top8 = ph * 8;
	zrow = (int)lround(hi / (hi - lo) * top8);	/* eighths below top */
	for (i = 0; i < shown; i++) {
		int bx = px + (int)i * slot + (slot - bw) / 2, c, r, vy;
		double v = it[i].v;
		size_t k;
		uint8_t st = v < 0 ? ST_RED : pal(0);

		if (v >= 0) {
			int e8 = (int)lround(v / (hi - lo) * top8);
			int bottom8 = zrow;	/* eighths from top */
			int full = e8 / 8, rem = e8 % 8;
			int baserow = bottom8 / 8;	/* cell row of zero */

			for (r = 0; r < full; r++)
				for (c = 0; c < bw; c++)
					cv_glyph(cv, bx + c, y + 1 + baserow - 1 -
					    r, G->col_eighths[8], st);
			if (rem)
				for (c = 0; c < bw; c++)
					cv_glyph(cv, bx + c, y + 1 + baserow - 1 -
					    full, G->col_eighths[rem], st);
			vy = y + 1 + baserow - 1 - full - (rem ? 1 : 0);
		} else {
			int cells = (int)lround(-v / (hi - lo) * ph);
			int baserow = zrow / 8;

			for (r = 0; r < cells; r++)
				for (c = 0; c < bw; c++)
					cv_glyph(cv, bx + c, y + 1 + baserow + r,
					    G->col_eighths[8], st);
			vy = y + 1 + baserow - 1;
		}
		k = fmt_compact(v, &f, b, sizeof(b));
		if ((int)u8_width(b, k) <= slot && vy >= y)
			cv_ctext(cv, bx - (slot - bw) / 2, vy, slot, b, k,
			    ST_BOLD);
		cv_ctext(cv, bx - (slot - bw) / 2, y + 2 + ph,
		    slot > 1 ? slot - (slot > 2) : 1, it[i].label,
		    strlen(it[i].label), 0);
	}
	if (shown < n) {
		char more[32];
		int k = snprintf(more, sizeof(more), "+%zu", n - shown);
		cv_rtext(cv, x + w, y, k, more, (size_t)k, ST_DIM);
	}
	items_free(it, n, owned);
	return h;
}

/* ---- share -------------------------------------------------------------- */

static int
draw_share(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f;
	char vb[FMT_BUFSZ], pb[16];
	size_t n, i, groups, lw = 0, vw = 0, k;
	double total = 0, other = 0;
	long tenths[9], sum = 0;
	int dec, owned, maxg, barw, pos, row, strip, gap, pw;

	/* Shares are of the largest first; the rest becomes "Other". */
	{
		enum chart_sort keep = s->sort;
		if (s->sort == SORT_NONE)
			s->sort = SORT_DESC;
		owned = items_get(s, t, &it, &n, &dec, err, errlen);
		s->sort = keep;
	}
	if (owned < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (it[i].v < 0) {
			snprintf(err, errlen, "%s: share of a negative value "
			    "(%s)", t->name, it[i].label);
			items_free(it, n, owned);
			return -1;
		}
		total += it[i].v;
	}
	if (n == 0 || total <= 0) {
		no_data(cv, x, y, w, h, "no data yet");
		items_free(it, n, owned);
		return h < 1 ? h : 1;
	}
	maxg = s->top > 0 ? s->top : 8;
	if (maxg > 8)
		maxg = 8;
	groups = n < (size_t)maxg ? n : (size_t)maxg;
	if (groups > (size_t)h)
		groups = (size_t)h;
	/* The strip over the legend, and a blank line, when there is room. */
	strip = h >= 2 && (size_t)h >= groups + 1;
	gap = (size_t)h >= groups + 2;
	maxg = (int)groups;
	if (groups > (size_t)maxg) {
		groups = (size_t)maxg;	/* the last group is "Other" */
		for (i = groups - 1; i < n; i++)
			other += it[i].v;
		it[groups - 1].v = other;
		it[groups - 1].label = owned == 1 ? it[groups - 1].label :
		    "Other";
		if (owned == 1) {
			free((char *)it[groups - 1].label);
			it[groups - 1].label = strdup("Other");
		}
	}
	/* Percentages in tenths that add up to exactly 100.0 (largest
	 * remainder). */
	{
		double rest[9];
		for (i = 0; i < groups; i++) {
			double e = it[i].v / total * 1000;
			tenths[i] = (long)floor(e);
			rest[i] = e - floor(e);
			sum += tenths[i];
		}
		while (sum < 1000) {
			size_t best = 0;
			for (i = 1; i < groups; i++)
				if (rest[i] > rest[best])
					best = i;
			tenths[best]++;
			rest[best] = -1;
			sum++;
		}
	}
	numfmt(s, env, dec, &f);
	for (i = 0; i < groups; i++) {
		k = u8_width(it[i].label, strlen(it[i].label));
		if (k > lw)
			lw = k;
		k = fmt_number(it[i].v, &f, vb, sizeof(vb));
		if (u8_width(vb, k) > vw)
			vw = u8_width(vb, k);
	}
	if (lw > (size_t)(w / 3) && w / 3 >= 4)
		lw = (size_t)(w / 3);
	/* glyph, label, bar, percent, value; narrow: no values, then no
	 * bars. */
	pw = tenths[0] == 1000 ? 6 : 5;
	barw = w - 2 - (int)lw - 1 - 1 - pw - 2 - (int)vw;
	if (barw < 4) {
		vw = 0;
		barw = w - 2 - (int)lw - 1 - 1 - pw;
	}
	if (barw < 3) {
		barw = 0;
		if ((int)lw > w - 2 - 1 - pw)
			lw = (size_t)(w - 2 - 1 - pw);
	}
	if (w - 2 - 1 - pw < 3) {
		snprintf(err, errlen, "%s: too narrow for a share chart (%d "
		    "columns)", t->name, w);
		items_free(it, n, owned);
		return -1;
	}
	/* The stacked strip: every group's share of the whole width. */
	pos = 0;
	if (strip) {
		long acc = 0;
		for (i = 0; i < groups; i++) {
			int end, c;
			acc += tenths[i];
			end = (int)lround((double)acc / 1000 * w);
			for (c = pos; c < end; c++)
				cv_glyph(cv, x + c, y,
				    env->color ? G->fills[0] : G->fills[i],
				    pal((int)i));
			pos = end;
		}
	}
	row = y + strip + gap;
	for (i = 0; i < groups && row < y + h; i++, row++) {
		const char *fill = env->color ? G->fills[0] : G->fills[i];
		long e8 = chart_scale8((double)tenths[i], 1000, barw);
		long c, full = e8 / 8, rem = e8 % 8;
		int bx = x + 2 + (int)lw + 1;

		cv_glyph(cv, x, row, fill, pal((int)i));
		cv_text(cv, x + 2, row, (int)lw, it[i].label,
		    strlen(it[i].label), 0);
		for (c = 0; c < full; c++)
			cv_glyph(cv, bx + (int)c, row, env->color ?
			    G->bar_eighths[8] : fill, pal((int)i));
		if (rem && env->color)
			cv_glyph(cv, bx + (int)full, row, G->bar_eighths[rem],
			    pal((int)i));
		k = (size_t)snprintf(pb, sizeof(pb), "%ld.%ld%%", tenths[i] / 10,
		    tenths[i] % 10);
		cv_rtext(cv, bx + barw + (barw > 0) + pw, row, pw, pb, k,
		    ST_BOLD);
		if (vw > 0) {
			k = fmt_number(it[i].v, &f, vb, sizeof(vb));
			cv_rtext(cv, x + w, row, (int)vw, vb, k, 0);
		}
	}
	items_free(it, n, owned);
	return row - y;
}

/* ---- series (line, spark) ----------------------------------------------- */

enum xkind { X_INDEX, X_TIME, X_NUM, X_CAT };

struct series {
	char *name;		/* owned */
	size_t n;
	double *x, *y;		/* y NaN: unknown */
};

struct seriesset {
	struct series s[CHART_MAX_SERIES];
	size_t ns;
	enum xkind xk;
	char **cats;		/* X_CAT: distinct x values in axis order
				 * (borrowed from the table) */
	size_t ncat;
	struct strmap *catmap;	/* x value -> id in order of appearance */
	size_t *rank;		/* id -> place on the axis */
	int dec;
	long xc;
};

static void
ss_free(struct seriesset *ss)
{
	size_t i;

	for (i = 0; i < ss->ns; i++) {
		free(ss->s[i].name);
		free(ss->s[i].x);
		free(ss->s[i].y);
	}
	free(ss->cats);
	free(ss->rank);
	strmap_free(ss->catmap);
	memset(ss, 0, sizeof(*ss));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Position of row r on the x axis. */
static double
x_pos(const struct seriesset *ss, const struct dtab *t, size_t r, size_t idx)
{
	const char *v;
	struct li_tm tm;
	double d;

	if (ss->xk == X_INDEX)
		return (double)idx;
	v = dtab_get(t, r, (size_t)ss->xc);
	if (ss->xk == X_TIME) {
		if (tm_parse(v, strlen(v), &tm) == 0)
			return (double)tm_epoch(&tm);
		return NAN;
	}
	if (ss->xk == X_NUM)
		return fmt_parse_num(v, &d) == 0 ? d : NAN;
	{
		long id = strmap_find(ss->catmap, v, strlen(v));
		return id >= 0 ? (double)ss->rank[id] : NAN;
	}
}

/* Sort a series by x, keeping y with it. */
static void
series_sort(struct series *se)
{
	size_t i, j;

	for (i = 1; i < se->n; i++) {	/* insertion: usually sorted */
		double xx = se->x[i], yy = se->y[i];
		for (j = i; j > 0 && se->x[j - 1] > xx; j--) {
			se->x[j] = se->x[j - 1];
			se->y[j] = se->y[j - 1];
		}
		se->x[j] = xx;
		se->y[j] = yy;
	}
}

static int
ss_get(const struct chart_spec *s, const struct dtab *t, struct seriesset *ss,
    int want_x, char *err, size_t errlen)
{
	char buf[1024], *names[NAMES_MAX];
	long vcs[NAMES_MAX], sc = -1;
	size_t from = first_row(s, t), r, i;
	int nv = 0, k;

	memset(ss, 0, sizeof(*ss));
	ss->xc = -1;
	if (s->value) {
		if ((nv = split_names(s->value, buf, sizeof(buf), names,
		    NAMES_MAX)) < 1) {
			snprintf(err, errlen, "%s: bad value column list '%s'",
			    t->name, s->value);
			return -1;
		}
		for (k = 0; k < nv; k++)
			if (need_col(t, names[k], &vcs[k], err, errlen) == -1)
				return -1;
	} else {
		if ((vcs[0] = first_col(t, 1, -1)) < 0) {
			snprintf(err, errlen, "%s: no numeric column", t->name);
			return -1;
		}
		nv = 1;
	}
	if (s->series) {
		if (nv != 1) {
			snprintf(err, errlen, "%s: --series takes one value "
			    "column", t->name);
			return -1;
		}
		if (need_col(t, s->series, &sc, err, errlen) == -1)
			return -1;
	}
	if (s->x) {
		if (need_col(t, s->x, &ss->xc, err, errlen) == -1)
			return -1;
	} else if (want_x) {
		size_t c;
		for (c = 0; c < t->ncol; c++) {
			int isv = 0;
			for (k = 0; k < nv; k++)
				isv |= vcs[k] == (long)c;
			if (!isv && (long)c != sc && !dtab_numeric(t, c)) {
				ss->xc = (long)c;
				break;
			}
		}
	}
	ss->dec = 0;
	for (k = 0; k < nv; k++) {
		int d = col_decimals(s, t, vcs[k], from);
		if (d > ss->dec)
			ss->dec = d;
	}
	/* What kind of x axis. */
	ss->xk = X_INDEX;
	if (ss->xc >= 0) {
		int all_time = 1, all_num = 1, any = 0;
		struct li_tm tm;
		double d;

		for (r = from; r < t->nrow; r++) {
			const char *v = dtab_get(t, r, (size_t)ss->xc);
			if (*v == '\0')
				continue;
			any = 1;
			if (all_time && tm_parse(v, strlen(v), &tm) != 0)
				all_time = 0;
			if (all_num && fmt_parse_num(v, &d) != 0)
				all_num = 0;
		}
		ss->xk = !any ? X_INDEX : all_time ? X_TIME : all_num ? X_NUM :
		    X_CAT;
		if (ss->xk == X_CAT) {
			/* In order of appearance; sorted when every value
			 * starts with a digit (dates, weeks, months). */
			int sorted = 1;
			if ((ss->catmap = strmap_new()) == NULL)
				goto nomem;
			ss->cats = malloc((t->nrow - from + 1) * sizeof(char *));
			ss->rank = malloc((t->nrow - from + 1) * sizeof(size_t));
			if (ss->cats == NULL || ss->rank == NULL)
				goto nomem;
			for (r = from; r < t->nrow; r++) {
				const char *v = dtab_get(t, r, (size_t)ss->xc);
				int ins;
				if (strmap_intern(ss->catmap, v, strlen(v),
				    &ins) < 0)
					goto nomem;
				if (ins)
					ss->cats[ss->ncat++] = (char *)v;
				if (*v < '0' || *v > '9')
					sorted = 0;
			}
			if (sorted)
				qsort(ss->cats, ss->ncat, sizeof(char *),
				    cmp_str);
			for (i = 0; i < ss->ncat; i++)
				ss->rank[strmap_find(ss->catmap, ss->cats[i],
				    strlen(ss->cats[i]))] = i;
		}
	}
	/* The series and their points. */
	for (r = from; r < t->nrow; r++) {
		for (k = 0; k < nv; k++) {
			const char *nm = sc >= 0 ? dtab_get(t, r, (size_t)sc) :
			    t->hdr[vcs[k]];
			struct series *se = NULL;
			double v;
			int rc;

			for (i = 0; i < ss->ns; i++)
				if (strcmp(ss->s[i].name, nm) == 0) {
					se = &ss->s[i];
					break;
				}
			if (se == NULL) {
				if (ss->ns == CHART_MAX_SERIES) {
					snprintf(err, errlen, "%s: more than %d "
					    "series", t->name, CHART_MAX_SERIES);
					goto fail;
				}
				se = &ss->s[ss->ns++];
				se->name = strdup(nm);
				se->x = malloc((t->nrow - from) * sizeof(double));
				se->y = malloc((t->nrow - from) * sizeof(double));
				if (!se->name || !se->x || !se->y)
					goto nomem;
			}
			if ((rc = dtab_num(t, r, (size_t)vcs[k], &v, err,
			    errlen)) < 0)
				goto fail;
			se->x[se->n] = x_pos(ss, t, r, r - from);
			se->y[se->n] = rc == 1 ? NAN : v;
			if (!isnan(se->x[se->n]))
				se->n++;
		}
	}
	if (sc >= 0)
		for (i = 0; i < ss->ns; i++)
			series_sort(&ss->s[i]);
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", t->name);
fail:
	ss_free(ss);
	return -1;
}

/* ---- line --------------------------------------------------------------- */

/* Text for x position v on the axis. */
static size_t
x_label(const struct seriesset *ss, double v, double span, char *b,
    size_t cap)
{
	struct li_tm tm;

	switch (ss->xk) {
	case X_TIME:
		tm_from_epoch((int64_t)llround(v), &tm);
		if (span < 3600)
			return (size_t)snprintf(b, cap, "%02d:%02d:%02d",
			    tm.hour, tm.min, tm.sec);
		if (span < 2 * 86400)
			return (size_t)snprintf(b, cap, "%02d:%02d", tm.hour,
			    tm.min);
		if (span < 300 * 86400)
			return (size_t)snprintf(b, cap, "%02d-%02d", tm.mon,
			    tm.day);
		return (size_t)snprintf(b, cap, "%04d-%02d", tm.year, tm.mon);
	case X_CAT: {
		long i = lround(v);
		if (i < 0 || (size_t)i >= ss->ncat)
			return 0;
		return (size_t)snprintf(b, cap, "%s", ss->cats[i]);
	}
	case X_NUM:
		return (size_t)snprintf(b, cap, "%g", v);
	default:
		return (size_t)snprintf(b, cap, "%.0f", v + 1);
	}
}

/* Set a dot of the plot: braille grid (2x4 per cell) or a cell mark. */
struct plot {
	int pw, ph, braille;
	uint8_t *bits;		/* pw * ph */
	int8_t *ser;		/* series of the last dot per cell, -1 none */
};

static void
plot_dot(struct plot *p, int dx, int dy, int si)
{
	static const uint8_t bmap[4][2] = {
		{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 },
	};
	int cx, cy;

	if (p->braille) {
		cx = dx / 2;
		cy = dy / 4;
	} else {
		cx = dx;
		cy = dy;
	}
	if (cx < 0 || cy < 0 || cx >= p->pw || cy >= p->ph)
		return;
	if (p->braille)
		p->bits[cy * p->pw + cx] |= bmap[dy % 4][dx % 2];
	else
		p->bits[cy * p->pw + cx] = 1;
	p->ser[cy * p->pw + cx] = (int8_t)si;
}

static void
plot_seg(struct plot *p, int x0, int y0, int x1, int y1, int si)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int e = dx + dy, e2;

	for (;;) {
		plot_dot(p, x0, y0, si);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * e;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
}

/* Lines the legend takes to show every name at width w (at most 3). */
static int
legend_lines(const struct seriesset *ss, int w)
{
	size_t i;
	int lines = 1, lx = 0;

	for (i = 0; i < ss->ns; i++) {
		int ew = 2 + (int)u8_width(ss->s[i].name, strlen(ss->s[i].name));
		if (lx > 0 && lx + ew > w) {
			lines++;
			lx = 0;
		}
		lx += ew + 2;
	}
	return lines > 3 ? 3 : lines;
}

static int
draw_line(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct seriesset ss;
	struct plot p = { 0 };
	struct fmt_num fa;
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY,
	    ymax = -INFINITY, lo, hi, step;
	size_t i, j;
	int lw, ph, pw, px, py, legend, sx, sy, rc = -1, npts = 0;

	if (ss_get(s, t, &ss, 1, err, errlen) == -1)
		return -1;
	for (i = 0; i < ss.ns; i++)
		for (j = 0; j < ss.s[i].n; j++) {
			double xv = ss.s[i].x[j], yv = ss.s[i].y[j];
			if (xv < xmin)
				xmin = xv;
			if (xv > xmax)
				xmax = xv;
			if (isnan(yv))
				continue;
			npts++;
			if (yv < ymin)
				ymin = yv;
			if (yv > ymax)
				ymax = yv;
		}
	if (npts == 0) {
		char msg[256];
		snprintf(msg, sizeof(msg), "no values yet (%s)",
		    s->value ? s->value : "no rows");
		no_data(cv, x, y, w, h, msg);
		ss_free(&ss);
		return h < 1 ? h : 1;
	}
	if (s->has_min)
		ymin = s->min < ymin ? s->min : ymin;
	if (s->has_max)
		ymax = s->max > ymax ? s->max : ymax;
	if (ss.xk == X_CAT) {
		xmin = 0;
		xmax = (double)(ss.ncat > 0 ? ss.ncat - 1 : 0);
	}
	legend = ss.ns > 1 && h >= 6 ? legend_lines(&ss, w) : 0;
	if (legend > 1 && h - legend < 6)
		legend = 1;
	ph = h - 2 - legend;	/* axis row and x labels row */
	if (ph < 2) {
		snprintf(err, errlen, "%s: too low for a line chart (%d lines)",
		    t->name, h);
		goto out;
	}
	chart_nice(ymin, ymax, ph / 2 + 1 < 6 ? ph / 2 + 1 : 6, &lo, &hi,
	    &step);
	if (s->has_min)
		lo = s->min;
	if (s->has_max)
		hi = s->max;
	numfmt(s, env, ss.dec, &fa);
	fa.prefix = fa.suffix = NULL;
	lw = axis_labels(lo, hi, step, &fa);
	pw = w - lw - 1;
	if (pw < 4) {
		snprintf(err, errlen, "%s: too narrow for a line chart (%d "
		    "columns)", t->name, w);
		goto out;
	}
	px = x + lw + 1;
	py = y + legend;
	p.braille = G->braille && (env->color || ss.ns == 1);
	/* Legend, wrapped over its lines. */
	if (legend) {
		int lx = x, ly = y;
		for (i = 0; i < ss.ns; i++) {
			const char *mk = p.braille ? "━" : G->marks[i % 6];
			int ew = 2 + (int)u8_width(ss.s[i].name,
			    strlen(ss.s[i].name));

			if (lx > x && lx + ew > x + w && ly + 1 < y + legend) {
				lx = x;
				ly++;
			}
			lx += cv_glyph(cv, lx, ly, mk, pal((int)i));
			lx += cv_put(cv, lx, ly, ' ', 0);
			lx += cv_text(cv, lx, ly, x + w - lx, ss.s[i].name,
			    strlen(ss.s[i].name), 0);
			lx += 2;
		}
	}
	draw_vaxis(cv, x, py, lw, ph, lo, hi, step, &fa);
	cv_glyph(cv, px - 1, py + ph, G->axis_corner, ST_GREY);
	cv_hline(cv, px, py + ph, pw, G->axis_h, ST_GREY);
	/* Zero line. */
	if (lo < 0 && hi > 0) {
		int zr = (int)lround(hi / (hi - lo) * (ph - 1));
		cv_hline(cv, px, py + zr, pw, G->zero, ST_GREY);
	}
	/* The plot. */
	p.pw = pw;
	p.ph = ph;
	p.bits = calloc((size_t)pw * (size_t)ph, 1);
	p.ser = malloc((size_t)pw * (size_t)ph);
	if (p.bits == NULL || p.ser == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	memset(p.ser, -1, (size_t)pw * (size_t)ph);
	sx = p.braille ? 2 : 1;
	sy = p.braille ? 4 : 1;
	for (i = 0; i < ss.ns; i++) {
		int havelast = 0, lx0 = 0, ly0 = 0;
		for (j = 0; j < ss.s[i].n; j++) {
			double xv = ss.s[i].x[j], yv = ss.s[i].y[j];
			int dx, dy;

			if (isnan(yv)) {
				havelast = 0;
				continue;
			}
			if (yv < lo)
				yv = lo;
			if (yv > hi)
				yv = hi;
			dx = xmax > xmin ? (int)lround((xv - xmin) /
			    (xmax - xmin) * (pw * sx - 1)) : pw * sx / 2;
			dy = (int)lround((hi - yv) / (hi - lo) * (ph * sy - 1));
			if (havelast)
				plot_seg(&p, lx0, ly0, dx, dy, (int)i);
			else
				plot_dot(&p, dx, dy, (int)i);
			lx0 = dx;
			ly0 = dy;
			havelast = 1;
		}
	}
	for (j = 0; j < (size_t)ph; j++)
		for (i = 0; i < (size_t)pw; i++) {
			size_t at = j * (size_t)pw + i;
			if (p.bits[at] == 0)
				continue;
			if (p.braille)
				cv_put(cv, px + (int)i, py + (int)j,
				    0x2800u + p.bits[at], pal(p.ser[at]));
			else
				cv_glyph(cv, px + (int)i, py + (int)j,
				    G->marks[p.ser[at] % 6], pal(p.ser[at]));
		}
	/* X labels: first, last, and more between where they fit. */
	{
		char b[64];
		size_t k;
		int lr = py + ph + 1, right, nx, used = px;
		double span = xmax - xmin;

		k = x_label(&ss, xmax, span, b, sizeof(b));
		right = px + pw - (int)u8_width(b, k);
		if (right < px)
			right = px;
		k = x_label(&ss, xmin, span, b, sizeof(b));
		used = px + cv_text(cv, px, lr, pw, b, k, ST_GREY) + 2;
		if (xmax > xmin && right >= used) {
			int lwid = (int)k + 2;
			nx = lwid > 0 ? (right - used) / (lwid + 2) : 0;
			if (nx > 6)
				nx = 6;
			for (int q = 1; q <= nx; q++) {
				double xv = xmin + span * q / (nx + 1);
				int cx;
				if (ss.xk == X_CAT)
					xv = round(xv);
				k = x_label(&ss, xv, span, b, sizeof(b));
				cx = px + (int)lround((xv - xmin) / span *
				    (pw - 1)) - (int)u8_width(b, k) / 2;
				if (cx < used || cx + (int)u8_width(b, k) + 2 >
				    right)
					continue;
				used = cx + cv_text(cv, cx, lr, (int)k, b, k,
				    ST_GREY) + 2;
			}
			k = x_label(&ss, xmax, span, b, sizeof(b));
			cv_text(cv, right, lr, px + pw - right, b, k, ST_GREY);
		}
	}
	rc = h;
out:
	free(p.bits);
	free(p.ser);
	ss_free(&ss);
	return rc;
}

/* ---- spark -------------------------------------------------------------- */

static int
draw_spark(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct seriesset ss;
	struct fmt_num f;
	size_t i, j, lw = 0;
	int rows, row = y, sw, tall;

	if (ss_get(s, t, &ss, 0, err, errlen) == -1)
		return -1;
	if (ss.ns == 0) {
		no_data(cv, x, y, w, h, "no data yet");
		ss_free(&ss);
		return h < 1 ? h : 1;
	}
	numfmt(s, env, ss.dec, &f);
	for (i = 0; i < ss.ns; i++) {
		size_t k = u8_width(ss.s[i].name, strlen(ss.s[i].name));
		if (k > lw)
			lw = k;
	}
	if (lw > (size_t)(w / 4) && w / 4 >= 4)
		lw = (size_t)(w / 4);
	/* Tall sparks (a caption line over several rows of columns) when
	 * there is room, one line each otherwise. */
	rows = h / (int)ss.ns;
	tall = rows >= 3;
	if (rows > 6)
		rows = 6;
	for (i = 0; i < ss.ns && row < y + h; i++) {
		struct series *se = &ss.s[i];
		double lo = INFINITY, hi = -INFINITY, last = NAN;
		char b[3][FMT_BUFSZ], cap[3 * FMT_BUFSZ + 64];
		size_t k, start;
		int sx, srows, r;

		for (j = 0; j < se->n; j++) {
			if (isnan(se->y[j]))
				continue;
			if (se->y[j] < lo)
				lo = se->y[j];
			if (se->y[j] > hi)
				hi = se->y[j];
			last = se->y[j];
		}
		if (isnan(last)) {
			snprintf(cap, sizeof(cap), "no values yet");
			k = strlen(cap);
			b[0][0] = b[1][0] = b[2][0] = '\0';
		} else {
			fmt_number(last, &f, b[0], sizeof(b[0]));
			fmt_number(lo, &f, b[1], sizeof(b[1]));
			fmt_number(hi, &f, b[2], sizeof(b[2]));
		}
		if (s->has_min)
			lo = s->min;
		if (s->has_max)
			hi = s->max;
		if (tall) {
			int cx = x;

			cx += cv_text(cv, cx, row, (int)lw, se->name,
			    strlen(se->name), ST_BOLD);
			if (!isnan(last)) {
				k = (size_t)snprintf(cap, sizeof(cap), "  %s",
				    b[0]);
				cx += cv_text(cv, cx, row, x + w - cx, cap, k,
				    pal((int)i) | ST_BOLD);
				k = (size_t)snprintf(cap, sizeof(cap),
				    "  min %s  max %s", b[1], b[2]);
				cv_text(cv, cx, row, x + w - cx, cap, k, ST_DIM);
			} else
				cv_text(cv, cx + 2, row, x + w - cx - 2,
				    "no values yet", 13, ST_DIM);
			srows = rows - 1;
			sx = x;
			sw = w;
			row++;
		} else {
			cv_text(cv, x, row, (int)lw, se->name, strlen(se->name),
			    0);
			k = isnan(last) ? 13 : (size_t)snprintf(cap,
			    sizeof(cap), "%s", b[0]);
			if (isnan(last))
				snprintf(cap, sizeof(cap), "no values yet");
			sw = w - (int)lw - 1 - (int)u8_width(cap, k) - 1;
			cv_rtext(cv, x + w, row, w - (int)lw - 1, cap, k,
			    ST_BOLD);
			srows = 1;
			sx = x + (int)lw + 1;
		}
		if (sw < 1 || isnan(last)) {
			row += srows;
			continue;
		}
		start = se->n > (size_t)sw ? se->n - (size_t)sw : 0;
		for (j = start; j < se->n; j++) {
			double v = se->y[j];
			int col = sx + (int)(j - start), e8;

			if (isnan(v))
				continue;
			if (v < lo)
				v = lo;
			if (v > hi)
				v = hi;
			/* 1..srows*8 eighths: the minimum still shows. */
			e8 = hi > lo ? 1 + (int)lround((v - lo) / (hi - lo) *
			    (srows * 8 - 1)) : srows * 4;
			if (srows == 1) {
				int lv = (e8 - 1) * G->nspark / 8;
				cv_glyph(cv, col, row, G->spark[lv], pal((int)i));
				continue;
			}
			for (r = 0; r < srows; r++) {
				int have = e8 - r * 8;
				if (have <= 0)
					break;
				cv_glyph(cv, col, row + srows - 1 - r,
				    G->col_eighths[have >= 8 ? 8 : have],
				    pal((int)i));
			}
		}
		row += srows;
	}
	ss_free(&ss);
	return row - y;
}

/* ---- table -------------------------------------------------------------- */

#define TABLE_GAP	2

static int
draw_table(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	char buf[4096], *names[64], nb[FMT_BUFSZ];
	long cols[64], vc = -1, sc = -1;
	int ncols, i, num[64], dec[64], wid[64], total, row;
	size_t *order = NULL, n = 0, r, from = first_row(s, t), shown;
	struct fmt_num f;
	int rc = -1, alerts = s->kind == CH_ALERTS;

	if (s->columns) {
		if ((ncols = split_names(s->columns, buf, sizeof(buf), names,
		    64)) < 1) {
			snprintf(err, errlen, "%s: bad column list '%s'",
			    t->name, s->columns);
			return -1;
		}
		for (i = 0; i < ncols; i++)
			if (need_col(t, names[i], &cols[i], err, errlen) == -1)
				return -1;
	} else if (alerts) {
		static const char *const want[] = { "time", "status",
		    "severity", "alert", "key", "value", "message" };
		/* Narrow: leave out severity and value (the colour and the
		 * message tell them), then the key. */
		static const unsigned wide = 0x7f, mid = 0x5b, narrow = 0x4b,
		    tiny = 0x0b;
		unsigned use = w >= 100 ? wide : w >= 64 ? mid : w >= 48 ?
		    narrow : tiny;
		ncols = 0;
		for (i = 0; i < 7; i++) {
			long c = dtab_col(t, want[i]);
			if (c >= 0 && (use >> i & 1))
				cols[ncols++] = c;
		}
		if (ncols == 0) {
			snprintf(err, errlen, "%s: not an alert events file "
			    "(no time,status,alert,... columns)", t->name);
			return -1;
		}
		sc = dtab_col(t, "status");
	} else {
		ncols = t->ncol > 64 ? 64 : (int)t->ncol;
		for (i = 0; i < ncols; i++)
			cols[i] = i;
	}
	if (s->value && need_col(t, s->value, &vc, err, errlen) == -1)
		return -1;
	/* Which rows, in which order. */
	if ((order = malloc((t->nrow + 1) * sizeof(*order))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r = from; r < t->nrow; r++)
		order[n++] = r;
	if (vc >= 0 && s->sort != SORT_NONE) {
		struct item *it = malloc((n + 1) * sizeof(*it));
		double v;
		if (it == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (r = 0; r < n; r++) {
			int k = dtab_num(t, order[r], (size_t)vc, &v, err, errlen);
			if (k < 0) {
				free(it);
				goto out;
			}
			it[r].v = k == 1 ? -INFINITY : v;
			it[r].label = (const char *)(order + r);	/* tag */
			it[r].label = NULL;
		}
		/* Sort indices by value with a stable insertion sort. */
		for (r = 1; r < n; r++) {
			size_t o = order[r], q = r;
			double vv = it[r].v;
			while (q > 0 && (s->sort == SORT_ASC ? it[q - 1].v > vv :
			    it[q - 1].v < vv)) {
				it[q] = it[q - 1];
				order[q] = order[q - 1];
				q--;
			}
			it[q].v = vv;
			order[q] = o;
		}
		free(it);
	}
	if (s->reverse || alerts)
		for (r = 0; r < n / 2; r++) {
			size_t tmp = order[r];
			order[r] = order[n - 1 - r];
			order[n - 1 - r] = tmp;
		}
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	shown = h - 2 >= (int)n ? n : (size_t)(h > 3 ? h - 3 : 0);
	/* Column kinds and natural widths. */
	f.grouping = env->grouping;
	f.prefix = f.suffix = NULL;
	for (i = 0; i < ncols; i++) {
		size_t c = (size_t)cols[i], k;
		num[i] = dtab_numeric(t, c);
		dec[i] = col_decimals(s, t, cols[i], from);
		wid[i] = (int)u8_width(t->hdr[c], strlen(t->hdr[c]));
		for (r = 0; r < shown; r++) {
			const char *v = dtab_get(t, order[r], c);
			double d;
			if (num[i] && fmt_parse_num(v, &d) == 0) {
				f.decimals = dec[i];
				f.prefix = cols[i] == vc ? s->prefix : NULL;
				f.suffix = cols[i] == vc ? s->suffix : NULL;
				k = u8_width(nb, fmt_number(d, &f, nb,
				    sizeof(nb)));
			} else if (alerts && strcmp(t->hdr[c], "time") == 0 &&
			    strlen(v) >= 19 && v[10] == 'T')
				k = 8;
			else
				k = u8_width(v, strlen(v));
			if ((int)k > wid[i])
				wid[i] = (int)k;
		}
	}
	/* Shrink until the table fits: the last column first (a message),
	 * then the widest, but not under its header (or 5) at first. */
	for (int pass = 0; pass < 3; pass++) {
		for (;;) {
			int widest = -1, floor;
			total = 0;
			for (i = 0; i < ncols; i++)
				total += wid[i] + (i ? TABLE_GAP : 0);
			if (total <= w)
				break;
			if (pass == 0) {
				if (ncols > 1 && !num[ncols - 1] &&
				    wid[ncols - 1] > 12)
					wid[ncols - 1]--;
				else
					break;
				continue;
			}
			for (i = 0; i < ncols; i++) {
				size_t hl = strlen(t->hdr[cols[i]]);
				floor = pass == 1 ? (hl > 5 ? (int)hl : 5) : 3;
				/* An alert's time and status stay whole. */
				if (alerts && i < 2 && pass == 1)
					floor = wid[i];
				if (wid[i] > floor &&
				    (widest < 0 || wid[i] > wid[widest]))
					widest = i;
			}
			if (widest < 0)
				break;
			wid[widest]--;
		}
	}
	/* Header, rule, rows. */
	{
		int cx = x;
		for (i = 0; i < ncols && cx < x + w; i++) {
			const char *hn = t->hdr[cols[i]];
			int cw = wid[i] < x + w - cx ? wid[i] : x + w - cx;
			if (num[i])
				cv_rtext(cv, cx + cw, y, cw, hn, strlen(hn),
				    ST_BOLD);
			else
				cv_text(cv, cx, y, cw, hn, strlen(hn), ST_BOLD);
			cv_hline(cv, cx, y + 1, cw, G->h, ST_GREY);
			cx += wid[i] + TABLE_GAP;
		}
	}
	row = y + 2;
	if (h < 2) {
		snprintf(err, errlen, "%s: too low for a table", t->name);
		goto out;
	}
	for (r = 0; r < shown; r++, row++) {
		int cx = x;
		uint8_t rs = 0;

		if (alerts && sc >= 0) {
			const char *st = dtab_get(t, order[r], (size_t)sc);
			long sev = dtab_col(t, "severity");
			const char *sv = sev >= 0 ? dtab_get(t, order[r],
			    (size_t)sev) : "";
			if (strcmp(st, "firing") == 0)
				rs = strcmp(sv, "critical") == 0 ?
				    (ST_RED | ST_BOLD) : ST_YELLOW;
			else if (strcmp(st, "resolved") == 0)
				rs = ST_GREEN;
		}
		for (i = 0; i < ncols && cx < x + w; i++) {
			size_t c = (size_t)cols[i];
			const char *v = dtab_get(t, order[r], c);
			int cw = wid[i] < x + w - cx ? wid[i] : x + w - cx;
			double d;

			if (num[i] && fmt_parse_num(v, &d) == 0) {
				size_t k;
				f.decimals = dec[i];
				f.prefix = cols[i] == vc ? s->prefix : NULL;
				f.suffix = cols[i] == vc ? s->suffix : NULL;
				k = fmt_number(d, &f, nb, sizeof(nb));
				cv_rtext(cv, cx + cw, row, cw, nb, k, rs);
			} else if (alerts && strcmp(t->hdr[c], "time") == 0 &&
			    strlen(v) >= 19 && v[10] == 'T')
				cv_text(cv, cx, row, cw, v + 11, 8, rs);
			else
				cv_text(cv, cx, row, cw, v, strlen(v), rs);
			cx += wid[i] + TABLE_GAP;
		}
	}
	if (shown < n) {
		char more[64];
		snprintf(more, sizeof(more), "%s %zu more row%s", G->ellipsis,
		    n - shown, n - shown == 1 ? "" : "s");
		cv_text(cv, x, row++, w, more, strlen(more), ST_DIM);
	}
	if (n == 0 && h > 2)
		cv_text(cv, x, row++, w, alerts ? "no alerts" : "no rows",
		    alerts ? 9 : 7, ST_DIM);
	rc = row - y;
out:
	free(order);
	return rc;
}

/* ---- kpi ---------------------------------------------------------------- */

/* A 3-line font for digits: box drawing or seven-segment ASCII. */
static const char *const big_utf8[13][3] = {
	{ "┌─┐", "│ │", "└─┘" }, { "  ╷", "  │", "  ╵" },
	{ "╶─┐", "┌─┘", "└─╴" }, { "╶─┐", " ─┤", "╶─┘" },
	{ "╷ ╷", "└─┤", "  ╵" }, { "┌─╴", "└─┐", "╶─┘" },
	{ "┌─╴", "├─┐", "└─┘" }, { "╶─┐", "  │", "  ╵" },
	{ "┌─┐", "├─┤", "└─┘" }, { "┌─┐", "└─┤", "╶─┘" },
	{ " ", " ", "," }, { " ", " ", "." }, { "   ", "╶─╴", "   " },
};
static const char *const big_ascii[13][3] = {
	{ " _ ", "| |", "|_|" }, { "   ", "  |", "  |" },
	{ " _ ", " _|", "|_ " }, { " _ ", " _|", " _|" },
	{ "   ", "|_|", "  |" }, { " _ ", "|_ ", " _|" },
	{ " _ ", "|_ ", "|_|" }, { " _ ", "  |", "  |" },
	{ " _ ", "|_|", "|_|" }, { " _ ", "|_|", " _|" },
	{ " ", " ", "," }, { " ", " ", "." }, { "   ", " _ ", "   " },
};

static int
big_index(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c == ',' ? 10 : c == '.' ? 11 : c == '-' ? 12 : -1;
}

/* Width of s in the big font (other characters are drawn plainly). */
static int
big_width(const char *s, size_t len)
{
	size_t i = 0;
	int w = 0;
	uint32_t cp;

	while (i < len) {
		int bi = big_index(s[i]);
		if (bi >= 0) {
			w += bi == 10 || bi == 11 ? 2 : 4;
			i++;
			continue;
		}
		i += u8_decode(s + i, len - i, &cp);
		w += cp_width(cp);
	}
	return w;
}

static void
big_draw(struct canvas *cv, int x, int y, const char *s, size_t len,
    uint8_t st)
{
	const char *const (*font)[3] = G->braille ? big_utf8 : big_ascii;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		int bi = big_index(s[i]), r;
		if (bi >= 0) {
			for (r = 0; r < 3; r++)
				cv_text(cv, x, y + r, 3, font[bi][r],
				    strlen(font[bi][r]), st);
			x += bi == 10 || bi == 11 ? 2 : 4;
			i++;
			continue;
		}
		i += u8_decode(s + i, len - i, &cp);
		x += cv_put(cv, x, y + 1, cp, st);
	}
}

static int
draw_kpi(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	char buf[1024], *names[CHART_MAX_CARDS];
	const char *labels[CHART_MAX_CARDS];
	double vals[CHART_MAX_CARDS];
	int known[CHART_MAX_CARDS], decs[CHART_MAX_CARDS];
	long vcs[CHART_MAX_CARDS], lc = -1;
	int n = 0, i, k, cw;
	size_t r;
	struct fmt_num f;

	if (s->label) {	/* a card per row: label column, value column */
		if (label_value(s, t, &lc, &vcs[0], err, errlen) == -1)
			return -1;
		for (r = first_row(s, t); r < t->nrow && n < CHART_MAX_CARDS;
		    r++, n++) {
			labels[n] = dtab_get(t, r, (size_t)lc);
			if ((k = dtab_num(t, r, (size_t)vcs[0], &vals[n], err,
			    errlen)) < 0)
				return -1;
			known[n] = k == 0;
			decs[n] = col_decimals(s, t, vcs[0], 0);
		}
	} else {	/* a card per value column, from the last row */
		int nv;
		if (s->value) {
			if ((nv = split_names(s->value, buf, sizeof(buf), names,
			    CHART_MAX_CARDS)) < 1) {
				snprintf(err, errlen, "%s: bad value column "
				    "list '%s'", t->name, s->value);
				return -1;
			}
			for (i = 0; i < nv; i++)
				if (need_col(t, names[i], &vcs[i], err,
				    errlen) == -1)
					return -1;
		} else {
			for (r = 0, nv = 0; r < t->ncol && nv < CHART_MAX_CARDS;
			    r++)
				if (dtab_numeric(t, r) || t->nrow == 0)
					vcs[nv++] = (long)r;
		}
		for (i = 0; i < nv; i++, n++) {
			labels[n] = nv == 1 && s->title ? s->title :
			    t->hdr[vcs[i]];
			known[n] = 0;
			decs[n] = col_decimals(s, t, vcs[i], 0);
			if (t->nrow > 0) {
				if ((k = dtab_num(t, t->nrow - 1,
				    (size_t)vcs[i], &vals[n], err, errlen)) < 0)
					return -1;
				known[n] = k == 0;
			}
		}
	}
	if (n == 0) {
		no_data(cv, x, y, w, h, "no data yet");
		return h < 1 ? h : 1;
	}
	if (h < 3) {
		snprintf(err, errlen, "%s: too low for KPI cards (%d lines)",
		    t->name, h);
		return -1;
	}
	cw = w / n;
	if (cw < 8) {
		snprintf(err, errlen, "%s: too narrow for %d KPI cards (%d "
		    "columns)", t->name, n, w);
		return -1;
	}
	numfmt(s, env, -1, &f);
	for (i = 0; i < n; i++) {
		int cx = x + i * cw, iw = cw - 2, ih = (h > 7 ? 7 : h) - 2;
		int cy = y + 1, bw;
		char b[FMT_BUFSZ];
		size_t len;
		uint8_t vst = ST_BOLD | pal(i);

		if (i == n - 1)
			iw = x + w - cx - 2;
		cv_box(cv, cx, y, iw + 2, ih + 2, labels[i], ST_GREY, ST_BOLD);
		if (!known[i]) {
			cv_ctext(cv, cx + 1, cy + (ih - 1) / 2, iw, "-", 1,
			    ST_DIM);
			continue;
		}
		f.decimals = decs[i];
		len = fmt_number(vals[i], &f, b, sizeof(b));
		bw = big_width(b, len);
		if (ih >= 3 && bw > iw) {	/* try a short form */
			len = fmt_compact(vals[i], &f, b, sizeof(b));
			bw = big_width(b, len);
		}
		if (ih >= 3 && bw <= iw) {
			int top = cy + (ih - 3 - (ih >= 4)) / 2;
			big_draw(cv, cx + 1 + (iw - bw) / 2, top, b, len, vst);
			cy = top + 3;
		} else {
			len = fmt_number(vals[i], &f, b, sizeof(b));
			if ((int)u8_width(b, len) > iw)
				len = fmt_compact(vals[i], &f, b, sizeof(b));
			cy += (ih - 1 - (ih >= 2)) / 2;
			cv_ctext(cv, cx + 1, cy, iw, b, len, vst);
			cy++;
		}
		/* The change since the previous frame. */
		if (cy < y + ih + 1 && s->nprev == n && vals[i] != s->prev[i]) {
			char d[FMT_BUFSZ + 16];
			double dv = vals[i] - s->prev[i];
			size_t dl;
			struct fmt_num fd = f;

			fd.prefix = NULL;
			fd.suffix = NULL;
			dl = fmt_compact(fabs(dv), &fd, b, sizeof(b));
			dl = (size_t)snprintf(d, sizeof(d), "%s %s%.*s",
			    dv > 0 ? G->up : G->down, dv > 0 ? "+" : "-",
			    (int)dl, b);
			cv_ctext(cv, cx + 1, cy, iw, d, dl,
			    dv > 0 ? ST_GREEN : ST_RED);
		}
	}
	s->nprev = n;
	for (i = 0; i < n; i++)
		s->prev[i] = known[i] ? vals[i] : NAN;
	return h > 7 ? 7 : h;
}

/* ---- dispatch ----------------------------------------------------------- */

int
chart_draw(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	if (w < 1 || h < 1) {
		snprintf(err, errlen, "no room to draw");
		return -1;
	}
	switch (s->kind) {
	case CH_BAR:
		return draw_bar(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_HBAR:
		return draw_hbar(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_SHARE:
		return draw_share(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_LINE:
		return draw_line(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_SPARK:
		return draw_spark(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_TABLE:
	case CH_ALERTS:
		return draw_table(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_KPI:
		return draw_kpi(cv, x, y, w, h, s, t, env, err, errlen);
	default:
		break;
	}
	snprintf(err, errlen, "unknown chart kind");
	return -1;
}
