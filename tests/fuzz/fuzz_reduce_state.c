/* reduce/state.c: agg_load on hostile checkpoint files.  Unless the first
 * byte is odd, the harness appends the right "crc32," line, so the fuzzer
 * gets past the checksum into the record parser.  A loaded state is
 * written out as snapshot CSV. */
#include "fuzz.h"
#include "agg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct spec sp;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agg_pos pos;
	struct agg *a;
	char err[512], path[64], tail[32];
	FILE *null;
	size_t i;
	int fd;

	if (sp.naggs == 0 && spec_parse_text(&sp, spec_default_text,
	    "default", err, sizeof(err)) != 0)
		abort();
	if (size < 1)
		return 0;
	fd = fuzz_memfd(data + 1, size - 1);
	if ((data[0] & 1) == 0) {
		snprintf(tail, sizeof(tail), "crc32,%08x\n",
		    (unsigned)agg_crc32(0, data + 1, size - 1));
		/* Appended after the body; the reader opens its own file
		 * description, at offset 0. */
		if (lseek(fd, 0, SEEK_END) == -1 ||
		    write(fd, tail, strlen(tail)) != (ssize_t)strlen(tail))
			abort();
	}
	fuzz_fdpath(fd, path, sizeof(path));
	if ((a = agg_new(&sp)) == NULL)
		abort();
	err[0] = '\0';
	if (agg_load(a, path, &pos, err, sizeof(err)) == 0) {
		if ((null = fopen("/dev/null", "w")) == NULL)
			abort();
		for (i = 0; i < sp.naggs; i++)
			agg_write_csv(a, i, null);
		fclose(null);
		(void)agg_rows(a);
		(void)agg_rejected(a);
	} else {
		FUZZ_ASSERT(err[0] != '\0');
	}
	agg_free(a);
	close(fd);
	return 0;
}
