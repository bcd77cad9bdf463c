/* Test and benchmark data: rating triples with a planted low-rank structure
 * and Gaussian noise, and invoice documents (BSON archive, JSON lines) from
 * lib/synth.h's checkout generator.  Deterministic from the seed. */
#include "rec.h"

#include <bson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "rng.h"
#include "synth.h"
#include "timefield.h"

/* Lognormal weights, as a cumulative table for binary-search draws. */
static double *
cum_weights(struct rng *rng, uint32_t n, double skew)
{
	double *c = malloc(((size_t)n + 1) * sizeof(*c)), s = 0;
	uint32_t j;

	if (c == NULL)
		return NULL;
	for (j = 0; j < n; j++) {
		s += skew > 0 ? exp(skew * rng_normal(rng)) : 1;
		c[j] = s;
	}
	return c;
}

static uint32_t
draw(struct rng *rng, const double *cum, uint32_t n)
{
	double x = rng_uniform(rng) * cum[n - 1];
	uint32_t lo = 0, hi = n - 1;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

long long
rec_gen_ratings(const struct rec_gen_opts *o, FILE *fp, FILE *tfp)
{
	struct rng rng;
	double *U = NULL, *V = NULL, *cu = NULL, *ci = NULL;
	uint64_t *seen = NULL, hcap = 1, made = 0;
	double sd = pow((double)o->rank, -0.25);
	long long rc = -1;
	size_t j;

	if (o->users == 0 || o->items == 0 || o->rank == 0 ||
	    o->ratings > (uint64_t)o->users * o->items / 2)
		return -1;
	rng_seed(&rng, o->seed);
	U = malloc((size_t)o->users * o->rank * sizeof(*U));
	V = malloc((size_t)o->items * o->rank * sizeof(*V));
	while (hcap < o->ratings * 2 + 16)
		hcap *= 2;
	seen = calloc(hcap, sizeof(*seen));
	if (U == NULL || V == NULL || seen == NULL)
		goto out;
	for (j = 0; j < (size_t)o->users * o->rank; j++)
		U[j] = sd * rng_normal(&rng);
	for (j = 0; j < (size_t)o->items * o->rank; j++)
		V[j] = sd * rng_normal(&rng);
	if ((cu = cum_weights(&rng, o->users, o->skew)) == NULL ||
	    (ci = cum_weights(&rng, o->items, o->skew * 1.5)) == NULL)
		goto out;
	if (o->header && fprintf(fp, "user,item,rating\n") < 0)
		goto out;
	if (o->header && tfp != NULL && fprintf(tfp, "user,item,rating\n") < 0)
		goto out;
	while (made < o->ratings) {
		uint32_t u = draw(&rng, cu, o->users), i = draw(&rng, ci, o->items);
		uint64_t key = ((uint64_t)u << 32 | i) + 1, h = key, k;
		double r = 0;
		uint32_t f;
		FILE *to;

		k = splitmix64(&h) & (hcap - 1);
		while (seen[k] != 0 && seen[k] != key)
			k = (k + 1) & (hcap - 1);
		if (seen[k] == key)
			continue;
		seen[k] = key;
		for (f = 0; f < o->rank; f++)
			r += U[(size_t)u * o->rank + f] * V[(size_t)i * o->rank + f];
		r = o->mu + r + o->sigma * rng_normal(&rng);
		to = tfp != NULL && rng_uniform(&rng) < o->test_frac ? tfp : fp;
		if (o->clip) {
			r = floor(r + 0.5);
			r = r < 1 ? 1 : r > 5 ? 5 : r;
			if (fprintf(to, "u%u,i%u,%.0f\n", u, i, r) < 0)
				goto out;
		} else if (fprintf(to, "u%u,i%u,%.6f\n", u, i, r) < 0) {
			goto out;
		}
		made++;
	}
	rc = (long long)made;
out:
	free(U);
	free(V);
	free(cu);
	free(ci);
	free(seen);
	return rc;
}

static const char *const wdays[] = { "Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday" };

/* The invoice document of docs/contracts.md, priced from the catalogue. */
static void
invoice_doc(bson_t *b, const struct catalog *cat,
    const struct synth_invoice *inv, int64_t no)
{
	bson_t items, sub, aisles;
	char date[TM_BUFSZ], tbuf[16], mid[32], key[16];
	int64_t qty[32], total = 0;
	int seen_aisle[64];
	size_t j, k, na = 0;

	memset(seen_aisle, 0, sizeof(seen_aisle));
	for (j = 0; j < inv->nitems; j++) {
		qty[j] = 0;
		for (k = 0; k < inv->nitems; k++)
			if (inv->items[k] == inv->items[j])
				qty[j]++;
	}
	tm_fmt_date(&inv->when, date);
	snprintf(tbuf, sizeof(tbuf), "%02d:%02d:%02d", inv->when.hour,
	    inv->when.min, inv->when.sec);
	snprintf(mid, sizeof(mid), "synth-%lld", (long long)no);
	BSON_APPEND_INT64(b, "InvoiceNo", no);
	BSON_APPEND_UTF8(b, "MessageId", mid);
	BSON_APPEND_UTF8(b, "FirstName", inv->first);
	BSON_APPEND_UTF8(b, "LastName", inv->last);
	BSON_APPEND_UTF8(b, "PhoneNumber", inv->phone);
	BSON_APPEND_UTF8(b, "Date", date);
	BSON_APPEND_UTF8(b, "Time", tbuf);
	BSON_APPEND_UTF8(b, "DayOfWeek", wdays[tm_wday(&inv->when)]);
	BSON_APPEND_DOCUMENT_BEGIN(b, "Items", &items);
	for (j = 0; j < inv->nitems; j++) {
		/* Each distinct item once, at its first position. */
		for (k = 0; k < j && inv->items[k] != inv->items[j]; k++)
			;
		if (k == j)
			BSON_APPEND_INT32(&items, cat->items[inv->items[j]].name,
			    (int32_t)qty[j]);
	}
	bson_append_document_end(b, &items);
	BSON_APPEND_DOCUMENT_BEGIN(b, "SubTotal", &sub);
	for (j = 0; j < inv->nitems; j++) {
		const struct catalog_item *it = &cat->items[inv->items[j]];
		for (k = 0; k < j && inv->items[k] != inv->items[j]; k++)
			;
		if (k < j)
			continue;
		BSON_APPEND_DOUBLE(&sub, it->name,
		    (double)(it->price * qty[j]) / 100);
		total += it->price * qty[j];
	}
	bson_append_document_end(b, &sub);
	BSON_APPEND_ARRAY_BEGIN(b, "Aisle_visited", &aisles);
	for (j = 0; j < inv->nitems; j++) {
		int a = catalog_aisle_no(cat, inv->items[j]);
		if (a < 1 || a >= 64 || seen_aisle[a])
			continue;
		seen_aisle[a] = 1;
		snprintf(key, sizeof(key), "%zu", na++);
		BSON_APPEND_UTF8(&aisles, key, cat->items[inv->items[j]].aisle);
	}
	bson_append_array_end(b, &aisles);
	BSON_APPEND_DOUBLE(b, "Total", (double)total / 100);
}

int
rec_gen_invoices(uint64_t seed, uint64_t invoices, int customers,
    int segments, int json, int array_items, FILE *fp)
{
	struct synth_invoice_opts o;
	struct synth_invoices *s;
	struct synth_invoice inv;
	char line[4096];
	int64_t no = 0;
	int rc = -1;

	synth_invoice_defaults(&o);
	o.seed = seed;
	o.invoices = invoices;
	o.customers = customers;
	o.segments = segments;
	if ((s = synth_invoices_new(&o)) == NULL)
		return -1;
	while (synth_invoices_next(s, &inv)) {
		bson_t b;
		no++;
		if (json && array_items) {
			size_t n = synth_invoice_json(s, &inv, line,
			    sizeof(line));
			if (n == 0 || fprintf(fp, "%s\n", line) < 0)
				goto out;
			continue;
		}
		bson_init(&b);
		invoice_doc(&b, o.catalog != NULL ? o.catalog :
		    catalog_builtin(), &inv, no);
		if (json) {
			char *js = bson_as_relaxed_extended_json(&b, NULL);
			int bad = js == NULL || fprintf(fp, "%s\n", js) < 0;
			bson_free(js);
			if (bad) {
				bson_destroy(&b);
				goto out;
			}
		} else if (fwrite(bson_get_data(&b), 1, b.len, fp) != b.len) {
			bson_destroy(&b);
			goto out;
		}
		bson_destroy(&b);
	}
	rc = fflush(fp) == 0 ? 0 : -1;
out:
	synth_invoices_free(s);
	return rc;
}
