/* Tests of mqtt2kafka/pstore.c, paho's persistence and the bridge's hook
 * before each acknowledgement: queue puts ("q-" keys) go to the hook and
 * are not stored; other keys are kept in one log file (reopened after a
 * kill, a torn tail ignored), a directory of files, or memory; a failed
 * write calls the failure hook with the file and errno; a store that
 * cannot be opened says which file and why. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* What the hooks saw. */
struct seen {
	int queued, failed, fail_err;
	char payload[64], topic[64], file[256];
};

static int
on_queue(void *ctx, int nbufs, char **bufs, int *lens)
{
	struct seen *s = ctx;

	assert_true(nbufs >= 8);
	snprintf(s->payload, sizeof(s->payload), "%.*s", lens[1], bufs[1]);
	snprintf(s->topic, sizeof(s->topic), "%s", bufs[6]);
	s->queued++;
	return 0;
}

static void
on_failed(void *ctx, const char *file, int e, int unacked)
{
	struct seen *s = ctx;

	assert_true(unacked);
	snprintf(s->file, sizeof(s->file), "%s", file);
	s->fail_err = e;
	s->failed++;
}

/* A queue entry laid out as paho 1.3 lays it out. */
static int
queue_put(MQTTClient_persistence *p, void *h, const char *key,
    const char *payload, const char *topic)
{
	int plen = (int)strlen(payload), qos = 1, ret = 0, dup = 0, id = 7;
	int tlen = (int)strlen(topic);
	char *bufs[8] = { (char *)&plen, (char *)payload, (char *)&qos,
	    (char *)&ret, (char *)&dup, (char *)&id, (char *)topic,
	    (char *)&tlen };
	int lens[8] = { sizeof(int), plen, sizeof(int), sizeof(int),
	    sizeof(int), sizeof(int), tlen + 1, sizeof(int) };

	return p->pput(h, (char *)key, 8, bufs, lens);
}

static int
nkeys(MQTTClient_persistence *p, void *h)
{
	char **keys;
	int n, i;

	assert_int_equal(p->pkeys(h, &keys, &n), 0);
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return n;
}

static void
test_log(void **state)
{
	MQTTClient_persistence p, q;
	struct seen s = { 0 };
	struct pstore_hooks hooks = { on_queue, on_failed, &s, NULL, NULL };
	void *h, *h2;
	char *bufs[2] = { "ab", "cde" }, *out, **keys;
	int lens[2] = { 2, 3 }, len, n, fd;
	struct stat st;

	(void)state;
	assert_int_equal(pstore_init(&p, PSTORE_LOG, path, &hooks), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* A received message goes to the hook, not to the store. */
	assert_int_equal(queue_put(&p, h, "q-1", "Aarav Rao 6123456789 tv",
	    "till/1"), 0);
	assert_int_equal(s.queued, 1);
	assert_string_equal(s.payload, "Aarav Rao 6123456789 tv");
	assert_string_equal(s.topic, "till/1");
	assert_int_equal(nkeys(&p, h), 0);
	assert_int_equal(p.premove(h, "q-1"), 0);
	/* QoS 2 state is kept. */
	assert_int_equal(p.pput(h, "r-1", 2, bufs, lens), 0);
	assert_int_equal(p.pput(h, "r-2", 1, bufs, lens), 0);
	assert_int_equal(p.pput(h, "r-3", 1, bufs + 1, lens + 1), 0);
	assert_int_equal(p.premove(h, "r-2"), 0);
	assert_int_equal(p.pput(h, "r-3", 1, bufs, lens), 0);
	assert_int_equal(p.pget(h, "r-1", &out, &len), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(out, "abcde", 5);
	free(out);
	assert_int_equal(p.pcontainskey(h, "r-2"), MQTTCLIENT_PERSISTENCE_ERROR);
	/* Killed here: no close.  A torn record follows. */
	fd = open(path, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "P\x03\0\x09\0\0\0r-9ab", 12), 12);
	close(fd);

	assert_int_equal(pstore_init(&q, PSTORE_LOG, path, &hooks), 0);
	assert_int_equal(q.popen(&h2, "id", "tcp://x", q.context), 0);
	assert_int_equal(q.pkeys(h2, &keys, &n), 0);
	assert_int_equal(n, 2);
	while (n-- > 0) {
		assert_true(strcmp(keys[n], "r-1") == 0 ||
		    strcmp(keys[n], "r-3") == 0);
		free(keys[n]);
	}
	free(keys);
	assert_int_equal(q.pget(h2, "r-3", &out, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "ab", 2);
	free(out);
	assert_int_equal(q.pclear(h2), 0);
	assert_int_equal(nkeys(&q, h2), 0);
	assert_int_equal(q.pclose(h2), 0);
	assert_null(pstore_error(&q));
	assert_int_equal(s.failed, 0);
	pstore_fini(&q);
	pstore_fini(&p);
}

/* Without a queue hook, queue entries are kept like any other. */
static void
test_log_no_hook(void **state)
{
	MQTTClient_persistence p;
	void *h;

	(void)state;
	assert_int_equal(pstore_init(&p, PSTORE_LOG, path, NULL), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(queue_put(&p, h, "q-1", "x", "t"), 0);
	assert_int_equal(p.pclose(h), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(p.pcontainskey(h, "q-1"), 0);
	assert_int_equal(p.premove(h, "q-1"), 0);
	assert_int_equal(p.pclose(h), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(nkeys(&p, h), 0);
	assert_int_equal(p.pclose(h), 0);
	pstore_fini(&p);
}

static void
test_dir_and_mem(void **state)
{
	MQTTClient_persistence p;
	struct seen s = { 0 };
	struct pstore_hooks hooks = { on_queue, on_failed, &s, NULL, NULL };
	char sub[192], file[256], *bufs[1] = { "abc" }, *out;
	int lens[1] = { 3 }, len;
	struct stat st;
	void *h;

	(void)state;
	snprintf(sub, sizeof(sub), "%s/paho", dir);
	assert_int_equal(pstore_init(&p, PSTORE_DIR, sub, &hooks), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(queue_put(&p, h, "q-1", "x", "t"), 0);
	assert_int_equal(s.queued, 1);
	assert_int_equal(p.pput(h, "r-1", 1, bufs, lens), 0);
	snprintf(file, sizeof(file), "%s/r-1", sub);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(p.pclose(h), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(p.pget(h, "r-1", &out, &len), 0);
	assert_memory_equal(out, "abc", 3);
	free(out);
	assert_int_equal(nkeys(&p, h), 1);
	assert_int_equal(p.premove(h, "r-1"), 0);
	assert_int_equal(stat(file, &st), -1);
	assert_int_equal(p.pclose(h), 0);
	pstore_fini(&p);

	/* In memory: nothing on disk, nothing after a reopen. */
	snprintf(sub, sizeof(sub), "%s/none", dir);
	assert_int_equal(pstore_init(&p, PSTORE_MEM, sub, &hooks), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(queue_put(&p, h, "q-1", "x", "t"), 0);
	assert_int_equal(s.queued, 2);
	assert_int_equal(p.pput(h, "r-1", 1, bufs, lens), 0);
	assert_int_equal(p.pcontainskey(h, "r-1"), 0);
	assert_int_equal(stat(sub, &st), -1);
	assert_int_equal(p.pclose(h), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(nkeys(&p, h), 0);
	assert_int_equal(p.pclose(h), 0);
	pstore_fini(&p);
	assert_int_equal(s.failed, 0);
}

static void
test_failures(void **state)
{
	MQTTClient_persistence p;
	struct seen s = { 0 };
	struct pstore_hooks hooks = { on_queue, on_failed, &s, NULL, NULL };
	char bad[192], big[4096], *bufs[1] = { big };
	int lens[1] = { sizeof(big) }, st;
	struct rlimit rl = { 1000, RLIM_INFINITY };
	pid_t pid;
	void *h;

	(void)state;
	/* A store that cannot be opened says which file and why. */
	snprintf(bad, sizeof(bad), "%s/nodir/paho.log", dir);
	assert_int_equal(pstore_init(&p, PSTORE_LOG, bad, &hooks), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context),
	    MQTTCLIENT_PERSISTENCE_ERROR);
	assert_non_null(pstore_error(&p));
	assert_non_null(strstr(pstore_error(&p),
	    "/nodir/paho.log: No such file or directory"));
	pstore_fini(&p);

	/* A write that fails calls the failure hook (which the bridge ends
	 * the process in) and fails the put. */
	memset(big, 'x', sizeof(big));
	pid = fork();
	if (pid == 0) {
		assert_int_equal(pstore_init(&p, PSTORE_LOG, path, &hooks), 0);
		if (p.popen(&h, "id", "tcp://x", p.context) != 0)
			_exit(2);
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		if (p.pput(h, "r-1", 1, bufs, lens) !=
		    MQTTCLIENT_PERSISTENCE_ERROR || s.failed != 1 ||
		    s.fail_err != EFBIG || strcmp(s.file, path) != 0 ||
		    p.pcontainskey(h, "r-1") == 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* paho's allocator, counted: what pget and pkeys hand paho (which frees
 * it with its own free()) comes from it, and nothing else does. */
static int allocs, releases, fail_at;

static void *
paho_alloc(size_t size)
{
	if (++allocs == fail_at)
		return NULL;
	return malloc(size);
}

static void
paho_release(void *ptr)
{
	releases++;
	free(ptr);
}

static void
test_paho_alloc(void **state)
{
	MQTTClient_persistence p;
	struct seen s = { 0 };
	struct pstore_hooks hooks = { on_queue, on_failed, &s, paho_alloc,
	    paho_release };
	char *bufs[1] = { "abc" }, *out, **keys;
	int lens[1] = { 3 }, len, n, i;
	void *h;

	(void)state;
	allocs = releases = fail_at = 0;
	assert_int_equal(pstore_init(&p, PSTORE_LOG, path, &hooks), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	assert_int_equal(p.pput(h, "r-1", 1, bufs, lens), 0);
	assert_int_equal(p.pput(h, "r-2", 1, bufs, lens), 0);
	assert_int_equal(queue_put(&p, h, "q-1", "x", "t"), 0);
	assert_int_equal(p.premove(h, "r-2"), 0);
	assert_int_equal(allocs, 0);
	assert_int_equal(p.pget(h, "r-1", &out, &len), 0);
	assert_int_equal(allocs, 1);
	assert_memory_equal(out, "abc", 3);
	paho_release(out);
	assert_int_equal(p.pput(h, "r-3", 1, bufs, lens), 0);
	assert_int_equal(p.pkeys(h, &keys, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(allocs, 4);	/* the array and two keys */
	for (i = 0; i < n; i++)
		paho_release(keys[i]);
	paho_release(keys);
	/* Out of memory at the second key: what was taken is given back
	 * the same way. */
	allocs = releases = 0;
	fail_at = 3;
	assert_int_equal(p.pkeys(h, &keys, &n), MQTTCLIENT_PERSISTENCE_ERROR);
	assert_null(keys);
	assert_int_equal(allocs, 3);
	assert_int_equal(releases, 2);
	assert_int_equal(p.pclose(h), 0);
	pstore_fini(&p);
}

/* paho's MQTTAsync calls the store from two threads at once (a command
 * put by the thread that subscribes, QoS 2 state by the receive thread):
 * each keeps its own keys right. */
struct hammer {
	MQTTClient_persistence *p;
	void *h;
	char tag;
	int bad;
};

static void *
hammer_run(void *arg)
{
	struct hammer *t = arg;
	char key[32], *bufs[1] = { "x" };
	int lens[1] = { 1 }, i;

	for (i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "%c-%d", t->tag, i % 7);
		if (t->p->pput(t->h, key, 1, bufs, lens) != 0 ||
		    t->p->pcontainskey(t->h, key) != 0 ||
		    t->p->premove(t->h, key) != 0 ||
		    t->p->pcontainskey(t->h, key) == 0)
			t->bad++;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	MQTTClient_persistence p;
	struct hammer a = { &p, NULL, 'c', 0 }, b = { &p, NULL, 'r', 0 };
	pthread_t ta, tb;
	void *h;

	(void)state;
	assert_int_equal(pstore_init(&p, PSTORE_MEM, path, NULL), 0);
	assert_int_equal(p.popen(&h, "id", "tcp://x", p.context), 0);
	a.h = b.h = h;
	assert_int_equal(pthread_create(&ta, NULL, hammer_run, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, hammer_run, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	assert_int_equal(a.bad, 0);
	assert_int_equal(b.bad, 0);
	assert_int_equal(nkeys(&p, h), 0);
	assert_int_equal(p.pclose(h), 0);
	pstore_fini(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_log_no_hook, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dir_and_mem, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paho_alloc, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
