/* lib/timefield: tm_parse never accepts an invalid date or time, and what
 * it accepts survives tm_fmt_iso -> tm_parse and the epoch round trip. */
#include <errno.h>

#include "fuzz.h"
#include "timefield.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
ref_valid(const struct li_tm *t)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };
	int leap, dim;

	if (t->year < 1 || t->year > 9999 || t->mon < 1 || t->mon > 12)
		return 0;
	leap = (t->year % 4 == 0 && t->year % 100 != 0) || t->year % 400 == 0;
	dim = md[t->mon - 1] + (t->mon == 2 && leap);
	return t->day >= 1 && t->day <= dim && t->hour >= 0 &&
	    t->hour <= 23 && t->min >= 0 && t->min <= 59 && t->sec >= 0 &&
	    t->sec <= 60;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct li_tm t, u;
	char buf[TM_BUFSZ];
	size_t n;

	if (tm_parse((const char *)data, size, &t) != 0) {
		FUZZ_ASSERT(errno == EINVAL);
		return 0;
	}
	if (!ref_valid(&t)) {
		fprintf(stderr, "accepted invalid %d-%d-%d %d:%d:%d\n", t.year,
		    t.mon, t.day, t.hour, t.min, t.sec);
		abort();
	}
	n = tm_fmt_iso(&t, buf);
	FUZZ_ASSERT(n == 19 && strlen(buf) == n);
	FUZZ_ASSERT(tm_parse(buf, n, &u) == 0);
	FUZZ_ASSERT(memcmp(&t, &u, sizeof(t)) == 0);
	n = tm_fmt_rfc3339(&t, buf);
	FUZZ_ASSERT(tm_parse(buf, n, &u) == 0 && memcmp(&t, &u, sizeof(t)) == 0);
	if (t.sec < 60) {
		tm_from_epoch(tm_epoch(&t), &u);
		FUZZ_ASSERT(memcmp(&t, &u, sizeof(t)) == 0);
	}
	FUZZ_ASSERT(tm_wday(&t) >= 0 && tm_wday(&t) <= 6);
	FUZZ_ASSERT(tm_yday(&t) >= 0 && tm_yday(&t) <= 365);
	FUZZ_ASSERT(tm_fmt_date(&t, buf) == 10);
	FUZZ_ASSERT(tm_fmt_month(&t, buf) == 7);
	FUZZ_ASSERT(tm_fmt_week(&t, buf) < TM_BUFSZ);
	FUZZ_ASSERT(tm_slot(t.hour) != NULL);
	FUZZ_ASSERT(tm_dayname(tm_wday(&t)) != NULL);
	return 0;
}
