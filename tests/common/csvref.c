/* The two sides of the csvio differential tests: libcsv, the reference,
 * and csvio. */
#include "csvref.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "csvio.h"

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

size_t
csvref_csvio(int fd, size_t max, int stop_at_error, struct csvref_out *o)
{
	struct csvio_reader *r = csvio_reader_new(fd, ',', max);
	struct csvio_record rec;
	size_t nrec = 0, i;
	int rc;

	if (r == NULL)
		abort();
	while ((rc = csvio_next(r, &rec)) != 0) {
		if (rc < 0) {
			const char *e = csvio_strerror(rec.err);
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM)
				abort();
			csvref_add(o, "!", 1);
			csvref_add(o, e, strlen(e));
			csvref_add(o, "\n", 1);
			if (stop_at_error)
				break;
			continue;
		}
		for (i = 0; i < rec.nf; i++) {
			csvref_add(o, "[", 1);
			csvref_add(o, rec.f[i].p, rec.f[i].len);
			csvref_add(o, "]", 1);
		}
		csvref_add(o, "\n", 1);
		nrec++;
	}
	csvio_reader_free(r);
	return nrec;
}

int
csvref_agree(int lrc, const struct csvref_out *ref,
    const struct csvref_out *mine)
{
	size_t k = ref->n;

	if (lrc == 0)
		return ref->n == mine->n &&
		    (k == 0 || memcmp(ref->s, mine->s, k) == 0);
	return mine->n > k && (k == 0 || memcmp(ref->s, mine->s, k) == 0) &&
	    mine->s[k] == '!';
}
