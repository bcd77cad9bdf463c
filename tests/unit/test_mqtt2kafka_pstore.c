/* Tests of mqtt2kafka/pstore.c, paho's persistence on one log file: put,
 * get, remove, keys, reopening after a kill (no close), a torn tail, and
 * removes of "q-" keys held back until the next put. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../mqtt2kafka/pstore.h"

static char dir[64], path[128];

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/m2k-ps.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/paho.log", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void
test_put_get_remove_reopen(void **state)
{
	MQTTClient_persistence p, q;
	void *h, *h2;
	char *bufs[2] = { "ab", "cde" }, *out, **keys;
	int lens[2] = { 2, 3 }, len, n, fd, i;

	(void)state;
	assert_int_equal(pstore_init(&p, path), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(p.pput(h, "q-1", 2, bufs, lens), 0);
	assert_int_equal(p.pput(h, "q-2", 1, bufs, lens), 0);
	assert_int_equal(p.pput(h, "q-3", 1, bufs + 1, lens + 1), 0);
	assert_int_equal(p.premove(h, "q-2"), 0);
	/* The remove of q-2 reaches the log with the next put.  A key paho reuses: removed, then put again with other data. */
	assert_int_equal(p.pput(h, "q-5", 1, bufs, lens), 0);
	assert_int_equal(p.premove(h, "q-5"), 0);
	assert_int_equal(p.pput(h, "q-5", 1, bufs + 1, lens + 1), 0);
	/* The remove of q-4 is still held back when the process is
	 * killed. */
	assert_int_equal(p.pput(h, "q-4", 1, bufs, lens), 0);
	assert_int_equal(p.premove(h, "q-4"), 0);
	assert_int_equal(p.pcontainskey(h, "q-4"), MQTTCLIENT_PERSISTENCE_ERROR);
	assert_int_equal(p.pget(h, "q-1", &out, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(out, "abcde", 5);
	free(out);
	assert_int_equal(p.pcontainskey(h, "q-2"), MQTTCLIENT_PERSISTENCE_ERROR);
	/* Killed here: no close.  A torn record follows. */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "P\x03\0\x09\0\0\0q-9ab", 12), 12);
	close(fd);

	assert_int_equal(pstore_init(&q, path), 0);
	assert_int_equal(q.popen(&h2, "id", "tcp://x", q.context), 0);
	assert_int_equal(q.pkeys(h2, &keys, &n), 0);
	/* q-4 comes back (delivered again: a duplicate, not a loss). */
	assert_int_equal(n, 4);
	for (i = 0; i < n; i++) {
		assert_true(strcmp(keys[i], "q-1") == 0 ||
		    strcmp(keys[i], "q-3") == 0 ||
		    strcmp(keys[i], "q-4") == 0 ||
		    strcmp(keys[i], "q-5") == 0);
		free(keys[i]);
	}
	free(keys);
	assert_int_equal(q.pget(h2, "q-3", &out, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "cde", 3);
	free(out);
	assert_int_equal(q.pget(h2, "q-5", &out, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "cde", 3);
	free(out);
	/* A clean close writes the held-back removes. */
	assert_int_equal(q.premove(h2, "q-4"), 0);
	assert_int_equal(q.pclose(h2), 0);
	assert_int_equal(q.popen(&h2, "id", "tcp://x", q.context), 0);
	assert_int_equal(q.pcontainskey(h2, "q-4"), MQTTCLIENT_PERSISTENCE_ERROR);
	assert_int_equal(q.pcontainskey(h2, "q-5"), 0);
	assert_int_equal(q.pclear(h2), 0);
	assert_int_equal(q.pkeys(h2, &keys, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(q.pclose(h2), 0);
	pstore_fini(&q);
	pstore_fini(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_put_get_remove_reopen,
		    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
