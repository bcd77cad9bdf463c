/* lib/csvio against libcsv in strict mode, spaces kept (the reference
 * side, tests/common/csvref.c, is shared with tests/unit/test_csvio.c):
 * when libcsv accepts the whole input both give the same fields; when it
 * stops at an error, csvio agrees on every record before it and reports an
 * error at that record. */
#include "fuzz.h"
#include "csvio.h"
#include "../common/csvref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
render_csvio(const uint8_t *data, size_t len, struct csvref_out *o)
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
			csvref_add(o, "!\n", 2);
			break;
		}
		for (i = 0; i < rec.nf; i++) {
			csvref_add(o, "[", 1);
			csvref_add(o, rec.f[i].p, rec.f[i].len);
			csvref_add(o, "]", 1);
		}
		csvref_add(o, "\n", 1);
	}
	csvio_reader_free(r);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvref_out mine = { 0 }, ref = { 0 };
	int lrc;

	/* NUL bytes: libcsv keeps them, and so must csvio; no special case. */
	lrc = csvref_libcsv(data, size, &ref);
	render_csvio(data, size, &mine);
	if (lrc == 0) {
		if (ref.n != mine.n ||
		    (mine.n && memcmp(ref.s, mine.s, mine.n) != 0)) {
			fprintf(stderr, "libcsv: <%s>\ncsvio: <%s>\n",
			    ref.s ? ref.s : "", mine.s ? mine.s : "");
			abort();
		}
	} else {
		size_t k = ref.n;
		if (mine.n < k || (k && memcmp(ref.s, mine.s, k) != 0) ||
		    mine.n == k || mine.s[k] != '!') {
			fprintf(stderr, "libcsv (error): <%s>\ncsvio: <%s>\n",
			    ref.s ? ref.s : "", mine.s ? mine.s : "");
			abort();
		}
	}
	free(mine.s);
	free(ref.s);
	return 0;
}
