/*
 * sysheat: sample CPU and GPU temperature, CPU, memory, disk and network
 * usage at a steady interval and write one line per sample (CSV, JSON
 * lines, Prometheus text exposition or InfluxDB line protocol).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "cli.h"
#include "contract.h"
#include "hwsens.h"
#include "nvml.h"
#include "output.h"
#include "procstat.h"
#include "sched.h"
#include "util.h"

#define MAX_IFACES	16
#define PRIME_MAX	1.0	/* the first sample's interval, at most */
#define READ_CAP	(192 * 1024)	/* room for PS_MAXIF interfaces */
#define STAT_CAP	4096
#define OUT_CAP		8192
#define TICK_S		0.2	/* longest wait without looking at sig_stop */

enum { SRC_STAT, SRC_MEMINFO, SRC_NETDEV, SRC_DISK, NSRC };

static const char *const src_names[NSRC] = {
	"stat", "meminfo", "net/dev", NULL,
};

struct opts {
	double interval;
	long long count;
	enum out_fmt fmt;
	const char *outfile;
	const char *disk;
	const char *ifaces[MAX_IFACES];
	size_t nifaces;
	int list;
	int verbose;
	int quiet;
};

struct state {
	const struct opts *o;
	char path[NSRC][PATH_MAX];
	char *buf;			/* READ_CAP bytes for /proc text */
	struct ps_cpu cpu_prev;
	int cpu_prev_ok;
	struct ps_net *net_prev, *net_cur;
	int net_prev_ok;
	double net_prev_t;
	struct ps_diag diag[NSRC];	/* malformed lines per source */
	unsigned long fails[NSRC];	/* unreadable reads per source */
	int warned[NSRC];
	int warned_trunc;
	struct hw hw;
	int hw_ok;			/* libsensors started */
	struct nv nv;
	int out_kind;			/* stdout: 1 a regular file, 0 else,
					   -1 not looked at yet */
	unsigned long samples, late;
};

static const char help_text[] =
    "Usage: sysheat [-qv] [--format fmt] [-i interval] [-n count] "
    "[-o file]\n"
    "               [--disk path] [--iface name]...\n"
    "       sysheat --list\n"
    "\n"
    "Sample CPU/GPU temperature and CPU, memory, disk and network usage.\n"
    "\n"
    "      --format FMT     csv (default), json, prom or influx\n"
    "  -i, --interval DUR   time between samples (default 1s; 250ms, "
    "2m...)\n"
    "  -n, --count N        stop after N samples (default 0: run until "
    "killed)\n"
    "  -o, --output FILE    replace FILE atomically with each sample\n"
    "                       (for node_exporter's textfile collector)\n"
    "      --disk PATH      file system to report (default /)\n"
    "      --iface NAME     count only this interface (repeatable;\n"
    "                       default: all but lo)\n"
    "      --list           list every sensor libsensors and NVML see\n"
    "  -q, --quiet          no warnings about unreadable /proc data "
    "(-qq: errors\n"
    "                       only)\n"
    "  -v, --verbose        explain missing sensors and late samples\n"
    "  -h, --help           show this help\n"
    "      --version        show the version\n"
    "\n"
    "CSV columns: " CONTRACT_SAMPLE_HEADER "\n"
    "An unknown value (a device that could not be read) is an empty field\n"
    "(null in JSON); an absent device (no GPU, no sensor chip) is '-'\n"
    "(no key in JSON, no series in prom and influx).\n"
    "Environment: SYSHEAT_PROC replaces /proc (for tests).\n";

/* The spellings that changed in 0.2.0 (docs/conventions.md). */
static const struct cli_retired retired[] = {
	{ "-F", "use --format (-F is the Kafka configuration file)" },
	{ NULL, NULL },
};

/* Parse the options into o.  Returns CLI_RUN, CLI_HELP, CLI_VERSION, or
 * CLI_BAD after printing the usage error. */
static enum cli_result
parse_opts(int argc, char **argv, struct opts *o)
{
	enum { OPT_DISK = 256, OPT_FORMAT, OPT_IFACE, OPT_LIST, OPT_VERSION };
	static const struct option longopts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "iface", required_argument, NULL, OPT_IFACE },
		{ "interval", required_argument, NULL, 'i' },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_getopt g = { ":hi:n:o:qv", longopts, retired, "" };
	char err[160];
	int c, help = 0, version = 0;

	memset(o, 0, sizeof(*o));
	o->interval = 1;
	o->fmt = OUT_CSV;
	o->disk = "/";
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (out_parse_fmt(optarg, &o->fmt) == -1)
				return cli_usage_error("--format: '%s' is not "
				    "csv, json, prom or influx", optarg),
				    CLI_BAD;
			break;
		case 'i':
			if (cli_duration("-i", optarg, 0.001, 86400,
			    &o->interval, err, sizeof(err)) == -1)
				return cli_usage_error("%s", err), CLI_BAD;
			break;
		case 'n':
			if (cli_count("-n", optarg, 0, LLONG_MAX, &o->count,
			    err, sizeof(err)) == -1)
				return cli_usage_error("%s", err), CLI_BAD;
			break;
		case 'o':
			if (optarg[0] == '\0')
				return cli_usage_error("-o: the value is "
				    "empty"), CLI_BAD;
			o->outfile = optarg;
			break;
		case 'q':
			cli_quieter();
			break;
		case 'v':
			cli_louder();
			break;
		case OPT_DISK:
			o->disk = optarg;
			break;
		case OPT_IFACE:
			if (optarg[0] == '\0' ||
			    strlen(optarg) >= PS_IFNAMSZ)
				return cli_usage_error("--iface: '%s' is not "
				    "an interface name", optarg), CLI_BAD;
			if (o->nifaces == MAX_IFACES)
				return cli_usage_error("--iface: at most %d",
				    MAX_IFACES), CLI_BAD;
			o->ifaces[o->nifaces++] = optarg;
			break;
		case OPT_LIST:
			o->list = 1;
			break;
		case 'h':
			help = 1;
			break;
		case OPT_VERSION:
			version = 1;
			break;
		default:
			return cli_usage_error("%s", g.err), CLI_BAD;
		}
	}
	if (help)
		return CLI_HELP;
	if (version)
		return CLI_VERSION;
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'",
		    argv[optind]), CLI_BAD;
	o->quiet = cli_verbosity < CLI_WARN;
	o->verbose = cli_verbosity >= CLI_INFO;
	return CLI_RUN;
}

/* Read one /proc source into st->buf.  Returns 0, or -1 (warned once). */
static int
read_src(struct state *st, int src)
{
	/* Only the first line of /proc/stat is needed; on a large machine
	 * the rest (a line per CPU, the interrupt counts) is long. */
	size_t cap = src == SRC_STAT ? STAT_CAP : READ_CAP;
	char why[128];
	int trunc;

	if (ps_read_file(st->path[src], st->buf, cap, &trunc, why,
	    sizeof(why)) == -1) {
		st->fails[src]++;
		if (!st->warned[src]++ && !st->o->quiet)
			warnx("%s: %s", st->path[src], why);
		return -1;
	}
	if (trunc && src != SRC_STAT && !st->warned_trunc++ && !st->o->quiet)
		warnx("%s: longer than %d bytes, the rest ignored",
		    st->path[src], READ_CAP);
	return 0;
}

/* Warn once about the first malformed line of a source. */
static void
note_diag(struct state *st, int src, unsigned long before)
{
	if (before == 0 && st->diag[src].bad > 0 && !st->o->quiet)
		warnx("%s:%lu: malformed line", st->path[src],
		    st->diag[src].first_line);
}

/* The devices that are not there at all (SAMPLE_ABSENT_*): libsensors
 * started and found no sensor for the role, and for the GPU NVML has no
 * GPU either (its library missing, or no device).  A device that is there
 * but fails to read, or a libsensors or NVML that failed to start, is
 * unknown instead. */
static unsigned
absent_devices(const struct state *st)
{
	unsigned a = 0;

	if (st->hw_ok && st->hw.best[HW_CPU] == -1)
		a |= SAMPLE_ABSENT_CPU_TEMP;
	if (st->hw_ok && st->hw.best[HW_GPU] == -1 && st->nv.ndev == 0 &&
	    !st->nv.broken)
		a |= SAMPLE_ABSENT_GPU_TEMP;
	return a;
}

/* Take one sample into s (s may be NULL when only priming the deltas). */
static void
take_sample(struct state *st, struct sample *s)
{
	const struct opts *o = st->o;
	struct ps_cpu cpu;
	struct ps_net *tmp;
	struct statvfs sv;
	struct timespec ts;
	unsigned long before;
	double t, pct = NAN, rx = NAN, tx = NAN, gpu;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (s != NULL) {
		memset(s, 0, sizeof(*s));
		s->t_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		s->cpu_temp = s->gpu_temp = s->cpu_pct = s->mem_pct = NAN;
		s->disk_pct = s->rx_bps = s->tx_bps = NAN;
	}

	before = st->diag[SRC_STAT].bad;
	if (read_src(st, SRC_STAT) == 0 &&
	    ps_parse_stat(st->buf, &cpu, &st->diag[SRC_STAT]) == 0) {
		if (st->cpu_prev_ok)
			pct = ps_cpu_pct(&st->cpu_prev, &cpu);
		st->cpu_prev = cpu;
		st->cpu_prev_ok = 1;
	} else {
		st->cpu_prev_ok = 0;
	}
	note_diag(st, SRC_STAT, before);

	t = now_mono();
	before = st->diag[SRC_NETDEV].bad;
	if (read_src(st, SRC_NETDEV) == 0 &&
	    ps_parse_netdev(st->buf, o->ifaces, o->nifaces, st->net_cur,
	    &st->diag[SRC_NETDEV]) == 0) {
		if (st->net_prev_ok)
			ps_net_rate(st->net_prev, st->net_cur,
			    t - st->net_prev_t, &rx, &tx);
		if (s != NULL && st->net_cur->n > 0) {
			s->net_totals = 1;
			ps_net_totals(st->net_cur, &s->rx_total, &s->tx_total);
		}
		if (st->net_cur->dropped > 0 && !st->warned_trunc++ &&
		    !o->quiet)
			warnx("%s: more than %d interfaces, the rest ignored",
			    st->path[SRC_NETDEV], PS_MAXIF);
		tmp = st->net_prev;
		st->net_prev = st->net_cur;
		st->net_cur = tmp;
		st->net_prev_ok = 1;
		st->net_prev_t = t;
	} else {
		st->net_prev_ok = 0;
	}
	note_diag(st, SRC_NETDEV, before);

	if (s == NULL)
		return;
	s->cpu_pct = pct;
	s->rx_bps = rx;
	s->tx_bps = tx;

	before = st->diag[SRC_MEMINFO].bad;
	if (read_src(st, SRC_MEMINFO) == 0)
		s->mem_pct = ps_parse_meminfo(st->buf, &st->diag[SRC_MEMINFO]);
	note_diag(st, SRC_MEMINFO, before);

	if (statvfs(o->disk, &sv) == 0) {
		s->disk_pct = ps_disk_pct(&sv);
	} else {
		st->fails[SRC_DISK]++;
		if (!st->warned[SRC_DISK]++ && !o->quiet)
			warn("%s", o->disk);
	}

	hw_read(&st->hw, &s->cpu_temp, &s->gpu_temp);
	gpu = nv_read(&st->nv);
	if (!isnan(gpu) && (isnan(s->gpu_temp) || gpu > s->gpu_temp))
		s->gpu_temp = gpu;
	s->absent = absent_devices(st);
}

/* Write one formatted sample to stdout (unbuffered) or the output file;
 * exits 1 on a write error and 0 quietly when the reader of stdout went
 * away with SIGPIPE ignored.  Returns -1 when a stop signal arrived while
 * the sample waited for room in a full pipe (nothing of it was written),
 * else 0. */
static int
emit(struct state *st, const char *buf, size_t len)
{
	const struct opts *o = st->o;
	struct pollfd pfd = { .fd = STDOUT_FILENO, .events = POLLOUT };
	struct stat sb;
	size_t done = 0;
	ssize_t n;

	if (o->outfile != NULL) {
		if (atomic_write(o->outfile, buf, len) == -1)
			err(1, "%s", o->outfile);
		return 0;
	}
	/* One write(2) per sample: a line of up to PIPE_BUF bytes reaches a
	 * FIFO reader in one piece, all or nothing.  A SIGTERM while the
	 * pipe is full interrupts it before any byte went: drop the sample
	 * and stop, never a write error and never half a line.  Once part
	 * of a longer sample is out, the rest follows. */
	if (st->out_kind == -1)
		st->out_kind = fstat(STDOUT_FILENO, &sb) == 0 &&
		    S_ISREG(sb.st_mode);
	while (done < len) {
		/* A pipe: wait for room in slices, so that a stop signal is
		 * seen even when it lands just before the wait; once poll
		 * says so, a pipe takes PIPE_BUF bytes without blocking. */
		if (!st->out_kind && done == 0) {
			int r = poll(&pfd, 1, (int)(TICK_S * 1000));
			if (r <= 0 && (r == 0 || errno == EINTR)) {
				if (sig_stop)
					return -1;
				continue;
			}
		}
		n = write(STDOUT_FILENO, buf + done, len - done);
		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno == EINTR) {
			if (sig_stop && done == 0)
				return -1;
			continue;
		}
		if (errno == EPIPE)
			exit(0);
		err(1, "stdout");
	}
	return 0;
}

static void
report(const struct state *st)
{
	int i;

	if (st->o->verbose || sig_usr1)
		warnx("%lu sample%s, %lu late tick%s skipped", st->samples,
		    st->samples == 1 ? "" : "s", st->late,
		    st->late == 1 ? "" : "s");
	if (st->o->quiet)
		return;
	for (i = 0; i < NSRC; i++) {
		if (st->diag[i].bad > 0)
			warnx("%s: %lu malformed lines", st->path[i],
			    st->diag[i].bad);
		if (st->fails[i] > 1)
			warnx("%s: unreadable %lu times", st->path[i],
			    st->fails[i]);
	}
}

/* Wait until the monotonic clock reaches due.  Returns -1 when a stop
 * signal arrived first. */
static int
wait_until(double due, struct state *st)
{
	double left;

	/* In slices: a signal that lands just before a sleep begins would
	 * not end it, and the interval may be a day. */
	while (!sig_stop && (left = due - now_mono()) > 0) {
		if (sleep_sec(left < TICK_S ? left : TICK_S) == -1 &&
		    sig_usr1) {
			report(st);
			sig_usr1 = 0;
		}
	}
	return sig_stop ? -1 : 0;
}

static void
open_sensors(struct state *st)
{
	char why[512];
	int n;

	n = hw_open(&st->hw, why, sizeof(why));
	st->hw_ok = n != -1;
	if (n != 0 && st->o->verbose)
		warnx("%s", why);
	n = nv_open(&st->nv, why, sizeof(why));
	if (n == -1 && st->o->verbose)
		warnx("%s", why);
	if (st->o->verbose && !st->o->list) {
		if (st->hw.best[HW_CPU] == -1)
			warnx("no cpu temperature sensor");
		if (st->hw.best[HW_GPU] == -1 && n <= 0)
			warnx("no gpu temperature sensor");
	}
}

static int
list_sensors(struct state *st)
{
	fputs("chip,feature,label,type,value,use\n", stdout);
	if (hw_list(&st->hw, stdout) == -1 || nv_list(&st->nv, stdout) == -1)
		err(1, "stdout");
	return 0;
}

/* Warn about --iface names /proc/net/dev does not list. */
static void
check_ifaces(struct state *st)
{
	size_t i, j;

	if (st->o->quiet || !st->net_prev_ok)
		return;
	for (i = 0; i < st->o->nifaces; i++) {
		for (j = 0; j < st->net_prev->n; j++)
			if (strcmp(st->net_prev->ifs[j].name,
			    st->o->ifaces[i]) == 0)
				break;
		if (j == st->net_prev->n)
			warnx("--iface %s: no such interface",
			    st->o->ifaces[i]);
	}
}

int
main(int argc, char **argv)
{
	static struct state st;
	struct opts o;
	struct out_ctx ctx;
	struct sample s;
	struct statvfs sv;
	char host[256], *out = NULL;
	size_t hlen;
	const char *proc;
	struct sched sc = { 0, 0, 0, 0 };
	long len;
	int i, rc = 0;

	switch (parse_opts(argc, argv, &o)) {
	case CLI_HELP:
		return cli_help(stdout, help_text);
	case CLI_VERSION:
		return cli_version(stdout);
	case CLI_BAD:
		return 2;
	case CLI_RUN:
		break;
	}
	st.o = &o;
	st.out_kind = -1;
	if ((proc = getenv("SYSHEAT_PROC")) == NULL || proc[0] == '\0')
		proc = "/proc";
	for (i = 0; i < NSRC; i++) {
		if (src_names[i] == NULL)
			continue;
		if ((size_t)snprintf(st.path[i], sizeof(st.path[i]), "%s/%s",
		    proc, src_names[i]) >= sizeof(st.path[i]))
			errx(2, "SYSHEAT_PROC: path too long");
	}
	snprintf(st.path[SRC_DISK], sizeof(st.path[SRC_DISK]), "%s", o.disk);

	open_sensors(&st);
	if (o.list) {
		list_sensors(&st);
		goto out;
	}
	if (statvfs(o.disk, &sv) == -1) {
		warn("--disk %s", o.disk);
		rc = 2;
		goto out;
	}
	if (sig_install() == -1)
		err(1, "sigaction");
	st.buf = malloc(READ_CAP);
	st.net_prev = malloc(sizeof(*st.net_prev));
	st.net_cur = malloc(sizeof(*st.net_cur));
	out = malloc(OUT_CAP);
	if (st.buf == NULL || st.net_prev == NULL || st.net_cur == NULL ||
	    out == NULL)
		err(1, "malloc");
	if (gethostname(host, sizeof(host)) == -1)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	ctx.fmt = o.fmt;
	ctx.host = host;
	ctx.mount = o.disk;

	if (o.fmt == OUT_CSV && o.outfile == NULL &&
	    emit(&st, OUT_CSV_HEADER, sizeof(OUT_CSV_HEADER) - 1) == -1)
		goto done;
	/* A file replaced per sample is a whole CSV: header and one row. */
	hlen = o.fmt == OUT_CSV && o.outfile != NULL ?
	    sizeof(OUT_CSV_HEADER) - 1 : 0;
	memcpy(out, OUT_CSV_HEADER, hlen);

	/* Rates need a previous reading: prime the deltas, then take the
	 * first sample a short interval later and the rest on a fixed
	 * schedule from there, so that the timing never drifts. */
	take_sample(&st, NULL);
	check_ifaces(&st);
	sc.first = now_mono() + (o.interval < PRIME_MAX ? o.interval :
	    PRIME_MAX);
	sc.interval = o.interval;
	while (o.count == 0 || (long long)st.samples < o.count) {
		if (wait_until(sched_due(&sc), &st) == -1)
			break;
		take_sample(&st, &s);
		st.samples++;
		if ((len = out_format(&ctx, &s, out + hlen, OUT_CAP - hlen)) ==
		    -1)
			errx(1, "sample too long to format");
		if (emit(&st, out, hlen + (size_t)len) == -1)
			break;
		if (sig_usr1) {
			report(&st);
			sig_usr1 = 0;
		}
		if (sig_stop)
			break;
		sched_advance(&sc, now_mono());
		st.late = sc.skipped;
	}
done:
	report(&st);
out:
	free(out);
	free(st.buf);
	free(st.net_prev);
	free(st.net_cur);
	nv_close(&st.nv);
	hw_close(&st.hw);
	if (close_stdout() == -1) {
		if (errno == EPIPE)
			return rc;
		err(1, "stdout");
	}
	return rc;
}
