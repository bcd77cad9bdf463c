#ifndef REPLAY_HOLD_H
#define REPLAY_HOLD_H
/* Rows held back in memory: every row of a pass (--shuffle, --sort), or a
 * window of rows kept in event-time order (--reorder).  Pure data
 * structures; the caller sends what they give back. */
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

/* One held row: its bytes (in the owner's buffer or its own), its event
 * time (NAN: none) and its arrival number, which keeps ties stable. */
struct hold_rec {
	size_t off, len;	/* struct hold: where in buf */
	char *p;		/* struct rheap: owned copy */
	double ev;
	uint64_t seq;
};

/* Every row of a pass, in one growing buffer. */
struct hold {
	char *buf;
	size_t len, cap;
	struct hold_rec *v;
	size_t n, vcap;
	uint64_t seq;
};

/* Append a copy of p[0..len) with event time ev.  Returns 0, or -1
 * (ENOMEM). */
int hold_add(struct hold *h, const char *p, size_t len, double ev);
/* Stable sort by event time; a row without one (NAN) takes the time of
 * the row that came before it, so it stays next to it. */
void hold_sort(struct hold *h);
/* A random order (Fisher-Yates) from r. */
void hold_shuffle(struct hold *h, struct rng *r);
/* The bytes of row i. */
const char *hold_row(const struct hold *h, size_t i);
void hold_free(struct hold *h);

/* A min-heap by (event time, arrival): the --reorder window. */
struct rheap {
	struct hold_rec *v;
	size_t n, cap;
	uint64_t seq;
	size_t bytes;		/* held row bytes */
};

/* Push a copy of p[0..len) with event time ev (not NAN).  Returns 0, or
 * -1 (ENOMEM). */
int rheap_push(struct rheap *h, const char *p, size_t len, double ev);
/* The earliest held row, or NULL when empty. */
const struct hold_rec *rheap_top(const struct rheap *h);
/* Remove the earliest row into *out; the caller frees out->p.  Returns 0,
 * or -1 when empty. */
int rheap_pop(struct rheap *h, struct hold_rec *out);
void rheap_free(struct rheap *h);

#endif
