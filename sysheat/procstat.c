/* /proc parsers for sysheat: CPU ticks, memory, network counters. */
#include "procstat.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "readfile.h"

/* Note a malformed line (1-based lineno) in d. */
static void
diag_bad(struct ps_diag *d, unsigned long lineno)
{
	if (d == NULL)
		return;
	if (d->bad++ == 0)
		d->first_line = lineno;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Parse one unsigned decimal at *pp after optional blanks; on success
 * advance *pp past it and return 1.  Return 0 at the end of the line and
 * -1 when the next token is not a number (or overflows 64 bits).
 */
static int
next_u64(const char **pp, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	while (is_blank(*p))
		p++;
	if (*p == '\n' || *p == '\0' || *p == '\r')
		return 0;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned dig = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - dig) / 10)
			return -1;
		v = v * 10 + dig;
	}
	if (!is_blank(*p) && *p != '\n' && *p != '\0' && *p != '\r')
		return -1;
	*pp = p;
	*out = v;
	return 1;
}

/* The start of the line after p, or NULL at the end of the text. */
static const char *
next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl == NULL || nl[1] == '\0' ? NULL : nl + 1;
}

int
ps_parse_stat(const char *buf, struct ps_cpu *c, struct ps_diag *d)
{
	uint64_t f[10], sink;
	const char *p = buf;
	size_t n = 0;
	int r;

	if (strncmp(p, "cpu", 3) != 0 || !is_blank(p[3])) {
		diag_bad(d, 1);
		return -1;
	}
	p += 3;
	while ((r = next_u64(&p, n < 10 ? &f[n] : &sink)) == 1)
		n++;
	if (r == -1 || n < 4) {
		diag_bad(d, 1);
		return -1;
	}
	while (n < 10)
		f[n++] = 0;
	/* user nice system idle iowait irq softirq steal guest guest_nice */
	c->busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
	c->idle = f[3] + f[4];
	return 0;
}

double
ps_cpu_pct(const struct ps_cpu *prev, const struct ps_cpu *cur)
{
	uint64_t busy, idle;

	busy = cur->busy > prev->busy ? cur->busy - prev->busy : 0;
	idle = cur->idle > prev->idle ? cur->idle - prev->idle : 0;
	if (busy + idle == 0)
		return NAN;
	return 100.0 * (double)busy / (double)(busy + idle);
}

/* Value of a "Key:  123 kB" line at p (just past the colon). */
static int
meminfo_value(const char *p, uint64_t *v)
{
	if (next_u64(&p, v) != 1)
		return -1;
	while (is_blank(*p))
		p++;
	if (strncmp(p, "kB", 2) == 0)
		p += 2;
	while (is_blank(*p) || *p == '\r')
		p++;
	return *p == '\n' || *p == '\0' ? 0 : -1;
}

double
ps_parse_meminfo(const char *buf, struct ps_diag *d)
{
	static const char ktotal[] = "MemTotal:", kavail[] = "MemAvailable:";
	const char *p;
	uint64_t total = 0, avail = 0;
	unsigned long lineno = 0;
	int have_total = 0, have_avail = 0;

	for (p = buf; p != NULL && *p != '\0'; p = next_line(p)) {
		lineno++;
		if (strncmp(p, ktotal, sizeof(ktotal) - 1) == 0) {
			if (meminfo_value(p + sizeof(ktotal) - 1, &total) == 0)
				have_total = 1;
			else
				diag_bad(d, lineno);
		} else if (strncmp(p, kavail, sizeof(kavail) - 1) == 0) {
			if (meminfo_value(p + sizeof(kavail) - 1, &avail) == 0)
				have_avail = 1;
			else
				diag_bad(d, lineno);
		}
		if (have_total && have_avail)
			break;
	}
	if (!have_total || !have_avail || total == 0)
		return NAN;
	if (avail > total) {
		diag_bad(d, lineno);
		return NAN;
	}
	return 100.0 * (double)(total - avail) / (double)total;
}

double
ps_disk_pct(const struct statvfs *sv)
{
	double used, avail;

	if (sv->f_blocks == 0 || sv->f_bfree > sv->f_blocks)
		return NAN;
	used = (double)(sv->f_blocks - sv->f_bfree);
	avail = (double)sv->f_bavail;
	if (used + avail <= 0)
		return NAN;
	return 100.0 * used / (used + avail);
}

static int
wanted(const char *name, const char *const *only, size_t nonly)
{
	size_t i;

	if (nonly == 0)
		return strcmp(name, "lo") != 0;
	for (i = 0; i < nonly; i++)
		if (strcmp(name, only[i]) == 0)
			return 1;
	return 0;
}

int
ps_parse_netdev(const char *buf, const char *const *only, size_t nonly,
    struct ps_net *n, struct ps_diag *d)
{
	const char *p, *q, *nm, *colon, *nl;
	unsigned long lineno = 0, lines = 0;
	uint64_t f[16], sink;
	char name[PS_IFNAMSZ];
	size_t len, k;
	int r;

	n->n = 0;
	n->dropped = 0;
	for (p = buf; p != NULL && *p != '\0'; p = next_line(p)) {
		lineno++;
		/* Search this line only: a long text of colon-less lines
		 * must stay linear. */
		nl = strchr(p, '\n');
		colon = memchr(p, ':', nl != NULL ? (size_t)(nl - p) :
		    strlen(p));
		if (colon == NULL)
			continue;	/* a header line */
		for (nm = p; is_blank(*nm); nm++)
			;
		len = (size_t)(colon - nm);
		if (len == 0 || len >= PS_IFNAMSZ ||
		    memchr(nm, ' ', len) != NULL ||
		    memchr(nm, '\t', len) != NULL) {
			diag_bad(d, lineno);
			continue;
		}
		q = colon + 1;
		k = 0;
		while ((r = next_u64(&q, k < 16 ? &f[k] : &sink)) == 1)
			k++;
		if (r == -1 || k < 9) {
			diag_bad(d, lineno);
			continue;
		}
		lines++;
		memcpy(name, nm, len);
		name[len] = '\0';
		if (!wanted(name, only, nonly))
			continue;
		if (n->n == PS_MAXIF) {
			n->dropped++;
			continue;
		}
		memcpy(n->ifs[n->n].name, name, len + 1);
		n->ifs[n->n].rx = f[0];
		n->ifs[n->n].tx = f[8];
		n->n++;
	}
	return lines > 0 ? 0 : -1;
}

int
ps_net_rate(const struct ps_net *prev, const struct ps_net *cur, double dt,
    double *rx, double *tx)
{
	const struct ps_iface *a, *b;
	uint64_t drx = 0, dtx = 0;
	size_t i, j, matched = 0;

	*rx = *tx = NAN;
	if (!(dt > 0))
		return -1;
	for (i = 0; i < cur->n; i++) {
		b = &cur->ifs[i];
		a = NULL;
		/* The kernel lists interfaces in a stable order. */
		if (i < prev->n && strcmp(prev->ifs[i].name, b->name) == 0)
			a = &prev->ifs[i];
		for (j = 0; a == NULL && j < prev->n; j++)
			if (strcmp(prev->ifs[j].name, b->name) == 0)
				a = &prev->ifs[j];
		if (a == NULL || b->rx < a->rx || b->tx < a->tx)
			continue;
		drx += b->rx - a->rx;
		dtx += b->tx - a->tx;
		matched++;
	}
	if (matched == 0)
		return -1;
	*rx = (double)drx / dt;
	*tx = (double)dtx / dt;
	return 0;
}

void
ps_net_totals(const struct ps_net *n, uint64_t *rx, uint64_t *tx)
{
	size_t i;

	*rx = *tx = 0;
	for (i = 0; i < n->n; i++) {
		*rx += n->ifs[i].rx;
		*tx += n->ifs[i].tx;
	}
}

long
ps_read_file(const char *path, char *buf, size_t cap, int *truncated,
    char *errstr, size_t errlen)
{
	size_t len = 0;
	ssize_t r;
	char extra;
	int fd, saved;

	*truncated = 0;
	if (cap < 2) {
		errno = EINVAL;
		snprintf(errstr, errlen, "%s", strerror(errno));
		return -1;
	}
	/* Never blocks on a FIFO; refuses /dev/zero and the like. */
	if ((fd = li_open_input(path, 0, errstr, errlen)) == -1)
		return -1;
	while (len < cap - 1) {
		r = read(fd, buf + len, cap - 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	if (len == cap - 1) {
		do
			r = read(fd, &extra, 1);
		while (r == -1 && errno == EINTR);
		if (r == -1)
			goto fail;
		if (r == 1) {
			char *nl;

			*truncated = 1;
			buf[len] = '\0';
			nl = strrchr(buf, '\n');
			len = nl == NULL ? 0 : (size_t)(nl - buf) + 1;
		}
	}
	buf[len] = '\0';
	close(fd);
	return (long)len;
fail:
	saved = errno;
	snprintf(errstr, errlen, "%s", strerror(errno));
	close(fd);
	errno = saved;
	return -1;
}
