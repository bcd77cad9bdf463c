/* MQTT output through paho's synchronous client.
 *
 * At QoS 1 and 2 every message stays in a ring (its own copy of the
 * payload) until paho reports it complete.  The ring is the window: when it
 * is full, publishing waits for the oldest message, so no more than
 * max_inflight messages are ever unconfirmed (and message ids never wrap
 * onto a live message).  When the connection drops, replay reconnects and
 * publishes again every message of the ring: at-least-once, nothing lost
 * silently. */
#include "mqttout.h"

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <MQTTClient.h>

#include "util.h"

#define WAIT_MS		10000UL		/* one wait for a confirmation */
#define MAX_WAITS	6		/* waits before reconnecting */
#define RECONNECTS	10		/* attempts before giving up */

struct slot {
	MQTTClient_deliveryToken tok;
	char *p;
	size_t len;
};

struct mqttout {
	struct mqttout_conf c;
	char *url;
	char client_id[64];
	MQTTClient cl;
	int created, connected;
	MQTTClient_connectOptions co;
	MQTTClient_SSLOptions ssl;
	struct slot *ring;
	size_t head, n;		/* ring[head] is the oldest */
	unsigned long long confirmed;
};

/* paho wants tcp:// or ssl://; accept mqtt:// and mqtts:// too. */
static char *
norm_url(const char *u, int *tls)
{
	static const struct { const char *from, *to; int tls; } map[] = {
		{ "mqtt://", "tcp://", 0 }, { "tcp://", "tcp://", 0 },
		{ "mqtts://", "ssl://", 1 }, { "ssl://", "ssl://", 1 },
	};
	size_t i, fl;
	char *s;

	for (i = 0; i < NELEM(map); i++) {
		fl = strlen(map[i].from);
		if (strncmp(u, map[i].from, fl) == 0) {
			if ((s = malloc(strlen(map[i].to) + strlen(u + fl) + 1)) ==
			    NULL)
				return NULL;
			strcpy(s, map[i].to);
			strcat(s, u + fl);
			*tls = map[i].tls;
			return s;
		}
	}
	errno = EINVAL;
	return NULL;
}

static int
do_connect(struct mqttout *m)
{
	int rc = MQTTClient_connect(m->cl, &m->co);

	if (rc != MQTTCLIENT_SUCCESS) {
		warnx("mqtt: %s: connect failed: %s", m->c.url,
		    rc > 0 ? "refused by the broker" : MQTTClient_strerror(rc));
		return -1;
	}
	m->connected = 1;
	return 0;
}

struct mqttout *
mqttout_new(const struct mqttout_conf *c)
{
	struct mqttout *m = calloc(1, sizeof(*m));
	MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
	MQTTClient_SSLOptions ssl = MQTTClient_SSLOptions_initializer;
	int tls = 0, rc;

	if (m == NULL) {
		warn("malloc");
		return NULL;
	}
	m->c = *c;
	if ((m->url = norm_url(c->url, &tls)) == NULL) {
		warnx("mqtt: %s: not a tcp://, mqtt://, ssl:// or mqtts:// URL",
		    c->url);
		goto fail;
	}
	if (c->client_id != NULL)
		snprintf(m->client_id, sizeof(m->client_id), "%s", c->client_id);
	else
		snprintf(m->client_id, sizeof(m->client_id), "replay-%ld",
		    (long)getpid());
	if (c->qos > 0 &&
	    (m->ring = calloc((size_t)c->max_inflight, sizeof(*m->ring))) ==
	    NULL) {
		warn("malloc");
		goto fail;
	}
	rc = MQTTClient_create(&m->cl, m->url, c->client_id ? c->client_id :
	    m->client_id, MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc != MQTTCLIENT_SUCCESS) {
		warnx("mqtt: %s: %s", c->url, MQTTClient_strerror(rc));
		goto fail;
	}
	m->created = 1;
	co.keepAliveInterval = 30;
	co.cleansession = 1;
	co.reliable = 0;
	co.maxInflightMessages = (int)c->max_inflight;
	co.username = c->user;
	co.password = c->password;
	co.connectTimeout = 10;
	if (tls) {
		ssl.trustStore = c->cafile;
		ssl.enableServerCertAuth = 1;
		m->ssl = ssl;
		co.ssl = &m->ssl;
	}
	m->co = co;
	if (do_connect(m) == -1)
		goto fail;
	if (c->verbose)
		warnx("mqtt: connected to %s as %s", c->url,
		    c->client_id ? c->client_id : m->client_id);
	return m;
fail:
	mqttout_free(m);
	return NULL;
}

static int
publish(struct mqttout *m, const void *p, size_t len,
    MQTTClient_deliveryToken *tok)
{
	MQTTClient_message msg = MQTTClient_message_initializer;

	msg.payload = (void *)(uintptr_t)p;
	msg.payloadlen = (int)len;
	msg.qos = m->c.qos;
	msg.retained = 0;
	return MQTTClient_publishMessage(m->cl, m->c.topic, &msg, tok);
}

/* Reconnect and publish the whole ring again.  0, 1 (signal) or -1. */
static int
reconnect(struct mqttout *m)
{
	int tries;
	size_t i;

	m->connected = 0;
	for (tries = 0; tries < RECONNECTS; tries++) {
		if (sig_stop)
			return 1;
		if (MQTTClient_isConnected(m->cl))
			(void)MQTTClient_disconnect(m->cl, 0);
		warnx("mqtt: connection lost, reconnecting (%zu unconfirmed)",
		    m->n);
		if (do_connect(m) == -1) {
			sleep_sec(tries < 4 ? 0.5 * (1 << tries) : 5);
			continue;
		}
		for (i = 0; i < m->n; i++) {
			struct slot *sl = &m->ring[(m->head + i) %
			    (size_t)m->c.max_inflight];
			if (publish(m, sl->p, sl->len, &sl->tok) !=
			    MQTTCLIENT_SUCCESS)
				break;
		}
		if (i == m->n)
			return 0;
		m->connected = 0;
	}
	warnx("mqtt: giving up after %d attempts: %zu messages not confirmed",
	    RECONNECTS, m->n);
	return -1;
}

/* Wait for the oldest message of the ring.  0, 1 (signal) or -1. */
static int
wait_oldest(struct mqttout *m)
{
	struct slot *sl = &m->ring[m->head];
	int waits = 0, rc;

	for (;;) {
		rc = MQTTClient_waitForCompletion(m->cl, sl->tok, WAIT_MS);
		if (rc == MQTTCLIENT_SUCCESS && MQTTClient_isConnected(m->cl))
			break;
		if (rc == MQTTCLIENT_SUCCESS || !MQTTClient_isConnected(m->cl) ||
		    ++waits >= MAX_WAITS) {
			if ((rc = reconnect(m)) != 0)
				return rc;
			sl = &m->ring[m->head];
		}
	}
	free(sl->p);
	sl->p = NULL;
	m->head = (m->head + 1) % (size_t)m->c.max_inflight;
	m->n--;
	m->confirmed++;
	return 0;
}

int
mqttout_send(struct mqttout *m, const void *p, size_t len)
{
	struct slot *sl;
	int rc, tries = 0;

	if (len > 256 * 1024 * 1024) {
		warnx("mqtt: message too long");
		return -1;
	}
	if (m->c.qos == 0) {
		for (;;) {
			rc = publish(m, p, len, NULL);
			if (rc == MQTTCLIENT_SUCCESS) {
				m->confirmed++;
				return 0;
			}
			if (++tries > 1 || (rc = reconnect(m)) != 0) {
				warnx("mqtt: publish failed");
				return rc == 1 ? 1 : -1;
			}
		}
	}
	if (m->n == (size_t)m->c.max_inflight && (rc = wait_oldest(m)) != 0)
		return rc;
	sl = &m->ring[(m->head + m->n) % (size_t)m->c.max_inflight];
	if ((sl->p = malloc(len ? len : 1)) == NULL) {
		warn("malloc");
		return -1;
	}
	memcpy(sl->p, p, len);
	sl->len = len;
	m->n++;
	rc = publish(m, sl->p, sl->len, &sl->tok);
	if (rc == MQTTCLIENT_SUCCESS)
		return 0;
	/* The reconnect publishes the whole ring, this message included. */
	return reconnect(m);
}

int
mqttout_finish(struct mqttout *m)
{
	int rc = 0;

	while (m->n > 0) {
		if ((rc = wait_oldest(m)) != 0)
			break;
	}
	if (m->n > 0) {
		if (rc != -1)	/* -1: reconnect() has said it */
			warnx("mqtt: %zu messages not confirmed", m->n);
		rc = -1;
	}
	if (m->connected && MQTTClient_isConnected(m->cl))
		(void)MQTTClient_disconnect(m->cl, 2000);
	m->connected = 0;
	return rc;
}

unsigned long long
mqttout_confirmed(const struct mqttout *m)
{
	return m->confirmed;
}

void
mqttout_free(struct mqttout *m)
{
	size_t i;

	if (m == NULL)
		return;
	if (m->created) {
		if (m->connected && MQTTClient_isConnected(m->cl))
			(void)MQTTClient_disconnect(m->cl, 0);
		MQTTClient_destroy(&m->cl);
	}
	if (m->ring != NULL)
		for (i = 0; i < (size_t)m->c.max_inflight; i++)
			free(m->ring[i].p);
	free(m->ring);
	free(m->url);
	free(m);
}
