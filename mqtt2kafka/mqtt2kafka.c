/*
 * mqtt2kafka: bridge checkout invoices from an MQTT topic to a Kafka topic,
 * enriched into invoice documents, at least once.
 *
 * Delivery: paho acknowledges a QoS 1 message before it calls us, so the
 * broker will not send it again.  Before messageArrived returns, the raw
 * message (with its InvoiceNo) is appended to a journal segment in the
 * state directory; a segment is deleted only once every message in it has
 * a Kafka delivery report (idempotent producer, acks=all, no message
 * timeout).  Segments left by a crash are replayed at start.  Replays and
 * broker redeliveries are duplicates with the same MessageId; the archive
 * writer drops them.
 */
#include <err.h>
#include <errno.h>
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
#include "timefield.h"
#include "util.h"

#define MAXCONF		64
#define NBUCKETS	256
#define JBUFSZ		(256 * 1024)
#define QMAX		4096	/* journaled messages waiting for the worker */

enum { K_INVOICE, K_DEAD };

struct pending {
	uint32_t seg;
	int kind;
	double t0;
	uint64_t key;
	bson_t *doc;		/* for the archive, or NULL */
};

/* A message journaled by the MQTT callback, waiting for the worker. */
struct qent {
	struct qent *next;
	int64_t invno, recv_ns;
	uint32_t seg;
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
	FILE *dlq;
	pthread_mutex_t dlq_mu;
	MQTTClient mc;
	MQTTClient_persistence pstore;
	char pspath[4096];
	struct invoice *inv;	/* scratch, one user at a time */
	char *jbuf, *dbuf;
	size_t dbufsz;
	int in_main;		/* producing from the main thread (replay) */
	atomic_int stopping, lost, fatal;
	char user[256], pass[256];
	int have_user;

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
	    "      --mqtt-persistence log|file|none  paho's own store (log)\n"
	    "  -d, --state-dir DIR        journal and counters "
	    "(mqtt2kafka.state)\n"
	    "  -c, --catalog FILE         catalogue CSV Item,Aisle,Price\n"
	    "      --archive FILE         append invoices as BSON, deduplicated\n"
	    "      --dlq-topic TOPIC      Kafka topic for dead letters\n"
	    "      --dlq-file FILE        append dead letters as JSON lines\n"
	    "      --max-size BYTES       longest message accepted (65536)\n"
	    "      --max-spool BYTES      journal size that stops intake (1G)\n"
	    "      --sync-interval DUR    fsync batching (100ms)\n"
	    "      --drain DUR            wait for Kafka at exit (10s)\n"
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

/* ==== Kafka ============================================================== */

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct pending *p = m->_private;

	if (p == NULL)
		return;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (p->kind == K_INVOICE) {
			B.produced++;
			lat_add(now_mono() - p->t0);
			if (B.ar != NULL && p->doc != NULL) {
				int r = archive_add(B.ar, p->key, p->doc);
				if (r == -1) {
					warn("%s", B.archive_path);
					B.fatal = 1;
				} else if (r == 0)
					B.dups++;
				else
					B.archived++;
			}
		}
		journal_done(B.jr, p->seg);
	} else if (m->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
	    m->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
		/* Shutting down: it stays in the journal for next time. */
	} else {
		B.failed++;
		warnx("kafka: delivery failed: %s", rd_kafka_err2str(m->err));
		if (B.dlq != NULL) {
			size_t n = 0;
			pthread_mutex_lock(&B.dlq_mu);
			B.dbuf[0] = '\0';
			if (inv_json_str(B.dbuf, B.dbufsz, &n, m->payload,
			    m->len) == 0)
				fprintf(B.dlq, "{\"Reason\":\"delivery failed: "
				    "%s\",\"Record\":%s}\n",
				    rd_kafka_err2str(m->err), B.dbuf);
			fflush(B.dlq);
			pthread_mutex_unlock(&B.dlq_mu);
			journal_done(B.jr, p->seg);
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
		B.fatal = 1;
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
		if (B.stopping || B.fatal) {
			if (p->doc != NULL)
				bson_destroy(p->doc);
			free(p);
			return -1;
		}
		if (B.in_main)
			rd_kafka_poll(B.rk, 10);
		else
			sleep_sec(0.002);
	}
}

/* ==== one message ======================================================== */

static void
dead_letter(const char *topic, const char *id, const char *why,
    const char *payload, size_t len, int64_t recv_ns, uint32_t seg)
{
	char ts[TM_BUFSZ];
	struct li_tm t;
	size_t n = 0, show = len < B.max_size ? len : B.max_size;
	struct pending *p;
	int written = 0;

	B.dead++;
	tm_from_epoch(recv_ns / 1000000000, &t);
	tm_fmt_rfc3339(&t, ts);
	n = (size_t)snprintf(B.dbuf, B.dbufsz, "{\"MessageId\":\"%s\","
	    "\"ReceivedAt\":\"%s\",\"Topic\":", id, ts);
	inv_json_str(B.dbuf, B.dbufsz, &n, topic, strlen(topic));
	n += (size_t)snprintf(B.dbuf + n, B.dbufsz - n, ",\"Reason\":");
	inv_json_str(B.dbuf, B.dbufsz, &n, why, strlen(why));
	n += (size_t)snprintf(B.dbuf + n, B.dbufsz - n, ",\"Length\":%zu,"
	    "\"Truncated\":%s,\"Payload\":", len, show < len ? "true" :
	    "false");
	inv_json_str(B.dbuf, B.dbufsz, &n, payload, show);
	n += (size_t)snprintf(B.dbuf + n, B.dbufsz - n, "}");

	if (B.verbose || (B.dlq == NULL && B.dlq_topic == NULL))
		warnx("%s: dead letter %s: %s", topic, id, why);
	if (B.dlq != NULL) {
		pthread_mutex_lock(&B.dlq_mu);
		if (fwrite(B.dbuf, 1, n, B.dlq) != n || putc('\n', B.dlq) ==
		    EOF || fflush(B.dlq) == EOF) {
			warn("%s", B.dlq_path);
			B.fatal = 1;
		} else
			written = 1;
		pthread_mutex_unlock(&B.dlq_mu);
	}
	if (B.dlq_topic != NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			err(1, NULL);
		p->seg = seg;
		p->kind = K_DEAD;
		p->t0 = now_mono();
		produce(B.dlq_topic, id, strlen(id), B.dbuf, n, p);
	} else if (written || B.dlq == NULL)
		journal_done(B.jr, seg);
}

/* Enrich and produce one journaled message (from segment seg, with its
 * InvoiceNo, 0 when it had none). */
static void
process(const char *topic, const char *payload, size_t len, int64_t recv_ns,
    int64_t invno, uint32_t seg)
{
	char id[INV_IDLEN + 1], why[256];
	uint64_t key = inv_message_id(topic, payload, len, id);
	int ok;
	struct pending *p;
	struct li_tm when;
	size_t n;

	if (len > B.max_size) {
		snprintf(why, sizeof(why), "message longer than %zu bytes",
		    B.max_size);
		ok = 0;
	} else
		ok = inv_parse(payload, len, B.cat, B.inv, why,
		    sizeof(why)) == 0;
	if (!ok || invno <= 0) {
		if (ok)
			snprintf(why, sizeof(why), "no invoice number");
		dead_letter(topic, id, why, payload, len, recv_ns, seg);
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
		free(p);
		dead_letter(topic, id, "invoice too large", payload, len,
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
	return B.stopping || B.fatal ? -1 : 0;
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

/* Journal a message and hand it to the worker.  Returns 0, or -1 when it
 * was not journaled (paho keeps it and calls again). */
static int
take(const char *topic, size_t tlen, const char *payload, size_t len)
{
	struct qent *e;
	struct jrec r;
	int64_t s, invno = 0;

	pthread_mutex_lock(&B.q_mu);
	while (B.q_n >= QMAX && !B.stopping && !B.fatal) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&B.q_nonfull, &B.q_mu, &ts);
	}
	pthread_mutex_unlock(&B.q_mu);
	if (B.stopping || B.fatal)
		return -1;
	if ((e = malloc(sizeof(*e) + tlen + 1 + len + 1)) == NULL)
		return -1;
	memcpy(e->topic, topic, tlen);
	e->topic[tlen] = '\0';
	e->payload = e->topic + tlen + 1;
	if (len > 0)
		memcpy(e->payload, payload, len);
	e->payload[len] = '\0';
	e->len = len;
	e->recv_ns = (int64_t)(now_wall() * 1e9);
	/* Every message gets its number before it is journaled, so that a
	 * replay prices and numbers it the same; a dead letter leaves a gap. */
	if (len <= B.max_size && (invno = invno_next(&B.inv_no)) < 0) {
		warn("%s/invoice-no", B.state_dir);
		B.fatal = 1;
		free(e);
		return -1;
	}
	r.invno = invno;
	r.recv_ns = e->recv_ns;
	r.topic = e->topic;
	r.topiclen = tlen;
	r.payload = e->payload;
	r.len = len;
	if ((s = journal_append(B.jr, &r)) < 0) {
		warn("%s: journal", B.state_dir);
		B.fatal = 1;
		free(e);
		return -1;
	}
	e->invno = invno;
	e->seg = (uint32_t)s;
	e->next = NULL;
	B.received++;
	pthread_mutex_lock(&B.q_mu);
	if (B.q_tail != NULL)
		B.q_tail->next = e;
	else
		B.q_head = e;
	B.q_tail = e;
	if (B.q_n++ == 0)
		pthread_cond_signal(&B.q_nonempty);
	pthread_mutex_unlock(&B.q_mu);
	return 0;
}

static int
on_message(void *ctx, char *topic_name, int topic_len, MQTTClient_message *m)
{
	size_t tlen;

	if (B.stopping || B.fatal)
		return 0;	/* paho keeps it (and its persistence) */
	/* Back-pressure: while the journal is over its bound, do not take
	 * more; the broker keeps them for our persistent session. */
	while (journal_bytes(B.jr) > B.max_spool) {
		if (B.stopping || B.fatal)
			return 0;
		sleep_sec(0.01);
	}
	tlen = topic_len > 0 ? (size_t)topic_len : strlen(topic_name);
	if (take(topic_name, tlen, m->payload != NULL ? m->payload : "",
	    (size_t)(m->payloadlen > 0 ? m->payloadlen : 0)) == -1)
		return 0;
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

static void
read_credentials(void)
{
	const char *u = getenv("MQTT_USERNAME"), *pw = getenv("MQTT_PASSWORD");

	if (B.pwfile != NULL) {
		FILE *fp = fopen(B.pwfile, "r");
		size_t l;

		if (fp == NULL)
			err(1, "%s", B.pwfile);
		if (fgets(B.user, sizeof(B.user), fp) == NULL)
			errx(1, "%s: no user name", B.pwfile);
		if (fgets(B.pass, sizeof(B.pass), fp) == NULL)
			B.pass[0] = '\0';
		fclose(fp);
		B.user[strcspn(B.user, "\r\n")] = '\0';
		B.pass[strcspn(B.pass, "\r\n")] = '\0';
		l = strlen(B.user);
		if (l == 0)
			errx(1, "%s: no user name", B.pwfile);
		B.have_user = 1;
	} else if (u != NULL) {
		snprintf(B.user, sizeof(B.user), "%s", u);
		snprintf(B.pass, sizeof(B.pass), "%s", pw ? pw : "");
		B.have_user = 1;
	}
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
	char errbuf[512], path[4096];
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
	B.drain = 10;

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
	if (sig_install() == -1)
		err(1, "sigaction");
	pthread_mutex_init(&B.dlq_mu, NULL);
	pthread_mutex_init(&B.q_mu, NULL);
	pthread_cond_init(&B.q_nonempty, NULL);
	pthread_cond_init(&B.q_nonfull, NULL);
	if ((B.inv = malloc(sizeof(*B.inv))) == NULL ||
	    (B.jbuf = malloc(JBUFSZ)) == NULL)
		err(1, NULL);
	B.dbufsz = B.max_size * 6 + 4096;
	if ((B.dbuf = malloc(B.dbufsz)) == NULL)
		err(1, NULL);
	if (mkdir(B.state_dir, 0700) == -1 && errno != EEXIST)
		err(1, "%s", B.state_dir);
	snprintf(path, sizeof(path), "%s/invoice-no", B.state_dir);
	if (invno_open(&B.inv_no, path, 10000, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
	if ((B.jr = journal_open(B.state_dir, 8U << 20, errbuf,
	    sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);
	if (B.archive_path != NULL && (B.ar = archive_open(B.archive_path,
	    errbuf, sizeof(errbuf))) == NULL)
		errx(1, "%s", errbuf);
	if (B.dlq_path != NULL && (B.dlq = fopen(B.dlq_path, "a")) == NULL)
		err(1, "%s", B.dlq_path);
	B.rk = kafka_new();

	/* ---- replay what a previous run left in the journal ------------ */
	B.in_main = 1;
	nrep = journal_replay(B.jr, replay_one, NULL);
	B.in_main = 0;
	if (nrep > 0 && B.verbose)
		warnx("replaying %ld journaled messages", nrep);

	/* ---- MQTT ------------------------------------------------------- */
	if ((errno = pthread_create(&B.worker, NULL, worker_run, NULL)) != 0)
		err(1, "pthread_create");
	if (!B.stopping && !B.fatal) {
		snprintf(path, sizeof(path), "%s/paho", B.state_dir);
		snprintf(B.pspath, sizeof(B.pspath), "%s/paho.log",
		    B.state_dir);
		if (B.persist == 2 && pstore_init(&B.pstore, B.pspath) == -1)
			err(1, NULL);
		crc = MQTTClient_create(&B.mc, B.url, B.client_id,
		    B.persist == 2 ? MQTTCLIENT_PERSISTENCE_USER : B.persist ?
		    MQTTCLIENT_PERSISTENCE_DEFAULT : MQTTCLIENT_PERSISTENCE_NONE,
		    B.persist == 2 ? (void *)&B.pstore : B.persist ? path : NULL);
		if (crc != MQTTCLIENT_SUCCESS)
			errx(2, "%s: cannot create client: %s", B.url,
			    MQTTClient_strerror(crc));
		MQTTClient_setCallbacks(B.mc, NULL, on_lost, on_message, NULL);
		if ((crc = mqtt_connect()) != 0) {
			if (tls_err[0] != '\0')
				warnx("%s: TLS: %s", B.url, tls_err);
			else if (co_ssl())
				warnx("%s: connection or TLS handshake failed "
				    "(is the name in the URL in the server's "
				    "certificate?)", B.url);
			else
				warnx("%s: %s", B.url, crc > 0 && crc <= 5 ?
				    "connection refused" :
				    MQTTClient_strerror(crc));
			rc = 1;
			B.stopping = 1;
		} else if (!B.quiet)
			warnx("subscribed to %s at %s", B.mtopic, B.url);
	}

	/* ---- run -------------------------------------------------------- */
	next_sync = now_mono() + B.sync_interval;
	while (!sig_stop && !B.stopping && !B.fatal) {
		double t;

		rd_kafka_poll(B.rk, 50);
		t = now_mono();
		if (t >= next_sync) {
			if (journal_sync(B.jr) == -1) {
				warn("%s: journal", B.state_dir);
				B.fatal = 1;
			}
			if (B.ar != NULL && archive_sync(B.ar) == -1) {
				warn("%s", B.archive_path);
				B.fatal = 1;
			}
			if (B.dlq != NULL)
				fdatasync(fileno(B.dlq));
			next_sync = t + B.sync_interval;
		}
		if (sig_usr1) {
			sig_usr1 = 0;
			stats();
		}
		if (B.lost && t >= next_try) {
			if (mqtt_connect() == 0) {
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
		if (!B.lost)
			MQTTClient_disconnect(B.mc, 2000);
		MQTTClient_destroy(&B.mc);
	}
	/* The worker hands what is queued to librdkafka and stops. */
	pthread_mutex_lock(&B.q_mu);
	B.q_done = 1;
	pthread_cond_signal(&B.q_nonempty);
	pthread_mutex_unlock(&B.q_mu);
	pthread_join(B.worker, NULL);
	if (B.persist == 2)
		pstore_fini(&B.pstore);
	{
		double end = now_mono() + B.drain;
		while (rd_kafka_outq_len(B.rk) > 0 && now_mono() < end &&
		    !B.fatal)
			rd_kafka_poll(B.rk, 50);
	}
	if (rd_kafka_outq_len(B.rk) > 0 && !B.quiet)
		warnx("kafka: %d messages not delivered; kept in the journal",
		    rd_kafka_outq_len(B.rk));
	rd_kafka_purge(B.rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT |
	    RD_KAFKA_PURGE_F_NON_BLOCKING);
	rd_kafka_poll(B.rk, 0);
	rd_kafka_destroy(B.rk);
	if (B.ar != NULL && archive_close(B.ar) == -1) {
		warn("%s", B.archive_path);
		rc = 1;
	}
	B.ar = NULL;
	journal_close(B.jr);
	B.jr = NULL;
	if (B.dlq != NULL && (fflush(B.dlq) == EOF ||
	    fdatasync(fileno(B.dlq)) == -1 || fclose(B.dlq) == EOF)) {
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
