/* Tests of recommend/als.c: the dense kernels, the ALS-WR and implicit
 * fixed points against naive normal equations, accuracy on planted
 * low-rank data with known noise, non-negativity, and bit-identical factors
 * for any thread count. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../recommend/rec.h"
#include "rng.h"

#define PK(j)	((size_t)(j) * ((j) + 1) / 2)

/* A random SPD matrix M M' + k I, packed, and its full copy. */
static void
random_spd(struct rng *rng, int k, double *packed, double *full)
{
	double M[16 * 16];
	int i, j, l;

	for (i = 0; i < k * k; i++)
		M[i] = rng_normal(rng);
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++) {
			double s = i == j ? k : 0;
			for (l = 0; l < k; l++)
				s += M[i * k + l] * M[j * k + l];
			full[i * k + j] = s;
			if (j <= i)
				packed[PK(i) + (size_t)j] = s;
		}
}

static void
test_cholesky(void **state)
{
	static const int ks[] = { 1, 2, 3, 5, 10, 16 };
	struct rng rng;
	size_t t;

	rng_seed(&rng, 11);
	for (t = 0; t < sizeof(ks) / sizeof(*ks); t++) {
		int k = ks[t], i, j;
		double P[16 * 17 / 2], F[16 * 16], x[16], b[16];
		random_spd(&rng, k, P, F);
		for (i = 0; i < k; i++)
			x[i] = b[i] = rng_normal(&rng);
		assert_int_equal(als_cholesky_solve(P, x, k), 0);
		for (i = 0; i < k; i++) {
			double s = 0;
			for (j = 0; j < k; j++)
				s += F[i * k + j] * x[j];
			assert_true(fabs(s - b[i]) < 1e-9 * (1 + fabs(b[i])));
		}
	}
}

/* Four systems interleaved give each lane the scalar solver's bits; a
 * lane that is not positive definite is flagged without disturbing the
 * others. */
static void
test_cholesky_w(void **state)
{
	static const int ks[] = { 1, 3, 10, 16 };
	struct rng rng;
	size_t t;

	rng_seed(&rng, 12);
	for (t = 0; t < sizeof(ks) / sizeof(*ks); t++) {
		int k = ks[t], w, bad[SOLVE_W] = { 0 };
		size_t np = PK(k), e;
		double P[SOLVE_W][16 * 17 / 2], F[16 * 16], x[SOLVE_W][16];
		double A4[16 * 17 / 2 * SOLVE_W], b4[16 * SOLVE_W];
		int j;

		for (w = 0; w < SOLVE_W; w++) {
			random_spd(&rng, k, P[w], F);
			if (w == 2)
				P[w][0] = -1;	/* not positive definite */
			for (j = 0; j < k; j++)
				x[w][j] = b4[j * SOLVE_W + w] =
				    rng_normal(&rng);
			for (e = 0; e < np; e++)
				A4[e * SOLVE_W + (size_t)w] = P[w][e];
		}
		als_cholesky_solvew(A4, b4, k, bad);
		for (w = 0; w < SOLVE_W; w++) {
			assert_int_equal(bad[w], w == 2);
			assert_int_equal(als_cholesky_solve(P[w], x[w], k),
			    w == 2 ? -1 : 0);
			if (w == 2)
				continue;
			for (j = 0; j < k; j++)
				assert_memory_equal(&x[w][j],
				    &b4[j * SOLVE_W + w], sizeof(double));
		}
	}
}

/* als_accumulate, each kernel the CPU has, against the normal equations
 * written out naively: ranks 1-20 (the AVX-512 kernel's 1-16 and the
 * vector kernel beyond), rows of 0-37 ratings (tails of the blocks of 4),
 * explicit and implicit with negative ratings, and a starting triangle
 * that is added to (implicit mode starts from Y'Y).  Entries past the
 * diagonal and b past k are not compared: they are never read. */
static void
test_accumulate(void **state)
{
	static const int kernels[] = { ALS_KERNEL_VEC, ALS_KERNEL_AVX512 };
	enum { NY = 50, MAXK = 20, MAXN = 38 };
	struct rng rng;
	double Y[NY * 20], val[MAXN], P0[512], P[512], b[24], b0[24];
	uint32_t idx[MAXN];
	size_t kv, tested = 0;
	int k, n, implicit, i, j;

	(void)state;
	rng_seed(&rng, 5);
	for (kv = 0; kv < sizeof(kernels) / sizeof(*kernels); kv++) {
		if (als_kernel_use(kernels[kv]) != 0) {
			/* Only AVX-512 may be missing, and then AUTO is VEC. */
			assert_int_equal(kernels[kv], ALS_KERNEL_AVX512);
			continue;
		}
		tested++;
		for (k = 1; k <= MAXK; k++) {
			const int kp = ALS_KPAD(k);
			/* Rows of Y padded with zeros, as ALS keeps them. */
			for (i = 0; i < NY; i++)
				for (j = 0; j < kp; j++)
					Y[i * kp + j] = j < k ?
					    rng_normal(&rng) : 0;
			for (n = 0; n < MAXN; n++)
			for (implicit = 0; implicit < 2; implicit++) {
				double alpha = 0.7, cnt = -1, want_cnt = 0;
				size_t off = 0;
				for (i = 0; i < n; i++) {
					idx[i] = (uint32_t)(rng_next(&rng) % NY);
					val[i] = rng_normal(&rng) * 3;
				}
				for (i = 0; i < (int)als_padsize(k); i++)
					P[i] = P0[i] = rng_normal(&rng);
				for (i = 0; i < kp; i++)
					b[i] = b0[i] = rng_normal(&rng);
				als_accumulate(P, b, k, Y, idx, val,
				    (uint64_t)n, implicit, alpha, &cnt);
				for (i = 0; i < n; i++)
					want_cnt += implicit ? val[i] > 0 : 1;
				assert_true(cnt == want_cnt);
				for (j = 0; j < k; j++) {
					double wb = b0[j], mb = fabs(b0[j]);
					int l, q;
					for (l = 0; l <= j; l++) {
						double wa = P0[off + (size_t)l];
						double mag = fabs(wa);
						for (q = 0; q < n; q++) {
							const double *y = Y +
							    (size_t)idx[q] * kp;
							double w = implicit ?
							    alpha * fabs(val[q]) : 1;
							wa += w * y[j] * y[l];
							mag += fabs(w * y[j] * y[l]);
						}
						/* Rounding: a few ulps of the
						 * terms' magnitude per term. */
						assert_true(fabs(P[off + (size_t)l] -
						    wa) <= 1e-15 * mag * (n + 2));
					}
					for (q = 0; q < n; q++) {
						const double *y = Y +
						    (size_t)idx[q] * kp;
						double c = val[q];
						if (implicit)
							c = c > 0 ? 1 + alpha *
							    c : 0;
						wb += c * y[j];
						mb += fabs(c * y[j]);
					}
					assert_true(fabs(b[j] - wb) <=
					    1e-15 * mb * (n + 2));
					off += (size_t)ALS_PADLEN(j);
				}
			}
		}
	}
	assert_true(tested >= 1);
	assert_int_equal(als_kernel_use(ALS_KERNEL_AUTO), 0);
	assert_int_equal(als_kernel_use(99), -1);
}

static void
test_cholesky_not_spd(void **state)
{
	/* [[1, 2], [2, 1]] is indefinite; [[0]] is singular. */
	double A[3] = { 1, 2, 1 }, b[2] = { 1, 1 }, Z[1] = { 0 }, z[1] = { 1 };

	assert_int_equal(als_cholesky_solve(A, b, 2), -1);
	assert_int_equal(als_cholesky_solve(Z, z, 1), -1);
}

static void
test_nnls(void **state)
{
	/* Interior optimum: the same as the unconstrained solution. */
	double A[3] = { 2, 0, 2 }, b[2] = { 2, 4 }, x[2] = { 0, 0 }, work[6];
	/* Constrained: unconstrained optimum (-1, 2) clips to (0, 1.5). */
	double A2[3] = { 1, 0, 2 }, b2[2] = { -1, 3 };
	/* Coupled: min over x >= 0 of 0.5 x'[[2,1],[1,2]]x - [1,-1]'x. */
	double A3[3] = { 2, 1, 2 }, b3[2] = { 1, -1 };

	als_nnls(A, b, x, 2, work);
	assert_true(fabs(x[0] - 1) < 1e-9 && fabs(x[1] - 2) < 1e-9);
	als_nnls(A2, b2, x, 2, work);
	assert_true(fabs(x[0]) < 1e-12 && fabs(x[1] - 1.5) < 1e-9);
	als_nnls(A3, b3, x, 2, work);
	assert_true(fabs(x[0] - 0.5) < 1e-9 && fabs(x[1]) < 1e-12);
	/* Any start, negative or NaN included, reaches the same optimum. */
	x[0] = -3;
	x[1] = NAN;
	als_nnls(A2, b2, x, 2, work);
	assert_true(fabs(x[0]) < 1e-12 && fabs(x[1] - 1.5) < 1e-9);
	x[0] = 7;
	x[1] = 9;
	als_nnls(A3, b3, x, 2, work);
	assert_true(fabs(x[0] - 0.5) < 1e-9 && fabs(x[1]) < 1e-12);
}

/* ---- data sets -------------------------------------------------------- */

struct set {
	struct rec_data *train, *test;
	struct rec_csr bu, bi;
};

static struct rec_data *
read_csv(FILE *fp)
{
	struct rec_data *d = rec_data_new(REC_AGG_SUM, NULL);
	struct rec_input in;
	char path[64], err[REC_ERRLEN];

	assert_non_null(d);
	rewind(fp);
	snprintf(path, sizeof(path), "/dev/fd/%d", fileno(fp));
	memset(&in, 0, sizeof(in));
	in.fmt = REC_FMT_CSV;
	in.path = path;
	in.delim = ',';
	in.ucol = "user";
	in.icol = "item";
	in.rcol = "rating";
	in.header = -1;
	if (rec_read(&in, d, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	rec_data_sort(d);
	return d;
}

static void
planted(struct set *s, uint32_t users, uint32_t items, uint32_t rank,
    uint64_t n, double sigma, uint64_t seed)
{
	struct rec_gen_opts g;
	FILE *tr = tmpfile(), *te = tmpfile();

	assert_non_null(tr);
	assert_non_null(te);
	memset(&g, 0, sizeof(g));
	g.users = users;
	g.items = items;
	g.rank = rank;
	g.ratings = n;
	g.sigma = sigma;
	g.test_frac = 0.2;
	g.seed = seed;
	g.header = 1;
	assert_true(rec_gen_ratings(&g, tr, te) == (long long)n);
	fflush(tr);
	fflush(te);
	s->train = read_csv(tr);
	s->test = read_csv(te);
	fclose(tr);
	fclose(te);
	assert_int_equal(rec_csr_build(s->train, &s->bu, &s->bi), 0);
}

static void
set_free(struct set *s)
{
	rec_data_free(s->train);
	rec_data_free(s->test);
	rec_csr_free(&s->bu);
	rec_csr_free(&s->bi);
}

static void
train(const struct set *s, const struct als_params *p, double **U,
    double **V)
{
	struct als_stats st;
	char err[REC_ERRLEN];

	*U = malloc((size_t)s->bu.nrows * p->rank * sizeof(**U));
	*V = malloc((size_t)s->bi.nrows * p->rank * sizeof(**V));
	assert_non_null(*U);
	assert_non_null(*V);
	als_init(p, s->bu.nrows, s->bi.nrows, *U, *V);
	if (als_train(p, &s->bu, &s->bi, *U, *V, &st, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(st.failed_solves, 0);
}

static struct als_params
params(int rank, double lambda)
{
	struct als_params p;

	memset(&p, 0, sizeof(p));
	p.rank = rank;
	p.iters = 10;
	p.lambda = lambda;
	p.alpha = 1;
	p.seed = 42;
	p.threads = 2;
	return p;
}

/* Solve a dense k x k system by Gaussian elimination (the reference). */
static void
dense_solve(double *A, double *b, int k)
{
	int i, j, l;

	for (i = 0; i < k; i++)
		for (j = i + 1; j < k; j++) {
			double f = A[j * k + i] / A[i * k + i];
			for (l = i; l < k; l++)
				A[j * k + l] -= f * A[i * k + l];
			b[j] -= f * b[i];
		}
	for (i = k - 1; i >= 0; i--) {
		for (l = i + 1; l < k; l++)
			b[i] -= A[i * k + l] * b[l];
		b[i] /= A[i * k + i];
	}
}

/* After the last half-iteration every user row solves its normal
 * equations given V: rebuild them naively (over all items for implicit,
 * without the Y'Y trick) and compare. */
static void
check_user_fixed_point(const struct set *s, const struct als_params *p,
    const double *U, const double *V)
{
	const int k = p->rank;
	uint32_t u, i;
	double A[16 * 16], b[16];
	int j, l;

	for (u = 0; u < s->bu.nrows; u++) {
		double n = 0;
		memset(A, 0, sizeof(A));
		memset(b, 0, sizeof(b));
		for (i = 0; i < s->bi.nrows; i++) {
			double r = 0, c, pref;
			int rated = 0;
			uint64_t q;
			for (q = s->bu.ptr[u]; q < s->bu.ptr[u + 1]; q++)
				if (s->bu.idx[q] == i) {
					r = s->bu.val[q];
					rated = 1;
				}
			if (p->implicit) {
				c = 1 + p->alpha * fabs(r);
				pref = r > 0;
				n += r > 0;
			} else {
				if (!rated)
					continue;
				c = 1;
				pref = r;
				n++;
			}
			for (j = 0; j < k; j++) {
				for (l = 0; l < k; l++)
					A[j * k + l] += c * V[i * k + j] *
					    V[i * k + l];
				b[j] += c * pref * V[i * k + j];
			}
		}
		for (j = 0; j < k; j++)
			A[j * k + j] += p->lambda * n;
		dense_solve(A, b, k);
		for (j = 0; j < k; j++)
			assert_true(fabs(b[j] - U[u * k + j]) <
			    1e-8 * (1 + fabs(b[j])));
	}
}

static void
test_explicit_fixed_point(void **state)
{
	struct set s;
	struct als_params p = params(4, 0.05);
	double *U, *V;

	planted(&s, 40, 30, 3, 500, 0.1, 5);
	train(&s, &p, &U, &V);
	check_user_fixed_point(&s, &p, U, V);
	free(U);
	free(V);
	set_free(&s);
}

static void
test_implicit_fixed_point(void **state)
{
	struct set s;
	struct als_params p = params(5, 0.1);
	double *U, *V;

	p.implicit = 1;
	p.alpha = 2;
	/* Ratings around 0 include negative ones: confidence 1 + alpha |r|,
	 * preference 0. */
	planted(&s, 40, 30, 3, 500, 0.3, 6);
	train(&s, &p, &U, &V);
	check_user_fixed_point(&s, &p, U, V);
	free(U);
	free(V);
	set_free(&s);
}

static double
test_rmse(const struct set *s, const double *U, const double *V, int k)
{
	double se = 0;
	size_t j, n = 0;

	for (j = 0; j < s->test->n; j++) {
		const struct rec_rating *r = &s->test->r[j];
		size_t ul, il;
		const char *uk = strmap_key(s->test->users, r->u, &ul);
		const char *ik = strmap_key(s->test->items, r->i, &il);
		long u = strmap_find(s->train->users, uk, ul);
		long i = strmap_find(s->train->items, ik, il);
		double e = -r->r;
		int f;
		if (u < 0 || i < 0)
			continue;
		for (f = 0; f < k; f++)
			e += U[u * k + f] * V[i * k + f];
		se += e * e;
		n++;
	}
	assert_true(n > s->test->n * 9 / 10);
	return sqrt(se / (double)n);
}

/* Planted rank-3 structure plus N(0, sigma): test RMSE within 10 % of
 * sigma, the best any model can do (regParam 0.01, as the original). */
static void
test_noise_floor(void **state)
{
	static const double sigmas[] = { 0.1, 0.3 };
	size_t t;

	for (t = 0; t < 2; t++) {
		struct set s;
		struct als_params p = params(3, 0.01);
		double *U, *V, rmse;

		p.iters = 20;
		planted(&s, 300, 200, 3, 24000, sigmas[t], 9 + t);
		train(&s, &p, &U, &V);
		rmse = test_rmse(&s, U, V, p.rank);
		print_message("# sigma %.2f: test RMSE %.4f (%.1f%% above)\n",
		    sigmas[t], rmse, (rmse / sigmas[t] - 1) * 100);
		assert_true(rmse < sigmas[t] * 1.10);
		assert_true(rmse > sigmas[t] * 0.9);
		free(U);
		free(V);
		set_free(&s);
	}
}

static void
test_nonnegative(void **state)
{
	struct set s;
	struct als_params p = params(4, 0.1);
	double *U, *V;
	size_t j;

	p.nonneg = 1;
	planted(&s, 60, 40, 3, 1000, 0.1, 12);
	train(&s, &p, &U, &V);
	for (j = 0; j < (size_t)s.bu.nrows * p.rank; j++)
		assert_true(U[j] >= 0);
	for (j = 0; j < (size_t)s.bi.nrows * p.rank; j++)
		assert_true(V[j] >= 0);
	free(U);
	free(V);
	set_free(&s);
}

/* Same seed, 1, 2, 3 and 7 threads: the same bits, in every mode. */
static void
test_threads_deterministic(void **state)
{
	static const int threads[] = { 2, 3, 7 };
	static const int implicit[] = { 0, 1, 0, 1 }, nonneg[] = { 0, 0, 1, 1 };
	struct set s;
	size_t m, t;

	planted(&s, 120, 90, 3, 3000, 0.2, 13);
	for (m = 0; m < 4; m++) {
		struct als_params p = params(6, 0.1);
		double *U1, *V1;
		p.implicit = implicit[m];
		p.nonneg = nonneg[m];
		p.threads = 1;
		train(&s, &p, &U1, &V1);
		for (t = 0; t < 3; t++) {
			double *U, *V;
			p.threads = threads[t];
			train(&s, &p, &U, &V);
			assert_memory_equal(U, U1, (size_t)s.bu.nrows * p.rank *
			    sizeof(*U));
			assert_memory_equal(V, V1, (size_t)s.bi.nrows * p.rank *
			    sizeof(*V));
			free(U);
			free(V);
		}
		free(U1);
		free(V1);
	}
	set_free(&s);
}

/* A different seed gives a different start, hence different factors. */
static void
test_seed_matters(void **state)
{
	struct als_params p = params(4, 0.1);
	double U1[8], V1[12], U2[8], V2[12];

	als_init(&p, 2, 3, U1, V1);
	p.seed = 43;
	als_init(&p, 2, 3, U2, V2);
	assert_true(memcmp(U1, U2, sizeof(U1)) != 0);
	/* Spark's start: each row has unit length. */
	assert_true(fabs(U1[0] * U1[0] + U1[1] * U1[1] + U1[2] * U1[2] +
	    U1[3] * U1[3] - 1) < 1e-12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cholesky),
		cmocka_unit_test(test_cholesky_w),
		cmocka_unit_test(test_cholesky_not_spd),
		cmocka_unit_test(test_accumulate),
		cmocka_unit_test(test_nnls),
		cmocka_unit_test(test_explicit_fixed_point),
		cmocka_unit_test(test_implicit_fixed_point),
		cmocka_unit_test(test_noise_floor),
		cmocka_unit_test(test_nonnegative),
		cmocka_unit_test(test_threads_deterministic),
		cmocka_unit_test(test_seed_matters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
