/* The formats the tools hand each other.  See contract.h. */
#include "contract.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "util.h"

const char *const contract_tick_names[CT_NCOLS] = {
	[CT_TICK] = "tick", [CT_TIME] = "time", [CT_ROWS] = "rows",
	[CT_REJECTED] = "rejected", [CT_LAG_S] = "lag_s",
	[CT_EVENT_TIME] = "event_time",
};

const char *const contract_alert_names[CA_NCOLS] = {
	[CA_TIME] = "time", [CA_STATUS] = "status", [CA_ALERT] = "alert",
	[CA_SEVERITY] = "severity", [CA_KEY] = "key", [CA_VALUE] = "value",
	[CA_MESSAGE] = "message",
};

const char *const contract_sample_names[CS_NCOLS] = {
	[CS_TIME] = "time", [CS_CPU_TEMP] = "cpu_temp",
	[CS_GPU_TEMP] = "gpu_temp", [CS_CPU_PCT] = "cpu_pct",
	[CS_MEM_PCT] = "mem_pct", [CS_DISK_PCT] = "disk_pct",
	[CS_NET_RX_BYTES_S] = "net_rx_bytes_s",
	[CS_NET_TX_BYTES_S] = "net_tx_bytes_s",
};

/* ==== fields and columns ================================================ */

int
contract_split(char *s, struct csvio_field *f, size_t maxf, size_t *nf)
{
	size_t len = strlen(s), n = 0;
	char *r, *w, *end;

	if (len > 0 && s[len - 1] == '\n')
		len--;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	*nf = 0;
	if (len == 0)
		return 0;
	end = s + len;
	r = w = s;
	for (;;) {
		char *start = w;

		if (n == maxf) {
			errno = E2BIG;
			return -1;
		}
		if (r < end && *r == '"') {
			for (r++;; r++) {
				if (r == end) {
					errno = EINVAL;	/* unterminated */
					return -1;
				}
				if (*r == '"') {
					if (r + 1 < end && r[1] == '"') {
						*w++ = '"';
						r++;
						continue;
					}
					r++;
					break;
				}
				*w++ = *r;
			}
			if (r < end && *r != ',') {
				errno = EINVAL;	/* text after the quote */
				return -1;
			}
		} else {
			for (; r < end && *r != ','; r++) {
				if (*r == '"') {
					errno = EINVAL;
					return -1;
				}
				*w++ = *r;
			}
		}
		f[n].p = start;
		f[n].len = (size_t)(w - start);
		n++;
		if (r == end)
			break;
		r++;	/* the comma */
		w = r;	/* each field is unquoted where it starts */
	}
	*nf = n;
	return 0;
}

static int
field_is(const struct csvio_field *f, const char *name)
{
	size_t n = strlen(name);

	return f->len == n && memcmp(f->p, name, n) == 0;
}

int
contract_bind(const char *const *names, size_t n, unsigned required,
    const struct csvio_field *hdr, size_t nf, long *idx, char *err,
    size_t errlen)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		unsigned bit = i < 32 ? 1u << i : 0;

		idx[i] = -1;
		for (j = 0; j < nf; j++) {
			if (!field_is(&hdr[j], names[i]))
				continue;
			if (idx[i] >= 0) {
				snprintf(err, errlen, "column '%s' twice",
				    names[i]);
				return -1;
			}
			idx[i] = (long)j;
		}
		if ((required & bit) && idx[i] < 0) {
			snprintf(err, errlen, "no column '%s'", names[i]);
			return -1;
		}
	}
	return 0;
}

/* ==== tick lines ======================================================== */

/* Append s[0..len) to buf as a field, with a comma before all but the
 * first; keeps room for a newline and the NUL. */
static int
put(char *buf, size_t cap, size_t *len, int *first, const char *s,
    size_t slen)
{
	if (cap < 2)
		return -1;
	if (!*first) {
		if (*len + 1 > cap - 2)
			return -1;
		buf[(*len)++] = ',';
	}
	*first = 0;
	return csvio_append_field(buf, cap - 2, len, s, slen, ',');
}

static long
finish_line(char *buf, size_t len)
{
	buf[len++] = '\n';
	buf[len] = '\0';
	return (long)len;
}

long
contract_tick_header(unsigned cols, char *buf, size_t cap)
{
	size_t len = 0, i;
	int first = 1;

	for (i = 0; i < CT_NCOLS; i++)
		if ((cols & (1u << i)) && put(buf, cap, &len, &first,
		    contract_tick_names[i], strlen(contract_tick_names[i])) ==
		    -1)
			return -1;
	if (cap < 2)
		return -1;
	return finish_line(buf, len);
}

long
contract_tick_format(const struct contract_tick *t, unsigned cols,
    char *buf, size_t cap)
{
	size_t len = 0, i;
	int first = 1;
	char num[48];

	for (i = 0; i < CT_NCOLS; i++) {
		const char *s = num;
		size_t n;

		if (!(cols & (1u << i)))
			continue;
		num[0] = '\0';
		switch (i) {
		case CT_TICK:
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)t->tick);
			break;
		case CT_TIME:
			s = t->time;
			break;
		case CT_ROWS:
			if (t->have & (1u << CT_ROWS))
				snprintf(num, sizeof(num), "%llu",
				    (unsigned long long)t->rows);
			break;
		case CT_REJECTED:
			if (t->have & (1u << CT_REJECTED))
				snprintf(num, sizeof(num), "%llu",
				    (unsigned long long)t->rejected);
			break;
		case CT_LAG_S:
			/* The reader's range: beyond it is no lag at all. */
			if (isfinite(t->lag_s) && fabs(t->lag_s) <= 1e12)
				snprintf(num, sizeof(num), "%.1f", t->lag_s);
			break;
		case CT_EVENT_TIME:
			s = t->event_time;
			break;
		}
		n = s == num ? strlen(num) : strnlen(s, CONTRACT_TIME_MAX);
		if (put(buf, cap, &len, &first, s, n) == -1)
			return -1;
	}
	if (cap < 2)
		return -1;
	return finish_line(buf, len);
}

void
contract_tick_reader_init(struct contract_tick_reader *r)
{
	size_t i;

	for (i = 0; i < CT_NCOLS; i++)
		r->idx[i] = (CONTRACT_TICK_COLS & (1u << i)) ? (long)i : -1;
	r->nf = CT_EVENT_TIME;	/* the five default columns */
	r->from_header = 0;
}

/* Copy field f (at most cap - 1 bytes) into buf. */
static int
copy_time(const struct csvio_field *f, char *buf, size_t cap)
{
	if (f->len >= cap)
		return -1;
	memcpy(buf, f->p, f->len);
	buf[f->len] = '\0';
	return 0;
}

/* Parse field f as an integer in [0, INT64_MAX]. */
static int
get_count(const struct csvio_field *f, uint64_t *out)
{
	char buf[32];
	long long v;

	if (f->len == 0 || f->len >= sizeof(buf))
		return -1;
	memcpy(buf, f->p, f->len);
	buf[f->len] = '\0';
	if (buf[0] < '0' || buf[0] > '9' ||
	    parse_long(buf, 0, INT64_MAX, &v) == -1)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int
bad_field(const char *name, const struct csvio_field *f, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "bad %s '%.*s'", name,
	    (int)(f->len > 40 ? 40 : f->len), f->p);
	errno = EINVAL;
	return -1;
}

int
contract_tick_read(struct contract_tick_reader *r,
    const struct csvio_field *f, size_t nf, struct contract_tick *t,
    char *err, size_t errlen)
{
	static const struct csvio_field empty = { "", 0 };
	struct contract_tick n;
	int is_header = 0;
	size_t i;

	/* A tick number is never "tick". */
	for (i = 0; i < nf; i++)
		is_header |= field_is(&f[i], "tick");
	if (is_header) {
		struct contract_tick_reader nr;
		if (contract_bind(contract_tick_names, CT_NCOLS,
		    CONTRACT_TICK_REQUIRED, f, nf, nr.idx, err, errlen) == -1) {
			errno = EINVAL;
			return -1;
		}
		nr.nf = nf;
		nr.from_header = 1;
		*r = nr;
		return 0;
	}
	if (r->from_header ? nf != r->nf : nf < r->nf) {
		snprintf(err, errlen, "%zu field%s, the header has %zu", nf,
		    nf == 1 ? "" : "s", r->nf);
		errno = EINVAL;
		return -1;
	}
	memset(&n, 0, sizeof(n));
	n.lag_s = NAN;
	for (i = 0; i < CT_NCOLS; i++) {
		const struct csvio_field *v = r->idx[i] >= 0 ?
		    &f[r->idx[i]] : &empty;
		const char *name = contract_tick_names[i];

		switch (i) {
		case CT_TICK:
			if (get_count(v, &n.tick) == -1)
				return bad_field(name, v, err, errlen);
			break;
		case CT_TIME:
		case CT_EVENT_TIME:
			if (copy_time(v, i == CT_TIME ? n.time : n.event_time,
			    CONTRACT_TIME_MAX) == -1) {
				snprintf(err, errlen, "%s longer than %d bytes",
				    name, CONTRACT_TIME_MAX - 1);
				errno = EINVAL;
				return -1;
			}
			if (i == CT_TIME && v->len == 0)
				return bad_field(name, v, err, errlen);
			break;
		case CT_ROWS:
		case CT_REJECTED:
			if (v->len > 0 && get_count(v, i == CT_ROWS ? &n.rows :
			    &n.rejected) == -1)
				return bad_field(name, v, err, errlen);
			break;
		case CT_LAG_S:
			if (v->len > 0) {
				char buf[64];
				if (v->len >= sizeof(buf))
					return bad_field(name, v, err, errlen);
				memcpy(buf, v->p, v->len);
				buf[v->len] = '\0';
				if (parse_double(buf, -1e12, 1e12, &n.lag_s) ==
				    -1)
					return bad_field(name, v, err, errlen);
			}
			break;
		}
		if (v->len > 0)
			n.have |= 1u << i;
	}
	*t = n;
	return 1;
}

/* ==== alert events ====================================================== */

const char *const contract_active_names[CX_NCOLS] = {
	"alert", "key", "severity", "since", "value", "threshold", "message",
};

long
contract_row_format(const char *const *f, size_t n, char *buf, size_t cap)
{
	size_t len = 0, i;
	int first = 1;

	for (i = 0; i < n; i++) {
		const char *s = f[i] != NULL ? f[i] : "";
		if (put(buf, cap, &len, &first, s, strlen(s)) == -1)
			return -1;
	}
	if (cap < 2)
		return -1;
	return finish_line(buf, len);
}

int
contract_row_write(FILE *fp, const char *const *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *s = f[i] != NULL ? f[i] : "";
		if ((i > 0 && putc(',', fp) == EOF) ||
		    csvio_put_field(fp, s, strlen(s), ',') == -1)
			return -1;
	}
	if (putc('\n', fp) == EOF)
		return -1;
	return ferror(fp) ? -1 : 0;
}

int
contract_row_bind(struct contract_row_reader *r, const char *what,
    const char *const *names, size_t n, unsigned required,
    const struct csvio_field *hdr, size_t nf, char *err, size_t errlen)
{
	char why[128];

	if (n > NELEM(r->idx)) {
		snprintf(err, errlen, "%s: too many columns", what);
		errno = EINVAL;
		return -1;
	}
	if (contract_bind(names, n, required, hdr, nf, r->idx, why,
	    sizeof(why)) == -1) {
		snprintf(err, errlen, "not %s: %s", what, why);
		errno = EINVAL;
		return -1;
	}
	r->n = n;
	r->nf = nf;
	return 0;
}

int
contract_row_get(const struct contract_row_reader *r,
    const struct csvio_field *f, size_t nf, struct csvio_field *out,
    char *err, size_t errlen)
{
	size_t i;

	if (nf != r->nf) {
		snprintf(err, errlen, "%zu field%s, the header has %zu", nf,
		    nf == 1 ? "" : "s", r->nf);
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < r->n; i++) {
		if (r->idx[i] >= 0) {
			out[i] = f[r->idx[i]];
		} else {
			out[i].p = "";
			out[i].len = 0;
		}
	}
	return 0;
}

long
contract_alert_format(const struct contract_alert *a, char *buf, size_t cap)
{
	return contract_row_format(a->f, CA_NCOLS, buf, cap);
}

int
contract_alert_write(FILE *fp, const struct contract_alert *a)
{
	return contract_row_write(fp, a->f, CA_NCOLS);
}

int
contract_alert_bind(struct contract_alert_reader *r,
    const struct csvio_field *hdr, size_t nf, char *err, size_t errlen)
{
	char why[128];

	if (contract_bind(contract_alert_names, CA_NCOLS,
	    CONTRACT_ALERT_REQUIRED, hdr, nf, r->idx, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "not alert events: %s", why);
		errno = EINVAL;
		return -1;
	}
	r->nf = nf;
	return 0;
}
int
contract_alert_get(const struct contract_alert_reader *r,
    const struct csvio_field *f, size_t nf, struct csvio_field *out,
    char *err, size_t errlen)
{
	size_t i;

	if (nf != r->nf) {
		snprintf(err, errlen, "%zu field%s, the header has %zu", nf,
		    nf == 1 ? "" : "s", r->nf);
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < CA_NCOLS; i++) {
		if (r->idx[i] >= 0) {
			out[i] = f[r->idx[i]];
		} else {
			out[i].p = "";
			out[i].len = 0;
		}
	}
	return 0;
}
