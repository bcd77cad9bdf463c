/* replay's inputs: CSV files or lines from files, FIFOs and stdin, and
 * the synthesised store and invoices, one pass at a time; each row goes to
 * emit() (replay.c). */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean.h"
#include "csvio.h"
#include "linerd.h"
#include "readfile.h"
#include "replay.h"
#include "synth.h"
#include "timefield.h"
#include "util.h"

#define MAX_ROW_WARNINGS	50
#define FIFO_SLICE_MS		200	/* longest wait without a look at
					   the stop flag */

/* ==== rows =============================================================== */

/* Report a problem with one row, as FILE:LINE: MSG; after
 * MAX_ROW_WARNINGS only the counts at the end say more. */
static void
row_warn(struct ctx *c, const char *name, unsigned long long line,
    const char *msg)
{
	if (c->o->quiet || c->warned > MAX_ROW_WARNINGS)
		return;
	if (c->warned++ == MAX_ROW_WARNINGS) {
		warnx("further row warnings not shown (counted at the end)");
		return;
	}
	warnx("%s:%llu: %s", name, line, msg);
}

/* One CSV record of the data (not the header). */
static int
csv_row(struct ctx *c, const struct csvio_record *rec, const char *name)
{
	const char *out = rec->raw;
	size_t len = rec->rawlen;
	double ev = NAN;
	int bad = 0;

	if (c->o->clean) {
		switch (clean_record(rec->f, rec->nf, c->tcol, c->cbuf, c->ccap,
		    &len, &bad)) {
		case CLEAN_EMPTY:
			c->empty++;
			/* A rejects file that cannot be written stops the
			 * run: rows set aside must not vanish. */
			if (c->rej != NULL && (fwrite(rec->raw, 1, rec->rawlen,
			    c->rej) != rec->rawlen || putc('\n', c->rej) == EOF)) {
				warn("%s", c->o->reject_empty);
				fclose(c->rej);
				c->rej = NULL;
				c->failed = 1;
				return RUN_FAIL;
			}
			return RUN_OK;
		case CLEAN_TOOLONG:
			c->malformed++;
			row_warn(c, name, rec->line,
			    "record too long after cleaning");
			return RUN_OK;
		default:
			out = c->cbuf;
			break;
		}
	}
	if (c->o->speedup > 0 && !bad && !clean_is_empty(rec->f, rec->nf)) {
		struct li_tm t;
		if (c->tcol >= 0 && (size_t)c->tcol < rec->nf &&
		    tm_parse(rec->f[c->tcol].p, rec->f[c->tcol].len, &t) == 0)
			ev = (double)tm_epoch(&t);
		else
			bad = 1;
	}
	if (bad) {
		char msg[96];
		const char *v = "";
		size_t vl = 0;
		c->bad_ts++;
		if (c->tcol >= 0 && (size_t)c->tcol < rec->nf) {
			v = rec->f[c->tcol].p;
			vl = rec->f[c->tcol].len < 40 ? rec->f[c->tcol].len : 40;
		}
		snprintf(msg, sizeof(msg), "unparsable timestamp '%.*s'",
		    (int)vl, v);
		row_warn(c, name, rec->line, msg);
	}
	return emit(c, out, len, ev);
}

/* The first record of an input: the header. */
static int
csv_header(struct ctx *c, const struct csvio_record *rec, const char *name)
{
	if (c->hdr == NULL) {
		if ((c->hdr = xstrndup(rec->raw, rec->rawlen)) == NULL)
			err(1, "malloc");
		c->hdrlen = rec->rawlen;
		c->tcol = csvio_find(rec, c->o->time_col);
		if (c->tcol < 0 && c->o->speedup > 0) {
			warnx("%s: no column '%s' in the header", name,
			    c->o->time_col);
			c->failed = 1;
			return RUN_FAIL;
		}
		return ensure_started(c);
	}
	if (rec->rawlen != c->hdrlen || memcmp(rec->raw, c->hdr, c->hdrlen)) {
		warnx("%s: header differs from the first input's: file skipped",
		    name);
		c->failed = 1;
		return RUN_SKIP;
	}
	return RUN_OK;
}

/* Stream one CSV input. */
static int
csv_input(struct ctx *c, int fd, const char *name)
{
	struct csvio_reader *r = csvio_reader_new(fd, ',', c->o->max_record);
	struct csvio_record rec;
	int first = 1, rc = RUN_OK, n;

	if (r == NULL)
		err(1, "malloc");
	while (rc == RUN_OK) {
		n = csvio_next(r, &rec);
		if (n == 0)
			break;
		if (n < 0) {
			if (rec.err == CSVIO_EINTR) {
				if (sig_stop)
					rc = RUN_DONE;
				continue;
			}
			if (rec.err == CSVIO_EAGAIN) {
				rc = sink_rc(c, sink_wait_input(c->sink, fd));
				continue;
			}
			if (rec.err == CSVIO_EIO) {
				warn("%s", name);
				c->failed = 1;
				break;
			}
			if (rec.err == CSVIO_ENOMEM)
				errx(1, "%s: out of memory", name);
			c->malformed++;
			row_warn(c, name, rec.line, csvio_strerror(rec.err));
			continue;
		}
		if (first) {
			first = 0;
			if ((rc = csv_header(c, &rec, name)) == RUN_SKIP) {
				rc = RUN_OK;
				break;
			}
			continue;
		}
		rc = csv_row(c, &rec, name);
	}
	csvio_reader_free(r);
	return rc;
}

static int
lines_input(struct ctx *c, int fd, const char *name)
{
	struct linerd *r = linerd_new(fd, c->o->max_record);
	const char *p;
	size_t len;
	uint64_t line;
	int rc = RUN_OK, n;

	if (r == NULL)
		err(1, "malloc");
	if ((rc = ensure_started(c)) != RUN_OK)
		goto out;
	while (rc == RUN_OK) {
		n = linerd_next(r, &p, &len, &line);
		if (n == LINERD_EOF)
			break;
		if (n == LINERD_EIO) {
			if (errno == EINTR) {
				if (sig_stop)
					rc = RUN_DONE;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				rc = sink_rc(c, sink_wait_input(c->sink, fd));
				continue;
			}
			warn("%s", name);
			c->failed = 1;
			break;
		}
		if (n == LINERD_TOOLONG) {
			c->malformed++;
			row_warn(c, name, (unsigned long long)line,
			    "line too long");
			continue;
		}
		rc = emit(c, p, len, NAN);
	}
out:
	linerd_free(r);
	return rc;
}

/* ==== inputs ============================================================= */

/* Wait for a named FIFO's writer (lib/readfile's li_fifo_wait), in
 * slices that look at the stop flag; with TCP clients to serve, the sink
 * waits and serves them meanwhile. */
static int
fifo_first_data(struct ctx *c, int fd, const char *name)
{
	if (sink_wants_nonblocking_input(c->sink))
		return sink_rc(c, sink_wait_input(c->sink, fd));
	while (!sig_stop) {
		switch (li_fifo_wait(fd, FIFO_SLICE_MS)) {
		case 1:
			return RUN_OK;
		case 0:
			continue;
		default:
			if (errno == EINTR)
				continue;
			warn("%s", name);
			c->failed = 1;
			return RUN_FAIL;
		}
	}
	return RUN_DONE;
}

int
files_pass(struct ctx *c)
{
	const struct replay_opts *o = c->o;
	int i, n = o->nfiles ? o->nfiles : 1, rc = RUN_OK;

	for (i = 0; i < n && rc == RUN_OK; i++) {
		const char *path = o->nfiles ? o->files[i] : "-";
		const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
		char why[128];
		struct stat st;
		int fd, regular, fl = -1;

		/* A regular file or a FIFO: opening never blocks, and a
		 * device such as /dev/zero or a directory is refused. */
		if (strcmp(path, "-") == 0) {
			fd = STDIN_FILENO;
		} else if ((fd = li_open_input(path, LI_IN_FIFO, why,
		    sizeof(why))) == -1) {
			warnx("%s: %s", path, why);
			c->failed = 1;
			continue;
		}
		if (fstat(fd, &st) == -1) {
			warn("%s", name);
			c->failed = 1;
			if (fd != STDIN_FILENO)
				close(fd);
			continue;
		}
		regular = S_ISREG(st.st_mode);
		if (S_ISDIR(st.st_mode)) {
			warnx("%s: is a directory", name);
			c->failed = 1;
			continue;
		}
		/* A named FIFO opened without blocking reads as empty until
		 * its writer comes: wait for its first data (or its end). */
		if (fd != STDIN_FILENO && S_ISFIFO(st.st_mode) &&
		    (rc = fifo_first_data(c, fd, name)) != RUN_OK) {
			close(fd);
			break;
		}
		/* With clients to serve (--listen), a pipe or FIFO that has
		 * nothing to say must not block the stream: read it without
		 * blocking and poll it along with the clients. */
		if ((S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
		    sink_wants_nonblocking_input(c->sink) &&
		    (fl = fcntl(fd, F_GETFL)) != -1 &&
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
			fl = -1;
		if ((rc = sink_rc(c, sink_set_batch(c->sink, c->batch_ok &&
		    regular))) == RUN_OK)
			rc = o->lines ? lines_input(c, fd, name) :
			    csv_input(c, fd, name);
		if (fl != -1)
			(void)fcntl(fd, F_SETFL, fl);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	return rc;
}

/* Parse one synthesised row through the pipe into csvio. */
static int
synth_csv(struct ctx *c, const char *row, size_t len,
    struct csvio_record *rec)
{
	char tmp[ROWBUF + 1];
	int n;

	memcpy(tmp, row, len);
	tmp[len] = '\n';
	if (writeall(c->pfd[1], tmp, len + 1) == -1)
		err(1, "pipe");
	do
		n = csvio_next(c->prd, rec);
	while (n == -1 && rec->err == CSVIO_EINTR);
	if (n != 1)
		errx(1, "synth: internal: row does not parse");
	return 0;
}

int
store_pass(struct ctx *c)
{
	const struct replay_opts *o = c->o;
	struct synth_store_opts so;
	struct synth_store *s;
	struct csvio_record rec;
	char row[ROWBUF];
	size_t len;
	int rc = RUN_OK, fields = o->clean || o->speedup > 0;

	synth_store_defaults(&so);
	so.seed = o->seed;
	so.rows = o->rows;
	so.days = o->days;
	if (o->start_set)
		so.start = o->start;
	so.flags = o->dirty ? SYNTH_TS_DMY | SYNTH_FLOAT_INTS : 0;
	so.empty_rows = o->empty_rows;
	so.weak_branch = o->weak_branch;
	so.weak_factor = o->weak_factor;
	so.hot_product = o->hot_product;
	so.hot_factor = o->hot_factor;
	if ((s = synth_store_new(&so)) == NULL)
		errx(1, "synth: cannot make the store");
	if (c->hdr == NULL) {
		if ((c->hdr = xstrndup(SYNTH_HEADER, strlen(SYNTH_HEADER))) ==
		    NULL)
			err(1, "malloc");
		c->hdrlen = strlen(SYNTH_HEADER);
		if (fields) {
			if (pipe2(c->pfd, O_CLOEXEC) == -1)
				err(1, "pipe");
			if ((c->prd = csvio_reader_new(c->pfd[0], ',', 0)) == NULL)
				err(1, "malloc");
			synth_csv(c, c->hdr, c->hdrlen, &rec);
			c->tcol = csvio_find(&rec, o->time_col);
		}
	}
	if ((rc = sink_rc(c, sink_set_batch(c->sink, c->batch_ok))) != RUN_OK ||
	    (rc = ensure_started(c)) != RUN_OK)
		goto out;
	while (rc == RUN_OK && (len = synth_store_next(s, row, sizeof(row))) > 0) {
		if (fields) {
			synth_csv(c, row, len, &rec);
			rc = csv_row(c, &rec, "synth");
		} else {
			rc = emit(c, row, len, NAN);
		}
	}
out:
	synth_store_free(s);
	return rc;
}

int
invoices_pass(struct ctx *c)
{
	const struct replay_opts *o = c->o;
	struct synth_invoice_opts io;
	struct synth_invoices *s;
	struct synth_invoice inv;
	char buf[ROWBUF];
	size_t len;
	int rc;

	synth_invoice_defaults(&io);
	io.seed = o->seed;
	io.invoices = o->rows;
	io.customers = o->customers;
	io.segments = o->segments;
	io.years = o->years;
	if (o->start_set)
		io.start = o->start;
	if ((s = synth_invoices_new(&io)) == NULL)
		errx(1, "synth: cannot make the invoices");
	if ((rc = sink_rc(c, sink_set_batch(c->sink, c->batch_ok))) != RUN_OK ||
	    (rc = ensure_started(c)) != RUN_OK)
		goto out;
	while (rc == RUN_OK && synth_invoices_next(s, &inv)) {
		len = o->json ? synth_invoice_json(s, &inv, buf, sizeof(buf)) :
		    synth_invoice_text(s, &inv, buf, sizeof(buf));
		if (len == 0) {
			c->malformed++;
			continue;
		}
		rc = emit(c, buf, len, NAN);
	}
out:
	synth_invoices_free(s);
	return rc;
}

