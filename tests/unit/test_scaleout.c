/* Tests of reduce/kafkain.c (partition lists, topic names, the merge check
 * of Kafka positions) and of exact merging of partial aggregate states, as
 * two reduce instances that each own some keys produce them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../reduce/agg.h"
#include "../../reduce/kafkain.h"
#include "../../reduce/spec.h"
#include "csvio.h"
#include "kafkaconf.h"

static void
test_partitions(void **state)
{
	static const struct {
		const char *in;
		int ok;
		const char *want;	/* the ids, comma-separated */
	} cases[] = {
		{ "0", 1, "0" },
		{ "0,2,4", 1, "0,2,4" },
		{ "0-2", 1, "0,1,2" },
		{ "3-5,0", 1, "0,3,4,5" },
		{ "1,1,0-1", 1, "0,1" },
		{ "1023", 1, "1023" },
		{ "", 0, NULL },
		{ ",", 0, NULL },
		{ "1,", 0, NULL },
		{ ",1", 0, NULL },
		{ "3-1", 0, NULL },
		{ "-1", 0, NULL },
		{ "1024", 0, NULL },
		{ "a", 0, NULL },
		{ "1-", 0, NULL },
		{ "0x1", 0, NULL },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		static int32_t parts[KIN_MAXPARTS];
		char got[256] = "";
		size_t n = 0, len = 0;
		int rc = kin_parse_partitions(cases[i].in, parts, &n);
		if (!cases[i].ok) {
			if (rc != -1)
				fail_msg("'%s' parsed", cases[i].in);
			continue;
		}
		if (rc != 0)
			fail_msg("'%s' did not parse", cases[i].in);
		for (j = 0; j < n; j++)
			len += (size_t)snprintf(got + len, sizeof(got) - len,
			    "%s%d", j ? "," : "", parts[j]);
		assert_string_equal(got, cases[i].want);
	}
}

static void
test_topics(void **state)
{
	static const struct {
		const char *t;
		int ok;
	} cases[] = {
		{ "sales", 1 }, { "a.b_c-D9", 1 }, { "", 0 }, { "a,b", 0 },
		{ "a b", 0 }, { "a/b", 0 }, { "\xc3\xa9", 0 },
	};
	char longname[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(kafka_topic_ok(cases[i].t), cases[i].ok ? 0 : -1);
	memset(longname, 'a', 249);
	longname[249] = '\0';
	assert_int_equal(kafka_topic_ok(longname), 0);
	longname[249] = 'a';
	longname[250] = '\0';
	assert_int_equal(kafka_topic_ok(longname), -1);
}

static void
test_merge_check(void **state)
{
	/* Checkpoints noted in order; the first failing one and its message. */
	static const struct {
		const char *ext[3];
		int fails_at;	/* index, -1: none */
		const char *msg;
	} cases[] = {
		{ { "ext,kafka,s,0,9,,0\next,kafka,s,1,4,17,2\n",
		    "ext,kafka,s,2,9,,0\n", NULL }, -1, NULL },
		{ { "ext,kafka,s,0,9,,0\n", "ext,kafka,s,3,1,,0\n"
		    "ext,kafka,s,0,12,,0\n", NULL }, 1,
		  "c1: partition s[0] is counted in c0 too" },
		/* Another topic's partition 0 is another partition. */
		{ { "ext,kafka,s,0,9,,0\n", "ext,kafka,t,0,9,,0\n", NULL },
		  -1, NULL },
		/* Other kinds of position lines are not Kafka's business. */
		{ { "ext,other,x\n", "ext,other,x\n", NULL }, -1, NULL },
		{ { "", NULL, NULL }, -1, NULL },
		{ { "ext,kafka,s,0,9\n", NULL, NULL }, 0,
		  "c0: corrupt Kafka position" },
		{ { "ext,kafka,s,x,9,,0\n", NULL, NULL }, 0,
		  "c0: corrupt Kafka position" },
		{ { "ext,kafka,s,0,9,1.5,0\n", NULL, NULL }, 0,
		  "c0: corrupt Kafka position" },
	};
	size_t i, j, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kin_merge *m = kin_merge_new();
		char err[256], path[8];
		int failed = -1;
		size_t total = 0;
		assert_non_null(m);
		for (j = 0; j < 3 && cases[i].ext[j] != NULL; j++) {
			snprintf(path, sizeof(path), "c%zu", j);
			if (kin_merge_note(m, path, cases[i].ext[j],
			    strlen(cases[i].ext[j]), err, sizeof(err)) == -1) {
				failed = (int)j;
				break;
			}
			total += strlen(cases[i].ext[j]);
		}
		assert_int_equal(failed, cases[i].fails_at);
		if (failed >= 0)
			assert_string_equal(err, cases[i].msg);
		/* The merged checkpoint keeps every accepted line. */
		(void)kin_merge_ext(m, &len);
		assert_int_equal(len, total);
		kin_merge_free(m);
	}
}

/* ==== exact merging ===================================================== */

static const char spec_text[] =
    "d.csv: -> Customers=distinct(CustomerID), Rows=count()\n"
    "b.csv: Branch -> Customers=distinct(CustomerID), Lo=min(Amount), "
    "Hi=max(Amount), Avg=mean(Amount), Rev=sum(Amount)\n"
    "c.csv: Customer -> Branches=distinct(Branch)\n";

/* Feed the CSV text (header first) into a. */
static void
feed(struct agg *a, const char *text)
{
	struct csvio_reader *r;
	struct csvio_record rec;
	char err[256];
	int fd = memfd_create("t", 0), first = 1;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_non_null(r = csvio_reader_new(fd, ',', 0));
	while (csvio_next(r, &rec) == 1) {
		if (first) {
			assert_int_equal(agg_bind(a, &rec, "Timestamp", err,
			    sizeof(err)), 0);
			first = 0;
		} else
			assert_int_equal(agg_row(a, &rec, err, sizeof(err)), 0);
	}
	csvio_reader_free(r);
	close(fd);
}

static char *
snapshot(struct agg *a, size_t i)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(agg_write_csv(a, i, fp), 0);
	fclose(fp);
	return buf;
}

static void
test_distinct_merge(void **state)
{
	/* Rows keyed by branch: instance 1 owns N and S, instance 2 owns E.
	 * Customers 7 and 9 buy in both instances' branches, so the global
	 * distinct count only comes out right if the sets are merged. */
	static const char hdr[] = "Branch,CustomerID,Customer,Amount\n";
	static const char part1[] =
	    "N,7,c7,10.50\nN,9,c9,3.00\nS,7,c7,-2.25\nS,11,c11,100.00\n";
	static const char part2[] =
	    "E,9,c9,4.75\nE,7,c7,0.01\nE,12,c12,8.00\n";
	struct spec sp;
	struct agg *whole, *a1, *a2, *merged;
	struct agg_pos pos;
	char err[512], p1[64], p2[64], all[512], t1[512], t2[512];
	size_t i;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	assert_int_equal(spec_parse_text(&sp, spec_text, "t", err,
	    sizeof(err)), 0);
	snprintf(all, sizeof(all), "%s%s%s", hdr, part1, part2);
	snprintf(t1, sizeof(t1), "%s%s", hdr, part1);
	snprintf(t2, sizeof(t2), "%s%s", hdr, part2);
	assert_non_null(whole = agg_new(&sp));
	assert_non_null(a1 = agg_new(&sp));
	assert_non_null(a2 = agg_new(&sp));
	assert_non_null(merged = agg_new(&sp));
	feed(whole, all);
	feed(a1, t1);
	feed(a2, t2);
	snprintf(p1, sizeof(p1), "/tmp/li-scaleout-%d-1.ckpt", (int)getpid());
	snprintf(p2, sizeof(p2), "/tmp/li-scaleout-%d-2.ckpt", (int)getpid());
	memset(&pos, 0, sizeof(pos));
	pos.line = 1;
	pos.ext = "ext,kafka,s,0,3,,0\n";
	pos.extlen = strlen(pos.ext);
	assert_int_equal(agg_save(a1, &pos, p1, 1), 0);
	pos.ext = "ext,kafka,s,1,2,,0\n";
	assert_int_equal(agg_save(a2, &pos, p2, 1), 0);
	assert_int_equal(agg_load(merged, p1, NULL, err, sizeof(err)), 0);
	memset(&pos, 0, sizeof(pos));
	assert_int_equal(agg_load(merged, p2, &pos, err, sizeof(err)), 0);
	/* The Kafka position comes back as it was saved. */
	assert_int_equal(pos.extlen, strlen("ext,kafka,s,1,2,,0\n"));
	assert_memory_equal(pos.ext, "ext,kafka,s,1,2,,0\n", pos.extlen);
	free(pos.ext);
	for (i = 0; i < sp.naggs; i++) {
		char *w = snapshot(whole, i), *m = snapshot(merged, i);
		assert_string_equal(m, w);
		free(w);
		free(m);
	}
	{
		char *d = snapshot(merged, 0);
		/* Customers 7, 9, 11, 12 over 7 rows. */
		assert_string_equal(d, "Customers,Rows\n4,7\n");
		free(d);
	}
	unlink(p1);
	unlink(p2);
	agg_free(whole);
	agg_free(a1);
	agg_free(a2);
	agg_free(merged);
}

/* The in-memory merge of partition states (--state-dir) gives what a
 * single state fed every row gives, whatever the split into parts, and
 * merging into a used state adds up (distinct sets united). */
static void
test_agg_merge(void **state)
{
	static const char hdr[] = "Branch,CustomerID,Customer,Amount\n";
	static const char *const rows[] = {
		"N,7,c7,10.50\n", "N,9,c9,3.00\n", "S,7,c7,-2.25\n",
		"S,11,c11,100.00\n", "E,9,c9,4.75\n", "E,7,c7,0.01\n",
		"E,12,c12,8.00\n", "N,12,c12,0.99\n",
	};
	/* Which part each row goes to, per case (parts 0..2). */
	static const char *const splits[] = {
		"00000000", "01010101", "00011122", "21021021", "22222222",
	};
	struct spec sp, other;
	char err[512], all[1024];
	size_t c, i, r;

	(void)state;
	memset(&sp, 0, sizeof(sp));
	memset(&other, 0, sizeof(other));
	assert_int_equal(spec_parse_text(&sp, spec_text, "t", err,
	    sizeof(err)), 0);
	assert_int_equal(spec_parse_text(&other, "o.csv: -> n=count()\n", "t",
	    err, sizeof(err)), 0);
	snprintf(all, sizeof(all), "%s", hdr);
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
		strcat(all, rows[r]);
	for (c = 0; c < sizeof(splits) / sizeof(splits[0]); c++) {
		struct agg *whole, *parts[3], *merged, *o;
		char text[3][1024];
		for (i = 0; i < 3; i++)
			snprintf(text[i], sizeof(text[i]), "%s", hdr);
		for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++)
			strcat(text[splits[c][r] - '0'], rows[r]);
		assert_non_null(whole = agg_new(&sp));
		assert_non_null(merged = agg_new(&sp));
		feed(whole, all);
		for (i = 0; i < 3; i++) {
			assert_non_null(parts[i] = agg_new(&sp));
			feed(parts[i], text[i]);
			assert_int_equal(agg_merge(merged, parts[i]), 0);
		}
		assert_int_equal(agg_rows(merged), agg_rows(whole));
		for (i = 0; i < sp.naggs; i++) {
			char *w = snapshot(whole, i), *m = snapshot(merged, i);
			assert_string_equal(m, w);
			free(w);
			free(m);
		}
		/* Another spec's state is refused, and changes nothing. */
		assert_non_null(o = agg_new(&other));
		assert_int_equal(agg_merge(merged, o), -1);
		assert_int_equal(agg_rows(merged), agg_rows(whole));
		agg_free(o);
		for (i = 0; i < 3; i++)
			agg_free(parts[i]);
		agg_free(whole);
		agg_free(merged);
	}
}

/* A partition checkpoint holds one position: its own partition's. */
static void
test_part_ext(void **state)
{
	static const struct {
		const char *ext;
		int32_t part;
		int ok;
		const char *msg;	/* or the wanted last,hwm,dups */
	} cases[] = {
		{ "ext,kafka,s,3,41,,0\n", 3, 1, "41,-,0" },
		{ "ext,kafka,s,3,41,1009,7\n", 3, 1, "41,1009,7" },
		{ "ext,other,x\next,kafka,s,0,0,,0\n", 0, 1, "0,-,0" },
		{ "", 3, 0, "no Kafka position" },
		{ "ext,other,x\n", 3, 0, "no Kafka position" },
		{ "ext,kafka,s,2,41,,0\n", 3, 0, "holds s[2], not s[3]" },
		{ "ext,kafka,t,3,41,,0\n", 3, 0, "holds t[3], not s[3]" },
		{ "ext,kafka,s,3,41,,0\next,kafka,s,3,42,,0\n", 3, 0,
		  "more than one Kafka position (not a partition checkpoint)" },
		{ "ext,kafka,s,3,-1,,0\n", 3, 0, "corrupt Kafka position" },
		{ "ext,kafka,s,3,x,,0\n", 3, 0, "corrupt Kafka position" },
		{ "ext,kafka,s,3,41\n", 3, 0, "corrupt Kafka position" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t last = -5, hwm = -5;
		uint64_t dups = 5;
		int has_hwm = -1, rc;
		char err[256] = "", got[128];
		rc = kin_part_ext(cases[i].ext, strlen(cases[i].ext), "s",
		    cases[i].part, &last, &hwm, &has_hwm, &dups, err,
		    sizeof(err));
		if (!cases[i].ok) {
			assert_int_equal(rc, -1);
			assert_string_equal(err, cases[i].msg);
			continue;
		}
		assert_int_equal(rc, 0);
		if (has_hwm)
			snprintf(got, sizeof(got), "%lld,%lld,%llu",
			    (long long)last, (long long)hwm,
			    (unsigned long long)dups);
		else
			snprintf(got, sizeof(got), "%lld,-,%llu",
			    (long long)last, (unsigned long long)dups);
		assert_string_equal(got, cases[i].msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_topics),
		cmocka_unit_test(test_merge_check),
		cmocka_unit_test(test_distinct_merge),
		cmocka_unit_test(test_agg_merge),
		cmocka_unit_test(test_part_ext),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
