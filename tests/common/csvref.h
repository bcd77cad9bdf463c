#ifndef CSVREF_H
#define CSVREF_H
/* The reference side of the differential tests of lib/csvio: libcsv in
 * strict mode, spaces kept, a leading UTF-8 BOM skipped (as csvio does),
 * rendering every record it completes as "[f1][f2]...\n".  Shared by
 * tests/unit/test_csvio.c and tests/fuzz/fuzz_csvio_diff.c. */
#include <stddef.h>

/* A growing NUL-terminated text buffer; zero-initialise, free(s) after. */
struct csvref_out {
	char *s;
	size_t n, cap;
};

/* Append n bytes; aborts when out of memory (a test cannot go on). */
void csvref_add(struct csvref_out *o, const void *p, size_t n);

/* Render what libcsv reads from data into o.  Returns 0 when libcsv
 * accepted all of it, -1 at a parse error (the records completed before it
 * are in o). */
int csvref_libcsv(const void *data, size_t len, struct csvref_out *o);

#endif
