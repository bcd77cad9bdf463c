/* Tests of alertd/state.c: the alert state machine under a fake clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "../../alertd/state.h"

/* One step of a scenario: at time t the condition has level lv; the step
 * must announce ev (with severity sev when firing) and leave state st. */
struct step {
	double t;
	int lv;
	enum alert_ev ev;
	int sev;
	enum alert_st st;
};

static void
run(const char *name, struct alert_timing tm, const struct step *s,
    size_t n)
{
	struct alert_state st = { 0 };
	size_t i;

	for (i = 0; i < n; i++) {
		enum alert_ev ev = alert_step(&st, &tm, s[i].lv, s[i].t);
		if (ev != s[i].ev || st.st != s[i].st ||
		    (ev == AEV_FIRING && st.sev != s[i].sev))
			fail_msg("%s, step %zu (t=%g level %d): event %d sev %d "
			    "state %s; want event %d sev %d state %s", name, i,
			    s[i].t, s[i].lv, ev, st.sev, alert_st_name(st.st),
			    s[i].ev, s[i].sev, alert_st_name(s[i].st));
	}
}

#define RUN(name, tm, steps) run(name, tm, steps, sizeof(steps) / sizeof(steps[0]))
#define N AEV_NONE
#define F AEV_FIRING
#define R AEV_RESOLVED

static void
test_immediate(void **state)
{
	static const struct step s[] = {
		{ 0, 0, N, 0, AST_INACTIVE },
		{ 1, 1, F, 1, AST_FIRING },
		{ 2, 1, N, 0, AST_FIRING },
		{ 3, 2, F, 2, AST_FIRING },	/* escalation */
		{ 4, 2, N, 0, AST_FIRING },
		{ 5, 1, F, 1, AST_FIRING },	/* de-escalation */
		{ 6, 0, R, 0, AST_RESOLVED },
		{ 7, 0, N, 0, AST_RESOLVED },
		{ 8, 2, F, 2, AST_FIRING },	/* fires again */
	};

	(void)state;
	RUN("immediate", ((struct alert_timing){ 0, 0, 0 }), s);
}

static void
test_for(void **state)
{
	static const struct step s[] = {
		{ 0, 1, N, 0, AST_PENDING },
		{ 5, 1, N, 0, AST_PENDING },
		{ 9.9, 2, N, 0, AST_PENDING },
		{ 10, 2, F, 2, AST_FIRING },	/* held 10 s */
		{ 11, 0, R, 0, AST_RESOLVED },
		{ 20, 1, N, 0, AST_PENDING },
		{ 25, 0, N, 0, AST_INACTIVE },	/* cleared before for= */
		{ 26, 1, N, 0, AST_PENDING },	/* the wait starts again */
		{ 35, 1, N, 0, AST_PENDING },
		{ 36, 1, F, 1, AST_FIRING },
	};

	(void)state;
	RUN("for=10", ((struct alert_timing){ 10, 0, 0 }), s);
}

static void
test_keep_firing_for(void **state)
{
	static const struct step s[] = {
		{ 0, 1, F, 1, AST_FIRING },
		{ 10, 0, N, 0, AST_FIRING },	/* cleared 10 s after true */
		{ 14, 1, N, 0, AST_FIRING },	/* flaps back: no new event */
		{ 15, 0, N, 0, AST_FIRING },
		{ 43, 0, N, 0, AST_FIRING },
		{ 44, 0, R, 0, AST_RESOLVED },	/* 30 s after t=14 */
	};

	(void)state;
	RUN("keep_firing_for=30", ((struct alert_timing){ 0, 30, 0 }), s);
}

static void
test_repeat(void **state)
{
	static const struct step s[] = {
		{ 0, 2, F, 2, AST_FIRING },
		{ 59, 2, N, 0, AST_FIRING },
		{ 60, 2, F, 2, AST_FIRING },	/* re-announced */
		{ 90, 1, F, 1, AST_FIRING },	/* severity change resets */
		{ 149, 1, N, 0, AST_FIRING },
		{ 150, 1, F, 1, AST_FIRING },
		{ 151, -1, N, 0, AST_FIRING },	/* unknown holds */
		{ 210, -1, F, 1, AST_FIRING },	/* still repeats */
		{ 211, 0, R, 0, AST_RESOLVED },
		{ 400, 0, N, 0, AST_RESOLVED },	/* no repeats once resolved */
	};

	(void)state;
	RUN("repeat=60", ((struct alert_timing){ 0, 0, 60 }), s);
}

static void
test_unknown(void **state)
{
	static const struct step s[] = {
		{ 0, -1, N, 0, AST_INACTIVE },
		{ 1, 1, N, 0, AST_PENDING },
		{ 3, -1, N, 0, AST_PENDING },	/* no data: no change */
		{ 6, 1, F, 1, AST_FIRING },
		{ 7, -1, N, 0, AST_FIRING },
		{ 100, 0, R, 0, AST_RESOLVED },
	};

	(void)state;
	RUN("unknown", ((struct alert_timing){ 5, 0, 0 }), s);
}

static void
test_all_three(void **state)
{
	static const struct step s[] = {
		{ 0, 1, N, 0, AST_PENDING },
		{ 30, 1, F, 1, AST_FIRING },
		{ 40, 0, N, 0, AST_FIRING },	/* kept */
		{ 90, 0, F, 1, AST_FIRING },	/* kept, and repeated */
		{ 129, 0, N, 0, AST_FIRING },
		{ 130, 0, R, 0, AST_RESOLVED },	/* 100 s after last true */
	};

	(void)state;
	RUN("for=30 keep=100 repeat=60",
	    ((struct alert_timing){ 30, 100, 60 }), s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_immediate),
		cmocka_unit_test(test_for),
		cmocka_unit_test(test_keep_firing_for),
		cmocka_unit_test(test_repeat),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_all_three),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
