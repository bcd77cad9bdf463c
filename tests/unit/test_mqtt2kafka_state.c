/* Tests of mqtt2kafka's on-disk state: the journal (append, replay after a
 * crash, torn records, segment removal, space reserved ahead, write and
 * read failures), InvoiceNo persistence (blocks reserved ahead) and the
 * BSON archive (dedup, torn tail, no writes after a failed one, dump of
 * what is not a regular file). */
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
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
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
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	assert_int_equal(count_segments(), 0);
}

static int
stop_at_first(void *arg, uint32_t seg, const struct jrec *r)
{
	(void)arg;
	(void)seg;
	(void)r;
	return -1;
}

/* A replay cut short (a signal) keeps every segment it did not finish,
 * even when the records it did hand over are delivered. */
static void
test_journal_replay_cut(void **state)
{
	char err[256];
	struct journal *j;
	struct seen s;

	(void)state;
	j = journal_open(dir, 16, err, sizeof(err));
	append(j, 1, "one");
	append(j, 2, "two");
	append(j, 3, "three");
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	assert_int_equal(count_segments(), 3);
	j = journal_open(dir, 16, err, sizeof(err));
	assert_int_equal(journal_replay(j, stop_at_first, NULL), -1);
	assert_int_equal(errno, EINTR);
	journal_done(j, 1);
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	assert_int_equal(count_segments(), 3);
	j = journal_open(dir, 16, err, sizeof(err));
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_replay(j, collect, &s), 3);
	assert_string_equal(s.payloads[2], "three");
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
}

/* Limit the size of files this process writes (EFBIG past it). */
static void
limit_fsize(rlim_t n)
{
	struct rlimit rl = { n, RLIM_INFINITY };

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

/* Back-pressure below a segment's size: the current segment's space
 * comes back once all its records are done (journal_release), not only
 * when a later append rolls it. */
static void
test_journal_release(void **state)
{
	char err[256];
	struct journal *j;
	struct seen s;
	int i;

	(void)state;
	j = journal_open(dir, 1 << 20, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(journal_release(j), 0);	/* no segment yet */
	append(j, 1, "one");
	append(j, 2, "two");
	assert_int_equal(journal_bytes(j), 2 * (12 + 18 + 1 + 3));
	journal_done(j, 1);
	/* One record still pending: nothing to give back. */
	assert_int_equal(journal_release(j), 0);
	assert_int_equal(journal_bytes(j), 2 * (12 + 18 + 1 + 3));
	journal_done(j, 1);
	assert_int_equal(journal_release(j), 1);
	assert_int_equal(journal_bytes(j), 0);
	assert_int_equal(count_segments(), 1);	/* the next one, empty */
	assert_int_equal(journal_release(j), 0);	/* empty: kept */
	append(j, 3, "three");
	assert_int_equal(journal_bytes(j), 12 + 18 + 1 + 5);
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	/* What was released is gone; what is pending is replayed. */
	j = journal_open(dir, 1 << 20, err, sizeof(err));
	assert_non_null(j);
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_replay(j, collect, &s), 1);
	assert_int_equal(s.invnos[0], 3);
	assert_int_equal(s.segs[0], 2);
	for (i = 0; i < s.n; i++)
		journal_done(j, s.segs[i]);
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	assert_int_equal(count_segments(), 0);
}

static void
test_journal_reserve(void **state)
{
	char err[256], path[128], big[3000];
	struct journal *j;
	struct stat st;
	struct seen s;
	int i;

	(void)state;
	j = journal_open(dir, 4096, err, sizeof(err));
	assert_non_null(j);
	/* The first segment is made, with its space reserved, before any
	 * record; its size stays 0. */
	assert_int_equal(journal_prepare(j), 0);
	snprintf(path, sizeof(path), "%s/journal.%010u", dir, 1U);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_true(st.st_blocks * 512 >= 4096);
	assert_int_equal(journal_reserve_ahead(j), 0);
	assert_int_equal(count_segments(), 1);	/* not needed yet */
	/* Past half the reservation, the next segment is made ready. */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	append(j, 1, big);
	assert_int_equal(journal_reserve_ahead(j), 0);
	assert_int_equal(count_segments(), 2);
	snprintf(path, sizeof(path), "%s/journal.%010u", dir, 2U);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* The next record does not fit segment 1: it goes to 2. */
	append(j, 2, big);
	assert_int_equal(journal_bytes(j), 2 * (12 + 18 + 1 + 2999));
	/* A record larger than a segment gets a segment of its own. */
	{
		char huge[10000];
		memset(huge, 'y', sizeof(huge));
		huge[sizeof(huge) - 1] = '\0';
		append(j, 3, huge);
	}
	journal_done(j, 1);
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	assert_int_equal(count_segments(), 2);
	j = journal_open(dir, 4096, err, sizeof(err));
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_replay(j, collect, &s), 2);
	assert_int_equal(s.invnos[0], 2);
	assert_int_equal(s.invnos[1], 3);
	for (i = 0; i < s.n; i++)
		journal_done(j, s.segs[i]);
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	assert_int_equal(count_segments(), 0);
}

static void
test_journal_failures(void **state)
{
	char err[256], path[128], big[2000];
	struct journal *j;
	struct jrec r;
	struct seen s;
	pid_t pid;
	int st;

	(void)state;
	/* A write that fails (here: past RLIMIT_FSIZE) says which file. */
	pid = fork();
	if (pid == 0) {
		j = journal_open(dir, 1 << 20, err, sizeof(err));
		limit_fsize(1000);
		memset(big, 'x', sizeof(big));
		r = (struct jrec){ 1, 1, "t", 1, big, sizeof(big) };
		if (journal_append(j, &r) != -1 || errno != EFBIG ||
		    strstr(journal_error(j), "/journal.0000000001") == NULL)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* A segment that cannot be read is an error, and is kept. */
	snprintf(path, sizeof(path), "%s/journal.%010u", dir, 7U);
	assert_int_equal(mkdir(path, 0700), 0);
	j = journal_open(dir, 1 << 20, err, sizeof(err));
	assert_non_null(j);
	memset(&s, 0, sizeof(s));
	assert_int_equal(journal_replay(j, collect, &s), -1);
	assert_int_equal(errno, EISDIR);
	assert_non_null(strstr(journal_error(j), "/journal.0000000007"));
	assert_int_equal(journal_close(j, err, sizeof(err)), 0);
	assert_int_equal(rmdir(path), 0);
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
	fp = fopen(path, "w");
	fputs("12345678901234567890123456789012345678901234567890123456789\n"
	    "1234567890\n", fp);
	fclose(fp);
	assert_int_equal(invno_open(&n, path, 10, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an invoice number"));

	/* Reserving ahead: the next block while half of this one is left. */
	fp = fopen(path, "w");
	fputs("101\n", fp);
	fclose(fp);
	assert_int_equal(invno_open(&n, path, 10, err, sizeof(err)), 0);
	assert_true(invno_low(&n));
	assert_int_equal(invno_reserve(&n), 0);	/* 101..110 */
	assert_false(invno_low(&n));
	for (i = 0; i < 5; i++)
		assert_int_equal(invno_next(&n), 101 + i);
	assert_false(invno_low(&n));
	assert_int_equal(invno_next(&n), 106);
	assert_true(invno_low(&n));
	assert_int_equal(invno_reserve(&n), 0);	/* 111..120 */
	assert_false(invno_low(&n));
	invno_close(&n);
	fp = fopen(path, "r");
	assert_non_null(fgets(err, sizeof(err), fp));
	fclose(fp);
	assert_string_equal(err, "121\n");
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
	/* Neither a device nor a FIFO is read (nor blocks). */
	assert_int_equal(archive_dump("/dev/zero", 0, stdout, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "/dev/zero: not a regular file");
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(archive_dump(path, 0, stdout, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": not a regular file"));
	assert_null(archive_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, ": not a regular file"));
}

static void
test_archive_write_fails(void **state)
{
	char err[256], path[128], id[32];
	struct archive *a;
	bson_t *doc;
	pid_t pid;
	int st, i, r = 0;
	uint32_t doclen;
	FILE *null;

	(void)state;
	snprintf(path, sizeof(path), "%s/a.bson", dir);
	doc = BCON_NEW("MessageId", BCON_UTF8("0000000000000001"), "Pad",
	    BCON_UTF8("......................................"
	    "........................................"));
	doclen = doc->len;
	bson_destroy(doc);
	pid = fork();
	if (pid == 0) {
		a = archive_open(path, err, sizeof(err));
		limit_fsize(700);
		/* One document is cut short, and nothing is written
		 * after it. */
		for (i = 0; i < 10 && r >= 0; i++) {
			snprintf(id, sizeof(id), "%016x", i + 1);
			doc = BCON_NEW("MessageId", BCON_UTF8(id), "Pad",
			    BCON_UTF8("......................................"
			    "........................................"));
			r = archive_add(a, archive_key(id, 16), doc);
			bson_destroy(doc);
		}
		if (r != -1 || archive_add(a, 99, doc = bson_new()) != -1)
			_exit(1);
		bson_destroy(doc);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* The next open cuts the torn document off. */
	a = archive_open(path, err, sizeof(err));
	assert_non_null(a);
	assert_int_equal(archive_count(a), 700 / doclen);
	assert_int_equal(archive_close(a), 0);
	null = fopen("/dev/null", "w");
	assert_int_equal(archive_dump(path, 0, null, err, sizeof(err)),
	    700 / doclen);
	fclose(null);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_journal_replay, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_journal_replay_cut, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_journal_release, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_journal_reserve, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_journal_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_invno, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_archive_write_fails, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
