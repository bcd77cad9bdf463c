#ifndef LI_SYNTH_H
#define LI_SYNTH_H
/* Deterministic synthetic data: a retail chain's transactions (the
 * LiveInsight data set's 16 columns) and checkout invoice history.  The same
 * seed and options give the same bytes on every machine.  These generators
 * feed replay --synth, the examples, the tests and the benchmarks. */
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "timefield.h"

/* ---- the store ---------------------------------------------------------- */

#define SYNTH_HEADER "TransactionID,Timestamp,StoreName,BranchName,BranchID," \
	"TotalBranches,CustomerID,Category,Product,Quantity,UnitPrice," \
	"TotalAmount,Discount,FinalAmount,LoyaltyPoints,PaymentType"

enum {
	SYNTH_TS_DMY = 1,	/* timestamps as DD-MM-YYYY HH:MM (original) */
	SYNTH_FLOAT_INTS = 2,	/* integers written as floats: 4.0 */
};

struct synth_store_opts {
	uint64_t seed;
	uint64_t rows;		/* 0: endless, about rows_per_day a day */
	uint64_t rows_per_day;	/* used when rows is 0 (default 2000) */
	int days;		/* span of the timestamps (default 30) */
	struct li_tm start;	/* first day (default 2024-01-01) */
	unsigned flags;		/* SYNTH_TS_DMY | SYNTH_FLOAT_INTS */
	uint64_t empty_rows;	/* ",,,,," rows appended at the end */
	/* Make one branch sell less (0 = none, else 1..5) by this factor
	 * (0 < factor <= 1), and one product (0 = none, else 1..25) sell
	 * more, for alert tests. */
	int weak_branch;
	double weak_factor;
	int hot_product;
	double hot_factor;
};

struct synth_store;

/* Defaults for every option (seed 1, 25003 rows, 30 days from 2024-01-01). */
void synth_store_defaults(struct synth_store_opts *o);
/* NULL on ENOMEM or invalid options (days < 1). */
struct synth_store *synth_store_new(const struct synth_store_opts *o);
void synth_store_free(struct synth_store *s);
/* Write the next row (CSV, no line break) into buf.  Returns its length,
 * 0 when all rows have been made.  cap must be at least 512. */
size_t synth_store_next(struct synth_store *s, char *buf, size_t cap);

/* The products, categories, branches and payment types it uses. */
struct synth_product {
	const char *name;	/* some hold commas or quotes (CSV-quoted) */
	const char *category;
	int64_t price;		/* paise */
};
extern const struct synth_product synth_products[25];
extern const char *const synth_branches[5];
extern const char *const synth_categories[5];
extern const char *const synth_payments[4];

/* ---- checkout invoices -------------------------------------------------- */

struct synth_invoice_opts {
	uint64_t seed;
	uint64_t invoices;	/* 0: endless */
	int customers;		/* default 200 */
	int years;		/* span of the dates (default 3) */
	struct li_tm start;	/* default 2022-01-01 */
	const struct catalog *catalog;	/* default: catalog_builtin() */
	/* Shared tastes: customer c is in segment c mod segments, and each
	 * segment favours a few items; an item is taken from the customer's
	 * segment with probability 0.6.  That is the structure collaborative
	 * filtering finds and a most-popular list cannot (0 = none; default
	 * 8). */
	int segments;
};
/* Invoices fall on the days of the span in order, by a shape of the
 * year: weekends busier (Sunday most, then Saturday, Friday), a bump on
 * the last two and first two days of a month, the festival season
 * (15 October to 15 November) and 20-31 December busier, times a seeded
 * noise of +-10 % a day, so that no two days tie; each day's invoices
 * between 09:00 and 21:00.  The customers and their items do not depend
 * on the dates. */

struct synth_invoice {
	char first[24], last[24], phone[16];
	int customer;		/* 0-based customer number */
	struct li_tm when;
	size_t nitems;
	size_t items[32];	/* catalogue indices; repeats mean quantity */
};

struct synth_invoices;

void synth_invoice_defaults(struct synth_invoice_opts *o);
struct synth_invoices *synth_invoices_new(const struct synth_invoice_opts *o);
void synth_invoices_free(struct synth_invoices *s);
/* Fill inv with the next invoice; returns 1, or 0 when all are made. */
int synth_invoices_next(struct synth_invoices *s, struct synth_invoice *inv);

/* The till's text form "First Last Phone item1,item2,...".  Returns the
 * length, or 0 when it does not fit in cap. */
size_t synth_invoice_text(const struct synth_invoices *s,
    const struct synth_invoice *inv, char *buf, size_t cap);
/* The JSON form: {"FirstName":..,"LastName":..,"PhoneNumber":..,
 * "Items":[..],"Timestamp":"YYYY-MM-DD HH:MM:SS"}.  Same return. */
size_t synth_invoice_json(const struct synth_invoices *s,
    const struct synth_invoice *inv, char *buf, size_t cap);

#endif
