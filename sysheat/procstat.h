#ifndef SYSHEAT_PROCSTAT_H
#define SYSHEAT_PROCSTAT_H
/* Parsers for the /proc files sysheat samples, and the arithmetic that turns
 * two readings into a rate or a percentage.  The parsers work on text in
 * memory so that tests can feed them fixture files; nothing here prints.
 * An unknown value is NAN, never a made-up number. */
#include <stddef.h>
#include <stdint.h>
#include <sys/statvfs.h>

/* Where a parser stopped liking its input, for a "file:line" diagnostic. */
struct ps_diag {
	unsigned long bad;		/* malformed lines seen */
	unsigned long first_line;	/* 1-based line of the first one */
};

/* The aggregate "cpu" line of /proc/stat, reduced to the two sums the
 * busy percentage needs (USER_HZ ticks since boot). */
struct ps_cpu {
	uint64_t busy;		/* user+nice+system+irq+softirq+steal */
	uint64_t idle;		/* idle+iowait */
};

/* Parse the first line of /proc/stat.  It must start with "cpu " and hold
 * at least the four fields of Linux 2.4 (user nice system idle); guest
 * times are already part of user and nice and are not added again.
 * Returns 0, or -1 when the line is missing or malformed (d counts it). */
int ps_parse_stat(const char *buf, struct ps_cpu *c, struct ps_diag *d);

/* Busy percentage (0-100) between two readings, or NAN when no tick
 * elapsed.  A counter that went backwards (iowait does) counts as 0. */
double ps_cpu_pct(const struct ps_cpu *prev, const struct ps_cpu *cur);

/* Memory in use as a percentage: 100 * (MemTotal - MemAvailable) /
 * MemTotal from /proc/meminfo.  Returns NAN when either line is missing
 * or malformed, or MemTotal is 0 (d counts malformed lines). */
double ps_parse_meminfo(const char *buf, struct ps_diag *d);

/* Used space of a file system as df(1) computes Use%: used / (used +
 * available to unprivileged users).  NAN when the file system has no
 * blocks (proc, sysfs). */
double ps_disk_pct(const struct statvfs *sv);

#define PS_IFNAMSZ	32	/* longer is malformed (IFNAMSIZ is 16) */
#define PS_MAXIF	1024	/* interfaces kept per reading */

struct ps_iface {
	char name[PS_IFNAMSZ];
	uint64_t rx, tx;	/* bytes since the counter started */
};

/* One reading of /proc/net/dev, filtered. */
struct ps_net {
	struct ps_iface ifs[PS_MAXIF];
	size_t n;
	unsigned long dropped;	/* interfaces past PS_MAXIF, not kept */
};

/* Parse /proc/net/dev into n.  With nonly > 0, keep only the interfaces
 * named in only[]; otherwise keep every interface except "lo".  Header
 * lines (without ':') are skipped; a line with a bad name or fewer than
 * nine numbers is counted in d and skipped.  Returns 0, or -1 when the
 * text holds no interface line at all. */
int ps_parse_netdev(const char *buf, const char *const *only, size_t nonly,
    struct ps_net *n, struct ps_diag *d);

/* Receive and transmit bytes per second between two readings dt seconds
 * apart.  Interfaces are matched by name; one that appeared, vanished or
 * whose counters went backwards (reset, 32-bit wrap) is left out of that
 * interval.  Returns 0, or -1 (both NAN) when no interface matched or dt
 * is not positive. */
int ps_net_rate(const struct ps_net *prev, const struct ps_net *cur,
    double dt, double *rx, double *tx);

/* Byte totals over the kept interfaces of one reading. */
void ps_net_totals(const struct ps_net *n, uint64_t *rx, uint64_t *tx);

/* Read at most cap-1 bytes of path into buf and NUL-terminate it.  When the
 * file is longer than that, the text is cut after its last complete line
 * and *truncated is set.  A FIFO, a device or a directory is refused
 * without blocking (lib/readfile.h).  Returns the length, or -1 with errno
 * set and errstr filled with the reason ("not a regular file"). */
long ps_read_file(const char *path, char *buf, size_t cap, int *truncated,
    char *errstr, size_t errlen);

#endif
