/* recommend: ALS matrix factorisation over invoice history.  Trains a model
 * (explicit ALS-WR as Spark MLlib, or implicit feedback), evaluates it
 * against held-out data and a most-popular baseline, and recommends the top
 * N items per customer or the items most like a given one. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "util.h"
#include "rec.h"

#define MAX_TOP		10000
#define MAX_USERS_ARG	100000
#define DEF_MAX_MODEL	(4ULL << 30)

enum cmd { C_NONE, C_TRAIN, C_EVAL, C_TOP, C_SIMILAR, C_GEN };

#define M_TRAIN		(1u << C_TRAIN)
#define M_EVAL		(1u << C_EVAL)
#define M_TOP		(1u << C_TOP)
#define M_SIMILAR	(1u << C_SIMILAR)
#define M_GEN		(1u << C_GEN)
#define M_FIT		(M_TRAIN | M_EVAL)
#define M_ALL		(M_TRAIN | M_EVAL | M_TOP | M_SIMILAR | M_GEN)

enum {
	O_ARCHIVE = 256, O_JSON, O_RATINGS, O_USER, O_ITEM, O_RATING,
	O_HEADER, O_NOHEADER, O_AGG, O_MAXUSERS, O_MAXITEMS, O_MAXRATINGS,
	O_MAXREJECTS, O_IMPLICIT, O_NONNEG, O_TEST, O_TESTFRAC, O_COLD,
	O_OWNED, O_WIDE, O_HELP, O_VERSION, O_TESTFMT,
	/* gen (tests and benchmarks) */
	O_G_USERS, O_G_ITEMS, O_G_COUNT, O_G_SIGMA, O_G_MU, O_G_CLIP,
	O_G_SKEW, O_G_TESTOUT, O_G_CUSTOMERS, O_G_BSON, O_G_TILL, O_G_NOHDR,
	O_G_SEGMENTS, O_G_RANK,
};

static const struct option longopts[] = {
	{ "alpha",		required_argument,	NULL, 'a' },
	{ "archive",		required_argument,	NULL, O_ARCHIVE },
	{ "cold-start",		required_argument,	NULL, O_COLD },
	{ "delimiter",		required_argument,	NULL, 'd' },
	{ "header",		no_argument,		NULL, O_HEADER },
	{ "help",		no_argument,		NULL, O_HELP },
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

static const char shortopts[] = "a:d:i:k:l:m:n:qr:s:t:v";

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
	int verbose, quiet;
	/* gen */
	struct rec_gen_opts g;
	const char *g_test_out;
	int g_customers, g_bson, g_till, g_segments;
};

static void
usage_text(FILE *fp)
{
	fprintf(fp,
	    "Usage: recommend train input [options] -m model\n"
	    "       recommend eval input [--test file | --test-fraction f] "
	    "[options]\n"
	    "       recommend eval -m model --test file [options]\n"
	    "       recommend top -m model [-n count] [--user id]... "
	    "[--include-owned] [--wide]\n"
	    "       recommend similar -m model [-n count] item\n");
}

static void
usage(void)
{
	usage_text(stderr);
	fprintf(stderr, "Try 'recommend --help'.\n");
	exit(2);
}

static void
help(void)
{
	usage_text(stdout);
	printf("\n"
	    "Input (train, eval; one of):\n"
	    "  --archive FILE        BSON archive of invoice documents\n"
	    "  --json FILE           JSON lines, one invoice document a line\n"
	    "  --ratings FILE        CSV rating triples ('-' is stdin)\n"
	    "  -d, --delimiter C     CSV field delimiter (default ,; 'tab')\n"
	    "  --user COL --item COL --rating COL\n"
	    "                        CSV columns by header name or 1-based\n"
	    "                        position (default 1, 2, 3)\n"
	    "  --header, --no-header CSV header line (default: detected)\n"
	    "  --rating-agg sum|count|max\n"
	    "                        combine repeated (customer, item) values\n"
	    "  --max-users N --max-items N --max-ratings N\n"
	    "  --max-rejects N       bad records tolerated, each warned (0)\n"
	    "Model (train, eval):\n"
	    "  -r, --rank N          factors (Spark rank, default 10)\n"
	    "  -i, --iters N         iterations (maxIter, default 10)\n"
	    "  -l, --lambda X        regularisation (regParam, default 0.1)\n"
	    "  --implicit            implicit feedback (implicitPrefs)\n"
	    "  -a, --alpha X         implicit confidence (alpha, default 1)\n"
	    "  --nonnegative         non-negative factors (nonnegative)\n"
	    "  -s, --seed N          random seed (default 1)\n"
	    "  -t, --threads N       threads (default: all cores)\n"
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
	    "  -n N                  items per customer (5) or similar (10)\n"
	    "  --user ID             only this customer (repeatable)\n"
	    "  --include-owned       also recommend items already bought\n"
	    "  --wide                FirstName,LastName,PhoneNumber,"
	    "recommended_item_1..N\n"
	    "  -q, --quiet           no warnings\n"
	    "  -v, --verbose         counts and timings on stderr\n"
	    "  --help, --version\n");
	exit(0);
}

static long long
num_arg(const char *opt, const char *s, long long min, long long max)
{
	long long v;

	if (parse_long(s, min, max, &v) == -1) {
		warnx("%s: '%s' is not a number in %lld-%lld", opt, s, min, max);
		usage();
	}
	return v;
}

static double
real_arg(const char *opt, const char *s, double min, double max)
{
	double v;

	if (parse_double(s, min, max, &v) == -1) {
		warnx("%s: '%s' is not a number in %g-%g", opt, s, min, max);
		usage();
	}
	return v;
}

static void
warn_reject(void *ctx, const char *msg)
{
	const struct opts *o = ctx;

	if (!o->quiet)
		warnx("%s", msg);
}

static void
set_input(struct opts *o, enum rec_format fmt, const char *path)
{
	if (o->have_input) {
		warnx("only one of --archive, --json and --ratings");
		usage();
	}
	o->have_input = 1;
	o->in.fmt = fmt;
	o->in.path = path;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; enum cmd cmd; } cmds[] = {
		{ "train", C_TRAIN }, { "eval", C_EVAL }, { "top", C_TOP },
		{ "similar", C_SIMILAR }, { "gen", C_GEN },
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t j;
	int c;

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

	if (argc >= 2 && argv[1][0] != '-') {
		for (j = 0; j < NELEM(cmds); j++)
			if (strcmp(argv[1], cmds[j].name) == 0)
				o->cmd = cmds[j].cmd;
		if (o->cmd == C_NONE) {
			warnx("unknown command '%s'", argv[1]);
			usage();
		}
		argc--;
		argv++;
	}
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == '?')
			usage();
		if (c == O_HELP)
			help();
		if (c == O_VERSION) {
			printf("recommend %s\n", LI_VERSION);
			exit(close_stdout() == 0 ? 0 : 1);
		}
		if (o->cmd == C_NONE) {
			warnx("no command given");
			usage();
		}
		if (!(opt_mask(c) & (1u << o->cmd))) {
			warnx("option '%s' does not apply to %s",
			    argv[optind - 1], cmds[o->cmd - 1].name);
			usage();
		}
		switch (c) {
		case O_ARCHIVE:
			set_input(o, REC_FMT_BSON, optarg);
			break;
		case O_JSON:
			set_input(o, REC_FMT_JSON, optarg);
			break;
		case O_RATINGS:
			set_input(o, REC_FMT_CSV, optarg);
			break;
		case 'd':
			if (strcmp(optarg, "tab") == 0 ||
			    strcmp(optarg, "\\t") == 0)
				o->in.delim = '\t';
			else if (strlen(optarg) == 1 && optarg[0] != '"' &&
			    optarg[0] != '\n' && optarg[0] != '\r')
				o->in.delim = optarg[0];
			else {
				warnx("-d: '%s' is not one character", optarg);
				usage();
			}
			break;
		case O_USER:
			if (o->cmd == C_TOP) {
				o->users[o->nusers++] = optarg;
				break;
			}
			o->in.ucol = optarg;
			break;
		case O_ITEM:
			o->in.icol = optarg;
			break;
		case O_RATING:
			o->in.rcol = optarg;
			break;
		case O_HEADER:
			o->in.header = 1;
			break;
		case O_NOHEADER:
			o->in.header = 0;
			break;
		case O_AGG:
			if (strcmp(optarg, "sum") == 0)
				o->agg = REC_AGG_SUM;
			else if (strcmp(optarg, "count") == 0)
				o->agg = REC_AGG_COUNT;
			else if (strcmp(optarg, "max") == 0)
				o->agg = REC_AGG_MAX;
			else {
				warnx("--rating-agg: '%s' is not sum, count or "
				    "max", optarg);
				usage();
			}
			break;
		case O_MAXUSERS:
			o->lim.max_users = (uint64_t)num_arg("--max-users",
			    optarg, 1, UINT32_MAX - 1);
			break;
		case O_MAXITEMS:
			o->lim.max_items = (uint64_t)num_arg("--max-items",
			    optarg, 1, UINT32_MAX - 1);
			break;
		case O_MAXRATINGS:
			o->lim.max_ratings = (uint64_t)num_arg("--max-ratings",
			    optarg, 1, UINT32_MAX - 1);
			break;
		case O_MAXREJECTS:
			o->in.max_rejects = (uint64_t)num_arg("--max-rejects",
			    optarg, 0, INT64_MAX);
			break;
		case 'r':
			o->p.rank = (int)num_arg("--rank", optarg, 1,
			    REC_MAX_RANK);
			break;
		case 'i':
			o->p.iters = (int)num_arg("--iters", optarg, 1, 100000);
			break;
		case 'l':
			o->p.lambda = real_arg("--lambda", optarg, 0, 1e12);
			break;
		case 'a':
			o->p.alpha = real_arg("--alpha", optarg, 0, 1e12);
			break;
		case O_IMPLICIT:
			o->p.implicit = 1;
			break;
		case O_NONNEG:
			o->p.nonneg = 1;
			break;
		case 's':
			o->p.seed = (uint64_t)num_arg("--seed", optarg, 0,
			    INT64_MAX);
			o->g.seed = o->p.seed;
			break;
		case 't':
			o->p.threads = (int)num_arg("--threads", optarg, 1, 256);
			break;
		case 'm':
			o->model = optarg;
			break;
		case O_TEST:
			o->test_path = optarg;
			break;
		case O_TESTFMT:
			if (strcmp(optarg, "bson") == 0)
				o->test_fmt = REC_FMT_BSON;
			else if (strcmp(optarg, "json") == 0)
				o->test_fmt = REC_FMT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				o->test_fmt = REC_FMT_CSV;
			else {
				warnx("--test-format: '%s' is not bson, json or "
				    "csv", optarg);
				usage();
			}
			break;
		case O_TESTFRAC:
			o->test_frac = real_arg("--test-fraction", optarg, 0,
			    1);
			o->g.test_frac = o->test_frac;
			o->have_frac = 1;
			if (o->cmd == C_EVAL && (o->test_frac <= 0 ||
			    o->test_frac >= 1)) {
				warnx("--test-fraction: must be between 0 and 1");
				usage();
			}
			break;
		case 'k':
			o->k = (size_t)num_arg("-k", optarg, 1, MAX_TOP);
			break;
		case O_COLD:
			if (strcmp(optarg, "drop") == 0)
				o->cold_nan = 0;
			else if (strcmp(optarg, "nan") == 0)
				o->cold_nan = 1;
			else {
				warnx("--cold-start: '%s' is not drop or nan",
				    optarg);
				usage();
			}
			break;
		case 'n':
			o->n = (size_t)num_arg("-n", optarg, 1, MAX_TOP);
			break;
		case O_OWNED:
			o->include_owned = 1;
			break;
		case O_WIDE:
			o->wide = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			o->verbose++;
			break;
		case O_G_USERS:
			o->g.users = (uint32_t)num_arg("--g-users", optarg, 1,
			    10000000);
			break;
		case O_G_ITEMS:
			o->g.items = (uint32_t)num_arg("--g-items", optarg, 1,
			    10000000);
			break;
		case O_G_COUNT:
			o->g.ratings = (uint64_t)num_arg("--g-count", optarg, 1,
			    100000000);
			break;
		case O_G_SIGMA:
			o->g.sigma = real_arg("--g-sigma", optarg, 0, 100);
			break;
		case O_G_MU:
			o->g.mu = real_arg("--g-mu", optarg, -100, 100);
			break;
		case O_G_CLIP:
			o->g.clip = 1;
			break;
		case O_G_SKEW:
			o->g.skew = real_arg("--g-skew", optarg, 0, 5);
			break;
		case O_G_TESTOUT:
			o->g_test_out = optarg;
			break;
		case O_G_CUSTOMERS:
			o->g_customers = (int)num_arg("--g-customers", optarg,
			    1, 1000000);
			break;
		case O_G_BSON:
			o->g_bson = 1;
			break;
		case O_G_TILL:
			o->g_till = 1;
			break;
		case O_G_NOHDR:
			o->g.header = 0;
			break;
		case O_G_RANK:
			o->g.rank = (uint32_t)num_arg("--g-rank", optarg, 1,
			    REC_MAX_RANK);
			break;
		case O_G_SEGMENTS:
			o->g_segments = (int)num_arg("--g-segments", optarg, 0,
			    1000);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o->cmd == C_NONE) {
		warnx("no command given");
		usage();
	}
	if (o->n == 0)
		o->n = o->cmd == C_SIMILAR ? 10 : 5;
	/* Cross-option rules. */
	switch (o->cmd) {
	case C_TRAIN:
		if (!o->have_input) {
			warnx("train: no input (--archive, --json or --ratings)");
			usage();
		}
		if (o->model == NULL) {
			warnx("train: no model file (-m)");
			usage();
		}
		break;
	case C_EVAL:
		if (!o->have_input && (o->model == NULL || o->test_path == NULL)) {
			warnx("eval: no input (--archive, --json or --ratings), "
			    "or -m with --test");
			usage();
		}
		if (o->test_path != NULL && o->have_frac) {
			warnx("eval: --test and --test-fraction exclude each "
			    "other");
			usage();
		}
		break;
	case C_TOP:
	case C_SIMILAR:
		if (o->model == NULL) {
			warnx("%s: no model file (-m)", o->cmd == C_TOP ? "top" :
			    "similar");
			usage();
		}
		break;
	default:
		break;
	}
	if (o->cmd == C_SIMILAR) {
		if (argc != 1) {
			warnx("similar: give exactly one item");
			usage();
		}
		o->arg[0] = argv[0];
	} else if (o->cmd == C_GEN) {
		if (argc != 1 && argc != 2)
			usage();
		o->arg[0] = argv[0];
		o->arg[1] = argc == 2 ? argv[1] : "-";
	} else if (argc != 0) {
		warnx("unexpected argument '%s'", argv[0]);
		usage();
	}
	if (o->in.header == 0) {
		long long pos;
		const char *col[3] = { o->in.ucol, o->in.icol, o->in.rcol };
		for (j = 0; j < 3; j++)
			if (parse_long(col[j], 1, 100000, &pos) == -1) {
				warnx("--no-header: column '%s' must be a "
				    "position", col[j]);
				usage();
			}
	}
	o->test = o->in;
	o->test.path = o->test_path;
	if (o->test_fmt >= 0)
		o->test.fmt = (enum rec_format)o->test_fmt;
	else if (!o->have_input)
		o->test.fmt = REC_FMT_CSV;
}

/* ==== train and eval ===================================================== */

static const char *
input_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "stdin" : path;
}

static struct rec_data *
load_input(const struct opts *o, const struct rec_input *in)
{
	struct rec_data *d;
	char errbuf[REC_ERRLEN];

	if ((d = rec_data_new(o->agg, &o->lim)) == NULL)
		err(1, "out of memory");
	if (rec_read(in, d, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
	if (d->rejected > 0 && !o->quiet)
		warnx("%s: %llu records rejected", input_name(in->path),
		    (unsigned long long)d->rejected);
	if (rec_data_sort(d) == -1)
		err(1, "out of memory");
	return d;
}

static void
check_trainable(const struct rec_data *d, const char *what)
{
	if (d->n == 0)
		errx(1, "%s: no ratings", what);
	if (strmap_count(d->users) < 2)
		errx(1, "%s: only one user; ALS needs at least two", what);
	if (strmap_count(d->items) < 2)
		errx(1, "%s: only one item; ALS needs at least two", what);
}

/* Train on d; the model is the caller's. */
/* RECOMMEND_KERNEL=auto|vector|avx512 picks the normal-equation kernel
 * (for comparisons, or to rule one out); unset is auto. */
static void
pick_kernel(void)
{
	static const struct {
		const char *name;
		int which;
	} tab[] = {
		{ "auto", ALS_KERNEL_AUTO },
		{ "vector", ALS_KERNEL_VEC },
		{ "avx512", ALS_KERNEL_AVX512 },
	};
	const char *e = getenv("RECOMMEND_KERNEL");
	size_t i;

	if (e == NULL || *e == '\0')
		e = "auto";
	for (i = 0; i < sizeof(tab) / sizeof(*tab); i++)
		if (strcmp(e, tab[i].name) == 0)
			break;
	if (i == sizeof(tab) / sizeof(*tab))
		errx(2, "RECOMMEND_KERNEL=%s: expected auto, vector or avx512",
		    e);
	if (als_kernel_use(tab[i].which) == -1)
		errx(1, "RECOMMEND_KERNEL=%s: not available on this CPU or "
		    "in this build", e);
}

static struct rec_model *
fit(const struct opts *o, const struct rec_data *d)
{
	struct rec_csr bu, bi;
	struct als_stats st;
	struct rec_model *m;
	double *U, *V;
	char errbuf[REC_ERRLEN];
	size_t k = (size_t)o->p.rank;

	if (rec_csr_build(d, &bu, &bi) == -1)
		err(1, "out of memory");
	U = malloc(((size_t)bu.nrows * k + 1) * sizeof(*U));
	V = malloc(((size_t)bi.nrows * k + 1) * sizeof(*V));
	if (U == NULL || V == NULL)
		err(1, "out of memory");
	als_init(&o->p, bu.nrows, bi.nrows, U, V);
	pick_kernel();
	if (als_train(&o->p, &bu, &bi, U, V, &st, errbuf, sizeof(errbuf)) == -1)
		errx(1, "train: %s", errbuf);
	if (st.failed_solves > 0 && !o->quiet)
		warnx("train: %llu rows without a positive definite system "
		    "were set to zero (raise --lambda)",
		    (unsigned long long)st.failed_solves);
	if (o->verbose)
		fprintf(stderr, "recommend: train: %u users, %u items, %zu "
		    "ratings; %d iterations in %.3f ms (%.3f ms per iteration, "
		    "%d threads, %s kernel)\n", bu.nrows, bi.nrows, d->n,
		    o->p.iters, st.train_s * 1e3, st.per_iter_s * 1e3,
		    o->p.threads, als_kernel_name(k));
	if ((m = rec_model_from(d, &bu, &o->p, U, V)) == NULL ||
	    rec_model_index(m) == -1)
		err(1, "out of memory");
	free(U);
	free(V);
	rec_csr_free(&bu);
	rec_csr_free(&bi);
	return m;
}

/* The model's temporary file while it is being written, for on_stop. */
static char stop_tmp[PATH_MAX + 16];
static volatile sig_atomic_t stop_tmp_live;

/* SIGINT, SIGTERM, SIGHUP: remove a half-written model's temporary file,
 * then end as the signal would have (as gzip does).  Nothing else needs
 * undoing: the model file is replaced only by a complete one. */
static void
on_stop(int sig)
{
	if (stop_tmp_live)
		(void)unlink(stop_tmp);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
note_tmp(const char *tmp)
{
	if (tmp == NULL || strlen(tmp) >= sizeof(stop_tmp)) {
		stop_tmp_live = 0;
		return;
	}
	stop_tmp_live = 0;
	memcpy(stop_tmp, tmp, strlen(tmp) + 1);
	stop_tmp_live = 1;
}

static void
save(const struct opts *o, const struct rec_model *m)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	char errbuf[REC_ERRLEN];
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < NELEM(sigs); i++) {
		struct sigaction old;
		/* A signal the caller ignores (nohup) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			(void)sigaction(sigs[i], &sa, NULL);
	}
	if (rec_model_save(m, o->model, note_tmp, errbuf,
	    sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
}

static struct rec_model *
load_model(const char *path)
{
	struct rec_model *m;
	char errbuf[REC_ERRLEN];

	if ((m = rec_model_load(path, DEF_MAX_MODEL, errbuf,
	    sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);
	if (rec_model_index(m) == -1)
		err(1, "out of memory");
	return m;
}

static int
cmd_train(const struct opts *o)
{
	struct rec_data *d = load_input(o, &o->in);
	struct rec_model *m;

	check_trainable(d, input_name(o->in.path));
	m = fit(o, d);
	save(o, m);
	rec_model_free(m);
	rec_data_free(d);
	return 0;
}

static void
row_u(const char *name, uint64_t v)
{
	printf("%s,%llu,\n", name, (unsigned long long)v);
}

static void
row_d(const char *name, size_t k, double model, double base, int has_base)
{
	char label[64];

	if (k > 0)
		snprintf(label, sizeof(label), "%s@%zu", name, k);
	else
		snprintf(label, sizeof(label), "%s", name);
	printf("%s,", label);
	if (isnan(model))
		printf("nan,");
	else
		printf("%.6f,", model);
	if (has_base)
		printf("%.6f", base);
	printf("\n");
}

static int
cmd_eval(const struct opts *o)
{
	struct rec_data *all = NULL, *train = NULL, *test = NULL;
	struct rec_model *m;
	struct rec_test t;
	struct rec_metrics mt;
	uint64_t train_users, train_items, train_ratings;

	if (o->have_input) {
		all = load_input(o, &o->in);
		if (o->test_path != NULL) {
			train = all;
			all = NULL;
			test = load_input(o, &o->test);
		} else {
			check_trainable(all, input_name(o->in.path));
			if (rec_data_split(all, o->test_frac, o->p.seed, &train,
			    &test) == -1)
				err(1, "out of memory");
		}
		check_trainable(train, "train split");
		m = fit(o, train);
		if (o->model != NULL)
			save(o, m);
	} else {
		m = load_model(o->model);
		test = load_input(o, &o->test);
	}
	if (test->n == 0)
		errx(1, "%s: no test ratings", o->test_path != NULL ?
		    input_name(o->test_path) : "test split");
	if (rec_test_map(m, test, &t) == -1 ||
	    rec_evaluate(m, &t, o->k, o->cold_nan, o->p.threads, &mt) == -1)
		err(1, "out of memory");
	train_users = m->nusers;
	train_items = m->nitems;
	train_ratings = m->nnz;
	printf("metric,model,popular\n");
	row_u("train_users", train_users);
	row_u("train_items", train_items);
	row_u("train_ratings", train_ratings);
	row_u("test_users", t.test_users);
	row_u("test_items", t.test_items);
	row_u("test_ratings", mt.rows);
	row_u(o->cold_nan ? "cold_start_rows" : "cold_start_dropped",
	    mt.cold_rows);
	row_u("ranked_users", mt.rank_users);
	if (!(m->flags & REC_MF_IMPLICIT)) {
		row_d("rmse", 0, mt.rmse, 0, 0);
		row_d("mae", 0, mt.mae, 0, 0);
	}
	row_d("precision", o->k, mt.precision, mt.b_precision, 1);
	row_d("recall", o->k, mt.recall, mt.b_recall, 1);
	row_d("map", o->k, mt.map, mt.b_map, 1);
	row_d("ndcg", o->k, mt.ndcg, mt.b_ndcg, 1);
	rec_test_free(&t);
	rec_model_free(m);
	rec_data_free(all);
	rec_data_free(train);
	rec_data_free(test);
	return 0;
}

/* ==== top and similar ==================================================== */

static void
put_field(const char *s, int last)
{
	csvio_put_field(stdout, s, strlen(s), ',');
	putchar(last ? '\n' : ',');
}

static void
print_user(const struct opts *o, const struct rec_model *m, uint32_t u,
    double *scratch, struct rec_scored *top)
{
	size_t n = rec_top_n(m, u, o->n, o->include_owned, scratch, top), j;
	char num[64];

	if (o->wide) {
		put_field(m->first[u], 0);
		put_field(m->last[u], 0);
		put_field(m->uid[u], 0);
		for (j = 0; j < o->n; j++)
			put_field(j < n ? m->item[top[j].item] : "",
			    j + 1 == o->n);
		return;
	}
	for (j = 0; j < n; j++) {
		put_field(m->uid[u], 0);
		printf("%zu,", j + 1);
		put_field(m->item[top[j].item], 0);
		snprintf(num, sizeof(num), "%.6f", top[j].score);
		put_field(num, 1);
	}
}

static int
cmd_top(const struct opts *o)
{
	struct rec_model *m = load_model(o->model);
	double *scratch = malloc(((size_t)m->nitems + 1) * sizeof(*scratch));
	struct rec_scored *top = malloc((o->n + 1) * sizeof(*top));
	size_t j;
	int rc = 0;

	if (scratch == NULL || top == NULL)
		err(1, "out of memory");
	if (o->wide) {
		printf("FirstName,LastName,PhoneNumber");
		for (j = 0; j < o->n; j++)
			printf(",recommended_item_%zu", j + 1);
		printf("\n");
	} else {
		printf("customer,rank,item,score\n");
	}
	if (o->nusers == 0) {
		uint32_t u;
		for (u = 0; u < m->nusers; u++)
			print_user(o, m, u, scratch, top);
	}
	for (j = 0; j < o->nusers; j++) {
		long u = strmap_find(m->umap, o->users[j], strlen(o->users[j]));
		if (u < 0) {
			warnx("user '%s': not in the model", o->users[j]);
			rc = 1;
			continue;
		}
		print_user(o, m, (uint32_t)u, scratch, top);
	}
	free(scratch);
	free(top);
	rec_model_free(m);
	return rc;
}

static int
cmd_similar(const struct opts *o)
{
	struct rec_model *m = load_model(o->model);
	const char *item = o->arg[0];
	struct rec_scored *top = malloc((o->n + 1) * sizeof(*top));
	long i = strmap_find(m->imap, item, strlen(item));
	size_t n, j;
	char num[64];

	if (top == NULL)
		err(1, "out of memory");
	if (i < 0)
		errx(1, "item '%s': not in the model", item);
	n = rec_similar(m, (uint32_t)i, o->n, top);
	printf("item,rank,similar,cosine\n");
	for (j = 0; j < n; j++) {
		put_field(item, 0);
		printf("%zu,", j + 1);
		put_field(m->item[top[j].item], 0);
		snprintf(num, sizeof(num), "%.6f", top[j].score);
		put_field(num, 1);
	}
	free(top);
	rec_model_free(m);
	return 0;
}

/* ==== gen (tests and benchmarks) ========================================= */

static FILE *
open_out(const char *path)
{
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return stdout;
	if ((fp = fopen(path, "w")) == NULL)
		err(1, "%s", path);
	return fp;
}

static void
close_out(FILE *fp, const char *path)
{
	if (fp != stdout && fclose(fp) != 0)
		err(1, "%s", path);
}

static int
cmd_gen(const struct opts *o)
{
	const char *what = o->arg[0], *out = o->arg[1];
	FILE *fp = open_out(out), *tfp = NULL;

	if (strcmp(what, "ratings") == 0) {
		if (o->g_test_out != NULL)
			tfp = open_out(o->g_test_out);
		if (rec_gen_ratings(&o->g, fp, tfp) < 0)
			errx(1, "gen: cannot make these ratings");
		if (tfp != NULL)
			close_out(tfp, o->g_test_out);
	} else if (strcmp(what, "invoices") == 0) {
		if (rec_gen_invoices(o->g.seed ? o->g.seed : 1, o->g.ratings,
		    o->g_customers, o->g_segments, !o->g_bson, o->g_till,
		    fp) == -1)
			errx(1, "gen: %s: write error", out);
	} else {
		errx(2, "gen: unknown kind '%s'", what);
	}
	close_out(fp, out);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int rc = 0;

	parse_args(argc, argv, &o);
	switch (o.cmd) {
	case C_TRAIN:
		rc = cmd_train(&o);
		break;
	case C_EVAL:
		rc = cmd_eval(&o);
		break;
	case C_TOP:
		rc = cmd_top(&o);
		break;
	case C_SIMILAR:
		rc = cmd_similar(&o);
		break;
	case C_GEN:
		rc = cmd_gen(&o);
		break;
	case C_NONE:
		usage();
	}
	free(o.users);
	if (close_stdout() == -1) {
		warn("stdout");
		return 1;
	}
	return rc;
}
