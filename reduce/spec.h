#ifndef REDUCE_SPEC_H
#define REDUCE_SPEC_H
/* The aggregate spec language of reduce(1).  One aggregate a line:
 *
 *	FILE: [KEY[,KEY...]] -> NAME=FUNC([COLUMN])[:int] [, ...]
 *
 * FILE is the snapshot file (a plain name ending in .csv), KEYs are input
 * columns or derived time fields (Date, Hour, DayOfWeek, TimeSlot, Week,
 * IsoWeek, Month), FUNC is sum, count, min, max, mean, distinct, rejected,
 * mintime or maxtime (the oldest and newest row time).  Blank
 * lines and lines starting with '#' are ignored. */
#include <stddef.h>
#include <stdio.h>

#define SPEC_MAXKEYS	8
#define SPEC_MAXMEAS	16
#define SPEC_MAXNAME	128
#define SPEC_MAXAGGS	64

enum spec_func {
	SF_SUM, SF_COUNT, SF_MIN, SF_MAX, SF_MEAN, SF_DISTINCT, SF_REJECTED,
	SF_MINTIME, SF_MAXTIME,	/* the oldest and newest row time */
};

struct spec_meas {
	char name[SPEC_MAXNAME];	/* output column */
	enum spec_func func;
	char col[SPEC_MAXNAME];		/* input column; "" for count, rejected,
					   mintime and maxtime */
	int as_int;			/* ":int": write whole numbers */
};

struct spec_agg {
	char file[SPEC_MAXNAME];
	size_t nkeys;
	char keys[SPEC_MAXKEYS][SPEC_MAXNAME];
	size_t nmeas;
	struct spec_meas meas[SPEC_MAXMEAS];
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

#endif
