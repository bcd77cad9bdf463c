/* recommend: ALS matrix factorisation over invoice history.  Trains a model
 * (explicit ALS-WR as Spark MLlib, or implicit feedback), evaluates it
 * against held-out data and a most-popular baseline, and recommends the top
 * N items per customer or the items most like a given one.  The command
 * line is in opts.c. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "opts.h"
#include "util.h"
#include "rec.h"

#define MAX_USERS_ARG	100000
#define DEF_MAX_MODEL	(4ULL << 30)

/* ==== train and eval ===================================================== */

static const char *
input_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

static struct rec_data *
load_input(const struct opts *o, const struct rec_input *in)
{
	struct rec_data *d;
	char errbuf[REC_ERRLEN];

	if ((d = rec_data_new(o->agg, &o->lim)) == NULL)
		err(1, "out of memory");
	if (rec_read(in, d, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
	if (d->rejected > 0)
		cli_log(CLI_WARN, "%s: %llu records rejected", input_name(in->path),
		    (unsigned long long)d->rejected);
	if (rec_data_sort(d) == -1)
		err(1, "out of memory");
	return d;
}

static void
check_trainable(const struct rec_data *d, const char *what)
{
	if (d->n == 0)
		errx(1, "%s: no ratings", what);
	if (strmap_count(d->users) < 2)
		errx(1, "%s: only one user; ALS needs at least two", what);
	if (strmap_count(d->items) < 2)
		errx(1, "%s: only one item; ALS needs at least two", what);
}

/* Train on d; the model is the caller's. */
/* RECOMMEND_KERNEL=auto|vector|avx512 picks the normal-equation kernel
 * (for comparisons, or to rule one out); unset is auto. */
static void
pick_kernel(void)
{
	static const struct {
		const char *name;
		int which;
	} tab[] = {
		{ "auto", ALS_KERNEL_AUTO },
		{ "vector", ALS_KERNEL_VEC },
		{ "avx512", ALS_KERNEL_AVX512 },
	};
	const char *e = getenv("RECOMMEND_KERNEL");
	size_t i;

	if (e == NULL || *e == '\0')
		e = "auto";
	for (i = 0; i < sizeof(tab) / sizeof(*tab); i++)
		if (strcmp(e, tab[i].name) == 0)
			break;
	if (i == sizeof(tab) / sizeof(*tab))
		errx(2, "RECOMMEND_KERNEL=%s: expected auto, vector or avx512",
		    e);
	if (als_kernel_use(tab[i].which) == -1)
		errx(1, "RECOMMEND_KERNEL=%s: not available on this CPU or "
		    "in this build", e);
}

static struct rec_model *
fit(const struct opts *o, const struct rec_data *d)
{
	struct rec_csr bu, bi;
	struct als_stats st;
	struct rec_model *m;
	double *U, *V;
	char errbuf[REC_ERRLEN];
	size_t k = (size_t)o->p.rank;

	if (rec_csr_build(d, &bu, &bi) == -1)
		err(1, "out of memory");
	U = malloc(((size_t)bu.nrows * k + 1) * sizeof(*U));
	V = malloc(((size_t)bi.nrows * k + 1) * sizeof(*V));
	if (U == NULL || V == NULL)
		err(1, "out of memory");
	als_init(&o->p, bu.nrows, bi.nrows, U, V);
	pick_kernel();
	if (als_train(&o->p, &bu, &bi, U, V, &st, errbuf, sizeof(errbuf)) == -1)
		errx(1, "train: %s", errbuf);
	if (st.failed_solves > 0)
		cli_log(CLI_WARN, "train: %llu rows without a positive "
		    "definite system were set to zero (raise --lambda)",
		    (unsigned long long)st.failed_solves);
	if (cli_verbosity >= CLI_INFO)
		fprintf(stderr, "recommend: train: %u users, %u items, %zu "
		    "ratings; %d iterations in %.3f ms (%.3f ms per iteration, "
		    "%d threads, %s kernel)\n", bu.nrows, bi.nrows, d->n,
		    o->p.iters, st.train_s * 1e3, st.per_iter_s * 1e3,
		    o->p.threads, als_kernel_name(o->p.rank));
	if ((m = rec_model_from(d, &bu, &o->p, U, V)) == NULL ||
	    rec_model_index(m) == -1)
		err(1, "out of memory");
	free(U);
	free(V);
	rec_csr_free(&bu);
	rec_csr_free(&bi);
	return m;
}

/* The model's temporary file while it is being written, for on_stop. */
static char stop_tmp[PATH_MAX + 16];
static volatile sig_atomic_t stop_tmp_live;

/* SIGINT, SIGTERM, SIGHUP: remove a half-written model's temporary file,
 * then end as the signal would have (as gzip does).  Nothing else needs
 * undoing: the model file is replaced only by a complete one. */
static void
on_stop(int sig)
{
	if (stop_tmp_live)
		(void)unlink(stop_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
note_tmp(const char *tmp)
{
	if (tmp == NULL || strlen(tmp) >= sizeof(stop_tmp)) {
		stop_tmp_live = 0;
		return;
	}
	stop_tmp_live = 0;
	memcpy(stop_tmp, tmp, strlen(tmp) + 1);
	stop_tmp_live = 1;
}

static void
save(const struct opts *o, const struct rec_model *m)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	char errbuf[REC_ERRLEN];
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NELEM(sigs); i++) {
		struct sigaction old;
		/* A signal the caller ignores (nohup) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(sigs[i], &sa, NULL);
	}
	if (rec_model_save(m, o->model, note_tmp, errbuf,
	    sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
}

static struct rec_model *
load_model(const char *path)
{
	struct rec_model *m;
	char errbuf[REC_ERRLEN];

	if ((m = rec_model_load(path, DEF_MAX_MODEL, errbuf,
	    sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);
	if (rec_model_index(m) == -1)
		err(1, "out of memory");
	return m;
}

static int
cmd_train(const struct opts *o)
{
	struct rec_data *d = load_input(o, &o->in);
	struct rec_model *m;

	check_trainable(d, input_name(o->in.path));
	m = fit(o, d);
	save(o, m);
	rec_model_free(m);
	rec_data_free(d);
	return 0;
}

static void
row_u(const char *name, uint64_t v)
{
	printf("%s,%llu,\n", name, (unsigned long long)v);
}

static void
row_d(const char *name, size_t k, double model, double base, int has_base)
{
	char label[64];

	if (k > 0)
		snprintf(label, sizeof(label), "%s@%zu", name, k);
	else
		snprintf(label, sizeof(label), "%s", name);
	printf("%s,", label);
	if (isnan(model))
		printf("nan,");
	else
		printf("%.6f,", model);
	if (has_base)
		printf("%.6f", base);
	printf("\n");
}

static int
cmd_eval(const struct opts *o)
{
	struct rec_data *all = NULL, *train = NULL, *test = NULL;
	struct rec_model *m;
	struct rec_test t;
	struct rec_metrics mt;
	uint64_t train_users, train_items, train_ratings;

	if (o->have_input) {
		all = load_input(o, &o->in);
		if (o->test_path != NULL) {
			train = all;
			all = NULL;
			test = load_input(o, &o->test);
		} else {
			check_trainable(all, input_name(o->in.path));
			if (rec_data_split(all, o->test_frac, o->p.seed, &train,
			    &test) == -1)
				err(1, "out of memory");
		}
		check_trainable(train, "train split");
		m = fit(o, train);
		if (o->model != NULL)
			save(o, m);
	} else {
		m = load_model(o->model);
		test = load_input(o, &o->test);
	}
	if (test->n == 0)
		errx(1, "%s: no test ratings", o->test_path != NULL ?
		    input_name(o->test_path) : "test split");
	if (rec_test_map(m, test, &t) == -1 ||
	    rec_evaluate(m, &t, o->k, o->cold_nan, o->p.threads, &mt) == -1)
		err(1, "out of memory");
	train_users = m->nusers;
	train_items = m->nitems;
	train_ratings = m->nnz;
	printf("metric,model,popular\n");
	row_u("train_users", train_users);
	row_u("train_items", train_items);
	row_u("train_ratings", train_ratings);
	row_u("test_users", t.test_users);
	row_u("test_items", t.test_items);
	row_u("test_ratings", mt.rows);
	row_u(o->cold_nan ? "cold_start_rows" : "cold_start_dropped",
	    mt.cold_rows);
	row_u("ranked_users", mt.rank_users);
	if (!(m->flags & REC_MF_IMPLICIT)) {
		row_d("rmse", 0, mt.rmse, 0, 0);
		row_d("mae", 0, mt.mae, 0, 0);
	}
	row_d("precision", o->k, mt.precision, mt.b_precision, 1);
	row_d("recall", o->k, mt.recall, mt.b_recall, 1);
	row_d("map", o->k, mt.map, mt.b_map, 1);
	row_d("ndcg", o->k, mt.ndcg, mt.b_ndcg, 1);
	rec_test_free(&t);
	rec_model_free(m);
	rec_data_free(all);
	rec_data_free(train);
	rec_data_free(test);
	return 0;
}

/* ==== top and similar ==================================================== */

static void
put_field(const char *s, int last)
{
	csvio_put_field(stdout, s, strlen(s), ',');
	putchar(last ? '\n' : ',');
}

static void
print_user(const struct opts *o, const struct rec_model *m, uint32_t u,
    double *scratch, struct rec_scored *top)
{
	size_t n = rec_top_n(m, u, o->n, o->include_owned, scratch, top), j;
	char num[64];

	if (o->wide) {
		put_field(m->first[u], 0);
		put_field(m->last[u], 0);
		put_field(m->uid[u], 0);
		for (j = 0; j < o->n; j++)
			put_field(j < n ? m->item[top[j].item] : "",
			    j + 1 == o->n);
		return;
	}
	for (j = 0; j < n; j++) {
		put_field(m->uid[u], 0);
		printf("%zu,", j + 1);
		put_field(m->item[top[j].item], 0);
		snprintf(num, sizeof(num), "%.6f", top[j].score);
		put_field(num, 1);
	}
}

static int
cmd_top(const struct opts *o)
{
	struct rec_model *m = load_model(o->model);
	double *scratch = malloc(((size_t)m->nitems + 1) * sizeof(*scratch));
	struct rec_scored *top = malloc((o->n + 1) * sizeof(*top));
	size_t j;
	int rc = 0;

	if (scratch == NULL || top == NULL)
		err(1, "out of memory");
	if (o->wide) {
		printf("FirstName,LastName,PhoneNumber");
		for (j = 0; j < o->n; j++)
			printf(",recommended_item_%zu", j + 1);
		printf("\n");
	} else {
		printf("customer,rank,item,score\n");
	}
	if (o->nusers == 0) {
		uint32_t u;
		for (u = 0; u < m->nusers; u++)
			print_user(o, m, u, scratch, top);
	}
	for (j = 0; j < o->nusers; j++) {
		long u = strmap_find(m->umap, o->users[j], strlen(o->users[j]));
		if (u < 0) {
			warnx("user '%s': not in the model", o->users[j]);
			rc = 1;
			continue;
		}
		print_user(o, m, (uint32_t)u, scratch, top);
	}
	free(scratch);
	free(top);
	rec_model_free(m);
	return rc;
}

static int
cmd_similar(const struct opts *o)
{
	struct rec_model *m = load_model(o->model);
	const char *item = o->arg[0];
	struct rec_scored *top = malloc((o->n + 1) * sizeof(*top));
	long i = strmap_find(m->imap, item, strlen(item));
	size_t n, j;
	char num[64];

	if (top == NULL)
		err(1, "out of memory");
	if (i < 0)
		errx(1, "item '%s': not in the model", item);
	n = rec_similar(m, (uint32_t)i, o->n, top);
	printf("item,rank,similar,cosine\n");
	for (j = 0; j < n; j++) {
		put_field(item, 0);
		printf("%zu,", j + 1);
		put_field(m->item[top[j].item], 0);
		snprintf(num, sizeof(num), "%.6f", top[j].score);
		put_field(num, 1);
	}
	free(top);
	rec_model_free(m);
	return 0;
}

/* ==== gen (tests and benchmarks) ========================================= */

static FILE *
open_out(const char *path)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return stdout;
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	return fp;
}

static void
close_out(FILE *fp, const char *path)
{
	if (fp != stdout && fclose(fp) != 0)
		err(1, "%s", path);
}

static int
cmd_gen(const struct opts *o)
{
	const char *what = o->arg[0], *out = o->arg[1];
	FILE *fp = open_out(out), *tfp = NULL;

	if (strcmp(what, "ratings") == 0) {
		if (o->g_test_out != NULL)
			tfp = open_out(o->g_test_out);
		if (rec_gen_ratings(&o->g, fp, tfp) < 0)
			errx(1, "gen: cannot make these ratings");
		if (tfp != NULL)
			close_out(tfp, o->g_test_out);
	} else if (strcmp(what, "invoices") == 0) {
		if (rec_gen_invoices(o->g.seed ? o->g.seed : 1, o->g.ratings,
		    o->g_customers, o->g_segments, !o->g_bson, o->g_till,
		    fp) == -1)
			errx(1, "gen: %s: write error", out);
	} else {
		errx(2, "gen: unknown kind '%s'", what);
	}
	close_out(fp, out);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int rc = 0;

	switch (rec_parse_args(argc, argv, &o)) {
	case CLI_HELP:
		rc = cli_help(stdout, rec_help);
		goto out;
	case CLI_VERSION:
		rc = cli_version(stdout);
		goto out;
	case CLI_BAD:
		rc = 2;
		goto out;
	case CLI_RUN:
		break;
	}
	switch (o.cmd) {
	case C_TRAIN:
		rc = cmd_train(&o);
		break;
	case C_EVAL:
		rc = cmd_eval(&o);
		break;
	case C_TOP:
		rc = cmd_top(&o);
		break;
	case C_SIMILAR:
		rc = cmd_similar(&o);
		break;
	case C_GEN:
		rc = cmd_gen(&o);
		break;
	case C_NONE:
		break;
	}
	if (close_stdout() == -1) {
		warn("stdout");
		rc = 1;
	}
out:
	free(o.users);
	return rc;
}
