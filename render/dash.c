/* The live dashboard: layout, panels, ticks, and terminal handling. */
#include "dash.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "canvas.h"
#include "cli.h"
#include "data.h"
#include "fmt.h"
#include "layout.h"
#include "readfile.h"
#include "util.h"

#define TICK_LINE_MAX	4096

/* ---- terminal ----------------------------------------------------------- */

static int term_live;		/* escapes sent: restore at exit */
static int term_alt;
static int term_kbd = -1;	/* fd of a keyboard put in raw mode */
static struct termios term_saved;

void
term_size(int fd, int *w, int *h)
{
	struct winsize ws;
	long long v;
	const char *e;

	*w = 80;
	*h = 24;
	if ((e = getenv("COLUMNS")) && parse_long(e, 1, 10000, &v) == 0)
		*w = (int)v;
	if ((e = getenv("LINES")) && parse_long(e, 1, 10000, &v) == 0)
		*h = (int)v;
	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 &&
	    ws.ws_row > 0) {
		*w = ws.ws_col;
		*h = ws.ws_row;
	}
}

void
term_cap(int w, int *h)
{
	if (w > 0 && (long)w * *h > RENDER_MAX_CELLS)
		*h = RENDER_MAX_CELLS / w;
}

/* Put the terminal back: attributes reset, cursor shown, keyboard in its
 * old mode, and the cursor below the last frame. */
static void
term_restore(void)
{
	static const char plain[] = "\033[0m\033[?25h\r\n";
	static const char alt[] = "\033[0m\033[?25h\033[?1049l";

	if (term_kbd >= 0) {
		tcsetattr(term_kbd, TCSANOW, &term_saved);
		term_kbd = -1;
	}
	if (!term_live)
		return;
	term_live = 0;
	if (term_alt)
		(void)writeall(STDOUT_FILENO, alt, sizeof(alt) - 1);
	else
		(void)writeall(STDOUT_FILENO, plain, sizeof(plain) - 1);
}

static void
term_start(int alt_screen, int lines)
{
	struct strbuf b = { 0 };
	int i;

	term_alt = alt_screen;
	term_live = 1;
	atexit(term_restore);
	if (alt_screen)
		sb_add(&b, "\033[?1049h", 8);
	else	/* scroll what is on the screen up into the scrollback */
		for (i = 0; i < lines - 1; i++)
			sb_add(&b, "\n", 1);
	sb_add(&b, "\033[?25l\033[H", 9);
	(void)writeall(STDOUT_FILENO, b.p, b.len);
	sb_free(&b);
}

static volatile sig_atomic_t sig_tstp;	/* Ctrl-Z: suspend */

static void
on_tstp(int sig)
{
	(void)sig;
	sig_tstp = 1;
}

static void
term_catch_tstp(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tstp;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTSTP, &sa, NULL);
}

static void term_keyboard(int fd);

/* Ctrl-Z: put the terminal back and stop; when continued, take it again
 * (the caller redraws the whole screen). */
static void
term_suspend(void)
{
	int kbd = term_kbd;
	static const char show[] = "\033[0m\033[?25h";

	if (kbd >= 0) {
		tcsetattr(kbd, TCSANOW, &term_saved);
		term_kbd = -1;
	}
	(void)writeall(STDOUT_FILENO, show, sizeof(show) - 1);
	if (term_alt)
		(void)writeall(STDOUT_FILENO, "\033[?1049l", 8);
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);		/* stops here until SIGCONT */
	term_catch_tstp();
	if (kbd >= 0 && tcgetpgrp(kbd) == getpgrp())
		term_keyboard(kbd);
	if (term_alt)
		(void)writeall(STDOUT_FILENO, "\033[?1049h", 8);
	(void)writeall(STDOUT_FILENO, "\033[?25l\033[H\033[2J", 13);
}

/* Raw keyboard, so that 'q' quits without Enter. */
static void
term_keyboard(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &term_saved) == -1)
		return;
	t = term_saved;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t) == 0)
		term_kbd = fd;
}

/* ---- ticks -------------------------------------------------------------- */

struct tick {
	int seen;
	char tick[24], time[40], rows[24], rejected[24], lag[24];
};

/* Take the fields of a tick line "tick,time,rows,rejected,lag_s"; the
 * header and anything else is ignored.  Returns 1 for a tick. */
static int
tick_parse(const char *line, struct tick *t)
{
	char *f[5] = { t->tick, t->time, t->rows, t->rejected, t->lag };
	size_t cap[5] = { sizeof(t->tick), sizeof(t->time), sizeof(t->rows),
	    sizeof(t->rejected), sizeof(t->lag) };
	struct tick n = { 0 };
	const char *p = line;
	int i;

	if (*line < '0' || *line > '9')
		return 0;	/* the header, or not a tick */
	f[0] = n.tick, f[1] = n.time, f[2] = n.rows, f[3] = n.rejected;
	f[4] = n.lag;
	for (i = 0; i < 5; i++) {
		size_t len = strcspn(p, ",\r\n");
		if (len >= cap[i])
			len = cap[i] - 1;
		memcpy(f[i], p, len);
		f[i][len] = '\0';
		p += strcspn(p, ",\r\n");
		if (*p != ',')
			break;
		p++;
	}
	n.seen = 1;
	*t = n;
	return 1;
}

/* ---- frames ------------------------------------------------------------- */

struct loaded {
	const char *file;
	long last;
	struct dtab *t;
	char err[512];
};

struct dash {
	const struct dash_opts *o;
	struct chart_env env;	/* o->env with the layout's grouping */
	struct layout *l;
	struct canvas *cv;
	struct loaded cache[LAYOUT_MAX_PANELS];
	int ncache;
	struct tick tick;
	int keyboard;
	struct strbuf out;
	dash_load_fn load;
	void *load_arg;
};

/* The loader of a real dashboard: the file itself. */
static struct dtab *
dash_read(void *arg, const char *path, const struct chart_spec *s, char *err,
    size_t errlen)
{
	(void)arg;
	/* Files read with last= are streams being appended to (samples,
	 * alert events): a last line still being written is left out. */
	return dtab_read_path(path, s->file, s->last > 0 ? (size_t)s->last :
	    0, s->last > 0 ? DATA_APPENDED : 0, err, errlen);
}

static struct loaded *
dash_load(struct dash *d, const struct chart_spec *s)
{
	char path[PATH_MAX];
	struct loaded *ld;
	int i, n;

	for (i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i].file, s->file) == 0 &&
		    d->cache[i].last == s->last)
			return &d->cache[i];
	ld = &d->cache[d->ncache++];
	ld->file = s->file;
	ld->last = s->last;
	ld->err[0] = '\0';
	ld->t = NULL;
	if (s->file[0] == '/')
		n = snprintf(path, sizeof(path), "%s", s->file);
	else
		n = snprintf(path, sizeof(path), "%s/%s", d->o->dir, s->file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(ld->err, sizeof(ld->err), "%s: %s", s->file,
		    strerror(ENAMETOOLONG));
		return ld;
	}
	if (sig_stop) {		/* ending: read no more */
		snprintf(ld->err, sizeof(ld->err), "%s: interrupted", s->file);
		return ld;
	}
	ld->t = d->load(d->load_arg, path, s, ld->err, sizeof(ld->err));
	if (ld->t == NULL && ld->err[0] == '\0')
		snprintf(ld->err, sizeof(ld->err), "%s: cannot read", s->file);
	return ld;
}

/* Free the table of panel p when no later panel reads it: a frame holds
 * few big tables at once, and one given up on a signal frees little. */
static void
dash_release(struct dash *d, int p)
{
	const struct chart_spec *s = &d->l->panels[p];
	int i;

	for (i = p + 1; i < d->l->npanels; i++)
		if (strcmp(d->l->panels[i].file, s->file) == 0 &&
		    d->l->panels[i].last == s->last)
			return;
	for (i = 0; i < d->ncache; i++)
		if (strcmp(d->cache[i].file, s->file) == 0 &&
		    d->cache[i].last == s->last) {
			dtab_free(d->cache[i].t);
			d->cache[i].t = NULL;
			return;
		}
}

static void
dash_uncache(struct dash *d)
{
	int i;

	for (i = 0; i < d->ncache; i++)
		dtab_free(d->cache[i].t);
	d->ncache = 0;
}

/* Append " · piece" to the top line's right part when it fits in w. */
static void
hdr_add(char *buf, size_t cap, size_t *n, int w, const char *piece)
{
	char tmp[256];
	int k;

	k = snprintf(tmp, sizeof(tmp), "%s%s%s", *n ? " " : "",
	    *n ? G->dot : "", *n ? " " : "");
	if (k < 0)
		return;
	snprintf(tmp + k, sizeof(tmp) - (size_t)k, "%s", piece);
	if ((int)(u8_width(buf, *n) + u8_width(tmp, strlen(tmp))) > w ||
	    *n + strlen(tmp) >= cap)
		return;
	memcpy(buf + *n, tmp, strlen(tmp) + 1);
	*n += strlen(tmp);
}

static void
dash_header(struct dash *d, int w, int hidden)
{
	struct canvas *cv = d->cv;
	const struct tick *t = &d->tick;
	char right[512], piece[128];
	const char *title = d->l->title ? d->l->title : "LiveInsight";
	size_t n = 0;
	int used, room;

	right[0] = '\0';
	cv_hline(cv, 0, 0, w, " ", ST_REV);
	used = cv_text(cv, 1, 0, w / 2, title, strlen(title), ST_REV | ST_BOLD);
	room = w - used - 4;
	/* The most useful first: what is left out must not push it out. */
	if (t->seen) {
		snprintf(piece, sizeof(piece), "tick %s", t->tick);
		hdr_add(right, sizeof(right), &n, room, piece);
		snprintf(piece, sizeof(piece), "%s rows", t->rows);
		hdr_add(right, sizeof(right), &n, room, piece);
		if (*t->rejected && strcmp(t->rejected, "0") != 0) {
			snprintf(piece, sizeof(piece), "%s rejected",
			    t->rejected);
			hdr_add(right, sizeof(right), &n, room, piece);
		}
		if (*t->lag) {
			double lag;
			if (fmt_parse_num(t->lag, &lag) == 0 && lag >= 0) {
				if (lag < 60)
					snprintf(piece, sizeof(piece),
					    "lag %.1fs", lag);
				else if (lag < 3600)
					snprintf(piece, sizeof(piece),
					    "lag %.0fm", lag / 60);
				else if (lag < 86400)
					snprintf(piece, sizeof(piece),
					    "lag %.0fh", lag / 3600);
				else
					snprintf(piece, sizeof(piece),
					    "lag %.0fd", lag / 86400);
			} else
				snprintf(piece, sizeof(piece), "lag %s",
				    t->lag);
			hdr_add(right, sizeof(right), &n, room, piece);
		}
		if (strlen(t->time) >= 19 && t->time[10] == 'T') {
			snprintf(piece, sizeof(piece), "%.8s", t->time + 11);
			hdr_add(right, sizeof(right), &n, room, piece);
		}
	} else
		hdr_add(right, sizeof(right), &n, room, "waiting for ticks");
	if (hidden) {
		snprintf(piece, sizeof(piece), "%d row%s hidden", hidden,
		    hidden == 1 ? "" : "s");
		hdr_add(right, sizeof(right), &n, room, piece);
	}
	if (d->keyboard)
		hdr_add(right, sizeof(right), &n, room, "q quits");
	cv_rtext(cv, w - 1, 0, room, right, n, ST_REV);
}

static void
dash_panel(struct dash *d, struct chart_spec *s, int x, int y, int w, int h)
{
	struct canvas *cv = d->cv;
	struct loaded *ld = dash_load(d, s);
	char err[512];
	int boxed = s->kind != CH_KPI, ix = x, iy = y, iw = w, ih = h;

	if (boxed) {
		cv_box(cv, x, y, w, h, s->title ? s->title : s->file, ST_GREY,
		    ST_BOLD);
		ix = x + 2;
		iy = y + 1;
		iw = w - 4;
		ih = h - 2;
	}
	if (iw < 1 || ih < 1)
		return;
	if (ld->t == NULL) {
		if (!boxed) {
			cv_box(cv, x, y, w, h, s->title ? s->title : s->file,
			    ST_GREY, ST_BOLD);
			ix = x + 2, iy = y + 1, iw = w - 4, ih = h - 2;
		}
		cv_wrap(cv, ix, iy, iw, ih, ld->err, ST_RED);
		return;
	}
	if (chart_draw(cv, ix, iy, iw, ih, s, ld->t, &d->env, err,
	    sizeof(err)) < 0) {
		/* Clear what the chart drew before it failed. */
		int r;
		for (r = 0; r < ih; r++)
			cv_hline(cv, ix, iy + r, iw, " ", 0);
		if (!boxed) {
			cv_box(cv, x, y, w, h, s->title ? s->title : s->file,
			    ST_GREY, ST_BOLD);
			ix = x + 2, iy = y + 1, iw = w - 4, ih = h - 2;
		}
		cv_wrap(cv, ix, iy, iw, ih, err, ST_RED);
	}
}

/* The fewest lines a row's panels can be drawn in, borders included. */
static int
row_min(const struct layout *l, int row)
{
	static const int need[CH_NKIND] = {
		[CH_BAR] = 8, [CH_HBAR] = 4, [CH_SHARE] = 5, [CH_LINE] = 8,
		[CH_SPARK] = 4, [CH_TABLE] = 5, [CH_KPI] = 5, [CH_ALERTS] = 5,
	};
	const struct layout_row *r = &l->rows[row];
	int j, m = 3;

	for (j = 0; j < r->n; j++)
		if (need[l->panels[r->first + j].kind] > m)
			m = need[l->panels[r->first + j].kind];
	return m;
}

int
dash_frame(struct dash *d, int w, int h)
{
	struct layout *l = d->l;
	int heights[LAYOUT_MAX_ROWS], visible[LAYOUT_MAX_ROWS], i, j,
	    fixed = 0, wsum = 0, left, y, hidden = 0, avail;

	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	avail = h - 1;
	if (d->cv == NULL || d->cv->w != w || d->cv->h != h) {
		cv_free(d->cv);
		if ((d->cv = cv_new(w, h)) == NULL)
			return -1;
	} else
		cv_clear(d->cv);
	/* Row heights: fixed ones first, the rest shared by weight.  While
	 * a row gets fewer lines than its panels need, the bottom row is
	 * hidden. */
	for (i = 0; i < l->nrows; i++)
		visible[i] = 1;
	for (;;) {
		int lastw = -1, sum = 0, lastv = -1, nvis = 0, short_row = 0;

		fixed = wsum = 0;
		for (i = 0; i < l->nrows; i++) {
			if (!visible[i])
				continue;
			nvis++;
			lastv = i;
			if (l->rows[i].height)
				fixed += l->rows[i].height;
			else
				wsum += l->rows[i].weight;
		}
		left = avail - fixed;
		for (i = 0; i < l->nrows; i++) {
			heights[i] = 0;
			if (!visible[i])
				continue;
			heights[i] = l->rows[i].height ? l->rows[i].height :
			    left > 0 && wsum > 0 ? left * l->rows[i].weight /
			    wsum : 0;
			sum += heights[i];
			if (l->rows[i].height == 0)
				lastw = i;
		}
		if (lastw >= 0 && sum < avail)
			heights[lastw] += avail - sum;
		for (i = 0; i < l->nrows; i++)
			if (visible[i] && heights[i] < row_min(l, i))
				short_row = 1;
		if ((!short_row && fixed <= avail) || nvis <= 1)
			break;
		visible[lastv] = 0;
		hidden++;
	}
	y = 1;
	for (i = 0; i < l->nrows; i++) {
		const struct layout_row *r = &l->rows[i];
		int x = 0, ws = 0, k;

		if (!visible[i] || y >= h)
			continue;
		if (y + heights[i] > h)
			heights[i] = h - y;
		for (j = 0; j < r->n; j++)
			ws += l->panels[r->first + j].weight;
		for (j = 0, k = 0; j < r->n; j++) {
			struct chart_spec *s = &l->panels[r->first + j];
			int pw;
			k += s->weight;
			pw = w * k / ws - x;
			dash_panel(d, s, x, y, pw, heights[i]);
			dash_release(d, r->first + j);
			x += pw;
		}
		y += heights[i];
	}
	dash_header(d, w, hidden);
	dash_uncache(d);
	return 0;
}

/* Write the frame in one write(). */
static int
dash_emit(struct dash *d, int live)
{
	d->out.len = 0;
	if (live)
		sb_add(&d->out, "\033[H", 3);
	if (cv_output(d->cv, &d->out, d->o->color, live) == -1)
		return -1;
	if (live)
		sb_add(&d->out, "\033[J", 3);
	if (d->out.cap == (size_t)-1) {
		errno = ENOMEM;
		return -1;
	}
	return writeall(STDOUT_FILENO, d->out.p, d->out.len) < 0 ? -1 : 0;
}

/* ---- the dashboard object ----------------------------------------------- */

struct dash *
dash_new(const struct dash_opts *o, struct layout *l, dash_load_fn load,
    void *arg)
{
	struct dash *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->o = o;
	d->l = l;
	d->env = o->env;
	if (l->grouping >= 0 && !o->grouping_set)
		d->env.grouping = (enum fmt_grouping)l->grouping;
	d->load = load ? load : dash_read;
	d->load_arg = arg;
	return d;
}

void
dash_free(struct dash *d)
{
	if (d == NULL)
		return;
	dash_uncache(d);
	cv_free(d->cv);
	sb_free(&d->out);
	free(d);
}

int
dash_tick(struct dash *d, const char *line)
{
	return tick_parse(line, &d->tick);
}

const struct canvas *
dash_canvas(const struct dash *d)
{
	return d->cv;
}

/* ---- the loop ----------------------------------------------------------- */

static int
open_ticks(const struct dash_opts *o)
{
	char why[128];
	int fd;

	if (o->ticks == NULL)
		return isatty(STDIN_FILENO) ? -1 : STDIN_FILENO;
	if (strcmp(o->ticks, "-") == 0)
		return STDIN_FILENO;
	/* A regular file or a FIFO, opened without waiting for reduce;
	 * its end of file is the end of the ticks.  Not a device: /dev/zero
	 * would feed the loop for ever. */
	if ((fd = li_open_input(o->ticks, LI_IN_FIFO, why, sizeof(why))) ==
	    -1)
		errx(1, "%s: %s", o->ticks, why);
	return fd;
}

int
dash_run(const struct dash_opts *o)
{
	struct dash *d = NULL;
	struct layout *l;
	char errbuf[1024], line[TICK_LINE_MAX];
	size_t llen = 0;
	int w, h, tfd = -1, kfd = -1, live, rc = 0, skipping = 0;
	long drawn = 0;
	struct rusage r0, r1;
	double next = 0, every = o->every;

	if ((l = layout_load(o->layout, errbuf, sizeof(errbuf))) == NULL) {
		fmt_printable(errbuf);
		warnx("%s", errbuf);
		return 2;
	}
	if ((d = dash_new(o, l, NULL, NULL)) == NULL)
		err(1, "dashboard");
	term_size(STDOUT_FILENO, &w, &h);
	if (o->width)
		w = o->width;
	if (o->height)
		h = o->height;
	term_cap(w, &h);
	if (o->once) {
		if (dash_frame(d, w, h) == -1)
			err(1, "frame");
		if (dash_emit(d, 0) == -1) {
			if (errno == EPIPE)
				goto out;
			err(1, "stdout");
		}
		goto out;
	}
	if (o->frames > 0) {
		long i;
		double cpu;

		getrusage(RUSAGE_SELF, &r0);
		for (i = 0; i < o->frames; i++) {
			if (dash_frame(d, w, h) == -1)
				err(1, "frame");
			if (dash_emit(d, 1) == -1)
				err(1, "stdout");
		}
		getrusage(RUSAGE_SELF, &r1);
		cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
		    (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 +
		    (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
		    (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
		fprintf(stderr, "render: %ld frames of %dx%d, %.3f ms CPU per "
		    "frame, %zu bytes per frame\n", o->frames, w, h,
		    cpu * 1e3 / (double)o->frames, d->out.len);
		goto out;
	}
	/* Live. */
	live = 1;
	tfd = open_ticks(o);
	/* Keys from the terminal the frames go to: stdin, or /dev/tty when
	 * stdin carries the ticks. */
	if (tfd != STDIN_FILENO && isatty(STDIN_FILENO))
		kfd = STDIN_FILENO;
	else if (isatty(STDOUT_FILENO))
		kfd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
	/* Not in the foreground (started with &): no keys, and no
	 * tcsetattr, which would stop us with SIGTTOU. */
	if (kfd >= 0 && tcgetpgrp(kfd) != getpgrp()) {
		if (kfd != STDIN_FILENO)
			close(kfd);
		kfd = -1;
	}
	if (kfd >= 0) {
		term_keyboard(kfd);
		d->keyboard = term_kbd >= 0;
		if (!d->keyboard && kfd != STDIN_FILENO) {
			close(kfd);
			kfd = -1;
		}
	}
	/* Nothing to wait for: redraw every second. */
	if (tfd < 0 && every <= 0)
		every = 1;
	if (sig_install() == -1)
		err(1, "sigaction");
	signal(SIGPIPE, SIG_IGN);
	term_catch_tstp();
	term_start(o->alt_screen, h);
	next = now_mono();
	for (;;) {
		struct pollfd p[2];
		int np = 0, timeout = -1, redraw = 0;

		if (sig_tstp) {
			sig_tstp = 0;
			term_suspend();
			sig_winch = 1;	/* the size may have changed too */
		}
		if (sig_winch) {
			sig_winch = 0;
			term_size(STDOUT_FILENO, &w, &h);
			if (o->width)
				w = o->width;
			if (o->height)
				h = o->height;
			term_cap(w, &h);
			redraw = 1;
		}
		if (every > 0 && now_mono() >= next) {
			redraw = 1;
			next = now_mono() + every;
		}
		if (redraw || drawn == 0) {
			if (dash_frame(d, w, h) == -1)
				err(1, "frame");
			if (sig_stop)
				break;	/* a frame cut short: not shown */
			if (dash_emit(d, live) == -1) {
				if (errno == EPIPE || errno == EIO)
					break;	/* the terminal went away */
				err(1, "stdout");
			}
			drawn++;
		}
		if (sig_stop)
			break;
		if (tfd < 0 && every <= 0 && kfd < 0) {
			/* Nothing will ever make another frame. */
			break;
		}
		if (tfd >= 0) {
			p[np].fd = tfd;
			p[np++].events = POLLIN;
		}
		if (kfd >= 0) {
			p[np].fd = kfd;
			p[np++].events = POLLIN;
		}
		if (every > 0) {
			double dt = next - now_mono();
			timeout = dt > 0 ? (int)ceil(dt * 1000) : 0;
		}
		if (poll(p, (nfds_t)np, timeout) == -1) {
			if (errno == EINTR)
				continue;
			err(1, "poll");
		}
		if (sig_stop)
			break;
		for (int i = 0; i < np; i++) {
			char buf[4096];
			ssize_t n;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (p[i].fd == kfd) {
				if (n > 0 && memchr(buf, 'q', (size_t)n))
					goto done;
				if (n <= 0)
					kfd = -1;
				continue;
			}
			if (n <= 0) {	/* the ticks are over */
				if (n < 0)
					warn("%s",
					    o->ticks ? o->ticks : "stdin");
				if (tfd != STDIN_FILENO)
					close(tfd);
				tfd = -1;
				if (every <= 0) {
					/* A last frame with the last data. */
					if (dash_frame(d, w, h) == 0 &&
					    !sig_stop &&
					    dash_emit(d, live) == 0)
						drawn++;
					goto done;
				}
				continue;
			}
			for (ssize_t k = 0; k < n; k++) {
				if (buf[k] != '\n') {
					if (llen + 1 < sizeof(line))
						line[llen++] = buf[k];
					else
						skipping = 1;
					continue;
				}
				line[llen] = '\0';
				if (!skipping && dash_tick(d, line))
					redraw = 1;
				llen = 0;
				skipping = 0;
			}
			if (redraw) {
				if (dash_frame(d, w, h) == -1)
					err(1, "frame");
				if (sig_stop)
					goto done;
				if (dash_emit(d, live) == -1) {
					if (errno == EPIPE || errno == EIO)
						goto done;
					err(1, "stdout");
				}
				drawn++;
				if (every > 0)
					next = now_mono() + every;
			}
		}
	}
done:
	term_restore();
	if (kfd >= 0 && kfd != STDIN_FILENO)
		close(kfd);
	cli_log(CLI_INFO, "%ld frames", drawn);
out:
	if (tfd >= 0 && tfd != STDIN_FILENO)
		close(tfd);
	dash_free(d);
	layout_free(l);
	return rc;
}
