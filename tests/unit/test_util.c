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

/* The permissions of an atomically written file, under several umasks:
 * a new file gets mode & ~umask, as open(2) gives; a replaced one keeps its
 * bits, less those mode lacks. */
static void
test_atomic_mode(void **state)
{
	static const struct {
		mode_t umask, mode;
		int old;	/* mode of the file replaced, -1: none */
		mode_t want;
	} tab[] = {
		{ 022, ATOMIC_MODE, -1, 0644 },
		{ 077, ATOMIC_MODE, -1, 0600 },
		{ 002, ATOMIC_MODE, -1, 0664 },
		{ 000, ATOMIC_MODE, -1, 0666 },
		{ 022, 0660, -1, 0640 },
		{ 077, 0660, -1, 0600 },
		{ 002, 0660, -1, 0660 },
		{ 022, 0600, -1, 0600 },
		/* Replacing: the old file's bits, whatever the umask... */
		{ 077, ATOMIC_MODE, 0644, 0644 },
		{ 022, ATOMIC_MODE, 0660, 0660 },
		{ 002, ATOMIC_MODE, 0600, 0600 },
		{ 022, ATOMIC_MODE, 0755, 0644 },
		/* ... less those mode lacks. */
		{ 022, 0660, 0644, 0640 },
		{ 002, 0660, 0666, 0660 },
		{ 000, 0600, 0644, 0600 },
	};
	char dir[] = "/tmp/li-atomic.XXXXXX", path[64], tmp[64];
	struct atomic_file af;
	struct stat st;
	size_t i;
	mode_t old_umask;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	old_umask = umask(022);
	for (i = 0; i < NELEM(tab); i++) {
		unlink(path);
		if (tab[i].old >= 0) {
			umask(0);
			assert_int_equal(atomic_write(path, "old\n", 4), 0);
			assert_int_equal(chmod(path, (mode_t)tab[i].old), 0);
		}
		umask(tab[i].umask);
		if (i % 2 == 0) {
			assert_int_equal(atomic_write_mode(path, "new\n", 4,
			    tab[i].mode), 0);
		} else {
			assert_int_equal(atomic_open_mode(&af, path,
			    tab[i].mode), 0);
			/* The temp file has its final mode from the start. */
			assert_int_equal(stat(af.tmp, &st), 0);
			assert_int_equal(st.st_mode & 07777, tab[i].want);
			fputs("new\n", af.fp);
			assert_int_equal(atomic_commit(&af), 0);
		}
		assert_int_equal(stat(path, &st), 0);
		if ((st.st_mode & 07777) != tab[i].want)
			fail_msg("case %zu: umask %03o mode %03o old %03o: "
			    "got %03o, want %03o", i, (unsigned)tab[i].umask,
			    (unsigned)tab[i].mode, (unsigned)tab[i].old,
			    (unsigned)(st.st_mode & 07777),
			    (unsigned)tab[i].want);
	}
	/* atomic_open and atomic_write are ATOMIC_MODE. */
	unlink(path);
	umask(077);
	assert_int_equal(atomic_write(path, "x\n", 2), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	unlink(path);
	umask(002);
	assert_int_equal(atomic_open(&af, path), 0);
	assert_int_equal(atomic_commit(&af), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0664);
	umask(old_umask);
	/* No temp file is left behind. */
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s", dir);
	assert_int_equal(rmdir(tmp), 0);
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
		cmocka_unit_test(test_atomic_mode),
		cmocka_unit_test(test_writeall_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
