/*
 * paho_sink: the ceiling for a bridge built on paho's MQTTClient API.  It
 * takes QoS 1 messages on a persistent session and does nothing with
 * them: the callback counts and returns 1.  The benchmark drains the same
 * backlog with it to show how fast paho alone takes messages from
 * mosquitto (paho_asink is the same with the MQTTAsync API).
 *
 *   paho_sink -u URL --topic FILTER -n COUNT [--persistence none|DIR]
 *       [--max-time SECONDS]
 *
 * Prints "COUNT SECONDS" (messages taken, time from subscribing) at the
 * end.
 */
#include <MQTTClient.h>

#include "sinkopts.h"

static atomic_llong done;

static int
on_message(void *ctx, char *topic, int tlen, MQTTClient_message *m)
{
	done++;
	MQTTClient_freeMessage(&m);
	MQTTClient_free(topic);
	return 1;
}

int
main(int argc, char **argv)
{
	MQTTClient mc;
	MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
	struct sinkopts o;
	int rc;

	sinkopts_parse("paho_sink", argc, argv, &o);
	if (MQTTClient_create(&mc, o.url, "paho_sink", o.pdir ?
	    MQTTCLIENT_PERSISTENCE_DEFAULT : MQTTCLIENT_PERSISTENCE_NONE,
	    (void *)o.pdir) != MQTTCLIENT_SUCCESS)
		errx(1, "MQTTClient_create");
	MQTTClient_setCallbacks(mc, NULL, NULL, on_message, NULL);
	co.cleansession = 0;
	if ((rc = MQTTClient_connect(mc, &co)) != MQTTCLIENT_SUCCESS)
		errx(1, "%s: cannot connect: %d", o.url, rc);
	/* With a backlog the SUBACK comes late; a present session keeps
	 * the subscription. */
	if ((rc = MQTTClient_subscribe(mc, o.filter, 1)) != MQTTCLIENT_SUCCESS &&
	    !co.returned.sessionPresent)
		errx(1, "%s: cannot subscribe: %d", o.url, rc);
	sinkopts_wait(&o, &done);
	MQTTClient_disconnect(mc, 1000);
	MQTTClient_destroy(&mc);
	return 0;
}
