/* Tests of lib/money.c: exact fixed-point parsing and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "money.h"

static void
test_money_parse(void **state)
{
	static const struct {
		const char *in;
		int ok;
		int64_t want;
	} cases[] = {
		{ "0", 1, 0 }, { "12", 1, 1200 }, { "12.5", 1, 1250 },
		{ "12.50", 1, 1250 }, { "12.500", 1, 1250 }, { "-3.05", 1, -305 },
		{ "+7", 1, 700 }, { ".5", 1, 50 }, { "5.", 1, 500 },
		{ "1010876.0", 1, 101087600 }, { "56324.99", 1, 5632499 },
		{ "92233720368547758.07", 1, INT64_MAX },
		{ "", 0, 0 }, { ".", 0, 0 }, { "-", 0, 0 }, { "12.345", 0, 0 },
		{ "1e3", 0, 0 }, { " 1", 0, 0 }, { "1 ", 0, 0 }, { "abc", 0, 0 },
		{ "1.2.3", 0, 0 }, { "99999999999999999999", 0, 0 },
		/* The fast path's shape, D+.DD, at and past its edges. */
		{ "1747.08", 1, 174708 }, { "-1747.08", 1, -174708 },
		{ "0.00", 1, 0 }, { "000000000000001.00", 1, 100 },
		{ "999999999999999.99", 1, 99999999999999999LL },
		{ "1234567890123456.78", 1, 123456789012345678LL },
		{ "1a47.08", 0, 0 }, { "1747.0x", 0, 0 }, { "1,23.45", 0, 0 },
		{ "1..23", 0, 0 }, { "12.3.45", 0, 0 }, { " 12.34", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -1;
		int rc = money_parse(cases[i].in, strlen(cases[i].in), &v);
		if ((rc == 0) != cases[i].ok || (rc == 0 && v != cases[i].want)) {
			print_error("case <%s>: rc %d value %lld\n", cases[i].in, rc,
			    (long long)v);
			fail();
		}
	}
}

static void
test_int_parse(void **state)
{
	static const struct {
		const char *in;
		int ok;
		int64_t want;
	} cases[] = {
		{ "4", 1, 4 }, { "4.0", 1, 4 }, { "4.000", 1, 4 },
		{ "1010876.0", 1, 1010876 }, { "-2", 1, -2 }, { "4.5", 0, 0 },
		{ "", 0, 0 }, { "x", 0, 0 }, { "4.0x", 0, 0 }, { ".0", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = -1;
		int rc = int_parse(cases[i].in, strlen(cases[i].in), &v);
		if ((rc == 0) != cases[i].ok || (rc == 0 && v != cases[i].want)) {
			print_error("case <%s>: rc %d value %lld\n", cases[i].in, rc,
			    (long long)v);
			fail();
		}
	}
}

static void
test_format(void **state)
{
	char buf[MONEY_BUFSZ];

	(void)state;
	money_format(0, buf);
	assert_string_equal(buf, "0.00");
	money_format(-305, buf);
	assert_string_equal(buf, "-3.05");
	money_format(123456789, buf);
	assert_string_equal(buf, "1234567.89");
	money_format(INT64_MIN, buf);
	assert_string_equal(buf, "-92233720368547758.08");
	int_format(-42, buf);
	assert_string_equal(buf, "-42");
}

static void
test_div(void **state)
{
	(void)state;
	assert_int_equal(money_div(1000, 3), 333);
	assert_int_equal(money_div(2000, 3), 667);
	assert_int_equal(money_div(-2000, 3), -667);
	assert_int_equal(money_div(5, 2), 3);
	assert_int_equal(money_div(5, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_money_parse),
		cmocka_unit_test(test_int_parse),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_div),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
