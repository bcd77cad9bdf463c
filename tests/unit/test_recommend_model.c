/* Tests of recommend/model.c: round trip, and a clear error for every kind
 * of damage (truncation, flipped bits, another version, not a model). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../recommend/rec.h"

/* A small trained-looking model built by hand. */
static struct rec_model *
sample(void)
{
	struct rec_data *d = rec_data_new(REC_AGG_SUM, NULL);
	struct rec_csr bu, bi;
	struct als_params p;
	struct rec_model *m;
	char err[REC_ERRLEN];
	double U[3 * 2], V[4 * 2];
	int j;

	assert_non_null(d);
	assert_int_equal(rec_data_add(d, "9000000001", 10, "Asha", "Rao",
	    "milk", 4, 2, err, sizeof(err)), 0);
	assert_int_equal(rec_data_add(d, "9000000001", 10, NULL, NULL,
	    "bread", 5, 1, err, sizeof(err)), 0);
	assert_int_equal(rec_data_add(d, "9000000002", 10, "Ravi", NULL,
	    "tea, green", 10, 3, err, sizeof(err)), 0);
	assert_int_equal(rec_data_add(d, "9000000003", 10, NULL, NULL,
	    "soap \"x\"", 8, 1, err, sizeof(err)), 0);
	rec_data_sort(d);
	assert_int_equal(rec_csr_build(d, &bu, &bi), 0);
	memset(&p, 0, sizeof(p));
	p.rank = 2;
	p.iters = 7;
	p.lambda = 0.25;
	p.alpha = 3;
	p.implicit = 1;
	p.seed = 99;
	for (j = 0; j < 6; j++)
		U[j] = j * 0.5 - 1;
	for (j = 0; j < 8; j++)
		V[j] = 1.0 / (j + 1);
	m = rec_model_from(d, &bu, &p, U, V);
	assert_non_null(m);
	rec_csr_free(&bu);
	rec_csr_free(&bi);
	rec_data_free(d);
	return m;
}

static void
encode(const struct rec_model *m, unsigned char **buf, size_t *len)
{
	assert_int_equal(rec_model_encode(m, buf, len), 0);
}

static void
test_round_trip(void **state)
{
	struct rec_model *m = sample(), *r;
	unsigned char *buf, *buf2;
	size_t len, len2, j;
	char err[REC_ERRLEN] = "";

	encode(m, &buf, &len);
	r = rec_model_decode(buf, len, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	assert_int_equal(r->rank, 2);
	assert_int_equal(r->nusers, 3);
	assert_int_equal(r->nitems, 4);
	assert_int_equal(r->iters, 7);
	assert_int_equal(r->nnz, 4);
	assert_int_equal(r->flags, REC_MF_IMPLICIT);
	assert_true(r->lambda == 0.25 && r->alpha == 3 && r->seed == 99);
	assert_memory_equal(r->U, m->U, 6 * sizeof(double));
	assert_memory_equal(r->V, m->V, 8 * sizeof(double));
	assert_string_equal(r->uid[0], "9000000001");
	assert_string_equal(r->first[0], "Asha");
	assert_string_equal(r->last[0], "Rao");
	assert_string_equal(r->first[1], "Ravi");
	assert_string_equal(r->last[1], "");
	assert_string_equal(r->item[2], "tea, green");
	for (j = 0; j <= 3; j++)
		assert_int_equal(r->own_ptr[j], m->own_ptr[j]);
	/* Re-encoding gives the same bytes. */
	encode(r, &buf2, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	/* Fixed little-endian header. */
	assert_memory_equal(buf, "LIRECMOD\001\000\000\000\140\000\000\000", 16);
	free(buf);
	free(buf2);
	rec_model_free(r);
	rec_model_free(m);
}

static void
test_truncated(void **state)
{
	struct rec_model *m = sample(), *r;
	unsigned char *buf;
	size_t len, cut;
	char err[REC_ERRLEN];

	encode(m, &buf, &len);
	for (cut = 0; cut < len; cut++) {
		r = rec_model_decode(buf, cut, err, sizeof(err));
		assert_null(r);
		if (cut < 8)
			assert_string_equal(err,
			    "not a recommend model (bad magic)");
		else if (cut < REC_MODEL_HDRLEN)
			assert_int_equal(strncmp(err, "truncated header (",
			    18), 0);
		else
			assert_non_null(strstr(err, "truncated: "));
	}
	r = rec_model_decode(buf, 50, err, sizeof(err));
	assert_null(r);
	assert_string_equal(err, "truncated header (50 bytes)");
	free(buf);
	rec_model_free(m);
}

static const char *
decode_err(unsigned char *buf, size_t len, char *err, size_t errlen)
{
	struct rec_model *r = rec_model_decode(buf, len, err, errlen);

	assert_null(r);
	return err;
}

/* Every single flipped bit is caught. */
static void
test_bit_flips(void **state)
{
	struct rec_model *m = sample();
	unsigned char *buf;
	size_t len, j;
	char err[REC_ERRLEN];
	int bit;

	encode(m, &buf, &len);
	for (j = 0; j < len; j++) {
		for (bit = 0; bit < 8; bit++) {
			buf[j] ^= (unsigned char)(1 << bit);
			decode_err(buf, len, err, sizeof(err));
			buf[j] ^= (unsigned char)(1 << bit);
		}
	}
	buf[REC_MODEL_HDRLEN + 3] ^= 0x10;
	assert_string_equal(decode_err(buf, len, err, sizeof(err)),
	    "corrupt payload (checksum mismatch)");
	buf[REC_MODEL_HDRLEN + 3] ^= 0x10;
	buf[20] ^= 0x01;
	assert_string_equal(decode_err(buf, len, err, sizeof(err)),
	    "corrupt header (checksum mismatch)");
	free(buf);
	rec_model_free(m);
}

static void
test_version_and_magic(void **state)
{
	struct rec_model *m = sample();
	unsigned char *buf, *big;
	size_t len;
	char err[REC_ERRLEN];

	encode(m, &buf, &len);
	buf[8] = 2;
	assert_string_equal(decode_err(buf, len, err, sizeof(err)),
	    "model format version 2; this recommend reads version 1");
	buf[8] = 1;
	buf[0] = 'X';
	assert_string_equal(decode_err(buf, len, err, sizeof(err)),
	    "not a recommend model (bad magic)");
	buf[0] = 'L';
	big = malloc(len + 3);
	assert_non_null(big);
	memcpy(big, buf, len);
	memset(big + len, 0, 3);
	assert_string_equal(decode_err(big, len + 3, err, sizeof(err)),
	    "3 bytes of trailing garbage");
	free(big);
	free(buf);
	rec_model_free(m);
}

/* A header that claims huge sizes, with a valid checksum, is refused
 * before anything is allocated for it. */
static void
test_hostile_sizes(void **state)
{
	struct rec_model *m = sample();
	unsigned char *buf;
	size_t len;
	char err[REC_ERRLEN];
	uint32_t crc;

	encode(m, &buf, &len);
	buf[24] = buf[25] = buf[26] = 0xff;	/* 16M users */
	crc = rec_crc32(0, buf, 92);
	buf[92] = (unsigned char)crc;
	buf[93] = (unsigned char)(crc >> 8);
	buf[94] = (unsigned char)(crc >> 16);
	buf[95] = (unsigned char)(crc >> 24);
	assert_string_equal(decode_err(buf, len, err, sizeof(err)),
	    "sizes do not match the payload");
	free(buf);
	rec_model_free(m);
}

static void
test_save_load(void **state)
{
	struct rec_model *m = sample(), *r;
	char dir[] = "/tmp/rec-model-XXXXXX", path[64], err[REC_ERRLEN];
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.bin", dir);
	assert_int_equal(rec_model_save(m, path, NULL, err, sizeof(err)), 0);
	r = rec_model_load(path, 1 << 20, err, sizeof(err));
	assert_non_null(r);
	rec_model_free(r);
	assert_null(rec_model_load(path, 10, err, sizeof(err)));
	assert_non_null(strstr(err, ": larger than 10 bytes"));
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_null(rec_model_load(path, 1 << 20, err, sizeof(err)));
	assert_non_null(strstr(err, ": not a recommend model (bad magic)"));
	unlink(path);
	assert_null(rec_model_load(path, 1 << 20, err, sizeof(err)));
	assert_non_null(strstr(err, ": No such file or directory"));
	rmdir(dir);
	rec_model_free(m);
}

static void
test_crc32(void **state)
{
	/* The standard check value of CRC-32/ISO-HDLC. */
	assert_int_equal(rec_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(rec_crc32(0, "", 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_version_and_magic),
		cmocka_unit_test(test_hostile_sizes),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_crc32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
