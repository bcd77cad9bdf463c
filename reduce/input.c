/* reduce's input from a file, a FIFO or the standard input: rows read,
 * rejected rows reported, snapshots and checkpoints every tick, follow
 * mode and resume. */
#include "input.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agg.h"
#include "contract.h"
#include "csvio.h"
#include "history.h"
#include "readfile.h"
#include "ticks.h"
#include "util.h"

#define SHOW_REJECTS	10	/* rejects shown on stderr before hushing */
#define FOLLOW_POLL	0.2	/* seconds between looks at a followed file */
#define STOP_POLL	0.2	/* longest wait before looking at sig_stop */
#define HEADER_MAXF	4096	/* fields of a --header LIST */

/* Everything the run loop works with. */
struct run {
	struct opts o;
	struct agg *agg;
	struct csvio_reader *rd;
	int fd;
	int nonblock;		/* fd was set O_NONBLOCK by us */
	int fd_flags;		/* its flags before */
	int regular;		/* fd is a regular file */
	const char *name;	/* input name in messages */
	int have_header;
	size_t given_nf;	/* fields of o.header (--header, --no-header) */
	FILE *rejfp;
	unsigned long long shown;
	unsigned long long tickno;
	uint64_t written_rows, written_rej;	/* at the last snapshot */
	uint64_t written_off;			/* input offset then */
	int written;
	int resuming;		/* skipping to the checkpoint's position */
	int fifo_wait;		/* a FIFO that no writer has opened yet */
	uint64_t since_tick;
	double next_tick;
	struct stat st;		/* of the input when opened */
	struct history *hist;	/* --history */
	/* The counts of the state the history's last rows hold (hist_on:
	 * it holds one: a tick appended, or the checkpoint resumed from). */
	uint64_t hist_rows, hist_rej;
	int hist_on;
};


/* ==== rejects =========================================================== */

/* Report a rejected record of lines line to last (the same line but for
 * a quoted line break inside), and write it to the rejects file. */
static void
reject(struct run *R, uint64_t line, uint64_t last, const char *why,
    const char *raw, size_t rawlen)
{
	char where[48];

	if (last > line)
		snprintf(where, sizeof(where), "%llu-%llu",
		    (unsigned long long)line, (unsigned long long)last);
	else
		snprintf(where, sizeof(where), "%llu", (unsigned long long)line);
	if (!R->o.quiet && (R->o.verbose || R->shown < SHOW_REJECTS)) {
		warnx("%s:%s: %s", R->name, where, why);
		R->shown++;
	} else if (!R->o.quiet && R->shown == SHOW_REJECTS) {
		warnx("%s: more rejects not shown", R->name);
		R->shown++;
	}
	if (R->rejfp != NULL) {
		fprintf(R->rejfp, "%s,", where);
		csvio_put_field(R->rejfp, why, strlen(why), ',');
		putc(',', R->rejfp);
		csvio_put_field(R->rejfp, raw ? raw : "", raw ? rawlen : 0, ',');
		putc('\n', R->rejfp);
		if (ferror(R->rejfp))
			err(1, "%s", R->o.rejects);
	}
}

/* ==== ticks ============================================================= */

static void
save_checkpoint(struct run *R)
{
	struct agg_pos pos;

	memset(&pos, 0, sizeof(pos));
	snprintf(pos.input, sizeof(pos.input), "%s", R->o.input);
	pos.offset = R->rd ? csvio_offset(R->rd) : 0;
	pos.line = R->rd ? csvio_line(R->rd) : 1;
	if (R->rejfp != NULL) {
		long off;
		if (fflush(R->rejfp) == EOF || (!R->o.nosync &&
		    fsync(fileno(R->rejfp)) == -1))
			err(1, "%s", R->o.rejects);
		if ((off = ftell(R->rejfp)) < 0)
			err(1, "%s", R->o.rejects);
		pos.rejects_size = (uint64_t)off;
	}
	/* The history files' lengths, to cut them back to on resume. */
	if (R->hist != NULL && history_ext(R->hist, &pos.ext,
	    &pos.extlen) == -1)
		err(1, "%s", R->o.history);
	if (agg_save(R->agg, &pos, R->o.ckpt, R->o.nosync) == -1)
		err(1, "%s", R->o.ckpt);
	free(pos.ext);
}

static void
tick(struct run *R)
{
	uint64_t rows = agg_rows(R->agg), rej = agg_rejected(R->agg);
	uint64_t off = R->rd ? csvio_offset(R->rd) : 0;
	char errb[4200];

	/* Nothing new (no row, and the input has not moved, as it does over
	 * a header after rotation): the files stay as they are.  While a
	 * resumed run skips a stream up to its checkpoint, the state is ahead
	 * of the input, so nothing is written either. */
	if (!R->resuming && (!R->written || rows != R->written_rows ||
	    rej != R->written_rej || off != R->written_off)) {
		if (agg_write_snapshot(R->agg, R->o.outdir, R->o.nosync, errb,
		    sizeof(errb)) == -1)
			err(1, "%s", errb);
		/* The history before the checkpoint, which records its
		 * length: a crash between the two leaves a row that the
		 * resumed run cuts off.  A state the history holds already
		 * (the checkpoint's, just resumed) is not appended again. */
		if (R->hist != NULL && (!R->hist_on || rows != R->hist_rows ||
		    rej != R->hist_rej)) {
			if (history_tick(R->hist, R->agg, now_wall(), errb,
			    sizeof(errb)) == -1)
				err(1, "%s", errb);
			R->hist_on = 1;
			R->hist_rows = rows;
			R->hist_rej = rej;
		}
		if (R->o.ckpt != NULL)
			save_checkpoint(R);
		else if (agg_flush_closed(R->agg, R->o.nosync) == -1)
			err(1, "%s", R->o.closed_dir);
		R->written = 1;
		R->written_rows = rows;
		R->written_rej = rej;
		R->written_off = off;
	}
	ticks_print(++R->tickno, R->agg);
	R->since_tick = 0;
}

static void
maybe_tick(struct run *R)
{
	double now = now_mono();

	if (now >= R->next_tick) {
		tick(R);
		R->next_tick += R->o.tick;
		if (R->next_tick <= now)
			R->next_tick = now + R->o.tick;
	}
}

/* Wait until fd is readable or the next tick is due. */
static void
wait_input(struct run *R, double at_most)
{
	double wait = R->next_tick - now_mono();
	struct pollfd pfd = { .fd = R->fd, .events = POLLIN };

	/* A signal landing between the look at sig_stop and poll(2) does
	 * not interrupt it: never wait long. */
	if (at_most <= 0 || at_most > STOP_POLL)
		at_most = STOP_POLL;
	if (wait > at_most)
		wait = at_most;
	if (wait < 0)
		wait = 0;
	if (R->regular)
		sleep_sec(wait);
	else if (poll(&pfd, 1, (int)(wait * 1000 + 0.999)) == -1 &&
	    errno != EINTR)
		err(1, "poll");
}

/* ==== input ============================================================= */

static void
restore_fd(struct run *R)
{
	if (R->nonblock) {
		(void)fcntl(R->fd, F_SETFL, R->fd_flags);
		R->nonblock = 0;
	}
}

static struct run *the_run;

static void
restore_at_exit(void)
{
	if (the_run != NULL)
		restore_fd(the_run);
}

static void
open_input(struct run *R)
{
	if (R->o.input == NULL || strcmp(R->o.input, "-") == 0) {
		R->o.input = "-";
		R->name = "stdin";
		R->fd = STDIN_FILENO;
	} else {
		char errb[256];
		R->name = R->o.input;
		/* A regular file, or a FIFO (not in follow mode), opened
		 * without waiting for its writer; ticks go on until one
		 * comes (wait_writer).  A device such as /dev/zero is
		 * refused: it would never end. */
		if ((R->fd = li_open_input(R->o.input, R->o.follow ? 0 :
		    LI_IN_FIFO, errb, sizeof(errb))) == -1) {
			if (R->o.follow && errno == EINVAL)
				errx(1, "%s: follow mode needs a regular file",
				    R->name);
			errx(1, "%s: %s", R->name, errb);
		}
		R->fifo_wait = 1;	/* kept for a FIFO only, below */
	}
	if (fstat(R->fd, &R->st) == -1)
		err(1, "%s", R->name);
	if (!S_ISFIFO(R->st.st_mode))
		R->fifo_wait = 0;
	R->regular = S_ISREG(R->st.st_mode);
	if (R->o.follow && !R->regular)
		errx(1, "%s: follow mode needs a regular file", R->name);
	if (!R->regular && !isatty(R->fd)) {
		/* Never block in read(2): ticks must come on time.  (Not on a
		 * terminal, whose flags the shell shares: were reduce killed,
		 * O_NONBLOCK would stay behind.) */
		R->fd_flags = fcntl(R->fd, F_GETFL);
		if (R->fd_flags != -1 && !(R->fd_flags & O_NONBLOCK) &&
		    fcntl(R->fd, F_SETFL, R->fd_flags | O_NONBLOCK) == 0)
			R->nonblock = 1;
	}
	if ((R->rd = csvio_reader_new(R->fd, ',', R->o.max_record)) == NULL)
		err(1, "malloc");
	csvio_reader_set_follow(R->rd, R->o.follow);
	csvio_reader_set_max_lines(R->rd, R->o.max_lines);
}

/* Bind the header hdr; from now on a record over several lines must have
 * its field count (lib/csvio.h: resync). */
static void
bind_header(struct run *R, const struct csvio_record *hdr)
{
	char errb[512];

	if (agg_bind(R->agg, hdr, R->o.tscol, errb, sizeof(errb)) == -1)
		errx(1, "%s:%llu: %s", R->name, (unsigned long long)hdr->line,
		    errb);
	csvio_reader_set_fields(R->rd, hdr->nf);
	R->have_header = 1;
}

/* Bind the header of headerless input, o.header (--header LIST,
 * --no-header); a missing column is a usage error.  The input's first
 * line is then a row. */
static void
bind_given_header(struct run *R)
{
	struct csvio_field *f;
	struct csvio_record rec;
	char *copy, errb[512];
	size_t nf;

	if ((copy = strdup(R->o.header)) == NULL ||
	    (f = calloc(HEADER_MAXF, sizeof(*f))) == NULL)
		err(1, "malloc");
	if (contract_split(copy, f, HEADER_MAXF, &nf) == -1 || nf == 0)
		errx(2, "--header: '%s' is not a CSV line", R->o.header);
	memset(&rec, 0, sizeof(rec));
	rec.f = f;
	rec.nf = nf;
	if (agg_bind(R->agg, &rec, R->o.tscol, errb, sizeof(errb)) == -1)
		errx(2, "--header: %s", errb);
	csvio_reader_set_fields(R->rd, nf);
	R->have_header = 1;
	R->given_nf = nf;
	free(f);
	free(copy);
}

/* A file read again from its start (truncation, rotation) begins with its
 * header, unless the input has none. */
static void
start_over(struct run *R)
{
	if (R->o.header != NULL) {
		csvio_reader_set_fields(R->rd, R->given_nf);
		return;
	}
	csvio_reader_set_fields(R->rd, 0);
	R->have_header = 0;
}

/* In follow mode at end of input: notice rotation and truncation. */
static void
follow_check(struct run *R)
{
	struct stat now, cur;

	if (fstat(R->fd, &cur) == 0 && (uint64_t)cur.st_size <
	    csvio_offset(R->rd)) {
		if (!R->o.quiet)
			warnx("%s: file truncated; reading from the start",
			    R->name);
		if (lseek(R->fd, 0, SEEK_SET) == -1)
			err(1, "%s", R->name);
		csvio_reader_seek(R->rd, 0, 1);
		start_over(R);
		return;
	}
	if (stat(R->o.input, &now) == 0 &&
	    (now.st_ino != R->st.st_ino || now.st_dev != R->st.st_dev)) {
		char errb[256];
		int fd = li_open_input(R->o.input, 0, errb, sizeof(errb));
		if (fd == -1 && errno == ENOENT)
			return;	/* not there yet: try again later */
		if (fd == -1)
			errx(1, "%s: %s", R->name, errb);
		if (!R->o.quiet)
			warnx("%s: file replaced; reading the new one",
			    R->name);
		close(R->fd);
		R->fd = fd;
		R->st = now;
		csvio_reader_free(R->rd);
		if ((R->rd = csvio_reader_new(fd, ',', R->o.max_record)) == NULL)
			err(1, "malloc");
		csvio_reader_set_follow(R->rd, 1);
		csvio_reader_set_max_lines(R->rd, R->o.max_lines);
		start_over(R);
	}
}

/* Until a FIFO's first writer comes, read(2) would say end of input:
 * wait for one (lib/readfile.h), ticking on time and looking at sig_stop
 * at least every STOP_POLL. */
static void
wait_writer(struct run *R)
{
	while (R->fifo_wait && !sig_stop) {
		double wait = R->next_tick - now_mono();
		int n;
		if (wait > STOP_POLL)
			wait = STOP_POLL;	/* see wait_input */
		n = li_fifo_wait(R->fd, wait > 0 ? (int)(wait * 1000 + 0.999) :
		    0);
		if (n == -1 && errno != EINTR)
			err(1, "%s", R->name);
		if (n == 1)
			R->fifo_wait = 0;
		maybe_tick(R);
	}
}

/* Next record: 1, 0 at the end of input (never in follow mode), or -1
 * for a bad record (already counted and reported). */
static int
next_record(struct run *R, struct csvio_record *rec)
{
	for (;;) {
		int rc;

		if (sig_stop)
			return 0;
		if (R->fifo_wait)
			wait_writer(R);
		rc = csvio_next(R->rd, rec);
		if (rc > 0)
			return 1;
		if (rc == 0) {
			if (!R->o.follow)
				return 0;
			follow_check(R);
			maybe_tick(R);
			wait_input(R, FOLLOW_POLL);
			maybe_tick(R);
			continue;
		}
		switch (rec->err) {
		case CSVIO_EAGAIN:
			maybe_tick(R);
			wait_input(R, 0);
			maybe_tick(R);
			continue;
		case CSVIO_EINTR:
			continue;
		case CSVIO_EIO:
			err(1, "%s", R->name);
		case CSVIO_ENOMEM:
			errx(1, "%s: out of memory", R->name);
		default:
			agg_count_reject(R->agg);
			reject(R, rec->line, rec->last_line,
			    csvio_strerror(rec->err), rec->raw, rec->rawlen);
			return -1;
		}
	}
}

/* Read and bind the header.  Returns 0, or -1 at the end of input. */
static int
read_header(struct run *R)
{
	struct csvio_record rec;
	int rc;

	while ((rc = next_record(R, &rec)) == -1)
		;
	if (rc == 0)
		return -1;
	bind_header(R, &rec);
	return 0;
}

/* Go to the saved position: seek a file, skip ahead in a stream (whose
 * producer must send it again from the start). */
static void
resume_at(struct run *R, const struct agg_pos *pos)
{
	struct csvio_record rec;

	if (pos->offset <= csvio_offset(R->rd))
		return;
	if (R->regular) {
		if ((uint64_t)R->st.st_size < pos->offset)
			errx(1, "%s: shorter than the checkpoint's position "
			    "%llu", R->name, (unsigned long long)pos->offset);
		if (lseek(R->fd, (off_t)pos->offset, SEEK_SET) == -1)
			err(1, "%s", R->name);
		csvio_reader_seek(R->rd, pos->offset, pos->line);
		return;
	}
	R->resuming = 1;
	while (csvio_offset(R->rd) < pos->offset) {
		if (R->fifo_wait)
			wait_writer(R);
		int rc = csvio_next(R->rd, &rec);
		if (sig_stop)
			exit(0);	/* the checkpoint stays as it was */
		if (rc == 0)
			errx(1, "%s: input ended before the checkpoint's "
			    "position %llu", R->name,
			    (unsigned long long)pos->offset);
		if (rc < 0) {
			if (rec.err == CSVIO_EAGAIN) {
				maybe_tick(R);
				wait_input(R, 0);
			} else if (rec.err == CSVIO_EIO)
				err(1, "%s", R->name);
			else if (rec.err == CSVIO_ENOMEM)
				errx(1, "%s: out of memory", R->name);
		}
	}
	if (csvio_offset(R->rd) != pos->offset)
		errx(1, "%s: input does not match the checkpoint", R->name);
	R->resuming = 0;
}

/* Open the rejects file: new, or on resume cut back to its length at the
 * checkpoint (size).  One that is gone or empty by then (removed, or
 * emptied by a log rotation) starts again from its header, with a
 * warning; one that is shorter but not empty is not ours to guess at. */
static void
open_rejects(struct run *R, int resumed, uint64_t size)
{
	struct stat st;
	int fd;

	/* O_NONBLOCK: a FIFO without a reader must not hang the open; mode
	 * 0666: the umask decides. */
	fd = open(R->o.rejects, O_WRONLY | O_CREAT | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY | (resumed ? 0 : O_TRUNC), 0666);
	if (fd == -1 && errno == ENXIO)
		errx(1, "%s: not a regular file", R->o.rejects);
	if (fd == -1 || fstat(fd, &st) == -1)
		err(1, "%s", R->o.rejects);
	if (!S_ISREG(st.st_mode))
		errx(1, "%s: not a regular file", R->o.rejects);
	if (resumed && (uint64_t)st.st_size < size) {
		if (st.st_size != 0)
			errx(1, "%s: %lld bytes, shorter than the %llu at the "
			    "checkpoint; move it away to start a new one",
			    R->o.rejects, (long long)st.st_size,
			    (unsigned long long)size);
		if (!R->o.quiet)
			warnx("%s: empty or missing at resume (%llu bytes at "
			    "the checkpoint); starting it again",
			    R->o.rejects, (unsigned long long)size);
		size = 0;
	}
	if (resumed) {
		/* Drop what was written after the checkpoint. */
		if (ftruncate(fd, (off_t)size) == -1 ||
		    lseek(fd, 0, SEEK_END) == -1)
			err(1, "%s", R->o.rejects);
	}
	if ((R->rejfp = fdopen(fd, "w")) == NULL)
		err(1, "%s", R->o.rejects);
	if (!resumed || size == 0)
		fputs("line,reason,row\n", R->rejfp);
}


void
input_setup_windows(struct agg *a, const struct opts *o, int resumed)
{
	char errb[4200];

	if (o->wm_on)
		agg_set_watermark(a, o->lateness);
	if (o->since_on)
		agg_set_since(a, o->since, o->since_tod);
	if (o->until_on)
		agg_set_until(a, o->until, o->until_tod);
	if (agg_set_closed(a, o->closed_dir, resumed, errb,
	    sizeof(errb)) == -1)
		errx(1, "%s", errb);
}

/* After the last tick: the closed windows flushed, the counts of late
 * and left-out rows (-v), the history closed. */
static void
end_windows(struct run *R)
{
	if (agg_flush_closed(R->agg, R->o.nosync) == -1)
		err(1, "%s", R->o.closed_dir);
	if (R->o.verbose && (agg_late(R->agg) > 0 || agg_filtered(R->agg) > 0))
		warnx("%s: %llu late, %llu left out by --since/--until",
		    R->name, (unsigned long long)agg_late(R->agg),
		    (unsigned long long)agg_filtered(R->agg));
	history_close(R->hist);
	R->hist = NULL;
}

int
input_run(const struct opts *o, const struct spec *sp)
{
	struct run R;
	struct agg_pos pos;
	struct csvio_record rec;
	char why[256], errb[4200];
	int resumed = 0, rc;
	unsigned clock_every = 0;

	memset(&R, 0, sizeof(R));
	R.o = *o;
	the_run = &R;
	atexit(restore_at_exit);
	if ((R.agg = agg_new(sp)) == NULL)
		err(1, "malloc");
	memset(&pos, 0, sizeof(pos));
	if (o->ckpt != NULL) {
		if (access(o->ckpt, F_OK) == 0) {
			if (agg_load(R.agg, o->ckpt, &pos, errb,
			    sizeof(errb)) == -1)
				errx(1, "%s", errb);
			if (strcmp(pos.input, o->input ? o->input : "-") != 0)
				errx(1, "%s: checkpoint is for input '%s'",
				    o->ckpt, pos.input);
			resumed = 1;
		} else if (errno != ENOENT)
			err(1, "%s", o->ckpt);
	}
	input_setup_windows(R.agg, o, resumed);
	if (o->history != NULL && (R.hist = history_open(R.agg, sp, o->history,
	    o->history_files ? o->history_files : "", o->history_max,
	    o->history_age, o->nosync, resumed ? (pos.ext ? pos.ext : "") :
	    NULL, pos.extlen, errb, sizeof(errb))) == NULL)
		errx(1, "%s", errb);
	if (resumed && R.hist != NULL) {
		R.hist_on = 1;
		R.hist_rows = agg_rows(R.agg);
		R.hist_rej = agg_rejected(R.agg);
	}
	free(pos.ext);
	pos.ext = NULL;
	pos.extlen = 0;
	if (o->rejects != NULL)
		open_rejects(&R, resumed, pos.rejects_size);
	open_input(&R);
	if (o->header != NULL)
		bind_given_header(&R);
	ticks_header();
	R.next_tick = now_mono() + o->tick;
	if (!R.have_header && read_header(&R) == -1) {
		if (resumed && pos.offset > 0)
			errx(1, "%s: input ended before the checkpoint's "
			    "position %llu", R.name,
			    (unsigned long long)pos.offset);
		if (!sig_stop && !o->quiet)
			warnx("%s: no header (empty input)", R.name);
	} else {
		if (resumed)
			resume_at(&R, &pos);
		while ((rc = next_record(&R, &rec)) != 0) {
			if (rc > 0 && !R.have_header) {
				/* A rotated or truncated file starts again. */
				bind_header(&R, &rec);
				continue;
			}
			if (rc > 0 && agg_row(R.agg, &rec, why, sizeof(why)) == -1)
				reject(&R, rec.line, rec.last_line, why, rec.raw,
				    rec.rawlen);
			if (o->tick_rows && ++R.since_tick >= o->tick_rows)
				tick(&R);
			if (++clock_every >= 1024) {
				clock_every = 0;
				maybe_tick(&R);
			}
		}
	}
	tick(&R);
	end_windows(&R);
	if (agg_overflowed(R.agg))
		warnx("%s: a sum went past +-92233720368547758.07 and was "
		    "held there", R.name);
	if (!o->quiet && (o->verbose || R.shown > 0) &&
	    agg_rejected(R.agg) > 0)
		warnx("%s: %llu row%s rejected", R.name,
		    (unsigned long long)agg_rejected(R.agg),
		    agg_rejected(R.agg) == 1 ? "" : "s");
	if (R.rejfp != NULL && fclose(R.rejfp) == EOF)
		err(1, "%s", o->rejects);
	restore_fd(&R);
	csvio_reader_free(R.rd);
	agg_free(R.agg);
	return 0;
}

