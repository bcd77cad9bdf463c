/*
 * naive_bridge: the simple blocking MQTT -> Kafka bridge the benchmark
 * compares mqtt2kafka with.  For each message: produce it, then
 * rd_kafka_flush() until Kafka has it, then return.  Persistent session,
 * QoS 1, no journal, no enrichment.  Exits after COUNT messages.
 *
 * It sets a delivery report callback, as a bridge that cares whether Kafka
 * took the message must: without one, librdkafka 2.0's rd_kafka_flush()
 * has nothing to wake it when the message is delivered and returns only
 * at the end of its next 10 ms poll slice (about 100 messages/s; with the
 * callback a flush takes well under a millisecond on loopback).  See
 * docs/mqtt2kafka.md, "The naive bridge".
 *
 *   naive_bridge -b BROKERS -u URL -t KAFKA_TOPIC --topic FILTER -n COUNT
 *       [--max-time SECONDS]
 * Prints "COUNT SECONDS" (messages bridged, time from connecting) at the
 * end; the clock starts once connected.
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <MQTTClient.h>
#include <librdkafka/rdkafka.h>

#include "util.h"

static rd_kafka_t *rk;
static const char *ktopic = "invoices";
static long long want, done;
static rd_kafka_resp_err_t dr_err;

static void
on_delivery(rd_kafka_t *k, const rd_kafka_message_t *m, void *opaque)
{
	if (m->err)
		dr_err = m->err;
}

static int
on_message(void *ctx, char *topic, int tlen, MQTTClient_message *m)
{
	while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(ktopic),
	    RD_KAFKA_V_VALUE(m->payload, (size_t)m->payloadlen),
	    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) != 0)
		rd_kafka_poll(rk, 10);
	rd_kafka_flush(rk, 60000);
	if (dr_err)
		errx(1, "delivery failed: %s", rd_kafka_err2str(dr_err));
	done++;
	MQTTClient_freeMessage(&m);
	MQTTClient_free(topic);
	return 1;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "max-time", required_argument, NULL, 'T' + 1 },
		{ "topic", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	MQTTClient mc;
	MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
	const char *brokers = "localhost:9092", *url = "tcp://127.0.0.1:1883";
	const char *filter = "invoices";
	char errstr[512];
	rd_kafka_conf_t *conf;
	int ch, rc;
	double t0, maxtime = 0;

	while ((ch = getopt_long(argc, argv, "b:n:t:u:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b': brokers = optarg; break;
		case 'n':
			if (parse_long(optarg, 1, 1LL << 40, &want) == -1)
				errx(2, "-n: bad count");
			break;
		case 't': ktopic = optarg; break;
		case 'T' + 1:
			if (parse_double(optarg, 0, 3600, &maxtime) == -1)
				errx(2, "--max-time: bad seconds");
			break;
		case 'u': url = optarg; break;
		case 'T': filter = optarg; break;
		default:
			errx(2, "usage: naive_bridge -b B -u URL -t T "
			    "--topic F -n N");
		}
	}
	conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr,
	    sizeof(errstr)) || rd_kafka_conf_set(conf, "linger.ms", "0",
	    errstr, sizeof(errstr)))
		errx(1, "%s", errstr);
	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(1, "%s", errstr);
	if (MQTTClient_create(&mc, url, "naive_bridge",
	    MQTTCLIENT_PERSISTENCE_NONE, NULL) != MQTTCLIENT_SUCCESS)
		errx(1, "MQTTClient_create");
	MQTTClient_setCallbacks(mc, NULL, NULL, on_message, NULL);
	co.cleansession = 0;
	for (ch = 0; (rc = MQTTClient_connect(mc, &co)) != MQTTCLIENT_SUCCESS &&
	    ch < 50; ch++)
		sleep_sec(0.1);
	if (rc != MQTTCLIENT_SUCCESS)
		errx(1, "%s: cannot connect: %d", url, rc);
	/* The broker sends a waiting backlog right after the CONNACK, while
	 * the subscribe below waits for its SUBACK: the clock starts now. */
	t0 = now_mono();
	/* With a backlog, the SUBACK may come too late; the persistent
	 * session keeps the subscription anyway. */
	if ((rc = MQTTClient_subscribe(mc, filter, 1)) != MQTTCLIENT_SUCCESS &&
	    !co.returned.sessionPresent)
		errx(1, "%s: cannot subscribe: %d", url, rc);
	while ((want == 0 || done < want) && (maxtime == 0 ||
	    now_mono() - t0 < maxtime))
		sleep_sec(0.001);
	printf("%lld %.3f\n", done, now_mono() - t0);
	MQTTClient_disconnect(mc, 1000);
	MQTTClient_destroy(&mc);
	rd_kafka_destroy(rk);
	return 0;
}
