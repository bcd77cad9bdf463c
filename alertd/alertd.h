#ifndef ALERTD_ALERTD_H
#define ALERTD_ALERTD_H
/* alertd's running state, in one context struct that main() owns and
 * passes to every stage: the options, the rules, the inputs, the alerts,
 * the snapshot tables, the inventory and the hooks.  Split by concern:
 *
 *	alertd.c	options, set-up and tear-down (main)
 *	alert.c		alerts: levels, state machines, events, --once
 *	statefile.c	--state: the active alerts kept in a file
 *	snap.c		snapshot directories: tables, rules over them
 *	input.c		sample and tick streams, the poll loop */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "contract.h"
#include "csvio.h"
#include "hook.h"
#include "inventory.h"
#include "rule.h"
#include "state.h"
#include "strmap.h"
#include "table.h"

#define INPUTS_MAX	16
#define RECORD_MAX	65536	/* longest input line */
#define BATCH		4096	/* records read from one input per wakeup */
#define READ_BUDGET	(1 << 20)	/* bytes read per csvio_next call */
#define WAKE_BYTES	(4 << 20)	/* bytes read from one input per wakeup */
#define WARN_MAX	100	/* malformed-line warnings per input */

struct alertd_opts {
	const char *rules_path, *dir, *stock, *exec;
	const char *state_path;	/* --state */
	const char *in_paths[INPUTS_MAX];	/* --input, in order */
	size_t nin;
	const char *ticks;	/* --ticks */
	double exec_timeout;
	long long exec_jobs, exec_queue;
	int json, once, input_clock, reopen;
};

struct input {
	const char *name;	/* path, or "stdin" */
	int fd, is_stdin, ticks_only, done, oflags;
	struct csvio_reader *r;
	enum { IN_UNKNOWN, IN_SAMPLE, IN_TICK } kind;
	struct contract_tick_reader tr;	/* IN_TICK */
	long col_time;		/* IN_SAMPLE */
	size_t nf;
	long *rule_col;		/* per rule: sample column, or -1 */
	char **hdr;		/* column names */
	unsigned long records, malformed;
};

struct alert {
	size_t rule;
	char *key;
	struct alert_state s;
	int level;		/* latest condition: -1, 0, 1, 2, or
				   LEVEL_ABSENT */
	int have;		/* evaluated at least once */
	double value, thr_w, thr_c;
	unsigned long gen;	/* snapshot generation of the last update */
	char info[160];		/* inventory details for messages */
	char since[CONTRACT_TIME_MAX];	/* when it started firing */
	int restored;		/* firing as --state said at start */
};

/* The level of a sample rule whose field says the device is not present
 * (CONTRACT_SAMPLE_ABSENT): no condition at all, left out of --once. */
#define LEVEL_ABSENT	(-2)

struct alertd {
	struct alertd_opts opt;
	struct rule *rules;
	size_t nrules;
	struct input inputs[INPUTS_MAX];
	size_t ninputs;
	struct alert *alerts;
	size_t nalerts, calerts;
	struct strmap *alert_map;
	struct table *tables;
	size_t ntables;
	struct inventory *inv;
	struct hooks *hooks;
	double clock_now;	/* input clock: latest time seen */
	double last_sales_t;	/* newest sale, from the last tick (NAN) */
	int clock_known;
	unsigned long snap_gen, snap_reads, events, stale_ticks;
	unsigned long sample_inputs;
	struct table_ctx tctx;	/* tctx.malformed: malformed snapshot rows */
	int input_failed;	/* an input could not be read: exit 1 */
	int snap_startup;	/* the read at start: reduce may not have
				 * written the snapshot yet */
	int out_stalled;	/* stopped by a signal while writing */
	int state_dirty;	/* the active set changed: write --state */
	int state_failed;	/* --state could not be written: exit 1 */
};

/* Exit statuses: --once speaks the Nagios plugin convention. */
int alertd_ex_usage(const struct alertd *d);
int alertd_ex_fail(const struct alertd *d);

/* malloc and strdup that end the run (exit status ex_fail) on ENOMEM. */
void *alertd_malloc(const struct alertd *d, size_t n);
char *alertd_strdup(const struct alertd *d, const char *s);

/* 1 when warnings are shown (no -q), when counts are (-v). */
int alertd_warn_on(void);
int alertd_info_on(void);

/* ---- alert.c ------------------------------------------------------------- */

/* The alert of rule for key, made when new. */
struct alert *alert_get(struct alertd *d, size_t rule, const char *key);
/* The latest condition of a, with its value and thresholds; a firing
 * alert of a rule with hysteresis= keeps its level until v is clear of
 * the threshold it crossed by that band. */
void alert_set_level(const struct alertd *d, struct alert *a, int level,
    double v, double tw, double tc);
/* The current time on alertd's clock (wall, or the input's). */
double alertd_now(const struct alertd *d);
/* Run every alert's state machine at the current time; print events. */
void alertd_step_all(struct alertd *d);
/* The time t (seconds since the epoch; the wall clock now unless
 * --clock=input) as RFC 3339 in local time with its UTC offset. */
void alertd_fmt_time(const struct alertd *d, double t, char *buf,
    size_t cap);
/* The message of a firing alert a, as its event has it. */
void alertd_message(const struct alertd *d, const struct alert *a,
    char *buf, size_t cap);
/* Flush stdout; a failure ends the run. */
void alertd_check_stdout(struct alertd *d);
/* The Nagios status line of --once on stdout; returns its status. */
int alertd_once_report(struct alertd *d);

/* ---- statefile.c --------------------------------------------------------- */

/* Read the active alerts of --state (a missing file is an empty set) and
 * mark those whose rule is still in the rules file as firing, so that
 * nothing still firing is announced again.  Returns 0, or -1 with err set
 * (a file that cannot be read, or is not active alerts). */
int statefile_load(struct alertd *d, char *err, size_t errlen);
/* Replace --state with the active set (most severe first) if it changed.
 * Returns 0, or -1 (warned; the run ends with exit status 1). */
int statefile_save(struct alertd *d);

/* ---- snap.c ------------------------------------------------------------- */

/* Read NAME on each tick.  An optional file may be missing silently. */
void snap_add_table(struct alertd *d, const char *name, int optional);
/* Re-read the snapshot and evaluate its rules.  sales_t is the time of the
 * newest sale it holds, when known (else NAN); rows is the tick's count of
 * rows (-1 when unknown). */
void snap_read(struct alertd *d, double sales_t, long long rows);

/* ---- input.c ------------------------------------------------------------ */

/* Open path ("-": stdin) as an input.  Returns 0, or -1 with err set and
 * *status the exit status. */
int input_add(struct alertd *d, const char *path, int ticks_only,
    int *status, char *err, size_t errlen);
/* Read every input until they end (or a signal), running the hooks. */
void input_run(struct alertd *d);
/* Parse the n bytes at p as a time: RFC 3339 (or any form tm_parse
 * takes) with an optional UTC offset ("+05:30"; none: UTC), or seconds
 * since the epoch, blanks around it trimmed.  Returns 0 or -1. */
int alertd_parse_time(const char *p, size_t n, double *t);
/* Close and free every input. */
void input_free_all(struct alertd *d);

#endif
