/* recommend/model.c: rec_model_decode on hostile model images.  For an
 * image of at least a header, the harness writes the payload length and
 * both checksums first (unless the first byte is odd), so the fuzzer
 * reaches the payload parser; a decoded model is indexed and scored. */
#include "fuzz.h"
#include "rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
put32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rec_scored out[8];
	struct rec_model *m;
	unsigned char *buf;
	double *scratch;
	char err[512];
	size_t len, i;
	uint32_t u;

	if (size < 1)
		return 0;
	len = size - 1;
	if ((buf = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(buf, data + 1, len);
	if ((data[0] & 1) == 0 && len >= REC_MODEL_HDRLEN) {
		uint64_t plen = len - REC_MODEL_HDRLEN;
		for (i = 0; i < 8; i++)
			buf[72 + i] = (unsigned char)(plen >> (8 * i));
		put32(buf + 80, rec_crc32(0, buf + REC_MODEL_HDRLEN, plen));
		put32(buf + 92, rec_crc32(0, buf, 92));
	}
	err[0] = '\0';
	if ((m = rec_model_decode(buf, len, err, sizeof(err))) == NULL) {
		FUZZ_ASSERT(err[0] != '\0');
		goto out;
	}
	if (rec_model_index(m) == 0 && m->nitems > 0) {
		if ((scratch = calloc(m->nitems, sizeof(double))) == NULL)
			abort();
		for (u = 0; u < m->nusers && u < 4; u++) {
			FUZZ_ASSERT(rec_top_n(m, u, 8, 0, scratch, out) <= 8);
			FUZZ_ASSERT(rec_top_n(m, u, 8, 1, scratch, out) <= 8);
		}
		for (u = 0; u < m->nitems && u < 4; u++)
			FUZZ_ASSERT(rec_similar(m, u, 8, out) <= 8);
		free(scratch);
	}
	rec_model_free(m);
out:
	free(buf);
	return 0;
}
