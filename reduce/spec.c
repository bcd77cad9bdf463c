/* The aggregate spec language: parsing and printing. */
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char spec_default_text[] =
    "branch_sales.csv: BranchName -> TotalRevenue=sum(FinalAmount)\n"
    "category_sales.csv: Category -> TotalRevenue=sum(FinalAmount)\n"
    "product_sales.csv: Product -> UnitsSold=sum(Quantity):int\n"
    "payment_type_analysis.csv: PaymentType -> TransactionCount=count()\n"
    "branch_time_demand.csv: BranchName,TimeSlot -> TotalRevenue=sum(FinalAmount)\n"
    "weekly_branch_revenue.csv: BranchName,Week -> TotalRevenue=sum(FinalAmount)\n"
    "monthly_branch_revenue.csv: BranchName,Month -> TotalRevenue=sum(FinalAmount)\n"
    "product_inventory_usage.csv: Product -> TotalUnitsSold=sum(Quantity):int\n"
    "kpis.csv: -> TotalRevenue=sum(FinalAmount), UnitsSold=sum(Quantity):int, "
    "Transactions=count(), ActiveBranches=distinct(BranchName), "
    "AvgOrderValue=mean(FinalAmount), RejectedRows=rejected(), "
    "FirstSale=mintime(), LastSale=maxtime()\n"
    "pop_branch.csv: BranchName -> Revenue=pop(FinalAmount)\n"
    "pop_total.csv: -> Revenue=pop(FinalAmount)\n"
    "branch_vs_last_week.csv: BranchName -> VsLastWeekPct=pop(FinalAmount):week\n"
    "branch_idle.csv: BranchName -> IdleMinutes=idle()\n";

static const char *const func_names[] = { "sum", "count", "min", "max",
    "mean", "distinct", "rejected", "mintime", "maxtime", "pop", "idle" };

static const char *const derived[] = { "Date", "Hour", "DayOfWeek",
    "TimeSlot", "Week", "IsoWeek", "Month" };

const char *
spec_func_name(enum spec_func f)
{
	return func_names[f];
}

int
spec_is_derived(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(derived) / sizeof(derived[0]); i++)
		if (strcmp(name, derived[i]) == 0)
			return 1;
	return 0;
}

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Copy the trimmed name p[0..n) into dst; names may hold any byte but
 * the spec's punctuation.  Returns 0 or -1 (message in err). */
static int
take_name(char *dst, const char *p, const char *e, const char *what,
    char *err, size_t errlen)
{
	size_t n;

	p = skip_ws(p, e);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - p);
	if (n == 0) {
		snprintf(err, errlen, "empty %s", what);
		return -1;
	}
	if (n >= SPEC_MAXNAME) {
		snprintf(err, errlen, "%s too long", what);
		return -1;
	}
	if (memchr(p, '"', n) != NULL || memchr(p, '\n', n) != NULL ||
	    memchr(p, '\r', n) != NULL) {
		snprintf(err, errlen, "bad character in %s '%.*s'", what,
		    (int)n, p);
		return -1;
	}
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

static int
parse_meas(struct spec_meas *m, const char *p, const char *e, char *err,
    size_t errlen)
{
	const char *eq = memchr(p, '=', (size_t)(e - p)), *lp, *rp, *q;
	char fname[SPEC_MAXNAME];
	size_t i;

	memset(m, 0, sizeof(*m));
	if (eq == NULL) {
		snprintf(err, errlen, "expected NAME=FUNC(COLUMN) in '%.*s'",
		    (int)(e - skip_ws(p, e)), skip_ws(p, e));
		return -1;
	}
	if (take_name(m->name, p, eq, "output name", err, errlen) == -1)
		return -1;
	lp = memchr(eq, '(', (size_t)(e - eq));
	rp = lp ? memchr(lp, ')', (size_t)(e - lp)) : NULL;
	if (lp == NULL || rp == NULL) {
		snprintf(err, errlen, "expected FUNC(COLUMN) after '%s='",
		    m->name);
		return -1;
	}
	if (take_name(fname, eq + 1, lp, "function", err, errlen) == -1)
		return -1;
	for (i = 0; i < sizeof(func_names) / sizeof(func_names[0]); i++)
		if (strcmp(fname, func_names[i]) == 0)
			break;
	if (i == sizeof(func_names) / sizeof(func_names[0])) {
		snprintf(err, errlen, "unknown function '%s'", fname);
		return -1;
	}
	m->func = (enum spec_func)i;
	q = skip_ws(lp + 1, rp);
	if (m->func == SF_COUNT || m->func == SF_REJECTED ||
	    m->func == SF_MINTIME || m->func == SF_MAXTIME ||
	    m->func == SF_IDLE) {
		if (q != rp) {
			snprintf(err, errlen, "%s() takes no column", fname);
			return -1;
		}
	} else if (q == rp) {
		snprintf(err, errlen, "%s() needs a column", fname);
		return -1;
	} else if (take_name(m->col, lp + 1, rp, "column", err, errlen) == -1)
		return -1;
	q = skip_ws(rp + 1, e);
	if (q < e) {
		const char *t = e;
		while (t > q && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if (m->func == SF_POP && ((t - q == 4 && memcmp(q, ":day",
		    4) == 0) || (t - q == 5 && memcmp(q, ":week", 5) == 0)))
			m->pop_sel = t - q == 4 ? 1 : 2;
		else if (t - q == 4 && memcmp(q, ":int", 4) == 0 &&
		    m->func != SF_COUNT && m->func != SF_DISTINCT &&
		    m->func != SF_REJECTED && m->func != SF_MEAN &&
		    m->func != SF_MINTIME && m->func != SF_MAXTIME &&
		    m->func != SF_POP && m->func != SF_IDLE)
			m->as_int = 1;
		else {
			snprintf(err, errlen, "unexpected '%.*s' after %s(...)",
			    (int)(t - q), q, fname);
			return -1;
		}
	}
	return 0;
}

int
spec_parse_line(struct spec *sp, const char *line, char *err, size_t errlen)
{
	const char *p = line, *e = line + strlen(line), *colon, *arrow, *q;
	struct spec_agg *a;
	size_t i;

	while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
	    e[-1] == '\t'))
		e--;
	p = skip_ws(p, e);
	if (p == e || *p == '#')
		return 0;
	if (sp->naggs == SPEC_MAXAGGS) {
		snprintf(err, errlen, "more than %d aggregates", SPEC_MAXAGGS);
		return -1;
	}
	a = &sp->aggs[sp->naggs];
	memset(a, 0, sizeof(*a));
	arrow = NULL;
	for (q = p; q + 1 < e; q++)
		if (q[0] == '-' && q[1] == '>') {
			arrow = q;
			break;
		}
	colon = memchr(p, ':', (size_t)((arrow ? arrow : e) - p));
	if (colon == NULL || arrow == NULL) {
		snprintf(err, errlen, "expected 'FILE: KEYS -> MEASURES'");
		return -1;
	}
	if (take_name(a->file, p, colon, "file name", err, errlen) == -1)
		return -1;
	i = strlen(a->file);
	if (i < 5 || strcmp(a->file + i - 4, ".csv") != 0 ||
	    strchr(a->file, '/') != NULL || a->file[0] == '.' ||
	    strpbrk(a->file, " ,=()") != NULL) {
		snprintf(err, errlen, "bad file name '%s' (want NAME.csv)",
		    a->file);
		return -1;
	}
	for (i = 0; i < sp->naggs; i++)
		if (strcmp(sp->aggs[i].file, a->file) == 0) {
			snprintf(err, errlen, "duplicate file '%s'", a->file);
			return -1;
		}
	/* Keys: split at commas outside parentheses (a window key). */
	q = skip_ws(colon + 1, arrow);
	while (q < arrow) {
		const char *c = q, *end;
		int depth = 0;
		for (; c < arrow; c++) {
			if (*c == '(')
				depth++;
			else if (*c == ')')
				depth--;
			else if (*c == ',' && depth == 0)
				break;
		}
		if (c == arrow)
			c = NULL;
		end = c ? c : arrow;
		if (a->nkeys == SPEC_MAXKEYS) {
			snprintf(err, errlen, "more than %d keys", SPEC_MAXKEYS);
			return -1;
		}
		if (spec_is_window(q, (size_t)(end - q))) {
			if (spec_parse_window(a, q, (size_t)(end - q), err,
			    errlen) == -1)
				return -1;
		} else if (take_name(a->keys[a->nkeys], q, end, "key", err,
		    errlen) == -1)
			return -1;
		a->nkeys++;
		q = c ? c + 1 : arrow;
		if (c != NULL && skip_ws(q, arrow) == arrow) {
			snprintf(err, errlen, "empty key");
			return -1;
		}
	}
	/* A where clause after the measures. */
	q = spec_find_where(arrow + 2, e);
	if (q != NULL) {
		if (spec_parse_where(a, q, e, err, errlen) == -1)
			return -1;
		e = q;
	}
	/* Measures: split at commas outside parentheses. */
	q = arrow + 2;
	while (skip_ws(q, e) < e) {
		const char *c = q;
		int depth = 0;
		for (; c < e; c++) {
			if (*c == '(')
				depth++;
			else if (*c == ')')
				depth--;
			else if (*c == ',' && depth == 0)
				break;
		}
		if (a->nmeas == SPEC_MAXMEAS) {
			snprintf(err, errlen, "more than %d measures",
			    SPEC_MAXMEAS);
			return -1;
		}
		if (parse_meas(&a->meas[a->nmeas], q, c, err, errlen) == -1)
			return -1;
		for (i = 0; i < a->nkeys; i++)
			if (strcmp(a->keys[i], a->meas[a->nmeas].name) == 0)
				break;
		for (size_t j = 0; i == a->nkeys && j < a->nmeas; j++)
			if (strcmp(a->meas[j].name, a->meas[a->nmeas].name) == 0)
				i = 0;
		if (i != a->nkeys) {
			snprintf(err, errlen, "duplicate column '%s'",
			    a->meas[a->nmeas].name);
			return -1;
		}
		a->nmeas++;
		if (c == e)
			break;
		q = c + 1;
		if (skip_ws(q, e) == e) {
			snprintf(err, errlen, "empty measure");
			return -1;
		}
	}
	if (a->nmeas == 0) {
		snprintf(err, errlen, "no measure after '->'");
		return -1;
	}
	if (spec_check_window(a, err, errlen) == -1)
		return -1;
	sp->naggs++;
	return 0;
}

int
spec_parse_text(struct spec *sp, const char *text, const char *where,
    char *err, size_t errlen)
{
	const char *p = text;
	char line[4096], msg[512];
	unsigned long lineno = 0;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (n >= sizeof(line)) {
			snprintf(err, errlen, "%s:%lu: line too long", where,
			    lineno);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (spec_parse_line(sp, line, msg, sizeof(msg)) == -1) {
			snprintf(err, errlen, "%s:%lu: %s", where, lineno, msg);
			return -1;
		}
		p += n + (nl != NULL);
	}
	return 0;
}

static size_t
append(char *buf, size_t cap, size_t n, const char *s)
{
	size_t l = strlen(s);

	if (n + l < cap)
		memcpy(buf + n, s, l + 1);
	return n + l;
}

size_t
spec_format(const struct spec *sp, char *buf, size_t cap)
{
	size_t n = 0, i, j;

	if (cap > 0)
		buf[0] = '\0';
	for (i = 0; i < sp->naggs; i++) {
		const struct spec_agg *a = &sp->aggs[i];
		n = append(buf, cap, n, a->file);
		n = append(buf, cap, n, ":");
		for (j = 0; j < a->nkeys; j++) {
			n = append(buf, cap, n, j ? "," : " ");
			n = append(buf, cap, n, a->keys[j]);
		}
		n = append(buf, cap, n, " ->");
		for (j = 0; j < a->nmeas; j++) {
			const struct spec_meas *m = &a->meas[j];
			n = append(buf, cap, n, j ? ", " : " ");
			n = append(buf, cap, n, m->name);
			n = append(buf, cap, n, "=");
			n = append(buf, cap, n, func_names[m->func]);
			n = append(buf, cap, n, "(");
			n = append(buf, cap, n, m->col);
			n = append(buf, cap, n, ")");
			if (m->as_int)
				n = append(buf, cap, n, ":int");
			if (m->pop_sel)
				n = append(buf, cap, n, m->pop_sel == 1 ?
				    ":day" : ":week");
		}
		n = spec_format_where(a, buf, cap, n);
		n = append(buf, cap, n, "\n");
	}
	return n;
}

int
spec_print(const struct spec *sp, FILE *fp)
{
	size_t n = spec_format(sp, NULL, 0);
	char *buf = malloc(n + 1);
	int rc = -1;

	if (buf == NULL)
		return -1;
	spec_format(sp, buf, n + 1);
	if (fwrite(buf, 1, n, fp) == n)
		rc = 0;
	free(buf);
	return rc;
}
