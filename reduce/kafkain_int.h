#ifndef REDUCE_KAFKAIN_INT_H
#define REDUCE_KAFKAIN_INT_H
/* The insides of reduce's Kafka input, shared by kafkain.c (consumer,
 * rows, ticks), kafkapart.c (partition states and checkpoints) and
 * kafkaext.c (the checkpoint's Kafka positions, merging).  Not for the
 * rest of reduce. */
#include "kafkain.h"

#include <stdint.h>

#include <librdkafka/rdkafka.h>

#include "agg.h"
#include "csvio.h"

#define KIN_BATCH	4096		/* messages split at once */
#define KIN_SHOW	10		/* rejects shown before hushing */
#define KIN_CLOSE_WAIT	0.5		/* s to leave the group on a signal */

struct kpart {
	int64_t last;		/* offset of the last message counted, -1 */
	int64_t hwm;		/* highest message id seen */
	int has_hwm;
	uint64_t dups;		/* duplicates dropped */
	int owned;		/* assigned to us now */
	int eof;		/* at the end of the partition */
	/* With --state-dir: */
	struct agg *agg;	/* this partition's state while owned */
	int lockfd;		/* its lock file, flocked while owned; -1 */
	int dirty;		/* counted since its checkpoint was saved */
};

struct kin {
	const struct kin_conf *c;
	const struct spec *sp;
	/* The state counted into; with --state-dir, the merge of the owned
	 * partitions' states, made again at each tick that needs it. */
	struct agg *agg;
	int rebind;		/* a partition state lacks the header */
	int moved;		/* partitions taken or given up since the tick */
	rd_kafka_t *rk;
	struct kpart p[KIN_MAXPARTS];
	rd_kafka_message_t *batch[KIN_BATCH];
	size_t nb;
	uint32_t *msgof;	/* message index of each fed row */
	uint64_t *start;	/* its byte offset in buf */
	const char *pre[KIN_BATCH];	/* why a message was turned down */
	char *buf;
	size_t len, cap;
	int mfd;
	struct csvio_reader *rd;
	char *hdr;		/* the header bound now */
	size_t hdrlen;
	long dedup_idx;
	char input[300];	/* "kafka:TOPIC" in the checkpoint */
	uint64_t dups, shown, since_tick, tickno, counted;
	uint64_t written_rows, written_rej, written_counted;
	int written;
	double next_tick;
};


/* ==== kafkaext.c: Kafka positions in checkpoints ======================== */

/* One "ext,kafka,..." line (NUL-terminated, no line break) into its
 * fields (pointing into line).  Returns 0, 1 for an ext line of another
 * kind, -1 when bad. */
int kin_ext_parse(char *line, char **topic, long long *part,
    long long *last, long long *hwm, int *has_hwm, long long *dups);
/* The ext lines of the partitions counted so far (only: all when -1, or
 * just that one), in a buffer the caller frees. */
char *kin_ext(struct kin *K, int only, size_t *len);
/* Apply the ext lines of a loaded checkpoint (ext is modified). */
void kin_restore(struct kin *K, char *ext, size_t extlen);

/* ==== kafkapart.c: partition states (--state-dir) ======================= */

/* The state that rows of partition part go to. */
struct agg *kin_agg(struct kin *K, int32_t part);
/* Save the instance's checkpoint (--checkpoint). */
void kin_save(struct kin *K);
/* Take partition part over (lock, load its checkpoint); returns the
 * offset to read from. */
int64_t kin_take(struct kin *K, int32_t part);
/* Save partition part if it changed and let its lock go. */
void kin_give_up(struct kin *K, int32_t part);
/* Save the changed partitions and make K->agg again from the owned
 * ones.  Returns 1 when the snapshot must be written. */
int kin_tick_parts(struct kin *K);

#endif
