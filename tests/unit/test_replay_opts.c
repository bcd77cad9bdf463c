/* Tests of replay/opts.c: options, numbers and cross-option rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../replay/opts.h"
#include "synth.h"

#define MAXARGS	16

/* Parse a space-separated command line. */
static int
parse(const char *line, struct replay_opts *o, char *err, size_t errlen)
{
	static char buf[512];
	static char *argv[MAXARGS + 1];
	char *tok, *save = NULL;
	int argc = 0;

	strcpy(buf, line);
	argv[argc++] = "replay";
	for (tok = strtok_r(buf, " ", &save); tok && argc < MAXARGS;
	    tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return replay_opts_parse(argc, argv, o, err, errlen);
}

static void
test_verdicts(void **state)
{
	static const struct {
		const char *line;
		int want;
		const char *err;	/* start of the reason */
	} cases[] = {
		{ "", OPTS_RUN, NULL },
		{ "--help", OPTS_HELP, NULL },
		{ "--version", OPTS_VERSION, NULL },
		{ "--no-such", OPTS_BAD, "unrecognized option: --no-such" },
		{ "-x", OPTS_BAD, "invalid option: -x" },
		{ "--rate", OPTS_BAD, "option requires an argument" },
		{ "--rate abc", OPTS_BAD, "invalid rate: 'abc'" },
		{ "--rate -1", OPTS_BAD, "invalid rate" },
		{ "-r 10 a.csv", OPTS_RUN, NULL },
		{ "--speedup 0 a.csv", OPTS_BAD, "invalid speedup" },
		{ "--rate 5 --speedup 60 a.csv", OPTS_BAD,
		    "--rate and --speedup exclude" },
		{ "--jitter 0.2 a.csv", OPTS_BAD, "--jitter needs" },
		{ "--jitter 1.5 --rate 3", OPTS_BAD, "invalid jitter" },
		{ "--loop", OPTS_BAD, "--loop cannot repeat standard input" },
		{ "--loop a.csv -", OPTS_BAD, "--loop cannot repeat" },
		{ "--loop a.csv", OPTS_RUN, NULL },
		{ "--count 12x", OPTS_BAD, "invalid count" },
		{ "-n 0", OPTS_RUN, NULL },
		{ "--synth a.csv", OPTS_BAD, "--synth takes no input files" },
		{ "--synth=nope", OPTS_BAD, "invalid generator" },
		{ "--rows 5", OPTS_BAD, "--rows, --invoices and --start need" },
		{ "--dirty", OPTS_BAD, "--days, --dirty" },
		{ "--synth --format json", OPTS_BAD, "--customers, --segments, --years" },
		{ "--synth=invoices --clean", OPTS_BAD, "invoices are plain" },
		{ "--lines --clean", OPTS_BAD, "--clean and --speedup need CSV" },
		{ "--shuffle --speedup 2", OPTS_BAD, "--shuffle and --speedup" },
		{ "--synth --rows 0 --shuffle", OPTS_BAD, "endless --synth" },
		{ "--reject-empty x", OPTS_BAD, "--reject-empty needs --clean" },
		{ "-o f --listen :1", OPTS_BAD, "-o, --listen and --mqtt" },
		{ "--reopen", OPTS_BAD, "--reopen needs -o" },
		{ "--topic t", OPTS_BAD, "--topic, --qos" },
		{ "--mqtt tcp://h:1", OPTS_BAD, "--mqtt needs --topic" },
		{ "--mqtt tcp://h:1 --topic t --qos 3", OPTS_BAD, "invalid qos" },
		{ "--mqtt tcp://h:1 --topic t --mqtt-password-file f",
		    OPTS_BAD, "--mqtt-password-file needs --mqtt-user" },
		{ "--listen nocolon", OPTS_BAD, "invalid address" },
		{ "--listen :1 --client-buffer 4096 --max-clients 512",
		    OPTS_RUN, NULL },
		{ "--listen :1 --client-buffer 4095", OPTS_BAD,
		    "invalid client buffer: '4095'" },
		{ "--listen :1 --max-clients 0", OPTS_BAD,
		    "invalid number of clients: '0' (1 to 512)" },
		{ "--listen :1 --max-clients 513", OPTS_BAD,
		    "invalid number of clients" },
		{ "--client-buffer 65536", OPTS_BAD,
		    "--client-buffer and --max-clients need --listen" },
		{ "-o f --max-clients 2", OPTS_BAD,
		    "--client-buffer and --max-clients need --listen" },
		{ "--listen 127.0.0.1:70000", OPTS_BAD, "invalid address" },
		{ "--synth --start 2024-13-01", OPTS_BAD, "invalid start date" },
		{ "--synth --weak-branch Nowhere", OPTS_BAD, "invalid branch" },
		{ "--synth --hot-product Laptop:0", OPTS_BAD, "invalid product" },
		{ "--max-record 10", OPTS_BAD, "invalid record size" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct replay_opts o;
		char err[256] = "";
		int rc = parse(cases[i].line, &o, err, sizeof(err));
		if (rc != cases[i].want || (cases[i].err != NULL &&
		    strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)) {
			print_error("<%s>: rc %d <%s>\n", cases[i].line, rc, err);
			fail();
		}
	}
}

static void
test_values(void **state)
{
	struct replay_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse("-q -r 2.5 --loop --shuffle --seed 9 -n 7 "
	    "--max-record 4096 a.csv b.csv", &o, err, sizeof(err)), OPTS_RUN);
	assert_true(o.quiet && o.loop && o.shuffle);
	assert_true(o.rate == 2.5 && o.seed == 9 && o.count == 7);
	assert_int_equal(o.max_record, 4096);
	assert_int_equal(o.nfiles, 2);
	assert_string_equal(o.files[1], "b.csv");

	/* Defaults. */
	assert_int_equal(parse("", &o, err, sizeof(err)), OPTS_RUN);
	assert_true(o.rate == 0 && o.speedup == 0 && o.count == -1);
	assert_int_equal(o.seed, 1);
	assert_string_equal(o.time_col, "Timestamp");
	assert_int_equal(o.nfiles, 0);

	assert_int_equal(parse("--synth", &o, err, sizeof(err)), OPTS_RUN);
	assert_int_equal(o.synth, RS_STORE);
	assert_int_equal(o.rows, 25003);
	assert_int_equal(parse("--synth=store --rows 0", &o, err,
	    sizeof(err)), OPTS_RUN);
	assert_int_equal(o.rows, 0);
	/* "--synth invoices" as contracts.md writes it. */
	assert_int_equal(parse("--synth invoices --invoices 70000 --format "
	    "json --customers 5 --years 2", &o, err, sizeof(err)), OPTS_RUN);
	assert_int_equal(o.synth, RS_INVOICES);
	assert_int_equal(o.rows, 70000);
	assert_true(o.json && o.customers == 5 && o.years == 2);
	assert_int_equal(parse("--synth=invoices", &o, err, sizeof(err)),
	    OPTS_RUN);
	assert_int_equal(o.rows, 1000);

	assert_int_equal(parse("--synth --start 2025-03-01 --days 7 --dirty "
	    "--empty-rows 3", &o, err, sizeof(err)), OPTS_RUN);
	assert_true(o.start_set && o.start.year == 2025 && o.start.mon == 3);
	assert_true(o.days == 7 && o.dirty && o.empty_rows == 3);

	/* The in-flight window follows the QoS unless given. */
	assert_int_equal(parse("--mqtt tcp://h:1 --topic t", &o, err,
	    sizeof(err)), OPTS_RUN);
	assert_int_equal(o.qos, 1);
	assert_int_equal(o.max_inflight, 1000);
	assert_int_equal(parse("--mqtt tcp://h:1 --topic t --qos 2", &o, err,
	    sizeof(err)), OPTS_RUN);
	assert_int_equal(o.max_inflight, 20);
	assert_int_equal(parse("--mqtt tcp://h:1 --topic t --max-inflight 5",
	    &o, err, sizeof(err)), OPTS_RUN);
	assert_int_equal(o.max_inflight, 5);
}

static void
test_pick(void **state)
{
	const char *prod[25];
	static const struct {
		const char *arg;
		int ok, index;
		double factor;
	} cases[] = {
		{ "Yelahanka", 1, 5, 0.25 }, { "whitefield", 1, 2, 0.25 },
		{ "Yelahanka:0.1", 1, 5, 0.1 }, { "3", 1, 3, 0.25 },
		{ "3:0.5", 1, 3, 0.5 }, { "6", 0, 0, 0 }, { "", 0, 0, 0 },
		{ "Nowhere", 0, 0, 0 }, { "Yelahanka:-1", 0, 0, 0 },
		{ ":0.5", 0, 0, 0 },
	};
	size_t i;
	int idx;
	double f;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = replay_parse_pick(cases[i].arg, synth_branches, 5, 0.25,
		    &idx, &f);
		if ((rc == 0) != cases[i].ok || (rc == 0 &&
		    (idx != cases[i].index || f != cases[i].factor))) {
			print_error("<%s>: rc %d idx %d f %g\n", cases[i].arg, rc,
			    idx, f);
			fail();
		}
	}
	/* Product names hold commas and quotes. */
	for (i = 0; i < 25; i++)
		prod[i] = synth_products[i].name;
	assert_int_equal(replay_parse_pick("Basmati Rice, 5kg:3", prod, 25, 4,
	    &idx, &f), 0);
	assert_int_equal(idx, 6);
	assert_true(f == 3);
	assert_int_equal(replay_parse_pick("Speaker \"Boom\" Mini", prod, 25, 4,
	    &idx, &f), 0);
	assert_int_equal(idx, 5);
	assert_true(f == 4);
}

static void
test_hostport(void **state)
{
	static const struct {
		const char *in;
		int ok;
		const char *host, *port;
	} cases[] = {
		{ "127.0.0.1:8080", 1, "127.0.0.1", "8080" },
		{ ":9000", 1, "", "9000" },
		{ "[::1]:5", 1, "::1", "5" },
		{ "localhost:0", 1, "localhost", "0" },
		{ "host", 0, NULL, NULL }, { "h:", 0, NULL, NULL },
		{ "h:65536", 0, NULL, NULL }, { "[::1]5", 0, NULL, NULL },
		{ "h:x", 0, NULL, NULL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char h[64], p[8];
		int rc = replay_parse_hostport(cases[i].in, h, sizeof(h), p,
		    sizeof(p));
		if ((rc == 0) != cases[i].ok || (rc == 0 &&
		    (strcmp(h, cases[i].host) || strcmp(p, cases[i].port)))) {
			print_error("<%s>: rc %d\n", cases[i].in, rc);
			fail();
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_hostport),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
