/* Tests of replay/hold.c: rows held for --sort, --shuffle and --reorder. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../replay/hold.h"

static void
test_sort_stable(void **state)
{
	static const struct {
		const char *row;
		double ev;
	} in[] = {
		{ "c", 30 }, { "a1", 10 }, { "x", NAN }, { "b", 20 },
		{ "a2", 10 }, { "d", 40 }, { "a3", 10 },
	};
	/* x has no time: it keeps the time of a1, the row before it, and
	 * so stays right after it. */
	static const char *const want[] = {
		"a1", "x", "a2", "a3", "b", "c", "d",
	};
	struct hold h;
	size_t i;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_int_equal(hold_add(&h, in[i].row, strlen(in[i].row),
		    in[i].ev), 0);
	hold_sort(&h);
	assert_int_equal(h.n, 7);
	for (i = 0; i < h.n; i++) {
		assert_int_equal(h.v[i].len, strlen(want[i]));
		assert_memory_equal(hold_row(&h, i), want[i], h.v[i].len);
	}
	hold_free(&h);
}

static void
test_shuffle_keeps_rows(void **state)
{
	struct hold h;
	struct rng r;
	char row[8];
	int seen[100] = { 0 };
	size_t i;

	(void)state;
	memset(&h, 0, sizeof(h));
	for (i = 0; i < 100; i++) {
		int n = snprintf(row, sizeof(row), "%zu", i);
		assert_int_equal(hold_add(&h, row, (size_t)n, NAN), 0);
	}
	rng_seed(&r, 7);
	hold_shuffle(&h, &r);
	for (i = 0; i < h.n; i++) {
		memcpy(row, hold_row(&h, i), h.v[i].len);
		row[h.v[i].len] = '\0';
		seen[atoi(row)]++;
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(seen[i], 1);
	hold_free(&h);
}

static void
test_heap_order(void **state)
{
	struct rheap h;
	struct hold_rec r;
	double prev = -1;
	uint64_t prev_seq = 0;
	unsigned x = 12345;
	int i;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_null(rheap_top(&h));
	assert_int_equal(rheap_pop(&h, &r), -1);
	/* 3000 rows with many equal times: out by time, ties by arrival. */
	for (i = 0; i < 3000; i++) {
		x = x * 1103515245u + 12345u;
		assert_int_equal(rheap_push(&h, "row", 3,
		    (double)((x >> 16) % 50)), 0);
	}
	assert_int_equal(h.bytes, 9000);
	for (i = 0; i < 3000; i++) {
		assert_non_null(rheap_top(&h));
		assert_int_equal(rheap_pop(&h, &r), 0);
		assert_true(r.ev >= prev);
		if (r.ev == prev)
			assert_true(r.seq > prev_seq);
		prev = r.ev;
		prev_seq = r.seq;
		assert_memory_equal(r.p, "row", 3);
		free(r.p);
	}
	assert_int_equal(h.bytes, 0);
	assert_null(rheap_top(&h));
	/* Freed with rows still in it. */
	assert_int_equal(rheap_push(&h, "a", 1, 1), 0);
	rheap_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_stable),
		cmocka_unit_test(test_shuffle_keeps_rows),
		cmocka_unit_test(test_heap_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
