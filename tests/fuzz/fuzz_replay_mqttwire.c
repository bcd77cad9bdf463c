/* replay/mqttwire: mqw_parse over any bytes a broker might send (a stream
 * of packets, as replay reads them), and PUBLISH/CONNECT encodings parsed
 * back whole, with every proper prefix incomplete. */
#include "fuzz.h"
#include "mqttwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The stream as replay's reader walks it: each packet within the bytes
 * given, its length what its header says, an acknowledgement's id its two
 * bytes, and mqw_ack writing it back the same. */
static void
walk(const uint8_t *data, size_t size, size_t max)
{
	struct mqw_pkt pk;
	size_t at = 0, hl;
	long n;
	char ack[MQW_ACK_LEN];

	while (at < size) {
		n = mqw_parse(data + at, size - at, max, &pk);
		if (n <= 0)
			return;
		if ((size_t)n > size - at || (size_t)n > max)
			abort();
		for (hl = 1; hl < 5 && (data[at + hl] & 128); hl++)
			;
		if (1 + hl + pk.remaining != (size_t)n)
			abort();
		switch (pk.type) {
		case MQW_PUBACK:
		case MQW_PUBREC:
		case MQW_PUBREL:
		case MQW_PUBCOMP:
			if (pk.id != (data[at + 1 + hl] << 8 |
			    data[at + 2 + hl]))
				abort();
			mqw_ack(ack, pk.type, pk.id);
			if (hl == 1 && memcmp(ack + 1, data + at + 1, 3) != 0)
				abort();
			break;
		case MQW_CONNACK:
		case MQW_PINGRESP:
		case MQW_PUBLISH:
			break;
		default:
			abort();
		}
		at += (size_t)n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[70000];
	struct mqw_pkt pk;
	size_t tl, pl, len, i;
	int qos;

	walk(data, size, 16384);
	walk(data, size, 8);
	if (size < 3)
		return 0;
	/* data[0]: QoS and the split of the rest into topic and payload. */
	qos = data[0] % 3;
	tl = (size - 2) * data[1] / 256;
	pl = size - 2 - tl;
	len = mqw_publish_len(tl, pl, qos);
	if (len == 0 || len > sizeof(buf))
		abort();
	if (mqw_publish(buf, (const char *)data + 2, tl, data + 2 + tl, pl,
	    qos, (uint16_t)(data[0] | 1), data[0] & 8) != len)
		abort();
	if (mqw_parse((const unsigned char *)buf, len, len, &pk) != (long)len ||
	    pk.type != MQW_PUBLISH || pk.remaining != len - 1 -
	    (pk.remaining < 128 ? 1 : pk.remaining < 16384 ? 2 : 3))
		abort();
	if (((buf[0] >> 1) & 3) != qos)
		abort();
	for (i = 0; i < len; i++)
		if (mqw_parse((const unsigned char *)buf, i, len, &pk) != 0)
			abort();
	return 0;
}
