/* MQTT output over TLS (ssl://, mqtts://) through paho's MQTTClient in
 * callback mode; plain TCP goes through mqttout.c's own client.
 *
 * At QoS 1 and 2 every message stays in a ring (with its own copy of the
 * payload) until paho's delivery-complete callback reports it.  The ring is
 * the window: when it is full, publishing waits for the oldest message, so
 * no more than max_inflight messages are ever unconfirmed (and a message id
 * is never reused while its message is live: the trap of mosquitto_pub -l,
 * which wraps past 65,535).  When the connection drops, replay reconnects
 * and publishes again every unconfirmed message of the ring: at least
 * once, nothing lost silently. */
#include "mqttpaho.h"

#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <MQTTClient.h>

#include "util.h"

#define TICK_MS		200		/* recheck signals while waiting */
#define STALL_S		30		/* no confirmation for this long: reconnect */
#define STOP_GRACE_S	0.5		/* confirmations awaited after a signal */
#define RECONNECTS	10		/* attempts before giving up */
#define NTOK		65536

struct slot {
	MQTTClient_deliveryToken tok;
	char *p;
	size_t len;
	int done;
};

struct mqpaho {
	struct mqttout_conf c;
	char *url;
	MQTTClient cl;
	int created, connected;
	MQTTClient_connectOptions co;
	MQTTClient_SSLOptions ssl;
	double grace;		/* after a stop signal: give up at this time */

	pthread_mutex_t mu;	/* guards everything below */
	pthread_cond_t cv;
	struct slot *ring;
	size_t win, head, n;	/* ring[head] is the oldest */
	int32_t *tokslot;	/* token -> ring index + 1, 0 none */
	uint8_t *early;		/* token confirmed before it was recorded */
	int lost;
	unsigned long long confirmed;
};

/* ==== callbacks (paho's thread) ========================================= */

static void
cb_lost(void *ctx, char *cause)
{
	struct mqpaho *m = ctx;

	(void)cause;
	pthread_mutex_lock(&m->mu);
	m->lost = 1;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

static int
cb_arrived(void *ctx, char *topic, int len, MQTTClient_message *msg)
{
	(void)ctx;
	(void)len;
	MQTTClient_freeMessage(&msg);
	MQTTClient_free(topic);
	return 1;
}

static void
cb_delivered(void *ctx, MQTTClient_deliveryToken tok)
{
	struct mqpaho *m = ctx;

	if (tok < 0 || tok >= NTOK)
		return;
	pthread_mutex_lock(&m->mu);
	if (m->tokslot[tok] > 0) {
		m->ring[m->tokslot[tok] - 1].done = 1;
		m->tokslot[tok] = 0;
		pthread_cond_signal(&m->cv);
	} else {
		m->early[tok] = 1;
	}
	pthread_mutex_unlock(&m->mu);
}

/* ==== connection ========================================================= */

/* paho wants ssl://; accept mqtts:// too (mqttout.c sends only these). */
static char *
norm_url(const char *u)
{
	static const struct { const char *from, *to; } map[] = {
		{ "mqtts://", "ssl://" }, { "ssl://", "ssl://" },
	};
	size_t i, fl;
	char *s;

	for (i = 0; i < NELEM(map); i++) {
		fl = strlen(map[i].from);
		if (strncmp(u, map[i].from, fl) == 0 && u[fl] != '\0') {
			if ((s = malloc(strlen(map[i].to) + strlen(u + fl) + 1)) ==
			    NULL)
				return NULL;
			strcpy(s, map[i].to);
			strcat(s, u + fl);
			return s;
		}
	}
	return NULL;
}

/* Connect with the stop signals blocked, so that paho's threads inherit a
 * mask without them and every signal reaches the main thread. */
static int
do_connect(struct mqpaho *m)
{
	sigset_t set, old;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	rc = MQTTClient_connect(m->cl, &m->co);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != MQTTCLIENT_SUCCESS) {
		/* Positive: the CONNACK return code of MQTT 3.1.1. */
		static const char *const refused[] = { "",
		    "unacceptable protocol version", "client id rejected",
		    "server unavailable", "bad user name or password",
		    "not authorised" };
		if (rc > 0)
			warnx("mqtt: %s: connect failed: refused by the broker: %s",
			    m->c.url, rc < (int)NELEM(refused) ? refused[rc] :
			    "unknown reason");
		else
			warnx("mqtt: %s: connect failed: %s", m->c.url,
			    MQTTClient_strerror(rc));
		return -1;
	}
	m->connected = 1;
	return 0;
}

struct mqpaho *
mqpaho_new(const struct mqttout_conf *c)
{
	struct mqpaho *m = calloc(1, sizeof(*m));
	MQTTClient_connectOptions co = MQTTClient_connectOptions_initializer;
	MQTTClient_SSLOptions ssl = MQTTClient_SSLOptions_initializer;
	int rc;

	if (m == NULL) {
		warn("malloc");
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	m->c = *c;
	m->win = (size_t)c->max_inflight;
	if ((m->url = norm_url(c->url)) == NULL) {
		warnx("mqtt: %s: not an ssl:// or mqtts:// URL", c->url);
		goto fail;
	}
	if ((m->ring = calloc(m->win, sizeof(*m->ring))) == NULL ||
	    (m->tokslot = calloc(NTOK, sizeof(*m->tokslot))) == NULL ||
	    (m->early = calloc(NTOK, 1)) == NULL) {
		warn("malloc");
		goto fail;
	}
	rc = MQTTClient_create(&m->cl, m->url, c->client_id,
	    MQTTCLIENT_PERSISTENCE_NONE, NULL);
	if (rc != MQTTCLIENT_SUCCESS) {
		warnx("mqtt: %s: %s", c->url, MQTTClient_strerror(rc));
		goto fail;
	}
	m->created = 1;
	if ((rc = MQTTClient_setCallbacks(m->cl, m, cb_lost, cb_arrived,
	    cb_delivered)) != MQTTCLIENT_SUCCESS) {
		warnx("mqtt: %s", MQTTClient_strerror(rc));
		goto fail;
	}
	co.keepAliveInterval = c->keepalive > 0 ? c->keepalive : 30;
	co.cleansession = 1;
	co.reliable = 0;
	co.maxInflightMessages = (int)m->win;
	co.username = c->user;
	co.password = c->password;
	co.connectTimeout = 10;
	ssl.trustStore = c->cafile;
	ssl.keyStore = c->cert;
	ssl.privateKey = c->key;
	ssl.enableServerCertAuth = 1;
	m->ssl = ssl;
	co.ssl = &m->ssl;
	m->co = co;
	if (do_connect(m) == -1)
		goto fail;
	return m;
fail:
	mqpaho_free(m);
	return NULL;
}

static int
publish(struct mqpaho *m, const void *p, size_t len,
    MQTTClient_deliveryToken *tok)
{
	MQTTClient_message msg = MQTTClient_message_initializer;

	msg.payload = (void *)(uintptr_t)p;
	msg.payloadlen = (int)len;
	msg.qos = m->c.qos;
	msg.retained = 0;
	return MQTTClient_publishMessage(m->cl, m->c.topic, &msg, tok);
}

/* Publish ring slot i (its payload already there).  Called unlocked. */
static int
publish_slot(struct mqpaho *m, size_t i)
{
	MQTTClient_deliveryToken tok = -1;
	int rc = publish(m, m->ring[i].p, m->ring[i].len, &tok);

	if (rc != MQTTCLIENT_SUCCESS || tok < 0 || tok >= NTOK)
		return -1;
	pthread_mutex_lock(&m->mu);
	m->ring[i].tok = tok;
	if (m->early[tok]) {
		m->early[tok] = 0;
		m->ring[i].done = 1;
	} else {
		m->tokslot[tok] = (int32_t)i + 1;
	}
	pthread_mutex_unlock(&m->mu);
	return 0;
}

/* Reconnect and publish every unconfirmed message again.  Returns 0, 1
 * (signal) or -1 (gave up, printed). */
static int
reconnect(struct mqpaho *m)
{
	int tries;
	size_t k;

	for (tries = 0; tries < RECONNECTS; tries++) {
		if (sig_stop)
			return 1;
		if (MQTTClient_isConnected(m->cl))
			(void)MQTTClient_disconnect(m->cl, 0);
		m->connected = 0;
		pthread_mutex_lock(&m->mu);
		memset(m->tokslot, 0, NTOK * sizeof(*m->tokslot));
		memset(m->early, 0, NTOK);
		m->lost = 0;
		pthread_mutex_unlock(&m->mu);
		warnx("mqtt: connection lost, reconnecting (%zu unconfirmed)",
		    m->n);
		if (do_connect(m) == -1) {
			/* In short naps: a stop signal that came while the
			 * connect had signals blocked is seen at once. */
			double end = now_mono() +
			    (tries < 4 ? 0.5 * (1 << tries) : 5);
			while (!sig_stop && now_mono() < end)
				sleep_sec(TICK_MS / 1000.0);
			continue;
		}
		for (k = 0; k < m->n; k++) {
			size_t i = (m->head + k) % m->win;
			if (!m->ring[i].done && publish_slot(m, i) == -1)
				break;
		}
		if (k == m->n)
			return 0;
	}
	warnx("mqtt: giving up after %d attempts: %zu messages not confirmed",
	    RECONNECTS, m->n);
	return -1;
}

/* Drop confirmed messages from the head of the ring.  Locked. */
static void
pop_done(struct mqpaho *m)
{
	while (m->n > 0 && m->ring[m->head].done) {
		free(m->ring[m->head].p);
		m->ring[m->head].p = NULL;
		m->ring[m->head].done = 0;
		m->head = (m->head + 1) % m->win;
		m->n--;
		m->confirmed++;
	}
}

/* Wait until the ring holds fewer than want messages.  0, 1 or -1. */
static int
wait_room(struct mqpaho *m, size_t want, int stop_on_signal)
{
	double last = now_mono();
	size_t before;
	int rc;

	pthread_mutex_lock(&m->mu);
	for (;;) {
		before = m->n;
		pop_done(m);
		if (m->n != before)
			last = now_mono();
		if (m->n < want) {
			pthread_mutex_unlock(&m->mu);
			return 0;
		}
		/* After a stop signal, confirmations get half a second. */
		/* One grace for the whole stop, not one per wait. */
		if (sig_stop && m->grace == 0)
			m->grace = now_mono() + STOP_GRACE_S;
		if (m->grace > 0 && now_mono() > m->grace) {
			pthread_mutex_unlock(&m->mu);
			return 1;
		}
		if (m->lost || !m->connected || now_mono() - last > STALL_S) {
			pthread_mutex_unlock(&m->mu);
			if ((rc = reconnect(m)) != 0)
				return rc;
			last = now_mono();
			pthread_mutex_lock(&m->mu);
			continue;
		}
		if (stop_on_signal && sig_stop) {
			pthread_mutex_unlock(&m->mu);
			return 1;
		}
		{
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += TICK_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&m->cv, &m->mu, &ts);
		}
	}
}

int
mqpaho_send(struct mqpaho *m, const void *p, size_t len)
{
	size_t i;
	int rc, tries;

	if (len > 256 * 1024 * 1024) {
		warnx("mqtt: message too long");
		return -1;
	}
	if (m->c.qos == 0) {
		for (tries = 0;; tries++) {
			rc = publish(m, p, len, NULL);
			if (rc == MQTTCLIENT_SUCCESS) {
				m->confirmed++;
				return 0;
			}
			if (tries > 0) {
				warnx("mqtt: publish failed: %s",
				    MQTTClient_strerror(rc));
				return -1;
			}
			if ((rc = reconnect(m)) != 0)
				return rc;
		}
	}
	if ((rc = wait_room(m, m->win, 0)) != 0)
		return rc;
	i = (m->head + m->n) % m->win;
	if ((m->ring[i].p = malloc(len ? len : 1)) == NULL) {
		warn("malloc");
		return -1;
	}
	memcpy(m->ring[i].p, p, len);
	m->ring[i].len = len;
	m->ring[i].done = 0;
	pthread_mutex_lock(&m->mu);
	m->n++;
	pthread_mutex_unlock(&m->mu);
	if (publish_slot(m, i) == 0)
		return 0;
	/* The reconnect publishes the whole ring, this message included. */
	return reconnect(m);
}

int
mqpaho_finish(struct mqpaho *m)
{
	int rc = 0;

	if (m->n > 0)
		rc = wait_room(m, 1, 0);
	if (m->n > 0) {
		if (rc != -1)	/* -1: reconnect() has said it */
			warnx("mqtt: %zu messages not confirmed", m->n);
		rc = -1;
	}
	if (m->connected && MQTTClient_isConnected(m->cl))
		(void)MQTTClient_disconnect(m->cl, sig_stop ? 0 : 2000);
	m->connected = 0;
	return rc;
}

unsigned long long
mqpaho_confirmed(const struct mqpaho *m)
{
	return m->confirmed;
}

void
mqpaho_free(struct mqpaho *m)
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
		for (i = 0; i < m->win; i++)
			free(m->ring[i].p);
	free(m->ring);
	free(m->tokslot);
	free(m->early);
	free(m->url);
	pthread_mutex_destroy(&m->mu);
	pthread_cond_destroy(&m->cv);
	free(m);
}
