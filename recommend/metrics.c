/* Scoring (top-N, similar items) and evaluation: RMSE and MAE of the
 * predicted ratings, and precision, recall, MAP and NDCG at k of the ranked
 * lists, for the model and for a most-popular baseline. */
#include "rec.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static double
dot(const double *a, const double *b, int k)
{
	double s = 0;
	int j;

	for (j = 0; j < k; j++)
		s += a[j] * b[j];
	return s;
}

/* Insert (item, score) into the best-first list out[0..*n) of capacity cap;
 * an equal score goes after the ones already there (lower ids first, as
 * items arrive in id order). */
static inline void
keep_best(struct rec_scored *out, size_t *n, size_t cap, uint32_t item,
    double score)
{
	size_t pos;

	if (cap == 0)
		return;
	if (*n == cap && !(score > out[cap - 1].score))
		return;
	pos = *n < cap ? *n : cap - 1;
	while (pos > 0 && score > out[pos - 1].score) {
		out[pos] = out[pos - 1];
		pos--;
	}
	out[pos].item = item;
	out[pos].score = score;
	if (*n < cap)
		(*n)++;
}

size_t
rec_top_n(const struct rec_model *m, uint32_t u, size_t n, int include_owned,
    double *restrict s, struct rec_scored *out)
{
	const int k = (int)m->rank;
	const double *x = m->U + (size_t)u * m->rank;
	const size_t ni = m->nitems;
	uint64_t q = m->own_ptr[u], qend = m->own_ptr[u + 1];
	size_t got = 0, i;
	int f;

	if (n == 0)
		return 0;
	/* Scores by rows of V', in the same order of additions as a dot
	 * product, but vectorised across items. */
	for (i = 0; i < ni; i++)
		s[i] = 0;
	for (f = 0; f < k; f++) {
		const double *restrict vt = m->VT + (size_t)f * ni;
		double xf = x[f];
		for (i = 0; i < ni; i++)
			s[i] += xf * vt[i];
	}
	if (!include_owned) {
		/* The user's own items are sorted: mark them unwanted. */
		for (; q < qend; q++)
			s[m->own_idx[q]] = NAN;
	}
	for (i = 0; i < ni; i++) {
		if (got == n && !(s[i] > out[n - 1].score))
			continue;	/* also skips the NaN marks */
		if (isnan(s[i]))
			continue;
		keep_best(out, &got, n, (uint32_t)i, s[i]);
	}
	return got;
}

size_t
rec_similar(const struct rec_model *m, uint32_t item, size_t n,
    struct rec_scored *out)
{
	const int k = (int)m->rank;
	const double *a = m->V + (size_t)item * m->rank;
	double na = sqrt(dot(a, a, k));
	size_t got = 0;
	uint32_t i;

	for (i = 0; i < m->nitems; i++) {
		const double *b = m->V + (size_t)i * m->rank;
		double nb = sqrt(dot(b, b, k)), c;
		if (i == item)
			continue;
		c = na > 0 && nb > 0 ? dot(a, b, k) / (na * nb) : 0;
		keep_best(out, &got, n, i, c);
	}
	return got;
}

int
rec_test_map(const struct rec_model *m, const struct rec_data *test,
    struct rec_test *t)
{
	size_t j;

	memset(t, 0, sizeof(*t));
	t->u = malloc((test->n + 1) * sizeof(*t->u));
	t->i = malloc((test->n + 1) * sizeof(*t->i));
	t->r = malloc((test->n + 1) * sizeof(*t->r));
	if (t->u == NULL || t->i == NULL || t->r == NULL) {
		rec_test_free(t);
		errno = ENOMEM;
		return -1;
	}
	for (j = 0; j < test->n; j++) {
		const struct rec_rating *r = &test->r[j];
		size_t ul, il;
		const char *uk = strmap_key(test->users, r->u, &ul);
		const char *ik = strmap_key(test->items, r->i, &il);
		t->u[j] = strmap_find(m->umap, uk, ul);
		t->i[j] = strmap_find(m->imap, ik, il);
		t->r[j] = r->r;
	}
	t->n = test->n;
	t->test_users = strmap_count(test->users);
	t->test_items = strmap_count(test->items);
	return 0;
}

void
rec_test_free(struct rec_test *t)
{
	free(t->u);
	free(t->i);
	free(t->r);
	memset(t, 0, sizeof(*t));
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
has(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

void
rec_rank_metrics(const uint32_t *rec, size_t n, size_t k, const uint32_t *rel,
    size_t nrel, double *prec, double *recall, double *ap, double *ndcg)
{
	double hits = 0, sum_p = 0, dcg = 0, idcg = 0;
	size_t j, ideal = nrel < k ? nrel : k;

	for (j = 0; j < n && j < k; j++) {
		if (!has(rel, nrel, rec[j]))
			continue;
		hits++;
		sum_p += hits / (double)(j + 1);
		dcg += 1 / log2((double)j + 2);
	}
	for (j = 0; j < ideal; j++)
		idcg += 1 / log2((double)j + 2);
	*prec = k > 0 ? hits / (double)k : 0;
	*recall = nrel > 0 ? hits / (double)nrel : 0;
	*ap = ideal > 0 ? sum_p / (double)ideal : 0;
	*ndcg = idcg > 0 ? dcg / idcg : 0;
}

struct pop {
	uint32_t item;
	uint64_t users;
};

static int
cmp_pop(const void *a, const void *b)
{
	const struct pop *x = a, *y = b;

	if (x->users != y->users)
		return x->users > y->users ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

/* Ranking evaluation of the users [u0, u1) on one thread: per-user
 * metrics into res (8 per user: the model's four, the baseline's four). */
struct eval_job {
	const struct rec_model *m;
	const uint64_t *rptr;
	uint32_t *ridx;
	const struct pop *pop;
	size_t k;
	uint32_t u0, u1;
	double *res;
	int rc;
};

static void *
eval_run(void *arg)
{
	struct eval_job *j = arg;
	const struct rec_model *m = j->m;
	uint32_t *list = malloc((j->k + 1) * sizeof(*list));
	struct rec_scored *top = malloc((j->k + 1) * sizeof(*top));
	double *scratch = malloc(((size_t)m->nitems + 1) * sizeof(*scratch));
	uint32_t u;

	j->rc = -1;
	if (list == NULL || top == NULL || scratch == NULL)
		goto out;
	for (u = j->u0; u < j->u1; u++) {
		uint32_t *rel = j->ridx + j->rptr[u];
		size_t nrel = (size_t)(j->rptr[u + 1] - j->rptr[u]), n, c;
		const uint32_t *own = m->own_idx + m->own_ptr[u];
		size_t nown = (size_t)(m->own_ptr[u + 1] - m->own_ptr[u]);
		double *r = j->res + (size_t)u * 8;

		if (nrel == 0)
			continue;
		qsort(rel, nrel, sizeof(*rel), cmp_u32);
		n = rec_top_n(m, u, j->k, 0, scratch, top);
		for (c = 0; c < n; c++)
			list[c] = top[c].item;
		rec_rank_metrics(list, n, j->k, rel, nrel, &r[0], &r[1], &r[2],
		    &r[3]);
		for (c = 0, n = 0; c < m->nitems && n < j->k; c++)
			if (!has(own, nown, j->pop[c].item))
				list[n++] = j->pop[c].item;
		rec_rank_metrics(list, n, j->k, rel, nrel, &r[4], &r[5], &r[6],
		    &r[7]);
	}
	j->rc = 0;
out:
	free(list);
	free(top);
	free(scratch);
	return NULL;
}

int
rec_evaluate(const struct rec_model *m, const struct rec_test *t, size_t k,
    int cold_nan, int threads, struct rec_metrics *o)
{
	struct eval_job job[64];
	pthread_t tid[64];
	int started[64];
	uint64_t *rptr = NULL, *fill = NULL;
	uint32_t *ridx = NULL;
	struct pop *pop = NULL;
	double *res = NULL, se = 0, ae = 0, sum[8];
	size_t j;
	uint32_t u;
	int nt, x, rc = -1;

	memset(o, 0, sizeof(*o));
	o->rows = t->n;
	for (j = 0; j < t->n; j++) {
		double e;
		if (t->u[j] < 0 || t->i[j] < 0) {
			o->cold_rows++;
			continue;
		}
		e = dot(m->U + (size_t)t->u[j] * m->rank,
		    m->V + (size_t)t->i[j] * m->rank, (int)m->rank) - t->r[j];
		se += e * e;
		ae += fabs(e);
		o->scored_rows++;
	}
	o->rmse = o->scored_rows ? sqrt(se / (double)o->scored_rows) : NAN;
	o->mae = o->scored_rows ? ae / (double)o->scored_rows : NAN;
	if (cold_nan && o->cold_rows > 0)
		o->rmse = o->mae = NAN;

	/* The relevant items of each user, as rows. */
	rptr = calloc((size_t)m->nusers + 1, sizeof(*rptr));
	fill = calloc((size_t)m->nusers + 1, sizeof(*fill));
	ridx = malloc((t->n + 1) * sizeof(*ridx));
	pop = malloc(((size_t)m->nitems + 1) * sizeof(*pop));
	res = calloc((size_t)m->nusers * 8 + 1, sizeof(*res));
	if (!rptr || !fill || !ridx || !pop || !res)
		goto out;
	for (j = 0; j < t->n; j++)
		if (t->u[j] >= 0 && t->i[j] >= 0)
			rptr[t->u[j] + 1]++;
	for (u = 0; u < m->nusers; u++)
		rptr[u + 1] += rptr[u];
	for (j = 0; j < t->n; j++)
		if (t->u[j] >= 0 && t->i[j] >= 0)
			ridx[rptr[t->u[j]] + fill[t->u[j]]++] =
			    (uint32_t)t->i[j];
	for (j = 0; j < m->nitems; j++) {
		pop[j].item = (uint32_t)j;
		pop[j].users = 0;
	}
	for (j = 0; j < m->nnz; j++)
		pop[m->own_idx[j]].users++;
	qsort(pop, m->nitems, sizeof(*pop), cmp_pop);

	nt = threads < 1 ? 1 : threads > 64 ? 64 : threads;
	if ((uint32_t)nt > m->nusers)
		nt = m->nusers > 0 ? (int)m->nusers : 1;
	for (x = 0; x < nt; x++) {
		job[x].m = m;
		job[x].rptr = rptr;
		job[x].ridx = ridx;
		job[x].pop = pop;
		job[x].k = k;
		job[x].u0 = (uint32_t)((uint64_t)m->nusers * (uint64_t)x /
		    (uint64_t)nt);
		job[x].u1 = (uint32_t)((uint64_t)m->nusers *
		    (uint64_t)(x + 1) / (uint64_t)nt);
		job[x].res = res;
		job[x].rc = -1;
		/* A thread that cannot start is run here instead. */
		started[x] = x > 0 &&
		    pthread_create(&tid[x], NULL, eval_run, &job[x]) == 0;
	}
	eval_run(&job[0]);
	for (x = 1; x < nt; x++) {
		if (started[x])
			pthread_join(tid[x], NULL);
		else
			eval_run(&job[x]);
	}
	for (x = 0; x < nt; x++)
		if (job[x].rc != 0)
			goto out;
	memset(sum, 0, sizeof(sum));
	for (u = 0; u < m->nusers; u++) {
		if (rptr[u + 1] == rptr[u])
			continue;
		o->rank_users++;
		for (x = 0; x < 8; x++)
			sum[x] += res[(size_t)u * 8 + (size_t)x];
	}
	if (o->rank_users > 0) {
		double d = (double)o->rank_users;
		o->precision = sum[0] / d;
		o->recall = sum[1] / d;
		o->map = sum[2] / d;
		o->ndcg = sum[3] / d;
		o->b_precision = sum[4] / d;
		o->b_recall = sum[5] / d;
		o->b_map = sum[6] / d;
		o->b_ndcg = sum[7] / d;
	}
	rc = 0;
out:
	free(rptr);
	free(fill);
	free(ridx);
	free(pop);
	free(res);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}
