/*
 * latprobe: the delivery latency of the invoice path at a steady rate.
 * It publishes valid JSON invoices to MQTT at QoS 1, RATE a second for
 * SECONDS, and consumes the Kafka topic the bridge produces them to; each
 * invoice carries its sequence number in its phone number (PHONE_BASE +
 * seq), which the bridge makes the Kafka message key.
 *
 *   latprobe -b BROKERS -t KAFKA_TOPIC -u URL --mqtt-topic TOPIC
 *       [--rate N] [--seconds S] [--wait S] [--client-id ID]
 *
 * For every invoice it takes three clock readings (CLOCK_REALTIME, one
 * machine): "pub", just before MQTTAsync_sendMessage() (paho then writes
 * the PUBLISH from its own thread); "create", the Kafka message's
 * CreateTime, which librdkafka stamps (in ms) when the bridge calls
 * produce; and "seen", when rd_kafka_consumer_poll() returns it here.
 * pub -> seen is the whole path: paho's send, mosquitto, the bridge's
 * receive, journal write and PUBACK, the hand-off to its worker,
 * parsing and pricing, librdkafka's linger.ms (the bridge's 5 ms) and
 * the produce round trip to the mock cluster with acks=all, then this
 * consumer's fetch (fetch.wait.max.ms 5) and poll.  pub -> create and
 * create -> seen split it at the produce call (1 ms resolution).
 *
 * The consumer is assigned every partition at its high watermark before
 * the first publish, so it sees only what is published after.  At the
 * end, it waits up to --wait seconds (default 10) for the stragglers and
 * prints one line:
 *   sent N acked N seen N lost N dups N rate R p50 A p99 B max C
 *   pub-create p50 D p99 E create-seen p50 F p99 G
 * (milliseconds; rate is what the publisher achieved; lost counts
 * invoices sent and not seen).  Exit status 0 when none is lost, 1 when
 * some are, 2 on a usage error.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <MQTTAsync.h>
#include <librdkafka/rdkafka.h>

#include "util.h"

#define PHONE_BASE	5000000000LL
#define MAXPART		1024

static _Atomic long long *t_pub;	/* ns, 0: not yet published */
static long long *t_seen, *t_create;	/* ns, 0: not yet seen */
static atomic_llong acked, pubfail;
static atomic_int mq_up, mq_failed, c_stop;
static atomic_llong c_seen, c_dups;
static long long nmax;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile of n sorted values, in ms (nearest rank). */
static double
pct(const long long *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)(p * (double)n + 0.999999);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return (double)v[i - 1] / 1e6;
}

static void
on_conn(void *ctx, MQTTAsync_successData *r)
{
	mq_up = 1;
}

static void
on_conn_fail(void *ctx, MQTTAsync_failureData *r)
{
	mq_failed = 1;
}

static void
on_sent(void *ctx, MQTTAsync_successData *r)
{
	acked++;
}

static void
on_send_fail(void *ctx, MQTTAsync_failureData *r)
{
	pubfail++;
}

static int
on_message(void *ctx, char *topic, int tlen, MQTTAsync_message *m)
{
	MQTTAsync_freeMessage(&m);
	MQTTAsync_free(topic);
	return 1;
}

static rd_kafka_t *
consumer_new(const char *brokers, const char *topic)
{
	static const char *const defs[][2] = {
		{ "group.id", "latprobe" },
		{ "enable.auto.commit", "false" },
		{ "fetch.wait.max.ms", "5" },
		{ "fetch.error.backoff.ms", "5" },
		{ "fetch.min.bytes", "1" },
	};
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *parts;
	const struct rd_kafka_metadata *md;
	rd_kafka_topic_t *kt;
	rd_kafka_t *rk;
	char errstr[512];
	size_t i;
	int p, np;

	for (i = 0; i < NELEM(defs); i++)
		if (rd_kafka_conf_set(conf, defs[i][0], defs[i][1], errstr,
		    sizeof(errstr)) != RD_KAFKA_CONF_OK)
			errx(2, "kafka: %s", errstr);
	if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr,
	    sizeof(errstr)) != RD_KAFKA_CONF_OK)
		errx(2, "-b: %s", errstr);
	if ((rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(1, "kafka: %s", errstr);
	kt = rd_kafka_topic_new(rk, topic, NULL);
	if (rd_kafka_metadata(rk, 0, kt, &md, 10000) !=
	    RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 ||
	    md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(1, "kafka: %s: no such topic", topic);
	np = md->topics[0].partition_cnt;
	rd_kafka_metadata_destroy(md);
	rd_kafka_topic_destroy(kt);
	if (np < 1 || np > MAXPART)
		errx(1, "kafka: %s: %d partitions", topic, np);
	parts = rd_kafka_topic_partition_list_new(np);
	for (p = 0; p < np; p++) {
		int64_t lo, hi;
		rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk,
		    topic, p, &lo, &hi, 10000);

		if (e != RD_KAFKA_RESP_ERR_NO_ERROR)
			errx(1, "kafka: %s [%d]: %s", topic, p,
			    rd_kafka_err2str(e));
		rd_kafka_topic_partition_list_add(parts, topic, p)->offset =
		    hi;
	}
	if (rd_kafka_assign(rk, parts) != RD_KAFKA_RESP_ERR_NO_ERROR)
		errx(1, "kafka: cannot assign %s", topic);
	rd_kafka_topic_partition_list_destroy(parts);
	return rk;
}

/* Take what the consumer has for up to ms milliseconds; returns how many
 * new invoices of this run it saw. */
static long long
consume(rd_kafka_t *rk, long long n, int ms, long long *dups)
{
	rd_kafka_message_t *m;
	long long got = 0, seq, t;
	char key[32];

	while ((m = rd_kafka_consumer_poll(rk, ms)) != NULL) {
		ms = 0;
		t = now_ns();
		if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF ||
		    m->err != RD_KAFKA_RESP_ERR_NO_ERROR || m->key_len == 0 ||
		    m->key_len >= sizeof(key)) {
			if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR &&
			    m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
				warnx("kafka: %s", rd_kafka_message_errstr(m));
			rd_kafka_message_destroy(m);
			continue;
		}
		memcpy(key, m->key, m->key_len);
		key[m->key_len] = '\0';
		if (parse_long(key, PHONE_BASE, PHONE_BASE + n - 1, &seq) ==
		    0) {
			seq -= PHONE_BASE;
			if (t_seen[seq] != 0)
				(*dups)++;
			else {
				rd_kafka_timestamp_type_t tt;
				int64_t ts = rd_kafka_message_timestamp(m, &tt);

				t_seen[seq] = t;
				t_create[seq] = ts > 0 ? ts * 1000000LL : 0;
				got++;
			}
		}
		rd_kafka_message_destroy(m);
	}
	return got;
}

/* The consumer thread: takes what Kafka has until told to stop. */
static void *
consumer_run(void *arg)
{
	rd_kafka_t *rk = arg;
	long long dups = 0;

	while (!c_stop) {
		c_seen += consume(rk, nmax, 100, &dups);
		c_dups = dups;
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "client-id", required_argument, NULL, 'C' },
		{ "mqtt-topic", required_argument, NULL, 'T' },
		{ "rate", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	MQTTAsync ac;
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	const char *brokers = NULL, *ktopic = NULL, *url = NULL;
	const char *mtopic = NULL, *client_id = "latprobe";
	double rate = 5000, secs = 60, waits = 10, t0;
	long long n, i, seen, lost, sent = 0, *lat, *l1, *l2;
	size_t nl = 0, n1 = 0, n2 = 0;
	long long start, next, period, end_pub;
	rd_kafka_t *rk;
	pthread_t ct;
	int ch;

	while ((ch = getopt_long(argc, argv, "b:t:u:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': brokers = optarg; break;
		case 'C': client_id = optarg; break;
		case 'r':
			if (parse_double(optarg, 1, 1e6, &rate) == -1)
				errx(2, "--rate: bad rate");
			break;
		case 's':
			if (parse_double(optarg, 0.001, 3600, &secs) == -1)
				errx(2, "--seconds: bad duration");
			break;
		case 't': ktopic = optarg; break;
		case 'T': mtopic = optarg; break;
		case 'u': url = optarg; break;
		case 'w':
			if (parse_double(optarg, 0, 3600, &waits) == -1)
				errx(2, "--wait: bad duration");
			break;
		default:
			goto usage;
		}
	}
	if (brokers == NULL || ktopic == NULL || url == NULL ||
	    mtopic == NULL || optind != argc)
		goto usage;
	n = (long long)(rate * secs + 0.5);
	if (n < 1)
		n = 1;
	if ((t_pub = calloc((size_t)n, sizeof(*t_pub))) == NULL ||
	    (t_seen = calloc((size_t)n, sizeof(*t_seen))) == NULL ||
	    (t_create = calloc((size_t)n, sizeof(*t_create))) == NULL ||
	    (lat = malloc((size_t)n * sizeof(*lat))) == NULL ||
	    (l1 = malloc((size_t)n * sizeof(*l1))) == NULL ||
	    (l2 = malloc((size_t)n * sizeof(*l2))) == NULL)
		err(1, NULL);

	nmax = n;
	rk = consumer_new(brokers, ktopic);
	if ((errno = pthread_create(&ct, NULL, consumer_run, rk)) != 0)
		err(1, "pthread_create");

	if (MQTTAsync_create(&ac, url, client_id, MQTTCLIENT_PERSISTENCE_NONE,
	    NULL) != MQTTASYNC_SUCCESS)
		errx(1, "%s: cannot create client", url);
	MQTTAsync_setCallbacks(ac, NULL, NULL, on_message, NULL);
	co.cleansession = 1;
	co.maxInflight = 65535;
	co.onSuccess = on_conn;
	co.onFailure = on_conn_fail;
	if (MQTTAsync_connect(ac, &co) != MQTTASYNC_SUCCESS)
		errx(1, "%s: cannot connect", url);
	t0 = now_mono();
	while (!mq_up && !mq_failed && now_mono() - t0 < 20)
		sleep_sec(0.001);
	if (!mq_up)
		errx(1, "%s: cannot connect", url);

	/* Publish on a fixed schedule; a late send goes at once (the
	 * schedule is not moved), so the offered rate holds on average. */
	period = (long long)(1e9 / rate);
	start = now_ns();
	for (i = 0; i < n; i++) {
		MQTTAsync_responseOptions ro =
		    MQTTAsync_responseOptions_initializer;
		char msg[256];
		long long t;
		int len;

		next = start + i * period;
		while ((t = now_ns()) < next) {
			struct timespec ts = { 0, next - t };

			if (ts.tv_nsec > 999999999)
				ts = (struct timespec){ 1, 0 };
			nanosleep(&ts, NULL);
		}
		len = snprintf(msg, sizeof(msg), "{\"FirstName\":\"Lat\","
		    "\"LastName\":\"Probe\",\"PhoneNumber\":\"%lld\","
		    "\"Items\":[\"tv\",\"book\"],\"Timestamp\":"
		    "\"2026-12-03 12:00:00\"}", PHONE_BASE + i);
		ro.onSuccess = on_sent;
		ro.onFailure = on_send_fail;
		atomic_store(&t_pub[i], now_ns());
		while ((ch = MQTTAsync_send(ac, mtopic, len, msg, 1, 0, &ro)) ==
		    MQTTASYNC_MAX_BUFFERED_MESSAGES)
			sleep_sec(0.001);
		if (ch != MQTTASYNC_SUCCESS)
			errx(1, "%s: cannot publish: %s", url,
			    MQTTAsync_strerror(ch));
		sent++;
	}
	end_pub = now_ns();

	/* The stragglers. */
	t0 = now_mono();
	while (c_seen < sent && now_mono() - t0 < waits)
		sleep_sec(0.01);
	c_stop = 1;
	pthread_join(ct, NULL);
	seen = c_seen;
	while (acked + pubfail < sent && now_mono() - t0 < waits)
		sleep_sec(0.01);

	for (i = 0; i < n; i++) {
		long long p = atomic_load(&t_pub[i]);

		if (t_seen[i] == 0 || p == 0)
			continue;
		lat[nl++] = t_seen[i] - p;
		if (t_create[i] != 0) {
			/* CreateTime is in whole ms: compare at that grain. */
			l1[n1++] = t_create[i] - p / 1000000 * 1000000;
			l2[n2++] = t_seen[i] - t_create[i];
		}
	}
	qsort(lat, nl, sizeof(*lat), cmp_ll);
	qsort(l1, n1, sizeof(*l1), cmp_ll);
	qsort(l2, n2, sizeof(*l2), cmp_ll);
	lost = sent - seen;
	printf("sent %lld acked %lld seen %lld lost %lld dups %lld rate %.0f "
	    "p50 %.2f p99 %.2f max %.2f pub-create p50 %.2f p99 %.2f "
	    "create-seen p50 %.2f p99 %.2f\n", sent, (long long)acked, seen,
	    lost, (long long)c_dups, end_pub > start ? (double)sent * 1e9 /
	    (double)(end_pub - start) : 0, pct(lat, nl, 0.5),
	    pct(lat, nl, 0.99), nl ? (double)lat[nl - 1] / 1e6 : 0,
	    pct(l1, n1, 0.5), pct(l1, n1, 0.99), pct(l2, n2, 0.5),
	    pct(l2, n2, 0.99));
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");

	MQTTAsync_disconnect(ac, NULL);
	MQTTAsync_destroy(&ac);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	free((void *)t_pub);
	free(t_seen);
	free(t_create);
	free(lat);
	free(l1);
	free(l2);
	return lost > 0 || pubfail > 0 ? 1 : 0;

usage:
	fprintf(stderr, "usage: latprobe -b BROKERS -t KAFKA_TOPIC -u URL "
	    "--mqtt-topic TOPIC [--rate N] [--seconds S] [--wait S] "
	    "[--client-id ID]\n");
	return 2;
}
