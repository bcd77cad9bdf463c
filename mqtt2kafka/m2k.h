#ifndef M2K_H
#define M2K_H
/* mqtt2kafka's parts and the context they share.  The options (struct
 * m2k_opts) are filled once by m2k_parse_args() and read-only after; the
 * running state and the counters live in struct m2k, which main() owns
 * and passes explicitly: to the threads as their argument, to librdkafka
 * as its opaque, to paho as its callback context. */
#include <err.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <MQTTAsync.h>
#include <librdkafka/rdkafka.h>

#include "archive.h"
#include "catalog.h"
#include "cli.h"
#include "invno.h"
#include "invoice.h"
#include "journal.h"
#include "kafkaconf.h"
#include "mqttconf.h"

#define M2K_NBUCKETS	256	/* latency histogram, 8 buckets an octave */
#define M2K_JBUFSZ	(256 * 1024)	/* one invoice document as JSON */
#define M2K_QMAX	4096	/* journaled messages waiting for the worker */
#define M2K_SEGBYTES	(8U << 20)	/* journal segment */
#define M2K_INVBLOCK	10000	/* InvoiceNos reserved at a time */
#define M2K_KEEPMAX	(16U << 20)	/* longer messages are journaled
					   truncated to --max-size */
#define M2K_TLSMAX	(16U << 20)	/* --cafile, --cert, --key */

/* err(3)'s warn and warnx write the program's name and the message in
 * separate calls; the bridge's threads (main, paho's, the worker,
 * librdkafka's) all write to stderr, so each message holds stderr's lock
 * throughout and no message lands inside another. */
#define m2k_warn(...) do { flockfile(stderr); warn(__VA_ARGS__); \
	funlockfile(stderr); } while (0)
#define m2k_warnx(...) do { flockfile(stderr); warnx(__VA_ARGS__); \
	funlockfile(stderr); } while (0)

/* paho's persistence for its QoS 2 state (--mqtt-persistence). */
enum m2k_persist { M2K_PERSIST_NONE, M2K_PERSIST_FILE, M2K_PERSIST_LOG };

/* The command line, read-only once parsed. */
struct m2k_opts {
	struct kafka_opts kafka;	/* -b, -t, -X, -F (with defaults) */
	struct mqtt_opts mqtt;		/* -u, --mqtt-topic, ... */
	const char *state_dir, *catalog_path, *dlq_topic, *dlq_path;
	const char *archive_path;
	const char *dump;		/* --dump FILE, or NULL */
	int dump_json;			/* --format json */
	enum m2k_persist persist;
	size_t max_size;
	uint64_t max_spool;
	double sync_interval, drain;
};

/* A journaled message, staged by the store hook for on_message, then
 * waiting for the worker.  invno < 0: longer than --max-size, kept
 * truncated; -invno is its length. */
struct m2k_qent {
	struct m2k_qent *next;
	int64_t invno, recv_ns;
	uint32_t seg;
	int msgid;
	const void *id;		/* paho's payload pointer, to match it */
	size_t len;
	char *payload;
	char topic[];		/* NUL-terminated, then the payload */
};

/* What the bridge counts (SIGUSR1 and the exit print them). */
struct m2k_counters {
	atomic_ullong received, replayed, produced, dead, flagged, failed;
	atomic_ullong dups, archived;
	unsigned long long hist[M2K_NBUCKETS], nlat;	/* dr_cb's thread */
};

/* The running bridge. */
struct m2k {
	const struct m2k_opts *o;

	const struct catalog *cat;
	struct catalog *owncat;
	rd_kafka_t *rk;
	struct journal *jr;
	struct invno inv_no;
	struct archive *ar;
	int dlq;		/* --dlq-file, or -1 */
	int dlq_reg;		/* it is a regular file (synced) */
	int dlq_failed;		/* a write to it failed (under dlq_mu) */
	atomic_int dlq_dirty;	/* written since the last sync */
	pthread_mutex_t dlq_mu;
	MQTTAsync mc;
	MQTTClient_persistence pstore;
	/* paho's answers to a connect, a subscribe and a disconnect: 0
	 * while waiting, 1 done, -1 failed (mq_rc says why) */
	atomic_int mq_conn, mq_sub, mq_disc, mq_rc, mq_session;
	char pspath[4096];
	struct invoice *inv;	/* scratch, one user at a time */
	char *jbuf, *dbuf;
	size_t dbufsz;
	int in_main;		/* producing from the main thread (replay) */
	atomic_int stopping, lost, fatal, kfatal, reserve_failed;
	char tls_err[256];	/* OpenSSL's last reason, from paho */
	int64_t test_now_ns;	/* MQTT2KAFKA_TEST_NOW (tests), or -1 */

	/* What the main thread is blocked in, and since when (µs), for
	 * the watchdog. */
	_Atomic(const char *) doing;
	atomic_llong since;

	/* staged by the store hook, not yet seen by on_message */
	pthread_mutex_t st_mu;
	struct m2k_qent *st_head, *st_tail;

	/* hand-off from the MQTT callback to the worker */
	pthread_mutex_t q_mu;
	pthread_cond_t q_nonempty, q_nonfull;
	struct m2k_qent *q_head, *q_tail;
	size_t q_n;
	int q_done;
	pthread_t worker;

	struct m2k_counters n;
};

/* opts.c: the command line (docs/conventions.md).  The help text. */
extern const char m2k_help[];
void m2k_opts_init(struct m2k_opts *o);
void m2k_opts_free(struct m2k_opts *o);
enum cli_result m2k_parse_args(int argc, char *argv[], struct m2k_opts *o);

/* deliver.c: the Kafka side. */
void m2k_stats(const struct m2k *m);
int m2k_halted(const struct m2k *m);
rd_kafka_t *m2k_kafka_new(struct m2k *m, char *err, size_t errlen);
void m2k_process(struct m2k *m, const char *topic, const char *payload,
    size_t len, int64_t recv_ns, int64_t invno, uint32_t seg);
int m2k_replay_one(void *arg, uint32_t seg, const struct jrec *r);

/* intake.c: the MQTT side. */
void *m2k_worker_run(void *arg);
int m2k_stage(void *ctx, int nbufs, char **bufs, int *lens);
void m2k_store_failed(void *ctx, const char *file, int e, int unacked);
int m2k_on_message(void *ctx, char *topic_name, int topic_len,
    MQTTAsync_message *msg);
void m2k_on_lost(void *ctx, char *cause);
int m2k_mqtt_connect(struct m2k *m);
void m2k_mqtt_connect_failed(struct m2k *m, int crc);

/* mqtt2kafka.c: what the main thread is blocked in, for the watchdog
 * (NULL: nothing). */
void m2k_doing(struct m2k *m, const char *what);

#endif
