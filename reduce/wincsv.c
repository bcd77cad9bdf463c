/* The CSV of event-time windows (window.c): a windowed aggregate's open
 * windows in the snapshot, and the closed-windows files that closed
 * windows are appended to, once each. */
#include "agg_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "timefield.h"

#include "window_int.h"

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
struct wg *
win_sorted_groups(const struct agg *a, const struct table *t, struct win **w,
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

void
win_put_rows(FILE *fp, const struct agg *a, const struct table *t,
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
	if (!wt->discrete && (nws = win_open_windows(a, t, &ws)) < 0)
		return -1;
	if ((v = win_sorted_groups(a, t, ws, (size_t)nws, &n)) == NULL) {
		if (!wt->discrete)
			win_drop_all(ws, nws);
		return -1;
	}
	win_put_rows(fp, a, t, ws, v, n);
	free(v);
	if (!wt->discrete)
		win_drop_all(ws, nws);
	return ferror(fp) ? -1 : 0;
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

int
agg_flush_closed(struct agg *a, int nosync)
{
	return win_flush(a, nosync);
}
