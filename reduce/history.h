#ifndef REDUCE_HISTORY_H
#define REDUCE_HISTORY_H
/* reduce --history DIR: a bounded, append-only time series of chosen
 * snapshot files.  At every tick that writes a snapshot, each chosen
 * aggregate FILE has its rows appended to DIR/FILE, each prefixed with
 * the tick's time and the newest row's event time:
 *
 *	time,event_time,<the aggregate's columns>
 *
 * (kpis.csv: one row a tick).  A file past max_size bytes, or whose first
 * row is older than max_age seconds, is renamed to FILE.1 (replacing the
 * one before) and started again, header first, so the history holds at
 * most about twice max_size a file.  Nothing here prints or exits. */
#include <stddef.h>
#include <stdint.h>

#include "agg.h"

struct history;

/* Open DIR (made when missing) for the aggregates named in files, a
 * comma-separated list of snapshot file names of the spec, or "" for the
 * default: kpis.csv and branch_sales.csv, those of them the spec has.
 * max_size 0: no size limit; max_age 0: no age limit.
 *
 * ckpt_ext (ckpt_len bytes; NULL: a fresh run) is a loaded checkpoint's
 * ext lines: each file is first cut back to its length at that
 * checkpoint (its "ext,history,FILE,SIZE,INODE" line, history_ext), so
 * rows appended after it go.  A file rotated since (FILE.1 is the
 * checkpoint's file now) is cut back and renamed to FILE again, replacing
 * the rows after the checkpoint; the FILE.1 that rotation replaced is
 * gone.  A file that is neither (removed, replaced) is left as it is.
 * NULL with a message in err. */
struct history *history_open(struct agg *a, const struct spec *sp,
    const char *dir, const char *files, uint64_t max_size, double max_age,
    int nosync, const char *ckpt_ext, size_t ckpt_len, char *err,
    size_t errlen);

/* The ext lines that record each file's length and inode now, for a
 * checkpoint (agg_pos.ext), in *ext (malloc'd; the caller frees) and
 * *len.  0, or -1 with errno set. */
int history_ext(struct history *h, char **ext, size_t *len);

/* Append the current state of a, stamped with the wall-clock time now
 * (seconds since the epoch).  0, or -1 with errno set and the path in
 * err. */
int history_tick(struct history *h, struct agg *a, double now, char *err,
    size_t errlen);

void history_close(struct history *h);

#endif
