/* Pictures: every chart kind and a whole layout drawn with cairo, the
 * text laid out by pango, written as PNG, SVG or PDF. */
#include "gfx.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <png.h>

#include "atomicfile.h"
#include "chartint.h"
#include "series.h"
#include "timefield.h"
#include "util.h"

#define FONT_FAMILY	"DejaVu Sans"
#define LABEL_MAX	512	/* bytes of one label laid out */

/* Okabe and Ito's colour-blind-safe palette: blue, orange, black and
 * yellow first, whose grey levels (94, 163, 0, 219 of 255) stay apart on
 * a grey printer; lines differ by dash pattern as well. */
static const unsigned pal_rgb[GFX_NPAL] = {
	0x0072B2, 0xE69F00, 0x000000, 0xF0E442,
	0xD55E00, 0x56B4E9, 0x009E73, 0xCC79A7,
};

static const double C_TEXT[3] = { 0.13, 0.13, 0.13 };
static const double C_DIM[3] = { 0.40, 0.40, 0.40 };
static const double C_GRID[3] = { 0.87, 0.87, 0.87 };
static const double C_AXIS[3] = { 0.45, 0.45, 0.45 };
static const double C_BAD[3] = { 0.84, 0.37, 0.0 };	/* vermillion */
static const double C_GOOD[3] = { 0.0, 0.45, 0.70 };	/* blue */
static const double C_PANEL[3] = { 1, 1, 1 };
static const double C_PAGE[3] = { 0.95, 0.95, 0.96 };
static const double C_BORDER[3] = { 0.80, 0.80, 0.82 };

void
gfx_palette(int i, double rgb[3])
{
	unsigned c = pal_rgb[(unsigned)i % GFX_NPAL];

	rgb[0] = (c >> 16 & 0xff) / 255.0;
	rgb[1] = (c >> 8 & 0xff) / 255.0;
	rgb[2] = (c & 0xff) / 255.0;
}

int
gfx_format_parse(const char *name)
{
	if (strcmp(name, "png") == 0)
		return GFX_PNG;
	if (strcmp(name, "svg") == 0)
		return GFX_SVG;
	if (strcmp(name, "pdf") == 0)
		return GFX_PDF;
	return -1;
}

int
gfx_format_of_path(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/'))
		return -1;
	if (strcasecmp(dot, ".png") == 0)
		return GFX_PNG;
	if (strcasecmp(dot, ".svg") == 0)
		return GFX_SVG;
	if (strcasecmp(dot, ".pdf") == 0)
		return GFX_PDF;
	return -1;
}

int
gfx_size_parse(const char *s, int *w, int *h, char *err, size_t errlen)
{
	char buf[64], *x;
	long long a, b;

	if (strlen(s) >= sizeof(buf))
		goto bad;
	strcpy(buf, s);
	if ((x = strchr(buf, 'x')) == NULL && (x = strchr(buf, 'X')) == NULL)
		goto bad;
	*x++ = '\0';
	if (parse_long(buf, GFX_MIN_SIDE, GFX_MAX_SIDE, &a) == -1 ||
	    parse_long(x, GFX_MIN_SIDE, GFX_MAX_SIDE, &b) == -1)
		goto bad;
	if (a * b > GFX_MAX_AREA) {
		snprintf(err, errlen, "'%s': more than %ld pixels", s,
		    GFX_MAX_AREA);
		return -1;
	}
	*w = (int)a;
	*h = (int)b;
	return 0;
bad:
	snprintf(err, errlen, "not WxH with sides from %d to %d: '%s'",
	    GFX_MIN_SIDE, GFX_MAX_SIDE, s);
	return -1;
}

size_t
gfx_clean(const char *s, size_t len, char *out, size_t cap)
{
	size_t i = 0, n = 0, k;
	uint32_t cp;
	char e[4];

	while (i < len) {
		k = u8_decode(s + i, len - i, &cp);
		i += k;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ||
		    (cp >= 0x200e && cp <= 0x200f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		k = u8_encode(cp, e);
		if (n + k + 1 > cap)
			break;
		memcpy(out + n, e, k);
		n += k;
	}
	out[n] = '\0';
	return n;
}

/* ---- drawing context ---------------------------------------------------- */

struct gctx {
	cairo_t *cr;
	PangoLayout *pl;
	PangoFontDescription *fd;
	double fs;		/* base font size */
	const struct chart_env *env;
};

struct box {
	double x, y, w, h;
};

static void
set_rgb(cairo_t *cr, const double c[3])
{
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

static void
set_pal(cairo_t *cr, int i)
{
	double c[3];

	gfx_palette(i, c);
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
}

/* Lay out s in one line at size, ellipsised to maxw (0: no limit). */
static void
gt_layout(struct gctx *g, const char *s, size_t len, double size, int bold,
    double maxw)
{
	char buf[LABEL_MAX];
	size_t n = gfx_clean(s, len, buf, sizeof(buf));

	pango_font_description_set_absolute_size(g->fd, size * PANGO_SCALE);
	pango_font_description_set_weight(g->fd, bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(g->pl, g->fd);
	pango_layout_set_width(g->pl, maxw > 0 ? (int)(maxw * PANGO_SCALE) :
	    -1);
	pango_layout_set_text(g->pl, buf, (int)n);
}

/* Width and height of s as gt_text draws it. */
static double
gt_width(struct gctx *g, const char *s, double size, int bold)
{
	int w, h;

	gt_layout(g, s, strlen(s), size, bold, 0);
	pango_layout_get_pixel_size(g->pl, &w, &h);
	return w;
}

enum { AL_LEFT, AL_CENTRE, AL_RIGHT };

/* Draw s with its top at y in [x, x+maxw), aligned, ellipsised when
 * longer.  Returns the width drawn. */
static double
gt_text(struct gctx *g, double x, double y, double maxw, const char *s,
    double size, int bold, const double c[3], int align)
{
	int w, h;
	double dx = 0;

	if (maxw < 1)
		return 0;
	gt_layout(g, s, strlen(s), size, bold, maxw);
	pango_layout_get_pixel_size(g->pl, &w, &h);
	if (align == AL_CENTRE)
		dx = (maxw - w) / 2;
	else if (align == AL_RIGHT)
		dx = maxw - w;
	if (dx < 0)
		dx = 0;
	set_rgb(g->cr, c);
	cairo_move_to(g->cr, x + dx, y);
	pango_cairo_show_layout(g->cr, g->pl);
	return w;
}

/* Word-wrapped text in a box (messages).  Returns the height used. */
static double
gt_wrap(struct gctx *g, struct box b, const char *s, double size,
    const double c[3])
{
	char buf[1024];
	size_t n = gfx_clean(s, strlen(s), buf, sizeof(buf));
	int w, h;

	if (b.w < 1 || b.h < 1)
		return 0;
	pango_font_description_set_absolute_size(g->fd, size * PANGO_SCALE);
	pango_font_description_set_weight(g->fd, PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(g->pl, g->fd);
	pango_layout_set_width(g->pl, (int)(b.w * PANGO_SCALE));
	pango_layout_set_height(g->pl, (int)(b.h * PANGO_SCALE));
	pango_layout_set_wrap(g->pl, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_single_paragraph_mode(g->pl, FALSE);
	pango_layout_set_text(g->pl, buf, (int)n);
	pango_layout_get_pixel_size(g->pl, &w, &h);
	set_rgb(g->cr, c);
	cairo_move_to(g->cr, b.x, b.y);
	pango_cairo_show_layout(g->cr, g->pl);
	pango_layout_set_height(g->pl, -1);
	pango_layout_set_single_paragraph_mode(g->pl, TRUE);
	return h;
}

static void
fill_rect(cairo_t *cr, double x, double y, double w, double h,
    const double c[3])
{
	set_rgb(cr, c);
	cairo_rectangle(cr, x, y, w, h);
	cairo_fill(cr);
}

static void
hline(cairo_t *cr, double x0, double x1, double y, const double c[3],
    double lw)
{
	set_rgb(cr, c);
	cairo_set_line_width(cr, lw);
	cairo_move_to(cr, x0, floor(y) + 0.5);
	cairo_line_to(cr, x1, floor(y) + 0.5);
	cairo_stroke(cr);
}

static void
vline(cairo_t *cr, double x, double y0, double y1, const double c[3],
    double lw)
{
	set_rgb(cr, c);
	cairo_set_line_width(cr, lw);
	cairo_move_to(cr, floor(x) + 0.5, y0);
	cairo_line_to(cr, floor(x) + 0.5, y1);
	cairo_stroke(cr);
}

/* A bar of palette colour i with a thin dark edge (a light colour stays
 * visible on white and in grey). */
static void
bar_rect(cairo_t *cr, double x, double y, double w, double h, int i)
{
	if (w < 0) {
		x += w;
		w = -w;
	}
	if (h < 0) {
		y += h;
		h = -h;
	}
	cairo_rectangle(cr, x, y, w, h);
	set_pal(cr, i);
	cairo_fill_preserve(cr);
	cairo_set_source_rgba(cr, 0, 0, 0, 0.35);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
}

/* A centred message in the box (no data, an error). */
static void
gt_message(struct gctx *g, struct box b, const char *msg, const double c[3])
{
	double hgt = g->fs * 1.4;
	struct box m = { b.x + g->fs, b.y + b.h / 2 - hgt, b.w - 2 * g->fs,
	    b.h / 2 + hgt };

	if (m.y < b.y)
		m.y = b.y, m.h = b.h;
	gt_wrap(g, m, msg, g->fs, c);
}

/* ---- numbers and axes --------------------------------------------------- */

/* A count from a double: 0 for less than 1 (or NaN), at most a million.
 * Converting a negative double to size_t is undefined (fuzz_render_gfx
 * found one in a panel too low for its bars). */
static size_t
dcount(double v)
{
	if (!(v >= 1))
		return 0;
	return v > 1e6 ? 1000000 : (size_t)v;
}

/* The unit of an axis: "COL (₹)", "COL (%)" or "COL". */
static void
axis_title(const struct chart_spec *s, const char *col, char *b, size_t cap)
{
	const char *u = s->prefix && *s->prefix ? s->prefix :
	    s->suffix && *s->suffix ? s->suffix : NULL;

	while (u && *u == ' ')
		u++;
	if (u && *u)
		snprintf(b, cap, "%s (%s)", col ? col : "value", u);
	else
		snprintf(b, cap, "%s", col ? col : "value");
}

/* The value range lo..hi of the axis, widened to round ticks. */
static void
value_range(const struct chart_spec *s, double vmin, double vmax, double len,
    double fs, double *lo, double *hi, double *step)
{
	int maxt = (int)(len / (fs * 3.5));

	if (s->has_min)
		vmin = s->min;
	if (s->has_max)
		vmax = s->max;
	if (maxt < 3)
		maxt = 3;
	if (maxt > 10)
		maxt = 10;
	chart_nice(vmin, vmax, maxt, lo, hi, step);
	if (s->has_min)
		*lo = s->min;
	if (s->has_max)
		*hi = s->max;
}

static size_t
tick_label(double v, double step, const struct fmt_num *f, char *b,
    size_t cap)
{
	if (fabs(v) < step / 1e6)
		v = 0;
	return fmt_compact(v, f, b, cap);
}

/* Widest tick label of lo..hi. */
static double
ticks_width(struct gctx *g, double lo, double hi, double step,
    const struct fmt_num *f, double size)
{
	double v[CHART_MAX_TICKS], w = 0, k;
	char b[FMT_BUFSZ];
	int i, n = chart_ticks(lo, hi, step, v, CHART_MAX_TICKS);

	for (i = 0; i < n; i++) {
		tick_label(v[i], step, f, b, sizeof(b));
		if ((k = gt_width(g, b, size, 0)) > w)
			w = k;
	}
	return w;
}

/* Map value v of lo..hi to a position from p0 (lo) to p1 (hi). */
static double
vmap(double v, double lo, double hi, double p0, double p1)
{
	double r;

	if (!(hi > lo))
		return p0;
	r = (v - lo) / (hi - lo);
	if (!(r >= -0.05))
		r = -0.05;
	if (r > 1.05)
		r = 1.05;
	return p0 + r * (p1 - p0);
}

/* Gridlines and tick labels of a vertical value axis at the left of p. */
static void
yaxis(struct gctx *g, struct box p, double lo, double hi, double step,
    const struct fmt_num *f)
{
	double v[CHART_MAX_TICKS], ts = g->fs * 0.85;
	char b[FMT_BUFSZ];
	int i, n = chart_ticks(lo, hi, step, v, CHART_MAX_TICKS);

	for (i = 0; i < n; i++) {
		double y = vmap(v[i], lo, hi, p.y + p.h, p.y);
		if (v[i] > hi + step * 1e-6 || v[i] < lo - step * 1e-6)
			continue;
		hline(g->cr, p.x, p.x + p.w, y, C_GRID, 1);
		tick_label(v[i], step, f, b, sizeof(b));
		gt_text(g, p.x - g->fs * 6 - 4, y - ts * 0.65, g->fs * 6, b,
		    ts, 0, C_DIM, AL_RIGHT);
	}
	vline(g->cr, p.x, p.y, p.y + p.h, C_AXIS, 1);
}

/* Gridlines and tick labels of a horizontal value axis under p. */
static void
xaxis_values(struct gctx *g, struct box p, double lo, double hi, double step,
    const struct fmt_num *f)
{
	double v[CHART_MAX_TICKS], ts = g->fs * 0.85;
	char b[FMT_BUFSZ];
	int i, n = chart_ticks(lo, hi, step, v, CHART_MAX_TICKS);

	for (i = 0; i < n; i++) {
		double x = vmap(v[i], lo, hi, p.x, p.x + p.w);
		if (v[i] > hi + step * 1e-6 || v[i] < lo - step * 1e-6)
			continue;
		vline(g->cr, x, p.y, p.y + p.h, C_GRID, 1);
		tick_label(v[i], step, f, b, sizeof(b));
		gt_text(g, x - g->fs * 3, p.y + p.h + 3, g->fs * 6, b, ts, 0,
		    C_DIM, AL_CENTRE);
	}
	hline(g->cr, p.x, p.x + p.w, p.y + p.h, C_AXIS, 1);
}

/* ---- bars --------------------------------------------------------------- */

static int
get_items(const struct chart_spec *s, const struct dtab *t, struct item **it,
    size_t *nit, size_t *n, int *dec, char *err, size_t errlen)
{
	int owned = chart_items(s, t, it, nit, dec, err, errlen);

	if (owned < 0)
		return -1;
	*n = *nit;
	if (s->top > 0 && *n > (size_t)s->top)
		*n = (size_t)s->top;
	return owned;
}

static const char *
value_col_name(const struct chart_spec *s, const struct dtab *t)
{
	long lc, vc;
	char e[8];

	if (chart_label_value(s, t, &lc, &vc, e, sizeof(e)) == -1 || vc < 0)
		return s->value;
	return t->hdr[vc];
}

static int
g_hbar(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f;
	char vb[FMT_BUFSZ], at[256];
	size_t n, nit, i, shown;
	double vmin = 0, vmax = 0, lw = 0, vw = 0, lo, hi, step, rowh, bh, k,
	    fs = g->fs;
	struct box p;
	int dec, owned;

	if ((owned = get_items(s, t, &it, &nit, &n, &dec, err, errlen)) < 0)
		return -1;
	if (n == 0) {
		gt_message(g, b, "no data yet", C_DIM);
		chart_items_free(it, nit, owned);
		return 0;
	}
	chart_numfmt(s, g->env, dec, &f);
	shown = dcount((b.h - fs * 3.2) / (fs * 1.35));
	if (shown < 1)
		shown = 1;
	if (shown > n)
		shown = n;
	for (i = 0; i < shown; i++) {
		if ((k = gt_width(g, it[i].label, fs, 0)) > lw)
			lw = k;
		fmt_number(it[i].v, &f, vb, sizeof(vb));
		if ((k = gt_width(g, vb, fs * 0.9, 1)) > vw)
			vw = k;
		vmin = fmin(vmin, it[i].v);
		vmax = fmax(vmax, it[i].v);
	}
	if (lw > b.w * 0.35)
		lw = b.w * 0.35;
	p.x = b.x + lw + fs * 0.6;
	p.y = b.y + fs * 0.3;
	p.w = b.w - (p.x - b.x) - vw - fs * 0.8;
	p.h = b.h - fs * 3.3;
	if (p.w < fs * 2 || p.h < fs) {
		snprintf(err, errlen, "%s: too small for a bar chart",
		    t->name);
		chart_items_free(it, nit, owned);
		return -1;
	}
	value_range(s, vmin, vmax, p.w, fs, &lo, &hi, &step);
	xaxis_values(g, p, lo, hi, step, &f);
	axis_title(s, value_col_name(s, t), at, sizeof(at));
	gt_text(g, p.x, p.y + p.h + fs * 1.35, p.w, at, fs * 0.85, 0, C_DIM,
	    AL_CENTRE);
	rowh = p.h / (double)(shown + (shown < n));
	bh = fmin(rowh * 0.72, fs * 2.2);
	for (i = 0; i < shown; i++) {
		double cy = p.y + rowh * ((double)i + 0.5);
		double x0 = vmap(0 > lo ? 0 : lo, lo, hi, p.x, p.x + p.w);
		double x1 = vmap(it[i].v, lo, hi, p.x, p.x + p.w);

		gt_text(g, b.x, cy - fs * 0.65, lw, it[i].label, fs, 0, C_TEXT,
		    AL_RIGHT);
		bar_rect(g->cr, x0, cy - bh / 2, x1 - x0, bh, 0);
		fmt_number(it[i].v, &f, vb, sizeof(vb));
		gt_text(g, fmax(x0, x1) + fs * 0.3, cy - fs * 0.6, vw + fs, vb,
		    fs * 0.9, 1, C_TEXT, AL_LEFT);
	}
	if (shown < n) {
		snprintf(at, sizeof(at), "… %zu more", n - shown);
		gt_text(g, p.x + 4, p.y + rowh * ((double)shown + 0.5) -
		    fs * 0.6, p.w, at, fs * 0.9, 0, C_DIM, AL_LEFT);
	}
	chart_items_free(it, nit, owned);
	return 0;
}

static int
g_bar(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f;
	char vb[FMT_BUFSZ], at[256];
	size_t n, nit, i, every;
	double vmin = 0, vmax = 0, lo, hi, step, slot, bw, tw, fs = g->fs;
	struct box p;
	int dec, owned;

	if ((owned = get_items(s, t, &it, &nit, &n, &dec, err, errlen)) < 0)
		return -1;
	if (n == 0) {
		gt_message(g, b, "no data yet", C_DIM);
		chart_items_free(it, nit, owned);
		return 0;
	}
	if ((double)n > b.w / 3)
		n = dcount(b.w / 3);	/* at least 3 units a bar */
	chart_numfmt(s, g->env, dec, &f);
	for (i = 0; i < n; i++) {
		vmin = fmin(vmin, it[i].v);
		vmax = fmax(vmax, it[i].v);
	}
	p.y = b.y + fs * 1.2;
	p.h = b.h - fs * 3.0 - fs * 1.2;
	value_range(s, vmin, vmax, p.h, fs, &lo, &hi, &step);
	tw = ticks_width(g, lo, hi, step, &f, fs * 0.85);
	p.x = b.x + tw + fs * 1.8;
	p.w = b.w - (p.x - b.x) - fs * 0.5;
	if (p.w < fs * 2 || p.h < fs * 2) {
		snprintf(err, errlen, "%s: too small for a bar chart",
		    t->name);
		chart_items_free(it, nit, owned);
		return -1;
	}
	yaxis(g, p, lo, hi, step, &f);
	axis_title(s, value_col_name(s, t), at, sizeof(at));
	gt_text(g, b.x, b.y, b.w, at, fs * 0.85, 0, C_DIM, AL_LEFT);
	slot = p.w / (double)n;
	bw = slot * 0.7;
	every = dcount(ceil(fs * 3 / slot));
	if (every < 1)
		every = 1;
	for (i = 0; i < n; i++) {
		double cx = p.x + slot * ((double)i + 0.5);
		double y0 = vmap(0 > lo ? 0 : lo, lo, hi, p.y + p.h, p.y);
		double y1 = vmap(it[i].v, lo, hi, p.y + p.h, p.y);

		bar_rect(g->cr, cx - bw / 2, y0, bw, y1 - y0, 0);
		if (slot >= fs * 2.5) {
			fmt_compact(it[i].v, &f, vb, sizeof(vb));
			gt_text(g, cx - slot / 2, fmin(y0, y1) - fs * 1.1,
			    slot, vb, fs * 0.8, 1, C_TEXT, AL_CENTRE);
		}
		if (i % every == 0)
			gt_text(g, cx - slot * every / 2.0, p.y + p.h + 3,
			    slot * (double)every, it[i].label, fs * 0.85, 0,
			    C_TEXT, AL_CENTRE);
	}
	chart_items_free(it, nit, owned);
	return 0;
}

static int
g_share(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	struct item *it;
	struct fmt_num f;
	char vb[FMT_BUFSZ], line[FMT_BUFSZ + 32];
	size_t n, nit, i, k, shown;
	double sum = 0, other = 0, r, cx, cy, a = -M_PI / 2, lx, ly, rowh,
	    fs = g->fs;
	int dec, owned;

	if ((owned = get_items(s, t, &it, &nit, &n, &dec, err, errlen)) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (it[i].v > 0)
			sum += it[i].v;
	if (sum <= 0) {
		gt_message(g, b, "no data yet", C_DIM);
		chart_items_free(it, nit, owned);
		return 0;
	}
	chart_numfmt(s, g->env, dec, &f);
	/* Seven slices at most; the rest is "other". */
	shown = n > GFX_NPAL - 1 ? GFX_NPAL - 1 : n;
	for (i = shown; i < n; i++)
		if (it[i].v > 0)
			other += it[i].v;
	r = fmin(b.h * 0.46, b.w * 0.2);
	if (r < fs) {
		snprintf(err, errlen, "%s: too small for a share chart",
		    t->name);
		chart_items_free(it, nit, owned);
		return -1;
	}
	cx = b.x + r + fs * 0.5;
	cy = b.y + b.h / 2;
	for (k = 0; k <= shown; k++) {
		double v = k < shown ? it[k].v : other, da;
		if (!(v > 0))
			continue;
		da = v / sum * 2 * M_PI;
		cairo_move_to(g->cr, cx, cy);
		cairo_arc(g->cr, cx, cy, r, a, a + da);
		cairo_close_path(g->cr);
		set_pal(g->cr, (int)k);
		cairo_fill_preserve(g->cr);
		cairo_set_source_rgb(g->cr, 1, 1, 1);
		cairo_set_line_width(g->cr, 1.5);
		cairo_stroke(g->cr);
		a += da;
	}
	/* A hole: a donut reads as shares, not as a pie of areas. */
	cairo_arc(g->cr, cx, cy, r * 0.5, 0, 2 * M_PI);
	set_rgb(g->cr, C_PANEL);
	cairo_fill(g->cr);
	/* The legend: swatch, label, share and value. */
	lx = cx + r + fs;
	rowh = fs * 1.5;
	ly = cy - rowh * (double)(shown + (other > 0)) / 2;
	if (ly < b.y)
		ly = b.y;
	for (k = 0; k <= shown; k++) {
		double v = k < shown ? it[k].v : other, wv;
		const char *lab = k < shown ? it[k].label : "other";
		if (k == shown && !(other > 0))
			break;
		if (ly + rowh > b.y + b.h)
			break;
		cairo_rectangle(g->cr, lx, ly + fs * 0.2, fs, fs);
		set_pal(g->cr, (int)k);
		cairo_fill_preserve(g->cr);
		cairo_set_source_rgba(g->cr, 0, 0, 0, 0.35);
		cairo_set_line_width(g->cr, 0.6);
		cairo_stroke(g->cr);
		fmt_compact(v, &f, vb, sizeof(vb));
		snprintf(line, sizeof(line), "%.1f%%  %s", v > 0 ? v / sum *
		    100 : 0.0, vb);
		wv = gt_width(g, line, fs * 0.9, 0);
		if (b.x + b.w - wv - lx < fs * 7) {	/* narrow: the share */
			snprintf(line, sizeof(line), "%.0f%%", v > 0 ? v /
			    sum * 100 : 0.0);
			wv = gt_width(g, line, fs * 0.9, 0);
		}
		gt_text(g, b.x + b.w - wv - 2, ly, wv + 2, line, fs * 0.9, 0,
		    C_TEXT, AL_RIGHT);
		gt_text(g, lx + fs * 1.4, ly, b.x + b.w - wv - fs * 0.8 -
		    (lx + fs * 1.4), lab, fs, 0, C_TEXT, AL_LEFT);
		ly += rowh;
	}
	chart_items_free(it, nit, owned);
	return 0;
}

/* ---- series ------------------------------------------------------------- */

static void
set_dash(cairo_t *cr, int i, double lw)
{
	static const double pat[][4] = {
		{ 0, 0, 0, 0 }, { 6, 3, 0, 0 }, { 1.5, 2.5, 0, 0 },
		{ 8, 3, 1.5, 3 }, { 3, 3, 0, 0 }, { 10, 4, 0, 0 },
	};
	static const int len[] = { 0, 2, 2, 4, 2, 2 };
	double d[4];
	int k = i % 6, j;

	for (j = 0; j < len[k]; j++)
		d[j] = pat[k][j] * lw;
	cairo_set_dash(cr, d, len[k], 0);
}

/* The legend of a series chart along the top of b: the height used. */
static double
legend(struct gctx *g, struct box b, const struct seriesset *ss, int lines)
{
	double x = b.x, y = b.y, fs = g->fs, rowh = fs * 1.4, w;
	size_t i;

	for (i = 0; i < ss->ns; i++) {
		w = fs * 2.4 + fmin(gt_width(g, ss->s[i].name, fs * 0.9, 0),
		    b.w * 0.5);
		if (x > b.x && x + w > b.x + b.w) {
			x = b.x;
			y += rowh;
		}
		if (y + rowh > b.y + b.h)
			break;
		if (lines) {
			set_pal(g->cr, (int)i);
			cairo_set_line_width(g->cr, 2);
			set_dash(g->cr, (int)i, 2);
			cairo_move_to(g->cr, x, y + fs * 0.65);
			cairo_line_to(g->cr, x + fs * 1.6, y + fs * 0.65);
			cairo_stroke(g->cr);
			cairo_set_dash(g->cr, NULL, 0, 0);
		}
		gt_text(g, x + fs * 1.9, y, w - fs * 2.2, ss->s[i].name,
		    fs * 0.9, 0, C_TEXT, AL_LEFT);
		x += w + fs;
	}
	return y + rowh - b.y;
}

/* The label of x position v (span: the range shown) into b: a time as
 * much of it as the span needs, a number, a category, or a row number. */
static const char *
gx_label(const struct seriesset *ss, double v, double span, char *b,
    size_t cap)
{
	struct li_tm tm;
	long i;

	switch (ss->xk) {
	case X_TIME:
		tm_from_epoch((int64_t)llround(v), &tm);
		if (span < 3600)
			snprintf(b, cap, "%02d:%02d:%02d", tm.hour, tm.min,
			    tm.sec);
		else if (span < 2 * 86400)
			snprintf(b, cap, "%02d:%02d", tm.hour, tm.min);
		else if (span < 300 * 86400)
			snprintf(b, cap, "%02d-%02d", tm.mon, tm.day);
		else
			snprintf(b, cap, "%04d-%02d", tm.year, tm.mon);
		return b;
	case X_CAT:
		i = lround(v);
		if (!(v >= 0) || i < 0 || (size_t)i >= ss->ncat)
			return "";
		return ss->cats[i];
	case X_NUM:
		snprintf(b, cap, "%g", v);
		return b;
	default:
		snprintf(b, cap, "%.0f", v + 1);
		return b;
	}
}

static int
g_line(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	struct seriesset ss;
	struct fmt_num f;
	double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY,
	    ymax = -INFINITY, lo, hi, step, tw, lh, span, fs = g->fs;
	char xb[128], at[256];
	struct box p;
	size_t i, j;
	int nx, k;

	if (ss_get(s, t, &ss, 1, err, errlen) == -1)
		return -1;
	for (i = 0; i < ss.ns; i++)
		for (j = 0; j < ss.s[i].n; j++) {
			double y = ss.s[i].y[j];
			xmin = fmin(xmin, ss.s[i].x[j]);
			xmax = fmax(xmax, ss.s[i].x[j]);
			if (!isnan(y)) {
				ymin = fmin(ymin, y);
				ymax = fmax(ymax, y);
			}
		}
	if (!isfinite(ymin) || !isfinite(xmin)) {
		gt_message(g, b, "no data yet", C_DIM);
		ss_free(&ss);
		return 0;
	}
	chart_numfmt(s, g->env, ss.dec, &f);
	lh = legend(g, b, &ss, 1);
	p.y = b.y + lh + fs * 0.6;
	p.h = b.h - (p.y - b.y) - fs * 1.6;
	value_range(s, ymin, ymax, p.h, fs, &lo, &hi, &step);
	tw = ticks_width(g, lo, hi, step, &f, fs * 0.85);
	p.x = b.x + tw + fs * 0.9;
	p.w = b.w - (p.x - b.x) - fs;
	if (p.w < fs * 3 || p.h < fs * 2) {
		snprintf(err, errlen, "%s: too small for a line chart",
		    t->name);
		ss_free(&ss);
		return -1;
	}
	yaxis(g, p, lo, hi, step, &f);
	hline(g->cr, p.x, p.x + p.w, p.y + p.h, C_AXIS, 1);
	/* x labels: every category that fits, or evenly spaced. */
	span = xmax - xmin;
	nx = (int)dcount(p.w / (fs * 7));
	if (nx < 2)
		nx = 2;
	if (ss.xk == X_CAT && (double)ss.ncat <= (double)nx * 1.5)
		nx = (int)ss.ncat;
	for (k = 0; k < nx; k++) {
		double xv = nx == 1 ? xmin : xmin + span * k / (nx - 1), px;
		const char *one;

		if (ss.xk == X_CAT || ss.xk == X_INDEX)
			xv = round(xv);
		one = gx_label(&ss, xv, span, xb, sizeof(xb));
		px = span > 0 ? p.x + (xv - xmin) / span * p.w : p.x + p.w / 2;
		vline(g->cr, px, p.y + p.h, p.y + p.h + 3, C_AXIS, 1);
		/* The first label starts at its tick, the last ends at it. */
		if (nx > 1 && k == 0)
			gt_text(g, px, p.y + p.h + 4, p.w / nx, one, fs * 0.8,
			    0, C_DIM, AL_LEFT);
		else if (nx > 1 && k == nx - 1)
			gt_text(g, px - p.w / nx, p.y + p.h + 4, p.w / nx, one,
			    fs * 0.8, 0, C_DIM, AL_RIGHT);
		else
			gt_text(g, px - p.w / nx / 2, p.y + p.h + 4, p.w / nx,
			    one, fs * 0.8, 0, C_DIM, AL_CENTRE);
	}
	/* The lines, broken at unknown values; dots when points are few. */
	cairo_save(g->cr);
	cairo_rectangle(g->cr, p.x, p.y - 2, p.w + 2, p.h + 4);
	cairo_clip(g->cr);
	cairo_set_line_join(g->cr, CAIRO_LINE_JOIN_ROUND);
	for (i = 0; i < ss.ns; i++) {
		const struct series *se = &ss.s[i];
		int pen = 0;
		for (j = 0; j < se->n; j++) {
			double px, py;
			if (isnan(se->y[j])) {
				pen = 0;
				continue;
			}
			px = span > 0 ? p.x + (se->x[j] - xmin) / span * p.w :
			    p.x + p.w / 2;
			py = vmap(se->y[j], lo, hi, p.y + p.h, p.y);
			if (pen)
				cairo_line_to(g->cr, px, py);
			else
				cairo_move_to(g->cr, px, py);
			pen = 1;
		}
		set_pal(g->cr, (int)i);
		cairo_set_line_width(g->cr, 2);
		set_dash(g->cr, (int)i, 2);
		cairo_stroke(g->cr);
		cairo_set_dash(g->cr, NULL, 0, 0);
		if ((double)se->n * fs * 0.8 < p.w)
			for (j = 0; j < se->n; j++) {
				double px, py;
				if (isnan(se->y[j]))
					continue;
				px = span > 0 ? p.x + (se->x[j] - xmin) /
				    span * p.w : p.x + p.w / 2;
				py = vmap(se->y[j], lo, hi, p.y + p.h, p.y);
				cairo_arc(g->cr, px, py, 2.5, 0, 2 * M_PI);
				cairo_fill(g->cr);
			}
	}
	cairo_restore(g->cr);
	(void)at;
	ss_free(&ss);
	return 0;
}

static int
g_spark(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	struct seriesset ss;
	struct fmt_num f;
	double rowh, nw = 0, vw = 0, fs = g->fs;
	char vb[FMT_BUFSZ];
	size_t i, j, shown;

	if (ss_get(s, t, &ss, 0, err, errlen) == -1)
		return -1;
	if (ss.ns == 0) {
		gt_message(g, b, "no data yet", C_DIM);
		ss_free(&ss);
		return 0;
	}
	chart_numfmt(s, g->env, ss.dec, &f);
	shown = ss.ns;
	if ((double)shown * fs * 1.6 > b.h)
		shown = dcount(b.h / (fs * 1.6));
	if (shown < 1) {
		snprintf(err, errlen, "%s: too low for sparklines", t->name);
		ss_free(&ss);
		return -1;
	}
	for (i = 0; i < shown; i++) {
		nw = fmax(nw, gt_width(g, ss.s[i].name, fs, 0));
		vw = fmax(vw, fs * 7);
	}
	nw = fmin(nw, b.w * 0.3);
	rowh = fmin(b.h / (double)shown, fs * 4);
	for (i = 0; i < shown; i++) {
		const struct series *se = &ss.s[i];
		double lo = INFINITY, hi = -INFINITY, last = NAN, y0 =
		    b.y + rowh * (double)i, x0 = b.x + nw + fs * 0.6,
		    w = b.w - nw - vw - fs * 1.2, x, y;
		int pen = 0;

		for (j = 0; j < se->n; j++)
			if (!isnan(se->y[j])) {
				lo = fmin(lo, se->y[j]);
				hi = fmax(hi, se->y[j]);
				last = se->y[j];
			}
		if (s->has_min)
			lo = s->min;
		if (s->has_max)
			hi = s->max;
		gt_text(g, b.x, y0 + rowh / 2 - fs * 0.65, nw, se->name, fs, 0,
		    C_TEXT, AL_RIGHT);
		if (!isnan(last)) {
			fmt_number(last, &f, vb, sizeof(vb));
			gt_text(g, b.x + b.w - vw, y0 + rowh / 2 - fs * 0.65, vw,
			    vb, fs, 1, C_TEXT, AL_RIGHT);
		}
		if (w < 4 || !isfinite(lo))
			continue;
		if (!(hi > lo))
			hi = lo + 1;
		hline(g->cr, x0, x0 + w, y0 + rowh * 0.85, C_GRID, 1);
		for (j = 0; j < se->n; j++) {
			if (isnan(se->y[j])) {
				pen = 0;
				continue;
			}
			x = se->n > 1 ? x0 + w * (double)j / (double)(se->n -
			    1) : x0 + w / 2;
			y = vmap(se->y[j], lo, hi, y0 + rowh * 0.85, y0 +
			    rowh * 0.15);
			if (pen)
				cairo_line_to(g->cr, x, y);
			else
				cairo_move_to(g->cr, x, y);
			pen = 1;
		}
		set_pal(g->cr, (int)i);
		cairo_set_line_width(g->cr, 1.6);
		cairo_stroke(g->cr);
	}
	ss_free(&ss);
	return 0;
}

/* ---- table and KPI cards ------------------------------------------------ */

#define TCOLS_MAX	32

/* The text of cell r, c: numbers formatted with the grouping. */
static void
cell_text(struct gctx *g, const struct chart_spec *s, const struct dtab *t,
    size_t r, long c, long vc, int num, char *b, size_t cap)
{
	const char *v = dtab_get(t, r, (size_t)c);
	struct fmt_num f;
	double d;

	if (num && fmt_parse_num(v, &d) == 0) {
		chart_numfmt(s, g->env, fmt_decimals_of(v) > 2 ? 2 :
		    fmt_decimals_of(v), &f);
		if (c != vc) {
			f.prefix = NULL;
			f.suffix = NULL;
		}
		fmt_number(d, &f, b, cap);
		return;
	}
	snprintf(b, cap, "%s", v);
}

struct rowkey {
	double v;		/* NaN: unknown */
	size_t row;
};

/* By value, unknown last, then by row: the text table's order. */
static int
cmp_rowkey(const void *a, const void *b)
{
	const struct rowkey *x = a, *y = b;

	if (isnan(x->v) != isnan(y->v))
		return isnan(x->v) ? 1 : -1;
	if (!isnan(x->v) && x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

static int
g_table(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	char buf[4096], *names[TCOLS_MAX], cb[LABEL_MAX];
	long cols[TCOLS_MAX], vc = -1, sevc = -1;
	int ncols = 0, i, num[TCOLS_MAX], alerts = s->kind == CH_ALERTS;
	double wid[TCOLS_MAX], total = 0, rowh, y, x, fs = g->fs * 0.95;
	size_t *order = NULL, n = 0, r, from = chart_first_row(s, t), shown;
	int rc = -1;

	if (s->columns) {
		if ((ncols = chart_split_names(s->columns, buf, sizeof(buf),
		    names, TCOLS_MAX)) < 1) {
			snprintf(err, errlen, "%s: bad column list '%s'",
			    t->name, s->columns);
			return -1;
		}
		for (i = 0; i < ncols; i++)
			if (chart_need_col(t, names[i], &cols[i], err,
			    errlen) == -1)
				return -1;
	} else if (alerts) {
		/* Alert events (time, status) or active alerts (since). */
		static const char *const want[] = { "time", "since", "status",
		    "severity", "alert", "key", "message" };
		for (i = 0; i < 7; i++) {
			long c = dtab_col(t, want[i]);
			if (c >= 0 && (b.w > fs * 50 || i != 3))
				cols[ncols++] = c;
		}
		if (ncols == 0) {
			snprintf(err, errlen, "%s: not an alert events file "
			    "(no time,status,alert,... columns)", t->name);
			return -1;
		}
		sevc = dtab_col(t, "severity");
	} else {
		ncols = t->ncol > TCOLS_MAX ? TCOLS_MAX : (int)t->ncol;
		for (i = 0; i < ncols; i++)
			cols[i] = i;
	}
	if (s->value && chart_need_col(t, s->value, &vc, err, errlen) == -1)
		return -1;
	if ((order = malloc((t->nrow + 1) * sizeof(*order))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r = from; r < t->nrow; r++)
		order[n++] = r;
	if (vc >= 0 && s->sort != SORT_NONE) {
		struct rowkey *rk = malloc((n + 1) * sizeof(*rk));
		double v;
		int k;

		if (rk == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (r = 0; r < n; r++) {
			if ((k = dtab_num(t, order[r], (size_t)vc, &v, err,
			    errlen)) < 0) {
				free(rk);
				goto out;
			}
			/* Unknown values go last either way. */
			rk[r].v = k == 1 ? NAN : s->sort == SORT_ASC ? v : -v;
			rk[r].row = order[r];
		}
		qsort(rk, n, sizeof(*rk), cmp_rowkey);
		for (r = 0; r < n; r++)
			order[r] = rk[r].row;
		free(rk);
	}
	/* An events log is newest last: newest first here.  Active alerts
	 * come most severe first already. */
	if (s->reverse || (alerts && dtab_col(t, "time") >= 0))
		for (r = 0; r < n / 2; r++) {
			size_t tmp = order[r];
			order[r] = order[n - 1 - r];
			order[n - 1 - r] = tmp;
		}
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	rowh = fs * 1.5;
	shown = b.h > rowh * 2 ? dcount((b.h - rowh) / rowh) : 0;
	if (shown > n)
		shown = n;
	if (shown < n && shown > 0)
		shown--;	/* the line that says how many more */
	for (i = 0; i < ncols; i++) {
		num[i] = dtab_numeric(t, (size_t)cols[i]);
		wid[i] = gt_width(g, t->hdr[cols[i]], fs, 1);
		for (r = 0; r < shown; r++) {
			cell_text(g, s, t, order[r], cols[i], vc, num[i], cb,
			    sizeof(cb));
			wid[i] = fmax(wid[i], gt_width(g, cb, fs, 0));
		}
		wid[i] = fmin(wid[i], b.w * 0.45) + fs;
		total += wid[i];
	}
	if (total > b.w)	/* shrink the widest first */
		for (i = 0; i < ncols; i++)
			wid[i] *= b.w / total;
	x = b.x;
	for (i = 0; i < ncols; i++) {
		gt_text(g, x, b.y, wid[i] - fs * 0.6, t->hdr[cols[i]], fs, 1,
		    C_TEXT, num[i] ? AL_RIGHT : AL_LEFT);
		x += wid[i];
	}
	hline(g->cr, b.x, b.x + b.w, b.y + rowh - 2, C_AXIS, 1);
	y = b.y + rowh;
	for (r = 0; r < shown; r++, y += rowh) {
		const double *c = C_TEXT;
		if (sevc >= 0) {
			const char *sv = dtab_get(t, order[r], (size_t)sevc);
			if (strcmp(sv, "critical") == 0)
				c = C_BAD;
		}
		if (r % 2)
			fill_rect(g->cr, b.x, y - 1, b.w, rowh, C_PAGE);
		x = b.x;
		for (i = 0; i < ncols; i++) {
			cell_text(g, s, t, order[r], cols[i], vc, num[i], cb,
			    sizeof(cb));
			gt_text(g, x, y + fs * 0.1, wid[i] - fs * 0.6, cb, fs,
			    cols[i] == vc, c, num[i] ? AL_RIGHT : AL_LEFT);
			x += wid[i];
		}
	}
	if (shown < n) {
		snprintf(cb, sizeof(cb), "… %zu more row%s", n - shown,
		    n - shown == 1 ? "" : "s");
		gt_text(g, b.x, y + fs * 0.1, b.w, cb, fs * 0.9, 0, C_DIM,
		    AL_LEFT);
	}
	if (n == 0)
		gt_text(g, b.x, y + fs * 0.1, b.w, "no rows", fs * 0.9, 0,
		    C_DIM, AL_LEFT);
	rc = 0;
out:
	free(order);
	return rc;
}

static int
g_kpi(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	char vb[FMT_BUFSZ];
	double cw, fs = g->fs;
	struct kpi_cards c;
	int n, i;
	struct fmt_num f;

	if ((n = chart_kpi_cards(s, t, &c, err, errlen)) == -1)
		return -1;
	if (n == 0) {
		gt_message(g, b, "no data yet", C_DIM);
		return 0;
	}
	chart_numfmt(s, g->env, -1, &f);
	cw = b.w / n;
	for (i = 0; i < n; i++) {
		double cx = b.x + cw * i, vs = fmin(b.h * 0.42, fs * 3.2), vwid,
		    vy;

		if (i > 0)
			vline(g->cr, cx, b.y + 4, b.y + b.h - 4, C_GRID, 1);
		gt_text(g, cx + fs * 0.5, b.y, cw - fs, c.labels[i], fs * 0.95,
		    0, C_DIM, AL_CENTRE);
		if (!c.known[i]) {
			gt_text(g, cx, b.y + fs * 1.6, cw, "–", vs, 1, C_DIM,
			    AL_CENTRE);
			continue;
		}
		f.decimals = c.decs[i];
		fmt_number(c.vals[i], &f, vb, sizeof(vb));
		while ((vwid = gt_width(g, vb, vs, 1)) > cw - fs && vs > fs)
			vs *= 0.85;
		if (vwid > cw - fs)
			fmt_compact(c.vals[i], &f, vb, sizeof(vb));
		vy = b.y + fs * 1.5 + fmax(0, (b.h - fs * 3.4 - vs * 1.3) / 2);
		gt_text(g, cx + fs * 0.5, vy, cw - fs, vb, vs, 1, C_TEXT,
		    AL_CENTRE);
		/* The change since the previous frame. */
		if (s->nprev == n && isfinite(s->prev[i]) &&
		    c.vals[i] != s->prev[i]) {
			char d[FMT_BUFSZ + 16];
			double dv = c.vals[i] - s->prev[i];
			struct fmt_num fd = f;

			fd.prefix = NULL;
			fd.suffix = NULL;
			fmt_compact(fabs(dv), &fd, vb, sizeof(vb));
			snprintf(d, sizeof(d), "%s %s%s", dv > 0 ? "▲" : "▼",
			    dv > 0 ? "+" : "−", vb);
			gt_text(g, cx + fs * 0.5, vy + fs * 0.2 + vs * 1.3,
			    cw - fs, d, fs * 0.9, 0, dv > 0 ? C_GOOD : C_BAD,
			    AL_CENTRE);
		}
	}
	s->nprev = n;
	for (i = 0; i < n; i++)
		s->prev[i] = c.known[i] ? c.vals[i] : NAN;
	return 0;
}

/* ---- heat and pop ------------------------------------------------------- */

/* The scale of heat cells: viridis (even steps to the eye, read alike by
 * the colour-blind, its lightness rising steadily), run from light (low)
 * to dark (high), so that more is darker on a screen and in grey. */
static const unsigned char heat_rgb[][3] = {
	{ 253, 231, 37 }, { 109, 205, 89 }, { 53, 183, 121 }, { 31, 158, 137 },
	{ 38, 130, 142 }, { 49, 104, 142 }, { 62, 74, 137 }, { 72, 40, 120 },
	{ 68, 1, 84 },
};
#define HEAT_NSTOP	(sizeof(heat_rgb) / sizeof(heat_rgb[0]))

/* The colour of q in 0..1 (clamped; NaN is 0). */
static void
heat_colour(double q, double c[3])
{
	double at;
	size_t k;
	int i;

	if (!(q >= 0))
		q = 0;
	if (q > 1)
		q = 1;
	at = q * (double)(HEAT_NSTOP - 1);
	k = (size_t)at;
	if (k > HEAT_NSTOP - 2)
		k = HEAT_NSTOP - 2;
	at -= (double)k;
	for (i = 0; i < 3; i++)
		c[i] = (heat_rgb[k][i] + (heat_rgb[k + 1][i] -
		    heat_rgb[k][i]) * at) / 255.0;
}

/* heat: a grid of cells, rows by --label and columns by --x, shaded by
 * value on the scale above; row labels at the left, column labels on
 * top (as many as have room), and the scale under it with its range and
 * the value's name and unit.  A cell no row gave a value is left blank. */
static int
g_heat(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	struct heat_grid hg;
	struct fmt_num f;
	char vb[FMT_BUFSZ], at[300];
	double fs = g->fs, ts = fs * 0.85, lw = 0, cl = 0, k, lo, hi, cw, ch,
	    lgw, ly, gap, c[3];
	struct box p;
	cairo_pattern_t *grad;
	size_t rstep, cstep, st;
	int i, j, rc = -1, blank = 0;

	if (chart_heat_grid(s, t, &hg, err, errlen) == -1)
		goto out;
	if (hg.nr == 0) {
		gt_message(g, b, "no data yet", C_DIM);
		rc = 0;
		goto out;
	}
	chart_numfmt(s, g->env, chart_col_decimals(s, t, hg.vc, 0), &f);
	lo = s->has_min ? s->min : fmin(0, hg.min);
	hi = s->has_max ? s->max : hg.max;
	for (i = 0; i < hg.nr; i++)
		if ((k = gt_width(g, hg.rows[i], ts, 0)) > lw)
			lw = k;
	if ((k = gt_width(g, t->hdr[hg.xc], ts, 0)) > lw)
		lw = k;
	if (lw > b.w * 0.3)
		lw = b.w * 0.3;
	for (j = 0; j < hg.nc; j++)
		if ((k = gt_width(g, hg.cols[j], ts, 0)) > cl)
			cl = k;
	p.x = b.x + lw + fs * 0.5;
	p.y = b.y + fs * 1.3;
	p.w = b.x + b.w - p.x;
	p.h = b.h - fs * 1.3 - fs * 3.2;
	if (p.w < hg.nc || p.h < hg.nr || p.w < fs * 2 || p.h < fs) {
		snprintf(err, errlen, "%s: too small for a %d x %d heat map",
		    t->name, hg.nr, hg.nc);
		goto out;
	}
	cw = p.w / hg.nc;
	ch = fmin(p.h / hg.nr, fs * 2.6);
	p.h = ch * hg.nr;
	gap = cw >= 4 && ch >= 4 ? 1 : 0;
	/* The labels: every rstep-th row and cstep-th column, so that they
	 * do not overlap. */
	rstep = (size_t)ceil(ts * 1.2 / ch);
	cstep = (size_t)ceil((cl + fs * 0.5) / cw);
	for (i = 0; i < hg.nr; i++)
		if ((size_t)i % rstep == 0)
			gt_text(g, b.x, p.y + ch * (i + 0.5) - ts * 0.65, lw,
			    hg.rows[i], ts, 0, C_TEXT, AL_RIGHT);
	for (j = 0; j < hg.nc; j++)
		if ((size_t)j % cstep == 0)
			gt_text(g, p.x + cw * (j + 0.5) - cw * (double)cstep /
			    2, b.y, cw * (double)cstep, hg.cols[j], ts, 0, C_DIM,
			    AL_CENTRE);
	gt_text(g, b.x, b.y, lw, t->hdr[hg.xc], ts, 0, C_DIM, AL_RIGHT);
	for (i = 0; i < hg.nr; i++)
		for (j = 0; j < hg.nc; j++) {
			/* Whole pixels: cells of one colour to their edges. */
			double x = round(p.x + cw * j), y = round(p.y + ch * i);
			double x1 = round(p.x + cw * (j + 1)) - gap;
			double y1 = round(p.y + ch * (i + 1)) - gap;
			if (!hg.have[i * HEAT_MAX + j]) {
				blank = 1;
				continue;
			}
			heat_colour(hi > lo ? (hg.m[i * HEAT_MAX + j] - lo) /
			    (hi - lo) : 1, c);
			fill_rect(g->cr, x, y, fmax(x1 - x, 1), fmax(y1 - y, 1),
			    c);
		}
	/* The scale: a gradient bar, its ends' values, the value's name. */
	ly = p.y + p.h + fs * 0.5;
	lgw = fmin(p.w * 0.5, fs * 14);
	grad = cairo_pattern_create_linear(p.x, 0, p.x + lgw, 0);
	for (st = 0; st < HEAT_NSTOP; st++)
		cairo_pattern_add_color_stop_rgb(grad, (double)st /
		    (double)(HEAT_NSTOP - 1), heat_rgb[st][0] / 255.0,
		    heat_rgb[st][1] / 255.0, heat_rgb[st][2] / 255.0);
	cairo_rectangle(g->cr, p.x, ly, lgw, fs * 0.8);
	cairo_set_source(g->cr, grad);
	cairo_fill_preserve(g->cr);
	cairo_pattern_destroy(grad);
	cairo_set_source_rgba(g->cr, 0, 0, 0, 0.35);
	cairo_set_line_width(g->cr, 0.6);
	cairo_stroke(g->cr);
	fmt_compact(lo, &f, vb, sizeof(vb));
	gt_text(g, p.x, ly + fs * 0.9, lgw / 2, vb, ts, 0, C_DIM, AL_LEFT);
	fmt_compact(hi, &f, vb, sizeof(vb));
	gt_text(g, p.x + lgw / 2, ly + fs * 0.9, lgw / 2, vb, ts, 0, C_DIM,
	    AL_RIGHT);
	axis_title(s, t->hdr[hg.vc], at, sizeof(at));
	if (blank)
		snprintf(at + strlen(at), sizeof(at) - strlen(at),
		    " · blank: no data");
	gt_text(g, p.x + lgw + fs * 0.6, ly - fs * 0.05, p.w - lgw - fs * 0.6,
	    at, ts, 0, C_DIM, AL_LEFT);
	rc = 0;
out:
	chart_heat_grid_free(&hg);
	return rc;
}

/* An arrow of size sz pointing up (or down) in colour c, its box's top
 * left at x, y. */
static void
arrow(cairo_t *cr, double x, double y, double sz, int up, const double c[3])
{
	set_rgb(cr, c);
	if (up) {
		cairo_move_to(cr, x + sz / 2, y);
		cairo_line_to(cr, x + sz, y + sz * 0.8);
		cairo_line_to(cr, x, y + sz * 0.8);
	} else {
		cairo_move_to(cr, x, y + sz * 0.2);
		cairo_line_to(cr, x + sz, y + sz * 0.2);
		cairo_line_to(cr, x + sz / 2, y + sz);
	}
	cairo_close_path(cr);
	cairo_fill(cr);
}

/* The change of a pop row: "+12.3%" (up 1), "−4.5%" (up 0), or "–" (up
 * -1: no value or no reference). */
static int
pop_change(const struct pop_row *r, char *b, size_t cap)
{
	double pct;

	if (r->kv != 0 || r->kr != 0 || r->ref == 0 || !isfinite(r->v) ||
	    !isfinite(r->ref)) {
		snprintf(b, cap, "–");
		return -1;
	}
	pct = (r->v - r->ref) / fabs(r->ref) * 100;
	snprintf(b, cap, "%s%.1f%%", pct >= 0 ? "+" : "−", fabs(pct));
	return pct >= 0;
}

/* pop: a row per --label, each with a bar of the value (palette blue)
 * over a wider grey bar of the reference, on one scale, then the value,
 * an arrow and the change in percent (blue up, vermillion down, and a
 * sign, so that it reads in grey) and the reference; a legend names the
 * two columns. */
static int
g_pop(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	static const double C_REF[3] = { 0.78, 0.78, 0.80 };
	struct pop_row *pr;
	struct fmt_num f;
	char vb[FMT_BUFSZ], pc[64], rb[FMT_BUFSZ + 8];
	double fs = g->fs, lw = 0, vw = 0, pw = 0, rw = 0, k, lo = 0, hi = 0,
	    rowh, bx, bw, x0, legh = fs * 1.5;
	size_t n, i, shown;
	long vc, rc;
	int up;

	if (chart_pop_rows(s, t, &pr, &n, &vc, &rc, err, errlen) == -1)
		return -1;
	if (n == 0) {
		gt_message(g, b, "no data yet", C_DIM);
		free(pr);
		return 0;
	}
	chart_numfmt(s, g->env, chart_col_decimals(s, t, vc, 0), &f);
	shown = dcount((b.h - legh) / (fs * 1.7));
	if (shown < 1)
		shown = 1;
	if (shown > n)
		shown = n;
	for (i = 0; i < shown; i++) {
		if (pr[i].label && (k = gt_width(g, pr[i].label, fs, 0)) > lw)
			lw = k;
		fmt_compact(pr[i].v, &f, vb, sizeof(vb));
		if ((k = gt_width(g, pr[i].kv ? "–" : vb, fs, 1)) > vw)
			vw = k;
		pop_change(&pr[i], pc, sizeof(pc));
		if ((k = gt_width(g, pc, fs, 1)) > pw)
			pw = k;
		fmt_compact(pr[i].ref, &f, vb, sizeof(vb));
		snprintf(rb, sizeof(rb), "vs %s", pr[i].kr ? "–" : vb);
		if ((k = gt_width(g, rb, fs * 0.85, 0)) > rw)
			rw = k;
		if (pr[i].kv == 0 && isfinite(pr[i].v))
			lo = fmin(lo, pr[i].v), hi = fmax(hi, pr[i].v);
		if (pr[i].kr == 0 && isfinite(pr[i].ref))
			lo = fmin(lo, pr[i].ref), hi = fmax(hi, pr[i].ref);
	}
	if (lw > b.w * 0.3)
		lw = b.w * 0.3;
	if (s->has_min)
		lo = s->min;
	if (s->has_max)
		hi = s->max;
	bx = b.x + (lw > 0 ? lw + fs * 0.6 : 0);
	bw = b.x + b.w - bx - (vw + fs * 1.3 + pw + fs * 0.6 + rw + fs * 0.4);
	if (bw < fs * 2) {
		/* No room for the bars: the numbers alone. */
		bw = 0;
	}
	rowh = (b.h - legh) / (double)shown;
	if (rowh > fs * 2.4)
		rowh = fs * 2.4;
	x0 = vmap(0 > lo ? 0 : lo, lo, hi, bx, bx + bw);
	for (i = 0; i < shown; i++) {
		double cy = b.y + rowh * ((double)i + 0.5), tx = bx + bw +
		    fs * 0.4;
		const double *col;

		if (pr[i].label)
			gt_text(g, b.x, cy - fs * 0.65, lw, pr[i].label, fs, 0,
			    C_TEXT, AL_RIGHT);
		if (bw > 0 && pr[i].kr == 0 && isfinite(pr[i].ref)) {
			double x1 = vmap(pr[i].ref, lo, hi, bx, bx + bw);
			fill_rect(g->cr, fmin(x0, x1), cy - rowh * 0.34,
			    fabs(x1 - x0), rowh * 0.68, C_REF);
		}
		if (bw > 0 && pr[i].kv == 0 && isfinite(pr[i].v))
			bar_rect(g->cr, x0, cy - rowh * 0.17, vmap(pr[i].v, lo,
			    hi, bx, bx + bw) - x0, rowh * 0.34, 0);
		fmt_compact(pr[i].v, &f, vb, sizeof(vb));
		gt_text(g, tx, cy - fs * 0.65, vw, pr[i].kv ? "–" : vb, fs, 1,
		    C_TEXT, AL_RIGHT);
		tx += vw + fs * 0.3;
		up = pop_change(&pr[i], pc, sizeof(pc));
		col = up < 0 ? C_DIM : up ? C_GOOD : C_BAD;
		if (up >= 0)
			arrow(g->cr, tx, cy - fs * 0.45, fs * 0.8, up, col);
		tx += fs;
		gt_text(g, tx, cy - fs * 0.65, pw, pc, fs, 1, col, AL_RIGHT);
		tx += pw + fs * 0.6;
		fmt_compact(pr[i].ref, &f, vb, sizeof(vb));
		snprintf(rb, sizeof(rb), "vs %s", pr[i].kr ? "–" : vb);
		gt_text(g, tx, cy - fs * 0.55, rw + 2, rb, fs * 0.85, 0, C_DIM,
		    AL_LEFT);
	}
	if (bw > 0)
		vline(g->cr, x0, b.y, b.y + rowh * (double)shown, C_AXIS, 1);
	/* The legend: which bar is which column (and how many rows more). */
	{
		double ly = b.y + rowh * (double)shown + fs * 0.4, lx = bx;
		bar_rect(g->cr, lx, ly + fs * 0.25, fs * 0.9, fs * 0.4, 0);
		lx += fs * 1.2;
		lx += gt_text(g, lx, ly - fs * 0.05, b.x + b.w - lx,
		    t->hdr[vc], fs * 0.85, 0, C_DIM, AL_LEFT) + fs;
		fill_rect(g->cr, lx, ly + fs * 0.1, fs * 0.9, fs * 0.7, C_REF);
		lx += fs * 1.2;
		lx += gt_text(g, lx, ly - fs * 0.05, b.x + b.w - lx,
		    t->hdr[rc], fs * 0.85, 0, C_DIM, AL_LEFT) + fs;
		if (shown < n) {
			snprintf(rb, sizeof(rb), "… %zu more", n - shown);
			gt_text(g, lx, ly - fs * 0.05, b.x + b.w - lx, rb,
			    fs * 0.85, 0, C_DIM, AL_LEFT);
		}
	}
	free(pr);
	return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

static int
g_chart_body(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, char *err, size_t errlen)
{
	int rc;

	if (s->has_min && s->has_max && !(s->min < s->max)) {
		snprintf(err, errlen, "min (%g) must be less than max (%g)",
		    s->min, s->max);
		return -1;
	}
	cairo_save(g->cr);
	cairo_rectangle(g->cr, b.x - 1, b.y - 1, b.w + 2, b.h + 2);
	cairo_clip(g->cr);
	switch (s->kind) {
	case CH_BAR:
		rc = g_bar(g, b, s, t, err, errlen);
		break;
	case CH_HBAR:
		rc = g_hbar(g, b, s, t, err, errlen);
		break;
	case CH_SHARE:
		rc = g_share(g, b, s, t, err, errlen);
		break;
	case CH_LINE:
		rc = g_line(g, b, s, t, err, errlen);
		break;
	case CH_SPARK:
		rc = g_spark(g, b, s, t, err, errlen);
		break;
	case CH_TABLE:
	case CH_ALERTS:
		rc = g_table(g, b, s, t, err, errlen);
		break;
	case CH_KPI:
		rc = g_kpi(g, b, s, t, err, errlen);
		break;
	case CH_HEAT:
		rc = g_heat(g, b, s, t, err, errlen);
		break;
	case CH_POP:
		rc = g_pop(g, b, s, t, err, errlen);
		break;
	default:
		snprintf(err, errlen, "unknown chart kind");
		rc = -1;
	}
	cairo_restore(g->cr);
	return rc;
}

/* A panel: a card with its title and the chart, or the reason it cannot
 * be drawn. */
static void
g_panel(struct gctx *g, struct box b, struct chart_spec *s,
    const struct dtab *t, const char *loaderr)
{
	char err[512];
	const char *title = s->title ? s->title : s->file ? s->file : "";
	double pad = g->fs * 0.7;
	struct box in;

	fill_rect(g->cr, b.x, b.y, b.w, b.h, C_PANEL);
	set_rgb(g->cr, C_BORDER);
	cairo_set_line_width(g->cr, 1);
	cairo_rectangle(g->cr, floor(b.x) + 0.5, floor(b.y) + 0.5,
	    floor(b.w) - 1, floor(b.h) - 1);
	cairo_stroke(g->cr);
	in.x = b.x + pad;
	in.y = b.y + pad * 0.7;
	in.w = b.w - 2 * pad;
	if (s->kind != CH_KPI || s->label || (s->value && strchr(s->value,
	    ','))) {
		gt_text(g, in.x, in.y, in.w, title, g->fs * 1.1, 1, C_TEXT,
		    AL_LEFT);
		in.y += g->fs * 1.9;
	}
	in.h = b.y + b.h - pad * 0.7 - in.y;
	if (in.w < 4 || in.h < 4)
		return;
	if (t == NULL) {
		gt_message(g, in, loaderr, C_BAD);
		return;
	}
	if (g_chart_body(g, in, s, t, err, sizeof(err)) == -1) {
		cairo_save(g->cr);
		fill_rect(g->cr, in.x, in.y, in.w, in.h, C_PANEL);
		cairo_restore(g->cr);
		gt_message(g, in, err, C_BAD);
	}
}

/* ---- surfaces ----------------------------------------------------------- */

static cairo_status_t
sb_writer(void *closure, const unsigned char *data, unsigned int len)
{
	return sb_add(closure, (const char *)data, len) == 0 ?
	    CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

struct surf {
	enum gfx_format f;
	cairo_surface_t *s;
	struct gctx g;
	struct strbuf *out;
};

static int
surf_open(struct surf *su, enum gfx_format f, int w, int h,
    const struct chart_env *env, double fs, struct strbuf *out, char *err,
    size_t errlen)
{
	memset(su, 0, sizeof(*su));
	su->f = f;
	su->out = out;
	if (f == GFX_PNG)
		su->s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	else if (f == GFX_SVG)
		su->s = cairo_svg_surface_create_for_stream(sb_writer, out, w,
		    h);
	else
		su->s = cairo_pdf_surface_create_for_stream(sb_writer, out, w,
		    h);
	if (cairo_surface_status(su->s) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, errlen, "cairo: %s",
		    cairo_status_to_string(cairo_surface_status(su->s)));
		cairo_surface_destroy(su->s);
		su->s = NULL;
		return -1;
	}
	if (f == GFX_PDF)
		cairo_pdf_surface_set_metadata(su->s, CAIRO_PDF_METADATA_CREATOR,
		    "LiveInsight render " LI_VERSION);
	su->g.cr = cairo_create(su->s);
	su->g.pl = pango_cairo_create_layout(su->g.cr);
	su->g.fd = pango_font_description_from_string(FONT_FAMILY);
	pango_layout_set_single_paragraph_mode(su->g.pl, TRUE);
	pango_layout_set_ellipsize(su->g.pl, PANGO_ELLIPSIZE_END);
	su->g.fs = fs;
	su->g.env = env;
	return 0;
}

/* libpng's write callback: append to the strbuf. */
static void
png_sb_write(png_structp png, png_bytep data, png_size_t len)
{
	struct strbuf *b = png_get_io_ptr(png);

	if (sb_add(b, (const char *)data, len) == -1)
		png_error(png, "out of memory");
}

static void
png_sb_flush(png_structp png)
{
	(void)png;
}

/* The image surface as an RGB PNG, by libpng at zlib level 1 with the
 * "up" filter: cairo's own writer takes its defaults, which spend four
 * times as long in zlib for a picture some 15% smaller.  The pictures
 * are drawn on an opaque background: alpha is dropped.  Returns 0, or -1
 * with a message in err. */
static int
png_encode(cairo_surface_t *img, struct strbuf *out, char *err,
    size_t errlen)
{
	int w = cairo_image_surface_get_width(img),
	    h = cairo_image_surface_get_height(img),
	    stride = cairo_image_surface_get_stride(img), x, y;
	const unsigned char *px = cairo_image_surface_get_data(img);
	png_structp png;
	png_infop info = NULL;
	unsigned char *row;
	volatile int rc = -1;

	if ((row = malloc((size_t)w * 3)) == NULL) {
		snprintf(err, errlen, "png: out of memory");
		return -1;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
	    NULL);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		snprintf(err, errlen, "png: out of memory");
		goto out;
	}
	if (setjmp(png_jmpbuf(png))) {
		snprintf(err, errlen, "png: cannot encode");
		goto out;
	}
	png_set_write_fn(png, out, png_sb_write, png_sb_flush);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
	    PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_set_compression_level(png, 1);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
	png_write_info(png, info);
	for (y = 0; y < h; y++) {
		const uint32_t *src = (const uint32_t *)(const void *)(px +
		    (size_t)y * (size_t)stride);
		for (x = 0; x < w; x++) {
			row[x * 3] = (unsigned char)(src[x] >> 16);
			row[x * 3 + 1] = (unsigned char)(src[x] >> 8);
			row[x * 3 + 2] = (unsigned char)src[x];
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	rc = 0;
out:
	png_destroy_write_struct(&png, info ? &info : NULL);
	free(row);
	return rc;
}

/* Finish the picture into su->out; frees su.  Returns 0 or -1. */
static int
surf_close(struct surf *su, int ok, char *err, size_t errlen)
{
	cairo_status_t st;
	int rc = -1;

	if (su->g.fd)
		pango_font_description_free(su->g.fd);
	if (su->g.pl)
		g_object_unref(su->g.pl);
	st = cairo_status(su->g.cr);
	cairo_destroy(su->g.cr);
	if (ok && st != CAIRO_STATUS_SUCCESS)
		snprintf(err, errlen, "cairo: %s", cairo_status_to_string(st));
	else if (ok && su->f == GFX_PNG) {
		cairo_surface_flush(su->s);
		rc = png_encode(su->s, su->out, err, errlen);
	} else if (ok) {
		cairo_surface_finish(su->s);
		st = cairo_surface_status(su->s);
		if (st != CAIRO_STATUS_SUCCESS)
			snprintf(err, errlen, "cairo: %s",
			    cairo_status_to_string(st));
		else
			rc = 0;
	}
	cairo_surface_destroy(su->s);
	if (rc == 0 && su->out->p == NULL) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	return rc;
}

/* The base font size for a picture of w x h. */
static double
base_font(int w, int h, double div)
{
	double fs = fmin(w, h * 1.6) / div;

	return fs < 8 ? 8 : fs > 18 ? 18 : fs;
}

int
gfx_chart(enum gfx_format f, int w, int h, struct chart_spec *s,
    const struct dtab *t, const struct chart_env *env, struct strbuf *out,
    char *err, size_t errlen)
{
	struct surf su;
	struct box b;
	double fs = base_font(w, h, 60), m = fs;
	int rc;

	if (surf_open(&su, f, w, h, env, fs, out, err, errlen) == -1)
		return -1;
	fill_rect(su.g.cr, 0, 0, w, h, C_PANEL);
	b.x = m;
	b.y = m * 0.8;
	b.w = w - 2 * m;
	b.h = h - 1.6 * m;
	if (s->title && *s->title && s->kind != CH_KPI) {
		gt_text(&su.g, b.x, b.y, b.w, s->title, fs * 1.3, 1, C_TEXT,
		    AL_LEFT);
		b.y += fs * 2.2;
		b.h -= fs * 2.2;
	}
	if (b.w < 8 || b.h < 8) {
		snprintf(err, errlen, "the picture is too small");
		rc = -1;
	} else
		rc = g_chart_body(&su.g, b, s, t, err, errlen);
	return surf_close(&su, rc == 0, err, errlen) == 0 && rc == 0 ? 0 : -1;
}

struct dtab *
gfx_load(const char *dir, const struct chart_spec *s, char *err,
    size_t errlen)
{
	char path[PATH_MAX];
	int n;

	if (s->file == NULL) {
		snprintf(err, errlen, "no file");
		return NULL;
	}
	if (s->file[0] == '/')
		n = snprintf(path, sizeof(path), "%s", s->file);
	else
		n = snprintf(path, sizeof(path), "%s/%s", dir, s->file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, errlen, "%s: %s", s->file,
		    strerror(ENAMETOOLONG));
		return NULL;
	}
	/* Files read with last= are streams being appended to. */
	return dtab_read_path(path, s->file, s->last > 0 ? (size_t)s->last :
	    0, s->last > 0 ? DATA_APPENDED : 0, err, errlen);
}

/* Row heights in units: fixed rows count their lines, weighted rows
 * share what is left of a frame of `lines` lines. */
static void
row_heights(const struct layout *l, double avail, double lh, double *hts)
{
	double fixed = 0, wsum = 0, left, scale = 1;
	int i;

	for (i = 0; i < l->nrows; i++) {
		if (l->rows[i].height)
			fixed += l->rows[i].height * lh;
		else
			wsum += l->rows[i].weight;
	}
	if (fixed > avail * (wsum > 0 ? 0.5 : 1))
		scale = avail * (wsum > 0 ? 0.5 : 1) / fixed;
	left = avail - fixed * scale;
	for (i = 0; i < l->nrows; i++)
		hts[i] = l->rows[i].height ? l->rows[i].height * lh * scale :
		    wsum > 0 ? left * l->rows[i].weight / wsum : 0;
}

/* Draw layout l on g's surface of w x h. */
static void
draw_layout(struct gctx *g, int w, int h, struct layout *l, const char *dir,
    const char *status)
{
	double fs = g->fs, gap = fs * 0.6, hdr = fs * 2.6,
	    hts[LAYOUT_MAX_ROWS] = { 0 }, y;
	const char *title = l->title ? l->title : "LiveInsight";
	static const double white[3] = { 1, 1, 1 };
	static const double light[3] = { 0.85, 0.85, 0.85 };
	double tw;
	int i, j;

	fill_rect(g->cr, 0, 0, w, h, C_PAGE);
	fill_rect(g->cr, 0, 0, w, hdr, C_TEXT);
	tw = gt_text(g, gap * 1.5, hdr / 2 - fs * 0.8, w * 0.6, title,
	    fs * 1.3, 1, white, AL_LEFT);
	if (status && *status)
		gt_text(g, tw + gap * 4, hdr / 2 - fs * 0.65, w - tw - gap * 5.5,
		    status, fs, 0, light, AL_RIGHT);
	row_heights(l, h - hdr - gap * (l->nrows + 1), fs * 1.9, hts);
	y = hdr + gap;
	for (i = 0; i < l->nrows; i++) {
		const struct layout_row *r = &l->rows[i];
		double x = gap, ws = 0, avail = w - gap * (r->n + 1);

		for (j = 0; j < r->n; j++)
			ws += l->panels[r->first + j].weight;
		for (j = 0; j < r->n; j++) {
			struct chart_spec *s = &l->panels[r->first + j];
			double pw = avail * s->weight / (ws > 0 ? ws : 1);
			char lerr[512];
			struct dtab *t = NULL;
			struct box b = { x, y, pw, hts[i] };

			lerr[0] = '\0';
			if (!sig_stop)
				t = gfx_load(dir, s, lerr, sizeof(lerr));
			else
				snprintf(lerr, sizeof(lerr), "interrupted");
			g_panel(g, b, s, t, lerr);
			dtab_free(t);
			x += pw + gap;
		}
		y += hts[i] + gap;
	}
}

static struct chart_env
layout_env(const struct layout *l, const struct chart_env *env)
{
	struct chart_env e = *env;

	if (l->grouping >= 0 && env->grouping == FMT_WESTERN)
		e.grouping = (enum fmt_grouping)l->grouping;
	return e;
}

int
gfx_layout(enum gfx_format f, int w, int h, struct layout *l,
    const char *dir, const struct chart_env *env, const char *status,
    struct strbuf *out, char *err, size_t errlen)
{
	struct surf su;
	struct chart_env e = layout_env(l, env);

	if (surf_open(&su, f, w, h, &e, base_font(w, h, 100), out, err,
	    errlen) == -1)
		return -1;
	draw_layout(&su.g, w, h, l, dir, status);
	return surf_close(&su, 1, err, errlen);
}

int
gfx_report_pdf(int w, int h, struct layout *l, const char *dir,
    const struct chart_env *env, const char *status,
    const char *const *titles, const struct dtab *const *tables, int n,
    struct strbuf *out, char *err, size_t errlen)
{
	struct surf su;
	struct chart_env e = layout_env(l, env);
	double fs = base_font(w, h, 100), y, left;
	int i;

	if (surf_open(&su, GFX_PDF, w, h, &e, fs, out, err, errlen) == -1)
		return -1;
	draw_layout(&su.g, w, h, l, dir, status);
	if (n > 0) {
		cairo_show_page(su.g.cr);
		fill_rect(su.g.cr, 0, 0, w, h, C_PANEL);
	}
	y = fs * 2;
	for (i = 0; i < n; i++) {
		struct chart_spec s;
		struct box b;
		char terr[512];

		left = (h - fs * 2 - y) / (n - i);
		gt_text(&su.g, fs * 2, y, w - fs * 4, titles[i], fs * 1.4, 1,
		    C_TEXT, AL_LEFT);
		b.x = fs * 2;
		b.y = y + fs * 2.4;
		b.w = w - fs * 4;
		b.h = left - fs * 3.4;
		if (tables[i] == NULL || tables[i]->nrow == 0)
			gt_text(&su.g, b.x, b.y, b.w, tables[i] ? "none" :
			    "no such file", fs, 0, C_DIM, AL_LEFT);
		else {
			chart_spec_init(&s, CH_TABLE);
			if (g_table(&su.g, b, &s, tables[i], terr,
			    sizeof(terr)) == -1)
				gt_message(&su.g, b, terr, C_BAD);
		}
		y += left;
	}
	return surf_close(&su, 1, err, errlen);
}

int
gfx_panel(enum gfx_format f, int w, int h, struct chart_spec *s,
    const struct dtab *t, const char *loaderr, const struct chart_env *env,
    struct strbuf *out, char *err, size_t errlen)
{
	struct surf su;
	struct box b = { 0, 0, w, h };

	/* The size of the layout picture's text: the page shows the panels
	 * at about the size they have in a 1600-wide layout. */
	if (surf_open(&su, f, w, h, env, 14, out, err, errlen) == -1)
		return -1;
	g_panel(&su.g, b, s, t, loaderr ? loaderr : "cannot read");
	return surf_close(&su, 1, err, errlen);
}

int
gfx_write(const char *path, const struct strbuf *buf, char *err,
    size_t errlen)
{
	if (strcmp(path, "-") == 0) {
		if (writeall(STDOUT_FILENO, buf->p, buf->len) == -1) {
			snprintf(err, errlen, "stdout: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (atomic_write(path, buf->p, buf->len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

void
gfx_cleanup(void)
{
	/* Pango's default font map holds cairo's fonts and fontconfig's
	 * patterns; dropping it frees them.  cairo_debug_reset_static_data()
	 * is not called: it asserts while a PDF or SVG surface's font
	 * subsets are still cached, and what it frees stays reachable. */
	pango_cairo_font_map_set_default(NULL);
}
