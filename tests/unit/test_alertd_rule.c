/* Tests of alertd/rule.c: the rule parser, Nagios ranges, statistics and
 * thresholds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../alertd/rule.h"

static void
test_good_rules(void **state)
{
	static const struct {
		const char *line;
		int rc;
		const char *name, *field, *file;
		enum source src;
		enum test_kind wk, ck;
		double for_s, keep_s, repeat_s;
	} cases[] = {
		{ "cpu sample cpu_temp warn>70 crit>80", 1, "cpu", "cpu_temp",
		    "", SRC_SAMPLE, TEST_CMP, TEST_CMP, 0, 0, 0 },
		{ "cpu sample cpu_temp warn >70 crit > 80 for=30s", 1, "cpu",
		    "cpu_temp", "", SRC_SAMPLE, TEST_CMP, TEST_CMP, 30, 0, 0 },
		{ "  gpu\tsample gpu_temp crit=~:85 keep_firing_for=1m "
		    "repeat=1h # comment", 1, "gpu", "gpu_temp", "",
		    SRC_SAMPLE, TEST_NONE, TEST_RANGE, 0, 60, 3600 },
		{ "weak row branch_sales.csv TotalRevenue warn<0.7*mean", 1,
		    "weak", "TotalRevenue", "branch_sales.csv", SRC_ROW,
		    TEST_CMP, TEST_NONE, 0, 0, 0 },
		{ "slow row product_sales.csv UnitsSold warning<=0.5*median "
		    "of=others", 1, "slow", "UnitsSold", "product_sales.csv",
		    SRC_ROW, TEST_CMP, TEST_NONE, 0, 0, 0 },
		{ "rev sum kpis.csv TotalRevenue crit<100", 1, "rev",
		    "TotalRevenue", "kpis.csv", SRC_AGG, TEST_NONE, TEST_CMP,
		    0, 0, 0 },
		{ "reorder inventory warn<=7 crit<=2 window=2d", 1, "reorder",
		    "days_left", "product_inventory_usage.csv", SRC_INVENTORY,
		    TEST_CMP, TEST_CMP, 0, 0, 0 },
		{ "disk sample disk_pct warn=@0:10 critical=@10:20", 1,
		    "disk", "disk_pct", "", SRC_SAMPLE, TEST_RANGE,
		    TEST_RANGE, 0, 0, 0 },
		{ "# only a comment", 0, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0 },
		{ "   ", 0, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0 },
	};
	struct rule r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = rule_parse_line(cases[i].line, &r, err, sizeof(err));
		if (rc != cases[i].rc)
			fail_msg("'%s': rc %d (%s)", cases[i].line, rc, err);
		if (rc != 1)
			continue;
		assert_string_equal(r.name, cases[i].name);
		assert_string_equal(r.field, cases[i].field);
		assert_string_equal(r.file, cases[i].file);
		assert_int_equal(r.src, cases[i].src);
		assert_int_equal(r.warn.kind, cases[i].wk);
		assert_int_equal(r.crit.kind, cases[i].ck);
		assert_true(r.for_s == cases[i].for_s);
		assert_true(r.keep_s == cases[i].keep_s);
		assert_true(r.repeat_s == cases[i].repeat_s);
	}
}

static void
test_rule_details(void **state)
{
	struct rule r;
	char err[256];

	(void)state;
	assert_int_equal(rule_parse_line("slow row p.csv UnitsSold "
	    "warn<=0.5*median of=others key=\"all products\" "
	    "message=\"{key} sells {value}\"", &r, err, sizeof(err)), 1);
	assert_int_equal(r.warn.op, CMP_LE);
	assert_int_equal(r.warn.stat, STAT_MEDIAN);
	assert_true(r.warn.factor == 0.5);
	assert_int_equal(r.others, 1);
	assert_string_equal(r.key, "all products");
	assert_string_equal(r.message, "{key} sells {value}");
	assert_int_equal(rule_parse_line("r inventory warn<=7", &r, err,
	    sizeof(err)), 1);
	assert_true(r.window_s == 86400);	/* the default window */
	assert_int_equal(rule_parse_line("r inventory warn<=7 span=30d", &r,
	    err, sizeof(err)), 1);
	assert_true(r.span_s == 30 * 86400 && r.window_s == 0);
}

static void
test_bad_rules(void **state)
{
	static const struct {
		const char *line, *err;
	} cases[] = {
		{ "cpu", "missing source after 'cpu'" },
		{ "c/pu sample x warn>1", "bad rule name 'c/pu': use letters, "
		    "digits, '_', '.' and '-' (at most 63)" },
		{ "cpu probe cpu_temp warn>70", "unknown source 'probe': want "
		    "sample, row, sum, mean, median, min, max, count or "
		    "inventory" },
		{ "cpu sample", "sample: missing field" },
		{ "cpu sample cpu_temp", "no warn or crit test" },
		{ "cpu sample cpu_temp warn>70 warn>71", "warn given twice" },
		{ "cpu sample cpu_temp warn!70", "warn: want >, >=, <, <= or "
		    "=RANGE, not '!70'" },
		{ "cpu sample cpu_temp crit>x", "crit: bad threshold 'x': "
		    "want a number, STAT or FACTOR*STAT (STAT: mean, median, "
		    "min, max, sum, count)" },
		{ "cpu sample cpu_temp crit>0.5*avg", "crit: bad threshold "
		    "'0.5*avg': want a number, STAT or FACTOR*STAT (STAT: "
		    "mean, median, min, max, sum, count)" },
		{ "cpu sample cpu_temp warn>", "warn: missing threshold" },
		{ "cpu sample cpu_temp warn>0.7*mean", "warn: statistic "
		    "'mean' needs a row source" },
		{ "cpu sample cpu_temp warn=20:10", "warn: bad range '20:10': "
		    "start is above end" },
		{ "cpu sample cpu_temp warn=1x:", "warn: bad range '1x:'" },
		{ "cpu sample cpu_temp warn>70 for=soon", "bad duration "
		    "'soon' for for=" },
		{ "cpu sample cpu_temp warn>70 color=red",
		    "unknown option 'color'" },
		{ "cpu sample cpu_temp warn>70 loud", "unexpected 'loud': "
		    "want warn, crit or OPTION=VALUE" },
		{ "cpu sample cpu_temp warn>70 span=1d",
		    "span= applies to inventory rules only" },
		{ "cpu sample cpu_temp warn>70 of=others",
		    "of= applies to row rules only" },
		{ "w row b.csv Rev warn<mean of=some",
		    "of= wants all or others, not 'some'" },
		{ "w row ../b.csv Rev warn<mean", "row: bad file name "
		    "'../b.csv': a file of the snapshot directory" },
		{ "w row b.csv", "row: want FILE COLUMN" },
		{ "r inventory warn<=7 window=0s", "window= must be above 0" },
		{ "w row b.csv Rev warn<mean hysteresis=1", "hysteresis= wants "
		    "a fraction from 0 to below 1 or a percentage below 100%, "
		    "not '1'" },
		{ "w row b.csv Rev warn<mean hysteresis=x%", "hysteresis= "
		    "wants a fraction from 0 to below 1 or a percentage below "
		    "100%, not 'x%'" },
		{ "cpu sample cpu_temp warn>70 min_stat=5",
		    "min_stat= applies to row rules only" },
		{ "w row b.csv Rev warn<mean min_stat=-1",
		    "min_stat= wants a number, not '-1'" },
		{ "m sample x warn>1 message=\"open", "unterminated quote" },
	};
	struct rule r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		if (rule_parse_line(cases[i].line, &r, err, sizeof(err)) != -1)
			fail_msg("'%s' parsed", cases[i].line);
		if (strcmp(err, cases[i].err) != 0)
			fail_msg("'%s': got \"%s\", want \"%s\"",
			    cases[i].line, err, cases[i].err);
	}
}

/* The standard Nagios threshold semantics (Nagios plugin guidelines). */
static void
test_nagios_ranges(void **state)
{
	static const struct {
		const char *range;
		double v;
		int alert;
	} cases[] = {
		{ "10", -1, 1 }, { "10", 0, 0 }, { "10", 10, 0 },
		{ "10", 10.5, 1 },
		{ "10:", 9.9, 1 }, { "10:", 10, 0 }, { "10:", 1e9, 0 },
		{ "~:10", -1e9, 0 }, { "~:10", 10, 0 }, { "~:10", 11, 1 },
		{ "10:20", 9, 1 }, { "10:20", 10, 0 }, { "10:20", 20, 0 },
		{ "10:20", 21, 1 },
		{ "@10:20", 9, 0 }, { "@10:20", 10, 1 }, { "@10:20", 15, 1 },
		{ "@10:20", 20, 1 }, { "@10:20", 20.1, 0 },
		{ "-5:-1", -3, 0 }, { "-5:-1", 0, 1 },
		{ "@~:0", -1, 1 }, { "@~:0", 1, 0 },
	};
	struct nrange r;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(nrange_parse(cases[i].range, &r, err,
		    sizeof(err)), 0);
		if (nrange_alert(&r, cases[i].v) != cases[i].alert)
			fail_msg("range %s, value %g: want %d",
			    cases[i].range, cases[i].v, cases[i].alert);
	}
	assert_int_equal(nrange_parse("", &r, err, sizeof(err)), -1);
	assert_int_equal(nrange_parse("@", &r, err, sizeof(err)), -1);
	assert_int_equal(nrange_parse("5:~", &r, err, sizeof(err)), -1);
}

static void
test_statistics(void **state)
{
	static const struct {
		enum rstat s;
		int skip;
		double skipv, want;
		int rc;
	} cases[] = {
		{ STAT_MEAN, 0, 0, 3.4, 0 },
		{ STAT_MEDIAN, 0, 0, 3, 0 },
		{ STAT_MIN, 0, 0, 1, 0 },
		{ STAT_MAX, 0, 0, 7, 0 },
		{ STAT_SUM, 0, 0, 17, 0 },
		{ STAT_COUNT, 0, 0, 5, 0 },
		/* Leaving one value out ("the other rows"). */
		{ STAT_MEAN, 1, 7, 2.5, 0 },
		{ STAT_MEDIAN, 1, 7, 2.5, 0 },	/* 1 2 3 4 */
		{ STAT_MEDIAN, 1, 1, 3.5, 0 },	/* 2 3 4 7 */
		{ STAT_MIN, 1, 1, 2, 0 },
		{ STAT_MAX, 1, 7, 4, 0 },
		{ STAT_COUNT, 1, 3, 4, 0 },
		{ STAT_MEAN, 1, 99, 3.4, 0 },	/* not there: nothing left out */
	};
	double v[] = { 4, 1, 7, 3, 2 }, x;
	size_t i;

	(void)state;
	stat_sort(v, 5);
	assert_true(v[0] == 1 && v[4] == 7);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(stat_sorted(cases[i].s, v, 5, cases[i].skip,
		    cases[i].skipv, &x), cases[i].rc);
		if (fabs(x - cases[i].want) > 1e-9)
			fail_msg("case %zu: %g, want %g", i, x, cases[i].want);
	}
	/* Even count median, empty sets. */
	assert_int_equal(stat_sorted(STAT_MEDIAN, v, 4, 0, 0, &x), 0);
	assert_true(x == 2.5);
	assert_int_equal(stat_sorted(STAT_MEAN, v, 0, 0, 0, &x), -1);
	assert_int_equal(stat_sorted(STAT_MEAN, v, 1, 1, 1, &x), -1);
	assert_int_equal(stat_sorted(STAT_COUNT, v, 0, 0, 0, &x), 0);
	assert_true(x == 0);
}

/* The original dashboard's checks, through rule_level. */
static void
test_levels(void **state)
{
	static const struct {
		const char *rule;
		double v;
		int level;
	} cases[] = {
		{ "c sample cpu_temp warn>70 crit>80", 70, 0 },
		{ "c sample cpu_temp warn>70 crit>80", 70.1, 1 },
		{ "c sample cpu_temp warn>70 crit>80", 80, 1 },
		{ "c sample cpu_temp warn>70 crit>80", 80.5, 2 },
		{ "c sample cpu_temp warn=~:70 crit=~:80", 85, 2 },
		{ "b row b.csv R warn<0.7*mean", 699, 1 },
		{ "b row b.csv R warn<0.7*mean", 700, 0 },
		{ "p row p.csv U warn<=0.5*median", 500, 1 },
		{ "p row p.csv U warn<=0.5*median", 500.5, 0 },
		{ "p row p.csv U warn<=0.5*median of=others", 500, 1 },
	};
	/* mean 1000, median 1000. */
	double col[] = { 500, 700, 1000, 1300, 1500 }, tw, tc;
	struct rule r;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(rule_parse_line(cases[i].rule, &r, err,
		    sizeof(err)), 1);
		if (rule_level(&r, cases[i].v, col, 5, &tw, &tc) !=
		    cases[i].level)
			fail_msg("'%s' at %g: want level %d", cases[i].rule,
			    cases[i].v, cases[i].level);
	}
	assert_int_equal(rule_parse_line("b row b.csv R warn<0.7*mean", &r,
	    err, sizeof(err)), 1);
	assert_int_equal(rule_level(&r, 1, col, 0, &tw, &tc), -1);
}

static void
test_rules_file(void **state)
{
	char path[] = "/tmp/test_alertd_rule.XXXXXX", err[512];
	struct rule *rules;
	FILE *fp;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs("# header\n\na sample x warn>1\nb sample y warn>\n", fp);
	fclose(fp);
	assert_int_equal(rules_load(path, &rules, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":4: warn: missing threshold"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_non_null(fp = fopen(path, "w"));
	fputs("a sample x warn>1\r\nb sample y warn>2\na sample z crit>3\n",
	    fp);
	fclose(fp);
	assert_int_equal(rules_load(path, &rules, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: rule 'a' already defined on line 1"));
	assert_non_null(fp = fopen(path, "w"));
	fputs("a sample x warn>1\r\nb sample y warn>2\n", fp);
	fclose(fp);
	assert_int_equal(rules_load(path, &rules, err, sizeof(err)), 2);
	assert_string_equal(rules[1].name, "b");
	assert_int_equal(rules[1].line, 2);
	free(rules);
	assert_non_null(fp = fopen(path, "w"));
	fputs("# nothing\n", fp);
	fclose(fp);
	assert_int_equal(rules_load(path, &rules, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": no rules"));
	unlink(path);
}

/* A NUL byte is an error naming the line, never the silent end of it
 * (found while writing tests/fuzz/fuzz_alertd_rule.c). */
static void
test_rules_file_nul(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *want;
	} cases[] = {
		/* A line starting with NUL read as blank: rule b dropped. */
		{ "a sample x warn>1\n\0b sample y warn>2\n", 37, ":2: NUL byte" },
		/* The last line cut at the NUL: crit>3 dropped. */
		{ "a sample x warn>1\0 crit>3", 25, ":1: NUL byte" },
		/* Not "line too long". */
		{ "a sample x warn>1\0\nb sample y warn>2\n", 37, ":1: NUL byte" },
	};
	char path[] = "/tmp/test_alertd_rule.XXXXXX", err[512];
	struct rule *rules = NULL;
	size_t i;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_true((fd = mkstemp(path)) >= 0);
		assert_int_equal(write(fd, cases[i].text, cases[i].len),
		    (ssize_t)cases[i].len);
		close(fd);
		err[0] = '\0';
		assert_int_equal(rules_load(path, &rules, err, sizeof(err)), -1);
		if (strstr(err, cases[i].want) == NULL) {
			print_error("case %zu: %s\n", i, err);
			fail();
		}
		assert_null(rules);
		unlink(path);
		strcpy(path, "/tmp/test_alertd_rule.XXXXXX");
	}
}

/* hysteresis= as a fraction or a percentage; min_stat= makes a rule
 * unknown while its statistic is small. */
static void
test_hysteresis_min_stat(void **state)
{
	static const double v[] = { 10, 20, 30 };
	struct rule r;
	char err[256];
	double tw, tc;

	(void)state;
	assert_int_equal(rule_parse_line("w row b.csv Rev warn<0.5*mean "
	    "hysteresis=15% min_stat=25", &r, err, sizeof(err)), 1);
	assert_true(fabs(r.hyst - 0.15) < 1e-12);
	assert_true(r.min_stat == 25);
	/* mean 20 < 25: unknown; with min_stat=20, judged. */
	assert_int_equal(rule_level(&r, 5, v, 3, &tw, &tc), -1);
	r.min_stat = 20;
	assert_int_equal(rule_level(&r, 5, v, 3, &tw, &tc), 1);
	assert_int_equal(rule_parse_line("w row b.csv Rev warn<mean "
	    "hysteresis=0.2", &r, err, sizeof(err)), 1);
	assert_true(fabs(r.hyst - 0.2) < 1e-12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hysteresis_min_stat),
		cmocka_unit_test(test_good_rules),
		cmocka_unit_test(test_rule_details),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_nagios_ranges),
		cmocka_unit_test(test_statistics),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_rules_file),
		cmocka_unit_test(test_rules_file_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
