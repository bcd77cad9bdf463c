/* alertd: reduce's snapshot directory: the files the rules name, read
 * again on each tick when replaced, the row and aggregate rules over
 * them, and the inventory (days of stock left). */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alertd.h"
#include "eval.h"
#include "num.h"
#include "outfmt.h"
#include "util.h"

static struct table *
table_find(const struct alertd *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->ntables; i++)
		if (strcmp(d->tables[i].name, name) == 0)
			return &d->tables[i];
	return NULL;
}

void
snap_add_table(struct alertd *d, const char *name, int optional)
{
	struct table *t;

	if ((t = table_find(d, name)) != NULL) {
		t->optional &= optional;
		return;
	}
	t = realloc(d->tables, (d->ntables + 1) * sizeof(*t));
	if (t == NULL)
		err(alertd_ex_fail(d), "realloc");
	d->tables = t;
	memset(&t[d->ntables], 0, sizeof(*t));
	t[d->ntables].optional = optional;
	t[d->ntables++].name = alertd_strdup(d, name);
}

/* Mark a rule's alerts not updated in this generation as ok: their row has
 * gone from the snapshot. */
static void
sweep(struct alertd *d, size_t ri)
{
	size_t i;

	for (i = 0; i < d->nalerts; i++)
		if (d->alerts[i].rule == ri &&
		    d->alerts[i].gen != d->snap_gen && d->alerts[i].have)
			d->alerts[i].level = 0;
}

/* Leave a rule's alerts as they are, with no data this time. */
static void
unknown_all(struct alertd *d, size_t ri)
{
	size_t i;

	for (i = 0; i < d->nalerts; i++)
		if (d->alerts[i].rule == ri)
			d->alerts[i].level = -1;
}

/* eval_table's callbacks, for rule ri over table t. */
struct row_ctx {
	struct alertd *d;
	size_t ri;
	struct table *t;
};

static void
row_alert(void *arg, const char *key, int level, double v, double tw,
    double tc)
{
	struct row_ctx *c = arg;
	struct alert *a = alert_get(c->d, c->ri, key);

	if (level < 0) {
		/* Unknown: the alert's state stays as it was. */
		a->level = -1;
		a->have = 1;
	} else {
		alert_set_level(c->d, a, level, v, tw, tc);
	}
	a->gen = c->d->snap_gen;
}

/* A cell that is not a number: warned once per file read, not on every
 * tick. */
static void
row_bad_cell(void *arg, size_t row, size_t col, const char *cell)
{
	struct row_ctx *c = arg;

	if (c->t->gen != c->d->snap_gen)
		return;
	c->d->tctx.malformed++;
	if (alertd_warn_on())
		warnx("%s/%s: row %zu: bad %s '%.40s'", c->d->opt.dir,
		    c->t->name, row + 2, c->t->hdr[col], cell);
}

static void
eval_row_rule(struct alertd *d, size_t ri)
{
	const struct rule *r = &d->rules[ri];
	struct table *t = table_find(d, r->file);
	struct row_ctx ctx = { d, ri, t };
	struct eval_cb cb = { row_alert, row_bad_cell, &ctx };
	int rc;

	if (t == NULL || !t->ok) {
		unknown_all(d, ri);
		return;
	}
	if ((rc = eval_table(r, t, &cb)) == -2)
		err(alertd_ex_fail(d), "malloc");
	if (rc == -1) {
		if (!t->missing_warned)
			warnx("%s/%s: no column '%s' (rule %s)", d->opt.dir,
			    t->name, r->field, r->name);
		t->missing_warned = 1;
		unknown_all(d, ri);
		return;
	}
	if (r->src == SRC_ROW)
		sweep(d, ri);
}

/* Feed product_inventory_usage.csv's units sold to the inventory. */
static void
observe_usage(struct alertd *d, struct table *t, long cb, long cp, long cs,
    double now)
{
	double minwin = 0, v;
	size_t i, ri;

	for (ri = 0; ri < d->nrules; ri++)
		if (d->rules[ri].src == SRC_INVENTORY &&
		    d->rules[ri].window_s > 0 && (minwin == 0 ||
		    d->rules[ri].window_s < minwin))
			minwin = d->rules[ri].window_s;
	inv_usage_begin(d->inv);
	for (i = 0; i < t->nrows; i++) {
		const char *cell = table_cell(t, i, (size_t)cs);

		if (num_parse_str(cell, -1e300, 1e300, &v) == -1) {
			struct row_ctx ctx = { d, 0, t };
			row_bad_cell(&ctx, i, (size_t)cs, cell);
			continue;
		}
		if (inv_usage_row(d->inv, cb >= 0 ?
		    table_cell(t, i, (size_t)cb) : NULL,
		    table_cell(t, i, (size_t)cp), v) == -1)
			err(alertd_ex_fail(d), "malloc");
	}
	inv_usage_end(d->inv, now, minwin);
}

/* Units a day of it over the span of sales the snapshot covers, from
 * kpis.csv's FirstSale and LastSale (the oldest and newest row times):
 * sold / (LastSale - FirstSale) in days.  For a snapshot with no tick
 * history (--once from cron, the first ticks), and whatever order the
 * rows came in.  Returns 0, or -1 when kpis.csv has no such span. */
static int
sales_span_velocity(const struct alertd *d, const struct inv_item *it,
    double *per_day)
{
	const struct table *k = table_find(d, "kpis.csv");
	const char *c0, *c1;
	double t0, t1;
	long i0, i1;

	if (k == NULL || !k->ok || k->nrows != 1 ||
	    (i0 = table_col(k, "FirstSale")) < 0 ||
	    (i1 = table_col(k, "LastSale")) < 0)
		return -1;
	c0 = table_cell(k, 0, (size_t)i0);
	c1 = table_cell(k, 0, (size_t)i1);
	if (alertd_parse_time(c0, strlen(c0), &t0) == -1 ||
	    alertd_parse_time(c1, strlen(c1), &t1) == -1 || t1 <= t0)
		return -1;
	*per_day = it->sold / ((t1 - t0) / 86400);
	return 0;
}

/* The inventory rule ri over item it: days of stock left. */
static void
eval_item(struct alertd *d, size_t ri, const struct inv_item *it)
{
	const struct rule *r = &d->rules[ri];
	struct alert *a = alert_get(d, ri, it->key);
	double vel, days, tw, tc;
	char p[OUT_NUM_MAX], q[OUT_NUM_MAX];
	int lv;

	if (!it->have_cur) {
		a->level = -1;
		a->have = 1;
		return;
	}
	if (it->stock - it->sold <= 0) {
		/* Sold out: no velocity needed. */
		days = 0;
		snprintf(a->info, sizeof(a->info), "sold out: %s sold of %s",
		    out_num(it->sold, p, sizeof(p)),
		    out_num(it->stock, q, sizeof(q)));
	} else if (inv_velocity(it, r->window_s, r->span_s, &vel) == -1 &&
	    sales_span_velocity(d, it, &vel) == -1) {
		a->level = -1;
		a->have = 1;
		return;
	} else {
		days = inv_days_left(it->stock, it->sold, vel);
		snprintf(a->info, sizeof(a->info), "%s left, %s a day",
		    out_num(it->stock - it->sold, p, sizeof(p)),
		    out_num(vel, q, sizeof(q)));
	}
	lv = rule_level(r, days, NULL, 0, &tw, &tc);
	alert_set_level(d, a, lv, days, tw, tc);
}

/* Feed product_inventory_usage.csv to the inventory, then evaluate the
 * inventory rules. */
static void
eval_inventory(struct alertd *d, double now, int observe)
{
	struct table *t = table_find(d, "product_inventory_usage.csv");
	long cb, cp, cs;
	size_t i, ri;

	if (t == NULL || !t->ok)
		goto unknown;
	cb = table_col(t, "BranchName");
	cp = table_col(t, "Product");
	cs = table_col(t, "TotalUnitsSold");
	if (cp < 0 || cs < 0) {
		if (!t->missing_warned)
			warnx("%s/%s: no Product and TotalUnitsSold columns",
			    d->opt.dir, t->name);
		t->missing_warned = 1;
		goto unknown;
	}
	if (observe)
		observe_usage(d, t, cb, cp, cs, now);
	for (ri = 0; ri < d->nrules; ri++)
		if (d->rules[ri].src == SRC_INVENTORY)
			for (i = 0; i < d->inv->n; i++)
				eval_item(d, ri, &d->inv->items[i]);
	return;
unknown:
	for (ri = 0; ri < d->nrules; ri++)
		if (d->rules[ri].src == SRC_INVENTORY)
			unknown_all(d, ri);
}

/* 1 when the snapshot read is the one tick line announced (rows accepted
 * so far; -1 when unknown): kpis.csv's Transactions count matches, and
 * kpis.csv was not replaced while the other files were read.  reduce does
 * not wait for its readers, so a reader behind it may find a newer
 * snapshot than the tick it is reading: its sales time does not fit that
 * snapshot, and the inventory must not take it as an observation.  The
 * same when the usage file is newer than kpis.csv. */
static int
snapshot_matches(const struct alertd *d, long long rows)
{
	struct table *t = table_find(d, "kpis.csv");
	struct table *u = table_find(d, "product_inventory_usage.csv");
	char path[4096];
	struct stat st;
	double v;
	long c;

	if (rows < 0 || t == NULL || !t->ok || t->nrows != 1 ||
	    (c = table_col(t, "Transactions")) < 0 ||
	    num_parse_str(table_cell(t, 0, (size_t)c), 0, 1e18, &v) == -1)
		return 1;
	if (v != (double)rows)
		return 0;
	/* reduce writes kpis.csv last: a usage file newer than it belongs to
	 * the next snapshot, caught half-written.  (Equal times, on a coarse
	 * clock, cannot tell; see BUGS in alertd(1).) */
	if (u != NULL && u->ok && (u->st.st_mtim.tv_sec > t->st.st_mtim.tv_sec ||
	    (u->st.st_mtim.tv_sec == t->st.st_mtim.tv_sec &&
	    u->st.st_mtim.tv_nsec > t->st.st_mtim.tv_nsec)))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", d->opt.dir, t->name);
	if (stat(path, &st) == -1 || st.st_ino != t->st.st_ino ||
	    st.st_mtim.tv_sec != t->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != t->st.st_mtim.tv_nsec)
		return 0;
	return 1;
}

void
snap_read(struct alertd *d, double sales_t, long long rows)
{
	size_t i;
	int observe;

	if (d->opt.dir == NULL)
		return;
	d->snap_gen++;
	d->snap_reads++;
	d->tctx.dir = d->opt.dir;
	d->tctx.quiet = !alertd_warn_on();
	d->tctx.quiet_missing = d->snap_startup;
	d->tctx.gen = d->snap_gen;
	d->tctx.fail_status = alertd_ex_fail(d);
	d->tctx.stop = &sig_stop;
	for (i = 0; i < d->ntables; i++)
		table_read(&d->tables[i], &d->tctx);
	if (!(observe = snapshot_matches(d, rows)))
		d->stale_ticks++;
	for (i = 0; i < d->nrules; i++)
		if (d->rules[i].src == SRC_ROW || d->rules[i].src == SRC_AGG)
			eval_row_rule(d, i);
	if (d->inv != NULL && !isnan(sales_t))
		eval_inventory(d, sales_t, observe);
	else if (d->inv != NULL && (!d->opt.input_clock || d->clock_known))
		eval_inventory(d, alertd_now(d), observe);
}
