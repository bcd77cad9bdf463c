#ifndef REC_OPTS_H
#define REC_OPTS_H
/* recommend's command line (docs/conventions.md): the subcommand, its
 * options, and the rules between them. */
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "rec.h"

enum cmd { C_NONE, C_TRAIN, C_EVAL, C_TOP, C_SIMILAR, C_GEN };

struct opts {
	enum cmd cmd;
	struct rec_input in, test;
	int have_input;
	const char *model;
	const char *test_path;
	int test_fmt;		/* -1: as the input */
	double test_frac;
	int have_frac;
	enum rec_agg agg;
	struct rec_limits lim;
	struct als_params p;
	size_t k, n;
	int cold_nan;
	int include_owned, wide;
	const char **users;	/* top --user, in order */
	size_t nusers;
	const char *arg[2];	/* similar's item; gen's kind and output */
	/* gen */
	struct rec_gen_opts g;
	const char *g_test_out;
	int g_customers, g_bson, g_till, g_segments;
};

/* The help text, which begins with the man page's synopsis. */
extern const char rec_help[];

/* Parse the command line into o (o->users is allocated: free it).
 * Returns CLI_RUN, CLI_HELP, CLI_VERSION, or CLI_BAD after printing the
 * usage error. */
enum cli_result rec_parse_args(int argc, char *argv[], struct opts *o);

#endif
