/* reduce's command line: options, help, checks across options. */
#include "opts.h"

#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "readfile.h"
#include "synth.h"

#define MAX_LINES	16	/* physical lines a record may span (default) */
#define SPEC_FILE_MAX	(1024 * 1024)

enum {
	OPT_PRINT_SPEC = 256, OPT_TICK, OPT_TICK_ROWS, OPT_REJECTS,
	OPT_CHECKPOINT, OPT_MERGE, OPT_NO_SYNC, OPT_MAX_RECORD, OPT_VERSION,
	OPT_PARTITIONS, OPT_DEDUP_COL, OPT_HEADER, OPT_NO_HEADER,
	OPT_STATE_DIR, OPT_MAX_RECORD_LINES, OPT_TIME_COL,
	OPT_WATERMARK, OPT_CLOSED_DIR, OPT_SINCE, OPT_UNTIL, OPT_HISTORY,
	OPT_HISTORY_FILES, OPT_HISTORY_MAX, OPT_HISTORY_AGE,
};

static const char shortopts[] = ":a:efG:ho:qs:vb:F:t:X:";

static const struct option longopts[] = {
	{ "agg", required_argument, NULL, 'a' },
	{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
	{ "closed-dir", required_argument, NULL, OPT_CLOSED_DIR },
	{ "dedup-col", required_argument, NULL, OPT_DEDUP_COL },
	{ "exit-eof", no_argument, NULL, 'e' },
	{ "follow", no_argument, NULL, 'f' },
	{ "group", required_argument, NULL, 'G' },
	{ "header", required_argument, NULL, OPT_HEADER },
	{ "help", no_argument, NULL, 'h' },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "history-age", required_argument, NULL, OPT_HISTORY_AGE },
	{ "history-files", required_argument, NULL, OPT_HISTORY_FILES },
	{ "history-max", required_argument, NULL, OPT_HISTORY_MAX },
	{ "max-record", required_argument, NULL, OPT_MAX_RECORD },
	{ "max-record-lines", required_argument, NULL, OPT_MAX_RECORD_LINES },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "no-header", no_argument, NULL, OPT_NO_HEADER },
	{ "no-sync", no_argument, NULL, OPT_NO_SYNC },
	{ "output", required_argument, NULL, 'o' },
	{ "partitions", required_argument, NULL, OPT_PARTITIONS },
	{ "print-spec", no_argument, NULL, OPT_PRINT_SPEC },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "watermark", required_argument, NULL, OPT_WATERMARK },
	{ "snapshots", required_argument, NULL, 'o' },
	{ "spec", required_argument, NULL, 's' },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "tick", required_argument, NULL, OPT_TICK },
	{ "tick-rows", required_argument, NULL, OPT_TICK_ROWS },
	{ "time-col", required_argument, NULL, OPT_TIME_COL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	KAFKA_LONGOPTS,
	{ NULL, 0, NULL, 0 },
};

/* The spellings that changed in 0.2.0 (docs/conventions.md). */
static const struct cli_retired retired[] = {
	{ "--kafka", "use -b, --brokers" },
	{ "--time-column", "use --time-col" },
	{ NULL, NULL },
};

const char reduce_help[] =
    "Usage: reduce [-fqv] [-a SPEC]... [-s FILE] [--time-col COLUMN]\n"
    "              [--header LIST | --no-header] -o DIR [--tick DURATION]\n"
    "              [--tick-rows N] [--rejects FILE] [--checkpoint PATH]\n"
    "              [--no-sync] [--max-record BYTES] [--max-record-lines N]\n"
    "              [--watermark DURATION] [--closed-dir DIR] [--since TIME]\n"
    "              [--until TIME] [--history DIR [--history-files LIST]\n"
    "              [--history-max SIZE] [--history-age DURATION]] [FILE]\n"
    "       reduce -b BROKERS -t TOPIC [-G GROUP | --partitions LIST] [-e]\n"
    "              [-X KEY=VALUE]... [-F FILE] [--dedup-col COLUMN]\n"
    "              [--header LIST] -o DIR\n"
    "              [--checkpoint PATH | --state-dir DIR] [options]\n"
    "       reduce --merge -o DIR [--checkpoint PATH] [--watermark DURATION]\n"
    "              [--closed-dir DIR] CHECKPOINT|DIR...\n"
    "       reduce --print-spec [-a SPEC]... [-s FILE]\n"
    "\n"
    "Keep running group-by aggregates over transaction CSV (FILE, a FIFO\n"
    "or stdin) and write them as a snapshot directory every tick.\n\n"
    "  -a, --agg SPEC         an aggregate, FILE: KEYS -> NAME=FUNC(COL), ...\n"
    "  -s, --spec FILE        read aggregates from FILE, one a line\n"
    "      --print-spec       print the spec in use (default: the built-in)\n"
    "  -o, --output DIR       snapshot directory (made when missing); also\n"
    "      --snapshots DIR    spelled so\n"
    "      --time-col COL     column of the derived time fields (Timestamp)\n"
    "      --header LIST      the input has no header line: these columns\n"
    "      --no-header        the input has no header line: the 16 standard\n"
    "                         transaction columns\n"
    "      --tick DURATION    snapshot interval (default 1s)\n"
    "      --tick-rows N      also snapshot after every N rows\n"
    "      --rejects FILE     write rejected rows to FILE as CSV\n"
    "      --checkpoint PATH  save state and input position every tick;\n"
    "                         resume from PATH when it exists\n"
    "  -f, --follow           keep reading FILE as it grows (tail -F)\n"
    "      --merge            merge checkpoints (DIR: its state.ckpt, else\n"
    "                         every *.ckpt in it) into one snapshot\n"
    "      --no-sync          do not fsync snapshots and checkpoints\n"
    "      --max-record BYTES longest accepted row (default 1M)\n"
    "      --max-record-lines N  lines a quoted row may span (16; 0: any)\n"
    "      --watermark DURATION  close event-time windows this long after\n"
    "                         the newest row time; later rows for them are\n"
    "                         rejected as late\n"
    "      --closed-dir DIR   append closed windows to DIR/FILE (OUTDIR/closed)\n"
    "      --since TIME       leave out rows before TIME (event time;\n"
    "                         YYYY-MM-DD[ HH:MM[:SS]], or HH:MM every day)\n"
    "      --until TIME       leave out rows at or after TIME\n"
    "      --history DIR      append kpis.csv and branch_sales.csv to DIR\n"
    "                         at every tick, stamped with the time\n"
    "      --history-files LIST  the snapshot files to keep (FILE,FILE)\n"
    "      --history-max SIZE rotate a history file past SIZE (16M)\n"
    "      --history-age DURATION  or when its first row is this old\n";

/* The rest (a string literal has at most 4095 bytes in ISO C). */
const char reduce_help_more[] =
    "Kafka input (see reduce(1), KAFKA):\n"
    "  -b, --brokers LIST     read rows from Kafka, one a message\n"
    "  -t, --topic TOPIC      the topic\n"
    "  -G, --group GROUP      join a consumer group, or\n"
    "      --partitions LIST  read these partitions (0,2,4 or 0-2)\n"
    "  -e, --exit-eof         stop at the end of every partition\n"
    "  -X KEY=VALUE           a librdkafka property, as kcat's -X\n"
    "  -F, --kafka-config FILE  librdkafka properties from FILE (secrets)\n"
    "      --dedup-col COLUMN drop rows whose id (an integer) is not\n"
    "                         above the partition's highest so far\n"
    "      --state-dir DIR    a state and checkpoint per partition in DIR,\n"
    "                         shared by the group's members (hand-over)\n"
    "      --header LIST      header of messages without an li.header\n"
    "                         header (default: the 16 standard columns)\n"
    "  -q, --quiet            no warnings nor reject messages on stderr\n"
    "  -v, --verbose          every reject on stderr, and a summary; -vv:\n"
    "                         librdkafka's own log too\n"
    "  -h, --help             this help\n"
    "      --version          the version\n\n"
    "Functions: sum count min max mean distinct rejected mintime maxtime\n"
    "pop idle; ':int' after a function writes whole numbers (and refuses\n"
    "fractional input).  Time fields: Date Hour DayOfWeek TimeSlot Week\n"
    "IsoWeek Month.  Keys may hold one window(SIZE[, HOP]); measures may be\n"
    "followed by 'where COL=V and COL in (V1, V2)'.  See reduce(1).\n";

/* Everything the option loop keeps beside o. */
struct parse {
	struct opts *o;
	struct spec *sp;
	int nspec, naggopt;
	int topic_short;	/* -t was given */
	int ntopics;		/* -t and --topic given */
	int no_header;
	int hist_sub;		/* a --history-* option was given */
	char warn[512];
};

/* The options of windows, filters and history.  Returns 0, 1 when c is
 * not one, -1 after a usage error. */
static int
window_opt(struct parse *P, int c, const char *arg)
{
	struct opts *o = P->o;
	char errb[512];
	double d;

	switch (c) {
	case OPT_WATERMARK:
		if (cli_duration("--watermark", arg, 0, 366 * 86400.0, &d, errb,
		    sizeof(errb)) == -1)
			return cli_usage_error("%s", errb), -1;
		if (d != (double)(int64_t)d)
			return cli_usage_error("--watermark: '%s' is not a "
			    "whole number of seconds", arg), -1;
		o->wm_on = 1;
		o->lateness = (int64_t)d;
		return 0;
	case OPT_CLOSED_DIR:
		o->closed_dir = arg;
		return 0;
	case OPT_SINCE:
	case OPT_UNTIL:
		if (agg_parse_when(arg, c == OPT_SINCE ? &o->since : &o->until,
		    c == OPT_SINCE ? &o->since_tod : &o->until_tod) == -1)
			return cli_usage_error("--%s: '%s' is not a time "
			    "(YYYY-MM-DD HH:MM:SS, or HH:MM)", c == OPT_SINCE ?
			    "since" : "until", arg), -1;
		if (c == OPT_SINCE)
			o->since_on = 1;
		else
			o->until_on = 1;
		return 0;
	case OPT_HISTORY:
		o->history = arg;
		return 0;
	case OPT_HISTORY_FILES:
		P->hist_sub = 1;
		o->history_files = arg;
		return 0;
	case OPT_HISTORY_MAX:
		P->hist_sub = 1;
		return cli_size("--history-max", arg, 0, 1ULL << 40,
		    &o->history_max, errb, sizeof(errb)) == -1 ?
		    cli_usage_error("%s", errb), -1 : 0;
	case OPT_HISTORY_AGE:
		P->hist_sub = 1;
		return cli_duration("--history-age", arg, 0, 3660 * 86400.0,
		    &o->history_age, errb, sizeof(errb)) == -1 ?
		    cli_usage_error("%s", errb), -1 : 0;
	}
	return 1;
}

/* The rules across them.  Returns 0, or -1 after the message. */
static int
check_window(struct parse *P)
{
	struct opts *o = P->o;
	size_t i;

	if (o->history == NULL && P->hist_sub)
		return cli_usage_error("--history-files, --history-max and "
		    "--history-age need --history"), -1;
	if (o->history != NULL && (o->merge || o->kafka.brokers != NULL))
		return cli_usage_error("--history works with a file or stream "
		    "input only"), -1;
	/* With --state-dir every partition has a state of its own, so
	 * one watermark and one closed-windows file cannot be shared. */
	if (o->kc.state_dir != NULL && (o->wm_on || o->closed_dir ||
	    o->since_on || o->until_on))
		return cli_usage_error("--watermark, --closed-dir, --since and "
		    "--until do not work with --state-dir yet"), -1;
	if (o->merge && (o->since_on || o->until_on))
		return cli_usage_error("--merge takes no --since or --until"),
		    -1;
	for (i = 0; o->kc.state_dir != NULL && i < P->sp->naggs; i++)
		if (P->sp->aggs[i].wsize > 0)
			return cli_usage_error("%s: windows do not work with "
			    "--state-dir yet", P->sp->aggs[i].file), -1;
	return 0;
}

/* Read the spec file path into sp.  Returns 0, or -1 after the message. */
static int
read_spec(struct parse *P, const char *path)
{
	char errb[4200], *buf;
	size_t n;
	int rc;

	if ((buf = li_read_file(path, SPEC_FILE_MAX, &n, errb,
	    sizeof(errb))) == NULL) {
		if (errno == EFBIG)
			warnx("%s: spec file too large", path);
		else
			warnx("%s: %s", path, errb);
		return -1;
	}
	if (memchr(buf, '\0', n) != NULL) {
		warnx("%s: binary spec file", path);
		free(buf);
		return -1;
	}
	rc = spec_parse_text(P->sp, buf, path, errb, sizeof(errb));
	free(buf);
	if (rc == -1) {
		warnx("%s", errb);
		return -1;
	}
	P->nspec++;
	return 0;
}

/* 1 when the option getopt_long just returned was spelled long
 * ("--topic"), 0 when short ("-t"). */
static int
spelled_long(char **argv)
{
	const char *elem;

	if (optarg != NULL && optind >= 2 && optarg == argv[optind - 1])
		elem = argv[optind - 2];
	else
		elem = argv[optind - 1];
	return strncmp(elem, "--", 2) == 0;
}

/* The options of the Kafka input.  Returns 0, 1 when c is not one, -1
 * after a usage error. */
static int
kafka_opt(struct parse *P, int c, const char *arg, char **argv)
{
	struct opts *o = P->o;
	char errb[512];
	int rc;

	switch (c) {
	case 'e':
		o->kc.exit_eof = 1;
		return 0;
	case 'G':
		o->kc.group = arg;
		return 0;
	case OPT_PARTITIONS:
		if (kin_parse_partitions(arg, o->kc.parts, &o->kc.nparts) == -1) {
			cli_usage_error("--partitions: '%s' is not a partition "
			    "list (0,2,4 or 0-2, ids 0 to %d)", arg,
			    KIN_MAXPARTS - 1);
			return -1;
		}
		return 0;
	case OPT_DEDUP_COL:
		o->kc.dedup_col = arg;
		return 0;
	case OPT_STATE_DIR:
		o->kc.state_dir = arg;
		return 0;
	case 't':
		P->ntopics++;
		if (!spelled_long(argv))
			P->topic_short = 1;
		break;
	}
	rc = kafka_opts_set(&o->kafka, c, arg, errb, sizeof(errb), P->warn,
	    sizeof(P->warn));
	if (rc == -1) {
		cli_usage_error("%s", errb);
		return -1;
	}
	return rc;
}

/* The options of file input and of every mode.  Returns 0, or -1 after
 * the message (a usage or spec error). */
static int
main_opt(struct parse *P, int c, const char *arg)
{
	struct opts *o = P->o;
	char errb[4200];
	long long v;
	unsigned long long sz;

	switch (c) {
	case 'a':
		P->naggopt++;
		if (spec_parse_line(P->sp, arg, errb, sizeof(errb)) == -1) {
			warnx("-a %d: %s", P->naggopt, errb);
			return -1;
		}
		P->nspec++;
		return 0;
	case 's':
		return read_spec(P, arg);
	case 'f':
		o->follow = 1;
		return 0;
	case 'o':
		o->outdir = arg;
		return 0;
	case 'q':
		cli_quieter();
		return 0;
	case 'v':
		cli_louder();
		return 0;
	case OPT_TIME_COL:
		o->tscol = arg;
		return 0;
	case OPT_HEADER:
		o->header = arg;
		return 0;
	case OPT_NO_HEADER:
		P->no_header = 1;
		return 0;
	case OPT_PRINT_SPEC:
		o->print_spec = 1;
		return 0;
	case OPT_TICK:
		return cli_duration("--tick", arg, 0.001, 86400 * 365.0,
		    &o->tick, errb, sizeof(errb)) == -1 ?
		    cli_usage_error("%s", errb), -1 : 0;
	case OPT_TICK_ROWS:
		if (cli_count("--tick-rows", arg, 1, 1LL << 50, &v, errb,
		    sizeof(errb)) == -1)
			return cli_usage_error("%s", errb), -1;
		o->tick_rows = (unsigned long long)v;
		return 0;
	case OPT_MAX_RECORD:
		if (cli_size("--max-record", arg, 64, 1ULL << 30, &sz, errb,
		    sizeof(errb)) == -1)
			return cli_usage_error("%s", errb), -1;
		o->max_record = (size_t)sz;
		return 0;
	case OPT_MAX_RECORD_LINES:
		if (cli_count("--max-record-lines", arg, 0, 1000000, &v, errb,
		    sizeof(errb)) == -1)
			return cli_usage_error("%s", errb), -1;
		o->max_lines = (size_t)v;
		return 0;
	case OPT_REJECTS:
		o->rejects = arg;
		return 0;
	case OPT_CHECKPOINT:
		o->ckpt = arg;
		return 0;
	case OPT_MERGE:
		o->merge = 1;
		return 0;
	case OPT_NO_SYNC:
		o->nosync = 1;
		return 0;
	}
	return cli_usage_error("unknown option"), -1;
}

/* The rules across Kafka options.  Returns 0, or -1 after the message. */
static int
check_kafka(struct parse *P)
{
	struct opts *o = P->o;
	const struct kin_conf *kc = &o->kc;

	if (P->ntopics > 1)
		return cli_usage_error("the topic is given twice (-t, "
		    "--topic): give one"), -1;
	if (o->kafka.brokers == NULL && P->topic_short)
		return cli_usage_error("-t is the Kafka topic (with -b) since "
		    "0.2.0: for the time column, use --time-col"), -1;
	if (o->kafka.brokers == NULL && (o->kafka.topic || kc->group ||
	    kc->nparts || o->kafka.nprops || kc->dedup_col ||
	    kc->exit_eof || kc->state_dir))
		return cli_usage_error("-t, -G, --partitions, -X, -F, -e, "
		    "--dedup-col and --state-dir need -b"), -1;
	if (kc->state_dir != NULL && o->ckpt != NULL)
		return cli_usage_error("--state-dir keeps a checkpoint per "
		    "partition: no --checkpoint"), -1;
	if (o->kafka.brokers != NULL && (o->merge || o->follow ||
	    o->rejects || o->nargs > 0 || o->kafka.topic == NULL ||
	    (kc->group == NULL) == (kc->nparts == 0)))
		return cli_usage_error("-b takes -t and one of -G and "
		    "--partitions, and no FILE, -f, --merge or --rejects"), -1;
	return 0;
}

/* The rules across the other options.  Returns 0, or -1 after the
 * message. */
static int
check_opts(struct parse *P)
{
	struct opts *o = P->o;

	if (P->no_header && o->header != NULL)
		return cli_usage_error("--header and --no-header: give one"),
		    -1;
	if (P->no_header)
		o->header = SYNTH_HEADER;
	if (o->header != NULL && *o->header == '\0')
		return cli_usage_error("--header: the list is empty"), -1;
	if (o->outdir == NULL)
		return cli_usage_error("-o DIR is required"), -1;
	if (o->merge && (o->nargs == 0 || o->follow || o->rejects ||
	    o->tick_rows || o->header))
		return cli_usage_error("--merge takes checkpoints only"), -1;
	if (!o->merge && o->nargs > 1)
		return cli_usage_error("one FILE at most (more with --merge)"),
		    -1;
	if (o->follow && o->nargs == 0)
		return cli_usage_error("--follow needs a FILE"), -1;
	if (check_window(P) == -1)
		return -1;
	return check_kafka(P);
}

enum cli_result
reduce_opts_parse(int argc, char **argv, struct opts *o, struct spec *sp)
{
	struct cli_getopt g = { shortopts, longopts, retired, "" };
	struct parse P;
	char errb[512];
	int c;

	memset(o, 0, sizeof(*o));
	memset(&P, 0, sizeof(P));
	o->tick = 1.0;
	o->tscol = "Timestamp";
	o->max_lines = MAX_LINES;
	o->history_max = 16ULL << 20;
	P.o = o;
	P.sp = sp;
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		int rc;
		switch (c) {
		case '?':
			cli_usage_error("%s", g.err);
			return CLI_BAD;
		case 'h':
			return CLI_HELP;
		case OPT_VERSION:
			return CLI_VERSION;
		}
		if ((rc = kafka_opt(&P, c, optarg, argv)) == -1)
			return CLI_BAD;
		if (rc == 1 && (rc = window_opt(&P, c, optarg)) == -1)
			return CLI_BAD;
		if (rc == 1 && main_opt(&P, c, optarg) == -1)
			return CLI_BAD;
		if (P.warn[0] != '\0') {
			cli_log(CLI_WARN, "%s", P.warn);
			P.warn[0] = '\0';
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (P.nspec == 0 && spec_parse_text(sp, spec_default_text, "default",
	    errb, sizeof(errb)) == -1)
		errx(1, "%s", errb);
	if (sp->naggs == 0) {
		warnx("the spec has no aggregate");
		return CLI_BAD;
	}
	o->quiet = cli_verbosity < CLI_WARN;
	o->verbose = cli_verbosity >= CLI_INFO;
	if (o->print_spec) {
		if (o->nargs > 0)
			return cli_usage_error("--print-spec takes no FILE"),
			    CLI_BAD;
		return CLI_RUN;
	}
	return check_opts(&P) == -1 ? CLI_BAD : CLI_RUN;
}
