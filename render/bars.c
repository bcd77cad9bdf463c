/* Bar charts: horizontal, vertical, and shares of a whole. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartint.h"

/* ---- hbar --------------------------------------------------------------- */

int
chart_hbar(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f;
	char vb[FMT_BUFSZ];
	size_t n, nit, i, shown, lw = 0, vw = 0, k;
	double vmax = 0, vmin = 0, span;
	int dec, owned, compact = 0, barw, z, row;

	if ((owned = chart_items(s, t, &it, &nit, &dec, err, errlen)) < 0)
		return -1;
	n = nit;	/* items drawn; all nit are freed */
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	if (n == 0) {
		int used = chart_no_data(cv, x, y, w, h, "no data yet");
		chart_items_free(it, nit, owned);
		return used;
	}
	/* Past h labels the last line says how many more, unless it is the
	 * only line. */
	shown = n <= (size_t)h ? n : (size_t)(h > 1 ? h - 1 : h);
	chart_numfmt(s, env, dec, &f);
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
		chart_items_free(it, nit, owned);
		return -1;
	}
	span = vmax - vmin;
	if (span <= 0)
		span = 1;
	z = chart_iround(-vmin / span * barw, 0, barw);
	for (i = 0; i < shown; i++) {
		int bx = x + (int)lw + 1 + z, cells, vx;
		uint8_t st = chart_pal(0);

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
				cv_glyph(cv, bx + (int)c, row,
				    G->bar_eighths[8],
				    st);
			cells = (int)full;
			if (*G->bar_eighths[rem]) {
				cv_glyph(cv, bx + cells, row,
				    G->bar_eighths[rem],
				    st);
				cells++;
			}
			vx = bx + cells + 1;
		} else {
			int c;

			cells = chart_iround(-it[i].v / span * barw, 0, z);
			for (c = 1; c <= cells; c++)
				cv_glyph(cv, bx - c, row, G->bar_eighths[8],
				    ST_RED);
			vx = bx + 1;
		}
		if (vx + (int)vw > x + w)
			vx = x + w - (int)vw;
		cv_text(cv, vx, row, (int)vw, vb, k, ST_BOLD);
	}
	if (shown < n && (int)shown < h) {
		char more[64];
		snprintf(more, sizeof(more), "%s %zu more", G->ellipsis,
		    n - shown);
		cv_text(cv, x, y + (int)shown, w, more, strlen(more), ST_DIM);
		shown++;
	}
	chart_items_free(it, nit, owned);
	return (int)shown;
}

int
chart_bar(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f, fa;
	char b[FMT_BUFSZ];
	size_t n, nit, i, shown;
	double vmax = 0, vmin = 0, lo, hi, step;
	int dec, owned, lw, pw, ph, slot, bw, px, zrow, top8;

	if ((owned = chart_items(s, t, &it, &nit, &dec, err, errlen)) < 0)
		return -1;
	n = nit;	/* items drawn; all nit are freed */
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	if (n == 0) {
		int used = chart_no_data(cv, x, y, w, h, "no data yet");
		chart_items_free(it, nit, owned);
		return used;
	}
	if (h < 5) {
		snprintf(err, errlen, "%s: too low for a bar chart (%d lines)",
		    t->name, h);
		chart_items_free(it, nit, owned);
		return -1;
	}
	chart_numfmt(s, env, dec, &f);
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
	lw = chart_axis_width(lo, hi, step, &fa);
	pw = w - lw - 1;
	shown = n;
	if ((size_t)pw < 2 * n)
		shown = (size_t)pw / 2;
	if (shown == 0 || pw < 2) {
		snprintf(err, errlen, "%s: too narrow for a bar chart (%d "
		    "columns)", t->name, w);
		chart_items_free(it, nit, owned);
		return -1;
	}
	slot = pw / (int)shown;
	bw = slot > 2 ? slot - 1 : 1;
	if (bw > 12)
		bw = 12;
	chart_vaxis(cv, x, y + 1, lw, ph, lo, hi, step, &fa);
	px = x + lw + 1;
	cv_glyph(cv, px - 1, y + 1 + ph, G->axis_corner, ST_GREY);
	cv_hline(cv, px, y + 1 + ph, pw, G->axis_h, ST_GREY);
	/* Row (from the top of the plot) of the zero line, in eighths. */
	top8 = ph * 8;
	zrow = chart_iround(hi / (hi - lo) * top8, 0, top8); /* eighths below top */
	for (i = 0; i < shown; i++) {
		int bx = px + (int)i * slot + (slot - bw) / 2, c, r, vy;
		double v = it[i].v;
		size_t k;
		uint8_t st = v < 0 ? ST_RED : chart_pal(0);

		if (v >= 0) {
			int e8 = chart_iround(v / (hi - lo) * top8, 0, zrow);
			int bottom8 = zrow;	/* eighths from top */
			int full = e8 / 8, rem = e8 % 8;
			int baserow = bottom8 / 8;	/* cell row of zero */

			for (r = 0; r < full; r++)
				for (c = 0; c < bw; c++)
					cv_glyph(cv, bx + c,
					    y + 1 + baserow - 1 -
					    r, G->col_eighths[8], st);
			if (rem)
				for (c = 0; c < bw; c++)
					cv_glyph(cv, bx + c,
					    y + 1 + baserow - 1 -
					    full, G->col_eighths[rem], st);
			vy = y + 1 + baserow - 1 - full - (rem ? 1 : 0);
		} else {
			int baserow = zrow / 8;
			int cells = chart_iround(-v / (hi - lo) * ph, 0,
			    ph - baserow);

			for (r = 0; r < cells; r++)
				for (c = 0; c < bw; c++)
					cv_glyph(cv, bx + c,
					    y + 1 + baserow + r,
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
	chart_items_free(it, nit, owned);
	return h;
}

/* ---- share -------------------------------------------------------------- */

/* Past groups labels, the last group is "Other": the sum of the rest.
 * Returns 0, or -1 out of memory. */
static int
share_other(struct item *it, size_t n, size_t groups, int owned)
{
	double other = 0;
	size_t i;
	char *o;

	if (n <= groups || groups < 2)
		return 0;
	for (i = groups - 1; i < n; i++)
		other += it[i].v;
	it[groups - 1].v = other;
	if (owned != 1) {
		it[groups - 1].label = "Other";
		return 0;
	}
	if ((o = strdup("Other")) == NULL)
		return -1;
	free((char *)it[groups - 1].label);
	it[groups - 1].label = o;
	return 0;
}

/* Percentages in tenths that add up to exactly 100.0 (largest
 * remainder), when every label is shown or summed in "Other". */
static void
share_tenths(const struct item *it, size_t n, size_t groups, double total,
    long *tenths)
{
	double rest[9];
	long sum = 0;
	size_t i;

	for (i = 0; i < groups; i++) {
		double e = it[i].v / total * 1000;
		if (!(e >= 0))
			e = 0;
		if (e > 1000)
			e = 1000;
		tenths[i] = (long)floor(e);
		rest[i] = e - floor(e);
		sum += tenths[i];
	}
	while (sum < 1000 && (n == groups || groups >= 2)) {
		size_t best = 0;
		for (i = 1; i < groups; i++)
			if (rest[i] > rest[best])
				best = i;
		tenths[best]++;
		rest[best] = -1;
		sum++;
	}
}

/* The stacked strip: every group's share of the whole width. */
static void
share_strip(struct canvas *cv, int x, int y, int w, const long *tenths,
    size_t groups, int color)
{
	long acc = 0;
	size_t i;
	int pos = 0, end, c;

	for (i = 0; i < groups; i++) {
		acc += tenths[i];
		end = chart_iround((double)acc / 1000 * w, pos, w);
		for (c = pos; c < end; c++)
			cv_glyph(cv, x + c, y, color ? G->fills[0] :
			    G->fills[i], chart_pal((int)i));
		pos = end;
	}
}

int
chart_share(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f;
	char vb[FMT_BUFSZ], pb[16];
	size_t n, i, groups, lw = 0, vw = 0, k;
	double total = 0;
	long tenths[9] = { 0 };
	int dec, owned, maxg, barw, row, strip, gap, pw;

	/* Shares are of the largest first; the rest becomes "Other". */
	{
		enum chart_sort keep = s->sort;
		if (s->sort == SORT_NONE)
			s->sort = SORT_DESC;
		owned = chart_items(s, t, &it, &n, &dec, err, errlen);
		s->sort = keep;
	}
	if (owned < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (it[i].v < 0) {
			snprintf(err, errlen, "%s: share of a negative value "
			    "(%s)", t->name, it[i].label);
			chart_items_free(it, n, owned);
			return -1;
		}
		total += it[i].v;
	}
	if (n == 0 || total <= 0) {
		int used = chart_no_data(cv, x, y, w, h, "no data yet");
		chart_items_free(it, n, owned);
		return used;
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
	if (share_other(it, n, groups, owned) == -1) {
		snprintf(err, errlen, "out of memory");
		chart_items_free(it, n, owned);
		return -1;
	}
	share_tenths(it, n, groups, total, tenths);
	chart_numfmt(s, env, dec, &f);
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
		chart_items_free(it, n, owned);
		return -1;
	}
	if (strip)
		share_strip(cv, x, y, w, tenths, groups, env->color);
	row = y + strip + gap;
	for (i = 0; i < groups && row < y + h; i++, row++) {
		const char *fill = env->color ? G->fills[0] : G->fills[i];
		long e8 = chart_scale8((double)tenths[i], 1000, barw);
		long c, full = e8 / 8, rem = e8 % 8;
		int bx = x + 2 + (int)lw + 1;

		cv_glyph(cv, x, row, fill, chart_pal((int)i));
		cv_text(cv, x + 2, row, (int)lw, it[i].label,
		    strlen(it[i].label), 0);
		for (c = 0; c < full; c++)
			cv_glyph(cv, bx + (int)c, row, env->color ?
			    G->bar_eighths[8] : fill, chart_pal((int)i));
		if (rem && env->color)
			cv_glyph(cv, bx + (int)full, row, G->bar_eighths[rem],
			    chart_pal((int)i));
		k = (size_t)snprintf(pb, sizeof(pb), "%ld.%ld%%",
		    tenths[i] / 10,
		    tenths[i] % 10);
		cv_rtext(cv, bx + barw + (barw > 0) + pw, row, pw, pb, k,
		    ST_BOLD);
		if (vw > 0) {
			k = fmt_number(it[i].v, &f, vb, sizeof(vb));
			cv_rtext(cv, x + w, row, (int)vw, vb, k, 0);
		}
	}
	chart_items_free(it, n, owned);
	return row - y;
}

