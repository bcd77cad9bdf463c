/* The send schedule: absolute due times, so that no error accumulates. */
#include "pace.h"

#include <math.h>
#include <string.h>

void
pace_init(struct pace *p, double rate, double speedup, double jitter,
    uint64_t seed)
{
	memset(p, 0, sizeof(*p));
	p->rate = rate;
	p->speedup = speedup;
	p->jitter = jitter;
	/* Its own stream, apart from --shuffle's, from the same seed. */
	rng_seed(&p->rng, seed ^ 0x7061636570616365ULL);
}

int
pace_active(const struct pace *p)
{
	return p->rate > 0 || p->speedup > 0;
}

double
pace_jitter_factor(struct pace *p)
{
	if (p->jitter <= 0)
		return 1;
	return 1 + p->jitter * (2 * rng_uniform(&p->rng) - 1);
}

double
pace_next(struct pace *p, double now, double ev)
{
	double gap = 0;

	if (!p->started) {
		p->started = 1;
		p->due = now;
		if (!isnan(ev)) {
			p->prev_ev = ev;
			p->have_prev = 1;
		}
		p->n = 1;
		return p->due;
	}
	if (p->rate > 0) {
		gap = 1 / p->rate;
	} else if (p->speedup > 0 && !isnan(ev)) {
		if (!p->have_prev) {
			p->prev_ev = ev;
			p->have_prev = 1;
		} else if (ev > p->prev_ev) {
			gap = (ev - p->prev_ev) / p->speedup;
			p->prev_ev = ev;
		} else if (ev < p->prev_ev) {
			p->late++;
		}
	}
	if (gap > 0)
		gap *= pace_jitter_factor(p);
	p->n++;
	p->due += gap;
	return p->due;
}

void
pace_new_pass(struct pace *p)
{
	p->have_prev = 0;
}

void
pace_rebase(struct pace *p, double now)
{
	if (p->started && p->due < now)
		p->due = now;
}
