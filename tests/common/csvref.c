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

/* What a resync parse tracks beside struct lc. */
struct lcr {
	struct lc lc;
	int in_row;		/* a record has begun */
};

static void
lcr_row(int c, void *data)
{
	struct lcr *x = data;

	lc_row(c, &x->lc);
	x->in_row = 0;
}

static void
lcr_field(void *s, size_t n, void *data)
{
	lc_field(s, n, &((struct lcr *)data)->lc);
}

void
csvref_libcsv_resync(const void *data, size_t len, struct csvref_out *o)
{
	const unsigned char *d = data;
	size_t pos = 0, i, start = 0;

	if (len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
		pos = 3;
	while (pos < len) {
		struct csv_parser p;
		struct lcr x = { { o, { NULL, 0, 0 } }, 0 };
		const unsigned char *lf;
		int bad = 0;

		if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
			abort();
		csv_set_space_func(&p, no_space);
		/* A byte at a time, to know where each record begins: at
		 * the first byte that is not a line break after a row. */
		for (i = pos; i < len; i++) {
			if (!x.in_row && d[i] != '\n' && d[i] != '\r') {
				x.in_row = 1;
				start = i;
			}
			if (csv_parse(&p, d + i, 1, lcr_field, lcr_row, &x) != 1) {
				bad = 1;
				break;
			}
		}
		if (!bad && csv_fini(&p, lcr_field, lcr_row, &x) != 0)
			bad = 1;
		csv_free(&p);
		free(x.lc.row.s);
		if (!bad)
			break;
		csvref_add(o, "!\n", 2);
		lf = memchr(d + start, '\n', len - start);
		pos = lf != NULL ? (size_t)(lf - d) + 1 : len;
	}
}

size_t
csvref_csvio2(int fd, size_t max, struct csvref_out *stop,
    struct csvref_out *bare)
{
	struct csvio_reader *r = csvio_reader_new(fd, ',', max);
	struct csvio_record rec;
	size_t nrec = 0, i;
	int rc, stopped = 0;

	if (r == NULL)
		abort();
	while ((rc = csvio_next(r, &rec)) != 0) {
		if (rc < 0 && rec.err == CSVIO_EINTR)
			continue;	/* call again: nothing is lost */
		if (rc < 0) {
			const char *e = csvio_strerror(rec.err);
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM)
				abort();
			if (stop != NULL && !stopped) {
				csvref_add(stop, "!", 1);
				csvref_add(stop, e, strlen(e));
				csvref_add(stop, "\n", 1);
				stopped = 1;
			}
			if (bare == NULL)
				break;
			csvref_add(bare, "!\n", 2);
			continue;
		}
		for (i = 0; i < rec.nf; i++) {
			if (stop != NULL && !stopped) {
				csvref_add(stop, "[", 1);
				csvref_add(stop, rec.f[i].p, rec.f[i].len);
				csvref_add(stop, "]", 1);
			}
			if (bare != NULL) {
				csvref_add(bare, "[", 1);
				csvref_add(bare, rec.f[i].p, rec.f[i].len);
				csvref_add(bare, "]", 1);
			}
		}
		if (stop != NULL && !stopped)
			csvref_add(stop, "\n", 1);
		if (bare != NULL)
			csvref_add(bare, "\n", 1);
		nrec++;
	}
	csvio_reader_free(r);
	return nrec;
}

size_t
csvref_csvio(int fd, size_t max, int flags, struct csvref_out *o)
{
	struct csvio_reader *r = csvio_reader_new(fd, ',', max);
	struct csvio_record rec;
	size_t nrec = 0, i;
	int rc;

	if (r == NULL)
		abort();
	while ((rc = csvio_next(r, &rec)) != 0) {
		if (rc < 0 && rec.err == CSVIO_EINTR)
			continue;	/* call again: nothing is lost */
		if (rc < 0) {
			const char *e = csvio_strerror(rec.err);
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM)
				abort();
			csvref_add(o, "!", 1);
			if (!(flags & CSVREF_BARE))
				csvref_add(o, e, strlen(e));
			csvref_add(o, "\n", 1);
			if (flags & CSVREF_STOP)
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
