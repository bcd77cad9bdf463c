#ifndef REPLAY_PACE_H
#define REPLAY_PACE_H
/* The send schedule: when each row is due, as absolute times on the
 * monotonic clock, so that sleeping late never accumulates into drift.
 * Pure arithmetic: the caller reads the clock and sleeps. */
#include <stdint.h>

#include "rng.h"

struct pace {
	double rate;		/* rows per second, 0: off */
	double speedup;		/* event seconds per wall second, 0: off */
	double jitter;		/* 0..1: each gap varies by +-jitter */
	struct rng rng;
	int started;
	double due;		/* when the last row was due */
	double prev_ev;		/* the newest event time so far */
	int have_prev;
	uint64_t n;		/* rows scheduled */
	uint64_t late;		/* rows older than the newest so far */
};

void pace_init(struct pace *p, double rate, double speedup, double jitter,
    uint64_t seed);

/* 1 when rows are paced at all (otherwise pace_next need not be called). */
int pace_active(const struct pace *p);

/* The gap factor for one row: 1 + jitter * u, u uniform in [-1, 1). */
double pace_jitter_factor(struct pace *p);

/* When the next row is due.  now is the current monotonic time (the first
 * row is due at once); ev is the row's event time in seconds (speedup mode)
 * or NAN when it has none or it did not parse.  The clock follows the
 * newest event time so far: a row is due (ev - newest) / speedup after the
 * previous one when it is newer, and with the previous one when it has no
 * time or is older than the newest (a late row of unsorted input: counted
 * in late), so that a backward jump never restarts the clock. */
double pace_next(struct pace *p, double now, double ev);

/* A new pass of --loop begins: its first row starts the event clock
 * afresh (it is due with the previous row), as the times go back. */
void pace_new_pass(struct pace *p);

/* Move the schedule so that the last row counts as due at now: used after
 * waiting for a reader, so that the rows held back are not sent in a
 * burst. */
void pace_rebase(struct pace *p, double now);

#endif
