/* The alerts panel: the active alerts (alertd --state FILE), most severe
 * first, or the latest alert events (alertd's output), latest first.
 * Both are read by header name with lib/contract, their times shown in
 * the local time zone; the panel is a table of what a person reads. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chartint.h"
#include "contract.h"
#include "util.h"

/* A view of the panel: a table of the strings shown, and their styles. */
struct alerts {
	struct dtab *t;
	uint8_t *style;
};

/* Columns shown, in order: (event column | active column), with what is
 * left out as the panel narrows (the colour tells the severity). */
enum { COL_TIME = 1, COL_NUMBER = 2, COL_SINCE = 4, COL_SEV = 8 };
struct shown {
	const char *name;
	int col;		/* CA_* or CX_* */
	unsigned min_w;		/* the panel's width from which it shows */
	int flags;
};
static const struct shown event_cols[] = {
	{ "time", CA_TIME, 0, COL_TIME }, { "status", CA_STATUS, 0, 0 },
	{ "severity", CA_SEVERITY, 100, 0 }, { "alert", CA_ALERT, 0, 0 },
	{ "key", CA_KEY, 64, 0 }, { "value", CA_VALUE, 100, COL_NUMBER },
	{ "message", CA_MESSAGE, 48, 0 },
};
/* Active alerts: the alert and its key always; then since, severity (in
 * short, "crit" or "warn"; the colour says it too), the value, and the
 * message on a wide panel. */
static const struct shown active_cols[] = {
	{ "sev", CX_SEVERITY, 44, COL_SEV }, { "alert", CX_ALERT, 0, 0 },
	{ "key", CX_KEY, 0, 0 }, { "since", CX_SINCE, 36, COL_SINCE },
	{ "value", CX_VALUE, 56, COL_NUMBER },
	{ "message", CX_MESSAGE, 100, 0 },
};

static int
sev_rank(const struct csvio_field *f)
{
	if (f->len == 8 && memcmp(f->p, "critical", 8) == 0)
		return 0;
	if (f->len == 7 && memcmp(f->p, "warning", 7) == 0)
		return 1;
	return 2;
}

static int
is(const struct csvio_field *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

/* The style of a row: critical red, warning yellow, resolved green. */
static uint8_t
row_style(const struct csvio_field *out, int active)
{
	int rank = sev_rank(&out[active ? CX_SEVERITY : CA_SEVERITY]);

	if (!active && is(&out[CA_STATUS], "resolved"))
		return ST_GREEN;
	if (!active && !is(&out[CA_STATUS], "firing"))
		return 0;
	return rank == 0 ? (ST_RED | ST_BOLD) : rank == 1 ? ST_YELLOW : 0;
}

/* A copy of f; a time in local time: an event's time of day, an active
 * alert's since (its date too when it is not today). */
static char *
dup_field(const struct csvio_field *f, int flags, time_t now)
{
	char buf[CONTRACT_TIME_MAX + 1], shown[64], *p;

	if ((flags & COL_SEV) && sev_rank(f) < 2)
		return strdup(sev_rank(f) == 0 ? "crit" : "warn");

	if ((flags & (COL_TIME | COL_SINCE)) && f->len < sizeof(buf)) {
		memcpy(buf, f->p, f->len);
		buf[f->len] = '\0';
		if (fmt_time_local(buf, flags & COL_SINCE ? FMT_TIME_SINCE :
		    FMT_TIME_HMS, (long long)now, shown,
		    sizeof(shown)) > 0)
			return strdup(shown);
	}
	if ((p = malloc(f->len + 1)) != NULL) {
		memcpy(p, f->p, f->len);
		p[f->len] = '\0';
	}
	return p;
}

/* Rows of t from first, ordered: events latest first, active alerts
 * most severe first (then as in the file).  Fills order[0..*n). */
static void
alerts_order(const struct dtab *t, size_t first, int active, long sevc,
    size_t *order, size_t *n)
{
	size_t r, k = 0;
	int rank;

	if (!active) {
		for (r = t->nrow; r > first; r--)
			order[k++] = r - 1;
	} else
		for (rank = 0; rank < 3; rank++)
			for (r = first; r < t->nrow; r++) {
				const char *sv = sevc >= 0 ? dtab_get(t, r,
				    (size_t)sevc) : "";
				struct csvio_field f = { sv, strlen(sv) };
				if (sev_rank(&f) == rank)
					order[k++] = r;
			}
	*n = k;
}

/* Bind t's header as active alerts (it has "since") or alert events. */
static int
alerts_bind(const struct dtab *t, struct csvio_field *f, long *idx,
    int *active, char *err, size_t errlen)
{
	struct contract_row_reader rr;
	struct contract_alert_reader ar;
	char why[160];
	size_t i;

	for (i = 0; i < t->ncol; i++) {
		f[i].p = t->hdr[i];
		f[i].len = strlen(t->hdr[i]);
	}
	*active = dtab_col(t, "since") >= 0;
	if (*active) {
		if (contract_row_bind(&rr, "active alerts",
		    contract_active_names, CX_NCOLS, CONTRACT_ACTIVE_REQUIRED,
		    f, t->ncol, why, sizeof(why)) == -1)
			goto bad;
		memcpy(idx, rr.idx, CX_NCOLS * sizeof(*idx));
		return 0;
	}
	if (contract_alert_bind(&ar, f, t->ncol, why, sizeof(why)) == -1)
		goto bad;
	memcpy(idx, ar.idx, CA_NCOLS * sizeof(*idx));
	return 0;
bad:
	snprintf(err, errlen, "%s: %s", t->name, why);
	return -1;
}

/* Build the table shown of t's rows order[0..n). */
static int
alerts_view(const struct dtab *t, const size_t *order, size_t n,
    int active, const struct shown *cols, int ncols, struct alerts *a,
    char *err, size_t errlen)
{
	struct csvio_field *f = NULL, out[16];
	struct contract_row_reader rr;
	time_t now = time(NULL);
	size_t r, i, c;
	int rc = -1;

	memset(&rr, 0, sizeof(rr));
	if ((a->t = calloc(1, sizeof(*a->t))) == NULL ||
	    (a->t->name = strdup(t->name)) == NULL ||
	    (a->t->hdr = calloc((size_t)ncols, sizeof(char *))) == NULL ||
	    (a->t->cell = calloc(n * (size_t)ncols + 1, sizeof(char *))) ==
	    NULL || (a->t->line = calloc(n + 1, sizeof(uint64_t))) == NULL ||
	    (a->style = calloc(n + 1, 1)) == NULL ||
	    (f = calloc(t->ncol + 1, sizeof(*f))) == NULL)
		goto oom;
	a->t->ncol = (size_t)ncols;
	for (i = 0; i < (size_t)ncols; i++)
		if ((a->t->hdr[i] = strdup(cols[i].name)) == NULL)
			goto oom;
	if (alerts_bind(t, f, rr.idx, &active, err, errlen) == -1)
		goto out;
	rr.n = active ? CX_NCOLS : CA_NCOLS;
	rr.nf = t->ncol;
	for (r = 0; r < n; r++) {
		a->t->nrow = r + 1;	/* its cells are freed with it */
		for (c = 0; c < t->ncol; c++) {
			f[c].p = dtab_get(t, order[r], c);
			f[c].len = strlen(f[c].p);
		}
		if (contract_row_get(&rr, f, t->ncol, out, err, errlen) == -1)
			goto out;
		a->t->line[r] = t->line[order[r]];
		a->style[r] = row_style(out, active);
		for (i = 0; i < (size_t)ncols; i++)
			if ((a->t->cell[r * (size_t)ncols + i] = dup_field(
			    &out[cols[i].col], cols[i].flags, now)) == NULL)
				goto oom;
	}
	a->t->nrow = n;
	rc = 0;
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	free(f);
	return rc;
}

int
chart_alerts(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct csvio_field hf[DATA_MAX_COLS];
	long idx[16];	/* as struct contract_row_reader */
	struct alerts a = { NULL, NULL };
	struct table_view v;
	const struct shown *all;
	struct shown cols[8];
	size_t *order = NULL, n, i;
	int active, nall, ncols = 0, rc = -1;

	if (alerts_bind(t, hf, idx, &active, err, errlen) == -1)
		return -1;
	if (h < 2) {
		snprintf(err, errlen, "%s: too low for alerts", t->name);
		return -1;
	}
	all = active ? active_cols : event_cols;
	nall = active ? (int)NELEM(active_cols) : (int)NELEM(event_cols);
	for (i = 0; i < (size_t)nall; i++)
		if ((unsigned)w >= all[i].min_w && idx[all[i].col] >= 0)
			cols[ncols++] = all[i];
	if ((order = malloc((t->nrow + 1) * sizeof(*order))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	alerts_order(t, chart_first_row(s, t), active,
	    active ? idx[CX_SEVERITY] : -1, order, &n);
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	if (alerts_view(t, order, n, active, cols, ncols, &a, err,
	    errlen) == 0) {
		memset(&v, 0, sizeof(v));
		v.ncols = ncols;
		for (i = 0; i < (size_t)ncols; i++)
			v.cols[i] = (long)i;
		v.order = order;
		for (i = 0; i < n; i++)
			order[i] = i;
		v.n = n;
		v.style = a.style;
		v.vc = -1;
		v.keep = active ? 0 : 2;	/* an event's time, status */
		v.empty = "no alerts";
		rc = table_draw(cv, x, y, w, h, s, a.t, env, &v);
	}
	dtab_free(a.t);
	free(a.style);
	free(order);
	return rc;
}
