/* Tests of alertd/inventory.c: stock files, sales velocity and the
 * days-left formula. */
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

#include "../../alertd/inventory.h"

static void
test_days_left(void **state)
{
	static const struct {
		double stock, sold, per_day, want;
	} cases[] = {
		{ 100, 30, 10, 7 },		/* 70 left at 10 a day */
		{ 100, 0, 40, 2.5 },
		{ 100, 100, 10, 0 },		/* sold out */
		{ 100, 120, 10, 0 },		/* oversold: still 0 */
		{ 100, 10, 0, INFINITY },	/* nothing selling */
		{ 0, 0, 5, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double d = inv_days_left(cases[i].stock, cases[i].sold,
		    cases[i].per_day);
		if (!(d == cases[i].want || fabs(d - cases[i].want) < 1e-9))
			fail_msg("case %zu: %g, want %g", i, d, cases[i].want);
	}
}

static char *
write_tmp(const char *text)
{
	static char path[64];
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_alertd_inv.XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs(text, fp);
	fclose(fp);
	return path;
}

static void
test_stock_files(void **state)
{
	static const struct {
		const char *text, *err;	/* err: NULL when it loads */
	} cases[] = {
		{ "Product,Stock\nTea,10\n\"Rice, red\",5.5\n", NULL },
		{ "BranchName,Product,Stock\nA,Tea,10\nB,Tea,3\n", NULL },
		{ "Product,Units\nTea,10\n", ":1: header needs Product and "
		    "Stock columns" },
		{ "Product,Stock\nTea,ten\n", ":2: bad Stock 'ten'" },
		{ "Product,Stock\nTea,-1\n", ":2: bad Stock '-1'" },
		{ "Product,Stock\nTea,1\nTea,2\n", ":3: 'Tea' listed twice" },
		{ "Product,Stock\nTea\n", ":2: 1 fields, want 2" },
		{ "Product,Stock\n,4\n", ":2: empty Product" },
		{ "", ": empty stock file" },
	};
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct inventory *inv = inv_new();
		char *path = write_tmp(cases[i].text);
		int rc = inv_load_stock(inv, path, err, sizeof(err));

		if (cases[i].err == NULL && rc != 0)
			fail_msg("case %zu: %s", i, err);
		if (cases[i].err != NULL && (rc != -1 ||
		    strcmp(err + strlen(path), cases[i].err) != 0))
			fail_msg("case %zu: got '%s', want '%s'", i,
			    rc ? err : "(loaded)", cases[i].err);
		unlink(path);
		inv_free(inv);
	}
}

static struct inventory *
load(const char *text)
{
	struct inventory *inv = inv_new();
	char err[256], *path = write_tmp(text);

	assert_int_equal(inv_load_stock(inv, path, err, sizeof(err)), 0);
	unlink(path);
	return inv;
}

/* Velocity from the change in units sold between snapshots. */
static void
test_velocity_window(void **state)
{
	struct inventory *inv = load("Product,Stock\nTea,1000\nRice,50\n");
	struct inv_item *tea = &inv->items[0];
	double v;

	(void)state;
	inv_usage_begin(inv);
	inv_usage_row(inv, NULL, "Tea", 100);
	inv_usage_row(inv, NULL, "Unknown", 1);
	inv_usage_end(inv, 0, 86400);
	assert_int_equal(inv->unknown, 1);
	assert_int_equal(inv_velocity(tea, 86400, 0, &v), -1);	/* one point */
	/* Half a day later 50 more sold: 100 a day. */
	inv_usage_begin(inv);
	inv_usage_row(inv, NULL, "Tea", 150);
	inv_usage_end(inv, 43200, 86400);
	assert_int_equal(inv_velocity(tea, 86400, 0, &v), 0);
	assert_true(fabs(v - 100) < 1e-9);
	assert_true(fabs(inv_days_left(tea->stock, tea->sold, v) - 8.5) <
	    1e-9);
	/* Rice sold nothing: 0 a day, never runs out. */
	assert_int_equal(inv_velocity(&inv->items[1], 86400, 0, &v), 0);
	assert_true(v == 0);
	/* A day later: the base is the newest point at least a window old,
	 * t=43200 with 150 sold. */
	inv_usage_begin(inv);
	inv_usage_row(inv, NULL, "Tea", 450);
	inv_usage_end(inv, 3 * 43200, 86400);
	assert_int_equal(inv_velocity(tea, 86400, 0, &v), 0);
	assert_true(fabs(v - 300) < 1e-9);
	/* Counts went down (reduce restarted): the history starts over. */
	inv_usage_begin(inv);
	inv_usage_row(inv, NULL, "Tea", 10);
	inv_usage_end(inv, 4 * 43200, 86400);
	assert_int_equal(inv_velocity(tea, 86400, 0, &v), -1);
	inv_free(inv);
}

/* Velocity over the date span the snapshot covers. */
static void
test_velocity_span(void **state)
{
	struct inventory *inv = load("Product,Stock\nTea,1000\n");
	double v;

	(void)state;
	inv_usage_begin(inv);
	inv_usage_row(inv, NULL, "Tea", 600);
	inv_usage_end(inv, 0, 0);
	assert_int_equal(inv_velocity(&inv->items[0], 0, 30 * 86400.0, &v), 0);
	assert_true(fabs(v - 20) < 1e-9);
	assert_true(fabs(inv_days_left(1000, 600, v) - 20) < 1e-9);
	inv_free(inv);
}

/* Stock per branch, sales per branch or per product. */
static void
test_branches(void **state)
{
	struct inventory *inv = load("BranchName,Product,Stock\n"
	    "A,Tea,10\nB,Tea,30\nA,Rice,5\n");
	double v;

	(void)state;
	assert_int_equal(inv->per_branch, 1);
	inv_usage_begin(inv);
	inv_usage_row(inv, "A", "Tea", 4);
	inv_usage_row(inv, "B", "Tea", 6);
	inv_usage_end(inv, 0, 0);
	assert_string_equal(inv->items[0].key, "A/Tea");
	assert_true(inv->items[0].sold == 4 && inv->items[1].sold == 6);
	inv_free(inv);

	/* Sales per product only: the stock is summed per product. */
	inv = load("BranchName,Product,Stock\nA,Tea,10\nB,Tea,30\nA,Rice,5\n");
	inv_usage_begin(inv);
	assert_int_equal(inv_usage_row(inv, NULL, "Tea", 8), 0);
	inv_usage_end(inv, 0, 0);
	assert_int_equal(inv->per_branch, 0);
	assert_int_equal(inv->n, 2);
	assert_string_equal(inv->items[0].key, "Tea");
	assert_true(inv->items[0].stock == 40 && inv->items[0].sold == 8);
	assert_int_equal(inv_velocity(&inv->items[0], 0, 86400, &v), 0);
	assert_true(v == 8);
	inv_free(inv);

	/* Stock per product, sales per branch: sales are summed. */
	inv = load("Product,Stock\nTea,100\n");
	inv_usage_begin(inv);
	inv_usage_row(inv, "A", "Tea", 4);
	inv_usage_row(inv, "B", "Tea", 6);
	inv_usage_end(inv, 0, 0);
	assert_true(inv->items[0].sold == 10);
	inv_free(inv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_left),
		cmocka_unit_test(test_stock_files),
		cmocka_unit_test(test_velocity_window),
		cmocka_unit_test(test_velocity_span),
		cmocka_unit_test(test_branches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
