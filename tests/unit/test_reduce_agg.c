/* Tests of reduce/agg.c: aggregates, rejects, snapshot CSV, state save,
 * load and merge, and checkpoint corruption. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../reduce/agg.h"
#include "../../reduce/spec.h"
#include "csvio.h"

static char tmpdir[] = "/tmp/test_reduce_agg.XXXXXX";

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

/* Feed CSV text (header first) to a; the reasons of rejected rows are
 * appended to whys, one a line, when it is not NULL. */
static void
feed(struct agg *a, const char *csv, char *whys, size_t wcap)
{
	FILE *fp = tmpfile();
	struct csvio_reader *r;
	struct csvio_record rec;
	char err[256], why[256];
	int rc, first = 1, fd;

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
		if (rc < 0) {
			agg_count_reject(a);
			continue;
		}
		if (first) {
			if (agg_bind(a, &rec, "Timestamp", err, sizeof(err)) != 0) {
				print_error("bind: %s\n", err);
				fail();
			}
			first = 0;
			continue;
		}
		if (agg_row(a, &rec, why, sizeof(why)) == -1 && whys != NULL) {
			strncat(whys, why, wcap - strlen(whys) - 2);
			strcat(whys, "\n");
		}
	}
	csvio_reader_free(r);
	close(fd);
}

/* The CSV of aggregate i as a string (caller frees). */
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

static const char input[] =
    "Timestamp,Branch,Item,Price,Qty\n"
    "2024-01-06 09:15:00,B,\"x,1\",10.50,2\n"
    "2024-01-07 13:00:00,A,y,3.25,1.0\n"
    "07-01-2024 21:30,A,\"x,1\",-1.75,3\n"
    "2024-01-07 13:59:59,B,y,0.05,1\n"
    "2024-02-01 00:00:00,A,z,100,4\n";

static void
test_aggregates(void **state)
{
	struct agg *a = engine(
	    "s.csv: Branch -> T=sum(Price), N=count(), Lo=min(Price), "
	    "Hi=max(Qty):int, M=mean(Price), D=distinct(Item)\n"
	    "t.csv: Branch,TimeSlot,Hour -> Q=sum(Qty):int\n"
	    "d.csv: Date,DayOfWeek,Week,Month -> N=count()\n"
	    "k.csv: -> T=sum(Price), D=distinct(Branch), R=rejected()\n");
	char *s;

	(void)state;
	feed(a, input, NULL, 0);
	assert_int_equal(agg_rows(a), 5);
	s = csv_of(a, 0);
	assert_string_equal(s, "Branch,T,N,Lo,Hi,M,D\n"
	    "A,101.50,3,-1.75,4,33.83,3\n"
	    "B,10.55,2,0.05,2,5.28,2\n");
	free(s);
	s = csv_of(a, 1);
	assert_string_equal(s, "Branch,TimeSlot,Hour,Q\n"
	    "A,Afternoon,13,1\n"
	    "A,Night,00,4\n"
	    "A,Night,21,3\n"
	    "B,Afternoon,13,1\n"
	    "B,Morning,09,2\n");
	free(s);
	s = csv_of(a, 2);
	assert_string_equal(s, "Date,DayOfWeek,Week,Month,N\n"
	    "2024-01-06,Saturday,2024-W00,2024-01,1\n"
	    "2024-01-07,Sunday,2024-W01,2024-01,3\n"
	    "2024-02-01,Thursday,2024-W04,2024-02,1\n");
	free(s);
	s = csv_of(a, 3);
	assert_string_equal(s, "T,D,R\n112.05,2,0\n");
	free(s);
	agg_free(a);
}

static void
test_empty_state(void **state)
{
	struct agg *a = engine("s.csv: Branch -> T=sum(Price)\n"
	    "k.csv: -> T=sum(Price), N=count(), Lo=min(Price), M=mean(Price)\n");
	char *s;

	(void)state;
	feed(a, "Timestamp,Branch,Price\n", NULL, 0);
	s = csv_of(a, 0);
	assert_string_equal(s, "Branch,T\n");
	free(s);
	s = csv_of(a, 1);
	assert_string_equal(s, "T,N,Lo,M\n0.00,0,,\n");
	free(s);
	agg_free(a);
}

static void
test_rejects(void **state)
{
	struct agg *a = engine("s.csv: Branch,Week -> T=sum(Price), "
	    "R=rejected()\n");
	char whys[2048], *s;

	(void)state;
	feed(a, "Timestamp,Branch,Price\n"
	    "2024-01-06 09:15:00,B,1.00\n"
	    "2024-01-06 09:15:00,B\n"
	    ",,\n"
	    "2024-01-06 09:15:00,B,abc\n"
	    "2024-01-06 09:15:00,B,1.005\n"
	    "2024-01-06 09:15:00,B,\n"
	    "2024-13-06 09:15:00,B,1\n"
	    "2024-01-06 24:15:00,B,1\n"
	    "2023-02-29,B,1\n"
	    "06-01-2024 9:5,B,1\n"
	    "2024-01-06 09:15:00,B,1,x\n"
	    "2024-01-06 09:15:00,B,\"1\n2\"\n"
	    "2024-01-06 09:15:00,B,12345678901234567890123456789012345678901\n"
	    "2024-01-06,B,2.50\n",
	    whys, sizeof(whys));
	assert_string_equal(whys,
	    "wrong field count: 2, expected 3\n"
	    "empty row\n"
	    "bad number in Price: \"abc\"\n"
	    "bad number in Price: \"1.005\"\n"
	    "bad number in Price: \"\"\n"
	    "bad timestamp in Timestamp: \"2024-13-06 09:15:00\"\n"
	    "bad timestamp in Timestamp: \"2024-01-06 24:15:00\"\n"
	    "bad timestamp in Timestamp: \"2023-02-29\"\n"
	    "bad timestamp in Timestamp: \"06-01-2024 9:5\"\n"
	    "wrong field count: 4, expected 3\n"
	    "bad number in Price: \"1?2\"\n"
	    "bad number in Price: \"1234567890123456789012345678901234567890\"...\n");
	assert_int_equal(agg_rows(a), 2);
	assert_int_equal(agg_rejected(a), 12);
	s = csv_of(a, 0);
	assert_string_equal(s, "Branch,Week,T,R\nB,2024-W00,3.50,12\n");
	free(s);
	agg_free(a);
}

static void
test_missing_column(void **state)
{
	struct agg *a = engine("s.csv: Branch -> T=sum(Cost)\n");
	struct agg *b = engine("s.csv: Week -> N=count()\n");
	FILE *fp = tmpfile();
	struct csvio_reader *r;
	struct csvio_record rec;
	char err[256];
	int fd;

	(void)state;
	fputs("Time,Branch,Price\n", fp);
	fflush(fp);
	fd = dup(fileno(fp));
	fclose(fp);
	lseek(fd, 0, SEEK_SET);
	r = csvio_reader_new(fd, ',', 0);
	assert_int_equal(csvio_next(r, &rec), 1);
	assert_int_equal(agg_bind(a, &rec, "Timestamp", err, sizeof(err)), -1);
	assert_string_equal(err, "no column 'Cost' in the header");
	assert_int_equal(agg_bind(b, &rec, "Timestamp", err, sizeof(err)), -1);
	assert_string_equal(err, "no column 'Timestamp' in the header "
	    "(needed for time fields)");
	assert_int_equal(agg_bind(b, &rec, "Time", err, sizeof(err)), 0);
	csvio_reader_free(r);
	close(fd);
	agg_free(a);
	agg_free(b);
}

static void
test_header_column_wins(void **state)
{
	/* A "Week" column in the input is used as it is, not derived. */
	struct agg *a = engine("w.csv: Week -> n=count()\n");
	char *s;

	(void)state;
	feed(a, "Timestamp,Week\n2024-01-07 10:00:00,custom\n"
	    "not a time,custom\n", NULL, 0);
	s = csv_of(a, 0);
	assert_string_equal(s, "Week,n\ncustom,2\n");
	free(s);
	assert_int_equal(agg_rejected(a), 0);
	agg_free(a);
}

static const char spec_all[] =
    "s.csv: Branch,Month -> T=sum(Price), N=count(), Lo=min(Price), "
    "Hi=max(Price), M=mean(Price), D=distinct(Item)\n"
    "k.csv: -> D=distinct(Branch), R=rejected(), Q=sum(Qty):int\n";

static void
assert_same_output(struct agg *x, struct agg *y, size_t ntab)
{
	size_t i;

	for (i = 0; i < ntab; i++) {
		char *sx = csv_of(x, i), *sy = csv_of(y, i);
		assert_string_equal(sx, sy);
		free(sx);
		free(sy);
	}
	assert_int_equal(agg_rows(x), agg_rows(y));
	assert_int_equal(agg_rejected(x), agg_rejected(y));
}

static void
test_state_round_trip(void **state)
{
	struct agg *a = engine(spec_all), *b = engine(spec_all);
	struct agg_pos pos = { .input = "in, \"quoted\".csv", .offset = 1234,
	    .line = 56, .rejects_size = 78 }, got;
	char path[512], err[512];
	int64_t t;

	(void)state;
	feed(a, input, NULL, 0);
	agg_count_reject(a);
	snprintf(path, sizeof(path), "%s/rt.ckpt", tmpdir);
	assert_int_equal(agg_save(a, &pos, path, 1), 0);
	memset(&got, 0, sizeof(got));
	if (agg_load(b, path, &got, err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		fail();
	}
	assert_string_equal(got.input, pos.input);
	assert_int_equal(got.offset, 1234);
	assert_int_equal(got.line, 56);
	assert_int_equal(got.rejects_size, 78);
	assert_same_output(a, b, 2);
	assert_int_equal(agg_last_time(b, &t), 1);
	assert_int_equal(agg_rejected(b), 1);
	agg_free(a);
	agg_free(b);
}

static void write_signed(const char *path, const char *body);

/* A state gets an identity at its first save and keeps it: through later
 * saves, a load (resume) and a merge, which holds every part's. */
static void
test_identity(void **state)
{
	struct agg *a = engine(spec_all), *b = engine(spec_all),
	    *c = engine(spec_all), *m = engine(spec_all);
	struct agg_pos pos = { .input = "-", .offset = 0, .line = 1,
	    .rejects_size = 0 };
	char f1[512], f2[512], f3[512], err[512], id[AGG_IDLEN + 1];
	char *p, body[8192];
	FILE *fp;
	size_t n;

	(void)state;
	feed(a, input, NULL, 0);
	snprintf(f1, sizeof(f1), "%s/id1.ckpt", tmpdir);
	snprintf(f2, sizeof(f2), "%s/id2.ckpt", tmpdir);
	snprintf(f3, sizeof(f3), "%s/id3.ckpt", tmpdir);
	assert_int_equal(agg_nids(a), 0);
	assert_int_equal(agg_save(a, &pos, f1, 1), 0);
	assert_int_equal(agg_nids(a), 1);
	assert_int_equal(strlen(agg_id(a, 0)), AGG_IDLEN);
	snprintf(id, sizeof(id), "%s", agg_id(a, 0));
	assert_int_equal(agg_save(a, &pos, f1, 1), 0);
	assert_int_equal(agg_nids(a), 1);
	assert_string_equal(agg_id(a, 0), id);
	/* Resumed: the same identity. */
	assert_int_equal(agg_load(b, f1, NULL, err, sizeof(err)), 0);
	assert_int_equal(agg_nids(b), 1);
	assert_string_equal(agg_id(b, 0), id);
	/* Another run: another identity. */
	feed(c, input, NULL, 0);
	assert_int_equal(agg_save(c, &pos, f2, 1), 0);
	assert_string_not_equal(agg_id(c, 0), id);
	/* A merge holds both, and saves both. */
	assert_int_equal(agg_load(m, f1, NULL, err, sizeof(err)), 0);
	assert_int_equal(agg_load(m, f2, NULL, err, sizeof(err)), 0);
	assert_int_equal(agg_nids(m), 2);
	assert_int_equal(agg_save(m, &pos, f3, 1), 0);
	agg_free(b);
	b = engine(spec_all);
	assert_int_equal(agg_load(b, f3, NULL, err, sizeof(err)), 0);
	assert_int_equal(agg_nids(b), 2);
	assert_string_equal(agg_id(b, 0), id);
	assert_string_equal(agg_id(b, 1), agg_id(c, 0));
	/* A version 1 checkpoint (no identity) is still read. */
	fp = fopen(f1, "r");
	assert_non_null(fp);
	n = fread(body, 1, sizeof(body) - 1, fp);
	fclose(fp);
	body[n] = '\0';
	*strstr(body, "crc32,") = '\0';
	assert_non_null(p = strstr(body, "id,"));
	memmove(p, p + 4 + AGG_IDLEN, strlen(p + 4 + AGG_IDLEN) + 1);
	assert_non_null(p = strstr(body, "reduce-checkpoint,2\n"));
	p[18] = '1';
	write_signed(f3, body);
	agg_free(b);
	b = engine(spec_all);
	if (agg_load(b, f3, NULL, err, sizeof(err)) != 0) {
		print_error("%s\n", err);
		fail();
	}
	assert_int_equal(agg_nids(b), 0);
	assert_same_output(a, b, 2);
	agg_free(a);
	agg_free(b);
	agg_free(c);
	agg_free(m);
}

static void
test_merge(void **state)
{
	static const char part1[] =
	    "Timestamp,Branch,Item,Price,Qty\n"
	    "2024-01-06 09:15:00,B,\"x,1\",10.50,2\n"
	    "2024-01-07 13:00:00,A,y,3.25,1.0\n";
	static const char part2[] =
	    "Timestamp,Branch,Item,Price,Qty\n"
	    "07-01-2024 21:30,A,\"x,1\",-1.75,3\n"
	    "2024-01-07 13:59:59,B,y,0.05,1\n"
	    "2024-02-01 00:00:00,A,z,100,4\n";
	struct agg *whole = engine(spec_all), *p1 = engine(spec_all),
	    *p2 = engine(spec_all), *m = engine(spec_all);
	struct agg_pos pos = { .input = "-", .offset = 0, .line = 1,
	    .rejects_size = 0 };
	char f1[512], f2[512], err[512];

	(void)state;
	feed(whole, input, NULL, 0);
	feed(p1, part1, NULL, 0);
	feed(p2, part2, NULL, 0);
	snprintf(f1, sizeof(f1), "%s/p1.ckpt", tmpdir);
	snprintf(f2, sizeof(f2), "%s/p2.ckpt", tmpdir);
	assert_int_equal(agg_save(p1, &pos, f1, 1), 0);
	assert_int_equal(agg_save(p2, &pos, f2, 1), 0);
	assert_int_equal(agg_load(m, f2, NULL, err, sizeof(err)), 0);
	assert_int_equal(agg_load(m, f1, NULL, err, sizeof(err)), 0);
	assert_same_output(whole, m, 2);
	agg_free(whole);
	agg_free(p1);
	agg_free(p2);
	agg_free(m);
}

/* Write text as a checkpoint with a correct checksum. */
static void
write_signed(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fprintf(fp, "%scrc32,%08x\n", body,
	    (unsigned)agg_crc32(0, body, strlen(body)));
	fclose(fp);
}

static void
test_corruption(void **state)
{
	struct agg *a = engine(spec_all);
	struct agg_pos pos = { .input = "in.csv", .offset = 10, .line = 2,
	    .rejects_size = 0 };
	char path[512], bad[600], err[1024], *buf, want[1024];
	FILE *fp;
	long n;
	size_t i;
	static const struct {
		const char *body, *err;
	} signed_cases[] = {
		{ "reduce-checkpoint,3\nend\n",
		  "unsupported checkpoint version '3'" },
		{ "reduce-checkpoint,0\nend\n",
		  "unsupported checkpoint version '0'" },
		{ "reduce-checkpoint,2\nid,0123\nend\n",
		  ":2: corrupt checkpoint" },
		{ "reduce-checkpoint,2\nid,0123456789ABCDEF0123456789abcdef\nend\n",
		  ":2: corrupt checkpoint" },
		{ "something,1\nend\n", "not a reduce checkpoint" },
		{ "reduce-checkpoint,1\nspec,00000000\nend\n",
		  "checkpoint was made with a different spec" },
		{ "reduce-checkpoint,1\ntotals,1,2\nend\n",
		  ":2: corrupt checkpoint" },
		{ "reduce-checkpoint,1\ntotals,1,2,3\n",
		  "corrupt checkpoint (truncated)" },
		/* The day's first row after the newest, or on another date. */
		{ "reduce-checkpoint,1\ntotals,1,0,100,200,300\nend\n",
		  ":2: corrupt checkpoint" },
		{ "reduce-checkpoint,1\ntotals,1,0,100,200000,100\nend\n",
		  ":2: corrupt checkpoint" },
	};

	(void)state;
	feed(a, input, NULL, 0);
	snprintf(path, sizeof(path), "%s/c.ckpt", tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.ckpt", tmpdir);
	assert_int_equal(agg_save(a, &pos, path, 1), 0);
	fp = fopen(path, "r");
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);

	/* One flipped byte anywhere in the body. */
	buf[n / 2] ^= 0x01;
	fp = fopen(bad, "w");
	fwrite(buf, 1, (size_t)n, fp);
	fclose(fp);
	buf[n / 2] ^= 0x01;
	{
		struct agg *b = engine(spec_all);
		assert_int_equal(agg_load(b, bad, NULL, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: corrupt checkpoint (checksum "
		    "mismatch)", bad);
		assert_string_equal(err, want);
		agg_free(b);
	}
	/* Cut short. */
	fp = fopen(bad, "w");
	fwrite(buf, 1, (size_t)n - 5, fp);
	fclose(fp);
	{
		struct agg *b = engine(spec_all);
		assert_int_equal(agg_load(b, bad, NULL, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: corrupt checkpoint (no "
		    "checksum)", bad);
		assert_string_equal(err, want);
		agg_free(b);
	}
	/* Well signed but wrong inside. */
	for (i = 0; i < sizeof(signed_cases) / sizeof(signed_cases[0]); i++) {
		struct agg *b = engine(spec_all);
		write_signed(bad, signed_cases[i].body);
		assert_int_equal(agg_load(b, bad, NULL, err, sizeof(err)), -1);
		if (strstr(err, signed_cases[i].err) == NULL ||
		    strncmp(err, bad, strlen(bad)) != 0) {
			print_error("case %zu: got <%s>\n", i, err);
			fail();
		}
		agg_free(b);
	}
	/* A missing file. */
	{
		struct agg *b = engine(spec_all);
		snprintf(want, sizeof(want), "%s/none.ckpt", tmpdir);
		assert_int_equal(agg_load(b, want, NULL, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "No such file"));
		agg_free(b);
	}
	free(buf);
	agg_free(a);
}

/* Counts that run past int64 in a well-signed checkpoint (one group
 * repeated) are corrupt, not a signed overflow (found by
 * tests/fuzz/fuzz_reduce_state.c's harness under UBSan). */
static void
test_corrupt_counts(void **state)
{
#define BIG	"2305843009213693951"	/* INT64_MAX / 4, the largest allowed */
#define G_BIG	"g,0," BIG ",0,0,0," BIG ",0,0,0," BIG ",0,0\n"
#define TOT_MAX	"totals,9223372036854775807,0,\n"
	static const struct {
		const char *body, *err;
	} cases[] = {
		{ "table,k.csv,1\n" G_BIG G_BIG G_BIG G_BIG G_BIG,
		  ":8: corrupt checkpoint" },
		{ TOT_MAX TOT_MAX TOT_MAX, ":5: corrupt checkpoint" },
	};
	struct agg *a = engine(spec_all);
	struct agg_pos pos = { .input = "in.csv", .offset = 0, .line = 1,
	    .rejects_size = 0 };
	char path[512], body[2048], err[1024], head[64];
	FILE *fp;
	size_t i;

	(void)state;
	/* The first two lines (magic, spec fingerprint) of a real one. */
	snprintf(path, sizeof(path), "%s/counts.ckpt", tmpdir);
	assert_int_equal(agg_save(a, &pos, path, 1), 0);
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(fgets(head, sizeof(head), fp));
	assert_non_null(fgets(head + strlen(head), sizeof(head) -
	    strlen(head), fp));
	fclose(fp);
	assert_non_null(strstr(head, "\nspec,"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct agg *b = engine(spec_all);
		snprintf(body, sizeof(body), "%s%s", head, cases[i].body);
		write_signed(path, body);
		assert_int_equal(agg_load(b, path, NULL, err, sizeof(err)), -1);
		if (strstr(err, cases[i].err) == NULL) {
			print_error("case %zu: got <%s>\n", i, err);
			fail();
		}
		agg_free(b);
	}
	agg_free(a);
#undef BIG
#undef G_BIG
#undef TOT_MAX
}

static void
test_snapshot_files(void **state)
{
	struct agg *a = engine(spec_all);
	char dir[512], path[600], line[256], err[600];
	FILE *fp;

	(void)state;
	feed(a, input, NULL, 0);
	snprintf(dir, sizeof(dir), "%s", tmpdir);
	assert_int_equal(agg_write_snapshot(a, dir, 1, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/k.csv", dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_string_equal(line, "D,R,Q\n");
	assert_non_null(fgets(line, sizeof(line), fp));
	assert_string_equal(line, "2,0,11\n");
	fclose(fp);
	/* A directory that is not there. */
	snprintf(dir, sizeof(dir), "%s/no/such", tmpdir);
	assert_int_equal(agg_write_snapshot(a, dir, 1, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/s.csv", dir);
	assert_string_equal(err, path);
	agg_free(a);
}

static void
test_overflow(void **state)
{
	/* Sums saturate at the 64-bit end, flagged, never wrap. */
	struct agg *a = engine("k.csv: -> T=sum(V), M=max(V)\n");
	char *s;

	(void)state;
	feed(a, "V\n90000000000000000.00\n90000000000000000.00\n"
	    "-1.00\n", NULL, 0);
	assert_int_equal(agg_overflowed(a), 1);
	s = csv_of(a, 0);
	assert_string_equal(s, "T,M\n92233720368547757.07,"
	    "90000000000000000.00\n");
	free(s);
	agg_free(a);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void
test_many_keys(void **state)
{
	/* Keys of every length 0..24 that differ in one byte, each seen a
	 * known number of times: the interner's cache must never mix two. */
	struct agg *a = engine("k.csv: K -> n=count()\n");
	char *keys[600], *csv, *want, *got;
	size_t nk = 0, i, len, pos, cap = 1 << 20, n = 0, w = 0;

	(void)state;
	csv = malloc(cap);
	want = malloc(cap);
	for (len = 0; len <= 24; len++)
		for (pos = 0; pos < (len ? len : 1); pos++) {
			char *k = malloc(len + 1);
			memset(k, 'a', len);
			if (len > 0)
				k[pos] = 'b';
			k[len] = '\0';
			keys[nk++] = k;
		}
	n += (size_t)sprintf(csv + n, "K,x\n");
	for (i = 0; i < 4000; i++) {
		const char *k = keys[(i * 7) % nk];
		n += (size_t)sprintf(csv + n, "%s,1\n", *k ? k : "\"\"");
	}
	feed(a, csv, NULL, 0);
	qsort(keys, nk, sizeof(keys[0]), cmp_str);
	w += (size_t)sprintf(want + w, "K,n\n");
	/* Count by brute force in the original order. */
	{
		char *orig[600];
		size_t on = 0, j;
		for (len = 0; len <= 24; len++)
			for (pos = 0; pos < (len ? len : 1); pos++) {
				char *k = malloc(len + 1);
				memset(k, 'a', len);
				if (len > 0)
					k[pos] = 'b';
				k[len] = '\0';
				orig[on++] = k;
			}
		for (i = 0; i < nk; i++) {
			size_t cnt = 0;
			for (j = 0; j < 4000; j++)
				if (strcmp(orig[(j * 7) % on], keys[i]) == 0)
					cnt++;
			if (cnt > 0)
				w += (size_t)sprintf(want + w, "%s,%zu\n",
				    keys[i], cnt);
		}
		for (j = 0; j < on; j++)
			free(orig[j]);
	}
	got = csv_of(a, 0);
	assert_string_equal(got, want);
	free(got);
	for (i = 0; i < nk; i++)
		free(keys[i]);
	free(csv);
	free(want);
	agg_free(a);
}

/* Issue 13: trimmed fields, fractional quantities, one-digit hours (on
 * the cached date too), IsoWeek, mintime() and maxtime(), the newest row
 * time. */
static void
test_day_one(void **state)
{
	struct agg *a = engine("s.csv: Branch,Hour -> T=sum(Price), "
	    "Q=sum(Qty):int\n"
	    "w.csv: Week,IsoWeek -> N=count()\n"
	    "k.csv: -> F=mintime(), L=maxtime(), N=count()\n");
	char whys[1024], *s;
	int64_t t;

	(void)state;
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	feed(a, " Timestamp , Branch ,Price,Qty\n"
	    "30-12-2024 8:19, B , 1.50 ,2\n"
	    "30-12-2024 8:19:30,B,1.00, 1.0\n"
	    "30-12-2024 18:05,B,1.00,1\n"
	    "30-12-2024 8 12:30,B,1.00,1\n"
	    "29-12-2024 23:59,\" B\",2.00,1\n"
	    "30-12-2024 9:00,B,1.00,2.5\n",
	    whys, sizeof(whys));
	assert_string_equal(whys,
	    "bad timestamp in Timestamp: \"30-12-2024 8 12:30\"\n"
	    "fractional quantity in Qty: \"2.5\"\n");
	assert_int_equal(agg_rows(a), 4);
	s = csv_of(a, 0);
	assert_string_equal(s, "Branch,Hour,T,Q\n"
	    " B,23,2.00,1\nB,08,2.50,3\nB,18,1.00,1\n");
	free(s);
	s = csv_of(a, 1);
	assert_string_equal(s, "Week,IsoWeek,N\n2024-W52,2024-W52,1\n"
	    "2024-W52,2025-W01,3\n");
	free(s);
	s = csv_of(a, 2);
	assert_string_equal(s, "F,L,N\n2024-12-29T23:59:00+05:30,"
	    "2024-12-30T18:05:00+05:30,4\n");
	free(s);
	/* The last row is older than the newest. */
	assert_int_equal(agg_last_time(a, &t), 1);
	assert_int_equal(t, 1735516740);	/* 2024-12-29 23:59 */
	assert_int_equal(agg_max_time(a, &t), 1);
	assert_int_equal(t, 1735581900);	/* 2024-12-30 18:05 */
	unsetenv("TZ");
	tzset();
	agg_free(a);
}

/* A date shorter than 10 bytes is never cached as one: "6-1-2024 9" is
 * not a date prefix, so "6-1-2024 9 12:30" is no hour 12. */
static void
test_short_date_cache(void **state)
{
	struct agg *a = engine("s.csv: Date,Hour -> N=count()\n");
	char whys[512], *s;

	(void)state;
	feed(a, "Timestamp,B\n"
	    "6-1-2024 9:15,x\n"
	    "6-1-2024 9 12:30,x\n"
	    "6-1-2024 9:15:00,x\n",
	    whys, sizeof(whys));
	assert_string_equal(whys,
	    "bad timestamp in Timestamp: \"6-1-2024 9 12:30\"\n");
	s = csv_of(a, 0);
	assert_string_equal(s, "Date,Hour,N\n2024-01-06,09,2\n");
	free(s);
	agg_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aggregates),
		cmocka_unit_test(test_empty_state),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_missing_column),
		cmocka_unit_test(test_header_column_wins),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_corruption),
		cmocka_unit_test(test_corrupt_counts),
		cmocka_unit_test(test_snapshot_files),
		cmocka_unit_test(test_many_keys),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_day_one),
		cmocka_unit_test(test_short_date_cache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
