/* Tests of lib/csvio.c, including a differential test against libcsv, the
 * project's reference parser, on generated and fuzzed input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "rng.h"
#include "../common/csvref.h"

static int
fd_of(const char *data, size_t len)
{
	FILE *fp = tmpfile();
	int fd;

	assert_non_null(fp);
	fd = dup(fileno(fp));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Render everything csvio reads from data (tests/common/csvref.c). */
static size_t
render_csvio(const char *data, size_t len, size_t max, int stop_at_error,
    struct csvref_out *o)
{
	int fd = fd_of(data, len);
	size_t nrec = csvref_csvio(fd, max, stop_at_error, o);

	close(fd);
	return nrec;
}

/* csvio against libcsv: up to the first error, and past every error by
 * the resync rule (csvref_libcsv_resync). */
static void
differential(const char *data, size_t len)
{
	struct csvref_out mine = { 0 }, ref = { 0 };
	struct csvref_out rmine = { 0 }, rref = { 0 };
	int lrc = csvref_libcsv(data, len, &ref);

	render_csvio(data, len, 0, CSVREF_STOP, &mine);
	if (!csvref_agree(lrc, &ref, &mine)) {
		print_error("input: <%.*s>\nlibcsv%s: <%s>\ncsvio: <%s>\n",
		    (int)len, data, lrc ? " (error)" : "", ref.s ? ref.s : "",
		    mine.s ? mine.s : "");
		fail();
	}
	csvref_libcsv_resync(data, len, &rref);
	render_csvio(data, len, 0, CSVREF_BARE, &rmine);
	if (rref.n != rmine.n || (rref.n > 0 &&
	    memcmp(rref.s, rmine.s, rref.n) != 0)) {
		print_error("input: <%.*s>\nlibcsv resync: <%s>\n"
		    "csvio: <%s>\n", (int)len, data, rref.s ? rref.s : "",
		    rmine.s ? rmine.s : "");
		fail();
	}
	free(mine.s);
	free(ref.s);
	free(rmine.s);
	free(rref.s);
}

static void
test_table(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a,b,c\n", "[a][b][c]\n" },
		{ "a,b,c", "[a][b][c]\n" },
		{ "a,b\r\nc,d\r\n", "[a][b]\n[c][d]\n" },
		{ "\xEF\xBB\xBFh1,h2\n1,2\n", "[h1][h2]\n[1][2]\n" },
		{ ",,,\n", "[][][][]\n" },
		{ "\"x,y\",\"say \"\"hi\"\"\"\n", "[x,y][say \"hi\"]\n" },
		{ "\"multi\nline\",z\n", "[multi\nline][z]\n" },
		{ "a\n\n\nb\n", "[a]\n[b]\n" },
		{ "a,\n", "[a][]\n" },
		{ "\"\"\n", "[]\n" },
		{ "ab\"c\nok\n", "!malformed quoted field\n[ok]\n" },
		{ "\"ab\"c,d\nok\n", "!malformed quoted field\n[ok]\n" },
		{ "ok\n\"unterminated,x\n", "[ok]\n!input ends inside a quoted field\n" },
		{ "ok\n\"unterminated,x\r\n\n\r\n", "[ok]\n!input ends inside a quoted field\n" },
		/* Resync: a stray quote costs its own line only. */
		{ "A,B\n\"x,1\n2,y\n3,z\n4,\"w\"\n5,v\n",
		    "[A][B]\n!unterminated quoted field\n[2][y]\n[3][z]\n"
		    "[4][w]\n[5][v]\n" },
		{ "A,B\n\"x,1\n2,y\n3,z\n",
		    "[A][B]\n!unterminated quoted field\n[2][y]\n[3][z]\n" },
		{ "A,B\n\"x,1\n2,y\n3,z",
		    "[A][B]\n!unterminated quoted field\n[2][y]\n[3][z]\n" },
		{ "a,\"b\nc\"x,d\ne,f\n",
		    "!unterminated quoted field\n!malformed quoted field\n[e][f]\n" },
		{ "\"ab\"c,\"d\ne\",f\nok\n",
		    "!malformed quoted field\n!malformed quoted field\n[ok]\n" },
		{ "\"a\nb\",\"c\r\nd\"\nok\n", "[a\nb][c\r\nd]\n[ok]\n" },
		{ " a , b \n", "[ a ][ b ]\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct csvref_out o = { 0 };
		render_csvio(cases[i].in, strlen(cases[i].in), 0, 0, &o);
		if (o.s == NULL || strcmp(o.s, cases[i].want) != 0) {
			print_error("case %zu: in <%s>\nwant <%s>\ngot  <%s>\n", i,
			    cases[i].in, cases[i].want, o.s ? o.s : "");
			fail();
		}
		free(o.s);
	}
}

static void
test_line_numbers_and_offsets(void **state)
{
	const char *in = "h\n\"a\nb\",c\nd\n";
	int fd = fd_of(in, strlen(in));
	struct csvio_reader *r = csvio_reader_new(fd, ',', 0);
	struct csvio_record rec;

	(void)state;
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.offset, 0);
	assert_int_equal(rec.end, 2);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.offset, 2);
	assert_int_equal(rec.end, 10);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(rec.line, 4);
	assert_int_equal(rec.nf, 1);
	assert_memory_equal(rec.f[0].p, "d", 1);
	assert_int_equal(csvio_offset(r), strlen(in));
	assert_int_equal(csvio_next(r, &rec), 0);
	csvio_reader_free(r);
	close(fd);
}

static void
test_too_long(void **state)
{
	size_t big = 300000, i;
	char *in = malloc(big + 20);
	struct csvref_out o = { 0 };

	(void)state;
	memcpy(in, "a,b\n", 4);
	for (i = 4; i < big; i++)
		in[i] = 'x';
	memcpy(in + big, "\nc,d\n", 5);
	render_csvio(in, big + 5, 1000, 0, &o);
	assert_string_equal(o.s, "[a][b]\n!record too long\n[c][d]\n");
	free(o.s);
	free(in);
}

static void
test_follow(void **state)
{
	int p[2];
	struct csvio_reader *r;
	struct csvio_record rec;

	(void)state;
	assert_int_equal(pipe(p), 0);
	r = csvio_reader_new(p[0], ',', 0);
	csvio_reader_set_follow(r, 1);
	assert_int_equal(write(p[1], "a,b\nc,", 6), 6);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(rec.nf, 2);
	/* "c," is incomplete; with the write end still open read blocks, so
	 * close it: follow mode must still not consume the partial record. */
	close(p[1]);
	assert_int_equal(csvio_next(r, &rec), 0);
	assert_int_equal(csvio_offset(r), 4);
	csvio_reader_free(r);
	close(p[0]);
}

static void
test_differential_generated(void **state)
{
	/* Valid CSV made of fields that need every kind of quoting. */
	static const char *atoms[] = { "a", "Indiranagar", "12.50", "", " ",
	    ",", "\"", "\n", "\r\n", "x y", "₹", "\"\"" };
	struct rng rng;
	int iter;

	(void)state;
	rng_seed(&rng, 42);
	for (iter = 0; iter < 3000; iter++) {
		char buf[4096];
		size_t n = 0;
		int rows = 1 + (int)rng_below(&rng, 5), r, f;
		int nf = 1 + (int)rng_below(&rng, 5);
		for (r = 0; r < rows; r++) {
			for (f = 0; f < nf; f++) {
				char field[64];
				size_t fl = 0;
				int k, parts = (int)rng_below(&rng, 4);
				for (k = 0; k < parts; k++) {
					const char *a = atoms[rng_below(&rng, 12)];
					size_t al = strlen(a);
					memcpy(field + fl, a, al);
					fl += al;
				}
				if (f > 0)
					buf[n++] = ',';
				/* An empty one-field row would be an empty line. */
				if (nf == 1 && fl == 0)
					field[fl++] = 'e';
				assert_int_equal(csvio_append_field(buf, sizeof(buf),
				    &n, field, fl, ','), 0);
			}
			if (rng_below(&rng, 2))
				buf[n++] = '\r';
			buf[n++] = '\n';
		}
		differential(buf, n);
	}
}

static void
test_differential_fuzzed(void **state)
{
	/* Random bytes from a CSV-heavy alphabet: mostly malformed. */
	static const char alpha[] = "ab,,\"\"\n\r ";
	struct rng rng;
	int iter;

	(void)state;
	rng_seed(&rng, 7);
	for (iter = 0; iter < 20000; iter++) {
		char buf[64];
		size_t n = 1 + rng_below(&rng, sizeof(buf) - 1), i;
		for (i = 0; i < n; i++)
			buf[i] = alpha[rng_below(&rng, sizeof(alpha) - 1)];
		differential(buf, n);
	}
}

/* Rows of many mostly unquoted fields, long enough that the SSE2 fast path
 * of the splitter does most of the work, with a quote now and then so the
 * general path takes over mid-stream; line ends LF, CRLF and lone CR. */
static size_t
gen_wide(struct rng *rng, char *buf, size_t cap, int quotes)
{
	static const char *atoms[] = { "a", "Indiranagar", "12.50", "",
	    "2024-01-06 09:15:00", "x y", "\xe2\x82\xb9", "LiveInsight Mart",
	    "1000001", ",", "\"", "\n" };
	size_t n = 0;

	while (n + 600 < cap) {
		int nf = 1 + (int)rng_below(rng, 24), f;
		for (f = 0; f < nf; f++) {
			char field[128];
			size_t fl = 0;
			int k, parts = (int)rng_below(rng, 5);
			for (k = 0; k < parts; k++) {
				const char *a = atoms[rng_below(rng,
				    quotes && rng_below(rng, 30) == 0 ? 12 : 9)];
				size_t al = strlen(a);
				memcpy(field + fl, a, al);
				fl += al;
			}
			if (f > 0)
				buf[n++] = ',';
			if (nf == 1 && fl == 0)
				field[fl++] = 'e';
			assert_int_equal(csvio_append_field(buf, cap, &n, field,
			    fl, ','), 0);
		}
		switch (rng_below(rng, 6)) {
		case 0:
			buf[n++] = '\r';
			buf[n++] = '\n';
			break;
		case 1:
			buf[n++] = '\r';
			break;
		default:
			buf[n++] = '\n';
		}
	}
	return n;
}

static void
test_differential_wide(void **state)
{
	struct rng rng;
	char buf[8192];
	int iter;

	(void)state;
	rng_seed(&rng, 4181);
	for (iter = 0; iter < 2000; iter++) {
		size_t n = gen_wide(&rng, buf, 600 + rng_below(&rng, 7000),
		    iter % 2);
		differential(buf, n);
	}
}

static void
test_differential_big(void **state)
{
	/* Several read buffers' worth, so records straddle read(2) calls
	 * and the fast path meets the end of the buffer. */
	size_t cap = 3 * 1024 * 1024, n;
	char *buf = malloc(cap);
	struct rng rng;

	(void)state;
	assert_non_null(buf);
	rng_seed(&rng, 99);
	n = gen_wide(&rng, buf, cap, 1);
	differential(buf, n);
	free(buf);
}

static void
test_differential_fuzzed_long(void **state)
{
	/* Longer random inputs with few quotes: mostly the fast path. */
	static const char alpha[] = "abcdefgh,,,,\n\r \"";
	struct rng rng;
	int iter;

	(void)state;
	rng_seed(&rng, 11);
	for (iter = 0; iter < 20000; iter++) {
		char buf[160];
		size_t n = 1 + rng_below(&rng, sizeof(buf) - 1), i;
		unsigned span = rng_below(&rng, 4) == 0 ? sizeof(alpha) - 1 :
		    sizeof(alpha) - 2;
		for (i = 0; i < n; i++)
			buf[i] = alpha[rng_below(&rng, span)];
		differential(buf, n);
	}
}

static void
test_nonblocking_pipe(void **state)
{
	/* An O_NONBLOCK pipe without data reports CSVIO_EAGAIN and loses
	 * nothing; the rest of an over-long record is skipped across calls. */
	int p[2];
	struct csvio_reader *r;
	struct csvio_record rec;
	char big[300];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	r = csvio_reader_new(p[0], ',', 100);
	assert_int_equal(write(p[1], "a,b\nc,", 6), 6);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(csvio_next(r, &rec), -1);
	assert_int_equal(rec.err, CSVIO_EAGAIN);
	assert_int_equal(write(p[1], "d\n", 2), 2);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(rec.nf, 2);
	assert_memory_equal(rec.f[1].p, "d", 1);
	assert_int_equal(csvio_line(r), 3);
	memset(big, 'x', sizeof(big));
	assert_int_equal(write(p[1], big, sizeof(big)), (ssize_t)sizeof(big));
	assert_int_equal(csvio_next(r, &rec), -1);
	assert_int_equal(rec.err, CSVIO_ETOOLONG);
	assert_int_equal(rec.line, 3);
	assert_int_equal(csvio_next(r, &rec), -1);
	assert_int_equal(rec.err, CSVIO_EAGAIN);
	assert_int_equal(write(p[1], big, 50), 50);
	assert_int_equal(write(p[1], "yy\ne,f\n", 7), 7);
	/* Each read of the rest of the over-long record returns to the
	 * caller (CSVIO_EINTR: call again). */
	assert_int_equal(csvio_next(r, &rec), -1);
	assert_int_equal(rec.err, CSVIO_EINTR);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(rec.line, 4);
	assert_int_equal(rec.nf, 2);
	assert_memory_equal(rec.f[0].p, "e", 1);
	close(p[1]);
	assert_int_equal(csvio_next(r, &rec), 0);
	csvio_reader_free(r);
	close(p[0]);
}

static void
test_budget(void **state)
{
	/* A source that never ends its line (/dev/zero) returns to the
	 * caller while its rest is skipped: after every read (CSVIO_EINTR),
	 * or after about the budget's bytes (CSVIO_EAGAIN); records are
	 * still read whole. */
	struct csvio_reader *r;
	struct csvio_record rec;
	int fd, i, again = 0, p[2];

	(void)state;
	assert_true((fd = open("/dev/zero", O_RDONLY)) >= 0);
	r = csvio_reader_new(fd, ',', 100);
	csvio_reader_set_budget(r, 1 << 20);
	assert_int_equal(csvio_next(r, &rec), -1);
	assert_int_equal(rec.err, CSVIO_ETOOLONG);
	for (i = 0; i < 10; i++) {
		assert_int_equal(csvio_next(r, &rec), -1);
		again += rec.err == CSVIO_EAGAIN || rec.err == CSVIO_EINTR;
	}
	assert_int_equal(again, 10);
	csvio_reader_free(r);
	close(fd);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "a,b\nc,d\n", 8), 8);
	close(p[1]);
	r = csvio_reader_new(p[0], ',', 100);
	csvio_reader_set_budget(r, 1);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(rec.nf, 2);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_memory_equal(rec.f[1].p, "d", 1);
	assert_int_equal(csvio_next(r, &rec), 0);
	csvio_reader_free(r);
	close(p[0]);
}

static void
test_truncated_raw(void **state)
{
	/* A record cut inside quotes at the end still shows its bytes. */
	const char *in = "ok\n\"abc,d\r\n";
	int fd = fd_of(in, strlen(in));
	struct csvio_reader *r = csvio_reader_new(fd, ',', 0);
	struct csvio_record rec;

	(void)state;
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(csvio_next(r, &rec), -1);
	assert_int_equal(rec.err, CSVIO_ETRUNC);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.rawlen, 6);
	assert_memory_equal(rec.raw, "\"abc,d", 6);
	assert_int_equal(csvio_next(r, &rec), 0);
	csvio_reader_free(r);
	close(fd);
}

/* Each record of in as "LINE-LAST:[f]...\n" or "LINE-LAST:!REASON\n". */
static char *
render_lines(const char *in, size_t nfields, size_t max_lines, int follow)
{
	int fd = fd_of(in, strlen(in));
	struct csvio_reader *r = csvio_reader_new(fd, ',', 0);
	struct csvio_record rec;
	struct csvref_out o = { 0 };
	char b[64];
	int rc;

	assert_non_null(r);
	csvio_reader_set_fields(r, nfields);
	csvio_reader_set_max_lines(r, max_lines);
	csvio_reader_set_follow(r, follow);
	while ((rc = csvio_next(r, &rec)) != 0) {
		snprintf(b, sizeof(b), "%llu-%llu:",
		    (unsigned long long)rec.line,
		    (unsigned long long)rec.last_line);
		csvref_add(&o, b, strlen(b));
		if (rc < 0) {
			csvref_add(&o, "!", 1);
			csvref_add(&o, csvio_strerror(rec.err),
			    strlen(csvio_strerror(rec.err)));
			/* The reject covers one physical line. */
			assert_int_equal(rec.line, rec.last_line);
			assert_null(memchr(rec.raw, '\n', rec.rawlen));
		} else {
			for (size_t i = 0; i < rec.nf; i++) {
				csvref_add(&o, "[", 1);
				csvref_add(&o, rec.f[i].p, rec.f[i].len);
				csvref_add(&o, "]", 1);
			}
		}
		csvref_add(&o, "\n", 1);
	}
	csvio_reader_free(r);
	close(fd);
	if (o.s == NULL)
		csvref_add(&o, "", 0);
	return o.s;
}

static void
test_resync(void **state)
{
	static const struct {
		const char *in;
		size_t nfields, max_lines;
		int follow;
		const char *want;
	} cases[] = {
		/* A quoted field over lines is one record, lines 2-3. */
		{ "A,B\n\"x\ny\",1\n2,z\n", 0, 0, 0,
		    "1-1:[A][B]\n2-3:[x\ny][1]\n4-4:[2][z]\n" },
		/* It cannot close consistently: line 2 alone is rejected. */
		{ "A,B\n\"x,1\n2,y\n3,\"z\"q\n4,w\n", 0, 0, 0,
		    "1-1:[A][B]\n2-2:!unterminated quoted field\n"
		    "3-3:[2][y]\n4-4:!malformed quoted field\n5-5:[4][w]\n" },
		/* It closes, but with the wrong field count (1, not 2). */
		{ "A,B\n\"x,1\n2,y\n3,\"\n4,w\n", 0, 0, 0,
		    "1-1:[A][B]\n2-4:[x,1\n2,y\n3,]\n5-5:[4][w]\n" },
		{ "A,B\n\"x,1\n2,y\n3,\"\n4,w\n", 2, 0, 0,
		    "1-1:[A][B]\n2-2:!unterminated quoted field\n"
		    "3-3:[2][y]\n4-4:!unterminated quoted field\n5-5:[4][w]\n" },
		{ "A,B\n\"x\ny\",1\n", 2, 0, 0,
		    "1-1:[A][B]\n2-3:[x\ny][1]\n" },
		/* A single-line record keeps its count, whatever it is. */
		{ "A,B\n1,2,3\n", 2, 0, 0, "1-1:[A][B]\n2-2:[1][2][3]\n" },
		/* At most 2 lines a record. */
		{ "A,B\n\"x\ny\",1\n\"p\nq\nr\",2\n", 0, 2, 0,
		    "1-1:[A][B]\n2-3:[x\ny][1]\n4-4:!unterminated quoted field\n"
		    "5-5:[q]\n6-6:!malformed quoted field\n" },
		/* Following: an open quote is given up once max_lines - 1
		 * lines have come after its own; without a bound it waits
		 * for more input. */
		{ "A,B\n\"x,1\n2,y\n3,z\n", 0, 3, 1,
		    "1-1:[A][B]\n2-2:!unterminated quoted field\n3-3:[2][y]\n"
		    "4-4:[3][z]\n" },
		{ "A,B\n\"x,1\n2,y\n", 0, 3, 1, "1-1:[A][B]\n" },
		{ "A,B\n\"x,1\n2,y\n3,z\n", 0, 0, 1, "1-1:[A][B]\n" },
		/* Blank lines after an unclosed quote: the input ends in it. */
		{ "A\n\"x\n\n", 0, 0, 0,
		    "1-1:[A]\n2-2:!input ends inside a quoted field\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = render_lines(cases[i].in, cases[i].nfields,
		    cases[i].max_lines, cases[i].follow);
		if (strcmp(got, cases[i].want) != 0) {
			print_error("case %zu: in <%s>\nwant <%s>\ngot  <%s>\n",
			    i, cases[i].in, cases[i].want, got);
			fail();
		}
		free(got);
	}
}

static void
test_resync_many_rows(void **state)
{
	/* One stray quote, then 1,000 valid rows and no closing quote:
	 * every one of them is read. */
	size_t cap = 64 * 1024, n = 0, k;
	char *in = malloc(cap);
	struct csvref_out o = { 0 };

	(void)state;
	n += (size_t)snprintf(in + n, cap - n, "A,B\n\"x,1\n");
	for (k = 0; k < 1000; k++)
		n += (size_t)snprintf(in + n, cap - n, "%zu,v\n", k);
	assert_int_equal(render_csvio(in, n, 0, 0, &o), 1001);
	assert_non_null(strstr(o.s, "[A][B]\n!unterminated quoted field\n[0][v]\n"));
	assert_non_null(strstr(o.s, "[999][v]\n"));
	free(o.s);
	free(in);
}

static void
test_differential_resync(void **state)
{
	/* Valid rows with a stray quote now and then: csvio and libcsv
	 * (resynchronised by the rule) read the same rows. */
	static const char *atoms[] = { "a", "12.50", "", "x y", "\"",
	    "\"q\"", "\"m\nl\"", "\"\"\"\"", "z\"", "\r" };
	struct rng rng;
	int iter;

	(void)state;
	rng_seed(&rng, 2024);
	for (iter = 0; iter < 20000; iter++) {
		char buf[512];
		size_t n = 0;
		int rows = 1 + (int)rng_below(&rng, 8), r, f;
		for (r = 0; r < rows && n + 64 < sizeof(buf); r++) {
			int nf = 1 + (int)rng_below(&rng, 4);
			for (f = 0; f < nf; f++) {
				const char *a = atoms[rng_below(&rng,
				    rng_below(&rng, 8) == 0 ? 10 : 4)];
				if (f > 0)
					buf[n++] = ',';
				memcpy(buf + n, a, strlen(a));
				n += strlen(a);
			}
			buf[n++] = '\n';
		}
		differential(buf, n);
	}
}

static void
test_writer(void **state)
{
	char buf[64];
	size_t n = 0;

	(void)state;
	assert_int_equal(csvio_append_field(buf, sizeof(buf), &n, "plain", 5, ','), 0);
	buf[n++] = ',';
	assert_int_equal(csvio_append_field(buf, sizeof(buf), &n, "a,\"b\"", 5, ','), 0);
	assert_int_equal(n, 6 + 9);
	assert_memory_equal(buf, "plain,\"a,\"\"b\"\"\"", n);
	n = 60;
	assert_int_equal(csvio_append_field(buf, sizeof(buf), &n, "toolong", 7, ','), -1);
	assert_int_equal(n, 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_line_numbers_and_offsets),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_differential_generated),
		cmocka_unit_test(test_differential_fuzzed),
		cmocka_unit_test(test_differential_wide),
		cmocka_unit_test(test_differential_big),
		cmocka_unit_test(test_differential_fuzzed_long),
		cmocka_unit_test(test_nonblocking_pipe),
		cmocka_unit_test(test_budget),
		cmocka_unit_test(test_truncated_raw),
		cmocka_unit_test(test_resync),
		cmocka_unit_test(test_resync_many_rows),
		cmocka_unit_test(test_differential_resync),
		cmocka_unit_test(test_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
