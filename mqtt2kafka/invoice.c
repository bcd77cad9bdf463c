#include "invoice.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "money.h"
#include "rng.h"

static int
fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

long
inv_utf8_check(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = p[i];
		size_t n, k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else
			return (long)i;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (long)i;
		i += n + 1;
	}
	return -1;
}

/* A name or phone: printable, no spaces, bounded. */
static int
check_word(const char *what, const char *s, size_t len, char *out,
    char *why, size_t whylen)
{
	size_t i;

	if (len == 0)
		return fail(why, whylen, "empty %s", what);
	if (len > INV_MAXNAME)
		return fail(why, whylen, "%s longer than %d bytes", what,
		    INV_MAXNAME);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(why, whylen, "control character in %s",
			    what);
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

static int
check_phone(const char *s, size_t len, char *out, char *why, size_t whylen)
{
	size_t i = 0, digits = 0;

	if (len > 0 && s[0] == '+')
		i = 1;
	for (; i < len; i++, digits++)
		if (s[i] < '0' || s[i] > '9')
			return fail(why, whylen, "bad phone number");
	if (digits < 4 || digits > 15)
		return fail(why, whylen, "bad phone number");
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}

static int
add_item(struct invoice *inv, const struct catalog *cat, const char *s,
    size_t len, size_t units, char *why, size_t whylen)
{
	size_t i;
	long c;

	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return fail(why, whylen, "empty item name (item %zu)",
		    units + 1);
	if (len > INV_MAXNAME)
		return fail(why, whylen, "item name longer than %d bytes "
		    "(item %zu)", INV_MAXNAME, units + 1);
	if (units >= INV_MAXUNITS)
		return fail(why, whylen, "more than %d items", INV_MAXUNITS);
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return fail(why, whylen, "control character in item "
			    "name (item %zu)", units + 1);
	for (i = 0; i < inv->nitems; i++)
		if (strlen(inv->items[i].name) == len &&
		    memcmp(inv->items[i].name, s, len) == 0)
			break;
	c = catalog_find(cat, s, len);
	if (c < 0)
		inv->nunknown++;
	else
		inv->total += cat->items[c].price;
	if (i < inv->nitems) {
		inv->items[i].qty++;
		return 0;
	}
	if (inv->nitems == INV_MAXITEMS)
		return fail(why, whylen, "more than %d distinct items",
		    INV_MAXITEMS);
	memcpy(inv->items[i].name, s, len);
	inv->items[i].name[len] = '\0';
	inv->items[i].cat = c;
	inv->items[i].qty = 1;
	inv->nitems++;
	return 0;
}

static const char *
next_word(const char **p, const char *end, size_t *len)
{
	const char *w;

	while (*p < end && **p == ' ')
		(*p)++;
	w = *p;
	while (*p < end && **p != ' ')
		(*p)++;
	*len = (size_t)(*p - w);
	return *len ? w : NULL;
}

static int
parse_text(const char *p, size_t len, const struct catalog *cat,
    struct invoice *inv, char *why, size_t whylen)
{
	const char *end = p + len, *w, *q;
	size_t wl, units = 0;
	const char *usage = "expected 'First Last Phone item1,item2,...'";

	while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	/* An optional trailing " #SEQ" (a till's sequence number) is part
	 * of the MessageId but not an item. */
	for (q = end; q > p && q[-1] >= '0' && q[-1] <= '9'; q--)
		;
	if (q < end && q - p >= 2 && q[-1] == '#' && q[-2] == ' ') {
		end = q - 2;
		while (end > p && end[-1] == ' ')
			end--;
	}
	if ((w = next_word(&p, end, &wl)) == NULL)
		return fail(why, whylen, "%s", usage);
	if (check_word("first name", w, wl, inv->first, why, whylen))
		return -1;
	if ((w = next_word(&p, end, &wl)) == NULL)
		return fail(why, whylen, "%s", usage);
	if (check_word("last name", w, wl, inv->last, why, whylen))
		return -1;
	if ((w = next_word(&p, end, &wl)) == NULL)
		return fail(why, whylen, "%s", usage);
	if (check_phone(w, wl, inv->phone, why, whylen))
		return -1;
	while (p < end && *p == ' ')
		p++;
	if (p == end)
		return fail(why, whylen, "no items");
	for (;;) {
		q = memchr(p, ',', (size_t)(end - p));
		if (q == NULL)
			q = end;
		if (add_item(inv, cat, p, (size_t)(q - p), units++, why,
		    whylen))
			return -1;
		if (q == end)
			break;
		p = q + 1;
	}
	return 0;
}

static int
json_string(bson_iter_t *it, const char *key, char *out, char *why,
    size_t whylen)
{
	const char *s;
	uint32_t n;

	if (!BSON_ITER_HOLDS_UTF8(it))
		return fail(why, whylen, "%s is not a string", key);
	s = bson_iter_utf8(it, &n);
	if (strcmp(key, "PhoneNumber") == 0)
		return check_phone(s, n, out, why, whylen);
	return check_word(key, s, n, out, why, whylen);
}

static int
parse_json(const char *p, size_t len, const struct catalog *cat,
    struct invoice *inv, char *why, size_t whylen)
{
	bson_t *b;
	bson_error_t e;
	bson_iter_t it, ai;
	unsigned seen = 0;
	int rc = -1;
	size_t units = 0;

	if ((b = bson_new_from_json((const uint8_t *)p, (ssize_t)len,
	    &e)) == NULL)
		return fail(why, whylen, "bad JSON: %s", e.message);
	if (!bson_iter_init(&it, b)) {
		fail(why, whylen, "bad JSON");
		goto out;
	}
	while (bson_iter_next(&it)) {
		const char *k = bson_iter_key(&it);
		unsigned bit;

		if (strcmp(k, "FirstName") == 0)
			bit = 1;
		else if (strcmp(k, "LastName") == 0)
			bit = 2;
		else if (strcmp(k, "PhoneNumber") == 0)
			bit = 4;
		else if (strcmp(k, "Items") == 0)
			bit = 8;
		else if (strcmp(k, "Timestamp") == 0)
			bit = 16;
		else {
			fail(why, whylen, "unknown field %.64s", k);
			goto out;
		}
		if (seen & bit) {
			fail(why, whylen, "duplicate field %s", k);
			goto out;
		}
		seen |= bit;
		switch (bit) {
		case 1:
			if (json_string(&it, k, inv->first, why, whylen))
				goto out;
			break;
		case 2:
			if (json_string(&it, k, inv->last, why, whylen))
				goto out;
			break;
		case 4:
			if (json_string(&it, k, inv->phone, why, whylen))
				goto out;
			break;
		case 8:
			if (!BSON_ITER_HOLDS_ARRAY(&it) ||
			    !bson_iter_recurse(&it, &ai)) {
				fail(why, whylen, "Items is not an array");
				goto out;
			}
			while (bson_iter_next(&ai)) {
				const char *s;
				uint32_t n;

				if (!BSON_ITER_HOLDS_UTF8(&ai)) {
					fail(why, whylen, "item %zu is not a "
					    "string", units + 1);
					goto out;
				}
				s = bson_iter_utf8(&ai, &n);
				if (add_item(inv, cat, s, n, units++, why,
				    whylen))
					goto out;
			}
			if (units == 0) {
				fail(why, whylen, "no items");
				goto out;
			}
			break;
		case 16: {
			const char *s;
			uint32_t n;

			if (!BSON_ITER_HOLDS_UTF8(&it)) {
				fail(why, whylen, "Timestamp is not a string");
				goto out;
			}
			s = bson_iter_utf8(&it, &n);
			if (tm_parse(s, n, &inv->ts) == -1) {
				fail(why, whylen, "bad Timestamp");
				goto out;
			}
			inv->has_ts = 1;
			inv->ts_utc = n > 0 && (s[n - 1] == 'Z' ||
			    s[n - 1] == 'z');
			break;
		}
		}
	}
	if ((seen & 15) != 15) {
		fail(why, whylen, "missing %s", !(seen & 1) ? "FirstName" :
		    !(seen & 2) ? "LastName" : !(seen & 4) ? "PhoneNumber" :
		    "Items");
		goto out;
	}
	rc = 0;
out:
	bson_destroy(b);
	return rc;
}

int
inv_parse(const char *p, size_t len, const struct catalog *cat,
    struct invoice *inv, char *why, size_t whylen)
{
	long bad;
	size_t i;

	memset(inv, 0, offsetof(struct invoice, items));
	inv->nunknown = 0;
	inv->total = 0;
	if ((bad = inv_utf8_check(p, len)) >= 0)
		return fail(why, whylen, "not valid UTF-8 at byte %ld", bad);
	if (memchr(p, '\0', len) != NULL)
		return fail(why, whylen, "NUL byte in message");
	for (i = 0; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'); i++)
		;
	if (i == len)
		return fail(why, whylen, "empty message");
	if (p[i] == '{')
		return parse_json(p, len, cat, inv, why, whylen);
	return parse_text(p, len, cat, inv, why, whylen);
}

/* ==== MessageId ========================================================== */

static uint64_t
fnv1a(uint64_t h, const char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t
inv_message_id(const char *topic, const char *p, size_t len, char *id)
{
	uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL, x, y;
	size_t tl = strlen(topic);

	a = fnv1a(a, topic, tl + 1);
	a = fnv1a(a, p, len);
	b = fnv1a(b, p, len);
	b = fnv1a(b, topic, tl + 1);
	x = a ^ (uint64_t)len;
	y = b + (uint64_t)tl;
	x = splitmix64(&x);
	y = splitmix64(&y) ^ x;
	snprintf(id, INV_IDLEN + 1, "%016llx%016llx", (unsigned long long)x,
	    (unsigned long long)y);
	return x;
}

void
inv_when(const struct invoice *inv, int64_t recv_secs, struct li_tm *t)
{
	struct tm lt;
	time_t secs;

	if (inv->has_ts && !inv->ts_utc) {
		*t = inv->ts;	/* the store's wall time, as the till wrote */
		return;
	}
	secs = (time_t)(inv->has_ts ? tm_epoch(&inv->ts) : recv_secs);
	if (localtime_r(&secs, &lt) == NULL) {
		tm_from_epoch((int64_t)secs, t);	/* out of range: UTC */
		return;
	}
	t->year = lt.tm_year + 1900;
	t->mon = lt.tm_mon + 1;
	t->day = lt.tm_mday;
	t->hour = lt.tm_hour;
	t->min = lt.tm_min;
	t->sec = lt.tm_sec;
}

/* ==== JSON output ======================================================== */

static int
put(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	if (*n + len >= cap)
		return -1;
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
	return 0;
}

#define PUTS(s)	put(buf, cap, &n, (s), strlen(s))

int
inv_json_str(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	size_t i = 0;
	char esc[8];

	if (put(buf, cap, n, "\"", 1))
		return -1;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t run;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			if (put(buf, cap, n, esc, 2))
				return -1;
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			if (put(buf, cap, n, esc, 6))
				return -1;
			i++;
			continue;
		}
		if (c < 0x80) {
			if (put(buf, cap, n, s + i, 1))
				return -1;
			i++;
			continue;
		}
		/* A multi-byte sequence: copy it when valid. */
		run = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (i + run <= len && inv_utf8_check(s + i, run) < 0) {
			if (put(buf, cap, n, s + i, run))
				return -1;
			i += run;
			continue;
		}
		snprintf(esc, sizeof(esc), "\\u%04x", c);
		if (put(buf, cap, n, esc, 6))
			return -1;
		i++;
	}
	return put(buf, cap, n, "\"", 1);
}

size_t
inv_json(const struct invoice *inv, const struct catalog *cat,
    int64_t invno, const char *id, const struct li_tm *when, char *buf,
    size_t cap)
{
	char num[MONEY_BUFSZ], tb[TM_BUFSZ];
	size_t n = 0, i, k;
	int first, a;

	if (cap == 0)
		return 0;
	int_format(invno, num);
	if (PUTS("{\"InvoiceNo\":") || PUTS(num) ||
	    PUTS(",\"MessageId\":\"") || PUTS(id) ||
	    PUTS("\",\"FirstName\":") ||
	    inv_json_str(buf, cap, &n, inv->first, strlen(inv->first)) ||
	    PUTS(",\"LastName\":") ||
	    inv_json_str(buf, cap, &n, inv->last, strlen(inv->last)) ||
	    PUTS(",\"PhoneNumber\":\"") || PUTS(inv->phone))
		return 0;
	tm_fmt_date(when, tb);
	if (PUTS("\",\"Date\":\"") || PUTS(tb))
		return 0;
	snprintf(tb, sizeof(tb), "%02d:%02d:%02d", when->hour, when->min,
	    when->sec);
	if (PUTS("\",\"Time\":\"") || PUTS(tb) || PUTS("\",\"DayOfWeek\":\"") ||
	    PUTS(tm_dayname(tm_wday(when))) || PUTS("\",\"Items\":{"))
		return 0;
	for (i = 0, first = 1; i < inv->nitems; i++) {
		if (inv->items[i].cat < 0)
			continue;
		int_format(inv->items[i].qty, num);
		if ((!first && PUTS(",")) || inv_json_str(buf, cap, &n,
		    inv->items[i].name, strlen(inv->items[i].name)) ||
		    PUTS(":") || PUTS(num))
			return 0;
		first = 0;
	}
	if (PUTS("},\"SubTotal\":{"))
		return 0;
	for (i = 0, first = 1; i < inv->nitems; i++) {
		const struct inv_item *it = &inv->items[i];
		if (it->cat < 0)
			continue;
		money_format(cat->items[it->cat].price * it->qty, num);
		if ((!first && PUTS(",")) || inv_json_str(buf, cap, &n,
		    it->name, strlen(it->name)) || PUTS(":") || PUTS(num))
			return 0;
		first = 0;
	}
	if (PUTS("},\"Aisle_visited\":["))
		return 0;
	for (a = 1, first = 1; a <= (int)cat->naisles; a++) {
		for (i = 0; i < inv->nitems; i++)
			if (inv->items[i].cat >= 0 && catalog_aisle_no(cat,
			    (size_t)inv->items[i].cat) == a)
				break;
		if (i == inv->nitems)
			continue;
		if ((!first && PUTS(",")) || inv_json_str(buf, cap, &n,
		    cat->aisles[a - 1], strlen(cat->aisles[a - 1])))
			return 0;
		first = 0;
	}
	money_format(inv->total, num);
	if (PUTS("],\"Total\":") || PUTS(num))
		return 0;
	if (inv->nunknown > 0) {
		if (PUTS(",\"UnknownItems\":["))
			return 0;
		for (i = 0, first = 1; i < inv->nitems; i++) {
			const struct inv_item *it = &inv->items[i];
			if (it->cat >= 0)
				continue;
			for (k = 0; k < (size_t)it->qty; k++) {
				if ((!first && PUTS(",")) ||
				    inv_json_str(buf, cap, &n, it->name,
				    strlen(it->name)))
					return 0;
				first = 0;
			}
		}
		if (PUTS("]"))
			return 0;
	}
	if (PUTS("}"))
		return 0;
	return n;
}

/* ==== BSON output ======================================================== */

static int
append_money(bson_t *b, const char *key, int64_t paise)
{
	char num[MONEY_BUFSZ];
	bson_decimal128_t d;

	money_format(paise, num);
	if (!bson_decimal128_from_string(num, &d))
		return -1;
	return bson_append_decimal128(b, key, -1, &d) ? 0 : -1;
}

int
inv_bson(const struct invoice *inv, const struct catalog *cat,
    int64_t invno, const char *id, const struct li_tm *when, bson_t *doc)
{
	char tb[TM_BUFSZ], ib[16];
	bson_t sub;
	size_t i, k, j;
	int a, ok = 1;

	ok &= BSON_APPEND_INT64(doc, "InvoiceNo", invno);
	ok &= BSON_APPEND_UTF8(doc, "MessageId", id);
	ok &= BSON_APPEND_UTF8(doc, "FirstName", inv->first);
	ok &= BSON_APPEND_UTF8(doc, "LastName", inv->last);
	ok &= BSON_APPEND_UTF8(doc, "PhoneNumber", inv->phone);
	tm_fmt_date(when, tb);
	ok &= BSON_APPEND_UTF8(doc, "Date", tb);
	snprintf(tb, sizeof(tb), "%02d:%02d:%02d", when->hour, when->min,
	    when->sec);
	ok &= BSON_APPEND_UTF8(doc, "Time", tb);
	ok &= BSON_APPEND_UTF8(doc, "DayOfWeek", tm_dayname(tm_wday(when)));
	ok &= BSON_APPEND_DOCUMENT_BEGIN(doc, "Items", &sub);
	for (i = 0; i < inv->nitems; i++)
		if (inv->items[i].cat >= 0)
			ok &= BSON_APPEND_INT32(&sub, inv->items[i].name,
			    inv->items[i].qty);
	ok &= bson_append_document_end(doc, &sub);
	ok &= BSON_APPEND_DOCUMENT_BEGIN(doc, "SubTotal", &sub);
	for (i = 0; i < inv->nitems; i++) {
		const struct inv_item *it = &inv->items[i];
		if (it->cat >= 0 && append_money(&sub, it->name,
		    cat->items[it->cat].price * it->qty))
			ok = 0;
	}
	ok &= bson_append_document_end(doc, &sub);
	ok &= BSON_APPEND_ARRAY_BEGIN(doc, "Aisle_visited", &sub);
	for (a = 1, j = 0; a <= (int)cat->naisles; a++) {
		for (i = 0; i < inv->nitems; i++)
			if (inv->items[i].cat >= 0 && catalog_aisle_no(cat,
			    (size_t)inv->items[i].cat) == a)
				break;
		if (i == inv->nitems)
			continue;
		snprintf(ib, sizeof(ib), "%zu", j++);
		ok &= BSON_APPEND_UTF8(&sub, ib, cat->aisles[a - 1]);
	}
	ok &= bson_append_array_end(doc, &sub);
	if (append_money(doc, "Total", inv->total))
		ok = 0;
	if (inv->nunknown > 0) {
		ok &= BSON_APPEND_ARRAY_BEGIN(doc, "UnknownItems", &sub);
		for (i = 0, j = 0; i < inv->nitems; i++) {
			const struct inv_item *it = &inv->items[i];
			if (it->cat >= 0)
				continue;
			for (k = 0; k < (size_t)it->qty; k++) {
				snprintf(ib, sizeof(ib), "%zu", j++);
				ok &= BSON_APPEND_UTF8(&sub, ib, it->name);
			}
		}
		ok &= bson_append_array_end(doc, &sub);
	}
	return ok ? 0 : -1;
}
