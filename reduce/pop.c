/* Period over period and idle time, measures of the aggregate engine:
 *
 *	NAME=pop(COL)	NAMEToday, NAMEYesterday, NAMELastWeek,
 *			NAMEVsYesterdayPct, NAMEVsLastWeekPct
 *	NAME=pop(COL):day, NAME=pop(COL):week
 *			NAME: the change against yesterday or last week
 *	NAME=idle()	minutes of event time since the group's newest row
 *			(against the newest row of all), or since the day
 *			began when that is later: the first row on the
 *			newest row's date
 *
 * "Now" is the newest accepted row time (the till's wall clock).  Today is
 * the sum of the rows of now's date; yesterday and last week are the sums
 * of the rows of the date before and of the date a week before, up to the
 * same minute of the day as now (inclusive).  A group keeps, for each of
 * the last 8 dates, one exact sum per minute of the day (8 x 1440 integers
 * of hundredths, made at its first row); rows older than that are left out
 * of it. */
#include "agg_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

#define POP_DAYS	8
#define POP_MINS	1440

struct popgrp {
	int64_t day[POP_DAYS];	/* the date in each slot (day % 8), or -1 */
	int64_t m[POP_DAYS][POP_MINS];
};

static const char *const pop_cols[POP_NCOLS] = { "Today", "Yesterday",
    "LastWeek", "VsYesterdayPct", "VsLastWeekPct" };

const char *
pop_col(size_t i)
{
	return pop_cols[i];
}

static struct popgrp *
grp(struct meas *m, size_t g, int make)
{
	struct popgrp *p;
	size_t i;

	if (g >= m->npop) {
		size_t nc = m->npop ? m->npop : 8;
		struct popgrp **nv;
		if (!make)
			return NULL;
		while (nc <= g)
			nc *= 2;
		if ((nv = realloc(m->pop, nc * sizeof(*nv))) == NULL)
			return NULL;
		memset(nv + m->npop, 0, (nc - m->npop) * sizeof(*nv));
		m->pop = nv;
		m->npop = nc;
	}
	if (m->pop[g] == NULL && make) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return NULL;
		for (i = 0; i < POP_DAYS; i++)
			p->day[i] = INT64_MIN;
		m->pop[g] = p;
	}
	return m->pop[g];
}

/* Add v at time t to p.  A slot holding an older date is taken over; a
 * row older than the slot's date is left out. */
static void
put(struct agg *a, struct popgrp *p, int64_t t, int64_t v)
{
	int64_t d;
	size_t s, mi;

	/* Every pop() measure of a row, and most rows of a minute, share
	 * the division. */
	if (!a->pop_cached || a->pop_t != t) {
		a->pop_d = agg_day(t);
		a->pop_mi = (size_t)((t - a->pop_d * 86400) / 60);
		a->pop_t = t;
		a->pop_cached = 1;
	}
	d = a->pop_d;
	mi = a->pop_mi;
	s = (size_t)(d & (POP_DAYS - 1));

	if (p->day[s] != d) {
		if (p->day[s] > d)
			return;
		memset(p->m[s], 0, sizeof(p->m[s]));
		p->day[s] = d;
	}
	if (__builtin_add_overflow(p->m[s][mi], v, &p->m[s][mi]))
		p->m[s][mi] = agg_saturate(a, v);
}

int
pop_add(struct agg *a, struct meas *m, size_t g, int64_t v)
{
	struct popgrp *p = grp(m, g, 1);

	if (p == NULL)
		return -1;
	put(a, p, a->cur_time, v);
	return 0;
}

void
pop_free(struct meas *m)
{
	size_t i;

	for (i = 0; i < m->npop; i++)
		free(m->pop[i]);
	free(m->pop);
	m->pop = NULL;
	m->npop = 0;
}

/* The sum of date d up to minute mi of the day; 0 when not kept. */
static int64_t
upto(const struct popgrp *p, int64_t d, size_t mi)
{
	size_t s = (size_t)(((d % POP_DAYS) + POP_DAYS) % POP_DAYS), i;
	int64_t sum = 0;

	if (p == NULL || p->day[s] != d)
		return 0;
	for (i = 0; i <= mi; i++)
		sum += p->m[s][i];	/* each fits: a saturated sum stays */
	return sum;
}

static void
put_pct(FILE *fp, int64_t now, int64_t ref)
{
	char b[64];
	long double x;

	if (ref == 0)
		return;	/* unknown, not infinite */
	x = ((long double)now - ref) * 1000 / (ref < 0 ? -ref : ref);
	/* Tenths of a percent, half away from zero. */
	x = x < 0 ? x - 0.5L : x + 0.5L;
	{
		long long t = (long long)x;
		snprintf(b, sizeof(b), "%s%lld.%lld", t < 0 ? "-" : "",
		    (t < 0 ? -t : t) / 10, (t < 0 ? -t : t) % 10);
	}
	fputs(b, fp);
}

/* Now's date (days since 1970-01-01), and its minute of the day in *mi. */
static int64_t
now_day(const struct agg *a, size_t *mi)
{
	int64_t d = agg_day(a->max_time);

	*mi = (size_t)((a->max_time - d * 86400) / 60);
	return d;
}

void
pop_write(FILE *fp, const struct agg *a, const struct meas *m, size_t g)
{
	const struct popgrp *p = g < m->npop ? m->pop[g] : NULL;
	char b[MONEY_BUFSZ];
	int64_t d, today, yday, week;
	size_t mi, n;

	if (!a->has_last) {
		if (!m->pop_sel)
			fputs(",,,,", fp);
		return;
	}
	d = now_day(a, &mi);
	today = upto(p, d, mi);
	yday = upto(p, d - 1, mi);
	week = upto(p, d - 7, mi);
	if (m->pop_sel) {
		put_pct(fp, today, m->pop_sel == 1 ? yday : week);
		return;
	}
	n = money_format(today, b);
	fwrite(b, 1, n, fp);
	putc(',', fp);
	n = money_format(yday, b);
	fwrite(b, 1, n, fp);
	putc(',', fp);
	n = money_format(week, b);
	fwrite(b, 1, n, fp);
	putc(',', fp);
	put_pct(fp, today, yday);
	putc(',', fp);
	put_pct(fp, today, week);
}

int
pop_known(const struct agg *a, const struct meas *m, size_t g)
{
	const struct popgrp *p = g < m->npop ? m->pop[g] : NULL;
	int64_t d;
	size_t mi;

	if (!a->has_last)
		return 0;
	d = now_day(a, &mi);
	return upto(p, d - (m->pop_sel == 1 ? 1 : 7), mi) != 0;
}

void
idle_write(FILE *fp, const struct agg *a, const struct cell *c)
{
	int64_t since;

	if (c->cnt > 0 && a->has_last) {
		since = c->max > a->day_first ? c->max : a->day_first;
		fprintf(fp, "%lld", (long long)((a->max_time - since) / 60));
	}
}

/* ==== checkpoints ======================================================== */

void
pop_save(FILE *fp, const struct meas *m, size_t mj, size_t g, size_t gi)
{
	const struct popgrp *p = g < m->npop ? m->pop[g] : NULL;
	size_t s, i;

	if (p == NULL)
		return;
	for (s = 0; s < POP_DAYS; s++) {
		if (p->day[s] == INT64_MIN)
			continue;
		fprintf(fp, "p,%zu,%zu,%lld", gi, mj, (long long)p->day[s]);
		for (i = 0; i < POP_MINS; i++)
			if (p->m[s][i] != 0)
				fprintf(fp, ",%zu:%lld", i,
				    (long long)p->m[s][i]);
		putc('\n', fp);
	}
}

/* "p,G,M,DAY,MIN:SUM..." for group g of measure m.  0, -1 corrupt, -2
 * ENOMEM. */
int
pop_load(struct agg *a, struct meas *m, size_t g, const struct csvio_record *r)
{
	struct popgrp *p;
	long long day;
	size_t i;
	char b[64], *e;

	if (r->nf < 4 || r->f[3].len == 0 || r->f[3].len >= sizeof(b))
		return -1;
	memcpy(b, r->f[3].p, r->f[3].len);
	b[r->f[3].len] = '\0';
	errno = 0;
	day = strtoll(b, &e, 10);
	if (*e != '\0' || errno != 0 || day < -(1LL << 40) || day > 1LL << 40)
		return -1;
	if ((p = grp(m, g, 1)) == NULL)
		return -2;
	for (i = 4; i < r->nf; i++) {
		long long mi, v;
		if (r->f[i].len == 0 || r->f[i].len >= sizeof(b))
			return -1;
		memcpy(b, r->f[i].p, r->f[i].len);
		b[r->f[i].len] = '\0';
		errno = 0;
		mi = strtoll(b, &e, 10);
		if (*e != ':' || mi < 0 || mi >= POP_MINS)
			return -1;
		v = strtoll(e + 1, &e, 10);
		if (*e != '\0' || errno != 0)
			return -1;
		a->cur_time = (int64_t)day * 86400 + mi * 60;
		put(a, p, a->cur_time, v);
	}
	return 0;
}

/* Add group sg of measure sm into group dg of dm. */
int
pop_merge(struct agg *dst, struct meas *dm, size_t dg, const struct meas *sm,
    size_t sg)
{
	const struct popgrp *sp = sg < sm->npop ? sm->pop[sg] : NULL;
	struct popgrp *dp;
	size_t s, i;

	if (sp == NULL)
		return 0;
	if ((dp = grp(dm, dg, 1)) == NULL)
		return -1;
	for (s = 0; s < POP_DAYS; s++) {
		if (sp->day[s] == INT64_MIN)
			continue;
		for (i = 0; i < POP_MINS; i++)
			if (sp->m[s][i] != 0)
				put(dst, dp, sp->day[s] * 86400 + (int64_t)i * 60,
				    sp->m[s][i]);
	}
	return 0;
}
