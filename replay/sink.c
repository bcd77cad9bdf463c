/* Output sinks: stdout, a FIFO or file, TCP clients (tcpout.c), MQTT,
 * Kafka. */
#include "sink.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kafkaout.h"
#include "opts.h"
#include "tcpout.h"
#include "util.h"

#define STOP_GRACE_S	0.5	/* writing on after a stop signal */
#define TICK_MS		200	/* longest wait without looking at
				   sig_stop (a signal may land just
				   before a wait begins) */

enum sink_kind { K_STDOUT, K_PATH, K_TCP, K_MQTT, K_KAFKA };

struct sink {
	enum sink_kind kind;
	int fd;			/* data fd (stdout, FIFO, file), -1 none */
	const char *path;
	int reopen;
	int verbose;
	int regular;		/* fd is a regular file */
	int batch;
	int took_reader;
	char *hdr;
	size_t hdrlen;
	char *out;		/* gathered output */
	size_t outlen, outcap;
	struct mqttout *mq;
	struct kout *ko;
	struct tcpout *tcp;
};

static struct sink *
sink_alloc(enum sink_kind kind)
{
	struct sink *s = calloc(1, sizeof(*s));

	if (s == NULL)
		err(1, "malloc");
	s->kind = kind;
	s->fd = -1;
	return s;
}

static int
tcp_rc(int rc)
{
	return rc == 0 ? SINK_OK : rc == 1 ? SINK_STOP : SINK_ERR;
}

static size_t
batch_limit(const struct sink *s)
{
	if (!s->batch)
		return 0;
	return s->regular ? 65536 : PIPE_BUF;
}

struct sink *
sink_stdout(int batch)
{
	struct sink *s = sink_alloc(K_STDOUT);
	struct stat st;

	s->fd = STDOUT_FILENO;
	s->regular = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
	s->batch = batch || s->regular;
	return s;
}

/* Open the FIFO for writing once it has a reader: tried without blocking
 * (ENXIO: no reader yet) every 100 ms, so that a stop signal is never
 * missed by a blocking open(2). */
static int
fifo_open(struct sink *s)
{
	int fl;

	while ((s->fd = open(s->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) ==
	    -1) {
		if (errno != ENXIO && errno != EINTR) {
			warn("%s", s->path);
			return SINK_ERR;
		}
		if (sig_stop)
			return SINK_STOP;
		sleep_sec(0.1);
	}
	if ((fl = fcntl(s->fd, F_GETFL)) == -1 ||
	    fcntl(s->fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		warn("%s", s->path);
		close(s->fd);
		s->fd = -1;
		return SINK_ERR;
	}
	s->regular = 0;
	return SINK_OK;
}

/* Open the FIFO or file; waits until a reader opens a FIFO. */
static int
path_open(struct sink *s)
{
	struct stat st;
	int flags = O_WRONLY | O_CLOEXEC;

	for (;;) {
		if (stat(s->path, &st) == -1) {
			if (errno != ENOENT) {
				warn("%s", s->path);
				return SINK_ERR;
			}
			if (mkfifo(s->path, 0666) == -1 && errno != EEXIST) {
				warn("mkfifo: %s", s->path);
				return SINK_ERR;
			}
			continue;
		}
		if (S_ISREG(st.st_mode))
			flags |= O_TRUNC;
		if (S_ISFIFO(st.st_mode)) {
			if (s->verbose)
				warnx("%s: waiting for a reader", s->path);
			return fifo_open(s);
		}
		s->fd = open(s->path, flags);
		if (s->fd >= 0)
			break;
		if (errno == EINTR) {
			if (sig_stop)
				return SINK_STOP;
			continue;
		}
		warn("%s", s->path);
		return SINK_ERR;
	}
	s->regular = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
	return SINK_OK;
}

struct sink *
sink_path(const char *path, int reopen, int batch, int verbose)
{
	struct sink *s = sink_alloc(K_PATH);

	s->path = path;
	s->reopen = reopen;
	s->verbose = verbose;
	s->batch = batch && !reopen;
	return s;
}

struct sink *
sink_tcp(const struct tcpout_conf *conf)
{
	struct sink *s = sink_alloc(K_TCP);

	if ((s->tcp = tcpout_new(conf)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

struct sink *
sink_mqtt(const struct mqttout_conf *conf)
{
	struct sink *s = sink_alloc(K_MQTT);

	if ((s->mq = mqttout_new(conf)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

struct sink *
sink_kafka(const struct kout_conf *conf)
{
	struct sink *s = sink_alloc(K_KAFKA);

	if ((s->ko = kout_new(conf)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

int
sink_set_header(struct sink *s, const char *hdr, size_t len)
{
	free(s->hdr);
	s->hdr = NULL;
	s->hdrlen = 0;
	if (hdr == NULL)
		return 0;
	if ((s->hdr = malloc(len + 1)) == NULL)
		return -1;
	memcpy(s->hdr, hdr, len);
	s->hdr[len] = '\n';
	s->hdrlen = len + 1;
	return 0;
}

int
sink_wait_input(struct sink *s, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (s->kind == K_TCP)
		return tcp_rc(tcpout_wait_fd(s->tcp, fd));
	if (s->kind == K_MQTT && mqttout_wants_input_fd(s->mq)) {
		int r;
		while (!sig_stop)
			if ((r = mqttout_wait(s->mq, TICK_MS / 1000.0, fd)) != 0)
				return r == 1 ? SINK_OK : SINK_ERR;
		return SINK_STOP;
	}
	while (!sig_stop) {
		int n = poll(&pfd, 1, TICK_MS);
		if (n > 0)
			return SINK_OK;
		if (n == -1 && errno != EINTR) {
			warn("poll");
			return SINK_ERR;
		}
	}
	return SINK_STOP;
}

int
sink_wants_nonblocking_input(const struct sink *s)
{
	return s->kind == K_TCP ||
	    (s->kind == K_MQTT && mqttout_wants_input_fd(s->mq));
}

int
sink_took_reader(struct sink *s)
{
	int r;

	if (s->kind == K_TCP)
		return tcpout_took_client(s->tcp);
	r = s->took_reader;

	s->took_reader = 0;
	return r;
}

static const char *
sink_name(const struct sink *s)
{
	switch (s->kind) {
	case K_STDOUT:
		return "stdout";
	default:
		return s->path;
	}
}

/* The time by which writing gives up after a stop signal: the first call
 * after the signal starts the clock. */
static double
stop_deadline(void)
{
	static double end;

	if (end == 0)
		end = now_mono() + STOP_GRACE_S;
	return end;
}

/* Write all of buf to a blocking fd, like writeall, but never hang on a
 * stop signal.  A pipe, FIFO, socket or terminal is written when poll(2)
 * says there is room (a pipe then takes PIPE_BUF bytes without blocking),
 * in PIPE_BUF pieces, waiting in slices of TICK_MS so that a signal is
 * seen even when it lands just before a wait.  After a stop signal the
 * rest of buf gets STOP_GRACE_S, then 1 is returned with buf cut short
 * (or not started: a signal that interrupts a write before any byte went
 * returns 1 at once).  A regular file is written as writeall does.  0, 1,
 * or -1 with errno set. */
static int
write_stoppable(int fd, const char *buf, size_t len, int regular)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	size_t done = 0, chunk;
	ssize_t n;
	int ms;

	while (done < len) {
		chunk = len - done;
		if (!regular) {
			ms = TICK_MS;
			if (sig_stop) {
				double left = stop_deadline() - now_mono();
				if (left <= 0)
					return 1;
				if (left * 1000 < ms)
					ms = (int)(left * 1000) + 1;
			}
			n = poll(&pfd, 1, ms);
			if (n == -1 && errno != EINTR)
				return -1;
			if (n <= 0)
				continue;
			if (chunk > PIPE_BUF)
				chunk = PIPE_BUF;
		}
		n = write(fd, buf + done, chunk);
		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno != EINTR)
			return -1;
		if (sig_stop && done == 0)
			return 1;
	}
	return 0;
}

/* A new reader: open the FIFO or file, then the header. */
static int
new_reader(struct sink *s)
{
	int rc;

	for (;;) {
		if (s->kind == K_PATH && (rc = path_open(s)) != SINK_OK)
			return rc;
		if (s->hdr == NULL ||
		    (rc = write_stoppable(s->fd, s->hdr, s->hdrlen,
		    s->regular)) == 0)
			return SINK_OK;
		if (rc == 1)
			return SINK_STOP;
		if (errno == EPIPE) {
			if (s->kind == K_PATH && s->reopen) {
				close(s->fd);
				s->fd = -1;
				continue;
			}
			return SINK_GONE;
		}
		warn("%s", sink_name(s));
		return SINK_ERR;
	}
}

int
sink_start(struct sink *s)
{
	if (s->kind == K_KAFKA) {
		/* The header travels in each message's headers. */
		if (s->hdr == NULL)
			return SINK_OK;
		return kout_set_header(s->ko, s->hdr, s->hdrlen - 1) == 0 ?
		    SINK_OK : SINK_ERR;
	}
	if (s->kind == K_MQTT) {
		if (s->hdr == NULL)
			return SINK_OK;
		return sink_send(s, s->hdr, s->hdrlen - 1);
	}
	if (s->kind == K_TCP) {
		if (s->hdr != NULL)
			tcpout_header(s->tcp, s->hdr, s->hdrlen - 1);
		return tcp_rc(tcpout_start(s->tcp));
	}
	return new_reader(s);
}

/* The reader has gone: stop, or wait for the next one. */
static int
reader_gone(struct sink *s)
{
	int rc;

	if (s->kind == K_STDOUT || (s->kind == K_PATH && !s->reopen))
		return SINK_GONE;
	if (s->verbose)
		warnx("%s: reader went away", sink_name(s));
	close(s->fd);
	s->fd = -1;
	if ((rc = new_reader(s)) != SINK_OK)
		return rc;
	s->took_reader = 1;
	return SINK_OK;
}

int
sink_wait(struct sink *s, double sec)
{
	struct pollfd pfd;
	double ms;

	/* The caller waits again until the row is due: short waits, so
	 * that a signal landing just before one is seen soon. */
	if (sec > TICK_MS / 1000.0)
		sec = TICK_MS / 1000.0;
	ms = sec * 1000 + 1;
	if (s->kind == K_TCP)
		return tcpout_wait(s->tcp, sec) == 0 ? SINK_OK : SINK_ERR;
	if (s->kind == K_MQTT)
		return mqttout_wait(s->mq, sec, -1) == -1 ? SINK_ERR : SINK_OK;
	if (s->fd < 0 || s->kind == K_KAFKA ||
	    s->regular) {
		sleep_sec(sec);
		return SINK_OK;
	}
	/* POLLERR: a pipe or FIFO without a reader. */
	pfd.fd = s->fd;
	pfd.events = 0;
	pfd.revents = 0;
	if (poll(&pfd, 1, ms > 3600000 ? 3600000 : (int)ms) <= 0)
		return SINK_OK;		/* time is up, or a signal */
	if (pfd.revents & POLLNVAL) {
		sleep_sec(sec);
		return SINK_OK;
	}
	if (!(pfd.revents & (POLLERR | POLLHUP)))
		return SINK_OK;
	return reader_gone(s);
}

/* Write buf to the current reader; on a lost reader, wait for the next
 * where the sink allows it and write again. */
static int
put(struct sink *s, const char *buf, size_t len)
{
	int rc;

	for (;;) {
		if ((rc = write_stoppable(s->fd, buf, len, s->regular)) == 0)
			return SINK_OK;
		if (rc == 1)
			return SINK_STOP;
		if (errno != EPIPE) {
			warn("%s", sink_name(s));
			return SINK_ERR;
		}
		if ((rc = reader_gone(s)) != SINK_OK)
			return rc;
	}
}

static int
flush_out(struct sink *s)
{
	int rc;

	if (s->outlen == 0)
		return SINK_OK;
	rc = put(s, s->out, s->outlen);
	s->outlen = 0;
	return rc;
}

int
sink_set_batch(struct sink *s, int batch)
{
	int rc = SINK_OK;

	if (s->kind == K_MQTT)
		mqttout_set_batch(s->mq, batch);
	if (s->kind == K_STDOUT || (s->kind == K_PATH && !s->reopen)) {
		if (!batch)
			rc = flush_out(s);
		s->batch = batch || s->regular;
	}
	return rc;
}

int
sink_send(struct sink *s, const char *rec, size_t len)
{
	size_t lim;
	int rc;

	if (s->kind == K_KAFKA) {
		rc = kout_send(s->ko, rec, len);
		return rc == 0 ? SINK_OK : rc == 1 ? SINK_STOP : SINK_ERR;
	}
	if (s->kind == K_MQTT) {
		rc = mqttout_send(s->mq, rec, len);
		return rc == 0 ? SINK_OK : rc == 1 ? SINK_STOP : SINK_ERR;
	}
	if (s->kind == K_TCP)
		return tcp_rc(tcpout_send(s->tcp, rec, len));
	lim = batch_limit(s);
	if (s->outlen > 0 && s->outlen + len + 1 > lim &&
	    (rc = flush_out(s)) != SINK_OK)
		return rc;
	if (s->outlen + len + 1 > s->outcap) {
		size_t ncap = s->outcap ? s->outcap : 4096;
		char *n;
		while (ncap < s->outlen + len + 1)
			ncap *= 2;
		if ((n = realloc(s->out, ncap)) == NULL) {
			warn("malloc");
			return SINK_ERR;
		}
		s->out = n;
		s->outcap = ncap;
	}
	memcpy(s->out + s->outlen, rec, len);
	s->outlen += len;
	s->out[s->outlen++] = '\n';
	if (s->outlen >= lim)
		return flush_out(s);
	return SINK_OK;
}

int
sink_finish(struct sink *s)
{
	int rc, fd;

	if (s->kind == K_MQTT)
		return mqttout_finish(s->mq) == 0 ? SINK_OK : SINK_ERR;
	if (s->kind == K_KAFKA)
		return kout_finish(s->ko) == 0 ? SINK_OK : SINK_ERR;
	if (s->kind == K_TCP)
		return tcpout_finish(s->tcp) == 0 ? SINK_OK : SINK_ERR;
	if (s->fd < 0)
		return SINK_OK;
	if ((rc = flush_out(s)) != SINK_OK)
		return rc;
	/* A file's last error may only show at close (NFS, a full quota). */
	if (s->kind == K_PATH) {
		fd = s->fd;
		s->fd = -1;
		if (close(fd) == -1 && errno != EINTR) {
			warn("%s", sink_name(s));
			return SINK_ERR;
		}
	}
	return SINK_OK;
}

int
sink_tcp_stats(const struct sink *s, struct tcpout_stats *st)
{
	if (s->kind != K_TCP)
		return -1;
	tcpout_stats(s->tcp, st);
	return 0;
}

long long
sink_confirmed(const struct sink *s)
{
	long long n;

	if (s->kind != K_MQTT)
		return -1;
	/* Less the header, the first message when there is one. */
	n = (long long)mqttout_confirmed(s->mq);
	return s->hdr != NULL && n > 0 ? n - 1 : n;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0 && s->kind != K_STDOUT)
		close(s->fd);
	tcpout_free(s->tcp);
	mqttout_free(s->mq);
	kout_free(s->ko);
	free(s->hdr);
	free(s->out);
	free(s);
}
