/* alertd: the input streams (sysheat samples and reduce's tick lines, told
 * apart by their header), read together in one ppoll loop with the hooks.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alertd.h"
#include "num.h"
#include "readfile.h"
#include "timefield.h"
#include "util.h"

static void
malformed(struct input *in, uint64_t line, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	in->malformed++;
	if (!alertd_warn_on() || in->malformed > WARN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("%s:%llu: %s", in->name, (unsigned long long)line, msg);
	if (in->malformed == WARN_MAX)
		warnx("%s: further malformed lines are counted, not shown",
		    in->name);
}

int
alertd_parse_time(const char *p, size_t n, double *t)
{
	struct li_tm tm;
	long off;

	/* Blanks around it are trimmed, as around numbers. */
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= 64)
		return -1;
	if (num_parse(p, n, 0, 1e12, t) == 0)
		return 0;
	/* A zone written (Z, +05:30, -0500) gives the instant; none is
	 * taken as UTC, as the tools' machine fields are. */
	if (tm_parse_zone(p, n, &tm, &off) == -1)
		return -1;
	if (off == TM_NO_ZONE)
		off = 0;
	*t = (double)(tm_epoch(&tm) - off);
	return 0;
}

static void
advance_clock(struct alertd *d, double t)
{
	if (!d->clock_known || t > d->clock_now)
		d->clock_now = t;
	d->clock_known = 1;
}

static char *
field_dup(const struct alertd *d, const struct csvio_field *f)
{
	char *p = xstrndup(f->p, f->len);

	if (p == NULL)
		err(alertd_ex_fail(d), "malloc");
	return p;
}

static void on_tick(struct alertd *, struct input *,
    const struct csvio_record *);

/* The first record of an input: a header of samples or of ticks. */
static void
classify(struct alertd *d, struct input *in, const struct csvio_record *rec)
{
	size_t i;

	in->nf = rec->nf;
	in->col_time = csvio_find(rec, contract_sample_names[CS_TIME]);
	if (csvio_find(rec, contract_tick_names[CT_TICK]) >= 0 ||
	    (in->ticks_only && in->col_time < 0)) {
		/* Tick lines, read by header name (lib/contract.h); a --ticks
		 * FIFO joined mid-stream takes the default header. */
		in->kind = IN_TICK;
		contract_tick_reader_init(&in->tr);
		on_tick(d, in, rec);
		if (in->tr.from_header || in->records > 0)
			return;
		in->kind = IN_UNKNOWN;
	}
	if (in->col_time < 0 || in->ticks_only) {
		warnx("%s:%llu: not a header of samples (time,...) or tick "
		    "lines (tick,time,...): input ignored", in->name,
		    (unsigned long long)rec->line);
		in->malformed++;
		in->done = 1;
		return;
	}
	in->kind = IN_SAMPLE;
	d->sample_inputs++;
	in->hdr = alertd_malloc(d, rec->nf * sizeof(*in->hdr));
	for (i = 0; i < rec->nf; i++)
		in->hdr[i] = field_dup(d, &rec->f[i]);
	in->rule_col = alertd_malloc(d, (d->nrules + 1) *
	    sizeof(*in->rule_col));
	for (i = 0; i < d->nrules; i++)
		in->rule_col[i] = d->rules[i].src == SRC_SAMPLE ?
		    csvio_find(rec, d->rules[i].field) : -1;
}

/* 1 when f says "not present" (CONTRACT_SAMPLE_ABSENT, blanks around it
 * trimmed as around numbers). */
static int
is_absent(const struct csvio_field *f)
{
	const char *p = f->p;
	size_t n = f->len, k = strlen(CONTRACT_SAMPLE_ABSENT);

	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	return n == k && memcmp(p, CONTRACT_SAMPLE_ABSENT, k) == 0;
}

static void
on_sample(struct alertd *d, struct input *in, const struct csvio_record *rec)
{
	const struct csvio_field *ft;
	double t, v, tw, tc;
	size_t i;

	if (rec->nf != in->nf) {
		malformed(in, rec->line, "%zu fields, want %zu", rec->nf,
		    in->nf);
		return;
	}
	ft = &rec->f[in->col_time];
	if (alertd_parse_time(ft->p, ft->len, &t) == -1) {
		malformed(in, rec->line, "bad time '%.*s'",
		    (int)(ft->len > 40 ? 40 : ft->len), ft->p);
		return;
	}
	/* Every other field is a number, empty (unknown) or "-" (not
	 * present). */
	for (i = 0; i < rec->nf; i++) {
		const struct csvio_field *f = &rec->f[i];
		if ((long)i == in->col_time || num_blank(f->p, f->len) ||
		    is_absent(f) ||
		    num_parse(f->p, f->len, -1e300, 1e300, &v) == 0)
			continue;
		malformed(in, rec->line, "%.40s: not a number '%.*s'",
		    in->hdr[i], (int)(f->len > 40 ? 40 : f->len), f->p);
		return;
	}
	in->records++;
	if (d->opt.input_clock)
		advance_clock(d, t);
	for (i = 0; i < d->nrules; i++) {
		const struct rule *r = &d->rules[i];
		struct alert *a;
		long c = in->rule_col[i];
		int lv;

		if (r->src != SRC_SAMPLE)
			continue;
		a = alert_get(d, i, r->has_key ? r->key : r->field);
		if (c < 0 || num_blank(rec->f[c].p, rec->f[c].len) ||
		    is_absent(&rec->f[c])) {
			/* Unknown (a present device that could not be read),
			 * or not present at all. */
			a->level = c >= 0 && is_absent(&rec->f[c]) ?
			    LEVEL_ABSENT : -1;
			a->value = NAN;
			a->have = 1;
			continue;
		}
		/* Checked above: a number. */
		if (num_parse(rec->f[c].p, rec->f[c].len, -1e300, 1e300,
		    &v) == -1)
			continue;
		lv = rule_level(r, v, NULL, 0, &tw, &tc);
		alert_set_level(d, a, lv, v, tw, tc);
	}
}

static void
on_tick(struct alertd *d, struct input *in, const struct csvio_record *rec)
{
	struct contract_tick tk;
	double t, sales_t;
	char e[128];
	long lc;
	int rc;

	rc = contract_tick_read(&in->tr, rec->f, rec->nf, &tk, e, sizeof(e));
	if (rc == 0)
		return;		/* a header, bound */
	if (rc == -1) {
		malformed(in, rec->line, "%s", e);
		return;
	}
	/* lag_s in alertd's one number syntax too (num.h): no "0x10". */
	if (!isnan(tk.lag_s) && (lc = in->tr.idx[CT_LAG_S]) >= 0 &&
	    (size_t)lc < rec->nf && num_parse(rec->f[lc].p, rec->f[lc].len,
	    -1e12, 1e12, &tk.lag_s) == -1) {
		malformed(in, rec->line, "bad lag_s '%.*s'",
		    (int)(rec->f[lc].len > 40 ? 40 : rec->f[lc].len),
		    rec->f[lc].p);
		return;
	}
	if (alertd_parse_time(tk.time, strlen(tk.time), &t) == -1) {
		malformed(in, rec->line, "bad time '%.40s'", tk.time);
		return;
	}
	/* The newest sale reduce has seen is lag_s before the tick: sales
	 * velocity is measured on that clock, the store's own. */
	sales_t = NAN;
	if (!isnan(tk.lag_s)) {
		sales_t = t - tk.lag_s;
		d->last_sales_t = sales_t;
	}
	in->records++;
	if (d->opt.input_clock)
		advance_clock(d, t);
	snap_read(d, sales_t, tk.have & (1u << CT_ROWS) ?
	    (long long)tk.rows : -1);
}

static void
input_close(struct input *in)
{
	in->done = 1;
	if (in->fd >= 0) {
		if (in->is_stdin)
			fcntl(in->fd, F_SETFL, in->oflags);
		else
			close(in->fd);
	}
	in->fd = -1;
}

/* Forget the header of in: the next record is a header. */
static void
input_unclassify(struct alertd *d, struct input *in)
{
	size_t i;

	if (in->kind == IN_SAMPLE)
		d->sample_inputs--;
	for (i = 0; in->hdr != NULL && i < in->nf; i++)
		free(in->hdr[i]);
	free(in->hdr);
	free(in->rule_col);
	in->hdr = NULL;
	in->rule_col = NULL;
	in->kind = IN_UNKNOWN;
}

/* At the end of a FIFO under --reopen: open it again, for the next writer,
 * which starts with a header of its own.  Returns 0, or -1 when it is not a
 * FIFO (or cannot be opened: warned). */
static int
input_reopen(struct alertd *d, struct input *in)
{
	struct stat st;
	char e[128];
	int fd;

	if (!d->opt.reopen || in->is_stdin || fstat(in->fd, &st) == -1 ||
	    !S_ISFIFO(st.st_mode))
		return -1;
	if ((fd = li_open_input(in->name, LI_IN_FIFO, e, sizeof(e))) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		warnx("%s: %s", in->name, fd == -1 ? e : strerror(errno));
		if (fd != -1)
			close(fd);
		d->input_failed = 1;
		return -1;
	}
	close(in->fd);
	in->fd = fd;
	csvio_reader_free(in->r);
	if ((in->r = csvio_reader_new(fd, ',', RECORD_MAX)) == NULL)
		err(alertd_ex_fail(d), "malloc");
	csvio_reader_set_budget(in->r, READ_BUDGET);
	input_unclassify(d, in);
	if (alertd_info_on())
		warnx("%s: writer gone, open again", in->name);
	return 0;
}

/* 1 when rec starts a new header: a new writer on the FIFO (sysheat or
 * reduce restarted). */
static int
is_header(const struct csvio_record *rec)
{
	return rec->nf > 0 && rec->f[0].len == 4 &&
	    (memcmp(rec->f[0].p, "time", 4) == 0 ||
	    memcmp(rec->f[0].p, "tick", 4) == 0);
}

/* Read what input in has ready now. */
static void
input_read(struct alertd *d, struct input *in)
{
	struct csvio_record rec;
	uint64_t start = csvio_offset(in->r);
	int n, rc;

	/* Bounded work per wakeup, so that a signal is seen soon even on
	 * an input that never pauses (stdin from /dev/zero). */
	for (n = 0; n < BATCH && !in->done &&
	    csvio_offset(in->r) - start < WAKE_BYTES; n++) {
		rc = csvio_next(in->r, &rec);
		if (rc == 0) {
			if (input_reopen(d, in) == -1)
				input_close(in);
			return;
		}
		if (rc == -1) {
			/* No more input now: back to poll. */
			if (rec.err == CSVIO_EAGAIN || rec.err == CSVIO_EINTR)
				return;
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM) {
				warn("%s", in->name);
				d->input_failed = 1;
				input_close(in);
				return;
			}
			malformed(in, rec.line, "%s", csvio_strerror(rec.err));
			continue;
		}
		if (in->kind != IN_UNKNOWN && is_header(&rec))
			input_unclassify(d, in);
		if (in->kind == IN_UNKNOWN) {
			classify(d, in, &rec);
			continue;
		}
		if (in->kind == IN_SAMPLE)
			on_sample(d, in, &rec);
		else
			on_tick(d, in, &rec);
		alertd_step_all(d);
	}
}

int
input_add(struct alertd *d, const char *path, int ticks_only, int *status,
    char *e, size_t elen)
{
	struct input *in;
	int fd;

	*status = alertd_ex_usage(d);
	if (d->ninputs == INPUTS_MAX)
		return snprintf(e, elen, "too many inputs (max %d)",
		    INPUTS_MAX), -1;
	in = &d->inputs[d->ninputs];
	memset(in, 0, sizeof(*in));
	in->fd = -1;
	in->ticks_only = ticks_only;
	if (strcmp(path, "-") == 0) {
		for (size_t i = 0; i < d->ninputs; i++)
			if (d->inputs[i].is_stdin)
				return snprintf(e, elen, "stdin given twice"),
				    -1;
		in->name = "stdin";
		in->is_stdin = 1;
		fd = 0;
	} else {
		char why[128];

		in->name = path;
		/* A regular file or a FIFO, opened without waiting for a
		 * writer (lib/readfile.h); a device such as /dev/zero or a
		 * directory is refused. */
		*status = alertd_ex_fail(d);
		if ((fd = li_open_input(path, LI_IN_FIFO, why,
		    sizeof(why))) == -1)
			return snprintf(e, elen, "%s: %s", path, why), -1;
	}
	d->ninputs++;
	in->fd = fd;
	*status = alertd_ex_fail(d);
	if ((in->oflags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, in->oflags | O_NONBLOCK) == -1)
		return snprintf(e, elen, "%s: %s", in->name,
		    strerror(errno)), -1;
	if ((in->r = csvio_reader_new(fd, ',', RECORD_MAX)) == NULL)
		return snprintf(e, elen, "malloc: %s", strerror(errno)), -1;
	csvio_reader_set_budget(in->r, READ_BUDGET);
	return 0;
}

void
input_free_all(struct alertd *d)
{
	size_t i, j;

	for (i = 0; i < d->ninputs; i++) {
		struct input *in = &d->inputs[i];

		if (!in->done)
			input_close(in);
		csvio_reader_free(in->r);
		free(in->rule_col);
		for (j = 0; in->hdr != NULL && j < in->nf; j++)
			free(in->hdr[j]);
		free(in->hdr);
	}
	d->ninputs = 0;
}

/*=== the loop ==================================================================*/

static void
to_timespec(double s, struct timespec *ts)
{
	ts->tv_sec = (time_t)s;
	ts->tv_nsec = (long)((s - (double)ts->tv_sec) * 1e9);
}

/* At the end of input, finish the hooks running and queued.  After a
 * signal (now, or while waiting for them), queued ones are dropped,
 * loudly, and running ones killed: alertd is gone within
 * HOOK_STOP_GRACE. */
static void
hooks_finish(struct alertd *d, const sigset_t *orig)
{
	int stopping = 0;

	while (hooks_busy(d->hooks) > 0) {
		double hw;
		struct timespec ts;
		size_t dropped;

		if (sig_stop && !stopping) {
			stopping = 1;
			if ((dropped = hooks_drop_queue(d->hooks)) > 0)
				warnx("stopping: %zu queued hook runs dropped",
				    dropped);
			hooks_stop(d->hooks, now_mono());
		}
		hw = hooks_wait(d->hooks, now_mono());
		if (hw < 0 || d->hooks->qlen > 0)
			hw = 0.05;
		to_timespec(hw, &ts);
		ppoll(NULL, 0, &ts, orig);
		hooks_poll(d->hooks, now_mono());
	}
}

/* How long ppoll may wait: seconds, or -1 for no limit. */
static double
loop_wait(const struct alertd *d)
{
	double wait = -1, hw;

	if (!d->opt.input_clock && !d->opt.once)
		wait = 1;
	if (d->hooks != NULL && (hw = hooks_wait(d->hooks, now_mono())) >= 0)
		wait = wait < 0 || hw < wait ? hw : wait;
	if (d->hooks != NULL && d->hooks->qlen > 0)
		wait = 0.05;
	return wait;
}

void
input_run(struct alertd *d)
{
	struct pollfd pfd[INPUTS_MAX];
	size_t map[INPUTS_MAX];
	sigset_t block, orig, saved;

	/* SIGCHLD (a hook ended; its handler in alertd.c only wakes ppoll),
	 * SIGINT and SIGTERM come only inside ppoll. */
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	saved = orig;
	sigdelset(&orig, SIGCHLD);
	sigdelset(&orig, SIGINT);
	sigdelset(&orig, SIGTERM);

	for (;;) {
		size_t n = 0, i;
		double wait;
		struct timespec ts;

		if (sig_stop)
			break;
		for (i = 0; i < d->ninputs; i++) {
			if (d->inputs[i].done)
				continue;
			pfd[n].fd = d->inputs[i].fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			map[n++] = i;
		}
		if (n == 0 && (d->hooks == NULL || hooks_busy(d->hooks) == 0))
			break;
		wait = loop_wait(d);
		to_timespec(wait, &ts);
		if (ppoll(pfd, n, wait >= 0 ? &ts : NULL, &orig) == -1 &&
		    errno != EINTR)
			err(alertd_ex_fail(d), "poll");
		/* ppoll delivers a pending signal only when it interrupts the
		 * wait: with an input that is always ready (a fast writer,
		 * stdin from /dev/zero) SIGTERM would stay pending for ever.
		 * A window for it, every round. */
		sigprocmask(SIG_SETMASK, &orig, NULL);
		sigprocmask(SIG_BLOCK, &block, NULL);
		for (i = 0; i < n; i++)
			if (pfd[i].revents != 0)
				input_read(d, &d->inputs[map[i]]);
		if (d->hooks != NULL)
			hooks_poll(d->hooks, now_mono());
		if (!d->opt.input_clock)
			alertd_step_all(d);
	}
	if (d->hooks != NULL)
		hooks_finish(d, &orig);
	/* From here on a signal only sets sig_stop: the --once snapshot read
	 * sees it. */
	sigprocmask(SIG_SETMASK, &saved, NULL);
}
