/* Tests of render/fmt.c: number formatting and display width. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../render/fmt.h"

static int
setup_utf8(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	fmt_utf8 = 1;
	return 0;
}

static void
test_number(void **state)
{
	static const struct {
		double v;
		enum fmt_grouping g;
		int dec;
		const char *prefix, *suffix, *want;
	} cases[] = {
		{ 0, FMT_WESTERN, -1, NULL, NULL, "0" },
		{ 999, FMT_WESTERN, -1, NULL, NULL, "999" },
		{ 1000, FMT_WESTERN, -1, NULL, NULL, "1,000" },
		{ 1234567, FMT_WESTERN, 0, NULL, NULL, "1,234,567" },
		{ 1234567, FMT_INDIAN, 0, NULL, NULL, "12,34,567" },
		{ 123456789, FMT_INDIAN, 0, NULL, NULL, "12,34,56,789" },
		{ 100000, FMT_INDIAN, 0, NULL, NULL, "1,00,000" },
		{ 99999, FMT_INDIAN, 0, NULL, NULL, "99,999" },
		{ 1234567, FMT_NONE, 0, NULL, NULL, "1234567" },
		{ 1254300.5, FMT_WESTERN, 2, NULL, NULL, "1,254,300.50" },
		{ 1254300.5, FMT_INDIAN, 2, "₹", NULL, "₹12,54,300.50" },
		{ -1234.5, FMT_WESTERN, -1, "₹", NULL, "-₹1,234.50" },
		{ 42.25, FMT_WESTERN, 1, NULL, "%", "42.2%" },
		{ -0.001, FMT_WESTERN, 2, NULL, NULL, "0.00" },
		{ 576.05, FMT_WESTERN, -1, NULL, " °C", "576.05 °C" },
		/* Past grouping: %g, still with sign, prefix and suffix. */
		{ -2.5e20, FMT_INDIAN, 2, "₹", "/-", "-₹2.5e+20/-" },
		{ 1e300, FMT_WESTERN, -1, NULL, "%", "1e+300%" },
	};
	char buf[FMT_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fmt_num f = { cases[i].g, cases[i].dec, cases[i].prefix,
		    cases[i].suffix };
		size_t n = fmt_number(cases[i].v, &f, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0 || n != strlen(buf)) {
			print_error("case %zu: got <%s> want <%s>\n", i, buf,
			    cases[i].want);
			fail();
		}
	}
}

static void
test_compact(void **state)
{
	static const struct {
		double v;
		enum fmt_grouping g;
		const char *want;
	} cases[] = {
		{ 0, FMT_WESTERN, "0" }, { 12.5, FMT_WESTERN, "12.5" },
		{ 999, FMT_WESTERN, "999" }, { 999.7, FMT_WESTERN, "999.7" },
		{ 999.97, FMT_WESTERN, "1k" },
		{ 1000, FMT_WESTERN, "1k" }, { 1260, FMT_WESTERN, "1.3k" },
		{ 15000, FMT_WESTERN, "15k" }, { 999600, FMT_WESTERN, "1M" },
		{ 1498200.75, FMT_WESTERN, "1.5M" },
		{ -2500000, FMT_WESTERN, "-2.5M" },
		{ 3e9, FMT_WESTERN, "3B" },
		{ 1500, FMT_INDIAN, "1.5K" }, { 99990, FMT_INDIAN, "1L" },
		{ 150000, FMT_INDIAN, "1.5L" }, { 5472496.5, FMT_INDIAN,
		    "55L" },
		{ 12600000, FMT_INDIAN, "1.3Cr" },
		{ 123456e7, FMT_INDIAN, "1,23,456Cr" },
		/* Past every unit by far: 3 digits and an exponent (was 63
		 * digits cut from a 300-digit number). */
		{ 1e300, FMT_WESTERN, "1e+300" }, { -4.56e18, FMT_INDIAN,
		    "-4.56e+18" },
	};
	char buf[FMT_BUFSZ];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fmt_num f = { cases[i].g, -1, NULL, NULL };
		fmt_compact(cases[i].v, &f, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0) {
			print_error("case %zu (%g): got <%s> want <%s>\n", i,
			    cases[i].v, buf, cases[i].want);
			fail();
		}
	}
}

static void
test_parse(void **state)
{
	static const struct {
		const char *in;
		int rc;
		double want;
	} cases[] = {
		{ "12", 0, 12 }, { "-3.5", 0, -3.5 }, { "1e3", 0, 1000 },
		{ "+0.25", 0, 0.25 }, { "", 1, 0 }, { "abc", -1, 0 },
		{ "nan", -1, 0 }, { "inf", -1, 0 }, { "0x10", -1, 0 },
		{ "1,234", -1, 0 }, { "12 ", -1, 0 }, { "-", -1, 0 },
		{ "2024-01-01", -1, 0 },
		/* Out of range past 1e300; under 1e-300 is 0. */
		{ "1e999", -2, 0 }, { "1e301", -2, 0 }, { "-1.1e300", -2, 0 },
		{ "-1e300", 0, -1e300 }, { "1e-320", 0, 0 },
		{ "-2e-301", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double v = -1;
		int rc = fmt_parse_num(cases[i].in, &v);
		if (rc != cases[i].rc || (rc == 0 && v != cases[i].want)) {
			print_error("case <%s>: rc %d v %g\n", cases[i].in, rc,
			    v);
			fail();
		}
	}
	assert_int_equal(fmt_decimals_of("12.50"), 2);
	assert_int_equal(fmt_decimals_of("7"), 0);
	assert_int_equal(fmt_decimals_of("45.0"), 1);
}

static void
test_printable(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain ₹ text", "plain ₹ text" },
		{ "esc \033[2J bel \007", "esc ?[2J bel ?" },
		{ "bad \xff\xc3 utf8", "bad ?? utf8" },
		{ "c1 \xc2\x9b end", "c1 ?? end" },
		{ "rlo \xe2\x80\xae x", "rlo ??? x" },
		{ "del \x7f", "del ?" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		fmt_printable(buf);
		assert_string_equal(buf, cases[i].want);
	}
	fmt_utf8 = 0;
	snprintf(buf, sizeof(buf), "₹5");
	fmt_printable(buf);
	assert_string_equal(buf, "???5");
	fmt_utf8 = 1;
}

static void
test_width(void **state)
{
	static const struct {
		const char *s;
		size_t w;
	} cases[] = {
		{ "", 0 }, { "abc", 3 }, { "₹", 1 }, { "Koramangala", 11 },
		{ "日本語", 6 },		/* wide */
		{ "e\xcc\x81", 1 },		/* e + combining acute */
		{ "\xff", 1 },			/* invalid byte: one U+FFFD */
		{ "🙂x", 3 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t w = u8_width(cases[i].s, strlen(cases[i].s));
		if (w != cases[i].w) {
			print_error("case <%s>: width %zu want %zu\n",
			    cases[i].s, w, cases[i].w);
			fail();
		}
	}
	/* The prefix that fits never splits a character. */
	assert_int_equal(u8_prefix("日本語", 9, 3), 3);
	assert_int_equal(u8_prefix("日本語", 9, 4), 6);
	assert_int_equal(u8_prefix("abc", 3, 10), 3);
}

static void
test_width_c_locale(void **state)
{
	(void)state;
	fmt_utf8 = 0;
	/* Without UTF-8 every character counts one column (drawn as ?). */
	assert_int_equal(u8_width("日本語", 9), 3);
	assert_int_equal(u8_width("₹12", 5), 3);
	fmt_utf8 = 1;
}

static void
test_decode(void **state)
{
	static const struct {
		const char *s;
		uint32_t cp;
		size_t n;
	} cases[] = {
		{ "A", 'A', 1 }, { "\xc3\xa9", 0xe9, 2 }, { "₹", 0x20b9, 3 },
		{ "\xf0\x9f\x99\x82", 0x1f642, 4 },
		{ "\xc0\xaf", 0xfffd, 1 },	/* overlong */
		{ "\xed\xa0\x80", 0xfffd, 1 },	/* surrogate */
		{ "\xe2\x82", 0xfffd, 1 },	/* truncated */
	};
	size_t i;
	char out[4];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp;
		size_t n = u8_decode(cases[i].s, strlen(cases[i].s), &cp);
		assert_int_equal(cp, cases[i].cp);
		assert_int_equal(n, cases[i].n);
	}
	assert_int_equal(u8_encode(0x20b9, out), 3);
	assert_memory_equal(out, "₹", 3);
}

/* Times people read are in the process's TZ: an offset or Z converts, a
 * time without one is the store's wall time and stays. */
static void
test_time_local(void **state)
{
	static const struct {
		const char *tz, *in;
		enum fmt_time_style st;
		const char *want;
	} c[] = {
		{ "Asia/Kolkata", "2026-12-03T09:10:05Z", FMT_TIME_HMS,
		    "14:40:05" },
		{ "America/New_York", "2026-12-03T09:10:05Z", FMT_TIME_HMS,
		    "04:10:05" },
		{ "America/New_York", "2026-07-03T09:10:05Z", FMT_TIME_HMS,
		    "05:10:05" },	/* daylight saving */
		{ "Asia/Kolkata", "2024-05-26T14:05:00+05:30",
		    FMT_TIME_DATE_HM, "2024-05-26 14:05" },
		{ "America/New_York", "2024-05-26T14:05:00+05:30",
		    FMT_TIME_DATE_HM, "2024-05-26 04:35" },
		{ "America/New_York", "2024-05-26T02:05:00.125+0530",
		    FMT_TIME_DATE_HM, "2024-05-25 16:35" },
		{ "America/New_York", "2024-05-26 14:05:00", FMT_TIME_DATE_HM,
		    "2024-05-26 14:05" },	/* no zone: as it is */
		{ "Asia/Kolkata", "2024-05-26T20:00:00Z", FMT_TIME_SINCE,
		    "05-27 01:30" },
		{ "UTC", "2026-12-03T09:10:05.5Z", FMT_TIME_HMS, "09:10:05" },
	};
	static const char *const bad[] = { "", "x", "2026-12-03",
	    "2026-13-03T09:10:05Z", "2026-12-03T09:10:05+5", "tick",
	    "2026-12-03T09:10:05Zx", "2026-12-03T25:10:05Z",
	    "2026-12-03T09:10:", "2026-12-03T09:10:05+", "2026-12-03T09:10:05+05:",
	    "2026-12-03T09:10:05+05:3" };
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		setenv("TZ", c[i].tz, 1);
		tzset();
		assert_true(fmt_time_local(c[i].in, c[i].st, 0, out,
		    sizeof(out)) > 0);
		assert_string_equal(out, c[i].want);
	}
	/* Today's since is a time of day. */
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	assert_true(fmt_time_local("2026-12-03T09:10:05Z", FMT_TIME_SINCE,
	    1796289005LL + 3600, out, sizeof(out)) > 0);
	assert_string_equal(out, "14:40");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(fmt_time_local(bad[i], FMT_TIME_HMS, 0, out,
		    sizeof(out)), -1);
	unsetenv("TZ");
	tzset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_width_c_locale),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_time_local),
	};
	return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
