#ifndef M2K_JOURNAL_H
#define M2K_JOURNAL_H
/* The bridge's journal: every MQTT message is appended here before paho
 * acknowledges it, and a segment file is removed only when every message
 * in it has been delivered to Kafka (or handled as a dead letter).
 * Segments are reserved ahead (fallocate, the size unchanged) so that an
 * append does not meet a full disk.  Segments left behind by a crash are
 * replayed at start.  Records carry a checksum; a torn record at the end
 * of a segment is ignored.  Segments are created mode 0600.  All
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
 * number of records, or -1 with errno set: EINTR when fn returned -1,
 * else the error that stopped the reading of a segment (journal_error
 * names it; the segment is kept). */
long journal_replay(struct journal *j, int (*fn)(void *, uint32_t,
    const struct jrec *), void *arg);

/* Open a new segment with seg_bytes reserved (fallocate, the file's size
 * unchanged), so that appends up to there cannot fail for want of space;
 * a file system that cannot reserve is used without.  Done by
 * journal_append when needed; call it at start to find a full or
 * read-only directory before taking messages.  Returns 0 or -1 with errno
 * set (journal_error names the file). */
int journal_prepare(struct journal *j);

/* When less than half a segment of reserved space is left, create and
 * reserve the next segment now, so that a full disk stops intake while
 * the current reservation still has room.  Returns 0 (done or not
 * needed), or -1 with errno set (journal_error names the file). */
int journal_reserve_ahead(struct journal *j);

/* Append a record and write it to the segment (not synced), rolling to
 * the next segment when the current reservation cannot hold it.  Returns
 * the segment number, or -1 with errno set (journal_error names the
 * file). */
int64_t journal_append(struct journal *j, const struct jrec *r);

/* One record of segment seg is delivered. */
void journal_done(struct journal *j, uint32_t seg);

/* fdatasync the current segment when it has unsynced records.  Returns 0
 * or -1 with errno set (journal_error names the file). */
int journal_sync(struct journal *j);

/* Bytes in live segments (back-pressure). */
uint64_t journal_bytes(struct journal *j);

/* Space goes back a whole segment at a time, when it is rolled and all
 * its records are done: when every record of the current segment is
 * done, roll it now (synced, then removed), so that a back-pressure limit
 * below a segment's size does not wait for ever.  Returns 1 when it did,
 * 0 when there was nothing to give back, -1 with errno set (journal_error
 * names the file). */
int journal_release(struct journal *j);

/* The file of the last failure (the directory when none is known). */
const char *journal_error(struct journal *j);

/* Sync and close; remove every segment whose records are all done.
 * Returns 0, or -1 with "file: reason" in err when the last sync failed
 * (j is freed either way). */
int journal_close(struct journal *j, char *err, size_t errlen);

#endif
