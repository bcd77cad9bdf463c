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
		{ "", CLI_RUN, NULL },
		{ "--help", CLI_HELP, NULL },
		{ "-h", CLI_HELP, NULL },
		{ "--version", CLI_VERSION, NULL },
		{ "--no-such", CLI_BAD, "unknown option '--no-such'" },
		{ "-x", CLI_BAD, "unknown option '-x'" },
		{ "--rate", CLI_BAD, "option '--rate' needs a value" },
		{ "--rate abc", CLI_BAD, "--rate: 'abc' is not a number" },
		{ "--rate -1", CLI_BAD, "--rate: -1 is out of range" },
		/* The spellings retired in 0.2.0. */
		{ "-r 10 a.csv", CLI_BAD, "option '-r' is retired: use --rate" },
		{ "--kafka h:1 -t s", CLI_BAD,
		    "option '--kafka' is retired: use -b, --brokers" },
		{ "-b h:1 -t s --key BranchName", CLI_BAD,
		    "--key is the TLS key of --mqtt: the Kafka message key is "
		    "--kafka-key" },
		{ "-u tcp://h:1 --topic t", CLI_BAD,
		    "--topic is the Kafka topic: use --mqtt-topic" },
		{ "--mqtt tcp://h:1 --topic t", CLI_BAD,
		    "--topic is the Kafka topic: use --mqtt-topic" },
		{ "--speedup 0 a.csv", CLI_BAD, "--speedup: 0 is out of range" },
		{ "--rate 5 --speedup 60 a.csv", CLI_BAD,
		    "--rate and --speedup exclude" },
		{ "--jitter 0.2 a.csv", CLI_BAD, "--jitter needs" },
		{ "--jitter 1.5 --rate 3", CLI_BAD, "--jitter: 1.5 is out of" },
		{ "--sort a.csv", CLI_BAD, "--sort and --reorder need --speedup" },
		{ "--reorder 1h a.csv", CLI_BAD,
		    "--sort and --reorder need --speedup" },
		{ "--speedup 60 --sort --reorder 1h a.csv", CLI_BAD,
		    "--sort and --reorder exclude" },
		{ "--speedup 60 --reorder 1x a.csv", CLI_BAD,
		    "--reorder: '1x' is not a duration" },
		{ "--speedup 60 --reorder 0 a.csv", CLI_BAD,
		    "--reorder: 0 is out of range" },
		{ "--speedup 60 --reorder 2h a.csv", CLI_RUN, NULL },
		{ "--speedup 60 --sort a.csv", CLI_RUN, NULL },
		{ "--synth --rows 0 --speedup 5 --sort", CLI_BAD,
		    "endless --synth" },
		{ "--loop", CLI_BAD, "--loop cannot repeat standard input" },
		{ "--loop a.csv -", CLI_BAD, "--loop cannot repeat" },
		{ "--loop a.csv", CLI_RUN, NULL },
		{ "--count 12x", CLI_BAD, "--count: '12x' is not a count" },
		{ "-n 0", CLI_RUN, NULL },
		{ "--synth a.csv", CLI_BAD, "--synth takes no input files" },
		{ "--synth=nope", CLI_BAD, "--synth: 'nope' is not store" },
		{ "--rows 5", CLI_BAD, "--rows, --invoices and --start need" },
		{ "--dirty", CLI_BAD, "--days, --dirty" },
		{ "--synth --format json", CLI_BAD,
		    "--customers, --segments, --years" },
		{ "--synth=invoices --clean", CLI_BAD, "invoices are plain" },
		{ "--lines --clean", CLI_BAD, "--clean and --speedup need CSV" },
		{ "--shuffle --speedup 2", CLI_BAD, "--shuffle and --speedup" },
		{ "--synth --rows 0 --shuffle", CLI_BAD, "endless --synth" },
		{ "--reject-empty x", CLI_BAD, "--reject-empty needs --clean" },
		{ "-o f --listen :1", CLI_BAD, "-o, --listen and --mqtt" },
		{ "--reopen", CLI_BAD, "--reopen needs -o" },
		{ "--mqtt-topic t", CLI_BAD, "--mqtt-topic needs --mqtt" },
		{ "--qos 1", CLI_BAD, "--qos needs --mqtt" },
		{ "--max-inflight 5", CLI_BAD, "--max-inflight needs --mqtt" },
		{ "-t t", CLI_BAD, "-t, --kafka-key, -X and -F need -b" },
		{ "-X linger.ms=5", CLI_BAD, "-t, --kafka-key, -X and -F need -b" },
		{ "--kafka-key BranchName", CLI_BAD,
		    "-t, --kafka-key, -X and -F need -b" },
		{ "-X nokey -b h:1 -t s", CLI_BAD, "-X nokey: expected KEY=VALUE" },
		{ "-b h:1", CLI_BAD, "-b needs -t, --topic" },
		{ "-b h:1 -t a/b", CLI_BAD, "--topic: 'a/b' is not" },
		{ "-b h:1 -t s -o f", CLI_BAD, "-b excludes -o" },
		{ "-b h:1 -t s --kafka-key BranchName -X linger.ms=5", CLI_RUN,
		    NULL },
		{ "--mqtt tcp://h:1", CLI_BAD, "--mqtt needs --mqtt-topic" },
		{ "-u tcp://h:1 --mqtt-topic a/+/b", CLI_BAD, "--mqtt-topic: " },
		{ "-u tcp://h:1 --mqtt-topic t --qos 3", CLI_BAD,
		    "--qos: 3 is out of range (0 to 2)" },
		{ "-u tcp://h:1 --mqtt-topic t --key k.pem", CLI_BAD,
		    "--key needs --cert" },
		{ "-u nope://h:1 --mqtt-topic t", CLI_BAD, "--mqtt: " },
		{ "-u tcp://h:1 --mqtt-topic t --mqtt-password-file f",
		    CLI_RUN, NULL },
		{ "--listen nocolon", CLI_BAD, "--listen: 'nocolon' is not" },
		{ "--listen :1 --client-buffer 4096 --max-clients 512",
		    CLI_RUN, NULL },
		{ "--listen :1 --client-buffer 64K", CLI_RUN, NULL },
		{ "--listen :1 --client-buffer 4095", CLI_BAD,
		    "--client-buffer: 4095 is out of range" },
		{ "--listen :1 --max-clients 0", CLI_BAD,
		    "--max-clients: 0 is out of range (1 to 512)" },
		{ "--listen :1 --max-clients 513", CLI_BAD,
		    "--max-clients: 513 is out of range" },
		{ "--client-buffer 65536", CLI_BAD,
		    "--client-buffer and --max-clients need --listen" },
		{ "-o f --max-clients 2", CLI_BAD,
		    "--client-buffer and --max-clients need --listen" },
		{ "--listen 127.0.0.1:70000", CLI_BAD, "--listen: " },
		{ "--synth --start 2024-13-01", CLI_BAD,
		    "--start: '2024-13-01' is not a date" },
		{ "--synth --weak-branch Nowhere", CLI_BAD,
		    "--weak-branch: 'Nowhere' is not a branch" },
		{ "--synth --hot-product Laptop:0", CLI_BAD,
		    "--hot-product: 'Laptop:0' is not a product" },
		{ "--max-record 10", CLI_BAD, "--max-record: 10 is out of range" },
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
		replay_opts_free(&o);
	}
}

static void
test_values(void **state)
{
	struct replay_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse("-q --rate 2.5 --loop --shuffle --seed 9 -n 7 "
	    "--max-record 4096 a.csv b.csv", &o, err, sizeof(err)), CLI_RUN);
	assert_true(o.quiet && o.loop && o.shuffle);
	assert_true(o.rate == 2.5 && o.seed == 9 && o.count == 7);
	assert_int_equal(o.max_record, 4096);
	assert_int_equal(o.nfiles, 2);
	assert_string_equal(o.files[1], "b.csv");

	/* Defaults. */
	assert_int_equal(parse("", &o, err, sizeof(err)), CLI_RUN);
	assert_true(o.rate == 0 && o.speedup == 0 && o.count == -1);
	assert_int_equal(o.seed, 1);
	assert_string_equal(o.time_col, "Timestamp");
	assert_int_equal(o.nfiles, 0);

	assert_int_equal(parse("--synth", &o, err, sizeof(err)), CLI_RUN);
	assert_int_equal(o.synth, RS_STORE);
	assert_int_equal(o.rows, 25003);
	assert_int_equal(parse("--synth=store --rows 0", &o, err,
	    sizeof(err)), CLI_RUN);
	assert_int_equal(o.rows, 0);
	/* "--synth invoices" as contracts.md writes it. */
	assert_int_equal(parse("--synth invoices --invoices 70000 --format "
	    "json --customers 5 --years 2", &o, err, sizeof(err)), CLI_RUN);
	assert_int_equal(o.synth, RS_INVOICES);
	assert_int_equal(o.rows, 70000);
	assert_true(o.json && o.customers == 5 && o.years == 2);
	assert_int_equal(parse("--synth=invoices", &o, err, sizeof(err)),
	    CLI_RUN);
	assert_int_equal(o.rows, 1000);

	assert_int_equal(parse("--synth --start 2025-03-01 --days 7 --dirty "
	    "--empty-rows 3", &o, err, sizeof(err)), CLI_RUN);
	assert_true(o.start_set && o.start.year == 2025 && o.start.mon == 3);
	assert_true(o.days == 7 && o.dirty && o.empty_rows == 3);

	/* The in-flight window follows the QoS unless given. */
	assert_int_equal(parse("--mqtt tcp://h:1 --mqtt-topic t", &o, err,
	    sizeof(err)), CLI_RUN);
	assert_int_equal(o.mqtt.qos, 1);
	assert_int_equal(o.max_inflight, 1000);
	assert_int_equal(parse("-u tcp://h:1 --mqtt-topic t --qos 2", &o, err,
	    sizeof(err)), CLI_RUN);
	assert_int_equal(o.max_inflight, 20);
	assert_int_equal(parse("-u tcp://h:1 --mqtt-topic t --max-inflight 5",
	    &o, err, sizeof(err)), CLI_RUN);
	assert_int_equal(o.max_inflight, 5);
	replay_opts_free(&o);

	/* -q and -v are levels; the last word counts up and down. */
	assert_int_equal(parse("-qq", &o, err, sizeof(err)), CLI_RUN);
	assert_int_equal(cli_verbosity, CLI_ERROR);
	assert_true(o.quiet && !o.verbose);
	assert_int_equal(parse("-vv", &o, err, sizeof(err)), CLI_RUN);
	assert_int_equal(cli_verbosity, CLI_DEBUG);
	assert_true(!o.quiet && o.verbose);
	assert_int_equal(parse("-v -q", &o, err, sizeof(err)), CLI_RUN);
	assert_true(!o.quiet && !o.verbose);

	/* Sizes and durations take units. */
	assert_int_equal(parse("--max-record 2M --speedup 60 --reorder 90m "
	    "a.csv", &o, err, sizeof(err)), CLI_RUN);
	assert_int_equal(o.max_record, 2 * 1024 * 1024);
	assert_true(o.reorder == 5400);

	/* Kafka: -X and -F in order, in o.kafka. */
	assert_int_equal(parse("-b h:1 --topic sales -X linger.ms=5 "
	    "--kafka-key BranchName", &o, err, sizeof(err)), CLI_RUN);
	assert_string_equal(o.kafka.brokers, "h:1");
	assert_string_equal(o.kafka.topic, "sales");
	assert_string_equal(o.kafka_key, "BranchName");
	assert_int_equal(o.kafka.nprops, 1);
	assert_string_equal(o.kafka.props[0].key, "linger.ms");
	replay_opts_free(&o);
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
