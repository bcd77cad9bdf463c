/* Tests of lib/timefield.c, checked against the C library's own calendar
 * (timegm, gmtime_r, strftime %U) over many dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "timefield.h"

static void
test_parse_formats(void **state)
{
	static const struct {
		const char *in;
		int ok;
		const char *iso;
	} cases[] = {
		{ "24-02-2024 18:05", 1, "2024-02-24 18:05:00" },
		{ "2024-02-24 18:05:09", 1, "2024-02-24 18:05:09" },
		{ "2024-02-24T18:05:09.123", 1, "2024-02-24 18:05:09" },
		{ "2026-11-23T10:41:07Z", 1, "2026-11-23 10:41:07" },
		{ "29/02/2024 00:00", 1, "2024-02-29 00:00:00" },
		{ "2024-02-24", 1, "2024-02-24 00:00:00" },
		{ "29-02-2023 10:00", 0, NULL },
		{ "2024-13-01 10:00", 0, NULL },
		{ "2024-01-01 24:00", 0, NULL },
		{ "2024-01-01 10:60", 0, NULL },
		{ "2024-01-01 10:00 ", 0, NULL },
		{ "", 0, NULL }, { "yesterday", 0, NULL }, { "2024-1-1", 0, NULL },
		{ "24-02-2024-18:05", 0, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct li_tm t;
		char buf[TM_BUFSZ];
		int rc = tm_parse(cases[i].in, strlen(cases[i].in), &t);
		if ((rc == 0) != cases[i].ok) {
			print_error("case <%s>: rc %d\n", cases[i].in, rc);
			fail();
		}
		if (rc == 0) {
			tm_fmt_iso(&t, buf);
			assert_string_equal(buf, cases[i].iso);
		}
	}
}

static void
test_against_libc(void **state)
{
	time_t t;

	(void)state;
	/* Every 7 hours from 1999 to 2031. */
	for (t = 915148800; t < 1956528000; t += 7 * 3600 + 13) {
		struct tm g;
		struct li_tm m;
		char want[64], got[TM_BUFSZ];

		gmtime_r(&t, &g);
		tm_from_epoch((int64_t)t, &m);
		assert_int_equal(tm_epoch(&m), (int64_t)t);
		assert_int_equal(tm_wday(&m), g.tm_wday);
		assert_int_equal(tm_yday(&m), g.tm_yday);
		strftime(want, sizeof(want), "%Y-W%U", &g);
		tm_fmt_week(&m, got);
		assert_string_equal(got, want);
		strftime(want, sizeof(want), "%Y-%m", &g);
		tm_fmt_month(&m, got);
		assert_string_equal(got, want);
		strftime(want, sizeof(want), "%Y-%m-%d %H:%M:%S", &g);
		tm_fmt_iso(&m, got);
		assert_string_equal(got, want);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &g);
		tm_fmt_rfc3339(&m, got);
		assert_string_equal(got, want);
	}
}

static void
test_slots(void **state)
{
	static const char *want[24] = {
		"Night", "Night", "Night", "Night", "Night", "Night",
		"Morning", "Morning", "Morning", "Morning", "Morning", "Morning",
		"Afternoon", "Afternoon", "Afternoon", "Afternoon", "Afternoon",
		"Evening", "Evening", "Evening", "Evening",
		"Night", "Night", "Night",
	};
	int h;

	(void)state;
	for (h = 0; h < 24; h++)
		assert_string_equal(tm_slot(h), want[h]);
	assert_string_equal(tm_dayname(0), "Sunday");
	assert_string_equal(tm_dayname(6), "Saturday");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_formats),
		cmocka_unit_test(test_against_libc),
		cmocka_unit_test(test_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
