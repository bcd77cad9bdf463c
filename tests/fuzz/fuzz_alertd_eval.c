/* alertd's rules evaluated against hostile snapshot files, sample lines
 * and stock files: rules from raw bytes (mode bit 0 clear) or generated
 * from the rule grammar with hostile thresholds and numbers (bit 0 set).
 * The input is up to four parts separated by "\n%%\n": rules (or the
 * generator's entropy), a snapshot CSV, a sample stream, a stock file.
 * Checked: every number alertd takes is one of its syntax (against a
 * separate state machine), levels in range and consistent with literal
 * thresholds, keys bounded and still UTF-8 when the cells were, an
 * unparsable cell reported and unknown (never a value), days left never
 * negative, and the Nagios line and JSON events built from it all parse. */
#include <math.h>

#include "fuzz.h"
#include "fuzz_alertd.h"
#include "csvio.h"
#include "eval.h"
#include "inventory.h"
#include "num.h"
#include "outfmt.h"
#include "rule.h"
#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*=== the rule generator ======================================================*/

struct ent {
	const uint8_t *p;
	size_t n;
};

static unsigned
ent_byte(struct ent *e)
{
	unsigned b;

	if (e->n == 0)
		return 0;
	b = *e->p++;
	e->n--;
	return b;
}

#define PICK(e, a) ((a)[ent_byte(e) % (sizeof(a) / sizeof((a)[0]))])

static const char *const numbers[] = {
	"70", "80", "0", "-3.5", "1e3", "2.5E-1", ".5", "5.", "007", "+4",
	"0x10", "0X1p3", "inf", "nan", "-inf", "1e999", "1e", "--1", " 5",
	"5 ", "9 0", "", "1,5", "99999999999999999999999", "1e-320",
};
static const char *const stats[] = {
	"mean", "median", "min", "max", "sum", "count", "avg", "",
};
static const char *const ranges[] = {
	"10", "10:", "~:10", "10:20", "@10:20", "20:10", "~:", "@~:0",
	"0x1:2", "1e1:1e2", ":", "@", "~", "10:~",
};
static const char *const durs[] = {
	"30s", "1m", "250ms", "1h", "1d", "0", "0x10s", "-1s", "1e1s",
	"infs", "soon", "1e9d",
};
static const char *const words[] = {
	"TotalRevenue", "UnitsSold", "cpu_temp", "gpu_temp", "Transactions",
	"Stock", "x", "time",
};

/* Append one generated rule line to buf. */
static void
gen_rule(struct ent *e, size_t idx, const char *const *cols, size_t ncols,
    char *buf, size_t cap, size_t *len)
{
	char line[1024];
	size_t o = 0, k, nt;
	unsigned src = ent_byte(e) % 4;
	const char *col = ncols > 0 && ent_byte(e) % 4 ? cols[ent_byte(e) %
	    ncols] : PICK(e, words);

#define W(...) do {							\
	int w_ = snprintf(line + o, sizeof(line) - o, __VA_ARGS__);	\
	if (w_ > 0)							\
		o += (size_t)w_;					\
	if (o >= sizeof(line))						\
		o = sizeof(line) - 1;					\
} while (0)
	W("r%zu ", idx);
	switch (src) {
	case 0:
		W("sample %s", col);
		break;
	case 1:
		W("row t.csv %s", col);
		break;
	case 2:
		W("%s t.csv %s", PICK(e, stats), col);
		break;
	default:
		W("inventory");
	}
	nt = 1 + ent_byte(e) % 3;
	for (k = 0; k < nt; k++) {
		static const char *const kw[] = { "warn", "crit", "warning",
		    "critical" };
		static const char *const ops[] = { ">", ">=", "<", "<=" };
		static const char *const sp[] = { "", " " };
		unsigned t = ent_byte(e) % 4;

		W(" %s%s", PICK(e, kw), PICK(e, sp));
		if (t == 0)
			W("=%s", PICK(e, ranges));
		else if (t == 1)
			W("%s%s%s", PICK(e, ops), PICK(e, sp), PICK(e, numbers));
		else if (t == 2)
			W("%s%s*%s", PICK(e, ops), PICK(e, numbers), PICK(e, stats));
		else
			W("%s%s", PICK(e, ops), PICK(e, stats));
	}
	nt = ent_byte(e) % 4;
	for (k = 0; k < nt; k++) {
		switch (ent_byte(e) % 8) {
		case 0: W(" for=%s", PICK(e, durs)); break;
		case 1: W(" keep_firing_for=%s", PICK(e, durs)); break;
		case 2: W(" repeat=%s", PICK(e, durs)); break;
		case 3: W(" of=others"); break;
		case 4: W(" key=\"k|'=\xff\""); break;
		case 5: W(" message=\"{key} {value} {threshold}\""); break;
		case 6: W(" window=%s", PICK(e, durs)); break;
		default: W(" span=%s", PICK(e, durs)); break;
		}
	}
	W("\n");
#undef W
	if (*len + o < cap) {
		memcpy(buf + *len, line, o);
		*len += o;
	}
}

/*=== evaluation ==============================================================*/

struct run {
	const struct rule *r;
	const struct table *t;
	struct nagios *ng;
	long vc;
	size_t calls, bad;
	int cells_utf8;
};

/* An independent look at a literal or range test. */
static int
oracle(const struct test *t, double v)
{
	if (t->kind == TEST_NONE)
		return 0;
	if (t->kind == TEST_RANGE) {
		int in = v >= t->range.lo && v <= t->range.hi;
		return t->range.inside ? in : !in;
	}
	switch (t->op) {
	case CMP_GT: return v > t->num;
	case CMP_GE: return v >= t->num;
	case CMP_LT: return v < t->num;
	case CMP_LE: return v <= t->num;
	}
	return 0;
}

static void
on_alert(void *arg, const char *key, int level, double v, double tw,
    double tc)
{
	struct run *u = arg;
	const struct rule *r = u->r;
	struct hook_event ev;
	char json[OUT_JSON_MAX];
	struct json_line l;
	size_t n;

	(void)tw;
	(void)tc;
	u->calls++;
	FUZZ_ASSERT(level >= -1 && level <= 2);
	FUZZ_ASSERT(strlen(key) < EVAL_KEY_MAX);
	if (u->cells_utf8 && !r->has_key)
		FUZZ_ASSERT(ref_utf8_valid(key, strlen(key)));
	if (level >= 0) {
		FUZZ_ASSERT(isfinite(v));
		/* Literal thresholds and ranges, checked apart. */
		if ((r->crit.kind == TEST_RANGE || (r->crit.kind == TEST_CMP &&
		    r->crit.stat == STAT_NONE)) && oracle(&r->crit, v))
			FUZZ_ASSERT(level == 2);
		if ((r->warn.kind == TEST_RANGE || (r->warn.kind == TEST_CMP &&
		    r->warn.stat == STAT_NONE)) && oracle(&r->warn, v))
			FUZZ_ASSERT(level >= 1);
		if (level == 0) {
			FUZZ_ASSERT(!(r->crit.kind != TEST_NONE &&
			    r->crit.stat == STAT_NONE && oracle(&r->crit, v)));
			FUZZ_ASSERT(!(r->warn.kind != TEST_NONE &&
			    r->warn.stat == STAT_NONE && oracle(&r->warn, v)));
		}
	} else {
		FUZZ_ASSERT(isnan(v));
	}
	nag_add(u->ng, r->name, key, level < 0 ? NAG_UNKNOWN : level, v,
	    NULL, NULL);
	/* The event a hook would get (the first few: fuzz_alertd_writers
	 * does the rest). */
	if (u->calls > 8)
		return;
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.time, sizeof(ev.time), "2026-11-23T10:00:00Z");
	snprintf(ev.status, sizeof(ev.status), "firing");
	out_copy(ev.name, sizeof(ev.name), r->name);
	snprintf(ev.severity, sizeof(ev.severity), "warning");
	out_copy(ev.key, sizeof(ev.key), key);
	out_num(v, ev.value, sizeof(ev.value));
	out_copy(ev.message, sizeof(ev.message), r->message);
	n = out_json_event(&ev, json, sizeof(json));
	FUZZ_ASSERT(n > 0 && json_check_line(json, n, &l) == 0);
	json_line_free(&l);
}

static void
on_bad(void *arg, size_t row, size_t col, const char *cell)
{
	struct run *u = arg;
	double v;

	u->bad++;
	FUZZ_ASSERT(row < u->t->nrows && (long)col == u->vc);
	FUZZ_ASSERT(num_parse_str(cell, -1e300, 1e300, &v) == -1);
}

/* Every cell against the separate syntax check. */
static void
check_cells(const struct table *t)
{
	size_t i, j;
	double v;

	for (i = 0; i < t->nrows; i++)
		for (j = 0; j < t->ncols; j++) {
			const char *c = table_cell(t, i, j);
			size_t n = strlen(c);
			int ok = num_parse(c, n, -1e300, 1e300, &v) == 0;
			if (ok)
				FUZZ_ASSERT(ref_number(c, n) && isfinite(v));
			else if (ref_number(c, n))
				/* Only out of range may refuse it. */
				FUZZ_ASSERT(!isfinite(strtod(c, NULL)) ||
				    fabs(strtod(c, NULL)) > 1e300);
		}
}

static void
eval_samples(const struct rule *rules, long nr, int fd, struct nagios *ng)
{
	struct csvio_reader *r = csvio_reader_new(fd, ',', 4096);
	struct csvio_record rec;
	long cols[64];
	size_t nf = 0;
	int rc, have = 0;
	long i;

	if (r == NULL)
		abort();
	while ((rc = csvio_next(r, &rec)) != 0) {
		if (rc == -1) {
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM)
				break;
			continue;
		}
		if (!have) {
			have = 1;
			nf = rec.nf;
			for (i = 0; i < nr && i < 64; i++)
				cols[i] = rules[i].src == SRC_SAMPLE ?
				    csvio_find(&rec, rules[i].field) : -1;
			continue;
		}
		if (rec.nf != nf)
			continue;
		for (i = 0; i < nr && i < 64; i++) {
			const struct csvio_field *f;
			double v, tw, tc;
			int lv, ok;

			if (cols[i] < 0)
				continue;
			f = &rec.f[cols[i]];
			if (num_blank(f->p, f->len))
				continue;
			ok = num_parse(f->p, f->len, -1e300, 1e300, &v) == 0;
			FUZZ_ASSERT(!ok || ref_number(f->p, f->len));
			if (!ok)
				continue;
			lv = rule_level(&rules[i], v, NULL, 0, &tw, &tc);
			FUZZ_ASSERT(lv >= -1 && lv <= 2);
			nag_add(ng, rules[i].name, "", lv < 0 ? NAG_UNKNOWN :
			    lv, v, NULL, NULL);
		}
	}
	csvio_reader_free(r);
}

static void
eval_stock(const struct rule *rules, long nr, int fd, const struct table *t)
{
	struct inventory *inv = inv_new();
	char path[64], err[512];
	long cp, cs, cb;
	size_t i, k;
	long ri;

	if (inv == NULL)
		abort();
	fuzz_fdpath(fd, path, sizeof(path));
	err[0] = '\0';
	if (inv_load_stock(inv, path, err, sizeof(err)) == -1) {
		FUZZ_ASSERT(err[0] != '\0');
		goto out;
	}
	for (i = 0; i < inv->n; i++)
		FUZZ_ASSERT(inv->items[i].stock >= 0 &&
		    isfinite(inv->items[i].stock));
	if (!t->ok || (cp = table_col(t, "Product")) < 0 ||
	    (cs = table_col(t, "TotalUnitsSold")) < 0)
		goto out;
	cb = table_col(t, "BranchName");
	for (k = 0; k < 2; k++) {
		inv_usage_begin(inv);
		for (i = 0; i < t->nrows; i++) {
			double v;
			if (num_parse_str(table_cell(t, i, (size_t)cs), 0,
			    1e300, &v) == -1)
				continue;
			if (inv_usage_row(inv, cb >= 0 ? table_cell(t, i,
			    (size_t)cb) : NULL, table_cell(t, i, (size_t)cp),
			    v * (double)(k + 1)) == -1)
				abort();
		}
		inv_usage_end(inv, 1000.0 + 86400.0 * (double)k, 86400);
	}
	for (ri = 0; ri < nr; ri++) {
		if (rules[ri].src != SRC_INVENTORY)
			continue;
		for (i = 0; i < inv->n; i++) {
			const struct inv_item *it = &inv->items[i];
			double vel, days;
			if (inv_velocity(it, rules[ri].window_s,
			    rules[ri].span_s, &vel) == -1)
				continue;
			days = inv_days_left(it->stock, it->sold, vel);
			FUZZ_ASSERT(isnan(days) || days >= 0);
		}
	}
out:
	inv_free(inv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[4] = { NULL, NULL, NULL, NULL };
	size_t plen[4] = { 0, 0, 0, 0 }, np = 0, off, i;
	struct rule *rules = NULL;
	struct table t;
	struct table_ctx c;
	struct nagios *ng;
	char err[512], fdname[32], *gen = NULL, *cols[16];
	const char *text, *line;
	size_t tlen, ncols = 0;
	int fds[3] = { -1, -1, -1 };
	unsigned mode;
	long nr, ri;

	if (size < 1)
		return 0;
	mode = data[0];
	/* Split at "\n%%\n". */
	off = 1;
	while (np < 4) {
		const uint8_t *p = data + off, *q = NULL;
		size_t k;
		for (k = 0; k + 4 <= size - off; k++)
			if (memcmp(p + k, "\n%%\n", 4) == 0) {
				q = p + k;
				break;
			}
		part[np] = p;
		plen[np] = q != NULL ? (size_t)(q - p) : size - off;
		np++;
		if (q == NULL)
			break;
		off += plen[np - 1] + 4;
	}
	for (i = 0; i < 3; i++)
		fds[i] = fuzz_memfd(part[i + 1] != NULL ? part[i + 1] :
		    (const uint8_t *)"", plen[i + 1]);

	/* The snapshot file. */
	memset(&t, 0, sizeof(t));
	memset(&c, 0, sizeof(c));
	snprintf(fdname, sizeof(fdname), "%d", fds[0]);
	t.name = fdname;
	c.dir = "/proc/self/fd";
	c.quiet = 1;
	c.quiet_missing = 1;
	c.gen = 1;
	c.fail_status = 1;
	(void)table_read(&t, &c);
	if (t.ok) {
		FUZZ_ASSERT(t.hdr != NULL && t.nrows <= TABLE_ROWS_MAX);
		check_cells(&t);
		for (i = 0; i < t.ncols && ncols < 16; i++)
			cols[ncols++] = t.hdr[i];
	}

	/* The rules: raw, or generated. */
	text = (const char *)part[0];
	tlen = plen[0];
	if (mode & 1) {
		struct ent e = { part[0], plen[0] };
		size_t cap = 16384, gl = 0, n = 1 + ent_byte(&e) % 8;
		if ((gen = malloc(cap)) == NULL)
			abort();
		for (i = 0; i < n; i++)
			gen_rule(&e, i, (const char *const *)cols, ncols, gen,
			    cap, &gl);
		text = gen;
		tlen = gl;
	}
	err[0] = '\0';
	nr = rules_parse_buf("fuzz", text, tlen, &rules, err, sizeof(err));
	if (nr < 0) {
		FUZZ_ASSERT(err[0] != '\0' && rules == NULL);
		goto out;
	}
	FUZZ_ASSERT(nr > 0 && nr <= RULES_MAX);
	if ((ng = nag_new(mode & 2 ? 1024 : 65536)) == NULL)
		abort();
	for (ri = 0; ri < nr; ri++) {
		const struct rule *r = &rules[ri];
		struct run u = { r, &t, ng, -1, 0, 0, 1 };
		struct eval_cb cb = { on_alert, on_bad, &u };
		int rc;

		/* Numbers in the rule are of the syntax. */
		if (r->warn.kind == TEST_CMP && r->warn.stat == STAT_NONE)
			FUZZ_ASSERT(isfinite(r->warn.num));
		if (r->crit.kind == TEST_CMP && r->crit.stat == STAT_NONE)
			FUZZ_ASSERT(isfinite(r->crit.num));
		FUZZ_ASSERT(r->for_s >= 0 && r->keep_s >= 0 &&
		    r->repeat_s >= 0 && isfinite(r->for_s));
		if (r->src != SRC_ROW && r->src != SRC_AGG)
			continue;
		if (!t.ok) {
			nag_nodata(ng, r->name);
			continue;
		}
		u.vc = table_col(&t, r->field);
		for (i = 0; i < t.nrows * t.ncols; i++)
			if (!ref_utf8_valid(t.cells[i], strlen(t.cells[i])))
				u.cells_utf8 = 0;
		rc = eval_table(r, &t, &cb);
		FUZZ_ASSERT(rc == 0 || rc == -1);
		if (rc == -1) {
			FUZZ_ASSERT(u.vc < 0 && u.calls == 0);
			continue;
		}
		FUZZ_ASSERT(u.calls == (r->src == SRC_AGG ? 1 : t.nrows));
		FUZZ_ASSERT(u.bad <= t.nrows);
	}
	eval_samples(rules, nr, fds[1], ng);
	eval_stock(rules, nr, fds[2], &t);
	i = (size_t)nag_line(ng, "LIVEINSIGHT", &line);
	FUZZ_ASSERT(nagios_check_line(line, strlen(line), "LIVEINSIGHT") ==
	    (int)i);
	nag_free(ng);
out:
	free(rules);
	free(gen);
	table_clear(&t);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	return 0;
}
