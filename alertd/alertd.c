/* alertd: apply threshold rules to sample streams and reduce snapshots;
 * fire and resolve alerts, run hooks, or answer once for cron.  This file:
 * the command line (docs/conventions.md, lib/cli.h), set-up and
 * tear-down; alertd.h lists the other parts. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertd.h"
#include "cli.h"
#include "util.h"

/*=== options ===================================================================*/

enum {
	OPT_CLOCK = 256, OPT_EXEC, OPT_EXEC_JOBS, OPT_EXEC_QUEUE,
	OPT_EXEC_TIMEOUT, OPT_FORMAT, OPT_INPUT, OPT_ONCE, OPT_REOPEN,
	OPT_STATE, OPT_STOCK, OPT_TICKS, OPT_VERSION,
};

static const char shortopts[] = ":d:hqr:v";

static const struct option longopts[] = {
	{ "clock", required_argument, NULL, OPT_CLOCK },
	{ "exec", required_argument, NULL, OPT_EXEC },
	{ "exec-jobs", required_argument, NULL, OPT_EXEC_JOBS },
	{ "exec-queue", required_argument, NULL, OPT_EXEC_QUEUE },
	{ "exec-timeout", required_argument, NULL, OPT_EXEC_TIMEOUT },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reopen", no_argument, NULL, OPT_REOPEN },
	{ "rules", required_argument, NULL, 'r' },
	{ "snapshots", required_argument, NULL, 'd' },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "stock", required_argument, NULL, OPT_STOCK },
	{ "ticks", required_argument, NULL, OPT_TICKS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* The spellings that changed in 0.2.0 (docs/conventions.md). */
static const struct cli_retired retired[] = {
	{ "-F", "use --format (-F is the Kafka configuration file)" },
	{ "-i", "use --input (-i is sysheat's interval)" },
	{ "--dir", "use -d, --snapshots" },
	{ NULL, NULL },
};

static const char help_text[] =
    "Usage: alertd -r rules [-qv] [-d dir] [--format csv|json] "
    "[--input file]...\n"
    "              [--ticks fifo] [--stock file] [--clock wall|input]\n"
    "              [--exec command] [--exec-timeout duration] "
    "[--exec-jobs n]\n"
    "              [--exec-queue n] [--state file] [--reopen] [--once]\n"
    "Apply threshold rules to sysheat samples and reduce snapshots;\n"
    "print one event line each time an alert fires or resolves.\n\n"
    "  -r, --rules FILE      rules file (see alertd(1))\n"
    "      --input FILE      read samples or tick lines from FILE or a "
    "FIFO (repeatable;\n"
    "                        '-' is stdin; default: stdin)\n"
    "      --ticks FIFO      read reduce's tick lines from FIFO\n"
    "  -d, --snapshots DIR   reduce snapshot directory, re-read on each "
    "tick\n"
    "      --stock FILE      starting stock: Product,Stock or "
    "BranchName,Product,Stock\n"
    "      --format FMT      events as csv (default) or json lines\n"
    "      --clock CLOCK     wall (default) or input: time from the "
    "input's time column\n"
    "      --exec CMD        run CMD (/bin/sh -c) on each event\n"
    "      --exec-timeout D  kill a hook after D (default 10s)\n"
    "      --exec-jobs N     hooks running at once (default 4)\n"
    "      --exec-queue N    hooks waiting at most (default 64)\n"
    "      --state FILE      keep the active alerts in FILE, restored at "
    "start\n"
    "      --once            evaluate once, print a Nagios status line, "
    "exit 0/1/2/3\n"
    "      --reopen          open a FIFO input again when its writer "
    "goes away\n"
    "  -q, --quiet           one level less on stderr: errors only\n"
    "  -v, --verbose         one level more on stderr: counts at exit\n"
    "  -h, --help            this help\n"
    "      --version         the version\n";

int
alertd_ex_usage(const struct alertd *d)
{
	return d->opt.once ? 3 : 2;
}

int
alertd_ex_fail(const struct alertd *d)
{
	return d->opt.once ? 3 : 1;
}

void *
alertd_malloc(const struct alertd *d, size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err(alertd_ex_fail(d), "malloc");
	return p;
}

char *
alertd_strdup(const struct alertd *d, const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		err(alertd_ex_fail(d), "strdup");
	return p;
}

int
alertd_warn_on(void)
{
	return cli_verbosity >= CLI_WARN;
}

int
alertd_info_on(void)
{
	return cli_verbosity >= CLI_INFO;
}

/* One of the words of a keyword option: its index in words, or a usage
 * error (-1). */
static int
keyword(const char *opt, const char *arg, const char *const *words)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (strcmp(arg, words[i]) == 0)
			return i;
	cli_usage_error("%s: want %s or %s, not '%s'", opt, words[0],
	    words[1], arg);
	return -1;
}

/* The options of one run (no side effect but o and the verbosity). */
static enum cli_result
parse_args(int argc, char *argv[], struct alertd_opts *o)
{
	static const char *const formats[] = { "csv", "json", NULL };
	static const char *const clocks[] = { "wall", "input", NULL };
	struct cli_getopt g = { shortopts, longopts, retired, "" };
	char e[160];
	int c, k;

	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		switch (c) {
		case 'd':
			o->dir = optarg;
			break;
		case 'h':
			return CLI_HELP;
		case 'q':
			cli_quieter();
			break;
		case 'r':
			o->rules_path = optarg;
			break;
		case 'v':
			cli_louder();
			break;
		case OPT_CLOCK:
			if ((k = keyword("--clock", optarg, clocks)) < 0)
				return CLI_BAD;
			o->input_clock = k;
			break;
		case OPT_EXEC:
			o->exec = optarg;
			break;
		case OPT_EXEC_JOBS:
			if (cli_count("--exec-jobs", optarg, 1, 256,
			    &o->exec_jobs, e, sizeof(e)) == -1)
				return cli_usage_error("%s", e), CLI_BAD;
			break;
		case OPT_EXEC_QUEUE:
			if (cli_count("--exec-queue", optarg, 1, 100000,
			    &o->exec_queue, e, sizeof(e)) == -1)
				return cli_usage_error("%s", e), CLI_BAD;
			break;
		case OPT_EXEC_TIMEOUT:
			if (cli_duration("--exec-timeout", optarg, 0.001,
			    86400, &o->exec_timeout, e, sizeof(e)) == -1)
				return cli_usage_error("%s", e), CLI_BAD;
			break;
		case OPT_FORMAT:
			if ((k = keyword("--format", optarg, formats)) < 0)
				return CLI_BAD;
			o->json = k;
			break;
		case OPT_INPUT:
			if (o->nin == INPUTS_MAX - 1)
				return cli_usage_error("--input: at most %d "
				    "inputs", INPUTS_MAX - 1), CLI_BAD;
			o->in_paths[o->nin++] = optarg;
			break;
		case OPT_ONCE:
			o->once = 1;
			break;
		case OPT_REOPEN:
			o->reopen = 1;
			break;
		case OPT_STATE:
			o->state_path = optarg;
			break;
		case OPT_STOCK:
			o->stock = optarg;
			break;
		case OPT_TICKS:
			o->ticks = optarg;
			break;
		case OPT_VERSION:
			return CLI_VERSION;
		default:
			return cli_usage_error("%s", g.err), CLI_BAD;
		}
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'",
		    argv[optind]), CLI_BAD;
	if (o->rules_path == NULL)
		return cli_usage_error("no rules: give -r FILE"), CLI_BAD;
	if (o->once && o->reopen)
		return cli_usage_error("--once and --reopen do not go "
		    "together"), CLI_BAD;
	if (o->once && o->state_path != NULL)
		return cli_usage_error("--once and --state do not go "
		    "together"), CLI_BAD;
	if (o->once && o->exec != NULL)
		return cli_usage_error("--once and --exec do not go "
		    "together"), CLI_BAD;
	return CLI_RUN;
}

/*=== set-up and tear-down =====================================================*/

static volatile sig_atomic_t got_chld;

/* SIGCHLD only wakes ppoll (hooks_poll reaps). */
static void
on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

/* Rules, stock, snapshot directory, hooks.  Exits on an error. */
static void
setup(struct alertd *d)
{
	char e[1024];
	size_t i;
	long n;

	if ((n = rules_load(d->opt.rules_path, &d->rules, e,
	    sizeof(e))) == -1)
		errx(alertd_ex_usage(d), "%s", e);
	d->nrules = (size_t)n;
	for (i = 0; i < d->nrules; i++) {
		/* Rules whose source is not given (no -d, no --stock) stay
		 * idle, so one rules file serves every pipeline. */
		if (d->rules[i].src == SRC_ROW || d->rules[i].src == SRC_AGG)
			snap_add_table(d, d->rules[i].file, 0);
		if (d->rules[i].src == SRC_INVENTORY && d->opt.stock != NULL) {
			snap_add_table(d, d->rules[i].file, 0);
			/* See snapshot_matches. */
			snap_add_table(d, "kpis.csv", 1);
		}
	}
	if (d->opt.stock != NULL) {
		if ((d->inv = inv_new()) == NULL)
			err(alertd_ex_fail(d), "malloc");
		if (inv_load_stock(d->inv, d->opt.stock, e, sizeof(e)) == -1)
			errx(alertd_ex_usage(d), "%s", e);
	}
	if (d->opt.dir != NULL) {
		struct stat st;
		/* Missing is fine: reduce, started beside us, makes it. */
		int src = stat(d->opt.dir, &st);
		if (src == -1 && errno != ENOENT)
			err(alertd_ex_fail(d), "%s", d->opt.dir);
		if (src == 0 && !S_ISDIR(st.st_mode))
			errx(alertd_ex_fail(d), "%s: not a directory",
			    d->opt.dir);
	}
	if ((d->alert_map = strmap_new()) == NULL)
		err(alertd_ex_fail(d), "malloc");
	if (d->opt.exec != NULL && (d->hooks = hooks_new(d->opt.exec,
	    d->opt.exec_timeout, (size_t)d->opt.exec_jobs,
	    (size_t)d->opt.exec_queue)) == NULL)
		err(alertd_ex_fail(d), "malloc");
	if (d->hooks != NULL)
		d->hooks->quiet = !alertd_warn_on();
}

/* Open the inputs.  Exits on an error. */
static void
open_inputs(struct alertd *d)
{
	char e[1024];
	size_t i;
	int st;

	/* stdin is read when no input is named, except a terminal under
	 * --once (a cron job's check of a snapshot alone). */
	if (d->opt.nin == 0 && d->opt.ticks == NULL &&
	    !(d->opt.once && isatty(0)) &&
	    input_add(d, "-", 0, &st, e, sizeof(e)) == -1)
		errx(st, "%s", e);
	for (i = 0; i < d->opt.nin; i++)
		if (input_add(d, d->opt.in_paths[i], 0, &st, e,
		    sizeof(e)) == -1)
			errx(st, "%s", e);
	if (d->opt.ticks != NULL &&
	    input_add(d, d->opt.ticks, 1, &st, e, sizeof(e)) == -1)
		errx(st, "%s", e);
}

static void
report_counts(const struct alertd *d)
{
	size_t i;

	for (i = 0; i < d->ninputs; i++)
		warnx("%s: %lu records, %lu malformed", d->inputs[i].name,
		    d->inputs[i].records, d->inputs[i].malformed);
	if (d->opt.dir != NULL)
		warnx("%s: %lu snapshot reads, %lu malformed rows, %lu newer "
		    "than their tick", d->opt.dir, d->snap_reads,
		    d->tctx.malformed, d->stale_ticks);
	warnx("%lu events", d->events);
	if (d->hooks != NULL)
		warnx("hooks: %lu run, %lu failed, %lu timed out, %lu dropped",
		    d->hooks->run, d->hooks->failed, d->hooks->timed_out,
		    d->hooks->dropped);
}

static void
teardown(struct alertd *d)
{
	size_t i;

	input_free_all(d);
	for (i = 0; i < d->nalerts; i++)
		free(d->alerts[i].key);
	free(d->alerts);
	for (i = 0; i < d->ntables; i++) {
		table_clear(&d->tables[i]);
		free(d->tables[i].name);
	}
	free(d->tables);
	strmap_free(d->alert_map);
	inv_free(d->inv);
	hooks_free(d->hooks);
	free(d->rules);
}

/* The run after set-up; returns --once's status (else 0). */
static int
run(struct alertd *d)
{
	if (!d->opt.once && !d->opt.json) {
		fputs(CONTRACT_ALERT_HEADER "\n", stdout);
		alertd_check_stdout(d);
	}
	if (!d->opt.once) {
		d->snap_startup = 1;
		snap_read(d, NAN, -1);
		d->snap_startup = 0;
		alertd_step_all(d);
	}
	input_run(d);
	if (!d->opt.once)
		return 0;
	/* The newest snapshot, as cron would see it. */
	if (!sig_stop)
		snap_read(d, d->last_sales_t, -1);
	if (sig_stop) {
		/* Stopped before the inputs were judged: say so, never an
		 * OK made of half the data. */
		printf("LIVEINSIGHT UNKNOWN - stopped by %s before the check "
		    "was done\n", sig_last == SIGINT ? "SIGINT" : "SIGTERM");
		return 3;
	}
	return alertd_once_report(d);
}

int
main(int argc, char *argv[])
{
	struct alertd d;
	struct sigaction sa;
	int c, rc;

	memset(&d, 0, sizeof(d));
	d.opt.exec_timeout = 10;
	d.opt.exec_jobs = 4;
	d.opt.exec_queue = 64;
	d.last_sales_t = NAN;
	/* --once changes the exit statuses of errors: know it early. */
	for (c = 1; c < argc && strcmp(argv[c], "--") != 0; c++)
		if (strcmp(argv[c], "--once") == 0)
			d.opt.once = 1;
	switch (parse_args(argc, argv, &d.opt)) {
	case CLI_HELP:
		return cli_help(stdout, help_text);
	case CLI_VERSION:
		return cli_version(stdout);
	case CLI_BAD:
		return alertd_ex_usage(&d);
	case CLI_RUN:
		break;
	}
	/* From here on SIGINT and SIGTERM only set sig_stop, which every
	 * stage checks: a signal at start-up ends a --once run with its
	 * UNKNOWN line too. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL) == -1 || sig_install() == -1)
		err(alertd_ex_fail(&d), "sigaction");
	setup(&d);
	if (d.opt.state_path != NULL) {
		char e[1024];

		if (statefile_load(&d, e, sizeof(e)) == -1)
			errx(alertd_ex_fail(&d), "%s", e);
		d.state_dirty = 1;	/* written at the first step */
	}
	open_inputs(&d);
	rc = run(&d);
	if (alertd_info_on())
		report_counts(&d);
	if (d.hooks != NULL && d.hooks->dropped > 0)
		warnx("%lu hook runs dropped", d.hooks->dropped);
	if (sig_stop && alertd_info_on())
		warnx("stopped by signal %d", (int)sig_last);
	teardown(&d);
	if (d.out_stalled) {
		/* The event being written may be cut short: not a clean end. */
		warnx("stdout: stopped by %s while writing an event (the reader "
		    "was not reading)", sig_last == SIGINT ? "SIGINT" :
		    "SIGTERM");
		return alertd_ex_fail(&d);
	}
	if (close_stdout() == -1) {
		warn("stdout");
		return alertd_ex_fail(&d);
	}
	if (d.state_failed)
		return alertd_ex_fail(&d);
	/* Under --once an unreadable input makes an OK unknown. */
	if (d.input_failed)
		return d.opt.once ? (rc == 0 ? 3 : rc) : alertd_ex_fail(&d);
	return rc;
}
