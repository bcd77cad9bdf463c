/* alertd: apply threshold rules to sample streams and reduce snapshots;
 * fire and resolve alerts, run hooks, or answer once for cron. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csvio.h"
#include "eval.h"
#include "hook.h"
#include "inventory.h"
#include "num.h"
#include "outfmt.h"
#include "readfile.h"
#include "rule.h"
#include "state.h"
#include "strmap.h"
#include "table.h"
#include "timefield.h"
#include "util.h"

#define INPUTS_MAX	16
#define RECORD_MAX	65536	/* longest input line */
#define BATCH		4096	/* records read from one input per wakeup */
#define READ_BUDGET	(1 << 20)	/* bytes read per csvio_next call */
#define WAKE_BYTES	(4 << 20)	/* bytes read from one input per wakeup */
#define WARN_MAX	100	/* malformed-line warnings per input */

/*=== options and global state ================================================*/

static struct {
	const char *rules_path, *dir, *stock, *exec;
	double exec_timeout;
	long exec_jobs, exec_queue;
	int json, once, input_clock, verbose, quiet, reopen;
} opt = { .exec_timeout = 10, .exec_jobs = 4, .exec_queue = 64 };

struct input {
	const char *name;	/* path, or "stdin" */
	int fd, is_stdin, ticks_only, done, oflags;
	struct csvio_reader *r;
	enum { IN_UNKNOWN, IN_SAMPLE, IN_TICK } kind;
	long col_time, col_tick, col_lag, col_rows;
	size_t nf;
	long *rule_col;		/* per rule: sample column, or -1 */
	char **hdr;		/* column names */
	unsigned long records, malformed;
};

struct alert {
	size_t rule;
	char *key;
	struct alert_state s;
	int level;		/* latest condition: -1, 0, 1, 2 */
	int have;		/* evaluated at least once */
	double value, thr_w, thr_c;
	unsigned long gen;	/* snapshot generation of the last update */
	char info[160];		/* inventory details for messages */
};


static struct rule *rules;
static size_t nrules;
static struct input inputs[INPUTS_MAX];
static size_t ninputs;
static struct alert *alerts;
static size_t nalerts, calerts;
static struct strmap *alert_map;
static struct table *tables;
static size_t ntables;
static struct inventory *inv;
static struct hooks *hooks;
static double clock_now;	/* input clock: latest time seen */
static double last_sales_t = NAN;	/* newest sale, from the last tick */
static int clock_known;
static unsigned long snap_gen, snap_reads, events;
static struct table_ctx tctx;	/* tctx.malformed: malformed snapshot rows */
static unsigned long stale_ticks;
static int input_failed;	/* an input could not be read: exit 1 */
static int snap_startup;	/* the read at start: reduce may not have
				 * written the snapshot yet */
static unsigned long sample_inputs;
static volatile sig_atomic_t got_chld;
static int out_stalled;		/* stopped by a signal while writing */

static const struct option longopts[] = {
	{ "dir", required_argument, NULL, 'd' },
	{ "format", required_argument, NULL, 'F' },
	{ "help", no_argument, NULL, 'h' },
	{ "input", required_argument, NULL, 'i' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "reopen", no_argument, NULL, 'R' },
	{ "rules", required_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "clock", required_argument, NULL, 'C' },
	{ "exec", required_argument, NULL, 'x' },
	{ "exec-jobs", required_argument, NULL, 'J' },
	{ "exec-queue", required_argument, NULL, 'Q' },
	{ "exec-timeout", required_argument, NULL, 'T' },
	{ "once", no_argument, NULL, 'o' },
	{ "stock", required_argument, NULL, 's' },
	{ "ticks", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static const char synopsis[] =
    "usage: alertd -r RULES [-qv] [-d DIR] [-F csv|json] [-i FILE]... "
    "[--ticks FIFO]\n"
    "              [--stock FILE] [--clock wall|input] [--exec CMD] "
    "[--exec-timeout DUR]\n"
    "              [--exec-jobs N] [--exec-queue N] [--reopen] [--once]\n";

/* Exit statuses: --once speaks the Nagios plugin convention. */
static int
ex_usage(void)
{
	return opt.once ? 3 : 2;
}

static int
ex_fail(void)
{
	return opt.once ? 3 : 1;
}

static void
usage(void)
{
	fputs(synopsis, stderr);
	fputs("Try 'alertd --help'.\n", stderr);
	exit(ex_usage());
}

static void
help(void)
{
	printf("Usage: alertd -r RULES [OPTION]...\n"
	    "Apply threshold rules to sysheat samples and reduce snapshots;\n"
	    "print one event line each time an alert fires or resolves.\n\n"
	    "  -r, --rules FILE      rules file (see alertd(1))\n"
	    "  -i, --input FILE      read samples or tick lines from FILE or a "
	    "FIFO (repeatable;\n"
	    "                        '-' is stdin; default: stdin)\n"
	    "      --ticks FIFO      read reduce's tick lines from FIFO\n"
	    "  -d, --dir DIR         reduce snapshot directory, re-read on "
	    "each tick\n"
	    "      --stock FILE      starting stock: Product,Stock or "
	    "BranchName,Product,Stock\n"
	    "  -F, --format FMT      events as csv (default) or json lines\n"
	    "      --clock CLOCK     wall (default) or input: time from the "
	    "input's time column\n"
	    "      --exec CMD        run CMD (/bin/sh -c) on each event\n"
	    "      --exec-timeout D  kill a hook after D (default 10s)\n"
	    "      --exec-jobs N     hooks running at once (default 4)\n"
	    "      --exec-queue N    hooks waiting at most (default 64)\n"
	    "      --once            evaluate once, print a Nagios status line, "
	    "exit 0/1/2/3\n"
	    "      --reopen          open a FIFO input again when its writer "
	    "goes away\n"
	    "  -q, --quiet           no warnings about malformed lines\n"
	    "  -v, --verbose         counts at exit\n"
	    "      --help            this help\n"
	    "      --version         the version\n");
	exit(0);
}

static void
on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

static void *
emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err(ex_fail(), "malloc");
	return p;
}

static char *
estrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		err(ex_fail(), "strdup");
	return p;
}

/*=== formatting ================================================================*/

/* A number as alertd prints values (outfmt.h). */
static const char *
fmt_num(double v, char *buf, size_t cap)
{
	return out_num(v, buf, cap);
}

static void
fmt_time(double t, char *buf)
{
	struct li_tm tm;

	if (!opt.input_clock) {
		tm_now_rfc3339(buf);
		return;
	}
	tm_from_epoch((int64_t)floor(t), &tm);
	tm_fmt_rfc3339(&tm, buf);
}

static const char *
op_text(enum cmp_op op)
{
	static const char *const t[] = { ">", ">=", "<", "<=" };

	return t[op];
}

/* The default message of an alert in its current state. */
static void
default_message(const struct alert *a, int firing, char *buf, size_t cap)
{
	const struct rule *r = &rules[a->rule];
	const struct test *t = a->s.sev == 2 && r->crit.kind != TEST_NONE ?
	    &r->crit : r->warn.kind != TEST_NONE ? &r->warn : &r->crit;
	double thr = t == &r->crit ? a->thr_c : a->thr_w;
	char v[48], x[48];

	fmt_num(a->value, v, sizeof(v));
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
	else if (t->stat != STAT_NONE)
		snprintf(buf, cap, "%s %s %s %s (%s)", r->field, v,
		    op_text(t->op), t->text + (t->op == CMP_GE ||
		    t->op == CMP_LE ? 2 : 1), fmt_num(thr, x, sizeof(x)));
	else
		snprintf(buf, cap, "%s %s %s %s", r->field, v, op_text(t->op),
		    fmt_num(thr, x, sizeof(x)));
}

/* Expand {name} {key} {value} {severity} {status} {threshold} in the
 * rule's message template. */
static void
expand_message(const struct alert *a, const char *status, char *buf,
    size_t cap)
{
	const struct rule *r = &rules[a->rule];
	const char *p = r->message;
	size_t o = 0;
	char tmp[48];

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
				sub = fmt_num(a->value, tmp, sizeof(tmp));
			else if (IS("severity"))
				sub = a->s.sev == 2 ? "critical" : "warning";
			else if (IS("status"))
				sub = status;
			else if (IS("threshold")) {
				const struct test *t = a->s.sev == 2 ?
				    &r->crit : &r->warn;
				sub = t->kind == TEST_RANGE ? t->text + 1 :
				    fmt_num(a->s.sev == 2 ? a->thr_c :
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

static void
check_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (sig_stop && errno == EINTR) {
			/* See emit: the run ends at the loop's top. */
			out_stalled = 1;
			return;
		}
		err(ex_fail(), "stdout");
	}
}

static void
emit(struct alert *a, enum alert_ev e, double now)
{
	const struct rule *r = &rules[a->rule];
	struct hook_event ev;
	int firing = e == AEV_FIRING;
	char msg[2 * HOOK_FIELD_MAX];
	sigset_t stop_sigs, old;

	memset(&ev, 0, sizeof(ev));
	fmt_time(now, ev.time);
	snprintf(ev.status, sizeof(ev.status), "%s",
	    firing ? "firing" : "resolved");
	snprintf(ev.name, sizeof(ev.name), "%s", r->name);
	snprintf(ev.severity, sizeof(ev.severity), "%s",
	    a->s.sev == 2 ? "critical" : "warning");
	out_copy(ev.key, sizeof(ev.key), a->key);
	fmt_num(a->value, ev.value, sizeof(ev.value));
	if (r->message[0] != '\0')
		expand_message(a, ev.status, msg, sizeof(msg));
	else
		default_message(a, firing, msg, sizeof(msg));
	/* Cut at a character boundary: valid UTF-8 stays valid. */
	out_copy(ev.message, sizeof(ev.message), msg);
	events++;
	if (opt.once || out_stalled)
		return;
	/* A reader that stops reading must not make alertd deaf to SIGTERM:
	 * the stop signals come through while the event is written, and a
	 * write blocked on a full pipe then fails with EINTR. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_UNBLOCK, &stop_sigs, &old);
	if (opt.json) {
		char json[OUT_JSON_MAX];

		if (out_json_event(&ev, json, sizeof(json)) == 0)
			errx(ex_fail(), "JSON event too long");	/* cannot be */
		fputs(json, stdout);
	} else {
		const char *f[] = { ev.time, ev.status, ev.name, ev.severity,
		    ev.key, ev.value, ev.message };
		size_t i;
		for (i = 0; i < NELEM(f); i++) {
			if (i > 0)
				putchar(',');
			csvio_put_field(stdout, f[i], strlen(f[i]), ',');
		}
		putchar('\n');
	}
	check_stdout();
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (hooks != NULL && !out_stalled)
		hooks_submit(hooks, &ev);
}

static struct alert *
alert_get(size_t rule, const char *key)
{
	char buf[RULE_KEY_MAX + 1024];
	int n = snprintf(buf, sizeof(buf), "%zu\037%s", rule, key);
	int ins;
	long id;

	if (n < 0 || (size_t)n >= sizeof(buf))
		n = (int)sizeof(buf) - 1;
	if ((id = strmap_intern(alert_map, buf, (size_t)n, &ins)) < 0)
		err(ex_fail(), "strmap");
	if (ins) {
		struct alert *a;
		if (nalerts == calerts) {
			calerts = calerts ? calerts * 2 : 64;
			alerts = realloc(alerts, calerts * sizeof(*alerts));
			if (alerts == NULL)
				err(ex_fail(), "realloc");
		}
		a = &alerts[nalerts++];
		memset(a, 0, sizeof(*a));
		a->rule = rule;
		a->key = estrdup(key);
		a->level = -1;
		a->value = NAN;
		a->thr_w = a->thr_c = NAN;
	}
	return &alerts[id];
}

static void
set_level(struct alert *a, int level, double v, double tw, double tc)
{
	a->level = level;
	a->have = 1;
	a->value = v;
	if (level >= 0) {
		a->thr_w = tw;
		a->thr_c = tc;
	}
}

static double
now_clock(void)
{
	return opt.input_clock ? clock_now : now_wall();
}

/* Run every alert's state machine at the current time. */
static void
step_all(void)
{
	double now;
	size_t i;

	if (opt.input_clock && !clock_known)
		return;
	now = now_clock();
	for (i = 0; i < nalerts; i++) {
		struct alert *a = &alerts[i];
		const struct rule *r = &rules[a->rule];
		struct alert_timing t = { r->for_s, r->keep_s, r->repeat_s };
		enum alert_ev e;

		if (opt.once)
			continue;
		if ((e = alert_step(&a->s, &t, a->level, now)) != AEV_NONE)
			emit(a, e, now);
	}
}

/*=== snapshots =================================================================*/

static struct table *
table_find(const char *name)
{
	size_t i;

	for (i = 0; i < ntables; i++)
		if (strcmp(tables[i].name, name) == 0)
			return &tables[i];
	return NULL;
}

static char *
field_dup(const struct csvio_field *f)
{
	char *p = xstrndup(f->p, f->len);

	if (p == NULL)
		err(ex_fail(), "malloc");
	return p;
}

/* Mark a rule's alerts not updated in this generation as ok: their row has
 * gone from the snapshot. */
static void
sweep(size_t ri)
{
	size_t i;

	for (i = 0; i < nalerts; i++)
		if (alerts[i].rule == ri && alerts[i].gen != snap_gen &&
		    alerts[i].have)
			alerts[i].level = 0;
}

/* Leave a rule's alerts as they are, with no data this time. */
static void
unknown_all(size_t ri)
{
	size_t i;

	for (i = 0; i < nalerts; i++)
		if (alerts[i].rule == ri)
			alerts[i].level = -1;
}

/* eval_table's callbacks, for rule ri over table t. */
struct row_ctx {
	size_t ri;
	struct table *t;
};

static void
row_alert(void *arg, const char *key, int level, double v, double tw,
    double tc)
{
	struct row_ctx *c = arg;
	struct alert *a = alert_get(c->ri, key);

	if (level < 0) {
		/* Unknown: the alert's state stays as it was. */
		a->level = -1;
		a->have = 1;
	} else {
		set_level(a, level, v, tw, tc);
	}
	a->gen = snap_gen;
}

/* A cell that is not a number: warned once per file read, not on every
 * tick. */
static void
row_bad_cell(void *arg, size_t row, size_t col, const char *cell)
{
	struct row_ctx *c = arg;

	if (c->t->gen != snap_gen)
		return;
	tctx.malformed++;
	if (!opt.quiet)
		warnx("%s/%s: row %zu: bad %s '%.40s'", opt.dir, c->t->name,
		    row + 2, c->t->hdr[col], cell);
}

static void
eval_row_rule(size_t ri)
{
	const struct rule *r = &rules[ri];
	struct table *t = table_find(r->file);
	struct row_ctx ctx = { ri, t };
	struct eval_cb cb = { row_alert, row_bad_cell, &ctx };
	int rc;

	if (t == NULL || !t->ok) {
		unknown_all(ri);
		return;
	}
	if ((rc = eval_table(r, t, &cb)) == -2)
		err(ex_fail(), "malloc");
	if (rc == -1) {
		if (!t->missing_warned)
			warnx("%s/%s: no column '%s' (rule %s)", opt.dir,
			    t->name, r->field, r->name);
		t->missing_warned = 1;
		unknown_all(ri);
		return;
	}
	if (r->src == SRC_ROW)
		sweep(ri);
}

/* Feed product_inventory_usage.csv to the inventory, then evaluate the
 * inventory rules. */
static void
eval_inventory(double now, int observe)
{
	struct table *t = table_find("product_inventory_usage.csv");
	long cb, cp, cs;
	double minwin = 0, v;
	size_t i, ri;
	char p[48], q[48];

	if (t == NULL || !t->ok)
		goto unknown;
	cb = table_col(t, "BranchName");
	cp = table_col(t, "Product");
	cs = table_col(t, "TotalUnitsSold");
	if (cp < 0 || cs < 0) {
		if (!t->missing_warned)
			warnx("%s/%s: no Product and TotalUnitsSold columns",
			    opt.dir, t->name);
		t->missing_warned = 1;
		goto unknown;
	}
	for (ri = 0; ri < nrules; ri++)
		if (rules[ri].src == SRC_INVENTORY && rules[ri].window_s > 0 &&
		    (minwin == 0 || rules[ri].window_s < minwin))
			minwin = rules[ri].window_s;
	if (observe) {
		inv_usage_begin(inv);
		for (i = 0; i < t->nrows; i++) {
			if (num_parse_str(table_cell(t, i, (size_t)cs), -1e300, 1e300,
			    &v) == -1) {
				struct row_ctx ctx = { 0, t };
				row_bad_cell(&ctx, i, (size_t)cs,
				    table_cell(t, i, (size_t)cs));
				continue;
			}
			if (inv_usage_row(inv, cb >= 0 ?
			    table_cell(t, i, (size_t)cb) : NULL,
			    table_cell(t, i, (size_t)cp), v) == -1)
				err(ex_fail(), "malloc");
		}
		inv_usage_end(inv, now, minwin);
	}
	for (ri = 0; ri < nrules; ri++) {
		const struct rule *r = &rules[ri];
		if (r->src != SRC_INVENTORY)
			continue;
		for (i = 0; i < inv->n; i++) {
			struct inv_item *it = &inv->items[i];
			struct alert *a = alert_get(ri, it->key);
			double vel, days, tw, tc;
			int lv;

			if (!it->have_cur) {
				a->level = -1;
				a->have = 1;
				continue;
			}
			if (it->stock - it->sold <= 0) {
				/* Sold out: no velocity needed. */
				days = 0;
				snprintf(a->info, sizeof(a->info),
				    "sold out: %s sold of %s",
				    fmt_num(it->sold, p, sizeof(p)),
				    fmt_num(it->stock, q, sizeof(q)));
			} else if (inv_velocity(it, r->window_s, r->span_s,
			    &vel) == -1) {
				a->level = -1;
				a->have = 1;
				continue;
			} else {
				days = inv_days_left(it->stock, it->sold, vel);
				snprintf(a->info, sizeof(a->info),
				    "%s left, %s a day",
				    fmt_num(it->stock - it->sold, p, sizeof(p)),
				    fmt_num(vel, q, sizeof(q)));
			}
			lv = rule_level(r, days, NULL, 0, &tw, &tc);
			set_level(a, lv, days, tw, tc);
		}
	}
	return;
unknown:
	for (ri = 0; ri < nrules; ri++)
		if (rules[ri].src == SRC_INVENTORY)
			unknown_all(ri);
}

/* 1 when the snapshot read is the one tick line announced (rows accepted
 * so far; -1 when unknown): kpis.csv's Transactions count matches, and
 * kpis.csv was not replaced while the other files were read.  reduce does
 * not wait for its readers, so a reader behind it may find a newer
 * snapshot than the tick it is reading: its sales time does not fit that
 * snapshot, and the inventory must not take it as an observation.  The
 * same when the usage file is newer than kpis.csv. */
static int
snapshot_matches(long long rows)
{
	struct table *t = table_find("kpis.csv");
	struct table *u = table_find("product_inventory_usage.csv");
	char path[4096];
	struct stat st;
	double v;
	long c;

	if (rows < 0 || t == NULL || !t->ok || t->nrows != 1 ||
	    (c = table_col(t, "Transactions")) < 0 ||
	    num_parse_str(table_cell(t, 0, (size_t)c), 0, 1e18, &v) == -1)
		return 1;
	if (v != (double)rows)
		return 0;
	/* reduce writes kpis.csv last: a usage file newer than it belongs to
	 * the next snapshot, caught half-written.  (Equal times, on a coarse
	 * clock, cannot tell; see BUGS in alertd(1).) */
	if (u != NULL && u->ok && (u->st.st_mtim.tv_sec > t->st.st_mtim.tv_sec ||
	    (u->st.st_mtim.tv_sec == t->st.st_mtim.tv_sec &&
	    u->st.st_mtim.tv_nsec > t->st.st_mtim.tv_nsec)))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", opt.dir, t->name);
	if (stat(path, &st) == -1 || st.st_ino != t->st.st_ino ||
	    st.st_mtim.tv_sec != t->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != t->st.st_mtim.tv_nsec)
		return 0;
	return 1;
}

/* Re-read the snapshot and evaluate its rules.  sales_t is the time of the
 * newest sale it holds, when known (else NAN: the clock's time is used);
 * rows is the tick's count of rows (-1 when unknown). */
static void
read_snapshot(double sales_t, long long rows)
{
	size_t i;
	int observe;

	if (opt.dir == NULL)
		return;
	snap_gen++;
	snap_reads++;
	tctx.dir = opt.dir;
	tctx.quiet = opt.quiet;
	tctx.quiet_missing = snap_startup;
	tctx.gen = snap_gen;
	tctx.fail_status = ex_fail();
	tctx.stop = &sig_stop;
	for (i = 0; i < ntables; i++)
		table_read(&tables[i], &tctx);
	if (!(observe = snapshot_matches(rows)))
		stale_ticks++;
	for (i = 0; i < nrules; i++)
		if (rules[i].src == SRC_ROW || rules[i].src == SRC_AGG)
			eval_row_rule(i);
	if (inv != NULL && !isnan(sales_t))
		eval_inventory(sales_t, observe);
	else if (inv != NULL && (!opt.input_clock || clock_known))
		eval_inventory(now_clock(), observe);
}

/*=== inputs ====================================================================*/

static void
malformed(struct input *in, uint64_t line, const char *fmt, ...)
{
	va_list ap;
	char msg[256];

	in->malformed++;
	if (opt.quiet || in->malformed > WARN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("%s:%llu: %s", in->name, (unsigned long long)line, msg);
	if (in->malformed == WARN_MAX)
		warnx("%s: further malformed lines are counted, not shown",
		    in->name);
}

/* Parse a time field: RFC 3339 (or any form tm_parse takes) or seconds
 * since the epoch.  Returns 0 or -1. */
static int
parse_time(const struct csvio_field *f, double *t)
{
	struct li_tm tm;
	const char *p = f->p;
	size_t n = f->len;

	/* Blanks around it are trimmed, as around numbers. */
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0 || n >= 64)
		return -1;
	if (num_parse(p, n, 0, 1e12, t) == 0)
		return 0;
	if (tm_parse(p, n, &tm) == -1)
		return -1;
	*t = (double)tm_epoch(&tm);
	return 0;
}

static void
advance_clock(double t)
{
	if (!clock_known || t > clock_now)
		clock_now = t;
	clock_known = 1;
}

static void
classify(struct input *in, const struct csvio_record *rec)
{
	size_t i;

	in->nf = rec->nf;
	in->col_time = csvio_find(rec, "time");
	in->col_tick = csvio_find(rec, "tick");
	in->col_lag = csvio_find(rec, "lag_s");
	in->col_rows = csvio_find(rec, "rows");
	if (in->col_tick >= 0 && in->col_time >= 0) {
		in->kind = IN_TICK;
		return;
	}
	if (in->col_time < 0 || in->ticks_only) {
		warnx("%s:%llu: not a header of samples (time,...) or tick "
		    "lines (tick,time,...): input ignored", in->name,
		    (unsigned long long)rec->line);
		in->malformed++;
		in->done = 1;
		return;
	}
	in->kind = IN_SAMPLE;
	sample_inputs++;
	in->hdr = emalloc(rec->nf * sizeof(*in->hdr));
	for (i = 0; i < rec->nf; i++)
		in->hdr[i] = field_dup(&rec->f[i]);
	in->rule_col = emalloc((nrules + 1) * sizeof(*in->rule_col));
	for (i = 0; i < nrules; i++)
		in->rule_col[i] = rules[i].src == SRC_SAMPLE ?
		    csvio_find(rec, rules[i].field) : -1;
}

static void
on_sample(struct input *in, const struct csvio_record *rec)
{
	double t, v;
	size_t i;

	if (rec->nf != in->nf) {
		malformed(in, rec->line, "%zu fields, want %zu", rec->nf,
		    in->nf);
		return;
	}
	if (parse_time(&rec->f[in->col_time], &t) == -1) {
		malformed(in, rec->line, "bad time '%.*s'",
		    (int)(rec->f[in->col_time].len > 40 ? 40 :
		    rec->f[in->col_time].len), rec->f[in->col_time].p);
		return;
	}
	/* Every other field is a number or empty (unknown). */
	for (i = 0; i < rec->nf; i++) {
		const struct csvio_field *f = &rec->f[i];
		if ((long)i == in->col_time || num_blank(f->p, f->len) ||
		    num_parse(f->p, f->len, -1e300, 1e300, &v) == 0)
			continue;
		malformed(in, rec->line, "%.40s: not a number '%.*s'",
		    in->hdr[i], (int)(f->len > 40 ? 40 : f->len), f->p);
		return;
	}
	in->records++;
	if (opt.input_clock)
		advance_clock(t);
	for (i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		struct alert *a;
		double tw, tc;
		long c = in->rule_col[i];
		int lv;

		if (r->src != SRC_SAMPLE)
			continue;
		a = alert_get(i, r->has_key ? r->key : r->field);
		if (c < 0 || num_blank(rec->f[c].p, rec->f[c].len)) {
			a->level = -1;
			a->value = NAN;
			a->have = 1;
			continue;
		}
		/* Checked above: a number. */
		if (num_parse(rec->f[c].p, rec->f[c].len, -1e300, 1e300,
		    &v) == -1)
			continue;
		lv = rule_level(r, v, NULL, 0, &tw, &tc);
		set_level(a, lv, v, tw, tc);
	}
}

static void
on_tick(struct input *in, const struct csvio_record *rec)
{
	double t, sales_t;
	long long tick, rows, r64;

	if (rec->nf != in->nf) {
		malformed(in, rec->line, "%zu fields, want %zu", rec->nf,
		    in->nf);
		return;
	}
	if (num_parse_int(rec->f[in->col_tick].p, rec->f[in->col_tick].len,
	    0, LLONG_MAX, &tick) == -1) {
		malformed(in, rec->line, "bad tick '%.*s'",
		    (int)(rec->f[in->col_tick].len > 40 ? 40 :
		    rec->f[in->col_tick].len), rec->f[in->col_tick].p);
		return;
	}
	if (parse_time(&rec->f[in->col_time], &t) == -1) {
		malformed(in, rec->line, "bad time '%.*s'",
		    (int)(rec->f[in->col_time].len > 40 ? 40 :
		    rec->f[in->col_time].len), rec->f[in->col_time].p);
		return;
	}
	/* The newest sale reduce has seen is lag_s before the tick: sales
	 * velocity is measured on that clock, the store's own. */
	sales_t = NAN;
	if (in->col_lag >= 0 && !num_blank(rec->f[in->col_lag].p,
	    rec->f[in->col_lag].len)) {
		size_t n = rec->f[in->col_lag].len;
		double lag;

		if (num_parse(rec->f[in->col_lag].p, n, -1e12, 1e12,
		    &lag) == -1) {
			malformed(in, rec->line, "bad lag_s '%.*s'",
			    (int)(n > 40 ? 40 : n), rec->f[in->col_lag].p);
			return;
		}
		sales_t = t - lag;
		last_sales_t = sales_t;
	}
	rows = -1;
	if (in->col_rows >= 0 && num_parse_int(rec->f[in->col_rows].p,
	    rec->f[in->col_rows].len, 0, LLONG_MAX, &r64) == 0)
		rows = r64;
	in->records++;
	if (opt.input_clock)
		advance_clock(t);
	read_snapshot(sales_t, rows);
}

static void
input_close(struct input *in)
{
	in->done = 1;
	if (in->fd >= 0) {
		if (in->is_stdin)
			fcntl(in->fd, F_SETFL, in->oflags);
		else
			close(in->fd);
	}
	in->fd = -1;
}

/* Forget the header of in: the next record is a header. */
static void
input_unclassify(struct input *in)
{
	size_t i;

	if (in->kind == IN_SAMPLE)
		sample_inputs--;
	for (i = 0; in->hdr != NULL && i < in->nf; i++)
		free(in->hdr[i]);
	free(in->hdr);
	free(in->rule_col);
	in->hdr = NULL;
	in->rule_col = NULL;
	in->kind = IN_UNKNOWN;
}

/* At the end of a FIFO under --reopen: open it again, for the next writer,
 * which starts with a header of its own.  Returns 0, or -1 when it is not a
 * FIFO (or cannot be opened: warned). */
static int
input_reopen(struct input *in)
{
	struct stat st;
	char e[128];
	int fd;

	if (!opt.reopen || in->is_stdin || fstat(in->fd, &st) == -1 ||
	    !S_ISFIFO(st.st_mode))
		return -1;
	if ((fd = li_open_input(in->name, LI_IN_FIFO, e, sizeof(e))) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		warnx("%s: %s", in->name, fd == -1 ? e : strerror(errno));
		if (fd != -1)
			close(fd);
		input_failed = 1;
		return -1;
	}
	close(in->fd);
	in->fd = fd;
	csvio_reader_free(in->r);
	if ((in->r = csvio_reader_new(fd, ',', RECORD_MAX)) == NULL)
		err(ex_fail(), "malloc");
	csvio_reader_set_budget(in->r, READ_BUDGET);
	input_unclassify(in);
	if (opt.verbose)
		warnx("%s: writer gone, open again", in->name);
	return 0;
}

/* Read what input in has ready now. */
static void
input_read(struct input *in)
{
	struct csvio_record rec;
	uint64_t start = csvio_offset(in->r);
	int n, rc;

	/* Bounded work per wakeup, so that a signal is seen soon even on
	 * an input that never pauses (stdin from /dev/zero). */
	for (n = 0; n < BATCH && !in->done &&
	    csvio_offset(in->r) - start < WAKE_BYTES; n++) {
		rc = csvio_next(in->r, &rec);
		if (rc == 0) {
			if (input_reopen(in) == -1)
				input_close(in);
			return;
		}
		if (rc == -1) {
			/* No more input now: back to poll. */
			if (rec.err == CSVIO_EAGAIN || rec.err == CSVIO_EINTR)
				return;
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM) {
				warn("%s", in->name);
				input_failed = 1;
				input_close(in);
				return;
			}
			malformed(in, rec.line, "%s", csvio_strerror(rec.err));
			continue;
		}
		/* A header again: a new writer on the FIFO (sysheat or
		 * reduce restarted).  Take it as the header it is. */
		if (in->kind != IN_UNKNOWN && rec.nf > 0 &&
		    rec.f[0].len == 4 && (memcmp(rec.f[0].p, "time", 4) == 0 ||
		    memcmp(rec.f[0].p, "tick", 4) == 0))
			input_unclassify(in);
		if (in->kind == IN_UNKNOWN) {
			classify(in, &rec);
			continue;
		}
		if (in->kind == IN_SAMPLE)
			on_sample(in, &rec);
		else
			on_tick(in, &rec);
		step_all();
	}
}

static void
input_add(const char *path, int ticks_only)
{
	struct input *in;
	int fd;

	if (ninputs == INPUTS_MAX)
		errx(ex_usage(), "too many inputs (max %d)", INPUTS_MAX);
	in = &inputs[ninputs++];
	memset(in, 0, sizeof(*in));
	in->ticks_only = ticks_only;
	if (strcmp(path, "-") == 0) {
		for (size_t i = 0; i + 1 < ninputs; i++)
			if (inputs[i].is_stdin)
				errx(ex_usage(), "stdin given twice");
		in->name = "stdin";
		in->is_stdin = 1;
		fd = 0;
	} else {
		char e[128];

		in->name = path;
		/* A regular file or a FIFO, opened without waiting for a
		 * writer (lib/readfile.h); a device such as /dev/zero or a
		 * directory is refused. */
		if ((fd = li_open_input(path, LI_IN_FIFO, e, sizeof(e))) == -1)
			errx(ex_fail(), "%s: %s", path, e);
	}
	in->fd = fd;
	if ((in->oflags = fcntl(fd, F_GETFL)) == -1)
		err(ex_fail(), "%s", in->name);
	if (fcntl(fd, F_SETFL, in->oflags | O_NONBLOCK) == -1)
		err(ex_fail(), "%s", in->name);
	if ((in->r = csvio_reader_new(fd, ',', RECORD_MAX)) == NULL)
		err(ex_fail(), "malloc");
	csvio_reader_set_budget(in->r, READ_BUDGET);
}

/*=== --once ====================================================================*/

static int
rule_applies(const struct rule *r)
{
	switch (r->src) {
	case SRC_SAMPLE:
		return sample_inputs > 0;
	case SRC_ROW:
	case SRC_AGG:
		return opt.dir != NULL;
	case SRC_INVENTORY:
		return opt.dir != NULL && inv != NULL;
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
		o->kind = NAG_THR_NUM;
		o->num = thr;
	}
}

/* The Nagios status line (outfmt.h) on stdout; returns its status. */
static int
once_report(void)
{
	struct nagios *ng;
	const char *line;
	size_t i, ri;
	int worst;

	if ((ng = nag_new(65536)) == NULL)
		err(ex_fail(), "malloc");
	for (ri = 0; ri < nrules; ri++) {
		const struct rule *r = &rules[ri];
		size_t seen = 0;

		if (!rule_applies(r))
			continue;
		for (i = 0; i < nalerts; i++) {
			struct alert *a = &alerts[i];
			struct nag_thr w, c;

			if (a->rule != ri || !a->have)
				continue;
			seen++;
			nag_threshold(&r->warn, a->thr_w, &w);
			nag_threshold(&r->crit, a->thr_c, &c);
			nag_add(ng, r->name, r->src == SRC_SAMPLE && !r->has_key ?
			    "" : a->key, a->level < 0 ? NAG_UNKNOWN : a->level,
			    a->value, &w, &c);
		}
		if (seen == 0)
			nag_nodata(ng, r->name);
	}
	worst = nag_line(ng, "LIVEINSIGHT", &line);
	fputs(line, stdout);
	nag_free(ng);
	return worst;
}

/*=== main ======================================================================*/

/* Read NAME on each tick.  An optional file may be missing silently. */
static void
add_table(const char *name, int optional)
{
	struct table *t;

	if ((t = table_find(name)) != NULL) {
		t->optional &= optional;
		return;
	}
	tables = realloc(tables, (ntables + 1) * sizeof(*tables));
	if (tables == NULL)
		err(ex_fail(), "realloc");
	memset(&tables[ntables], 0, sizeof(tables[0]));
	tables[ntables].optional = optional;
	tables[ntables++].name = estrdup(name);
}

static void
report_counts(void)
{
	size_t i;

	for (i = 0; i < ninputs; i++)
		warnx("%s: %lu records, %lu malformed", inputs[i].name,
		    inputs[i].records, inputs[i].malformed);
	if (opt.dir != NULL)
		warnx("%s: %lu snapshot reads, %lu malformed rows, %lu newer "
		    "than their tick", opt.dir, snap_reads, tctx.malformed,
		    stale_ticks);
	warnx("%lu events", events);
	if (hooks != NULL)
		warnx("hooks: %lu run, %lu failed, %lu timed out, %lu dropped",
		    hooks->run, hooks->failed, hooks->timed_out,
		    hooks->dropped);
}

static void
run_loop(void)
{
	struct pollfd pfd[INPUTS_MAX];
	size_t map[INPUTS_MAX];
	sigset_t block, orig, saved;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	saved = orig;
	sigdelset(&orig, SIGCHLD);
	sigdelset(&orig, SIGINT);
	sigdelset(&orig, SIGTERM);

	for (;;) {
		size_t n = 0, i;
		double wait = -1, hw;
		struct timespec ts, *tsp = NULL;

		if (sig_stop)
			break;
		for (i = 0; i < ninputs; i++) {
			if (inputs[i].done)
				continue;
			pfd[n].fd = inputs[i].fd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			map[n++] = i;
		}
		if (n == 0 && (hooks == NULL || hooks_busy(hooks) == 0))
			break;
		if (!opt.input_clock && !opt.once)
			wait = 1;
		if (hooks != NULL && (hw = hooks_wait(hooks, now_mono())) >= 0)
			wait = wait < 0 || hw < wait ? hw : wait;
		if (hooks != NULL && hooks->qlen > 0)
			wait = 0.05;
		if (wait >= 0) {
			ts.tv_sec = (time_t)wait;
			ts.tv_nsec = (long)((wait - (double)ts.tv_sec) * 1e9);
			tsp = &ts;
		}
		if (ppoll(pfd, n, tsp, &orig) == -1 && errno != EINTR)
			err(ex_fail(), "poll");
		/* ppoll delivers a pending signal only when it interrupts the
		 * wait: with an input that is always ready (a fast writer,
		 * stdin from /dev/zero) SIGTERM would stay pending for ever.
		 * A window for it, every round. */
		sigprocmask(SIG_SETMASK, &orig, NULL);
		sigprocmask(SIG_BLOCK, &block, NULL);
		got_chld = 0;
		for (i = 0; i < n; i++)
			if (pfd[i].revents != 0)
				input_read(&inputs[map[i]]);
		if (hooks != NULL)
			hooks_poll(hooks, now_mono());
		if (!opt.input_clock)
			step_all();
	}
	/* At the end of input, finish the hooks running and queued.  After
	 * a signal (now, or while waiting for them), queued ones are
	 * dropped, loudly, and running ones killed: alertd is gone within
	 * HOOK_STOP_GRACE. */
	if (hooks != NULL) {
		int stopping = 0;

		while (hooks_busy(hooks) > 0) {
			double hw;
			struct timespec ts;
			size_t dropped;

			if (sig_stop && !stopping) {
				stopping = 1;
				if ((dropped = hooks_drop_queue(hooks)) > 0)
					warnx("stopping: %zu queued hook runs "
					    "dropped", dropped);
				hooks_stop(hooks, now_mono());
			}
			hw = hooks_wait(hooks, now_mono());
			if (hw < 0 || hooks->qlen > 0)
				hw = 0.05;
			ts.tv_sec = (time_t)hw;
			ts.tv_nsec = (long)((hw - (double)ts.tv_sec) * 1e9);
			ppoll(NULL, 0, &ts, &orig);
			hooks_poll(hooks, now_mono());
		}
	}
	/* From here on a signal only sets sig_stop: the --once snapshot read
	 * sees it. */
	sigprocmask(SIG_SETMASK, &saved, NULL);
}

int
main(int argc, char *argv[])
{
	const char *in_paths[INPUTS_MAX], *ticks = NULL;
	size_t nin = 0, i;
	char e[1024];
	struct sigaction sa;
	long long num;
	long n;
	int c, rc = 0, need_stdin;

	/* --once changes the exit statuses of errors: know it early. */
	for (c = 1; c < argc && strcmp(argv[c], "--") != 0; c++)
		if (strcmp(argv[c], "--once") == 0)
			opt.once = 1;
	while ((c = getopt_long(argc, argv, "d:F:hi:qr:v", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'd':
			opt.dir = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "json") == 0)
				opt.json = 1;
			else if (strcmp(optarg, "csv") == 0)
				opt.json = 0;
			else {
				warnx("-F: want csv or json, not '%s'", optarg);
				usage();
			}
			break;
		case 'h':
			help();
			break;
		case 'i':
			if (nin == INPUTS_MAX - 1) {
				warnx("-i: at most %d inputs", INPUTS_MAX - 1);
				usage();
			}
			in_paths[nin++] = optarg;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'r':
			opt.rules_path = optarg;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'C':
			if (strcmp(optarg, "input") == 0)
				opt.input_clock = 1;
			else if (strcmp(optarg, "wall") == 0)
				opt.input_clock = 0;
			else {
				warnx("--clock: want wall or input, not '%s'",
				    optarg);
				usage();
			}
			break;
		case 'x':
			opt.exec = optarg;
			break;
		case 'J':
			if (parse_long(optarg, 1, 256, &num) == -1) {
				warnx("--exec-jobs: want 1 to 256, not '%s'",
				    optarg);
				usage();
			}
			opt.exec_jobs = (long)num;
			break;
		case 'Q':
			if (parse_long(optarg, 1, 100000, &num) == -1) {
				warnx("--exec-queue: want 1 to 100000, not "
				    "'%s'", optarg);
				usage();
			}
			opt.exec_queue = (long)num;
			break;
		case 'T':
			if (num_duration(optarg, &opt.exec_timeout) == -1 ||
			    opt.exec_timeout <= 0 || opt.exec_timeout > 86400) {
				warnx("--exec-timeout: bad duration '%s'",
				    optarg);
				usage();
			}
			break;
		case 'o':
			opt.once = 1;
			break;
		case 'R':
			opt.reopen = 1;
			break;
		case 's':
			opt.stock = optarg;
			break;
		case 't':
			ticks = optarg;
			break;
		case 'V':
			printf("alertd %s\n", LI_VERSION);
			exit(0);
		default:
			usage();
		}
	}
	if (optind < argc) {
		warnx("unexpected argument '%s'", argv[optind]);
		usage();
	}
	if (opt.rules_path == NULL) {
		warnx("no rules: give -r FILE");
		usage();
	}
	if (opt.once && opt.reopen) {
		warnx("--once and --reopen do not go together");
		usage();
	}
	if (opt.once && opt.exec != NULL) {
		warnx("--once and --exec do not go together");
		usage();
	}
	/* From here on SIGINT and SIGTERM only set sig_stop, which every
	 * stage checks: a signal at start-up ends a --once run with its
	 * UNKNOWN line too. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL) == -1 || sig_install() == -1)
		err(ex_fail(), "sigaction");
	if ((n = rules_load(opt.rules_path, &rules, e, sizeof(e))) == -1)
		errx(ex_usage(), "%s", e);
	nrules = (size_t)n;
	for (i = 0; i < nrules; i++) {
		/* Rules whose source is not given (no -d, no --stock) stay
		 * idle, so one rules file serves every pipeline. */
		if (rules[i].src == SRC_ROW || rules[i].src == SRC_AGG)
			add_table(rules[i].file, 0);
		if (rules[i].src == SRC_INVENTORY && opt.stock != NULL) {
			add_table(rules[i].file, 0);
			add_table("kpis.csv", 1);	/* see snapshot_matches */
		}
	}
	if (opt.stock != NULL) {
		if ((inv = inv_new()) == NULL)
			err(ex_fail(), "malloc");
		if (inv_load_stock(inv, opt.stock, e, sizeof(e)) == -1)
			errx(ex_usage(), "%s", e);
	}
	if (opt.dir != NULL) {
		struct stat st;
		/* Missing is fine: reduce, started beside us, makes it. */
		int src = stat(opt.dir, &st);
		if (src == -1 && errno != ENOENT)
			err(ex_fail(), "%s", opt.dir);
		if (src == 0 && !S_ISDIR(st.st_mode))
			errx(ex_fail(), "%s: not a directory", opt.dir);
	}
	if ((alert_map = strmap_new()) == NULL)
		err(ex_fail(), "malloc");
	if (opt.exec != NULL && (hooks = hooks_new(opt.exec, opt.exec_timeout,
	    (size_t)opt.exec_jobs, (size_t)opt.exec_queue)) == NULL)
		err(ex_fail(), "malloc");
	if (hooks != NULL)
		hooks->quiet = opt.quiet;

	/* stdin is read when no input is named, except a terminal under
	 * --once (a cron job's check of a snapshot alone). */
	need_stdin = nin == 0 && ticks == NULL &&
	    !(opt.once && isatty(0));
	if (need_stdin)
		input_add("-", 0);
	for (i = 0; i < nin; i++)
		input_add(in_paths[i], 0);
	if (ticks != NULL)
		input_add(ticks, 1);

	if (!opt.once && !opt.json) {
		fputs("time,status,alert,severity,key,value,message\n", stdout);
		check_stdout();
	}
	if (!opt.once) {
		snap_startup = 1;
		read_snapshot(NAN, -1);
		snap_startup = 0;
		step_all();
	}
	run_loop();
	if (opt.once) {
		/* The newest snapshot, as cron would see it. */
		if (!sig_stop)
			read_snapshot(last_sales_t, -1);
		if (sig_stop) {
			/* Stopped before the inputs were judged: say so, never
			 * an OK made of half the data. */
			printf("LIVEINSIGHT UNKNOWN - stopped by %s before the "
			    "check was done\n", sig_last == SIGINT ? "SIGINT" :
			    "SIGTERM");
			rc = 3;
		} else {
			rc = once_report();
		}
	}
	if (opt.verbose)
		report_counts();
	if (hooks != NULL && hooks->dropped > 0)
		warnx("%lu hook runs dropped", hooks->dropped);
	if (sig_stop && opt.verbose)
		warnx("stopped by signal %d", (int)sig_last);
	for (i = 0; i < ninputs; i++) {
		if (!inputs[i].done)
			input_close(&inputs[i]);
		csvio_reader_free(inputs[i].r);
		free(inputs[i].rule_col);
		for (size_t j = 0; inputs[i].hdr != NULL && j < inputs[i].nf;
		    j++)
			free(inputs[i].hdr[j]);
		free(inputs[i].hdr);
	}
	for (i = 0; i < nalerts; i++)
		free(alerts[i].key);
	free(alerts);
	for (i = 0; i < ntables; i++) {
		table_clear(&tables[i]);
		free(tables[i].name);
	}
	free(tables);
	strmap_free(alert_map);
	inv_free(inv);
	hooks_free(hooks);
	free(rules);
	if (out_stalled) {
		/* The event being written may be cut short: not a clean end. */
		warnx("stdout: stopped by %s while writing an event (the reader "
		    "was not reading)", sig_last == SIGINT ? "SIGINT" :
		    "SIGTERM");
		return ex_fail();
	}
	if (close_stdout() == -1) {
		warn("stdout");
		return ex_fail();
	}
	/* Under --once an unreadable input makes an OK unknown. */
	if (input_failed)
		return opt.once ? (rc == 0 ? 3 : rc) : ex_fail();
	return rc;
}
