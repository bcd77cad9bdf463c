#ifndef REC_H
#define REC_H
/* Private modules of recommend: the rating data set (data.c), its input
 * readers (input.c), ALS training (als.c), the model file (model.c), the
 * evaluation metrics (metrics.c) and the test-data generators (gen.c).
 * Nothing here prints or exits; errors come back as -1 with a message in a
 * caller-supplied buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strmap.h"

#define REC_ERRLEN	512
#define REC_MAX_RANK	256
#define REC_MAX_KEY	1024	/* longest user id, name or item name */

/* REC_CLONES(ARCH): build a function for ARCH (an "arch=x86-64-vN" level),
 * for AVX2 and plainly, and pick one at run time (function
 * multi-versioning, x86-64 only; GCC before 12 knows no "arch=" levels).
 * -DREC_NO_CLONES builds one plain copy (the fuzz build: clang 14 leaves
 * the clones' symbols undefined). */
#if defined(__x86_64__) && defined(__has_attribute) && !defined(REC_NO_CLONES)
#if __has_attribute(target_clones)
#if defined(__clang__) || __GNUC__ >= 12
#define REC_CLONES(arch) \
	__attribute__((target_clones(arch, "avx2", "default")))
#else
#define REC_CLONES(arch) __attribute__((target_clones("avx2", "default")))
#endif
#endif
#endif
#ifndef REC_CLONES
#define REC_CLONES(arch)
#endif

/* ==== data set (data.c) ================================================= */

enum rec_agg {
	REC_AGG_SUM,		/* summed quantity (the original) */
	REC_AGG_COUNT,		/* number of invoices / rows */
	REC_AGG_MAX,		/* largest single value */
};

struct rec_limits {
	uint64_t max_users;
	uint64_t max_items;
	uint64_t max_ratings;	/* distinct (user, item) pairs */
};

struct rec_rating {
	uint32_t u, i;
	double r;
};

/* Users and items interned to dense ids in order of first appearance, and
 * the (user, item) -> rating aggregate. */
struct rec_data {
	struct strmap *users, *items;
	char **first, **last;	/* per user; owned; NULL when unknown */
	size_t ucap;
	struct rec_rating *r;	/* aggregated pairs */
	size_t n, cap;
	uint64_t *hkey;		/* open addressing: (u << 32 | i) + 1, 0 empty */
	uint32_t *hval;		/* index into r */
	size_t hcap;
	enum rec_agg agg;
	struct rec_limits lim;
	uint64_t records;	/* input values accepted */
	uint64_t rejected;	/* input records rejected */
	int sorted;
};

/* An empty data set; NULL on ENOMEM.  Zero limits mean the defaults. */
struct rec_data *rec_data_new(enum rec_agg agg, const struct rec_limits *lim);
void rec_data_free(struct rec_data *d);

/* Add value v for (user, item), aggregated as d->agg.  first/last may be
 * NULL; the first non-empty name seen for a user is kept.  Returns 0, or -1
 * with a message in err (a limit was reached, or ENOMEM). */
int rec_data_add(struct rec_data *d, const char *user, size_t ulen,
    const char *first, const char *last, const char *item, size_t ilen,
    double v, char *err, size_t errlen);

/* Sort the pairs by (user, item) id (linear time).  Call before using d->r
 * in order.  Returns 0, or -1 on ENOMEM (d is then unchanged). */
int rec_data_sort(struct rec_data *d);

/* Split d's pairs into two new data sets: a pair goes to the test side when
 * a hash of (seed, user key, item key) falls below frac, so the split does
 * not depend on input order or on the other pairs.  Ids are re-interned in
 * order of first appearance.  Returns 0, or -1 on ENOMEM. */
int rec_data_split(const struct rec_data *d, double frac, uint64_t seed,
    struct rec_data **train, struct rec_data **test);

/* Compressed rows: row r holds idx[ptr[r] .. ptr[r+1]) with values val. */
struct rec_csr {
	uint32_t nrows;
	uint64_t *ptr;
	uint32_t *idx;
	double *val;
};

/* By-user (CSR) and by-item (CSC as CSR of the transpose) layouts of d's
 * sorted pairs.  Returns 0, or -1 on ENOMEM. */
int rec_csr_build(const struct rec_data *d, struct rec_csr *byuser,
    struct rec_csr *byitem);
void rec_csr_free(struct rec_csr *c);

const char *rec_agg_name(enum rec_agg a);

/* ==== input readers (input.c) ============================================ */

enum rec_format {
	REC_FMT_BSON,		/* BSON archive: documents back to back */
	REC_FMT_JSON,		/* JSON lines, one invoice document a line */
	REC_FMT_CSV,		/* rating triples */
};

struct rec_input {
	enum rec_format fmt;
	const char *path;	/* "-" for stdin */
	/* CSV only. */
	char delim;
	const char *ucol, *icol, *rcol;	/* names or 1-based positions */
	int header;		/* 1 yes, 0 no, -1 detect */
	uint64_t max_rejects;	/* bad records tolerated (warned) */
	size_t max_record;	/* longest line / document */
	/* Called for each rejected record with "place: reason"; may be NULL. */
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
};

/* Read one input into d.  Returns 0, or -1 with a message in err ("file:
 * line: reason", "file: document N: reason", "file: reason"). */
int rec_read(const struct rec_input *in, struct rec_data *d, char *err,
    size_t errlen);

/* Add one invoice document's Items to d (exposed for tests).  Returns 0, 1
 * when the document is rejected (reason in err), -1 on a fatal error. */
struct _bson_t;
int rec_add_invoice(struct rec_data *d, const struct _bson_t *doc, char *err,
    size_t errlen);

/* ==== ALS (als.c) ======================================================== */

struct als_params {
	int rank;
	int iters;
	double lambda;		/* regParam, scaled by each row's count */
	double alpha;		/* implicit confidence 1 + alpha * |r| */
	int implicit;
	int nonneg;
	uint64_t seed;
	int threads;
};

struct als_stats {
	double train_s;		/* wall time of all iterations */
	double per_iter_s;
	uint64_t failed_solves;	/* rows whose system was not positive definite */
};

/* Initial factors as Spark makes them: Gaussian, scaled to unit length
 * (absolute values when nonneg); U first, then V, from one generator. */
void als_init(const struct als_params *p, uint32_t nusers, uint32_t nitems,
    double *U, double *V);

/* Train from the initial factors in U (byuser->nrows x rank) and V
 * (byitem->nrows x rank), each iteration solving V from U then U from V.
 * The result depends only on the data and the parameters, never on the
 * number of threads.  Returns 0, or -1 with a message in err. */
int als_train(const struct als_params *p, const struct rec_csr *byuser,
    const struct rec_csr *byitem, double *U, double *V,
    struct als_stats *st, char *err, size_t errlen);

/* Solve A x = b for SPD A given as a packed lower triangle (row j holds
 * j + 1 entries), in place: A becomes its Cholesky factor, b becomes x.
 * Returns 0, or -1 when A is not positive definite. */
int als_cholesky_solve(double *A, double *b, int k);

/* The normal equations are accumulated in a padded lower triangle: row j
 * holds ALS_PADLEN(j) = j + 1 rounded up to 4 entries, so that every inner
 * loop runs over whole blocks of 4 that the compiler turns into vector
 * code at -O2 (entries past the diagonal are never read).  Factors are
 * stored with a stride of k rounded up to 4, zero-padded, to match. */
#define ALS_PADLEN(j)	(((j) + 4) & ~3)
#define ALS_KPAD(k)	(((k) + 3) & ~3)

/* Entries in the padded triangle of rank k. */
size_t als_padsize(int k);

/* Add the n ratings (item indices idx into Y, values val) of one row to
 * the padded triangle P and to b (ALS_KPAD(k) entries): explicit
 * (b += r v) or implicit (weight alpha |r|, b += (1 + alpha r) v when
 * r > 0).  Sets *cnt to the count that scales lambda.  Y has stride
 * ALS_KPAD(k).  (kernel.c) */
void als_accumulate(double *P, double *b, int k, const double *Y,
    const uint32_t *idx, const double *val, uint64_t n, int implicit,
    double alpha, double *cnt);

/* Which kernel als_accumulate uses: ALS_KERNEL_AUTO picks the fastest
 * the CPU has (the default); ALS_KERNEL_VEC is the portable one (vector
 * code for AVX2 or SSE2, picked at run time), ALS_KERNEL_AVX512 keeps the
 * triangle in AVX-512 registers for ranks up to 16.  Returns -1 when the
 * CPU or the build lacks the kernel asked for.  Not thread-safe: call it
 * before training.  als_kernel_name says what rank k gets. */
enum { ALS_KERNEL_AUTO, ALS_KERNEL_VEC, ALS_KERNEL_AVX512 };
int als_kernel_use(int which);
const char *als_kernel_name(int k);

/* Y'Y of the n rows of Y (stride ALS_KPAD(k)) into the padded G. */
void als_gram(double *G, const double *Y, size_t n, int k);

/* als_cholesky_solve on SOLVE_W systems at once, interleaved: element e
 * of system w is A[e * SOLVE_W + w], b likewise.  Each lane gets exactly
 * the results als_cholesky_solve would; bad[w] is set to 1 for a system
 * that is not positive definite (its lane's results are then garbage). */
#define SOLVE_W	8
void als_cholesky_solvew(double *A, double *b, int k, int *bad);

/* min 0.5 x'Ax - b'x subject to x >= 0, A packed as above (unchanged), by
 * cyclic projected coordinate descent starting from x (clamped to x >= 0;
 * ALS passes the row's previous factors); work holds k * (k + 1) doubles.
 * Returns the sweeps used. */
int als_nnls(const double *A, const double *b, double *x, int k,
    double *work);

/* ==== model file (model.c) =============================================== */

#define REC_MODEL_MAGIC		"LIRECMOD"
#define REC_MODEL_VERSION	1
#define REC_MODEL_HDRLEN	96
#define REC_MF_IMPLICIT		1u
#define REC_MF_NONNEG		2u

struct rec_model {
	uint32_t rank, nusers, nitems, iters, flags, agg;
	uint64_t seed, nnz;
	double lambda, alpha;
	double *U, *V;
	char **uid, **first, **last, **item;	/* owned; names may be "" */
	uint64_t *own_ptr;	/* training items of each user (CSR) */
	uint32_t *own_idx;
	struct strmap *umap, *imap;	/* built by rec_model_index() */
	double *VT;		/* V transposed (rank x items), likewise */
};

/* A model from training data d and its factors (copied).  NULL on ENOMEM. */
struct rec_model *rec_model_from(const struct rec_data *d,
    const struct rec_csr *byuser, const struct als_params *p,
    const double *U, const double *V);
void rec_model_free(struct rec_model *m);

/* Serialise m into a malloc'd buffer (*buf, *len).  Returns 0 or -1. */
int rec_model_encode(const struct rec_model *m, unsigned char **buf,
    size_t *len);
/* Parse a whole model file image.  Returns the model, or NULL with a
 * message in err. */
struct rec_model *rec_model_decode(const unsigned char *buf, size_t len,
    char *err, size_t errlen);

/* The permissions a model file may have: it holds customers' names and
 * phone numbers, so never any for others; less the umask when new, the
 * old file's (less others') when replaced (lib/atomicfile.h). */
#define REC_MODEL_MODE	0660

/* Write atomically / read a model file.  Messages name the file.  When
 * note_tmp is not NULL, it is called with the temporary file's path once
 * that exists, and with NULL once it is gone (renamed or removed), so that
 * a signal handler can remove it.  The model file must be a regular file,
 * opened without blocking. */
int rec_model_save(const struct rec_model *m, const char *path,
    void (*note_tmp)(const char *tmp), char *err, size_t errlen);
struct rec_model *rec_model_load(const char *path, uint64_t max_bytes,
    char *err, size_t errlen);

/* Build the user and item lookup maps and the transposed item factors
 * that scoring uses.  Returns 0 or -1 (ENOMEM). */
int rec_model_index(struct rec_model *m);

uint32_t rec_crc32(uint32_t crc, const void *buf, size_t len);

/* ==== scoring and metrics (metrics.c) ==================================== */

struct rec_scored {
	uint32_t item;
	double score;
};

/* The n best items for user u by U_u . V_i, best first (ties: lower item id
 * first), skipping the user's training items unless include_owned.  Returns
 * how many were written to out (at most n).  scratch holds nitems scores.
 * Needs rec_model_index(). */
size_t rec_top_n(const struct rec_model *m, uint32_t u, size_t n,
    int include_owned, double *scratch, struct rec_scored *out);

/* Items most similar to item by cosine of the factors, best first,
 * excluding item itself.  Returns how many were written. */
size_t rec_similar(const struct rec_model *m, uint32_t item, size_t n,
    struct rec_scored *out);

/* Held-out data mapped into the model's ids; -1 for an unknown (cold)
 * user or item. */
struct rec_test {
	int64_t *u, *i;
	double *r;
	size_t n;
	uint64_t test_users, test_items;	/* distinct, cold ones included */
};

/* Map test data into m's ids.  Returns 0 or -1 (ENOMEM). */
int rec_test_map(const struct rec_model *m, const struct rec_data *test,
    struct rec_test *t);
void rec_test_free(struct rec_test *t);

struct rec_metrics {
	uint64_t rows, cold_rows, scored_rows;
	double rmse, mae;	/* NaN when cold rows are kept (nan) */
	uint64_t rank_users;	/* users with a relevant held-out item */
	double precision, recall, map, ndcg;		/* the model */
	double b_precision, b_recall, b_map, b_ndcg;	/* most popular */
};

/* RMSE and MAE over the test rows (cold rows dropped, or NaN when
 * cold_nan), and precision/recall/MAP/NDCG at k for the model and for the
 * most-popular baseline.  Relevant items of a user are the user's held-out
 * items that the model knows; candidates are all items the user did not
 * have in training.  Users are ranked on up to threads threads; the sums
 * are taken in user order, so the figures do not depend on the count.
 * Returns 0 or -1 (ENOMEM). */
int rec_evaluate(const struct rec_model *m, const struct rec_test *t,
    size_t k, int cold_nan, int threads, struct rec_metrics *out);

/* Ranking metrics of one ranked list (exposed for tests): hits of rec[0..n)
 * against the sorted relevant set rel[0..nrel). */
void rec_rank_metrics(const uint32_t *rec, size_t n, size_t k,
    const uint32_t *rel, size_t nrel, double *prec, double *recall,
    double *ap, double *ndcg);

/* ==== generators for tests and benchmarks (gen.c) ======================== */

/* Planted low-rank ratings: U, V ~ N(0, 1/sqrt(rank)) per entry, a random
 * density-fraction of the pairs observed, r = mu + U_u . V_i + N(0, sigma).
 * With clip, r is rounded and clipped to 1..5 (MovieLens-like).  Writes
 * "user,item,rating" CSV lines (a header when header) to fp, test rows
 * (those with a uniform draw below test_frac) to tfp when tfp is not NULL.
 * Returns the rows written, or -1 on a write error. */
struct rec_gen_opts {
	uint32_t users, items, rank;
	uint64_t ratings;	/* observed pairs (distinct) */
	double sigma, mu;
	int clip;
	double test_frac;
	uint64_t seed;
	int header;
	double skew;		/* > 0: popular users/items rate more */
};
long long rec_gen_ratings(const struct rec_gen_opts *o, FILE *fp, FILE *tfp);

/* Invoice documents from lib/synth.h as a BSON archive (bson) or as JSON
 * lines (json; the invoice document's form with Items as item -> quantity,
 * or with array_items the till's JSON form with Items as a list of names).
 * With segments > 0, customers also share tastes by segment (gen.c).
 * Returns 0, or -1 on a write error or ENOMEM. */
int rec_gen_invoices(uint64_t seed, uint64_t invoices, int customers,
    int segments, int json, int array_items, FILE *fp);

#endif
