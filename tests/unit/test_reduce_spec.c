/* Tests of reduce/spec.c: the aggregate spec language. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../reduce/spec.h"

static void
test_valid_lines(void **state)
{
	/* Each line parses and prints back as canon. */
	static const struct {
		const char *in, *canon;
	} cases[] = {
		{ "a.csv: K -> S=sum(V)", "a.csv: K -> S=sum(V)\n" },
		{ "  a.csv :K1 , K2->S=sum( V ) , N=count()  ",
		  "a.csv: K1,K2 -> S=sum(V), N=count()\n" },
		{ "k.csv: -> T=sum(FinalAmount), U=sum(Quantity):int",
		  "k.csv: -> T=sum(FinalAmount), U=sum(Quantity):int\n" },
		{ "m.csv: Branch Name -> lo=min(P), hi=max(P):int, "
		  "avg=mean(P), d=distinct(C), r=rejected()",
		  "m.csv: Branch Name -> lo=min(P), hi=max(P):int, avg=mean(P), "
		  "d=distinct(C), r=rejected()\n" },
		{ "w.csv: BranchName,Week,TimeSlot -> n=count()",
		  "w.csv: BranchName,Week,TimeSlot -> n=count()\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec sp;
		char err[256], out[1024];
		memset(&sp, 0, sizeof(sp));
		if (spec_parse_line(&sp, cases[i].in, err, sizeof(err)) != 0) {
			print_error("case %zu: %s\n", i, err);
			fail();
		}
		assert_int_equal(sp.naggs, 1);
		spec_format(&sp, out, sizeof(out));
		assert_string_equal(out, cases[i].canon);
	}
}

static void
test_errors(void **state)
{
	static const struct {
		const char *in, *err;
	} cases[] = {
		{ "nothing here", "expected 'FILE: KEYS -> MEASURES'" },
		{ "a.csv: K S=sum(V)", "expected 'FILE: KEYS -> MEASURES'" },
		{ "a.txt: K -> S=sum(V)", "bad file name 'a.txt' (want NAME.csv)" },
		{ "d/a.csv: K -> S=sum(V)", "bad file name 'd/a.csv' (want NAME.csv)" },
		{ "a.csv: K ->", "no measure after '->'" },
		{ "a.csv: K -> S=avg(V)", "unknown function 'avg'" },
		{ "a.csv: K -> S=sum()", "sum() needs a column" },
		{ "a.csv: K -> N=count(V)", "count() takes no column" },
		{ "a.csv: K -> S", "expected NAME=FUNC(COLUMN) in 'S'" },
		{ "a.csv: K -> S=sum", "expected FUNC(COLUMN) after 'S='" },
		{ "a.csv: K -> S=sum(V):float", "unexpected ':float' after sum(...)" },
		{ "a.csv: K -> N=count():int", "unexpected ':int' after count(...)" },
		{ "a.csv: K, -> S=sum(V)", "empty key" },
		{ "a.csv: K -> S=sum(V),", "empty measure" },
		{ "a.csv: K -> K=sum(V)", "duplicate column 'K'" },
		{ "a.csv: K -> S=sum(V), S=count()", "duplicate column 'S'" },
		{ "a.csv: K -> S=sum(\"V\")", "bad character in column '\"V\"'" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spec sp;
		char err[256] = "";
		memset(&sp, 0, sizeof(sp));
		if (spec_parse_line(&sp, cases[i].in, err, sizeof(err)) != -1 ||
		    strcmp(err, cases[i].err) != 0) {
			print_error("case %zu <%s>: got <%s>\n", i, cases[i].in, err);
			fail();
		}
		assert_int_equal(sp.naggs, 0);
	}
}

static void
test_text_and_line_numbers(void **state)
{
	struct spec sp;
	char err[256];

	(void)state;
	memset(&sp, 0, sizeof(sp));
	assert_int_equal(spec_parse_text(&sp, "# comment\n\n"
	    "a.csv: K -> n=count()\n", "f.spec", err, sizeof(err)), 0);
	assert_int_equal(sp.naggs, 1);
	assert_int_equal(spec_parse_text(&sp, "b.csv: K -> n=count()\n"
	    "\na.csv: K -> n=count()\n", "f.spec", err, sizeof(err)), -1);
	assert_string_equal(err, "f.spec:3: duplicate file 'a.csv'");
}

static void
test_default_round_trip(void **state)
{
	struct spec sp, sp2;
	char err[256], *t1, *t2;
	size_t n;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	assert_int_equal(spec_parse_text(&sp, spec_default_text, "default",
	    err, sizeof(err)), 0);
	assert_int_equal(sp.naggs, 13);	/* 9 contract files, 4 of what changed */
	n = spec_format(&sp, NULL, 0);
	t1 = malloc(n + 1);
	spec_format(&sp, t1, n + 1);
	memset(&sp2, 0, sizeof(sp2));
	assert_int_equal(spec_parse_text(&sp2, t1, "printed", err,
	    sizeof(err)), 0);
	t2 = malloc(n + 1);
	assert_int_equal(spec_format(&sp2, t2, n + 1), n);
	assert_string_equal(t1, t2);
	assert_true(spec_is_derived("Week"));
	assert_false(spec_is_derived("BranchName"));
	free(t1);
	free(t2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_lines),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_text_and_line_numbers),
		cmocka_unit_test(test_default_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
