/* render: every chart kind, and dashboard frames, drawn from hostile CSV
 * at random sizes with random options.
 *
 * The input is a header of option bytes (see struct opts below) and then
 * the CSV.  Checked under ASan+UBSan:
 *   - a chart returns -1 with a message, or the lines it used, 0 to h;
 *   - it draws nothing outside its rectangle (the canvas around it is
 *     filled with sentinel cells that must stay as they were);
 *   - the canvas's output, plain and live with colour, is valid UTF-8
 *     with no NUL, no control character but LF (CR and SGR/EL/ED escape
 *     sequences in live mode), no C1 control, plain ASCII in a non-UTF-8
 *     locale, exactly one line per canvas line, none wider than the
 *     canvas;
 *   - a dashboard frame of w x h is exactly h lines of at most w columns.
 */
#include <locale.h>
#include <math.h>

#include "fuzz.h"
#include "canvas.h"
#include "chart.h"
#include "dash.h"
#include "data.h"
#include "fmt.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MARGIN		2
#define SENTINEL_STYLE	0x80	/* a style bit no chart uses */
#define HDR		64	/* option bytes before the CSV */

static int show;

#define MAX_SIZE	500
static struct cell cells[(MAX_SIZE + 2 * MARGIN) * (MAX_SIZE + 2 * MARGIN)];
static struct canvas the_cv;

/* Texts for titles, prefixes, suffixes: empty, long, wide, combining,
 * invalid UTF-8, controls, bidi overrides. */
static const char *const texts[] = {
	"", "₹", "%", " °C", "Rs. ", "T",
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語日本"
	"語日本語日本語日本語",
	"e\xcc\x81\xcc\x81\xcc\x81\xcc\x81\xcc\x81",
	"\xcc\x81\xcc\x81 leading marks",
	"bad \xff\xfe\xc3 utf8 \xe2\x82",
	"ctl \033[2J\033]0;t\007 \r\n\t end",
	"bidi \xe2\x80\xae\xe2\x81\xa6 x",
	"\xf0\x9f\x98\x80\xf0\x9f\x98\x80 emoji",
	"\xc2\x9b" "31m c1",
	",,,",
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

/* Values for --min and --max. */
static const char *const bounds[] = {
	"0", "1", "-1", "10", "100", "1e300", "-1e300", "1e-300", "1e17",
	"100000000000000016", "0.5", "-0.5", "5", "1e-320", "99999",
	"-99999",
};
#define NBOUNDS	(sizeof(bounds) / sizeof(bounds[0]))

struct in {
	const uint8_t *p;
	size_t n, i;
};

static unsigned
take(struct in *in)
{
	return in->i < in->n ? in->p[in->i++] : 0;
}

/* 0..500: mostly under 24, where the edge cases are, then up to 79, and
 * 80 to 500 for a first byte of 255 (big canvases are slow to check). */
static int
take_size(struct in *in)
{
	unsigned a = take(in), b = take(in);

	if (a < 160)
		return (int)(a % 24);
	if (a < 255)
		return (int)(24 + a % 56);
	return (int)(80 + b * (MAX_SIZE - 80) / 255);
}

/* ---- checks ------------------------------------------------------------- */

static void
fill_sentinel(struct canvas *cv)
{
	size_t i, n = (size_t)cv->w * (size_t)cv->h;

	for (i = 0; i < n; i++) {
		cv->c[i].b[0] = 'Z';
		cv->c[i].n = 1;
		cv->c[i].style = SENTINEL_STYLE;
	}
}

static void
clear_rect(struct canvas *cv, int x0, int y0, int w, int h)
{
	int x, y;

	for (y = y0; y < y0 + h; y++)
		for (x = x0; x < x0 + w; x++) {
			struct cell *c = &cv->c[(size_t)y * (size_t)cv->w +
			    (size_t)x];
			c->b[0] = ' ';
			c->n = 1;
			c->style = 0;
		}
}

static void
check_outside(const struct canvas *cv, int x0, int y0, int w, int h)
{
	int x, y;

	for (y = 0; y < cv->h; y++)
		for (x = 0; x < cv->w; x++) {
			const struct cell *c;
			if (x >= x0 && x < x0 + w && y >= y0 && y < y0 + h)
				continue;
			c = &cv->c[(size_t)y * (size_t)cv->w + (size_t)x];
			if (c->n != 1 || c->b[0] != 'Z' ||
			    c->style != SENTINEL_STYLE) {
				struct strbuf sb = { 0 };
				cv_output(cv, &sb, 0, 0);
				fprintf(stderr, "%s--\ndrawn outside "
				    "%dx%d+%d+%d at %d,%d\n", sb.p, w, h,
				    x0, y0, x, y);
				abort();
			}
		}
}

/* Length of one strict UTF-8 character at s, or 0 when invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t k, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		k = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		k = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		k = 4, c = s[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return k;
}

/* The output of a canvas of w x h: well-formed, h lines, each at most w
 * columns wide. */
static void
check_output(const char *out, size_t len, int w, int h, int live, int color,
    int utf8)
{
	const unsigned char *s = (const unsigned char *)out;
	size_t i = 0, col = 0;
	int lines = 0;
	uint32_t cp;

	while (i < len) {
		size_t k;

		if (s[i] == 0x1b) {	/* only CSI [0-9;]* m, K, J or H */
			FUZZ_ASSERT(color || live);
			FUZZ_ASSERT(i + 1 < len && s[i + 1] == '[');
			for (i += 2; i < len && ((s[i] >= '0' && s[i] <= '9') ||
			    s[i] == ';'); i++)
				;
			FUZZ_ASSERT(i < len && strchr("mKJH", s[i]) != NULL);
			FUZZ_ASSERT(s[i] != 'm' || color);
			i++;
			continue;
		}
		if (s[i] == '\r') {
			FUZZ_ASSERT(live && i + 1 < len && s[i + 1] == '\n');
			i++;
			continue;
		}
		if (s[i] == '\n') {
			lines++;
			col = 0;
			i++;
			continue;
		}
		FUZZ_ASSERT(s[i] >= 0x20 && s[i] != 0x7f);
		FUZZ_ASSERT(utf8 || s[i] < 0x80);
		k = utf8_len(s + i, len - i, &cp);
		FUZZ_ASSERT(k > 0);
		FUZZ_ASSERT(!(cp >= 0x80 && cp < 0xa0));
		col += u8_width(out + i, k);
		FUZZ_ASSERT(col <= (size_t)w);
		i += k;
	}
	/* Plain: a line feed after each line; live: between lines. */
	FUZZ_ASSERT(lines == (live ? h - 1 : h));
}

/* The output of cv, plain or live with colour; one buffer for all. */
static void
check_canvas_output(const struct canvas *cv, int utf8, int live)
{
	static struct strbuf sb;

	sb.len = 0;
	FUZZ_ASSERT(cv_output(cv, &sb, live, live) == 0);
	check_output(sb.p, sb.len, cv->w, cv->h, live, live, utf8);
	if (show)	/* FUZZ_RENDER_SHOW=1: see what an input draws */
		fprintf(stderr, "%.*s--\n", (int)sb.len, sb.p);
}

/* ---- options ------------------------------------------------------------ */

static void
set(struct chart_spec *s, const char *key, const char *val)
{
	char err[512];

	/* A value layout_set refuses is a usage error: the option is just
	 * not set. */
	err[0] = '\0';
	if (layout_set(s, key, val, err, sizeof(err)) == -1)
		FUZZ_ASSERT(err[0] != '\0');
}

/* A column name of t: one of its headers, or one it lacks. */
static const char *
colname(const struct dtab *t, unsigned b)
{
	if (t == NULL || t->ncol == 0 || b % 16 == 15)
		return "NoSuchColumn";
	return t->hdr[b % t->ncol];
}

/* The options of a chart or panel from 12 bytes. */
static void
spec_options(struct chart_spec *s, const struct dtab *t, struct in *in)
{
	unsigned f = take(in), g = take(in), b;
	char list[1024], num[32];

	if (f & 1)
		set(s, "label", colname(t, take(in)));
	if (f & 2) {	/* one to three value columns */
		unsigned n = 1 + take(in) % 3, i;
		list[0] = '\0';
		for (i = 0; i < n; i++) {
			if (i)
				strncat(list, ",", sizeof(list) - strlen(list) - 1);
			strncat(list, colname(t, take(in)),
			    sizeof(list) - strlen(list) - 1);
		}
		set(s, "value", list);
	}
	if (f & 4)
		set(s, "series", colname(t, take(in)));
	if (f & 8)
		set(s, "x", colname(t, take(in)));
	if (f & 16) {
		unsigned n = 1 + take(in) % 4, i;
		list[0] = '\0';
		for (i = 0; i < n; i++) {
			if (i)
				strncat(list, ",", sizeof(list) - strlen(list) - 1);
			strncat(list, colname(t, take(in)),
			    sizeof(list) - strlen(list) - 1);
		}
		set(s, "columns", list);
	}
	if (f & 32)
		set(s, "min", bounds[take(in) % NBOUNDS]);
	if (f & 64)
		set(s, "max", bounds[take(in) % NBOUNDS]);
	if (f & 128)
		set(s, "title", texts[take(in) % NTEXTS]);
	static const char *const sorts[] = { "none", "desc", "asc", "label" };
	set(s, "sort", sorts[g & 3]);
	if (g & 4) {
		b = take(in);
		snprintf(num, sizeof(num), "%u", b < 250 ? b % 20 + 1 :
		    10000);
		set(s, "top", num);
	}
	if (g & 8) {
		b = take(in);
		snprintf(num, sizeof(num), "%u", b < 250 ? b % 30 + 1 :
		    1000000);
		set(s, "last", num);
	}
	if (g & 16)
		set(s, "reverse", "yes");
	if (g & 32) {
		snprintf(num, sizeof(num), "%u", take(in) % 7);
		set(s, "decimals", num);
	}
	if (g & 64)
		set(s, "prefix", texts[take(in) % NTEXTS]);
	if (g & 128)
		set(s, "suffix", texts[take(in) % NTEXTS]);
}

/* ---- the dashboard's files: copies of the one table ------------------- */

/* A copy of t's last keep rows (all with 0), as dtab_read_fd would have
 * kept them; parsing again would cost a 1 MiB reader per panel. */
static struct dtab *
dup_table(const struct dtab *t, const char *name, size_t keep)
{
	struct dtab *c = calloc(1, sizeof(*c));
	size_t from = keep > 0 && t->nrow > keep ? t->nrow - keep : 0, i;

	if (c == NULL || (c->name = strdup(name)) == NULL)
		abort();
	c->ncol = t->ncol;
	c->nrow = t->nrow - from;
	c->hdr = calloc(t->ncol, sizeof(char *));
	c->cell = calloc(c->nrow * c->ncol + 1, sizeof(char *));
	c->line = calloc(c->nrow + 1, sizeof(uint64_t));
	if (c->hdr == NULL || c->cell == NULL || c->line == NULL)
		abort();
	for (i = 0; i < t->ncol; i++)
		if ((c->hdr[i] = strdup(t->hdr[i])) == NULL)
			abort();
	for (i = 0; i < c->nrow * c->ncol; i++)
		if ((c->cell[i] = strdup(t->cell[from * t->ncol + i])) == NULL)
			abort();
	for (i = 0; i < c->nrow; i++)
		c->line[i] = t->line[from + i];
	return c;
}

static struct dtab *
load(void *arg, const char *path, const struct chart_spec *s, char *err,
    size_t errlen)
{
	const struct dtab *t = arg;

	(void)path;
	if (t == NULL) {	/* the CSV was bad */
		snprintf(err, errlen, "%s: bad CSV", s->file);
		return NULL;
	}
	return dup_table(t, s->file, s->last > 0 ? (size_t)s->last : 0);
}

/* ---- the harness -------------------------------------------------------- */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		abort();
	setlocale(LC_NUMERIC, "C");
	show = getenv("FUZZ_RENDER_SHOW") != NULL;
	return 0;
}

static void
draw_chart(int kind, const struct dtab *t, struct in *in, int w, int h,
    const struct chart_env *env, int utf8, int live)
{
	struct chart_spec s;
	struct canvas *cv;
	char err[1024];
	int rc, pass;

	chart_spec_init(&s, (enum chart_kind)kind);
	spec_options(&s, t, in);
	/* One canvas for every input: big fresh allocations are slow. */
	cv = &the_cv;
	cv->w = w + 2 * MARGIN;
	cv->h = h + 2 * MARGIN;
	cv->c = cells;
	/* A KPI card twice: it shows the change since the last frame. */
	for (pass = 0; pass < (kind == CH_KPI ? 2 : 1); pass++) {
		fill_sentinel(cv);
		clear_rect(cv, MARGIN, MARGIN, w, h);
		err[0] = '\0';
		rc = chart_draw(cv, MARGIN, MARGIN, w, h, &s, t, env, err,
		    sizeof(err));
		if (rc < 0) {
			FUZZ_ASSERT(rc == -1);
			FUZZ_ASSERT(err[0] != '\0');
			FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
		} else
			FUZZ_ASSERT(rc <= h);
		check_outside(cv, MARGIN, MARGIN, w, h);
		check_canvas_output(cv, utf8, live);
	}
	chart_spec_free(&s);
}

static void
draw_dash(const struct dtab *t, struct in *in, int w, int h,
    const struct chart_env *env, int utf8, int live)
{
	struct dash_opts o;
	struct layout *l;
	struct dash *d;
	const struct canvas *cv;
	unsigned np = 1 + take(in) % 6, i;
	char tick[128];
	int frame;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	o.env = *env;
	o.color = env->color;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		abort();
	l->grouping = (int)(take(in) % 4) - 1;
	if (take(in) & 1)
		l->title = strdup(texts[take(in) % NTEXTS]);
	for (i = 0; i < np; i++) {
		unsigned b = take(in);
		struct chart_spec *s;
		char num[16];

		if (l->nrows == 0 || (b & 1)) {	/* a new row */
			struct layout_row *r;
			if (l->nrows == LAYOUT_MAX_ROWS)
				break;
			r = &l->rows[l->nrows++];
			r->weight = 1 + (int)(take(in) % 3);
			r->height = b & 2 ? (int)(take(in) % 12) : 0;
			r->first = l->npanels;
		}
		s = &l->panels[l->npanels++];
		chart_spec_init(s, (enum chart_kind)((b >> 2) % CH_NKIND));
		set(s, "file", b & 64 ? "a.csv" : "b.csv");
		snprintf(num, sizeof(num), "%u", 1 + take(in) % 4);
		set(s, "weight", num);
		spec_options(s, t, in);
		l->rows[l->nrows - 1].n++;
	}
	d = dash_new(&o, l, load, (void *)t);
	FUZZ_ASSERT(d != NULL);
	snprintf(tick, sizeof(tick), "%u,2026-11-23T10:41:0%uZ,%s,%u,%s",
	    take(in), take(in) % 10, texts[take(in) % NTEXTS], take(in),
	    bounds[take(in) % NBOUNDS]);
	dash_tick(d, tick);
	/* 1 to 200: a dashboard of 500 x 500 draws nothing a smaller one
	 * does not, and the corpus filled up with them at 4 ms each. */
	w = w < 1 ? 1 : w > 200 ? 200 - w % 20 : w;
	h = h < 1 ? 1 : h > 200 ? 200 - h % 20 : h;
	/* A second frame when a KPI panel shows the change since the
	 * first. */
	for (i = 0; i < (unsigned)l->npanels && l->panels[i].kind != CH_KPI;
	    i++)
		;
	for (frame = 0; frame < (i < (unsigned)l->npanels ? 2 : 1); frame++) {
		FUZZ_ASSERT(dash_frame(d, w, h) == 0);
		cv = dash_canvas(d);
		FUZZ_ASSERT(cv != NULL && cv->w == w && cv->h == h);
		check_canvas_output(cv, utf8, live);
	}
	dash_free(d);
	layout_free(l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size < HDR ? size : HDR, 0 };
	struct chart_env env;
	struct dtab *t;
	char err[1024];
	unsigned mode, look;
	int fd, w, h, utf8, live;

	mode = take(&in) % (CH_NKIND + 1);
	w = take_size(&in);
	h = take_size(&in);
	look = take(&in);
	utf8 = !(look & 1);
	fmt_utf8 = utf8;
	G = utf8 && !(look & 2) ? &glyphs_utf8 : &glyphs_ascii;
	env.color = (look & 4) != 0;
	live = (look & 64) != 0;	/* output checked live with colour */
	env.grouping = (enum fmt_grouping)((look >> 3) % 3);

	fd = fuzz_memfd(data + in.n, size - in.n);
	err[0] = '\0';
	t = dtab_read_fd(fd, "fuzz.csv", 0, 0, err, sizeof(err));
	if (t == NULL)
		FUZZ_ASSERT(err[0] != '\0');
	if (mode < CH_NKIND) {
		if (t != NULL)
			draw_chart((int)mode, t, &in, w, h, &env, utf8, live);
	} else
		draw_dash(t, &in, w, h, &env, utf8, live);
	dtab_free(t);
	close(fd);
	return 0;
}
