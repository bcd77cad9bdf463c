/* Tests of alertd/outfmt.c: numbers, UTF-8, JSON strings and events, the
 * Nagios status line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../alertd/outfmt.h"

static void
test_numbers(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 82, "82" }, { 84.5, "84.5" }, { 0.126, "0.13" },
		{ -0.001, "0" }, { -3.1, "-3.1" }, { 1e15, "1000000000000000" },
		{ 1e300, "1.0000000000000001e+300" }, { -2.5e20, "-2.5e+20" },
		{ NAN, "" }, { INFINITY, "inf" }, { -INFINITY, "-inf" },
	};
	char buf[OUT_NUM_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(out_num(cases[i].v, buf, sizeof(buf)),
		    cases[i].want);
}

static void
test_utf8(void **state)
{
	static const struct {
		const char *s;
		int valid;
	} cases[] = {
		{ "plain", 1 }, { "caf\xc3\xa9", 1 }, { "\xe2\x82\xac", 1 },
		{ "\xf0\x9f\x98\x80", 1 }, { "\xff\xfe", 0 },
		{ "\xc0\xaf", 0 },		/* overlong '/' */
		{ "\xe0\x80\xaf", 0 },		/* overlong */
		{ "\xed\xa0\x80", 0 },		/* a surrogate */
		{ "\xf4\x90\x80\x80", 0 },	/* above U+10FFFF */
		{ "\xc3", 0 }, { "\xe2\x82", 0 }, { "\x80", 0 },
	};
	size_t i;
	char dst[8];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (out_utf8_valid(cases[i].s, strlen(cases[i].s)) !=
		    cases[i].valid)
			fail_msg("case %zu", i);
	/* A sequence cut short at the end goes; a whole one stays. */
	assert_int_equal(out_utf8_cut("ab\xe2\x82", 4), 2);
	assert_int_equal(out_utf8_cut("ab\xe2\x82\xac", 5), 5);
	assert_int_equal(out_utf8_cut("ab\xc3", 3), 2);
	assert_int_equal(out_utf8_cut("abc", 3), 3);
	assert_int_equal(out_utf8_cut("\xff", 1), 1);
	out_copy(dst, sizeof(dst), "abcde\xc3\xa9z");	/* é at 5..6 */
	assert_string_equal(dst, "abcde\xc3\xa9");
	out_copy(dst, 7, "abcde\xc3\xa9z");
	assert_string_equal(dst, "abcde");
}

static void
test_json(void **state)
{
	static const struct {
		const char *s, *want;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "q\"b\\", "\"q\\\"b\\\\\"" },
		{ "a\nb\tc\rd", "\"a\\nb\\tc\\rd\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "n\xc2\x85l", "\"n\\u0085l\"" },
		{ "\xff\xfe", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	char buf[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = 0;
		assert_int_equal(out_json_str(buf, sizeof(buf), &n,
		    cases[i].s), 0);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
	/* Too long: nothing written, never half a string. */
	strcpy(buf, "x");
	n = 1;
	assert_int_equal(out_json_str(buf, 8, &n, "\x01\x01\x01"), -1);
	assert_int_equal(n, 1);
	assert_string_equal(buf, "x");
}

static void
test_json_event(void **state)
{
	struct hook_event ev;
	char buf[OUT_JSON_MAX];

	(void)state;
	memset(&ev, 0, sizeof(ev));
	strcpy(ev.time, "2026-11-23T10:00:00Z");
	strcpy(ev.status, "firing");
	strcpy(ev.name, "weak");
	strcpy(ev.severity, "warning");
	strcpy(ev.key, "\xff|x");
	strcpy(ev.value, "82.5");
	strcpy(ev.message, "m\n");
	assert_true(out_json_event(&ev, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "{\"time\":\"2026-11-23T10:00:00Z\","
	    "\"status\":\"firing\",\"alert\":\"weak\",\"severity\":"
	    "\"warning\",\"key\":\"\xef\xbf\xbd|x\",\"value\":82.5,"
	    "\"message\":\"m\\n\"}\n");
	strcpy(ev.value, "inf");
	assert_true(out_json_event(&ev, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"value\":null,"));
	strcpy(ev.value, "");
	assert_true(out_json_event(&ev, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"value\":null,"));
	/* The worst case fits OUT_JSON_MAX. */
	memset(ev.key, 1, sizeof(ev.key) - 1);
	memset(ev.message, '\x7f', sizeof(ev.message) - 1);
	memset(ev.name, 2, sizeof(ev.name) - 1);
	memset(ev.time, 3, sizeof(ev.time) - 1);
	memset(ev.status, 4, sizeof(ev.status) - 1);
	memset(ev.severity, 5, sizeof(ev.severity) - 1);
	memset(ev.value, '9', sizeof(ev.value) - 1);
	assert_true(out_json_event(&ev, buf, sizeof(buf)) > 0);
	assert_int_equal(out_json_event(&ev, buf, 100), 0);
	assert_string_equal(buf, "");
}

static void
test_nagios(void **state)
{
	struct nag_thr w = { NAG_THR_NUM, 70, 0, 0, 0 };
	struct nag_thr c = { NAG_THR_NUM, 80, 0, 0, 0 };
	struct nag_thr r1 = { NAG_THR_RANGE, 0, -INFINITY, 80, 0 };
	struct nag_thr r2 = { NAG_THR_RANGE, 0, 95, 100, 1 };
	struct nag_thr r3 = { NAG_THR_RANGE, 0, 0, 10, 0 };
	struct nag_thr r4 = { NAG_THR_RANGE, 0, 10, INFINITY, 0 };
	struct nag_thr big = { NAG_THR_NUM, 1e20, 0, 0, 0 };
	struct nagios *n;
	const char *line;

	(void)state;
	assert_non_null(n = nag_new(65536));
	assert_int_equal(nag_line(n, "LIVEINSIGHT", &line), NAG_UNKNOWN);
	assert_string_equal(line, "LIVEINSIGHT UNKNOWN - no rule applies "
	    "(no samples, no snapshot)\n");
	nag_add(n, "cpu", "", NAG_CRITICAL, 84.5, &w, &c);
	nag_add(n, "gpu", "", NAG_UNKNOWN, NAN, &w, &c);
	nag_add(n, "pct", "a|b\nc", NAG_WARNING, 85.5, &r1, &r2);
	nag_add(n, "x", "it's k=v", NAG_OK, 5, &r3, &r4);
	nag_add(n, "y", "\xff", NAG_OK, 1e20, &big, NULL);
	nag_nodata(n, "slow");
	assert_int_equal(nag_line(n, "LIVEINSIGHT", &line), NAG_CRITICAL);
	assert_string_equal(line, "LIVEINSIGHT CRITICAL - 1 critical, "
	    "1 warning, 2 unknown, 2 ok: cpu=84.5 CRITICAL, gpu=unknown, "
	    "pct[a_b_c]=85.5 WARNING, slow=no data | cpu=84.5;70;80 "
	    "pct[a_b_c]=85.5;~:80;@95:100 'x[it''s k_v]'=5;10;10: "
	    "'y[\xef\xbf\xbd]'=100000000000000000000;100000000000000000000;\n");
	nag_free(n);
	/* Items that do not fit are left out whole. */
	assert_non_null(n = nag_new(600));
	for (int i = 0; i < 40; i++)
		nag_add(n, "rule", "some key", NAG_WARNING, i, &w, NULL);
	assert_int_equal(nag_line(n, "S", &line), NAG_WARNING);
	assert_non_null(strstr(line, "40 warning: "));
	assert_non_null(strstr(line, ", ... | "));
	assert_int_equal(line[strlen(line) - 1], '\n');
	assert_non_null(strstr(line, ";70; "));
	nag_free(n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_event),
		cmocka_unit_test(test_nagios),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
