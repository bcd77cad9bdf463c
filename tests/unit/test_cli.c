/* Tests of lib/cli.c: every getopt_long failure against the real
 * getopt_long, usage errors, --help and --version, verbosity, and the
 * option value parsers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "readfile.h"
#include "util.h"

enum { O_ONCE = 1000, O_TICK, O_TICK_ROWS, O_KAFKA_KEY, O_VERSION,
	O_COLOR };

static const char shortopts[] = ":hn:o:qv";
static const struct option longopts[] = {
	{ "color", no_argument, NULL, O_COLOR },
	{ "colour", no_argument, NULL, O_COLOR },
	{ "count", required_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "kafka-key", required_argument, NULL, O_KAFKA_KEY },
	{ "once", no_argument, NULL, O_ONCE },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "tick", required_argument, NULL, O_TICK },
	{ "tick-rows", required_argument, NULL, O_TICK_ROWS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};
static const struct cli_retired retired[] = {
	{ "--kafka", "use -b, --brokers" },
	{ "-r", "use --rate (-r is alertd's rules file)" },
	{ NULL, NULL },
};

/* ==== helpers =========================================================== */

#define MAXARGS 8

/* Run a getopt loop over args (NULL-terminated, without the program
 * name) and return the message of the first failure ("" when none), the
 * codes seen before it in seen[]. */
static void
run_loop(const char *const *args, int use_wrapper, char *msg, size_t len,
    int *seen, int *nseen)
{
	char *argv[MAXARGS + 2];
	char store[MAXARGS + 1][64];
	int argc = 0, c;

	snprintf(store[0], sizeof(store[0]), "prog");
	argv[argc] = store[argc];
	argc++;
	for (; *args != NULL; args++) {
		assert_true(argc <= MAXARGS);
		snprintf(store[argc], sizeof(store[argc]), "%s", *args);
		argv[argc] = store[argc];
		argc++;
	}
	argv[argc] = NULL;
	optind = 0;	/* glibc: start afresh */
	msg[0] = '\0';
	*nseen = 0;
	if (use_wrapper) {
		struct cli_getopt g = { shortopts, longopts, retired, "" };
		while ((c = cli_getopt(&g, argc, argv)) != -1) {
			if (c == '?') {
				snprintf(msg, len, "%s", g.err);
				return;
			}
			seen[(*nseen)++] = c;
		}
	} else {
		for (;;) {
			int before = optind;
			opterr = 0;
			c = getopt_long(argc, argv, shortopts, longopts, NULL);
			if (c == -1)
				break;
			if (c == '?' || c == ':') {
				cli_getopt_msg(c, argc, argv, before, shortopts,
				    longopts, retired, msg, len);
				return;
			}
			seen[(*nseen)++] = c;
		}
	}
}

static const struct {
	const char *args[MAXARGS];
	const char *msg;	/* "" when the loop ends well */
	int wrapper_only;	/* abbreviations of retired spellings */
} getopt_cases[] = {
	{ { "-Z" }, "unknown option '-Z'", 0 },
	{ { "--frob" }, "unknown option '--frob'", 0 },
	{ { "--frob=3" }, "unknown option '--frob'", 0 },
	{ { "-o" }, "option '-o' needs a value", 0 },
	{ { "-q", "-n" }, "option '-n' needs a value", 0 },
	{ { "--tick" }, "option '--tick' needs a value", 0 },
	{ { "--tick-r" }, "option '--tick-rows' needs a value", 0 },
	{ { "--once=yes" }, "option '--once' takes no value", 0 },
	{ { "--onc=1" }, "option '--once' takes no value", 0 },
	{ { "--once=" }, "option '--once' takes no value", 0 },
	{ { "-qZv" }, "unknown option '-Z'", 0 },
	{ { "-qZ" }, "unknown option '-Z'", 0 },
	{ { "--tick=5", "-Zq" }, "unknown option '-Z'", 0 },
	{ { "--tick", "5", "-Zq" }, "unknown option '-Z'", 0 },
	{ { "file", "-Z" }, "unknown option '-Z'", 0 },
	{ { "file", "-qZv" }, "unknown option '-Z'", 0 },
	{ { "file", "--frob" }, "unknown option '--frob'", 0 },
	{ { "--ti", "5" }, "option '--ti' is ambiguous (--tick, --tick-rows)",
	    0 },
	{ { "--col" }, "", 0 },
	{ { "-:" }, "unknown option '-:'", 0 },
	{ { "-\xc3\xa9" }, "unknown option '-\\xc3'", 0 },
	{ { "--", "-Z" }, "", 0 },
	{ { "-n5", "-o", "x", "--tick", "1s", "--once" }, "", 0 },
	{ { "-r", "5" }, "option '-r' is retired: use --rate (-r is alertd's "
	    "rules file)", 0 },
	{ { "-qr" }, "option '-r' is retired: use --rate (-r is alertd's "
	    "rules file)", 0 },
	/* Not in longopts: getopt_long says unknown, cli says retired. */
	{ { "--kafka=b:9092" }, "option '--kafka' is retired: use -b, "
	    "--brokers", 1 },
	{ { "--kafka", "b:9092" }, "option '--kafka' is retired: use -b, "
	    "--brokers", 1 },
	{ { "--kaf", "b:9092" }, "option '--kafka' is retired: use -b, "
	    "--brokers", 1 },
	{ { "--kafka-k", "col" }, "", 0 },
	{ { "--kafka-key=col" }, "", 0 },
};

static void
test_getopt_messages(void **state)
{
	char msg[160];
	int seen[MAXARGS], nseen;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(getopt_cases); i++) {
		run_loop(getopt_cases[i].args, 1, msg, sizeof(msg), seen,
		    &nseen);
		if (strcmp(msg, getopt_cases[i].msg) != 0)
			fail_msg("case %zu (%s): wrapper said \"%s\", want "
			    "\"%s\"", i, getopt_cases[i].args[0], msg,
			    getopt_cases[i].msg);
		if (getopt_cases[i].wrapper_only)
			continue;
		run_loop(getopt_cases[i].args, 0, msg, sizeof(msg), seen,
		    &nseen);
		if (strcmp(msg, getopt_cases[i].msg) != 0)
			fail_msg("case %zu (%s): cli_getopt_msg said \"%s\", "
			    "want \"%s\"", i, getopt_cases[i].args[0], msg,
			    getopt_cases[i].msg);
	}
}

/* The option codes come through as getopt_long returns them. */
static void
test_getopt_codes(void **state)
{
	static const char *const args[] = { "-qv", "--kafka-k", "k",
	    "--colour", "file", "--tick-rows=3", "-n", "7", NULL };
	static const int want[] = { 'q', 'v', O_KAFKA_KEY, O_COLOR,
	    O_TICK_ROWS, 'n' };
	char msg[160];
	int seen[MAXARGS], nseen, i;

	(void)state;
	run_loop(args, 1, msg, sizeof(msg), seen, &nseen);
	assert_string_equal(msg, "");
	assert_int_equal(nseen, (int)NELEM(want));
	for (i = 0; i < nseen; i++)
		assert_int_equal(seen[i], want[i]);
}

/* Without the leading ':' a missing value still reads as one. */
static void
test_getopt_no_colon(void **state)
{
	char *argv[] = { "prog", "-o", NULL };
	char msg[160];
	int c;

	(void)state;
	optind = 0;
	opterr = 0;
	c = getopt_long(2, argv, "o:", longopts, NULL);
	assert_int_equal(c, '?');
	cli_getopt_msg(c, 2, argv, 1, "o:", longopts, NULL, msg, sizeof(msg));
	assert_string_equal(msg, "option '-o' needs a value");
}

static void
test_retired_find(void **state)
{
	(void)state;
	assert_ptr_equal(cli_retired_find(retired, "--kafka"), &retired[0]);
	assert_ptr_equal(cli_retired_find(retired, "--kafka=x"), &retired[0]);
	assert_ptr_equal(cli_retired_find(retired, "-r"), &retired[1]);
	assert_null(cli_retired_find(retired, "--kafk"));
	assert_null(cli_retired_find(retired, "--kafka-key"));
	assert_null(cli_retired_find(NULL, "-r"));
}

/* ==== stderr and FILE output ============================================ */

/* Run fn with stderr going to a file; return what it printed. */
static char *
capture_stderr(int (*fn)(void *), void *arg, int *rc)
{
	char path[] = "/tmp/test_cli.XXXXXX";
	int fd = mkstemp(path), saved;
	char *buf;
	size_t len;

	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	*rc = fn(arg);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	close(fd);
	buf = li_read_file(path, 1 << 20, &len, NULL, 0);
	unlink(path);
	return buf;
}

static int
do_usage_error(void *arg)
{
	return cli_usage_error("--tick: '%s' is not a duration",
	    (const char *)arg);
}

static int
do_retired(void *arg)
{
	(void)arg;
	return cli_retired_error(&retired[0]);
}

static int
do_log(void *arg)
{
	(void)arg;
	cli_verbosity = CLI_WARN;
	cli_log(CLI_ERROR, "e%d", 1);
	cli_log(CLI_WARN, "w%d", 1);
	cli_log(CLI_INFO, "i%d", 1);
	cli_quieter();
	cli_quieter();	/* clamped at errors only */
	cli_log(CLI_ERROR, "e%d", 2);
	cli_log(CLI_WARN, "w%d", 2);
	cli_louder();
	cli_louder();
	cli_louder();
	cli_louder();	/* clamped at debug */
	cli_log(CLI_DEBUG, "d%d", 3);
	cli_log(CLI_DEBUG + 1, "x%d", 3);
	return cli_verbosity;
}

static void
test_usage_error(void **state)
{
	char *out;
	int rc;

	(void)state;
	program_invocation_short_name = "reduce";
	out = capture_stderr(do_usage_error, "x", &rc);
	assert_int_equal(rc, 2);
	assert_string_equal(out, "reduce: --tick: 'x' is not a duration\n"
	    "Try 'reduce --help'.\n");
	free(out);
	out = capture_stderr(do_retired, NULL, &rc);
	assert_int_equal(rc, 2);
	assert_string_equal(out, "reduce: option '--kafka' is retired: use "
	    "-b, --brokers\nTry 'reduce --help'.\n");
	free(out);
}

static void
test_verbosity(void **state)
{
	char *out;
	int rc;

	(void)state;
	program_invocation_short_name = "alertd";
	out = capture_stderr(do_log, NULL, &rc);
	assert_int_equal(rc, CLI_DEBUG);
	assert_string_equal(out, "alertd: e1\nalertd: w1\nalertd: e2\n"
	    "alertd: d3\n");
	free(out);
	cli_verbosity = CLI_WARN;
}

struct help_arg {
	FILE *fp;
	int version;
};

static int
do_help(void *arg)
{
	struct help_arg *h = arg;

	return h->version ? cli_version(h->fp) :
	    cli_help(h->fp, "Usage: render [-h]\n");
}

static void
test_help_version(void **state)
{
	struct help_arg h;
	char buf[128];
	char *out;
	int rc, v;

	(void)state;
	program_invocation_short_name = "render";
	for (v = 0; v < 2; v++) {
		h.fp = tmpfile();
		h.version = v;
		assert_non_null(h.fp);
		out = capture_stderr(do_help, &h, &rc);
		assert_int_equal(rc, 0);
		assert_string_equal(out, "");
		free(out);
		rewind(h.fp);
		assert_non_null(fgets(buf, sizeof(buf), h.fp));
		assert_string_equal(buf, v ? "render " LI_VERSION "\n" :
		    "Usage: render [-h]\n");
		fclose(h.fp);

		/* stdout on /dev/full: exit 1 with the reason. */
		h.fp = fopen("/dev/full", "w");
		assert_non_null(h.fp);
		out = capture_stderr(do_help, &h, &rc);
		assert_int_equal(rc, 1);
		assert_string_equal(out,
		    "render: write error: No space left on device\n");
		free(out);
		fclose(h.fp);

		/* A stream already in error. */
		h.fp = fopen("/dev/null", "r");
		assert_non_null(h.fp);
		out = capture_stderr(do_help, &h, &rc);
		assert_int_equal(rc, 1);
		assert_non_null(strstr(out, "render: write error: "));
		free(out);
		fclose(h.fp);
	}
}

/* ==== option values ===================================================== */

static void
test_count(void **state)
{
	static const struct {
		const char *arg;
		long long min, max, want;
		const char *err;
	} t[] = {
		{ "42", 1, 1000000, 42, NULL },
		{ "1000000", 1, 1000000, 1000000, NULL },
		{ "+7", 0, 10, 7, NULL },
		{ "-3", -5, 5, -3, NULL },
		{ "0", 1, 1000000, 0,
		    "--tick-rows: 0 is out of range (1 to 1000000)" },
		{ "1000001", 1, 1000000, 0,
		    "--tick-rows: 1000001 is out of range (1 to 1000000)" },
		{ "-1", 1, 10, 0, "--tick-rows: -1 is out of range (1 to 10)" },
		{ "99999999999999999999", 1, 10, 0,
		    "--tick-rows: 99999999999999999999 is out of range (1 to "
		    "10)" },
		{ "x", 1, 10, 0, "--tick-rows: 'x' is not a count" },
		{ "", 1, 10, 0, "--tick-rows: '' is not a count" },
		{ " 5", 1, 10, 0, "--tick-rows: ' 5' is not a count" },
		{ "5 ", 1, 10, 0, "--tick-rows: '5 ' is not a count" },
		{ "1.5", 1, 10, 0, "--tick-rows: '1.5' is not a count" },
		{ "0x10", 1, 100, 0, "--tick-rows: '0x10' is not a count" },
		{ "1e3", 1, 10000, 0, "--tick-rows: '1e3' is not a count" },
		{ "-", 1, 10, 0, "--tick-rows: '-' is not a count" },
	};
	char err[160];
	long long v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		err[0] = '\0';
		v = -12345;
		int rc = cli_count("--tick-rows", t[i].arg, t[i].min, t[i].max,
		    &v, err, sizeof(err));
		if (t[i].err == NULL) {
			assert_int_equal(rc, 0);
			assert_int_equal(v, t[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, t[i].err);
			assert_int_equal(v, -12345);
		}
	}
}

static void
test_number(void **state)
{
	static const struct {
		const char *arg;
		double min, max, want;
		const char *err;
	} t[] = {
		{ "2.5", 0, 10, 2.5, NULL },
		{ "-0.5", -1, 1, -0.5, NULL },
		{ "1e2", 0, 1000, 100, NULL },
		{ ".5", 0, 1, 0.5, NULL },
		{ "11", 0, 10, 0, "--alpha: 11 is out of range (0 to 10)" },
		{ "0.05", 0.1, 0.5, 0,
		    "--alpha: 0.05 is out of range (0.1 to 0.5)" },
		{ "abc", 0, 10, 0, "--alpha: 'abc' is not a number" },
		{ "nan", 0, 10, 0, "--alpha: 'nan' is not a number" },
		{ "inf", 0, 10, 0, "--alpha: 'inf' is not a number" },
		{ "1e999", 0, 10, 0, "--alpha: '1e999' is not a number" },
		{ "0x1p3", 0, 10, 0, "--alpha: '0x1p3' is not a number" },
		{ " 1", 0, 10, 0, "--alpha: ' 1' is not a number" },
		{ "1,5", 0, 10, 0, "--alpha: '1,5' is not a number" },
		{ "", 0, 10, 0, "--alpha: '' is not a number" },
	};
	char err[160];
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		int rc = cli_number("--alpha", t[i].arg, t[i].min, t[i].max,
		    &v, err, sizeof(err));
		if (t[i].err == NULL) {
			assert_int_equal(rc, 0);
			assert_true(v == t[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, t[i].err);
		}
	}
}

static void
test_duration(void **state)
{
	static const struct {
		const char *arg;
		double min, max, want;
		const char *err;
	} t[] = {
		{ "250ms", 0.001, 86400 * 365.0, 0.25, NULL },
		{ "1.5s", 0.001, 86400 * 365.0, 1.5, NULL },
		{ "2m", 0.001, 86400 * 365.0, 120, NULL },
		{ "3", 0.001, 86400 * 365.0, 3, NULL },
		{ "1d", 0.001, 86400 * 365.0, 86400, NULL },
		{ "x", 0.001, 86400 * 365.0, 0, "--tick: 'x' is not a duration" },
		{ "1x", 0.001, 86400 * 365.0, 0,
		    "--tick: '1x' is not a duration" },
		{ "-1s", 0.001, 86400 * 365.0, 0,
		    "--tick: '-1s' is not a duration" },
		{ "infs", 0.001, 86400 * 365.0, 0,
		    "--tick: 'infs' is not a duration" },
		{ "0x1s", 0.001, 86400 * 365.0, 0,
		    "--tick: '0x1s' is not a duration" },
		{ "", 0.001, 86400 * 365.0, 0, "--tick: '' is not a duration" },
		{ "0", 0.001, 86400 * 365.0, 0,
		    "--tick: 0 is out of range (1ms to 365d)" },
		{ "400d", 0.001, 86400 * 365.0, 0,
		    "--tick: 400d is out of range (1ms to 365d)" },
		{ "1s", 5, 3600, 0, "--keepalive: 1s is out of range (5s to 1h)" },
		{ "2h", 0.5, 90, 0, "--keepalive: 2h is out of range (500ms to 90s)" },
		{ "2h", 0, 150, 0, "--keepalive: 2h is out of range (0 to 150s)" },
	};
	char err[160];
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		const char *opt = t[i].err != NULL &&
		    strncmp(t[i].err, "--keepalive", 11) == 0 ? "--keepalive" :
		    "--tick";
		int rc = cli_duration(opt, t[i].arg, t[i].min, t[i].max, &v,
		    err, sizeof(err));
		if (t[i].err == NULL) {
			assert_int_equal(rc, 0);
			assert_true(v == t[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, t[i].err);
		}
	}
}

static void
test_size(void **state)
{
	static const struct {
		const char *arg;
		unsigned long long min, max, want;
		const char *err;
	} t[] = {
		{ "4096", 64, 1ULL << 30, 4096, NULL },
		{ "64K", 64, 1ULL << 30, 65536, NULL },
		{ "64k", 64, 1ULL << 30, 65536, NULL },
		{ "1.5K", 64, 1ULL << 30, 1536, NULL },
		{ "2M", 64, 1ULL << 30, 2ULL << 20, NULL },
		{ "1G", 64, 1ULL << 30, 1ULL << 30, NULL },
		{ "1g", 64, 1ULL << 30, 1ULL << 30, NULL },
		{ "16G", 0, 1ULL << 40, 16ULL << 30, NULL },
		{ "0", 0, 10, 0, NULL },
		{ "0.3K", 64, 1ULL << 30, 0, "--max-record: '0.3K' is not a size" },
		{ "1.5", 0, 1ULL << 30, 0, "--max-record: '1.5' is not a size" },
		{ "10", 64, 1ULL << 30, 0,
		    "--max-record: 10 is out of range (64 to 1G)" },
		{ "2G", 1024, 1ULL << 30, 0,
		    "--max-record: 2G is out of range (1K to 1G)" },
		{ "1025M", 1024, 1ULL << 30, 0,
		    "--max-record: 1025M is out of range (1K to 1G)" },
		{ "3000", 1000, 2500, 0,
		    "--max-record: 3000 is out of range (1000 to 2500)" },
		{ "99999999999999999999G", 0, ~0ULL, 0,
		    "--max-record: 99999999999999999999G is out of range (0 to "
		    "18446744073709551615)" },
		{ "1T", 64, 1ULL << 30, 0, "--max-record: '1T' is not a size" },
		{ "1KB", 64, 1ULL << 30, 0, "--max-record: '1KB' is not a size" },
		{ "-1", 0, 10, 0, "--max-record: '-1' is not a size" },
		{ "K", 0, 10, 0, "--max-record: 'K' is not a size" },
		{ ".K", 0, 10, 0, "--max-record: '.K' is not a size" },
		{ "1.2.3", 0, 10, 0, "--max-record: '1.2.3' is not a size" },
		{ " 1", 0, 10, 0, "--max-record: ' 1' is not a size" },
		{ "", 0, 10, 0, "--max-record: '' is not a size" },
	};
	char err[160];
	unsigned long long v;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		int rc = cli_size("--max-record", t[i].arg, t[i].min, t[i].max,
		    &v, err, sizeof(err));
		if (t[i].err == NULL) {
			if (rc != 0)
				fail_msg("case %zu '%s': %s", i, t[i].arg, err);
			assert_int_equal(v, t[i].want);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, t[i].err);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getopt_messages),
		cmocka_unit_test(test_getopt_codes),
		cmocka_unit_test(test_getopt_no_colon),
		cmocka_unit_test(test_retired_find),
		cmocka_unit_test(test_usage_error),
		cmocka_unit_test(test_verbosity),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
