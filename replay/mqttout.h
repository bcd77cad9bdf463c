#ifndef REPLAY_MQTTOUT_H
#define REPLAY_MQTTOUT_H
/* Publishing records to MQTT with a bounded window of unconfirmed messages
 * that are resent after a reconnect: replay's own MQTT 3.1.1 client over
 * TCP, paho's MQTTClient over TLS. */
#include <stddef.h>

struct mqttout_conf {
	const char *url;	/* tcp://, mqtt://, ssl://, mqtts:// */
	const char *topic;
	const char *client_id;	/* NULL: replay-<pid> */
	const char *user;	/* NULL: anonymous */
	const char *password;	/* NULL: none */
	const char *cafile;	/* NULL: system default for TLS */
	const char *cert;	/* client certificate (PEM); NULL: none */
	const char *key;	/* its private key; NULL: in cert */
	int keepalive;		/* seconds */
	int qos;
	long max_inflight;	/* window of unconfirmed QoS > 0 messages */
	int verbose;
};

struct mqttout;

/* Connect.  NULL on failure (the reason printed with warnx). */
struct mqttout *mqttout_new(const struct mqttout_conf *c);
/* Publish one message; blocks while the window is full.  Returns 0, 1 when
 * a signal stopped a reconnect, or -1 on failure (printed). */
int mqttout_send(struct mqttout *m, const void *p, size_t len);
/* batch: gather messages into bigger writes (nothing paces them and the
 * input never blocks); off: write each at once.  Off at first. */
void mqttout_set_batch(struct mqttout *m, int batch);
/* Wait up to sec seconds, serving the connection meanwhile (writing what
 * is gathered, reading acknowledgements, keepalive, reconnecting); with
 * fd >= 0, return early when fd is readable.  Returns 1 when fd is
 * readable, 0, or -1 on failure (printed). */
int mqttout_wait(struct mqttout *m, double sec, int fd);
/* 1 when waits for the input should go through mqttout_wait (the
 * connection needs serving meanwhile). */
int mqttout_wants_input_fd(const struct mqttout *m);
/* Wait until every message is confirmed, then disconnect.  Returns 0, or
 * -1 after printing how many messages were not confirmed. */
int mqttout_finish(struct mqttout *m);
/* Messages published and confirmed so far. */
unsigned long long mqttout_confirmed(const struct mqttout *m);
void mqttout_free(struct mqttout *m);

#endif
