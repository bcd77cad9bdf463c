#ifndef ALERTD_INVENTORY_H
#define ALERTD_INVENTORY_H
/* Stock levels and days until stock-out.
 *
 * The starting stock comes from a file (Product,Stock or
 * BranchName,Product,Stock); units sold come from each snapshot's
 * product_inventory_usage.csv (Product,TotalUnitsSold, optionally with a
 * BranchName column).  With S the starting stock, U the units sold so far
 * and V the sales velocity in units a day:
 *
 *	left = S - U,  days_left = max(left, 0) / V   (infinite when V = 0)
 *
 * V is measured over a window of time (window=): the change in U between
 * the newest snapshot and the newest one at least a window older (or the
 * oldest kept), over the time between them; or, with span=, it is U over
 * the span of sales the snapshot covers (U / span in days). */
#include <stddef.h>

#define INV_OBS		64
#define INV_STOCK_MAX	(16 << 20)	/* bytes of a stock file */

struct inv_obs {
	double t, sold;
};

struct inv_item {
	char *key;		/* "Product" or "Branch/Product" (owned) */
	double stock;		/* starting stock */
	double sold;		/* units sold so far (latest snapshot) */
	int seen;		/* in the latest snapshot */
	struct inv_obs cur;	/* latest observation */
	struct inv_obs hist[INV_OBS];	/* older ones, oldest first */
	size_t nhist;
	int have_cur;
};

struct inventory {
	struct inv_item *items;
	size_t n, cap;
	int per_branch;		/* the stock file names branches */
	struct strmap *map;	/* key -> item index */
	size_t unknown;		/* usage rows with no stock entry */
};

/* The days-left formula: remaining stock over units a day. */
double inv_days_left(double stock, double sold, double per_day);

struct inventory *inv_new(void);
void inv_free(struct inventory *inv);

/* Read a stock file (a regular file of at most INV_STOCK_MAX bytes).
 * Returns 0, or -1 with "FILE:LINE: reason" in err. */
int inv_load_stock(struct inventory *inv, const char *path, char *err,
    size_t errlen);

/* Feed one snapshot's usage: inv_usage_begin(), then inv_usage_row() for
 * each row (branch NULL when the file has none), then inv_usage_end() with
 * the snapshot's time.  Returns 0, or -1 on ENOMEM. */
void inv_usage_begin(struct inventory *inv);
int inv_usage_row(struct inventory *inv, const char *branch,
    const char *product, double sold);
void inv_usage_end(struct inventory *inv, double now, double window_s);

/* Units a day for item it: over span_s when it is above 0, else over the
 * observations within window_s.  Returns 0, or -1 when not yet known. */
int inv_velocity(const struct inv_item *it, double window_s, double span_s,
    double *per_day);

#endif
