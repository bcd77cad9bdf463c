/* Tests of render's canvas, tables, charts and layout parser. */
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
#include <unistd.h>

#include "../../render/canvas.h"
#include "../../render/chart.h"
#include "../../render/chartint.h"
#include "../../render/data.h"
#include "../../render/fmt.h"
#include "../../render/layout.h"

static int
setup_utf8(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	fmt_utf8 = 1;
	G = &glyphs_utf8;
	return 0;
}

/* A table from CSV text, through a temporary file. */
static struct dtab *
table_of(const char *csv, char *err, size_t errlen)
{
	char path[] = "/tmp/test_render.XXXXXX";
	struct dtab *t;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
	close(fd);
	t = dtab_read_path(path, "t.csv", 0, 0, err, errlen);
	unlink(path);
	return t;
}

/* Line y of the canvas as text, trailing blanks trimmed. */
static char *
line_of(const struct canvas *cv, int y)
{
	static char buf[4096];
	struct strbuf sb = { 0 };
	char *p, *nl;
	int i;

	cv_output(cv, &sb, 0, 0);
	p = sb.p;
	for (i = 0; i < y && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	assert_non_null(p);
	nl = strchr(p, '\n');
	snprintf(buf, sizeof(buf), "%.*s", (int)(nl - p), p);
	sb_free(&sb);
	return buf;
}

static size_t
count_str(const char *s, const char *what)
{
	size_t n = 0, k = strlen(what);

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += k;
	}
	return n;
}

static void
test_nice(void **state)
{
	static const struct {
		double lo, hi;
		int ticks;
		double nlo, nhi, step;
	} cases[] = {
		{ 0, 1498200, 5, 0, 1500000, 500000 },
		{ 0, 97, 6, 0, 100, 20 },
		{ -35, 80, 5, -50, 100, 50 },
		{ 48, 58, 4, 45, 60, 5 },
		{ 5, 5, 3, 4.5, 5.5, 0.5 },
		{ 0, 0, 3, -1, 1, 1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double lo, hi, st;
		chart_nice(cases[i].lo, cases[i].hi, cases[i].ticks, &lo, &hi,
		    &st);
		if (fabs(lo - cases[i].nlo) > 1e-9 ||
		    fabs(hi - cases[i].nhi) > 1e-9 ||
		    fabs(st - cases[i].step) > 1e-9) {
			print_error("case %zu: %g..%g by %g\n", i, lo, hi, st);
			fail();
		}
	}
}

static void
test_scale8(void **state)
{
	static const struct {
		double v, max;
		int w;
		long want;
	} cases[] = {
		{ 100, 100, 40, 320 }, { 50, 100, 40, 160 }, { 25, 100, 40,
		    80 },
		{ 1, 3, 10, 27 }, { 0, 100, 40, 0 }, { -5, 100, 40, 0 },
		{ 200, 100, 40, 320 }, { 5, 0, 40, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(chart_scale8(cases[i].v, cases[i].max,
		    cases[i].w), cases[i].want);
}

static void
test_text_ellipsis(void **state)
{
	struct canvas *cv = cv_new(20, 3);

	(void)state;
	assert_int_equal(cv_text(cv, 0, 0, 5, "Koramangala", 11, 0), 5);
	assert_string_equal(line_of(cv, 0), "Kora…");
	assert_int_equal(cv_text(cv, 0, 1, 11, "Koramangala", 11, 0), 11);
	assert_string_equal(line_of(cv, 1), "Koramangala");
	/* A wide character that does not fit is not split. */
	assert_int_equal(cv_text(cv, 0, 2, 4, "日本語", 9, 0), 3);
	assert_string_equal(line_of(cv, 2), "日…");
	cv_free(cv);
}

static void
test_control_chars(void **state)
{
	struct canvas *cv = cv_new(20, 1);
	const char *hostile = "a\033[2Jb\tc";

	(void)state;
	cv_text(cv, 0, 0, 20, hostile, strlen(hostile), 0);
	assert_null(strchr(line_of(cv, 0), '\033'));
	assert_string_equal(line_of(cv, 0),
	    "a\xef\xbf\xbd[2Jb\xef\xbf\xbd" "c");
	cv_free(cv);
}

static void
test_wide_overwrite(void **state)
{
	struct canvas *cv = cv_new(6, 1);

	(void)state;
	cv_text(cv, 0, 0, 6, "日本語", 9, 0);
	cv_put(cv, 1, 0, 'x', 0);	/* over the right half of 日 */
	assert_string_equal(line_of(cv, 0), " x本語");
	cv_put(cv, 5, 0, 0x65e5, 0);	/* half fits: a blank instead */
	assert_string_equal(line_of(cv, 0), " x本");
	cv_free(cv);
}

static void
test_hbar_proportional(void **state)
{
	static const char csv[] = "Name,Value\nalpha,100\nbeta,50\ngamma,25\n";
	struct chart_env env = { FMT_WESTERN, 0 };
	struct chart_spec s;
	struct canvas *cv = cv_new(60, 5);
	char err[256];
	struct dtab *t = table_of(csv, err, sizeof(err));
	int used;

	(void)state;
	assert_non_null(t);
	chart_spec_init(&s, CH_HBAR);
	used = chart_draw(cv, 0, 0, 60, 5, &s, t, &env, err, sizeof(err));
	assert_int_equal(used, 3);
	/* 60 = label 5 + 1 + bar + 1 + value 3: a 50-cell bar for 100. */
	assert_int_equal(count_str(line_of(cv, 0), "█"), 50);
	assert_int_equal(count_str(line_of(cv, 1), "█"), 25);
	assert_int_equal(count_str(line_of(cv, 2), "█"), 12);
	assert_non_null(strstr(line_of(cv, 2), "█▌ 25"));
	dtab_free(t);
	cv_free(cv);
}

static void
test_share_sums(void **state)
{
	static const char csv[] = "K,V\na,1\nb,1\nc,1\n";
	struct chart_env env = { FMT_WESTERN, 0 };
	struct chart_spec s;
	struct canvas *cv = cv_new(40, 6);
	char err[256];
	struct dtab *t = table_of(csv, err, sizeof(err));

	(void)state;
	assert_non_null(t);
	chart_spec_init(&s, CH_SHARE);
	assert_int_equal(chart_draw(cv, 0, 0, 40, 6, &s, t, &env, err,
	    sizeof(err)), 5);
	/* Thirds add up to exactly 100.0%. */
	assert_non_null(strstr(line_of(cv, 2), "33.4%"));
	assert_non_null(strstr(line_of(cv, 3), "33.3%"));
	assert_non_null(strstr(line_of(cv, 4), "33.3%"));
	dtab_free(t);
	cv_free(cv);
}

static void
test_table_errors(void **state)
{
	static const struct {
		const char *csv, *want;
	} cases[] = {
		{ "", "t.csv: empty input (no header line)" },
		{ "a,b\n1,2\n3\n", "t.csv:3: 1 field, the header has 2" },
		{ "a,b\n1,\"2\n", "t.csv:2: input ends inside a quoted field" },
		{ "a,b\n1,x\"y\n", "t.csv:2: malformed quoted field" },
	};
	size_t i;
	char err[256];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dtab *t = table_of(cases[i].csv, err, sizeof(err));
		assert_null(t);
		assert_string_equal(err, cases[i].want);
	}
}

static void
test_not_a_number(void **state)
{
	static const char csv[] = "Name,Value\nalpha,100\nbeta,lots\n";
	struct chart_env env = { FMT_WESTERN, 0 };
	struct chart_spec s;
	struct canvas *cv = cv_new(60, 5);
	char err[256];
	struct dtab *t = table_of(csv, err, sizeof(err));

	(void)state;
	assert_non_null(t);
	chart_spec_init(&s, CH_HBAR);
	s.value = "Value";
	assert_int_equal(chart_draw(cv, 0, 0, 60, 5, &s, t, &env, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "t.csv:3: column 'Value': not a number: "
	    "'lots'");
	s.value = "Revenue";
	assert_int_equal(chart_draw(cv, 0, 0, 60, 5, &s, t, &env, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "t.csv: no column 'Revenue'");
	dtab_free(t);
	cv_free(cv);
}

static void
test_layout_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "row\nbogus file=x\n", "L:2: unknown keyword 'bogus' (row, "
		    "title, grouping or a chart: bar, hbar, share, line, spark, "
		    "table, kpi, alerts)" },
		{ "hbar label=a\n", "L:1: hbar: file= is missing" },
		{ "hbar file=a.csv colour=red\n", "L:1: hbar: unknown key "
		    "'colour'" },
		{ "# c\n\nline file=a.csv title=\"open\n", "L:3: unterminated "
		    "quoted value" },
		{ "row height=x\nkpi file=k\n", "L:1: height: not a number "
		    "from 1 to 1000: 'x'" },
		{ "hbar file=a top=0\n", "L:1: hbar: top: not a number from 1 "
		    "to 10000: '0'" },
		{ "title x\n", "L: no panels" },
		{ "grouping roman\nkpi file=k\n", "L:1: grouping: western, "
		    "indian or none, not 'roman'" },
		{ "hbar file\n", "L:1: expected key=value, got 'file'" },
		{ "line file=a min=5 max=5\n", "L:1: line: min must be less "
		    "than max" },
	};
	size_t i;
	char err[512];

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct layout *l = layout_parse(cases[i].text, "L", err,
		    sizeof(err));
		assert_null(l);
		if (strcmp(err, cases[i].want) != 0) {
			print_error("case %zu: <%s>\n", i, err);
			fail();
		}
	}
}

static void
test_layout_ok(void **state)
{
	static const char text[] =
	    "# a comment\n"
	    "title \"Shop floor\"\n"
	    "grouping indian\n"
	    "row height=6\n"
	    "kpi file=kpis.csv value=TotalRevenue title=\"Total \\\"all\\\"\" "
	    "prefix=₹\n"
	    "row weight=2\n"
	    "hbar file=b.csv label=BranchName value=TotalRevenue top=3 "
	    "sort=asc weight=2\n"
	    "line file=s.csv x=time value=cpu_temp,gpu_temp last=60 min=0\r\n";
	char err[256];
	struct layout *l = layout_parse(text, "L", err, sizeof(err));

	(void)state;
	assert_non_null(l);
	assert_string_equal(l->title, "Shop floor");
	assert_int_equal(l->grouping, FMT_INDIAN);
	assert_int_equal(l->nrows, 2);
	assert_int_equal(l->npanels, 3);
	assert_int_equal(l->rows[0].height, 6);
	assert_int_equal(l->rows[1].weight, 2);
	assert_int_equal(l->rows[1].first, 1);
	assert_int_equal(l->rows[1].n, 2);
	assert_string_equal(l->panels[0].title, "Total \"all\"");
	assert_string_equal(l->panels[0].prefix, "₹");
	assert_int_equal(l->panels[1].top, 3);
	assert_int_equal(l->panels[1].sort, SORT_ASC);
	assert_int_equal(l->panels[1].weight, 2);
	assert_int_equal(l->panels[2].kind, CH_LINE);
	assert_int_equal(l->panels[2].last, 60);
	assert_true(l->panels[2].has_min);
	assert_string_equal(l->panels[2].value, "cpu_temp,gpu_temp");
	layout_free(l);
}

static void
test_keep_last(void **state)
{
	static const char csv[] = "t,v\n1,10\n2,20\n3,30\n4,40\n5,5";
	char path[] = "/tmp/test_render.XXXXXX", err[256];
	struct dtab *t;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
	close(fd);
	/* An appended file: the unfinished last line is left out. */
	t = dtab_read_path(path, "s.csv", 2, DATA_APPENDED, err, sizeof(err));
	unlink(path);
	assert_non_null(t);
	assert_int_equal(t->nrow, 2);
	assert_string_equal(dtab_get(t, 0, 1), "30");
	assert_string_equal(dtab_get(t, 1, 1), "40");
	assert_int_equal(t->line[1], 5);
	dtab_free(t);
}

static void
test_output_live(void **state)
{
	struct canvas *cv = cv_new(6, 2);
	struct strbuf sb = { 0 };

	(void)state;
	cv_text(cv, 0, 0, 6, "ab", 2, ST_BOLD);
	cv_text(cv, 0, 1, 6, "cdefgh", 6, 0);
	/* Live: each line cleared to its end unless full, CR LF between
	 * lines and none after the last; attributes reset at line ends. */
	assert_int_equal(cv_output(cv, &sb, 1, 1), 0);
	assert_string_equal(sb.p, "\033[0;1mab\033[0m\033[K\r\ncdefgh");
	sb.len = 0;
	assert_int_equal(cv_output(cv, &sb, 0, 0), 0);
	assert_string_equal(sb.p, "ab\ncdefgh\n");
	sb_free(&sb);
	cv_free(cv);
}

/* The cells of a heat chart, as the terminal and the pictures take them:
 * rows and columns in the order they come (weekdays Monday first, their
 * cells with them), values summed, blank cells marked, min and max of the
 * cells with a value. */
static void
test_heat_grid(void **state)
{
	static const struct {
		const char *csv, *label, *x;
		int nr, nc;
		const char *row0, *col0;
		double cell00, min, max;
		int blanks;
	} cases[] = {
		{ "B,H,V\nA,9,1\nA,9,2\nB,10,-4\n", "B", "H", 2, 2, "A", "9",
		    3, -4, 3, 2 },
		{ "D,H,V\nSunday,9,7\nMonday,10,5\n", "D", "H", 2, 2,
		    "Monday", "9", 0, 5, 7, 2 },
		{ "D,H,V\nx,1,\ny,2,8\n", NULL, NULL, 1, 1, "y", "2", 8, 8, 8,
		    0 },
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char err[512];
		struct dtab *t = table_of(cases[k].csv, err, sizeof(err));
		struct chart_spec s;
		struct heat_grid g;
		int i, j, blanks = 0;

		assert_non_null(t);
		chart_spec_init(&s, CH_HEAT);
		s.label = (char *)cases[k].label;
		s.x = (char *)cases[k].x;
		assert_int_equal(chart_heat_grid(&s, t, &g, err, sizeof(err)),
		    0);
		assert_int_equal(g.nr, cases[k].nr);
		assert_int_equal(g.nc, cases[k].nc);
		assert_string_equal(g.rows[0], cases[k].row0);
		assert_string_equal(g.cols[0], cases[k].col0);
		assert_true(g.m[0] == cases[k].cell00);
		assert_true(g.min == cases[k].min);
		assert_true(g.max == cases[k].max);
		for (i = 0; i < g.nr; i++)
			for (j = 0; j < g.nc; j++)
				blanks += !g.have[i * HEAT_MAX + j];
		assert_int_equal(blanks, cases[k].blanks);
		chart_heat_grid_free(&g);
		dtab_free(t);
	}
}

/* A heat chart without a column it needs, or with a value that is not a
 * number, says so. */
static void
test_heat_grid_errors(void **state)
{
	static const struct {
		const char *csv, *label, *want;
	} cases[] = {
		{ "B,H,V\nA,9,1\n", "Nope", "Nope" },
		{ "B,V\nA,1\n", NULL, "a heat map wants" },
		{ "B,H,V\nA,9,1\nA,9,x\n", NULL, "not a number" },
	};
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char err[512] = "";
		struct dtab *t = table_of(cases[k].csv, err, sizeof(err));
		struct chart_spec s;
		struct heat_grid g;

		assert_non_null(t);
		chart_spec_init(&s, CH_HEAT);
		s.label = (char *)cases[k].label;
		if (k == 2)
			s.value = (char *)"V";
		assert_int_equal(chart_heat_grid(&s, t, &g, err, sizeof(err)),
		    -1);
		if (strstr(err, cases[k].want) == NULL)
			fail_msg("case %zu: '%s' has no '%s'", k, err,
			    cases[k].want);
		chart_heat_grid_free(&g);
		dtab_free(t);
	}
}

/* The rows of a pop chart: label, value and reference, blank ones
 * marked; the default columns are the first two numeric ones. */
static void
test_pop_rows(void **state)
{
	char err[512];
	struct dtab *t = table_of("Branch,Now,Before\nA,150,100\nB,,100\n"
	    "C,5,\n", err, sizeof(err));
	struct chart_spec s;
	struct pop_row *r;
	size_t n;
	long vc, rc;

	(void)state;
	assert_non_null(t);
	chart_spec_init(&s, CH_POP);
	assert_int_equal(chart_pop_rows(&s, t, &r, &n, &vc, &rc, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(vc, 1);
	assert_int_equal(rc, 2);
	assert_string_equal(r[0].label, "A");
	assert_true(r[0].v == 150 && r[0].ref == 100);
	assert_int_equal(r[0].kv, 0);
	assert_int_equal(r[1].kv, 1);
	assert_int_equal(r[2].kr, 1);
	free(r);
	s.value = (char *)"Before,Now";
	s.last = 1;
	assert_int_equal(chart_pop_rows(&s, t, &r, &n, &vc, &rc, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(vc, 2);
	assert_string_equal(r[0].label, "C");
	free(r);
	s.value = (char *)"Now";
	assert_int_equal(chart_pop_rows(&s, t, &r, &n, &vc, &rc, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "VALUE,REFERENCE"));
	dtab_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nice),
		cmocka_unit_test(test_scale8),
		cmocka_unit_test(test_text_ellipsis),
		cmocka_unit_test(test_control_chars),
		cmocka_unit_test(test_wide_overwrite),
		cmocka_unit_test(test_hbar_proportional),
		cmocka_unit_test(test_share_sums),
		cmocka_unit_test(test_table_errors),
		cmocka_unit_test(test_not_a_number),
		cmocka_unit_test(test_layout_errors),
		cmocka_unit_test(test_layout_ok),
		cmocka_unit_test(test_keep_last),
		cmocka_unit_test(test_output_live),
		cmocka_unit_test(test_heat_grid),
		cmocka_unit_test(test_heat_grid_errors),
		cmocka_unit_test(test_pop_rows),
	};
	return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
