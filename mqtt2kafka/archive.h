#ifndef M2K_ARCHIVE_H
#define M2K_ARCHIVE_H
/* The invoice archive: BSON documents one after another (what bsondump and
 * mongorestore read), appended only when their MessageId is new, synced in
 * batches.  Also the reader behind mqtt2kafka --dump. */
#include <stdint.h>
#include <stdio.h>

#include <bson.h>

struct archive;

/* Open (create) the archive at path, load the MessageIds already in it,
 * and cut off a torn document at its end.  Returns NULL with a reason in
 * err. */
struct archive *archive_open(const char *path, char *err, size_t errlen);

/* Append doc unless its MessageId (first 64 bits: key) is already there.
 * Returns 1 when written, 0 for a duplicate, -1 on a write error. */
int archive_add(struct archive *a, uint64_t key, const bson_t *doc);

/* Flush and fdatasync.  Returns 0 or -1 with errno set. */
int archive_sync(struct archive *a);

/* Documents in the archive. */
uint64_t archive_count(const struct archive *a);

/* Sync and close.  Returns 0 or -1. */
int archive_close(struct archive *a);

/* Print the archive at path to out, one invoice a line: CSV with a header
 * (json 0) or JSON lines (json 1).  Returns the number of documents, or -1
 * with a reason in err. */
long archive_dump(const char *path, int json, FILE *out, char *err,
    size_t errlen);

/* 64-bit dedup key of a MessageId string (its first 16 hex digits). */
uint64_t archive_key(const char *id, size_t len);

#endif
