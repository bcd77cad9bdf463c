/* The sampling schedule. */
#include "sched.h"

#include <math.h>

double
sched_due(const struct sched *s)
{
	return s->first + (double)s->tick * s->interval;
}

void
sched_advance(struct sched *s, double now)
{
	long long next;

	s->tick++;
	if (now <= sched_due(s))
		return;
	/* The first tick due at or after now. */
	next = (long long)ceil((now - s->first) / s->interval);
	if (next > s->tick) {
		s->skipped += (unsigned long)(next - s->tick);
		s->tick = next;
	}
}
