#ifndef RENDER_SERIES_H
#define RENDER_SERIES_H
/* Series of points from a table, for line charts and sparklines: the
 * value columns (or one series per value of --series), and the x axis
 * (times, numbers, or text in axis order).  Private to render. */
#include "chartint.h"

struct strmap;

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


/* Read the series of spec s from t into ss; want_x: find an x column when
 * s has none.  Returns 0, or -1 with a message in err (ss is freed). */
int ss_get(const struct chart_spec *s, const struct dtab *t,
    struct seriesset *ss, int want_x, char *err, size_t errlen);
void ss_free(struct seriesset *ss);

#endif
