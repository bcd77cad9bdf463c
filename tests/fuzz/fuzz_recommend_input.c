/* recommend/input.c: rec_read on hostile CSV, JSON-lines and BSON input.
 * The first byte picks the format, the header mode and a small or default
 * max_record; limits on users, items and ratings are small. */
#include "fuzz.h"
#include "rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_ASSERT(msg != NULL && msg[0] != '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum rec_format fmts[] = { REC_FMT_CSV, REC_FMT_JSON,
	    REC_FMT_BSON, REC_FMT_CSV };
	struct rec_limits lim = { 64, 64, 256 };
	struct rec_input in;
	struct rec_data *d;
	char err[512], path[64];
	int fd;

	if (size < 1)
		return 0;
	memset(&in, 0, sizeof(in));
	in.fmt = fmts[data[0] & 3];
	in.header = (int)((data[0] >> 2) % 3) - 1;
	in.max_record = data[0] & 0x20 ? 64 : 0;
	in.max_rejects = data[0] & 0x40 ? 0 : 1000;
	in.delim = data[0] & 0x80 ? ';' : ',';
	in.ucol = "1";
	in.icol = "2";
	in.rcol = "3";
	in.warn = quiet;
	if ((d = rec_data_new(REC_AGG_SUM, &lim)) == NULL)
		abort();
	fd = fuzz_memfd(data + 1, size - 1);
	fuzz_fdpath(fd, path, sizeof(path));
	in.path = path;
	err[0] = '\0';
	if (rec_read(&in, d, err, sizeof(err)) != 0)
		FUZZ_ASSERT(err[0] != '\0');
	else
		FUZZ_ASSERT(rec_data_sort(d) == 0);
	rec_data_free(d);
	close(fd);
	return 0;
}
