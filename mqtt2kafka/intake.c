/* mqtt2kafka's MQTT side, on paho's MQTTAsync client: on_message journals
 * each message before its PUBACK and hands it to the worker, which
 * enriches and produces it (deliver.c).  MQTTAsync (1.3) calls
 * messageArrived from its receive thread while it handles the PUBLISH,
 * before it sends the PUBACK (Protocol_processPublication, then
 * MQTTPacket_send_puback in MQTTProtocol_handlePublishes); only a message
 * it cannot deliver at once (messageArrived returned 0 for an earlier
 * one) is queued and put in its store first, and the store hook journals
 * that one (m2k_stage), so every path journals before the PUBACK. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "m2k.h"
#include "util.h"


/* The worker: enriches and produces what the callback journaled, so that
 * paho's thread only receives, journals and acknowledges. */
void *
m2k_worker_run(void *arg)
{
	struct m2k *m = arg;
	struct m2k_qent *e, *next;

	pthread_mutex_lock(&m->q_mu);
	for (;;) {
		while (m->q_head == NULL && !m->q_done)
			pthread_cond_wait(&m->q_nonempty, &m->q_mu);
		if (m->q_head == NULL)
			break;
		e = m->q_head;
		m->q_head = m->q_tail = NULL;
		m->q_n = 0;
		pthread_cond_broadcast(&m->q_nonfull);
		pthread_mutex_unlock(&m->q_mu);
		for (; e != NULL; e = next) {
			next = e->next;
			/* Once stopping with Kafka's queue full, what is
			 * left stays journaled for the next start. */
			if (!m->fatal)
				m2k_process(m, e->topic, e->payload, e->len,
				    e->recv_ns, e->invno, e->seg);
			free(e);
		}
		pthread_mutex_lock(&m->q_mu);
	}
	pthread_mutex_unlock(&m->q_mu);
	return NULL;
}

/* Say why the bridge stops now, before paho acknowledges the message it
 * is handling, and end the process: the broker keeps the message and
 * sends it again.  Nothing is lost by ending here: what was acknowledged
 * before is in the journal (as after a kill -9). */
static void
die_unacked(const char *file, int e)
{
	m2k_warnx("%s: %s; stopped before acknowledging the message", file,
	    strerror(e));
	_exit(1);
}

/* Number a message and append it to the journal.  Returns the entry
 * (owned by the caller), or NULL with errno set and *file naming the file
 * that failed. */
static struct m2k_qent *
journal_msg(struct m2k *m, const char *topic, size_t tlen,
    const char *payload, size_t len, const char **file)
{
	struct m2k_qent *e;
	struct jrec r;
	size_t keep = len > M2K_KEEPMAX ? m->o->max_size : len;
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
	e->recv_ns = m->test_now_ns >= 0 ? m->test_now_ns :
	    (int64_t)(now_wall() * 1e9);
	/* Every message gets its number before it is journaled, so that a
	 * replay prices and numbers it the same; a dead letter leaves a
	 * gap.  One kept truncated carries its length instead. */
	if (keep < len)
		invno = -(int64_t)len;
	else if (len <= m->o->max_size &&
	    (invno = invno_next(&m->inv_no)) < 0) {
		*file = m->inv_no.path;
		goto fail;
	}
	r.invno = invno;
	r.recv_ns = e->recv_ns;
	r.topic = e->topic;
	r.topiclen = tlen;
	r.payload = e->payload;
	r.len = keep;
	if ((s = journal_append(m->jr, &r)) < 0) {
		*file = journal_error(m->jr);
		goto fail;
	}
	e->invno = invno;
	e->seg = (uint32_t)s;
	e->next = NULL;
	e->id = NULL;
	e->msgid = 0;
	m->n.received++;
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
reserve_ahead(struct m2k *m)
{
	const char *file = NULL;

	if (m->reserve_failed)
		return;
	if (invno_low(&m->inv_no) && invno_reserve(&m->inv_no) == -1)
		file = m->inv_no.path;
	else if (journal_reserve_ahead(m->jr) == -1)
		file = journal_error(m->jr);
	if (file != NULL) {
		m2k_warn("%s: cannot reserve space, stopping", file);
		m->reserve_failed = 1;
		m->fatal = 1;
	}
}

/* Wait, before a message is journaled, while the journal holds more than
 * --max-spool (paho reads nothing meanwhile; the broker keeps the rest).
 * The journal gives space back a segment at a time: once all that the
 * current segment holds is delivered it is released, so a limit below a
 * segment's size (8 MiB) lets intake go on.  When stopping, it returns
 * at once. */
static void
spool_wait(struct m2k *m)
{
	while (journal_bytes(m->jr) > m->o->max_spool && !m2k_halted(m)) {
		int rc = journal_release(m->jr);

		if (rc == -1) {
			/* The roll failed (a sync, the next segment): the
			 * append after this fails too, before any PUBACK. */
			m2k_warn("%s", journal_error(m->jr));
			m->fatal = 1;
		} else if (rc == 0)
			sleep_sec(0.01);
	}
}

/* paho's store hook for a received message, called before paho sends
 * its PUBACK (pstore.h): journal it, stage it for on_message.  When that
 * fails the process ends here, so the broker never has a PUBACK for a
 * message that is not on disk. */
int
m2k_stage(void *ctx, int nbufs, char **bufs, int *lens)
{
	struct m2k_qent *e;
	const char *file;
	size_t tlen;

	struct m2k *m = ctx;

	if (nbufs < 8 || lens[1] < 0 || lens[5] != (int)sizeof(int) ||
	    lens[6] < 1)
		die_unacked("mqtt", EPROTO);
	tlen = strnlen(bufs[6], (size_t)lens[6]);
	spool_wait(m);
	if ((e = journal_msg(m, bufs[6], tlen, bufs[1], (size_t)lens[1],
	    &file)) == NULL)
		die_unacked(file, errno);
	e->id = bufs[1];
	memcpy(&e->msgid, bufs[5], sizeof(int));
	pthread_mutex_lock(&m->st_mu);
	if (m->st_tail != NULL)
		m->st_tail->next = e;
	else
		m->st_head = e;
	m->st_tail = e;
	pthread_mutex_unlock(&m->st_mu);
	reserve_ahead(m);
	return 0;
}

/* paho's store failed to write what it keeps itself (QoS 2 state):
 * before acknowledging what it was for, end here; a remove that failed
 * (the entry may come back after a restart, harmlessly) stops the bridge
 * cleanly, as any failing file does. */
void
m2k_store_failed(void *ctx, const char *file, int e, int unacked)
{
	struct m2k *m = ctx;

	if (unacked)
		die_unacked(file, e);
	if (!m->fatal)
		m2k_warnx("%s: %s", file, strerror(e));
	m->fatal = 1;
}

/* The staged entry of the message paho hands to on_message, or NULL when
 * the hook did not see it (paho restored it from its store). */
static struct m2k_qent *
unstage(struct m2k *m, const MQTTAsync_message *msg)
{
	struct m2k_qent *e, *prev = NULL;

	pthread_mutex_lock(&m->st_mu);
	for (e = m->st_head; e != NULL; prev = e, e = e->next)
		if (e->id == msg->payload && e->msgid == msg->msgid)
			break;
	if (e != NULL) {
		if (prev != NULL)
			prev->next = e->next;
		else
			m->st_head = e->next;
		if (m->st_tail == e)
			m->st_tail = prev;
		e->next = NULL;
	}
	pthread_mutex_unlock(&m->st_mu);
	return e;
}

/* Hand a journaled message to the worker, waiting while the worker's
 * queue is full (paho reads nothing meanwhile; the broker keeps the
 * rest).  When stopping, it stays in the journal for the next start. */
static void
hand_off(struct m2k *m, struct m2k_qent *e)
{
	pthread_mutex_lock(&m->q_mu);
	while (m->q_n >= M2K_QMAX && !m2k_halted(m)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&m->q_nonfull, &m->q_mu, &ts);
	}
	if (m2k_halted(m)) {
		pthread_mutex_unlock(&m->q_mu);
		free(e);
		return;
	}
	if (m->q_tail != NULL)
		m->q_tail->next = e;
	else
		m->q_head = e;
	m->q_tail = e;
	if (m->q_n++ == 0)
		pthread_cond_signal(&m->q_nonempty);
	pthread_mutex_unlock(&m->q_mu);
}

int
m2k_on_message(void *ctx, char *topic_name, int topic_len,
    MQTTAsync_message *msg)
{
	struct m2k_qent *e;
	const char *file;
	size_t tlen;

	struct m2k *m = ctx;

	if ((e = unstage(m, msg)) == NULL) {
		/* Delivered as it arrives, before its PUBACK: journal it
		 * now, or end here and the broker sends it again.  (Also a
		 * message paho restored from a store that 0.1.x wrote.) */
		tlen = topic_len > 0 ? (size_t)topic_len : strlen(topic_name);
		spool_wait(m);
		if ((e = journal_msg(m, topic_name, tlen,
		    msg->payload != NULL ? msg->payload : "",
		    (size_t)(msg->payloadlen > 0 ? msg->payloadlen : 0),
		    &file)) == NULL)
			die_unacked(file, errno);
		reserve_ahead(m);
	}
	hand_off(m, e);
	MQTTAsync_freeMessage(&msg);
	MQTTAsync_free(topic_name);
	return 1;
}

void
m2k_on_lost(void *ctx, char *cause)
{
	struct m2k *m = ctx;

	if (!m->stopping && cli_verbosity >= CLI_WARN)
		m2k_warnx("mqtt: connection lost%s%s", cause ? ": " : "",
		    cause ? cause : "");
	m->lost = 1;
}

/* Whether the connection uses TLS. */
/* paho passes OpenSSL's error lines here; keep the reason of the last. */
static int
on_tls_error(const char *str, size_t len, void *u)
{
	struct m2k *m = u;
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
	(void)len;
	snprintf(m->tls_err, sizeof(m->tls_err), "%.*s", (int)(e - p), p);
	return 0;
}

static void
on_connected(void *ctx, MQTTAsync_successData *r)
{
	struct m2k *m = ctx;

	m->mq_session = r != NULL && r->alt.connect.sessionPresent;
	m->mq_conn = 1;
}

static void
on_connect_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct m2k *m = ctx;

	m->mq_rc = r != NULL && r->code != 0 ? r->code : MQTTASYNC_FAILURE;
	m->mq_conn = -1;
}

static void
on_subscribed(void *ctx, MQTTAsync_successData *r)
{
	struct m2k *m = ctx;

	m->mq_sub = 1;
}

static void
on_subscribe_failed(void *ctx, MQTTAsync_failureData *r)
{
	struct m2k *m = ctx;

	m->mq_sub = -1;
}

/* Wait for paho's answer in *state for up to secs seconds, or a signal.
 * Returns 1 (done), -1 (failed) or 0 (no answer). */
static int
wait_answer(atomic_int *state, double secs)
{
	double end = now_mono() + secs;

	while (*state == 0 && !sig_stop && now_mono() < end)
		sleep_sec(0.002);
	return *state;
}

int
m2k_mqtt_connect(struct m2k *m)
{
	MQTTAsync_connectOptions co = MQTTAsync_connectOptions_initializer;
	MQTTAsync_SSLOptions so = MQTTAsync_SSLOptions_initializer;
	MQTTAsync_responseOptions ro = MQTTAsync_responseOptions_initializer;
	int rc;

	co.keepAliveInterval = m->o->mqtt.keepalive;
	co.cleansession = 0;
	co.connectTimeout = 10;
	co.onSuccess = on_connected;
	co.onFailure = on_connect_failed;
	co.context = m;
	if (m->o->mqtt.user != NULL) {
		co.username = m->o->mqtt.user;
		co.password = m->o->mqtt.password;
	}
	if (mqtt_opts_tls(&m->o->mqtt)) {
		so.trustStore = m->o->mqtt.cafile;
		so.keyStore = m->o->mqtt.cert;
		so.privateKey = m->o->mqtt.key;
		so.verify = 1;		/* the name or address in the URL */
		so.ssl_error_cb = on_tls_error;
		so.ssl_error_context = m;
		co.ssl = &so;
	}
	m->tls_err[0] = '\0';
	m->mq_conn = 0;
	m->mq_rc = 0;
	if ((rc = MQTTAsync_connect(m->mc, &co)) != MQTTASYNC_SUCCESS)
		return rc;
	/* paho gives up after connectTimeout; a signal ends the wait. */
	if ((rc = wait_answer(&m->mq_conn, co.connectTimeout + 5)) != 1)
		return rc == -1 ? m->mq_rc : MQTTASYNC_FAILURE;
	/* The broker sends the session's backlog from the CONNACK on; a
	 * present session keeps the subscription, so its SUBACK (queued
	 * behind the backlog) is not waited for. */
	m->mq_sub = 0;
	ro.onSuccess = on_subscribed;
	ro.onFailure = on_subscribe_failed;
	ro.context = m;
	if ((rc = MQTTAsync_subscribe(m->mc, m->o->mqtt.topic,
	    m->o->mqtt.qos, &ro)) != MQTTASYNC_SUCCESS)
		return m->mq_session ? 0 : rc;
	if (m->mq_session)
		return 0;
	return wait_answer(&m->mq_sub, 10) == 1 ? 0 : MQTTASYNC_FAILURE;
}

/* Say why the first connection failed (crc from m2k_mqtt_connect). */
void
m2k_mqtt_connect_failed(struct m2k *m, int crc)
{
	const char *url = m->o->mqtt.url;

	if (m->tls_err[0] != '\0')
		m2k_warnx("%s: TLS: %s", url, m->tls_err);
	else if (mqtt_opts_tls(&m->o->mqtt))
		m2k_warnx("%s: connection or TLS handshake failed (is the name in "
		    "the URL in the server's certificate?)", url);
	else
		m2k_warnx("%s: %s", url, crc > 0 && crc <= 5 ?
		    "connection refused" : MQTTAsync_strerror(crc));
}
