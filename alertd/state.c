/* The alert state machine; see state.h. */
#include "state.h"

static enum alert_ev
fire(struct alert_state *s, int sev, double now)
{
	s->st = AST_FIRING;
	s->sev = sev;
	s->last_sent = now;
	return AEV_FIRING;
}

enum alert_ev
alert_step(struct alert_state *s, const struct alert_timing *t, int level,
    double now)
{
	switch (s->st) {
	case AST_INACTIVE:
	case AST_RESOLVED:
		if (level <= 0)
			return AEV_NONE;
		s->since = now;
		s->last_true = now;
		s->sev = level;
		if (t->for_s <= 0)
			return fire(s, level, now);
		s->st = AST_PENDING;
		return AEV_NONE;
	case AST_PENDING:
		if (level < 0)
			return AEV_NONE;
		if (level == 0) {
			s->st = AST_INACTIVE;
			return AEV_NONE;
		}
		s->last_true = now;
		s->sev = level;
		if (now - s->since >= t->for_s)
			return fire(s, level, now);
		return AEV_NONE;
	case AST_FIRING:
		if (level > 0) {
			s->last_true = now;
			if (level != s->sev)
				return fire(s, level, now);
		} else if (level == 0 && now - s->last_true >= t->keep_s) {
			s->st = AST_RESOLVED;
			return AEV_RESOLVED;
		}
		if (t->repeat_s > 0 && now - s->last_sent >= t->repeat_s)
			return fire(s, s->sev, now);
		return AEV_NONE;
	}
	return AEV_NONE;
}

const char *
alert_st_name(enum alert_st st)
{
	static const char *const names[] = {
		"inactive", "pending", "firing", "resolved",
	};

	return names[st];
}
