/* Asynchronous hook commands; see hook.h. */
#include "hook.h"

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outfmt.h"
#include "util.h"

#define KILL_GRACE	1.0

struct hooks *
hooks_new(const char *cmd, double timeout, size_t jobs, size_t qcap)
{
	struct hooks *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->cmd = cmd;
	h->timeout = timeout;
	h->jobs = jobs;
	h->qcap = qcap;
	h->job = calloc(jobs, sizeof(*h->job));
	h->q = calloc(qcap ? qcap : 1, sizeof(*h->q));
	if (h->job == NULL || h->q == NULL) {
		hooks_free(h);
		return NULL;
	}
	return h;
}

void
hooks_free(struct hooks *h)
{
	if (h == NULL)
		return;
	free(h->job);
	free(h->q);
	free(h);
}

static void
child(const struct hooks *h, const struct hook_event *ev, int fd)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGCHLD, SIGPIPE,
	    SIGUSR1, SIGWINCH };
	sigset_t none;
	size_t i;

	setpgid(0, 0);
	for (i = 0; i < NELEM(sigs); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(fd, 0) == -1 || dup2(2, 1) == -1)
		_exit(126);
	if (setenv("ALERT_NAME", ev->name, 1) == -1 ||
	    setenv("ALERT_STATUS", ev->status, 1) == -1 ||
	    setenv("ALERT_SEVERITY", ev->severity, 1) == -1 ||
	    setenv("ALERT_KEY", ev->key, 1) == -1 ||
	    setenv("ALERT_VALUE", ev->value, 1) == -1 ||
	    setenv("ALERT_MESSAGE", ev->message, 1) == -1 ||
	    setenv("ALERT_TIME", ev->time, 1) == -1)
		_exit(126);
	execl("/bin/sh", "sh", "-c", h->cmd, (char *)NULL);
	_exit(127);
}

static void
start(struct hooks *h, struct hook_job *j, const struct hook_event *ev,
    double now)
{
	char json[OUT_JSON_MAX];
	size_t len = out_json_event(ev, json, sizeof(json));
	int sv[2];
	pid_t pid;

	snprintf(j->what, sizeof(j->what), "%s%s%.64s %s", ev->name,
	    ev->key[0] ? "/" : "", ev->key, ev->status);
	h->run++;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		warn("hook for %s: socketpair", j->what);
		h->failed++;
		return;
	}
	if ((pid = fork()) == -1) {
		warn("hook for %s: fork", j->what);
		h->failed++;
		close(sv[0]);
		close(sv[1]);
		return;
	}
	if (pid == 0)
		child(h, ev, sv[1]);
	setpgid(pid, pid);	/* also in the child: whichever runs first */
	close(sv[1]);
	/* The event is far smaller than a socket buffer: one send, which
	 * never blocks and never raises SIGPIPE. */
	if (send(sv[0], json, len, MSG_NOSIGNAL | MSG_DONTWAIT) !=
	    (ssize_t)len && errno != EPIPE && errno != ECONNRESET && !h->quiet)
		warn("hook for %s: writing its stdin", j->what);
	close(sv[0]);
	j->pid = pid;
	j->deadline = now + h->timeout;
	j->kill_at = 0;
	j->termed = 0;
}

int
hooks_submit(struct hooks *h, const struct hook_event *ev)
{
	if (h->qlen == h->qcap) {
		h->dropped++;
		warnx("hook queue full (%zu waiting, %zu running): dropped "
		    "the hook run for %s%s%.64s %s", h->qlen, h->njobs,
		    ev->name, ev->key[0] ? "/" : "", ev->key, ev->status);
		return -1;
	}
	h->q[(h->qhead + h->qlen) % h->qcap] = *ev;
	h->qlen++;
	hooks_poll(h, now_mono());
	return 0;
}

void
hooks_poll(struct hooks *h, double now)
{
	size_t i;

	for (i = 0; i < h->jobs; i++) {
		struct hook_job *j = &h->job[i];
		int st;
		pid_t r;

		if (j->pid == 0)
			continue;
		r = waitpid(j->pid, &st, WNOHANG);
		if (r == j->pid) {
			if (j->termed) {
				/* Counted and warned when it timed out. */
			} else if (WIFEXITED(st) && WEXITSTATUS(st) != 0) {
				h->failed++;
				warnx("hook for %s: exit status %d", j->what,
				    WEXITSTATUS(st));
			} else if (WIFSIGNALED(st)) {
				h->failed++;
				warnx("hook for %s: killed by signal %d",
				    j->what, WTERMSIG(st));
			}
			j->pid = 0;
			h->njobs--;
			continue;
		}
		if (r == -1 && errno == ECHILD) {
			j->pid = 0;
			h->njobs--;
			continue;
		}
		if (!j->termed && now >= j->deadline) {
			h->timed_out++;
			warnx("hook for %s: timed out after %gs, killed",
			    j->what, h->timeout);
			kill(-j->pid, SIGTERM);
			j->termed = 1;
			j->kill_at = now + KILL_GRACE;
		} else if (j->termed && j->kill_at > 0 && now >= j->kill_at) {
			kill(-j->pid, SIGKILL);
			j->kill_at = 0;
		}
	}
	for (i = 0; i < h->jobs && h->qlen > 0; i++) {
		if (h->job[i].pid != 0)
			continue;
		start(h, &h->job[i], &h->q[h->qhead], now);
		h->qhead = (h->qhead + 1) % h->qcap;
		h->qlen--;
		if (h->job[i].pid != 0)
			h->njobs++;
	}
}

double
hooks_wait(const struct hooks *h, double now)
{
	double w = -1;
	size_t i;

	for (i = 0; i < h->jobs; i++) {
		const struct hook_job *j = &h->job[i];
		double d;

		if (j->pid == 0)
			continue;
		d = j->termed ? (j->kill_at > 0 ? j->kill_at : now + 0.1) :
		    j->deadline;
		d -= now;
		if (d < 0)
			d = 0;
		if (w < 0 || d < w)
			w = d;
	}
	return w;
}

size_t
hooks_busy(const struct hooks *h)
{
	return h->njobs + h->qlen;
}

void
hooks_stop(struct hooks *h, double now)
{
	size_t i;

	for (i = 0; i < h->jobs; i++) {
		struct hook_job *j = &h->job[i];

		if (j->pid == 0)
			continue;
		if (!j->termed) {
			warnx("stopping: hook for %s: killed", j->what);
			kill(-j->pid, SIGTERM);
			j->termed = 1;
			j->kill_at = now + HOOK_STOP_GRACE;
		} else if (j->kill_at == 0 || j->kill_at > now + HOOK_STOP_GRACE) {
			j->kill_at = now + HOOK_STOP_GRACE;
		}
	}
}

size_t
hooks_drop_queue(struct hooks *h)
{
	size_t n = h->qlen;

	h->dropped += n;
	h->qlen = 0;
	return n;
}
