/* render: charts and a live dashboard in the terminal, from CSV. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canvas.h"
#include "cli.h"
#include "chart.h"
#include "dash.h"
#include "data.h"
#include "fmt.h"
#include "gfx.h"
#include "layout.h"
#include "util.h"
#include "web.h"

enum {
	OPT_ALT = 256, OPT_ASCII, OPT_COLOR, OPT_COLUMNS, OPT_DECIMALS,
	OPT_EVERY, OPT_FRAMES, OPT_GROUPING, OPT_LAST, OPT_LAYOUT, OPT_MAX,
	OPT_MIN, OPT_ONCE, OPT_PREFIX, OPT_REVERSE, OPT_SERIES, OPT_SORT,
	OPT_SUFFIX, OPT_TICKS, OPT_TITLE, OPT_VERSION,
	OPT_FORMAT, OPT_LISTEN, OPT_SIZE,	/* pictures, serve */
};

#define SHORTOPTS	":d:hH:l:n:o:qvw:x:y:"

static const struct option longopts[] = {
	{ "alt-screen", no_argument, NULL, OPT_ALT },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "decimals", required_argument, NULL, OPT_DECIMALS },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "frames", required_argument, NULL, OPT_FRAMES },
	{ "grouping", required_argument, NULL, OPT_GROUPING },
	{ "height", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "label", required_argument, NULL, 'l' },
	{ "last", required_argument, NULL, OPT_LAST },
	{ "layout", required_argument, NULL, OPT_LAYOUT },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "min", required_argument, NULL, OPT_MIN },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "output", required_argument, NULL, 'o' },
	{ "prefix", required_argument, NULL, OPT_PREFIX },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "series", required_argument, NULL, OPT_SERIES },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "snapshots", required_argument, NULL, 'd' },
	{ "sort", optional_argument, NULL, OPT_SORT },
	{ "suffix", required_argument, NULL, OPT_SUFFIX },
	{ "ticks", required_argument, NULL, OPT_TICKS },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "top", required_argument, NULL, 'n' },
	{ "value", required_argument, NULL, 'y' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "width", required_argument, NULL, 'w' },
	{ "x", required_argument, NULL, 'x' },
	{ NULL, 0, NULL, 0 },
};

/* The options that changed in 0.2.0 (docs/conventions.md). */
static const struct cli_retired retired[] = {
	{ "--dir", "use -d, --snapshots" },
	{ "-t", "use --title (-t is the Kafka topic)" },
	{ "-s", "use --series (-s is reduce's spec file)" },
	{ NULL, NULL },
};

static const char help_text[] =
"Usage: render bar|hbar|share|line|spark|table|kpi|heat|pop [OPTION]... [FILE]\n"
"       render dash --layout FILE [-d DIR] [OPTION]...\n"
"       render serve --layout FILE [-d DIR] [--listen ADDR:PORT]\n"
"       render report --layout FILE [-d DIR] -o FILE\n"
"Draw CSV (header first) from FILE or standard input as a chart, or run a\n"
"live dashboard of snapshot files.\n"
"\n"
"Charts:\n"
"  bar      vertical bars          hbar   horizontal bars\n"
"  share    shares of a whole      line   lines, one per series\n"
"  spark    sparklines             table  an aligned table\n"
"  kpi      big numbers on cards   heat   a heat map (rows x --x)\n"
"  pop      value vs reference     dash   the live dashboard\n"
"\n"
"Columns (by header name; default: first text and first numeric column):\n"
"  -l, --label=COL        labels          -y, --value=COL[,COL...]  values\n"
"      --series=COL       one line per distinct value of COL (line, spark)\n"
"  -x, --x=COL            the x axis (line): times, dates or text\n"
"      --columns=LIST     the columns of a table\n"
"Data:\n"
"  -n, --top=N            the first N after sorting (bars sort descending)\n"
"      --sort[=ORDER]     desc (default), asc, label or none\n"
"      --last=N           only the last N rows\n"
"      --reverse          table: last row first\n"
"      --min=V, --max=V   fix the value axis\n"
"Look:\n"
"      --title=TEXT       a title line\n"
"  -w, --width=N          columns (default: the terminal, COLUMNS, or 80)\n"
"  -H, --height=N         lines (default: the terminal, LINES, or 24)\n"
"      --grouping=STYLE   western (1,234,567), indian (12,34,567) or none\n"
"      --prefix=TEXT      before numbers, e.g. ₹\n"
"      --suffix=TEXT      after numbers, e.g. %\n"
"      --decimals=N       digits after the point (default: as the data)\n"
"      --ascii            plain ASCII (also in a non-UTF-8 locale)\n"
"      --color=WHEN       auto (default), always or never\n"
"Dashboard:\n"
"      --layout=FILE      the panels (see render(1))\n"
"  -d, --snapshots=DIR    the snapshot directory (default .)\n"
"      --ticks=FILE       tick lines from FILE or a FIFO (default: stdin\n"
"                         when it is not a terminal); '-' is stdin\n"
"      --every=DURATION   redraw every DURATION too (e.g. 1s, 500ms)\n"
"      --once             draw one frame and exit\n"
"      --frames=N         draw N frames and report CPU time per frame\n"
"      --alt-screen       draw on the alternate screen\n"
"Pictures (render KIND or dash), report and browser:\n"
"      --format=FMT       png, svg or pdf (default: -o's extension)\n"
"  -o, --output=FILE      the picture or report file ('-': stdout)\n"
"      --size=WxH         pixels (PNG) or points (default 800x500, dash\n"
"                         1600x1000, report PDF 1190x842)\n"
"      --listen=ADDR:PORT serve: where (default 127.0.0.1:8080; IPv6 in\n"
"                         brackets: [::1]:8080)\n"
"  -q, --quiet            errors only      -v, --verbose  more (-vv: debug)\n"
"  -h, --help             this help        --version      the version\n"
"\n"
"Exit status: 0 success, 1 bad data or runtime failure, 2 usage error or\n"
"bad layout file.\n";

/* Everything the command line says. */
struct render_opts {
	struct chart_env env;
	struct {
		const char *key, *val;
	} set[32];		/* chart options, for layout_set() */
	int nset;
	int grouping_set, ascii, color, width, height, once, alt;
	const char *layout, *dir, *ticks;
	double every;
	long frames;
	const char *output, *listen;	/* pictures, report, serve */
	int format, pw, ph;
	int argc;		/* the operands: chart type, file */
	char **argv;
};

/* A chart option: checked here with lib/cli's parsers where it is a
 * number, then kept for layout_set().  Returns 0, or -1 after the usage
 * message. */
static int
chart_opt(struct render_opts *o, const char *opt, const char *key,
    const char *val)
{
	char why[160];
	long long n;
	double d;
	int bad = 0;

	if (strcmp(key, "top") == 0)
		bad = cli_count(opt, val, 1, 10000, &n, why, sizeof(why));
	else if (strcmp(key, "last") == 0)
		bad = cli_count(opt, val, 1, 1000000, &n, why, sizeof(why));
	else if (strcmp(key, "decimals") == 0)
		bad = cli_count(opt, val, 0, 6, &n, why, sizeof(why));
	else if (strcmp(key, "min") == 0 || strcmp(key, "max") == 0)
		bad = cli_number(opt, val, -1e300, 1e300, &d, why,
		    sizeof(why));
	if (bad)
		return cli_usage_error("%s", why), -1;
	if (o->nset == (int)NELEM(o->set))
		return cli_usage_error("too many options"), -1;
	o->set[o->nset].key = key;
	o->set[o->nset++].val = val;
	return 0;
}

/* --color and --grouping.  Returns 0, or -1 after the usage message. */
static int
style_opt(struct render_opts *o, int ch, const char *val)
{
	if (ch == OPT_COLOR) {
		if (strcmp(val, "auto") == 0)
			o->color = -1;
		else if (strcmp(val, "always") == 0)
			o->color = 1;
		else if (strcmp(val, "never") == 0)
			o->color = 0;
		else
			return cli_usage_error("--color: auto, always or "
			    "never, not '%s'", val), -1;
		return 0;
	}
	o->grouping_set = 1;
	if (strcmp(val, "western") == 0)
		o->env.grouping = FMT_WESTERN;
	else if (strcmp(val, "indian") == 0)
		o->env.grouping = FMT_INDIAN;
	else if (strcmp(val, "none") == 0)
		o->env.grouping = FMT_NONE;
	else
		return cli_usage_error("--grouping: western, indian or none, "
		    "not '%s'", val), -1;
	return 0;
}

/* The chart options that name a key of the layout file. */
static const struct {
	int ch;
	const char *key, *opt;
} chart_keys[] = {
	{ 'l', "label", "-l" }, { 'n', "top", "-n" }, { 'x', "x", "-x" },
	{ 'y', "value", "-y" }, { OPT_COLUMNS, "columns", "--columns" },
	{ OPT_DECIMALS, "decimals", "--decimals" },
	{ OPT_LAST, "last", "--last" }, { OPT_MAX, "max", "--max" },
	{ OPT_MIN, "min", "--min" }, { OPT_PREFIX, "prefix", "--prefix" },
	{ OPT_SERIES, "series", "--series" },
	{ OPT_SUFFIX, "suffix", "--suffix" },
	{ OPT_TITLE, "title", "--title" },
};

/* The option as the user spelled it, for a message: "--top" when the
 * element getopt just took begins with "--", else shrt ("-n"). */
static const char *
spelled(char **argv, const char *shrt, const char *lng)
{
	const char *e;

	if (optind < 1)
		return shrt;
	e = optarg != NULL && optind >= 2 && optarg == argv[optind - 1] ?
	    argv[optind - 2] : argv[optind - 1];
	return strncmp(e, "--", 2) == 0 ? lng : shrt;
}

/* One option of the dashboard or of the drawing.  Returns 0, or -1 after
 * the usage message. */
static int
other_opt(struct render_opts *o, int ch, const char *val, char **argv)
{
	char why[160];
	long long n;

	switch (ch) {
	case 'd': o->dir = val; return 0;
	case OPT_ALT: o->alt = 1; return 0;
	case OPT_ASCII: o->ascii = 1; return 0;
	case OPT_LAYOUT: o->layout = val; return 0;
	case OPT_ONCE: o->once = 1; return 0;
	case OPT_TICKS: o->ticks = val; return 0;
	case 'o': o->output = val; return 0;
	case OPT_LISTEN: o->listen = val; return 0;
	case OPT_FORMAT:
		if ((o->format = gfx_format_parse(val)) < 0)
			return cli_usage_error("--format: png, svg or pdf, not "
			    "'%s'", val), -1;
		return 0;
	case OPT_SIZE:
		if (gfx_size_parse(val, &o->pw, &o->ph, why, sizeof(why)))
			return cli_usage_error("--size: %s", why), -1;
		return 0;
	case OPT_COLOR:
	case OPT_GROUPING:
		return style_opt(o, ch, val);
	case 'H':
		if (cli_count(spelled(argv, "-H", "--height"), val, 2, 10000,
		    &n, why, sizeof(why)))
			break;
		o->height = (int)n;
		return 0;
	case 'w':
		if (cli_count(spelled(argv, "-w", "--width"), val, 8, 10000,
		    &n, why, sizeof(why)))
			break;
		o->width = (int)n;
		return 0;
	case OPT_FRAMES:
		if (cli_count("--frames", val, 1, 10000000, &n, why,
		    sizeof(why)))
			break;
		o->frames = (long)n;
		return 0;
	case OPT_EVERY:
		if (cli_duration("--every", val, 0.001, 86400, &o->every, why,
		    sizeof(why)))
			break;
		return 0;
	default:
		return cli_usage_error("unknown option"), -1;
	}
	return cli_usage_error("%s", why), -1;
}

static enum cli_result
parse_args(int argc, char **argv, struct render_opts *o)
{
	struct cli_getopt g = { SHORTOPTS, longopts, retired, "" };
	size_t i;
	int ch;

	memset(o, 0, sizeof(*o));
	o->env.grouping = FMT_WESTERN;
	o->color = -1;
	o->dir = ".";
	o->format = -1;
	while ((ch = cli_getopt(&g, argc, argv)) != -1) {
		switch (ch) {
		case '?':
			return cli_usage_error("%s", g.err), CLI_BAD;
		case 'h':
			return CLI_HELP;
		case OPT_VERSION:
			return CLI_VERSION;
		case 'q':
			cli_quieter();
			continue;
		case 'v':
			cli_louder();
			continue;
		case OPT_REVERSE:
			if (chart_opt(o, "--reverse", "reverse", "yes") == -1)
				return CLI_BAD;
			continue;
		case OPT_SORT:
			if (chart_opt(o, "--sort", "sort",
			    optarg ? optarg : "desc") == -1)
				return CLI_BAD;
			continue;
		}
		for (i = 0; i < NELEM(chart_keys); i++)
			if (chart_keys[i].ch == ch)
				break;
		if (i < NELEM(chart_keys)) {
			const char *name = chart_keys[i].opt;
			char lng[16];
			if (name[1] != '-') {	/* -n: --top */
				snprintf(lng, sizeof(lng), "--%s",
				    chart_keys[i].key);
				name = spelled(argv, name, lng);
			}
			if (chart_opt(o, name, chart_keys[i].key, optarg) == -1)
				return CLI_BAD;
		} else if (other_opt(o, ch, optarg, argv) == -1)
			return CLI_BAD;
	}
	o->argc = argc - optind;
	o->argv = argv + optind;
	if (o->argc < 1)
		return cli_usage_error("no chart type given"), CLI_BAD;
	if ((long)o->width * o->height > RENDER_MAX_CELLS)
		return cli_usage_error("--width x --height: at most %d cells, "
		    "not %dx%d", RENDER_MAX_CELLS, o->width, o->height),
		    CLI_BAD;
	return CLI_RUN;
}

/* Pictures, report and serve (web.h). */
static struct web_opts pic = { .format = -1 };

/* Colour on a terminal only, and not with NO_COLOR or TERM=dumb. */
static int
color_auto(void)
{
	const char *e;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if ((e = getenv("NO_COLOR")) && *e)
		return 0;
	if ((e = getenv("TERM")) && strcmp(e, "dumb") == 0)
		return 0;
	return 1;
}

/* One chart of one CSV input. */
static int
run_chart(struct chart_spec *s, const char *file, const struct chart_env *env,
    int w, int h, int color)
{
	struct canvas *cv = NULL;
	struct strbuf out = { 0 };
	struct dtab *t;
	char errbuf[1024];
	int used, top = 0, rc = 1;

	if (file == NULL || strcmp(file, "-") == 0)
		t = dtab_read_fd(STDIN_FILENO, "stdin", 0, 0, errbuf,
		    sizeof(errbuf));
	else
		t = dtab_read_path(file, file, 0, DATA_FIFO, errbuf,
		    sizeof(errbuf));
	if (t == NULL) {
		fmt_printable(errbuf);
		warnx("%s", errbuf);
		return 1;
	}
	cli_log(CLI_INFO, "%s: %zu rows, %zu columns", t->name, t->nrow,
	    t->ncol);
	if (t->nrow == 0 && s->kind != CH_TABLE) {
		warnx("%s: no data rows", t->name);
		goto out;
	}
	if (pic.format >= 0) {
		rc = web_chart(&pic, s, t, env);
		goto out;
	}
	if ((cv = cv_new(w, h)) == NULL)
		err(1, "canvas");
	if (s->title && *s->title) {
		cv_text(cv, 0, 0, w, s->title, strlen(s->title), ST_BOLD);
		top = 1;
	}
	if (s->kind == CH_KPI && h - top > 5)
		h = top + 5;	/* a card: 3 lines of digits in a box */
	used = chart_draw(cv, 0, top, w, h - top, s, t, env, errbuf,
	    sizeof(errbuf));
	if (used < 0) {
		fmt_printable(errbuf);
		warnx("%s", errbuf);
		goto out;
	}
	if (top + used < cv->h)
		cv->h = top + used;	/* only the lines drawn */
	if (cv_output(cv, &out, color, 0) == -1)
		err(1, "output");
	if (fwrite(out.p, 1, out.len, stdout) != out.len) {
		/* close_stdout reports it */
	}
	rc = 0;
out:
	sb_free(&out);
	cv_free(cv);
	dtab_free(t);
	return rc;
}

/* render dash. */
static int
run_dash(const struct render_opts *o)
{
	struct dash_opts d;
	int rc;

	if (o->argc > 1)
		return cli_usage_error("dash: unexpected argument '%s'",
		    o->argv[1]);
	if (o->layout == NULL)
		return cli_usage_error("dash: --layout is required");
	if (o->nset > 0)
		return cli_usage_error("dash: --%s belongs in the layout file",
		    o->set[0].key);
	memset(&d, 0, sizeof(d));
	d.layout = o->layout;
	d.dir = o->dir;
	d.ticks = o->ticks;
	d.every = o->every;
	d.once = o->once;
	d.frames = o->frames;
	d.alt_screen = o->alt;
	d.width = o->width;
	d.height = o->height;
	d.color = o->color;
	d.env = o->env;
	d.grouping_set = o->grouping_set;
	rc = dash_run(&d);
	if (close_stdout() == -1 && rc == 0 && errno != EPIPE) {
		warn("stdout");
		rc = 1;
	}
	return rc;
}

/* render bar|hbar|...: one chart. */
static int
run_one_chart(const struct render_opts *o)
{
	struct chart_spec spec;
	char errbuf[512];
	int i, kind, rc, w, h;

	if ((kind = chart_kind_parse(o->argv[0])) < 0 || kind == CH_ALERTS)
		return cli_usage_error("unknown chart type '%s'", o->argv[0]);
	if (o->argc > 2)
		return cli_usage_error("%s: one input file at most",
		    o->argv[0]);
	if (o->layout || o->ticks || o->every > 0 || o->once || o->frames ||
	    o->alt || strcmp(o->dir, ".") != 0)
		return cli_usage_error("%s: dashboard options need 'render "
		    "dash'", o->argv[0]);
	chart_spec_init(&spec, (enum chart_kind)kind);
	for (i = 0; i < o->nset; i++) {
		if (layout_set(&spec, o->set[i].key, o->set[i].val, errbuf,
		    sizeof(errbuf)) == -1) {
			fmt_printable(errbuf);
			chart_spec_free(&spec);
			return cli_usage_error("--%s", errbuf);
		}
	}
	if (spec.has_min && spec.has_max && !(spec.min < spec.max)) {
		chart_spec_free(&spec);
		return cli_usage_error("--min must be less than --max");
	}
	term_size(STDOUT_FILENO, &w, &h);
	if (isatty(STDOUT_FILENO) && h > 2)
		h--;	/* leave the prompt on the screen */
	if (o->width)
		w = o->width;
	if (o->height)
		h = o->height;
	term_cap(w, &h);
	rc = run_chart(&spec, o->argc > 1 ? o->argv[1] : NULL, &o->env, w, h,
	    o->color);
	chart_spec_free(&spec);
	if (close_stdout() == -1) {
		warn("stdout");
		rc = 1;
	}
	return rc;
}

/* render serve and report, and the picture options of the others: the
 * exit status, or -1 to go on to the chart or the dashboard. */
static int
pictures(const struct render_opts *o)
{
	char why[256];
	int sub = strcmp(o->argv[0], "serve") == 0 ? 1 :
	    strcmp(o->argv[0], "report") == 0 ? 2 : 0, rc;

	pic.output = o->output;
	pic.format = o->format;
	pic.listen = o->listen;
	pic.w = o->pw;
	pic.h = o->ph;
	pic.layout = o->layout;
	pic.dir = o->dir;
	pic.ticks = o->ticks;
	pic.frames = o->frames;
	pic.env = o->env;
	pic.grouping_set = o->grouping_set;
	if (o->listen && sub != 1)
		return cli_usage_error("--listen needs 'render serve'");
	if (sub == 0) {
		if (web_picture_opts(&pic, why, sizeof(why)) == -1)
			return cli_usage_error("%s", why);
		if (strcmp(o->argv[0], "dash") != 0)
			return -1;	/* a chart: run_chart draws it */
		if (o->argc > 1)
			return cli_usage_error("dash: unexpected argument '%s'",
			    o->argv[1]);
		if (o->layout == NULL)
			return cli_usage_error("dash: --layout is required");
		if (o->nset > 0)
			return cli_usage_error("dash: --%s belongs in the "
			    "layout file", o->set[0].key);
		rc = web_dash(&pic);
	} else {
		if (o->argc > 1)
			return cli_usage_error("%s: unexpected argument '%s'",
			    o->argv[0], o->argv[1]);
		if (o->layout == NULL)
			return cli_usage_error("%s: --layout is required",
			    o->argv[0]);
		if (o->nset > 0)
			return cli_usage_error("%s: --%s belongs in the layout "
			    "file", o->argv[0], o->set[0].key);
		rc = sub == 1 ? serve_run(&pic) : report_run(&pic);
	}
	if (close_stdout() == -1 && rc == 0) {
		warn("stdout");
		rc = 1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct render_opts o;

	if (setlocale(LC_ALL, "") == NULL)
		setlocale(LC_CTYPE, "C");
	setlocale(LC_NUMERIC, "C");
	fmt_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	switch (parse_args(argc, argv, &o)) {
	case CLI_HELP:
		return cli_help(stdout, help_text);
	case CLI_VERSION:
		return cli_version(stdout);
	case CLI_BAD:
		return 2;
	case CLI_RUN:
		break;
	}
	if (o.ascii || !fmt_utf8)
		G = &glyphs_ascii;
	if (o.color < 0)
		o.color = color_auto();
	o.env.color = o.color;
	if (o.output || o.format >= 0 || o.listen || o.pw) {
		int rc = pictures(&o);
		if (rc >= 0)
			return rc;
	}
	if (strcmp(o.argv[0], "serve") == 0 || strcmp(o.argv[0], "report") == 0)
		return pictures(&o);
	if (strcmp(o.argv[0], "dash") == 0)
		return run_dash(&o);
	return run_one_chart(&o);
}
