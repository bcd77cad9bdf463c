/* MQTT output: replay's own MQTT 3.1.1 publisher over plain TCP (tcp://,
 * mqtt://), and paho's MQTTClient for TLS (mqttpaho.c).
 *
 * One thread, one non-blocking socket.  At QoS 1 and 2 every message stays
 * in a ring (with its own copy of the payload) until the broker has
 * acknowledged it (PUBACK; PUBREC then PUBCOMP at QoS 2).  The ring is the
 * window: when it is full, publishing waits for the oldest message, so no
 * more than max_inflight messages are ever unconfirmed, and a message id is
 * never reused while its message is live (the trap of mosquitto_pub -l,
 * which wraps past 65,535).  Messages go out in one write per batch, and
 * the acknowledgements come in by the socket buffer full, where paho pays
 * a lock, a thread hand-off and three reads for each.  When the connection
 * drops, replay reconnects and publishes again every unconfirmed message of
 * the ring, oldest first: at least once, nothing lost silently.
 *
 * Nothing is published ahead of replay's clock: a record is handed over
 * when it is due, and written at once unless the input is a regular file
 * read as fast as it goes (batch mode).  Whenever replay waits (for the
 * next row's time, for its input, for room in the window, at the end) the
 * batch is written and the socket is served: acknowledgements read,
 * PINGREQ sent when the keepalive is due. */
#include "mqttout.h"

#include <err.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mqttpaho.h"
#include "mqttwire.h"
#include "util.h"

#define TICK_MS		200		/* recheck signals while waiting */
#define STALL_S		30		/* no confirmation for this long: reconnect */
#define STOP_GRACE_S	0.5		/* confirmations awaited after a signal */
#define RECONNECTS	10		/* attempts before giving up */
#define CONNECT_S	10		/* TCP connect and CONNACK */
#define BATCH_BYTES	16384		/* batch mode: write at this size */
#define OUT_MAX		(1 << 20)	/* QoS 0: wait above this backlog */
#define IN_CAP		16384		/* read buffer and the longest packet
					   taken from the broker */

enum { ST_SENT = 1, ST_REL, ST_DONE };

struct slot {
	char *p;
	size_t len;
	int st;			/* ST_*: published, PUBREC'd, confirmed */
};

struct mqttout {
	struct mqttout_conf c;
	struct mqpaho *paho;	/* TLS: paho's client does it all */
	char *host, *port;
	char client_id[64];
	size_t topiclen;
	int fd;			/* -1: not connected */
	int batch;
	double stop_by;		/* after a stop signal: give up at this time */

	char *out;		/* bytes to write: out[outoff..outlen) */
	size_t outoff, outlen, outcap;
	unsigned long long q0_pending;	/* QoS 0 messages in out */
	unsigned long long q0_lost;	/* QoS 0 messages dropped unwritten */
	unsigned char in[IN_CAP];
	size_t inlen;

	struct slot *ring;
	size_t win, head, n;	/* ring[head] is the oldest */
	uint64_t seq;		/* the sequence number of ring[head] */
	unsigned long long confirmed;
	double last_tx, last_progress, ping_at;
	int ping_out;
	int tries;		/* reconnects since the last confirmation */
	int said_full;		/* -v: the full window was reported */
};

/* The message id of sequence number s: 1..65535 in turn.  The window is
 * at most 65,535, so ids of live messages never collide. */
static uint16_t
seq_id(uint64_t s)
{
	return (uint16_t)(s % 65535 + 1);
}

/* ==== the socket ========================================================== */

static void
drop_conn(struct mqttout *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	m->outoff = m->outlen = 0;
	m->q0_lost += m->q0_pending;
	m->q0_pending = 0;
	m->inlen = 0;
	m->ping_out = 0;
}

static int
out_reserve(struct mqttout *m, size_t more)
{
	size_t ncap;
	char *n;

	if (m->outoff > 0 && m->outoff == m->outlen)
		m->outoff = m->outlen = 0;
	if (m->outlen + more <= m->outcap)
		return 0;
	if (m->outoff > 0) {
		memmove(m->out, m->out + m->outoff, m->outlen - m->outoff);
		m->outlen -= m->outoff;
		m->outoff = 0;
		if (m->outlen + more <= m->outcap)
			return 0;
	}
	ncap = m->outcap ? m->outcap : 65536;
	while (ncap < m->outlen + more)
		ncap *= 2;
	if ((n = realloc(m->out, ncap)) == NULL) {
		warn("malloc");
		return -1;
	}
	m->out = n;
	m->outcap = ncap;
	return 0;
}

/* Write what the socket takes without blocking.  0, or -1 when the
 * connection is gone (dropped). */
static int
out_flush(struct mqttout *m)
{
	ssize_t w;

	while (m->outoff < m->outlen) {
		w = send(m->fd, m->out + m->outoff, m->outlen - m->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w > 0) {
			m->outoff += (size_t)w;
			m->last_tx = now_mono();
			continue;
		}
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (m->c.verbose)
			warn("mqtt: send");
		drop_conn(m);
		return -1;
	}
	m->outoff = m->outlen = 0;
	m->confirmed += m->q0_pending;
	m->q0_pending = 0;
	return 0;
}

/* Drop confirmed messages from the head of the ring. */
static void
pop_done(struct mqttout *m)
{
	while (m->n > 0 && m->ring[m->head].st == ST_DONE) {
		free(m->ring[m->head].p);
		m->ring[m->head].p = NULL;
		m->ring[m->head].st = 0;
		m->head = (m->head + 1) % m->win;
		m->n--;
		m->seq++;
		m->confirmed++;
	}
}

/* Messages of the ring not confirmed yet. */
static size_t
unconfirmed(const struct mqttout *m)
{
	size_t k, u = 0;

	for (k = 0; k < m->n; k++)
		u += m->ring[(m->head + k) % m->win].st != ST_DONE;
	return u;
}

/* The live slot of message id, or NULL. */
static struct slot *
id_slot(struct mqttout *m, uint16_t id)
{
	size_t off;

	if (id == 0)
		return NULL;
	off = ((size_t)id - 1 + 65535 - (size_t)(m->seq % 65535)) % 65535;
	if (off >= m->n)
		return NULL;
	return &m->ring[(m->head + off) % m->win];
}

/* One packet from the broker.  0, or -1: a protocol error (printed). */
static int
on_packet(struct mqttout *m, const struct mqw_pkt *pk)
{
	struct slot *s;

	switch (pk->type) {
	case MQW_PUBACK:
		if ((s = id_slot(m, pk->id)) != NULL && s->st == ST_SENT &&
		    m->c.qos == 1) {
			s->st = ST_DONE;
			m->last_progress = now_mono();
			m->tries = m->said_full = 0;
		}
		return 0;
	case MQW_PUBREC:
		/* Answered with PUBREL even when repeated or unknown. */
		if ((s = id_slot(m, pk->id)) != NULL && s->st == ST_SENT)
			s->st = ST_REL;
		if (out_reserve(m, MQW_ACK_LEN) == -1)
			return -1;
		m->outlen += mqw_ack(m->out + m->outlen, MQW_PUBREL, pk->id);
		m->last_progress = now_mono();
		return 0;
	case MQW_PUBCOMP:
		if ((s = id_slot(m, pk->id)) != NULL && s->st == ST_REL) {
			s->st = ST_DONE;
			m->last_progress = now_mono();
			m->tries = m->said_full = 0;
		}
		return 0;
	case MQW_PINGRESP:
		m->ping_out = 0;
		return 0;
	case MQW_PUBLISH:
		return 0;	/* nothing subscribed: ignored */
	default:
		warnx("mqtt: %s: unexpected packet of type %d from the broker",
		    m->c.url, pk->type);
		return -1;
	}
}

/* Read and handle what the broker sent, without blocking.  0, or -1 when
 * the connection is gone (dropped). */
static int
in_read(struct mqttout *m)
{
	struct mqw_pkt pk;
	ssize_t r;
	size_t at;
	long used;

	for (;;) {
		r = recv(m->fd, m->in + m->inlen, IN_CAP - m->inlen,
		    MSG_DONTWAIT);
		if (r == 0) {
			if (m->c.verbose)
				warnx("mqtt: the broker closed the connection");
			drop_conn(m);
			return -1;
		}
		if (r == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (m->c.verbose)
				warn("mqtt: recv");
			drop_conn(m);
			return -1;
		}
		m->inlen += (size_t)r;
		at = 0;
		while (at < m->inlen) {
			used = mqw_parse(m->in + at, m->inlen - at, IN_CAP,
			    &pk);
			if (used == -1) {
				warnx("mqtt: %s: malformed packet from the "
				    "broker", m->c.url);
				drop_conn(m);
				return -1;
			}
			if (used == 0)
				break;
			if (on_packet(m, &pk) == -1) {
				drop_conn(m);
				return -1;
			}
			at += (size_t)used;
		}
		memmove(m->in, m->in + at, m->inlen - at);
		m->inlen -= at;
		/* PUBRELs go at once: the broker holds each QoS 2 message
		 * against its receive maximum until then. */
		if (m->outoff < m->outlen && m->c.qos == 2 && out_flush(m) == -1)
			return -1;
	}
}

/* Send a PINGREQ when nothing went out for most of the keepalive; the
 * connection is lost when its PINGRESP is a keepalive late.  0 or -1. */
static int
keepalive(struct mqttout *m, double now)
{
	double ka = m->c.keepalive;

	if (ka <= 0 || m->fd < 0)
		return 0;
	if (m->ping_out && now - m->ping_at > ka) {
		warnx("mqtt: %s: no PINGRESP for %g s", m->c.url, ka);
		drop_conn(m);
		return -1;
	}
	if (!m->ping_out && now - m->last_tx >= ka * 0.75) {
		if (out_reserve(m, 2) == -1)
			return -1;
		m->outlen += mqw_short(m->out + m->outlen, MQW_PINGREQ);
		m->ping_out = 1;
		m->ping_at = now;
	}
	return 0;
}

/* Serve the socket for up to ms milliseconds, or until fd (>= 0) is
 * readable.  Returns 1 when fd is readable, 0, or -1 when the connection
 * is gone (dropped). */
static int
pump(struct mqttout *m, int ms, int fd)
{
	struct pollfd pfd[2];
	int np = 1, r;

	if (keepalive(m, now_mono()) == -1 || out_flush(m) == -1)
		return -1;
	pfd[0].fd = m->fd;
	pfd[0].events = POLLIN | (m->outoff < m->outlen ? POLLOUT : 0);
	pfd[0].revents = 0;
	if (fd >= 0) {
		pfd[1].fd = fd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		np = 2;
	}
	r = poll(pfd, (nfds_t)np, ms);
	if (r == -1) {
		if (errno == EINTR)
			return 0;
		warn("mqtt: poll");
		drop_conn(m);
		return -1;
	}
	if (pfd[0].revents & (POLLIN | POLLERR | POLLHUP) && in_read(m) == -1)
		return -1;
	if (pfd[0].revents & POLLOUT && out_flush(m) == -1)
		return -1;
	if (np == 2 && pfd[1].revents != 0)
		return 1;
	return 0;
}

/* ==== connecting ========================================================== */

/* tcp://host[:port] or mqtt://host[:port], host may be [v6].  0 or -1. */
static int
split_url(struct mqttout *m, const char *u)
{
	const char *h, *e, *colon;
	size_t hl;

	if (strncmp(u, "tcp://", 6) == 0)
		h = u + 6;
	else if (strncmp(u, "mqtt://", 7) == 0)
		h = u + 7;
	else
		return -1;
	e = h + strcspn(h, "/");
	if (*h == '[') {
		const char *rb = memchr(h, ']', (size_t)(e - h));
		if (rb == NULL)
			return -1;
		h++;
		hl = (size_t)(rb - h);
		colon = rb + 1 < e && rb[1] == ':' ? rb + 1 : NULL;
		if (rb + 1 < e && colon == NULL)
			return -1;
	} else {
		colon = memchr(h, ':', (size_t)(e - h));
		hl = colon ? (size_t)(colon - h) : (size_t)(e - h);
	}
	if (hl == 0 || (colon != NULL && colon + 1 == e))
		return -1;
	m->host = xstrndup(h, hl);
	m->port = colon ? xstrndup(colon + 1, (size_t)(e - colon - 1)) :
	    xstrndup("1883", 4);
	return m->host != NULL && m->port != NULL ? 0 : -1;
}

/* Wait for fd to be ready for ev until the deadline, in slices that look
 * at the stop flag.  1 ready, 0 timed out, 2 signal, -1 error. */
static int
wait_fd(int fd, short ev, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	double left;
	int r;

	for (;;) {
		if (sig_stop)
			return 2;
		if ((left = deadline - now_mono()) <= 0)
			return 0;
		r = poll(&pfd, 1, left * 1000 > TICK_MS ? TICK_MS :
		    (int)(left * 1000) + 1);
		if (r > 0)
			return 1;
		if (r == -1 && errno != EINTR)
			return -1;
	}
}

/* A TCP connection to the broker.  The fd, -1 (printed), or -2 when a stop
 * signal came. */
static int
tcp_connect(struct mqttout *m, double deadline)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, e = 0, r, one = 1;
	socklen_t sl;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(m->host, m->port, &hints, &res)) != 0) {
		warnx("mqtt: %s: connect failed: %s", m->c.url,
		    gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			r = wait_fd(fd, POLLOUT, deadline);
			if (r == 2) {
				close(fd);
				freeaddrinfo(res);
				return -2;
			}
			sl = sizeof(e);
			if (r == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
			    &sl) == 0 && e == 0)
				break;
			if (r == 0)
				e = ETIMEDOUT;
		} else {
			e = errno;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		warnx("mqtt: %s: connect failed: %s", m->c.url, strerror(e));
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Connect and wait for the CONNACK.  0, 1 (stop signal) or -1 (printed). */
static int
do_connect(struct mqttout *m)
{
	static const char *const refused[] = { "",
	    "unacceptable protocol version", "client id rejected",
	    "server unavailable", "bad user name or password",
	    "not authorised" };
	double deadline = now_mono() + CONNECT_S;
	const char *id = m->c.client_id;
	struct mqw_pkt pk;
	size_t len;
	long used;
	int fd, r;

	drop_conn(m);
	if ((fd = tcp_connect(m, deadline)) < 0)
		return fd == -2 ? 1 : -1;
	m->fd = fd;
	if ((len = mqw_connect_len(id, m->c.user, m->c.password)) == 0) {
		warnx("mqtt: %s: connect failed: a credential is too long",
		    m->c.url);
		goto fail;
	}
	if (out_reserve(m, len) == -1)
		goto fail;
	m->outlen += mqw_connect(m->out + m->outlen, id, m->c.user,
	    m->c.password, m->c.keepalive, 1);
	/* Until the CONNACK, only it may come. */
	for (;;) {
		if (out_flush(m) == -1) {
			warnx("mqtt: %s: connect failed: the connection was "
			    "closed", m->c.url);
			goto fail;
		}
		r = wait_fd(m->fd, m->outoff < m->outlen ? POLLOUT : POLLIN,
		    deadline);
		if (r == 2) {
			drop_conn(m);
			return 1;
		}
		if (r != 1) {
			warnx("mqtt: %s: connect failed: %s", m->c.url,
			    r == 0 ? "no CONNACK" : strerror(errno));
			goto fail;
		}
		if (m->outoff < m->outlen)
			continue;
		r = (int)recv(m->fd, m->in + m->inlen, IN_CAP - m->inlen,
		    MSG_DONTWAIT);
		if (r == 0 || (r == -1 && errno != EINTR && errno != EAGAIN)) {
			warnx("mqtt: %s: connect failed: %s", m->c.url,
			    r == 0 ? "the connection was closed" :
			    strerror(errno));
			goto fail;
		}
		if (r > 0)
			m->inlen += (size_t)r;
		used = mqw_parse(m->in, m->inlen, 64, &pk);
		if (used == 0)
			continue;
		if (used < 0 || pk.type != MQW_CONNACK) {
			warnx("mqtt: %s: connect failed: not a CONNACK",
			    m->c.url);
			goto fail;
		}
		memmove(m->in, m->in + used, m->inlen - (size_t)used);
		m->inlen -= (size_t)used;
		if (pk.connack_rc != 0) {
			warnx("mqtt: %s: connect failed: refused by the broker: "
			    "%s", m->c.url, pk.connack_rc < (int)NELEM(refused) ?
			    refused[pk.connack_rc] : "unknown reason");
			goto fail;
		}
		break;
	}
	m->last_tx = m->last_progress = now_mono();
	return 0;
fail:
	drop_conn(m);
	return -1;
}

/* Put a PUBLISH of ring slot i in the output. */
static int
queue_slot(struct mqttout *m, size_t i, uint64_t seq, int dup)
{
	struct slot *s = &m->ring[i];
	size_t need = mqw_publish_len(m->topiclen, s->len, m->c.qos);

	if (out_reserve(m, need) == -1)
		return -1;
	m->outlen += mqw_publish(m->out + m->outlen, m->c.topic, m->topiclen,
	    s->p, s->len, m->c.qos, seq_id(seq), dup);
	s->st = ST_SENT;
	return 0;
}

/* Reconnect and publish every unconfirmed message again, oldest first.
 * Returns 0, 1 (signal) or -1 (gave up, printed). */
static int
reconnect(struct mqttout *m)
{
	int rc;
	size_t k;

	/* m->tries counts on until a message is confirmed: a broker that
	 * takes the connection and drops it again is a failed attempt. */
	for (; m->tries < RECONNECTS; m->tries++) {
		if (m->tries > 0) {
			/* In short naps: a stop signal is seen at once. */
			int t = m->tries - 1;
			double end = now_mono() + (t < 4 ? 0.5 * (1 << t) : 5);
			while (!sig_stop && now_mono() < end)
				sleep_sec(TICK_MS / 1000.0);
		}
		if (sig_stop)
			return 1;
		drop_conn(m);
		warnx("mqtt: connection lost, reconnecting (%zu unconfirmed)",
		    unconfirmed(m));
		if ((rc = do_connect(m)) == 1)
			return 1;
		if (rc == -1)
			continue;
		pop_done(m);
		for (k = 0; k < m->n; k++) {
			size_t i = (m->head + k) % m->win;
			if (m->ring[i].st != ST_DONE &&
			    queue_slot(m, i, m->seq + k, 1) == -1)
				return -1;
		}
		if (out_flush(m) == 0) {
			m->tries++;
			return 0;
		}
	}
	warnx("mqtt: giving up after %d attempts: %zu messages not confirmed",
	    RECONNECTS, unconfirmed(m));
	return -1;
}

/* The stop deadline: STOP_GRACE_S after the first look at a stop signal,
 * for everything that is left to do. */
static int
stop_due(struct mqttout *m)
{
	if (!sig_stop)
		return 0;
	if (m->stop_by == 0)
		m->stop_by = now_mono() + STOP_GRACE_S;
	return now_mono() >= m->stop_by;
}

/* Wait until the ring holds fewer than want messages and, with all set,
 * everything is written.  0, 1 (signal) or -1 (failed, printed). */
static int
wait_room(struct mqttout *m, size_t want, int all)
{
	size_t before;
	int rc;

	for (;;) {
		before = m->n;
		pop_done(m);
		if (m->n != before)
			m->last_progress = now_mono();
		if (m->n < want && (!all || (m->fd >= 0 &&
		    m->outoff == m->outlen)))
			return 0;
		if (stop_due(m))
			return 1;
		if (!all && m->c.verbose && !m->said_full &&
		    now_mono() - m->last_progress > 1) {
			warnx("mqtt: window full: %zu messages in flight, none "
			    "confirmed for 1 s", unconfirmed(m));
			m->said_full = 1;
		}
		if (m->fd < 0 || (m->n > 0 &&
		    now_mono() - m->last_progress > STALL_S)) {
			if ((rc = reconnect(m)) != 0)
				return rc;
			continue;
		}
		(void)pump(m, TICK_MS, -1);
	}
}

/* ==== the interface ======================================================= */

struct mqttout *
mqttout_new(const struct mqttout_conf *c)
{
	struct mqttout *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		warn("malloc");
		return NULL;
	}
	m->c = *c;
	m->fd = -1;
	if (c->client_id == NULL) {
		snprintf(m->client_id, sizeof(m->client_id), "replay-%ld",
		    (long)getpid());
		m->c.client_id = m->client_id;
	}
	if (strncmp(c->url, "ssl://", 6) == 0 ||
	    strncmp(c->url, "mqtts://", 8) == 0) {
		if ((m->paho = mqpaho_new(&m->c)) == NULL)
			goto fail;
		goto connected;
	}
	if (split_url(m, c->url) == -1) {
		warnx("mqtt: %s: not a tcp://, mqtt://, ssl:// or mqtts:// URL",
		    c->url);
		goto fail;
	}
	m->topiclen = strlen(c->topic);
	m->win = c->max_inflight > 0 && c->max_inflight <= 65535 ?
	    (size_t)c->max_inflight : 1000;
	if (c->qos > 0 && (m->ring = calloc(m->win, sizeof(*m->ring))) == NULL) {
		warn("malloc");
		goto fail;
	}
	if (do_connect(m) != 0)
		goto fail;
connected:
	if (c->verbose)
		warnx("mqtt: connected to %s as %s", c->url, m->c.client_id);
	return m;
fail:
	mqttout_free(m);
	return NULL;
}

void
mqttout_set_batch(struct mqttout *m, int batch)
{
	m->batch = batch;
	if (!batch && m->paho == NULL && m->fd >= 0)
		(void)out_flush(m);
}

int
mqttout_send(struct mqttout *m, const void *p, size_t len)
{
	struct slot *s;
	size_t i, need;
	int rc;

	if (m->paho != NULL)
		return mqpaho_send(m->paho, p, len);
	if ((need = mqw_publish_len(m->topiclen, len, m->c.qos)) == 0) {
		warnx("mqtt: message too long");
		return -1;
	}
	if (m->c.qos == 0) {
		/* No acknowledgement: counted once written (out_flush). */
		if (m->fd < 0 && (rc = reconnect(m)) != 0)
			return rc;
		if (m->outlen - m->outoff > OUT_MAX &&
		    (rc = wait_room(m, 1, 1)) != 0)
			return rc;
		if (out_reserve(m, need) == -1)
			return -1;
		m->outlen += mqw_publish(m->out + m->outlen, m->c.topic,
		    m->topiclen, p, len, 0, 0, 0);
		m->q0_pending++;
		if (!m->batch || m->outlen - m->outoff >= BATCH_BYTES)
			(void)out_flush(m);
		return 0;
	}
	if (m->n == m->win) {
		/* Full: write the batch, take in what acks are there. */
		if (m->fd >= 0 && out_flush(m) == 0)
			(void)in_read(m);
		pop_done(m);
		if (m->n == m->win && (rc = wait_room(m, m->win, 0)) != 0)
			return rc;
	}
	i = (m->head + m->n) % m->win;
	s = &m->ring[i];
	if ((s->p = malloc(len ? len : 1)) == NULL) {
		warn("malloc");
		return -1;
	}
	memcpy(s->p, p, len);
	s->len = len;
	s->st = ST_SENT;
	m->n++;
	if (m->fd < 0)
		/* The reconnect publishes the whole ring, this message
		 * included. */
		return reconnect(m);
	if (queue_slot(m, i, m->seq + m->n - 1, 0) == -1)
		return -1;
	if (!m->batch || m->outlen - m->outoff >= BATCH_BYTES) {
		if (out_flush(m) == -1)
			return reconnect(m);
		/* Acks are read when the window is half full, so that a
		 * fast stream reads them by the buffer full. */
		if (m->n * 2 >= m->win && in_read(m) == -1)
			return reconnect(m);
	}
	return 0;
}

int
mqttout_wait(struct mqttout *m, double sec, int fd)
{
	double end = now_mono() + sec;
	int r;

	if (m->paho != NULL) {
		if (fd >= 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			return poll(&pfd, 1, (int)(sec * 1000) + 1) > 0;
		}
		sleep_sec(sec);
		return 0;
	}
	for (;;) {
		double left = end - now_mono();
		pop_done(m);
		if (sig_stop || left <= 0)
			return 0;
		/* Without messages to confirm, the next one reconnects. */
		if (m->fd < 0 && m->n == 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			int ms = left * 1000 > TICK_MS ? TICK_MS :
			    (int)(left * 1000) + 1;
			if (poll(&pfd, fd >= 0, ms) > 0)
				return 1;
			continue;
		}
		if (m->fd < 0 && (r = reconnect(m)) != 0)
			return r == 1 ? 0 : -1;
		r = pump(m, left * 1000 > TICK_MS ? TICK_MS :
		    (int)(left * 1000) + 1, fd);
		if (r == 1)
			return 1;
	}
}

int
mqttout_finish(struct mqttout *m)
{
	char b[2];
	int rc = 0;

	if (m->paho != NULL)
		return mqpaho_finish(m->paho);
	pop_done(m);
	if (m->n > 0 || m->outoff < m->outlen)
		rc = wait_room(m, 1, 1);
	if (m->n > 0) {
		if (rc != -1)	/* -1: reconnect() has said it */
			warnx("mqtt: %zu messages not confirmed",
			    unconfirmed(m));
		rc = -1;
	} else {
		rc = 0;		/* a stop signal left only PUBRELs unsent */
	}
	m->q0_lost += m->q0_pending;
	m->q0_pending = 0;
	if (m->q0_lost > 0) {
		warnx("mqtt: %llu QoS 0 messages dropped with a connection "
		    "before they were written", m->q0_lost);
		rc = -1;
	}
	if (m->fd >= 0 && m->outoff == m->outlen) {
		size_t n = mqw_short(b, MQW_DISCONNECT);
		(void)send(m->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
	}
	drop_conn(m);
	return rc;
}

int
mqttout_wants_input_fd(const struct mqttout *m)
{
	return m->paho == NULL;
}

unsigned long long
mqttout_confirmed(const struct mqttout *m)
{
	if (m->paho != NULL)
		return mqpaho_confirmed(m->paho);
	return m->confirmed;
}

void
mqttout_free(struct mqttout *m)
{
	size_t i;

	if (m == NULL)
		return;
	mqpaho_free(m->paho);
	if (m->fd >= 0)
		close(m->fd);
	if (m->ring != NULL)
		for (i = 0; i < m->win; i++)
			free(m->ring[i].p);
	free(m->ring);
	free(m->out);
	free(m->host);
	free(m->port);
	free(m);
}
