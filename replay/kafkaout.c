/* Rows to a Kafka topic: librdkafka's idempotent producer, keyed by a
 * column, with a bounded queue and counted delivery reports. */
#include "kafkaout.h"

#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "contract.h"
#include "csvio.h"
#include "util.h"

#define KOUT_BATCH_ROWS	4096		/* rows parsed for keys at once */
#define KOUT_BATCH_BYTES (1024 * 1024)
#define KOUT_SHOW_FAILS	5		/* failed deliveries shown */
#define KOUT_STOP_GRACE_S 0.25		/* confirmations awaited after a signal */

struct kout {
	rd_kafka_t *rk;
	rd_kafka_topic_t *rkt;
	char *topic;
	char *keycol;
	long keyidx;		/* index of the key column, -1 none */
	char *hdr;		/* header line, NUL-terminated */
	size_t hdrlen;
	int verbose;
	/* Rows waiting for their key: text with line breaks, and a memfd
	 * through which lib/csvio splits them. */
	char *buf;
	size_t len, cap, nrows;
	int mfd;
	struct csvio_reader *rd;
	unsigned long long queued, confirmed, failed, shown;
};

static void
kout_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct kout *k = opaque;

	(void)rk;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		k->confirmed++;
		return;
	}
	k->failed++;
	if (k->shown++ < KOUT_SHOW_FAILS)
		warnx("kafka: %s: delivery failed: %s", k->topic,
		    rd_kafka_err2str(m->err));
}

static void
kout_error(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
	struct kout *k = opaque;

	(void)rk;
	if (k->verbose || e == RD_KAFKA_RESP_ERR__FATAL)
		warnx("kafka: %s", reason);
}

/* librdkafka's own log lines (from its threads): only with -v; what
 * matters comes as a delivery report or through kout_error. */
static void
kout_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	const struct kout *k = rd_kafka_opaque(rk);

	(void)level;
	if (k != NULL && k->verbose)
		warnx("kafka: %s: %s", fac, buf);
}

rd_kafka_conf_t *
kout_conf_new(const struct kafka_opts *ko, int verbose, char *err,
    size_t errlen)
{
	/* Our defaults first, so that -X and -F can change any of them. */
	const char *const defaults[] = {
		"enable.idempotence", "true",
		"acks", "all",
		"linger.ms", "10",
		"compression.codec", "zstd",
		"log_level", verbose ? "6" : "3",
		NULL,
	};

	return kafka_conf_build(ko, defaults, err, errlen);
}

struct kout *
kout_new(const struct kout_conf *c)
{
	struct kout *k = calloc(1, sizeof(*k));
	rd_kafka_conf_t *conf = c->conf;
	char errstr[512];

	if (k == NULL) {
		warn("malloc");
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	k->mfd = -1;
	k->keyidx = -1;
	k->verbose = c->verbose;
	if ((k->topic = strdup(c->topic)) == NULL ||
	    (c->keycol != NULL && (k->keycol = strdup(c->keycol)) == NULL)) {
		warn("malloc");
		goto fail;
	}
	rd_kafka_conf_set_opaque(conf, k);
	rd_kafka_conf_set_dr_msg_cb(conf, kout_dr);
	rd_kafka_conf_set_error_cb(conf, kout_error);
	rd_kafka_conf_set_log_cb(conf, kout_log);
	if ((k->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof(errstr))) == NULL) {
		warnx("kafka: %s", errstr);
		goto fail;
	}
	conf = NULL;	/* owned by rk now */
	if ((k->rkt = rd_kafka_topic_new(k->rk, k->topic, NULL)) == NULL) {
		warnx("kafka: %s: %s", k->topic,
		    rd_kafka_err2str(rd_kafka_last_error()));
		goto fail;
	}
	return k;
fail:
	if (conf != NULL)
		rd_kafka_conf_destroy(conf);
	kout_free(k);
	return NULL;
}

/* Split line[0..len) (a header or rows, with line breaks) through the
 * memfd: the reader then returns its records. */
static int
kout_feed(struct kout *k, const char *text, size_t len)
{
	if (k->mfd < 0) {
		if ((k->mfd = memfd_create("kafkaout", MFD_CLOEXEC)) == -1 ||
		    (k->rd = csvio_reader_new(k->mfd, ',', 0)) == NULL) {
			warn("kafka: memfd");
			return -1;
		}
	}
	if (ftruncate(k->mfd, 0) == -1 || lseek(k->mfd, 0, SEEK_SET) == -1 ||
	    writeall(k->mfd, text, len) == -1 ||
	    lseek(k->mfd, 0, SEEK_SET) == -1) {
		warn("kafka: memfd");
		return -1;
	}
	csvio_reader_seek(k->rd, 0, 1);
	return 0;
}

int
kout_set_header(struct kout *k, const char *hdr, size_t len)
{
	struct csvio_record rec;
	char *line;
	int n;

	free(k->hdr);
	if ((k->hdr = xstrndup(hdr, len)) == NULL) {
		warn("malloc");
		return -1;
	}
	k->hdrlen = len;
	k->keyidx = -1;
	if (k->keycol == NULL)
		return 0;
	if ((line = malloc(len + 1)) == NULL) {
		warn("malloc");
		return -1;
	}
	memcpy(line, hdr, len);
	line[len] = '\n';
	n = kout_feed(k, line, len + 1) == -1 ? -1 : csvio_next(k->rd, &rec);
	free(line);
	if (n == 1)
		k->keyidx = csvio_find(&rec, k->keycol);
	if (k->keyidx < 0) {
		warnx("kafka: key column '%s' is not in the header", k->keycol);
		return -1;
	}
	return 0;
}

/* Queue one message, waiting for room while the queue is full. */
static int
kout_produce(struct kout *k, const char *p, size_t len, const char *key,
    size_t keylen)
{
	rd_kafka_resp_err_t e;

	for (;;) {
		if (k->hdr != NULL)
			e = rd_kafka_producev(k->rk,
			    RD_KAFKA_V_RKT(k->rkt),
			    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			    RD_KAFKA_V_VALUE((void *)p, len),
			    RD_KAFKA_V_KEY(key, keylen),
			    RD_KAFKA_V_HEADER(CONTRACT_KAFKA_HEADER_KEY, k->hdr,
			    (ssize_t)k->hdrlen),
			    RD_KAFKA_V_END);
		else
			e = rd_kafka_producev(k->rk,
			    RD_KAFKA_V_RKT(k->rkt),
			    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			    RD_KAFKA_V_VALUE((void *)p, len),
			    RD_KAFKA_V_KEY(key, keylen),
			    RD_KAFKA_V_END);
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			warnx("kafka: %s: %s", k->topic, rd_kafka_err2str(e));
			return -1;
		}
		/* Backpressure: serve delivery reports until there is room. */
		rd_kafka_poll(k->rk, 100);
		if (sig_stop)
			return 1;
	}
	k->queued++;
	rd_kafka_poll(k->rk, 0);
	return 0;
}

/* Key and produce the gathered rows. */
static int
kout_drain(struct kout *k)
{
	struct csvio_record rec;
	size_t done = 0;
	int n, rc = 0;

	if (k->nrows == 0)
		return 0;
	if (kout_feed(k, k->buf, k->len) == -1)
		return -1;
	while (rc == 0 && (n = csvio_next(k->rd, &rec)) != 0) {
		const char *key = NULL;
		size_t keylen = 0;
		if (n == 1 && (size_t)k->keyidx < rec.nf) {
			key = rec.f[k->keyidx].p;
			keylen = rec.f[k->keyidx].len;
		}
		if (n == -1 && (rec.err == CSVIO_EIO ||
		    rec.err == CSVIO_ENOMEM)) {
			warnx("kafka: cannot split rows for their keys");
			return -1;
		}
		/* A row that does not split is sent unkeyed, as it was. */
		rc = kout_produce(k, rec.raw, rec.rawlen, key, keylen);
		done++;
	}
	if (rc == 0 && done != k->nrows) {
		warnx("kafka: internal: %zu rows gathered, %zu split",
		    k->nrows, done);
		rc = -1;
	}
	k->len = 0;
	k->nrows = 0;
	return rc;
}

int
kout_send(struct kout *k, const char *rec, size_t len)
{
	if (k->keycol == NULL)
		return kout_produce(k, rec, len, NULL, 0);
	if (k->len + len + 1 > k->cap) {
		size_t ncap = k->cap ? k->cap : 65536;
		char *n;
		while (ncap < k->len + len + 1)
			ncap *= 2;
		if ((n = realloc(k->buf, ncap)) == NULL) {
			warn("malloc");
			return -1;
		}
		k->buf = n;
		k->cap = ncap;
	}
	memcpy(k->buf + k->len, rec, len);
	k->len += len;
	k->buf[k->len++] = '\n';
	k->nrows++;
	if (k->nrows >= KOUT_BATCH_ROWS || k->len >= KOUT_BATCH_BYTES)
		return kout_drain(k);
	return 0;
}

int
kout_finish(struct kout *k)
{
	int rc = kout_drain(k);
	unsigned long long lost;

	/* Every message ends in a delivery report, at the latest after
	 * message.timeout.ms: wait for all of them. */
	double until = 0;

	while (rd_kafka_outq_len(k->rk) > 0) {
		int ms = 100;
		/* Stopped by a signal: give the brokers a quarter second more
		 * (a healthy cluster confirms within milliseconds), then
		 * count what is left as not confirmed. */
		if (sig_stop && until == 0)
			until = now_mono() + KOUT_STOP_GRACE_S;
		if (until > 0) {
			double left = until - now_mono();
			if (left <= 0) {
				rd_kafka_purge(k->rk, RD_KAFKA_PURGE_F_QUEUE |
				    RD_KAFKA_PURGE_F_INFLIGHT);
				rd_kafka_flush(k->rk, 50);
				break;
			}
			if (left * 1000 < ms)
				ms = (int)(left * 1000) + 1;
		}
		rd_kafka_flush(k->rk, ms);
	}
	lost = k->queued - k->confirmed;
	if (k->verbose)
		warnx("kafka: %s: %llu rows confirmed", k->topic, k->confirmed);
	if (lost > 0 || rc != 0) {
		warnx("kafka: %s: %llu of %llu rows not confirmed", k->topic,
		    lost, k->queued);
		return -1;
	}
	return 0;
}

unsigned long long
kout_confirmed(const struct kout *k)
{
	return k->confirmed;
}

void
kout_free(struct kout *k)
{
	if (k == NULL)
		return;
	if (k->rkt != NULL)
		rd_kafka_topic_destroy(k->rkt);
	if (k->rk != NULL)
		rd_kafka_destroy(k->rk);
	csvio_reader_free(k->rd);
	if (k->mfd >= 0)
		close(k->mfd);
	free(k->buf);
	free(k->hdr);
	free(k->keycol);
	free(k->topic);
	free(k);
}
