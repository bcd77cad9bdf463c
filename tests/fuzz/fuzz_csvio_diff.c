/* lib/csvio against libcsv in strict mode (spaces kept), as in
 * tests/unit/test_csvio.c: when libcsv accepts the whole input both give
 * the same fields; when it stops at an error, csvio agrees on every record
 * before it and reports an error at that record. */
#include <csv.h>

#include "fuzz.h"
#include "csvio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	char *s;
	size_t n, cap;
};

static void
out_add(struct out *o, const void *p, size_t n)
{
	if (o->n + n + 1 > o->cap) {
		o->cap = (o->n + n + 1) * 2;
		if ((o->s = realloc(o->s, o->cap)) == NULL)
			abort();
	}
	memcpy(o->s + o->n, p, n);
	o->n += n;
	o->s[o->n] = '\0';
}

static void
render_csvio(const uint8_t *data, size_t len, struct out *o)
{
	int fd = fuzz_memfd(data, len);
	struct csvio_reader *r = csvio_reader_new(fd, ',', 0);
	struct csvio_record rec;
	size_t i;
	int rc;

	if (r == NULL)
		abort();
	while ((rc = csvio_next(r, &rec)) != 0) {
		if (rc < 0) {
			out_add(o, "!\n", 2);
			break;
		}
		for (i = 0; i < rec.nf; i++) {
			out_add(o, "[", 1);
			out_add(o, rec.f[i].p, rec.f[i].len);
			out_add(o, "]", 1);
		}
		out_add(o, "\n", 1);
	}
	csvio_reader_free(r);
	close(fd);
}

struct lc {
	struct out o, row;
};

static void
lc_field(void *s, size_t n, void *data)
{
	struct lc *lc = data;

	out_add(&lc->row, "[", 1);
	if (n > 0)
		out_add(&lc->row, s, n);
	out_add(&lc->row, "]", 1);
}

static void
lc_row(int c, void *data)
{
	struct lc *lc = data;

	(void)c;
	out_add(&lc->o, lc->row.s ? lc->row.s : "", lc->row.n);
	out_add(&lc->o, "\n", 1);
	lc->row.n = 0;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
render_libcsv(const uint8_t *data, size_t len, struct lc *lc)
{
	struct csv_parser p;
	int rc = 0;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		abort();
	csv_set_space_func(&p, no_space);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	if (csv_parse(&p, data, len, lc_field, lc_row, lc) != len)
		rc = -1;
	else if (csv_fini(&p, lc_field, lc_row, lc) != 0)
		rc = -1;
	csv_free(&p);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out mine = { 0 };
	struct lc ref = { { 0 }, { 0 } };
	int lrc;

	/* NUL bytes: libcsv keeps them, and so must csvio; no special case. */
	lrc = render_libcsv(data, size, &ref);
	render_csvio(data, size, &mine);
	if (lrc == 0) {
		if (ref.o.n != mine.n ||
		    (mine.n && memcmp(ref.o.s, mine.s, mine.n) != 0)) {
			fprintf(stderr, "libcsv: <%s>\ncsvio: <%s>\n",
			    ref.o.s ? ref.o.s : "", mine.s ? mine.s : "");
			abort();
		}
	} else {
		size_t k = ref.o.n;
		if (mine.n < k || (k && memcmp(ref.o.s, mine.s, k) != 0) ||
		    mine.n == k || mine.s[k] != '!') {
			fprintf(stderr, "libcsv (error): <%s>\ncsvio: <%s>\n",
			    ref.o.s ? ref.o.s : "", mine.s ? mine.s : "");
			abort();
		}
	}
	free(mine.s);
	free(ref.o.s);
	free(ref.row.s);
	return 0;
}
