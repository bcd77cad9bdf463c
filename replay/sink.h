#ifndef REPLAY_SINK_H
#define REPLAY_SINK_H
/* Where replay's records go: stdout, a FIFO or file (-o), TCP clients
 * (--listen, replay/tcpout.h), an MQTT topic (--mqtt) or a Kafka topic
 * (-b).  Each new reader gets the header first.  After a stop signal no
 * write blocks for more than half a second.  Diagnostics are printed here
 * (warn/warnx). */
#include <stddef.h>
#include <stdint.h>

#include "kafkaout.h"
#include "mqttout.h"
#include "tcpout.h"

enum {
	SINK_OK = 0,
	SINK_GONE,		/* the reader went away: stop quietly */
	SINK_STOP,		/* a signal arrived while waiting for a reader */
	SINK_ERR,		/* failed; the reason has been printed */
};

struct sink;

/* Standard output.  batch: gather records into bigger writes (the input
 * never blocks and nothing paces the rows). */
struct sink *sink_stdout(int batch);
/* -o PATH: a FIFO made with mkfifo(3) when missing, else opened (a regular
 * file is truncated).  reopen: when the reader goes away, wait for the next
 * one.  NULL on failure (printed). */
struct sink *sink_path(const char *path, int reopen, int batch, int verbose);
/* --listen HOST:PORT: bound and listening on return; NULL on failure. */
struct sink *sink_tcp(const struct tcpout_conf *conf);
/* --mqtt: connected on return; NULL on failure. */
struct sink *sink_mqtt(const struct mqttout_conf *conf);
/* -b BROKERS: a Kafka producer (replay/kafkaout.h); NULL on failure. */
struct sink *sink_kafka(const struct kout_conf *conf);

/* Record the header (copied) to send first to each reader; NULL: none. */
int sink_set_header(struct sink *s, const char *hdr, size_t len);
/* Switch batching on or off (flushing what is gathered).  SINK_*. */
int sink_set_batch(struct sink *s, int batch);
/* Wait for the first reader and send it the header.  SINK_*. */
int sink_start(struct sink *s);
/* Send one record (without its line break).  SINK_*. */
int sink_send(struct sink *s, const char *rec, size_t len);
/* Sleep up to sec seconds (less when a signal arrives) while watching
 * the reader: when it leaves, return SINK_GONE, or with --reopen and
 * --listen wait for the next one and send it the header.  SINK_*. */
int sink_wait(struct sink *s, double sec);
/* Wait until the input fd is readable (or at its end), serving TCP
 * clients meanwhile.  SINK_OK, SINK_STOP on a stop signal, SINK_ERR. */
int sink_wait_input(struct sink *s, int fd);
/* 1 when reads of a pipe or FIFO input should not block (the sink has
 * clients to serve meanwhile: --listen). */
int sink_wants_nonblocking_input(const struct sink *s);
/* 1 once after the sink waited for a new reader (for pace_rebase). */
int sink_took_reader(struct sink *s);
/* Flush and wait for confirmations; close an -o file, checked.  SINK_*. */
int sink_finish(struct sink *s);
/* --listen: the clients served, gone, dropped and refused.  0, or -1 for
 * the other sinks. */
int sink_tcp_stats(const struct sink *s, struct tcpout_stats *st);
/* --mqtt: the rows the broker has acknowledged (at QoS 0: written), not
 * counting the header.  -1 for the other sinks. */
long long sink_confirmed(const struct sink *s);
void sink_free(struct sink *s);

#endif
