/* Output sinks: stdout, a FIFO or file, one TCP client at a time, MQTT. */
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
#include "util.h"

enum sink_kind { K_STDOUT, K_PATH, K_TCP, K_MQTT, K_KAFKA };

struct sink {
	enum sink_kind kind;
	int fd;			/* data fd (stdout, FIFO, client), -1 none */
	int lfd;		/* listening socket */
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
};

static struct sink *
sink_alloc(enum sink_kind kind)
{
	struct sink *s = calloc(1, sizeof(*s));

	if (s == NULL)
		err(1, "malloc");
	s->kind = kind;
	s->fd = -1;
	s->lfd = -1;
	return s;
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

/* Open the FIFO or file; blocks until a reader opens a FIFO. */
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
		if (s->verbose && S_ISFIFO(st.st_mode))
			warnx("%s: waiting for a reader", s->path);
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
sink_tcp(const char *hostport, int verbose)
{
	struct sink *s = sink_alloc(K_TCP);
	struct addrinfo hints, *res = NULL, *ai;
	char host[256], port[8];
	int rc, one = 1;

	s->verbose = verbose;
	if (replay_parse_hostport(hostport, host, sizeof(host), port,
	    sizeof(port)) == -1) {
		warnx("%s: invalid address", hostport);
		goto fail;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		warnx("%s: %s", hostport, gai_strerror(rc));
		goto fail;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		s->lfd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (s->lfd == -1)
			continue;
		(void)setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(s->lfd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(s->lfd, 4) == 0)
			break;
		rc = errno;
		close(s->lfd);
		s->lfd = -1;
		errno = rc;
	}
	if (s->lfd == -1) {
		warn("listen: %s", hostport);
		goto fail;
	}
	freeaddrinfo(res);
	return s;
fail:
	if (res != NULL)
		freeaddrinfo(res);
	free(s);
	return NULL;
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
sink_took_reader(struct sink *s)
{
	int r = s->took_reader;

	s->took_reader = 0;
	return r;
}

static const char *
sink_name(const struct sink *s)
{
	switch (s->kind) {
	case K_STDOUT:
		return "stdout";
	case K_PATH:
		return s->path;
	default:
		return "client";
	}
}

/* Wait for the next TCP client. */
static int
tcp_accept(struct sink *s)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char h[NI_MAXHOST], p[NI_MAXSERV];

	if (s->verbose)
		warnx("waiting for a client");
	for (;;) {
		s->fd = accept4(s->lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
		if (s->fd >= 0)
			break;
		if (errno == EINTR) {
			if (sig_stop)
				return SINK_STOP;
			continue;
		}
		if (errno == ECONNABORTED)
			continue;
		warn("accept");
		return SINK_ERR;
	}
	if (s->verbose && getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h),
	    p, sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		warnx("client %s:%s connected", h, p);
	return SINK_OK;
}

/* A new reader: open or accept, then the header. */
static int
new_reader(struct sink *s)
{
	int rc;

	for (;;) {
		if (s->kind == K_TCP)
			rc = tcp_accept(s);
		else if (s->kind == K_PATH)
			rc = path_open(s);
		else
			rc = SINK_OK;
		if (rc != SINK_OK)
			return rc;
		if (s->hdr == NULL || writeall(s->fd, s->hdr, s->hdrlen) >= 0)
			return SINK_OK;
		if (errno == EPIPE || errno == ECONNRESET) {
			if (s->kind == K_TCP || (s->kind == K_PATH && s->reopen)) {
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
	return new_reader(s);
}

/* 1 when the TCP client has closed its end (it never sends us data). */
static int
tcp_peer_gone(struct sink *s)
{
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN | POLLRDHUP };
	char junk[512];
	ssize_t n;

	while (poll(&pfd, 1, 0) > 0) {
		if (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR))
			return 1;
		n = recv(s->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n == 0)
			return 1;
		if (n < 0)
			return errno != EAGAIN && errno != EINTR;
	}
	return 0;
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
	double ms = sec * 1000 + 1;

	if (s->fd < 0 || s->kind == K_MQTT || s->regular) {
		sleep_sec(sec);
		return SINK_OK;
	}
	/* POLLERR: a pipe or FIFO without a reader; POLLRDHUP: a TCP
	 * client that closed.  Data a client sends does not wake us. */
	pfd.fd = s->fd;
	pfd.events = s->kind == K_TCP ? POLLRDHUP : 0;
	pfd.revents = 0;
	if (poll(&pfd, 1, ms > 3600000 ? 3600000 : (int)ms) <= 0)
		return SINK_OK;		/* time is up, or a signal */
	if (pfd.revents & POLLNVAL) {
		sleep_sec(sec);
		return SINK_OK;
	}
	if (s->kind == K_TCP ? !tcp_peer_gone(s) :
	    !(pfd.revents & (POLLERR | POLLHUP)))
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
		if (s->kind == K_TCP && tcp_peer_gone(s)) {
			errno = ECONNRESET;
		} else if (writeall(s->fd, buf, len) >= 0) {
			return SINK_OK;
		}
		if (errno != EPIPE && errno != ECONNRESET) {
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
	int rc;

	if (s->kind == K_MQTT)
		return mqttout_finish(s->mq) == 0 ? SINK_OK : SINK_ERR;
	if (s->kind == K_KAFKA)
		return kout_finish(s->ko) == 0 ? SINK_OK : SINK_ERR;
	if (s->fd < 0)
		return SINK_OK;
	if ((rc = flush_out(s)) != SINK_OK)
		return rc;
	if (s->kind == K_TCP) {
		/* Close gracefully: wait (a little) for the client to close
		 * its end, so that unread bytes of ours never turn into a
		 * reset that could discard rows it has not read yet. */
		char junk[512];
		double end = now_mono() + 2;
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		(void)shutdown(s->fd, SHUT_WR);
		while (!sig_stop && now_mono() < end &&
		    poll(&pfd, 1, (int)((end - now_mono()) * 1000) + 1) > 0 &&
		    recv(s->fd, junk, sizeof(junk), 0) > 0)
			;
	}
	return SINK_OK;
}

void
sink_free(struct sink *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0 && s->kind != K_STDOUT)
		close(s->fd);
	if (s->lfd >= 0)
		close(s->lfd);
	mqttout_free(s->mq);
	kout_free(s->ko);
	free(s->hdr);
	free(s->out);
	free(s);
}
