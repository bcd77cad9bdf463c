#ifndef LI_CATALOG_H
#define LI_CATALOG_H
/* The checkout catalogue: item name, aisle and unit price in paise.  The
 * built-in table is the original project's (51 items in 7 aisles), the same
 * as examples/catalog.csv; a CSV file Item,Aisle,Price can replace it. */
#include <stddef.h>
#include <stdint.h>

struct catalog_item {
	const char *name;
	const char *aisle;
	int64_t price;		/* paise */
};

struct catalog {
	struct catalog_item *items;
	size_t n;
	char **aisles;		/* distinct aisles, in order of appearance */
	size_t naisles;
	void *priv;		/* owned storage */
};

/* The built-in catalogue (static; never freed). */
const struct catalog *catalog_builtin(void);

/* Load a catalogue CSV with header Item,Aisle,Price (columns by name), a
 * regular file of at most 16 MiB (a FIFO or a device is refused without
 * blocking).  Returns NULL with a message in errbuf ("file:line: reason")
 * on error. */
struct catalog *catalog_load(const char *path, char *errbuf, size_t errlen);
void catalog_free(struct catalog *c);

/* Index of an item by exact name, or -1. */
long catalog_find(const struct catalog *c, const char *name, size_t len);

/* 1-based aisle number of item i (its aisle's position in c->aisles). */
int catalog_aisle_no(const struct catalog *c, size_t i);

#endif
