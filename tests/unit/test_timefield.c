/* Tests of lib/timefield.c, checked against the C library's own calendar
 * (timegm, gmtime_r, strftime %U) over many dates. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
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
		{ "", 0, NULL }, { "yesterday", 0, NULL },
		{ "24-02-2024-18:05", 0, NULL },
		/* The original data's forms (pandas reads them; day first). */
		{ "26-05-2024 8:19", 1, "2024-05-26 08:19:00" },
		{ "26-05-2024 8:19:07", 1, "2024-05-26 08:19:07" },
		{ "6-5-2024 08:19", 1, "2024-05-06 08:19:00" },
		{ "06-05-2024 23:59", 1, "2024-05-06 23:59:00" },
		{ "2024-5-6 8:09", 1, "2024-05-06 08:09:00" },
		{ "2024-1-1", 1, "2024-01-01 00:00:00" },
		{ "2024-05-26T08:19:00", 1, "2024-05-26 08:19:00" },
		{ "26/05/2024 8:19", 1, "2024-05-26 08:19:00" },
		{ "12-01-2024 10:00", 1, "2024-01-12 10:00:00" },	/* not Dec 1 */
		/* Zones: the civil time as written. */
		{ "2026-12-03T12:40:05+05:30", 1, "2026-12-03 12:40:05" },
		{ "2026-12-03T12:40:05-0500", 1, "2026-12-03 12:40:05" },
		{ "2026-12-03T12:40:05+05", 1, "2026-12-03 12:40:05" },
		{ "2026-12-03T12:40:05+5:30", 0, NULL },
		{ "2026-12-03T12:40:05+24:00", 0, NULL },
		{ "26-05-2024 8:9", 0, NULL }, { "26-05-2024 108:19", 0, NULL },
		{ "126-05-2024 8:19", 0, NULL }, { "26-5-24 8:19", 0, NULL },
		{ "2024-05-26 8:19 ", 0, NULL }, { "2024-05-26  8:19", 0, NULL },
		{ "26-05-2024 8:19:7", 0, NULL }, { "31-04-2024 8:19", 0, NULL },
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

static void
test_zone(void **state)
{
	static const struct {
		const char *in;
		long off;
	} cases[] = {
		{ "2026-12-03 12:40:05", TM_NO_ZONE },
		{ "2026-12-03T12:40:05Z", 0 },
		{ "2026-12-03T12:40:05+05:30", 19800 },
		{ "2026-12-03T12:40:05-05:00", -18000 },
		{ "2026-12-03T12:40:05+0545", 20700 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct li_tm t;
		long off;
		assert_int_equal(tm_parse_zone(cases[i].in, strlen(cases[i].in),
		    &t, &off), 0);
		assert_int_equal(off, cases[i].off);
	}
}

/* ISO weeks against strftime's %G-W%V, every day from 1999 to 2031 (the
 * year ends included). */
static void
test_isoweek(void **state)
{
	time_t t;

	(void)state;
	for (t = 915148800; t < 1956528000; t += 86400) {
		struct tm g;
		struct li_tm m;
		char want[64], got[TM_BUFSZ];

		gmtime_r(&t, &g);
		tm_from_epoch((int64_t)t, &m);
		strftime(want, sizeof(want), "%G-W%V", &g);
		tm_fmt_isoweek(&m, got);
		assert_string_equal(got, want);
	}
	/* The year end: 2024-12-30 is in 2025's week 1; 2021-01-03 in
	 * 2020's week 53. */
	{
		struct li_tm a = { 2024, 12, 30, 0, 0, 0 };
		struct li_tm b = { 2021, 1, 3, 0, 0, 0 };
		char buf[TM_BUFSZ];
		tm_fmt_isoweek(&a, buf);
		assert_string_equal(buf, "2025-W01");
		tm_fmt_isoweek(&b, buf);
		assert_string_equal(buf, "2020-W53");
		tm_fmt_week(&a, buf);
		assert_string_equal(buf, "2024-W52");
	}
}

/* Local times with the offset of the process's TZ. */
static void
test_local(void **state)
{
	static const struct {
		const char *tz;
		struct li_tm t;
		const char *want;
	} cases[] = {
		{ "Asia/Kolkata", { 2026, 12, 3, 12, 40, 5 },
		    "2026-12-03T12:40:05+05:30" },
		{ "America/New_York", { 2026, 12, 3, 0, 30, 0 },
		    "2026-12-03T00:30:00-05:00" },
		{ "America/New_York", { 2026, 7, 3, 0, 30, 0 },
		    "2026-07-03T00:30:00-04:00" },
		{ "UTC", { 2024, 1, 6, 9, 15, 0 }, "2024-01-06T09:15:00+00:00" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[TM_BUFSZ];
		setenv("TZ", cases[i].tz, 1);
		tzset();
		tm_fmt_local(&cases[i].t, buf);
		assert_string_equal(buf, cases[i].want);
	}
	/* Now, in Kolkata: the offset is written. */
	{
		char buf[TM_BUFSZ];
		setenv("TZ", "Asia/Kolkata", 1);
		tzset();
		assert_int_equal(tm_now_local(buf), 25);
		assert_string_equal(buf + 19, "+05:30");
	}
	unsetenv("TZ");
	tzset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_formats),
		cmocka_unit_test(test_against_libc),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_zone),
		cmocka_unit_test(test_isoweek),
		cmocka_unit_test(test_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
