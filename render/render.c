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
	OPT_DIR, OPT_EVERY, OPT_FRAMES, OPT_GROUPING, OPT_HELP, OPT_LAST,
	OPT_LAYOUT, OPT_MAX, OPT_MIN, OPT_ONCE, OPT_PREFIX, OPT_REVERSE,
	OPT_SORT, OPT_SUFFIX, OPT_TICKS, OPT_VERSION,
	OPT_FORMAT, OPT_LISTEN, OPT_SIZE,	/* pictures, serve */
};

static const struct option longopts[] = {
	{ "alt-screen", no_argument, NULL, OPT_ALT },
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "colour", required_argument, NULL, OPT_COLOR },
	{ "columns", required_argument, NULL, OPT_COLUMNS },
	{ "decimals", required_argument, NULL, OPT_DECIMALS },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "every", required_argument, NULL, OPT_EVERY },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "frames", required_argument, NULL, OPT_FRAMES },
	{ "grouping", required_argument, NULL, OPT_GROUPING },
	{ "height", required_argument, NULL, 'H' },
	{ "help", no_argument, NULL, OPT_HELP },
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
	{ "series", required_argument, NULL, 's' },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "sort", optional_argument, NULL, OPT_SORT },
	{ "suffix", required_argument, NULL, OPT_SUFFIX },
	{ "ticks", required_argument, NULL, OPT_TICKS },
	{ "title", required_argument, NULL, 't' },
	{ "top", required_argument, NULL, 'n' },
	{ "value", required_argument, NULL, 'y' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "width", required_argument, NULL, 'w' },
	{ "x", required_argument, NULL, 'x' },
	{ NULL, 0, NULL, 0 },
};

static void
usage_line(FILE *fp)
{
	fputs("Usage: render bar|hbar|share|line|spark|table|kpi [OPTION]... "
	    "[FILE]\n"
	    "       render dash --layout FILE [--dir DIR] [OPTION]...\n"
	    "       render serve --layout FILE [--dir DIR] [--listen ADDR:PORT]"
	    "\n"
	    "       render report --layout FILE [--dir DIR] -o FILE\n", fp);
}

static void
usage(void)
{
	usage_line(stderr);
	fputs("Try 'render --help'.\n", stderr);
	exit(2);
}

static void
help(void)
{
	usage_line(stdout);
	fputs(
"Draw CSV (header first) from FILE or standard input as a chart, or run a\n"
"live dashboard of snapshot files.\n"
"\n"
"Charts:\n"
"  bar      vertical bars          hbar   horizontal bars\n"
"  share    shares of a whole      line   lines, one per series\n"
"  spark    sparklines             table  an aligned table\n"
"  kpi      big numbers on cards   dash   the live dashboard\n"
"\n"
"Columns (by header name; default: first text and first numeric column):\n"
"  -l, --label=COL        labels          -y, --value=COL[,COL...]  values\n"
"  -s, --series=COL       one line per distinct value of COL (line, spark)\n"
"  -x, --x=COL            the x axis (line): times, dates or text\n"
"      --columns=LIST     the columns of a table\n"
"Data:\n"
"  -n, --top=N            the first N after sorting (bars sort descending)\n"
"      --sort[=ORDER]     desc (default), asc, label or none\n"
"      --last=N           only the last N rows\n"
"      --reverse          table: last row first\n"
"      --min=V, --max=V   fix the value axis\n"
"Look:\n"
"  -t, --title=TEXT       a title line\n"
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
"      --dir=DIR          the snapshot directory (default .)\n"
"      --ticks=FILE       tick lines from FILE or a FIFO (default: stdin\n"
"                         when it is not a terminal); '-' is stdin\n"
"      --every=SECS       redraw every SECS too (e.g. 1s, 500ms)\n"
"      --once             draw one frame and exit\n"
"      --frames=N         draw N frames and report CPU time per frame\n"
"      --alt-screen       draw on the alternate screen\n"
"Pictures (render KIND or dash), report and browser:\n"
"      --format=FMT       png, svg or pdf (default: -o's extension)\n"
"  -o, --output=FILE      the picture or report file ('-': stdout)\n"
"      --size=WxH         pixels (PNG) or points (default 800x500, dash\n"
"                         and report 1600x1000)\n"
"      --listen=ADDR:PORT serve: where (default 127.0.0.1:8080)\n"
"  -q, --quiet            fewer messages   -v, --verbose  more messages\n"
"      --help             this help        --version      the version\n"
"\n"
"Exit status: 0 success, 1 bad data or runtime failure, 2 usage error.\n",
	    stdout);
	if (close_stdout() == -1)
		err(1, "stdout");
	exit(0);
}

static int
num_opt(const char *name, const char *s, long long min, long long max)
{
	long long v;

	if (parse_long(s, min, max, &v) == -1) {
		warnx("--%s: not a number from %lld to %lld: '%s'", name, min,
		    max, s);
		usage();
	}
	return (int)v;
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

int
main(int argc, char **argv)
{
	struct chart_spec spec;
	struct dash_opts d;
	struct chart_env env = { .grouping = FMT_WESTERN };
	const char *layout = NULL, *dir = ".", *ticks = NULL;
	char errbuf[512];
	double every = 0, dv;
	int ch, ascii = 0, color = -1, width = 0, height = 0, once = 0,
	    alt = 0, verbose = 0, quiet = 0, kind, rc, w, h;
	long frames = 0;
	struct {
		const char *key, *val;
	} setopt[32];
	int nset = 0, i, grouping_set = 0;

	(void)quiet;
	if (setlocale(LC_ALL, "") == NULL)
		setlocale(LC_CTYPE, "C");
	setlocale(LC_NUMERIC, "C");
	fmt_utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

	while ((ch = getopt_long(argc, argv, "H:l:n:o:qs:t:vw:x:y:", longopts,
	    NULL)) != -1) {
		const char *key = NULL;

		switch (ch) {
		case 'H':
			height = num_opt("height", optarg, 2, 10000);
			break;
		case 'l':
			key = "label";
			break;
		case 'n':
			key = "top";
			break;
		case 'o':
			pic.output = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 's':
			key = "series";
			break;
		case 't':
			key = "title";
			break;
		case 'v':
			verbose = 1;
			break;
		case 'w':
			width = num_opt("width", optarg, 8, 10000);
			break;
		case 'x':
			key = "x";
			break;
		case 'y':
			key = "value";
			break;
		case OPT_ALT:
			alt = 1;
			break;
		case OPT_FORMAT:
			if ((pic.format = gfx_format_parse(optarg)) < 0) {
				warnx("--format: png, svg or pdf, not '%s'",
				    optarg);
				usage();
			}
			break;
		case OPT_LISTEN:
			pic.listen = optarg;
			break;
		case OPT_SIZE:
			if (gfx_size_parse(optarg, &pic.w, &pic.h, errbuf,
			    sizeof(errbuf)) == -1) {
				warnx("--size: %s", errbuf);
				usage();
			}
			break;
		case OPT_ASCII:
			ascii = 1;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				color = -1;
			else if (strcmp(optarg, "always") == 0)
				color = 1;
			else if (strcmp(optarg, "never") == 0)
				color = 0;
			else {
				warnx("--color: auto, always or never, "
				    "not '%s'", optarg);
				usage();
			}
			break;
		case OPT_COLUMNS:
			key = "columns";
			break;
		case OPT_DECIMALS:
			key = "decimals";
			break;
		case OPT_DIR:
			dir = optarg;
			break;
		case OPT_EVERY:
			if (parse_duration(optarg, &dv) == -1 || dv <= 0 ||
			    dv > 86400) {
				warnx("--every: not a duration: '%s'", optarg);
				usage();
			}
			every = dv;
			break;
		case OPT_FRAMES:
			frames = num_opt("frames", optarg, 1, 10000000);
			break;
		case OPT_GROUPING:
			grouping_set = 1;
			if (strcmp(optarg, "western") == 0)
				env.grouping = FMT_WESTERN;
			else if (strcmp(optarg, "indian") == 0)
				env.grouping = FMT_INDIAN;
			else if (strcmp(optarg, "none") == 0)
				env.grouping = FMT_NONE;
			else {
				warnx("--grouping: western, indian or "
				    "none, not '%s'", optarg);
				usage();
			}
			break;
		case OPT_HELP:
			help();
			break;
		case OPT_LAST:
			key = "last";
			break;
		case OPT_LAYOUT:
			layout = optarg;
			break;
		case OPT_MAX:
			key = "max";
			break;
		case OPT_MIN:
			key = "min";
			break;
		case OPT_ONCE:
			once = 1;
			break;
		case OPT_PREFIX:
			key = "prefix";
			break;
		case OPT_REVERSE:
			key = "reverse";
			optarg = "yes";
			break;
		case OPT_SORT:
			key = "sort";
			if (optarg == NULL)
				optarg = "desc";
			break;
		case OPT_SUFFIX:
			key = "suffix";
			break;
		case OPT_TICKS:
			ticks = optarg;
			break;
		case OPT_VERSION:
			puts("render " LI_VERSION);
			if (close_stdout() == -1)
				err(1, "stdout");
			return 0;
		default:
			usage();
		}
		if (key) {
			if (nset == (int)NELEM(setopt)) {
				warnx("too many options");
				usage();
			}
			setopt[nset].key = key;
			setopt[nset++].val = optarg;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		warnx("no chart type given");
		usage();
	}
	if (ascii || !fmt_utf8)
		G = &glyphs_ascii;
	if (color < 0)
		color = color_auto();
	env.color = color;

	if ((long)width * height > RENDER_MAX_CELLS) {
		warnx("--width x --height: at most %d cells, not %dx%d",
		    RENDER_MAX_CELLS, width, height);
		usage();
	}
	if (pic.output || pic.format >= 0 || pic.listen || pic.w) {
		int sub = strcmp(argv[0], "serve") == 0 ? 1 :
		    strcmp(argv[0], "report") == 0 ? 2 : 0;
		if (pic.listen && sub != 1) {
			warnx("--listen needs 'render serve'");
			usage();
		}
		if (sub == 0 && web_picture_opts(&pic, errbuf,
		    sizeof(errbuf)) == -1) {
			warnx("%s", errbuf);
			usage();
		}
	}
	if (strcmp(argv[0], "serve") == 0 || strcmp(argv[0], "report") == 0) {
		if (argc > 1) {
			warnx("%s: unexpected argument '%s'", argv[0], argv[1]);
			usage();
		}
		if (layout == NULL) {
			warnx("%s: --layout is required", argv[0]);
			usage();
		}
		if (nset > 0) {
			warnx("%s: --%s belongs in the layout file", argv[0],
			    setopt[0].key);
			usage();
		}
		pic.layout = layout;
		pic.dir = dir;
		pic.ticks = ticks;
		pic.verbose = verbose;
		pic.quiet = quiet;
		pic.env = env;
		pic.grouping_set = grouping_set;
		rc = strcmp(argv[0], "serve") == 0 ? serve_run(&pic) :
		    report_run(&pic);
		if (close_stdout() == -1 && rc == 0) {
			warn("stdout");
			rc = 1;
		}
		return rc;
	}
	if (strcmp(argv[0], "dash") == 0) {
		if (argc > 1) {
			warnx("dash: unexpected argument '%s'", argv[1]);
			usage();
		}
		if (layout == NULL) {
			warnx("dash: --layout is required");
			usage();
		}
		if (nset > 0) {
			warnx("dash: --%s belongs in the layout file",
			    setopt[0].key);
			usage();
		}
		if (pic.format >= 0) {
			pic.frames = frames;
			pic.layout = layout;
			pic.dir = dir;
			pic.env = env;
			pic.grouping_set = grouping_set;
			rc = web_dash(&pic);
			if (close_stdout() == -1 && rc == 0) {
				warn("stdout");
				rc = 1;
			}
			return rc;
		}
		memset(&d, 0, sizeof(d));
		d.layout = layout;
		d.dir = dir;
		d.ticks = ticks;
		d.every = every;
		d.once = once;
		d.frames = frames;
		d.alt_screen = alt;
		d.width = width;
		d.height = height;
		d.color = color;
		d.verbose = verbose;
		d.env = env;
		d.grouping_set = grouping_set;
		rc = dash_run(&d);
		if (close_stdout() == -1 && rc == 0 && errno != EPIPE) {
			warn("stdout");
			rc = 1;
		}
		return rc;
	}
	if ((kind = chart_kind_parse(argv[0])) < 0 || kind == CH_ALERTS) {
		warnx("unknown chart type '%s'", argv[0]);
		usage();
	}
	if (argc > 2) {
		warnx("%s: one input file at most", argv[0]);
		usage();
	}
	if (layout || ticks || every > 0 || once || frames || alt) {
		warnx("%s: dashboard options need 'render dash'", argv[0]);
		usage();
	}
	chart_spec_init(&spec, (enum chart_kind)kind);
	for (i = 0; i < nset; i++) {
		if (layout_set(&spec, setopt[i].key, setopt[i].val, errbuf,
		    sizeof(errbuf)) == -1) {
			fmt_printable(errbuf);
			warnx("--%s", errbuf);
			usage();
		}
	}
	if (spec.has_min && spec.has_max && !(spec.min < spec.max)) {
		warnx("--min must be less than --max");
		usage();
	}
	term_size(STDOUT_FILENO, &w, &h);
	if (isatty(STDOUT_FILENO) && h > 2)
		h--;	/* leave the prompt on the screen */
	if (width)
		w = width;
	if (height)
		h = height;
	term_cap(w, &h);
	rc = run_chart(&spec, argc > 1 ? argv[1] : NULL, &env, w, h, color);
	chart_spec_free(&spec);
	if (close_stdout() == -1) {
		warn("stdout");
		rc = 1;
	}
	return rc;
}
