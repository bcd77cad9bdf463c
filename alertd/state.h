#ifndef ALERTD_STATE_H
#define ALERTD_STATE_H
/* The life of one alert (one rule and one key):
 *
 *	inactive --(condition true)--> pending --(true for for_s)--> firing
 *	firing --(false for keep_s)--> resolved, which behaves as inactive.
 *
 * The caller passes the time, so the same code runs on the wall clock, on
 * event time from the input, and under a test's fake clock. */

enum alert_st { AST_INACTIVE, AST_PENDING, AST_FIRING, AST_RESOLVED };

enum alert_ev {
	AEV_NONE,
	AEV_FIRING,		/* started firing, changed severity, or repeat */
	AEV_RESOLVED,
};

struct alert_timing {
	double for_s;		/* hold this long before firing */
	double keep_s;		/* keep firing this long after it clears */
	double repeat_s;	/* re-announce a firing alert this often (0: never) */
};

struct alert_state {
	enum alert_st st;
	int sev;		/* 1 warning, 2 critical: last announced */
	double since;		/* when the condition became true */
	double last_true;	/* last time it was seen true */
	double last_sent;	/* last firing announcement */
};

/* Advance s to time now, given the condition's level then: 0 ok, 1 warning,
 * 2 critical, -1 unknown (no data: the state holds, apart from repeats).
 * Returns the event to announce; the severity announced is s->sev. */
enum alert_ev alert_step(struct alert_state *s, const struct alert_timing *t,
    int level, double now);

const char *alert_st_name(enum alert_st st);

#endif
