/* Reading a CSV file whole into a table of strings. */
#include "data.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "fmt.h"
#include "readfile.h"
#include "util.h"

#define TAIL_MIN	(8 * 1024)	/* read at least this much of a tail */
#define TAIL_PER_ROW	128		/* and this much per wanted row, at
					 * first; 4 times more while short */

void
dtab_free(struct dtab *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncol; i++)
		free(t->hdr[i]);
	for (i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->hdr);
	free(t->cell);
	free(t->line);
	free(t->name);
	free(t);
}

long
dtab_col(const struct dtab *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncol; i++)
		if (strcmp(t->hdr[i], name) == 0)
			return (long)i;
	return -1;
}

/* Does a header name an identifier (CustomerID, InvoiceNo, PhoneNumber,
 * ZipCode)?  Such columns hold digits but are not quantities: they are shown
 * verbatim, never grouped or summed, and never picked as a default value. */
static int
names_identifier(const char *h)
{
	static const char *const tails[] = { "id", "no", "number", "phone",
	    "code" };
	size_t n = strlen(h), i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t k = strlen(tails[i]);
		if (n >= k && strcasecmp(h + n - k, tails[i]) == 0)
			return 1;
	}
	return strcasestr(h, "phone") != NULL;
}

int
dtab_numeric(const struct dtab *t, size_t col)
{
	size_t r;
	int seen = 0;
	double v;

	if (names_identifier(t->hdr[col]))
		return 0;
	for (r = 0; r < t->nrow; r++) {
		int rc;
		if ((r & 1023) == 0 && sig_stop)
			return 0;	/* ending: the frame is not shown */
		rc = fmt_parse_num(dtab_get(t, r, col), &v);
		if (rc < 0)
			return 0;
		if (rc == 0)
			seen = 1;
	}
	return seen;
}

int
dtab_num(const struct dtab *t, size_t row, size_t col, double *v,
    char *err, size_t errlen)
{
	const char *s = dtab_get(t, row, col);
	int rc = fmt_parse_num(s, v);

	if (rc < 0) {
		char shown[40];
		size_t n = u8_prefix(s, strlen(s), 24);

		snprintf(shown, sizeof(shown), "%.*s%s", (int)n, s,
		    s[n] ? "..." : "");
		snprintf(err, errlen,
		    "%s:%llu: column '%s': %s: '%s'",
		    t->name, (unsigned long long)t->line[row], t->hdr[col],
		    rc == -2 ? "number out of range (over 1e300)" :
		    "not a number", shown);
		return -1;
	}
	return rc;
}

/* Copy the fields of rec into a freshly allocated array of strings. */
static char **
dtab_copy(const struct csvio_record *rec)
{
	char **v = calloc(rec->nf ? rec->nf : 1, sizeof(*v));
	size_t i;

	if (v == NULL)
		return NULL;
	for (i = 0; i < rec->nf; i++) {
		if ((v[i] = xstrndup(rec->f[i].p, rec->f[i].len)) == NULL) {
			while (i > 0)
				free(v[--i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

/* Read records from a reader whose header is read already. */
/* The message of a record csvio could not read. */
static void
rec_error(const struct dtab *t, const struct csvio_record *rec, char *err,
    size_t errlen)
{
	if (rec->err == CSVIO_EIO)
		snprintf(err, errlen, "%s: %s", t->name, strerror(errno));
	else if (rec->err == CSVIO_ETOOLONG)
		snprintf(err, errlen, "%s:%llu: record longer than %d bytes",
		    t->name, (unsigned long long)rec->line, DATA_MAX_RECORD);
	else
		snprintf(err, errlen, "%s:%llu: %s", t->name,
		    (unsigned long long)rec->line, csvio_strerror(rec->err));
}

/* The ring of the last rows kept, its oldest at start, put in order.
 * Returns 0, or -1 out of memory. */
static int
dtab_unroll(struct dtab *t, size_t start)
{
	char **c = malloc(t->nrow * t->ncol * sizeof(*c));
	uint64_t *l = malloc(t->nrow * sizeof(*l));
	size_t i;

	if (c == NULL || l == NULL) {
		free(c);
		free(l);
		return -1;
	}
	for (i = 0; i < t->nrow; i++) {
		size_t from = (start + i) % t->nrow;
		memcpy(&c[i * t->ncol], &t->cell[from * t->ncol],
		    t->ncol * sizeof(*c));
		l[i] = t->line[from];
	}
	free(t->cell);
	free(t->line);
	t->cell = c;
	t->line = l;
	return 0;
}

static int
dtab_rows(struct dtab *t, struct csvio_reader *r, size_t keep_last,
    int tail, char *err, size_t errlen)
{
	struct csvio_record rec;
	size_t cap = 0, start = 0, k;	/* ring of kept rows when keep_last */
	uint64_t first = csvio_offset(r), nrec = 0;
	int rc;

	for (;;) {
		/* A signal to stop ends a long read. */
		if ((++nrec & 255) == 0 && sig_stop)
			goto stopped;
		rc = csvio_next(r, &rec);
		if (rc == 0)
			break;
		if (csvio_offset(r) - first > DATA_MAX_BYTES) {
			snprintf(err, errlen, "%s: input larger than %d bytes",
			    t->name, DATA_MAX_BYTES);
			return -1;
		}
		if (rc < 0) {
			if (rec.err == CSVIO_EINTR) {
				if (sig_stop)
					goto stopped;
				continue;
			}
			rec_error(t, &rec, err, errlen);
			return -1;
		}
		if (tail && rec.line == 1)
			continue;	/* the partial line we landed in */
		if (rec.nf != t->ncol) {
			snprintf(err, errlen,
			    "%s:%llu: %zu field%s, the header "
			    "has %zu", t->name, (unsigned long long)rec.line,
			    rec.nf, rec.nf == 1 ? "" : "s", t->ncol);
			return -1;
		}
		if (keep_last == 0 && t->nrow >= DATA_MAX_ROWS) {
			snprintf(err, errlen, "%s:%llu: more than %d rows",
			    t->name, (unsigned long long)rec.line,
			    DATA_MAX_ROWS);
			return -1;
		}
		if ((t->nrow + 1) * t->ncol > DATA_MAX_CELLS &&
		    (keep_last == 0 || t->nrow < keep_last)) {
			snprintf(err, errlen, "%s:%llu: more than %d cells "
			    "(rows x columns)", t->name,
			    (unsigned long long)rec.line, DATA_MAX_CELLS);
			return -1;
		}
		if (keep_last > 0 && t->nrow == keep_last) {
			/* Drop the oldest kept row and reuse its slot. */
			size_t slot = start;
			for (k = 0; k < t->ncol; k++) {
				free(t->cell[slot * t->ncol + k]);
				t->cell[slot * t->ncol + k] = NULL;
			}
			char **v = dtab_copy(&rec);
			if (v == NULL)
				goto nomem;
			memcpy(&t->cell[slot * t->ncol], v,
			    t->ncol * sizeof(*v));
			free(v);
			t->line[slot] = rec.line;
			start = (start + 1) % keep_last;
			continue;
		}
		if (t->nrow == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **c;
			uint64_t *l;

			if (keep_last > 0 && ncap > keep_last)
				ncap = keep_last;
			c = realloc(t->cell, ncap * t->ncol * sizeof(*c));
			if (c == NULL)
				goto nomem;
			t->cell = c;
			l = realloc(t->line, ncap * sizeof(*l));
			if (l == NULL)
				goto nomem;
			t->line = l;
			cap = ncap;
		}
		char **v = dtab_copy(&rec);
		if (v == NULL)
			goto nomem;
		memcpy(&t->cell[t->nrow * t->ncol], v, t->ncol * sizeof(*v));
		free(v);
		t->line[t->nrow] = rec.line;
		t->nrow++;
	}
	if (keep_last > 0 && start != 0 && dtab_unroll(t, start) == -1)
		goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory", t->name);
	return -1;
stopped:
	snprintf(err, errlen, "%s: interrupted", t->name);
	return -1;
}

/* Read the header record. */
static int
dtab_header(struct dtab *t, struct csvio_reader *r, char *err, size_t errlen)
{
	struct csvio_record rec;
	int rc;

	do
		rc = csvio_next(r, &rec);
	while (rc < 0 && rec.err == CSVIO_EINTR && !sig_stop);
	if (rc == 0) {
		snprintf(err, errlen, "%s: empty input (no header line)",
		    t->name);
		return -1;
	}
	if (rc < 0) {
		if (rec.err == CSVIO_ETOOLONG)
			snprintf(err, errlen, "%s:%llu: record longer than %d "
			    "bytes", t->name, (unsigned long long)rec.line,
			    DATA_MAX_RECORD);
		else if (rec.err == CSVIO_EIO)
			snprintf(err, errlen, "%s: %s", t->name,
			    strerror(errno));
		else
			snprintf(err, errlen, "%s:%llu: %s", t->name,
			    (unsigned long long)rec.line,
			    csvio_strerror(rec.err));
		return -1;
	}
	if (rec.nf > DATA_MAX_COLS) {
		snprintf(err, errlen, "%s:1: more than %d columns", t->name,
		    DATA_MAX_COLS);
		return -1;
	}
	t->ncol = 0;
	if ((t->hdr = dtab_copy(&rec)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", t->name);
		return -1;
	}
	t->ncol = rec.nf;
	return 0;
}

static struct dtab *
dtab_begin(const char *name, char *err, size_t errlen)
{
	struct dtab *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->name = strdup(name)) == NULL) {
		free(t);
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	return t;
}

struct dtab *
dtab_read_fd(int fd, const char *name, size_t keep_last, unsigned flags,
    char *err, size_t errlen)
{
	struct csvio_reader *r;
	struct dtab *t;

	if ((t = dtab_begin(name, err, errlen)) == NULL)
		return NULL;
	if ((r = csvio_reader_new(fd, ',', DATA_MAX_RECORD)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		dtab_free(t);
		return NULL;
	}
	if (flags & DATA_APPENDED)
		csvio_reader_set_follow(r, 1);
	if (dtab_header(t, r, err, errlen) == -1 ||
	    dtab_rows(t, r, keep_last, 0, err, errlen) == -1) {
		csvio_reader_free(r);
		dtab_free(t);
		return NULL;
	}
	csvio_reader_free(r);
	return t;
}

/* Read only the header line of the file at fd (its first HEADER_MAX
 * bytes at most), through a pipe to the CSV reader, so that a big file's
 * header does not cost a big read. */
#define HEADER_MAX	(32 * 1024)
static int
dtab_small_header(struct dtab *t, int fd, char *err, size_t errlen)
{
	struct csvio_reader *r;
	char buf[HEADER_MAX];
	ssize_t n;
	size_t len;
	char *nl;
	int p[2], rc;

	do
		n = pread(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", t->name, strerror(errno));
		return -1;
	}
	if ((nl = memchr(buf, '\n', (size_t)n)) == NULL) {
		snprintf(err, errlen, "%s:1: header longer than %d bytes",
		    t->name, HEADER_MAX);
		return -1;
	}
	len = (size_t)(nl - buf) + 1;
	if (pipe(p) == -1) {
		snprintf(err, errlen, "%s: %s", t->name, strerror(errno));
		return -1;
	}
	/* A pipe holds at least 64 KiB: this write does not block. */
	rc = writeall(p[1], buf, len) < 0 ? -1 : 0;
	close(p[1]);
	if (rc == 0 && (r = csvio_reader_new(p[0], ',', HEADER_MAX)) != NULL) {
		rc = dtab_header(t, r, err, errlen);
		csvio_reader_free(r);
	} else {
		snprintf(err, errlen, "%s: %s", t->name, strerror(errno));
		rc = -1;
	}
	close(p[0]);
	return rc;
}

/* Wait until a writer of the FIFO at fd sends data or closes it: read(2)
 * on a FIFO nobody has opened yet returns end of file at once.  A signal
 * to stop ends the wait. */
static int
dtab_wait_fifo(int fd, const char *name, char *err, size_t errlen)
{
	int rc;

	for (;;) {
		if (sig_stop) {
			snprintf(err, errlen, "%s: interrupted", name);
			return -1;
		}
		/* 200 ms at a time: the stop flag is seen at once. */
		if ((rc = li_fifo_wait(fd, 200)) == 1)
			return 0;
		if (rc == -1 && errno != EINTR) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			return -1;
		}
	}
}

struct dtab *
dtab_read_path(const char *path, const char *name, size_t keep_last,
    unsigned flags, char *err, size_t errlen)
{
	struct csvio_reader *r = NULL;
	struct dtab *t = NULL;
	struct stat st;
	char why[128];
	off_t tail;
	int fd;

	/* Never blocks in open(2); refuses devices (/dev/zero), sockets,
	 * directories, and FIFOs unless allowed. */
	if ((fd = li_open_input(path, flags & DATA_FIFO ? LI_IN_FIFO : 0, why,
	    sizeof(why))) == -1) {
		snprintf(err, errlen, "%s: %s", name, why);
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (S_ISFIFO(st.st_mode) && dtab_wait_fifo(fd, name, err, errlen) ==
	    -1)
		goto fail;
	tail = (off_t)(keep_last * TAIL_PER_ROW);
	if (tail < TAIL_MIN)
		tail = TAIL_MIN;
	for (;;) {
		if (keep_last == 0 || !S_ISREG(st.st_mode) ||
		    st.st_size <= 2 * tail) {
			if (lseek(fd, 0, SEEK_SET) == -1 &&
			    S_ISREG(st.st_mode)) {
				snprintf(err, errlen, "%s: %s", name,
				    strerror(errno));
				goto fail;
			}
			t = dtab_read_fd(fd, name, keep_last, flags, err,
			    errlen);
			close(fd);
			return t;
		}
		/* A big file of which only the last rows are wanted: read
		 * the header, then start just inside the tail (the first,
		 * partial line there is skipped).  Line numbers count from
		 * that point.  Too few rows there: a bigger tail. */
		if (lseek(fd, 0, SEEK_SET) == -1) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			goto fail;
		}
		if ((t = dtab_begin(name, err, errlen)) == NULL)
			goto fail;
		if (dtab_small_header(t, fd, err, errlen) == -1)
			goto fail;
		if ((r = csvio_reader_new(fd, ',', DATA_MAX_RECORD)) == NULL) {
			snprintf(err, errlen, "%s: out of memory", name);
			goto fail;
		}
		if (flags & DATA_APPENDED)
			csvio_reader_set_follow(r, 1);
		if (lseek(fd, st.st_size - tail, SEEK_SET) == -1) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			goto fail;
		}
		csvio_reader_seek(r, (uint64_t)(st.st_size - tail), 1);
		if (dtab_rows(t, r, keep_last, 1, err, errlen) == -1)
			goto fail;
		csvio_reader_free(r);
		r = NULL;
		if (t->nrow >= keep_last)
			break;
		dtab_free(t);
		t = NULL;
		tail *= 4;
	}
	close(fd);
	return t;
fail:
	csvio_reader_free(r);
	dtab_free(t);
	close(fd);
	return NULL;
}
