/* Tests of replay/clean.c: --clean on one record. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../replay/clean.h"
#include "money.h"
#include "timefield.h"

static void
test_float_int(void **state)
{
	static const struct {
		const char *in, *want;	/* want NULL: left alone */
	} cases[] = {
		{ "4.0", "4" }, { "1010876.0", "1010876" }, { "-12.0", "-12" },
		{ "0.0", "0" }, { "4", NULL }, { "649.00", NULL },
		{ "4.5", NULL }, { "4.", NULL }, { ".0", NULL }, { "", NULL },
		{ "abc", NULL }, { "4.0x", NULL }, { "1e3", NULL },
		{ "1234567890123456789.0", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[MONEY_BUFSZ];
		size_t n = clean_float_int(cases[i].in, strlen(cases[i].in), out);
		if (cases[i].want == NULL) {
			if (n != 0) {
				print_error("<%s> changed\n", cases[i].in);
				fail();
			}
		} else if (n != strlen(cases[i].want) ||
		    memcmp(out, cases[i].want, n) != 0) {
			print_error("<%s> gave <%.*s>\n", cases[i].in, (int)n, out);
			fail();
		}
	}
}

static void
test_timestamp(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "04-01-2024 16:32", "2024-01-04 16:32:00" },
		{ "2024-01-04 16:32:07", "2024-01-04 16:32:07" },
		{ "31-12-2023 23:59", "2023-12-31 23:59:00" },
		{ "2024-02-30 10:00:00", NULL }, { "yesterday", NULL },
		{ "", NULL }, { "32-01-2024 10:00", NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[TM_BUFSZ];
		size_t n = clean_timestamp(cases[i].in, strlen(cases[i].in), out);
		if (cases[i].want == NULL ? n != 0 :
		    n != strlen(cases[i].want) ||
		    memcmp(out, cases[i].want, n) != 0) {
			print_error("<%s> gave <%.*s>\n", cases[i].in, (int)n, out);
			fail();
		}
	}
}

/* Split a test row on '|' into fields (no CSV quoting involved). */
static size_t
fields(const char *row, struct csvio_field *f, size_t max)
{
	size_t n = 0;
	const char *p = row, *bar;

	for (;;) {
		bar = strchr(p, '|');
		f[n].p = p;
		f[n].len = bar ? (size_t)(bar - p) : strlen(p);
		n++;
		if (bar == NULL || n == max)
			return n;
		p = bar + 1;
	}
}

static void
test_record(void **state)
{
	static const struct {
		const char *in;		/* fields split on '|' */
		long tcol;
		int rc, bad_ts;
		const char *want;
	} cases[] = {
		{ "1000001.0|04-01-2024 16:32|Jayanagar|3.0|1899.00", 1,
		    CLEAN_OK, 0, "1000001,2024-01-04 16:32:00,Jayanagar,3,1899.00" },
		{ "|||||", 1, CLEAN_EMPTY, 0, NULL },
		{ "", -1, CLEAN_EMPTY, 0, NULL },
		{ "7|not a time|x", 1, CLEAN_OK, 1, "7,not a time,x" },
		{ "1|2024-01-01 10:00:00|Basmati Rice, 5kg", 1, CLEAN_OK, 0,
		    "1,2024-01-01 10:00:00,\"Basmati Rice, 5kg\"" },
		{ "1|2024-01-01 10:00:00|Speaker \"Boom\" Mini", 1, CLEAN_OK, 0,
		    "1,2024-01-01 10:00:00,\"Speaker \"\"Boom\"\" Mini\"" },
		{ "a\nb|4.0", -1, CLEAN_OK, 0, "\"a\nb\",4" },
		{ "4.0|5.0", -1, CLEAN_OK, 0, "4,5" },
		{ "x||", 5, CLEAN_OK, 0, "x,," },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct csvio_field f[32];
		char buf[256];
		size_t nf = fields(cases[i].in, f, 32), len = 0;
		int bad = 0;
		int rc = clean_record(f, nf, cases[i].tcol, buf, sizeof(buf),
		    &len, &bad);
		if (rc != cases[i].rc || bad != cases[i].bad_ts ||
		    (cases[i].want != NULL && (len != strlen(cases[i].want) ||
		    memcmp(buf, cases[i].want, len) != 0))) {
			print_error("case %zu: rc %d bad %d <%.*s>\n", i, rc, bad,
			    (int)len, buf);
			fail();
		}
	}
}

static void
test_record_too_long(void **state)
{
	struct csvio_field f[2] = { { "abcdef", 6 }, { "ghijkl", 6 } };
	char buf[8];
	size_t len = 0;
	int bad = 0;

	(void)state;
	assert_int_equal(clean_record(f, 2, -1, buf, sizeof(buf), &len, &bad),
	    CLEAN_TOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_float_int),
		cmocka_unit_test(test_timestamp),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_record_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
