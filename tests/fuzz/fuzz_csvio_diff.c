/* lib/csvio against libcsv in strict mode, spaces kept (the reference
 * side, tests/common/csvref.c, is shared with tests/unit/test_csvio.c):
 * when libcsv accepts the whole input both give the same fields; when it
 * stops at an error, csvio agrees on every record before it and reports an
 * error at that record.  Past errors, the resync rule: csvio reads the
 * same records as libcsv restarted on the line after each bad record's
 * first line (csvref_libcsv_resync).  Inputs whose length is a multiple
 * of 3 are read a few bytes at a time, as from a pipe. */
#include "fuzz.h"
#include "../common/csvref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
differ(const char *what, const struct csvref_out *ref,
    const struct csvref_out *mine)
{
	fprintf(stderr, "%s\nlibcsv: <%s>\ncsvio: <%s>\n", what,
	    ref->s ? ref->s : "", mine->s ? mine->s : "");
	abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvref_out mine = { 0 }, ref = { 0 };
	struct csvref_out rmine = { 0 }, rref = { 0 };
	size_t chunk = size % 3 == 0 && size > 0 ? 1 + data[0] % 7 : 0;
	int lrc, fd;

	/* NUL bytes: libcsv keeps them, and so must csvio; no special case. */
	lrc = csvref_libcsv(data, size, &ref);
	fd = chunk ? fuzz_chunked_fd(data, size, chunk) :
	    fuzz_memfd(data, size);
	/* A record limit above the input's size changes nothing but the
	 * reader's buffer (smaller, so faster under ASan). */
	csvref_csvio2(fd, size < 65536 ? 65536 : 0, &mine, &rmine);
	close(fd);
	if (!csvref_agree(lrc, &ref, &mine))
		differ(lrc ? "up to libcsv's error" : "valid input", &ref,
		    &mine);
	csvref_libcsv_resync(data, size, &rref);
	if (rref.n != rmine.n || (rref.n > 0 &&
	    memcmp(rref.s, rmine.s, rref.n) != 0))
		differ("past errors (resync)", &rref, &rmine);
	free(mine.s);
	free(ref.s);
	free(rmine.s);
	free(rref.s);
	return 0;
}
