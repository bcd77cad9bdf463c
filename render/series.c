/* Series of points from a table: see series.h. */
#include "series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "timefield.h"

void
ss_free(struct seriesset *ss)
{
	size_t i;

	for (i = 0; i < ss->ns; i++) {
		free(ss->s[i].name);
		free(ss->s[i].x);
		free(ss->s[i].y);
	}
	free(ss->cats);
	free(ss->rank);
	strmap_free(ss->catmap);
	memset(ss, 0, sizeof(*ss));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Position of row r on the x axis. */
static double
x_pos(const struct seriesset *ss, const struct dtab *t, size_t r, size_t idx)
{
	const char *v;
	struct li_tm tm;
	double d;

	if (ss->xk == X_INDEX)
		return (double)idx;
	v = dtab_get(t, r, (size_t)ss->xc);
	if (ss->xk == X_TIME) {
		if (tm_parse(v, strlen(v), &tm) == 0)
			return (double)tm_epoch(&tm);
		return NAN;
	}
	if (ss->xk == X_NUM)
		return fmt_parse_num(v, &d) == 0 ? d : NAN;
	{
		long id = strmap_find(ss->catmap, v, strlen(v));
		return id >= 0 ? (double)ss->rank[id] : NAN;
	}
}

/* Sort a series by x, keeping y with it (stable: the order of the rows
 * for equal x). */
struct xy {
	double x, y;
	size_t i;
};

static int
cmp_xy(const void *a, const void *b)
{
	const struct xy *p = a, *q = b;

	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->i > q->i) - (p->i < q->i);
}

static int
series_sort(struct series *se)
{
	struct xy *v;
	size_t i;

	for (i = 1; i < se->n && se->x[i - 1] <= se->x[i]; i++)
		;
	if (i >= se->n)
		return 0;	/* sorted already, as snapshots are */
	if ((v = malloc(se->n * sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < se->n; i++) {
		v[i].x = se->x[i];
		v[i].y = se->y[i];
		v[i].i = i;
	}
	qsort(v, se->n, sizeof(*v), cmp_xy);
	for (i = 0; i < se->n; i++) {
		se->x[i] = v[i].x;
		se->y[i] = v[i].y;
	}
	free(v);
	return 0;
}

/* The value columns of s in vcs (NAMES_MAX): --value's, a column named
 * twice once (its points would overflow the series' arrays), or the first
 * numeric one.  Returns how many, or -1 with a message in err. */
static int
ss_values(const struct chart_spec *s, const struct dtab *t, long *vcs,
    char *err, size_t errlen)
{
	char buf[1024], *names[NAMES_MAX];
	int nv, k, j;

	if (s->value == NULL) {
		if ((vcs[0] = chart_first_col(t, 1, -1)) < 0) {
			snprintf(err, errlen, "%s: no numeric column", t->name);
			return -1;
		}
		return 1;
	}
	if ((nv = chart_split_names(s->value, buf, sizeof(buf), names,
	    NAMES_MAX)) < 1) {
		snprintf(err, errlen, "%s: bad value column list '%s'",
		    t->name, s->value);
		return -1;
	}
	for (k = 0; k < nv; k++)
		if (chart_need_col(t, names[k], &vcs[k], err, errlen) == -1)
			return -1;
	for (k = 1; k < nv; k++) {
		for (j = 0; j < k && vcs[j] != vcs[k]; j++)
			;
		if (j < k) {
			memmove(&vcs[k], &vcs[k + 1],
			    (size_t)(nv - k - 1) * sizeof(vcs[0]));
			nv--;
			k--;
		}
	}
	return nv;
}

/* What kind of x axis ss->xc is from row from: times, numbers, or text
 * (categories: in order of appearance, sorted when every value starts
 * with a digit, as dates, weeks and months do).  Returns 0, or -1 out of
 * memory. */
static int
ss_xkind(const struct dtab *t, size_t from, struct seriesset *ss)
{
	int all_time = 1, all_num = 1, any = 0, sorted = 1, ins;
	struct li_tm tm;
	size_t r, i, nr = t->nrow - from + 1;
	double d;

	ss->xk = X_INDEX;
	if (ss->xc < 0)
		return 0;
	for (r = from; r < t->nrow; r++) {
		const char *v = dtab_get(t, r, (size_t)ss->xc);
		if (*v == '\0')
			continue;
		any = 1;
		if (all_time && tm_parse(v, strlen(v), &tm) != 0)
			all_time = 0;
		if (all_num && fmt_parse_num(v, &d) != 0)
			all_num = 0;
	}
	ss->xk = !any ? X_INDEX : all_time ? X_TIME : all_num ? X_NUM : X_CAT;
	if (ss->xk != X_CAT)
		return 0;
	if ((ss->catmap = strmap_new()) == NULL)
		return -1;
	ss->cats = malloc(nr * sizeof(char *));
	ss->rank = malloc(nr * sizeof(size_t));
	if (ss->cats == NULL || ss->rank == NULL)
		return -1;
	for (r = from; r < t->nrow; r++) {
		const char *v = dtab_get(t, r, (size_t)ss->xc);
		if (strmap_intern(ss->catmap, v, strlen(v), &ins) < 0)
			return -1;
		if (ins)
			ss->cats[ss->ncat++] = (char *)v;
		if (*v < '0' || *v > '9')
			sorted = 0;
	}
	if (sorted)
		qsort(ss->cats, ss->ncat, sizeof(char *), cmp_str);
	for (i = 0; i < ss->ncat; i++)
		ss->rank[strmap_find(ss->catmap, ss->cats[i],
		    strlen(ss->cats[i]))] = i;
	return 0;
}

int
ss_get(const struct chart_spec *s, const struct dtab *t, struct seriesset *ss,
    int want_x, char *err, size_t errlen)
{
	long vcs[NAMES_MAX], sc = -1;
	size_t from = chart_first_row(s, t), r, i;
	int nv = 0, k;

	memset(ss, 0, sizeof(*ss));
	ss->xc = -1;
	if ((nv = ss_values(s, t, vcs, err, errlen)) < 0)
		return -1;
	if (s->series) {
		if (nv != 1) {
			snprintf(err, errlen, "%s: --series takes one value "
			    "column", t->name);
			return -1;
		}
		if (chart_need_col(t, s->series, &sc, err, errlen) == -1)
			return -1;
	}
	if (s->x) {
		if (chart_need_col(t, s->x, &ss->xc, err, errlen) == -1)
			return -1;
	} else if (want_x) {
		size_t c;
		for (c = 0; c < t->ncol; c++) {
			int isv = 0;
			for (k = 0; k < nv; k++)
				isv |= vcs[k] == (long)c;
			if (!isv && (long)c != sc && !dtab_numeric(t, c)) {
				ss->xc = (long)c;
				break;
			}
		}
	}
	ss->dec = 0;
	for (k = 0; k < nv; k++) {
		int d = chart_col_decimals(s, t, vcs[k], from);
		if (d > ss->dec)
			ss->dec = d;
	}
	if (ss_xkind(t, from, ss) == -1)
		goto nomem;
	/* The series and their points. */
	for (r = from; r < t->nrow; r++) {
		if (chart_stopped(r, t, err, errlen))
			goto fail;
		for (k = 0; k < nv; k++) {
			const char *nm = sc >= 0 ? dtab_get(t, r, (size_t)sc) :
			    t->hdr[vcs[k]];
			struct series *se = NULL;
			double v;
			int rc;

			for (i = 0; i < ss->ns; i++)
				if (strcmp(ss->s[i].name, nm) == 0) {
					se = &ss->s[i];
					break;
				}
			if (se == NULL) {
				if (ss->ns == CHART_MAX_SERIES) {
					snprintf(err, errlen, "%s: more than "
					    "%d series", t->name,
					    CHART_MAX_SERIES);
					goto fail;
				}
				se = &ss->s[ss->ns++];
				se->name = strdup(nm);
				se->x = malloc((t->nrow - from) *
				    sizeof(double));
				se->y = malloc((t->nrow - from) *
				    sizeof(double));
				if (!se->name || !se->x || !se->y)
					goto nomem;
			}
			if ((rc = dtab_num(t, r, (size_t)vcs[k], &v, err,
			    errlen)) < 0)
				goto fail;
			se->x[se->n] = x_pos(ss, t, r, r - from);
			se->y[se->n] = rc == 1 ? NAN : v;
			if (!isnan(se->x[se->n]))
				se->n++;
		}
	}
	if (sc >= 0)
		for (i = 0; i < ss->ns; i++)
			if (series_sort(&ss->s[i]) == -1)
				goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", t->name);
fail:
	ss_free(ss);
	return -1;
}

