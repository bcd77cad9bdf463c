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

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(REC_NO_CLONES)
#define HAVE_AVX512_KERNEL
#include <immintrin.h>
#endif

#define VEC_CLONES	REC_CLONES("arch=x86-64-v3")

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
VEC_CLONES static void
accumulate_vec(double *restrict P, double *restrict b, int k, const double *Y,
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


#ifdef HAVE_AVX512_KERNEL
/* The AVX-512 kernel for ranks up to 16 keeps a row's whole triangle in
 * registers while it runs over the row's ratings: row j of the triangle is
 * one 8-wide register (entries 0-7) and, for j >= 8, a second one (8-15),
 * so a rating costs k broadcasts, two loads and k + max(k - 8, 0) + 2
 * fused multiply-adds, and nothing is stored until the row is done.  The
 * memory kernel above must load and store each entry of the triangle once
 * per four ratings, and that traffic, not the arithmetic, bounds it: on
 * the benchmark's rank 10 this one is about 2.5 times faster.  K is a
 * compile-time constant in each instance, so that the loops over the
 * triangle unroll and the accumulators stay in registers. */
#define AVX512	__attribute__((target("avx512f,fma"), always_inline)) inline

static AVX512 void
acc512(double *restrict P, double *restrict b, const int K, const double *Y,
    const uint32_t *idx, const double *val, uint64_t n, int implicit,
    double alpha, double *cnt)
{
	const size_t kp = (size_t)ALS_KPAD(K);
	const __mmask8 mlo = K >= 8 ? 0xff : (__mmask8)((1u << K) - 1);
	const __mmask8 mhi = K > 8 ? (__mmask8)((1u << (K - 8)) - 1) : 0;
	__m512d lo[16], hi[8], blo, bhi;
	double cn = 0;
	uint64_t q;
	int j;

#pragma GCC unroll 16
	for (j = 0; j < K; j++)
		lo[j] = _mm512_setzero_pd();
#pragma GCC unroll 8
	for (j = 0; j < K - 8; j++)
		hi[j] = _mm512_setzero_pd();
	blo = bhi = _mm512_setzero_pd();
	for (q = 0; q < n; q++) {
		const double *y = Y + (size_t)idx[q] * kp;
		const double r = val[q];
		double w = 1, c = r;
		__m512d vlo, vhi;

		if (implicit) {
			w = alpha * fabs(r);
			c = r > 0 ? 1 + w : 0;
			cn += r > 0;
		}
		vlo = _mm512_maskz_loadu_pd(mlo, y);
		vhi = K > 8 ? _mm512_maskz_loadu_pd(mhi, y + 8) : vlo;
#pragma GCC unroll 16
		for (j = 0; j < K; j++) {
			__m512d a = _mm512_set1_pd(implicit ? w * y[j] : y[j]);
			lo[j] = _mm512_fmadd_pd(a, vlo, lo[j]);
			if (j >= 8)
				hi[j - 8] = _mm512_fmadd_pd(a, vhi, hi[j - 8]);
		}
		blo = _mm512_fmadd_pd(_mm512_set1_pd(c), vlo, blo);
		if (K > 8)
			bhi = _mm512_fmadd_pd(_mm512_set1_pd(c), vhi, bhi);
	}
	/* Into the padded triangle: row j's first ALS_PADLEN(j) lanes (those
	 * past the diagonal are never read). */
#pragma GCC unroll 16
	for (j = 0; j < K; j++) {
		const int len = ALS_PADLEN(j);
		const __mmask8 m = len >= 8 ? 0xff : (__mmask8)((1u << len) - 1);
		double *row = P;
		P += len;
		_mm512_mask_storeu_pd(row, m, _mm512_add_pd(lo[j],
		    _mm512_maskz_loadu_pd(m, row)));
		if (j >= 8) {
			const __mmask8 mh = (__mmask8)((1u << (len - 8)) - 1);
			_mm512_mask_storeu_pd(row + 8, mh, _mm512_add_pd(
			    hi[j - 8], _mm512_maskz_loadu_pd(mh, row + 8)));
		}
	}
	{
		const int kb = (int)kp;
		const __mmask8 m = kb >= 8 ? 0xff : (__mmask8)((1u << kb) - 1);
		_mm512_mask_storeu_pd(b, m, _mm512_add_pd(blo,
		    _mm512_maskz_loadu_pd(m, b)));
		if (kb > 8) {
			const __mmask8 mh = (__mmask8)((1u << (kb - 8)) - 1);
			_mm512_mask_storeu_pd(b + 8, mh, _mm512_add_pd(bhi,
			    _mm512_maskz_loadu_pd(mh, b + 8)));
		}
	}
	*cnt = implicit ? cn : (double)n;
}

#define ACC512_K(K) \
static __attribute__((target("avx512f,fma"))) void \
acc512_##K(double *P, double *b, const double *Y, const uint32_t *idx, \
    const double *val, uint64_t n, int implicit, double alpha, double *cnt) \
{ \
	if (implicit) \
		acc512(P, b, K, Y, idx, val, n, 1, alpha, cnt); \
	else \
		acc512(P, b, K, Y, idx, val, n, 0, alpha, cnt); \
}
ACC512_K(1) ACC512_K(2) ACC512_K(3) ACC512_K(4) ACC512_K(5) ACC512_K(6)
ACC512_K(7) ACC512_K(8) ACC512_K(9) ACC512_K(10) ACC512_K(11) ACC512_K(12)
ACC512_K(13) ACC512_K(14) ACC512_K(15) ACC512_K(16)

typedef void acc_fn(double *, double *, const double *, const uint32_t *,
    const double *, uint64_t, int, double, double *);
static acc_fn *const acc512_tab[17] = { NULL,
	acc512_1, acc512_2, acc512_3, acc512_4, acc512_5, acc512_6, acc512_7,
	acc512_8, acc512_9, acc512_10, acc512_11, acc512_12, acc512_13,
	acc512_14, acc512_15, acc512_16,
};
#endif /* HAVE_AVX512_KERNEL */

static int kernel = -1;	/* -1 not yet chosen; else an ALS_KERNEL_ */

/* Whether this build and this CPU have the AVX-512 kernel. */
static int
have_avx512(void)
{
#ifdef HAVE_AVX512_KERNEL
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f");
#else
	return 0;
#endif
}

int
als_kernel_use(int which)
{
	if (which == ALS_KERNEL_AUTO)
		which = have_avx512() ? ALS_KERNEL_AVX512 : ALS_KERNEL_VEC;
	if ((which != ALS_KERNEL_VEC && which != ALS_KERNEL_AVX512) ||
	    (which == ALS_KERNEL_AVX512 && !have_avx512()))
		return -1;
	kernel = which;
	return 0;
}

const char *
als_kernel_name(int k)
{
	if (kernel < 0)
		als_kernel_use(ALS_KERNEL_AUTO);
	return kernel == ALS_KERNEL_AVX512 && k <= 16 ? "avx512" : "vector";
}

void
als_accumulate(double *restrict P, double *restrict b, int k, const double *Y,
    const uint32_t *idx, const double *val, uint64_t n, int implicit,
    double alpha, double *cnt)
{
	if (kernel < 0)
		als_kernel_use(ALS_KERNEL_AUTO);
#ifdef HAVE_AVX512_KERNEL
	if (kernel == ALS_KERNEL_AVX512 && k >= 1 && k <= 16) {
		acc512_tab[k](P, b, Y, idx, val, n, implicit, alpha, cnt);
		return;
	}
#endif
	accumulate_vec(P, b, k, Y, idx, val, n, implicit, alpha, cnt);
}
