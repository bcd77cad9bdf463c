/* Series charts: lines (braille or marks) and sparklines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartint.h"
#include "series.h"
#include "timefield.h"

/* ---- line --------------------------------------------------------------- */

/* snprintf's count, cut to what fits in cap bytes. */
static size_t
fit_len(int n, size_t cap)
{
	if (n < 0 || cap == 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* Text for x position v on the axis: formatted into b (cap bytes), or a
 * text x value itself (borrowed from the table, however long).  *len is
 * its length in bytes. */
static const char *
x_label(const struct seriesset *ss, double v, double span, char *b,
    size_t cap, size_t *len)
{
	struct li_tm tm;
	int n;

	switch (ss->xk) {
	case X_TIME:
		tm_from_epoch((int64_t)llround(v), &tm);
		if (span < 3600)
			n = snprintf(b, cap, "%02d:%02d:%02d", tm.hour, tm.min,
			    tm.sec);
		else if (span < 2 * 86400)
			n = snprintf(b, cap, "%02d:%02d", tm.hour, tm.min);
		else if (span < 300 * 86400)
			n = snprintf(b, cap, "%02d-%02d", tm.mon, tm.day);
		else
			n = snprintf(b, cap, "%04d-%02d", tm.year, tm.mon);
		break;
	case X_CAT: {
		long i = lround(v);
		if (!(v >= 0) || i < 0 || (size_t)i >= ss->ncat) {
			*len = 0;
			return "";
		}
		*len = strlen(ss->cats[i]);
		return ss->cats[i];
	}
	case X_NUM:
		n = snprintf(b, cap, "%g", v);
		break;
	default:
		n = snprintf(b, cap, "%.0f", v + 1);
		break;
	}
	*len = fit_len(n, cap);
	return b;
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
		int ew = 2 + (int)u8_width(ss->s[i].name,
		    strlen(ss->s[i].name));
		if (lx > 0 && lx + ew > w) {
			lines++;
			lx = 0;
		}
		lx += ew + 2;
	}
	return lines > 3 ? 3 : lines;
}

/* The legend of a line chart, wrapped over its lines. */
static void
line_legend(struct canvas *cv, int x, int y, int w, int legend,
    const struct seriesset *ss, int braille)
{
	int lx = x, ly = y;
	size_t i;

	for (i = 0; i < ss->ns; i++) {
		const char *mk = braille ? "━" : G->marks[i % 6];
		int ew = 2 + (int)u8_width(ss->s[i].name,
		    strlen(ss->s[i].name));

		if (lx > x && lx + ew > x + w && ly + 1 < y + legend) {
			lx = x;
			ly++;
		}
		/* On the last line, an entry without room for its mark, a
		 * space and one column of its name is left out: the mark
		 * and the space are not cut by cv_text's width. */
		if (lx + 3 > x + w)
			break;
		lx += cv_glyph(cv, lx, ly, mk, chart_pal((int)i));
		lx += cv_put(cv, lx, ly, ' ', 0);
		lx += cv_text(cv, lx, ly, x + w - lx, ss->s[i].name,
		    strlen(ss->s[i].name), 0);
		lx += 2;
	}
}

/* The series of ss plotted in p (dots or braille), then drawn at px, py. */
static void
line_plot(struct canvas *cv, struct plot *p, const struct seriesset *ss,
    int px, int py, double xmin, double xmax, double lo, double hi)
{
	int pw = p->pw, ph = p->ph, sx = p->braille ? 2 : 1,
	    sy = p->braille ? 4 : 1;
	size_t i, j;

	for (i = 0; i < ss->ns; i++) {
		int havelast = 0, lx0 = 0, ly0 = 0;
		for (j = 0; j < ss->s[i].n; j++) {
			double xv = ss->s[i].x[j], yv = ss->s[i].y[j];
			int dx, dy;

			if (isnan(yv)) {
				havelast = 0;
				continue;
			}
			if (yv < lo)
				yv = lo;
			if (yv > hi)
				yv = hi;
			dx = xmax > xmin ? chart_iround((xv - xmin) /
			    (xmax - xmin) * (pw * sx - 1), 0, pw * sx - 1) :
			    pw * sx / 2;
			dy = chart_iround((hi - yv) / (hi - lo) * (ph * sy - 1),
			    0, ph * sy - 1);
			if (havelast)
				plot_seg(p, lx0, ly0, dx, dy, (int)i);
			else
				plot_dot(p, dx, dy, (int)i);
			lx0 = dx;
			ly0 = dy;
			havelast = 1;
		}
	}
	for (j = 0; j < (size_t)ph; j++)
		for (i = 0; i < (size_t)pw; i++) {
			size_t at = j * (size_t)pw + i;
			if (p->bits[at] == 0)
				continue;
			if (p->braille)
				cv_put(cv, px + (int)i, py + (int)j,
				    0x2800u + p->bits[at],
				    chart_pal(p->ser[at]));
			else
				cv_glyph(cv, px + (int)i, py + (int)j,
				    G->marks[p->ser[at] % 6],
				    chart_pal(p->ser[at]));
		}
}

/* X labels on line lr: first, last, and more between where they fit.
 * When the first and the last do not both fit, each gets half. */
static void
line_xlabels(struct canvas *cv, const struct seriesset *ss, int px, int lr,
    int pw, double xmin, double xmax)
{
	char b[64], bl[64];
	const char *lab, *last;
	size_t k, kl;
	int right, nx, used, lwid, wf, wl;
	double span = xmax - xmin;

	last = x_label(ss, xmax, span, bl, sizeof(bl), &kl);
	lab = x_label(ss, xmin, span, b, sizeof(b), &k);
	wf = (int)u8_width(lab, k);
	wl = (int)u8_width(last, kl);
	if (!(xmax > xmin))
		wl = 0;
	if (wl > 0 && wf + 2 + wl > pw) {
		if (wf > (pw - 2) / 2)
			wf = (pw - 2) / 2;
		if (wl > pw - 2 - wf)
			wl = pw - 2 - wf;
	}
	if (wf > pw)
		wf = pw;
	right = px + pw - wl;
	lwid = cv_text(cv, px, lr, wf, lab, k, ST_GREY);
	used = px + lwid + 2;
	if (wl <= 0 || right < used)
		return;
	nx = (right - used) / (lwid + 4);
	if (nx > 6)
		nx = 6;
	for (int q = 1; q <= nx; q++) {
		double xv = xmin + span * q / (nx + 1);
		int cx, tw;
		if (ss->xk == X_CAT)
			xv = round(xv);
		lab = x_label(ss, xv, span, b, sizeof(b), &k);
		tw = (int)u8_width(lab, k);
		cx = px + chart_iround((xv - xmin) / span * (pw - 1), 0,
		    pw - 1) - tw / 2;
		if (cx < used || cx + tw + 2 > right)
			continue;
		used = cx + cv_text(cv, cx, lr, tw, lab, k, ST_GREY) + 2;
	}
	cv_text(cv, right, lr, wl, last, kl, ST_GREY);
}

int
chart_line(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct seriesset ss;
	struct plot p = { 0 };
	struct fmt_num fa;
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY,
	    ymax = -INFINITY, lo, hi, step;
	size_t i, j;
	int lw, ph, pw, px, py, legend, rc = -1, npts = 0;

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
		int used = chart_no_data(cv, x, y, w, h, msg);
		ss_free(&ss);
		return used;
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
	if (!(hi > lo)) {	/* one end fixed past the other's nice end */
		if (s->has_max)
			lo = hi - step;
		else
			hi = lo + step;
	}
	chart_numfmt(s, env, ss.dec, &fa);
	fa.prefix = fa.suffix = NULL;
	lw = chart_axis_width(lo, hi, step, &fa);
	pw = w - lw - 1;
	if (pw < 4) {
		snprintf(err, errlen, "%s: too narrow for a line chart (%d "
		    "columns)", t->name, w);
		goto out;
	}
	px = x + lw + 1;
	py = y + legend;
	p.braille = G->braille && (env->color || ss.ns == 1);
	if (legend)
		line_legend(cv, x, y, w, legend, &ss, p.braille);
	chart_vaxis(cv, x, py, lw, ph, lo, hi, step, &fa);
	cv_glyph(cv, px - 1, py + ph, G->axis_corner, ST_GREY);
	cv_hline(cv, px, py + ph, pw, G->axis_h, ST_GREY);
	/* Zero line. */
	if (lo < 0 && hi > 0) {
		int zr = chart_iround(hi / (hi - lo) * (ph - 1), 0, ph - 1);
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
	line_plot(cv, &p, &ss, px, py, xmin, xmax, lo, hi);
	line_xlabels(cv, &ss, px, py + ph + 1, pw, xmin, xmax);
	rc = h;
out:
	free(p.bits);
	free(p.ser);
	ss_free(&ss);
	return rc;
}

/* ---- spark -------------------------------------------------------------- */

/* The last sw points of se as columns of srows lines from sx, row, in
 * eighths of a cell (one line: spark glyphs) between lo and hi. */
static void
spark_cols(struct canvas *cv, const struct series *se, int sx, int row,
    int sw, int srows, double lo, double hi, int pal)
{
	size_t j, start = se->n > (size_t)sw ? se->n - (size_t)sw : 0;
	int r;

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
		e8 = hi > lo ? 1 + chart_iround((v - lo) / (hi - lo) *
		    (srows * 8 - 1), 0, srows * 8 - 1) : srows * 4;
		if (srows == 1) {
			int lv = (e8 - 1) * G->nspark / 8;
			cv_glyph(cv, col, row, G->spark[lv], chart_pal(pal));
			continue;
		}
		for (r = 0; r < srows; r++) {
			int have = e8 - r * 8;
			if (have <= 0)
				break;
			cv_glyph(cv, col, row + srows - 1 - r,
			    G->col_eighths[have >= 8 ? 8 : have],
			    chart_pal(pal));
		}
	}
}

int
chart_spark(struct canvas *cv, int x, int y, int w, int h,
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
		int used = chart_no_data(cv, x, y, w, h, "no data yet");
		ss_free(&ss);
		return used;
	}
	chart_numfmt(s, env, ss.dec, &f);
	for (i = 0; i < ss.ns; i++) {
		size_t k = u8_width(ss.s[i].name, strlen(ss.s[i].name));
		if (k > lw)
			lw = k;
	}
	if (lw > (size_t)(w / 4) && w / 4 >= 4)
		lw = (size_t)(w / 4);
	if (lw > (size_t)w)
		lw = (size_t)w;
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
		size_t k;
		int sx, srows;

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
				    chart_pal((int)i) | ST_BOLD);
				k = (size_t)snprintf(cap, sizeof(cap),
				    "  min %s  max %s", b[1], b[2]);
				cv_text(cv, cx, row, x + w - cx, cap, k,
				    ST_DIM);
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
		spark_cols(cv, se, sx, row, sw, srows, lo, hi, (int)i);
		row += srows;
	}
	ss_free(&ss);
	return row - y;
}

