/* lib/csvio: split records out of arbitrary bytes through a memfd (whole
 * reads) or a socket that returns a few bytes a read (records split across
 * reads, as from a pipe), with a small or default max_record and a chosen
 * delimiter.  Checks that every
 * record and field lies inside the limits the header promises. */
#include "fuzz.h"
#include "csvio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = ",;\t|";
	struct csvio_reader *r;
	struct csvio_record rec;
	size_t max, chunk, i;
	uint64_t last_end = 0;
	char delim;
	int fd, rc, guard = 0;

	if (size < 2)
		return 0;
	/* First byte: delimiter and max_record (0: default 1 MiB); second:
	 * bytes per read (0: all at once). */
	delim = delims[data[0] & 3];
	max = (data[0] >> 2) == 0 ? 0 : (size_t)(data[0] >> 2) * 3;
	chunk = data[1];
	data += 2, size -= 2;
	fd = chunk ? fuzz_chunked_fd(data, size, chunk) :
	    fuzz_memfd(data, size);
	if ((r = csvio_reader_new(fd, delim, max)) == NULL)
		abort();
	while ((rc = csvio_next(r, &rec)) != 0) {
		FUZZ_ASSERT(++guard <= (int)size + 2);
		if (rc < 0) {
			FUZZ_ASSERT(rec.err != CSVIO_EIO && rec.err != CSVIO_ENOMEM);
			FUZZ_ASSERT(csvio_strerror(rec.err) != NULL);
			continue;
		}
		FUZZ_ASSERT(rec.nf >= 1);
		FUZZ_ASSERT(rec.offset >= last_end && rec.end > rec.offset);
		FUZZ_ASSERT(rec.end <= size);
		if (max > 0)
			FUZZ_ASSERT(rec.rawlen <= max);
		for (i = 0; i < rec.nf; i++) {
			FUZZ_ASSERT(rec.f[i].len <= rec.rawlen);
			/* Touch every byte so ASan checks the bounds. */
			if (rec.f[i].len > 0)
				FUZZ_ASSERT(memchr(rec.f[i].p, 0, rec.f[i].len) !=
				    (void *)1);
		}
		last_end = rec.end;
	}
	FUZZ_ASSERT(csvio_offset(r) <= size);
	csvio_reader_free(r);
	close(fd);
	return 0;
}
