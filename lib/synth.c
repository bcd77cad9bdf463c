#include "synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"
#include "money.h"
#include "rng.h"

/* ==== the store ========================================================== */

#define R(r, p)	((int64_t)(r) * 100 + (p))

/* Two names carry a comma or quotes, so every consumer meets quoted CSV. */
const struct synth_product synth_products[25] = {
	{ "Smartphone", "Electronics", R(15999, 0) },
	{ "Wireless Earbuds", "Electronics", R(1999, 0) },
	{ "Smartwatch", "Electronics", R(4999, 0) },
	{ "Laptop", "Electronics", R(54999, 0) },
	{ "Speaker \"Boom\" Mini", "Electronics", R(2499, 0) },
	{ "Basmati Rice, 5kg", "Groceries", R(649, 0) },
	{ "Sunflower Oil 1L", "Groceries", R(189, 50) },
	{ "Whole Wheat Atta 10kg", "Groceries", R(499, 0) },
	{ "Masala Tea 500g", "Groceries", R(265, 0) },
	{ "Toor Dal 1kg", "Groceries", R(162, 75) },
	{ "Cotton T-Shirt", "Clothing", R(499, 0) },
	{ "Denim Jeans", "Clothing", R(1299, 0) },
	{ "Silk Saree", "Clothing", R(3499, 0) },
	{ "Kurta", "Clothing", R(899, 0) },
	{ "Running Shoes", "Clothing", R(2999, 0) },
	{ "Pressure Cooker", "Home & Kitchen", R(1899, 0) },
	{ "Mixer Grinder", "Home & Kitchen", R(3499, 0) },
	{ "Bedsheet Set", "Home & Kitchen", R(799, 0) },
	{ "Steel Water Bottle", "Home & Kitchen", R(349, 0) },
	{ "Dinner Set", "Home & Kitchen", R(1599, 0) },
	{ "Herbal Shampoo", "Personal Care", R(299, 0) },
	{ "Face Wash", "Personal Care", R(199, 0) },
	{ "Toothpaste", "Personal Care", R(99, 50) },
	{ "Sandalwood Soap Pack", "Personal Care", R(149, 0) },
	{ "Coconut Hair Oil", "Personal Care", R(179, 0) },
};
const char *const synth_branches[5] = { "Indiranagar", "Whitefield",
    "Jayanagar", "Koramangala", "Yelahanka" };
const char *const synth_categories[5] = { "Electronics", "Groceries",
    "Clothing", "Home & Kitchen", "Personal Care" };
const char *const synth_payments[4] = { "UPI", "Card", "Cash", "Wallet" };

static const double branch_w[5] = { 1.2, 1.0, 0.9, 1.3, 0.6 };
static const double pay_w[4] = { 0.42, 0.26, 0.20, 0.12 };
static const double qty_w[5] = { 0.45, 0.25, 0.15, 0.10, 0.05 };
/* Opening hours 08-21: a lunch bump and an evening peak. */
#define OPEN_HOUR	8
#define NHOURS		14
static const double hour_w[NHOURS] = { 0.5, 0.7, 0.9, 1.0, 1.3, 1.2, 1.0,
    0.9, 1.0, 1.4, 1.8, 1.9, 1.6, 0.9 };
/* Sunday first: weekends and Friday are busier. */
static const double wday_w[7] = { 1.25, 0.85, 0.85, 0.9, 0.95, 1.15, 1.35 };

struct synth_store {
	struct synth_store_opts o;
	struct rng rng;
	double prod_w[25], br_w[5];
	double *cum;		/* cumulative slot weights (rows > 0) */
	size_t nslots;
	size_t slot;		/* current (day, hour) slot */
	uint64_t made;		/* rows so far */
	uint64_t empties;	/* empty rows so far */
	uint16_t *secs;		/* sorted seconds of the current slot */
	size_t nsecs, capsecs, isec;
	int64_t day0;		/* days since epoch of o.start */
};

void
synth_store_defaults(struct synth_store_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->rows = 25003;
	o->rows_per_day = 2000;
	o->days = 30;
	o->start.year = 2024;
	o->start.mon = 1;
	o->start.day = 1;
	o->weak_factor = 1;
	o->hot_factor = 1;
}

static double
slot_weight(const struct synth_store *s, size_t slot)
{
	struct li_tm t;
	size_t day = slot / NHOURS;

	tm_from_epoch((s->day0 + (int64_t)day) * 86400, &t);
	return wday_w[tm_wday(&t)] * hour_w[slot % NHOURS];
}

struct synth_store *
synth_store_new(const struct synth_store_opts *o)
{
	struct synth_store *s;
	size_t i;

	if (o->days < 1 || (o->weak_branch && (o->weak_branch > 5 ||
	    o->weak_factor <= 0)) || (o->hot_product && (o->hot_product > 25 ||
	    o->hot_factor <= 0)))
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->o = *o;
	if (s->o.rows_per_day == 0)
		s->o.rows_per_day = 2000;
	rng_seed(&s->rng, o->seed);
	s->day0 = tm_days(o->start.year, o->start.mon, o->start.day);
	/* Skewed popularity: Zipf-like over a fixed shuffled order. */
	for (i = 0; i < 25; i++) {
		size_t rank = (i * 7 + 3) % 25;
		s->prod_w[i] = 1.0 / pow((double)rank + 1, 0.8);
	}
	if (o->hot_product)
		s->prod_w[o->hot_product - 1] *= o->hot_factor;
	memcpy(s->br_w, branch_w, sizeof(branch_w));
	if (o->weak_branch)
		s->br_w[o->weak_branch - 1] *= o->weak_factor;
	if (o->rows > 0) {
		s->nslots = (size_t)o->days * NHOURS;
		if ((s->cum = malloc(s->nslots * sizeof(*s->cum))) == NULL) {
			free(s);
			return NULL;
		}
		for (i = 0; i < s->nslots; i++)
			s->cum[i] = (i ? s->cum[i - 1] : 0) + slot_weight(s, i);
	}
	s->slot = (size_t)-1;
	return s;
}

void
synth_store_free(struct synth_store *s)
{
	if (s == NULL)
		return;
	free(s->cum);
	free(s->secs);
	free(s);
}

static int
cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Rows in slot k: the slot's share of the total, by cumulative rounding
 * so that the counts add up to exactly o.rows. */
static uint64_t
slot_rows(const struct synth_store *s, size_t k)
{
	double tot, hi, lo;

	if (s->o.rows == 0) {
		double mean = 0, hsum = 0;
		int i;
		for (i = 0; i < 7; i++)
			mean += wday_w[i] / 7;
		for (i = 0; i < NHOURS; i++)
			hsum += hour_w[i];
		return (uint64_t)llround((double)s->o.rows_per_day *
		    slot_weight(s, k) / (mean * hsum));
	}
	tot = s->cum[s->nslots - 1];
	hi = floor((double)s->o.rows * s->cum[k] / tot + 0.5);
	lo = k ? floor((double)s->o.rows * s->cum[k - 1] / tot + 0.5) : 0;
	if (k == s->nslots - 1)
		hi = (double)s->o.rows;
	return (uint64_t)(hi - lo);
}

/* Move to the next slot with rows; 0 when there is none. */
static int
next_slot(struct synth_store *s)
{
	for (;;) {
		uint64_t n;
		size_t i;

		s->slot++;
		if (s->o.rows > 0 && s->slot >= s->nslots)
			return 0;
		n = slot_rows(s, s->slot);
		if (n == 0)
			continue;
		if (n > s->capsecs) {
			uint16_t *ns = realloc(s->secs, n * sizeof(*ns));
			if (ns == NULL)
				return 0;
			s->secs = ns;
			s->capsecs = n;
		}
		for (i = 0; i < n; i++)
			s->secs[i] = (uint16_t)rng_below(&s->rng, 3600);
		qsort(s->secs, n, sizeof(*s->secs), cmp_u16);
		s->nsecs = n;
		s->isec = 0;
		return 1;
	}
}

static size_t
put_int(char *b, size_t n, int64_t v, int as_float)
{
	char tmp[MONEY_BUFSZ];
	size_t l = int_format(v, tmp);

	memcpy(b + n, tmp, l);
	n += l;
	if (as_float) {
		memcpy(b + n, ".0", 2);
		n += 2;
	}
	b[n++] = ',';
	return n;
}

static size_t
put_money(char *b, size_t n, int64_t v)
{
	n += money_format(v, b + n);
	b[n++] = ',';
	return n;
}

size_t
synth_store_next(struct synth_store *s, char *b, size_t cap)
{
	const struct synth_product *p;
	struct li_tm t;
	char ts[TM_BUFSZ];
	int64_t qty, total, disc, final;
	unsigned br, pi, pct;
	int fl = (s->o.flags & SYNTH_FLOAT_INTS) != 0;
	size_t n = 0, l;

	if (cap < 512)
		return 0;
	if (s->isec >= s->nsecs && !next_slot(s)) {
		if (s->empties < s->o.empty_rows) {
			s->empties++;
			memset(b, ',', 15);
			return 15;
		}
		return 0;
	}
	tm_from_epoch((s->day0 + (int64_t)(s->slot / NHOURS)) * 86400 +
	    (int64_t)(OPEN_HOUR + s->slot % NHOURS) * 3600 + s->secs[s->isec++], &t);
	s->made++;

	br = rng_pick(&s->rng, s->br_w, 5);
	pi = rng_pick(&s->rng, s->prod_w, 25);
	p = &synth_products[pi];
	qty = 1 + rng_pick(&s->rng, qty_w, 5);
	total = qty * p->price;
	pct = rng_below(&s->rng, 100) < 55 ? 0 : 1 + (unsigned)rng_below(&s->rng, 15);
	disc = (total * pct + 50) / 100;
	final = total - disc;

	n = put_int(b, n, 1000000 + (int64_t)s->made, fl);
	if (s->o.flags & SYNTH_TS_DMY)
		l = (size_t)snprintf(ts, sizeof(ts), "%02d-%02d-%04d %02d:%02d",
		    t.day, t.mon, t.year, t.hour, t.min);
	else
		l = tm_fmt_iso(&t, ts);
	memcpy(b + n, ts, l);
	n += l;
	b[n++] = ',';
	memcpy(b + n, "LiveInsight Mart,", 17);
	n += 17;
	l = strlen(synth_branches[br]);
	memcpy(b + n, synth_branches[br], l);
	n += l;
	b[n++] = ',';
	n = put_int(b, n, br + 1, fl);
	n = put_int(b, n, 5, fl);
	{
		/* Regulars: low customer numbers come back more often. */
		double u = rng_uniform(&s->rng);
		n = put_int(b, n, 10001 + (int64_t)(u * u * 5000), fl);
	}
	l = strlen(p->category);
	memcpy(b + n, p->category, l);
	n += l;
	b[n++] = ',';
	(void)csvio_append_field(b, cap, &n, p->name, strlen(p->name), ',');
	b[n++] = ',';
	n = put_int(b, n, qty, fl);
	n = put_money(b, n, p->price);
	n = put_money(b, n, total);
	n = put_money(b, n, disc);
	n = put_money(b, n, final);
	n = put_int(b, n, final / 10000, fl);
	{
		const char *pay = synth_payments[rng_pick(&s->rng, pay_w, 4)];
		l = strlen(pay);
		memcpy(b + n, pay, l);
		n += l;
	}
	return n;
}

/* ==== checkout invoices ================================================== */

static const char *const first_names[] = { "Aarav", "Vivaan", "Aditya",
    "Vihaan", "Arjun", "Sai", "Reyansh", "Krishna", "Ishaan", "Rohan",
    "Ananya", "Diya", "Aadhya", "Saanvi", "Pari", "Anika", "Navya", "Meera",
    "Kavya", "Priya", "Rahul", "Sneha", "Karthik", "Deepa", "Vikram",
    "Lakshmi", "Nikhil", "Pooja", "Suresh", "Divya" };
static const char *const last_names[] = { "Sharma", "Rao", "Reddy", "Iyer",
    "Nair", "Gowda", "Patel", "Kumar", "Singh", "Menon", "Shetty", "Hegde",
    "Naidu", "Joshi", "Kulkarni", "Bhat", "Pillai", "Das", "Gupta", "Verma",
    "Mehta", "Kamath", "Prasad", "Murthy", "Chopra", "Banerjee", "Mishra",
    "Agarwal", "Desai", "Krishnan" };

#define NFAV	6
#define TASTE	6	/* items a segment favours */
#define TASTE_P	0.6	/* chance an item comes from the segment's taste */

struct customer {
	double weight;		/* how often they visit */
	size_t fav[NFAV];	/* favourite items */
	double favw[NFAV];
};

struct synth_invoices {
	struct synth_invoice_opts o;
	struct rng rng;
	struct customer *cust;
	double *custw;
	double *popw;		/* catalogue-wide popularity */
	size_t *taste;		/* segments x TASTE items */
	struct rng taste_rng;	/* separate stream, so segments=0 is unchanged */
	uint64_t made;
	int64_t day0;
	int days;
	double *cum;		/* days + 1: cumulative day weights, 0 to 1 */
};

/* The shape of a year at the tills, for the invoice history: weekends
 * busier, a bump at the turn of the month (pay day), the festival season
 * (Diwali, mid-October to mid-November) and the year's end busier still.
 * Sunday first, as tm_wday. */
static const double inv_wday_w[7] = { 1.45, 0.8, 0.85, 0.85, 0.9, 1.1, 1.35 };

/* The weight of day number day (days since the epoch): the shape above,
 * times a little noise from r so that no two days tie. */
static double
inv_day_weight(int64_t day, struct rng *r)
{
	struct li_tm t;
	double w;
	int md;

	tm_from_epoch(day * 86400, &t);
	w = inv_wday_w[tm_wday(&t)];
	md = (int)(tm_days(t.mon == 12 ? t.year + 1 : t.year,
	    t.mon == 12 ? 1 : t.mon + 1, 1) - tm_days(t.year, t.mon, 1));
	if (t.day > md - 2 || t.day <= 2)
		w *= 1.25;			/* pay day */
	if ((t.mon == 10 && t.day >= 15) || (t.mon == 11 && t.day <= 15))
		w *= 1.35;			/* festival season */
	if (t.mon == 12 && t.day >= 20)
		w *= 1.2;			/* the year's end */
	return w * (0.9 + 0.2 * rng_uniform(r));
}

/* Fill s->cum: the share of a cycle's invoices before each day. */
static int
inv_shape(struct synth_invoices *s)
{
	struct rng r;
	double total = 0;
	int d;

	if ((s->cum = malloc(((size_t)s->days + 1) * sizeof(*s->cum))) == NULL)
		return -1;
	/* A stream of its own: the customers and items stay as they were. */
	rng_seed(&r, s->o.seed ^ 0x6461797368617065ULL);
	s->cum[0] = 0;
	for (d = 0; d < s->days; d++) {
		total += inv_day_weight(s->day0 + d, &r);
		s->cum[d + 1] = total;
	}
	for (d = 1; d <= s->days; d++)
		s->cum[d] /= total;
	return 0;
}

/* When invoice i of a cycle of n falls: the day whose share of the
 * cumulative weight holds (i + 0.5) / n, at a time between 09:00 and
 * 21:00 as far into the day as into its share; in order. */
static int64_t
inv_when(const struct synth_invoices *s, uint64_t i, uint64_t n)
{
	double u = ((double)i + 0.5) / (double)n, f;
	int lo = 0, hi = s->days - 1;

	while (lo < hi) {	/* the first day d with cum[d + 1] > u */
		int mid = lo + (hi - lo) / 2;
		if (s->cum[mid + 1] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	f = (u - s->cum[lo]) / (s->cum[lo + 1] - s->cum[lo]);
	if (!(f >= 0))
		f = 0;
	if (f >= 1)
		f = 0.999999;
	return (s->day0 + lo) * 86400 + 9 * 3600 + (int64_t)(f * 12 * 3600);
}

void
synth_invoice_defaults(struct synth_invoice_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->invoices = 5000;
	o->customers = 200;
	o->years = 3;
	o->segments = 8;
	o->start.year = 2022;
	o->start.mon = 1;
	o->start.day = 1;
}

struct synth_invoices *
synth_invoices_new(const struct synth_invoice_opts *o)
{
	struct synth_invoices *s;
	const struct catalog *cat;
	int c;
	size_t i;

	if (o->customers < 1 || o->years < 1 || o->segments < 0)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->o = *o;
	if (s->o.catalog == NULL)
		s->o.catalog = catalog_builtin();
	cat = s->o.catalog;
	rng_seed(&s->rng, o->seed);
	s->cust = calloc((size_t)o->customers, sizeof(*s->cust));
	s->custw = calloc((size_t)o->customers, sizeof(*s->custw));
	s->popw = calloc(cat->n, sizeof(*s->popw));
	if (s->cust == NULL || s->custw == NULL || s->popw == NULL ||
	    cat->n == 0) {
		synth_invoices_free(s);
		return NULL;
	}
	for (i = 0; i < cat->n; i++)
		s->popw[i] = 1.0 / pow((double)((i * 11 + 5) % cat->n) + 1, 0.6);
	for (c = 0; c < o->customers; c++) {
		struct customer *cu = &s->cust[c];
		int k;
		/* Lognormal visit rates: a few regulars, many occasionals. */
		cu->weight = exp(rng_normal(&s->rng) * 0.9);
		s->custw[c] = cu->weight;
		for (k = 0; k < NFAV; k++) {
			cu->fav[k] = (size_t)rng_below(&s->rng, cat->n);
			cu->favw[k] = 1.0 / (k + 1);
		}
	}
	rng_seed(&s->taste_rng, o->seed ^ 0x7461737465ULL);
	if (o->segments > 0) {
		s->taste = malloc((size_t)o->segments * TASTE * sizeof(*s->taste));
		if (s->taste == NULL) {
			synth_invoices_free(s);
			return NULL;
		}
		for (i = 0; i < (size_t)o->segments * TASTE; i++)
			s->taste[i] = (size_t)rng_below(&s->taste_rng, cat->n);
	}
	s->day0 = tm_days(o->start.year, o->start.mon, o->start.day);
	s->days = (int)(tm_days(o->start.year + o->years, o->start.mon,
	    o->start.day) - s->day0);
	if (inv_shape(s) == -1) {
		synth_invoices_free(s);
		return NULL;
	}
	return s;
}

void
synth_invoices_free(struct synth_invoices *s)
{
	if (s == NULL)
		return;
	free(s->cust);
	free(s->custw);
	free(s->popw);
	free(s->taste);
	free(s->cum);
	free(s);
}

int
synth_invoices_next(struct synth_invoices *s, struct synth_invoice *inv)
{
	const struct catalog *cat = s->o.catalog;
	struct customer *cu;
	uint64_t i = s->made, n = s->o.invoices ? s->o.invoices :
	    (uint64_t)s->days * 50;
	int64_t secs;
	size_t k, want;
	uint64_t h;

	if (s->o.invoices && s->made >= s->o.invoices)
		return 0;
	s->made++;
	memset(inv, 0, sizeof(*inv));
	inv->customer = (int)rng_pick(&s->rng, s->custw, (unsigned)s->o.customers);
	cu = &s->cust[inv->customer];
	/* Stable identity from the customer number alone. */
	h = (uint64_t)inv->customer * 0x9e3779b97f4a7c15ULL + 12345;
	snprintf(inv->first, sizeof(inv->first), "%s",
	    first_names[splitmix64(&h) % (sizeof(first_names) / sizeof(*first_names))]);
	snprintf(inv->last, sizeof(inv->last), "%s",
	    last_names[splitmix64(&h) % (sizeof(last_names) / sizeof(*last_names))]);
	snprintf(inv->phone, sizeof(inv->phone), "%d%09llu",
	    6 + (int)(splitmix64(&h) % 4),
	    (unsigned long long)(splitmix64(&h) % 1000000000ULL));
	/* Invoices over the span by the shape of the days (inv_shape),
	 * 09:00-21:00, in order; an endless history repeats the span. */
	secs = inv_when(s, i % n, n);
	if (s->o.invoices == 0)
		secs += (int64_t)(i / n) * s->days * 86400;
	tm_from_epoch(secs, &inv->when);
	want = 1 + (size_t)rng_below(&s->rng, 4) + (size_t)rng_below(&s->rng, 4);
	for (k = 0; k < want; k++) {
		if (rng_uniform(&s->rng) < 0.75)
			inv->items[k] = cu->fav[rng_pick(&s->rng, cu->favw, NFAV)];
		else
			inv->items[k] = rng_pick(&s->rng, s->popw, (unsigned)cat->n);
	}
	inv->nitems = want;
	if (s->o.segments > 0) {
		const size_t *t = s->taste +
		    (size_t)(inv->customer % s->o.segments) * TASTE;
		for (k = 0; k < inv->nitems; k++)
			if (rng_uniform(&s->taste_rng) < TASTE_P)
				inv->items[k] = t[rng_below(&s->taste_rng, TASTE)];
	}
	return 1;
}

size_t
synth_invoice_text(const struct synth_invoices *s,
    const struct synth_invoice *inv, char *buf, size_t cap)
{
	size_t k;
	int n = snprintf(buf, cap, "%s %s %s ", inv->first, inv->last,
	    inv->phone);

	if (n < 0 || (size_t)n >= cap)
		return 0;
	for (k = 0; k < inv->nitems; k++) {
		int m = snprintf(buf + n, cap - (size_t)n, "%s%s", k ? "," : "",
		    s->o.catalog->items[inv->items[k]].name);
		if (m < 0 || (size_t)(n + m) >= cap)
			return 0;
		n += m;
	}
	return (size_t)n;
}

size_t
synth_invoice_json(const struct synth_invoices *s,
    const struct synth_invoice *inv, char *buf, size_t cap)
{
	char ts[TM_BUFSZ];
	size_t k;
	int n;

	tm_fmt_iso(&inv->when, ts);
	n = snprintf(buf, cap, "{\"FirstName\":\"%s\",\"LastName\":\"%s\","
	    "\"PhoneNumber\":\"%s\",\"Items\":[", inv->first, inv->last,
	    inv->phone);
	if (n < 0 || (size_t)n >= cap)
		return 0;
	for (k = 0; k < inv->nitems; k++) {
		int m = snprintf(buf + n, cap - (size_t)n, "%s\"%s\"",
		    k ? "," : "", s->o.catalog->items[inv->items[k]].name);
		if (m < 0 || (size_t)(n + m) >= cap)
			return 0;
		n += m;
	}
	k = (size_t)snprintf(buf + n, cap - (size_t)n,
	    "],\"Timestamp\":\"%s\"}", ts);
	if ((size_t)n + k >= cap)
		return 0;
	return (size_t)n + k;
}
