/* reduce's tick lines: see ticks.h. */
#include "ticks.h"

#include <err.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "timefield.h"
#include "util.h"

void
ticks_header(void)
{
	char buf[256];

	if (contract_tick_header(REDUCE_TICK_COLS, buf, sizeof(buf)) < 0 ||
	    fputs(buf, stdout) == EOF || fflush(stdout) == EOF)
		err(1, "stdout");
}

void
ticks_fill(struct contract_tick *t, uint64_t tickno, const struct agg *a)
{
	struct li_tm tm;
	int64_t secs;

	memset(t, 0, sizeof(*t));
	t->tick = tickno;
	tm_now_local(t->time);
	t->rows = agg_rows(a);
	t->rejected = agg_rejected(a);
	t->have = (1u << CT_TICK) | (1u << CT_TIME) | (1u << CT_ROWS) |
	    (1u << CT_REJECTED);
	t->lag_s = NAN;
	if (agg_last_time(a, &secs)) {
		/* Row times are the till's local wall time. */
		tm_from_epoch(secs, &tm);
		t->lag_s = now_wall() - (double)(secs - tm_local_offset(&tm));
		t->have |= 1u << CT_LAG_S;
	}
	if (agg_max_time(a, &secs)) {
		tm_from_epoch(secs, &tm);
		tm_fmt_local(&tm, t->event_time);
		t->have |= 1u << CT_EVENT_TIME;
	}
}

void
ticks_print(uint64_t tickno, const struct agg *a)
{
	struct contract_tick t;
	char buf[512];

	ticks_fill(&t, tickno, a);
	if (contract_tick_format(&t, REDUCE_TICK_COLS, buf, sizeof(buf)) < 0 ||
	    fputs(buf, stdout) == EOF || fflush(stdout) == EOF)
		err(1, "stdout");
}
