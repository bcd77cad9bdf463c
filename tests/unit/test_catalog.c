/* Tests of lib/catalog.c: the built-in table equals examples/catalog.csv,
 * and bad catalogue files fail with file:line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"

static void
test_builtin_matches_example(void **state)
{
	const struct catalog *b = catalog_builtin();
	char err[256], path[4096];
	struct catalog *c;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/examples/catalog.csv",
	    getenv("LI_TOP") ? getenv("LI_TOP") : ".");
	c = catalog_load(path, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(b->n, 51);
	assert_int_equal(c->n, b->n);
	assert_int_equal(c->naisles, 7);
	for (i = 0; i < b->n; i++) {
		assert_string_equal(c->items[i].name, b->items[i].name);
		assert_string_equal(c->items[i].aisle, b->items[i].aisle);
		assert_int_equal(c->items[i].price, b->items[i].price);
	}
	assert_int_equal(b->items[catalog_find(b, "laptop", 6)].price, 5632499);
	assert_int_equal(b->items[catalog_find(b, "apple", 5)].price, 200);
	assert_int_equal(catalog_aisle_no(b, (size_t)catalog_find(b, "toothbrush", 10)), 3);
	assert_int_equal(catalog_find(b, "unicorn", 7), -1);
	catalog_free(c);
}

static void
test_bad_files(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "Item,Aisle\nx,y\n", ":1: header must name Item, Aisle and Price" },
		{ "Item,Aisle,Price\nx,y,abc\n", ":2: bad price" },
		{ "Item,Aisle,Price\nx,y,1\nx,z,2\n", ":3: duplicate item x" },
		{ "Item,Aisle,Price\nx,y\n", ":2: expected 3 fields, got 2" },
		{ "Item,Aisle,Price\n", ": no items" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[] = "/tmp/li-cat.XXXXXX", err[256];
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, cases[i].text, strlen(cases[i].text)),
		    (ssize_t)strlen(cases[i].text));
		close(fd);
		assert_null(catalog_load(path, err, sizeof(err)));
		if (strstr(err, cases[i].want) == NULL)
			fail_msg("case %zu: got '%s'", i, err);
		unlink(path);
	}
	assert_null(catalog_load("/nonexistent/cat.csv", (char[64]){0}, 64));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_matches_example),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
