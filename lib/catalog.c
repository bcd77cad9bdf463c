#include "catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "money.h"
#include "readfile.h"
#include "strmap.h"

#define CATALOG_MAX	(16 << 20)	/* bytes */

#define P(r, p)	((int64_t)(r) * 100 + (p))

static struct catalog_item builtin_items[] = {
	{ "tv", "Electronics", P(29999, 99) },
	{ "laptop", "Electronics", P(56324, 99) },
	{ "mouse", "Electronics", P(1349, 99) },
	{ "remote", "Electronics", P(949, 99) },
	{ "keyboard", "Electronics", P(1499, 99) },
	{ "cellphone", "Electronics", P(19999, 99) },
	{ "microwave", "Kitchen", P(8399, 99) },
	{ "oven", "Kitchen", P(6534, 99) },
	{ "toaster", "Kitchen", P(1999, 99) },
	{ "sink", "Kitchen", P(1299, 99) },
	{ "refrigerator", "Kitchen", P(16299, 99) },
	{ "blender", "Kitchen", P(5999, 99) },
	{ "book", "Stationary", P(249, 99) },
	{ "clock", "Stationary", P(699, 99) },
	{ "vase", "Stationary", P(2249, 99) },
	{ "scissors", "Stationary", P(149, 99) },
	{ "teddybear", "Stationary", P(349, 99) },
	{ "hairdrier", "Stationary", P(1699, 99) },
	{ "toothbrush", "Stationary", P(19, 99) },
	{ "chair", "Furniture", P(2999, 99) },
	{ "couch", "Furniture", P(9999, 99) },
	{ "pottedplant", "Furniture", P(249, 99) },
	{ "bed", "Furniture", P(14999, 99) },
	{ "mirror", "Furniture", P(99, 99) },
	{ "diningtable", "Furniture", P(12999, 99) },
	{ "window", "Furniture", P(4999, 99) },
	{ "desk", "Furniture", P(3549, 99) },
	{ "door", "Furniture", P(889, 99) },
	{ "banana", "Grocery", P(3, 0) },
	{ "apple", "Grocery", P(2, 0) },
	{ "sandwich", "Grocery", P(249, 99) },
	{ "orange", "Grocery", P(20, 0) },
	{ "broccoli", "Grocery", P(30, 0) },
	{ "carrot", "Grocery", P(5, 0) },
	{ "pizza", "Grocery", P(449, 99) },
	{ "donut", "Grocery", P(49, 99) },
	{ "cake", "Grocery", P(499, 99) },
	{ "bottle", "Utensils", P(19, 99) },
	{ "plate", "Utensils", P(399, 99) },
	{ "cup", "Utensils", P(249, 99) },
	{ "fork", "Utensils", P(99, 99) },
	{ "knife", "Utensils", P(149, 99) },
	{ "spoon", "Utensils", P(99, 99) },
	{ "bowl", "Utensils", P(299, 99) },
	{ "hat", "Clothing", P(199, 99) },
	{ "backpack", "Clothing", P(999, 99) },
	{ "umbrella", "Clothing", P(299, 99) },
	{ "shoe", "Clothing", P(1249, 99) },
	{ "eyeglasses", "Clothing", P(399, 99) },
	{ "handbag", "Clothing", P(349, 99) },
	{ "suitcase", "Clothing", P(1999, 99) },
};

static char *builtin_aisles[] = { "Electronics", "Kitchen", "Stationary",
    "Furniture", "Grocery", "Utensils", "Clothing" };

static const struct catalog builtin = {
	builtin_items, sizeof(builtin_items) / sizeof(builtin_items[0]),
	builtin_aisles, 7, NULL,
};

const struct catalog *
catalog_builtin(void)
{
	return &builtin;
}

long
catalog_find(const struct catalog *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strlen(c->items[i].name) == len &&
		    memcmp(c->items[i].name, name, len) == 0)
			return (long)i;
	return -1;
}

int
catalog_aisle_no(const struct catalog *c, size_t i)
{
	size_t a;

	for (a = 0; a < c->naisles; a++)
		if (strcmp(c->aisles[a], c->items[i].aisle) == 0)
			return (int)a + 1;
	return 0;
}

/* Owned storage of a loaded catalogue. */
struct store {
	struct strmap *names;	/* item names and aisles, interned */
	struct strmap *aisles;
};

void
catalog_free(struct catalog *c)
{
	struct store *s;

	if (c == NULL || c == &builtin)
		return;
	s = c->priv;
	if (s != NULL) {
		strmap_free(s->names);
		strmap_free(s->aisles);
		free(s);
	}
	free(c->items);
	free(c->aisles);
	free(c);
}

struct catalog *
catalog_load(const char *path, char *errbuf, size_t errlen)
{
	struct catalog *c = calloc(1, sizeof(*c));
	struct store *s = calloc(1, sizeof(*s));
	struct csvio_reader *r = NULL;
	struct csvio_record rec;
	long ci = -1, ca = -1, cp = -1;
	long *ids = NULL;	/* per item: name id, aisle id */
	size_t cap = 0, k;
	int fd = -1, rc;
	struct stat st;
	char why[128];

	if (c == NULL || s == NULL) {
		free(c);
		free(s);
		snprintf(errbuf, errlen, "%s: out of memory", path);
		return NULL;
	}
	c->priv = s;
	s->names = strmap_new();
	s->aisles = strmap_new();
	/* A regular file only, never blocking in open (a FIFO), capped. */
	if ((fd = li_open_input(path, 0, why, sizeof(why))) == -1) {
		snprintf(errbuf, errlen, "%s: %s", path, why);
		goto fail;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (st.st_size > CATALOG_MAX) {
		snprintf(errbuf, errlen, "%s: larger than %d bytes", path,
		    CATALOG_MAX);
		goto fail;
	}
	if (s->names == NULL || s->aisles == NULL ||
	    (r = csvio_reader_new(fd, ',', 4096)) == NULL) {
		snprintf(errbuf, errlen, "%s: out of memory", path);
		goto fail;
	}
	while ((rc = csvio_next(r, &rec)) != 0) {
		int64_t price;
		long id, aid;
		if (rc < 0) {
			snprintf(errbuf, errlen, "%s:%llu: %s", path,
			    (unsigned long long)rec.line, csvio_strerror(rec.err));
			goto fail;
		}
		if (ci < 0) {
			ci = csvio_find(&rec, "Item");
			ca = csvio_find(&rec, "Aisle");
			cp = csvio_find(&rec, "Price");
			if (ci < 0 || ca < 0 || cp < 0) {
				snprintf(errbuf, errlen, "%s:%llu: header must "
				    "name Item, Aisle and Price", path,
				    (unsigned long long)rec.line);
				goto fail;
			}
			continue;
		}
		if (rec.nf <= (size_t)ci || rec.nf <= (size_t)ca ||
		    rec.nf <= (size_t)cp) {
			snprintf(errbuf, errlen, "%s:%llu: expected %d fields, "
			    "got %zu", path, (unsigned long long)rec.line,
			    (int)(ci > ca ? (ci > cp ? ci : cp) : (ca > cp ? ca : cp)) + 1,
			    rec.nf);
			goto fail;
		}
		if (rec.f[ci].len == 0 || money_parse(rec.f[cp].p,
		    rec.f[cp].len, &price) == -1 || price < 0) {
			snprintf(errbuf, errlen, "%s:%llu: %s", path,
			    (unsigned long long)rec.line, rec.f[ci].len == 0 ?
			    "empty item name" : "bad price");
			goto fail;
		}
		if (c->n == cap) {
			struct catalog_item *ni;
			long *nids;
			cap = cap ? cap * 2 : 64;
			if ((ni = realloc(c->items, cap * sizeof(*ni))) == NULL)
				goto nomem;
			c->items = ni;
			if ((nids = realloc(ids, 2 * cap * sizeof(*nids))) == NULL)
				goto nomem;
			ids = nids;
		}
		id = strmap_intern(s->names, rec.f[ci].p, rec.f[ci].len, &rc);
		if (id < 0)
			goto nomem;
		if (!rc) {
			snprintf(errbuf, errlen, "%s:%llu: duplicate item %.*s",
			    path, (unsigned long long)rec.line,
			    (int)rec.f[ci].len, rec.f[ci].p);
			goto fail;
		}
		if ((aid = strmap_intern(s->aisles, rec.f[ca].p, rec.f[ca].len,
		    NULL)) < 0)
			goto nomem;
		/* Names are pointed to below, once the maps stop growing. */
		c->items[c->n].price = price;
		ids[2 * c->n] = id;
		ids[2 * c->n + 1] = aid;
		c->n++;
	}
	if (ci < 0 || c->n == 0) {
		snprintf(errbuf, errlen, "%s: no items", path);
		goto fail;
	}
	for (k = 0; k < c->n; k++) {
		c->items[k].name = strmap_key(s->names, ids[2 * k], NULL);
		c->items[k].aisle = strmap_key(s->aisles, ids[2 * k + 1], NULL);
	}
	c->naisles = strmap_count(s->aisles);
	if ((c->aisles = malloc(c->naisles * sizeof(*c->aisles))) == NULL)
		goto nomem;
	for (k = 0; k < c->naisles; k++)
		c->aisles[k] = (char *)strmap_key(s->aisles, (long)k, NULL);
	free(ids);
	csvio_reader_free(r);
	close(fd);
	return c;
nomem:
	snprintf(errbuf, errlen, "%s: out of memory", path);
fail:
	free(ids);
	csvio_reader_free(r);
	if (fd != -1)
		close(fd);
	catalog_free(c);
	return NULL;
}
