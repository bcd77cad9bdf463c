/* render/data.c: dtab_read_fd on hostile CSV (first byte: keep_last and
 * the appended flag), then every cell through dtab_num.  With bit 4 of
 * the first byte the CSV is also read by path as a file of at least
 * 40 KiB (the rest of the input repeated), with keep_last 1 to 8: the
 * path that reads only the header and a tail, then a bigger tail. */
#include "fuzz.h"
#include "data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_table(const struct dtab *t, size_t keep)
{
	char err[512];
	size_t r, c;
	double v;
	int rc;

	FUZZ_ASSERT(t->ncol >= 1 && t->ncol <= DATA_MAX_COLS);
	FUZZ_ASSERT(t->nrow <= DATA_MAX_ROWS);
	FUZZ_ASSERT(t->nrow * t->ncol <= DATA_MAX_CELLS);
	if (keep > 0)
		FUZZ_ASSERT(t->nrow <= keep);
	for (c = 0; c < t->ncol; c++) {
		FUZZ_ASSERT(t->hdr[c] != NULL);
		FUZZ_ASSERT(dtab_col(t, t->hdr[c]) >= 0);
		(void)dtab_numeric(t, c);
		for (r = 0; r < t->nrow; r++) {
			FUZZ_ASSERT(dtab_get(t, r, c) != NULL);
			err[0] = '\0';
			rc = dtab_num(t, r, c, &v, err, sizeof(err));
			FUZZ_ASSERT(rc >= -1 && rc <= 1);
			FUZZ_ASSERT(rc != -1 || err[0] != '\0');
			FUZZ_ASSERT(rc != 0 || (v >= -1e300 && v <= 1e300));
		}
		/* Rows come in file order (a lone CR ends a record without
		 * starting a line: equal numbers). */
		if (c == 0)
			for (r = 1; r < t->nrow; r++)
				FUZZ_ASSERT(t->line[r] >= t->line[r - 1]);
	}
}

/* The rest of the input repeated into a file of at least 40 KiB, read by
 * its /proc path with keep_last rows: the tail path. */
static void
read_big(const uint8_t *data, size_t size, size_t keep, unsigned flags)
{
	char path[64], err[512];
	struct dtab *t;
	size_t reps = 40960 / size + 1, i;
	uint8_t *big;
	int fd;

	if ((big = malloc(reps * size)) == NULL)
		abort();
	for (i = 0; i < reps; i++)
		memcpy(big + i * size, data, size);
	fd = fuzz_memfd(big, reps * size);
	free(big);
	fuzz_fdpath(fd, path, sizeof(path));
	err[0] = '\0';
	if ((t = dtab_read_path(path, "fuzz", keep, flags, err,
	    sizeof(err))) == NULL)
		FUZZ_ASSERT(err[0] != '\0');
	else {
		check_table(t, keep);
		dtab_free(t);
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtab *t;
	char err[512];
	size_t keep;
	unsigned flags;
	int fd;

	if (size < 1)
		return 0;
	keep = (data[0] >> 1) & 7;
	flags = data[0] & 1 ? DATA_APPENDED : 0;
	fd = fuzz_memfd(data + 1, size - 1);
	err[0] = '\0';
	if ((t = dtab_read_fd(fd, "fuzz", keep, flags, err, sizeof(err))) ==
	    NULL) {
		FUZZ_ASSERT(err[0] != '\0');
	} else {
		check_table(t, keep);
		dtab_free(t);
	}
	close(fd);
	if ((data[0] & 16) && size > 1)
		read_big(data + 1, size - 1, keep + 1, flags);
	return 0;
}
