/* Snapshot files in memory; see table.h. */
#include "table.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "readfile.h"
#include "util.h"

void
table_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->hdr[i]);
	free(t->hdr);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->hdr = NULL;
	t->cells = NULL;
	t->ncols = t->nrows = 0;
	t->ok = 0;
}

static char *
field_dup(const struct csvio_field *f, int status)
{
	char *p = xstrndup(f->p, f->len);

	if (p == NULL)
		err(status, "malloc");
	return p;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int
table_read(struct table *t, struct table_ctx *c)
{
	char path[4096];
	struct csvio_reader *r = NULL;
	struct csvio_record rec;
	struct stat st;
	size_t cap = 0, i;
	int fd, rc, ret = -1;
	char e[128];

	snprintf(path, sizeof(path), "%s/%s", c->dir, t->name);
	/* A regular file only, opened without blocking: a FIFO or a link to
	 * /dev/zero in the directory is refused, never read. */
	if ((fd = li_open_input(path, 0, e, sizeof(e))) == -1) {
		table_clear(t);
		t->have_st = 0;
		if (!t->missing_warned && !t->optional && !c->quiet_missing)
			warnx("%s: %s", path, e);
		t->missing_warned = !c->quiet_missing;
		return -1;
	}
	t->missing_warned = 0;
	if (fstat(fd, &st) == -1) {
		warn("%s", path);
		close(fd);
		table_clear(t);
		t->have_st = 0;
		return -1;
	}
	if (t->have_st && same_file(&st, &t->st)) {
		close(fd);
		return t->ok ? 0 : -1;
	}
	table_clear(t);
	t->st = st;
	t->have_st = 1;
	t->gen = c->gen;
	if (st.st_size > TABLE_BYTES_MAX) {
		warnx("%s: larger than %d bytes: not read", path,
		    TABLE_BYTES_MAX);
		close(fd);
		return -1;
	}
	if ((r = csvio_reader_new(fd, ',', TABLE_RECORD_MAX)) == NULL)
		err(c->fail_status, "malloc");
	/* Back here every MiB, even inside a record that never ends, for the
	 * checks below. */
	csvio_reader_set_budget(r, 1 << 20);
	while ((rc = csvio_next(r, &rec)) != 0) {
		if (c->stop != NULL && *c->stop) {
			table_clear(t);
			t->have_st = 0;
			goto out;
		}
		if (csvio_offset(r) > TABLE_BYTES_MAX) {
			warnx("%s: larger than %d bytes: not read", path,
			    TABLE_BYTES_MAX);
			table_clear(t);
			goto out;
		}
		if (rc == -1 && (rec.err == CSVIO_EAGAIN ||
		    rec.err == CSVIO_EINTR))
			continue;	/* the budget above, or a signal */
		if (rc == -1) {
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM) {
				warn("%s", path);
				table_clear(t);
				t->have_st = 0;
				goto out;
			}
			c->malformed++;
			if (!c->quiet)
				warnx("%s:%llu: %s", path,
				    (unsigned long long)rec.line,
				    csvio_strerror(rec.err));
			continue;
		}
		if (t->hdr == NULL) {
			t->ncols = rec.nf;
			if ((t->hdr = calloc(rec.nf, sizeof(*t->hdr))) == NULL)
				err(c->fail_status, "malloc");
			for (i = 0; i < rec.nf; i++)
				t->hdr[i] = field_dup(&rec.f[i], c->fail_status);
			continue;
		}
		if (rec.nf != t->ncols) {
			c->malformed++;
			if (!c->quiet)
				warnx("%s:%llu: %zu fields, want %zu", path,
				    (unsigned long long)rec.line, rec.nf,
				    t->ncols);
			continue;
		}
		if (t->nrows == TABLE_ROWS_MAX) {
			warnx("%s: more than %d rows: rest ignored", path,
			    TABLE_ROWS_MAX);
			break;
		}
		if (t->nrows == cap) {
			char **v;
			cap = cap ? cap * 2 : 32;
			if ((v = realloc(t->cells,
			    cap * t->ncols * sizeof(*v))) == NULL)
				err(c->fail_status, "realloc");
			t->cells = v;
		}
		for (i = 0; i < t->ncols; i++)
			t->cells[t->nrows * t->ncols + i] =
			    field_dup(&rec.f[i], c->fail_status);
		t->nrows++;
	}
	if (t->hdr == NULL) {
		warnx("%s: empty file", path);
		goto out;
	}
	t->ok = 1;
	ret = 1;
out:
	csvio_reader_free(r);
	close(fd);
	return ret;
}

long
table_col(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->hdr[i], name) == 0)
			return (long)i;
	return -1;
}

const char *
table_cell(const struct table *t, size_t row, size_t col)
{
	return t->cells[row * t->ncols + col];
}
