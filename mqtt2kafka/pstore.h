#ifndef M2K_PSTORE_H
#define M2K_PSTORE_H
/* paho's persistence interface, the bridge's hook before an
 * acknowledgement.  paho 1.3.x puts a received message it queues (a "q-"
 * key) in its store before it sends the PUBACK (MQTTClient queues every
 * message; MQTTAsync only one it cannot hand to messageArrived at once),
 * so for such a message the put is the one place where the bridge sees it
 * before the broker forgets it: queue puts go to the queue hook (the
 * bridge journals the message there) and are not kept in the store at
 * all.  Everything else paho stores (QoS 2 state) is kept
 * in one of three ways:
 *   PSTORE_LOG  one append-only file (a put is one writev(2)), replayed at
 *               open, rewritten when it grows; a torn record at the end is
 *               ignored;
 *   PSTORE_DIR  a file per key in a directory;
 *   PSTORE_MEM  in memory only.
 * A failed write calls the failed hook (with the file and errno) before
 * paho goes on to acknowledge; the store never fsyncs: it survives a killed
 * process, not a power loss.  Files are created mode 0600 (they hold
 * customer data). */
#include <stddef.h>

#include <MQTTClientPersistence.h>

enum pstore_kind { PSTORE_LOG, PSTORE_DIR, PSTORE_MEM };

struct pstore_hooks {
	/* A received message (paho's bufs: payload length, payload, qos,
	 * retained, dup, msgid, topic with its NUL, topic length, ...) that
	 * paho will acknowledge when this returns 0.  Returns 0 when it is
	 * durable elsewhere, -1 to fail the put. */
	int (*queue)(void *ctx, int nbufs, char **bufs, int *lens);
	/* A write to the store failed (errno err on file path): a put,
	 * before paho acknowledges what it is for (unacked 1), or a remove
	 * (unacked 0: the entry may come back after a restart). */
	void (*failed)(void *ctx, const char *path, int err, int unacked);
	void *ctx;
	/* Allocate and free what pget and pkeys hand to paho, which frees
	 * it with its own free(): a paho built with its heap tracking (as
	 * Debian's is: no HIGH_PERFORMANCE) frees only what its own
	 * malloc() recorded and ignores the rest: with MQTTAsync, pass
	 * MQTTAsync_malloc and MQTTAsync_free.  NULL: malloc, free. */
	void *(*alloc)(size_t size);
	void (*release)(void *ptr);
};

/* Fill p to keep paho's store at path (a file for PSTORE_LOG, a directory
 * for PSTORE_DIR, unused for PSTORE_MEM; borrowed, it must outlive the
 * client).  hooks is copied; its members may be NULL.  Pass p to
 * paho's create function with MQTTCLIENT_PERSISTENCE_USER.  Every call
 * paho makes takes the store's lock (paho may call it from two threads
 * at once).  Returns 0 or -1 (ENOMEM). */
int pstore_init(MQTTClient_persistence *p, enum pstore_kind kind,
    const char *path, const struct pstore_hooks *hooks);

/* "file: reason" of the last failure (opening the store included), or
 * NULL when there was none. */
const char *pstore_error(const MQTTClient_persistence *p);

/* Free what pstore_init allocated (after paho's client is destroyed). */
void pstore_fini(MQTTClient_persistence *p);

#endif
