/* lib/csvio: split records out of arbitrary bytes through a memfd (whole
 * reads) or a socket that returns a few bytes a read (records split across
 * reads, as from a pipe), with a small or default max_record, a chosen
 * delimiter, and the resync bounds of csvio_reader_set_fields and
 * csvio_reader_set_max_lines.  Checks that every record and field lies
 * inside the limits the header promises, and the resync rule: a rejected
 * record is one physical line at most, so it never swallows the lines
 * after it, and records come in line order. */
#include "fuzz.h"
#include "csvio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = ",;\t|";
	struct csvio_reader *r;
	struct csvio_record rec;
	size_t max, chunk, i, nfields, max_lines;
	uint64_t last_end = 0, next_line = 1;
	char delim;
	int fd, rc, guard = 0;

	if (size < 3)
		return 0;
	/* First byte: delimiter and max_record (0: default 1 MiB); second:
	 * bytes per read (0: all at once); third: the field count a
	 * multi-line record must have (low nibble, 0: any) and the lines a
	 * record may span (high nibble, 0: any). */
	delim = delims[data[0] & 3];
	max = (data[0] >> 2) == 0 ? 0 : (size_t)(data[0] >> 2) * 3;
	chunk = data[1];
	nfields = data[2] & 15;
	max_lines = data[2] >> 4;
	data += 3, size -= 3;
	fd = chunk ? fuzz_chunked_fd(data, size, chunk) :
	    fuzz_memfd(data, size);
	if ((r = csvio_reader_new(fd, delim, max)) == NULL)
		abort();
	csvio_reader_set_fields(r, nfields);
	csvio_reader_set_max_lines(r, max_lines);
	while ((rc = csvio_next(r, &rec)) != 0) {
		FUZZ_ASSERT(++guard <= 2 * (int)size + 2);
		if (rc < 0 && rec.err == CSVIO_EINTR)
			continue;	/* a read while skipping: call again */
		if (rc < 0) {
			FUZZ_ASSERT(rec.err != CSVIO_EIO && rec.err != CSVIO_ENOMEM);
			FUZZ_ASSERT(csvio_strerror(rec.err) != NULL);
			/* One physical line, starting where the last record
			 * ended: nothing after its line break is taken. */
			FUZZ_ASSERT(rec.line == rec.last_line);
			FUZZ_ASSERT(rec.line >= next_line);
			FUZZ_ASSERT(rec.offset >= last_end && rec.end > rec.offset);
			FUZZ_ASSERT(rec.end <= size);
			FUZZ_ASSERT(memchr(data + rec.offset, '\n',
			    rec.end - rec.offset - 1) == NULL);
			if (rec.raw != NULL && rec.rawlen > 0)
				FUZZ_ASSERT(memchr(rec.raw, '\n', rec.rawlen) == NULL);
			next_line = rec.line + (data[rec.end - 1] == '\n');
			last_end = rec.end;
			continue;
		}
		FUZZ_ASSERT(rec.nf >= 1);
		FUZZ_ASSERT(rec.offset >= last_end && rec.end > rec.offset);
		FUZZ_ASSERT(rec.end <= size);
		FUZZ_ASSERT(rec.line >= next_line && rec.last_line >= rec.line);
		if (max > 0)
			FUZZ_ASSERT(rec.rawlen <= max);
		if (max_lines > 0)
			FUZZ_ASSERT(rec.last_line - rec.line < max_lines);
		if (nfields > 0 && rec.last_line > rec.line)
			FUZZ_ASSERT(rec.nf == nfields);
		for (i = 0; i < rec.nf; i++) {
			FUZZ_ASSERT(rec.f[i].len <= rec.rawlen);
			/* Touch every byte so ASan checks the bounds. */
			if (rec.f[i].len > 0)
				FUZZ_ASSERT(memchr(rec.f[i].p, 0, rec.f[i].len) !=
				    (void *)1);
		}
		/* A lone CR ends a record but not a physical line. */
		next_line = rec.last_line + (data[rec.end - 1] == '\n');
		last_end = rec.end;
	}
	FUZZ_ASSERT(csvio_offset(r) <= size);
	csvio_reader_free(r);
	close(fd);
	return 0;
}
