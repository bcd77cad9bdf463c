#ifndef M2K_JOURNAL_H
#define M2K_JOURNAL_H
/* The bridge's journal: every MQTT message is appended here before the
 * bridge lets paho forget it, and a segment file is removed only when every
 * message in it has been delivered to Kafka (or handled as a dead letter).
 * Segments left behind by a crash are replayed at start.  Records carry a
 * checksum; a torn record at the end of a segment is ignored.  All
 * functions are thread-safe. */
#include <stddef.h>
#include <stdint.h>

struct jrec {
	int64_t invno;		/* InvoiceNo given, 0 for a dead letter */
	int64_t recv_ns;	/* receive time, ns since the epoch */
	const char *topic;
	size_t topiclen;
	const char *payload;
	size_t len;
};

struct journal;

/* Open the journal in dir (created when absent); segments roll at about
 * seg_bytes.  Returns NULL with a reason in err. */
struct journal *journal_open(const char *dir, size_t seg_bytes, char *err,
    size_t errlen);

/* Call fn for every record of the segments found at open, oldest first.
 * fn gets the segment number to hand back to journal_done.  Returns the
 * number of records, or -1 when fn returned -1. */
long journal_replay(struct journal *j, int (*fn)(void *, uint32_t,
    const struct jrec *), void *arg);

/* Append a record and write it to the segment (not synced).  Returns the
 * segment number, or -1 with errno set. */
int64_t journal_append(struct journal *j, const struct jrec *r);

/* One record of segment seg is delivered. */
void journal_done(struct journal *j, uint32_t seg);

/* fdatasync the current segment when it has unsynced records.  Returns 0
 * or -1 with errno set. */
int journal_sync(struct journal *j);

/* Bytes in live segments (back-pressure). */
uint64_t journal_bytes(struct journal *j);

/* Sync and close; remove every segment whose records are all done. */
void journal_close(struct journal *j);

#endif
