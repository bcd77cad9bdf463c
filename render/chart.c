/* The chart types: shared helpers, the value axis, and dispatch. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartint.h"
#include "strmap.h"
#include "util.h"

const char *const chart_kind_names[CH_NKIND] = {
	"bar", "hbar", "share", "line", "spark", "table", "kpi", "alerts",
	"heat", "pop",
};

static const uint8_t palette[] = {
	ST_CYAN, ST_YELLOW, ST_MAGENTA, ST_GREEN, ST_BLUE, ST_RED,
	8 + ST_CYAN, 8 + ST_YELLOW, 8 + ST_MAGENTA, 8 + ST_GREEN,
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

int
chart_iround(double v, int lo, int hi)
{
	if (!(v >= lo))
		return lo;
	if (v >= hi)
		return hi;
	return (int)lround(v);
}

int
chart_stopped(size_t row, const struct dtab *t, char *err, size_t errlen)
{
	if ((row & 1023) != 0 || !sig_stop)
		return 0;
	snprintf(err, errlen, "%s: interrupted", t->name);
	return 1;
}

uint8_t
chart_pal(int i)
{
	return palette[(size_t)i % sizeof(palette)];
}

void
chart_nice(double lo, double hi, int maxticks, double *nlo, double *nhi,
    double *step)
{
	double range, raw, mag, f, st, big;

	if (maxticks < 2)
		maxticks = 2;
	if (maxticks > CHART_MAX_TICKS)
		maxticks = CHART_MAX_TICKS;
	/* What fmt_parse_num lets in, whatever the caller passes. */
	if (!(lo >= -FMT_NUM_MAX))
		lo = -FMT_NUM_MAX;
	if (!(hi <= FMT_NUM_MAX))
		hi = FMT_NUM_MAX;
	if (!(lo <= FMT_NUM_MAX))
		lo = FMT_NUM_MAX;
	if (!(hi >= -FMT_NUM_MAX))
		hi = -FMT_NUM_MAX;
	big = fmax(fabs(lo), fabs(hi));
	if (!(hi > lo)) {
		double d = big > 0 ? big * 0.1 : 1;
		lo -= d;
		hi += d;
	}
	/* A range too small for the magnitude of its ends would give ticks
	 * that are the same double: widen it to a billionth of that. */
	if (hi - lo < big * 1e-9) {
		double mid = lo / 2 + hi / 2;
		lo = mid - big * 5e-10;
		hi = mid + big * 5e-10;
	}
	range = hi - lo;
	raw = range / (maxticks - 1);
	if (raw < 1e-290)	/* pow(10, ...) must not underflow to 0 */
		raw = 1e-290;
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

int
chart_ticks(double lo, double hi, double step, double *v, int max)
{
	int n = 0;

	if (max < 1)
		return 0;
	if (!(step > 0) || !isfinite(step) || !(hi >= lo) || !isfinite(lo) ||
	    !isfinite(hi)) {
		v[n++] = lo;
		if (max > 1 && hi != lo && isfinite(hi))
			v[n++] = hi;
		return n;
	}
	for (; n < max; n++) {
		double t = lo + step * n;
		if (t > hi + step / 2)
			break;
		v[n] = t;
	}
	return n;
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

int
chart_need_col(const struct dtab *t, const char *name, long *out, char *err,
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
long
chart_first_col(const struct dtab *t, int num, long skip)
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
int
chart_split_names(const char *list, char *buf, size_t cap, char **names,
    int max)
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
int
chart_col_decimals(const struct chart_spec *s, const struct dtab *t, long col,
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

size_t
chart_first_row(const struct chart_spec *s, const struct dtab *t)
{
	if (s->last > 0 && t->nrow > (size_t)s->last)
		return t->nrow - (size_t)s->last;
	return 0;
}

void
chart_numfmt(const struct chart_spec *s, const struct chart_env *env, int dec,
    struct fmt_num *f)
{
	f->grouping = env->grouping;
	f->decimals = dec;
	f->prefix = s->prefix;
	f->suffix = s->suffix;
}

/* The label and value columns of a one-value chart. */
int
chart_label_value(const struct chart_spec *s, const struct dtab *t, long *lc,
    long *vc, char *err, size_t errlen)
{
	if (s->value) {
		if (strchr(s->value, ',')) {
			snprintf(err, errlen, "%s: one value column wanted, "
			    "not '%s'", t->name, s->value);
			return -1;
		}
		if (chart_need_col(t, s->value, vc, err, errlen) == -1)
			return -1;
	} else if ((*vc = chart_first_col(t, 1, -1)) < 0) {
		snprintf(err, errlen, "%s: no numeric column", t->name);
		return -1;
	}
	if (s->label) {
		if (chart_need_col(t, s->label, lc, err, errlen) == -1)
			return -1;
	} else
		*lc = chart_first_col(t, 0, *vc);
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
int
chart_items(const struct chart_spec *s, const struct dtab *t, struct item **out,
    size_t *nout, int *dec, char *err, size_t errlen)
{
	struct strmap *m = NULL;
	struct item *it = NULL;
	size_t r, n = 0, from = chart_first_row(s, t);
	long lc, vc;
	double v;
	int rc;

	*out = NULL;
	*nout = 0;
	if (chart_label_value(s, t, &lc, &vc, err, errlen) == -1)
		return -1;
	*dec = chart_col_decimals(s, t, vc, from);
	if ((m = strmap_new()) == NULL ||
	    (it = calloc(t->nrow - from + 1, sizeof(*it))) == NULL)
		goto nomem;
	for (r = from; r < t->nrow; r++) {
		char rowname[32];
		const char *lab;
		long id;
		int ins;

		if (chart_stopped(r, t, err, errlen))
			goto fail;
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
			if ((it[r].label = strdup(it[r].label)) == NULL) {
				while (r > 0)
					free((char *)it[--r].label);
				goto nomem;
			}
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

void
chart_items_free(struct item *it, size_t n, int owned)
{
	size_t i;

	if (owned == 1)
		for (i = 0; i < n; i++)
			free((char *)it[i].label);
	free(it);
}

int
chart_no_data(struct canvas *cv, int x, int y, int w, int h, const char *what)
{
	int off = h > 2 ? h / 2 - 1 : 0;

	return off + cv_wrap(cv, x, y + off, w, h - off, what, ST_DIM);
}

/* ---- vertical bars ------------------------------------------------------ */

/* The label of tick v: short ("1.5M") unless two ticks would read the
 * same, then in full with the decimals the step needs. */
static size_t
tick_text(double v, double step, const struct fmt_num *f, int full, char *b,
    size_t cap)
{
	struct fmt_num g = *f;

	if (fabs(v) < step / 1e6)
		v = 0;
	if (!full)
		return fmt_compact(v, f, b, cap);
	g.decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (g.decimals > 6)
		g.decimals = 6;
	return fmt_number(v, &g, b, cap);
}

/* 1 when short tick labels of lo..hi by step would repeat. */
static int
ticks_full(double lo, double hi, double step, const struct fmt_num *f)
{
	char a[FMT_BUFSZ], b[FMT_BUFSZ];
	double v[CHART_MAX_TICKS];
	int i, n = chart_ticks(lo, hi, step, v, CHART_MAX_TICKS);

	a[0] = '\0';
	for (i = 0; i < n; i++) {
		tick_text(v[i], step, f, 0, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return 1;
		memcpy(a, b, sizeof(a));
	}
	return 0;
}

/* Width of the value axis labels for ticks lo..hi by step. */
int
chart_axis_width(double lo, double hi, double step, const struct fmt_num *f)
{
	char b[FMT_BUFSZ];
	double v[CHART_MAX_TICKS];
	int i, w = 1, full = ticks_full(lo, hi, step, f),
	    n = chart_ticks(lo, hi, step, v, CHART_MAX_TICKS);
	size_t k;

	for (i = 0; i < n; i++) {
		k = tick_text(v[i], step, f, full, b, sizeof(b));
		if ((int)u8_width(b, k) > w)
			w = (int)u8_width(b, k);
	}
	return w;
}

/* Draw the value axis: tick labels right-aligned in [x, x+lw), the axis
 * line at x+lw, rows y..y+ph-1 spanning hi (top) to lo (bottom). */
void
chart_vaxis(struct canvas *cv, int x, int y, int lw, int ph, double lo,
    double hi, double step, const struct fmt_num *f)
{
	char b[FMT_BUFSZ];
	double v[CHART_MAX_TICKS];
	int i, r, last = -10, full = ticks_full(lo, hi, step, f),
	    n = chart_ticks(lo, hi, step, v, CHART_MAX_TICKS);
	size_t k;

	for (r = 0; r < ph; r++)
		cv_glyph(cv, x + lw, y + r, G->axis_v, ST_GREY);
	if (ph < 1 || !(hi > lo))
		return;
	for (i = n - 1; i >= 0; i--) {	/* from the top */
		r = chart_iround((hi - v[i]) / (hi - lo) * (ph - 1), 0, ph - 1);
		if (r - last < 2 && r != ph - 1)
			continue;
		if (r == ph - 1 && r - last < 2 && last >= 0)
			continue;
		k = tick_text(v[i], step, f, full, b, sizeof(b));
		cv_rtext(cv, x + lw, y + r, lw, b, k, ST_GREY);
		last = r;
	}
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
	if (s->has_min && s->has_max && !(s->min < s->max)) {
		snprintf(err, errlen, "min (%g) must be less than max (%g)",
		    s->min, s->max);
		return -1;
	}
	switch (s->kind) {
	case CH_BAR:
		return chart_bar(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_HBAR:
		return chart_hbar(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_SHARE:
		return chart_share(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_LINE:
		return chart_line(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_SPARK:
		return chart_spark(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_ALERTS:
		return chart_alerts(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_TABLE:
		return chart_table(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_KPI:
		return chart_kpi(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_HEAT:
		return chart_heat(cv, x, y, w, h, s, t, env, err, errlen);
	case CH_POP:
		return chart_pop(cv, x, y, w, h, s, t, env, err, errlen);
	default:
		break;
	}
	snprintf(err, errlen, "unknown chart kind");
	return -1;
}
