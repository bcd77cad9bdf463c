/* The live dashboard's loop: ticks, keys, timers and signals, and the
 * terminal taken and given back.  Frames are drawn by dash.c. */
#include "dash.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fmt.h"
#include "layout.h"
#include "readfile.h"
#include "util.h"

/* Everything one run of the dashboard holds. */
struct run {
	const struct dash_opts *o;
	struct dash *d;
	struct term term;
	int w, h;		/* the frame's size */
	int tfd;		/* ticks, or -1 */
	int kfd;		/* keys, or -1 */
	const char *tname;	/* the ticks' name in messages */
	long drawn;		/* frames shown */
	double every, next;	/* redraw period (0: none), next redraw */
	char line[DASH_TICK_LINE_MAX];
	size_t llen;		/* bytes of the tick line so far */
	int skipping;		/* the line is too long: to its end */
	unsigned long long lineno;
};

/* The ticks: a regular file or a FIFO, opened without waiting for reduce
 * (its end of file is the end of the ticks), never a device (/dev/zero
 * would feed the loop for ever); "-" or, by default, a stdin that is not a
 * terminal.  Returns the fd, -1 for none, or -2 after the message. */
static int
open_ticks(const struct dash_opts *o)
{
	char why[128];
	int fd;

	if (o->ticks == NULL)
		return isatty(STDIN_FILENO) ? -1 : STDIN_FILENO;
	if (strcmp(o->ticks, "-") == 0)
		return STDIN_FILENO;
	if ((fd = li_open_input(o->ticks, LI_IN_FIFO, why, sizeof(why))) ==
	    -1) {
		warnx("%s: %s", o->ticks, why);
		return -2;
	}
	return fd;
}

/* The size to draw in: the terminal's, or the options'. */
static void
run_size(struct run *r)
{
	term_size(STDOUT_FILENO, &r->w, &r->h);
	if (r->o->width)
		r->w = r->o->width;
	if (r->o->height)
		r->h = r->o->height;
	term_cap(r->w, &r->h);
}

static double
cpu_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == -1)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --frames N: a benchmark. */
static int
run_bench(struct run *r)
{
	struct rusage r0, r1;
	double cpu;
	long i;

	getrusage(RUSAGE_SELF, &r0);
	for (i = 0; i < r->o->frames; i++) {
		if (dash_frame(r->d, r->w, r->h) == -1) {
			warn("frame");
			return 1;
		}
		if (dash_emit(r->d, 1) == -1) {
			warn("stdout");
			return 1;
		}
	}
	getrusage(RUSAGE_SELF, &r1);
	cpu = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) +
	    (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6 +
	    (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) +
	    (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
	fprintf(stderr, "render: %ld frames of %dx%d, %.3f ms CPU per "
	    "frame, %zu bytes per frame\n", r->o->frames, r->w, r->h,
	    cpu * 1e3 / (double)r->o->frames, dash_frame_bytes(r->d));
	return 0;
}

/* Keys from the terminal the frames go to: stdin, or /dev/tty when stdin
 * carries the ticks; none when not in the foreground (started with &),
 * where tcsetattr would stop us with SIGTTOU. */
static void
run_keys(struct run *r)
{
	int kfd = -1;

	if (r->tfd != STDIN_FILENO && isatty(STDIN_FILENO))
		kfd = STDIN_FILENO;
	else if (isatty(STDOUT_FILENO))
		kfd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (kfd >= 0 && tcgetpgrp(kfd) != getpgrp()) {
		if (kfd != STDIN_FILENO)
			close(kfd);
		kfd = -1;
	}
	if (kfd >= 0 && !term_keyboard(&r->term, kfd)) {
		if (kfd != STDIN_FILENO)
			close(kfd);
		kfd = -1;
	}
	r->kfd = kfd;
	dash_set_keyboard(r->d, kfd >= 0);
}

/* Draw and show a frame.  Returns 0, 1 when the dashboard must end (a
 * signal, the terminal gone), or -1 after the message of a failure. */
static int
run_draw(struct run *r)
{
	double c0 = cpu_seconds();

	if (dash_frame(r->d, r->w, r->h) == -1) {
		warn("frame");
		return -1;
	}
	if (sig_stop)
		return 1;	/* a frame cut short: not shown */
	if (dash_emit(r->d, 1) == -1) {
		if (errno == EPIPE || errno == EIO)
			return 1;	/* the terminal went away */
		warn("stdout");
		return -1;
	}
	r->drawn++;
	cli_log(CLI_DEBUG, "frame %ld drawn in %.3f ms CPU", r->drawn,
	    (cpu_seconds() - c0) * 1e3);
	return 0;
}

/* Take n bytes of the ticks.  Returns 1 when a tick came. */
static int
run_tick_bytes(struct run *r, const char *buf, size_t n)
{
	int got = 0, rc;
	size_t k;

	for (k = 0; k < n; k++) {
		if (buf[k] != '\n') {
			if (r->llen + 1 < sizeof(r->line))
				r->line[r->llen++] = buf[k];
			else
				r->skipping = 1;
			continue;
		}
		r->line[r->llen] = '\0';
		r->lineno++;
		if (r->skipping)
			cli_log(CLI_WARN, "%s:%llu: line longer than %zu "
			    "bytes", r->tname, r->lineno,
			    sizeof(r->line) - 1);
		else if ((rc = dash_tick(r->d, r->line)) == 1) {
			got = 1;
			cli_log(CLI_DEBUG, "%s:%llu: tick", r->tname,
			    r->lineno);
		} else if (rc < 0) {
			char msg[sizeof(r->line) < 200 ? sizeof(r->line) :
			    200];
			snprintf(msg, sizeof(msg), "%s", dash_tick_error(r->d));
			fmt_printable(msg);
			cli_log(CLI_WARN, "%s:%llu: %s", r->tname, r->lineno,
			    msg);
		}
		r->llen = 0;
		r->skipping = 0;
	}
	return got;
}

/* Read what poll found on fd.  Returns 0 to go on, 1 to end (q, the end
 * of the ticks without --every), -1 after the message of a failure. */
static int
run_input(struct run *r, int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));
	int rc;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (fd == r->kfd) {
		if (n > 0 && memchr(buf, 'q', (size_t)n))
			return 1;
		if (n <= 0)
			r->kfd = -1;
		return 0;
	}
	if (n <= 0) {	/* the ticks are over */
		if (n < 0)
			warn("%s", r->tname);
		if (r->tfd != STDIN_FILENO)
			close(r->tfd);
		r->tfd = -1;
		if (r->every > 0)
			return 0;
		/* A last frame with the last data. */
		rc = run_draw(r);
		return rc < 0 ? -1 : 1;
	}
	if (!run_tick_bytes(r, buf, (size_t)n))
		return 0;
	if ((rc = run_draw(r)) != 0)
		return rc;
	if (r->every > 0)
		r->next = now_mono() + r->every;
	return 0;
}

/* Wait for ticks, keys or the timer, at most 200 ms at a time, so that a
 * signal is seen within a second whatever happens.  Returns as
 * run_input. */
static int
run_wait(struct run *r)
{
	struct pollfd p[2];
	int np = 0, timeout = 200, i, rc;

	if (r->tfd >= 0) {
		p[np].fd = r->tfd;
		p[np++].events = POLLIN;
	}
	if (r->kfd >= 0) {
		p[np].fd = r->kfd;
		p[np++].events = POLLIN;
	}
	if (r->every > 0) {
		double dt = r->next - now_mono();
		int ms = dt > 0 ? (int)ceil(dt * 1000) : 0;
		if (ms < timeout)
			timeout = ms;
	}
	if (poll(p, (nfds_t)np, timeout) == -1) {
		if (errno == EINTR)
			return 0;
		warn("poll");
		return -1;
	}
	for (i = 0; i < np && !sig_stop; i++) {
		if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if ((rc = run_input(r, p[i].fd)) != 0)
			return rc;
	}
	return 0;
}

/* The live dashboard, until the ticks end, q, or a signal.  Returns the
 * exit status. */
static int
run_live(struct run *r)
{
	int rc = 0, k;

	run_keys(r);
	/* Nothing to wait for: redraw every second. */
	if (r->tfd < 0 && r->every <= 0)
		r->every = 1;
	if (sig_install() == -1) {
		warn("sigaction");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	term_catch_tstp();
	term_start(&r->term, r->o->alt_screen, r->h);
	r->next = now_mono();
	while (!sig_stop) {
		int redraw = r->drawn == 0;

		if (term_tstp_pending()) {
			term_suspend(&r->term);
			sig_winch = 1;	/* the size may have changed too */
		}
		if (sig_winch) {
			sig_winch = 0;
			run_size(r);
			redraw = 1;
		}
		if (r->every > 0 && now_mono() >= r->next) {
			redraw = 1;
			r->next = now_mono() + r->every;
		}
		if (redraw && (k = run_draw(r)) != 0) {
			rc = k < 0;
			break;
		}
		/* Nothing will ever make another frame. */
		if (r->tfd < 0 && r->every <= 0 && r->kfd < 0)
			break;
		if ((k = run_wait(r)) != 0) {
			rc = k < 0;
			break;
		}
	}
	term_restore(&r->term);
	if (r->kfd >= 0 && r->kfd != STDIN_FILENO)
		close(r->kfd);
	cli_log(CLI_INFO, "%ld frames", r->drawn);
	return rc;
}

int
dash_run(const struct dash_opts *o)
{
	struct run r;
	struct layout *l;
	char errbuf[1024];
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.tfd = r.kfd = -1;
	r.every = o->every;
	r.tname = o->ticks && strcmp(o->ticks, "-") != 0 ? o->ticks :
	    "stdin";
	term_init(&r.term);
	if ((l = layout_load(o->layout, errbuf, sizeof(errbuf))) == NULL) {
		fmt_printable(errbuf);
		warnx("%s", errbuf);
		return 2;
	}
	if ((r.d = dash_new(o, l, NULL, NULL)) == NULL) {
		warn("dashboard");
		layout_free(l);
		return 1;
	}
	run_size(&r);
	if (o->once) {
		if (dash_frame(r.d, r.w, r.h) == -1) {
			warn("frame");
			rc = 1;
		} else if (dash_emit(r.d, 0) == -1 && errno != EPIPE) {
			warn("stdout");
			rc = 1;
		}
	} else if (o->frames > 0)
		rc = run_bench(&r);
	else if ((r.tfd = open_ticks(o)) == -2)
		rc = 1;
	else
		rc = run_live(&r);
	if (r.tfd >= 0 && r.tfd != STDIN_FILENO)
		close(r.tfd);
	dash_free(r.d);
	layout_free(l);
	return rc;
}
