#ifndef REPLAY_MQTTPAHO_H
#define REPLAY_MQTTPAHO_H
/* MQTT output through paho's MQTTClient: used for TLS URLs (ssl://,
 * mqtts://).  The same contract as mqttout.h. */
#include <stddef.h>

#include "mqttout.h"

struct mqpaho;

/* Connect to c's ssl:// or mqtts:// URL as c->client_id (set).  NULL on
 * failure (the reason printed with warnx). */
struct mqpaho *mqpaho_new(const struct mqttout_conf *c);
/* Publish one message; blocks while the window is full.  Returns 0, 1 when
 * a signal stopped a reconnect, or -1 on failure (printed). */
int mqpaho_send(struct mqpaho *m, const void *p, size_t len);
/* Wait until every message is confirmed, then disconnect.  Returns 0, or
 * -1 after printing how many messages were not confirmed. */
int mqpaho_finish(struct mqpaho *m);
/* Messages published and confirmed so far. */
unsigned long long mqpaho_confirmed(const struct mqpaho *m);
void mqpaho_free(struct mqpaho *m);

#endif
