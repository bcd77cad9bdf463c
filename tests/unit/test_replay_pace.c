/* Tests of replay/pace.c: the send schedule as pure arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "../../replay/pace.h"

#define EPS	1e-9

static void
test_off(void **state)
{
	struct pace p;

	(void)state;
	pace_init(&p, 0, 0, 0, 1);
	assert_false(pace_active(&p));
	pace_init(&p, 5, 0, 0, 1);
	assert_true(pace_active(&p));
	pace_init(&p, 0, 60, 0, 1);
	assert_true(pace_active(&p));
}

/* Row i of --rate R is due at t0 + i/R, with no drift over many rows. */
static void
test_rate(void **state)
{
	static const double rates[] = { 1, 3, 10, 500, 7777 };
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
		struct pace p;
		double due = 0;
		int i;
		pace_init(&p, rates[k], 0, 0, 1);
		for (i = 0; i < 100000; i++) {
			/* The clock argument only matters for the first row. */
			due = pace_next(&p, 1000.0 + i, NAN);
			if (i == 0)
				assert_true(fabs(due - 1000.0) < EPS);
		}
		assert_true(fabs(due - (1000.0 + 99999 / rates[k])) < 1e-6);
	}
}

/* --speedup X: gaps are event-time gaps divided by X; a missing time
 * gives no gap; a new pass of --loop starts the event clock afresh. */
static void
test_speedup(void **state)
{
	static const struct {
		double ev, want;
		int new_pass;
	} rows[] = {
		{ 3600, 0, 0 }, { 3660, 1, 0 }, { 3660, 1, 0 }, { 3720, 2, 0 },
		{ NAN, 2, 0 },		/* unparsable: with the previous row */
		{ 3780, 3, 0 },
		{ 0, 3, 1 },		/* next pass of --loop */
		{ 60, 4, 0 },
	};
	struct pace p;
	size_t i;

	(void)state;
	pace_init(&p, 0, 60, 0, 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		double due;
		if (rows[i].new_pass)
			pace_new_pass(&p);
		due = pace_next(&p, 0, rows[i].ev);
		if (fabs(due - rows[i].want) > EPS) {
			print_error("row %zu due %g, want %g\n", i, due,
			    rows[i].want);
			fail();
		}
	}
	assert_int_equal(p.late, 0);
}

/* Unsorted input: the clock follows the newest time so far.  A row older
 * than that is due at once (counted as late), and the rows after it are
 * not delayed by the backward jump: the wall time is the span of the
 * event times over the speedup, not the sum of every forward step. */
static void
test_speedup_unsorted(void **state)
{
	static const struct {
		double ev, want;
	} rows[] = {
		{ 1000, 0 }, { 1600, 10 }, { 400, 10 },	/* late */
		{ 1000, 10 },				/* late */
		{ 1660, 11 }, { 1660, 11 }, { 1200, 11 },	/* late */
		{ 1720, 12 },
	};
	struct pace p;
	double due = 0;
	size_t i;
	int k;

	(void)state;
	pace_init(&p, 0, 60, 0, 1);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		due = pace_next(&p, 0, rows[i].ev);
		if (fabs(due - rows[i].want) > EPS) {
			print_error("row %zu due %g, want %g\n", i, due,
			    rows[i].want);
			fail();
		}
	}
	assert_int_equal(p.late, 3);

	/* A day of rows, each day's time then one a day back, 1000 times:
	 * the old clock ran 1000 days of steps, this one the 1000-day span
	 * once at most. */
	pace_init(&p, 0, 86400, 0, 1);
	for (k = 0; k < 1000; k++) {
		due = pace_next(&p, 0, 86400.0 * (k + 1));
		assert_true(fabs(due - k) < EPS);
		due = pace_next(&p, 0, 86400.0 * k - 43200);
	}
	assert_true(fabs(due - 999) < EPS);
	assert_int_equal(p.late, 1000);
}

/* --jitter varies each gap within +-FRAC, deterministically per seed, and
 * averages out. */
static void
test_jitter(void **state)
{
	struct pace a, b, c;
	double prev = 0, da = 0, db = 0, dc = 0, min = 1e9, max = 0;
	int i, differ = 0;

	(void)state;
	pace_init(&a, 10, 0, 0.5, 42);
	pace_init(&b, 10, 0, 0.5, 42);
	pace_init(&c, 10, 0, 0.5, 43);
	for (i = 0; i < 20000; i++) {
		da = pace_next(&a, 0, NAN);
		db = pace_next(&b, 0, NAN);
		dc = pace_next(&c, 0, NAN);
		assert_true(da == db);
		if (da != dc)
			differ = 1;
		if (i > 0) {
			double gap = da - prev;
			if (gap < min)
				min = gap;
			if (gap > max)
				max = gap;
		}
		prev = da;
	}
	assert_true(differ);
	assert_true(min >= 0.05 - EPS && max <= 0.15 + EPS);
	assert_true(min < 0.06 && max > 0.14);
	/* The mean gap stays 1/rate: 19999 gaps of 0.1 s within 1 %. */
	assert_true(fabs(da - 1999.9) < 20);
	(void)db;
	(void)dc;
}

/* After waiting for a reader, the schedule restarts from now instead of
 * sending the held-back rows in a burst. */
static void
test_rebase(void **state)
{
	struct pace p;

	(void)state;
	pace_init(&p, 2, 0, 0, 1);
	assert_true(fabs(pace_next(&p, 10, NAN) - 10) < EPS);
	assert_true(fabs(pace_next(&p, 10, NAN) - 10.5) < EPS);
	pace_rebase(&p, 100);
	assert_true(fabs(pace_next(&p, 100, NAN) - 100.5) < EPS);
	/* Rebasing to an earlier time changes nothing. */
	pace_rebase(&p, 50);
	assert_true(fabs(pace_next(&p, 100, NAN) - 101) < EPS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_speedup),
		cmocka_unit_test(test_speedup_unsorted),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_rebase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
