#ifndef SYSHEAT_OUTPUT_H
#define SYSHEAT_OUTPUT_H
/* One sample and its four text forms: CSV (docs/contracts.md), JSON lines,
 * the Prometheus text exposition format and InfluxDB line protocol. */
#include <stddef.h>
#include <stdint.h>

#include "contract.h"

struct sample {
	int64_t t_ns;		/* wall-clock time, ns since the epoch */
	double cpu_temp;	/* degrees Celsius; NAN when unknown */
	double gpu_temp;
	double cpu_pct;		/* 0-100 */
	double mem_pct;
	double disk_pct;
	double rx_bps;		/* bytes per second */
	double tx_bps;
	unsigned absent;	/* SAMPLE_ABSENT_*: no such device at all */
	int net_totals;		/* rx_total/tx_total are known */
	uint64_t rx_total;	/* bytes since the counters started */
	uint64_t tx_total;
};

/* A value is unknown (NAN) when its device is there but could not be
 * read, and absent when there is no such device (no sensor chip for the
 * CPU, no GPU): CSV writes CONTRACT_SAMPLE_ABSENT ("-") for it, JSON
 * leaves the key out, Prometheus and InfluxDB have no series for it. */
#define SAMPLE_ABSENT_CPU_TEMP	(1u << 0)
#define SAMPLE_ABSENT_GPU_TEMP	(1u << 1)

enum out_fmt { OUT_CSV, OUT_JSON, OUT_PROM, OUT_INFLUX };

/* Map "csv", "json", "prom", "influx" to a format.  Returns 0 or -1. */
int out_parse_fmt(const char *s, enum out_fmt *fmt);

struct out_ctx {
	enum out_fmt fmt;
	const char *host;	/* influx tag "host"; NULL leaves it out */
	const char *mount;	/* the disk's path: prom label "mountpoint" */
};

/* The CSV header line (with its newline), of docs/contracts.md. */
#define OUT_CSV_HEADER	CONTRACT_SAMPLE_HEADER "\n"

/*
 * Format s into buf (capacity cap) in ctx->fmt: one line for CSV, JSON and
 * influx, a whole exposition for prom.  A CSV row has no header; an influx
 * sample with no known field makes no line (length 0).  Returns the length
 * (buf is NUL-terminated), or -1 when cap is too small.
 */
long out_format(const struct out_ctx *ctx, const struct sample *s,
    char *buf, size_t cap);

#endif
