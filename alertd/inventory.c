/* Stock levels and days until stock-out; see inventory.h. */
#include "inventory.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csvio.h"
#include "num.h"
#include "readfile.h"
#include "strmap.h"
#include "util.h"

#define KEY_MAX		512

double
inv_days_left(double stock, double sold, double per_day)
{
	double left = stock - sold;

	if (left <= 0)
		return 0;
	if (per_day <= 0)
		return INFINITY;
	return left / per_day;
}

struct inventory *
inv_new(void)
{
	struct inventory *inv = calloc(1, sizeof(*inv));

	if (inv == NULL)
		return NULL;
	if ((inv->map = strmap_new()) == NULL) {
		free(inv);
		return NULL;
	}
	return inv;
}

void
inv_free(struct inventory *inv)
{
	size_t i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->n; i++)
		free(inv->items[i].key);
	free(inv->items);
	strmap_free(inv->map);
	free(inv);
}

/* The item for key, made (with stock 0) when absent; NULL on ENOMEM. */
static struct inv_item *
item_get(struct inventory *inv, const char *key, int create, int *inserted)
{
	long id;
	size_t len = strlen(key);

	*inserted = 0;
	if (!create) {
		id = strmap_find(inv->map, key, len);
		return id < 0 ? NULL : &inv->items[id];
	}
	if ((id = strmap_intern(inv->map, key, len, inserted)) < 0)
		return NULL;
	if (*inserted) {
		struct inv_item *it;
		if (inv->n == inv->cap) {
			size_t cap = inv->cap ? inv->cap * 2 : 32;
			struct inv_item *v = realloc(inv->items,
			    cap * sizeof(*v));
			if (v == NULL)
				return NULL;
			inv->items = v;
			inv->cap = cap;
		}
		it = &inv->items[inv->n++];
		memset(it, 0, sizeof(*it));
		if ((it->key = strdup(key)) == NULL)
			return NULL;
	}
	return &inv->items[id];
}

static void
make_key(char *buf, const char *branch, const char *product)
{
	if (branch != NULL)
		snprintf(buf, KEY_MAX, "%s/%s", branch, product);
	else
		snprintf(buf, KEY_MAX, "%s", product);
}

static void
field(const struct csvio_record *rec, long i, char *buf, size_t cap)
{
	size_t n = rec->f[i].len < cap - 1 ? rec->f[i].len : cap - 1;

	memcpy(buf, rec->f[i].p, n);
	buf[n] = '\0';
}

int
inv_load_stock(struct inventory *inv, const char *path, char *err,
    size_t errlen)
{
	struct csvio_reader *r = NULL;
	struct csvio_record rec;
	long cb = -1, cp = -1, cs = -1;
	char key[KEY_MAX], b[200], p[200], s[64];
	int fd, rc, ret = -1, ins;
	size_t nf = 0;

	char e[128];

	/* A regular file only, never blocking (lib/readfile.h), read up to
	 * INV_STOCK_MAX bytes. */
	if ((fd = li_open_input(path, 0, e, sizeof(e))) == -1) {
		snprintf(err, errlen, "%s: %s", path, e);
		return -1;
	}
	if ((r = csvio_reader_new(fd, ',', 4096)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((rc = csvio_next(r, &rec)) != 0) {
		double v;
		struct inv_item *it;

		if (csvio_offset(r) > INV_STOCK_MAX) {
			snprintf(err, errlen, "%s: larger than %d bytes", path,
			    INV_STOCK_MAX);
			goto out;
		}
		if (rc == -1) {
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM)
				snprintf(err, errlen, "%s: %s", path,
				    strerror(errno));
			else
				snprintf(err, errlen, "%s:%llu: %s", path,
				    (unsigned long long)rec.line,
				    csvio_strerror(rec.err));
			goto out;
		}
		if (cs < 0) {
			cb = csvio_find(&rec, "BranchName");
			cp = csvio_find(&rec, "Product");
			cs = csvio_find(&rec, "Stock");
			if (cp < 0 || cs < 0) {
				snprintf(err, errlen, "%s:%llu: header needs "
				    "Product and Stock columns", path,
				    (unsigned long long)rec.line);
				goto out;
			}
			nf = rec.nf;
			inv->per_branch = cb >= 0;
			continue;
		}
		if (rec.nf != nf) {
			snprintf(err, errlen, "%s:%llu: %zu fields, want %zu",
			    path, (unsigned long long)rec.line, rec.nf, nf);
			goto out;
		}
		field(&rec, cp, p, sizeof(p));
		field(&rec, cs, s, sizeof(s));
		if (cb >= 0)
			field(&rec, cb, b, sizeof(b));
		if (p[0] == '\0' || (cb >= 0 && b[0] == '\0')) {
			snprintf(err, errlen, "%s:%llu: empty %s", path,
			    (unsigned long long)rec.line,
			    p[0] == '\0' ? "Product" : "BranchName");
			goto out;
		}
		/* From the field itself: the copy in s may be cut short. */
		if (num_parse(rec.f[cs].p, rec.f[cs].len, 0, 1e15, &v) == -1) {
			snprintf(err, errlen, "%s:%llu: bad Stock '%s'", path,
			    (unsigned long long)rec.line, s);
			goto out;
		}
		make_key(key, cb >= 0 ? b : NULL, p);
		if ((it = item_get(inv, key, 1, &ins)) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
			goto out;
		}
		if (!ins) {
			snprintf(err, errlen, "%s:%llu: '%s' listed twice",
			    path, (unsigned long long)rec.line, key);
			goto out;
		}
		it->stock = v;
	}
	if (cs < 0) {
		snprintf(err, errlen, "%s: empty stock file", path);
		goto out;
	}
	ret = 0;
out:
	csvio_reader_free(r);
	close(fd);
	return ret;
}

/* Stock given per branch, sales per product only: sum the stock of each
 * product over its branches and go on per product. */
static int
collapse(struct inventory *inv)
{
	struct inventory *n = inv_new();
	size_t i;
	int ins;

	if (n == NULL)
		return -1;
	for (i = 0; i < inv->n; i++) {
		const char *slash = strchr(inv->items[i].key, '/');
		struct inv_item *it = item_get(n, slash + 1, 1, &ins);
		if (it == NULL) {
			inv_free(n);
			return -1;
		}
		it->stock += inv->items[i].stock;
	}
	for (i = 0; i < inv->n; i++)
		free(inv->items[i].key);
	free(inv->items);
	strmap_free(inv->map);
	inv->items = n->items;
	inv->n = n->n;
	inv->cap = n->cap;
	inv->map = n->map;
	inv->per_branch = 0;
	free(n);
	return 0;
}

void
inv_usage_begin(struct inventory *inv)
{
	size_t i;

	for (i = 0; i < inv->n; i++) {
		inv->items[i].sold = 0;
		inv->items[i].seen = 0;
	}
	inv->unknown = 0;
}

int
inv_usage_row(struct inventory *inv, const char *branch,
    const char *product, double sold)
{
	char key[KEY_MAX];
	struct inv_item *it;
	int ins;

	if (inv->per_branch && branch == NULL && collapse(inv) == -1)
		return -1;
	make_key(key, inv->per_branch ? branch : NULL, product);
	if ((it = item_get(inv, key, 0, &ins)) == NULL) {
		inv->unknown++;
		return 0;
	}
	it->sold += sold;
	it->seen = 1;
	return 0;
}

void
inv_usage_end(struct inventory *inv, double now, double window_s)
{
	size_t i;

	for (i = 0; i < inv->n; i++) {
		struct inv_item *it = &inv->items[i];
		double gap = window_s > 0 ? window_s / 16 : 0;

		/* Units sold went down (the counts restarted) or time went
		 * back (another clock): the history starts over. */
		if (it->have_cur && (it->sold < it->cur.sold ||
		    now < it->cur.t)) {
			it->nhist = 0;
			it->have_cur = 0;
		}
		if (it->have_cur && (it->nhist == 0 ||
		    it->cur.t - it->hist[it->nhist - 1].t >= gap)) {
			if (it->nhist == INV_OBS) {
				memmove(it->hist, it->hist + 1,
				    (INV_OBS - 1) * sizeof(it->hist[0]));
				it->nhist--;
			}
			it->hist[it->nhist++] = it->cur;
		}
		it->cur.t = now;
		it->cur.sold = it->sold;
		it->have_cur = 1;
	}
}

int
inv_velocity(const struct inv_item *it, double window_s, double span_s,
    double *per_day)
{
	const struct inv_obs *base = NULL;
	size_t i;

	if (span_s > 0) {
		*per_day = it->sold / (span_s / 86400);
		return 0;
	}
	if (!it->have_cur || it->nhist == 0)
		return -1;
	/* The newest observation at least a window old, else the oldest. */
	base = &it->hist[0];
	for (i = 0; i < it->nhist; i++)
		if (it->hist[i].t <= it->cur.t - window_s)
			base = &it->hist[i];
	if (it->cur.t <= base->t)
		return -1;
	*per_day = (it->cur.sold - base->sold) / (it->cur.t - base->t) * 86400;
	return 0;
}
