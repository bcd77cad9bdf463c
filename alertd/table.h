#ifndef ALERTD_TABLE_H
#define ALERTD_TABLE_H
/* One CSV file of a reduce snapshot directory, held in memory and read
 * again only when it has been replaced. */
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>

#define TABLE_RECORD_MAX	65536
#define TABLE_ROWS_MAX		1000000
#define TABLE_BYTES_MAX		(64 << 20)

struct table {
	char *name;		/* file name within the directory (owned) */
	char **hdr;		/* ncols column names */
	size_t ncols;
	char **cells;		/* nrows * ncols fields, row by row */
	size_t nrows;
	int ok;			/* read, with a header: the rows are usable */
	int optional;		/* may be missing: no warning */
	int missing_warned;
	int have_st;
	struct stat st;		/* of the file last read */
	unsigned long gen;	/* ctx->gen when last read */
};

/* What one round of reads shares. */
struct table_ctx {
	const char *dir;
	int quiet;		/* no warnings about malformed rows */
	int quiet_missing;	/* no warning for a missing file this time */
	unsigned long gen;	/* the round's number */
	unsigned long malformed;	/* malformed rows seen, added to */
	int fail_status;	/* exit status on ENOMEM */
	volatile sig_atomic_t *stop;	/* when set, give up reading */
};

/* Read DIR/NAME into t, unless it is the file already read (reduce
 * replaces files by rename, so the same inode, size and mtime is the same
 * file).  Only a regular file of at most TABLE_BYTES_MAX bytes is read
 * (lib/readfile.h: never blocking on a FIFO or a device).  Malformed rows
 * are skipped, counted and warned about with file:line.  Returns 1 when
 * read, 0 when unchanged, -1 when missing, not a regular file, too large,
 * unreadable or stopped (t->ok is then 0; a file that cannot be opened is
 * warned about once). */
int table_read(struct table *t, struct table_ctx *c);

void table_clear(struct table *t);

/* The index of column name, or -1. */
long table_col(const struct table *t, const char *name);

/* The field at row, col (borrowed). */
const char *table_cell(const struct table *t, size_t row, size_t col);

#endif
