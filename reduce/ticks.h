#ifndef REDUCE_TICKS_H
#define REDUCE_TICKS_H
/* reduce's tick lines on the standard output (lib/contract.h, the
 * contract of docs/contracts.md): one header, then a line per snapshot,
 * flushed at once.  Written the same way for every input. */
#include <stdint.h>

#include "agg.h"
#include "contract.h"

/* The columns reduce writes: tick,time,rows,rejected,lag_s,event_time. */
#define REDUCE_TICK_COLS	(CONTRACT_TICK_COLS | (1u << CT_EVENT_TIME))

/* Print the header.  Exits 1 (err) when stdout fails. */
void ticks_header(void);

/* Fill t for tick number tickno of the state a, at the current time:
 * time in the process's local time with its offset, lag_s the wall clock
 * minus the last row's time read as local time (NAN when unknown),
 * event_time the newest row's time with the offset of the process's TZ
 * then ("" when unknown). */
void ticks_fill(struct contract_tick *t, uint64_t tickno,
    const struct agg *a);

/* Print tick number tickno of a.  Exits 1 (err) when stdout fails. */
void ticks_print(uint64_t tickno, const struct agg *a);

#endif
