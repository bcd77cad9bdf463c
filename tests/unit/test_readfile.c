/* Tests of lib/readfile.c: bounded reads, and no hang on what is not a file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"

static char dir[] = "/tmp/li-readfile.XXXXXX";

static void
put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *
at(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void
test_whole_file(void **state)
{
	char err[128];
	size_t len;
	char *s;

	(void)state;
	put("a", "hello\n");
	assert_non_null(s = li_read_file(at("a"), 6, &len, err, sizeof(err)));
	assert_int_equal(len, 6);
	assert_string_equal(s, "hello\n");
	free(s);
	put("e", "");
	assert_non_null(s = li_read_file(at("e"), 0, &len, err, sizeof(err)));
	assert_int_equal(len, 0);
	assert_string_equal(s, "");
	free(s);
}

static void
test_cap(void **state)
{
	char err[128];
	size_t len;

	(void)state;
	put("b", "1234567");
	assert_null(li_read_file(at("b"), 6, &len, err, sizeof(err)));
	assert_int_equal(errno, EFBIG);
	assert_string_equal(err, "larger than 6 bytes");
	assert_null(li_read_file(at("b"), 0, &len, err, sizeof(err)));
	assert_int_equal(errno, EFBIG);
}

static void
test_not_regular(void **state)
{
	char err[128];
	size_t len;
	int fd;

	(void)state;
	/* /dev/zero would never end; a FIFO with no writer would block open. */
	assert_null(li_read_file("/dev/zero", 1 << 20, &len, err, sizeof(err)));
	assert_string_equal(err, "not a regular file");
	assert_int_equal(mkfifo(at("fifo"), 0600), 0);
	assert_null(li_read_file(at("fifo"), 1 << 20, &len, err, sizeof(err)));
	assert_string_equal(err, "not a regular file");
	assert_null(li_read_file(dir, 1 << 20, &len, err, sizeof(err)));
	assert_int_equal(errno, EISDIR);
	assert_int_equal(li_open_input(at("fifo"), 0, err, sizeof(err)), -1);
	fd = li_open_input(at("fifo"), LI_IN_FIFO, err, sizeof(err));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(li_open_input("/dev/zero", LI_IN_FIFO, err, sizeof(err)), -1);
	assert_string_equal(err, "not a regular file or a FIFO");
	assert_null(li_read_file(at("missing"), 10, &len, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err, strerror(ENOENT));
}

static void
test_fifo_wait(void **state)
{
	char err[128], buf[8];
	int fd, w;

	(void)state;
	assert_int_equal(mkfifo(at("w"), 0600), 0);
	fd = li_open_input(at("w"), LI_IN_FIFO, err, sizeof(err));
	assert_true(fd >= 0);
	/* No writer yet: not ready, where a read would say end of file. */
	assert_int_equal(li_fifo_wait(fd, 50), 0);
	assert_true((w = open(at("w"), O_WRONLY)) >= 0);
	assert_int_equal(write(w, "x", 1), 1);
	assert_int_equal(li_fifo_wait(fd, 1000), 1);
	assert_int_equal(read(fd, buf, sizeof(buf)), 1);
	close(w);
	/* The writer has gone: a real end, ready at once. */
	assert_int_equal(li_fifo_wait(fd, 1000), 1);
	assert_int_equal(read(fd, buf, sizeof(buf)), 0);
	close(fd);
	put("r", "x");
	fd = li_open_input(at("r"), 0, err, sizeof(err));
	assert_int_equal(li_fifo_wait(fd, -1), 1);
	close(fd);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_file),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_fifo_wait),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
