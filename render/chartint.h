#ifndef RENDER_CHARTINT_H
#define RENDER_CHARTINT_H
/* What the chart modules share: column lookup, label/value items, the
 * value axis, and the drawing function of each kind.  Private to render. */
#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "chart.h"
#include "data.h"
#include "fmt.h"

#define NAMES_MAX	CHART_MAX_SERIES

struct item {
	const char *label;
	double v;
};

/* v rounded to the nearest integer and kept in [lo, hi]; NaN gives lo.
 * Every double that becomes a cell position goes through it. */
int chart_iround(double v, int lo, int hi);

/* 1 every 1024th row once SIGINT or SIGTERM has come (sig_stop): the
 * long loops over rows give up, so that the dashboard ends at once.  The
 * message is "name: interrupted". */
int chart_stopped(size_t row, const struct dtab *t, char *err,
    size_t errlen);

/* The most ticks a value axis has. */
#define CHART_MAX_TICKS	64

/* The ticks lo, lo+step, ... up to hi (and half a step past it), at most
 * max of them, into v; the count.  A step that is not a positive finite
 * number gives just lo and hi. */
int chart_ticks(double lo, double hi, double step, double *v, int max);

/* Colour of series i. */
uint8_t chart_pal(int i);

/* Column name of t into *out; -1 with "file: no column 'x'" in err. */
int chart_need_col(const struct dtab *t, const char *name, long *out,
    char *err, size_t errlen);
/* First column (not skip) that is all numbers (num) or not; -1 if none. */
long chart_first_col(const struct dtab *t, int num, long skip);
/* Split a comma list into buf; names point into buf.  Count or -1. */
int chart_split_names(const char *list, char *buf, size_t cap, char **names,
    int max);
/* Decimals to show for col: the spec's, or the data's (at most 2). */
int chart_col_decimals(const struct chart_spec *s, const struct dtab *t,
    long col, size_t from);
/* First row to use (last=N). */
size_t chart_first_row(const struct chart_spec *s, const struct dtab *t);
void chart_numfmt(const struct chart_spec *s, const struct chart_env *env,
    int dec, struct fmt_num *f);
/* The label and value columns of a one-value chart. */
/* The cards of a KPI chart: with a label column, a card per row (label,
 * value column); else a card per value column (--value's list, or every
 * numeric column) from the last row.  Strings point into t or c->buf. */
struct kpi_cards {
	char buf[1024], *names[CHART_MAX_CARDS];
	const char *labels[CHART_MAX_CARDS];
	double vals[CHART_MAX_CARDS];
	int known[CHART_MAX_CARDS], decs[CHART_MAX_CARDS];
};
/* Fill c: the number of cards (0: no data yet), or -1 with err set. */
int chart_kpi_cards(const struct chart_spec *s, const struct dtab *t,
    struct kpi_cards *c, char *err, size_t errlen);
int chart_label_value(const struct chart_spec *s, const struct dtab *t,
    long *lc, long *vc, char *err, size_t errlen);
/* Items summed per label, sorted, in *out (the caller's, with
 * chart_items_free).  Returns -1, or 0/1 to pass to chart_items_free. */
int chart_items(const struct chart_spec *s, const struct dtab *t,
    struct item **out, size_t *nout, int *dec, char *err, size_t errlen);
void chart_items_free(struct item *it, size_t n, int owned);
/* A dim message in the middle of the rectangle; the lines used, down
 * to its last. */
int chart_no_data(struct canvas *cv, int x, int y, int w, int h,
    const char *what);
/* Width of the tick labels of lo..hi by step, and the axis itself. */
int chart_axis_width(double lo, double hi, double step,
    const struct fmt_num *f);
void chart_vaxis(struct canvas *cv, int x, int y, int lw, int ph, double lo,
    double hi, double step, const struct fmt_num *f);

#define CHART_DRAW_ARGS struct canvas *cv, int x, int y, int w, int h, \
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env, \
    char *err, size_t errlen
int chart_hbar(CHART_DRAW_ARGS);	/* bars.c */
int chart_bar(CHART_DRAW_ARGS);
int chart_share(CHART_DRAW_ARGS);
int chart_line(CHART_DRAW_ARGS);	/* plot.c */
int chart_spark(CHART_DRAW_ARGS);
int chart_table(CHART_DRAW_ARGS);	/* table.c */
int chart_alerts(CHART_DRAW_ARGS);	/* alerts.c */
int chart_heat(CHART_DRAW_ARGS);	/* heat.c */
int chart_pop(CHART_DRAW_ARGS);

/* The cells of a heat chart, for the terminal and the pictures: rows by
 * --label, columns by --x, cells the --value summed (chart_heat says
 * what the defaults are).  Names point into the table. */
#define HEAT_MAX	256	/* rows and columns kept */
struct heat_grid {
	const char *rows[HEAT_MAX], *cols[HEAT_MAX];
	int nr, nc;
	double *m;		/* cell (i, j) at m[i * HEAT_MAX + j] */
	unsigned char *have;	/* 1 where a row gave the cell a value */
	double min, max;	/* of the cells with a value */
	long vc, lc, xc;	/* the value, row and column columns */
};
/* Fill g from t: 0 (g->nr 0: no data yet), or -1 with err set.  The
 * caller frees g with chart_heat_grid_free, either way. */
int chart_heat_grid(const struct chart_spec *s, const struct dtab *t,
    struct heat_grid *g, char *err, size_t errlen);
void chart_heat_grid_free(struct heat_grid *g);

/* The rows of a pop chart: label (NULL without a label column), value
 * and reference, each with dtab_num's result (0: a number, 1: empty). */
struct pop_row {
	const char *label;
	double v, ref;
	int kv, kr;
};
/* The rows of t (from chart_first_row) in *rows, n of them (0: no data
 * yet), malloc'd for the caller, and the value and reference columns in
 * *vc and *rc.  Returns 0, or -1 with err set. */
int chart_pop_rows(const struct chart_spec *s, const struct dtab *t,
    struct pop_row **rows, size_t *n, long *vc, long *rc, char *err,
    size_t errlen);

/* What table_draw draws of a table: columns cols[0..ncols), rows
 * order[0..n), each in style[i] (NULL: plain). */
struct table_view {
	long cols[64];
	int ncols;
	size_t *order, n;
	const uint8_t *style;
	long vc;		/* the value column (prefix, suffix), or -1 */
	int keep;		/* the first keep columns shrink last */
	const char *empty;	/* said when there are no rows */
};

/* Draw v of t in x, y, w, h (h >= 2).  Returns the lines used. */
int table_draw(struct canvas *cv, int x, int y, int w, int h,
    const struct chart_spec *s, const struct dtab *t,
    const struct chart_env *env, const struct table_view *v);
int chart_kpi(CHART_DRAW_ARGS);

#endif
