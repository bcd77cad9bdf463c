/* Tests of lib/strmap.c: dense ids, lookups of keys of every length
 * (the short-key compare path and memcmp), growth. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "strmap.h"

static void
test_ids_in_order(void **state)
{
	static const char *keys[] = { "Indiranagar", "Whitefield", "", "a",
	    "Basmati Rice, 5kg", "Indiranagar " };
	struct strmap *m = strmap_new();
	size_t i, len;
	int ins;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(strmap_intern(m, keys[i], strlen(keys[i]), &ins),
		    (long)i);
		assert_int_equal(ins, 1);
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_int_equal(strmap_intern(m, keys[i], strlen(keys[i]), &ins),
		    (long)i);
		assert_int_equal(ins, 0);
		assert_string_equal(strmap_key(m, (long)i, &len), keys[i]);
		assert_int_equal(len, strlen(keys[i]));
	}
	assert_int_equal(strmap_count(m), 6);
	assert_int_equal(strmap_find(m, "Whitefiel", 9), -1);
	assert_null(strmap_key(m, 6, NULL));
	strmap_free(m);
}

static void
test_every_length(void **state)
{
	/* Keys of length 1..40 that differ from a base key in one byte
	 * (first, middle or last): each is its own key. */
	struct strmap *m = strmap_new();
	char k[64];
	size_t len, pos;

	(void)state;
	for (len = 1; len <= 40; len++) {
		long base;
		memset(k, 'q', len);
		base = strmap_intern(m, k, len, NULL);
		assert_int_equal(base, (long)strmap_count(m) - 1);
		for (pos = 0; pos < len; pos += len > 2 ? len / 2 : 1) {
			long id;
			k[pos] = 'r';
			assert_int_equal(strmap_find(m, k, len), -1);
			id = strmap_intern(m, k, len, NULL);
			assert_int_equal(id, (long)strmap_count(m) - 1);
			assert_int_equal(strmap_find(m, k, len), id);
			k[pos] = 'q';
			assert_int_equal(strmap_find(m, k, len), base);
		}
		k[len - 1] = 's';
		assert_int_equal(strmap_find(m, k, len), -1);
	}
	strmap_free(m);
}

static void
test_growth(void **state)
{
	struct strmap *m = strmap_new();
	char k[32];
	long i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		int n = snprintf(k, sizeof(k), "key-%ld", i);
		assert_int_equal(strmap_intern(m, k, (size_t)n, NULL), i);
	}
	for (i = 0; i < 100000; i += 7) {
		int n = snprintf(k, sizeof(k), "key-%ld", i);
		assert_int_equal(strmap_find(m, k, (size_t)n), i);
	}
	assert_int_equal(strmap_find(m, "key-100000", 10), -1);
	strmap_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_in_order),
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
