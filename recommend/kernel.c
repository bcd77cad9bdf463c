/* The kernels of ALS that build each row's normal equations: rank-1
 * updates over a row's ratings in the padded layout of rec.h, and Y'Y.
 *
 * This file is compiled with floating-point contraction allowed, and on
 * x86-64 it is also built for x86-64-v3 (AVX2 with FMA) and for AVX2,
 * picked at run time by function multi-versioning.  With FMA the AVX2
 * updates fuse their multiply-adds, about 10 % faster; a model is then
 * bit-identical for any thread count on one machine but may differ in the
 * last bits from one trained on a CPU without FMA. */
#include "rec.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones) && !defined(REC_NO_CLONES)
#if defined(__clang__) || __GNUC__ >= 12
#define VEC_CLONES	__attribute__((target_clones("arch=x86-64-v3", \
			    "avx2", "default")))
#else
#define VEC_CLONES	__attribute__((target_clones("avx2", "default")))
#endif
#endif
#endif
#ifndef VEC_CLONES
#define VEC_CLONES
#endif

size_t
als_padsize(int k)
{
	size_t n = 0;
	int j;

	for (j = 0; j < k; j++)
		n += (size_t)ALS_PADLEN(j);
	return n;
}

/* A += w_p v_p v_p' and b += c_p v_p for four vectors at once (w_p = 1
 * when not weighted).  b has ALS_KPAD(k) entries: its update runs over
 * whole blocks of 4 too (the zero padding of v keeps its tail zero). */
static inline void
upd4(double *restrict A, double *restrict b, int k,
    const double *restrict v0, const double *restrict v1,
    const double *restrict v2, const double *restrict v3, const double *w,
    const double *c, int weighted)
{
	double *restrict row = A;
	int j, l, m, kp = ALS_KPAD(k);

	for (j = 0; j < k; j++) {
		double a0 = v0[j], a1 = v1[j], a2 = v2[j], a3 = v3[j];
		int len = ALS_PADLEN(j);
		if (weighted) {
			a0 *= w[0];
			a1 *= w[1];
			a2 *= w[2];
			a3 *= w[3];
		}
		for (l = 0; l < len; l += 4)
			for (m = 0; m < 4; m++)
				row[l + m] += a0 * v0[l + m] + a1 * v1[l + m] +
				    a2 * v2[l + m] + a3 * v3[l + m];
		row += len;
	}
	for (l = 0; l < kp; l += 4)
		for (m = 0; m < 4; m++)
			b[l + m] += c[0] * v0[l + m] + c[1] * v1[l + m] +
			    c[2] * v2[l + m] + c[3] * v3[l + m];
}

static inline void
upd1(double *restrict A, double *restrict b, int k, const double *restrict v,
    double w, double c)
{
	double *restrict row = A;
	int j, l, m, kp = ALS_KPAD(k);

	for (j = 0; j < k; j++) {
		double a = w * v[j];
		int len = ALS_PADLEN(j);
		for (l = 0; l < len; l += 4)
			for (m = 0; m < 4; m++)
				row[l + m] += a * v[l + m];
		row += len;
	}
	for (l = 0; l < kp; l += 4)
		for (m = 0; m < 4; m++)
			b[l + m] += c * v[l + m];
}

/* The rank-1 updates of one row's ratings: explicit (weight 1, b += r v)
 * or implicit (weight alpha |r|, b += (1 + alpha r) v when r > 0).  Sets
 * *cnt to the count of ratings that enter the regularisation. */
VEC_CLONES void
als_accumulate(double *restrict P, double *restrict b, int k, const double *Y,
    const uint32_t *idx, const double *val, uint64_t n, int implicit,
    double alpha, double *cnt)
{
	const size_t kp = (size_t)ALS_KPAD(k);
	double w[4] = { 1, 1, 1, 1 }, c[4], cn = 0;
	uint64_t q;
	int j;

	/* Two loops, so that each inlined update is specialised. */
	if (implicit) {
		for (q = 0; q + 4 <= n; q += 4) {
			for (j = 0; j < 4; j++) {
				double r = val[q + (uint64_t)j];
				w[j] = alpha * fabs(r);
				c[j] = r > 0 ? 1 + w[j] : 0;
				cn += r > 0;
			}
			upd4(P, b, k, Y + (size_t)idx[q] * kp,
			    Y + (size_t)idx[q + 1] * kp,
			    Y + (size_t)idx[q + 2] * kp,
			    Y + (size_t)idx[q + 3] * kp, w, c, 1);
		}
	} else {
		for (q = 0; q + 4 <= n; q += 4) {
			for (j = 0; j < 4; j++)
				c[j] = val[q + (uint64_t)j];
			upd4(P, b, k, Y + (size_t)idx[q] * kp,
			    Y + (size_t)idx[q + 1] * kp,
			    Y + (size_t)idx[q + 2] * kp,
			    Y + (size_t)idx[q + 3] * kp, w, c, 0);
		}
	}
	for (; q < n; q++) {
		double r = val[q];
		if (implicit) {
			double c1 = alpha * fabs(r);
			upd1(P, b, k, Y + (size_t)idx[q] * kp, c1,
			    r > 0 ? 1 + c1 : 0);
			cn += r > 0;
		} else {
			upd1(P, b, k, Y + (size_t)idx[q] * kp, 1, r);
		}
	}
	*cnt = implicit ? cn : (double)n;
}

/* Y'Y of all n rows of Y (stride ALS_KPAD(k)), padded. */
VEC_CLONES void
als_gram(double *G, const double *Y, size_t n, int k)
{
	static const double one[4] = { 1, 1, 1, 1 }, zero[4] = { 0, 0, 0, 0 };
	double bz[REC_MAX_RANK];
	size_t r, kp = (size_t)ALS_KPAD(k);

	memset(G, 0, als_padsize(k) * sizeof(*G));
	memset(bz, 0, sizeof(bz));
	for (r = 0; r + 4 <= n; r += 4)
		upd4(G, bz, k, Y + r * kp, Y + (r + 1) * kp, Y + (r + 2) * kp,
		    Y + (r + 3) * kp, one, zero, 0);
	for (; r < n; r++)
		upd1(G, bz, k, Y + r * kp, 1, 0);
}

