#ifndef REDUCE_OPTS_H
#define REDUCE_OPTS_H
/* reduce's command line (docs/conventions.md): the options, the help text,
 * and the checks across options, as lib/cli.h has every tool do them. */
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "kafkaconf.h"
#include "kafkain.h"
#include "spec.h"

struct opts {
	const char *outdir, *rejects, *ckpt, *input, *tscol;
	/* The header of headerless input (--header LIST, --no-header); NULL:
	 * the input's first line is its header. */
	const char *header;
	double tick;
	unsigned long long tick_rows;
	size_t max_record;
	size_t max_lines;	/* --max-record-lines */
	int follow, merge, nosync, print_spec;
	int quiet, verbose;	/* -q (warnings off), -v (information on) */
	char **args;		/* FILE, or the checkpoints of --merge */
	int nargs;
	/* Windows, filters and history (issue 14). */
	const char *closed_dir;		/* --closed-dir (default OUTDIR/closed) */
	int wm_on, since_on, until_on, since_tod, until_tod;
	int64_t lateness, since, until;	/* --watermark, --since, --until */
	const char *history, *history_files;	/* --history DIR */
	unsigned long long history_max;
	double history_age;
	struct kafka_opts kafka;	/* -b, -t, -X, -F (lib/kafkaconf.h) */
	struct kin_conf kc;	/* the rest of the Kafka input (kafkain.h) */
};

/* Parse argv into o and the aggregates into sp (the built-in default when
 * none is given).  Usage and spec errors are printed here; the caller
 * turns the result into an exit status (CLI_BAD: 2). */
enum cli_result reduce_opts_parse(int argc, char **argv, struct opts *o,
    struct spec *sp);

/* The help text (it begins with "Usage:", as reduce(1)'s SYNOPSIS). */
extern const char reduce_help[];
/* Its second part, printed after it. */
extern const char reduce_help_more[];

#endif
