/* render at the edges: every chart stays in its rectangle at every small
 * size, and the cases issue 11 found (one line, two lines, a column named
 * twice, "Other" in shares, fixed axis ends, huge and tiny numbers, marks
 * and bidirectional controls in labels). */
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
#include "../../render/data.h"
#include "../../render/fmt.h"
#include "../../render/layout.h"

#define M	2	/* sentinel margin around the drawing rectangle */

static int
setup_utf8(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	fmt_utf8 = 1;
	G = &glyphs_utf8;
	/* A test that loops for ever fails instead of hanging make check. */
	alarm(60);
	return 0;
}

static struct dtab *
table_of(const char *csv)
{
	char path[] = "/tmp/test_render_edge.XXXXXX", err[512];
	struct dtab *t;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
	close(fd);
	t = dtab_read_path(path, "t.csv", 0, 0, err, sizeof(err));
	unlink(path);
	if (t == NULL)
		print_error("%s\n", err);
	assert_non_null(t);
	return t;
}

/* A canvas of w x h with a margin of sentinel cells around it. */
static struct canvas *
framed(int w, int h)
{
	struct canvas *cv = cv_new(w + 2 * M, h + 2 * M);
	int x, y;

	assert_non_null(cv);
	for (y = 0; y < cv->h; y++)
		for (x = 0; x < cv->w; x++)
			if (x < M || y < M || x >= M + w || y >= M + h)
				cv_put(cv, x, y, 'Z', ST_BLUE);
	return cv;
}

/* 1 when a cell outside the rectangle changed. */
static int
outside_touched(const struct canvas *cv, int w, int h)
{
	int x, y;

	for (y = 0; y < cv->h; y++)
		for (x = 0; x < cv->w; x++) {
			const struct cell *c = &cv->c[y * cv->w + x];
			if (x >= M && y >= M && x < M + w && y < M + h)
				continue;
			if (c->n != 1 || c->b[0] != 'Z' || c->style != ST_BLUE)
				return 1;
		}
	return 0;
}

/* The canvas as plain text. */
static char *
text_of(const struct canvas *cv)
{
	struct strbuf sb = { 0 };

	assert_int_equal(cv_output(cv, &sb, 0, 0), 0);
	return sb.p;
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

/* Draw kind of csv in w x h with some options; the lines used or -1. */
static int
draw(enum chart_kind kind, const char *csv, int w, int h,
    const char *const *opts, struct canvas **out, char *err, size_t errlen)
{
	struct chart_env env = { FMT_WESTERN, 0 };
	struct chart_spec s;
	struct dtab *t = table_of(csv);
	struct canvas *cv = framed(w, h);
	char why[256];
	int rc, i;

	chart_spec_init(&s, kind);
	for (i = 0; opts && opts[i]; i += 2)
		assert_int_equal(layout_set(&s, opts[i], opts[i + 1], why,
		    sizeof(why)), 0);
	err[0] = '\0';
	rc = chart_draw(cv, M, M, w, h, &s, t, &env, err, errlen);
	if (rc < 0)
		assert_true(err[0] != '\0');
	else
		assert_true(rc <= h);
	assert_false(outside_touched(cv, w, h));
	chart_spec_free(&s);
	dtab_free(t);
	if (out)
		*out = cv;
	else
		cv_free(cv);
	return rc;
}

/* Every kind, at every size up to 14 x 14 and a few wide ones, stays in
 * its rectangle and uses at most its lines. */
static void
test_every_size(void **state)
{
	static const char *const csvs[] = {
		"Name,Value\nalpha,100\nbeta,50\ngamma,25\ndelta,-10\n",
		"time,status,alert,severity,key,value,message\n"
		"2026-11-23T10:40:03Z,firing,hot,critical,cpu,91.5,CPU hot\n",
		"x,a,b\n2024-01-05,1,2\n2024-01-06,3,\n2024-01-07,-2,5\n",
		"k,v\n" "\xcc\x81" "mark,1\n日本語の長い名前です,2\n",
		/* No rows: "no data yet" in the middle, narrow and low. */
		"Name,Value\n",
		"Name,Value\nx,\n",
	};
	char err[512];
	size_t c;
	int kind, w, h;

	(void)state;
	for (c = 0; c < sizeof(csvs) / sizeof(csvs[0]); c++)
		for (kind = 0; kind < CH_NKIND; kind++) {
			for (w = 0; w <= 14; w++)
				for (h = 0; h <= 14; h++)
					draw((enum chart_kind)kind, csvs[c],
					    w, h, NULL, NULL, err, sizeof(err));
			for (h = 0; h <= 3; h++)
				draw((enum chart_kind)kind, csvs[c], 300, h,
				    NULL, NULL, err, sizeof(err));
		}
}

/* A table in 1 line is an error and draws nothing; in 2 lines it is the
 * header and the count of the rest. */
static void
test_table_one_two_lines(void **state)
{
	static const char csv[] = "Name,Value\nalpha,100\nbeta,50\n";
	struct canvas *cv;
	char err[512], *txt;

	(void)state;
	assert_int_equal(draw(CH_TABLE, csv, 30, 1, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "t.csv: too low for a table");
	assert_int_equal(draw(CH_TABLE, csv, 30, 2, NULL, &cv, err,
	    sizeof(err)), 2);
	txt = text_of(cv);
	assert_non_null(strstr(txt, "ZZName  Value"));
	assert_non_null(strstr(txt, "ZZ… 2 more rows"));
	free(txt);
	cv_free(cv);
}

/* hbar in one line: one bar, no "more" line under it. */
static void
test_hbar_one_line(void **state)
{
	char err[512];

	(void)state;
	assert_int_equal(draw(CH_HBAR, "N,V\na,3\nb,2\nc,1\n", 40, 1, NULL,
	    NULL, err, sizeof(err)), 1);
	assert_int_equal(draw(CH_HBAR, "N,V\na,3\nb,2\nc,1\n", 40, 2, NULL,
	    NULL, err, sizeof(err)), 2);
}

/* --top over rows without labels (their numbers are owned copies):
 * every copy is freed (ASan's leak check). */
static void
test_top_row_numbers(void **state)
{
	static const char *const opts[] = { "top", "1", NULL };
	char err[512];

	(void)state;
	assert_int_equal(draw(CH_HBAR, "V\n1\n2\n3\n", 40, 5, opts, NULL,
	    err, sizeof(err)), 1);
	assert_int_equal(draw(CH_BAR, "V\n1\n2\n3\n", 40, 8, opts, NULL,
	    err, sizeof(err)), 8);
}

/* A spark's label longer than its width stays in it. */
static void
test_spark_narrow(void **state)
{
	char err[512];

	(void)state;
	draw(CH_SPARK, "a_very_long_series_name\n1\n2\n", 3, 6, NULL, NULL,
	    err, sizeof(err));
	draw(CH_SPARK, "a_very_long_series_name\n1\n2\n", 3, 1, NULL, NULL,
	    err, sizeof(err));
}

/* A value column named twice is one series with one point per row (the
 * points of both used to go into arrays sized for one). */
static void
test_series_twice(void **state)
{
	static const char *const opts[] = { "value", "V,V", NULL };
	struct canvas *cv;
	char err[512], *txt;

	(void)state;
	assert_int_equal(draw(CH_SPARK, "V\n1\n2\n3\n", 30, 1, opts, &cv, err,
	    sizeof(err)), 1);
	txt = text_of(cv);
	/* Three levels, low to high. */
	assert_int_equal(count_str(txt, "▁") + count_str(txt, "▅") +
	    count_str(txt, "█"), 3);
	free(txt);
	cv_free(cv);
	assert_int_equal(draw(CH_LINE, "V\n1\n2\n3\n", 30, 8, opts, NULL, err,
	    sizeof(err)), 8);
}

/* Past 8 labels the rest is "Other", and the percentages add up. */
static void
test_share_other(void **state)
{
	static const char csv[] = "K,V\na,1\nb,1\nc,1\nd,1\ne,1\nf,1\ng,1\n"
	    "h,1\ni,1\nj,1\n";
	struct canvas *cv;
	char err[512], *txt;

	(void)state;
	assert_int_equal(draw(CH_SHARE, csv, 60, 12, NULL, &cv, err,
	    sizeof(err)), 10);
	txt = text_of(cv);
	assert_int_equal(count_str(txt, "10.0%"), 7);
	assert_non_null(strstr(txt, "Other"));
	assert_int_equal(count_str(txt, "30.0%"), 1);
	free(txt);
	cv_free(cv);
}

/* A KPI whose last value was unknown shows no change arrow next time. */
static void
test_kpi_after_unknown(void **state)
{
	struct chart_env env = { FMT_WESTERN, 0 };
	struct chart_spec s;
	struct dtab *t1, *t2 = table_of("Total\n7\n");
	struct canvas *cv = cv_new(40, 7);
	char err[512], *txt;

	(void)state;
	chart_spec_init(&s, CH_KPI);
	/* A card of a tall dashboard row (room for the change line). */
	t1 = table_of("Total,x\n5,a\n,b\n");
	s.value = "Total";
	assert_true(chart_draw(cv, 0, 0, 40, 7, &s, t1, &env, err,
	    sizeof(err)) > 0);
	cv_clear(cv);
	assert_true(chart_draw(cv, 0, 0, 40, 7, &s, t2, &env, err,
	    sizeof(err)) > 0);
	txt = text_of(cv);
	assert_null(strstr(txt, "▼"));
	assert_null(strstr(txt, "▲"));
	free(txt);
	s.value = NULL;
	dtab_free(t1);
	dtab_free(t2);
	cv_free(cv);
}

/* Fixed axis ends: min must be under max; one end past the data's nice
 * end gets a step of room. */
static void
test_min_max(void **state)
{
	static const char *const same[] = { "min", "5", "max", "5", NULL };
	static const char *const top[] = { "min", "10", NULL };
	static const char csv[] = "a,v\nx,0\ny,10\n";
	struct canvas *cv;
	char err[512], *txt;

	(void)state;
	assert_int_equal(draw(CH_LINE, csv, 40, 8, same, NULL, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "min (5) must be less than max (5)");
	assert_int_equal(draw(CH_LINE, csv, 40, 8, top, &cv, err,
	    sizeof(err)), 8);
	txt = text_of(cv);
	/* The axis runs from 10 up to 15, not from 10 to 10. */
	assert_non_null(strstr(txt, "ZZ15│"));
	assert_non_null(strstr(txt, "ZZ10│"));
	free(txt);
	cv_free(cv);
}

/* Values too close for their size (ticks that are the same double) and
 * values at the ends of the range draw, and end. */
static void
test_extreme_values(void **state)
{
	static const char *const csvs[] = {
		"a,v\nx,100000000000000000\ny,100000000000000016\n",
		"a,v\nx,1e300\ny,-1e300\n",
		"a,v\nx,1e300\ny,1e300\n",
		"a,v\nx,0\ny,1e-320\n",
		"a,v\nx,-5e-301\ny,3e-300\n",
	};
	char err[512];
	size_t c;
	int kind;

	(void)state;
	for (c = 0; c < sizeof(csvs) / sizeof(csvs[0]); c++)
		for (kind = 0; kind < CH_NKIND; kind++)
			draw((enum chart_kind)kind, csvs[c], 60, 12, NULL,
			    NULL, err, sizeof(err));
	assert_int_equal(draw(CH_HBAR, "a,v\nx,1e301\n", 60, 12, NULL, NULL,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "t.csv: no numeric column");
	{
		static const char *const v[] = { "value", "v", NULL };
		assert_int_equal(draw(CH_HBAR, "a,v\nx,1e301\n", 60, 12, v,
		    NULL, err, sizeof(err)), -1);
		assert_string_equal(err, "t.csv:2: column 'v': number out of "
		    "range (over 1e300): '1e301'");
	}
}

/* Combining marks at the start of a label do not join the cell to its
 * left; bidirectional controls and unknown characters are not drawn. */
static void
test_marks_and_bidi(void **state)
{
	struct canvas *cv = cv_new(10, 1);
	char *txt;

	(void)state;
	cv_put(cv, 0, 0, 'Z', 0);
	assert_int_equal(cv_text(cv, 1, 0, 9, "\xcc\x81" "a\xcc\x81", 5, 0),
	    1);
	txt = text_of(cv);
	assert_string_equal(txt, "Za\xcc\x81\n");
	free(txt);
	cv_clear(cv);
	/* U+202E (right-to-left override), U+2066, U+0378 (unassigned). */
	assert_int_equal(cv_text(cv, 0, 0, 10, "a\xe2\x80\xae" "b\xe2\x81\xa6"
	    "c\xcd\xb8", 11, 0), 6);
	txt = text_of(cv);
	assert_string_equal(txt, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c"
	    "\xef\xbf\xbd\n");
	free(txt);
	assert_int_equal((int)u8_width("a\xe2\x80\xae", 4), 2);
	cv_free(cv);
}

/* A line chart's legend stays in the chart at every width: entries that
 * do not fit on its last line are left out, never drawn past the right
 * edge (the long fuzz run found a mark at the last column and its space
 * one column outside). */
static void
test_legend_last_line(void **state)
{
	static const char *const v[] = { "series", "s", "x", "x",
	    "value", "v", NULL };
	char csv[2048], err[512];
	size_t o;
	int i, w;

	(void)state;
	o = (size_t)snprintf(csv, sizeof(csv), "s,x,v\n");
	for (i = 0; i < 14; i++)
		o += (size_t)snprintf(csv + o, sizeof(csv) - o,
		    "%.*s\xff%d,1,%d\n%.*s\xff%d,2,%d\n", i % 7 + 1,
		    "Bulbous", i, i, i % 7 + 1, "Bulbous", i, i + 1);
	for (w = 8; w <= 90; w++)
		draw(CH_LINE, csv, w, 10, v, NULL, err, sizeof(err));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_table_one_two_lines),
		cmocka_unit_test(test_hbar_one_line),
		cmocka_unit_test(test_top_row_numbers),
		cmocka_unit_test(test_spark_narrow),
		cmocka_unit_test(test_series_twice),
		cmocka_unit_test(test_share_other),
		cmocka_unit_test(test_kpi_after_unknown),
		cmocka_unit_test(test_min_max),
		cmocka_unit_test(test_extreme_values),
		cmocka_unit_test(test_marks_and_bidi),
		cmocka_unit_test(test_legend_last_line),
	};
	return cmocka_run_group_tests(tests, setup_utf8, NULL);
}
