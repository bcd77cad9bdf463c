/* Tests of mqtt2kafka's on-disk state: the journal (append, replay after a
 * crash, torn records, segment removal), InvoiceNo persistence and the
 * BSON archive (dedup, torn tail, dump). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../mqtt2kafka/archive.h"
#include "../../mqtt2kafka/invno.h"
#include "../../mqtt2kafka/journal.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/m2k-unit.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
count_segments(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "journal.", 8) == 0;
	closedir(d);
	return n;
}

struct seen {
	int n;
	char payloads[16][32];
	uint32_t segs[16];
	int64_t invnos[16];
};

static int
collect(void *arg, uint32_t seg, const struct jrec *r)
{
	struct seen *s = arg;

	snprintf(s->payloads[s->n], 32, "%.*s", (int)r->len, r->payload);
	s->segs[s->n] = seg;
	s->invnos[s->n++] = r->invno;
	return 0;
}

static void
append(struct journal *j, int64_t invno, const char *p)
{
	struct jrec r = { invno, 1, "t", 1, p, strlen(p) };

	assert_true(journal_append(j, &r) >= 0);
}

static void
test_journal_replay(void **state)
{
	char err[256], path[128];
	struct journal *j;
	struct seen s;
	int fd, i;

	(void)state;
	j = journal_open(dir, 16, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(journal_replay(j, collect, &s), 0);
	/* 16-byte segments: each record rolls to a new one. */
	append(j, 1, "one");
	append(j, 2, "two");
	append(j, 0, "three");
	journal_done(j, 1);	/* "one" delivered */
	assert_int_equal(journal_sync(j), 0);
	/* Segment 1 went when it was rolled and done; closing (or a crash)
	 * leaves the two with undelivered records. */
	journal_close(j);
	assert_int_equal(count_segments(), 2);
	snprintf(path, sizeof(path), "%s/journal.%010u", dir, 3U);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "\x4d\x32\x4b", 3), 3);	/* torn */
	close(fd);

	j = journal_open(dir, 1 << 20, err, sizeof(err));
	assert_non_null(j);
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_replay(j, collect, &s), 2);
	assert_string_equal(s.payloads[0], "two");
	assert_int_equal(s.invnos[0], 2);
	assert_string_equal(s.payloads[1], "three");
	assert_int_equal(s.invnos[1], 0);
	append(j, 4, "four");	/* goes to a new segment, 4 */
	for (i = 0; i < s.n; i++)
		journal_done(j, s.segs[i]);
	assert_int_equal(count_segments(), 1);
	journal_done(j, 4);
	journal_close(j);
	assert_int_equal(count_segments(), 0);
}

static void
test_invno(void **state)
{
	char err[256], path[128];
	struct invno n;
	int64_t last = 0, v;
	int i;
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/invoice-no", dir);
	assert_int_equal(invno_open(&n, path, 10, err, sizeof(err)), 0);
	for (i = 0; i < 25; i++) {
		v = invno_next(&n);
		assert_true(v > last);
		last = v;
	}
	assert_int_equal(last, 25);
	/* A crash: the next run starts past the reserved block. */
	invno_close(&n);
	assert_int_equal(invno_open(&n, path, 10, err, sizeof(err)), 0);
	v = invno_next(&n);
	assert_int_equal(v, 31);
	invno_close(&n);
	fp = fopen(path, "w");
	fputs("x12\n", fp);
	fclose(fp);
	assert_int_equal(invno_open(&n, path, 10, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an invoice number"));
}

static void
test_archive(void **state)
{
	char err[256], path[128], out[4096];
	struct archive *a;
	bson_t *doc;
	FILE *fp;
	size_t n;
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.bson", dir);
	a = archive_open(path, err, sizeof(err));
	assert_non_null(a);
	doc = BCON_NEW("InvoiceNo", BCON_INT64(1), "MessageId",
	    BCON_UTF8("00000000000000aa11"), "FirstName", BCON_UTF8("A, \"B\""),
	    "Items", "{", "tv", BCON_INT32(2), "book", BCON_INT32(1), "}");
	assert_int_equal(archive_add(a, archive_key("00000000000000aa11", 18),
	    doc), 1);
	assert_int_equal(archive_add(a, archive_key("00000000000000aa11", 18),
	    doc), 0);
	assert_int_equal(archive_close(a), 0);
	/* A torn document at the end is cut off; ids survive reopening. */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "\x30\0\0\0\x02", 5), 5);
	close(fd);
	a = archive_open(path, err, sizeof(err));
	assert_non_null(a);
	assert_int_equal(archive_count(a), 1);
	assert_int_equal(archive_add(a, archive_key("00000000000000aa11", 18),
	    doc), 0);
	assert_int_equal(archive_close(a), 0);
	bson_destroy(doc);

	fp = fmemopen(out, sizeof(out), "w");
	assert_int_equal(archive_dump(path, 0, fp, err, sizeof(err)), 1);
	fclose(fp);
	assert_string_equal(out, "InvoiceNo,MessageId,FirstName,LastName,"
	    "PhoneNumber,Date,Time,DayOfWeek,Items,Total\n"
	    "1,00000000000000aa11,\"A, \"\"B\"\"\",,,,,,tv:2;book:1,\n");
	fp = fmemopen(out, sizeof(out), "w");
	assert_int_equal(archive_dump(path, 1, fp, err, sizeof(err)), 1);
	fclose(fp);
	assert_string_equal(out, "{\"InvoiceNo\":1,\"MessageId\":"
	    "\"00000000000000aa11\",\"FirstName\":\"A, \\\"B\\\"\",\"Items\":"
	    "{\"tv\":2,\"book\":1}}\n");
	n = strlen(path);
	assert_int_equal(archive_dump("/nonexistent/x", 0, stdout, err,
	    sizeof(err)), -1);
	(void)n;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_journal_replay, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_invno, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
