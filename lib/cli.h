#ifndef LI_CLI_H
#define LI_CLI_H
/* The command-line conventions of docs/conventions.md, once for the suite:
 * getopt_long's failures turned into messages, usage errors, --help and
 * --version, retired options, -q/-v, and option values (counts, numbers,
 * durations, sizes) checked with messages that name the option.
 *
 * A tool parses its arguments in a function that returns an enum cli_result
 * and leaves the decision to main(), as mosquitto's clients do:
 *
 *	switch (parse_args(argc, argv, &o)) {
 *	case CLI_HELP:    return cli_help(stdout, help_text);
 *	case CLI_VERSION: return cli_version(stdout);
 *	case CLI_BAD:     return 2;		(the message is out already)
 *	case CLI_RUN:     break;
 *	}
 *
 * Unlike the rest of lib/, the functions named "print" below write to
 * stderr (or to the FILE given) on the tool's behalf: they are the tool's
 * own diagnostics, prefixed with its name.  Nothing here calls exit().
 * The tool's name is program_invocation_short_name (so build/bin/reduce is
 * "reduce"), as err(3) and warn(3) use. */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* What parsing the command line decided. */
enum cli_result {
	CLI_RUN,	/* go on and run */
	CLI_HELP,	/* -h, --help: main() calls cli_help() */
	CLI_VERSION,	/* --version: main() calls cli_version() */
	CLI_BAD,	/* a usage error, already printed: exit 2 */
};

/* ==== getopt_long ======================================================= */

/* A retired option spelling and what to use instead.  old is "-r" or
 * "--kafka"; msg says what replaces it ("use -b, --brokers").  A table
 * ends with an entry whose old is NULL. */
struct cli_retired {
	const char *old;
	const char *msg;
};

/* One getopt_long loop.  Set shortopts (which must begin with ':', so a
 * missing value is told apart from an unknown option), longopts and,
 * optionally, retired; err receives the message of a failure. */
struct cli_getopt {
	const char *shortopts;
	const struct option *longopts;
	const struct cli_retired *retired;	/* NULL: none */
	char err[160];
};

/* Call getopt_long(argc, argv, g->shortopts, g->longopts, NULL) with
 * opterr = 0.  Returns what getopt_long returns (an option's code, or -1
 * after the last option), except that every failure returns '?' with
 * g->err holding the message: "unknown option '-Z'", "unknown option
 * '--frob'", "option '-o' needs a value", "option '--tick' needs a value",
 * "option '--once' takes no value", "option '--ti' is ambiguous (--tick,
 * --tick-rows)", or, for a spelling in g->retired, "option '--kafka' is
 * retired: use -b, --brokers".  Long options are named in full, as in
 * longopts, even when given abbreviated.  Typical use:
 *
 *	case '?': return cli_usage_error("%s", g.err), CLI_BAD; */
int cli_getopt(struct cli_getopt *g, int argc, char *argv[]);

/* The message for a failure of getopt_long, for a tool that calls it
 * itself (with opterr = 0).  c is what getopt_long returned ('?' or ':');
 * before is optind as it was before that call; optind and optopt are read
 * as getopt_long left them.  Writes the message (as cli_getopt's) to buf
 * and returns buf. */
char *cli_getopt_msg(int c, int argc, char *const argv[], int before,
    const char *shortopts, const struct option *longopts,
    const struct cli_retired *retired, char *buf, size_t len);

/* The entry of table for spelling ("-r", "--kafka"; a "=VALUE" suffix is
 * ignored), or NULL. */
const struct cli_retired *cli_retired_find(const struct cli_retired *table,
    const char *spelling);

/* Print "TOOL: option 'OLD' is retired: MSG" as a usage error (see
 * cli_usage_error) for r, and return 2.  For a retired spelling that a tool
 * still has in its getopt tables. */
int cli_retired_error(const struct cli_retired *r);

/* ==== diagnostics and exit statuses ===================================== */

/* Print "TOOL: MESSAGE" and "Try 'TOOL --help'." on stderr.  Returns 2, the
 * exit status of a usage error. */
int cli_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Write text (the help: it begins with "Usage:") to fp and flush it.
 * Returns the exit status: 0, or 1 after printing "TOOL: write error:
 * REASON" on stderr when the write, fflush or ferror fails (stdout on
 * /dev/full).  fp stays open. */
int cli_help(FILE *fp, const char *text);

/* Write "TOOL X.Y.Z" (LI_VERSION) and a newline to fp; as cli_help. */
int cli_version(FILE *fp);

/* ==== verbosity ========================================================= */

/* Levels of a message on stderr; cli_verbosity is the highest level shown:
 * CLI_WARN by default, one less for each -q, one more for each -v. */
enum cli_level {
	CLI_ERROR = -1,	/* always shown */
	CLI_WARN = 0,
	CLI_INFO = 1,	/* -v */
	CLI_DEBUG = 2,	/* -vv */
};
extern int cli_verbosity;

/* -q and -v: move cli_verbosity one level, kept in [CLI_ERROR, CLI_DEBUG]. */
void cli_quieter(void);
void cli_louder(void);

/* Print "TOOL: MESSAGE" on stderr when level <= cli_verbosity. */
void cli_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ==== option values ===================================================== */
/* Each checks the whole of arg and fills *out, or returns -1 with err
 * holding a usage message that names the option opt ("--tick", "-n"):
 * "--tick: 'x' is not a duration", "--tick-rows: 0 is out of range (1 to
 * 1000000)".  Leading blanks, hexadecimal, "inf" and "nan" are refused. */

/* A decimal integer in [min, max]. */
int cli_count(const char *opt, const char *arg, long long min, long long max,
    long long *out, char *err, size_t errlen);

/* A finite decimal number in [min, max]. */
int cli_number(const char *opt, const char *arg, double min, double max,
    double *out, char *err, size_t errlen);

/* A duration (parse_duration: "250ms", "1.5s", "2m", "1h", "1d"; a bare
 * number is seconds) in [min, max] seconds; the range is written with
 * units ("1ms to 365d"). */
int cli_duration(const char *opt, const char *arg, double min, double max,
    double *out, char *err, size_t errlen);

/* A size in bytes: a number with an optional K, M or G (also k, m, g:
 * powers of 1024), a whole number of bytes ("1.5K" is 1536, "0.3K" is not
 * a size), in [min, max]; the range is written with units ("64 to 1G"). */
int cli_size(const char *opt, const char *arg, unsigned long long min,
    unsigned long long max, unsigned long long *out, char *err,
    size_t errlen);

#endif
