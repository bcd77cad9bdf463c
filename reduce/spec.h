#ifndef REDUCE_SPEC_H
#define REDUCE_SPEC_H
/* The aggregate spec language of reduce(1).  One aggregate a line:
 *
 *	FILE: [KEY[,KEY...]] -> NAME=FUNC([COLUMN])[:int] [, ...]
 *
 * FILE is the snapshot file (a plain name ending in .csv), KEYs are input
 * columns or derived time fields (Date, Hour, DayOfWeek, TimeSlot, Week,
 * IsoWeek, Month), FUNC is sum, count, min, max, mean, distinct, rejected,
 * mintime or maxtime (the oldest and newest row time), pop or idle.  Blank
 * lines and lines starting with '#' are ignored.
 *
 * One key may be an event-time window, window(SIZE) (tumbling) or
 * window(SIZE, HOP) (hopping), and the measures may be followed by a
 * filter, "where COL=VALUE [and COL in (V1, V2, ...)]..." (spec_win.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SPEC_MAXKEYS	8
#define SPEC_MAXMEAS	16
#define SPEC_MAXNAME	128
#define SPEC_MAXAGGS	64
#define SPEC_MAXWHERE	4	/* conditions of one where clause */
#define SPEC_MAXVALS	32	/* values of one condition */
#define SPEC_WPOOL	1024	/* bytes of all the values of an aggregate */
#define SPEC_MAXWIN	1024	/* windows a row falls in (SIZE / HOP) */

enum spec_func {
	SF_SUM, SF_COUNT, SF_MIN, SF_MAX, SF_MEAN, SF_DISTINCT, SF_REJECTED,
	SF_MINTIME, SF_MAXTIME,	/* the oldest and newest row time */
	SF_POP,		/* period over period (pop.c): 5 columns */
	SF_IDLE,	/* event-time minutes since the group's newest row */
};

struct spec_meas {
	char name[SPEC_MAXNAME];	/* output column */
	enum spec_func func;
	char col[SPEC_MAXNAME];		/* input column; "" for count, rejected,
					   mintime and maxtime */
	int as_int;			/* ":int": write whole numbers */
	int pop_sel;			/* pop(): 0 the 5 columns; ":day" 1,
					   ":week" 2: the change in percent */
};

/* One condition of a where clause: COL equal to one of the values. */
struct spec_where {
	char col[SPEC_MAXNAME];
	size_t nvals;
	unsigned short off[SPEC_MAXVALS];	/* into spec_agg.wpool */
};

struct spec_agg {
	char file[SPEC_MAXNAME];
	size_t nkeys;
	char keys[SPEC_MAXKEYS][SPEC_MAXNAME];
	size_t nmeas;
	struct spec_meas meas[SPEC_MAXMEAS];
	/* The window key: its index in keys (its text there is the canonical
	 * "window(SIZE,HOP)"), or -1 (also when all of this is zero: wkey is
	 * meaningful only when wsize > 0). */
	int wkey;
	int64_t wsize, whop;		/* seconds */
	size_t nwhere;
	struct spec_where where[SPEC_MAXWHERE];
	size_t wplen;
	char wpool[SPEC_WPOOL];		/* NUL-terminated values */
};

struct spec {
	size_t naggs;
	struct spec_agg aggs[SPEC_MAXAGGS];
};

/* The built-in default: the original LiveInsight snapshot files. */
extern const char spec_default_text[];

/* Parse one spec line into sp (appending an aggregate, if the line has
 * one).  Returns 0, or -1 with a message in errbuf. */
int spec_parse_line(struct spec *sp, const char *line, char *errbuf,
    size_t errlen);

/* Parse a whole text; errors are prefixed with "where:N: " (N the line).
 * Returns 0 or -1. */
int spec_parse_text(struct spec *sp, const char *text, const char *where,
    char *errbuf, size_t errlen);

/* Write sp in the spec language, one aggregate a line.  Returns 0 or -1. */
int spec_print(const struct spec *sp, FILE *fp);

/* The canonical text of sp in buf (as spec_print); returns its length, or
 * the length needed when cap is too small. */
size_t spec_format(const struct spec *sp, char *buf, size_t cap);

const char *spec_func_name(enum spec_func f);

/* 1 when name is a derived time field. */
int spec_is_derived(const char *name);

/* ---- spec_win.c: windows and where clauses -------------------------- */

/* 1 when the key text p[0..n) (trimmed) starts with "window(". */
int spec_is_window(const char *p, size_t n);
/* Parse the window key p[0..n) into a (wsize, whop, and the canonical
 * text in a->keys[a->nkeys]).  0, or -1 with a message in err. */
int spec_parse_window(struct spec_agg *a, const char *p, size_t n,
    char *err, size_t errlen);
/* Where the where clause starts in p[0..e) (at the 'w' of a "where"
 * word outside parentheses and quotes), or NULL. */
const char *spec_find_where(const char *p, const char *e);
/* Parse "where COND [and COND]..." p[0..e) into a.  0 or -1. */
int spec_parse_where(struct spec_agg *a, const char *p, const char *e,
    char *err, size_t errlen);
/* The value i of condition w of a. */
const char *spec_where_val(const struct spec_agg *a,
    const struct spec_where *w, size_t i);
/* Append the where clause of a (" where ...", or nothing) to buf as
 * spec_format does; returns the new length. */
size_t spec_format_where(const struct spec_agg *a, char *buf, size_t cap,
    size_t n);
/* Check the columns of a windowed aggregate (WindowStart, WindowEnd are
 * taken).  0, or -1 with a message in err. */
int spec_check_window(const struct spec_agg *a, char *err, size_t errlen);
/* A whole number of seconds as the shortest of "1d", "2h", "5m", "90s". */
size_t spec_fmt_secs(int64_t secs, char *buf, size_t cap);

#endif
