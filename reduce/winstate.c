/* Windows in reduce's checkpoint and in --merge: the panes (or, in a
 * merge, the windows) of each windowed aggregate, the watermark and the
 * closed-windows files' lengths, written and read back exactly. */
#include "window_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

/* ==== checkpoints ======================================================== */

static void
put_i64(FILE *fp, int64_t v)
{
	char b[MONEY_BUFSZ];
	size_t n = int_format(v, b);

	putc(',', fp);
	fwrite(b, 1, n, fp);
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
		put_i64(fp, win_wm_now(a));
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
	    win_floor_div(start, wt->discrete ? wt->hop : wt->pane) *
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

	if (!sw->discrete && (n = win_open_windows((struct agg *)src,
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
		    win_tab_merge(dst, dt, &d->t, src, st, &v[i]->t) == -1)
			goto out;
	}
	rc = 0;
out:
	if (!sw->discrete)
		win_drop_all(v, n);
	return rc;
}

void
win_merge_state(struct agg *dst, const struct agg *src)
{
	if (src->wm_has) {
		if (!dst->wm_has || src->wm_max > dst->wm_max)
			dst->wm_max = src->wm_max;
		if (!dst->wm_has || win_wm_now(src) > dst->wm_closed)
			dst->wm_closed = win_wm_now(src);
		dst->wm_has = 1;
	}
	dst->late += src->late;
	dst->filtered += src->filtered;
}

