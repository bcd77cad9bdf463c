/* recommend's command line, by docs/conventions.md: lib/cli for the
 * messages and the values; the letters that 0.2.0 gave back to the suite
 * (-a -d -i -l -r -s -t) are retired and name their long spelling. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "util.h"

#define MAX_TOP		10000

#define M_TRAIN		(1u << C_TRAIN)
#define M_EVAL		(1u << C_EVAL)
#define M_TOP		(1u << C_TOP)
#define M_SIMILAR	(1u << C_SIMILAR)
#define M_GEN		(1u << C_GEN)
#define M_FIT		(M_TRAIN | M_EVAL)
#define M_ALL		(M_TRAIN | M_EVAL | M_TOP | M_SIMILAR | M_GEN)

/* Options without a letter of their own.  The codes of --alpha,
 * --delimiter, --iters, --lambda, --rank, --seed and --threads are their
 * retired letters, which are not in shortopts. */
enum {
	O_ARCHIVE = 256, O_JSON, O_RATINGS, O_USER, O_ITEM, O_RATING,
	O_HEADER, O_NOHEADER, O_AGG, O_MAXUSERS, O_MAXITEMS, O_MAXRATINGS,
	O_MAXREJECTS, O_IMPLICIT, O_NONNEG, O_TEST, O_TESTFRAC, O_COLD,
	O_OWNED, O_WIDE, O_VERSION, O_TESTFMT,
	/* gen (tests and benchmarks) */
	O_G_USERS, O_G_ITEMS, O_G_COUNT, O_G_SIGMA, O_G_MU, O_G_CLIP,
	O_G_SKEW, O_G_TESTOUT, O_G_CUSTOMERS, O_G_BSON, O_G_TILL, O_G_NOHDR,
	O_G_SEGMENTS, O_G_RANK,
};

static const struct option longopts[] = {
	{ "alpha",		required_argument,	NULL, 'a' },
	{ "archive",		required_argument,	NULL, O_ARCHIVE },
	{ "cold-start",		required_argument,	NULL, O_COLD },
	{ "count",		required_argument,	NULL, 'n' },
	{ "delimiter",		required_argument,	NULL, 'd' },
	{ "header",		no_argument,		NULL, O_HEADER },
	{ "help",		no_argument,		NULL, 'h' },
	{ "implicit",		no_argument,		NULL, O_IMPLICIT },
	{ "include-owned",	no_argument,		NULL, O_OWNED },
	{ "item",		required_argument,	NULL, O_ITEM },
	{ "iters",		required_argument,	NULL, 'i' },
	{ "json",		required_argument,	NULL, O_JSON },
	{ "lambda",		required_argument,	NULL, 'l' },
	{ "max-items",		required_argument,	NULL, O_MAXITEMS },
	{ "max-ratings",	required_argument,	NULL, O_MAXRATINGS },
	{ "max-rejects",	required_argument,	NULL, O_MAXREJECTS },
	{ "max-users",		required_argument,	NULL, O_MAXUSERS },
	{ "model",		required_argument,	NULL, 'm' },
	{ "no-header",		no_argument,		NULL, O_NOHEADER },
	{ "nonnegative",	no_argument,		NULL, O_NONNEG },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "rank",		required_argument,	NULL, 'r' },
	{ "rating",		required_argument,	NULL, O_RATING },
	{ "rating-agg",		required_argument,	NULL, O_AGG },
	{ "ratings",		required_argument,	NULL, O_RATINGS },
	{ "seed",		required_argument,	NULL, 's' },
	{ "test",		required_argument,	NULL, O_TEST },
	{ "test-format",	required_argument,	NULL, O_TESTFMT },
	{ "test-fraction",	required_argument,	NULL, O_TESTFRAC },
	{ "threads",		required_argument,	NULL, 't' },
	{ "user",		required_argument,	NULL, O_USER },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, O_VERSION },
	{ "wide",		no_argument,		NULL, O_WIDE },
	/* gen: undocumented, for the tests and the benchmark. */
	{ "g-bson",		no_argument,		NULL, O_G_BSON },
	{ "g-clip",		no_argument,		NULL, O_G_CLIP },
	{ "g-count",		required_argument,	NULL, O_G_COUNT },
	{ "g-customers",	required_argument,	NULL, O_G_CUSTOMERS },
	{ "g-items",		required_argument,	NULL, O_G_ITEMS },
	{ "g-mu",		required_argument,	NULL, O_G_MU },
	{ "g-no-header",	no_argument,		NULL, O_G_NOHDR },
	{ "g-rank",		required_argument,	NULL, O_G_RANK },
	{ "g-segments",		required_argument,	NULL, O_G_SEGMENTS },
	{ "g-sigma",		required_argument,	NULL, O_G_SIGMA },
	{ "g-skew",		required_argument,	NULL, O_G_SKEW },
	{ "g-test-out",		required_argument,	NULL, O_G_TESTOUT },
	{ "g-till-json",	no_argument,		NULL, O_G_TILL },
	{ "g-users",		required_argument,	NULL, O_G_USERS },
	{ NULL,			0,			NULL, 0 },
};

static const char shortopts[] = ":hk:m:n:qv";

static const struct cli_retired retired[] = {
	{ "-a", "use --alpha" },
	{ "-d", "use --delimiter" },
	{ "-i", "use --iters" },
	{ "-l", "use --lambda" },
	{ "-r", "use --rank" },
	{ "-s", "use --seed" },
	{ "-t", "use --threads" },
	{ NULL, NULL },
};

static const struct { const char *name; enum cmd cmd; } cmds[] = {
	{ "train", C_TRAIN }, { "eval", C_EVAL }, { "top", C_TOP },
	{ "similar", C_SIMILAR }, { "gen", C_GEN },
};

const char rec_help[] =
    "Usage: recommend train input [options] -m model\n"
    "       recommend eval input [--test file | --test-fraction f] "
    "[options]\n"
    "       recommend eval -m model --test file [--test-format format] "
    "[options]\n"
    "       recommend top -m model [-n count] [--user id ...] "
    "[--include-owned] [--wide]\n"
    "       recommend similar -m model [-n count] item\n"
    "\n"
    "Input (train, eval; one of):\n"
    "  --archive FILE        BSON archive of invoice documents\n"
    "  --json FILE           JSON lines, one invoice document a line\n"
    "  --ratings FILE        CSV rating triples ('-' is stdin)\n"
    "  --delimiter C         CSV field delimiter (default ,; 'tab')\n"
    "  --user COL --item COL --rating COL\n"
    "                        CSV columns by header name or 1-based\n"
    "                        position (default 1, 2, 3)\n"
    "  --header, --no-header CSV header line (default: detected)\n"
    "  --rating-agg sum|count|max\n"
    "                        combine repeated (customer, item) values\n"
    "  --max-users N --max-items N --max-ratings N\n"
    "  --max-rejects N       bad records tolerated, each warned (0)\n"
    "Model (train, eval):\n"
    "  --rank N              factors (Spark rank, default 10)\n"
    "  --iters N             iterations (maxIter, default 10)\n"
    "  --lambda X            regularisation (regParam, default 0.1)\n"
    "  --implicit            implicit feedback (implicitPrefs)\n"
    "  --alpha X             implicit confidence (alpha, default 1)\n"
    "  --nonnegative         non-negative factors (nonnegative)\n"
    "  --seed N              random seed (default 1)\n"
    "  --threads N           threads (default: all cores)\n"
    "  -m, --model FILE      model file to write (train) or read\n"
    "Evaluation (eval):\n"
    "  --test FILE           held-out data, same format as the input\n"
    "  --test-format bson|json|csv\n"
    "                        format of --test (default: the input's,\n"
    "                        csv with -m and no input)\n"
    "  --test-fraction F     else hold out this fraction (0.2)\n"
    "  -k N                  ranking cut-off (default 10)\n"
    "  --cold-start drop|nan unknown users/items (coldStartStrategy)\n"
    "Recommendations (top, similar):\n"
    "  -n, --count N         items per customer (5) or similar (10)\n"
    "  --user ID             only this customer (repeatable)\n"
    "  --include-owned       also recommend items already bought\n"
    "  --wide                FirstName,LastName,PhoneNumber,"
    "recommended_item_1..N\n"
    "  -q, --quiet           one level less on stderr (no warnings)\n"
    "  -v, --verbose         one level more: counts and timings\n"
    "  -h, --help            this help\n"
    "  --version             the version\n";

/* Which subcommands take each option. */
static unsigned
opt_mask(int c)
{
	switch (c) {
	case O_USER:
		return M_FIT | M_TOP;
	case O_ARCHIVE: case O_JSON: case O_RATINGS: case 'd':
	case O_ITEM: case O_RATING: case O_HEADER: case O_NOHEADER:
	case O_AGG: case O_MAXUSERS: case O_MAXITEMS: case O_MAXRATINGS:
	case O_MAXREJECTS:
		return M_FIT;
	case 'r': case 'i': case 'l': case 'a': case O_IMPLICIT: case O_NONNEG:
	case 't':
		return M_FIT;
	case 's':
		return M_FIT | M_GEN;
	case 'm':
		return M_FIT | M_TOP | M_SIMILAR;
	case O_TEST: case O_COLD: case 'k': case O_TESTFMT:
		return M_EVAL;
	case O_TESTFRAC:
		return M_EVAL | M_GEN;
	case 'n':
		return M_TOP | M_SIMILAR;
	case O_OWNED: case O_WIDE:
		return M_TOP;
	case 'q': case 'v':
		return M_ALL;
	default:
		return c >= O_G_USERS ? M_GEN : M_ALL;
	}
}

static void
warn_reject(void *ctx, const char *msg)
{
	(void)ctx;
	cli_log(CLI_WARN, "%s", msg);
}

static void
defaults(struct opts *o, int argc)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->in.delim = ',';
	o->in.ucol = "1";
	o->in.icol = "2";
	o->in.rcol = "3";
	o->in.header = -1;
	o->in.warn = warn_reject;
	o->in.ctx = o;
	o->agg = REC_AGG_SUM;
	o->p.rank = 10;
	o->p.iters = 10;
	o->p.lambda = 0.1;
	o->p.alpha = 1.0;
	o->p.seed = 1;
	o->p.threads = ncpu > 0 ? (int)(ncpu > 256 ? 256 : ncpu) : 1;
	o->test_frac = 0.2;
	o->test_fmt = -1;
	o->k = 10;
	o->g.users = 100;
	o->g.items = 100;
	o->g.rank = 3;
	o->g.ratings = 1000;
	o->g.sigma = 0.1;
	o->g.header = 1;
	o->g_customers = 200;
	o->users = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*o->users));
	if (o->users == NULL)
		err(1, "out of memory");
}

/* A keyword value: the index of arg in names (NULL-terminated), or -1
 * with err set. */
static int
keyword(const char *opt, const char *arg, const char *const *names,
    const char *list, char *err, size_t elen)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	snprintf(err, elen, "%s: '%s' is not %s", opt, arg, list);
	return -1;
}

/* A count option into an integer of any width. */
#define COUNT(opt, lo, hi, dst) do { \
	if (cli_count(opt, arg, lo, hi, &v, err, elen) == -1) \
		return -1; \
	(dst) = (__typeof__(dst))v; \
} while (0)

static int
set_input(struct opts *o, enum rec_format fmt, const char *path, char *err,
    size_t elen)
{
	if (o->have_input) {
		snprintf(err, elen, "only one of --archive, --json and "
		    "--ratings");
		return -1;
	}
	o->have_input = 1;
	o->in.fmt = fmt;
	o->in.path = path;
	return 0;
}

/* The options of the input and the model (train, eval).  Returns 0, 1
 * when c is not one of them, or -1 with err set. */
static int
set_fit(struct opts *o, int c, const char *arg, char *err, size_t elen)
{
	static const char *const aggs[] = { "sum", "count", "max", NULL };
	static const enum rec_agg aggv[] = { REC_AGG_SUM, REC_AGG_COUNT,
	    REC_AGG_MAX };
	long long v;
	int i;

	switch (c) {
	case O_ARCHIVE: return set_input(o, REC_FMT_BSON, arg, err, elen);
	case O_JSON: return set_input(o, REC_FMT_JSON, arg, err, elen);
	case O_RATINGS: return set_input(o, REC_FMT_CSV, arg, err, elen);
	case 'd':
		if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
			o->in.delim = '\t';
		else if (strlen(arg) == 1 && arg[0] != '"' &&
		    arg[0] != '\n' && arg[0] != '\r')
			o->in.delim = arg[0];
		else {
			snprintf(err, elen, "--delimiter: '%s' is not one "
			    "character", arg);
			return -1;
		}
		return 0;
	case O_USER:
		if (o->cmd == C_TOP)
			o->users[o->nusers++] = arg;
		else
			o->in.ucol = arg;
		return 0;
	case O_ITEM: o->in.icol = arg; return 0;
	case O_RATING: o->in.rcol = arg; return 0;
	case O_HEADER: o->in.header = 1; return 0;
	case O_NOHEADER: o->in.header = 0; return 0;
	case O_AGG:
		if ((i = keyword("--rating-agg", arg, aggs, "sum, count or max",
		    err, elen)) == -1)
			return -1;
		o->agg = aggv[i];
		return 0;
	case O_MAXUSERS:
		COUNT("--max-users", 1, UINT32_MAX - 1, o->lim.max_users);
		return 0;
	case O_MAXITEMS:
		COUNT("--max-items", 1, UINT32_MAX - 1, o->lim.max_items);
		return 0;
	case O_MAXRATINGS:
		COUNT("--max-ratings", 1, UINT32_MAX - 1, o->lim.max_ratings);
		return 0;
	case O_MAXREJECTS:
		COUNT("--max-rejects", 0, INT64_MAX, o->in.max_rejects);
		return 0;
	case 'r': COUNT("--rank", 1, REC_MAX_RANK, o->p.rank); return 0;
	case 'i': COUNT("--iters", 1, 100000, o->p.iters); return 0;
	case 'l':
		return cli_number("--lambda", arg, 0, 1e12, &o->p.lambda, err,
		    elen);
	case 'a':
		return cli_number("--alpha", arg, 0, 1e12, &o->p.alpha, err,
		    elen);
	case O_IMPLICIT: o->p.implicit = 1; return 0;
	case O_NONNEG: o->p.nonneg = 1; return 0;
	case 't': COUNT("--threads", 1, 256, o->p.threads); return 0;
	case 'm': o->model = arg; return 0;
	default: return 1;
	}
}

/* The options of eval, top, similar and the seed.  As set_fit. */
static int
set_use(struct opts *o, int c, const char *arg, char *err, size_t elen)
{
	static const char *const fmts[] = { "bson", "json", "csv", NULL };
	static const char *const colds[] = { "drop", "nan", NULL };
	long long v;
	int i;

	switch (c) {
	case 's':
		COUNT("--seed", 0, INT64_MAX, o->p.seed);
		o->g.seed = o->p.seed;
		return 0;
	case O_TEST: o->test_path = arg; return 0;
	case O_TESTFMT:
		if ((i = keyword("--test-format", arg, fmts,
		    "bson, json or csv", err, elen)) == -1)
			return -1;
		o->test_fmt = i == 0 ? REC_FMT_BSON : i == 1 ? REC_FMT_JSON :
		    REC_FMT_CSV;
		return 0;
	case O_TESTFRAC:
		if (cli_number("--test-fraction", arg, 0, 1, &o->test_frac,
		    err, elen) == -1)
			return -1;
		if (o->cmd == C_EVAL && (o->test_frac <= 0 ||
		    o->test_frac >= 1)) {
			snprintf(err, elen, "--test-fraction: must be between "
			    "0 and 1");
			return -1;
		}
		o->g.test_frac = o->test_frac;
		o->have_frac = 1;
		return 0;
	case 'k': COUNT("-k", 1, MAX_TOP, o->k); return 0;
	case O_COLD:
		if ((i = keyword("--cold-start", arg, colds, "drop or nan",
		    err, elen)) == -1)
			return -1;
		o->cold_nan = i;
		return 0;
	case 'n': COUNT("-n", 1, MAX_TOP, o->n); return 0;
	case O_OWNED: o->include_owned = 1; return 0;
	case O_WIDE: o->wide = 1; return 0;
	default: return 1;
	}
}

/* gen's options (tests and benchmarks).  As set_fit. */
static int
set_gen(struct opts *o, int c, const char *arg, char *err, size_t elen)
{
	long long v;

	switch (c) {
	case O_G_USERS: COUNT("--g-users", 1, 10000000, o->g.users); break;
	case O_G_ITEMS: COUNT("--g-items", 1, 10000000, o->g.items); break;
	case O_G_COUNT:
		COUNT("--g-count", 1, 100000000, o->g.ratings);
		break;
	case O_G_SIGMA:
		return cli_number("--g-sigma", arg, 0, 100, &o->g.sigma, err,
		    elen);
	case O_G_MU:
		return cli_number("--g-mu", arg, -100, 100, &o->g.mu, err,
		    elen);
	case O_G_CLIP: o->g.clip = 1; break;
	case O_G_SKEW:
		return cli_number("--g-skew", arg, 0, 5, &o->g.skew, err,
		    elen);
	case O_G_TESTOUT: o->g_test_out = arg; break;
	case O_G_CUSTOMERS:
		COUNT("--g-customers", 1, 1000000, o->g_customers);
		break;
	case O_G_BSON: o->g_bson = 1; break;
	case O_G_TILL: o->g_till = 1; break;
	case O_G_NOHDR: o->g.header = 0; break;
	case O_G_RANK: COUNT("--g-rank", 1, REC_MAX_RANK, o->g.rank); break;
	case O_G_SEGMENTS:
		COUNT("--g-segments", 0, 1000, o->g_segments);
		break;
	default:
		return 1;
	}
	return 0;
}

/* The rules between options and the operands, once all are read. */
static enum cli_result
finish(struct opts *o, int argc, char **argv)
{
	static const char *const what[] = { "", "train", "eval", "top",
	    "similar", "gen" };
	long long pos;
	size_t j;

	if (o->n == 0)
		o->n = o->cmd == C_SIMILAR ? 10 : 5;
	if ((o->cmd == C_TRAIN || o->cmd == C_EVAL) && o->have_input == 0 &&
	    (o->cmd == C_TRAIN || o->model == NULL || o->test_path == NULL))
		return cli_usage_error("%s: no input (--archive, --json or "
		    "--ratings)%s", what[o->cmd], o->cmd == C_EVAL ?
		    ", or -m with --test" : ""), CLI_BAD;
	if (o->cmd != C_EVAL && o->cmd != C_GEN && o->model == NULL)
		return cli_usage_error("%s: no model file (-m)", what[o->cmd]),
		    CLI_BAD;
	if (o->cmd == C_EVAL && o->test_path != NULL && o->have_frac)
		return cli_usage_error("eval: --test and --test-fraction "
		    "exclude each other"), CLI_BAD;
	if (o->cmd == C_SIMILAR && argc != 1)
		return cli_usage_error("similar: give exactly one item"),
		    CLI_BAD;
	if (o->cmd == C_GEN && argc != 1 && argc != 2)
		return cli_usage_error("gen: give a kind and an optional "
		    "output"), CLI_BAD;
	if (o->cmd != C_SIMILAR && o->cmd != C_GEN && argc != 0)
		return cli_usage_error("unexpected argument '%s'", argv[0]),
		    CLI_BAD;
	o->arg[0] = argc > 0 ? argv[0] : NULL;
	o->arg[1] = argc == 2 ? argv[1] : "-";
	if (o->in.header == 0) {
		const char *col[3] = { o->in.ucol, o->in.icol, o->in.rcol };
		char err[160];
		for (j = 0; j < 3; j++)
			if (cli_count("--no-header", col[j], 1, 100000, &pos,
			    err, sizeof(err)) == -1)
				return cli_usage_error("--no-header: column "
				    "'%s' must be a position", col[j]),
				    CLI_BAD;
	}
	o->test = o->in;
	o->test.path = o->test_path;
	if (o->test_fmt >= 0)
		o->test.fmt = (enum rec_format)o->test_fmt;
	else if (!o->have_input)
		o->test.fmt = REC_FMT_CSV;
	return CLI_RUN;
}

enum cli_result
rec_parse_args(int argc, char *argv[], struct opts *o)
{
	struct cli_getopt g = { shortopts, longopts, retired, "" };
	char err[256];
	size_t j;
	int c, r;

	defaults(o, argc);
	if (argc >= 2 && argv[1][0] != '-') {
		for (j = 0; j < NELEM(cmds); j++)
			if (strcmp(argv[1], cmds[j].name) == 0)
				o->cmd = cmds[j].cmd;
		if (o->cmd == C_NONE)
			return cli_usage_error("unknown command '%s'",
			    argv[1]), CLI_BAD;
		argc--;
		argv++;
	}
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		if (c == '?')
			return cli_usage_error("%s", g.err), CLI_BAD;
		if (c == 'h')
			return CLI_HELP;
		if (c == O_VERSION)
			return CLI_VERSION;
		if (o->cmd == C_NONE)
			return cli_usage_error("no command given"), CLI_BAD;
		if (!(opt_mask(c) & (1u << o->cmd)))
			return cli_usage_error("option '%s' does not apply to "
			    "%s", argv[optind - 1], cmds[o->cmd - 1].name),
			    CLI_BAD;
		if (c == 'q') {
			cli_quieter();
			continue;
		}
		if (c == 'v') {
			cli_louder();
			continue;
		}
		err[0] = '\0';
		if ((r = set_fit(o, c, optarg, err, sizeof(err))) == 1 &&
		    (r = set_use(o, c, optarg, err, sizeof(err))) == 1)
			r = set_gen(o, c, optarg, err, sizeof(err));
		if (r != 0)
			return cli_usage_error("%s", r == 1 ?
			    "unknown option" : err), CLI_BAD;
	}
	if (o->cmd == C_NONE)
		return cli_usage_error("no command given"), CLI_BAD;
	return finish(o, argc - optind, argv + optind);
}
