/*
 * paho_asink: paho_sink with paho's MQTTAsync API.  It takes QoS 1
 * messages on a persistent session and does nothing with them.
 *
 *   paho_asink -u URL --topic FILTER -n COUNT [--persistence none|DIR]
 *       [--max-time SECONDS]
 *
 * Prints "COUNT SECONDS" (messages taken, time from connecting) at the
 * end.
 */
#include <MQTTAsync.h>

#include "sinkopts.h"

static atomic_llong done;
static atomic_int connected, failed;
static MQTTAsync ac;
static const char *filter;

static int
on_message(void *ctx, char *topic, int tlen, MQTTAsync_message *m)
{
	done++;
	MQTTAsync_freeMessage(&m);
	MQTTAsync_free(topic);
	return 1;
}

static void
on_sub(void *ctx, MQTTAsync_successData *r)
{
	connected = 1;
}

static void
on_fail(void *ctx, MQTTAsync_failureData *r)
{
	failed = 1;
}

static void
on_conn(void *ctx, MQTTAsync_successData *r)
{
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;

	/* With a backlog the SUBACK comes late; a present session keeps
	 * the subscription, so the clock starts now. */
	if (r->alt.connect.sessionPresent)
		connected = 1;
	ro.onSuccess = on_sub;
	ro.onFailure = on_fail;
	if (MQTTAsync_subscribe(ac, filter, 1, &ro) != MQTTASYNC_SUCCESS)
		failed = 1;
}

int
main(int argc, char **argv)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	struct sinkopts o;
	double t0;

	sinkopts_parse("paho_asink", argc, argv, &o);
	filter = o.filter;
	if (MQTTAsync_create(&ac, o.url, "paho_asink", o.pdir ?
	    MQTTCLIENT_PERSISTENCE_DEFAULT : MQTTCLIENT_PERSISTENCE_NONE,
	    (void *)o.pdir) != MQTTASYNC_SUCCESS)
		errx(1, "MQTTAsync_create");
	MQTTAsync_setCallbacks(ac, NULL, NULL, on_message, NULL);
	co.cleansession = 0;
	co.onSuccess = on_conn;
	co.onFailure = on_fail;
	if (MQTTAsync_connect(ac, &co) != MQTTASYNC_SUCCESS)
		errx(1, "%s: cannot connect", o.url);
	t0 = now_mono();
	while (!connected && !failed && now_mono() - t0 < 20)
		sleep_sec(0.001);
	if (!connected)
		errx(1, "%s: cannot connect", o.url);
	sinkopts_wait(&o, &done);
	MQTTAsync_destroy(&ac);
	return 0;
}
