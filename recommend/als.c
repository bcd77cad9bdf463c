/* Alternating least squares, explicit (Spark's ALS-WR: lambda scaled by
 * each row's rating count) and implicit (Hu, Koren and Volinsky), with an
 * optional non-negativity constraint.
 *
 * Each half-iteration solves every row of one side from the other side's
 * factors.  A row's normal equations are built from rank-1 updates over the
 * items it rated only (kernel.c: a padded lower triangle), four items
 * at a time so that each entry is loaded and stored once per four updates;
 * implicit mode starts from Y'Y, built once per half-iteration.  A
 * persistent pool of threads takes chunks of rows from a shared counter and
 * meets at a barrier after each half.  Every row's arithmetic depends only
 * on its own data, never on the thread that solves it, so the factors come
 * out bit-identical for any thread count. */
#include "rec.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "util.h"

#define MAX_THREADS	256
#define CHUNK		32	/* rows a thread takes at a time */

/* ==== dense kernels ====================================================== */

/* On x86-64 the interleaved Cholesky is also built for x86-64-v4
 * (AVX-512) and AVX2 and picked at run time (function multi-versioning).
 * Floating-point contraction is off in ISO C mode, so every version
 * computes bit-identical results, the same as the scalar solver's: only
 * the vector width differs.  (With eight lanes, 8 % faster than four on
 * the benchmark.) */
#define VEC_CLONES	REC_CLONES("arch=x86-64-v4")

#define PK(j)	((size_t)(j) * ((size_t)(j) + 1) / 2)

int
als_cholesky_solve(double *A, double *b, int k)
{
	double inv[REC_MAX_RANK], c[REC_MAX_RANK];
	int i, j, l;

	/* Right-looking: after column j is scaled, the trailing update's
	 * multiply-subtracts are independent of each other, so they pipeline
	 * instead of waiting on one long chain of dependent additions. */
	for (j = 0; j < k; j++) {
		double *restrict rj = A + PK(j), d = rj[j];
		if (!(d > 0) || !isfinite(d))
			return -1;
		d = sqrt(d);
		rj[j] = d;
		inv[j] = 1 / d;
		for (i = j + 1; i < k; i++)
			c[i] = A[PK(i) + (size_t)j] *= inv[j];
		for (i = j + 1; i < k; i++) {
			double *restrict ri = A + PK(i), lij = c[i];
			for (l = j + 1; l <= i; l++)
				ri[l] -= lij * c[l];
		}
	}
	/* L y = b, by columns. */
	for (j = 0; j < k; j++) {
		b[j] *= inv[j];
		for (i = j + 1; i < k; i++)
			b[i] -= A[PK(i) + (size_t)j] * b[j];
	}
	/* L' x = y, by rows of L. */
	for (j = k - 1; j >= 0; j--) {
		const double *rj = A + PK(j);
		b[j] *= inv[j];
		for (i = 0; i < j; i++)
			b[i] -= rj[i] * b[j];
	}
	return 0;
}

VEC_CLONES void
als_cholesky_solvew(double *restrict A, double *restrict b, int k, int *bad)
{
	double inv[REC_MAX_RANK][SOLVE_W], c[REC_MAX_RANK][SOLVE_W];
	int i, j, l, w;

	/* als_cholesky_solve's operations, lane by lane: the same results. */
	for (j = 0; j < k; j++) {
		double *dj = A + (PK(j) + (size_t)j) * SOLVE_W;
		int ok[SOLVE_W];
		for (w = 0; w < SOLVE_W; w++) {
			ok[w] = dj[w] > 0 && dj[w] <= DBL_MAX;
			bad[w] |= !ok[w];
		}
		/* Branch-free, so that the lanes' roots and reciprocals are
		 * one vector instruction each. */
		for (w = 0; w < SOLVE_W; w++)
			dj[w] = sqrt(ok[w] ? dj[w] : 1.0);
		for (w = 0; w < SOLVE_W; w++)
			inv[j][w] = 1 / dj[w];
		for (i = j + 1; i < k; i++) {
			double *e = A + (PK(i) + (size_t)j) * SOLVE_W;
			for (w = 0; w < SOLVE_W; w++)
				c[i][w] = e[w] *= inv[j][w];
		}
		for (i = j + 1; i < k; i++) {
			double *ri = A + PK(i) * SOLVE_W;
			for (l = j + 1; l <= i; l++)
				for (w = 0; w < SOLVE_W; w++)
					ri[(size_t)l * SOLVE_W + (size_t)w] -=
					    c[i][w] * c[l][w];
		}
	}
	/* The substitutions work on a local copy, which the compiler can
	 * see does not alias A. */
	for (j = 0; j < k; j++)
		for (w = 0; w < SOLVE_W; w++)
			c[j][w] = b[(size_t)j * SOLVE_W + (size_t)w];
	for (j = 0; j < k; j++) {
		double y[SOLVE_W];
		for (w = 0; w < SOLVE_W; w++)
			y[w] = c[j][w] *= inv[j][w];
		for (i = j + 1; i < k; i++) {
			const double *e = A + (PK(i) + (size_t)j) * SOLVE_W;
			for (w = 0; w < SOLVE_W; w++)
				c[i][w] -= e[w] * y[w];
		}
	}
	for (j = k - 1; j >= 0; j--) {
		const double *rj = A + PK(j) * SOLVE_W;
		double y[SOLVE_W];
		for (w = 0; w < SOLVE_W; w++)
			y[w] = c[j][w] *= inv[j][w];
		for (i = 0; i < j; i++)
			for (w = 0; w < SOLVE_W; w++)
				c[i][w] -= rj[(size_t)i * SOLVE_W + (size_t)w] *
				    y[w];
	}
	for (j = 0; j < k; j++)
		for (w = 0; w < SOLVE_W; w++)
			b[(size_t)j * SOLVE_W + (size_t)w] = c[j][w];
}

int
als_nnls(const double *A, const double *b, double *x, int k, double *work)
{
	double *F = work, *g = work + (size_t)k * (size_t)k;
	int i, j, sweep;

	for (i = 0; i < k; i++) {
		for (j = 0; j <= i; j++)
			F[(size_t)i * (size_t)k + (size_t)j] =
			    F[(size_t)j * (size_t)k + (size_t)i] =
			    A[PK(i) + (size_t)j];
		if (!(x[i] > 0))
			x[i] = 0;	/* also NaN */
	}
	for (i = 0; i < k; i++) {
		/* The gradient A x - b at the start. */
		g[i] = -b[i];
		for (j = 0; j < k; j++)
			g[i] += F[(size_t)i * (size_t)k + (size_t)j] * x[j];
	}
	for (sweep = 1; sweep <= 2000; sweep++) {
		double change = 0, size = 0;
		for (j = 0; j < k; j++) {
			const double *col = F + (size_t)j * (size_t)k;
			double nx, d;
			if (!(col[j] > 0))
				continue;
			nx = x[j] - g[j] / col[j];
			if (nx < 0)
				nx = 0;
			d = nx - x[j];
			if (d == 0)
				continue;
			x[j] = nx;
			for (i = 0; i < k; i++)
				g[i] += d * col[i];
			if (fabs(d) > change)
				change = fabs(d);
		}
		for (j = 0; j < k; j++)
			if (x[j] > size)
				size = x[j];
		if (change <= 1e-12 * (1 + size))
			return sweep;
	}
	return sweep - 1;
}

/* The padded triangle P as a packed one. */
static void
unpad(double *restrict A, const double *restrict P, int k)
{
	int j, l;

	for (j = 0; j < k; j++) {
		for (l = 0; l <= j; l++)
			A[PK(j) + (size_t)l] = P[l];
		P += ALS_PADLEN(j);
	}
}

/* ==== the solver pool ==================================================== */

struct side {
	const struct rec_csr *m;	/* the rows solved */
	const double *src;		/* the other side's factors */
	size_t nsrc;
	double *dst;
	atomic_uint *next;	/* per iteration: the next chunk to take */
};

struct pool {
	const struct als_params *p;
	struct side side[2];	/* 0: items from users, 1: users from items */
	int nthreads;
	pthread_barrier_t bar;
	pthread_mutex_t gate_mu;	/* workers wait here until all exist */
	pthread_cond_t gate_cv;
	int gate;			/* 0 wait, 1 go, -1 give up */
	uint64_t failed[MAX_THREADS];
};

struct worker {
	struct pool *pool;
	int t;
	int rc;
};

/* The normal equations of one row, packed (A) with its right-hand side (b)
 * and the regularisation added.  P is scratch.  Returns 0, or 1 for an
 * explicit row without ratings (its factors are zero). */
static int
build_row(const struct pool *pl, const struct side *s, uint32_t row,
    double *P, double *A, double *b, const double *G)
{
	const struct als_params *p = pl->p;
	const int k = p->rank;
	uint64_t p0 = s->m->ptr[row], p1 = s->m->ptr[row + 1];
	double n;
	int j;

	if (!p->implicit && p1 == p0)
		return 1;
	if (p->implicit)
		memcpy(P, G, als_padsize(k) * sizeof(*P));
	else
		memset(P, 0, als_padsize(k) * sizeof(*P));
	memset(b, 0, (size_t)ALS_KPAD(k) * sizeof(*b));
	als_accumulate(P, b, k, s->src, s->m->idx + p0, s->m->val + p0, p1 - p0,
	    p->implicit, p->alpha, &n);
	unpad(A, P, k);
	for (j = 0; j < k; j++)
		A[PK(j) + (size_t)j] += p->lambda * n;
	return 0;
}

/* Rows in groups of SOLVE_W (8): their systems are interleaved lane by
 * lane and solved together (als_cholesky_solvew: one AVX-512 register or
 * two AVX2 ones per operation), which hides the latency of the square
 * roots and divisions; non-negative rows go one at a time. */
static void
solve_rows(struct pool *pl, const struct side *s, int t, uint32_t start,
    uint32_t end, double *P, double *A, double *b, const double *G,
    double *work, double *A4, double *b4)
{
	const struct als_params *p = pl->p;
	const int k = p->rank;
	const size_t kp = (size_t)ALS_KPAD(k), na = PK(k);
	uint32_t row;

	if (p->nonneg) {
		for (row = start; row < end; row++) {
			double *x = s->dst + (size_t)row * kp;
			if (build_row(pl, s, row, P, A, b, G) != 0)
				memset(x, 0, kp * sizeof(*x));
			else
				als_nnls(A, b, x, k, work);
		}
		return;
	}
	for (row = start; row < end; row += SOLVE_W) {
		int skip[SOLVE_W], bad[SOLVE_W], w, j;
		size_t e;

		for (w = 0; w < SOLVE_W; w++) {
			bad[w] = 0;
			skip[w] = row + (uint32_t)w >= end ||
			    build_row(pl, s, row + (uint32_t)w, P, A, b, G) != 0;
			if (skip[w]) {
				/* An identity system keeps the lane finite. */
				for (e = 0; e < na; e++)
					A4[e * SOLVE_W + (size_t)w] = 0;
				for (j = 0; j < k; j++) {
					A4[(PK(j) + (size_t)j) * SOLVE_W +
					    (size_t)w] = 1;
					b4[(size_t)j * SOLVE_W + (size_t)w] = 0;
				}
				continue;
			}
			for (e = 0; e < na; e++)
				A4[e * SOLVE_W + (size_t)w] = A[e];
			for (j = 0; j < k; j++)
				b4[(size_t)j * SOLVE_W + (size_t)w] = b[j];
		}
		als_cholesky_solvew(A4, b4, k, bad);
		for (w = 0; w < SOLVE_W && row + (uint32_t)w < end; w++) {
			double *x = s->dst + (size_t)(row + (uint32_t)w) * kp;
			if (skip[w] || bad[w]) {
				memset(x, 0, kp * sizeof(*x));
				pl->failed[t] += (uint64_t)bad[w];
				continue;
			}
			for (j = 0; j < k; j++)
				x[j] = b4[(size_t)j * SOLVE_W + (size_t)w];
		}
	}
}

static void *
worker_run(void *arg)
{
	struct worker *wk = arg;
	struct pool *pl = wk->pool;
	const int k = pl->p->rank;
	double *P, *A, *b, *G, *work, *A4, *b4;
	int it, h, gate;

	pthread_mutex_lock(&pl->gate_mu);
	while (pl->gate == 0)
		pthread_cond_wait(&pl->gate_cv, &pl->gate_mu);
	gate = pl->gate;
	pthread_mutex_unlock(&pl->gate_mu);
	if (gate < 0)
		return NULL;
	P = malloc(als_padsize(k) * sizeof(*P));
	A = malloc(PK(k) * sizeof(*A));
	b = malloc((size_t)ALS_KPAD(k) * sizeof(*b));
	G = malloc(als_padsize(k) * sizeof(*G));
	work = malloc((size_t)k * ((size_t)k + 1) * sizeof(*work));
	A4 = malloc(PK(k) * SOLVE_W * sizeof(*A4));
	b4 = malloc((size_t)k * SOLVE_W * sizeof(*b4));
	wk->rc = P && A && b && G && work && A4 && b4 ? 0 : -1;
	/* Everyone must reach every barrier, even after a failed malloc:
	 * the outcome is checked once all are done. */
	for (it = 0; it < pl->p->iters; it++) {
		for (h = 0; h < 2; h++) {
			const struct side *s = &pl->side[h];
			atomic_uint *next = &s->next[it];
			unsigned c;
			if (wk->rc == 0 && pl->p->implicit)
				als_gram(G, s->src, s->nsrc, k);
			/* Chunks of rows go to whichever thread is free: a
			 * row's result does not depend on who solves it, and a
			 * thread the system holds back does not hold up the
			 * others.  A thread without memory takes none. */
			while (wk->rc == 0 && (c = atomic_fetch_add_explicit(
			    next, 1, memory_order_relaxed)) <
			    (s->m->nrows + CHUNK - 1) / CHUNK) {
				uint32_t r0 = c * CHUNK;
				uint32_t r1 = s->m->nrows - r0 < CHUNK ?
				    s->m->nrows : r0 + CHUNK;
				solve_rows(pl, s, wk->t, r0, r1, P, A, b, G,
				    work, A4, b4);
			}
			pthread_barrier_wait(&pl->bar);
		}
	}
	free(P);
	free(A);
	free(b);
	free(G);
	free(work);
	free(A4);
	free(b4);
	return NULL;
}

void
als_init(const struct als_params *p, uint32_t nusers, uint32_t nitems,
    double *U, double *V)
{
	struct rng rng;
	size_t r, n = (size_t)nusers + nitems;
	int j, k = p->rank;

	rng_seed(&rng, p->seed);
	for (r = 0; r < n; r++) {
		double *x = r < nusers ? U + r * (size_t)k :
		    V + (r - nusers) * (size_t)k;
		double s = 0;
		for (j = 0; j < k; j++) {
			x[j] = rng_normal(&rng);
			s += x[j] * x[j];
		}
		s = sqrt(s);
		for (j = 0; j < k; j++) {
			x[j] /= s;
			if (p->nonneg)
				x[j] = fabs(x[j]);
		}
	}
}

/* Copy n rows of k doubles from src (rows sstride apart) to dst (rows
 * dstride apart): between the caller's factors and the padded ones. */
static void
restride(double *dst, size_t dstride, const double *src, size_t sstride,
    size_t n, int k)
{
	size_t r;

	for (r = 0; r < n; r++)
		memcpy(dst + r * dstride, src + r * sstride,
		    (size_t)k * sizeof(*dst));
}

/* Run the pool's nt workers (this thread is worker 0) to the end of
 * training.  Returns 0, or -1 with err set when a thread cannot start or
 * a worker ran out of memory. */
static int
run_pool(struct pool *pl, int nt, char *err, size_t errlen)
{
	struct worker wk[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int t, started = 0, e = 0;

	for (t = 0; t < nt; t++) {
		wk[t].pool = pl;
		wk[t].t = t;
		wk[t].rc = 0;
	}
	for (t = 1; t < nt; t++) {
		if ((e = pthread_create(&tid[t], NULL, worker_run, &wk[t]))
		    != 0)
			break;
		started++;
	}
	/* The barrier counts nt, so the pool cannot run short-handed: the
	 * workers wait at the gate until every one of them exists. */
	pthread_mutex_lock(&pl->gate_mu);
	pl->gate = started == nt - 1 ? 1 : -1;
	pthread_cond_broadcast(&pl->gate_cv);
	pthread_mutex_unlock(&pl->gate_mu);
	if (started < nt - 1) {
		snprintf(err, errlen, "threads: %s", strerror(e));
		for (t = 1; t <= started; t++)
			pthread_join(tid[t], NULL);
		return -1;
	}
	worker_run(&wk[0]);
	for (t = 1; t < nt; t++)
		pthread_join(tid[t], NULL);
	for (t = 0; t < nt; t++) {
		if (wk[t].rc != 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

int
als_train(const struct als_params *p, const struct rec_csr *byuser,
    const struct rec_csr *byitem, double *U, double *V,
    struct als_stats *st, char *err, size_t errlen)
{
	struct pool pl;
	int nt = p->threads, t, rc = -1, e = 0;
	double *Up = NULL, *Vp = NULL;
	size_t kp;
	double t0;

	memset(st, 0, sizeof(*st));
	if (p->rank < 1 || p->rank > REC_MAX_RANK) {
		snprintf(err, errlen, "rank %d out of range 1-%d", p->rank,
		    REC_MAX_RANK);
		return -1;
	}
	if (nt < 1)
		nt = 1;
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	/* No more threads than rows to share. */
	if ((uint32_t)nt > byuser->nrows)
		nt = byuser->nrows > 0 ? (int)byuser->nrows : 1;
	memset(&pl, 0, sizeof(pl));
	pl.p = p;
	pl.nthreads = nt;
	kp = (size_t)ALS_KPAD(p->rank);
	Up = calloc((size_t)byuser->nrows * kp + 1, sizeof(*Up));
	Vp = calloc((size_t)byitem->nrows * kp + 1, sizeof(*Vp));
	if (Up == NULL || Vp == NULL) {
		free(Up);
		free(Vp);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	restride(Up, kp, U, (size_t)p->rank, byuser->nrows, p->rank);
	restride(Vp, kp, V, (size_t)p->rank, byitem->nrows, p->rank);
	pl.side[0].m = byitem;
	pl.side[0].src = Up;
	pl.side[0].nsrc = byuser->nrows;
	pl.side[0].dst = Vp;
	pl.side[1].m = byuser;
	pl.side[1].src = Vp;
	pl.side[1].nsrc = byitem->nrows;
	pl.side[1].dst = Up;
	pl.side[0].next = calloc((size_t)p->iters + 1, sizeof(atomic_uint));
	pl.side[1].next = calloc((size_t)p->iters + 1, sizeof(atomic_uint));
	if (pl.side[0].next == NULL || pl.side[1].next == NULL) {
		free(pl.side[0].next);
		free(pl.side[1].next);
		free(Up);
		free(Vp);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (t = 0; t < p->iters; t++) {
		atomic_init(&pl.side[0].next[t], 0);
		atomic_init(&pl.side[1].next[t], 0);
	}
	if ((e = pthread_barrier_init(&pl.bar, NULL, (unsigned)nt)) != 0) {
		snprintf(err, errlen, "threads: %s", strerror(e));
		free(pl.side[0].next);
		free(pl.side[1].next);
		free(Up);
		free(Vp);
		return -1;
	}
	pthread_mutex_init(&pl.gate_mu, NULL);
	pthread_cond_init(&pl.gate_cv, NULL);
	t0 = now_mono();
	if (run_pool(&pl, nt, err, errlen) == -1)
		goto out;
	st->train_s = now_mono() - t0;
	st->per_iter_s = p->iters > 0 ? st->train_s / p->iters : 0;
	for (t = 0; t < nt; t++)
		st->failed_solves += pl.failed[t];
	restride(U, (size_t)p->rank, Up, kp, byuser->nrows, p->rank);
	restride(V, (size_t)p->rank, Vp, kp, byitem->nrows, p->rank);
	rc = 0;
out:
	free(pl.side[0].next);
	free(pl.side[1].next);
	free(Up);
	free(Vp);
	pthread_barrier_destroy(&pl.bar);
	pthread_mutex_destroy(&pl.gate_mu);
	pthread_cond_destroy(&pl.gate_cv);
	return rc;
}
