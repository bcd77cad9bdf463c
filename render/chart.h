#ifndef RENDER_CHART_H
#define RENDER_CHART_H
/* The chart types, drawn from a table into a rectangle of a canvas. */
#include <stddef.h>

#include "canvas.h"
#include "data.h"
#include "fmt.h"

enum chart_kind {
	CH_BAR, CH_HBAR, CH_SHARE, CH_LINE, CH_SPARK, CH_TABLE, CH_KPI,
	CH_ALERTS, CH_HEAT, CH_POP, CH_NKIND
};

enum chart_sort { SORT_NONE, SORT_DESC, SORT_ASC, SORT_LABEL };

#define CHART_MAX_SERIES	16
#define CHART_MAX_CARDS		16

/* What to draw: the options of one chart or dashboard panel.  Strings
 * are owned by whoever fills the spec. */
struct chart_spec {
	enum chart_kind kind;
	char *title;
	char *file;		/* dashboard: file in the snapshot dir */
	char *label;		/* label column */
	char *value;		/* value column(s), comma-separated */
	char *series;		/* series column (line, spark) */
	char *x;		/* x column (line) */
	char *columns;		/* table columns, comma-separated */
	char *prefix, *suffix;
	int top;		/* keep the first N after sorting; 0: all */
	enum chart_sort sort;
	int reverse;		/* table: newest (last) row first */
	long last;		/* use only the last N rows; 0: all */
	int has_min, has_max;
	double min, max;	/* fixed value axis */
	int decimals;		/* -1: from the data */
	int weight;		/* dashboard: share of the row's width */
	/* Kept between frames: the previous KPI values. */
	int nprev;
	double prev[CHART_MAX_CARDS];
};

struct chart_env {
	enum fmt_grouping grouping;
	int color;		/* colours reach the terminal */
};

extern const char *const chart_kind_names[CH_NKIND];

/* The kind called name, or -1. */
int chart_kind_parse(const char *name);

/* Initialise a spec with defaults. */
void chart_spec_init(struct chart_spec *s, enum chart_kind kind);

/* Draw spec's chart of table t into the rectangle x, y, w, h of cv.
 * Returns the lines used, or -1 with a message in err (a missing column,
 * a value that is not a number, too little room). */
int chart_draw(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen);

/* "Nice" axis: lo and hi widened to multiples of a round step
 * (1, 2 or 5 times a power of ten), with at most maxticks ticks. */
void chart_nice(double lo, double hi, int maxticks, double *nlo, double *nhi,
    double *step);

/* Columns of a bar of value v when max maps to width w, in eighths of a
 * cell (rounded to the nearest eighth). */
long chart_scale8(double v, double max, int w);

#endif
