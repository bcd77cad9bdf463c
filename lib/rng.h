#ifndef LI_RNG_H
#define LI_RNG_H
/* A small deterministic PRNG (xoshiro256**, seeded through splitmix64), so
 * that every generator and split in the project is reproducible from a seed
 * on every platform, unlike rand(3). */
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, 1). */
double rng_uniform(struct rng *r);
/* Uniform integer in [0, n); n > 0.  Unbiased (rejection). */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Standard normal (Box-Muller). */
double rng_normal(struct rng *r);
/* Index drawn from weights w[0..n-1] (not necessarily normalised). */
unsigned rng_pick(struct rng *r, const double *w, unsigned n);
/* splitmix64 step: a good 64-bit hash of x, also used for seeding. */
uint64_t splitmix64(uint64_t *x);

#endif
