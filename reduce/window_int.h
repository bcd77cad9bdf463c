/* Private to reduce/window.c, wincsv.c and winstate.c: the windows of a
 * windowed aggregate (see window.c's opening comment). */
#ifndef REDUCE_WINDOW_INT_H
#define REDUCE_WINDOW_INT_H

#include "agg_int.h"

struct win {
	int64_t start;
	struct table t;
};

struct lref {
	int64_t start;
	uint32_t g;
};

struct wtable {
	int64_t size, hop;
	int64_t pane;		/* gcd(size, hop) */
	int discrete;		/* w holds windows, not panes (merge) */
	size_t hint;
	struct win *cur;	/* the pane of the last row, or NULL */
	int64_t next_event;	/* the watermark that closes or drops next */
	int64_t late_w, t_late;	/* a row before t_late is late at late_w */
	int late_ok;
	size_t wkey;		/* the window's place among the keys */
	struct win **w;		/* open windows, by start */
	size_t nw, wcap;
	FILE *fp;		/* the closed-windows file, or NULL */
	char *path;
	uint64_t saved_len;	/* its length at the loaded checkpoint */
	int have_saved;
	struct lref *lmap;	/* groups of the "g" lines being loaded */
	size_t ln, lcap;
};

/* A group of a window: window index << 32 | group. */
struct wg {
	uint32_t w, g;
};

/* x / d rounded toward minus infinity (d > 0). */
int64_t win_floor_div(int64_t x, int64_t d);
/* The current watermark (wm_has). */
int64_t win_wm_now(const struct agg *a);
/* The window or pane of wt starting at start, made when new (its index
 * in *at); NULL on ENOMEM. */
struct win *win_get(const struct table *tmpl, int64_t start, size_t *at);
/* Merge the groups of table st (template stmpl, of src) into dt
 * (template dtmpl, of dst), keys by their text.  0, or -1 on ENOMEM. */
int win_tab_merge(struct agg *dst, const struct table *dtmpl,
    struct table *dt, const struct agg *src, const struct table *stmpl,
    const struct table *st);
/* Free the n windows of v. */
void win_drop_all(struct win **v, long n);
/* The open windows of t, made from its panes, in *out: their number, or
 * -1 on ENOMEM. */
long win_open_windows(struct agg *a, struct table *t, struct win ***out);
/* The groups of windows w[0..nw) in output order (by the other keys,
 * then the window's start), their number in *n; NULL on ENOMEM
 * (wincsv.c). */
struct wg *win_sorted_groups(const struct agg *a, const struct table *t,
    struct win **w, size_t nw, size_t *n);
/* Write the groups v[0..n) of windows w as CSV rows (wincsv.c). */
void win_put_rows(FILE *fp, const struct agg *a, const struct table *t,
    struct win **w, const struct wg *v, size_t n);

#endif
