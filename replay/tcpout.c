/* Serving the stream to several TCP clients at once: non-blocking sockets,
 * one bounded queue per client, poll(2). */
#include "tcpout.h"

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "opts.h"
#include "util.h"

#define STOP_GRACE_S	0.5	/* sending on after a stop signal */
#define CLOSE_WAIT_S	2.0	/* waiting for clients to close at the end */
#define TICK_MS		200	/* longest poll without looking at sig_stop */

struct client {
	int fd;
	char name[NI_MAXHOST + NI_MAXSERV + 4];
	char *buf;		/* queued bytes: buf[off .. off+len) */
	size_t off, len, cap;
	double progress;	/* last time it took bytes, or its queue
				   went from empty to not */
};

struct tcpout {
	struct tcpout_conf c;
	int lfd;
	struct client *cl;
	size_t ncl;
	struct pollfd *pfd;	/* 2 + max_clients */
	const char *hdr;
	size_t hdrlen;
	int started;		/* accepting clients (the header is known) */
	int waited;		/* announced "waiting for a client" */
	int took;
	struct tcpout_stats st;
};

struct tcpout *
tcpout_new(const struct tcpout_conf *c)
{
	struct tcpout *t;
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], port[8];
	int rc, one = 1;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		err(1, "malloc");
	t->c = *c;
	t->lfd = -1;
	t->cl = calloc((size_t)c->max_clients, sizeof(*t->cl));
	t->pfd = calloc((size_t)c->max_clients + 2, sizeof(*t->pfd));
	if (t->cl == NULL || t->pfd == NULL)
		err(1, "malloc");
	if (replay_parse_hostport(c->hostport, host, sizeof(host), port,
	    sizeof(port)) == -1) {
		warnx("%s: invalid address", c->hostport);
		goto fail;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		warnx("%s: %s", c->hostport, gai_strerror(rc));
		goto fail;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		t->lfd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (t->lfd == -1)
			continue;
		(void)setsockopt(t->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(t->lfd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(t->lfd, 16) == 0)
			break;
		rc = errno;
		close(t->lfd);
		t->lfd = -1;
		errno = rc;
	}
	if (t->lfd == -1) {
		warn("listen: %s", c->hostport);
		goto fail;
	}
	freeaddrinfo(res);
	return t;
fail:
	if (res != NULL)
		freeaddrinfo(res);
	tcpout_free(t);
	return NULL;
}

void
tcpout_header(struct tcpout *t, const char *hdr, size_t len)
{
	t->hdr = hdr;
	t->hdrlen = len;
}

int
tcpout_took_client(struct tcpout *t)
{
	int r = t->took;

	t->took = 0;
	return r;
}

void
tcpout_stats(const struct tcpout *t, struct tcpout_stats *st)
{
	*st = t->st;
}

/* ==== one client ========================================================== */

/* Append n bytes to c's queue.  -1 on ENOMEM. */
static int
queue_put(struct client *c, const char *p, size_t n, int nl)
{
	size_t need = n + (nl ? 1 : 0);

	if (c->off + c->len + need > c->cap && c->off > 0) {
		memmove(c->buf, c->buf + c->off, c->len);
		c->off = 0;
	}
	if (c->len + need > c->cap) {
		size_t ncap = c->cap ? c->cap : 16384;
		char *nb;
		while (ncap < c->len + need)
			ncap *= 2;
		if ((nb = realloc(c->buf, ncap)) == NULL)
			return -1;
		c->buf = nb;
		c->cap = ncap;
	}
	if (c->len == 0)
		c->progress = now_mono();
	memcpy(c->buf + c->off + c->len, p, n);
	c->len += n;
	if (nl)
		c->buf[c->off + c->len++] = '\n';
	return 0;
}

/* Send what the socket takes now.  0, or -1 when the client is gone. */
static int
client_flush(struct client *c)
{
	ssize_t n;

	while (c->len > 0) {
		n = send(c->fd, c->buf + c->off, c->len,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			c->off += (size_t)n;
			c->len -= (size_t)n;
			c->progress = now_mono();
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
	c->off = 0;
	return 0;
}

/* 1 when the client has closed its end (it never sends us anything that
 * matters: what it sends is read and dropped). */
static int
client_closed(struct client *c)
{
	char junk[4096];
	ssize_t n;

	n = recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT);
	if (n == 0)
		return 1;
	if (n < 0)
		return errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR;
	return 0;
}

/* Remove client i: it left (why NULL) or is dropped (why says why). */
static void
client_remove(struct tcpout *t, size_t i, const char *why)
{
	struct client *c = &t->cl[i];

	if (why != NULL) {
		t->st.dropped++;
		if (!t->c.quiet)
			warnx("client %s: %s: dropped", c->name, why);
	} else {
		t->st.left++;
		if (t->c.verbose)
			warnx("client %s: reader went away", c->name);
	}
	close(c->fd);
	free(c->buf);
	t->cl[i] = t->cl[--t->ncl];
	memset(&t->cl[t->ncl], 0, sizeof(t->cl[t->ncl]));
}

/* Accept every pending connection: a new client with the header queued,
 * or, past the limit, closed at once. */
static int
accept_all(struct tcpout *t)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char h[NI_MAXHOST], p[NI_MAXSERV], name[sizeof(t->cl[0].name)];
	int fd, sz = TCPOUT_SNDBUF;
	struct client *c;

	for (;;) {
		memset(&ss, 0, sizeof(ss));
		sl = sizeof(ss);
		fd = accept4(t->lfd, (struct sockaddr *)&ss, &sl,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			warn("accept");
			return -1;
		}
		if (getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p,
		    sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV) != 0)
			snprintf(name, sizeof(name), "?");
		else if (ss.ss_family == AF_INET6)
			snprintf(name, sizeof(name), "[%s]:%s", h, p);
		else
			snprintf(name, sizeof(name), "%s:%s", h, p);
		if (t->ncl == (size_t)t->c.max_clients) {
			t->st.refused++;
			if (!t->c.quiet)
				warnx("client %s: refused: %d clients already",
				    name, t->c.max_clients);
			close(fd);
			continue;
		}
		/* A bounded kernel buffer, so that the queue bound means
		 * what it says (autotuning would let it grow to megabytes). */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		c = &t->cl[t->ncl++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		memcpy(c->name, name, sizeof(name));
		c->progress = now_mono();
		t->st.served++;
		if (t->c.verbose)
			warnx("client %s connected", c->name);
		if (t->hdr != NULL && queue_put(c, t->hdr, t->hdrlen, 1) == -1)
			err(1, "malloc");
	}
}

/* One round of poll(2), at most ms milliseconds (-1: no limit): accept
 * (once started), send, notice clients that left, and watch xfd (an input,
 * -1 none) for reading.  Returns 1 when xfd is ready, 0, or -1 on a failure
 * (printed).  A signal ends the round early; the caller looks at
 * sig_stop. */
static int
serve(struct tcpout *t, int ms, int accepting, int xfd)
{
	size_t i, n = t->ncl;
	int r, ready;

	t->pfd[0].fd = accepting && t->started ? t->lfd : -1;
	t->pfd[0].events = POLLIN;
	t->pfd[0].revents = 0;
	t->pfd[1].fd = xfd;
	t->pfd[1].events = POLLIN;
	t->pfd[1].revents = 0;
	for (i = 0; i < n; i++) {
		t->pfd[i + 2].fd = t->cl[i].fd;
		t->pfd[i + 2].events = POLLIN | POLLRDHUP |
		    (t->cl[i].len > 0 ? POLLOUT : 0);
		t->pfd[i + 2].revents = 0;
	}
	/* Never longer than TICK_MS: a signal that lands just before the
	 * poll is seen by the caller's next look at sig_stop. */
	if (ms < 0 || ms > TICK_MS)
		ms = TICK_MS;
	r = poll(t->pfd, n + 2, ms);
	if (r == -1) {
		if (errno == EINTR)
			return 0;
		warn("poll");
		return -1;
	}
	if (r == 0)
		return 0;
	ready = t->pfd[1].revents != 0;
	/* Backwards: client_remove moves the last client into slot i. */
	for (i = n; i-- > 0;) {
		short ev = t->pfd[i + 2].revents;
		struct client *c = &t->cl[i];
		if (ev == 0)
			continue;
		if ((ev & (POLLERR | POLLHUP | POLLRDHUP | POLLNVAL)) ||
		    ((ev & POLLIN) && client_closed(c)) ||
		    ((ev & POLLOUT) && client_flush(c) == -1))
			client_remove(t, i, NULL);
	}
	if ((t->pfd[0].revents & POLLIN) && accept_all(t) == -1)
		return -1;
	return ready;
}

/* Wait until a client is there.  0, 1 or -1. */
static int
wait_client(struct tcpout *t)
{
	if (t->c.verbose && !t->waited)
		warnx("waiting for a client");
	t->waited = 1;
	while (t->ncl == 0) {
		if (sig_stop)
			return 1;
		if (serve(t, -1, 1, -1) == -1)
			return -1;
	}
	t->waited = 0;
	return 0;
}

int
tcpout_start(struct tcpout *t)
{
	t->started = 1;
	return wait_client(t);
}

int
tcpout_wait_fd(struct tcpout *t, int fd)
{
	int r;

	for (;;) {
		if (sig_stop)
			return 1;
		if ((r = serve(t, -1, 1, fd)) != 0)
			return r == 1 ? 0 : -1;
	}
}

/* ==== the stream ========================================================== */

int
tcpout_send(struct tcpout *t, const char *rec, size_t len)
{
	size_t i, need = len + 1;
	double now, first;
	int rc, full;

	for (;;) {
		if (t->ncl == 0) {
			if ((rc = wait_client(t)) != 0)
				return rc;
			t->took = 1;
		}
		/* A client is behind when this row would take its queue
		 * past the bound (an empty queue takes any row). */
		full = 0;
		first = 0;
		now = now_mono();
		for (i = t->ncl; i-- > 0;) {
			struct client *c = &t->cl[i];
			char why[96];
			if (c->len == 0 || c->len + need <= t->c.client_buffer)
				continue;
			if (t->c.paced) {
				snprintf(why, sizeof(why), "fell behind by more "
				    "than %zu bytes", t->c.client_buffer);
				client_remove(t, i, why);
			} else if (now - c->progress >= TCPOUT_STALL_S) {
				snprintf(why, sizeof(why), "took nothing for %d "
				    "seconds", TCPOUT_STALL_S);
				client_remove(t, i, why);
			} else {
				full = 1;
				if (first == 0 || c->progress < first)
					first = c->progress;
			}
		}
		if (t->ncl == 0)
			continue;
		if (!full)
			break;
		/* Unpaced: wait for room, at most until the first full
		 * client's time is up. */
		if (sig_stop)
			return 1;
		if (serve(t, (int)((first + TCPOUT_STALL_S - now) * 1000) + 1,
		    1, -1) == -1)
			return -1;
	}
	for (i = 0; i < t->ncl; i++)
		if (queue_put(&t->cl[i], rec, len, 1) == -1) {
			warn("malloc");
			return -1;
		}
	/* Send what the sockets take, accept newcomers, notice leavers. */
	return serve(t, 0, 1, -1) == -1 ? -1 : 0;
}

int
tcpout_wait(struct tcpout *t, double sec)
{
	double end = now_mono() + sec, left;

	while (!sig_stop && (left = end - now_mono()) > 0)
		if (serve(t, (int)(left * 1000) + 1, 1, -1) == -1)
			return -1;
	return 0;
}

int
tcpout_finish(struct tcpout *t)
{
	double now, end = 0;
	size_t i;
	int busy;

	/* Send what is queued.  A client that takes nothing for
	 * TCPOUT_STALL_S is dropped; after a stop signal, half a second. */
	for (;;) {
		now = now_mono();
		if (sig_stop && end == 0)
			end = now + STOP_GRACE_S;
		busy = 0;
		for (i = t->ncl; i-- > 0;) {
			struct client *c = &t->cl[i];
			char why[96];
			if (c->len == 0)
				continue;
			if (now - c->progress >= TCPOUT_STALL_S) {
				snprintf(why, sizeof(why), "took nothing for %d "
				    "seconds", TCPOUT_STALL_S);
				client_remove(t, i, why);
				continue;
			}
			busy = 1;
		}
		if (!busy || (end > 0 && now >= end))
			break;
		if (serve(t, end > 0 ? (int)((end - now) * 1000) + 1 : 200,
		    0, -1) == -1)
			break;
	}
	/* Close gracefully: our end first, then wait (a little) for each
	 * client to close its own, so that bytes it has not read yet never
	 * turn into a reset that could discard them. */
	for (i = 0; i < t->ncl; i++)
		(void)shutdown(t->cl[i].fd, SHUT_WR);
	end = now_mono() + (sig_stop ? 0 : CLOSE_WAIT_S);
	while (t->ncl > 0 && (now = now_mono()) < end) {
		size_t n = t->ncl;
		for (i = 0; i < n; i++) {
			t->pfd[i].fd = t->cl[i].fd;
			t->pfd[i].events = POLLIN | POLLRDHUP;
			t->pfd[i].revents = 0;
		}
		if (poll(t->pfd, n, (int)((end - now) * 1000) + 1) <= 0)
			break;
		for (i = n; i-- > 0;) {
			short ev = t->pfd[i].revents;
			if (ev != 0 && ((ev & (POLLERR | POLLHUP | POLLNVAL)) ||
			    client_closed(&t->cl[i]))) {
				close(t->cl[i].fd);
				free(t->cl[i].buf);
				t->cl[i] = t->cl[--t->ncl];
			}
		}
	}
	return 0;
}

void
tcpout_free(struct tcpout *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncl; i++) {
		close(t->cl[i].fd);
		free(t->cl[i].buf);
	}
	if (t->lfd >= 0)
		close(t->lfd);
	free(t->cl);
	free(t->pfd);
	free(t);
}
