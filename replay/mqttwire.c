/* MQTT 3.1.1 packets for a publisher: CONNECT, PUBLISH, the acknowledgements,
 * PINGREQ and DISCONNECT out; CONNACK, the acknowledgements and PINGRESP
 * in (OASIS MQTT 3.1.1, section 2 and 3). */
#include "mqttwire.h"

#include <string.h>

/* Bytes the remaining length rl takes (1 to 4). */
static size_t
varlen_size(size_t rl)
{
	return rl < 128 ? 1 : rl < 16384 ? 2 : rl < 2097152 ? 3 : 4;
}

static char *
put_varlen(char *b, size_t rl)
{
	do {
		unsigned char d = rl % 128;
		rl /= 128;
		if (rl > 0)
			d |= 128;
		*b++ = (char)d;
	} while (rl > 0);
	return b;
}

static char *
put_u16(char *b, unsigned v)
{
	*b++ = (char)(v >> 8);
	*b++ = (char)(v & 0xff);
	return b;
}

static char *
put_str(char *b, const char *s, size_t n)
{
	b = put_u16(b, (unsigned)n);
	memcpy(b, s, n);
	return b + n;
}

size_t
mqw_publish_len(size_t topiclen, size_t len, int qos)
{
	size_t rl;

	if (topiclen > 65535 || len > MQW_MAX_REMAINING)
		return 0;
	rl = 2 + topiclen + (qos > 0 ? 2 : 0) + len;
	if (rl > MQW_MAX_REMAINING)
		return 0;
	return 1 + varlen_size(rl) + rl;
}

size_t
mqw_publish(char *buf, const char *topic, size_t topiclen, const void *p,
    size_t len, int qos, uint16_t id, int dup)
{
	size_t rl = 2 + topiclen + (qos > 0 ? 2 : 0) + len;
	char *b = buf;

	*b++ = (char)(MQW_PUBLISH << 4 | (dup && qos > 0 ? 0x08 : 0) |
	    (qos & 3) << 1);
	b = put_varlen(b, rl);
	b = put_str(b, topic, topiclen);
	if (qos > 0)
		b = put_u16(b, id);
	if (len > 0)
		memcpy(b, p, len);
	return (size_t)(b - buf) + len;
}

static size_t
connect_rl(const char *client_id, const char *user, const char *password)
{
	/* "MQTT", level, flags, keepalive; then the payload. */
	size_t rl = 6 + 1 + 1 + 2 + 2 + strlen(client_id);

	if (user != NULL)
		rl += 2 + strlen(user);
	if (password != NULL)
		rl += 2 + strlen(password);
	return rl;
}

size_t
mqw_connect_len(const char *client_id, const char *user, const char *password)
{
	size_t rl;

	if (strlen(client_id) > 65535 || (user != NULL && strlen(user) > 65535) ||
	    (password != NULL && strlen(password) > 65535))
		return 0;
	rl = connect_rl(client_id, user, password);
	return 1 + varlen_size(rl) + rl;
}

size_t
mqw_connect(char *buf, const char *client_id, const char *user,
    const char *password, int keepalive, int clean)
{
	size_t rl = connect_rl(client_id, user, password);
	char *b = buf;
	int fl = clean ? 0x02 : 0;

	if (user != NULL)
		fl |= 0x80;
	if (password != NULL)
		fl |= 0x40;
	*b++ = (char)(MQW_CONNECT << 4);
	b = put_varlen(b, rl);
	b = put_str(b, "MQTT", 4);
	*b++ = 4;			/* protocol level: 3.1.1 */
	*b++ = (char)fl;
	b = put_u16(b, keepalive < 0 ? 0 : keepalive > 65535 ? 65535 :
	    (unsigned)keepalive);
	b = put_str(b, client_id, strlen(client_id));
	if (user != NULL)
		b = put_str(b, user, strlen(user));
	if (password != NULL)
		b = put_str(b, password, strlen(password));
	return (size_t)(b - buf);
}

size_t
mqw_ack(char *buf, int type, uint16_t id)
{
	/* PUBREL has the reserved flags 0010. */
	buf[0] = (char)(type << 4 | (type == MQW_PUBREL ? 0x02 : 0));
	buf[1] = 2;
	put_u16(buf + 2, id);
	return 4;
}

size_t
mqw_short(char *buf, int type)
{
	buf[0] = (char)(type << 4);
	buf[1] = 0;
	return 2;
}

long
mqw_parse(const unsigned char *buf, size_t len, size_t max,
    struct mqw_pkt *pk)
{
	size_t rl = 0, i, mul = 1;

	if (len < 2)
		return 0;
	for (i = 1;; i++) {
		if (i > 4)
			return -1;
		if (i >= len)
			return 0;
		rl += (size_t)(buf[i] & 127) * mul;
		mul *= 128;
		if (!(buf[i] & 128))
			break;
	}
	memset(pk, 0, sizeof(*pk));
	pk->type = buf[0] >> 4;
	pk->flags = buf[0] & 15;
	pk->remaining = rl;
	switch (pk->type) {
	case MQW_CONNACK:
	case MQW_PUBACK:
	case MQW_PUBREC:
	case MQW_PUBREL:
	case MQW_PUBCOMP:
		if (rl != 2)
			return -1;
		break;
	case MQW_PINGRESP:
		if (rl != 0)
			return -1;
		break;
	case MQW_PUBLISH:	/* not for a publisher; skipped */
		break;
	default:
		return -1;
	}
	if (1 + i + rl > max)
		return -1;
	if (len < 1 + i + rl)
		return 0;
	if (pk->type == MQW_CONNACK)
		pk->connack_rc = buf[i + 2];
	else if (rl == 2)
		pk->id = (uint16_t)(buf[i + 1] << 8 | buf[i + 2]);
	return (long)(1 + i + rl);
}
