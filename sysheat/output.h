#ifndef SYSHEAT_OUTPUT_H
#define SYSHEAT_OUTPUT_H
/* One sample and its four text forms: CSV (docs/contracts.md), JSON lines,
 * the Prometheus text exposition format and InfluxDB line protocol. */
#include <stddef.h>
#include <stdint.h>

struct sample {
	int64_t t_ns;		/* wall-clock time, ns since the epoch */
	double cpu_temp;	/* degrees Celsius; NAN when unknown */
	double gpu_temp;
	double cpu_pct;		/* 0-100 */
	double mem_pct;
	double disk_pct;
	double rx_bps;		/* bytes per second */
	double tx_bps;
	int net_totals;		/* rx_total/tx_total are known */
	uint64_t rx_total;	/* bytes since the counters started */
	uint64_t tx_total;
};

enum out_fmt { OUT_CSV, OUT_JSON, OUT_PROM, OUT_INFLUX };

/* Map "csv", "json", "prom", "influx" to a format.  Returns 0 or -1. */
int out_parse_fmt(const char *s, enum out_fmt *fmt);

struct out_ctx {
	enum out_fmt fmt;
	const char *host;	/* influx tag "host"; NULL leaves it out */
	const char *mount;	/* the disk's path: prom label "mountpoint" */
};

/* The CSV header line (with its newline). */
#define OUT_CSV_HEADER \
	"time,cpu_temp,gpu_temp,cpu_pct,mem_pct,disk_pct,net_rx_bytes_s," \
	"net_tx_bytes_s\n"

/*
 * Format s into buf (capacity cap) in ctx->fmt: one line for CSV, JSON and
 * influx, a whole exposition for prom.  A CSV row has no header; an influx
 * sample with no known field makes no line (length 0).  Returns the length
 * (buf is NUL-terminated), or -1 when cap is too small.
 */
long out_format(const struct out_ctx *ctx, const struct sample *s,
    char *buf, size_t cap);

#endif
