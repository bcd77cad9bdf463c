/* Tests of sysheat/sched.c: a fixed schedule that never drifts, and late
 * ticks skipped rather than burst. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "../../sysheat/sched.h"

static void
test_advance(void **state)
{
	static const struct {
		double now;		/* clock after taking tick 0 */
		long long tick;		/* the next tick */
		unsigned long skipped;
		double due;
	} cases[] = {
		{ 10.2, 1, 0, 11.0 },	/* on time */
		{ 10.999, 1, 0, 11.0 },
		{ 11.0, 1, 0, 11.0 },	/* exactly due: take it now */
		{ 11.5, 2, 1, 12.0 },	/* tick 1 passed: skip it */
		{ 14.2, 5, 4, 15.0 },	/* stopped for 4 s */
		{ 3609.5, 3600, 3599, 3610.0 },	/* an hour late */
		{ 3610.0, 3600, 3599, 3610.0 },	/* the next due right now */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sched s = { 10.0, 1.0, 0, 0 };

		assert_true(sched_due(&s) == 10.0);
		sched_advance(&s, cases[i].now);
		if (s.tick != cases[i].tick || s.skipped != cases[i].skipped)
			fail_msg("case %zu: tick %lld, skipped %lu", i, s.tick,
			    s.skipped);
		assert_true(fabs(sched_due(&s) - cases[i].due) < 1e-9);
	}
}

static void
test_no_drift(void **state)
{
	struct sched s = { 5.0, 0.1, 0, 0 };
	int k;

	(void)state;
	/* Each sample takes 30 ms: the schedule does not move. */
	for (k = 0; k < 100000; k++)
		sched_advance(&s, sched_due(&s) + 0.03);
	assert_int_equal(s.tick, 100000);
	assert_int_equal(s.skipped, 0);
	assert_true(fabs(sched_due(&s) - (5.0 + 10000.0)) < 1e-6);

	/* A slow sample (250 ms) skips two ticks, then it is back on time. */
	sched_advance(&s, sched_due(&s) + 0.25);
	assert_int_equal(s.skipped, 2);
	assert_int_equal(s.tick, 100003);
	sched_advance(&s, sched_due(&s) + 0.03);
	assert_int_equal(s.tick, 100004);
	assert_int_equal(s.skipped, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advance),
		cmocka_unit_test(test_no_drift),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
