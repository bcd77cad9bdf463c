/* alertd: the alerts: one per rule and key, their levels, their state
 * machines (state.h), the events they print, and the --once report. */
#include <err.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alertd.h"
#include "outfmt.h"
#include "timefield.h"
#include "util.h"

/*=== alerts ====================================================================*/

struct alert *
alert_get(struct alertd *d, size_t rule, const char *key)
{
	char buf[RULE_KEY_MAX + 1024];
	int n = snprintf(buf, sizeof(buf), "%zu\037%s", rule, key);
	int ins;
	long id;

	if (n < 0 || (size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	if ((id = strmap_intern(d->alert_map, buf, (size_t)n, &ins)) < 0)
		err(alertd_ex_fail(d), "strmap");
	if (ins) {
		struct alert *a;
		if (d->nalerts == d->calerts) {
			size_t c = d->calerts ? d->calerts * 2 : 64;
			struct alert *p = realloc(d->alerts, c * sizeof(*p));
			if (p == NULL)
				err(alertd_ex_fail(d), "realloc");
			d->alerts = p;
			d->calerts = c;
		}
		a = &d->alerts[d->nalerts++];
		memset(a, 0, sizeof(*a));
		a->rule = rule;
		a->key = alertd_strdup(d, key);
		a->level = -1;
		a->value = NAN;
		a->thr_w = a->thr_c = NAN;
	}
	return &d->alerts[id];
}

/* 1 when v is clear of threshold thr of comparison op by the fraction h
 * of it (on the side that does not alert). */
static int
clear_of(enum cmp_op op, double v, double thr, double h)
{
	double band = h * fabs(thr);

	if (op == CMP_GT || op == CMP_GE)
		return v < thr - band;
	return v > thr + band;
}

void
alert_set_level(const struct alertd *d, struct alert *a, int level,
    double v, double tw, double tc)
{
	const struct rule *r = &d->rules[a->rule];

	if (r->hyst > 0 && a->s.st == AST_FIRING && level >= 0 &&
	    level < a->s.sev) {
		const struct test *t = a->s.sev == 2 ? &r->crit : &r->warn;
		double thr = a->s.sev == 2 ? tc : tw;

		if (t->kind == TEST_CMP && isfinite(thr) &&
		    !clear_of(t->op, v, thr, r->hyst)) {
			/* Still within the band: the level held, with the
			 * new value and the thresholds of now. */
			level = a->s.sev;
		}
	}
	a->level = level;
	a->have = 1;
	a->value = v;
	if (level >= 0) {
		a->thr_w = tw;
		a->thr_c = tc;
	}
}

double
alertd_now(const struct alertd *d)
{
	return d->opt.input_clock ? d->clock_now : now_wall();
}

/*=== formatting ================================================================*/

/* t (seconds since the epoch) as RFC 3339 in the local time of TZ, with
 * its UTC offset ("2026-12-03T18:10:05+05:30"; "Z" when the offset is
 * 0).  lib/timefield has no local-time formatter yet: a small one here. */
static void
fmt_local(double t, char *buf, size_t cap)
{
	time_t s = (time_t)floor(t);
	struct tm tm;
	long off;
	char z[8];

	if (localtime_r(&s, &tm) == NULL) {
		struct li_tm u;
		char b[TM_BUFSZ];

		tm_from_epoch((int64_t)floor(t), &u);
		tm_fmt_rfc3339(&u, b);
		snprintf(buf, cap, "%s", b);
		return;
	}
	off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(z, sizeof(z), "Z");
	else
		snprintf(z, sizeof(z), "%c%02ld:%02ld", off < 0 ? '-' : '+',
		    labs(off) / 3600 % 100, labs(off) / 60 % 60);
	snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d%s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, z);
}

void
alertd_fmt_time(const struct alertd *d, double t, char *buf, size_t cap)
{
	fmt_local(d->opt.input_clock ? t : now_wall(), buf, cap);
}

static const char *
op_text(enum cmp_op op)
{
	static const char *const t[] = { ">", ">=", "<", "<=" };

	return t[op];
}

/* The default message of an alert in its current state. */
static void
default_message(const struct alertd *d, const struct alert *a, int firing,
    char *buf, size_t cap)
{
	const struct rule *r = &d->rules[a->rule];
	const struct test *t = a->s.sev == 2 && r->crit.kind != TEST_NONE ?
	    &r->crit : r->warn.kind != TEST_NONE ? &r->warn : &r->crit;
	double thr = t == &r->crit ? a->thr_c : a->thr_w;
	char v[OUT_NUM_MAX], x[OUT_NUM_MAX], y[OUT_NUM_MAX];

	out_num(a->value, v, sizeof(v));
	if (r->src == SRC_INVENTORY) {
		snprintf(buf, cap, "%s%s%s", a->info, firing ? "" : "; ",
		    firing ? "" : "ok");
		return;
	}
	if (!firing) {
		snprintf(buf, cap, "%s %s ok", r->field, v);
		return;
	}
	if (t->kind == TEST_RANGE)
		snprintf(buf, cap, "%s %s %s %s", r->field, v,
		    t->range.inside ? "inside" : "outside", t->text + 1);
	else if (t->stat != STAT_NONE && t->factor != 0 && isfinite(thr))
		/* The statistic and the threshold, each by its name:
		 * "UnitsSold 16 <= 0.5*median (median 32, threshold 16)". */
		snprintf(buf, cap, "%s %s %s %s (%s %s, threshold %s)",
		    r->field, v, op_text(t->op), t->text + (t->op == CMP_GE ||
		    t->op == CMP_LE ? 2 : 1), stat_name(t->stat),
		    out_num(thr / t->factor, y, sizeof(y)),
		    out_num(thr, x, sizeof(x)));
	else if (t->stat != STAT_NONE)
		snprintf(buf, cap, "%s %s %s %s (threshold %s)", r->field, v,
		    op_text(t->op), t->text + (t->op == CMP_GE ||
		    t->op == CMP_LE ? 2 : 1), out_num(thr, x, sizeof(x)));
	else
		snprintf(buf, cap, "%s %s %s %s", r->field, v, op_text(t->op),
		    out_num(thr, x, sizeof(x)));
}

/* Expand {name} {key} {value} {severity} {status} {threshold} in the
 * rule's message template. */
static void
expand_message(const struct alertd *d, const struct alert *a,
    const char *status, char *buf, size_t cap)
{
	const struct rule *r = &d->rules[a->rule];
	const char *p = r->message;
	size_t o = 0;
	char tmp[OUT_NUM_MAX];

	while (*p != '\0' && o + 1 < cap) {
		const char *sub = NULL, *close;
		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			size_t n = (size_t)(close - p - 1);
#define IS(w) (n == strlen(w) && strncmp(p + 1, w, n) == 0)
			if (IS("name"))
				sub = r->name;
			else if (IS("key"))
				sub = a->key;
			else if (IS("value"))
				sub = out_num(a->value, tmp, sizeof(tmp));
			else if (IS("severity"))
				sub = a->s.sev == 2 ? "critical" : "warning";
			else if (IS("status"))
				sub = status;
			else if (IS("threshold")) {
				const struct test *t = a->s.sev == 2 ?
				    &r->crit : &r->warn;
				sub = t->kind == TEST_RANGE ? t->text + 1 :
				    out_num(a->s.sev == 2 ? a->thr_c :
				    a->thr_w, tmp, sizeof(tmp));
			}
#undef IS
			if (sub != NULL) {
				o += (size_t)snprintf(buf + o, cap - o, "%s",
				    sub);
				if (o >= cap)
					o = cap - 1;
				p = close + 1;
				continue;
			}
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
}

/*=== events ====================================================================*/

void
alertd_check_stdout(struct alertd *d)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (sig_stop && errno == EINTR) {
			/* See emit: the run ends at the loop's top. */
			d->out_stalled = 1;
			return;
		}
		err(alertd_ex_fail(d), "stdout");
	}
}

/* The message of a in its current state (firing or not). */
static void
message_of(const struct alertd *d, const struct alert *a, int firing,
    char *buf, size_t cap)
{
	const struct rule *r = &d->rules[a->rule];
	char msg[2 * HOOK_FIELD_MAX];

	if (r->message[0] != '\0')
		expand_message(d, a, firing ? "firing" : "resolved", msg,
		    sizeof(msg));
	else
		default_message(d, a, firing, msg, sizeof(msg));
	/* Cut at a character boundary: valid UTF-8 stays valid. */
	out_copy(buf, cap, msg);
}

void
alertd_message(const struct alertd *d, const struct alert *a, char *buf,
    size_t cap)
{
	message_of(d, a, 1, buf, cap);
}

/* The event e of a at time now, as the hooks and the writers take it. */
static void
event_fill(const struct alertd *d, const struct alert *a, enum alert_ev e,
    double now, struct hook_event *ev)
{
	const struct rule *r = &d->rules[a->rule];
	int firing = e == AEV_FIRING;

	memset(ev, 0, sizeof(*ev));
	alertd_fmt_time(d, now, ev->time, sizeof(ev->time));
	snprintf(ev->status, sizeof(ev->status), "%s",
	    firing ? "firing" : "resolved");
	snprintf(ev->name, sizeof(ev->name), "%s", r->name);
	snprintf(ev->severity, sizeof(ev->severity), "%s",
	    a->s.sev == 2 ? "critical" : "warning");
	out_copy(ev->key, sizeof(ev->key), a->key);
	out_num(a->value, ev->value, sizeof(ev->value));
	message_of(d, a, firing, ev->message, sizeof(ev->message));
}

static void
emit(struct alertd *d, struct alert *a, enum alert_ev e, double now)
{
	struct hook_event ev;
	sigset_t stop_sigs, old;

	event_fill(d, a, e, now, &ev);
	d->events++;
	/* The active set changed (or a re-announcement: the value and
	 * message in --state are those of the last event). */
	if (e == AEV_FIRING && a->since[0] == '\0')
		snprintf(a->since, sizeof(a->since), "%s", ev.time);
	else if (e == AEV_RESOLVED)
		a->since[0] = '\0';
	d->state_dirty = 1;
	if (d->opt.once || d->out_stalled)
		return;
	/* A reader that stops reading must not make alertd deaf to SIGTERM:
	 * the stop signals come through while the event is written, and a
	 * write blocked on a full pipe then fails with EINTR. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &stop_sigs, &old);
	if (d->opt.json) {
		char json[OUT_JSON_MAX];

		if (out_json_event(&ev, json, sizeof(json)) == 0)
			errx(alertd_ex_fail(d), "JSON event too long");
		fputs(json, stdout);
	} else {
		/* The alert-event contract (lib/contract.h). */
		struct contract_alert ca = { .f = {
			[CA_TIME] = ev.time, [CA_STATUS] = ev.status,
			[CA_ALERT] = ev.name, [CA_SEVERITY] = ev.severity,
			[CA_KEY] = ev.key, [CA_VALUE] = ev.value,
			[CA_MESSAGE] = ev.message } };

		(void)contract_alert_write(stdout, &ca);
	}
	alertd_check_stdout(d);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (d->hooks != NULL && !d->out_stalled)
		hooks_submit(d->hooks, &ev);
}

void
alertd_step_all(struct alertd *d)
{
	double now;
	size_t i;

	if (d->opt.once || (d->opt.input_clock && !d->clock_known))
		return;
	now = alertd_now(d);
	for (i = 0; i < d->nalerts; i++) {
		struct alert *a = &d->alerts[i];
		const struct rule *r = &d->rules[a->rule];
		struct alert_timing t = { r->for_s, r->keep_s, r->repeat_s };
		enum alert_ev e;

		if (a->restored) {
			/* Firing since before the restart: held (and
			 * repeated) from now, on this run's clock. */
			a->s.since = a->s.last_true = a->s.last_sent = now;
			a->restored = 0;
		}
		if ((e = alert_step(&a->s, &t, a->level, now)) != AEV_NONE)
			emit(d, a, e, now);
	}
	statefile_save(d);
}

/*=== --once ====================================================================*/

static int
rule_applies(const struct alertd *d, const struct rule *r)
{
	switch (r->src) {
	case SRC_SAMPLE:
		return d->sample_inputs > 0;
	case SRC_ROW:
	case SRC_AGG:
		return d->opt.dir != NULL;
	case SRC_INVENTORY:
		return d->opt.dir != NULL && d->inv != NULL;
	}
	return 0;
}

static void
nag_threshold(const struct test *t, double thr, struct nag_thr *o)
{
	memset(o, 0, sizeof(*o));
	if (t->kind == TEST_RANGE) {
		o->kind = NAG_THR_RANGE;
		o->lo = t->range.lo;
		o->hi = t->range.hi;
		o->inside = t->range.inside;
	} else if (t->kind == TEST_CMP) {
		/* A range that says which side alerts, per the plugin
		 * guidelines: "t" (> t, as plain numbers have always been
		 * read, for t >= 0), "~:t" (> t), "@t:" (>= t), "t:" (< t),
		 * "@~:t" (<= t). */
		o->kind = NAG_THR_RANGE;
		o->lo = -INFINITY;
		o->hi = INFINITY;
		switch (t->op) {
		case CMP_GT:
			if (thr >= 0) {
				o->kind = NAG_THR_NUM;
				o->num = thr;
			}
			o->hi = thr;
			break;
		case CMP_GE:
			o->lo = thr;
			o->inside = 1;
			break;
		case CMP_LT:
			o->lo = thr;
			break;
		case CMP_LE:
			o->hi = thr;
			o->inside = 1;
			break;
		}
		if (isnan(thr))
			o->kind = NAG_THR_NONE;
	}
}

int
alertd_once_report(struct alertd *d)
{
	struct nagios *ng;
	const char *line;
	size_t i, ri;
	int worst;

	if ((ng = nag_new(65536)) == NULL)
		err(alertd_ex_fail(d), "malloc");
	for (ri = 0; ri < d->nrules; ri++) {
		const struct rule *r = &d->rules[ri];
		size_t seen = 0;

		if (!rule_applies(d, r))
			continue;
		for (i = 0; i < d->nalerts; i++) {
			struct alert *a = &d->alerts[i];
			struct nag_thr w, c;

			if (a->rule != ri || !a->have)
				continue;
			seen++;
			if (a->level == LEVEL_ABSENT) {
				nag_absent(ng, r->name, r->src == SRC_SAMPLE &&
				    !r->has_key ? "" : a->key);
				continue;
			}
			nag_threshold(&r->warn, a->thr_w, &w);
			nag_threshold(&r->crit, a->thr_c, &c);
			nag_add(ng, r->name, r->src == SRC_SAMPLE &&
			    !r->has_key ? "" : a->key, a->level < 0 ?
			    NAG_UNKNOWN : a->level, a->value, &w, &c);
		}
		if (seen == 0)
			nag_nodata(ng, r->name);
	}
	worst = nag_line(ng, "LIVEINSIGHT", &line);
	fputs(line, stdout);
	nag_free(ng);
	return worst;
}
