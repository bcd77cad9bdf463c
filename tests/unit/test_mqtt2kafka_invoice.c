/* Tests of mqtt2kafka/invoice.c: parsing the till's text and JSON forms,
 * pricing, MessageId stability, the JSON document and a BSON round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../mqtt2kafka/invoice.h"
#include "money.h"

static struct invoice inv;

static void
test_parse_table(void **state)
{
	static char longname[200], longmsg[5000];
	static const struct {
		const char *in;
		int ok;
		const char *why;	/* prefix of the reason when not ok */
		size_t nitems, nunknown;
		int64_t total;
	} cases[] = {
		{ "Aarav Rao 6123456789 tv", 1, NULL, 1, 0, 2999999 },
		{ "Aarav Rao 6123456789 tv,tv,mouse", 1, NULL, 2, 0,
		    2 * 2999999 + 134999 },
		{ "Aarav Rao 6123456789 tv, mouse \r\n", 1, NULL, 2, 0,
		    2999999 + 134999 },
		{ "Aarav Rao +916123456789 book #17", 1, NULL, 1, 0, 24999 },
		{ "Aarav  Rao 6123456789 tv,unicorn,unicorn", 1, NULL, 2, 2,
		    2999999 },
		{ "Ānanyā Rāo 6123456789 book", 1, NULL, 1, 0, 24999 },
		{ "{\"FirstName\":\"A\",\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\",\"Items\":[\"tv\",\"tv\"],\"Timestamp\":"
		    "\"2024-02-29 10:11:12\"}", 1, NULL, 1, 0, 2 * 2999999 },
		{ "{\"FirstName\":\"A\",\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\",\"Items\":[\"zz\"]}", 1, NULL, 1, 1, 0 },
		{ "", 0, "empty message", 0, 0, 0 },
		{ "   \n", 0, "empty message", 0, 0, 0 },
		{ "Aarav Rao", 0, "expected", 0, 0, 0 },
		{ "Aarav Rao 6123456789", 0, "no items", 0, 0, 0 },
		{ "Aarav Rao 61234x6789 tv", 0, "bad phone number", 0, 0, 0 },
		{ "Aarav Rao 12 tv", 0, "bad phone number", 0, 0, 0 },
		{ "Aarav Rao 6123456789 tv,,mouse", 0, "empty item name (item 2)",
		    0, 0, 0 },
		{ "Aarav Rao 6123456789 tv,", 0, "empty item name", 0, 0, 0 },
		{ "Aarav Rao 6123456789 \xff\xfe", 0, "not valid UTF-8 at byte 21",
		    0, 0, 0 },
		{ "Aarav \xc0\xaf 6123456789 tv", 0, "not valid UTF-8 at byte 6",
		    0, 0, 0 },
		{ "Aarav Rao 6123456789 t\x01v", 0, "control character", 0, 0, 0 },
		{ longname, 0, "first name longer than 64 bytes", 0, 0, 0 },
		{ longmsg, 0, "more than 1024 items", 0, 0, 0 },
		{ "{\"FirstName\":\"A\"", 0, "bad JSON", 0, 0, 0 },
		{ "{\"FirstName\":\"A\",\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\",\"Items\":[]}", 0, "no items", 0, 0, 0 },
		{ "{\"FirstName\":\"A\",\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\",\"Items\":[1]}", 0, "item 1 is not a string",
		    0, 0, 0 },
		{ "{\"FirstName\":\"A\",\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\"}", 0, "missing Items", 0, 0, 0 },
		{ "{\"FirstName\":\"A\",\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\",\"Items\":[\"tv\"],\"Shop\":1}", 0,
		    "unknown field Shop", 0, 0, 0 },
		{ "{\"FirstName\":\"A\",\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\",\"Items\":[\"tv\"],\"Timestamp\":\"2023-02-29"
		    " 10:00:00\"}", 0, "bad Timestamp", 0, 0, 0 },
		{ "{\"FirstName\":7,\"LastName\":\"B\",\"PhoneNumber\":"
		    "\"6123456789\",\"Items\":[\"tv\"]}", 0,
		    "FirstName is not a string", 0, 0, 0 },
	};
	char why[256];
	size_t i, n;

	(void)state;
	memset(longname, 'a', 100);
	strcpy(longname + 100, " Rao 6123456789 tv");
	n = (size_t)sprintf(longmsg, "A B 6123456789 tv");
	for (i = 0; i < 1100; i++)
		n += (size_t)sprintf(longmsg + n, ",x");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = inv_parse(cases[i].in, strlen(cases[i].in),
		    catalog_builtin(), &inv, why, sizeof(why));
		if ((rc == 0) != cases[i].ok) {
			print_error("case %zu <%.60s>: rc %d (%s)\n", i,
			    cases[i].in, rc, rc ? why : "");
			fail();
		}
		if (!cases[i].ok) {
			if (strncmp(why, cases[i].why, strlen(cases[i].why))) {
				print_error("case %zu: reason <%s>\n", i, why);
				fail();
			}
			continue;
		}
		assert_int_equal(inv.nitems, cases[i].nitems);
		assert_int_equal(inv.nunknown, cases[i].nunknown);
		assert_int_equal(inv.total, cases[i].total);
	}
}

static void
test_message_id(void **state)
{
	char a[INV_IDLEN + 1], b[INV_IDLEN + 1], c[INV_IDLEN + 1];
	const char *m = "Aarav Rao 6123456789 tv #1";

	(void)state;
	inv_message_id("invoices", m, strlen(m), a);
	inv_message_id("invoices", m, strlen(m), b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), INV_IDLEN);
	/* Another topic, another payload: another id. */
	inv_message_id("till/2", m, strlen(m), c);
	assert_string_not_equal(a, c);
	inv_message_id("invoices", "Aarav Rao 6123456789 tv #2", strlen(m), c);
	assert_string_not_equal(a, c);
	/* Stable across builds and machines. */
	assert_string_equal(a, "3e046ed1324a504234b6ee96d3238cbb");
}

/* Date, Time and DayOfWeek are the local time of TZ (issue 13). */
static void
test_when_local(void **state)
{
	const char *text = "Aarav Rao 6123456789 tv";
	const char *utc = "{\"FirstName\":\"A\",\"LastName\":\"B\","
	    "\"PhoneNumber\":\"6123456789\",\"Items\":[\"tv\"],"
	    "\"Timestamp\":\"2026-12-02T19:00:00Z\"}";
	const char *wall = "{\"FirstName\":\"A\",\"LastName\":\"B\","
	    "\"PhoneNumber\":\"6123456789\",\"Items\":[\"tv\"],"
	    "\"Timestamp\":\"2026-12-02 19:00:00\"}";
	const int64_t t = 1796238000;	/* 2026-12-02 19:00:00 UTC */
	char why[256], got[TM_BUFSZ];
	struct li_tm when;

	(void)state;
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	assert_int_equal(inv_parse(text, strlen(text), catalog_builtin(), &inv,
	    why, sizeof(why)), 0);
	inv_when(&inv, t, &when);
	tm_fmt_iso(&when, got);
	assert_string_equal(got, "2026-12-03 00:30:00");
	assert_int_equal(inv_parse(utc, strlen(utc), catalog_builtin(), &inv,
	    why, sizeof(why)), 0);
	inv_when(&inv, 0, &when);
	tm_fmt_iso(&when, got);
	assert_string_equal(got, "2026-12-03 00:30:00");
	/* A zone-less Timestamp is the till's wall time, kept. */
	assert_int_equal(inv_parse(wall, strlen(wall), catalog_builtin(), &inv,
	    why, sizeof(why)), 0);
	inv_when(&inv, 0, &when);
	tm_fmt_iso(&when, got);
	assert_string_equal(got, "2026-12-02 19:00:00");
	setenv("TZ", "America/New_York", 1);
	tzset();
	assert_int_equal(inv_parse(text, strlen(text), catalog_builtin(), &inv,
	    why, sizeof(why)), 0);
	inv_when(&inv, t + 34200, &when);	/* 04:30 UTC on 3 December */
	tm_fmt_iso(&when, got);
	assert_string_equal(got, "2026-12-02 23:30:00");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_json_document(void **state)
{
	const char *m = "Aarav Rao 6123456789 mouse,tv,mouse,banana,unicorn";
	char why[256], buf[4096], id[INV_IDLEN + 1];
	struct li_tm when;
	size_t n;

	(void)state;
	assert_int_equal(inv_parse(m, strlen(m), catalog_builtin(), &inv, why,
	    sizeof(why)), 0);
	inv_message_id("invoices", m, strlen(m), id);
	/* 2024-03-01 is a Friday. */
	inv_when(&inv, 1709287200, &when);
	n = inv_json(&inv, catalog_builtin(), 42, "ID", &when, buf,
	    sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(buf, "{\"InvoiceNo\":42,\"MessageId\":\"ID\","
	    "\"FirstName\":\"Aarav\",\"LastName\":\"Rao\",\"PhoneNumber\":"
	    "\"6123456789\",\"Date\":\"2024-03-01\",\"Time\":\"10:00:00\","
	    "\"DayOfWeek\":\"Friday\",\"Items\":{\"mouse\":2,\"tv\":1,"
	    "\"banana\":1},\"SubTotal\":{\"mouse\":2699.98,\"tv\":29999.99,"
	    "\"banana\":3.00},\"Aisle_visited\":[\"Electronics\",\"Grocery\"],"
	    "\"Total\":32702.97,\"UnknownItems\":[\"unicorn\"]}");
	/* Too small a buffer fails cleanly. */
	assert_int_equal(inv_json(&inv, catalog_builtin(), 42, "ID", &when,
	    buf, 40), 0);
}

static void
test_json_escape(void **state)
{
	char buf[64];
	size_t n = 0;

	(void)state;
	assert_int_equal(inv_json_str(buf, sizeof(buf), &n, "a\"b\\c\n\xff\xc3\xa9",
	    9), 0);
	assert_string_equal(buf, "\"a\\\"b\\\\c\\u000a\\u00ff\xc3\xa9\"");
	n = 0;
	assert_int_equal(inv_json_str(buf, 4, &n, "abcdef", 6), -1);
}

static void
test_bson_round_trip(void **state)
{
	const char *m = "{\"FirstName\":\"Diya\",\"LastName\":\"Nair\","
	    "\"PhoneNumber\":\"9123456789\",\"Items\":[\"laptop\",\"book\","
	    "\"book\"],\"Timestamp\":\"2023-12-31 20:59:59\"}";
	char why[256], num[BSON_DECIMAL128_STRING];
	struct li_tm when;
	bson_t *doc = bson_new();
	bson_iter_t it, sub;
	bson_decimal128_t d;
	int64_t paise;

	(void)state;
	assert_int_equal(inv_parse(m, strlen(m), catalog_builtin(), &inv, why,
	    sizeof(why)), 0);
	inv_when(&inv, 0, &when);
	assert_int_equal(inv_bson(&inv, catalog_builtin(), 7, "X", &when, doc),
	    0);
	assert_true(bson_validate(doc, BSON_VALIDATE_UTF8, NULL));
	assert_true(bson_iter_init_find(&it, doc, "InvoiceNo"));
	assert_int_equal(bson_iter_int64(&it), 7);
	assert_true(bson_iter_init_find(&it, doc, "Date"));
	assert_string_equal(bson_iter_utf8(&it, NULL), "2023-12-31");
	assert_true(bson_iter_init_find(&it, doc, "DayOfWeek"));
	assert_string_equal(bson_iter_utf8(&it, NULL), "Sunday");
	assert_true(bson_iter_init_find(&it, doc, "Items"));
	assert_true(bson_iter_recurse(&it, &sub));
	assert_true(bson_iter_find(&sub, "book"));
	assert_int_equal(bson_iter_int32(&sub), 2);
	assert_true(bson_iter_init_find(&it, doc, "Total"));
	assert_true(BSON_ITER_HOLDS_DECIMAL128(&it));
	bson_iter_decimal128(&it, &d);
	bson_decimal128_to_string(&d, num);
	assert_int_equal(money_parse(num, strlen(num), &paise), 0);
	assert_int_equal(paise, 5632499 + 2 * 24999);
	assert_false(bson_iter_init_find(&it, doc, "UnknownItems"));
	bson_destroy(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_message_id),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_when_local),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_bson_round_trip),
	};

	/* The receive time's date is local time: pin the zone. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
