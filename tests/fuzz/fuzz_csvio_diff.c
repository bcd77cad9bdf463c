/* lib/csvio against libcsv in strict mode, spaces kept (the reference
 * side, tests/common/csvref.c, is shared with tests/unit/test_csvio.c):
 * when libcsv accepts the whole input both give the same fields; when it
 * stops at an error, csvio agrees on every record before it and reports an
 * error at that record. */
#include "fuzz.h"
#include "../common/csvref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvref_out mine = { 0 }, ref = { 0 };
	int lrc, fd;

	/* NUL bytes: libcsv keeps them, and so must csvio; no special case. */
	lrc = csvref_libcsv(data, size, &ref);
	fd = fuzz_memfd(data, size);
	csvref_csvio(fd, 0, 1, &mine);
	close(fd);
	if (!csvref_agree(lrc, &ref, &mine)) {
		fprintf(stderr, "libcsv%s: <%s>\ncsvio: <%s>\n",
		    lrc ? " (error)" : "", ref.s ? ref.s : "",
		    mine.s ? mine.s : "");
		abort();
	}
	free(mine.s);
	free(ref.s);
	return 0;
}
