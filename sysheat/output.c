/* Text forms of a sample. */
#include "output.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "timefield.h"

/* The CSV/JSON/influx fields, in contract order (their names are
 * contract_sample_names[col]), with the number of decimals each is written
 * with and the bit that says its device is absent. */
static const struct {
	int col;
	size_t off;
	int prec;
	unsigned absent;
} out_fields[] = {
	{ CS_CPU_TEMP, offsetof(struct sample, cpu_temp), 1,
	    SAMPLE_ABSENT_CPU_TEMP },
	{ CS_GPU_TEMP, offsetof(struct sample, gpu_temp), 1,
	    SAMPLE_ABSENT_GPU_TEMP },
	{ CS_CPU_PCT, offsetof(struct sample, cpu_pct), 1, 0 },
	{ CS_MEM_PCT, offsetof(struct sample, mem_pct), 1, 0 },
	{ CS_DISK_PCT, offsetof(struct sample, disk_pct), 1, 0 },
	{ CS_NET_RX_BYTES_S, offsetof(struct sample, rx_bps), 0, 0 },
	{ CS_NET_TX_BYTES_S, offsetof(struct sample, tx_bps), 0, 0 },
};
#define FNAME(i)	contract_sample_names[out_fields[i].col]
#define ABSENT(s, i)	(((s)->absent & out_fields[i].absent) != 0)
#define OUT_NFIELDS	(sizeof(out_fields) / sizeof(out_fields[0]))

static double
field(const struct sample *s, size_t i)
{
	double v;

	memcpy(&v, (const char *)s + out_fields[i].off, sizeof(v));
	return isfinite(v) ? v : NAN;
}

int
out_parse_fmt(const char *s, enum out_fmt *fmt)
{
	static const char *const names[] = {
		[OUT_CSV] = "csv", [OUT_JSON] = "json", [OUT_PROM] = "prom",
		[OUT_INFLUX] = "influx",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*fmt = (enum out_fmt)i;
			return 0;
		}
	}
	return -1;
}

/* A bounded output buffer; a write that does not fit marks it full. */
struct obuf {
	char *p;
	size_t cap, len;
	int full;
};

static void
ob_printf(struct obuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->len) {
		b->full = 1;
		return;
	}
	b->len += (size_t)n;
}

/* Append s with the characters in special escaped by a backslash, and a
 * newline written as \n (Prometheus label values, influx tag values). */
static void
ob_escaped(struct obuf *b, const char *s, const char *special)
{
	for (; *s != '\0'; s++) {
		if (*s == '\n')
			ob_printf(b, "\\n");
		else if (strchr(special, *s) != NULL)
			ob_printf(b, "\\%c", *s);
		else
			ob_printf(b, "%c", *s);
	}
}

static void
ob_time(struct obuf *b, int64_t t_ns)
{
	struct li_tm tm;
	char buf[TM_BUFSZ];
	int64_t secs = t_ns / 1000000000;

	if (t_ns < 0 && secs * 1000000000 != t_ns)
		secs--;
	tm_from_epoch(secs, &tm);
	tm_fmt_rfc3339(&tm, buf);
	ob_printf(b, "%s", buf);
}

static void
fmt_csv(struct obuf *b, const struct sample *s)
{
	size_t i;
	double v;

	ob_time(b, s->t_ns);
	for (i = 0; i < OUT_NFIELDS; i++) {
		v = field(s, i);
		if (ABSENT(s, i))
			ob_printf(b, "," CONTRACT_SAMPLE_ABSENT);
		else if (isnan(v))
			ob_printf(b, ",");
		else
			ob_printf(b, ",%.*f", out_fields[i].prec, v);
	}
	ob_printf(b, "\n");
}

static void
fmt_json(struct obuf *b, const struct sample *s)
{
	size_t i;
	double v;

	ob_printf(b, "{\"time\":\"");
	ob_time(b, s->t_ns);
	ob_printf(b, "\"");
	for (i = 0; i < OUT_NFIELDS; i++) {
		v = field(s, i);
		if (ABSENT(s, i))
			continue;	/* no such device: no key */
		if (isnan(v))
			ob_printf(b, ",\"%s\":null", FNAME(i));
		else
			ob_printf(b, ",\"%s\":%.*f", FNAME(i),
			    out_fields[i].prec, v);
	}
	ob_printf(b, "}\n");
}

static void
fmt_influx(struct obuf *b, const struct out_ctx *ctx, const struct sample *s)
{
	size_t i, start = b->len;
	int any = 0;
	double v;

	ob_printf(b, "sysheat");
	if (ctx->host != NULL && ctx->host[0] != '\0') {
		ob_printf(b, ",host=");
		ob_escaped(b, ctx->host, ", =\\");
	}
	for (i = 0; i < OUT_NFIELDS; i++) {
		v = field(s, i);
		if (isnan(v) || ABSENT(s, i))
			continue;
		ob_printf(b, "%c%s=%.*f", any ? ',' : ' ', FNAME(i),
		    out_fields[i].prec, v);
		any = 1;
	}
	ob_printf(b, " %" PRId64 "\n", s->t_ns);
	if (!any) {
		/* A point needs at least one field. */
		b->len = start;
		b->p[start] = '\0';
	}
}

/* One gauge or counter: HELP and TYPE always, the sample when known. */
static void
prom_metric(struct obuf *b, const char *name, const char *type,
    const char *help, const char *labels, double v)
{
	ob_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	if (!isnan(v))
		ob_printf(b, "%s%s %.10g\n", name, labels, v);
}

static void
fmt_prom(struct obuf *b, const struct out_ctx *ctx, const struct sample *s)
{
	char labels[1024];
	struct obuf lb = { labels, sizeof(labels), 0, 0 };

	/* An absent device has no series at all; an unknown reading keeps
	 * its HELP and TYPE, without a sample. */
	if (!(s->absent & SAMPLE_ABSENT_CPU_TEMP))
		prom_metric(b, "sysheat_cpu_temperature_celsius", "gauge",
		    "CPU package temperature (k10temp Tdie/Tctl, coretemp "
		    "package, else the hottest input).", "", s->cpu_temp);
	if (!(s->absent & SAMPLE_ABSENT_GPU_TEMP))
		prom_metric(b, "sysheat_gpu_temperature_celsius", "gauge",
		    "Hottest GPU temperature (amdgpu edge, NVML).", "",
		    s->gpu_temp);
	prom_metric(b, "sysheat_cpu_usage_ratio", "gauge",
	    "Share of CPU time not idle over the last interval.", "",
	    s->cpu_pct / 100);
	prom_metric(b, "sysheat_memory_usage_ratio", "gauge",
	    "Share of memory in use (1 - MemAvailable/MemTotal).", "",
	    s->mem_pct / 100);
	ob_printf(&lb, "{mountpoint=\"");
	ob_escaped(&lb, ctx->mount != NULL ? ctx->mount : "", "\"\\");
	ob_printf(&lb, "\"}");
	prom_metric(b, "sysheat_filesystem_usage_ratio", "gauge",
	    "Share of the file system in use, as df computes Use%.",
	    lb.full ? "" : labels, s->disk_pct / 100);
	prom_metric(b, "sysheat_network_receive_bytes_per_second", "gauge",
	    "Bytes received per second over the last interval.", "",
	    s->rx_bps);
	prom_metric(b, "sysheat_network_transmit_bytes_per_second", "gauge",
	    "Bytes transmitted per second over the last interval.", "",
	    s->tx_bps);
	ob_printf(b, "# HELP sysheat_network_receive_bytes_total "
	    "Bytes received by the sampled interfaces.\n"
	    "# TYPE sysheat_network_receive_bytes_total counter\n");
	if (s->net_totals)
		ob_printf(b, "sysheat_network_receive_bytes_total %" PRIu64
		    "\n", s->rx_total);
	ob_printf(b, "# HELP sysheat_network_transmit_bytes_total "
	    "Bytes transmitted by the sampled interfaces.\n"
	    "# TYPE sysheat_network_transmit_bytes_total counter\n");
	if (s->net_totals)
		ob_printf(b, "sysheat_network_transmit_bytes_total %" PRIu64
		    "\n", s->tx_total);
}

long
out_format(const struct out_ctx *ctx, const struct sample *s, char *buf,
    size_t cap)
{
	struct obuf b = { buf, cap, 0, 0 };

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	switch (ctx->fmt) {
	case OUT_CSV:
		fmt_csv(&b, s);
		break;
	case OUT_JSON:
		fmt_json(&b, s);
		break;
	case OUT_PROM:
		fmt_prom(&b, ctx, s);
		break;
	case OUT_INFLUX:
		fmt_influx(&b, ctx, s);
		break;
	}
	if (b.full)
		return -1;
	return (long)b.len;
}
