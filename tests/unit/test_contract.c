/* Tests of lib/contract.c: the header constants, line splitting, tick
 * lines and alert events written and read back by header name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "contract.h"
#include "csvio.h"
#include "util.h"

/* names[0..n) joined with commas. */
static const char *
joined(const char *const *names, size_t n)
{
	static char buf[512];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i ? "," : "", names[i]);
	return buf;
}

static void
test_headers(void **state)
{
	char buf[256];

	(void)state;
	assert_string_equal(joined(contract_tick_names, CT_EVENT_TIME),
	    CONTRACT_TICK_HEADER);
	assert_string_equal(joined(contract_alert_names, CA_NCOLS),
	    CONTRACT_ALERT_HEADER);
	assert_string_equal(joined(contract_sample_names, CS_NCOLS),
	    CONTRACT_SAMPLE_HEADER);
	assert_string_equal(CONTRACT_KAFKA_HEADER_KEY, "li.header");

	assert_int_equal(contract_tick_header(CONTRACT_TICK_COLS, buf,
	    sizeof(buf)), strlen(CONTRACT_TICK_HEADER) + 1);
	assert_string_equal(buf, CONTRACT_TICK_HEADER "\n");
	assert_true(contract_tick_header(CONTRACT_TICK_COLS |
	    (1u << CT_EVENT_TIME), buf, sizeof(buf)) > 0);
	assert_string_equal(buf, CONTRACT_TICK_HEADER ",event_time\n");
	assert_int_equal(contract_tick_header(CONTRACT_TICK_COLS, buf, 10), -1);
	assert_int_equal(contract_tick_header(CONTRACT_TICK_COLS, buf,
	    strlen(CONTRACT_TICK_HEADER) + 1), -1);
	assert_int_equal(contract_tick_header(CONTRACT_TICK_COLS, buf,
	    strlen(CONTRACT_TICK_HEADER) + 2), strlen(CONTRACT_TICK_HEADER) + 1);
}

static void
test_split(void **state)
{
	static const struct {
		const char *line;
		int rc, err;
		size_t nf;
		const char *fields;	/* joined with '|' */
	} t[] = {
		{ "a,b,c", 0, 0, 3, "a|b|c" },
		{ "a,\"b,c\",d\n", 0, 0, 3, "a|b,c|d" },
		{ "\"a\"\"b\",\"\"", 0, 0, 2, "a\"b|" },
		{ "\"x\"\"\"", 0, 0, 1, "x\"" },
		{ "", 0, 0, 0, "" },
		{ "\r\n", 0, 0, 0, "" },
		{ "a,", 0, 0, 2, "a|" },
		{ ",", 0, 0, 2, "|" },
		{ "a,b\r\n", 0, 0, 2, "a|b" },
		{ "\"a\r\nb\",c", 0, 0, 2, "a\r\nb|c" },
		{ "a\"b", -1, EINVAL, 0, "" },
		{ "\"a\"b", -1, EINVAL, 0, "" },
		{ "\"abc", -1, EINVAL, 0, "" },
		{ "1,2,3,4,5,6,7,8,9", -1, E2BIG, 0, "" },
	};
	struct csvio_field f[8];
	char line[128], got[128];
	size_t i, j, nf, len;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		snprintf(line, sizeof(line), "%s", t[i].line);
		errno = 0;
		assert_int_equal(contract_split(line, f, NELEM(f), &nf),
		    t[i].rc);
		if (t[i].rc == -1) {
			assert_int_equal(errno, t[i].err);
			continue;
		}
		assert_int_equal(nf, t[i].nf);
		for (j = 0, len = 0, got[0] = '\0'; j < nf; j++)
			len += (size_t)snprintf(got + len, sizeof(got) - len,
			    "%s%.*s", j ? "|" : "", (int)f[j].len, f[j].p);
		assert_string_equal(got, t[i].fields);
	}
}

/* Feed one line to the reader. */
static int
feed(struct contract_tick_reader *r, const char *line,
    struct contract_tick *t, char *err, size_t errlen)
{
	struct csvio_field f[16];
	char buf[512];
	size_t nf;

	snprintf(buf, sizeof(buf), "%s", line);
	assert_int_equal(contract_split(buf, f, NELEM(f), &nf), 0);
	return contract_tick_read(r, f, nf, t, err, errlen);
}

static void
test_tick_round_trip(void **state)
{
	static const unsigned sets[] = { CONTRACT_TICK_COLS,
	    CONTRACT_TICK_COLS | (1u << CT_EVENT_TIME) };
	struct contract_tick w, got;
	struct contract_tick_reader r;
	char line[256], err[128];
	size_t s;

	(void)state;
	for (s = 0; s < NELEM(sets); s++) {
		memset(&w, 0, sizeof(w));
		w.tick = 42;
		snprintf(w.time, sizeof(w.time), "2026-12-03T07:10:05Z");
		w.rows = 25003;
		w.rejected = 7;
		w.lag_s = 1.25;
		snprintf(w.event_time, sizeof(w.event_time),
		    "2026-12-03T12:40:05+05:30");
		w.have = (1u << CT_ROWS) | (1u << CT_REJECTED);

		contract_tick_reader_init(&r);
		assert_true(contract_tick_header(sets[s], line,
		    sizeof(line)) > 0);
		assert_int_equal(feed(&r, line, &got, err, sizeof(err)), 0);
		assert_true(contract_tick_format(&w, sets[s], line,
		    sizeof(line)) > 0);
		assert_string_equal(line, s == 0 ?
		    "42,2026-12-03T07:10:05Z,25003,7,1.2\n" :
		    "42,2026-12-03T07:10:05Z,25003,7,1.2,"
		    "2026-12-03T12:40:05+05:30\n");
		assert_int_equal(feed(&r, line, &got, err, sizeof(err)), 1);
		assert_int_equal(got.tick, 42);
		assert_string_equal(got.time, w.time);
		assert_int_equal(got.rows, 25003);
		assert_int_equal(got.rejected, 7);
		assert_true(fabs(got.lag_s - 1.2) < 1e-9);
		assert_string_equal(got.event_time, s == 0 ? "" :
		    "2026-12-03T12:40:05+05:30");
		assert_int_equal(got.have & ~(1u << CT_EVENT_TIME),
		    (1u << CT_TICK) | (1u << CT_TIME) | (1u << CT_ROWS) |
		    (1u << CT_REJECTED) | (1u << CT_LAG_S));
		assert_int_equal(!!(got.have & (1u << CT_EVENT_TIME)), s);
	}

	/* Unknown values are empty fields, and read back as unknown. */
	memset(&w, 0, sizeof(w));
	w.tick = 1;
	snprintf(w.time, sizeof(w.time), "2026-12-03T07:10:05Z");
	w.lag_s = NAN;
	assert_true(contract_tick_format(&w, CONTRACT_TICK_COLS |
	    (1u << CT_EVENT_TIME), line, sizeof(line)) > 0);
	assert_string_equal(line, "1,2026-12-03T07:10:05Z,,,,\n");
	contract_tick_reader_init(&r);
	assert_int_equal(feed(&r, CONTRACT_TICK_HEADER ",event_time", &got,
	    err, sizeof(err)), 0);
	assert_int_equal(feed(&r, line, &got, err, sizeof(err)), 1);
	assert_int_equal(got.have, (1u << CT_TICK) | (1u << CT_TIME));
	assert_true(isnan(got.lag_s));
	assert_string_equal(got.event_time, "");

	/* A lag no reader takes is not written. */
	w.lag_s = 1e300;
	assert_true(contract_tick_format(&w, CONTRACT_TICK_COLS, line,
	    sizeof(line)) > 0);
	assert_string_equal(line, "1,2026-12-03T07:10:05Z,,,\n");
	w.lag_s = -3600.04;
	assert_true(contract_tick_format(&w, CONTRACT_TICK_COLS, line,
	    sizeof(line)) > 0);
	assert_string_equal(line, "1,2026-12-03T07:10:05Z,,,-3600.0\n");
	w.lag_s = NAN;

	/* A buffer too small. */
	assert_int_equal(contract_tick_format(&w, CONTRACT_TICK_COLS, line,
	    10), -1);
	assert_int_equal(contract_tick_format(&w, CONTRACT_TICK_COLS, line,
	    strlen("1,2026-12-03T07:10:05Z,,,\n")), -1);
	assert_int_equal(contract_tick_format(&w, CONTRACT_TICK_COLS, line,
	    strlen("1,2026-12-03T07:10:05Z,,,\n") + 1),
	    strlen("1,2026-12-03T07:10:05Z,,,\n"));
}

/* Columns by name: reordered, extra, absent, and a new header mid-stream. */
static void
test_tick_by_name(void **state)
{
	struct contract_tick_reader r;
	struct contract_tick t;
	char err[128];

	(void)state;
	contract_tick_reader_init(&r);
	assert_int_equal(feed(&r, "lag_s,extra,time,tick,rejected,rows,"
	    "event_time,more", &t, err, sizeof(err)), 0);
	assert_int_equal(feed(&r, "0.5,zz,2026-12-03T07:10:05Z,9,2,100,"
	    "2026-12-03T12:40:05+05:30,x", &t, err, sizeof(err)), 1);
	assert_int_equal(t.tick, 9);
	assert_int_equal(t.rows, 100);
	assert_int_equal(t.rejected, 2);
	assert_true(t.lag_s == 0.5);
	assert_string_equal(t.time, "2026-12-03T07:10:05Z");
	assert_string_equal(t.event_time, "2026-12-03T12:40:05+05:30");

	/* Only the required columns. */
	assert_int_equal(feed(&r, "time,tick", &t, err, sizeof(err)), 0);
	assert_int_equal(feed(&r, "2026-12-03T07:10:06Z,10", &t, err,
	    sizeof(err)), 1);
	assert_int_equal(t.tick, 10);
	assert_int_equal(t.have, (1u << CT_TICK) | (1u << CT_TIME));
	assert_true(isnan(t.lag_s));

	/* A header without time: refused, the binding stays. */
	assert_int_equal(feed(&r, "tick,rows,lag_s", &t, err, sizeof(err)), -1);
	assert_string_equal(err, "no column 'time'");
	assert_int_equal(feed(&r, "tick,time,tick", &t, err, sizeof(err)), -1);
	assert_string_equal(err, "column 'tick' twice");
	assert_int_equal(feed(&r, "2026-12-03T07:10:07Z,11", &t, err,
	    sizeof(err)), 1);
	assert_int_equal(t.tick, 11);
}

/* Started mid-stream: the default header until one comes. */
static void
test_tick_mid_stream(void **state)
{
	struct contract_tick_reader r;
	struct contract_tick t;
	char err[128];

	(void)state;
	contract_tick_reader_init(&r);
	assert_int_equal(feed(&r, "7,2026-12-03T07:10:05Z,10,1,0.5", &t, err,
	    sizeof(err)), 1);
	assert_int_equal(t.tick, 7);
	assert_int_equal(t.rows, 10);
	assert_int_equal(t.rejected, 1);
	assert_true(t.lag_s == 0.5);
	/* A later writer's extra column is ignored without its header. */
	assert_int_equal(feed(&r, "8,2026-12-03T07:10:06Z,11,1,,"
	    "2026-12-03T12:40:05+05:30", &t, err, sizeof(err)), 1);
	assert_int_equal(t.tick, 8);
	assert_string_equal(t.event_time, "");
	assert_true(isnan(t.lag_s));
	assert_int_equal(feed(&r, "9,2026-12-03T07:10:06Z,11", &t, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "3 fields, the header has 5");
	/* Then the header of a new writer. */
	assert_int_equal(feed(&r, CONTRACT_TICK_HEADER ",event_time", &t, err,
	    sizeof(err)), 0);
	assert_int_equal(feed(&r, "1,2026-12-03T07:10:07Z,0,0,,"
	    "2026-12-03T12:40:07+05:30", &t, err, sizeof(err)), 1);
	assert_string_equal(t.event_time, "2026-12-03T12:40:07+05:30");
	assert_int_equal(feed(&r, "1,2026-12-03T07:10:07Z,0,0,", &t, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "5 fields, the header has 6");
}

static void
test_tick_bad_values(void **state)
{
	static const struct {
		const char *line, *err;
	} t[] = {
		{ "x,2026-12-03T07:10:05Z,1,0,", "bad tick 'x'" },
		{ ",2026-12-03T07:10:05Z,1,0,", "bad tick ''" },
		{ "-1,2026-12-03T07:10:05Z,1,0,", "bad tick '-1'" },
		{ "+1,2026-12-03T07:10:05Z,1,0,", "bad tick '+1'" },
		{ "1,,1,0,", "bad time ''" },
		{ "1,2026-12-03T07:10:05.123456789012345678901234+05:30,1,0,",
		    "time longer than 39 bytes" },
		{ "1,T,-5,0,", "bad rows '-5'" },
		{ "1,T,5,x,", "bad rejected 'x'" },
		{ "1,T,5,0,abc", "bad lag_s 'abc'" },
		{ "1,T,5,0,nan", "bad lag_s 'nan'" },
		{ "1,T,5,0,1e13", "bad lag_s '1e13'" },
		{ "99999999999999999999,T,1,0,",
		    "bad tick '99999999999999999999'" },
	};
	struct contract_tick_reader r;
	struct contract_tick got;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		contract_tick_reader_init(&r);
		assert_int_equal(feed(&r, CONTRACT_TICK_HEADER, &got, err,
		    sizeof(err)), 0);
		err[0] = '\0';
		assert_int_equal(feed(&r, t[i].line, &got, err, sizeof(err)),
		    -1);
		assert_string_equal(err, t[i].err);
	}
}

/* ==== alert events ====================================================== */

static void
test_alert_format(void **state)
{
	struct contract_alert a = { { "2026-12-03T07:10:05Z", "firing",
	    "branch_slow", "critical", "Whitefield, BLR", "12.5",
	    "say \"hi\", then\nleave" } };
	char buf[256];
	long n;

	(void)state;
	n = contract_alert_format(&a, buf, sizeof(buf));
	assert_int_equal(n, (long)strlen(buf));
	assert_string_equal(buf, "2026-12-03T07:10:05Z,firing,branch_slow,"
	    "critical,\"Whitefield, BLR\",12.5,\"say \"\"hi\"\", then\n"
	    "leave\"\n");
	a.f[CA_KEY] = NULL;
	a.f[CA_MESSAGE] = "plain";
	assert_true(contract_alert_format(&a, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "2026-12-03T07:10:05Z,firing,branch_slow,"
	    "critical,,12.5,plain\n");
	assert_int_equal(contract_alert_format(&a, buf, 20), -1);
	assert_int_equal(contract_alert_format(&a, buf, strlen(
	    "2026-12-03T07:10:05Z,firing,branch_slow,critical,,12.5,plain\n")),
	    -1);
}

/* Write events with contract_alert_write, read them back through csvio. */
static void
test_alert_round_trip(void **state)
{
	static const struct contract_alert ev[] = {
		{ { "2026-12-03T07:10:05Z", "firing", "cpu_hot", "warning",
		    "cpu", "81.5", "cpu_temp 81.5 > 80" } },
		{ { "2026-12-03T07:10:09Z", "resolved", "branch_slow",
		    "critical", "Whitefield, BLR", "", "a \"quoted\"\r\n"
		    "two-line message, with commas" } },
		{ { "2026-12-03T07:11:00Z", "firing", "global", "warning",
		    NULL, NULL, NULL } },
	};
	struct contract_alert_reader r;
	struct csvio_reader *rd;
	struct csvio_record rec;
	struct csvio_field out[CA_NCOLS];
	char err[128];
	FILE *fp;
	size_t i, j;

	(void)state;
	fp = tmpfile();
	assert_non_null(fp);
	fputs(CONTRACT_ALERT_HEADER "\n", fp);
	for (i = 0; i < NELEM(ev); i++)
		assert_int_equal(contract_alert_write(fp, &ev[i]), 0);
	assert_int_equal(fflush(fp), 0);
	rewind(fp);
	rd = csvio_reader_new(fileno(fp), ',', 0);
	assert_non_null(rd);
	assert_int_equal(csvio_next(rd, &rec), 1);
	assert_int_equal(contract_alert_bind(&r, rec.f, rec.nf, err,
	    sizeof(err)), 0);
	for (i = 0; i < NELEM(ev); i++) {
		assert_int_equal(csvio_next(rd, &rec), 1);
		assert_int_equal(contract_alert_get(&r, rec.f, rec.nf, out,
		    err, sizeof(err)), 0);
		for (j = 0; j < CA_NCOLS; j++) {
			const char *want = ev[i].f[j] ? ev[i].f[j] : "";
			assert_int_equal(out[j].len, strlen(want));
			assert_memory_equal(out[j].p, want, out[j].len);
		}
	}
	assert_int_equal(csvio_next(rd, &rec), 0);
	csvio_reader_free(rd);
	fclose(fp);

	/* A write error. */
	fp = fopen("/dev/full", "w");
	assert_non_null(fp);
	setvbuf(fp, NULL, _IONBF, 0);
	assert_int_equal(contract_alert_write(fp, &ev[0]), -1);
	fclose(fp);
}

static void
test_alert_by_name(void **state)
{
	struct contract_alert_reader r;
	struct csvio_field f[16], out[CA_NCOLS];
	char line[256], err[128];
	size_t nf;

	(void)state;
	snprintf(line, sizeof(line), "message,extra,alert,time,status");
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_alert_bind(&r, f, nf, err, sizeof(err)), 0);
	snprintf(line, sizeof(line), "\"hot, very\",x,cpu_hot,"
	    "2026-12-03T07:10:05Z,firing");
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_alert_get(&r, f, nf, out, err, sizeof(err)),
	    0);
	assert_int_equal(out[CA_MESSAGE].len, 9);
	assert_memory_equal(out[CA_MESSAGE].p, "hot, very", 9);
	assert_memory_equal(out[CA_ALERT].p, "cpu_hot", 7);
	assert_memory_equal(out[CA_TIME].p, "2026-12-03T07:10:05Z", 20);
	assert_memory_equal(out[CA_STATUS].p, "firing", 6);
	assert_int_equal(out[CA_SEVERITY].len, 0);
	assert_int_equal(out[CA_KEY].len, 0);
	assert_int_equal(out[CA_VALUE].len, 0);

	snprintf(line, sizeof(line), "x,cpu_hot,T");
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_alert_get(&r, f, nf, out, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "3 fields, the header has 5");

	/* A missing column. */
	snprintf(line, sizeof(line), "time,alert,severity");
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_alert_bind(&r, f, nf, err, sizeof(err)), -1);
	assert_string_equal(err, "not alert events: no column 'status'");
	snprintf(line, sizeof(line), CONTRACT_SAMPLE_HEADER);
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_alert_bind(&r, f, nf, err, sizeof(err)), -1);
	assert_string_equal(err, "not alert events: no column 'status'");
}

/* contract_bind on its own: the sample columns. */
static void
test_bind(void **state)
{
	struct csvio_field f[16];
	long idx[CS_NCOLS];
	char line[256], err[128];
	size_t nf;

	(void)state;
	snprintf(line, sizeof(line), "mem_pct,time,new_col,cpu_pct");
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_bind(contract_sample_names, CS_NCOLS,
	    1u << CS_TIME, f, nf, idx, err, sizeof(err)), 0);
	assert_int_equal(idx[CS_TIME], 1);
	assert_int_equal(idx[CS_MEM_PCT], 0);
	assert_int_equal(idx[CS_CPU_PCT], 3);
	assert_int_equal(idx[CS_CPU_TEMP], -1);
	assert_int_equal(contract_bind(contract_sample_names, CS_NCOLS,
	    (1u << CS_TIME) | (1u << CS_GPU_TEMP), f, nf, idx, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "no column 'gpu_temp'");
}

static void
test_active_round_trip(void **state)
{
	const char *row[CX_NCOLS] = { "underperforming_branch", "Yelahanka",
	    "warning", "2026-12-03T12:40:05+05:30", "41234.50", "52000",
	    "revenue 41234.50, \"low\"" };
	struct contract_row_reader r;
	struct csvio_field f[16], out[CX_NCOLS];
	char line[512], err[128];
	size_t nf, i;

	(void)state;
	snprintf(line, sizeof(line), "%s", CONTRACT_ACTIVE_HEADER);
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(nf, CX_NCOLS);
	for (i = 0; i < nf; i++)
		assert_memory_equal(f[i].p, contract_active_names[i], f[i].len);
	assert_int_equal(contract_row_bind(&r, "active alerts",
	    contract_active_names, CX_NCOLS, CONTRACT_ACTIVE_REQUIRED, f, nf,
	    err, sizeof(err)), 0);
	assert_true(contract_row_format(row, CX_NCOLS, line, sizeof(line)) > 0);
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_row_get(&r, f, nf, out, err, sizeof(err)), 0);
	for (i = 0; i < CX_NCOLS; i++) {
		assert_int_equal(out[i].len, strlen(row[i]));
		assert_memory_equal(out[i].p, row[i], out[i].len);
	}
	/* Alert events are not active alerts. */
	snprintf(line, sizeof(line), "%s", CONTRACT_ALERT_HEADER);
	assert_int_equal(contract_split(line, f, NELEM(f), &nf), 0);
	assert_int_equal(contract_row_bind(&r, "active alerts",
	    contract_active_names, CX_NCOLS, CONTRACT_ACTIVE_REQUIRED, f, nf,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "not active alerts: no column 'since'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_tick_round_trip),
		cmocka_unit_test(test_tick_by_name),
		cmocka_unit_test(test_tick_mid_stream),
		cmocka_unit_test(test_tick_bad_values),
		cmocka_unit_test(test_alert_format),
		cmocka_unit_test(test_alert_round_trip),
		cmocka_unit_test(test_alert_by_name),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_active_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
