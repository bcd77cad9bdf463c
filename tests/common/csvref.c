/* libcsv as the reference parser of the csvio differential tests. */
#include "csvref.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

void
csvref_add(struct csvref_out *o, const void *p, size_t n)
{
	if (o->n + n + 1 > o->cap) {
		o->cap = (o->n + n + 1) * 2 + 64;
		if ((o->s = realloc(o->s, o->cap)) == NULL)
			abort();
	}
	if (n > 0)
		memcpy(o->s + o->n, p, n);
	o->n += n;
	o->s[o->n] = '\0';
}

struct lc {
	struct csvref_out *o;
	struct csvref_out row;	/* the record being built */
};

static void
lc_field(void *s, size_t n, void *data)
{
	struct lc *lc = data;

	csvref_add(&lc->row, "[", 1);
	csvref_add(&lc->row, s, n);
	csvref_add(&lc->row, "]", 1);
}

static void
lc_row(int c, void *data)
{
	struct lc *lc = data;

	(void)c;
	csvref_add(lc->o, lc->row.s ? lc->row.s : "", lc->row.n);
	csvref_add(lc->o, "\n", 1);
	lc->row.n = 0;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

int
csvref_libcsv(const void *data, size_t len, struct csvref_out *o)
{
	const unsigned char *d = data;
	struct csv_parser p;
	struct lc lc = { o, { NULL, 0, 0 } };
	int rc = 0;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	csv_set_space_func(&p, no_space);
	if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0) {
		d += 3;
		len -= 3;
	}
	if (csv_parse(&p, d, len, lc_field, lc_row, &lc) != len)
		rc = -1;
	else if (csv_fini(&p, lc_field, lc_row, &lc) != 0)
		rc = -1;
	csv_free(&p);
	free(lc.row.s);
	return rc;
}
