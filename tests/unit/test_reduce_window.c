/* Tests of reduce/spec_win.c and reduce/window.c: the window and where
 * syntax, window assignment, the watermark and late rows, the closed
 * windows files, --since/--until, and windows in checkpoints and merges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../reduce/agg.h"
#include "../../reduce/spec.h"
#include "csvio.h"

static char tmpdir[] = "/tmp/test_reduce_window.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ==== the spec language ================================================== */

static void
test_spec_valid(void **state)
{
	static const struct {
		const char *in, *canon;
	} cases[] = {
		{ "r.csv: BranchName, window(1h, 5m) -> R=sum(FinalAmount)",
		  "r.csv: BranchName,window(1h,5m) -> R=sum(FinalAmount)\n" },
		{ "r.csv: window( 60m ) , B -> n=count()",
		  "r.csv: window(1h),B -> n=count()\n" },
		{ "r.csv: window(90s,30s) -> n=count()",
		  "r.csv: window(90s,30s) -> n=count()\n" },
		{ "r.csv: window(1d, 24h) -> n=count()",
		  "r.csv: window(1d) -> n=count()\n" },
		{ "u.csv: B -> n=count() where PaymentType=UPI",
		  "u.csv: B -> n=count() where PaymentType=UPI\n" },
		{ "u.csv: B -> n=count(), s=sum(V)  where  P in ( UPI , Card,UPI ) and Day = Monday ",
		  "u.csv: B -> n=count(), s=sum(V) where P in (UPI,Card) and Day=Monday\n" },
		{ "u.csv: B -> n=count() where Product in (\"Basmati Rice, 5kg\", Tea)",
		  "u.csv: B -> n=count() where Product in (\"Basmati Rice, 5kg\",Tea)\n" },
		{ "u.csv: B -> n=count() where P=Cash and Q=Basmati Rice and R in (a b)",
		  "u.csv: B -> n=count() where P=Cash and Q=Basmati Rice and R=a b\n" },
		{ "u.csv: B -> n=count() where Branch Name=\" x \"",
		  "u.csv: B -> n=count() where Branch Name=\" x \"\n" },
		{ "p.csv: B -> R=pop(V), W=pop( V ):week, D=pop(V):day, I=idle()",
		  "p.csv: B -> R=pop(V), W=pop(V):week, D=pop(V):day, I=idle()\n" },
		/* A measure named "where d" (fuzz_reduce_spec found its
		 * canonical form read back as a where clause). */
		{ "u.csv: B ->where d=count() where P=x",
		  "u.csv: B -> where d=count() where P=x\n" },
		/* "where" inside a name is no clause. */
		{ "u.csv: B -> somewhere=count()",
		  "u.csv: B -> somewhere=count()\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct spec sp, sp2;
		char err[256], out[1024], out2[1024];
		memset(&sp, 0, sizeof(sp));
		if (spec_parse_line(&sp, cases[i].in, err, sizeof(err)) != 0) {
			print_error("case %zu: %s\n", i, err);
			fail();
		}
		spec_format(&sp, out, sizeof(out));
		assert_string_equal(out, cases[i].canon);
		/* The canonical form reads back as itself. */
		memset(&sp2, 0, sizeof(sp2));
		assert_int_equal(spec_parse_text(&sp2, out, "x", err,
		    sizeof(err)), 0);
		spec_format(&sp2, out2, sizeof(out2));
		assert_string_equal(out2, out);
	}
}

static void
test_spec_errors(void **state)
{
	static const struct {
		const char *in, *err;
	} cases[] = {
		{ "r.csv: window(1h, 2h) -> n=count()",
		  "window: the hop is longer than the size" },
		{ "r.csv: window(0s) -> n=count()",
		  "window: size '0s' is not a whole number of seconds from 1s to 366d" },
		{ "r.csv: window(1.5s) -> n=count()",
		  "window: size '1.5s' is not a whole number of seconds from 1s to 366d" },
		{ "r.csv: window(1h, x) -> n=count()",
		  "window: hop 'x' is not a whole number of seconds from 1s to 366d" },
		{ "r.csv: window(1d, 1m) -> n=count()",
		  "window: a row would fall in more than 1024 windows (SIZE / HOP)" },
		{ "r.csv: window(1h), window(1d) -> n=count()",
		  "more than one window key" },
		{ "r.csv: window(1h -> n=count()",
		  "expected window(SIZE) or window(SIZE, HOP)" },
		{ "r.csv: window(1h) -> WindowStart=count()",
		  "duplicate column 'WindowStart' (a window writes WindowStart,WindowEnd)" },
		{ "r.csv: window(1h) -> R=pop(V)", "pop() in a windowed aggregate" },
		{ "r.csv: B -> R=pop(V):int", "unexpected ':int' after pop(...)" },
		{ "r.csv: B -> R=sum(V):week", "unexpected ':week' after sum(...)" },
		{ "r.csv: B -> I=idle(V)", "idle() takes no column" },
		{ "u.csv: B -> n=count() where", "where: expected COL=VALUE or COL in (VALUE, ...)" },
		{ "u.csv: B -> n=count() where P", "where: expected COL=VALUE or COL in (VALUE, ...)" },
		{ "u.csv: B -> n=count() where P=", "where: empty value for 'P'" },
		{ "u.csv: B -> n=count() where P in UPI", "where: expected '(' after 'P in'" },
		{ "u.csv: B -> n=count() where P in (UPI", "where: expected ',' or ')' in the values of 'P'" },
		{ "u.csv: B -> n=count() where P=\"UPI", "where: unterminated quote" },
		{ "u.csv: B -> n=count() where P=UPI or P=Card", "where: unexpected '=' in a value (quote it)" },
		{ "u.csv: B -> n=count() where P=\"UPI\" or P=Card", "where: expected 'and' before 'or P=Card'" },
		{ "u.csv: B -> n=count() where P=UPI and P=Card", "where: 'P' twice (use 'P in (...)')" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static struct spec sp;
		char err[256] = "";
		memset(&sp, 0, sizeof(sp));
		if (spec_parse_line(&sp, cases[i].in, err, sizeof(err)) == 0) {
			print_error("case %zu parsed: %s\n", i, cases[i].in);
			fail();
		}
		if (strcmp(err, cases[i].err) != 0) {
			print_error("case %zu: got '%s', want '%s'\n", i, err,
			    cases[i].err);
			fail();
		}
	}
}

/* ==== the engine ========================================================= */

static struct agg *
engine(const char *spec_text)
{
	static struct spec sp;
	char err[256];
	struct agg *a;

	memset(&sp, 0, sizeof(sp));
	if (spec_parse_text(&sp, spec_text, "t", err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		fail();
	}
	a = agg_new(&sp);
	assert_non_null(a);
	return a;
}

/* Feed CSV text (header first); the result of each row in res ('+'
 * accepted, '-' rejected, '.' left out), and the reasons in whys. */
static void
feed(struct agg *a, const char *csv, char *res, char *whys, size_t wcap)
{
	FILE *fp = tmpfile();
	struct csvio_reader *r;
	struct csvio_record rec;
	char err[256], why[256];
	int rc, first = 1, fd;
	size_t n = 0;

	assert_non_null(fp);
	fputs(csv, fp);
	fflush(fp);
	fd = dup(fileno(fp));
	fclose(fp);
	lseek(fd, 0, SEEK_SET);
	r = csvio_reader_new(fd, ',', 0);
	if (whys != NULL)
		whys[0] = '\0';
	while ((rc = csvio_next(r, &rec)) != 0) {
		assert_true(rc > 0);
		if (first) {
			if (agg_bind(a, &rec, "Timestamp", err, sizeof(err)) != 0) {
				print_error("bind: %s\n", err);
				fail();
			}
			first = 0;
			continue;
		}
		rc = agg_row(a, &rec, why, sizeof(why));
		if (res != NULL)
			res[n++] = rc == 0 ? '+' : rc < 0 ? '-' : '.';
		if (rc < 0 && whys != NULL) {
			strncat(whys, why, wcap - strlen(whys) - 2);
			strcat(whys, "\n");
		}
	}
	if (res != NULL)
		res[n] = '\0';
	csvio_reader_free(r);
	close(fd);
}

static char *
csv_of(struct agg *a, size_t i)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_int_equal(agg_write_csv(a, i, fp), 0);
	fclose(fp);
	return buf;
}

static void
assert_csv(struct agg *a, size_t i, const char *want)
{
	char *got = csv_of(a, i);

	assert_string_equal(got, want);
	free(got);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

static void
test_assign(void **state)
{
	struct agg *a = engine(
	    "t.csv: B, window(10m) -> s=sum(V), n=count()\n"
	    "h.csv: window(10m, 5m), B -> s=sum(V), d=distinct(B), lo=min(V)\n");
	char res[16];

	(void)state;
	feed(a, "Timestamp,B,V\n"
	    "2024-01-01 10:00:00,x,1\n"
	    "2024-01-01 10:09:59,x,2\n"
	    "2024-01-01 10:10:00,x,4\n"
	    "2024-01-01 10:04:00,y,8\n"
	    "1969-12-31 23:55:00,y,16\n", res, NULL, 0);
	assert_string_equal(res, "+++++");
	assert_csv(a, 0, "B,WindowStart,WindowEnd,s,n\n"
	    "x,2024-01-01 10:00:00,2024-01-01 10:10:00,3.00,2\n"
	    "x,2024-01-01 10:10:00,2024-01-01 10:20:00,4.00,1\n"
	    "y,1969-12-31 23:50:00,1970-01-01 00:00:00,16.00,1\n"
	    "y,2024-01-01 10:00:00,2024-01-01 10:10:00,8.00,1\n");
	assert_csv(a, 1, "WindowStart,WindowEnd,B,s,d,lo\n"
	    "1969-12-31 23:50:00,1970-01-01 00:00:00,y,16.00,1,16.00\n"
	    "1969-12-31 23:55:00,1970-01-01 00:05:00,y,16.00,1,16.00\n"
	    "2024-01-01 09:55:00,2024-01-01 10:05:00,x,1.00,1,1.00\n"
	    "2024-01-01 09:55:00,2024-01-01 10:05:00,y,8.00,1,8.00\n"
	    "2024-01-01 10:00:00,2024-01-01 10:10:00,x,3.00,1,1.00\n"
	    "2024-01-01 10:00:00,2024-01-01 10:10:00,y,8.00,1,8.00\n"
	    "2024-01-01 10:05:00,2024-01-01 10:15:00,x,6.00,1,2.00\n"
	    "2024-01-01 10:10:00,2024-01-01 10:20:00,x,4.00,1,4.00\n");
	assert_int_equal(agg_nwindowed(a), 2);
	agg_free(a);
}

static const char late_in[] = "Timestamp,B,V\n"
    "2024-01-01 10:00:00,x,1\n"
    "2024-01-01 10:20:00,x,2\n"
    "2024-01-01 10:04:59,x,4\n"	/* its window closed: late */
    "2024-01-01 10:05:00,y,8\n"	/* window ends at the watermark: late */
    "2024-01-01 10:10:00,y,16\n"	/* within the lateness */
    "2024-01-01 10:30:00,x,32\n"	/* closes 10:10-10:15 */
    "2024-01-01 10:15:00,x,64\n";	/* late */

static void
test_watermark(void **state)
{
	struct agg *a = engine("w.csv: window(5m) -> s=sum(V)\n"
	    "k.csv: -> s=sum(V), r=rejected()\n");
	char res[16], whys[512], dir[512], *got;
	int64_t wm;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/wm", tmpdir);
	agg_set_watermark(a, 600);
	assert_int_equal(agg_watermark(a, &wm), 0);
	assert_int_equal(agg_set_closed(a, dir, 0, whys, sizeof(whys)), 0);
	feed(a, late_in, res, whys, sizeof(whys));
	assert_string_equal(res, "++--++-");
	assert_string_equal(whys, "late: in a closed window of w.csv\n"
	    "late: in a closed window of w.csv\n"
	    "late: in a closed window of w.csv\n");
	assert_int_equal(agg_late(a), 3);
	assert_int_equal(agg_rejected(a), 3);
	assert_int_equal(agg_watermark(a, &wm), 1);
	assert_int_equal(wm, 1704105000 - 600);	/* 10:30 - 10m */
	assert_csv(a, 0, "WindowStart,WindowEnd,s\n"
	    "2024-01-01 10:20:00,2024-01-01 10:25:00,2.00\n"
	    "2024-01-01 10:30:00,2024-01-01 10:35:00,32.00\n");
	assert_csv(a, 1, "s,r\n51.00,3\n");
	assert_int_equal(agg_flush_closed(a, 1), 0);
	snprintf(dir, sizeof(dir), "%s/wm/w.csv", tmpdir);
	got = slurp(dir);
	assert_string_equal(got, "WindowStart,WindowEnd,s\n"
	    "2024-01-01 10:00:00,2024-01-01 10:05:00,1.00\n"
	    "2024-01-01 10:10:00,2024-01-01 10:15:00,16.00\n");
	free(got);
	agg_free(a);
}

/* Without --watermark nothing closes and nothing is late. */
static void
test_no_watermark(void **state)
{
	struct agg *a = engine("w.csv: window(5m) -> s=sum(V)\n");
	char res[16];
	int64_t wm;

	(void)state;
	feed(a, late_in, res, NULL, 0);
	assert_string_equal(res, "+++++++");
	assert_int_equal(agg_watermark(a, &wm), 0);
	assert_csv(a, 0, "WindowStart,WindowEnd,s\n"
	    "2024-01-01 10:00:00,2024-01-01 10:05:00,5.00\n"
	    "2024-01-01 10:05:00,2024-01-01 10:10:00,8.00\n"
	    "2024-01-01 10:10:00,2024-01-01 10:15:00,16.00\n"
	    "2024-01-01 10:15:00,2024-01-01 10:20:00,64.00\n"
	    "2024-01-01 10:20:00,2024-01-01 10:25:00,2.00\n"
	    "2024-01-01 10:30:00,2024-01-01 10:35:00,32.00\n");
	agg_free(a);
}

/* A row the where clause keeps out of a window is not late for it. */
static void
test_where(void **state)
{
	struct agg *a = engine(
	    "w.csv: window(5m) -> s=sum(V) where B=x\n"
	    "y.csv: B -> n=count() where B in (y, z) and Hour=10\n"
	    "k.csv: -> n=count()\n");
	char res[16], err[256];

	(void)state;
	agg_set_watermark(a, 600);
	assert_int_equal(agg_set_closed(a, tmpdir, 0, err, sizeof(err)), 0);
	feed(a, late_in, res, NULL, 0);
	assert_string_equal(res, "++-+++-");	/* y's 10:05 is not late */
	assert_csv(a, 1, "B,n\ny,2\n");
	assert_csv(a, 2, "n\n5\n");
	agg_free(a);
}

static void
test_since_until(void **state)
{
	struct agg *a = engine("k.csv: -> n=count(), s=sum(V)\n");
	struct agg *b = engine("k.csv: -> n=count(), s=sum(V)\n");
	char res[16];
	int64_t t;
	int tod;

	(void)state;
	assert_int_equal(agg_parse_when("2024-01-01 10:05", &t, &tod), 0);
	assert_int_equal(tod, 0);
	agg_set_since(a, t, tod);
	assert_int_equal(agg_parse_when("2024-01-01 10:20:00", &t, &tod), 0);
	agg_set_until(a, t, tod);
	feed(a, late_in, res, NULL, 0);
	assert_string_equal(res, "...++.+");
	assert_int_equal(agg_filtered(a), 4);
	assert_int_equal(agg_rows(a), 3);
	assert_int_equal(agg_rejected(a), 0);
	assert_int_equal(agg_parse_when("10:10", &t, &tod), 0);
	assert_int_equal(tod, 1);
	assert_int_equal(t, 36600);
	agg_set_since(b, t, tod);
	assert_int_equal(agg_parse_when("10:20:00", &t, &tod), 0);
	agg_set_until(b, t, tod);
	feed(b, late_in, res, NULL, 0);
	assert_string_equal(res, "....+.+");
	assert_int_equal(agg_parse_when("24:00", &t, &tod), -1);
	assert_int_equal(agg_parse_when("1:00", &t, &tod), -1);
	assert_int_equal(agg_parse_when("10:0x", &t, &tod), -1);
	agg_free(a);
	agg_free(b);
}

/* Saved and loaded into a fresh engine (resume), the windows, the
 * watermark and the closed file's length come back; the rest of the input
 * then gives what one run gives. */
static void
test_resume(void **state)
{
	static const char spec[] = "w.csv: B, window(10m, 5m) -> s=sum(V), "
	    "d=distinct(V), hi=max(V)\n";
	static const char part1[] = "Timestamp,B,V\n"
	    "2024-01-01 10:00:00,x,1\n"
	    "2024-01-01 10:07:00,y,2\n"
	    "2024-01-01 10:21:00,x,4\n";
	static const char part2[] = "Timestamp,B,V\n"
	    "2024-01-01 10:16:00,y,8\n"
	    "2024-01-01 10:12:00,y,8\n"	/* late */
	    "2024-01-01 10:40:00,x,16\n";
	struct agg *whole = engine(spec), *a = engine(spec), *b = engine(spec);
	struct agg_pos pos = { .input = "in", .line = 1 }, got;
	char d1[512], d2[512], ck[600], err[512], *w1, *w2, *s1, *s2;
	char all[1024];

	(void)state;
	snprintf(d1, sizeof(d1), "%s/r1", tmpdir);
	snprintf(d2, sizeof(d2), "%s/r2", tmpdir);
	snprintf(ck, sizeof(ck), "%s/r.ckpt", tmpdir);
	snprintf(all, sizeof(all), "%s%s", part1, part2 + 14);
	agg_set_watermark(whole, 300);
	assert_int_equal(agg_set_closed(whole, d1, 0, err, sizeof(err)), 0);
	feed(whole, all, NULL, NULL, 0);
	assert_int_equal(agg_late(whole), 1);

	agg_set_watermark(a, 300);
	assert_int_equal(agg_set_closed(a, d2, 0, err, sizeof(err)), 0);
	feed(a, part1, NULL, NULL, 0);
	assert_int_equal(agg_save(a, &pos, ck, 1), 0);
	agg_free(a);	/* killed: what it wrote after the save is gone */
	memset(&got, 0, sizeof(got));
	if (agg_load(b, ck, &got, err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		fail();
	}
	agg_set_watermark(b, 300);
	assert_int_equal(agg_set_closed(b, d2, 1, err, sizeof(err)), 0);
	feed(b, part2, NULL, NULL, 0);
	assert_int_equal(agg_late(b), 1);
	s1 = csv_of(whole, 0);
	s2 = csv_of(b, 0);
	assert_string_equal(s2, s1);
	assert_int_equal(agg_flush_closed(whole, 1), 0);
	assert_int_equal(agg_flush_closed(b, 1), 0);
	snprintf(all, sizeof(all), "%s/w.csv", d1);
	w1 = slurp(all);
	snprintf(all, sizeof(all), "%s/w.csv", d2);
	w2 = slurp(all);
	assert_string_equal(w2, w1);
	assert_non_null(strstr(w1, "x,2024-01-01 10:00:00,2024-01-01 10:10:00,1.00,1,1.00\n"));
	free(s1);
	free(s2);
	free(w1);
	free(w2);
	agg_free(whole);
	agg_free(b);
}

/* A merge adds the open windows and takes the larger watermark; closing
 * then writes what that watermark passed.  A window a part closed itself
 * is in that part's closed file (here b's 10:00 window, with z). */
static void
test_merge(void **state)
{
	static const char spec[] = "w.csv: window(10m) -> s=sum(V), d=distinct(B)\n";
	struct agg *a = engine(spec), *b = engine(spec), *m = engine(spec);
	char err[512], dir[512], path[1024], *got;
	int64_t wm;

	(void)state;
	agg_set_watermark(a, 300);
	agg_set_watermark(b, 300);
	feed(a, "Timestamp,B,V\n2024-01-01 10:00:00,x,1\n"
	    "2024-01-01 10:05:00,y,2\n", NULL, NULL, 0);
	feed(b, "Timestamp,B,V\n2024-01-01 10:09:00,z,4\n"
	    "2024-01-01 10:16:00,x,8\n", NULL, NULL, 0);
	agg_set_merging(m);
	assert_int_equal(agg_merge(m, a), 0);
	assert_int_equal(agg_merge(m, b), 0);
	assert_int_equal(agg_watermark(m, &wm), 1);
	assert_int_equal(wm, 1704103860);	/* b's: 10:11 */
	assert_csv(m, 0, "WindowStart,WindowEnd,s,d\n"
	    "2024-01-01 10:00:00,2024-01-01 10:10:00,3.00,2\n"
	    "2024-01-01 10:10:00,2024-01-01 10:20:00,8.00,1\n");
	snprintf(dir, sizeof(dir), "%s/m", tmpdir);
	assert_int_equal(agg_set_closed(m, dir, 0, err, sizeof(err)), 0);
	assert_int_equal(agg_close_windows(m), 0);
	assert_int_equal(agg_flush_closed(m, 1), 0);
	assert_csv(m, 0, "WindowStart,WindowEnd,s,d\n"
	    "2024-01-01 10:10:00,2024-01-01 10:20:00,8.00,1\n");
	snprintf(path, sizeof(path), "%s/w.csv", dir);
	got = slurp(path);
	assert_string_equal(got, "WindowStart,WindowEnd,s,d\n"
	    "2024-01-01 10:00:00,2024-01-01 10:10:00,3.00,2\n");
	free(got);
	agg_free(a);
	agg_free(b);
	agg_free(m);
}

/* Memory follows the watermark: after a long stream only the windows
 * within the lateness are open. */
static void
test_bounded(void **state)
{
	struct agg *a = engine("w.csv: B, window(1h, 5m) -> s=sum(V)\n");
	char *csv = NULL, *out;
	size_t len = 0, i, lines = 0;
	FILE *fp = open_memstream(&csv, &len);

	(void)state;
	fputs("Timestamp,B,V\n", fp);
	for (i = 0; i < 20000; i++)	/* a row a minute, for 14 days */
		fprintf(fp, "2024-01-%02zu %02zu:%02zu:00,b%zu,1\n",
		    1 + i / 1440, i / 60 % 24, i % 60, i % 3);
	fclose(fp);
	agg_set_watermark(a, 1800);
	feed(a, csv, NULL, NULL, 0);
	out = csv_of(a, 0);
	for (i = 0; out[i] != '\0'; i++)
		lines += out[i] == '\n';
	/* Windows ending after the watermark (now - 30m): 12 + 6, 3 keys. */
	assert_int_equal(lines, 1 + 3 * 18);
	free(out);
	free(csv);
	agg_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_valid),
		cmocka_unit_test(test_spec_errors),
		cmocka_unit_test(test_assign),
		cmocka_unit_test(test_watermark),
		cmocka_unit_test(test_no_watermark),
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_since_until),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
