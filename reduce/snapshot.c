/* Snapshot files of the aggregate engine: one CSV file per aggregate,
 * rows sorted by their keys, each replaced atomically. */
#include "agg_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "money.h"
#include "timefield.h"


static int
cmp_groups(const void *x, const void *y, void *ctx)
{
	const struct agg *a = ((const void **)ctx)[0];
	const struct table *t = ((const void **)ctx)[1];
	uint32_t gx = *(const uint32_t *)x, gy = *(const uint32_t *)y;
	size_t j;

	for (j = 0; j < t->k; j++) {
		const struct strmap *m = a->src[t->si[j]].map;
		size_t lx, ly;
		const char *sx = strmap_key(m, t->gkeys[gx * t->k + j], &lx);
		const char *sy = strmap_key(m, t->gkeys[gy * t->k + j], &ly);
		int c = memcmp(sx, sy, lx < ly ? lx : ly);
		if (c != 0)
			return c;
		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	return 0;
}

static int
put_num(FILE *fp, int64_t v, int as_int)
{
	char b[MONEY_BUFSZ];
	size_t n;

	if (as_int && v % MONEY_SCALE == 0)
		n = int_format(v / MONEY_SCALE, b);
	else
		n = money_format(v, b);
	return fwrite(b, 1, n, fp) == n ? 0 : -1;
}

/* A row time (seconds as if UTC, the till's wall time) as RFC 3339 with
 * the offset the process's TZ has then. */
static int
put_time(FILE *fp, int64_t secs)
{
	char b[TM_BUFSZ];
	struct li_tm tm;
	size_t n;

	tm_from_epoch(secs, &tm);
	n = tm_fmt_local(&tm, b);
	return fwrite(b, 1, n, fp) == n ? 0 : -1;
}

int
agg_put_cell(FILE *fp, const struct agg *a, const struct meas *m,
    const struct cell *c)
{
	char b[MONEY_BUFSZ];
	size_t n;

	switch (m->func) {
	case SF_SUM:
		return put_num(fp, c->sum, m->as_int);
	case SF_COUNT:
	case SF_DISTINCT:
		n = int_format(c->cnt, b);
		break;
	case SF_REJECTED:
		n = int_format((int64_t)a->rejected, b);
		break;
	case SF_MIN:
		return c->cnt ? put_num(fp, c->min, m->as_int) : 0;
	case SF_MAX:
		return c->cnt ? put_num(fp, c->max, m->as_int) : 0;
	case SF_MINTIME:
		return c->cnt ? put_time(fp, c->min) : 0;
	case SF_MAXTIME:
		return c->cnt ? put_time(fp, c->max) : 0;
	case SF_IDLE:
		idle_write(fp, a, c);
		return ferror(fp) ? -1 : 0;
	case SF_MEAN:
		if (c->cnt == 0)
			return 0;
		n = money_format(money_div(c->sum, c->cnt), b);
		break;
	default:
		return 0;
	}
	return fwrite(b, 1, n, fp) == n ? 0 : -1;
}

int
agg_write_csv(struct agg *a, size_t ti, FILE *fp)
{
	struct table *t = &a->tab[ti];
	const struct spec_agg *sa = t->sa;
	uint32_t *order = NULL;
	const void *ctx[2] = { a, t };
	size_t g, j;
	int rc = -1, only_change;

	if (t->win != NULL)
		return win_write_csv(a, ti, fp);
	for (j = 0; j < sa->nkeys; j++) {
		if (j > 0)
			putc(',', fp);
		csvio_put_field(fp, sa->keys[j], strlen(sa->keys[j]), ',');
	}
	for (j = 0; j < sa->nmeas; j++) {
		if (j > 0 || sa->nkeys > 0)
			putc(',', fp);
		if (sa->meas[j].func == SF_POP && !sa->meas[j].pop_sel) {
			for (size_t q = 0; q < POP_NCOLS; q++)
				fprintf(fp, "%s%s%s", q ? "," : "",
				    sa->meas[j].name, pop_col(q));
			continue;
		}
		csvio_put_field(fp, sa->meas[j].name, strlen(sa->meas[j].name),
		    ',');
	}
	putc('\n', fp);
	if ((order = malloc((t->ng ? t->ng : 1) * sizeof(*order))) == NULL)
		goto out;
	for (g = 0; g < t->ng; g++)
		order[g] = (uint32_t)g;
	qsort_r(order, t->ng, sizeof(*order), cmp_groups, ctx);
	/* A keyed table whose one measure is a change (pop(COL):day or
	 * :week), for an alert rule, leaves out the groups whose change is
	 * unknown (nothing sold in the reference period) rather than write
	 * an empty cell. */
	only_change = t->k > 0 && t->m == 1 && t->ms[0].func == SF_POP &&
	    t->ms[0].pop_sel;
	for (g = 0; g < t->ng; g++) {
		size_t gi = order[g];
		if (only_change && !pop_known(a, &t->ms[0], gi))
			continue;
		for (j = 0; j < t->k; j++) {
			size_t len;
			const char *s = strmap_key(a->src[t->si[j]].map,
			    t->gkeys[gi * t->k + j], &len);
			if (j > 0)
				putc(',', fp);
			csvio_put_field(fp, s, len, ',');
		}
		for (j = 0; j < t->m; j++) {
			if (j > 0 || t->k > 0)
				putc(',', fp);
			if (t->ms[j].func == SF_POP)
				pop_write(fp, a, &t->ms[j], gi);
			else
				agg_put_cell(fp, a, &t->ms[j],
				    &t->cells[gi * t->m + j]);
		}
		putc('\n', fp);
	}
	rc = ferror(fp) ? -1 : 0;
out:
	free(order);
	return rc;
}

int
agg_write_snapshot(struct agg *a, const char *dir, int nosync, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < a->ntab; i++) {
		struct atomic_file af;
		char path[4096];
		int saved;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    a->tab[i].sa->file) >= sizeof(path)) {
			snprintf(err, errlen, "%s", dir);
			errno = ENAMETOOLONG;
			return -1;
		}
		if (atomic_open(&af, path) == -1)
			goto fail;
		af.nosync = nosync;
		if (agg_write_csv(a, i, af.fp) == -1) {
			saved = errno ? errno : EIO;
			atomic_abort(&af);
			errno = saved;
			goto fail;
		}
		if (atomic_commit(&af) == -1)
			goto fail;
		continue;
fail:
		saved = errno;
		snprintf(err, errlen, "%s", path);
		errno = saved;
		return -1;
	}
	return 0;
}

