/* alertd --state FILE: the set of active alerts, in the active-alerts
 * format of lib/contract.h (CONTRACT_ACTIVE_HEADER), most severe first,
 * replaced atomically (lib/atomicfile.h) at every event, and read back at
 * start so that a restarted alertd announces nothing still firing. */
#include <err.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alertd.h"
#include "atomicfile.h"
#include "num.h"
#include "outfmt.h"
#include "readfile.h"

#define STATE_BYTES_MAX	(16 << 20)

/* The rule named name, or -1. */
static long
rule_index(const struct alertd *d, const struct csvio_field *name)
{
	size_t i;

	for (i = 0; i < d->nrules; i++)
		if (strlen(d->rules[i].name) == name->len &&
		    memcmp(d->rules[i].name, name->p, name->len) == 0)
			return (long)i;
	return -1;
}

/* One row of the file: the alert it names, firing again. */
static int
restore_row(struct alertd *d, const struct csvio_field *f, char *key,
    size_t keycap)
{
	struct alert *a;
	double v;
	long ri;
	size_t n;

	if ((ri = rule_index(d, &f[CX_ALERT])) < 0)
		return 0;	/* a rule no longer in the rules file */
	n = f[CX_KEY].len < keycap - 1 ? f[CX_KEY].len : keycap - 1;
	memcpy(key, f[CX_KEY].p, n);
	key[n] = '\0';
	a = alert_get(d, (size_t)ri, key);
	a->s.st = AST_FIRING;
	a->s.sev = f[CX_SEVERITY].len == 8 &&
	    memcmp(f[CX_SEVERITY].p, "critical", 8) == 0 ? 2 : 1;
	a->restored = 1;
	n = f[CX_SINCE].len < sizeof(a->since) - 1 ? f[CX_SINCE].len :
	    sizeof(a->since) - 1;
	memcpy(a->since, f[CX_SINCE].p, n);
	a->since[n] = '\0';
	if (num_parse(f[CX_VALUE].p, f[CX_VALUE].len, -1e300, 1e300,
	    &v) == 0)
		a->value = v;
	if (num_parse(f[CX_THRESHOLD].p, f[CX_THRESHOLD].len, -1e300, 1e300,
	    &v) == 0) {
		if (a->s.sev == 2)
			a->thr_c = v;
		else
			a->thr_w = v;
	}
	return 1;
}

int
statefile_load(struct alertd *d, char *err, size_t errlen)
{
	struct csvio_reader *r = NULL;
	struct csvio_record rec;
	struct contract_row_reader rr;
	struct csvio_field f[CX_NCOLS];
	char e[160], *key = NULL;
	int fd, rc, bound = 0, ret = -1;
	unsigned long n = 0;

	if ((fd = li_open_input(d->opt.state_path, 0, e, sizeof(e))) == -1) {
		if (errno == ENOENT)
			return 0;	/* the first run: nothing active */
		snprintf(err, errlen, "%s: %s", d->opt.state_path, e);
		return -1;
	}
	key = alertd_malloc(d, RECORD_MAX);
	if ((r = csvio_reader_new(fd, ',', RECORD_MAX)) == NULL) {
		snprintf(err, errlen, "%s: %s", d->opt.state_path,
		    strerror(errno));
		goto out;
	}
	while ((rc = csvio_next(r, &rec)) != 0) {
		if (csvio_offset(r) > STATE_BYTES_MAX) {
			snprintf(err, errlen, "%s: larger than %d bytes",
			    d->opt.state_path, STATE_BYTES_MAX);
			goto out;
		}
		if (rc == -1) {
			snprintf(err, errlen, "%s:%llu: %s", d->opt.state_path,
			    (unsigned long long)rec.line,
			    csvio_strerror(rec.err));
			goto out;
		}
		if (!bound) {
			if (contract_row_bind(&rr, "active alerts",
			    contract_active_names, CX_NCOLS,
			    CONTRACT_ACTIVE_REQUIRED, rec.f, rec.nf, e,
			    sizeof(e)) == -1) {
				snprintf(err, errlen, "%s:%llu: %s",
				    d->opt.state_path,
				    (unsigned long long)rec.line, e);
				goto out;
			}
			bound = 1;
			continue;
		}
		if (contract_row_get(&rr, rec.f, rec.nf, f, e,
		    sizeof(e)) == -1) {
			snprintf(err, errlen, "%s:%llu: %s", d->opt.state_path,
			    (unsigned long long)rec.line, e);
			goto out;
		}
		n += (unsigned long)restore_row(d, f, key, RECORD_MAX);
	}
	if (alertd_info_on())
		warnx("%s: %lu active alerts restored", d->opt.state_path, n);
	ret = 0;
out:
	free(key);
	csvio_reader_free(r);
	close(fd);
	return ret;
}

/* Most severe first, then in the order of the rules file, then by key. */
static int
cmp_active(const void *x, const void *y, void *arg)
{
	const struct alertd *d = arg;
	const struct alert *a = &d->alerts[*(const size_t *)x];
	const struct alert *b = &d->alerts[*(const size_t *)y];

	if (a->s.sev != b->s.sev)
		return b->s.sev - a->s.sev;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return strcmp(a->key, b->key);
}

int
statefile_save(struct alertd *d)
{
	struct atomic_file af;
	size_t *idx, n = 0, i;
	int ret = -1;

	if (d->opt.state_path == NULL || !d->state_dirty)
		return 0;
	d->state_dirty = 0;
	idx = alertd_malloc(d, (d->nalerts + 1) * sizeof(*idx));
	for (i = 0; i < d->nalerts; i++)
		if (d->alerts[i].s.st == AST_FIRING)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_active, d);
	memset(&af, 0, sizeof(af));
	if (atomic_open(&af, d->opt.state_path) == -1)
		goto out;
	if (fputs(CONTRACT_ACTIVE_HEADER "\n", af.fp) == EOF)
		goto out;
	for (i = 0; i < n; i++) {
		const struct alert *a = &d->alerts[idx[i]];
		char msg[HOOK_FIELD_MAX], v[OUT_NUM_MAX], t[OUT_NUM_MAX];
		const char *f[CX_NCOLS];

		alertd_message(d, a, msg, sizeof(msg));
		f[CX_ALERT] = d->rules[a->rule].name;
		f[CX_KEY] = a->key;
		f[CX_SEVERITY] = a->s.sev == 2 ? "critical" : "warning";
		f[CX_SINCE] = a->since;
		f[CX_VALUE] = out_num(a->value, v, sizeof(v));
		f[CX_THRESHOLD] = out_num(a->s.sev == 2 ? a->thr_c : a->thr_w,
		    t, sizeof(t));
		f[CX_MESSAGE] = msg;
		if (contract_row_write(af.fp, f, CX_NCOLS) == -1)
			goto out;
	}
	if (atomic_commit(&af) == -1) {
		memset(&af, 0, sizeof(af));
		goto out;
	}
	ret = 0;
out:
	if (ret == -1) {
		warn("%s", d->opt.state_path);
		atomic_abort(&af);
		d->state_failed = 1;
	}
	free(idx);
	return ret;
}
