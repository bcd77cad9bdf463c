#ifndef REPLAY_MQTTWIRE_H
#define REPLAY_MQTTWIRE_H
/* The few MQTT 3.1.1 packets a publisher needs, as pure encoding and
 * decoding over caller-owned buffers (no I/O, no allocation). */
#include <stddef.h>
#include <stdint.h>

enum {
	MQW_CONNECT = 1, MQW_CONNACK, MQW_PUBLISH, MQW_PUBACK, MQW_PUBREC,
	MQW_PUBREL, MQW_PUBCOMP, MQW_PINGREQ = 12, MQW_PINGRESP,
	MQW_DISCONNECT,
};

/* The largest remaining length MQTT can carry. */
#define MQW_MAX_REMAINING	268435455UL
/* The longest packet mqw_ack and the fixed packets write. */
#define MQW_ACK_LEN		4

/* Bytes a PUBLISH of len payload bytes to a topic of topiclen bytes takes,
 * or 0 when it is too long for MQTT. */
size_t mqw_publish_len(size_t topiclen, size_t len, int qos);
/* Write that PUBLISH into buf (mqw_publish_len bytes); id is ignored at
 * QoS 0.  Returns the bytes written. */
size_t mqw_publish(char *buf, const char *topic, size_t topiclen,
    const void *p, size_t len, int qos, uint16_t id, int dup);
/* Bytes a CONNECT takes (0: a field too long); user and password may be
 * NULL. */
size_t mqw_connect_len(const char *client_id, const char *user,
    const char *password);
/* Write a CONNECT (MQTT 3.1.1) into buf.  Returns the bytes written. */
size_t mqw_connect(char *buf, const char *client_id, const char *user,
    const char *password, int keepalive, int clean);
/* PUBACK, PUBREC, PUBREL or PUBCOMP of message id: 4 bytes. */
size_t mqw_ack(char *buf, int type, uint16_t id);
/* PINGREQ or DISCONNECT: 2 bytes. */
size_t mqw_short(char *buf, int type);

/* One packet read from the broker. */
struct mqw_pkt {
	int type;		/* MQW_* */
	int flags;		/* the low four bits of the first byte */
	uint16_t id;		/* PUBACK, PUBREC, PUBREL, PUBCOMP */
	int connack_rc;		/* CONNACK: its return code */
	size_t remaining;	/* the remaining length */
};

/* Parse the packet at the start of buf[0..len).  Returns the bytes it
 * takes, 0 when it is not complete yet, or -1 when it is malformed (a
 * length over four bytes, a short acknowledgement, a reserved type, or
 * a packet a broker never sends a publisher over max bytes long). */
long mqw_parse(const unsigned char *buf, size_t len, size_t max,
    struct mqw_pkt *pk);

#endif
