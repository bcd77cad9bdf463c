/* Tests of sysheat/procstat.c: the /proc parsers on fixture text,
 * including malformed and truncated input, and the delta arithmetic. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../sysheat/procstat.h"

#define NA	NAN

/* Expected values compare equal within a rounding error; NAN equals NAN. */
static void
assert_num(double got, double want)
{
	if (isnan(want)) {
		if (!isnan(got))
			fail_msg("got %g, wanted unknown", got);
		return;
	}
	if (isnan(got) || fabs(got - want) > 1e-9)
		fail_msg("got %g, wanted %g", got, want);
}

static void
test_stat(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint64_t busy, idle;
		unsigned long bad;
	} cases[] = {
		/* Linux 2.6.33+: ten fields; guest is inside user already. */
		{ "cpu  100 2 30 1000 40 5 6 7 50 1\ncpu0 1 2 3 4\n", 0,
		  100 + 2 + 30 + 5 + 6 + 7, 1000 + 40, 0 },
		/* Linux 2.4: four fields. */
		{ "cpu 10 0 5 85\n", 0, 15, 85, 0 },
		/* No newline at the end. */
		{ "cpu  1 1 1 1 1 1 1 1", 0, 6, 2, 0 },
		/* More fields than today's kernels: ignored. */
		{ "cpu  1 1 1 1 1 1 1 1 1 1 9 9 9\n", 0, 6, 2, 0 },
		{ "cpu  1 1 1 1\r\n", 0, 3, 1, 0 },
		/* Truncated, malformed, hostile. */
		{ "cpu  100 2\n", -1, 0, 0, 1 },
		{ "cpu", -1, 0, 0, 1 },
		{ "", -1, 0, 0, 1 },
		{ "cpu0 1 2 3 4\n", -1, 0, 0, 1 },
		{ "intr 1 2 3 4\ncpu 1 2 3 4\n", -1, 0, 0, 1 },
		{ "cpu  1 2 x 4\n", -1, 0, 0, 1 },
		{ "cpu  1 2 3 -4\n", -1, 0, 0, 1 },
		{ "cpu  1 2 3 4x\n", -1, 0, 0, 1 },
		{ "cpu  99999999999999999999 2 3 4\n", -1, 0, 0, 1 },
		{ "cpu  18446744073709551615 0 0 0\n", 0,
		  UINT64_MAX, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ps_cpu c = { 0, 0 };
		struct ps_diag d = { 0, 0 };
		int rc = ps_parse_stat(cases[i].text, &c, &d);

		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d", i, rc);
		assert_int_equal(d.bad, cases[i].bad);
		if (rc == 0) {
			assert_true(c.busy == cases[i].busy);
			assert_true(c.idle == cases[i].idle);
		} else {
			assert_int_equal(d.first_line, 1);
		}
	}
}

static void
test_cpu_pct(void **state)
{
	static const struct {
		struct ps_cpu a, b;
		double want;
	} cases[] = {
		{ { 100, 900 }, { 125, 975 }, 25.0 },
		{ { 100, 900 }, { 200, 900 }, 100.0 },
		{ { 100, 900 }, { 100, 1000 }, 0.0 },
		/* No tick elapsed: unknown, not 0. */
		{ { 100, 900 }, { 100, 900 }, NA },
		/* iowait can go backwards: count it as no idle time. */
		{ { 100, 900 }, { 150, 890 }, 100.0 },
		{ { 100, 900 }, { 90, 890 }, NA },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_num(ps_cpu_pct(&cases[i].a, &cases[i].b), cases[i].want);
}

static void
test_meminfo(void **state)
{
	static const struct {
		const char *text;
		double want;
		unsigned long bad, line;
	} cases[] = {
		{ "MemTotal:       1000 kB\nMemFree:         100 kB\n"
		  "MemAvailable:    250 kB\nBuffers:  1 kB\n", 75.0, 0, 0 },
		{ "MemTotal: 2048\nMemAvailable: 2048\n", 0.0, 0, 0 },
		{ "MemTotal: 2048 kB\r\nMemAvailable: 512 kB\r\n", 75.0, 0, 0 },
		/* Kernels before 3.14 have no MemAvailable: unknown. */
		{ "MemTotal:  1000 kB\nMemFree:  100 kB\n", NA, 0, 0 },
		{ "MemAvailable:  100 kB\n", NA, 0, 0 },
		{ "", NA, 0, 0 },
		{ "MemTotal:  0 kB\nMemAvailable:  0 kB\n", NA, 0, 0 },
		{ "MemTotal:  abc kB\nMemAvailable:  10 kB\n", NA, 1, 1 },
		{ "MemFree: 1\nMemTotal:  100 MB\nMemAvailable:  10 kB\n", NA,
		  1, 2 },
		{ "MemTotal:  100 kB\nMemAvailable:\n", NA, 1, 2 },
		{ "MemTotal:  100 kB\nMemAvailable:  200 kB\n", NA, 1, 2 },
		/* Cut in the middle of a line. */
		{ "MemTotal:  100 kB\nMemAvai", NA, 0, 0 },
		{ "\n\n\nMemTotal:  100 kB\nMemAvailable: 1 kB", 99.0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ps_diag d = { 0, 0 };

		assert_num(ps_parse_meminfo(cases[i].text, &d), cases[i].want);
		assert_int_equal(d.bad, cases[i].bad);
		assert_int_equal(d.first_line, cases[i].line);
	}
}

static const char netdev_text[] =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
    "    lo:    3267      29    0    0    0     0          0         0     3267      29    0    0    0     0       0          0\n"
    "  eth0: 46129731    1399    0    0    0     0          0         0    57938     679    0    0    0     0       0          0\n"
    "wlan0:1000 1 0 0 0 0 0 0 2000 2 0 0 0 0 0 0\n";

static void
test_netdev(void **state)
{
	static const struct {
		const char *text;
		const char *only[2];
		size_t nonly;
		int rc;
		size_t n;
		uint64_t rx, tx;	/* totals of the kept interfaces */
		unsigned long bad, line;
	} cases[] = {
		{ netdev_text, { NULL }, 0, 0, 2, 46130731, 59938, 0, 0 },
		{ netdev_text, { "lo" }, 1, 0, 1, 3267, 3267, 0, 0 },
		{ netdev_text, { "eth0", "wlan0" }, 2, 0, 2, 46130731, 59938,
		  0, 0 },
		{ netdev_text, { "eth9" }, 1, 0, 0, 0, 0, 0, 0 },
		/* Header only, empty: no interface at all. */
		{ "Inter-|   Receive\n face |bytes\n", { NULL }, 0, -1, 0, 0, 0,
		  0, 0 },
		{ "", { NULL }, 0, -1, 0, 0, 0, 0, 0 },
		/* Truncated line, bad numbers, bad names: counted, skipped. */
		{ "h\nh\n  eth0: 1 2 3\n  eth1: 5 0 0 0 0 0 0 0 7 0\n",
		  { NULL }, 0, 0, 1, 5, 7, 1, 3 },
		{ "  eth0: 1 2 3 4 5 6 7 8 x 1\n", { NULL }, 0, -1, 0, 0, 0, 1,
		  1 },
		{ "  : 1 2 3 4 5 6 7 8 9\n", { NULL }, 0, -1, 0, 0, 0, 1, 1 },
		{ "  e th0: 1 2 3 4 5 6 7 8 9\n", { NULL }, 0, -1, 0, 0, 0, 1,
		  1 },
		{ "  abcdefghijklmnopqrstuvwxyz0123456789: 1 2 3 4 5 6 7 8 9\n",
		  { NULL }, 0, -1, 0, 0, 0, 1, 1 },
		{ "  eth0: 1 2 3 4 5 6 7 8 99999999999999999999999\n",
		  { NULL }, 0, -1, 0, 0, 0, 1, 1 },
		/* Nine numbers are enough; no newline at the end. */
		{ "  eth0: 1 2 3 4 5 6 7 8 9", { NULL }, 0, 0, 1, 1, 9, 0, 0 },
	};
	static struct ps_net n;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ps_diag d = { 0, 0 };
		uint64_t rx, tx;
		int rc;

		rc = ps_parse_netdev(cases[i].text, cases[i].only,
		    cases[i].nonly, &n, &d);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d", i, rc);
		if (n.n != cases[i].n)
			fail_msg("case %zu: %zu interfaces", i, n.n);
		ps_net_totals(&n, &rx, &tx);
		assert_true(rx == cases[i].rx);
		assert_true(tx == cases[i].tx);
		assert_int_equal(d.bad, cases[i].bad);
		assert_int_equal(d.first_line, cases[i].line);
	}
}

static void
test_netdev_many(void **state)
{
	static struct ps_net n;
	size_t cap = (PS_MAXIF + 10) * 64, len = 0, i;
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	for (i = 0; i < PS_MAXIF + 10; i++)
		len += (size_t)snprintf(text + len, cap - len,
		    "veth%zu: 1 0 0 0 0 0 0 0 1\n", i);
	assert_int_equal(ps_parse_netdev(text, NULL, 0, &n, NULL), 0);
	assert_int_equal(n.n, PS_MAXIF);
	assert_int_equal(n.dropped, 10);
	free(text);

	/* Hostile: 150,000 empty lines and then one colon. */
	text = malloc(150002);
	assert_non_null(text);
	memset(text, '\n', 150000);
	memcpy(text + 150000, ":", 2);
	assert_int_equal(ps_parse_netdev(text, NULL, 0, &n, NULL), -1);
	assert_int_equal(n.n, 0);
	free(text);
}

static void
set_if(struct ps_net *n, const char *name, uint64_t rx, uint64_t tx)
{
	struct ps_iface *f = &n->ifs[n->n++];

	snprintf(f->name, sizeof(f->name), "%s", name);
	f->rx = rx;
	f->tx = tx;
}

static void
test_net_rate(void **state)
{
	static struct ps_net a, b;
	double rx, tx;

	(void)state;
	a.n = b.n = 0;
	set_if(&a, "eth0", 1000, 500);
	set_if(&a, "eth1", 0, 0);
	set_if(&b, "eth1", 300, 30);	/* order changed */
	set_if(&b, "eth0", 3000, 1500);
	set_if(&b, "wg0", 1u << 30, 1u << 30);	/* appeared: left out */
	assert_int_equal(ps_net_rate(&a, &b, 2.0, &rx, &tx), 0);
	assert_num(rx, (2000 + 300) / 2.0);
	assert_num(tx, (1000 + 30) / 2.0);

	/* A counter reset leaves that interface out of the interval. */
	b.ifs[1].rx = 10;
	assert_int_equal(ps_net_rate(&a, &b, 2.0, &rx, &tx), 0);
	assert_num(rx, 300 / 2.0);
	assert_num(tx, 30 / 2.0);

	/* Nothing in common, or no time: unknown. */
	assert_int_equal(ps_net_rate(&a, &b, 0, &rx, &tx), -1);
	assert_num(rx, NA);
	b.n = 0;
	set_if(&b, "eth7", 1, 1);
	assert_int_equal(ps_net_rate(&a, &b, 1.0, &rx, &tx), -1);
	assert_num(rx, NA);
	assert_num(tx, NA);
}

static void
test_disk_pct(void **state)
{
	static const struct {
		unsigned long blocks, bfree, bavail;
		double want;
	} cases[] = {
		/* df: used / (used + avail), reserved blocks excluded. */
		{ 1000, 400, 300, 600.0 / 900 * 100 },
		{ 1000, 1000, 1000, 0.0 },
		{ 1000, 0, 0, 100.0 },
		{ 0, 0, 0, NA },		/* proc, sysfs */
		{ 100, 200, 100, NA },		/* nonsense */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct statvfs sv;

		memset(&sv, 0, sizeof(sv));
		sv.f_frsize = sv.f_bsize = 4096;
		sv.f_blocks = cases[i].blocks;
		sv.f_bfree = cases[i].bfree;
		sv.f_bavail = cases[i].bavail;
		assert_num(ps_disk_pct(&sv), cases[i].want);
	}
}

static void
test_read_file(void **state)
{
	char path[] = "/tmp/test_sysheat.XXXXXX", buf[16], why[128];
	int fd, trunc;
	long n;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "line1\nline2\nline3\n", 18), 18);
	close(fd);

	/* 15 of 18 bytes fit: cut after the last whole line. */
	n = ps_read_file(path, buf, sizeof(buf), &trunc, why, sizeof(why));
	assert_int_equal(n, 12);
	assert_int_equal(trunc, 1);
	assert_string_equal(buf, "line1\nline2\n");

	n = ps_read_file(path, buf, 8, &trunc, why, sizeof(why));
	assert_int_equal(n, 6);
	assert_int_equal(trunc, 1);
	assert_string_equal(buf, "line1\n");

	/* No line end within the cap: nothing. */
	n = ps_read_file(path, buf, 4, &trunc, why, sizeof(why));
	assert_int_equal(n, 0);
	assert_int_equal(trunc, 1);
	assert_string_equal(buf, "");
	unlink(path);

	{
		char big[64];

		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "a\nb\n", 4), 4);
		close(fd);
		n = ps_read_file(path, big, sizeof(big), &trunc, why,
		    sizeof(why));
		assert_int_equal(n, 4);
		assert_int_equal(trunc, 0);
		assert_string_equal(big, "a\nb\n");
		/* Exactly cap - 1 bytes: complete, not truncated. */
		n = ps_read_file(path, big, 5, &trunc, why, sizeof(why));
		assert_int_equal(n, 4);
		assert_int_equal(trunc, 0);
		unlink(path);
	}
	errno = 0;
	assert_int_equal(ps_read_file(path, buf, sizeof(buf), &trunc, why,
	    sizeof(why)), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(why, strerror(ENOENT));

	/* A FIFO without a writer, a device, a directory: refused at once. */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(ps_read_file(path, buf, sizeof(buf), &trunc, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "not a regular file");
	unlink(path);
	assert_int_equal(ps_read_file("/dev/zero", buf, sizeof(buf), &trunc,
	    why, sizeof(why)), -1);
	assert_string_equal(why, "not a regular file");
	assert_int_equal(ps_read_file("/tmp", buf, sizeof(buf), &trunc, why,
	    sizeof(why)), -1);
	assert_string_equal(why, "is a directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_cpu_pct),
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_netdev),
		cmocka_unit_test(test_netdev_many),
		cmocka_unit_test(test_net_rate),
		cmocka_unit_test(test_disk_pct),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
