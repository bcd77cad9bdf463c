/* Tests of replay/mqttwire.c: MQTT 3.1.1 packets a publisher writes and
 * reads, byte for byte against the standard's layouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "../../replay/mqttwire.h"

/* PUBLISH: fixed header, topic, id at QoS > 0, payload. */
static void
test_publish(void **state)
{
	static const struct {
		int qos, dup;
		uint16_t id;
		const char *want;
		size_t wantlen;
	} t[] = {
		{ 0, 0, 9, "\x30\x07\x00\x01t" "abcd", 9 },
		{ 1, 0, 258, "\x32\x09\x00\x01t\x01\x02" "abcd", 11 },
		{ 1, 1, 65535, "\x3a\x09\x00\x01t\xff\xff" "abcd", 11 },
		{ 2, 0, 1, "\x34\x09\x00\x01t\x00\x01" "abcd", 11 },
		{ 0, 1, 1, "\x30\x07\x00\x01t" "abcd", 9 },	/* no DUP at QoS 0 */
	};
	char buf[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(mqw_publish_len(1, 4, t[i].qos), t[i].wantlen);
		n = mqw_publish(buf, "t", 1, "abcd", 4, t[i].qos, t[i].id,
		    t[i].dup);
		assert_int_equal(n, t[i].wantlen);
		assert_memory_equal(buf, t[i].want, n);
	}
}

/* The remaining length: 1 to 4 bytes, 7 bits each, low first. */
static void
test_varlen(void **state)
{
	static const struct { size_t len; size_t hdr; } t[] = {
		{ 0, 2 }, { 124, 2 }, { 125, 3 }, { 16380, 3 }, { 16381, 4 },
		{ 2097148, 4 }, { 2097149, 5 },
	};
	static char buf[2097160], p[2097160];
	struct mqw_pkt pk;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* Topic "t" (3 bytes) plus the payload, at QoS 0. */
		n = mqw_publish(buf, "t", 1, p, t[i].len, 0, 0, 0);
		assert_int_equal(n, t[i].hdr + 3 + t[i].len);
		assert_int_equal(mqw_publish_len(1, t[i].len, 0), n);
		assert_int_equal(mqw_parse((unsigned char *)buf, n, n, &pk),
		    (long)n);
		assert_int_equal(pk.type, MQW_PUBLISH);
		assert_int_equal(pk.remaining, 3 + t[i].len);
		/* One byte short: not complete yet. */
		assert_int_equal(mqw_parse((unsigned char *)buf, n - 1, n, &pk),
		    0);
	}
	assert_int_equal(mqw_publish_len(1, MQW_MAX_REMAINING, 0), 0);
	assert_int_equal(mqw_publish_len(65536, 1, 0), 0);
}

static void
test_connect(void **state)
{
	static const char anon[] =
	    "\x10\x0f\x00\x04MQTT\x04\x02\x00\x1e\x00\x03" "cid";
	static const char auth[] =
	    "\x10\x18\x00\x04MQTT\x04\xc2\x01\x2c\x00\x01" "c"
	    "\x00\x04" "till\x00\x03" "pw!";
	char buf[64];
	size_t n;

	(void)state;
	assert_int_equal(mqw_connect_len("cid", NULL, NULL), sizeof(anon) - 1);
	n = mqw_connect(buf, "cid", NULL, NULL, 30, 1);
	assert_int_equal(n, sizeof(anon) - 1);
	assert_memory_equal(buf, anon, n);
	assert_int_equal(mqw_connect_len("c", "till", "pw!"), sizeof(auth) - 1);
	n = mqw_connect(buf, "c", "till", "pw!", 300, 1);
	assert_int_equal(n, sizeof(auth) - 1);
	assert_memory_equal(buf, auth, n);
}

static void
test_acks(void **state)
{
	char buf[8];

	(void)state;
	assert_int_equal(mqw_ack(buf, MQW_PUBACK, 0x1234), 4);
	assert_memory_equal(buf, "\x40\x02\x12\x34", 4);
	assert_int_equal(mqw_ack(buf, MQW_PUBREL, 7), 4);
	assert_memory_equal(buf, "\x62\x02\x00\x07", 4);	/* flags 0010 */
	assert_int_equal(mqw_short(buf, MQW_PINGREQ), 2);
	assert_memory_equal(buf, "\xc0\x00", 2);
	assert_int_equal(mqw_short(buf, MQW_DISCONNECT), 2);
	assert_memory_equal(buf, "\xe0\x00", 2);
}

/* What a broker sends a publisher, several packets in one read. */
static void
test_parse(void **state)
{
	static const unsigned char in[] =
	    "\x20\x02\x00\x05"		/* CONNACK, not authorised */
	    "\x40\x02\x00\x01"		/* PUBACK 1 */
	    "\x50\x02\xff\xfe"		/* PUBREC 65534 */
	    "\x70\x02\x01\x00"		/* PUBCOMP 256 */
	    "\xd0\x00";			/* PINGRESP */
	static const struct { int type; uint16_t id; int rc; } want[] = {
		{ MQW_CONNACK, 0, 5 }, { MQW_PUBACK, 1, 0 },
		{ MQW_PUBREC, 65534, 0 }, { MQW_PUBCOMP, 256, 0 },
		{ MQW_PINGRESP, 0, 0 },
	};
	struct mqw_pkt pk;
	size_t at = 0, i;
	long n;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		n = mqw_parse(in + at, sizeof(in) - 1 - at, 64, &pk);
		assert_true(n > 0);
		assert_int_equal(pk.type, want[i].type);
		assert_int_equal(pk.id, want[i].id);
		assert_int_equal(pk.connack_rc, want[i].rc);
		at += (size_t)n;
	}
	assert_int_equal(at, sizeof(in) - 1);
}

static void
test_parse_bad(void **state)
{
	static const struct { const char *p; size_t len; long want; } t[] = {
		{ "", 0, 0 },
		{ "\x40", 1, 0 },			/* no length yet */
		{ "\x40\x02\x00", 3, 0 },		/* short */
		{ "\x40\x03\x00\x01\x02", 5, -1 },	/* PUBACK of 3 bytes */
		{ "\xd0\x01\x00", 3, -1 },		/* PINGRESP with a body */
		{ "\x10\x00", 2, -1 },			/* CONNECT from a broker */
		{ "\x00\x00", 2, -1 },			/* reserved type 0 */
		{ "\xf0\x00", 2, -1 },			/* reserved type 15 */
		{ "\x30\xff\xff\xff\xff\x01", 6, -1 },	/* five length bytes */
		{ "\x30\xff\xff\x7f", 4, -1 },		/* over the max given */
		{ "\x30\x80", 2, 0 },			/* length continues */
	};
	struct mqw_pkt pk;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(mqw_parse((const unsigned char *)t[i].p,
		    t[i].len, 1024, &pk), t[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_publish),
		cmocka_unit_test(test_varlen),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_acks),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
