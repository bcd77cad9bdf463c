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
#include <err.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <MQTTAsync.h>

#include "util.h"

static atomic_llong done;
static atomic_int connected, failed;
static MQTTAsync ac;
static const char *filter = "invoices";

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
	static const struct option longopts[] = {
		{ "max-time", required_argument, NULL, 'T' + 1 },
		{ "persistence", required_argument, NULL, 'p' },
		{ "topic", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	const char *url = "tcp://127.0.0.1:1883", *pdir = NULL;
	long long want = 0;
	int ch;
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
			errx(2, "usage: paho_asink -u URL --topic F -n N "
			    "[--persistence none|DIR] [--max-time S]");
		}
	}
	if (MQTTAsync_create(&ac, url, "paho_asink", pdir ?
	    MQTTCLIENT_PERSISTENCE_DEFAULT : MQTTCLIENT_PERSISTENCE_NONE,
	    (void *)pdir) != MQTTASYNC_SUCCESS)
		errx(1, "MQTTAsync_create");
	MQTTAsync_setCallbacks(ac, NULL, NULL, on_message, NULL);
	co.cleansession = 0;
	co.onSuccess = on_conn;
	co.onFailure = on_fail;
	if (MQTTAsync_connect(ac, &co) != MQTTASYNC_SUCCESS)
		errx(1, "%s: cannot connect", url);
	t0 = now_mono();
	while (!connected && !failed && now_mono() - t0 < 20)
		sleep_sec(0.001);
	if (!connected)
		errx(1, "%s: cannot connect", url);
	t0 = now_mono();
	while ((want == 0 || done < want) && (maxtime == 0 ||
	    now_mono() - t0 < maxtime))
		sleep_sec(0.001);
	printf("%lld %.3f\n", (long long)done, now_mono() - t0);
	MQTTAsync_destroy(&ac);
	return 0;
}
