/* render/data.c: dtab_read_fd on hostile CSV (first byte: keep_last and
 * the appended flag), then every cell through dtab_num. */
#include "fuzz.h"
#include "data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtab *t;
	char err[512];
	size_t keep, r, c;
	unsigned flags;
	double v;
	int fd, rc;

	if (size < 1)
		return 0;
	keep = (data[0] >> 1) & 7;
	flags = data[0] & 1 ? DATA_APPENDED : 0;
	fd = fuzz_memfd(data + 1, size - 1);
	err[0] = '\0';
	if ((t = dtab_read_fd(fd, "fuzz", keep, flags, err, sizeof(err))) ==
	    NULL) {
		FUZZ_ASSERT(err[0] != '\0');
		goto out;
	}
	FUZZ_ASSERT(t->ncol <= DATA_MAX_COLS);
	if (keep > 0)
		FUZZ_ASSERT(t->nrow <= keep);
	for (c = 0; c < t->ncol; c++) {
		FUZZ_ASSERT(t->hdr[c] != NULL);
		FUZZ_ASSERT(dtab_col(t, t->hdr[c]) >= 0);
		(void)dtab_numeric(t, c);
		for (r = 0; r < t->nrow; r++) {
			FUZZ_ASSERT(dtab_get(t, r, c) != NULL);
			rc = dtab_num(t, r, c, &v, err, sizeof(err));
			FUZZ_ASSERT(rc >= -1 && rc <= 1);
		}
	}
	dtab_free(t);
out:
	close(fd);
	return 0;
}
