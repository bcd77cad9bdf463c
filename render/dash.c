/* The dashboard's frames: layout, panels, the top line and ticks.  The
 * live loop and the terminal are in dashrun.c and term.c. */
#include "dash.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "canvas.h"
#include "contract.h"
#include "data.h"
#include "fmt.h"
#include "layout.h"
#include "util.h"

/* ---- frames ------------------------------------------------------------- */

struct loaded {
	const char *file;
	long last;
	struct dtab *t;
	int missing;		/* the file is not there (ENOENT) */
	char err[512];
};

struct dash {
	const struct dash_opts *o;
	struct chart_env env;	/* o->env with the layout's grouping */
	struct layout *l;
	struct canvas *cv;
	struct loaded cache[LAYOUT_MAX_PANELS];
	int ncache;
	struct contract_tick_reader treader;
	struct contract_tick tick;
	int tick_seen;
	char tick_err[160];
	int keyboard;
	struct strbuf out;
	dash_load_fn load;
	void *load_arg;
};

/* The loader of a real dashboard: the file itself. */
static struct dtab *
dash_read(void *arg, const char *path, const struct chart_spec *s, char *err,
    size_t errlen)
{
	(void)arg;
	/* Files read with last= are streams being appended to (samples,
	 * alert events): a last line still being written is left out. */
	return dtab_read_path(path, s->file, s->last > 0 ? (size_t)s->last :
	    0, s->last > 0 ? DATA_APPENDED : 0, err, errlen);
}

static struct loaded *
dash_load(struct dash *d, const struct chart_spec *s)
{
	char path[PATH_MAX];
	struct loaded *ld;
	int i, n;

	for (i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i].file, s->file) == 0 &&
		    d->cache[i].last == s->last)
			return &d->cache[i];
	ld = &d->cache[d->ncache++];
	ld->file = s->file;
	ld->last = s->last;
	ld->err[0] = '\0';
	ld->t = NULL;
	ld->missing = 0;
	if (s->file[0] == '/')
		n = snprintf(path, sizeof(path), "%s", s->file);
	else
		n = snprintf(path, sizeof(path), "%s/%s", d->o->dir, s->file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(ld->err, sizeof(ld->err), "%s: %s", s->file,
		    strerror(ENAMETOOLONG));
		return ld;
	}
	if (sig_stop) {		/* ending: read no more */
		snprintf(ld->err, sizeof(ld->err), "%s: interrupted", s->file);
		return ld;
	}
	errno = 0;
	ld->t = d->load(d->load_arg, path, s, ld->err, sizeof(ld->err));
	ld->missing = ld->t == NULL && errno == ENOENT;
	if (ld->t == NULL && ld->err[0] == '\0')
		snprintf(ld->err, sizeof(ld->err), "%s: cannot read", s->file);
	return ld;
}

/* Free the table of panel p when no later panel reads it: a frame holds
 * few big tables at once, and one given up on a signal frees little. */
static void
dash_release(struct dash *d, int p)
{
	const struct chart_spec *s = &d->l->panels[p];
	int i;

	for (i = p + 1; i < d->l->npanels; i++)
		if (strcmp(d->l->panels[i].file, s->file) == 0 &&
		    d->l->panels[i].last == s->last)
			return;
	for (i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i].file, s->file) == 0 &&
		    d->cache[i].last == s->last) {
			dtab_free(d->cache[i].t);
			d->cache[i].t = NULL;
			return;
		}
}

static void
dash_uncache(struct dash *d)
{
	int i;

	for (i = 0; i < d->ncache; i++)
		dtab_free(d->cache[i].t);
	d->ncache = 0;
}

/* Append " · piece" to the top line's right part when it fits in w. */
static void
hdr_add(char *buf, size_t cap, size_t *n, int w, const char *piece)
{
	char tmp[256];
	int k;

	k = snprintf(tmp, sizeof(tmp), "%s%s%s", *n ? " " : "",
	    *n ? G->dot : "", *n ? " " : "");
	if (k < 0)
		return;
	snprintf(tmp + k, sizeof(tmp) - (size_t)k, "%s", piece);
	if ((int)(u8_width(buf, *n) + u8_width(tmp, strlen(tmp))) > w ||
	    *n + strlen(tmp) >= cap)
		return;
	memcpy(buf + *n, tmp, strlen(tmp) + 1);
	*n += strlen(tmp);
}

/* "1.5s", "12m", "3h", "1022d": a lag for the top line. */
static void
lag_text(double lag, char *buf, size_t cap)
{
	if (lag < 60)
		snprintf(buf, cap, "%.1fs", lag);
	else if (lag < 3600)
		snprintf(buf, cap, "%.0fm", lag / 60);
	else if (lag < 86400)
		snprintf(buf, cap, "%.0fh", lag / 3600);
	else
		snprintf(buf, cap, "%.0fd", lag / 86400);
}

/* The tick's pieces of the top line, the most useful first. */
static void
header_tick(const struct contract_tick *t, char *right, size_t cap,
    size_t *n, int room)
{
	char piece[128], lag[32], when[40];
	int have_lag = (t->have & 1u << CT_LAG_S) && t->lag_s >= 0;

	snprintf(piece, sizeof(piece), "tick %llu", (unsigned long long)t->tick);
	hdr_add(right, cap, n, room, piece);
	if (t->have & 1u << CT_ROWS) {
		snprintf(piece, sizeof(piece), "%llu rows",
		    (unsigned long long)t->rows);
		hdr_add(right, cap, n, room, piece);
	}
	if ((t->have & 1u << CT_REJECTED) && t->rejected > 0) {
		snprintf(piece, sizeof(piece), "%llu rejected",
		    (unsigned long long)t->rejected);
		hdr_add(right, cap, n, room, piece);
	}
	if (have_lag)
		lag_text(t->lag_s, lag, sizeof(lag));
	/* Replayed history is behind by days: say how old the data is, so
	 * that "lag 1022d" does not read as a stalled pipeline. */
	if (t->event_time[0] && fmt_time_local(t->event_time,
	    FMT_TIME_DATE_HM, 0, when, sizeof(when)) > 0) {
		if (have_lag && t->lag_s >= 3600)
			snprintf(piece, sizeof(piece), "data %s (%s behind)",
			    when, lag);
		else if (have_lag)
			snprintf(piece, sizeof(piece), "data %s, lag %s",
			    when, lag);
		else
			snprintf(piece, sizeof(piece), "data %s", when);
		hdr_add(right, cap, n, room, piece);
	} else if (have_lag) {
		snprintf(piece, sizeof(piece), "lag %s", lag);
		hdr_add(right, cap, n, room, piece);
	}
	/* When the snapshot was written, in local time. */
	if (fmt_time_local(t->time, FMT_TIME_HMS, 0, when, sizeof(when)) > 0)
		hdr_add(right, cap, n, room, when);
}

static void
dash_header(struct dash *d, int w, int hidden)
{
	struct canvas *cv = d->cv;
	char right[512], piece[128];
	const char *title = d->l->title ? d->l->title : "LiveInsight";
	size_t n = 0;
	int used, room;

	right[0] = '\0';
	cv_hline(cv, 0, 0, w, " ", ST_REV);
	used = cv_text(cv, 1, 0, w / 2, title, strlen(title), ST_REV | ST_BOLD);
	room = w - used - 4;
	if (d->tick_seen)
		header_tick(&d->tick, right, sizeof(right), &n, room);
	else
		hdr_add(right, sizeof(right), &n, room, "waiting for ticks");
	if (hidden) {
		snprintf(piece, sizeof(piece), "%d row%s hidden", hidden,
		    hidden == 1 ? "" : "s");
		hdr_add(right, sizeof(right), &n, room, piece);
	}
	if (d->keyboard)
		hdr_add(right, sizeof(right), &n, room, "q quits");
	cv_rtext(cv, w - 1, 0, room, right, n, ST_REV);
}

static void
dash_panel(struct dash *d, struct chart_spec *s, int x, int y, int w, int h)
{
	struct canvas *cv = d->cv;
	struct loaded *ld = dash_load(d, s);
	char err[512];
	int boxed = s->kind != CH_KPI, ix = x, iy = y, iw = w, ih = h;

	if (boxed) {
		cv_box(cv, x, y, w, h, s->title ? s->title : s->file, ST_GREY,
		    ST_BOLD);
		ix = x + 2;
		iy = y + 1;
		iw = w - 4;
		ih = h - 2;
	}
	if (iw < 1 || ih < 1)
		return;
	if (ld->t == NULL) {
		if (!boxed) {
			cv_box(cv, x, y, w, h, s->title ? s->title : s->file,
			    ST_GREY, ST_BOLD);
			ix = x + 2, iy = y + 1, iw = w - 4, ih = h - 2;
		}
		/* alertd --state writes its file at the first alert: until
		 * then, there is none firing. */
		if (s->kind == CH_ALERTS && ld->missing) {
			char msg[600];
			snprintf(msg, sizeof(msg), "no alerts (%s is not there "
			    "yet)", s->file);
			cv_wrap(cv, ix, iy, iw, ih, msg, ST_DIM);
		} else
			cv_wrap(cv, ix, iy, iw, ih, ld->err, ST_RED);
		return;
	}
	if (chart_draw(cv, ix, iy, iw, ih, s, ld->t, &d->env, err,
	    sizeof(err)) < 0) {
		/* Clear what the chart drew before it failed. */
		int r;
		for (r = 0; r < ih; r++)
			cv_hline(cv, ix, iy + r, iw, " ", 0);
		if (!boxed) {
			cv_box(cv, x, y, w, h, s->title ? s->title : s->file,
			    ST_GREY, ST_BOLD);
			ix = x + 2, iy = y + 1, iw = w - 4, ih = h - 2;
		}
		cv_wrap(cv, ix, iy, iw, ih, err, ST_RED);
	}
}

/* 1 when row has an alerts panel: such a row is hidden last. */
static int
row_alerts(const struct layout *l, int row)
{
	const struct layout_row *r = &l->rows[row];
	int j;

	for (j = 0; j < r->n; j++)
		if (l->panels[r->first + j].kind == CH_ALERTS)
			return 1;
	return 0;
}

/* The fewest lines a row's panels can be drawn in, borders included; for
 * a row with alerts, what the alerts need (its other panels say in their
 * boxes when they are too low). */
static int
row_min(const struct layout *l, int row)
{
	static const int need[CH_NKIND] = {
		[CH_BAR] = 8, [CH_HBAR] = 4, [CH_SHARE] = 5, [CH_LINE] = 8,
		[CH_SPARK] = 4, [CH_TABLE] = 5, [CH_KPI] = 5, [CH_ALERTS] = 5,
		[CH_HEAT] = 5, [CH_POP] = 3,
	};
	const struct layout_row *r = &l->rows[row];
	int j, m = 3;

	if (row_alerts(l, row))
		return need[CH_ALERTS];
	for (j = 0; j < r->n; j++)
		if (need[l->panels[r->first + j].kind] > m)
			m = need[l->panels[r->first + j].kind];
	return m;
}

/* Row heights in avail lines: fixed ones first, the rest shared by
 * weight.  While a row gets fewer lines than its panels need, a row is
 * hidden: the lowest one without alerts, and rows with alerts only when
 * no other is left, so that the alerts stay in view on a small terminal.
 * Returns the number of rows hidden. */
static int
row_heights(const struct layout *l, int avail, int *heights, int *visible)
{
	int i, hidden = 0;

	for (i = 0; i < l->nrows; i++)
		visible[i] = 1;
	for (;;) {
		int lastw = -1, sum = 0, lastv = -1, victim = -1, nvis = 0,
		    short_row = 0, fixed = 0, wsum = 0, left;

		for (i = 0; i < l->nrows; i++) {
			if (!visible[i])
				continue;
			nvis++;
			lastv = i;
			if (!row_alerts(l, i))
				victim = i;
			if (l->rows[i].height)
				fixed += l->rows[i].height;
			else
				wsum += l->rows[i].weight;
		}
		left = avail - fixed;
		for (i = 0; i < l->nrows; i++) {
			heights[i] = 0;
			if (!visible[i])
				continue;
			heights[i] = l->rows[i].height ? l->rows[i].height :
			    left > 0 && wsum > 0 ? left * l->rows[i].weight /
			    wsum : 0;
			sum += heights[i];
			if (l->rows[i].height == 0)
				lastw = i;
		}
		if (lastw >= 0 && sum < avail)
			heights[lastw] += avail - sum;
		for (i = 0; i < l->nrows; i++)
			if (visible[i] && heights[i] < row_min(l, i))
				short_row = 1;
		if ((!short_row && fixed <= avail) || nvis <= 1)
			return hidden;
		visible[victim >= 0 ? victim : lastv] = 0;
		hidden++;
	}
}

int
dash_frame(struct dash *d, int w, int h)
{
	struct layout *l = d->l;
	int heights[LAYOUT_MAX_ROWS], visible[LAYOUT_MAX_ROWS], i, j, y,
	    hidden;

	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	if (d->cv == NULL || d->cv->w != w || d->cv->h != h) {
		cv_free(d->cv);
		if ((d->cv = cv_new(w, h)) == NULL)
			return -1;
	} else
		cv_clear(d->cv);
	hidden = row_heights(l, h - 1, heights, visible);
	y = 1;
	for (i = 0; i < l->nrows; i++) {
		const struct layout_row *r = &l->rows[i];
		int x = 0, ws = 0, k;

		if (!visible[i] || y >= h)
			continue;
		if (y + heights[i] > h)
			heights[i] = h - y;
		for (j = 0; j < r->n; j++)
			ws += l->panels[r->first + j].weight;
		for (j = 0, k = 0; j < r->n; j++) {
			struct chart_spec *s = &l->panels[r->first + j];
			int pw;
			k += s->weight;
			pw = w * k / ws - x;
			dash_panel(d, s, x, y, pw, heights[i]);
			dash_release(d, r->first + j);
			x += pw;
		}
		y += heights[i];
	}
	dash_header(d, w, hidden);
	dash_uncache(d);
	return 0;
}

int
dash_emit(struct dash *d, int live)
{
	d->out.len = 0;
	if (live)
		sb_add(&d->out, "\033[H", 3);
	if (cv_output(d->cv, &d->out, d->o->color, live) == -1)
		return -1;
	if (live)
		sb_add(&d->out, "\033[J", 3);
	if (d->out.cap == (size_t)-1) {
		errno = ENOMEM;
		return -1;
	}
	return writeall(STDOUT_FILENO, d->out.p, d->out.len) < 0 ? -1 : 0;
}

/* ---- the dashboard object ----------------------------------------------- */

struct dash *
dash_new(const struct dash_opts *o, struct layout *l, dash_load_fn load,
    void *arg)
{
	struct dash *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->o = o;
	d->l = l;
	d->env = o->env;
	if (l->grouping >= 0 && !o->grouping_set)
		d->env.grouping = (enum fmt_grouping)l->grouping;
	d->load = load ? load : dash_read;
	contract_tick_reader_init(&d->treader);
	d->load_arg = arg;
	return d;
}

void
dash_free(struct dash *d)
{
	if (d == NULL)
		return;
	dash_uncache(d);
	cv_free(d->cv);
	sb_free(&d->out);
	free(d);
}

int
dash_tick(struct dash *d, const char *line)
{
	char buf[DASH_TICK_LINE_MAX];
	struct csvio_field f[32];
	struct contract_tick t;
	size_t nf, len = strlen(line);
	int rc;

	d->tick_err[0] = '\0';
	if (len >= sizeof(buf)) {
		snprintf(d->tick_err, sizeof(d->tick_err), "line longer than "
		    "%zu bytes", sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, line, len + 1);
	if (contract_split(buf, f, sizeof(f) / sizeof(f[0]), &nf) == -1) {
		snprintf(d->tick_err, sizeof(d->tick_err), "%s",
		    errno == E2BIG ? "more than 32 fields" : "bad CSV quoting");
		return -1;
	}
	if (nf == 0)
		return 0;
	rc = contract_tick_read(&d->treader, f, nf, &t, d->tick_err,
	    sizeof(d->tick_err));
	if (rc == 1) {
		d->tick = t;
		d->tick_seen = 1;
	}
	return rc;
}

const char *
dash_tick_error(const struct dash *d)
{
	return d->tick_err;
}

void
dash_set_keyboard(struct dash *d, int on)
{
	d->keyboard = on;
}

size_t
dash_frame_bytes(const struct dash *d)
{
	return d->out.len;
}

const struct canvas *
dash_canvas(const struct dash *d)
{
	return d->cv;
}

