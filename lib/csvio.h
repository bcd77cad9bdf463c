#ifndef LI_CSVIO_H
#define LI_CSVIO_H
/* RFC 4180 CSV reading and writing.
 *
 * The reader splits records straight out of its read buffer: an unquoted
 * field points into that buffer (zero-copy); a quoted field is unquoted into
 * a scratch buffer.  Records end at LF, CRLF or a lone CR outside quotes;
 * quoted fields may hold delimiters, "" and line breaks.  A UTF-8 BOM at the
 * start is skipped and empty lines are not records.  Quoting is strict: a
 * quote inside an unquoted field, or text after a closing quote, is an error
 * for that record only.  Every record is bounded by max_record bytes.
 *
 * Resynchronisation: a bad record never swallows the records after it.
 * A physical line ends at LF.  When a record is malformed (bad quoting,
 * input ending inside a quoted field, too long) or, spanning more than one
 * physical line, cannot be closed consistently (see csvio_reader_set_fields
 * and csvio_reader_set_max_lines), only its first physical line is
 * rejected, and reading goes on at the start of the next physical line,
 * which is read afresh.  A quoted field that spans lines and closes
 * consistently is one record, as RFC 4180 says.
 *
 * libcsv is the project's reference parser; tests/unit/test_csvio.c checks
 * that both give identical fields (libcsv in strict mode, spaces kept). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum csvio_err {
	CSVIO_OK = 0,
	CSVIO_ETOOLONG,		/* record longer than max_record: skipped */
	CSVIO_EQUOTE,		/* malformed quoting: record skipped */
	CSVIO_ETRUNC,		/* input ended inside a quoted field */
	CSVIO_EIO,		/* read(2) failed: errno is set */
	CSVIO_EINTR,		/* read(2) interrupted by a signal; call again */
	CSVIO_ENOMEM,
	CSVIO_EAGAIN,		/* non-blocking fd has no data now; call again */
	CSVIO_EUNTERM,		/* a quote opened on the record's first line
				   cannot be closed consistently: that line
				   alone is skipped */
};

struct csvio_field {
	const char *p;		/* not NUL-terminated */
	size_t len;
};

struct csvio_record {
	struct csvio_field *f;	/* owned by the reader; valid until next call */
	size_t nf;
	uint64_t line;		/* physical line (1-based) where it starts */
	uint64_t last_line;	/* physical line where it ends (== line but
				   for a quoted line break inside) */
	uint64_t offset;	/* stream byte offset of its first byte */
	uint64_t end;		/* stream byte offset just past its line break */
	const char *raw;	/* the record's bytes as read, without line break */
	size_t rawlen;
	enum csvio_err err;	/* set when csvio_next returns -1 */
};

struct csvio_reader;

/* A reader over fd (not closed by the reader).  delim is usually ','.
 * max_record bounds one record (0 means 1 MiB).  NULL on ENOMEM. */
struct csvio_reader *csvio_reader_new(int fd, char delim, size_t max_record);
void csvio_reader_free(struct csvio_reader *r);

/* In follow mode, end of input with a partial record buffered returns 0
 * without consuming it, so a later call picks the record up once the rest
 * has been appended (tail -F). */
void csvio_reader_set_follow(struct csvio_reader *r, int follow);

/* Records that span more than one physical line must have exactly nf
 * fields (a header's count); one that does not is cut back to its first
 * line as CSVIO_EUNTERM.  0 (the default): any count. */
void csvio_reader_set_fields(struct csvio_reader *r, size_t nf);

/* A record may span at most max_lines physical lines; one still open
 * after that many line breaks is cut back to its first line as
 * CSVIO_EUNTERM, so a stray quote holds back at most max_lines - 1 lines
 * of a live stream.  0 (the default): bounded by max_record only. */
void csvio_reader_set_max_lines(struct csvio_reader *r, size_t max_lines);

/* Tell the reader that fd is positioned at stream offset off and line
 * number line (after an lseek for a resume).  Drops anything buffered. */
void csvio_reader_seek(struct csvio_reader *r, uint64_t off, uint64_t line);

/* Read the next record.  Returns 1 with rec filled, 0 at end of input, or
 * -1 with rec->err (and rec->line, rec->last_line, rec->raw for context)
 * set; after -1 the reader has skipped the bad record (its first physical
 * line: see above) and the next call goes on.  CSVIO_EIO
 * and CSVIO_ENOMEM are not recoverable; CSVIO_EINTR and CSVIO_EAGAIN (an
 * O_NONBLOCK fd without data: poll, then call again) lose nothing: call
 * again.  The rest of an over-long record is discarded across calls: each
 * read(2) of it returns CSVIO_EINTR (call again, nothing is lost), so a
 * source that never ends the line (cat /dev/zero) does not keep one call,
 * and the caller's stop flag, waiting for ever. */
int csvio_next(struct csvio_reader *r, struct csvio_record *rec);

/* Bytes of input consumed so far (the offset of the next record). */
uint64_t csvio_offset(const struct csvio_reader *r);

/* The line number where the next record starts. */
uint64_t csvio_line(const struct csvio_reader *r);

/* Let one csvio_next call read at most about bytes (one read(2) may go
 * past it); then it returns -1 with CSVIO_EAGAIN, losing nothing, and the
 * next call goes on.  Without it (0, the default) a source that never
 * ends a line, such as /dev/zero, keeps one call discarding for ever; a
 * caller that must notice signals sets a budget. */
void csvio_reader_set_budget(struct csvio_reader *r, size_t bytes);

const char *csvio_strerror(enum csvio_err e);

/* The trimming rule of the LiveInsight tools: an unquoted field loses the
 * blanks (spaces and tabs) around it, so ", 72.71" reads 72.71; a quoted
 * field keeps its bytes as they are, inner blanks too (" \" a \"" is
 * malformed quoting, as before).  f is a field of rec, as csvio_next
 * returned it (not after the next call); f->p and f->len are moved in. */
void csvio_field_trim(const struct csvio_record *rec, struct csvio_field *f);

/* Find a header name in rec (exact, case-sensitive).  Returns its index or
 * -1. */
long csvio_find(const struct csvio_record *rec, const char *name);

/* 1 when a field must be quoted on output (delimiter, quote, CR or LF). */
int csvio_needs_quote(const char *s, size_t len, char delim);

/* Write one field, quoted only when needed.  Returns 0, or -1 on a write
 * error (check ferror). */
int csvio_put_field(FILE *fp, const char *s, size_t len, char delim);

/* Append one field to buf (capacity cap, length *len), quoted only when
 * needed.  Returns 0, or -1 when it does not fit (buf unchanged). */
int csvio_append_field(char *buf, size_t cap, size_t *len, const char *s,
    size_t slen, char delim);

#endif
