/* Tests of lib/util.c, lib/strmap.c, lib/rng.c and lib/atomicfile.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "rng.h"
#include "strmap.h"
#include "util.h"

static void
test_parse_numbers(void **state)
{
	long long v;
	double d;

	(void)state;
	assert_int_equal(parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_long("101", 0, 100, &v), -1);
	assert_int_equal(errno, ERANGE);
	assert_int_equal(parse_long("4x", 0, 100, &v), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(parse_long("", 0, 100, &v), -1);
	assert_int_equal(parse_double("2.5", 0, 10, &d), 0);
	assert_true(d == 2.5);
	assert_int_equal(parse_double("nan", 0, 10, &d), -1);
	assert_int_equal(parse_duration("250ms", &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(parse_duration("2m", &d), 0);
	assert_true(d == 120);
	assert_int_equal(parse_duration("3", &d), 0);
	assert_true(d == 3);
	assert_int_equal(parse_duration("3x", &d), -1);
	assert_int_equal(parse_duration("-1s", &d), -1);
}

static void
test_strmap(void **state)
{
	struct strmap *m = strmap_new();
	char key[32];
	int i, ins;
	size_t len;

	(void)state;
	for (i = 0; i < 10000; i++) {
		int n = snprintf(key, sizeof(key), "key-%d", i);
		assert_int_equal(strmap_intern(m, key, (size_t)n, &ins), i);
		assert_int_equal(ins, 1);
	}
	for (i = 0; i < 10000; i++) {
		int n = snprintf(key, sizeof(key), "key-%d", i);
		assert_int_equal(strmap_intern(m, key, (size_t)n, &ins), i);
		assert_int_equal(ins, 0);
		assert_string_equal(strmap_key(m, i, &len), key);
		assert_int_equal(len, (size_t)n);
	}
	assert_int_equal(strmap_find(m, "nope", 4), -1);
	assert_int_equal(strmap_intern(m, "", 0, &ins), 10000);
	assert_int_equal(strmap_count(m), 10001);
	strmap_free(m);
	strmap_free(NULL);
}

static void
test_rng_reproducible(void **state)
{
	struct rng a, b;
	double w[3] = { 1, 0, 3 };
	int i, counts[3] = { 0 };

	(void)state;
	rng_seed(&a, 123);
	rng_seed(&b, 123);
	for (i = 0; i < 1000; i++)
		assert_int_equal(rng_next(&a), rng_next(&b));
	for (i = 0; i < 40000; i++) {
		double u = rng_uniform(&a);
		assert_true(u >= 0 && u < 1);
		assert_true(rng_below(&a, 7) < 7);
		counts[rng_pick(&a, w, 3)]++;
	}
	assert_int_equal(counts[1], 0);
	assert_true(counts[2] > 2 * counts[0]);
}

static void
test_atomic_write(void **state)
{
	char dir[] = "/tmp/li-atomic.XXXXXX", path[64], buf[16];
	struct atomic_file af;
	FILE *fp;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	assert_int_equal(atomic_write(path, "one\n", 4), 0);
	/* An aborted replacement leaves the old file and no temp file. */
	assert_int_equal(atomic_open(&af, path), 0);
	fputs("two\n", af.fp);
	atomic_abort(&af);
	fp = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, "one\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(atomic_write(path, "two\n", 4), 0);
	fp = fopen(path, "r");
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_string_equal(buf, "two\n");
	/* A missing directory is an error, not a crash. */
	assert_int_equal(atomic_write("/nonexistent-li/x", "x", 1), -1);
	unlink(path);
	rmdir(dir);
}

static void
test_writeall_pipe(void **state)
{
	int p[2];
	char buf[8];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(writeall(p[1], "hello", 5), 5);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 5);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(writeall(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_strmap),
		cmocka_unit_test(test_rng_reproducible),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_writeall_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
