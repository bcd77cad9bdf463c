#ifndef ALERTD_HOOK_H
#define ALERTD_HOOK_H
/* Hook commands run on alert events, asynchronously: at most `jobs` at a
 * time, the rest waiting in a bounded queue.  Each runs as /bin/sh -c CMD
 * in a process group of its own, with the event in ALERT_* environment
 * variables and as one JSON line on stdin (valid UTF-8, see outfmt.h);
 * its stdout goes to alertd's stderr.  One that outlives its timeout gets
 * SIGTERM, and SIGKILL a second later, sent to its whole group.  Failures
 * and drops are warned about on stderr (warnx) and counted. */
#include <stddef.h>
#include <sys/types.h>

#define HOOK_FIELD_MAX	512
#define HOOK_STOP_GRACE	0.5	/* seconds from SIGTERM to SIGKILL at a stop */

struct hook_event {
	char time[40], status[16], name[64], severity[16];
	char key[HOOK_FIELD_MAX], value[48], message[HOOK_FIELD_MAX];
};

struct hook_job {
	pid_t pid;
	double deadline, kill_at;	/* monotonic */
	int termed;
	char what[160];		/* "NAME/KEY status", for warnings */
};

struct hooks {
	const char *cmd;	/* borrowed */
	double timeout;
	size_t jobs, njobs;
	struct hook_job *job;	/* jobs slots; pid 0 when free */
	struct hook_event *q;	/* queue ring */
	size_t qcap, qhead, qlen;
	unsigned long run, failed, timed_out, dropped;
	int quiet;
};

/* NULL on ENOMEM.  cmd is borrowed and must outlive the hooks. */
struct hooks *hooks_new(const char *cmd, double timeout, size_t jobs,
    size_t qcap);
void hooks_free(struct hooks *h);

/* Start the hook for ev now, or queue it.  Returns 0, or -1 when the queue
 * is full and the event's hook run was dropped (warned and counted). */
int hooks_submit(struct hooks *h, const struct hook_event *ev);

/* Reap finished hooks, signal late ones, start queued ones.  now is the
 * monotonic clock. */
void hooks_poll(struct hooks *h, double now);

/* Seconds until hooks_poll has something to do (a deadline), or -1 when
 * nothing runs. */
double hooks_wait(const struct hooks *h, double now);

/* Hooks running or queued. */
size_t hooks_busy(const struct hooks *h);

/* At a stop signal: SIGTERM to the group of every running hook now (each
 * warned about), SIGKILL HOOK_STOP_GRACE seconds later from hooks_poll. */
void hooks_stop(struct hooks *h, double now);

/* Forget queued runs (at shutdown); returns how many. */
size_t hooks_drop_queue(struct hooks *h);

#endif
