/* mqtt2kafka's Kafka side: enrich a journaled message into an invoice
 * document, produce it (or dead-letter it), and settle its journal entry
 * when librdkafka reports the delivery. */
#include <err.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "m2k.h"
#include "timefield.h"
#include "util.h"

enum { K_INVOICE, K_DEAD };

/* A record handed to librdkafka, its opaque until dr_cb frees it. */
struct pending {
	uint32_t seg;
	int kind;
	double t0;
	uint64_t key;
	bson_t *doc;		/* for the archive, or NULL */
};

/* Free a pending record and its document. */
static void
pending_free(struct pending *p)
{
	if (p->doc != NULL)
		bson_destroy(p->doc);
	free(p);
}

/* ==== counters =========================================================== */

static void
lat_add(struct m2k *m, double secs)
{
	double us = secs * 1e6;
	int b = us < 1 ? 0 : (int)(8 * log2(us));

	if (b >= M2K_NBUCKETS)
		b = M2K_NBUCKETS - 1;
	m->n.hist[b]++;
	m->n.nlat++;
}

static double
lat_pct(const struct m2k *m, double p)
{
	unsigned long long want, seen = 0;
	int b;

	if (m->n.nlat == 0)
		return 0;
	want = (unsigned long long)ceil(p * (double)m->n.nlat);
	for (b = 0; b < M2K_NBUCKETS; b++) {
		seen += m->n.hist[b];
		if (seen >= want)
			break;
	}
	return pow(2, (b + 1) / 8.0) / 1000.0;	/* ms, bucket top */
}

void
m2k_stats(const struct m2k *m)
{
	fprintf(stderr, "mqtt2kafka: received %llu, replayed %llu, produced "
	    "%llu, duplicates %llu, dead-lettered %llu, flagged %llu, "
	    "failed %llu, archived %llu, spool %llu bytes, latency p50 "
	    "%.1f ms p99 %.1f ms\n",
	    (unsigned long long)m->n.received,
	    (unsigned long long)m->n.replayed,
	    (unsigned long long)m->n.produced, (unsigned long long)m->n.dups,
	    (unsigned long long)m->n.dead, (unsigned long long)m->n.flagged,
	    (unsigned long long)m->n.failed,
	    (unsigned long long)m->n.archived,
	    (unsigned long long)(m->jr ? journal_bytes(m->jr) : 0),
	    lat_pct(m, 0.5), lat_pct(m, 0.99));
}

/* Whether the bridge is stopping (a signal, a failure). */
int
m2k_halted(const struct m2k *m)
{
	return m->stopping || m->fatal || sig_stop;
}

/* Append one dead-letter line (ending in a newline) to --dlq-file in one
 * write.  Returns 0, or -1 (said, and the bridge stops). */
static int
dlq_write(struct m2k *m, const char *line, size_t n)
{
	int rc = 0;

	pthread_mutex_lock(&m->dlq_mu);
	if (m->dlq_failed || writeall(m->dlq, line, n) == -1) {
		/* After a failed write the file may end in half a line:
		 * nothing more goes in; the next start cuts it off. */
		if (!m->dlq_failed)
			m2k_warn("%s", m->o->dlq_path);
		m->dlq_failed = 1;
		m->fatal = 1;
		rc = -1;
	} else
		m->dlq_dirty = 1;
	pthread_mutex_unlock(&m->dlq_mu);
	return rc;
}

/* ==== Kafka ============================================================== */

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *km, void *opaque)
{
	struct m2k *m = opaque;
	struct pending *p = km->_private;

	if (p == NULL)
		return;
	if (km->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		int done = 1;

		if (p->kind == K_INVOICE) {
			m->n.produced++;
			lat_add(m, now_mono() - p->t0);
			if (m->ar != NULL && p->doc != NULL) {
				int r = archive_add(m->ar, p->key, p->doc);
				if (r == -1) {
					/* Kept in the journal: the next start
					 * produces it again (a duplicate) and
					 * archives it. */
					if (!m->fatal)
						m2k_warn("%s", m->o->archive_path);
					m->fatal = 1;
					done = 0;
				} else if (r == 0)
					m->n.dups++;
				else
					m->n.archived++;
			}
		}
		if (done)
			journal_done(m->jr, p->seg);
	} else if (km->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
	    km->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
		/* Shutting down: it stays in the journal for next time. */
	} else {
		m->n.failed++;
		m2k_warnx("kafka: delivery failed: %s", rd_kafka_err2str(km->err));
		if (m->dlq >= 0) {
			size_t cap = km->len * 6 + 256, n = 0;
			char *buf = malloc(cap);
			int k;

			if (buf == NULL)
				err(1, NULL);
			k = snprintf(buf, cap, "{\"Reason\":\"delivery "
			    "failed: %s\",\"Record\":",
			    rd_kafka_err2str(km->err));
			n = k > 0 && (size_t)k < cap ? (size_t)k : 0;
			if (n > 0 && inv_json_str(buf, cap, &n, km->payload,
			    km->len) == 0 && n + 3 <= cap) {
				memcpy(buf + n, "}\n", 2);
				n += 2;
				if (dlq_write(m, buf, n) == 0)
					journal_done(m->jr, p->seg);
			}
			free(buf);
		}
		/* Without a dead-letter file the record stays journaled and
		 * is retried at the next start. */
	}
	(void)rk;
	pending_free(p);
}

static void
error_cb(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
	static double last;	/* this callback's own rate limit */
	struct m2k *m = opaque;
	char buf[512];

	if (e == RD_KAFKA_RESP_ERR__FATAL) {
		rd_kafka_fatal_error(rk, buf, sizeof(buf));
		m2k_warnx("kafka: fatal: %s", buf);
		m->fatal = m->kfatal = 1;
		return;
	}
	if (cli_verbosity >= CLI_INFO || (cli_verbosity >= CLI_WARN &&
	    e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN &&
	    now_mono() - last > 10)) {
		last = now_mono();
		m2k_warnx("kafka: %s", reason);
	}
}

static void
log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	(void)rk;
	(void)level;
	if (cli_verbosity >= CLI_DEBUG)
		m2k_warnx("kafka: %s: %s", fac, buf);
}

/* The producer: the bridge's defaults, then -b, -X and -F in order.
 * Returns it, or NULL with err set (a configuration error: exit 2). */
rd_kafka_t *
m2k_kafka_new(struct m2k *m, char *err, size_t errlen)
{
	static const char *const defs[] = {
		"enable.idempotence", "true",
		"acks", "all",
		"message.timeout.ms", "0",
		"linger.ms", "5",
		"queue.buffering.max.messages", "500000",
		"queue.buffering.max.kbytes", "1048576",
		NULL,
	};
	rd_kafka_conf_t *conf;
	char why[512];
	rd_kafka_t *rk;

	if ((conf = kafka_conf_build(&m->o->kafka, defs, err, errlen)) ==
	    NULL)
		return NULL;
	rd_kafka_conf_set_opaque(conf, m);
	rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
	rd_kafka_conf_set_error_cb(conf, error_cb);
	rd_kafka_conf_set_log_cb(conf, log_cb);
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why,
	    sizeof(why))) == NULL) {
		rd_kafka_conf_destroy(conf);
		snprintf(err, errlen, "kafka: %s", why);
		return NULL;
	}
	return rk;
}

/* Hand a record to librdkafka, waiting while its queue is full.  Returns
 * 0, or -1 when stopping (the record stays in the journal). */
static int
produce(struct m2k *m, const char *topic, const char *key, size_t klen,
    const char *val, size_t vlen, struct pending *p)
{
	rd_kafka_resp_err_t e;

	for (;;) {
		e = rd_kafka_producev(m->rk, RD_KAFKA_V_TOPIC(topic),
		    RD_KAFKA_V_KEY(key, klen),
		    RD_KAFKA_V_VALUE((void *)val, vlen),
		    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_OPAQUE(p), RD_KAFKA_V_END);
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
			return 0;
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_message_t km;
			/* Not retriable (e.g. too large): report it as a
			 * failed delivery. */
			memset(&km, 0, sizeof(km));
			km.err = e;
			km.payload = (void *)val;
			km.len = vlen;
			km._private = p;
			dr_cb(m->rk, &km, m);
			return 0;
		}
		if (m2k_halted(m)) {
			pending_free(p);
			return -1;
		}
		if (m->in_main) {
			rd_kafka_poll(m->rk, 10);
			if (sig_usr1) {
				sig_usr1 = 0;
				m2k_stats(m);
			}
		} else
			sleep_sec(0.002);
	}
}

/* ==== one message ======================================================== */

/* A message that is not an invoice: to --dlq-file and/or --dlq-topic (or
 * stderr).  payload holds avail bytes of a message len bytes long. */
static void
dead_letter(struct m2k *m, const char *topic, const char *id,
    const char *why, const char *payload, size_t avail, size_t len,
    int64_t recv_ns, uint32_t seg)
{
	char ts[TM_BUFSZ];
	struct li_tm t;
	size_t n = 0, show = avail < m->o->max_size ? avail : m->o->max_size;
	struct pending *p;
	int bad = 0;

	m->n.dead++;
	tm_from_epoch(recv_ns / 1000000000, &t);
	tm_fmt_rfc3339(&t, ts);
	n = (size_t)snprintf(m->dbuf, m->dbufsz, "{\"MessageId\":\"%s\","
	    "\"ReceivedAt\":\"%s\",\"Topic\":", id, ts);
	bad |= inv_json_str(m->dbuf, m->dbufsz, &n, topic, strlen(topic));
	n += (size_t)snprintf(m->dbuf + n, m->dbufsz - n, ",\"Reason\":");
	bad |= inv_json_str(m->dbuf, m->dbufsz, &n, why, strlen(why));
	n += (size_t)snprintf(m->dbuf + n, m->dbufsz - n, ",\"Length\":%zu,"
	    "\"Truncated\":%s,\"Payload\":", len, show < len ? "true" :
	    "false");
	bad |= inv_json_str(m->dbuf, m->dbufsz, &n, payload, show);
	n += (size_t)snprintf(m->dbuf + n, m->dbufsz - n, "}\n");
	if (bad || n >= m->dbufsz)
		errx(1, "dead letter %s: too large to write", id);

	if (cli_verbosity >= CLI_INFO || (m->dlq < 0 &&
	    m->o->dlq_topic == NULL))
		m2k_warnx("%s: dead letter %s: %s", topic, id, why);
	/* On a failed write it stays journaled for the next start. */
	if (m->dlq >= 0 && dlq_write(m, m->dbuf, n) == -1)
		return;
	if (m->o->dlq_topic != NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			err(1, NULL);
		p->seg = seg;
		p->kind = K_DEAD;
		p->t0 = now_mono();
		produce(m, m->o->dlq_topic, id, strlen(id), m->dbuf, n - 1, p);
	} else
		journal_done(m->jr, seg);
}

/* Enrich and produce one journaled message (from segment seg, with its
 * InvoiceNo: 0 when it had none, -LENGTH when it was longer than
 * --max-size and kept truncated). */
void
m2k_process(struct m2k *m, const char *topic, const char *payload,
    size_t len, int64_t recv_ns, int64_t invno, uint32_t seg)
{
	char id[INV_IDLEN + 1], why[256];
	uint64_t key = inv_message_id(topic, payload, len, id);
	size_t full = invno < 0 ? (size_t)-invno : len;
	int ok;
	struct pending *p;
	struct li_tm when;
	size_t n;

	if (full > m->o->max_size) {
		snprintf(why, sizeof(why), "message longer than %zu bytes",
		    m->o->max_size);
		ok = 0;
	} else
		ok = inv_parse(payload, len, m->cat, m->inv, why,
		    sizeof(why)) == 0;
	if (!ok || invno <= 0) {
		if (ok)
			snprintf(why, sizeof(why), "no invoice number");
		dead_letter(m, topic, id, why, payload, len, full, recv_ns,
		    seg);
		return;
	}
	if (m->inv->nunknown > 0)
		m->n.flagged++;
	inv_when(m->inv, recv_ns / 1000000000, &when);
	n = inv_json(m->inv, m->cat, invno, id, &when, m->jbuf, M2K_JBUFSZ);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		err(1, NULL);
	p->seg = seg;
	p->kind = K_INVOICE;
	p->t0 = now_mono();
	p->key = key;
	if (m->ar != NULL) {
		p->doc = bson_new();
		if (inv_bson(m->inv, m->cat, invno, id, &when, p->doc) == -1) {
			bson_destroy(p->doc);
			p->doc = NULL;
		}
	}
	if (n == 0) {	/* cannot happen with bounded fields; be safe */
		pending_free(p);
		dead_letter(m, topic, id, "invoice too large", payload, len,
		    full, recv_ns, seg);
		return;
	}
	produce(m, m->o->kafka.topic, m->inv->phone, strlen(m->inv->phone),
	    m->jbuf, n, p);
}

int
m2k_replay_one(void *arg, uint32_t seg, const struct jrec *r)
{
	struct m2k *m = arg;
	char topic[65536];

	memcpy(topic, r->topic, r->topiclen);
	topic[r->topiclen] = '\0';
	m->n.replayed++;
	m2k_process(m, topic, r->payload, r->len, r->recv_ns, r->invno, seg);
	return m2k_halted(m) ? -1 : 0;
}
