/* Event-time windows of the aggregate engine (agg.h): window assignment,
 * the watermark, closing windows into their closed-windows file, and the
 * windows' part of snapshots, checkpoints and merges.
 *
 * A windowed aggregate keeps one table (agg_int.h) per pane, in start
 * order: panes are gcd(SIZE, HOP) long, so a row updates one pane however
 * many windows hold it, and a window is the merge of its panes, made when
 * it is written (snapshot, closing).  A pane leaves memory when the last
 * window that holds it is closed.  The aggregate's own table is the
 * template of the panes', its keys the aggregate's but the window.
 *
 * A --merge engine keeps whole windows instead ("discrete"): each part's
 * open windows, made from its panes, so that what a part has closed is
 * never counted again.  Times are seconds as if UTC: the
 * till's wall-clock time, as the derived time fields read it, so a 1d
 * window is a calendar day and a 1h window a clock hour, whatever TZ is.
 * A window [start, start + size) holds the rows at or after its start and
 * before its end; starts are the multiples of the hop. */
#include "agg_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "money.h"
#include "timefield.h"

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

static int64_t
floor_div(int64_t x, int64_t d)
{
	return (x >= 0 ? x / d : -((-x + d - 1) / d));
}

/* The current watermark (wm_has). */
static int64_t
wm_now(const struct agg *a)
{
	int64_t w = a->wm_max - a->lateness;

	return a->wm_on && w > a->wm_closed ? w : a->wm_closed;
}

/* ==== setup ============================================================== */

int
win_setup(struct agg *a, struct table *t)
{
	struct wtable *wt = calloc(1, sizeof(*wt));

	if (wt == NULL)
		return -1;
	wt->size = t->sa->wsize;
	wt->hop = t->sa->whop;
	for (int64_t x = wt->size, y = wt->hop; ; ) {
		int64_t r = x % y;
		if (r == 0) {
			wt->pane = y;
			break;
		}
		x = y;
		y = r;
	}
	wt->wkey = (size_t)t->sa->wkey;
	t->win = wt;
	a->nwin++;
	return 0;
}

static void
win_drop(struct win *w)
{
	agg_table_release(&w->t);
	free(w);
}

void
win_free(struct table *t)
{
	struct wtable *wt = t->win;
	size_t i;

	if (wt == NULL)
		return;
	for (i = 0; i < wt->nw; i++)
		win_drop(wt->w[i]);
	free(wt->w);
	if (wt->fp != NULL)
		fclose(wt->fp);
	free(wt->path);
	free(wt->lmap);
	free(wt);
	t->win = NULL;
}

size_t
agg_nwindowed(const struct agg *a)
{
	return a->nwin;
}

void
agg_set_watermark(struct agg *a, int64_t lateness)
{
	a->wm_on = 1;
	a->lateness = lateness;
}

int
agg_watermark(const struct agg *a, int64_t *secs)
{
	if (!a->wm_has)
		return 0;
	*secs = wm_now(a);
	return 1;
}

uint64_t
agg_late(const struct agg *a)
{
	return a->late;
}

uint64_t
agg_filtered(const struct agg *a)
{
	return a->filtered;
}

void
agg_set_since(struct agg *a, int64_t since, int tod)
{
	a->since_on = 1;
	a->since = since;
	a->since_tod = tod;
}

void
agg_set_until(struct agg *a, int64_t until, int tod)
{
	a->until_on = 1;
	a->until = until;
	a->until_tod = tod;
}

/* ==== windows ============================================================ */

/* The index of the first window starting at or after start. */
static size_t
win_find(const struct wtable *wt, int64_t start)
{
	size_t lo = 0, hi = wt->nw;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (wt->w[mid]->start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct win *win_alloc(const struct table *tmpl, int64_t start);

/* The window starting at start, made when new (at index *at). */
static struct win *
win_get(const struct table *tmpl, int64_t start, size_t *at)
{
	struct wtable *wt = tmpl->win;
	size_t i = at != NULL && *at < wt->nw && wt->w[*at]->start == start ?
	    *at : win_find(wt, start);
	struct win *w;

	if (i < wt->nw && wt->w[i]->start == start) {
		if (at != NULL)
			*at = i;
		return wt->w[i];
	}
	if (wt->nw == wt->wcap) {
		size_t nc = wt->wcap ? wt->wcap * 2 : 16;
		struct win **nv = realloc(wt->w, nc * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		wt->w = nv;
		wt->wcap = nc;
	}
	if ((w = win_alloc(tmpl, start)) == NULL)
		return NULL;
	memmove(wt->w + i + 1, wt->w + i, (wt->nw - i) * sizeof(*wt->w));
	wt->w[i] = w;
	wt->nw++;
	if (at != NULL)
		*at = i;
	return w;
}

/* A new window or pane of tmpl, empty. */
static struct win *
win_alloc(const struct table *tmpl, int64_t start)
{
	struct win *w;

	if ((w = malloc(sizeof(*w))) == NULL)
		return NULL;
	w->start = start;
	w->t = *tmpl;
	w->t.win = NULL;
	w->t.nwhere = 0;
	w->t.special = 0;
	w->t.ng = w->t.gcap = w->t.dcap = w->t.nslots = 0;
	w->t.mrows = w->t.mcols = 0;
	w->t.nomat = 0;
	w->t.gkeys = NULL;
	w->t.cells = NULL;
	w->t.dmap = NULL;
	w->t.slots = NULL;
	w->t.mat = NULL;
	for (size_t j = 0; j < w->t.m; j++)
		memset(&w->t.ms[j].set, 0, sizeof(w->t.ms[j].set));
	if (w->t.k == 0) {
		/* Group 0 of a table without keys always exists. */
		w->t.cells = calloc(w->t.m ? w->t.m : 1, sizeof(*w->t.cells));
		if (w->t.cells == NULL) {
			free(w);
			return NULL;
		}
		w->t.ng = w->t.gcap = 1;
	}
	return w;
}

/* The first window start holding time x. */
static int64_t
first_start(const struct wtable *wt, int64_t x)
{
	return floor_div(x - wt->size, wt->hop) * wt->hop + wt->hop;
}

int
win_is_late(const struct agg *a, const struct table *t)
{
	struct wtable *wt = t->win;
	int64_t w;

	if (!a->wm_has)
		return 0;
	/* first_start(x) + size <= w exactly when x is before this. */
	w = wm_now(a);
	if (!wt->late_ok || wt->late_w != w) {
		wt->t_late = floor_div(w - wt->size, wt->hop) * wt->hop +
		    wt->size;
		wt->late_w = w;
		wt->late_ok = 1;
	}
	return a->cur_time < wt->t_late;
}

int
win_add(struct agg *a, struct table *t, const uint32_t *ids)
{
	struct wtable *wt = t->win;
	struct win *w = wt->cur;

	if (w == NULL || a->cur_time < w->start || a->cur_time >= w->start +
	    wt->pane) {
		int64_t q = floor_div(a->cur_time, wt->pane) * wt->pane;
		size_t n = wt->nw;
		if ((w = win_get(t, q, &wt->hint)) == NULL)
			return -1;
		if (wt->nw != n && first_start(wt, q) + wt->size <
		    wt->next_event)
			wt->next_event = first_start(wt, q) + wt->size;
		wt->cur = w;
	}
	return agg_table_add(a, &w->t, ids);
}

/* Add table st (a pane or window of the engine src) into dt (of dst),
 * keys by their text.  0, or -1 on ENOMEM. */
static int
tab_merge(struct agg *dst, const struct table *dtmpl, struct table *dt,
    const struct agg *src, const struct table *stmpl, const struct table *st)
{
	uint32_t *gmap;
	size_t j, g, q;
	int rc = -1;

	if ((gmap = malloc((st->ng ? st->ng : 1) * sizeof(*gmap))) == NULL)
		return -1;
	for (g = 0; g < st->ng; g++) {
		uint32_t ids[SPEC_MAXKEYS];
		long id, dg;
		for (j = 0; j < st->k; j++) {
			size_t len;
			const char *k;
			if (src == dst) {
				ids[j] = st->gkeys[g * st->k + j];
				continue;
			}
			k = strmap_key(src->src[stmpl->si[j]].map,
			    st->gkeys[g * st->k + j], &len);
			if ((id = agg_intern(dst, dtmpl->si[j], k, len)) < 0)
				goto out;
			ids[j] = (uint32_t)id;
		}
		if ((dg = agg_group(dt, ids)) < 0)
			goto out;
		gmap[g] = (uint32_t)dg;
		for (j = 0; j < st->m; j++)
			agg_cell_merge(dst, &dtmpl->ms[j],
			    &dt->cells[(size_t)dg * dt->m + j],
			    &st->cells[g * st->m + j]);
	}
	for (j = 0; j < st->m; j++) {
		const struct u64set *set = &st->ms[j].set;
		if (stmpl->ms[j].func != SF_DISTINCT)
			continue;
		for (q = 0; q < set->cap; q++) {
			uint64_t x = set->slot[q];
			const char *k;
			size_t len;
			long id;
			int added;
			if (x == 0)
				continue;
			x--;
			if (src == dst)
				id = (long)(uint32_t)x;
			else {
				k = strmap_key(src->src[stmpl->ms[j].si].map,
				    (uint32_t)x, &len);
				if ((id = agg_intern(dst, dtmpl->ms[j].si, k,
				    len)) < 0)
					goto out;
			}
			added = agg_set_add(&dt->ms[j].set,
			    (uint64_t)gmap[x >> 32] << 32 | (uint32_t)id);
			if (added < 0)
				goto out;
			dt->cells[(size_t)gmap[x >> 32] * dt->m + j].cnt += added;
		}
	}
	rc = 0;
out:
	free(gmap);
	return rc;
}

/* Window s of t (of engine a), made from its panes; *any: whether a pane
 * holds rows of it.  NULL on ENOMEM. */
static struct win *
win_build(struct agg *a, struct table *t, int64_t s, int *any)
{
	struct wtable *wt = t->win;
	struct win *w = win_alloc(t, s);
	size_t i;

	*any = 0;
	if (w == NULL)
		return NULL;
	for (i = win_find(wt, s); i < wt->nw && wt->w[i]->start < s +
	    wt->size; i++) {
		*any = 1;
		if (tab_merge(a, t, &w->t, a, t, &wt->w[i]->t) == -1) {
			win_drop(w);
			return NULL;
		}
	}
	return w;
}

/* The windows of t (panes) whose start is from lo to hi and that hold
 * rows, made from the panes, in start order: *out (the caller frees each
 * and the array).  Their number, or -1 on ENOMEM. */
static long
build_range(struct agg *a, struct table *t, int64_t lo, int64_t hi,
    struct win ***out)
{
	struct wtable *wt = t->win;
	struct win **v = NULL, **nv;
	size_t n = 0, cap = 0, i;
	int64_t s;
	int any;

	*out = NULL;
	for (s = lo; s <= hi; s += wt->hop) {
		struct win *w;
		i = win_find(wt, s);
		if (i == wt->nw)
			break;
		if (wt->w[i]->start >= s + wt->size) {
			/* No pane in [s, s + size): on to the first window
			 * holding the next pane. */
			s = first_start(wt, wt->w[i]->start) - wt->hop;
			continue;
		}
		if ((w = win_build(a, t, s, &any)) == NULL)
			goto fail;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				win_drop(w);
				goto fail;
			}
			v = nv;
		}
		v[n++] = w;
	}
	*out = v;
	return (long)n;
fail:
	for (i = 0; i < n; i++)
		win_drop(v[i]);
	free(v);
	return -1;
}

static void
drop_all(struct win **v, long n)
{
	long i;

	for (i = 0; i < n; i++)
		win_drop(v[i]);
	free(v);
}

/* The open windows of the panes of t: those ending after the watermark. */
static long
open_windows(struct agg *a, struct table *t, struct win ***out)
{
	struct wtable *wt = t->win;
	int64_t lo, hi;

	*out = NULL;
	if (wt->nw == 0)
		return 0;
	lo = first_start(wt, wt->w[0]->start);
	if (a->wm_has && first_start(wt, wm_now(a)) > lo)
		lo = first_start(wt, wm_now(a));
	hi = floor_div(wt->w[wt->nw - 1]->start, wt->hop) * wt->hop;
	return build_range(a, t, lo, hi, out);
}

/* ==== CSV ================================================================ */

static int
put_time(FILE *fp, int64_t secs)
{
	char b[TM_BUFSZ];
	struct li_tm tm;
	size_t n;

	tm_from_epoch(secs, &tm);
	n = tm_fmt_iso(&tm, b);
	return fwrite(b, 1, n, fp) == n ? 0 : -1;
}

static void
put_header(FILE *fp, const struct spec_agg *sa)
{
	size_t j;

	for (j = 0; j < sa->nkeys; j++) {
		if (j > 0)
			putc(',', fp);
		if (sa->wsize > 0 && (int)j == sa->wkey)
			fputs("WindowStart,WindowEnd", fp);
		else
			csvio_put_field(fp, sa->keys[j], strlen(sa->keys[j]),
			    ',');
	}
	for (j = 0; j < sa->nmeas; j++) {
		if (j > 0 || sa->nkeys > 0)
			putc(',', fp);
		csvio_put_field(fp, sa->meas[j].name, strlen(sa->meas[j].name),
		    ',');
	}
	putc('\n', fp);
}

struct wctx {
	const struct agg *a;
	const struct table *t;
	struct win **w;
};

static int
cmp_wg(const void *x, const void *y, void *ctx)
{
	const struct wctx *c = ctx;
	const struct wg *gx = x, *gy = y;
	const struct win *wx = c->w[gx->w], *wy = c->w[gy->w];
	const struct wtable *wt = c->t->win;
	size_t j, kj = 0;

	for (j = 0; j <= c->t->k; j++) {
		const struct strmap *m;
		const char *sx, *sy;
		size_t lx, ly;
		int r;
		if (j == wt->wkey) {
			if (wx->start != wy->start)
				return wx->start < wy->start ? -1 : 1;
			continue;
		}
		m = c->a->src[c->t->si[kj]].map;
		sx = strmap_key(m, wx->t.gkeys[gx->g * c->t->k + kj], &lx);
		sy = strmap_key(m, wy->t.gkeys[gy->g * c->t->k + kj], &ly);
		kj++;
		r = memcmp(sx, sy, lx < ly ? lx : ly);
		if (r != 0)
			return r;
		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	return 0;
}

/* The groups of windows w[0..nw) in output order; NULL on ENOMEM. */
static struct wg *
sorted_groups(const struct agg *a, const struct table *t, struct win **w,
    size_t nw, size_t *n)
{
	struct wctx ctx = { a, t, w };
	struct wg *v;
	size_t i, g, total = 0;

	for (i = 0; i < nw; i++)
		total += w[i]->t.ng;
	if ((v = malloc((total ? total : 1) * sizeof(*v))) == NULL)
		return NULL;
	total = 0;
	for (i = 0; i < nw; i++)
		for (g = 0; g < w[i]->t.ng; g++) {
			v[total].w = (uint32_t)i;
			v[total++].g = (uint32_t)g;
		}
	qsort_r(v, total, sizeof(*v), cmp_wg, &ctx);
	*n = total;
	return v;
}

static void
put_rows(FILE *fp, const struct agg *a, const struct table *t,
    struct win **w, const struct wg *v, size_t n)
{
	const struct wtable *wt = t->win;
	size_t i, j, kj;

	for (i = 0; i < n; i++) {
		const struct win *x = w[v[i].w];
		const struct cell *c = &x->t.cells[(size_t)v[i].g * t->m];
		for (j = 0, kj = 0; j <= t->k; j++) {
			if (j > 0)
				putc(',', fp);
			if (j == wt->wkey) {
				put_time(fp, x->start);
				putc(',', fp);
				put_time(fp, x->start + wt->size);
			} else {
				size_t len;
				const char *s = strmap_key(a->src[t->si[kj]].map,
				    x->t.gkeys[(size_t)v[i].g * t->k + kj], &len);
				csvio_put_field(fp, s, len, ',');
				kj++;
			}
		}
		for (j = 0; j < t->m; j++) {
			putc(',', fp);
			agg_put_cell(fp, a, &x->t.ms[j], &c[j]);
		}
		putc('\n', fp);
	}
}

int
win_write_csv(struct agg *a, size_t i, FILE *fp)
{
	struct table *t = &a->tab[i];
	struct wtable *wt = t->win;
	struct wg *v;
	size_t n;

	struct win **ws = wt->w;
	long nws = (long)wt->nw;

	put_header(fp, t->sa);
	if (!wt->discrete && (nws = open_windows(a, t, &ws)) < 0)
		return -1;
	if ((v = sorted_groups(a, t, ws, (size_t)nws, &n)) == NULL) {
		if (!wt->discrete)
			drop_all(ws, nws);
		return -1;
	}
	put_rows(fp, a, t, ws, v, n);
	free(v);
	if (!wt->discrete)
		drop_all(ws, nws);
	return ferror(fp) ? -1 : 0;
}

/* ==== closing ============================================================ */

/* Write the first n windows of t to its closed file and drop them. */
static void
close_first(struct agg *a, struct table *t, size_t n)
{
	struct wtable *wt = t->win;
	size_t i;

	for (i = 0; i < n; i++) {
		if (wt->fp != NULL && a->win_err == 0) {
			size_t ng;
			struct wg *v = sorted_groups(a, t, &wt->w[i], 1, &ng);
			if (v == NULL)
				a->win_err = ENOMEM;
			else {
				put_rows(wt->fp, a, t, &wt->w[i], v, ng);
				free(v);
			}
		}
		win_drop(wt->w[i]);
	}
	memmove(wt->w, wt->w + n, (wt->nw - n) * sizeof(*wt->w));
	wt->nw -= n;
}

/* Panes: write the windows ending after old (had: there was a
 * watermark) and at or before wm to the closed file, then drop the panes
 * no open window holds. */
static void
close_panes(struct agg *a, struct table *t, int had, int64_t old, int64_t wm)
{
	struct wtable *wt = t->win;
	struct win **v;
	int64_t lo, e;
	long n, i;
	size_t d;

	if (wt->nw == 0 || wm < wt->next_event)
		return;
	lo = first_start(wt, wt->w[0]->start);
	if (had && first_start(wt, old) > lo)
		lo = first_start(wt, old);
	/* Windows ending at or before wm start at or before wm - size. */
	if (wt->fp != NULL && a->win_err == 0 && lo + wt->size <= wm) {
		if ((n = build_range(a, t, lo, floor_div(wm - wt->size,
		    wt->hop) * wt->hop, &v)) < 0)
			a->win_err = ENOMEM;
		for (i = 0; i < n; i++) {
			size_t ng;
			struct wg *g = sorted_groups(a, t, &v[i], 1, &ng);
			if (g == NULL) {
				a->win_err = ENOMEM;
				break;
			}
			put_rows(wt->fp, a, t, &v[i], g, ng);
			free(g);
		}
		if (n > 0)
			drop_all(v, n);
	}
	/* A pane at q is in the windows starting up to q rounded down to
	 * the hop: gone when the last of them is closed. */
	for (d = 0; d < wt->nw && floor_div(wt->w[d]->start, wt->hop) *
	    wt->hop + wt->size <= wm; d++)
		win_drop(wt->w[d]);
	if (d > 0) {
		memmove(wt->w, wt->w + d, (wt->nw - d) * sizeof(*wt->w));
		wt->nw -= d;
		wt->hint = 0;
		wt->cur = NULL;
	}
	/* Nothing happens before the next window that may hold rows ends,
	 * or the first pane's last window does. */
	wt->next_event = INT64_MAX;
	if (wt->nw > 0) {
		lo = first_start(wt, wt->w[0]->start);
		if (first_start(wt, wm) > lo)
			lo = first_start(wt, wm);
		e = floor_div(wt->w[0]->start, wt->hop) * wt->hop + wt->size;
		wt->next_event = lo + wt->size < e ? lo + wt->size : e;
	}
}

/* Close the windows of every table that end at or before wm. */
static void
close_upto(struct agg *a, int had, int64_t old, int64_t wm)
{
	size_t i, n;

	for (i = 0; i < a->ntab; i++) {
		struct table *t = &a->tab[i];
		struct wtable *wt = t->win;
		if (wt == NULL)
			continue;
		if (!wt->discrete) {
			close_panes(a, t, had, old, wm);
			continue;
		}
		for (n = 0; n < wt->nw && wt->w[n]->start + wt->size <= wm; n++)
			;
		if (n > 0)
			close_first(a, t, n);
	}
}

void
win_advance(struct agg *a)
{
	int64_t wm, old = a->wm_closed;
	int had = a->wm_has;

	if (!a->wm_on)
		return;
	if (!a->wm_has) {
		a->wm_max = a->cur_time;
		a->wm_closed = a->cur_time - a->lateness;
		a->wm_has = 1;
	} else if (a->cur_time > a->wm_max)
		a->wm_max = a->cur_time;
	else
		return;
	wm = wm_now(a);
	if (had && wm == old)
		return;
	a->wm_closed = wm;
	close_upto(a, had, old, wm);
}

void
agg_set_merging(struct agg *a)
{
	size_t i;

	for (i = 0; i < a->ntab; i++)
		if (a->tab[i].win != NULL)
			a->tab[i].win->discrete = 1;
}

int
agg_close_windows(struct agg *a)
{
	if (a->wm_has) {
		int64_t old = a->wm_closed;
		a->wm_closed = wm_now(a);
		close_upto(a, 1, old, a->wm_closed);
	}
	if (a->win_err != 0) {
		errno = a->win_err;
		return -1;
	}
	return 0;
}

/* ==== the closed-windows files =========================================== */

int
agg_set_closed(struct agg *a, const char *dir, int resumed, char *err,
    size_t errlen)
{
	size_t i;

	if (a->nwin == 0)
		return 0;
	if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < a->ntab; i++) {
		struct wtable *wt = a->tab[i].win;
		uint64_t size = 0;
		struct stat st;
		int fd, keep;
		if (wt == NULL)
			continue;
		free(wt->path);
		if ((wt->path = malloc(strlen(dir) + strlen(a->tab[i].sa->file) +
		    2)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		sprintf(wt->path, "%s/%s", dir, a->tab[i].sa->file);
		keep = resumed && wt->have_saved;
		fd = open(wt->path, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC |
		    O_NOCTTY | (keep ? 0 : O_TRUNC), 0666);
		if (fd == -1 && errno == ENXIO)
			errno = EINVAL;
		if (fd == -1 || fstat(fd, &st) == -1) {
			snprintf(err, errlen, "%s: %s", wt->path,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%s: not a regular file",
			    wt->path);
			close(fd);
			return -1;
		}
		if (keep) {
			size = wt->saved_len;
			if ((uint64_t)st.st_size < size && st.st_size != 0) {
				snprintf(err, errlen, "%s: %lld bytes, shorter "
				    "than the %llu at the checkpoint; move it "
				    "away to start a new one", wt->path,
				    (long long)st.st_size,
				    (unsigned long long)size);
				close(fd);
				return -1;
			}
			if ((uint64_t)st.st_size < size)
				size = 0;	/* gone or emptied: again */
			/* Drop what was written after the checkpoint. */
			if (ftruncate(fd, (off_t)size) == -1 ||
			    lseek(fd, 0, SEEK_END) == -1) {
				snprintf(err, errlen, "%s: %s", wt->path,
				    strerror(errno));
				close(fd);
				return -1;
			}
		}
		if ((wt->fp = fdopen(fd, "w")) == NULL) {
			snprintf(err, errlen, "%s: %s", wt->path,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if (size == 0)
			put_header(wt->fp, a->tab[i].sa);
	}
	return 0;
}

int
win_flush(struct agg *a, int nosync)
{
	size_t i;

	if (a->win_err != 0) {
		errno = a->win_err;
		return -1;
	}
	for (i = 0; i < a->ntab; i++) {
		struct wtable *wt = a->tab[i].win;
		if (wt == NULL || wt->fp == NULL)
			continue;
		if (fflush(wt->fp) == EOF || ferror(wt->fp) ||
		    (!nosync && fsync(fileno(wt->fp)) == -1))
			return -1;
	}
	return 0;
}

/* ==== checkpoints ======================================================== */

static void
put_i64(FILE *fp, int64_t v)
{
	char b[MONEY_BUFSZ];

	putc(',', fp);
	fwrite(b, 1, int_format(v, b), fp);
}

void
win_save(struct agg *a, struct table *t, FILE *fp)
{
	struct wtable *wt = t->win;
	size_t i, j, g, q, total = 0, base;

	for (i = 0; i < wt->nw; i++)
		total += wt->w[i]->t.ng;
	if (wt->discrete) {
		fputs("wmode,", fp);
		csvio_put_field(fp, t->sa->file, strlen(t->sa->file), ',');
		fputs(",windows\n", fp);
	}
	fputs("table,", fp);
	csvio_put_field(fp, t->sa->file, strlen(t->sa->file), ',');
	put_i64(fp, (int64_t)total);
	putc('\n', fp);
	for (i = 0; i < wt->nw; i++) {
		const struct win *w = wt->w[i];
		for (g = 0; g < w->t.ng; g++) {
			size_t kj = 0;
			fputs("g", fp);
			for (j = 0; j <= t->k; j++) {
				if (j == wt->wkey) {
					put_i64(fp, w->start);
					continue;
				}
				size_t len;
				const char *s = strmap_key(a->src[t->si[kj]].map,
				    w->t.gkeys[g * t->k + kj], &len);
				putc(',', fp);
				csvio_put_field(fp, s, len, ',');
				kj++;
			}
			for (j = 0; j < t->m; j++) {
				const struct cell *c = &w->t.cells[g * t->m + j];
				put_i64(fp, c->sum);
				put_i64(fp, c->cnt);
				put_i64(fp, c->min);
				put_i64(fp, c->max);
			}
			putc('\n', fp);
		}
	}
	for (i = 0, base = 0; i < wt->nw; base += wt->w[i]->t.ng, i++) {
		const struct win *w = wt->w[i];
		for (j = 0; j < t->m; j++) {
			const struct u64set *s = &w->t.ms[j].set;
			if (t->ms[j].func != SF_DISTINCT)
				continue;
			for (q = 0; q < s->cap; q++) {
				uint64_t x = s->slot[q];
				size_t len;
				const char *k;
				if (x == 0)
					continue;
				x--;
				fputs("d", fp);
				put_i64(fp, (int64_t)(base + (x >> 32)));
				put_i64(fp, (int64_t)j);
				k = strmap_key(a->src[t->ms[j].si].map,
				    (uint32_t)x, &len);
				putc(',', fp);
				csvio_put_field(fp, k, len, ',');
				putc('\n', fp);
			}
		}
	}
}

void
win_save_state(struct agg *a, FILE *fp)
{
	size_t i;

	if (a->nwin == 0 && !a->since_on && !a->until_on && a->late == 0 &&
	    a->filtered == 0)
		return;
	fputs("wm", fp);
	if (a->wm_has) {
		put_i64(fp, a->wm_max);
		put_i64(fp, wm_now(a));
	} else
		fputs(",,", fp);
	put_i64(fp, (int64_t)a->late);
	put_i64(fp, (int64_t)a->filtered);
	putc('\n', fp);
	for (i = 0; i < a->ntab; i++) {
		struct wtable *wt = a->tab[i].win;
		long off;
		if (wt == NULL || wt->fp == NULL ||
		    (off = ftell(wt->fp)) < 0)
			continue;
		fputs("wclosed,", fp);
		csvio_put_field(fp, a->tab[i].sa->file,
		    strlen(a->tab[i].sa->file), ',');
		put_i64(fp, off);
		putc('\n', fp);
	}
}

void
win_load_begin(struct table *t)
{
	t->win->ln = 0;
}

int
win_load_g(struct agg *a, struct table *t, const struct csvio_record *r)
{
	struct wtable *wt = t->win;
	const struct csvio_field *f = r->f;
	uint32_t ids[SPEC_MAXKEYS];
	int64_t start, cnt;
	struct win *w;
	size_t j, kj = 0;
	long g, id;

	if (r->nf != 2 + t->k + 4 * t->m)
		return -1;
	if (state_field_i64(&f[1 + wt->wkey], &start) == -1 ||
	    start < -(INT64_C(1) << 50) || start > (INT64_C(1) << 50) ||
	    floor_div(start, wt->discrete ? wt->hop : wt->pane) *
	    (wt->discrete ? wt->hop : wt->pane) != start)
		return -1;
	for (j = 0; j <= t->k; j++) {
		if (j == wt->wkey)
			continue;
		id = agg_intern(a, t->si[kj], f[1 + j].p, f[1 + j].len);
		if (id < 0)
			return -2;
		ids[kj++] = (uint32_t)id;
	}
	if ((w = win_get(t, start, NULL)) == NULL ||
	    (g = agg_group(&w->t, ids)) < 0)
		return -2;
	for (j = 0; j < t->m; j++) {
		const struct csvio_field *cf = &f[2 + t->k + 4 * j];
		struct cell c, *dst = &w->t.cells[(size_t)g * t->m + j];
		if (state_field_i64(&cf[0], &c.sum) == -1 ||
		    state_field_i64(&cf[1], &c.cnt) == -1 ||
		    state_field_i64(&cf[2], &c.min) == -1 ||
		    state_field_i64(&cf[3], &c.max) == -1 || c.cnt < 0 ||
		    c.cnt > INT64_MAX / 4 ||
		    __builtin_add_overflow(dst->cnt, c.cnt, &cnt))
			return -1;
		agg_cell_merge(a, &t->ms[j], dst, &c);
	}
	if (wt->ln == wt->lcap) {
		size_t nc = wt->lcap ? wt->lcap * 2 : 64;
		struct lref *nv = realloc(wt->lmap, nc * sizeof(*nv));
		if (nv == NULL)
			return -2;
		wt->lmap = nv;
		wt->lcap = nc;
	}
	wt->lmap[wt->ln].start = start;
	wt->lmap[wt->ln++].g = (uint32_t)g;
	return 0;
}

int
win_load_d(struct agg *a, struct table *t, const struct csvio_record *r)
{
	struct wtable *wt = t->win;
	const struct csvio_field *f = r->f;
	int64_t gi, mi;
	struct win *w;
	long id;
	int added;

	if (r->nf != 4 || state_field_i64(&f[1], &gi) == -1 || gi < 0 ||
	    (size_t)gi >= wt->ln || state_field_i64(&f[2], &mi) == -1 || mi < 0 ||
	    (size_t)mi >= t->m || t->ms[mi].func != SF_DISTINCT)
		return -1;
	if ((w = win_get(t, wt->lmap[gi].start, NULL)) == NULL)
		return -2;
	if ((id = agg_intern(a, t->ms[mi].si, f[3].p, f[3].len)) < 0)
		return -2;
	added = agg_set_add(&w->t.ms[mi].set, (uint64_t)wt->lmap[gi].g << 32 |
	    (uint32_t)id);
	if (added < 0)
		return -2;
	w->t.cells[(size_t)wt->lmap[gi].g * t->m + (size_t)mi].cnt += added;
	return 0;
}

int
win_load_line(struct agg *a, const struct csvio_record *r)
{
	const struct csvio_field *f = r->f;
	int64_t mx, cl, late, filt;
	size_t i;

	if (state_field_is(&f[0], "wm")) {
		if (r->nf != 5 || (f[1].len == 0) != (f[2].len == 0) ||
		    state_field_i64(&f[3], &late) == -1 || late < 0 ||
		    state_field_i64(&f[4], &filt) == -1 || filt < 0)
			return -1;
		if (f[1].len > 0) {
			if (state_field_i64(&f[1], &mx) == -1 ||
			    state_field_i64(&f[2], &cl) == -1)
				return -1;
			if (!a->wm_has || mx > a->wm_max)
				a->wm_max = mx;
			if (!a->wm_has || cl > a->wm_closed)
				a->wm_closed = cl;
			a->wm_has = 1;
		}
		a->late += (uint64_t)late;
		a->filtered += (uint64_t)filt;
		return 0;
	}
	if (state_field_is(&f[0], "wmode")) {
		/* wmode,FILE,windows: a merge's windows, not panes. */
		if (r->nf != 3 || !state_field_is(&f[2], "windows"))
			return -1;
		for (i = 0; i < a->ntab; i++)
			if (a->tab[i].win != NULL && state_field_is(&f[1],
			    a->tab[i].sa->file)) {
				if (a->tab[i].win->nw > 0)
					return -1;
				a->tab[i].win->discrete = 1;
				return 0;
			}
		return -1;
	}
	/* wclosed,FILE,LEN */
	if (r->nf != 3 || state_field_i64(&f[2], &mx) == -1 || mx < 0)
		return -1;
	for (i = 0; i < a->ntab; i++)
		if (a->tab[i].win != NULL && state_field_is(&f[1],
		    a->tab[i].sa->file)) {
			a->tab[i].win->saved_len = (uint64_t)mx;
			a->tab[i].win->have_saved = 1;
			return 0;
		}
	return -1;
}

/* ==== merge ============================================================== */

int
win_merge(struct agg *dst, struct table *dt, const struct agg *src,
    const struct table *st)
{
	const struct wtable *sw = st->win;
	struct win **v = sw->w;
	long n = (long)sw->nw, i;
	int rc = -1;

	if (!sw->discrete && (n = open_windows((struct agg *)src,
	    (struct table *)st, &v)) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		/* dst keeps windows (agg_set_merging), or, merging into a
		 * run's engine, panes: then a window of src must be one pane
		 * long to be added as it is. */
		struct win *d;
		if (!dt->win->discrete && dt->win->size != dt->win->pane) {
			errno = EINVAL;
			goto out;
		}
		if ((d = win_get(dt, v[i]->start, NULL)) == NULL ||
		    tab_merge(dst, dt, &d->t, src, st, &v[i]->t) == -1)
			goto out;
	}
	rc = 0;
out:
	if (!sw->discrete)
		drop_all(v, n);
	return rc;
}

void
win_merge_state(struct agg *dst, const struct agg *src)
{
	if (src->wm_has) {
		if (!dst->wm_has || src->wm_max > dst->wm_max)
			dst->wm_max = src->wm_max;
		if (!dst->wm_has || wm_now(src) > dst->wm_closed)
			dst->wm_closed = wm_now(src);
		dst->wm_has = 1;
	}
	dst->late += src->late;
	dst->filtered += src->filtered;
}

int
agg_flush_closed(struct agg *a, int nosync)
{
	return win_flush(a, nosync);
}

int
agg_parse_when(const char *s, int64_t *secs, int *tod)
{
	size_t n = strlen(s);
	struct li_tm tm;
	int h, mi, sec = 0;
	char c;

	/* HH:MM or HH:MM:SS: a time of day. */
	if ((n == 5 || n == 8) && s[2] == ':' && (n == 5 || s[5] == ':')) {
		if (sscanf(s, "%2d:%2d%c", &h, &mi, &c) < 2 ||
		    (n == 8 && sscanf(s + 6, "%2d", &sec) != 1))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (i != 2 && i != 5 && (s[i] < '0' || s[i] > '9'))
				return -1;
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
		*secs = h * 3600 + mi * 60 + sec;
		*tod = 1;
		return 0;
	}
	if (tm_parse(s, n, &tm) == -1)
		return -1;
	*secs = tm_epoch(&tm);
	*tod = 0;
	return 0;
}
