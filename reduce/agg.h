#ifndef REDUCE_AGG_H
#define REDUCE_AGG_H
/* The aggregate engine of reduce(1): running group-by aggregates over
 * transaction rows, snapshot files, and the mergeable state kept in
 * checkpoints.
 *
 * Group keys are interned to small ids (lib/strmap.h), one interner per
 * key source (an input column or a derived time field), and each aggregate
 * keeps its groups and cells in flat arrays.  Numbers are exact integers
 * in hundredths (lib/money.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csvio.h"
#include "spec.h"

struct agg;

/* Where the input stood when a state was saved. */
struct agg_pos {
	char input[1024];	/* input name ("-" for stdin) */
	uint64_t offset;	/* byte offset just past the last row */
	uint64_t line;		/* line number of the next row */
	uint64_t rejects_size;	/* length of the rejects file then */
	/* Extra position lines ("ext,..." each ending in a line break, as
	 * reduce/kafkain.c writes Kafka offsets), saved inside the checksum;
	 * agg_load returns them in a buffer the caller frees.  NULL: none. */
	char *ext;
	size_t extlen;
};

/* A new engine for sp (copied).  NULL on ENOMEM. */
struct agg *agg_new(const struct spec *sp);
void agg_free(struct agg *a);

/* Find the columns the spec needs in the header record hdr (its names
 * trimmed as csvio_field_trim does); derived time fields, mintime() and
 * maxtime() come from the column tscol.  A header column wins over a
 * derived field of the same name.  Returns 0, or -1 with a message in
 * err. */
int agg_bind(struct agg *a, const struct csvio_record *hdr,
    const char *tscol, char *err, size_t errlen);

/* Add one data record.  Fields are trimmed (csvio_field_trim); a value
 * that a ":int" measure reads must be whole ("fractional quantity").
 * Returns 0 when it was accepted, -1 when it was rejected (counted) with
 * the reason in why, or 1 when --since/--until left it out (counted
 * apart: agg_filtered). */
int agg_row(struct agg *a, const struct csvio_record *rec, char *why,
    size_t whylen);

/* Count a record rejected before agg_row (a CSV error). */
void agg_count_reject(struct agg *a);

uint64_t agg_rows(const struct agg *a);
/* 1 when a sum went past the 64-bit range of hundredths (about 9.2e16)
 * and was held at its end. */
int agg_overflowed(const struct agg *a);
uint64_t agg_rejected(const struct agg *a);
/* The timestamp of the last accepted row, in seconds as if UTC; returns
 * 0 when there is none yet, else 1. */
int agg_last_time(const struct agg *a, int64_t *secs);
/* The newest timestamp of the accepted rows, as agg_last_time. */
int agg_max_time(const struct agg *a, int64_t *secs);

/* ---- event-time windows and filters (window.c, wincsv.c) --------------- */

/* How many aggregates have a window key. */
size_t agg_nwindowed(const struct agg *a);
/* Turn the watermark on: the newest accepted row time minus lateness
 * (seconds).  A window whose end is at or before it is closed: written
 * once to its closed-windows file (agg_set_closed) and dropped from
 * memory; a row that falls in a closed window is rejected ("late").
 * Without it, windows stay open. */
void agg_set_watermark(struct agg *a, int64_t lateness);
/* The watermark (seconds as if UTC); 0 when there is none yet, else 1. */
int agg_watermark(const struct agg *a, int64_t *secs);
/* Rows rejected as late, and rows left out by --since/--until. */
uint64_t agg_late(const struct agg *a);
uint64_t agg_filtered(const struct agg *a);
/* Open the closed-windows files: dir/FILE for each windowed aggregate
 * FILE, made with the umask's permissions; header first.  resumed: a
 * state was loaded, so each file is cut back to its length saved then
 * (one gone or empty starts again; one shorter is an error).  Without
 * this, closed windows are dropped.  0, or -1 with a message in err. */
int agg_set_closed(struct agg *a, const char *dir, int resumed, char *err,
    size_t errlen);
/* Make a an engine for --merge: it keeps each part's open windows (made
 * from the part's panes), so what a part has closed is not counted again.
 * Before any agg_merge into it. */
void agg_set_merging(struct agg *a);
/* Close every window the watermark has passed (after a merge).  0, or
 * -1 with errno set. */
int agg_close_windows(struct agg *a);
/* Leave out rows before since or at/after until (seconds as if UTC; with
 * tod, seconds into the day, on every day).  agg_row returns 1 for such a
 * row, which is neither accepted nor rejected. */
void agg_set_since(struct agg *a, int64_t since, int tod);
void agg_set_until(struct agg *a, int64_t until, int tod);
/* Parse a --since/--until value: a timestamp as the rows have them
 * (tod 0), or HH:MM[:SS], a time of day (tod 1).  0 or -1. */
int agg_parse_when(const char *s, int64_t *secs, int *tod);
/* Flush the closed-windows files (fsync unless nosync).  0, or -1 with
 * errno set (also for an earlier failure to write a closed window). */
int agg_flush_closed(struct agg *a, int nosync);

/* Write every snapshot file into dir, each replaced atomically (fsync
 * unless nosync).  Returns 0, or -1 with errno set and the failing path in
 * err. */
int agg_write_snapshot(struct agg *a, const char *dir, int nosync,
    char *err, size_t errlen);

/* Write one aggregate (index i) as CSV to fp.  Returns 0 or -1. */
int agg_write_csv(struct agg *a, size_t i, FILE *fp);

/* Save the whole state with pos to path in one atomic write (version,
 * spec fingerprint, checksum).  Returns 0, or -1 with errno set. */
int agg_save(struct agg *a, const struct agg_pos *pos, const char *path,
    int nosync);

/* Add the state saved in path into a (a fresh engine: resume; a used one:
 * merge).  pos gets the saved position when not NULL.  Returns 0, or -1
 * with a message in err (corrupt, other version, other spec, I/O). */
int agg_load(struct agg *a, const char *path, struct agg_pos *pos,
    char *err, size_t errlen);

/* Add the state of src into dst, exactly as saving src and loading it
 * into dst would (both made from the same spec; src is not changed).
 * Returns 0, or -1 with errno set: EINVAL for another spec, ENOMEM (then
 * dst holds part of src). */
int agg_merge(struct agg *dst, const struct agg *src);

/* A checkpoint's identity: AGG_IDLEN lowercase hex digits, random, made
 * at a state's first save and kept by every later save and by a resume.
 * A merged state holds the identities of all its parts, so --merge can
 * tell the same counts given twice, by copies of a checkpoint too. */
#define AGG_IDLEN	32

/* The number of identities a holds, and the i-th (NUL-terminated). */
size_t agg_nids(const struct agg *a);
const char *agg_id(const struct agg *a, size_t i);

/* CRC-32 (IEEE) of buf, continuing from crc (start with 0). */
uint32_t agg_crc32(uint32_t crc, const void *buf, size_t len);

#endif
