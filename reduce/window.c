/* Event-time windows of the aggregate engine (agg.h): window assignment,
 * the watermark and closing windows (their CSV, in snapshots and in the
 * closed-windows files, is in wincsv.c; their part of checkpoints and
 * merges in winstate.c).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timefield.h"

#include "window_int.h"

int64_t
win_floor_div(int64_t x, int64_t d)
{
	return (x >= 0 ? x / d : -((-x + d - 1) / d));
}

/* The current watermark (wm_has). */
int64_t
win_wm_now(const struct agg *a)
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
	*secs = win_wm_now(a);
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
struct win *
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
	return win_floor_div(x - wt->size, wt->hop) * wt->hop + wt->hop;
}

int
win_is_late(const struct agg *a, const struct table *t)
{
	struct wtable *wt = t->win;
	int64_t w;

	if (!a->wm_has)
		return 0;
	/* first_start(x) + size <= w exactly when x is before this. */
	w = win_wm_now(a);
	if (!wt->late_ok || wt->late_w != w) {
		wt->t_late = win_floor_div(w - wt->size, wt->hop) * wt->hop +
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
		int64_t q = win_floor_div(a->cur_time, wt->pane) * wt->pane;
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
int
win_tab_merge(struct agg *dst, const struct table *dtmpl, struct table *dt,
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
		if (win_tab_merge(a, t, &w->t, a, t, &wt->w[i]->t) == -1) {
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

void
win_drop_all(struct win **v, long n)
{
	long i;

	for (i = 0; i < n; i++)
		win_drop(v[i]);
	free(v);
}

/* The open windows of the panes of t: those ending after the watermark. */
long
win_open_windows(struct agg *a, struct table *t, struct win ***out)
{
	struct wtable *wt = t->win;
	int64_t lo, hi;

	*out = NULL;
	if (wt->nw == 0)
		return 0;
	lo = first_start(wt, wt->w[0]->start);
	if (a->wm_has && first_start(wt, win_wm_now(a)) > lo)
		lo = first_start(wt, win_wm_now(a));
	hi = win_floor_div(wt->w[wt->nw - 1]->start, wt->hop) * wt->hop;
	return build_range(a, t, lo, hi, out);
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
			struct wg *v = win_sorted_groups(a, t, &wt->w[i], 1,
			    &ng);
			if (v == NULL)
				a->win_err = ENOMEM;
			else {
				win_put_rows(wt->fp, a, t, &wt->w[i], v, ng);
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
		if ((n = build_range(a, t, lo, win_floor_div(wm - wt->size,
		    wt->hop) * wt->hop, &v)) < 0)
			a->win_err = ENOMEM;
		for (i = 0; i < n; i++) {
			size_t ng;
			struct wg *g = win_sorted_groups(a, t, &v[i], 1, &ng);
			if (g == NULL) {
				a->win_err = ENOMEM;
				break;
			}
			win_put_rows(wt->fp, a, t, &v[i], g, ng);
			free(g);
		}
		if (n > 0)
			win_drop_all(v, n);
	}
	/* A pane at q is in the windows starting up to q rounded down to
	 * the hop: gone when the last of them is closed. */
	for (d = 0; d < wt->nw && win_floor_div(wt->w[d]->start, wt->hop) *
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
		e = win_floor_div(wt->w[0]->start, wt->hop) * wt->hop + wt->size;
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
	wm = win_wm_now(a);
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
		a->wm_closed = win_wm_now(a);
		close_upto(a, 1, old, a->wm_closed);
	}
	if (a->win_err != 0) {
		errno = a->win_err;
		return -1;
	}
	return 0;
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
