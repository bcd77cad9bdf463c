#ifndef REDUCE_AGG_INT_H
#define REDUCE_AGG_INT_H
/* The aggregate engine's insides, shared by agg.c (setup, rows, groups)
 * and state.c (snapshots, checkpoints).  Not for the rest of reduce. */
#include "agg.h"

#include <stdint.h>

#include "strmap.h"

#define MAXSRC		(SPEC_MAXAGGS * (SPEC_MAXKEYS + SPEC_MAXMEAS))

/* Where a key comes from. */
enum src_kind {
	KS_COL, KS_DATE, KS_HOUR, KS_DOW, KS_SLOT, KS_WEEK, KS_MONTH,
	KS_ISOWEEK, KS_NKINDS,
};

static const char *const kind_names[KS_NKINDS] = { "", "Date", "Hour",
    "DayOfWeek", "TimeSlot", "Week", "Month", "IsoWeek" };

/* A direct-mapped cache in front of a source's interner for keys of up
 * to 16 bytes: the length and two overlapping 8-byte words hold the whole
 * key, so a hit needs no hash of the bytes and no compare of them. */
#define IC_BITS		8
struct ic_ent {
	uint64_t w0, w1;
	uint32_t len;		/* key length + 1; 0 is empty */
	uint32_t id;
};

struct src {
	char name[SPEC_MAXNAME];
	enum src_kind kind;
	struct strmap *map;
	long col;		/* input column (KS_COL) */
	struct ic_ent *ic;	/* 1 << IC_BITS entries */
};

/* An input column read as a number. */
struct val {
	char name[SPEC_MAXNAME];
	long col;
	int whole;		/* a ":int" measure reads it: whole numbers only */
};

struct cell {
	int64_t sum, cnt, min, max;
};

/* A set of 64-bit values (distinct members: group << 32 | value id). */
struct u64set {
	uint64_t *slot;		/* value + 1; 0 is empty */
	size_t n, cap;
};

struct meas {
	enum spec_func func;
	int as_int;
	int vi;			/* value index (sum, min, max, mean) */
	int si;			/* source index (distinct) */
	struct u64set set;	/* distinct */
	int pop_sel;		/* pop(): spec_meas.pop_sel */
	struct popgrp **pop;	/* pop(): by group (pop.c) */
	size_t npop;
};

struct wtable;

/* A where clause's condition: the key of source si is one of ids. */
struct wcond {
	int si;
	size_t nids;
	uint32_t ids[SPEC_MAXVALS];
};

struct table {
	const struct spec_agg *sa;
	/* A windowed aggregate (window.c): this table is the template of
	 * the open windows' tables, its keys those but the window; NULL. */
	struct wtable *win;
	size_t nwhere;
	struct wcond where[SPEC_MAXWHERE];
	int special;		/* nwhere or win: not the plain path */
	size_t k, m;
	int si[SPEC_MAXKEYS];	/* key sources */
	struct meas ms[SPEC_MAXMEAS];
	size_t ng, gcap;
	uint32_t *gkeys;	/* ng * k key ids */
	struct cell *cells;	/* ng * m */
	uint32_t *dmap;		/* k == 1: id -> group + 1 */
	size_t dcap;
	uint32_t *slots;	/* k >= 2: group + 1, open addressing */
	size_t nslots;
	uint32_t *mat;		/* k == 2, small ids: [id0 * mcols + id1] */
	size_t mrows, mcols;
	int nomat;		/* ids grew too large for mat */
};

#define MAT_MAX		(1U << 20)	/* cells of the k == 2 matrix */

/* Derived fields of the last date seen. */
struct tcache {
	char date[16];
	size_t dlen;
	int valid;
	int64_t day;		/* days since the epoch */
	uint32_t id[KS_NKINDS];	/* by src_kind, for the date-derived kinds */
	uint32_t hour_id[24], slot_id[24];
	uint32_t hour_ok, slot_ok;	/* bit per hour: id known */
};

struct agg {
	struct spec sp;
	struct src src[MAXSRC];
	size_t nsrc;
	struct val val[MAXSRC];
	size_t nval;
	struct table tab[SPEC_MAXAGGS];
	size_t ntab;
	int derived_srcs[KS_NKINDS];	/* source index by kind, or -1 */
	int need_time;
	int uses_time;		/* a mintime() or maxtime() measure */
	long tscol;
	char tsname[SPEC_MAXNAME];
	size_t hdr_nf;
	long maxcol;
	int bound;
	uint64_t rows, rejected;
	int64_t last_time;	/* of the last accepted row */
	int64_t max_time;	/* the newest accepted row's (has_last) */
	/* The first row on the newest row's date (has_last; its midnight when
	 * a checkpoint before 0.2.1 did not say): the store's day began
	 * there, and idle() counts from it at the earliest.  A minimum over
	 * a set of rows, so any order and any split merge to the same. */
	int64_t day_first;
	int64_t cur_time;	/* of the row being added */
	int cur_hour;
	int has_last;
	int overflow;		/* a sum saturated */
	struct tcache tc;
	uint32_t kid[MAXSRC];
	int64_t v[MAXSRC];
	uint32_t spec_crc;
	/* Windows (window.c): how many tables are windowed; the watermark
	 * (wm_on: --watermark given): the newest accepted row time and the
	 * point up to which windows are closed; rows rejected as late. */
	size_t nwin;
	int wm_on, wm_has;
	int64_t lateness, wm_max, wm_closed;
	uint64_t late;
	int win_err;		/* errno of a failed close, for win_flush */
	/* --since/--until (event time; tod: a time of day, every day). */
	int since_on, until_on, since_tod, until_tod;
	int64_t since, until;
	uint64_t filtered;
	/* A pop() or idle() measure: they read max_time, the newest row's. */
	int pop_time;
	/* pop.c's cache: the date and minute of the day of time pop_t. */
	int64_t pop_t, pop_d;
	size_t pop_mi;
	int pop_cached;
	/* The identities of the runs whose counts the state holds (one for
	 * a plain run, every part's for a merge), saved in checkpoints. */
	char (*ids)[AGG_IDLEN + 1];
	size_t nids, idcap;
};

/* Add the current row's values to group ids of t (made when new);
 * 0, or -1 on ENOMEM. */
int agg_table_add(struct agg *a, struct table *t, const uint32_t *ids);
/* state.c: one cell as CSV; merge cell src into dst (not distinct). */
int agg_put_cell(FILE *fp, const struct agg *a, const struct meas *m,
    const struct cell *c);
void agg_cell_merge(struct agg *a, const struct meas *m, struct cell *dst,
    const struct cell *src);
/* Free a table's groups and sets (not the table). */
void agg_table_release(struct table *t);

/* ---- pop.c: pop() and idle() ------------------------------------------- */
/* Day number (days since 1970-01-01) of civil seconds t. */
static inline int64_t
agg_day(int64_t t)
{
	return t >= 0 ? t / 86400 : (t - 86399) / 86400;
}
/* Fold a run's (newest row, first row of its date) into a's. */
void agg_fold_day(struct agg *a, int64_t max_time, int64_t day_first);

#define POP_NCOLS	5
/* The suffix of pop()'s column i (Today, Yesterday, ...). */
const char *pop_col(size_t i);
/* Add value v of the current row to group g.  0, or -1 on ENOMEM. */
int pop_add(struct agg *a, struct meas *m, size_t g, int64_t v);
void pop_free(struct meas *m);
/* Group g's 5 columns (comma-separated); idle()'s column. */
void pop_write(FILE *fp, const struct agg *a, const struct meas *m, size_t g);
/* 0 when the change that the one-column pop(COL):day or :week measure m
 * writes for group g is unknown (its reference is 0). */
int pop_known(const struct agg *a, const struct meas *m, size_t g);
void idle_write(FILE *fp, const struct agg *a, const struct cell *c);
/* Checkpoint "p" lines of group g (saved as gi) of measure mj. */
void pop_save(FILE *fp, const struct meas *m, size_t mj, size_t g, size_t gi);
int pop_load(struct agg *a, struct meas *m, size_t g,
    const struct csvio_record *r);
int pop_merge(struct agg *dst, struct meas *dm, size_t dg,
    const struct meas *sm, size_t sg);

/* ---- window.c ---------------------------------------------------------- */

/* Set up the windowed table t (agg_new).  0, or -1 on ENOMEM. */
int win_setup(struct agg *a, struct table *t);
void win_free(struct table *t);
/* 1 when the current row (a->cur_time) falls in a window of t that is
 * closed; 0 when not. */
int win_is_late(const struct agg *a, const struct table *t);
/* Add the current row to its windows in t.  0, or -1 on ENOMEM. */
int win_add(struct agg *a, struct table *t, const uint32_t *ids);
/* Move the watermark after an accepted row and close the windows it
 * passed.  An error (ENOMEM) is kept in a->win_err for win_flush. */
void win_advance(struct agg *a);
/* The snapshot CSV of the windowed table i. */
int win_write_csv(struct agg *a, size_t i, FILE *fp);
/* Checkpoints: the groups and members of t; the watermark line. */
void win_save(struct agg *a, struct table *t, FILE *fp);
void win_save_state(struct agg *a, FILE *fp);
/* A "table" line of a windowed table starts; then its "g" and "d"
 * lines, and the "wm" and "wclosed" lines.  0, -1 corrupt, -2 ENOMEM. */
void win_load_begin(struct table *t);
int win_load_g(struct agg *a, struct table *t, const struct csvio_record *r);
int win_load_d(struct agg *a, struct table *t, const struct csvio_record *r);
int win_load_line(struct agg *a, const struct csvio_record *r);
/* Add the windows of st (of src) into dt (of dst).  0, -1 ENOMEM. */
int win_merge(struct agg *dst, struct table *dt, const struct agg *src,
    const struct table *st);
void win_merge_state(struct agg *dst, const struct agg *src);
/* Flush the closed-window files (fsync unless nosync) before a save.
 * 0, or -1 with errno set. */
int win_flush(struct agg *a, int nosync);

/* Add id (AGG_IDLEN hex digits) to a's identities.  0, or -1 (ENOMEM). */
int agg_add_id(struct agg *a, const char *id);

/* Intern s as a key of source si; its id, or -1 on ENOMEM. */
long agg_intern(struct agg *a, int si, const char *s, size_t n);
/* The group of key ids in t, made when new; -1 on ENOMEM. */
long agg_group(struct table *t, const uint32_t *ids);
/* Insert x into s: 1 when new, 0 when there, -1 on ENOMEM. */
int agg_set_add(struct u64set *s, uint64_t x);
/* Note a saturated sum; the end of the range on the side of added. */
int64_t agg_saturate(struct agg *a, int64_t added);

/* State files: a whole field as a signed 64-bit integer (0, or -1 when it
 * is not one); whether a field is exactly s. */
int state_field_i64(const struct csvio_field *f, int64_t *v);
int state_field_is(const struct csvio_field *f, const char *s);

#endif
