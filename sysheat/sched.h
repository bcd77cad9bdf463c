#ifndef SYSHEAT_SCHED_H
#define SYSHEAT_SCHED_H
/* The sampling schedule: tick k is due at first + k * interval on the
 * monotonic clock, so that the timing never drifts however long each
 * sample takes. */

struct sched {
	double first;		/* when tick 0 is due */
	double interval;
	long long tick;		/* the next tick to take */
	unsigned long skipped;	/* ticks passed over because we were late */
};

/* When the next tick is due. */
double sched_due(const struct sched *s);

/* A tick was taken at or after its due time; now is the clock after it.
 * Move to the next tick, or, when now is already past that one too (a
 * stopped process, a slow sample), to the first tick still to come,
 * counting the ones passed over: a late sampler catches up by skipping,
 * never by a burst of samples. */
void sched_advance(struct sched *s, double now);

#endif
