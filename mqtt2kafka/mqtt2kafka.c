/*
 * mqtt2kafka: bridge checkout invoices from an MQTT topic to a Kafka topic,
 * enriched into invoice documents, at least once.
 *
 * Delivery: paho acknowledges a QoS 1 message before it calls
 * messageArrived, but after it puts the message in its persistence store.
 * Our store (pstore.c) hands that put to stage(), which numbers the
 * message and appends it, raw, to a journal segment in the state
 * directory; if that fails the process ends there, before the PUBACK, and
 * the broker sends the message again.  The journal reserves its space
 * ahead (fallocate), so a full disk stops intake cleanly while there is
 * still room.  A segment is deleted only once every message in it has a
 * Kafka delivery report (idempotent producer, acks=all, no message
 * timeout).  Segments left by a crash are replayed at start.  Replays and
 * broker redeliveries are duplicates with the same MessageId; the archive
 * writer drops them.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <MQTTClient.h>
#include <librdkafka/rdkafka.h>

#include "archive.h"
#include "atomicfile.h"
#include "catalog.h"
#include "invno.h"
#include "invoice.h"
#include "journal.h"
#include "pstore.h"
#include "readfile.h"
#include "timefield.h"
#include "util.h"

#define MAXCONF		64
#define NBUCKETS	256
#define JBUFSZ		(256 * 1024)
#define QMAX		4096	/* journaled messages waiting for the worker */
#define SEGBYTES	(8U << 20)	/* journal segment */
#define INVBLOCK	10000	/* InvoiceNos reserved at a time */
#define KEEPMAX		(16U << 20)	/* longer messages are journaled
					   truncated to --max-size */
#define PWMAX		4096	/* --mqtt-password-file */
#define TLSMAX		(16U << 20)	/* --cafile, --cert, --key */

enum { K_INVOICE, K_DEAD };

struct pending {
	uint32_t seg;
	int kind;
	double t0;
	uint64_t key;
	bson_t *doc;		/* for the archive, or NULL */
};

/* A journaled message, staged by the store hook for on_message, then
 * waiting for the worker.  invno < 0: longer than --max-size, kept
 * truncated; -invno is its length. */
struct qent {
	struct qent *next;
	int64_t invno, recv_ns;
	uint32_t seg;
	int msgid;
	const void *id;		/* paho's payload pointer, to match it */
	size_t len;
	char *payload;
	char topic[];		/* NUL-terminated, then the payload */
};

static struct {
	/* options */
	const char *brokers, *ktopic, *url, *mtopic, *client_id;
	const char *state_dir, *catalog_path, *dlq_topic, *dlq_path;
	const char *archive_path, *pwfile, *cafile, *cert, *key;
	const char *xkeys[MAXCONF], *xvals[MAXCONF];
	int nx, qos, keepalive, persist, verbose, quiet;
	size_t max_size;
	uint64_t max_spool;
	double sync_interval, drain;

	/* running state */
	const struct catalog *cat;
	struct catalog *owncat;
	rd_kafka_t *rk;
	struct journal *jr;
	struct invno inv_no;
	struct archive *ar;
	int dlq;		/* --dlq-file, or -1 */
	int dlq_reg;		/* it is a regular file (synced) */
	int dlq_failed;		/* a write to it failed (under dlq_mu) */
	atomic_int dlq_dirty;	/* written since the last sync */
	pthread_mutex_t dlq_mu;
	MQTTClient mc;
	MQTTClient_persistence pstore;
	char pspath[4096];
	struct invoice *inv;	/* scratch, one user at a time */
	char *jbuf, *dbuf;
	size_t dbufsz;
	int in_main;		/* producing from the main thread (replay) */
	atomic_int stopping, lost, fatal, kfatal, reserve_failed;
	char user[256], pass[256];
	int have_user;

	/* staged by the store hook, not yet seen by on_message */
	pthread_mutex_t st_mu;
	struct qent *st_head, *st_tail;

	/* hand-off from the MQTT callback to the worker */
	pthread_mutex_t q_mu;
	pthread_cond_t q_nonempty, q_nonfull;
	struct qent *q_head, *q_tail;
	size_t q_n;
	int q_done;
	pthread_t worker;

	/* counters */
	atomic_ullong received, replayed, produced, dead, flagged, failed;
	atomic_ullong dups, archived;
	unsigned long long hist[NBUCKETS], nlat;
} B;

static const char synopsis[] =
    "Usage: mqtt2kafka [-qv] [-b BROKERS] [-t TOPIC] [-X KEY=VALUE]... "
    "[-u URL] [--topic FILTER]\n"
    "                  [-d DIR] [-c CATALOG] [--archive FILE] "
    "[--dlq-topic TOPIC] [--dlq-file FILE] [OPTION]...\n"
    "       mqtt2kafka --dump FILE [--format csv|json]\n";

static void
usage(void)
{
	fputs(synopsis, stderr);
	fputs("Try 'mqtt2kafka --help'.\n", stderr);
	exit(2);
}

static void
help(void)
{
	fputs(synopsis, stdout);
	fputs("\nBridge checkout invoices from MQTT to Kafka, at least once.\n\n"
	    "  -b, --brokers BROKERS      Kafka bootstrap servers "
	    "(localhost:9092)\n"
	    "  -t, --kafka-topic TOPIC    Kafka topic for invoices (invoices)\n"
	    "  -X KEY=VALUE               librdkafka setting (repeatable)\n"
	    "  -u, --mqtt URL             MQTT broker (tcp://127.0.0.1:1883)\n"
	    "      --topic FILTER         MQTT topic filter (invoices)\n"
	    "      --qos 1|2              subscription QoS (1)\n"
	    "      --client-id ID         MQTT client id (mqtt2kafka)\n"
	    "      --keepalive SECONDS    MQTT keepalive (30)\n"
	    "      --mqtt-password-file F user name and password, one a line\n"
	    "      --cafile F, --cert F, --key F   MQTT TLS files\n"
	    "      --mqtt-persistence log|file|none  paho's QoS 2 state (log)\n"
	    "  -d, --state-dir DIR        journal and counters "
	    "(mqtt2kafka.state)\n"
	    "  -c, --catalog FILE         catalogue CSV Item,Aisle,Price\n"
	    "      --archive FILE         append invoices as BSON, deduplicated\n"
	    "      --dlq-topic TOPIC      Kafka topic for dead letters\n"
	    "      --dlq-file FILE        append dead letters as JSON lines\n"
	    "      --max-size BYTES       longest message accepted (65536)\n"
	    "      --max-spool BYTES      journal size that stops intake (1G)\n"
	    "      --sync-interval DUR    fsync batching (100ms)\n"
	    "      --drain DUR            wait for Kafka at exit (500ms)\n"
	    "      --dump FILE            print an archive, one invoice a line\n"
	    "      --format csv|json      --dump output (csv)\n"
	    "  -q, --quiet                only errors\n"
	    "  -v, --verbose              more diagnostics\n"
	    "      --help                 this help\n"
	    "      --version              the version\n", stdout);
	if (close_stdout() == -1)
		err(1, "stdout");
	exit(0);
}

/* ==== counters =========================================================== */

static void
lat_add(double secs)
{
	double us = secs * 1e6;
	int b = us < 1 ? 0 : (int)(8 * log2(us));

	if (b >= NBUCKETS)
		b = NBUCKETS - 1;
	B.hist[b]++;
	B.nlat++;
}

static double
lat_pct(double p)
{
	unsigned long long want, seen = 0;
	int b;

	if (B.nlat == 0)
		return 0;
	want = (unsigned long long)ceil(p * (double)B.nlat);
	for (b = 0; b < NBUCKETS; b++) {
		seen += B.hist[b];
		if (seen >= want)
			break;
	}
	return pow(2, (b + 1) / 8.0) / 1000.0;	/* ms, bucket top */
}

static void
stats(void)
{
	fprintf(stderr, "mqtt2kafka: received %llu, replayed %llu, produced "
	    "%llu, duplicates %llu, dead-lettered %llu, flagged %llu, "
	    "failed %llu, archived %llu, spool %llu bytes, latency p50 "
	    "%.1f ms p99 %.1f ms\n",
	    (unsigned long long)B.received, (unsigned long long)B.replayed,
	    (unsigned long long)B.produced, (unsigned long long)B.dups,
	    (unsigned long long)B.dead, (unsigned long long)B.flagged,
	    (unsigned long long)B.failed, (unsigned long long)B.archived,
	    (unsigned long long)(B.jr ? journal_bytes(B.jr) : 0),
	    lat_pct(0.5), lat_pct(0.99));
}

/* Whether the bridge is stopping (a signal, a failure). */
static int
halted(void)
{
	return B.stopping || B.fatal || sig_stop;
}

/* Append one dead-letter line (ending in a newline) to --dlq-file in one
 * write.  Returns 0, or -1 (said, and the bridge stops). */
static int
dlq_write(const char *line, size_t n)
{
	int rc = 0;

	pthread_mutex_lock(&B.dlq_mu);
	if (B.dlq_failed || writeall(B.dlq, line, n) == -1) {
		/* After a failed write the file may end in half a line:
		 * nothing more goes in; the next start cuts it off. */
		if (!B.dlq_failed)
			warn("%s", B.dlq_path);
		B.dlq_failed = 1;
		B.fatal = 1;
		rc = -1;
	} else
		B.dlq_dirty = 1;
	pthread_mutex_unlock(&B.dlq_mu);
	return rc;
}

/* ==== Kafka ============================================================== */

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct pending *p = m->_private;

	if (p == NULL)
		return;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		int done = 1;

		if (p->kind == K_INVOICE) {
			B.produced++;
			lat_add(now_mono() - p->t0);
			if (B.ar != NULL && p->doc != NULL) {
				int r = archive_add(B.ar, p->key, p->doc);
				if (r == -1) {
					/* Kept in the journal: the next start
					 * produces it again (a duplicate) and
					 * archives it. */
					if (!B.fatal)
						warn("%s", B.archive_path);
					B.fatal = 1;
					done = 0;
				} else if (r == 0)
					B.dups++;
				else
					B.archived++;
			}
		}
		if (done)
			journal_done(B.jr, p->seg);
	} else if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
	    m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
		/* Shutting down: it stays in the journal for next time. */
	} else {
		B.failed++;
		warnx("kafka: delivery failed: %s", rd_kafka_err2str(m->err));
		if (B.dlq >= 0) {
			size_t cap = m->len * 6 + 256, n = 0;
			char *buf = malloc(cap);
			int k;

			if (buf == NULL)
				err(1, NULL);
			k = snprintf(buf, cap, "{\"Reason\":\"delivery failed: "
			    "%s\",\"Record\":", rd_kafka_err2str(m->err));
			n = k > 0 && (size_t)k < cap ? (size_t)k : 0;
			if (n > 0 && inv_json_str(buf, cap, &n, m->payload,
			    m->len) == 0 && n + 3 <= cap) {
				memcpy(buf + n, "}\n", 2);
				n += 2;
				if (dlq_write(buf, n) == 0)
					journal_done(B.jr, p->seg);
			}
			free(buf);
		}
		/* Without a dead-letter file the record stays journaled and
		 * is retried at the next start. */
	}
	if (p->doc != NULL)
		bson_destroy(p->doc);
	free(p);
}

static void
error_cb(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
	static double last;
	char buf[512];

	if (e == RD_KAFKA_RESP_ERR__FATAL) {
		rd_kafka_fatal_error(rk, buf, sizeof(buf));
		warnx("kafka: fatal: %s", buf);
		B.fatal = B.kfatal = 1;
		return;
	}
	if (B.verbose || (!B.quiet && e == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN &&
	    now_mono() - last > 10)) {
		last = now_mono();
		warnx("kafka: %s", reason);
	}
}

static void
log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	if (B.verbose > 1)
		warnx("kafka: %s: %s", fac, buf);
}

static rd_kafka_t *
kafka_new(void)
{
	static const char *const defs[][2] = {
		{ "enable.idempotence", "true" },
		{ "acks", "all" },
		{ "message.timeout.ms", "0" },
		{ "linger.ms", "5" },
		{ "queue.buffering.max.messages", "500000" },
		{ "queue.buffering.max.kbytes", "1048576" },
	};
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char errstr[512];
	rd_kafka_t *rk;
	size_t i;

	for (i = 0; i < NELEM(defs); i++)
		if (rd_kafka_conf_set(conf, defs[i][0], defs[i][1], errstr,
		    sizeof(errstr)) != RD_KAFKA_CONF_OK)
			errx(1, "kafka: %s", errstr);
	if (rd_kafka_conf_set(conf, "bootstrap.servers", B.brokers, errstr,
	    sizeof(errstr)) != RD_KAFKA_CONF_OK)
		errx(2, "-b: %s", errstr);
	for (i = 0; i < (size_t)B.nx; i++)
		if (rd_kafka_conf_set(conf, B.xkeys[i], B.xvals[i], errstr,
		    sizeof(errstr)) != RD_KAFKA_CONF_OK)
			errx(2, "-X %s: %s", B.xkeys[i], errstr);
	rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
	rd_kafka_conf_set_error_cb(conf, error_cb);
	rd_kafka_conf_set_log_cb(conf, log_cb);
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(2, "kafka: %s", errstr);
	return rk;
}

/* Hand a record to librdkafka, waiting while its queue is full.  Returns
 * 0, or -1 when stopping (the record stays in the journal). */
static int
produce(const char *topic, const char *key, size_t klen, const char *val,
    size_t vlen, struct pending *p)
{
	rd_kafka_resp_err_t e;

	for (;;) {
		e = rd_kafka_producev(B.rk, RD_KAFKA_V_TOPIC(topic),
		    RD_KAFKA_V_KEY(key, klen),
		    RD_KAFKA_V_VALUE((void *)val, vlen),
		    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
		    RD_KAFKA_V_OPAQUE(p), RD_KAFKA_V_END);
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR)
			return 0;
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_message_t m;
			/* Not retriable (e.g. too large): report it as a
			 * failed delivery. */
			memset(&m, 0, sizeof(m));
			m.err = e;
			m.payload = (void *)val;
			m.len = vlen;
			m._private = p;
			dr_cb(B.rk, &m, NULL);
			return 0;
		}
		if (halted()) {
			if (p->doc != NULL)
				bson_destroy(p->doc);
			free(p);
			return -1;
		}
		if (B.in_main) {
			rd_kafka_poll(B.rk, 10);
			if (sig_usr1) {
				sig_usr1 = 0;
				stats();
			}
		} else
			sleep_sec(0.002);
	}
}

/* ==== one message ======================================================== */

/* A message that is not an invoice: to --dlq-file and/or --dlq-topic (or
 * stderr).  payload holds avail bytes of a message len bytes long. */
static void
dead_letter(const char *topic, const char *id, const char *why,
    const char *payload, size_t avail, size_t len, int64_t recv_ns,
    uint32_t seg)
{
	char ts[TM_BUFSZ];
	struct li_tm t;
	size_t n = 0, show = avail < B.max_size ? avail : B.max_size;
	struct pending *p;
	int bad = 0;

	B.dead++;
	tm_from_epoch(recv_ns / 1000000000, &t);
	tm_fmt_rfc3339(&t, ts);
	n = (size_t)snprintf(B.dbuf, B.dbufsz, "{\"MessageId\":\"%s\","
	    "\"ReceivedAt\":\"%s\",\"Topic\":", id, ts);
	bad |= inv_json_str(B.dbuf, B.dbufsz, &n, topic, strlen(topic));
	n += (size_t)snprintf(B.dbuf + n, B.dbufsz - n, ",\"Reason\":");
	bad |= inv_json_str(B.dbuf, B.dbufsz, &n, why, strlen(why));
	n += (size_t)snprintf(B.dbuf + n, B.dbufsz - n, ",\"Length\":%zu,"
	    "\"Truncated\":%s,\"Payload\":", len, show < len ? "true" :
	    "false");
	bad |= inv_json_str(B.dbuf, B.dbufsz, &n, payload, show);
	n += (size_t)snprintf(B.dbuf + n, B.dbufsz - n, "}\n");
	if (bad || n >= B.dbufsz)
		errx(1, "dead letter %s: too large to write", id);

	if (B.verbose || (B.dlq < 0 && B.dlq_topic == NULL))
		warnx("%s: dead letter %s: %s", topic, id, why);
	/* On a failed write it stays journaled for the next start. */
	if (B.dlq >= 0 && dlq_write(B.dbuf, n) == -1)
		return;
	if (B.dlq_topic != NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			err(1, NULL);
		p->seg = seg;
		p->kind = K_DEAD;
		p->t0 = now_mono();
		produce(B.dlq_topic, id, strlen(id), B.dbuf, n - 1, p);
	} else
		journal_done(B.jr, seg);
}

/* Enrich and produce one journaled message (from segment seg, with its
 * InvoiceNo: 0 when it had none, -LENGTH when it was longer than
 * --max-size and kept truncated). */
static void
process(const char *topic, const char *payload, size_t len, int64_t recv_ns,
    int64_t invno, uint32_t seg)
{
	char id[INV_IDLEN + 1], why[256];
	uint64_t key = inv_message_id(topic, payload, len, id);
	size_t full = invno < 0 ? (size_t)-invno : len;
	int ok;
	struct pending *p;
	struct li_tm when;
	size_t n;

	if (full > B.max_size) {
		snprintf(why, sizeof(why), "message longer than %zu bytes",
		    B.max_size);
		ok = 0;
	} else
		ok = inv_parse(payload, len, B.cat, B.inv, why,
		    sizeof(why)) == 0;
	if (!ok || invno <= 0) {
		if (ok)
			snprintf(why, sizeof(why), "no invoice number");
		dead_letter(topic, id, why, payload, len, full, recv_ns, seg);
		return;
	}
	if (B.inv->nunknown > 0)
		B.flagged++;
	inv_when(B.inv, recv_ns / 1000000000, &when);
	n = inv_json(B.inv, B.cat, invno, id, &when, B.jbuf, JBUFSZ);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		err(1, NULL);
	p->seg = seg;
	p->kind = K_INVOICE;
	p->t0 = now_mono();
	p->key = key;
	if (B.ar != NULL) {
		p->doc = bson_new();
		if (inv_bson(B.inv, B.cat, invno, id, &when, p->doc) == -1) {
			bson_destroy(p->doc);
			p->doc = NULL;
		}
	}
	if (n == 0) {	/* cannot happen with bounded fields; be safe */
		if (p->doc != NULL)
			bson_destroy(p->doc);
		free(p);
		dead_letter(topic, id, "invoice too large", payload, len, full,
		    recv_ns, seg);
		return;
	}
	produce(B.ktopic, B.inv->phone, strlen(B.inv->phone), B.jbuf, n, p);
}

static int
replay_one(void *arg, uint32_t seg, const struct jrec *r)
{
	char topic[65536];

	memcpy(topic, r->topic, r->topiclen);
	topic[r->topiclen] = '\0';
	B.replayed++;
	process(topic, r->payload, r->len, r->recv_ns, r->invno, seg);
	return halted() ? -1 : 0;
}

/* ==== MQTT =============================================================== */

/* The worker: enriches and produces what the callback journaled, so that
 * paho's thread only receives, journals and acknowledges. */
static void *
worker_run(void *arg)
{
	struct qent *e, *next;

	pthread_mutex_lock(&B.q_mu);
	for (;;) {
		while (B.q_head == NULL && !B.q_done)
			pthread_cond_wait(&B.q_nonempty, &B.q_mu);
		if (B.q_head == NULL)
			break;
		e = B.q_head;
		B.q_head = B.q_tail = NULL;
		B.q_n = 0;
		pthread_cond_broadcast(&B.q_nonfull);
		pthread_mutex_unlock(&B.q_mu);
		for (; e != NULL; e = next) {
			next = e->next;
			/* Once stopping with Kafka's queue full, what is
			 * left stays journaled for the next start. */
			if (!B.fatal)
				process(e->topic, e->payload, e->len,
				    e->recv_ns, e->invno, e->seg);
			free(e);
		}
		pthread_mutex_lock(&B.q_mu);
	}
	pthread_mutex_unlock(&B.q_mu);
	return NULL;
}

/* Say why the bridge stops now, before paho acknowledges the message it
 * is handling, and end the process: the broker keeps the message and
 * sends it again.  Nothing is lost by ending here: what was acknowledged
 * before is in the journal (as after a kill -9). */
static void
die_unacked(const char *file, int e)
{
	warnx("%s: %s; stopped before acknowledging the message", file,
	    strerror(e));
	_exit(1);
}

/* Number a message and append it to the journal.  Returns the entry
 * (owned by the caller), or NULL with errno set and *file naming the file
 * that failed. */
static struct qent *
journal_msg(const char *topic, size_t tlen, const char *payload, size_t len,
    const char **file)
{
	struct qent *e;
	struct jrec r;
	size_t keep = len > KEEPMAX ? B.max_size : len;
	int64_t s, invno = 0;

	*file = "mqtt2kafka";
	if ((e = malloc(sizeof(*e) + tlen + 1 + keep + 1)) == NULL)
		return NULL;
	memcpy(e->topic, topic, tlen);
	e->topic[tlen] = '\0';
	e->payload = e->topic + tlen + 1;
	if (keep > 0)
		memcpy(e->payload, payload, keep);
	e->payload[keep] = '\0';
	e->len = keep;
	e->recv_ns = (int64_t)(now_wall() * 1e9);
	/* Every message gets its number before it is journaled, so that a
	 * replay prices and numbers it the same; a dead letter leaves a
	 * gap.  One kept truncated carries its length instead. */
	if (keep < len)
		invno = -(int64_t)len;
	else if (len <= B.max_size && (invno = invno_next(&B.inv_no)) < 0) {
		*file = B.inv_no.path;
		goto fail;
	}
	r.invno = invno;
	r.recv_ns = e->recv_ns;
	r.topic = e->topic;
	r.topiclen = tlen;
	r.payload = e->payload;
	r.len = keep;
	if ((s = journal_append(B.jr, &r)) < 0) {
		*file = journal_error(B.jr);
		goto fail;
	}
	e->invno = invno;
	e->seg = (uint32_t)s;
	e->next = NULL;
	e->id = NULL;
	e->msgid = 0;
	B.received++;
	return e;
fail:
	{
		int saved = errno;
		free(e);
		errno = saved;
	}
	return NULL;
}

/* Reserve the next InvoiceNo block and journal segment while half of the
 * current ones is left: a full or failing disk then stops intake cleanly
 * (exit 1), with room left for what arrives until the bridge has
 * disconnected. */
static void
reserve_ahead(void)
{
	const char *file = NULL;

	if (B.reserve_failed)
		return;
	if (invno_low(&B.inv_no) && invno_reserve(&B.inv_no) == -1)
		file = B.inv_no.path;
	else if (journal_reserve_ahead(B.jr) == -1)
		file = journal_error(B.jr);
	if (file != NULL) {
		warn("%s: cannot reserve space, stopping", file);
		B.reserve_failed = 1;
		B.fatal = 1;
	}
}

/* paho's store hook for a received message, called before paho sends
 * its PUBACK (pstore.h): journal it, stage it for on_message.  When that
 * fails the process ends here, so the broker never has a PUBACK for a
 * message that is not on disk. */
static int
stage(void *ctx, int nbufs, char **bufs, int *lens)
{
	struct qent *e;
	const char *file;
	size_t tlen;

	(void)ctx;
	if (nbufs < 8 || lens[1] < 0 || lens[5] != (int)sizeof(int) ||
	    lens[6] < 1)
		die_unacked("mqtt", EPROTO);
	tlen = strnlen(bufs[6], (size_t)lens[6]);
	if ((e = journal_msg(bufs[6], tlen, bufs[1], (size_t)lens[1],
	    &file)) == NULL)
		die_unacked(file, errno);
	e->id = bufs[1];
	memcpy(&e->msgid, bufs[5], sizeof(int));
	pthread_mutex_lock(&B.st_mu);
	if (B.st_tail != NULL)
		B.st_tail->next = e;
	else
		B.st_head = e;
	B.st_tail = e;
	pthread_mutex_unlock(&B.st_mu);
	reserve_ahead();
	return 0;
}

/* paho's store failed to write what it keeps itself (QoS 2 state):
 * before acknowledging what it was for, end here; a remove that failed
 * (the entry may come back after a restart, harmlessly) stops the bridge
 * cleanly, as any failing file does. */
static void
store_failed(void *ctx, const char *file, int e, int unacked)
{
	(void)ctx;
	if (unacked)
		die_unacked(file, e);
	if (!B.fatal)
		warnx("%s: %s", file, strerror(e));
	B.fatal = 1;
}

/* The staged entry of the message paho hands to on_message, or NULL when
 * the hook did not see it (paho restored it from its store). */
static struct qent *
unstage(const MQTTClient_message *m)
{
	struct qent *e, *prev = NULL;

	pthread_mutex_lock(&B.st_mu);
	for (e = B.st_head; e != NULL; prev = e, e = e->next)
		if (e->id == m->payload && e->msgid == m->msgid)
			break;
	if (e != NULL) {
		if (prev != NULL)
			prev->next = e->next;
		else
			B.st_head = e->next;
		if (B.st_tail == e)
			B.st_tail = prev;
		e->next = NULL;
	}
	pthread_mutex_unlock(&B.st_mu);
	return e;
}

/* Hand a journaled message to the worker, waiting while the journal or
 * the worker's queue is full (paho reads nothing meanwhile; the broker
 * keeps the rest).  When stopping, it stays in the journal for the next
 * start. */
static void
hand_off(struct qent *e)
{
	while (journal_bytes(B.jr) > B.max_spool && !halted())
		sleep_sec(0.01);
	pthread_mutex_lock(&B.q_mu);
	while (B.q_n >= QMAX && !halted()) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&B.q_nonfull, &B.q_mu, &ts);
	}
	if (halted()) {
		pthread_mutex_unlock(&B.q_mu);
		free(e);
		return;
	}
	if (B.q_tail != NULL)
		B.q_tail->next = e;
	else
		B.q_head = e;
	B.q_tail = e;
	if (B.q_n++ == 0)
		pthread_cond_signal(&B.q_nonempty);
	pthread_mutex_unlock(&B.q_mu);
}

static int
on_message(void *ctx, char *topic_name, int topic_len, MQTTClient_message *m)
{
	struct qent *e;
	const char *file;
	size_t tlen;

	(void)ctx;
	if ((e = unstage(m)) == NULL) {
		/* Restored by paho from a store an earlier version wrote:
		 * it stays there until this returns 1. */
		tlen = topic_len > 0 ? (size_t)topic_len : strlen(topic_name);
		if ((e = journal_msg(topic_name, tlen, m->payload != NULL ?
		    m->payload : "", (size_t)(m->payloadlen > 0 ?
		    m->payloadlen : 0), &file)) == NULL) {
			if (!B.fatal)
				warn("%s", file);
			B.fatal = 1;
			return 0;
		}
	}
	hand_off(e);
	MQTTClient_freeMessage(&m);
	MQTTClient_free(topic_name);
	return 1;
}

static void
on_lost(void *ctx, char *cause)
{
	if (!B.stopping && !B.quiet)
		warnx("mqtt: connection lost%s%s", cause ? ": " : "",
		    cause ? cause : "");
	B.lost = 1;
}

static char tls_err[256];

/* Whether the connection uses TLS. */
static int
co_ssl(void)
{
	return B.cafile || B.cert || strncmp(B.url, "ssl://", 6) == 0 ||
	    strncmp(B.url, "mqtts://", 8) == 0;
}

/* paho passes OpenSSL's error lines here; keep the reason of the last. */
static int
on_tls_error(const char *str, size_t len, void *u)
{
	const char *p = strstr(str, "error:"), *e;
	int i;

	/* "...:error:CODE:LIBRARY:FUNCTION:REASON:FILE:LINE:" */
	for (i = 0; p != NULL && i < 4; i++)
		if ((p = strchr(p, ':')) != NULL)
			p++;
	if (p == NULL || (e = strchr(p, ':')) == NULL || e == p) {
		p = str;
		e = str + strcspn(str, "\r\n");
	}
	snprintf(tls_err, sizeof(tls_err), "%.*s", (int)(e - p), p);
	return 0;
}

static int
mqtt_connect(void)
{
	MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
	MQTTClient_SSLOptions so = MQTTClient_SSLOptions_initializer;
	int rc;

	co.keepAliveInterval = B.keepalive;
	co.cleansession = 0;
	co.connectTimeout = 10;
	if (B.have_user) {
		co.username = B.user;
		co.password = B.pass;
	}
	if (co_ssl()) {
		so.trustStore = B.cafile;
		so.keyStore = B.cert;
		so.privateKey = B.key;
		so.verify = 1;		/* the name or address in the URL */
		so.ssl_error_cb = on_tls_error;
		co.ssl = &so;
	}
	tls_err[0] = '\0';
	if ((rc = MQTTClient_connect(B.mc, &co)) != MQTTCLIENT_SUCCESS)
		return rc;
	/* With a large backlog the SUBACK queues behind the messages and
	 * the call may time out; a present session keeps the subscription. */
	if ((rc = MQTTClient_subscribe(B.mc, B.mtopic, B.qos)) !=
	    MQTTCLIENT_SUCCESS && !co.returned.sessionPresent)
		return rc;
	return 0;
}

/* Check a file paho or OpenSSL will read by name: a regular file (a FIFO
 * would block them), at most max bytes.  Exits 1 when it is not. */
static void
check_input(const char *path, size_t max)
{
	char why[128];
	struct stat st;
	int fd;

	if ((fd = li_open_input(path, 0, why, sizeof(why))) == -1)
		errx(1, "%s: %s", path, why);
	if (fstat(fd, &st) == -1)
		err(1, "%s", path);
	close(fd);
	if ((uint64_t)st.st_size > max)
		errx(1, "%s: larger than %zu bytes", path, max);
}

static void
read_credentials(void)
{
	const char *u = getenv("MQTT_USERNAME"), *pw = getenv("MQTT_PASSWORD");

	if (B.pwfile != NULL) {
		char why[128], *buf, *nl;
		size_t len;

		if ((buf = li_read_file(B.pwfile, PWMAX, &len, why,
		    sizeof(why))) == NULL)
			errx(1, "%s: %s", B.pwfile, why);
		nl = buf + strcspn(buf, "\n");
		if (nl - buf >= (ptrdiff_t)sizeof(B.user))
			errx(1, "%s: user name too long", B.pwfile);
		snprintf(B.user, sizeof(B.user), "%.*s", (int)(nl - buf), buf);
		if (*nl == '\n') {
			char *p = nl + 1;
			size_t l = strcspn(p, "\n");
			if (l >= sizeof(B.pass))
				errx(1, "%s: password too long", B.pwfile);
			snprintf(B.pass, sizeof(B.pass), "%.*s", (int)l, p);
		}
		explicit_bzero(buf, len);
		free(buf);
		B.user[strcspn(B.user, "\r")] = '\0';
		B.pass[strcspn(B.pass, "\r")] = '\0';
		if (B.user[0] == '\0')
			errx(1, "%s: no user name", B.pwfile);
		B.have_user = 1;
	} else if (u != NULL) {
		snprintf(B.user, sizeof(B.user), "%s", u);
		snprintf(B.pass, sizeof(B.pass), "%s", pw ? pw : "");
		B.have_user = 1;
	}
}

/* ==== stopping =========================================================== */

/* What the main thread is blocked in, and since when (µs), for the
 * watchdog. */
static _Atomic(const char *) B_doing;
static atomic_llong B_since;

static void
doing(const char *what)
{
	atomic_store(&B_since, (long long)(now_mono() * 1e6));
	atomic_store(&B_doing, what);
}

/* After SIGINT or SIGTERM the bridge stops within a second (plus a
 * --drain longer than its default): when the main thread is inside a paho
 * call that does not return on a signal (connect waits up to its timeout
 * for a silent broker) for 0.3 s after the signal, or the whole stop takes
 * longer than that, this ends the process.  That is as safe as a kill -9:
 * whatever was acknowledged is in the journal. */
static void *
watchdog_run(void *arg)
{
	double seen = 0, limit = 0.85 + (B.drain > 0.5 ? B.drain - 0.5 : 0);

	(void)arg;
	for (;;) {
		const char *what;
		double t, since;

		sleep_sec(0.02);
		if (!sig_stop)
			continue;
		t = now_mono();
		if (seen == 0)
			seen = t;
		what = atomic_load(&B_doing);
		since = (double)atomic_load(&B_since) / 1e6;
		if ((what != NULL && t - (since > seen ? since : seen) >= 0.3) ||
		    t - seen >= limit) {
			warnx("stopping: %s did not finish in time; exiting, "
			    "undelivered invoices stay in the journal",
			    what != NULL ? what : "shutdown");
			_exit(B.fatal ? 1 : 0);
		}
	}
	return NULL;
}

/* ==== files ============================================================== */

/* Open --dlq-file for appending (created under the umask), never blocking
 * on a FIFO; a regular file that ends in half a line (a write cut short)
 * loses that half.  Returns 0, or -1 with "file: reason" in err. */
static int
dlq_open(char *err, size_t errlen)
{
	struct stat st;
	char buf[4096], why[128];
	off_t end, pos;
	int fd, fl;

	B.dlq = open(B.dlq_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY, 0666);
	if (B.dlq == -1 || fstat(B.dlq, &st) == -1)
		goto fail;
	if ((fl = fcntl(B.dlq, F_GETFL)) == -1 ||
	    fcntl(B.dlq, F_SETFL, fl & ~O_NONBLOCK) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode))
		return 0;
	B.dlq_reg = 1;
	if (st.st_size == 0)
		return 0;
	if ((fd = li_open_input(B.dlq_path, 0, why, sizeof(why))) == -1)
		goto fail;
	for (end = st.st_size; end > 0; end = pos) {
		ssize_t r, i;

		pos = end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0;
		if ((r = pread(fd, buf, (size_t)(end - pos), pos)) !=
		    end - pos) {
			if (r >= 0)
				errno = EIO;
			close(fd);
			goto fail;
		}
		for (i = r; i-- > 0;)
			if (buf[i] == '\n')
				break;
		if (i >= 0) {
			end = pos + i + 1;
			break;
		}
	}
	close(fd);
	if (end != st.st_size && ftruncate(B.dlq, end) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", B.dlq_path, strerror(errno));
	return -1;
}

/* The periodic fdatasync of the journal, the archive and --dlq-file. */
static void
sync_files(void)
{
	if (journal_sync(B.jr) == -1) {
		warn("%s", journal_error(B.jr));
		B.fatal = 1;
	}
	if (B.ar != NULL && archive_sync(B.ar) == -1) {
		warn("%s", B.archive_path);
		B.fatal = 1;
	}
	if (B.dlq >= 0 && B.dlq_reg && atomic_exchange(&B.dlq_dirty, 0) &&
	    fdatasync(B.dlq) == -1) {
		warn("%s", B.dlq_path);
		B.fatal = 1;
	}
}

/* The state directory must take new messages before any is taken: the
 * first InvoiceNo block and journal segment are reserved now, so that a
 * full, read-only or missing directory is said before subscribing.  When
 * the disk is full and the journal has a backlog (replayed), the backlog
 * is delivered first, which frees its segments.  Exits 1 on failure. */
static void
reserve_first(void)
{
	const char *file;
	int waited = 0;

	for (;;) {
		file = B.inv_no.path;
		if (invno_reserve(&B.inv_no) == 0) {
			if (journal_prepare(B.jr) == 0)
				return;
			file = journal_error(B.jr);
		}
		if (errno != ENOSPC || waited || rd_kafka_outq_len(B.rk) == 0)
			break;
		warn("%s: delivering the journal's backlog first", file);
		while (rd_kafka_outq_len(B.rk) > 0 && !halted()) {
			rd_kafka_poll(B.rk, 100);
			sync_files();
		}
		if (halted())
			return;
		waited = 1;
	}
	err(1, "%s", file);
}

/* ==== main =============================================================== */

enum {
	OPT_TOPIC = 256, OPT_QOS, OPT_CLIENT, OPT_KEEPALIVE, OPT_PWFILE,
	OPT_CAFILE, OPT_CERT, OPT_KEY, OPT_PERSIST, OPT_ARCHIVE, OPT_DLQT,
	OPT_DLQF, OPT_MAXSIZE, OPT_MAXSPOOL, OPT_SYNC, OPT_DRAIN, OPT_DUMP,
	OPT_FORMAT, OPT_HELP, OPT_VERSION,
};

static uint64_t
parse_size(const char *opt, const char *s)
{
	char num[64];
	size_t len = strlen(s);
	uint64_t mul = 1;
	long long v;

	if (len > 0 && len < sizeof(num)) {
		switch (s[len - 1]) {
		case 'k': case 'K': mul = 1ULL << 10; len--; break;
		case 'm': case 'M': mul = 1ULL << 20; len--; break;
		case 'g': case 'G': mul = 1ULL << 30; len--; break;
		}
	}
	if (len == 0 || len >= sizeof(num))
		goto bad;
	memcpy(num, s, len);
	num[len] = '\0';
	if (parse_long(num, 1, (1LL << 50), &v) == -1)
		goto bad;
	return (uint64_t)v * mul;
bad:
	warnx("%s: bad size: %s", opt, s);
	usage();
	return 0;
}

static double
duration(const char *opt, const char *s)
{
	double d;

	if (parse_duration(s, &d) == -1 || d < 0) {
		warnx("%s: bad duration: %s", opt, s);
		usage();
	}
	return d;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "archive", required_argument, NULL, OPT_ARCHIVE },
		{ "brokers", required_argument, NULL, 'b' },
		{ "cafile", required_argument, NULL, OPT_CAFILE },
		{ "catalog", required_argument, NULL, 'c' },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "client-id", required_argument, NULL, OPT_CLIENT },
		{ "dlq-file", required_argument, NULL, OPT_DLQF },
		{ "dlq-topic", required_argument, NULL, OPT_DLQT },
		{ "drain", required_argument, NULL, OPT_DRAIN },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "kafka-topic", required_argument, NULL, 't' },
		{ "keepalive", required_argument, NULL, OPT_KEEPALIVE },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "max-size", required_argument, NULL, OPT_MAXSIZE },
		{ "max-spool", required_argument, NULL, OPT_MAXSPOOL },
		{ "mqtt", required_argument, NULL, 'u' },
		{ "mqtt-password-file", required_argument, NULL, OPT_PWFILE },
		{ "mqtt-persistence", required_argument, NULL, OPT_PERSIST },
		{ "qos", required_argument, NULL, OPT_QOS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "sync-interval", required_argument, NULL, OPT_SYNC },
		{ "topic", required_argument, NULL, OPT_TOPIC },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 }
	};
	const char *dump = NULL, *format = "csv";
	char errbuf[4700], path[4096];
	pthread_t wd;
	rd_kafka_topic_t *ktopic, *dtopic;
	long long v;
	long nrep;
	int ch, rc = 0, crc;
	double next_sync, next_try = 0, backoff = 0.5;
	char *eq;

	B.brokers = "localhost:9092";
	B.ktopic = "invoices";
	B.url = "tcp://127.0.0.1:1883";
	B.mtopic = "invoices";
	B.client_id = "mqtt2kafka";
	B.state_dir = "mqtt2kafka.state";
	B.qos = 1;
	B.keepalive = 30;
	B.persist = 2;
	B.max_size = 65536;
	B.max_spool = 1ULL << 30;
	B.sync_interval = 0.1;
	B.drain = 0.5;

	while ((ch = getopt_long(argc, argv, "b:c:d:qt:u:vX:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			B.brokers = optarg;
			break;
		case 'c':
			B.catalog_path = optarg;
			break;
		case 'd':
			B.state_dir = optarg;
			break;
		case 'q':
			B.quiet = 1;
			break;
		case 't':
			B.ktopic = optarg;
			break;
		case 'u':
			B.url = optarg;
			break;
		case 'v':
			B.verbose++;
			break;
		case 'X':
			if ((eq = strchr(optarg, '=')) == NULL ||
			    eq == optarg) {
				warnx("-X: expected KEY=VALUE: %s", optarg);
				usage();
			}
			if (B.nx == MAXCONF) {
				warnx("-X: at most %d settings", MAXCONF);
				usage();
			}
			*eq = '\0';
			B.xkeys[B.nx] = optarg;
			B.xvals[B.nx++] = eq + 1;
			break;
		case OPT_TOPIC:
			B.mtopic = optarg;
			break;
		case OPT_QOS:
			if (parse_long(optarg, 1, 2, &v) == -1) {
				warnx("--qos: must be 1 or 2: %s", optarg);
				usage();
			}
			B.qos = (int)v;
			break;
		case OPT_CLIENT:
			B.client_id = optarg;
			break;
		case OPT_KEEPALIVE:
			if (parse_long(optarg, 5, 3600, &v) == -1) {
				warnx("--keepalive: bad seconds: %s", optarg);
				usage();
			}
			B.keepalive = (int)v;
			break;
		case OPT_PWFILE:
			B.pwfile = optarg;
			break;
		case OPT_CAFILE:
			B.cafile = optarg;
			break;
		case OPT_CERT:
			B.cert = optarg;
			break;
		case OPT_KEY:
			B.key = optarg;
			break;
		case OPT_PERSIST:
			if (strcmp(optarg, "log") == 0)
				B.persist = 2;
			else if (strcmp(optarg, "file") == 0)
				B.persist = 1;
			else if (strcmp(optarg, "none") == 0)
				B.persist = 0;
			else {
				warnx("--mqtt-persistence: log, file or none: %s",
				    optarg);
				usage();
			}
			break;
		case OPT_ARCHIVE:
			B.archive_path = optarg;
			break;
		case OPT_DLQT:
			B.dlq_topic = optarg;
			break;
		case OPT_DLQF:
			B.dlq_path = optarg;
			break;
		case OPT_MAXSIZE:
			B.max_size = (size_t)parse_size("--max-size", optarg);
			if (B.max_size > (16U << 20)) {
				warnx("--max-size: at most 16M");
				usage();
			}
			break;
		case OPT_MAXSPOOL:
			B.max_spool = parse_size("--max-spool", optarg);
			break;
		case OPT_SYNC:
			B.sync_interval = duration("--sync-interval", optarg);
			break;
		case OPT_DRAIN:
			B.drain = duration("--drain", optarg);
			break;
		case OPT_DUMP:
			dump = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "csv") != 0 &&
			    strcmp(optarg, "json") != 0) {
				warnx("--format: csv or json: %s", optarg);
				usage();
			}
			format = optarg;
			break;
		case OPT_HELP:
			help();
			break;
		case OPT_VERSION:
			puts("mqtt2kafka " LI_VERSION);
			if (close_stdout() == -1)
				err(1, "stdout");
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc) {
		warnx("unexpected argument: %s", argv[optind]);
		usage();
	}
	if (B.key != NULL && B.cert == NULL) {
		warnx("--key needs --cert");
		usage();
	}

	if (dump != NULL) {
		long n = archive_dump(dump, strcmp(format, "json") == 0,
		    stdout, errbuf, sizeof(errbuf));
		if (n < 0) {
			fflush(stdout);
			errx(1, "%s", errbuf);
		}
		if (close_stdout() == -1)
			err(1, "stdout");
		return 0;
	}

	/* ---- set up --------------------------------------------------- */
	if (B.catalog_path != NULL) {
		if ((B.owncat = catalog_load(B.catalog_path, errbuf,
		    sizeof(errbuf))) == NULL)
			errx(1, "%s", errbuf);
		B.cat = B.owncat;
	} else
		B.cat = catalog_builtin();
	read_credentials();
	if (B.cafile != NULL)
		check_input(B.cafile, TLSMAX);
	if (B.cert != NULL)
		check_input(B.cert, TLSMAX);
	if (B.key != NULL)
		check_input(B.key, TLSMAX);
	if (sig_install() == -1)
		err(1, "sigaction");
	pthread_mutex_init(&B.dlq_mu, NULL);
	pthread_mutex_init(&B.q_mu, NULL);
	pthread_mutex_init(&B.st_mu, NULL);
	pthread_cond_init(&B.q_nonempty, NULL);
	pthread_cond_init(&B.q_nonfull, NULL);
	if ((errno = pthread_create(&wd, NULL, watchdog_run, NULL)) != 0)
		err(1, "pthread_create");
	if ((B.inv = malloc(sizeof(*B.inv))) == NULL ||
	    (B.jbuf = malloc(JBUFSZ)) == NULL)
		err(1, NULL);
	/* A dead letter: its payload and topic escaped, and the rest. */
	B.dbufsz = (B.max_size + 65536) * 6 + 4096;
	if ((B.dbuf = malloc(B.dbufsz)) == NULL)
		err(1, NULL);

	if (mkdir(B.state_dir, 0700) == -1 && errno != EEXIST)
		err(1, "%s", B.state_dir);
	snprintf(path, sizeof(path), "%s/invoice-no", B.state_dir);
	if (invno_open(&B.inv_no, path, INVBLOCK, errbuf, sizeof(errbuf)) ==
	    -1)
		errx(1, "%s", errbuf);
	if ((B.jr = journal_open(B.state_dir, SEGBYTES, errbuf,
	    sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);
	if (B.archive_path != NULL && (B.ar = archive_open(B.archive_path,
	    errbuf, sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);
	B.dlq = -1;
	if (B.dlq_path != NULL && dlq_open(errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
	B.rk = kafka_new();
	/* Known topics get their metadata when librdkafka connects, not at
	 * the first invoice (which then waited about 0.8 s on the mock). */
	ktopic = rd_kafka_topic_new(B.rk, B.ktopic, NULL);
	dtopic = B.dlq_topic ? rd_kafka_topic_new(B.rk, B.dlq_topic, NULL) :
	    NULL;

	/* ---- replay what a previous run left in the journal ------------ */
	B.in_main = 1;
	nrep = journal_replay(B.jr, replay_one, NULL);
	B.in_main = 0;
	if (nrep == -1 && errno != EINTR) {
		warn("%s", journal_error(B.jr));
		B.fatal = 1;
	} else if (nrep > 0 && B.verbose)
		warnx("replaying %ld journaled messages", nrep);
	if (!halted())
		reserve_first();

	/* ---- MQTT ------------------------------------------------------- */
	if ((errno = pthread_create(&B.worker, NULL, worker_run, NULL)) != 0)
		err(1, "pthread_create");
	if (!halted()) {
		static const enum pstore_kind kinds[] = { PSTORE_MEM,
		    PSTORE_DIR, PSTORE_LOG };
		struct pstore_hooks hooks = { stage, store_failed, NULL };

		snprintf(B.pspath, sizeof(B.pspath), B.persist == 1 ?
		    "%s/paho" : "%s/paho.log", B.state_dir);
		if (pstore_init(&B.pstore, kinds[B.persist], B.pspath,
		    &hooks) == -1)
			err(1, NULL);
		crc = MQTTClient_create(&B.mc, B.url, B.client_id,
		    MQTTCLIENT_PERSISTENCE_USER, &B.pstore);
		if (crc != MQTTCLIENT_SUCCESS && pstore_error(&B.pstore))
			errx(1, "%s", pstore_error(&B.pstore));
		if (crc != MQTTCLIENT_SUCCESS)
			errx(2, "%s: cannot create client: %s", B.url,
			    MQTTClient_strerror(crc));
		MQTTClient_setCallbacks(B.mc, NULL, on_lost, on_message, NULL);
		doing("connecting to the MQTT broker");
		crc = mqtt_connect();
		doing(NULL);
		if (crc != 0) {
			if (sig_stop)
				;	/* interrupted: a clean stop */
			else if (tls_err[0] != '\0')
				warnx("%s: TLS: %s", B.url, tls_err);
			else if (co_ssl())
				warnx("%s: connection or TLS handshake failed "
				    "(is the name in the URL in the server's "
				    "certificate?)", B.url);
			else
				warnx("%s: %s", B.url, crc > 0 && crc <= 5 ?
				    "connection refused" :
				    MQTTClient_strerror(crc));
			if (!sig_stop)
				rc = 1;
			B.stopping = 1;
		} else if (!B.quiet)
			warnx("subscribed to %s at %s", B.mtopic, B.url);
	}

	/* ---- run -------------------------------------------------------- */
	next_sync = now_mono() + B.sync_interval;
	while (!halted()) {
		double t;

		rd_kafka_poll(B.rk, 50);
		t = now_mono();
		if (t >= next_sync) {
			sync_files();
			next_sync = t + B.sync_interval;
		}
		if (sig_usr1) {
			sig_usr1 = 0;
			stats();
		}
		if (B.lost && t >= next_try && !halted()) {
			doing("connecting to the MQTT broker");
			crc = mqtt_connect();
			doing(NULL);
			if (crc == 0) {
				B.lost = 0;
				backoff = 0.5;
				if (!B.quiet)
					warnx("mqtt: reconnected");
			} else {
				next_try = t + backoff;
				if (backoff < 5)
					backoff *= 2;
			}
		}
	}
	if (B.fatal)
		rc = 1;

	/* ---- shut down: stop intake, drain Kafka, keep the rest --------- */
	B.stopping = 1;
	if (B.mc != NULL) {
		struct qent *e, *next;

		doing("disconnecting from the MQTT broker");
		if (!B.lost)
			MQTTClient_disconnect(B.mc, 500);
		MQTTClient_destroy(&B.mc);
		doing(NULL);
		/* Staged but never handed over: they stay journaled. */
		for (e = B.st_head; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
		B.st_head = B.st_tail = NULL;
	}
	/* The worker hands what is queued to librdkafka and stops. */
	pthread_mutex_lock(&B.q_mu);
	B.q_done = 1;
	pthread_cond_signal(&B.q_nonempty);
	pthread_mutex_unlock(&B.q_mu);
	pthread_join(B.worker, NULL);
	pstore_fini(&B.pstore);
	{
		double end = now_mono() + B.drain;
		while (rd_kafka_outq_len(B.rk) > 0 && now_mono() < end &&
		    !B.kfatal)
			rd_kafka_poll(B.rk, 20);
	}
	if (rd_kafka_outq_len(B.rk) > 0 && !B.quiet)
		warnx("kafka: %d messages not delivered; kept in the journal",
		    rd_kafka_outq_len(B.rk));
	doing("closing the Kafka producer");
	rd_kafka_purge(B.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT |
	    RD_KAFKA_PURGE_F_NON_BLOCKING);
	rd_kafka_poll(B.rk, 0);
	if (ktopic != NULL)
		rd_kafka_topic_destroy(ktopic);
	if (dtopic != NULL)
		rd_kafka_topic_destroy(dtopic);
	rd_kafka_destroy(B.rk);
	doing(NULL);
	if (B.ar != NULL && archive_close(B.ar) == -1) {
		warn("%s", B.archive_path);
		rc = 1;
	}
	B.ar = NULL;
	if (journal_close(B.jr, errbuf, sizeof(errbuf)) == -1) {
		warnx("%s", errbuf);
		rc = 1;
	}
	B.jr = NULL;
	if (B.dlq >= 0 && ((B.dlq_reg && B.dlq_dirty &&
	    fdatasync(B.dlq) == -1) || close(B.dlq) == -1)) {
		warn("%s", B.dlq_path);
		rc = 1;
	}
	invno_close(&B.inv_no);
	if (!B.quiet)
		stats();
	catalog_free(B.owncat);
	free(B.inv);
	free(B.jbuf);
	free(B.dbuf);
	if (close_stdout() == -1) {
		warn("stdout");
		rc = 1;
	}
	return rc;
}
