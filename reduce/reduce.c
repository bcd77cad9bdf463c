/* reduce: streaming group-by aggregates over transaction CSV, written as a
 * snapshot directory every tick, with a crash-safe checkpoint. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "cli.h"
#include "history.h"
#include "csvio.h"
#include "kafkain.h"
#include "readfile.h"
#include "spec.h"
#include "synth.h"
#include "timefield.h"
#include "util.h"

#define SHOW_REJECTS	10	/* rejects shown on stderr before hushing */
#define FOLLOW_POLL	0.2	/* seconds between looks at a followed file */
#define MAX_LINES	16	/* physical lines a record may span (default) */
#define STOP_POLL	0.2	/* longest wait before looking at sig_stop */

enum {
	OPT_PRINT_SPEC = 256, OPT_TICK, OPT_TICK_ROWS, OPT_REJECTS,
	OPT_CHECKPOINT, OPT_MERGE, OPT_NO_SYNC, OPT_MAX_RECORD, OPT_HELP,
	OPT_VERSION, OPT_TOPIC, OPT_PARTITIONS, OPT_DEDUP_COL, OPT_HEADER,
	OPT_STATE_DIR, OPT_MAX_RECORD_LINES, OPT_WATERMARK, OPT_CLOSED_DIR,
	OPT_SINCE, OPT_UNTIL, OPT_HISTORY, OPT_HISTORY_FILES, OPT_HISTORY_MAX,
	OPT_HISTORY_AGE,
};

static const struct option longopts[] = {
	{ "agg", required_argument, NULL, 'a' },
	{ "checkpoint", required_argument, NULL, OPT_CHECKPOINT },
	{ "closed-dir", required_argument, NULL, OPT_CLOSED_DIR },
	{ "dedup-col", required_argument, NULL, OPT_DEDUP_COL },
	{ "exit-eof", no_argument, NULL, 'e' },
	{ "group", required_argument, NULL, 'G' },
	{ "header", required_argument, NULL, OPT_HEADER },
	{ "kafka", required_argument, NULL, 'b' },
	{ "partitions", required_argument, NULL, OPT_PARTITIONS },
	{ "topic", required_argument, NULL, OPT_TOPIC },
	{ "follow", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "history-age", required_argument, NULL, OPT_HISTORY_AGE },
	{ "history-files", required_argument, NULL, OPT_HISTORY_FILES },
	{ "history-max", required_argument, NULL, OPT_HISTORY_MAX },
	{ "max-record", required_argument, NULL, OPT_MAX_RECORD },
	{ "max-record-lines", required_argument, NULL, OPT_MAX_RECORD_LINES },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "no-sync", no_argument, NULL, OPT_NO_SYNC },
	{ "output", required_argument, NULL, 'o' },
	{ "print-spec", no_argument, NULL, OPT_PRINT_SPEC },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "watermark", required_argument, NULL, OPT_WATERMARK },
	{ "spec", required_argument, NULL, 's' },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "tick", required_argument, NULL, OPT_TICK },
	{ "tick-rows", required_argument, NULL, OPT_TICK_ROWS },
	{ "time-column", required_argument, NULL, 't' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static const char synopsis[] =
    "Usage: reduce [-fqv] [-a SPEC]... [-s FILE] [-t COLUMN] -o DIR\n"
    "              [--tick DURATION] [--tick-rows N] [--rejects FILE]\n"
    "              [--checkpoint PATH] [--no-sync] [--max-record BYTES]\n"
    "              [--max-record-lines N] [--watermark DURATION]\n"
    "              [--closed-dir DIR] [--since TIME] [--until TIME]\n"
    "              [--history DIR [--history-files LIST] [--history-max SIZE]\n"
    "              [--history-age DURATION]] [FILE]\n"
    "       reduce -b BROKERS --topic TOPIC [-G GROUP | --partitions LIST]\n"
    "              [-e] [-X KEY=VALUE]... [--dedup-col COLUMN] [--header LIST]\n"
    "              -o DIR [--checkpoint PATH | --state-dir DIR] [options]\n"
    "       reduce --merge -o DIR [--checkpoint PATH] [--watermark DURATION]\n"
    "              [--closed-dir DIR] CHECKPOINT|DIR...\n"
    "       reduce --print-spec [-a SPEC]... [-s FILE]\n";

struct opts {
	const char *outdir, *rejects, *ckpt, *input, *tscol;
	const char *closed_dir;		/* --closed-dir (default OUTDIR/closed) */
	int wm_on, since_on, until_on, since_tod, until_tod;
	int64_t lateness, since, until;	/* --watermark, --since, --until */
	const char *history, *history_files;	/* --history DIR */
	unsigned long long history_max;
	double history_age;
	double tick;
	unsigned long long tick_rows;
	size_t max_record;
	size_t max_lines;	/* --max-record-lines */
	int follow, quiet, verbose, merge, nosync, print_spec;
	struct kin_conf kc;	/* -b: Kafka input (kafkain.h) */
};

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
};

static void
usage(void)
{
	fputs(synopsis, stderr);
	fputs("Try 'reduce --help'.\n", stderr);
	exit(2);
}

static void
help(void)
{
	fputs(synopsis, stdout);
	fputs("\n"
	    "Keep running group-by aggregates over transaction CSV (FILE, a FIFO\n"
	    "or stdin) and write them as a snapshot directory every tick.\n\n"
	    "  -a, --agg SPEC         an aggregate, FILE: KEYS -> NAME=FUNC(COL), ...\n"
	    "  -s, --spec FILE        read aggregates from FILE, one a line\n"
	    "      --print-spec       print the spec in use (default: the built-in)\n"
	    "  -o, --output DIR       snapshot directory (made when missing)\n"
	    "  -t, --time-column COL  column of the derived time fields (Timestamp)\n"
	    "      --tick DURATION    snapshot interval (default 1s)\n"
	    "      --tick-rows N      also snapshot after every N rows\n"
	    "      --rejects FILE     write rejected rows to FILE as CSV\n"
	    "      --checkpoint PATH  save state and input position every tick;\n"
	    "                         resume from PATH when it exists\n"
	    "  -f, --follow           keep reading FILE as it grows (tail -F)\n"
	    "      --merge            merge checkpoints (DIR: its state.ckpt, else\n"
	    "                         every *.ckpt in it) into one snapshot\n"
	    "      --no-sync          do not fsync snapshots and checkpoints\n"
	    "      --max-record BYTES longest accepted row (default 1 MiB)\n"
	    "      --max-record-lines N  lines a quoted row may span (16; 0: any)\n"
	    "      --watermark DURATION  close event-time windows this long after\n"
	    "                         the newest row time; later rows for them are\n"
	    "                         rejected as late\n"
	    "      --closed-dir DIR   append closed windows to DIR/FILE (OUTDIR/closed)\n"
	    "      --since TIME       leave out rows before TIME (event time;\n"
	    "                         YYYY-MM-DD[ HH:MM[:SS]], or HH:MM every day)\n"
	    "      --until TIME       leave out rows at or after TIME\n"
	    "      --history DIR      append kpis.csv and branch_sales.csv to DIR\n"
	    "                         at every tick, stamped with the time\n"
	    "      --history-files LIST  the snapshot files to keep (FILE,FILE)\n"
	    "      --history-max SIZE rotate a history file past SIZE (16M)\n"
	    "      --history-age DURATION  or when its first row is this old\n"
	    "Kafka input (see reduce(1), KAFKA):\n"
	    "  -b, --kafka BROKERS    read rows from Kafka, one a message\n"
	    "      --topic TOPIC      the topic\n"
	    "  -G, --group GROUP      join a consumer group, or\n"
	    "      --partitions LIST  read these partitions (0,2,4 or 0-2)\n"
	    "  -e, --exit-eof         stop at the end of every partition\n"
	    "  -X KEY=VALUE           a librdkafka setting, as kcat's -X\n"
	    "      --dedup-col COLUMN drop rows whose id (an integer) is not\n"
	    "                         above the partition's highest so far\n"
	    "      --state-dir DIR    a state and checkpoint per partition in DIR,\n"
	    "                         shared by the group's members (hand-over)\n"
	    "      --header LIST      header of messages without an li.header\n"
	    "                         header (default: the 16 standard columns)\n"
	    "  -q, --quiet            no reject messages on stderr\n"
	    "  -v, --verbose          every reject on stderr, and a summary\n"
	    "      --help             this help\n"
	    "      --version          the version\n\n"
	    "Functions: sum count min max mean distinct rejected pop idle; :int after\n"
	    "a function writes whole numbers.  Time fields: Date Hour DayOfWeek\n"
	    "TimeSlot Week Month.  Keys may hold one window(SIZE[, HOP]); measures\n"
	    "may be followed by 'where COL=V and COL in (V1, V2)'.  See reduce(1).\n",
	    stdout);
}

/* ==== spec ============================================================== */

/* The text of a spec file: a regular file (never a FIFO or a device) of
 * at most max bytes, without NUL bytes.  Errors are usage errors. */
static char *
slurp(const char *path, size_t max)
{
	char errb[256], *buf;
	size_t n;

	if ((buf = li_read_file(path, max, &n, errb, sizeof(errb))) == NULL) {
		if (errno == EFBIG)
			errx(2, "%s: spec file too large", path);
		errx(2, "%s: %s", path, errb);
	}
	if (memchr(buf, '\0', n) != NULL)
		errx(2, "%s: binary spec file", path);
	return buf;
}

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
	if (agg_save(R->agg, &pos, R->o.ckpt, R->o.nosync) == -1)
		err(1, "%s", R->o.ckpt);
}

static void
tick(struct run *R)
{
	uint64_t rows = agg_rows(R->agg), rej = agg_rejected(R->agg);
	uint64_t off = R->rd ? csvio_offset(R->rd) : 0;
	char ts[TM_BUFSZ], errb[4200];
	int64_t last;

	/* Nothing new (no row, and the input has not moved, as it does over
	 * a header after rotation): the files stay as they are.  While a
	 * resumed run skips a stream up to its checkpoint, the state is ahead
	 * of the input, so nothing is written either. */
	if (!R->resuming && (!R->written || rows != R->written_rows ||
	    rej != R->written_rej || off != R->written_off)) {
		if (agg_write_snapshot(R->agg, R->o.outdir, R->o.nosync, errb,
		    sizeof(errb)) == -1)
			err(1, "%s", errb);
		if (R->o.ckpt != NULL)
			save_checkpoint(R);
		else if (agg_flush_closed(R->agg, R->o.nosync) == -1)
			err(1, "%s", R->o.closed_dir);
		if (R->hist != NULL && history_tick(R->hist, R->agg, now_wall(),
		    errb, sizeof(errb)) == -1)
			err(1, "%s", errb);
		R->written = 1;
		R->written_rows = rows;
		R->written_rej = rej;
		R->written_off = off;
	}
	tm_now_rfc3339(ts);
	printf("%llu,%s,%llu,%llu,", ++R->tickno, ts, (unsigned long long)rows,
	    (unsigned long long)rej);
	if (agg_last_time(R->agg, &last)) {
		/* Row times are the till's local time. */
		time_t now = time(NULL);
		struct tm lt;
		localtime_r(&now, &lt);
		printf("%.1f", now_wall() - (double)(last - lt.tm_gmtoff));
	}
	putchar('\n');
	if (fflush(stdout) == EOF)
		err(1, "stdout");
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
		csvio_reader_set_fields(R->rd, 0);
		R->have_header = 0;
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
		R->have_header = 0;
	}
}

/* Until a FIFO's first writer comes, read(2) would say end of input: poll
 * instead (Linux reports POLLHUP only once a writer has come and gone). */
static void
wait_writer(struct run *R)
{
	struct pollfd pfd = { .fd = R->fd, .events = POLLIN };

	while (R->fifo_wait && !sig_stop) {
		double wait = R->next_tick - now_mono();
		if (wait > STOP_POLL)
			wait = STOP_POLL;	/* see wait_input */
		int n = poll(&pfd, 1, wait > 0 ? (int)(wait * 1000 + 0.999) : 0);
		if (n == -1 && errno != EINTR)
			err(1, "poll");
		if (n > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR)))
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

/* One reduce per snapshot directory: a second would remove the first's
 * temp files and interleave its snapshots.  The lock is released with the
 * process, so a run killed with -9 leaves none behind and a rerun resumes;
 * the descriptor stays open until exit. */
static void
lock_outdir(const char *dir)
{
	int fd;

	/* flock(2) on the directory itself: no lock file among the
	 * snapshot's files. */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", dir);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			errx(1, "%s: in use by another reduce", dir);
		err(1, "%s: lock", dir);
	}
}

/* Remove temp files a killed run left beside name in dir. */
static void
clean_temps(const char *dir, const char *name)
{
	size_t n = strlen(name);
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, name, n) == 0 &&
		    strncmp(de->d_name + n, ".tmp.", 5) == 0 &&
		    strlen(de->d_name + n + 5) == 6) {
			char path[4096];
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) < sizeof(path))
				(void)unlink(path);
		}
	}
	closedir(d);
}

static void
clean_ckpt_temps(const char *ckpt)
{
	char *dir = strdup(ckpt), *slash;
	const char *base;

	if (dir == NULL)
		return;
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		base = slash + 1;
		clean_temps(*dir ? dir : "/", base);
	} else
		clean_temps(".", ckpt);
	free(dir);
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

/* ==== modes ============================================================= */

static int
is_ckpt_name(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	    strcmp(de->d_name + n - 5, ".ckpt") == 0;
}

/* The checkpoints a --merge argument stands for: a file itself; a
 * directory its state.ckpt, or when it has none (a --state-dir), every
 * *.ckpt in it, in name order.  The paths and the array are the
 * caller's. */
static void
merge_paths(const char *arg, char ***paths, size_t *n)
{
	struct dirent **de = NULL;
	struct stat st;
	char path[4096];
	int i, nde;

	*n = 0;
	if ((*paths = calloc(1, sizeof(**paths))) == NULL)
		err(1, "malloc");
	if (stat(arg, &st) == -1 || !S_ISDIR(st.st_mode)) {
		if (((*paths)[0] = strdup(arg)) == NULL)
			err(1, "malloc");
		*n = 1;
		return;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/state.ckpt", arg) >=
	    sizeof(path))
		errx(1, "%s: name too long", arg);
	if (access(path, F_OK) == 0) {
		if (((*paths)[0] = strdup(path)) == NULL)
			err(1, "malloc");
		*n = 1;
		return;
	}
	if ((nde = scandir(arg, &de, is_ckpt_name, alphasort)) == -1)
		err(1, "%s", arg);
	if (nde == 0)
		errx(1, "%s: no checkpoint in it (state.ckpt or *.ckpt)", arg);
	free(*paths);
	if ((*paths = calloc((size_t)nde, sizeof(**paths))) == NULL)
		err(1, "malloc");
	for (i = 0; i < nde; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", arg,
		    de[i]->d_name) >= sizeof(path))
			errx(1, "%s: name too long", arg);
		if (((*paths)[i] = strdup(path)) == NULL)
			err(1, "malloc");
		free(de[i]);
	}
	free(de);
	*n = (size_t)nde;
}

/* One checkpoint to merge: its path, the argument it came from, and the
 * file it is. */
struct mpart {
	char *path;
	const char *arg;
	dev_t dev;
	ino_t ino;
	int have_st;
};

/* How a part is named in messages: its argument, and the path when the
 * argument is a directory. */
static const char *
mpart_name(const struct mpart *p, char *buf, size_t len)
{
	if (strcmp(p->arg, p->path) == 0)
		return p->arg;
	snprintf(buf, len, "%s (%s)", p->arg, p->path);
	return buf;
}

/* Windows and filters: the watermark, the closed-windows files (cut back
 * to the checkpoint's lengths on resume), --since and --until. */
static void
setup_windows(struct agg *a, const struct opts *o, int resumed)
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

static int
do_merge(struct opts *o, const struct spec *sp, int argc, char **argv)
{
	struct agg *a = agg_new(sp);
	struct kin_merge *km = kin_merge_new();
	struct mpart *parts = NULL;
	size_t nparts = 0, *idowner = NULL, *no, nown = 0, i, j, k;
	struct agg_pos pos;
	char errb[4200], n1[4200], n2[4200];
	int ai;

	if (a == NULL || km == NULL)
		err(1, "malloc");
	agg_set_merging(a);
	for (ai = 0; ai < argc; ai++) {
		char **paths = NULL;
		size_t n;
		struct mpart *np;
		merge_paths(argv[ai], &paths, &n);
		if ((np = realloc(parts, (nparts + n) * sizeof(*np))) == NULL)
			err(1, "malloc");
		parts = np;
		for (j = 0; j < n; j++) {
			struct mpart *p = &parts[nparts++];
			struct stat st;
			p->path = paths[j];
			p->arg = argv[ai];
			p->have_st = stat(p->path, &st) == 0;
			p->dev = p->have_st ? st.st_dev : 0;
			p->ino = p->have_st ? st.st_ino : 0;
		}
		free(paths);
	}
	/* The same file twice (a path given twice, DIR and DIR/state.ckpt,
	 * a link): its counts would be added twice. */
	for (i = 0; i < nparts; i++)
		for (j = 0; j < i; j++)
			if (parts[i].have_st && parts[j].have_st &&
			    parts[i].dev == parts[j].dev &&
			    parts[i].ino == parts[j].ino)
				errx(2, "merge: %s and %s are the same "
				    "checkpoint: its counts would be added twice",
				    mpart_name(&parts[j], n1, sizeof(n1)),
				    mpart_name(&parts[i], n2, sizeof(n2)));
	for (i = 0; i < nparts; i++) {
		/* idowner[0..before): the part each identity so far came
		 * from. */
		size_t before = nown, after;
		memset(&pos, 0, sizeof(pos));
		if (agg_nwindowed(a) > 0) {
			/* Each part's open windows, made from its own panes
			 * and watermark: a part is loaded apart, then added. */
			struct agg *p = agg_new(sp);
			if (p == NULL)
				err(1, "malloc");
			if (agg_load(p, parts[i].path, &pos, errb,
			    sizeof(errb)) == -1)
				errx(1, "%s", errb);
			if (agg_merge(a, p) == -1)
				err(1, "merge: %s", parts[i].path);
			agg_free(p);
		} else if (agg_load(a, parts[i].path, &pos, errb,
		    sizeof(errb)) == -1)
			errx(1, "%s", errb);
		/* The same state by its identity: a copy of a checkpoint, or
		 * a part given beside a merge that holds it already. */
		after = agg_nids(a);
		for (k = before; k < after; k++)
			for (j = 0; j < before; j++)
				if (strcmp(agg_id(a, k), agg_id(a, j)) == 0)
					errx(2, "merge: %s and %s hold the same "
					    "state (checkpoint id %s): its counts "
					    "would be added twice",
					    mpart_name(&parts[idowner[j]], n1,
					    sizeof(n1)), mpart_name(&parts[i], n2,
					    sizeof(n2)), agg_id(a, k));
		if ((no = realloc(idowner, (after ? after : 1) *
		    sizeof(*idowner))) == NULL)
			err(1, "malloc");
		idowner = no;
		for (k = before; k < after; k++)
			idowner[k] = i;
		nown = after;
		/* A Kafka partition must be counted in one checkpoint
		 * only. */
		if (kin_merge_note(km, parts[i].path, pos.ext, pos.extlen,
		    errb, sizeof(errb)) == -1)
			errx(1, "merge: %s", errb);
		free(pos.ext);
	}
	for (i = 0; i < nparts; i++)
		free(parts[i].path);
	free(parts);
	free(idowner);
	if (agg_overflowed(a))
		warnx("merge: a sum went past +-92233720368547758.07 and was "
		    "held there");
	/* The larger watermark closes what any part had closed. */
	setup_windows(a, o, 0);
	if (agg_close_windows(a) == -1 || agg_flush_closed(a, o->nosync) == -1)
		err(1, "%s", o->closed_dir);
	if (agg_write_snapshot(a, o->outdir, o->nosync, errb,
	    sizeof(errb)) == -1)
		err(1, "%s", errb);
	if (o->ckpt != NULL) {
		memset(&pos, 0, sizeof(pos));
		pos.line = 1;
		pos.ext = (char *)kin_merge_ext(km, &pos.extlen);
		if (agg_save(a, &pos, o->ckpt, o->nosync) == -1)
			err(1, "%s", o->ckpt);
	}
	kin_merge_free(km);
	agg_free(a);
	return 0;
}

static int
do_run(struct opts *o, const struct spec *sp)
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
	for (size_t i = 0; i < sp->naggs; i++)
		clean_temps(o->outdir, sp->aggs[i].file);
	memset(&pos, 0, sizeof(pos));
	if (o->ckpt != NULL) {
		clean_ckpt_temps(o->ckpt);
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
	setup_windows(R.agg, o, resumed);
	if (o->history != NULL && (R.hist = history_open(R.agg, sp, o->history,
	    o->history_files ? o->history_files : "", o->history_max,
	    o->history_age, o->nosync, errb, sizeof(errb))) == NULL)
		errx(1, "%s", errb);
	if (o->rejects != NULL)
		open_rejects(&R, resumed, pos.rejects_size);
	open_input(&R);
	if (printf("tick,time,rows,rejected,lag_s\n") < 0 ||
	    fflush(stdout) == EOF)
		err(1, "stdout");
	R.next_tick = now_mono() + o->tick;
	if (read_header(&R) == -1) {
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
	if (agg_flush_closed(R.agg, o->nosync) == -1)
		err(1, "%s", o->closed_dir);
	if (agg_overflowed(R.agg))
		warnx("%s: a sum went past +-92233720368547758.07 and was "
		    "held there", R.name);
	if (o->verbose && (agg_late(R.agg) > 0 || agg_filtered(R.agg) > 0))
		warnx("%s: %llu late, %llu left out by --since/--until",
		    R.name, (unsigned long long)agg_late(R.agg),
		    (unsigned long long)agg_filtered(R.agg));
	if (!o->quiet && (o->verbose || R.shown > 0) &&
	    agg_rejected(R.agg) > 0)
		warnx("%s: %llu row%s rejected", R.name,
		    (unsigned long long)agg_rejected(R.agg),
		    agg_rejected(R.agg) == 1 ? "" : "s");
	if (R.rejfp != NULL && fclose(R.rejfp) == EOF)
		err(1, "%s", o->rejects);
	history_close(R.hist);
	restore_fd(&R);
	csvio_reader_free(R.rd);
	agg_free(R.agg);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o = { .tick = 1.0, .tscol = "Timestamp",
	    .max_lines = MAX_LINES, .history_max = 16ULL << 20 };
	int hist_sub = 0;	/* a --history-* option given */
	static struct spec sp;
	char errb[4200];
	int c, nspec = 0, naggopt = 0;
	long long v;

	while ((c = getopt_long(argc, argv, "a:b:efG:o:qs:t:vX:", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'b':
			o.kc.brokers = optarg;
			break;
		case 'e':
			o.kc.exit_eof = 1;
			break;
		case 'G':
			o.kc.group = optarg;
			break;
		case 'X':
			if (strchr(optarg, '=') == NULL || *optarg == '=' ||
			    o.kc.nprops == KIN_MAXPROPS) {
				warnx("bad -X setting '%s'", optarg);
				usage();
			}
			o.kc.props[o.kc.nprops++] = optarg;
			break;
		case OPT_TOPIC:
			if (kin_topic_ok(optarg) == -1) {
				warnx("bad topic name '%s'", optarg);
				usage();
			}
			o.kc.topic = optarg;
			break;
		case OPT_PARTITIONS:
			if (kin_parse_partitions(optarg, o.kc.parts,
			    &o.kc.nparts) == -1) {
				warnx("bad partition list '%s'", optarg);
				usage();
			}
			break;
		case OPT_DEDUP_COL:
			o.kc.dedup_col = optarg;
			break;
		case OPT_HEADER:
			o.kc.header = optarg;
			break;
		case OPT_STATE_DIR:
			o.kc.state_dir = optarg;
			break;
		case 'a':
			naggopt++;
			if (spec_parse_line(&sp, optarg, errb, sizeof(errb)) == -1)
				errx(2, "-a %d: %s", naggopt, errb);
			nspec++;
			break;
		case 'f':
			o.follow = 1;
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 's': {
			char *txt = slurp(optarg, 1024 * 1024);
			int bad = spec_parse_text(&sp, txt, optarg, errb,
			    sizeof(errb)) == -1;
			free(txt);
			if (bad)
				errx(2, "%s", errb);
			nspec++;
			break;
		}
		case 't':
			o.tscol = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case OPT_PRINT_SPEC:
			o.print_spec = 1;
			break;
		case OPT_TICK:
			if (parse_duration(optarg, &o.tick) == -1 ||
			    o.tick < 0.001 || o.tick > 86400 * 365.0) {
				warnx("bad tick duration '%s'", optarg);
				usage();
			}
			break;
		case OPT_TICK_ROWS:
			if (parse_long(optarg, 1, 1LL << 50, &v) == -1) {
				warnx("bad row count '%s'", optarg);
				usage();
			}
			o.tick_rows = (unsigned long long)v;
			break;
		case OPT_MAX_RECORD:
			if (parse_long(optarg, 64, 1LL << 30, &v) == -1) {
				warnx("bad record size '%s'", optarg);
				usage();
			}
			o.max_record = (size_t)v;
			break;
		case OPT_MAX_RECORD_LINES:
			if (parse_long(optarg, 0, 1000000, &v) == -1) {
				warnx("bad line count '%s'", optarg);
				usage();
			}
			o.max_lines = (size_t)v;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_CHECKPOINT:
			o.ckpt = optarg;
			break;
		case OPT_WATERMARK: {
			double d;
			if (parse_duration(optarg, &d) == -1 || d < 0 ||
			    d > 366 * 86400.0 || d != (double)(int64_t)d) {
				warnx("--watermark: '%s' is not a whole number "
				    "of seconds from 0 to 366d", optarg);
				usage();
			}
			o.wm_on = 1;
			o.lateness = (int64_t)d;
			break;
		}
		case OPT_CLOSED_DIR:
			o.closed_dir = optarg;
			break;
		case OPT_HISTORY:
			o.history = optarg;
			break;
		case OPT_HISTORY_FILES:
			hist_sub = 1;
			o.history_files = optarg;
			break;
		case OPT_HISTORY_MAX:
			hist_sub = 1;
			if (cli_size("--history-max", optarg, 0, 1ULL << 40,
			    &o.history_max, errb, sizeof(errb)) == -1) {
				warnx("%s", errb);
				usage();
			}
			break;
		case OPT_HISTORY_AGE:
			hist_sub = 1;
			if (cli_duration("--history-age", optarg, 0,
			    3660 * 86400.0, &o.history_age, errb,
			    sizeof(errb)) == -1) {
				warnx("%s", errb);
				usage();
			}
			break;
		case OPT_SINCE:
		case OPT_UNTIL:
			if (agg_parse_when(optarg, c == OPT_SINCE ? &o.since :
			    &o.until, c == OPT_SINCE ? &o.since_tod :
			    &o.until_tod) == -1) {
				warnx("--%s: '%s' is not a time (YYYY-MM-DD "
				    "HH:MM:SS, or HH:MM)", c == OPT_SINCE ?
				    "since" : "until", optarg);
				usage();
			}
			if (c == OPT_SINCE)
				o.since_on = 1;
			else
				o.until_on = 1;
			break;
		case OPT_MERGE:
			o.merge = 1;
			break;
		case OPT_NO_SYNC:
			o.nosync = 1;
			break;
		case OPT_HELP:
			help();
			return close_stdout() == 0 ? 0 : 1;
		case OPT_VERSION:
			puts("reduce " LI_VERSION);
			return close_stdout() == 0 ? 0 : 1;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (nspec == 0 && spec_parse_text(&sp, spec_default_text, "default",
	    errb, sizeof(errb)) == -1)
		errx(1, "%s", errb);
	if (sp.naggs == 0)
		errx(2, "the spec has no aggregate");
	if (o.print_spec) {
		if (argc > 0)
			usage();
		if (spec_print(&sp, stdout) == -1)
			err(1, "stdout");
		if (close_stdout() == -1)
			err(1, "stdout");
		return 0;
	}
	if (o.outdir == NULL) {
		warnx("-o DIR is required");
		usage();
	}
	if (o.merge && (argc == 0 || o.follow || o.rejects || o.tick_rows)) {
		warnx("--merge takes checkpoints only");
		usage();
	}
	if (!o.merge && argc > 1)
		usage();
	if (o.follow && argc == 0) {
		warnx("--follow needs a FILE");
		usage();
	}
	if (o.kc.brokers == NULL && (o.kc.topic || o.kc.group ||
	    o.kc.nparts || o.kc.nprops || o.kc.dedup_col || o.kc.header ||
	    o.kc.exit_eof || o.kc.state_dir)) {
		warnx("--topic, -G, --partitions, -X, -e, --dedup-col, "
		    "--header and --state-dir need -b");
		usage();
	}
	if (o.kc.state_dir != NULL && o.ckpt != NULL) {
		warnx("--state-dir keeps a checkpoint per partition: no "
		    "--checkpoint");
		usage();
	}
	if (o.kc.brokers != NULL && (o.merge || o.follow || o.rejects ||
	    argc > 0 || o.kc.topic == NULL ||
	    (o.kc.group == NULL) == (o.kc.nparts == 0))) {
		warnx("-b takes --topic and one of -G and --partitions, "
		    "and no FILE, -f, --merge or --rejects");
		usage();
	}
	if (o.kc.brokers != NULL && (o.wm_on || o.closed_dir || o.since_on ||
	    o.until_on)) {
		warnx("--watermark, --closed-dir, --since and --until do not "
		    "work with -b yet");
		usage();
	}
	if (o.history == NULL && hist_sub) {
		warnx("--history-files, --history-max and --history-age need "
		    "--history");
		usage();
	}
	if (o.history != NULL && (o.merge || o.kc.brokers != NULL)) {
		warnx("--history works with a file or stream input only");
		usage();
	}
	if (o.merge && (o.since_on || o.until_on)) {
		warnx("--merge takes no --since or --until");
		usage();
	}
	if (o.kc.brokers != NULL)
		for (size_t i = 0; i < sp.naggs; i++)
			if (sp.aggs[i].wsize > 0)
				errx(2, "%s: windows do not work with -b yet",
				    sp.aggs[i].file);
	if (mkdir(o.outdir, 0777) == -1 && errno != EEXIST)
		err(1, "%s", o.outdir);
	if (o.closed_dir == NULL) {
		static char cdir[4200];
		if ((size_t)snprintf(cdir, sizeof(cdir), "%s/closed",
		    o.outdir) >= sizeof(cdir))
			errx(1, "%s: name too long", o.outdir);
		o.closed_dir = cdir;
	}
	lock_outdir(o.outdir);
	if (o.merge) {
		c = do_merge(&o, &sp, argc, argv);
	} else if (o.kc.brokers != NULL) {
		o.kc.outdir = o.outdir;
		o.kc.ckpt = o.ckpt;
		o.kc.tscol = o.tscol;
		o.kc.tick = o.tick;
		o.kc.tick_rows = o.tick_rows;
		o.kc.max_record = o.max_record ? o.max_record : 1024 * 1024;
		o.kc.nosync = o.nosync;
		o.kc.quiet = o.quiet;
		o.kc.verbose = o.verbose;
		if (o.kc.header == NULL)
			o.kc.header = SYNTH_HEADER;
		for (size_t i = 0; i < sp.naggs; i++)
			clean_temps(o.outdir, sp.aggs[i].file);
		if (o.ckpt != NULL)
			clean_ckpt_temps(o.ckpt);
		if (sig_install() == -1)
			err(1, "sigaction");
		c = kin_run(&o.kc, &sp);
	} else {
		o.input = argc > 0 ? argv[0] : "-";
		if (sig_install() == -1)
			err(1, "sigaction");
		c = do_run(&o, &sp);
	}
	if (close_stdout() == -1)
		err(1, "stdout");
	return c;
}
