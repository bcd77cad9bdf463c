/* Tests of recommend's data set (data.c), input readers (input.c) and
 * metrics (metrics.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <bson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../recommend/rec.h"

static char dir[] = "/tmp/rec-data-XXXXXX";

static int
setup(void **state)
{
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *
write_file(const char *name, const void *data, size_t len)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static double
rating_of(const struct rec_data *d, const char *u, const char *i)
{
	long uu = strmap_find(d->users, u, strlen(u));
	long ii = strmap_find(d->items, i, strlen(i));
	size_t j;

	for (j = 0; uu >= 0 && ii >= 0 && j < d->n; j++)
		if (d->r[j].u == (uint32_t)uu && d->r[j].i == (uint32_t)ii)
			return d->r[j].r;
	return NAN;
}

/* ---- aggregation and limits ------------------------------------------- */

static void
test_aggregate(void **state)
{
	static const struct {
		enum rec_agg agg;
		double want;
	} cases[] = {
		{ REC_AGG_SUM, 9 }, { REC_AGG_COUNT, 3 }, { REC_AGG_MAX, 5 },
	};
	size_t t;

	for (t = 0; t < 3; t++) {
		struct rec_data *d = rec_data_new(cases[t].agg, NULL);
		char err[REC_ERRLEN];
		assert_int_equal(rec_data_add(d, "c1", 2, NULL, NULL, "tea", 3,
		    3, err, sizeof(err)), 0);
		assert_int_equal(rec_data_add(d, "c1", 2, "A", "B", "tea", 3,
		    5, err, sizeof(err)), 0);
		assert_int_equal(rec_data_add(d, "c2", 2, NULL, NULL, "tea", 3,
		    7, err, sizeof(err)), 0);
		assert_int_equal(rec_data_add(d, "c1", 2, "X", "Y", "tea", 3,
		    1, err, sizeof(err)), 0);
		rec_data_sort(d);
		assert_int_equal(d->n, 2);
		assert_true(rating_of(d, "c1", "tea") == cases[t].want);
		/* The first names seen are kept. */
		assert_string_equal(d->first[0], "A");
		assert_string_equal(d->last[0], "B");
		assert_null(d->first[1]);
		rec_data_free(d);
	}
}

static void
test_limits(void **state)
{
	struct rec_limits lim = { 2, 3, 4 };
	struct rec_data *d = rec_data_new(REC_AGG_SUM, &lim);
	char err[REC_ERRLEN];

	assert_int_equal(rec_data_add(d, "a", 1, 0, 0, "x", 1, 1, err, 512), 0);
	assert_int_equal(rec_data_add(d, "b", 1, 0, 0, "x", 1, 1, err, 512), 0);
	assert_int_equal(rec_data_add(d, "c", 1, 0, 0, "x", 1, 1, err, 512), -1);
	assert_string_equal(err, "more than 2 users (--max-users)");
	assert_int_equal(rec_data_add(d, "a", 1, 0, 0, "y", 1, 1, err, 512), 0);
	assert_int_equal(rec_data_add(d, "a", 1, 0, 0, "z", 1, 1, err, 512), 0);
	assert_int_equal(rec_data_add(d, "a", 1, 0, 0, "w", 1, 1, err, 512), -1);
	assert_string_equal(err, "more than 3 items (--max-items)");
	assert_int_equal(rec_data_add(d, "b", 1, 0, 0, "y", 1, 1, err, 512), -1);
	assert_string_equal(err, "more than 4 ratings (--max-ratings)");
	/* Repeats of a known pair still aggregate. */
	assert_int_equal(rec_data_add(d, "b", 1, 0, 0, "x", 1, 1, err, 512), 0);
	rec_data_free(d);
}

/* The split depends on the pair only: the same pairs in another order
 * land on the same side; the sides partition the pairs. */
static void
test_split(void **state)
{
	struct rec_data *a = rec_data_new(REC_AGG_SUM, NULL);
	struct rec_data *b = rec_data_new(REC_AGG_SUM, NULL);
	struct rec_data *tra, *tea, *trb, *teb;
	char err[REC_ERRLEN], u[16], i[16];
	int x, y;
	size_t j;

	for (x = 0; x < 50; x++)
		for (y = 0; y < 40; y++) {
			snprintf(u, sizeof(u), "u%d", x);
			snprintf(i, sizeof(i), "i%d", y);
			assert_int_equal(rec_data_add(a, u, strlen(u), 0, 0, i,
			    strlen(i), x + y, err, sizeof(err)), 0);
			snprintf(u, sizeof(u), "u%d", 49 - x);
			snprintf(i, sizeof(i), "i%d", 39 - y);
			assert_int_equal(rec_data_add(b, u, strlen(u), 0, 0, i,
			    strlen(i), 88 - x - y, err, sizeof(err)), 0);
		}
	rec_data_sort(a);
	rec_data_sort(b);
	assert_int_equal(rec_data_split(a, 0.2, 7, &tra, &tea), 0);
	assert_int_equal(rec_data_split(b, 0.2, 7, &trb, &teb), 0);
	assert_int_equal(tra->n + tea->n, 2000);
	assert_int_equal(tea->n, teb->n);
	assert_true(tea->n > 330 && tea->n < 470);
	for (j = 0; j < tea->n; j++) {
		const char *uk = strmap_key(tea->users, tea->r[j].u, NULL);
		const char *ik = strmap_key(tea->items, tea->r[j].i, NULL);
		assert_true(rating_of(teb, uk, ik) == tea->r[j].r);
		assert_true(isnan(rating_of(tra, uk, ik)));
	}
	rec_data_free(tra);
	rec_data_free(tea);
	/* Another seed, another split. */
	assert_int_equal(rec_data_split(a, 0.2, 8, &tra, &tea), 0);
	x = 0;
	for (j = 0; j < tea->n; j++) {
		const char *uk = strmap_key(tea->users, tea->r[j].u, NULL);
		const char *ik = strmap_key(tea->items, tea->r[j].i, NULL);
		x += isnan(rating_of(teb, uk, ik));
	}
	assert_true(x > 100);
	rec_data_free(tra);
	rec_data_free(tea);
	rec_data_free(trb);
	rec_data_free(teb);
	rec_data_free(a);
	rec_data_free(b);
}

/* ---- CSV ---------------------------------------------------------------- */

static void
warn_count(void *ctx, const char *msg)
{
	(*(int *)ctx)++;
}

static void
test_csv(void **state)
{
	static const struct {
		const char *text;
		char delim;
		const char *u, *i, *r;
		int header;
		uint64_t max_rejects;
		int rc;
		size_t pairs;
		const char *err;	/* after "PATH" */
	} cases[] = {
		{ "user,item,rating\na,x,1\nb,x,2\n", ',', "1", "2", "3", -1,
		    0, 0, 2, NULL },
		{ "a,x,1\nb,y,2.5\n", ',', "1", "2", "3", -1, 0, 0, 2, NULL },
		{ "rating;item;cust\n3;x;a\n4;y;a\n", ';', "cust", "item",
		    "rating", -1, 0, 0, 2, NULL },
		{ "a\tx\t1\r\nb\tx\t2\r\n", '\t', "1", "2", "3", 0, 0, 0, 2,
		    NULL },
		{ "x,a,1\n", ',', "2", "1", "3", 0, 0, 0, 1, NULL },
		{ "a,x,1\nb,y,abc\n", ',', "1", "2", "3", -1, 0, -1, 0,
		    ":2: rating 'abc' is not a number" },
		{ "a,x,1\nb,y,\n", ',', "1", "2", "3", -1, 0, -1, 0,
		    ":2: rating '' is not a number" },
		{ "a,x\n", ',', "1", "2", "3", 0, 0, -1, 0,
		    ":1: 2 fields, wanted at least 3" },
		{ "u,i,r\n", ',', "cust", "i", "r", -1, 0, -1, 0,
		    ":1: no user column 'cust' in the header" },
		{ "a,,1\n", ',', "1", "2", "3", 0, 0, -1, 0,
		    ":1: item empty or longer than 1024 bytes" },
		{ "a,x,\"1\n", ',', "1", "2", "3", 0, 0, -1, 0,
		    ":1: input ends inside a quoted field" },
		{ "", ',', "1", "2", "3", -1, 0, 0, 0, NULL },
		{ "a,x,1\nb,y,zz\nc,z,3\n", ',', "1", "2", "3", -1, 1, 0, 2,
		    NULL },
		{ "a,x,1\nb,y,zz\nc,z,q\n", ',', "1", "2", "3", -1, 1, -1, 0,
		    ":3: rating 'q' is not a number" },
	};
	size_t t;

	for (t = 0; t < sizeof(cases) / sizeof(*cases); t++) {
		struct rec_data *d = rec_data_new(REC_AGG_SUM, NULL);
		struct rec_input in;
		char err[REC_ERRLEN] = "", want[REC_ERRLEN];
		int warned = 0, rc;

		memset(&in, 0, sizeof(in));
		in.fmt = REC_FMT_CSV;
		in.path = write_file("r.csv", cases[t].text,
		    strlen(cases[t].text));
		in.delim = cases[t].delim;
		in.ucol = cases[t].u;
		in.icol = cases[t].i;
		in.rcol = cases[t].r;
		in.header = cases[t].header;
		in.max_rejects = cases[t].max_rejects;
		in.warn = warn_count;
		in.ctx = &warned;
		rc = rec_read(&in, d, err, sizeof(err));
		print_message("# case %zu: rc %d, %s\n", t, rc, err);
		assert_int_equal(rc, cases[t].rc);
		if (rc == 0) {
			assert_int_equal(d->n, cases[t].pairs);
			assert_int_equal(warned, (int)d->rejected);
		} else {
			snprintf(want, sizeof(want), "%s%s", in.path,
			    cases[t].err);
			assert_string_equal(err, want);
		}
		rec_data_free(d);
	}
}

/* ---- invoice documents -------------------------------------------------- */

static int
add_json(struct rec_data *d, const char *json, char *err, size_t errlen)
{
	bson_error_t be;
	bson_t *doc = bson_new_from_json((const uint8_t *)json, -1, &be);
	int rc;

	assert_non_null(doc);
	rc = rec_add_invoice(d, doc, err, errlen);
	bson_destroy(doc);
	return rc;
}

static void
test_invoice_docs(void **state)
{
	static const struct {
		const char *json;
		int rc;
		const char *err;
	} cases[] = {
		{ "{\"PhoneNumber\":\"911\",\"FirstName\":\"A\",\"LastName\":\"B\","
		    "\"Items\":{\"milk\":2,\"tea\":{\"$numberLong\":\"3\"},"
		    "\"egg\":1.5}}", 0, NULL },
		{ "{\"PhoneNumber\":\"911\",\"Items\":[\"milk\",\"milk\","
		    "\"soap\"]}", 0, NULL },
		{ "{\"PhoneNumber\":922,\"Items\":{\"soap\":1}}", 0, NULL },
		{ "{\"FirstName\":\"A\",\"Items\":{\"milk\":2}}", 1,
		    "no PhoneNumber" },
		{ "{\"PhoneNumber\":\"911\"}", 1, "no Items" },
		{ "{\"PhoneNumber\":true,\"Items\":{}}", 1,
		    "PhoneNumber is not a string" },
		/* Items read first: rejecting the phone frees them (a leak
		 * that LeakSanitizer reports before issue 12). */
		{ "{\"Items\":{\"milk\":1},\"PhoneNumber\":true}", 1,
		    "PhoneNumber is not a string" },
		{ "{\"PhoneNumber\":\"911\",\"Items\":{\"milk\":\"two\"}}", 1,
		    "Items.milk: quantity is not a number" },
		{ "{\"PhoneNumber\":\"911\",\"Items\":[\"milk\",3]}", 1,
		    "Items[1] is not a string" },
		{ "{\"PhoneNumber\":\"911\",\"Items\":\"milk\"}", 1,
		    "Items is neither a document nor an array" },
		{ "{\"PhoneNumber\":\"911\",\"Items\":{\"\":1}}", 1,
		    "Items: item name empty or longer than 1024 bytes" },
	};
	struct rec_data *d = rec_data_new(REC_AGG_SUM, NULL);
	size_t t;

	for (t = 0; t < sizeof(cases) / sizeof(*cases); t++) {
		char err[REC_ERRLEN] = "";
		int rc = add_json(d, cases[t].json, err, sizeof(err));
		assert_int_equal(rc, cases[t].rc);
		if (cases[t].err != NULL)
			assert_string_equal(err, cases[t].err);
	}
	rec_data_sort(d);
	assert_true(rating_of(d, "911", "milk") == 4);
	assert_true(rating_of(d, "911", "tea") == 3);
	assert_true(rating_of(d, "911", "egg") == 1.5);
	assert_true(rating_of(d, "911", "soap") == 1);
	assert_true(rating_of(d, "922", "soap") == 1);
	assert_string_equal(d->first[0], "A");
	rec_data_free(d);
}

/* count aggregates invoices: a repeated name in one till list is one
 * invoice with quantity 2. */
static void
test_invoice_count(void **state)
{
	struct rec_data *d = rec_data_new(REC_AGG_COUNT, NULL);
	char err[REC_ERRLEN];

	assert_int_equal(add_json(d, "{\"PhoneNumber\":\"1\",\"Items\":["
	    "\"milk\",\"milk\"]}", err, sizeof(err)), 0);
	assert_int_equal(add_json(d, "{\"PhoneNumber\":\"1\",\"Items\":{"
	    "\"milk\":5}}", err, sizeof(err)), 0);
	assert_true(rating_of(d, "1", "milk") == 2);
	rec_data_free(d);
}

static struct rec_data *
read_as(enum rec_format fmt, const char *path, uint64_t max_rejects,
    int *rc, char *err, size_t errlen)
{
	struct rec_data *d = rec_data_new(REC_AGG_SUM, NULL);
	struct rec_input in;

	memset(&in, 0, sizeof(in));
	in.fmt = fmt;
	in.path = path;
	in.max_rejects = max_rejects;
	*rc = rec_read(&in, d, err, errlen);
	return d;
}

static void
test_archive(void **state)
{
	FILE *fp;
	char *buf;
	size_t len;
	struct rec_data *d, *dj;
	char err[REC_ERRLEN], want[REC_ERRLEN];
	const char *path;
	int rc;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(rec_gen_invoices(5, 200, 30, 0, 0, 0, fp), 0);
	fclose(fp);
	path = write_file("a.bson", buf, len);
	free(buf);
	d = read_as(REC_FMT_BSON, path, 0, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	/* Visit rates are lognormal: not every customer came. */
	assert_in_range(strmap_count(d->users), 20, 30);
	assert_true(d->n > 100);

	/* The same invoices as JSON lines give the same ratings. */
	fp = open_memstream(&buf, &len);
	assert_int_equal(rec_gen_invoices(5, 200, 30, 0, 1, 0, fp), 0);
	fclose(fp);
	path = write_file("a.json", buf, len);
	free(buf);
	dj = read_as(REC_FMT_JSON, path, 0, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	rec_data_sort(d);
	rec_data_sort(dj);
	assert_int_equal(dj->n, d->n);
	assert_memory_equal(dj->r, d->r, d->n * sizeof(*d->r));
	rec_data_free(dj);
	rec_data_free(d);

	/* Truncated: the last document is cut short. */
	fp = open_memstream(&buf, &len);
	assert_int_equal(rec_gen_invoices(5, 3, 30, 0, 0, 0, fp), 0);
	fclose(fp);
	path = write_file("t.bson", buf, len - 7);
	d = read_as(REC_FMT_BSON, path, 0, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, ": document 3 at byte "));
	assert_non_null(strstr(err, ": truncated"));
	rec_data_free(d);
	/* Tolerated with --max-rejects: the two whole ones are kept. */
	d = read_as(REC_FMT_BSON, path, 1, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(d->rejected, 1);
	assert_int_equal(strmap_count(d->users), 2);
	rec_data_free(d);
	free(buf);

	/* Not BSON at all. */
	path = write_file("x.bson", "hello, world\n", 13);
	d = read_as(REC_FMT_BSON, path, 0, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	snprintf(want, sizeof(want), "%s: document 1 at byte 0: bad length "
	    "1819043176 (not BSON, or corrupt)", path);
	assert_string_equal(err, want);
	rec_data_free(d);

	/* A bad JSON line names its line. */
	{
		static const char bad[] = "{\"PhoneNumber\":\"1\",\"Items\":"
		    "{\"a\":1}}\n\n{oops\n";
		path = write_file("b.json", bad, strlen(bad));
	}
	d = read_as(REC_FMT_JSON, path, 0, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	snprintf(want, sizeof(want), "%s:3: not a JSON document: ", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
	rec_data_free(d);
}

/* ---- metrics ------------------------------------------------------------ */

static void
test_rank_metrics(void **state)
{
	const struct {
		uint32_t rec[5];
		size_t n, k;
		uint32_t rel[4];
		size_t nrel;
		double p, r, ap, ndcg;
	} cases[] = {
		/* Hits at ranks 1 and 3 of 3; 2 relevant. */
		{ { 7, 1, 4 }, 3, 3, { 4, 7 }, 2, 2.0 / 3, 1,
		    (1 + 2.0 / 3) / 2, (1 + 0.5) / (1 + 1 / log2(3)) },
		/* No hit. */
		{ { 1, 2 }, 2, 2, { 3 }, 1, 0, 0, 0, 0 },
		/* A hit at rank 2 of k = 4 with 3 relevant; list shorter
		 * than k still divides precision by k. */
		{ { 9, 3 }, 2, 4, { 1, 2, 3 }, 3, 0.25, 1.0 / 3,
		    0.5 / 3, (1 / log2(3)) / (1 + 1 / log2(3) + 0.5) },
		/* More relevant than k: AP and IDCG use k. */
		{ { 1, 2 }, 2, 2, { 1, 2, 3, 4 }, 4, 1, 0.5, 1, 1 },
	};
	size_t t;

	for (t = 0; t < sizeof(cases) / sizeof(*cases); t++) {
		double p, r, ap, nd;
		rec_rank_metrics(cases[t].rec, cases[t].n, cases[t].k,
		    cases[t].rel, cases[t].nrel, &p, &r, &ap, &nd);
		assert_true(fabs(p - cases[t].p) < 1e-12);
		assert_true(fabs(r - cases[t].r) < 1e-12);
		assert_true(fabs(ap - cases[t].ap) < 1e-12);
		assert_true(fabs(nd - cases[t].ndcg) < 1e-12);
	}
}

/* A hand-made rank-1 model: user 0 owns item 0; scores are U . V. */
static struct rec_model *
tiny_model(void)
{
	static double U[2] = { 1, -1 }, V[4] = { 5, 3, 3, 1 };
	struct rec_data *d = rec_data_new(REC_AGG_SUM, NULL);
	struct rec_csr bu, bi;
	struct als_params p;
	struct rec_model *m;
	char err[REC_ERRLEN];

	rec_data_add(d, "u0", 2, 0, 0, "i0", 2, 1, err, sizeof(err));
	rec_data_add(d, "u1", 2, 0, 0, "i1", 2, 1, err, sizeof(err));
	rec_data_add(d, "u1", 2, 0, 0, "i2", 2, 1, err, sizeof(err));
	rec_data_add(d, "u0", 2, 0, 0, "i3", 2, 1, err, sizeof(err));
	rec_data_add(d, "u1", 2, 0, 0, "i0", 2, 1, err, sizeof(err));
	rec_data_sort(d);
	rec_csr_build(d, &bu, &bi);
	memset(&p, 0, sizeof(p));
	p.rank = 1;
	m = rec_model_from(d, &bu, &p, U, V);
	assert_non_null(m);
	assert_int_equal(rec_model_index(m), 0);
	rec_csr_free(&bu);
	rec_csr_free(&bi);
	rec_data_free(d);
	return m;
}

static void
test_top_n(void **state)
{
	struct rec_model *m = tiny_model();
	struct rec_scored out[4];
	double scratch[4];
	size_t n;

	/* Scores for u0: i0 5, i1 3, i2 3, i3 1; u0 owns i0 and i3. */
	n = rec_top_n(m, 0, 4, 0, scratch, out);
	assert_int_equal(n, 2);
	assert_string_equal(m->item[out[0].item], "i1");
	assert_string_equal(m->item[out[1].item], "i2");
	n = rec_top_n(m, 0, 3, 1, scratch, out);
	assert_int_equal(n, 3);
	assert_string_equal(m->item[out[0].item], "i0");
	/* Equal scores: the lower id (i1) first. */
	assert_string_equal(m->item[out[1].item], "i1");
	assert_string_equal(m->item[out[2].item], "i2");
	/* u1 has negative scores: the least negative is best. */
	n = rec_top_n(m, 1, 1, 0, scratch, out);
	assert_int_equal(n, 1);
	assert_string_equal(m->item[out[0].item], "i3");
	n = rec_similar(m, 0, 3, out);
	assert_int_equal(n, 3);
	assert_true(out[0].score == 1 && out[2].score == 1);
	rec_model_free(m);
}

static void
test_evaluate(void **state)
{
	struct rec_model *m = tiny_model();
	struct rec_data *test = rec_data_new(REC_AGG_SUM, NULL);
	struct rec_test t;
	struct rec_metrics mt;
	char err[REC_ERRLEN];

	/* u0: i1 (predicted 3, actual 4) and i2 (predicted 3, actual 3);
	 * a cold user and a cold item. */
	rec_data_add(test, "u0", 2, 0, 0, "i1", 2, 4, err, sizeof(err));
	rec_data_add(test, "u0", 2, 0, 0, "i2", 2, 3, err, sizeof(err));
	rec_data_add(test, "u9", 2, 0, 0, "i1", 2, 4, err, sizeof(err));
	rec_data_add(test, "u0", 2, 0, 0, "i9", 2, 4, err, sizeof(err));
	rec_data_sort(test);
	assert_int_equal(rec_test_map(m, test, &t), 0);
	assert_int_equal(rec_evaluate(m, &t, 1, 0, 2, &mt), 0);
	assert_int_equal(mt.rows, 4);
	assert_int_equal(mt.cold_rows, 2);
	assert_int_equal(mt.scored_rows, 2);
	assert_true(fabs(mt.rmse - sqrt(0.5)) < 1e-12);
	assert_true(fabs(mt.mae - 0.5) < 1e-12);
	assert_int_equal(mt.rank_users, 1);
	/* Model's top 1 for u0 is i1 (ties with i2): relevant.
	 * Popularity: i0 (2 users) is owned, then i1: relevant too. */
	assert_true(mt.precision == 1 && mt.recall == 0.5);
	assert_true(mt.b_precision == 1 && mt.b_recall == 0.5);
	assert_int_equal(rec_evaluate(m, &t, 2, 0, 2, &mt), 0);
	assert_true(mt.precision == 1 && mt.recall == 1 && mt.map == 1);
	assert_true(mt.b_precision == 1 && mt.b_recall == 1);
	assert_int_equal(rec_evaluate(m, &t, 1, 1, 2, &mt), 0);
	assert_true(isnan(mt.rmse) && isnan(mt.mae));
	rec_test_free(&t);
	rec_data_free(test);
	rec_model_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_invoice_docs),
		cmocka_unit_test(test_invoice_count),
		cmocka_unit_test(test_archive),
		cmocka_unit_test(test_rank_metrics),
		cmocka_unit_test(test_top_n),
		cmocka_unit_test(test_evaluate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
