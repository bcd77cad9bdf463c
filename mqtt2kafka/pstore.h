#ifndef M2K_PSTORE_H
#define M2K_PSTORE_H
/* paho's persistence interface on one append-only log file instead of a
 * file per message: a put is one writev(2), written before paho returns
 * to it; the remove of a message handed to the callback ("q-" keys) is
 * held back and written with the next put (or when 4 KiB of them wait, or
 * at close), so a crash can bring such a message back (a duplicate, never
 * a loss).  The log is replayed at open, emptied when nothing is live and
 * rewritten when it grows.  A torn record at the end is ignored.  Like paho's own file
 * store it does not fsync: it survives a killed process, not a power
 * loss. */
#include <MQTTClientPersistence.h>

/* Fill p to keep paho's store in the file at path (path is borrowed and
 * must outlive the client).  Pass p to MQTTClient_create with
 * MQTTCLIENT_PERSISTENCE_USER.  Returns 0 or -1 (ENOMEM). */
int pstore_init(MQTTClient_persistence *p, const char *path);

/* Free what pstore_init allocated (after MQTTClient_destroy). */
void pstore_fini(MQTTClient_persistence *p);

#endif
