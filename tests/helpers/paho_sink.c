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
#include <err.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <MQTTClient.h>

#include "util.h"

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
	static const struct option longopts[] = {
		{ "max-time", required_argument, NULL, 'T' + 1 },
		{ "persistence", required_argument, NULL, 'p' },
		{ "topic", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	MQTTClient mc;
	MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
	const char *url = "tcp://127.0.0.1:1883", *filter = "invoices";
	const char *pdir = NULL;
	long long want = 0;
	int ch, rc;
	double t0, maxtime = 0;

	while ((ch = getopt_long(argc, argv, "n:u:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (parse_long(optarg, 1, 1LL << 40, &want) == -1)
				errx(2, "-n: bad count");
			break;
		case 'p':
			pdir = strcmp(optarg, "none") == 0 ? NULL : optarg;
			break;
		case 'T' + 1:
			if (parse_double(optarg, 0, 3600, &maxtime) == -1)
				errx(2, "--max-time: bad seconds");
			break;
		case 'u': url = optarg; break;
		case 'T': filter = optarg; break;
		default:
			errx(2, "usage: paho_sink -u URL --topic F -n N "
			    "[--persistence none|DIR] [--max-time S]");
		}
	}
	if (MQTTClient_create(&mc, url, "paho_sink", pdir ?
	    MQTTCLIENT_PERSISTENCE_DEFAULT : MQTTCLIENT_PERSISTENCE_NONE,
	    (void *)pdir) != MQTTCLIENT_SUCCESS)
		errx(1, "MQTTClient_create");
	MQTTClient_setCallbacks(mc, NULL, NULL, on_message, NULL);
	co.cleansession = 0;
	if ((rc = MQTTClient_connect(mc, &co)) != MQTTCLIENT_SUCCESS)
		errx(1, "%s: cannot connect: %d", url, rc);
	/* With a backlog the SUBACK comes late; a present session keeps
	 * the subscription. */
	if ((rc = MQTTClient_subscribe(mc, filter, 1)) != MQTTCLIENT_SUCCESS &&
	    !co.returned.sessionPresent)
		errx(1, "%s: cannot subscribe: %d", url, rc);
	t0 = now_mono();
	while ((want == 0 || done < want) && (maxtime == 0 ||
	    now_mono() - t0 < maxtime))
		sleep_sec(0.001);
	printf("%lld %.3f\n", (long long)done, now_mono() - t0);
	MQTTClient_disconnect(mc, 1000);
	MQTTClient_destroy(&mc);
	return 0;
}
