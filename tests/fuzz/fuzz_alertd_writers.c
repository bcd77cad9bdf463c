/* alertd/outfmt.c: whatever the names, keys, messages, values and
 * thresholds, the --once line is exactly one Nagios status line of the
 * plugin output grammar, with the status the counts give, and each JSON
 * event line (-F json, a hook's stdin) is one valid UTF-8 JSON object whose
 * strings decode to the input with invalid bytes as U+FFFD.  The checkers
 * are in fuzz_alertd.h, written apart from outfmt.c. */
#include <math.h>

#include "fuzz.h"
#include "fuzz_alertd.h"
#include "outfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t *p;
	size_t n;
};

static unsigned
take_byte(struct src *s)
{
	unsigned b;

	if (s->n == 0)
		return 0;
	b = *s->p++;
	s->n--;
	return b;
}

/* A string of up to max - 1 bytes (length from one byte). */
static void
take_str(struct src *s, char *buf, size_t max)
{
	size_t n = take_byte(s) | take_byte(s) << 8;

	n %= max;
	if (n > s->n)
		n = s->n;
	memcpy(buf, s->p, n);
	buf[n] = '\0';		/* a NUL inside ends the string early */
	s->p += n;
	s->n -= n;
}

/* A double: a few chosen ones, or 8 raw bytes (any NaN, inf, huge). */
static double
take_num(struct src *s)
{
	static const double pick[] = { 0, -0.0, 1, -1, 0.005, 70, 84.5,
	    1e15, -1e15, 999999999999999.9, 1e300, -1e300, 1e-300, NAN,
	    INFINITY, -INFINITY, 123456789.125, 4.0e20 };
	unsigned b = take_byte(s);
	double v;

	if (b < 200)
		return pick[b % (sizeof(pick) / sizeof(pick[0]))];
	if (s->n < sizeof(v))
		return b;
	memcpy(&v, s->p, sizeof(v));
	s->p += sizeof(v);
	s->n -= sizeof(v);
	return v;
}

static void
take_thr(struct src *s, struct nag_thr *t)
{
	memset(t, 0, sizeof(*t));
	t->kind = take_byte(s) % 3;
	t->num = take_num(s);
	t->lo = take_byte(s) & 1 ? -INFINITY : take_num(s);
	t->hi = take_byte(s) & 1 ? INFINITY : take_num(s);
	t->inside = take_byte(s) & 1;
}

static void
check_json(const struct hook_event *ev)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{ "time", offsetof(struct hook_event, time) },
		{ "status", offsetof(struct hook_event, status) },
		{ "alert", offsetof(struct hook_event, name) },
		{ "severity", offsetof(struct hook_event, severity) },
		{ "key", offsetof(struct hook_event, key) },
		{ "message", offsetof(struct hook_event, message) },
	};
	char buf[OUT_JSON_MAX];
	struct json_line l;
	size_t n, i, got, wl;
	const char *g;
	char *want;

	n = out_json_event(ev, buf, sizeof(buf));
	FUZZ_ASSERT(n > 0 && n == strlen(buf));
	FUZZ_ASSERT(json_check_line(buf, n, &l) == 0);
	FUZZ_ASSERT(l.n == 7);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		const char *in = (const char *)ev + f[i].off;
		FUZZ_ASSERT((g = json_member(&l, f[i].name, &got)) != NULL);
		want = ref_replace(in, strlen(in), &wl);
		FUZZ_ASSERT(got == wl && memcmp(g, want, wl) == 0);
		free(want);
	}
	json_line_free(&l);
	/* Too small a buffer: nothing, never half a line. */
	n = out_json_event(ev, buf, 64);
	FUZZ_ASSERT(n == 0 || json_check_line(buf, n, &l) == 0);
	if (n > 0)
		json_line_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src s = { data, size };
	struct nagios *ng;
	struct hook_event ev;
	struct nag_thr w, c;
	size_t cnt[4] = { 0, 0, 0, 0 }, items, k;
	char name[600], key[600], num[OUT_NUM_MAX];
	const char *line;
	int st, want;

	/* Numbers as alertd prints them: never cut, always parsable. */
	{
		double v = take_num(&s), back;
		out_num(v, num, sizeof(num));
		FUZZ_ASSERT(strlen(num) < OUT_NUM_MAX - 1);
		if (isfinite(v)) {
			back = strtod(num, NULL);
			FUZZ_ASSERT(ref_number(num, strlen(num)));
			if (fabs(v) >= 1e15)
				FUZZ_ASSERT(back == v);
			else
				FUZZ_ASSERT(fabs(back - v) <= 0.005 + 1e-9 *
				    fabs(v));
		}
	}
	if ((ng = nag_new(take_byte(&s) & 1 ? 65536 : 512 + take_byte(&s) *
	    8)) == NULL)
		abort();
	items = take_byte(&s) % 24;
	for (k = 0; k < items; k++) {
		unsigned lv = take_byte(&s) % 5;	/* 4: no data */
		take_str(&s, name, sizeof(name));
		take_str(&s, key, sizeof(key));
		if (lv == 4) {
			nag_nodata(ng, name);
			cnt[3]++;
			continue;
		}
		take_thr(&s, &w);
		take_thr(&s, &c);
		nag_add(ng, name, key, (int)lv, take_num(&s),
		    take_byte(&s) & 1 ? &w : NULL, &c);
		cnt[lv]++;
	}
	st = nag_line(ng, "LIVEINSIGHT", &line);
	want = cnt[2] ? 2 : cnt[1] ? 1 : cnt[3] ? 3 : items ? 0 : 3;
	FUZZ_ASSERT(st == want);
	if (nagios_check_line(line, strlen(line), "LIVEINSIGHT") != st) {
		fprintf(stderr, "bad Nagios line: %s", line);
		abort();
	}
	nag_free(ng);

	/* An event from the rest. */
	memset(&ev, 0, sizeof(ev));
	take_str(&s, ev.time, sizeof(ev.time));
	take_str(&s, ev.status, sizeof(ev.status));
	take_str(&s, ev.name, sizeof(ev.name));
	take_str(&s, ev.severity, sizeof(ev.severity));
	take_str(&s, ev.key, sizeof(ev.key));
	if (take_byte(&s) & 1)
		out_num(take_num(&s), ev.value, sizeof(ev.value));
	else
		take_str(&s, ev.value, sizeof(ev.value));
	take_str(&s, ev.message, sizeof(ev.message));
	check_json(&ev);
	/* Cutting to a field's size keeps valid UTF-8 valid. */
	{
		char small[17];
		size_t ml = strlen(ev.message);
		out_copy(small, sizeof(small), ev.message);
		FUZZ_ASSERT(strlen(small) <= 16);
		FUZZ_ASSERT(memcmp(small, ev.message, strlen(small)) == 0);
		if (ref_utf8_valid(ev.message, ml))
			FUZZ_ASSERT(ref_utf8_valid(small, strlen(small)));
		if (ml <= 16)
			FUZZ_ASSERT(strcmp(small, ev.message) == 0);
	}
	return 0;
}
