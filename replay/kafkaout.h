#ifndef REPLAY_KAFKAOUT_H
#define REPLAY_KAFKAOUT_H
/* Producing rows to a Kafka topic with librdkafka's idempotent producer
 * (enable.idempotence=true, acks=all): one message per row, keyed by a
 * chosen column, the CSV header in each message's "li.header" header.
 * The queue is bounded: when it is full, kout_send serves delivery reports
 * until there is room.  Diagnostics are printed here (warnx). */
#include <stddef.h>

#include <librdkafka/rdkafka.h>

#include "kafkaconf.h"

struct kout_conf {
	rd_kafka_conf_t *conf;	/* from kout_conf_new; kout_new takes it */
	const char *topic;
	const char *keycol;	/* header name of the key column; NULL: none */
	int verbose;
};

struct kout;

/* The producer's configuration: replay's defaults (idempotence, acks=all,
 * linger.ms=10, zstd), then -b, -X and -F in order (lib/kafkaconf).
 * Returns a conf the caller owns, or NULL with err set (a configuration
 * error: exit 2). */
rd_kafka_conf_t *kout_conf_new(const struct kafka_opts *ko, int verbose,
    char *err, size_t errlen);

/* Make a producer from c->conf, which it takes (also on failure).  NULL
 * on failure (printed). */
struct kout *kout_new(const struct kout_conf *c);
/* The header line (without its line break): sent with every row, and
 * where the key column is looked up.  0, or -1 (printed) when the key
 * column is not in it. */
int kout_set_header(struct kout *k, const char *hdr, size_t len);
/* Queue one row (without its line break).  Returns 0, 1 when a signal
 * arrived while waiting for room, or -1 on failure (printed). */
int kout_send(struct kout *k, const char *rec, size_t len);
/* Send what is queued and wait for every delivery report.  Returns 0, or
 * -1 after printing how many rows were not confirmed. */
int kout_finish(struct kout *k);
/* Rows confirmed by the brokers so far. */
unsigned long long kout_confirmed(const struct kout *k);
void kout_free(struct kout *k);

#endif
