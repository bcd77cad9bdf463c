#ifndef CSVREF_H
#define CSVREF_H
/* Both sides of the differential tests of lib/csvio against libcsv (in
 * strict mode, spaces kept, a leading UTF-8 BOM skipped as csvio does),
 * each rendering the records it reads as "[f1][f2]...\n", and the rule
 * that says whether they agree.  Shared by tests/unit/test_csvio.c and
 * tests/fuzz/fuzz_csvio_diff.c. */
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

/* Render what libcsv reads from data, resynchronising after each error
 * by csvio's rule (lib/csvio.h): the bad record's first physical line is
 * dropped, rendered "!\n", and a fresh parser reads on from the line after
 * it.  The reference for csvref_csvio(..., CSVREF_BARE, ...). */
void csvref_libcsv_resync(const void *data, size_t len, struct csvref_out *o);

#define CSVREF_STOP	1	/* stop at the first bad record */
#define CSVREF_BARE	2	/* a bad record as "!\n", without its reason */

/* Render what csvio reads from fd (max: its record limit, 0 for the
 * default) into o, a bad record as "!REASON\n"; flags are CSVREF_STOP and
 * CSVREF_BARE (1, the old stop_at_error, is CSVREF_STOP).  Returns the
 * number of good records.  Aborts on a read error or ENOMEM, which no test
 * input may cause. */
size_t csvref_csvio(int fd, size_t max, int flags, struct csvref_out *o);

/* Both renderings in one pass: stop as with CSVREF_STOP, bare as with
 * CSVREF_BARE (either may be NULL).  Returns the good records seen. */
size_t csvref_csvio2(int fd, size_t max, struct csvref_out *stop,
    struct csvref_out *bare);

/* Whether csvio's rendering (mine, made with stop_at_error) agrees with
 * libcsv's (ref; lrc as csvref_libcsv returned): the same records when
 * libcsv accepted everything; else the same records up to libcsv's error
 * and an error at that record. */
int csvref_agree(int lrc, const struct csvref_out *ref,
    const struct csvref_out *mine);

#endif
