/* Tests of sysheat/output.c: each output format for known and unknown
 * values, escaping, and the buffer bound. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../sysheat/output.h"

/* 2026-11-23T10:41:07Z plus 250 ms. */
#define T_NS	(INT64_C(1795430467) * 1000000000 + 250000000)

static const struct sample full = {
	.t_ns = T_NS, .cpu_temp = 55.125, .gpu_temp = 61.0, .cpu_pct = 12.34,
	.mem_pct = 50.0, .disk_pct = 42.5, .rx_bps = 1536.4, .tx_bps = 0.0,
	.absent = 0, .net_totals = 1, .rx_total = UINT64_C(123456789012),
	.tx_total = UINT64_C(42),
};

static struct sample
unknown(void)
{
	struct sample s;

	memset(&s, 0, sizeof(s));
	s.t_ns = T_NS;
	s.cpu_temp = s.gpu_temp = s.cpu_pct = s.mem_pct = NAN;
	s.disk_pct = s.rx_bps = s.tx_bps = NAN;
	return s;
}

static void
test_parse_fmt(void **state)
{
	static const struct {
		const char *s;
		int rc;
		enum out_fmt f;
	} cases[] = {
		{ "csv", 0, OUT_CSV }, { "json", 0, OUT_JSON },
		{ "prom", 0, OUT_PROM }, { "influx", 0, OUT_INFLUX },
		{ "CSV", -1, OUT_CSV }, { "", -1, OUT_CSV },
		{ "prometheus", -1, OUT_CSV },
	};
	size_t i;
	enum out_fmt f;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = OUT_CSV;
		assert_int_equal(out_parse_fmt(cases[i].s, &f), cases[i].rc);
		assert_int_equal(f, cases[i].f);
	}
}

static void
test_lines(void **state)
{
	struct sample none = unknown(), some = unknown();
	const struct {
		enum out_fmt fmt;
		const char *host;
		const struct sample *s;
		const char *want;
	} cases[] = {
		{ OUT_CSV, NULL, &full,
		  "2026-11-23T10:41:07Z,55.1,61.0,12.3,50.0,42.5,1536,0\n" },
		{ OUT_CSV, NULL, &none, "2026-11-23T10:41:07Z,,,,,,,\n" },
		{ OUT_CSV, NULL, &some, "2026-11-23T10:41:07Z,,,,75.0,,,\n" },
		{ OUT_JSON, NULL, &full,
		  "{\"time\":\"2026-11-23T10:41:07Z\",\"cpu_temp\":55.1,"
		  "\"gpu_temp\":61.0,\"cpu_pct\":12.3,\"mem_pct\":50.0,"
		  "\"disk_pct\":42.5,\"net_rx_bytes_s\":1536,"
		  "\"net_tx_bytes_s\":0}\n" },
		{ OUT_JSON, NULL, &none,
		  "{\"time\":\"2026-11-23T10:41:07Z\",\"cpu_temp\":null,"
		  "\"gpu_temp\":null,\"cpu_pct\":null,\"mem_pct\":null,"
		  "\"disk_pct\":null,\"net_rx_bytes_s\":null,"
		  "\"net_tx_bytes_s\":null}\n" },
		{ OUT_INFLUX, "box1", &full,
		  "sysheat,host=box1 cpu_temp=55.1,gpu_temp=61.0,cpu_pct=12.3,"
		  "mem_pct=50.0,disk_pct=42.5,net_rx_bytes_s=1536,"
		  "net_tx_bytes_s=0 1795430467250000000\n" },
		{ OUT_INFLUX, "a b,c=d\\", &some,
		  "sysheat,host=a\\ b\\,c\\=d\\\\ mem_pct=75.0 "
		  "1795430467250000000\n" },
		{ OUT_INFLUX, NULL, &some,
		  "sysheat mem_pct=75.0 1795430467250000000\n" },
		{ OUT_INFLUX, "", &some,
		  "sysheat mem_pct=75.0 1795430467250000000\n" },
		/* A point with no field is not a point. */
		{ OUT_INFLUX, "box1", &none, "" },
	};
	char buf[1024];
	size_t i;
	long n;

	(void)state;
	some.mem_pct = 75.0;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct out_ctx ctx = { cases[i].fmt, cases[i].host, "/" };

		n = out_format(&ctx, cases[i].s, buf, sizeof(buf));
		assert_int_equal(n, (long)strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
}

/* An absent device (no GPU, no sensor chip) is not an unknown reading:
 * "-" in CSV, no key in JSON, no series in Prometheus or InfluxDB. */
static void
test_absent(void **state)
{
	struct sample gpu = full, both = unknown();
	struct out_ctx ctx = { OUT_CSV, NULL, "/" };
	char buf[8192];

	(void)state;
	gpu.absent = SAMPLE_ABSENT_GPU_TEMP;
	both.absent = SAMPLE_ABSENT_CPU_TEMP | SAMPLE_ABSENT_GPU_TEMP;
	both.mem_pct = 75.0;

	assert_true(out_format(&ctx, &gpu, buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
	    "2026-11-23T10:41:07Z,55.1,-,12.3,50.0,42.5,1536,0\n");
	assert_true(out_format(&ctx, &both, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "2026-11-23T10:41:07Z,-,-,,75.0,,,\n");
	assert_string_equal(CONTRACT_SAMPLE_ABSENT, "-");

	ctx.fmt = OUT_JSON;
	assert_true(out_format(&ctx, &gpu, buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
	    "{\"time\":\"2026-11-23T10:41:07Z\",\"cpu_temp\":55.1,"
	    "\"cpu_pct\":12.3,\"mem_pct\":50.0,\"disk_pct\":42.5,"
	    "\"net_rx_bytes_s\":1536,\"net_tx_bytes_s\":0}\n");
	assert_true(out_format(&ctx, &both, buf, sizeof(buf)) > 0);
	assert_string_equal(buf,
	    "{\"time\":\"2026-11-23T10:41:07Z\",\"cpu_pct\":null,"
	    "\"mem_pct\":75.0,\"disk_pct\":null,\"net_rx_bytes_s\":null,"
	    "\"net_tx_bytes_s\":null}\n");

	ctx.fmt = OUT_INFLUX;
	assert_true(out_format(&ctx, &gpu, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "gpu_temp"));
	assert_non_null(strstr(buf, " cpu_temp=55.1,"));

	ctx.fmt = OUT_PROM;
	assert_true(out_format(&ctx, &gpu, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "gpu_temperature"));
	assert_non_null(strstr(buf, "\nsysheat_cpu_temperature_celsius 55.125\n"));
	assert_true(out_format(&ctx, &both, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "temperature"));
	assert_non_null(strstr(buf, "sysheat_memory_usage_ratio 0.75\n"));
}

static void
test_csv_header(void **state)
{
	(void)state;
	/* docs/contracts.md, System samples. */
	assert_string_equal(OUT_CSV_HEADER, "time,cpu_temp,gpu_temp,cpu_pct,"
	    "mem_pct,disk_pct,net_rx_bytes_s,net_tx_bytes_s\n");
}

static void
test_prom(void **state)
{
	struct out_ctx ctx = { OUT_PROM, "box1", "/mnt/a \"b\"\\c" };
	struct sample none = unknown();
	char buf[8192];
	const char *p;
	long n;

	(void)state;
	n = out_format(&ctx, &full, buf, sizeof(buf));
	assert_true(n > 0);
	assert_non_null(strstr(buf,
	    "# TYPE sysheat_cpu_temperature_celsius gauge\n"
	    "sysheat_cpu_temperature_celsius 55.125\n"));
	assert_non_null(strstr(buf, "\nsysheat_gpu_temperature_celsius 61\n"));
	assert_non_null(strstr(buf, "\nsysheat_cpu_usage_ratio 0.1234\n"));
	assert_non_null(strstr(buf, "\nsysheat_memory_usage_ratio 0.5\n"));
	assert_non_null(strstr(buf, "\nsysheat_filesystem_usage_ratio"
	    "{mountpoint=\"/mnt/a \\\"b\\\"\\\\c\"} 0.425\n"));
	assert_non_null(strstr(buf,
	    "\nsysheat_network_receive_bytes_per_second 1536.4\n"));
	assert_non_null(strstr(buf,
	    "\nsysheat_network_transmit_bytes_per_second 0\n"));
	assert_non_null(strstr(buf,
	    "# TYPE sysheat_network_receive_bytes_total counter\n"
	    "sysheat_network_receive_bytes_total 123456789012\n"));
	assert_non_null(strstr(buf,
	    "\nsysheat_network_transmit_bytes_total 42\n"));
	/* Every line is a comment or "name[{labels}] value": no timestamps. */
	for (p = buf; *p != '\0'; p = strchr(p, '\n') + 1) {
		const char *nl = strchr(p, '\n'), *sp;

		assert_non_null(nl);
		if (*p == '#')
			continue;
		sp = memrchr(p, ' ', (size_t)(nl - p));
		assert_non_null(sp);
		assert_null(memchr(sp + 1, ' ', (size_t)(nl - sp - 1)));
		assert_true(strncmp(p, "sysheat_", 8) == 0);
	}

	/* Unknown values: HELP and TYPE stay, no sample lines. */
	n = out_format(&ctx, &none, buf, sizeof(buf));
	assert_true(n > 0);
	for (p = buf; *p != '\0'; p = strchr(p, '\n') + 1)
		assert_true(*p == '#');
	assert_non_null(strstr(buf,
	    "# HELP sysheat_gpu_temperature_celsius"));
}

static void
test_too_small(void **state)
{
	struct out_ctx ctx = { OUT_CSV, NULL, "/" };
	char buf[64];
	size_t cap;
	long n;

	(void)state;
	/* Every cap below the line's size fails cleanly; never overflows. */
	for (cap = 0; cap < 54; cap++)
		assert_int_equal(out_format(&ctx, &full, buf, cap), -1);
	n = out_format(&ctx, &full, buf, 54);
	assert_int_equal(n, 53);
	ctx.fmt = OUT_PROM;
	assert_int_equal(out_format(&ctx, &full, buf, sizeof(buf)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fmt),
		cmocka_unit_test(test_csv_header),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_prom),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
