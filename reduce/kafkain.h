#ifndef REDUCE_KAFKAIN_H
#define REDUCE_KAFKAIN_H
/* reduce's Kafka input: rows from a topic's partitions (explicit ones, or
 * those a consumer group gives), one row per message, with the offsets,
 * the duplicate filter's marks and the aggregate state saved together in
 * one atomic checkpoint per tick.  Offsets are never committed to Kafka
 * (enable.auto.commit=false, enable.auto.offset.store=false): the
 * checkpoint alone says what has been counted, so a restart after kill -9
 * counts every message exactly once.
 *
 * Checkpoint lines (inside reduce's checkpoint, see agg.h):
 *   ext,kafka,TOPIC,PARTITION,LAST,HWM,DUPS
 * LAST is the offset of the last message counted; HWM the highest message
 * id seen in the partition (empty without --dedup-col); DUPS the
 * duplicates dropped there.
 *
 * With a state directory (--state-dir), every partition has its own
 * aggregate state and its own checkpoint, DIR/TOPIC.PARTITION.ckpt (that
 * partition's state and its one ext line), written while its owner holds
 * an flock(2) on DIR/TOPIC.PARTITION.lock.  A partition that moves to
 * another group member is taken over from that checkpoint, so it is
 * counted once however often it moves. */
#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "spec.h"

#define KIN_MAXPARTS	1024	/* partition ids 0..KIN_MAXPARTS-1 */

struct agg;
struct kafka_opts;
struct opts;

struct kin_conf {
	const struct kafka_opts *kafka;	/* -b, -t, -X, -F (kafkaconf.h) */
	const char *topic;	/* kafka->topic */
	const char *group;	/* -G: subscribe as this group; NULL: assign */
	int32_t parts[KIN_MAXPARTS];	/* --partitions */
	size_t nparts;
	const char *header;	/* rows without an li.header header */
	const char *dedup_col;	/* message id column; NULL: no dedup */
	const char *state_dir;	/* --state-dir: a checkpoint per partition */
	int exit_eof;		/* -e: stop at the end of every partition */
	/* From reduce's own options. */
	const char *outdir, *ckpt, *tscol;
	double tick;
	unsigned long long tick_rows;
	size_t max_record;
	int nosync, quiet, verbose, debug;
	/* Windows, --watermark, --since, --until, the closed-windows
	 * directory (opts.h): setup_windows(agg, opts, resumed) is called
	 * on the state once loaded (input_setup_windows; NULL: none). */
	const struct opts *opts;
	void (*setup_windows)(struct agg *, const struct opts *, int);
};

/* Parse "0,2,4" or "0-2,5" into parts (sorted, no duplicates).  Returns 0,
 * or -1 when it is not such a list of ids below KIN_MAXPARTS. */
int kin_parse_partitions(const char *s, int32_t *parts, size_t *n);

/* The consumer configuration of c: reduce's defaults, then -b, then the
 * -X and -F properties in order (lib/kafkaconf.h).  A bad property, or
 * one that would let Kafka keep the offsets, exits 2 with the message.
 * The caller owns the result (rd_kafka_new or rd_kafka_conf_destroy). */
rd_kafka_conf_t *kin_conf(const struct kin_conf *c);

/* Run: consume, aggregate, write a snapshot and the checkpoint every tick,
 * until SIGINT/SIGTERM (or the end of every partition with exit_eof).
 * Exits with a message on failure (err/errx); returns 0. */
int kin_run(const struct kin_conf *kc, const struct spec *sp);

/* Check the ext lines of a partition checkpoint (DIR/TOPIC.PART.ckpt):
 * exactly one Kafka position, of topic's partition part.  Fills last, hwm,
 * has_hwm and dups.  Returns 0, or -1 with a message (without the path)
 * in err. */
int kin_part_ext(const char *ext, size_t extlen, const char *topic,
    int32_t part, int64_t *last, int64_t *hwm, int *has_hwm, uint64_t *dups,
    char *err, size_t errlen);

/* Merging checkpoints: note the Kafka partitions that the checkpoint at
 * path counted (its ext lines).  Returns 0, or -1 with a message in err
 * when one of them is counted by a checkpoint noted before. */
struct kin_merge;
struct kin_merge *kin_merge_new(void);
int kin_merge_note(struct kin_merge *m, const char *path, const char *ext,
    size_t extlen, char *err, size_t errlen);
/* Every noted ext line, for the merged checkpoint (owned by m). */
const char *kin_merge_ext(const struct kin_merge *m, size_t *len);
void kin_merge_free(struct kin_merge *m);

#endif
