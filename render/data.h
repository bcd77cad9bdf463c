#ifndef RENDER_DATA_H
#define RENDER_DATA_H
/* A CSV file read whole into memory: the header and rows of strings. */
#include <stddef.h>
#include <stdint.h>

#define DATA_MAX_RECORD	(1024 * 1024)	/* longest record accepted */
#define DATA_MAX_ROWS	1000000		/* rows kept in memory */
#define DATA_MAX_COLS	1024
#define DATA_MAX_CELLS	(4 * 1024 * 1024)	/* rows x columns kept */
#define DATA_MAX_BYTES	(64 * 1024 * 1024)	/* input read by one read */

struct dtab {
	char *name;		/* for messages (owned) */
	size_t ncol, nrow;
	char **hdr;		/* ncol names */
	char **cell;		/* nrow * ncol strings, row-major */
	uint64_t *line;		/* source line of each row */
};

enum {
	DATA_APPENDED = 1,	/* a file being appended to: ignore a last
				 * line without its line break */
	DATA_FIFO = 2,		/* dtab_read_path: a FIFO is allowed too */
};

/* Read CSV from fd, naming it name in messages.  keep_last > 0 keeps only
 * the last keep_last rows.  At most DATA_MAX_BYTES are read and
 * DATA_MAX_CELLS kept; a read stops early with "name: interrupted" once
 * sig_stop is set (SIGINT, SIGTERM).  Returns the table, or NULL with a
 * message "name:line: reason" in err. */
struct dtab *dtab_read_fd(int fd, const char *name, size_t keep_last,
    unsigned flags, char *err, size_t errlen);

/* Open and read path: a regular file (or a FIFO with DATA_FIFO, waited
 * for until a writer sends data or goes), opened without blocking.  A
 * big file read with keep_last reads only its header and its tail.  NULL
 * with a message in err. */
struct dtab *dtab_read_path(const char *path, const char *name,
    size_t keep_last, unsigned flags, char *err, size_t errlen);

void dtab_free(struct dtab *t);

/* Index of a column by header name, or -1. */
long dtab_col(const struct dtab *t, const char *name);

static inline const char *
dtab_get(const struct dtab *t, size_t row, size_t col)
{
	return t->cell[row * t->ncol + col];
}

/* 1 when every non-empty value of column col is a number (and at least
 * one is). */
int dtab_numeric(const struct dtab *t, size_t col);

/* The value at row, col: 0 with *v set, 1 when empty (unknown), or -1
 * with "name:line: column 'C': not a number: 'x'" in err. */
int dtab_num(const struct dtab *t, size_t row, size_t col, double *v,
    char *err, size_t errlen);

#endif
