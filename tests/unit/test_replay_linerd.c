/* Tests of replay/linerd.c: bounded lines for --lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../replay/linerd.h"

/* Feed input through a file and collect the results as "L<n>:<text>" or
 * "T<n>" (too long), joined with '|'.  Returns how many times the reader
 * handed control back (EINTR) while skipping. */
static int
run(const char *in, size_t max, char *out, size_t outlen)
{
	struct linerd *r;
	const char *p;
	size_t len, n = 0;
	uint64_t line;
	FILE *fp = tmpfile();
	int rc, again = 0;

	assert_non_null(fp);
	assert_int_equal(fwrite(in, 1, strlen(in), fp), strlen(in));
	assert_int_equal(fflush(fp), 0);
	rewind(fp);
	r = linerd_new(fileno(fp), max);
	assert_non_null(r);
	out[0] = '\0';
	while ((rc = linerd_next(r, &p, &len, &line)) != LINERD_EOF) {
		if (rc == LINERD_EIO) {
			assert_int_equal(errno, EINTR);
			again++;
			continue;
		}
		if (rc == LINERD_LINE)
			n += (size_t)snprintf(out + n, outlen - n, "%sL%llu:%.*s",
			    n ? "|" : "", (unsigned long long)line, (int)len, p);
		else
			n += (size_t)snprintf(out + n, outlen - n, "%sT%llu",
			    n ? "|" : "", (unsigned long long)line);
	}
	linerd_free(r);
	fclose(fp);
	return again;
}

static void
test_lines(void **state)
{
	static const struct {
		const char *in;
		size_t max;
		const char *want;
	} cases[] = {
		{ "", 10, "" },
		{ "a\nb\n", 10, "L1:a|L2:b" },
		{ "a\r\nb", 10, "L1:a|L2:b" },
		{ "a\n\nc\n", 10, "L1:a|L2:|L3:c" },
		{ "short\n0123456789abc\nok\n", 10, "L1:short|T2|L3:ok" },
		{ "0123456789abc", 10, "T1" },
		{ "0123456789\n", 10, "L1:0123456789" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[512];
		run(cases[i].in, cases[i].max, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0) {
			print_error("case %zu: <%s>\n", i, out);
			fail();
		}
	}
}

/* A line far longer than the read buffer is skipped whole. */
static void
test_huge_line(void **state)
{
	static char in[300000];
	char out[512];

	(void)state;
	memset(in, 'x', sizeof(in) - 10);
	memcpy(in + sizeof(in) - 10, "\nlast\n", 7);
	/* 300,000 bytes through a 66,560-byte buffer: control comes back
	 * between the buffers (a stop signal is seen), nothing is lost. */
	assert_true(run(in, 1024, out, sizeof(out)) >= 3);
	assert_string_equal(out, "T1|L2:last");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_huge_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
