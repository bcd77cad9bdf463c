#ifndef M2K_INVOICE_H
#define M2K_INVOICE_H
/* Checkout messages and invoice documents: parse the till's text form or
 * the JSON form, price against the catalogue, and write the invoice as JSON
 * (for Kafka) or BSON (for the archive).  Nothing here allocates except
 * inv_bson, nothing prints. */
#include <stddef.h>
#include <stdint.h>

#include <bson.h>

#include "catalog.h"
#include "timefield.h"

#define INV_MAXNAME	64	/* bytes in a name, a phone or an item name */
#define INV_MAXITEMS	256	/* distinct items in one invoice */
#define INV_MAXUNITS	1024	/* items in one invoice, repeats included */
#define INV_IDLEN	32	/* hex digits of a MessageId */

struct inv_item {
	char name[INV_MAXNAME + 1];
	long cat;		/* catalogue index, or -1 when unknown */
	int32_t qty;
};

struct invoice {
	char first[INV_MAXNAME + 1];
	char last[INV_MAXNAME + 1];
	char phone[INV_MAXNAME + 1];
	int has_ts;		/* ts came from the message (JSON Timestamp) */
	int ts_utc;		/* that Timestamp ended in 'Z': ts is UTC */
	struct li_tm ts;
	size_t nitems;		/* distinct items, in order of first sight */
	struct inv_item items[INV_MAXITEMS];
	size_t nunknown;	/* units of unknown items */
	int64_t total;		/* paise, known items only */
};

/* Check that p[0..len) is valid UTF-8 (no overlongs, no surrogates).
 * Returns -1 when it is, else the offset of the first bad byte. */
long inv_utf8_check(const char *p, size_t len);

/* Parse a checkout message, text ("First Last Phone item1,item2,...",
 * optionally ending in " #SEQ") or JSON (starts with '{').  Prices items
 * against cat.  Returns 0, or -1 with a reason in why ("bad phone number")
 * when the message is not an invoice; unknown items are not an error. */
int inv_parse(const char *p, size_t len, const struct catalog *cat,
    struct invoice *inv, char *why, size_t whylen);

/* The MessageId of a message: 32 hex digits of a 128-bit hash of the topic
 * and the payload bytes, written with a NUL into id (INV_IDLEN + 1 bytes).
 * Returns its first 64 bits (for dedup sets). */
uint64_t inv_message_id(const char *topic, const char *p, size_t len,
    char *id);

/* The date and time an invoice is filed under, in the store's local time:
 * its own Timestamp as written (a zone-less Timestamp is the till's wall
 * time), a Timestamp in UTC ("...Z") or else the receive time (seconds
 * since the epoch) turned into the local time of the process's TZ. */
void inv_when(const struct invoice *inv, int64_t recv_secs, struct li_tm *t);

/* Write the invoice document as one line of JSON (no newline) into buf.
 * Returns its length, or 0 when it does not fit in cap. */
size_t inv_json(const struct invoice *inv, const struct catalog *cat,
    int64_t invno, const char *id, const struct li_tm *when, char *buf,
    size_t cap);

/* Append the invoice document's fields to doc (money as Decimal128).
 * Returns 0, or -1 when the document grew too large. */
int inv_bson(const struct invoice *inv, const struct catalog *cat,
    int64_t invno, const char *id, const struct li_tm *when, bson_t *doc);

/* Append s[0..len) to buf as a JSON string with quotes; bytes that are not
 * valid UTF-8 become \u00XX.  Returns 0, or -1 when it does not fit. */
int inv_json_str(char *buf, size_t cap, size_t *n, const char *s, size_t len);

#endif
