/* Tests of alertd/num.c: the one strict decimal syntax alertd reads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "../../alertd/num.h"

static void
test_numbers(void **state)
{
	static const struct {
		const char *s;
		int rc;
		double v;
	} cases[] = {
		{ "90", 0, 90 },
		{ " 90", 0, 90 },
		{ "90 ", 0, 90 },		/* both sides trimmed alike */
		{ "\t90\t ", 0, 90 },
		{ "-12.5", 0, -12.5 },
		{ "+3", 0, 3 },
		{ "4.", 0, 4 },
		{ ".5", 0, 0.5 },
		{ "1e3", 0, 1000 },
		{ "2.5E-1", 0, 0.25 },
		{ "1e+2", 0, 100 },
		{ "007", 0, 7 },
		{ "1010876.0", 0, 1010876 },
		{ "0x100", -1, 0 },		/* not 256 */
		{ "0x10", -1, 0 },
		{ "0X1p3", -1, 0 },
		{ "inf", -1, 0 },
		{ "-Infinity", -1, 0 },
		{ "nan", -1, 0 },
		{ "NAN(1)", -1, 0 },
		{ "", -1, 0 },
		{ "   ", -1, 0 },
		{ "+", -1, 0 },
		{ "-", -1, 0 },
		{ ".", -1, 0 },
		{ "e5", -1, 0 },
		{ "1e", -1, 0 },
		{ "1e+", -1, 0 },
		{ "1.2.3", -1, 0 },
		{ "9 0", -1, 0 },
		{ "90\n", -1, 0 },
		{ "\v90", -1, 0 },
		{ "1,5", -1, 0 },
		{ "--1", -1, 0 },
		{ "1e999", -1, 0 },		/* beyond a double */
		{ "-1e999", -1, 0 },
		{ "12abc", -1, 0 },
		{ "\xc2\xa0" "5", -1, 0 },	/* a no-break space is no blank */
	};
	size_t i;
	double v;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc;

		v = -777;
		rc = num_parse_str(cases[i].s, -1e300, 1e300, &v);
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d, want %d", cases[i].s, rc,
			    cases[i].rc);
		if (rc == 0 && v != cases[i].v)
			fail_msg("'%s': %g, want %g", cases[i].s, v,
			    cases[i].v);
		if (rc == -1 && v != -777)
			fail_msg("'%s': *out changed on failure", cases[i].s);
	}
	/* Counted bytes: nothing past len is read. */
	assert_int_equal(num_parse("12x", 2, 0, 100, &v), 0);
	assert_true(v == 12);
	/* Range. */
	assert_int_equal(num_parse_str("101", 0, 100, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(num_parse_str("0x1", 0, 100, &v), -1);
	assert_int_equal(errno, EINVAL);
	/* Long text is refused, never cut short. */
	{
		char big[NUM_TEXT_MAX + 2];
		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		assert_int_equal(num_parse_str(big, -1e300, 1e300, &v), -1);
		big[NUM_TEXT_MAX] = '\0';
		assert_int_equal(num_parse_str(big, -1e300, 1e300, &v), 0);
	}
}

static void
test_blank_and_span(void **state)
{
	(void)state;
	assert_int_equal(num_blank("", 0), 1);
	assert_int_equal(num_blank(" \t ", 3), 1);
	assert_int_equal(num_blank(" 0", 2), 0);
	assert_int_equal(num_span("0.7*mean", 8), 3);
	assert_int_equal(num_span("5e", 2), 1);
	assert_int_equal(num_span("5e3s", 4), 3);
	assert_int_equal(num_span("0x10", 4), 1);
	assert_int_equal(num_span("-", 1), 0);
	assert_int_equal(num_span("inf", 3), 0);
}

static void
test_integers(void **state)
{
	static const struct {
		const char *s;
		int rc;
		long long v;
	} cases[] = {
		{ "12", 0, 12 },
		{ " 12 ", 0, 12 },
		{ "+12", 0, 12 },
		{ "12.0", 0, 12 },
		{ "12.", 0, 12 },
		{ "0", 0, 0 },
		{ "12.5", -1, 0 },
		{ "1e3", -1, 0 },
		{ "1.0e1", -1, 0 },
		{ "0x10", -1, 0 },
		{ "-1", -1, 0 },		/* below min 0 */
		{ "", -1, 0 },
		{ "99999999999999999999", -1, 0 },
	};
	long long v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = num_parse_int(cases[i].s, strlen(cases[i].s), 0,
		    LLONG_MAX, &v);
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d, want %d", cases[i].s, rc,
			    cases[i].rc);
		if (rc == 0 && v != cases[i].v)
			fail_msg("'%s': %lld, want %lld", cases[i].s, v,
			    cases[i].v);
	}
}

static void
test_durations(void **state)
{
	static const struct {
		const char *s;
		int rc;
		double v;
	} cases[] = {
		{ "10", 0, 10 },
		{ "1.5s", 0, 1.5 },
		{ "250ms", 0, 0.25 },
		{ "2m", 0, 120 },
		{ "1h", 0, 3600 },
		{ "1d", 0, 86400 },
		{ "1e1s", 0, 10 },
		{ "0x10s", -1, 0 },
		{ "0x10", -1, 0 },
		{ "infs", -1, 0 },
		{ "inf", -1, 0 },
		{ "-1s", -1, 0 },
		{ " 1s", -1, 0 },
		{ "1 s", -1, 0 },
		{ "s", -1, 0 },
		{ "1w", -1, 0 },
		{ "", -1, 0 },
	};
	size_t i;
	double v;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = num_duration(cases[i].s, &v);
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d, want %d", cases[i].s, rc,
			    cases[i].rc);
		if (rc == 0 && v != cases[i].v)
			fail_msg("'%s': %g, want %g", cases[i].s, v,
			    cases[i].v);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_blank_and_span),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
