/* alertd's rule language, Nagios ranges and column statistics. */
#include "rule.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "readfile.h"
#include "util.h"

#define TOKENS_MAX	32

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The whole of s as a number (num.h: plain decimal, no blanks here, as
 * the rule's words have none); 0 or -1. */
static int
whole_double(const char *s, double *out)
{
	size_t n = strlen(s);

	if (num_span(s, n) != n)
		return -1;
	return num_parse(s, n, -1e300, 1e300, out);
}

/*=== Nagios ranges =========================================================*/

int
nrange_parse(const char *s, struct nrange *r, char *err, size_t errlen)
{
	char lo[64], hi[64];
	const char *p = s, *colon;
	size_t n;

	r->inside = 0;
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	if (*p == '\0' || strlen(p) >= sizeof(lo))
		return fail(err, errlen, "bad range '%s'", s);
	colon = strchr(p, ':');
	if (colon == NULL) {
		snprintf(lo, sizeof(lo), "0");
		snprintf(hi, sizeof(hi), "%s", p);
	} else {
		n = (size_t)(colon - p);
		memcpy(lo, p, n);
		lo[n] = '\0';
		snprintf(hi, sizeof(hi), "%s", colon + 1);
		if (lo[0] == '\0')
			snprintf(lo, sizeof(lo), "0");
	}
	if (strcmp(lo, "~") == 0)
		r->lo = -INFINITY;
	else if (whole_double(lo, &r->lo) == -1)
		return fail(err, errlen, "bad range '%s'", s);
	if (hi[0] == '\0' && colon != NULL)
		r->hi = INFINITY;
	else if (whole_double(hi, &r->hi) == -1)
		return fail(err, errlen, "bad range '%s'", s);
	if (r->lo > r->hi)
		return fail(err, errlen, "bad range '%s': start is above end",
		    s);
	return 0;
}

int
nrange_alert(const struct nrange *r, double v)
{
	int in = v >= r->lo && v <= r->hi;

	return r->inside ? in : !in;
}

/*=== statistics =============================================================*/

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void
stat_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
}

static const char *const stat_names[] = {
	[STAT_NONE] = "", [STAT_MEAN] = "mean", [STAT_MEDIAN] = "median",
	[STAT_MIN] = "min", [STAT_MAX] = "max", [STAT_SUM] = "sum",
	[STAT_COUNT] = "count",
};

const char *
stat_name(enum rstat s)
{
	return stat_names[s];
}

static enum rstat
stat_lookup(const char *s)
{
	size_t i;

	for (i = 1; i < NELEM(stat_names); i++)
		if (strcmp(s, stat_names[i]) == 0)
			return (enum rstat)i;
	return STAT_NONE;
}

int
stat_sorted(enum rstat s, const double *v, size_t n, int skip_one,
    double skip, double *out)
{
	size_t pos = n, m = n, i, k;
	double sum = 0;

	/* Leave out one element equal to skip: index pos of the sorted array. */
	if (skip_one) {
		for (i = 0; i < n; i++)
			if (v[i] == skip) {
				pos = i;
				break;
			}
		if (pos < n)
			m = n - 1;
	}
#define AT(j) v[(j) < pos ? (j) : (j) + 1]
	if (s == STAT_COUNT) {
		*out = (double)m;
		return 0;
	}
	if (m == 0)
		return -1;
	switch (s) {
	case STAT_MIN:
		*out = AT(0);
		break;
	case STAT_MAX:
		*out = AT(m - 1);
		break;
	case STAT_MEDIAN:
		k = m / 2;
		*out = m % 2 ? AT(k) : (AT(k - 1) + AT(k)) / 2;
		break;
	case STAT_MEAN:
	case STAT_SUM:
		for (i = 0; i < n; i++)
			if (i != pos)
				sum += v[i];
		*out = s == STAT_SUM ? sum : sum / (double)m;
		break;
	default:
		return -1;
	}
#undef AT
	return 0;
}

/*=== parsing ================================================================*/

/* Split line into whitespace-separated tokens in buf.  A double-quoted part
 * of a token may hold spaces ("message=CPU is hot" written as
 * message="CPU is hot"); '#' outside quotes starts a comment.  Returns the
 * number of tokens or -1. */
static int
tokenize(const char *line, char *buf, size_t cap, char **tok, char *err,
    size_t errlen)
{
	const char *p = line;
	size_t o = 0;
	int nt = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			return nt;
		if (nt == TOKENS_MAX)
			return fail(err, errlen, "too many words (max %d)",
			    TOKENS_MAX);
		tok[nt++] = buf + o;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' &&
		    *p != '\n') {
			if (*p == '"') {
				const char *q = strchr(p + 1, '"');
				size_t n;
				if (q == NULL)
					return fail(err, errlen,
					    "unterminated quote");
				n = (size_t)(q - p - 1);
				if (o + n + 1 >= cap)
					return fail(err, errlen, "line too long");
				memcpy(buf + o, p + 1, n);
				o += n;
				p = q + 1;
				continue;
			}
			if (o + 2 >= cap)
				return fail(err, errlen, "line too long");
			buf[o++] = *p++;
		}
		buf[o++] = '\0';
	}
}

static int
valid_word(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s), i;

	if (n == 0 || n >= max)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' ||
		    strchr(extra, c) != NULL))
			return 0;
	}
	return 1;
}

/* Parse a test written after "warn"/"crit": "=RANGE" or OP REF. */
static int
parse_test(const char *kw, const char *s, struct test *t, char *err,
    size_t errlen)
{
	const char *p = s;
	size_t n;
	char e2[128];

	if (strlen(s) >= sizeof(t->text))
		return fail(err, errlen, "%s: threshold too long", kw);
	snprintf(t->text, sizeof(t->text), "%s", s);
	if (*p == '=') {
		t->kind = TEST_RANGE;
		if (nrange_parse(p + 1, &t->range, e2, sizeof(e2)) == -1)
			return fail(err, errlen, "%s: %s", kw, e2);
		return 0;
	}
	t->kind = TEST_CMP;
	if (p[0] == '>' && p[1] == '=') {
		t->op = CMP_GE;
		p += 2;
	} else if (p[0] == '<' && p[1] == '=') {
		t->op = CMP_LE;
		p += 2;
	} else if (p[0] == '>') {
		t->op = CMP_GT;
		p++;
	} else if (p[0] == '<') {
		t->op = CMP_LT;
		p++;
	} else {
		return fail(err, errlen,
		    "%s: want >, >=, <, <= or =RANGE, not '%s'", kw, s);
	}
	t->stat = STAT_NONE;
	t->factor = 1;
	if (*p == '\0')
		return fail(err, errlen, "%s: missing threshold", kw);
	if ((*p >= 'a' && *p <= 'z')) {
		if ((t->stat = stat_lookup(p)) == STAT_NONE)
			goto bad;
		return 0;
	}
	/* A number (num.h), or FACTOR*STAT. */
	if ((n = num_span(p, strlen(p))) == 0 ||
	    num_parse(p, n, -1e300, 1e300, &t->num) == -1)
		goto bad;
	if (p[n] == '\0')
		return 0;
	if (p[n] != '*')
		goto bad;
	t->factor = t->num;
	if ((t->stat = stat_lookup(p + n + 1)) == STAT_NONE)
		goto bad;
	return 0;
bad:
	return fail(err, errlen,
	    "%s: bad threshold '%s': want a number, STAT or FACTOR*STAT "
	    "(STAT: mean, median, min, max, sum, count)", kw, p);
}

static int
parse_dur(const char *opt, const char *v, double *out, char *err,
    size_t errlen)
{
	if (num_duration(v, out) == -1 || *out > 1e9)
		return fail(err, errlen, "bad duration '%s' for %s=", v, opt);
	return 0;
}

/* One OPTION=VALUE of a rule (t the option, eq its value).  Returns 0, or
 * -1 with err set. */
static int
parse_option(struct rule *r, const char *t, const char *eq, char *err,
    size_t errlen)
{
	if (strcmp(t, "for") == 0) {
		if (parse_dur(t, eq, &r->for_s, err, errlen) == -1)
			return -1;
	} else if (strcmp(t, "keep_firing_for") == 0) {
		if (parse_dur(t, eq, &r->keep_s, err, errlen) == -1)
			return -1;
	} else if (strcmp(t, "repeat") == 0) {
		if (parse_dur(t, eq, &r->repeat_s, err, errlen) == -1)
			return -1;
	} else if (strcmp(t, "window") == 0 || strcmp(t, "span") == 0) {
		double *d = t[0] == 'w' ? &r->window_s : &r->span_s;
		if (r->src != SRC_INVENTORY)
			return fail(err, errlen, "%s= applies to "
			    "inventory rules only", t);
		if (parse_dur(t, eq, d, err, errlen) == -1)
			return -1;
		if (*d <= 0)
			return fail(err, errlen, "%s= must be above 0",
			    t);
	} else if (strcmp(t, "of") == 0) {
		if (r->src != SRC_ROW)
			return fail(err, errlen,
			    "of= applies to row rules only");
		if (strcmp(eq, "others") == 0)
			r->others = 1;
		else if (strcmp(eq, "all") == 0)
			r->others = 0;
		else
			return fail(err, errlen, "of= wants all or "
			    "others, not '%.64s'", eq);
	} else if (strcmp(t, "hysteresis") == 0) {
		/* A fraction of the threshold, or a percentage. */
		size_t l = strlen(eq);
		int pct = l > 0 && eq[l - 1] == '%';

		if (num_parse(eq, l - (size_t)pct, 0, pct ? 100 : 1,
		    &r->hyst) == -1 || (pct ? r->hyst >= 100 :
		    r->hyst >= 1))
			return fail(err, errlen, "hysteresis= wants a "
			    "fraction from 0 to below 1 or a percentage "
			    "below 100%%, not '%.64s'", eq);
		if (pct)
			r->hyst /= 100;
	} else if (strcmp(t, "min_stat") == 0) {
		if (r->src != SRC_ROW)
			return fail(err, errlen, "min_stat= applies to "
			    "row rules only");
		if (num_parse(eq, strlen(eq), 0, 1e300,
		    &r->min_stat) == -1)
			return fail(err, errlen, "min_stat= wants a "
			    "number, not '%.64s'", eq);
	} else if (strcmp(t, "key") == 0) {
		if (strlen(eq) >= sizeof(r->key))
			return fail(err, errlen, "key= too long "
			    "(max %d bytes)", RULE_KEY_MAX - 1);
		snprintf(r->key, sizeof(r->key), "%s", eq);
		r->has_key = 1;
	} else if (strcmp(t, "message") == 0) {
		if (strlen(eq) >= sizeof(r->message))
			return fail(err, errlen, "message= too long "
			    "(max %d bytes)", RULE_MSG_MAX - 1);
		snprintf(r->message, sizeof(r->message), "%s", eq);
	} else {
		return fail(err, errlen, "unknown option '%.64s'", t);
	}
	return 0;
}

int
rule_parse_line(const char *line, struct rule *r, char *err, size_t errlen)
{
	static const char *const aggs[] = {
		"sum", "mean", "median", "min", "max", "count",
	};
	char buf[RULE_LINE_MAX + 64];
	char *tok[TOKENS_MAX];
	int nt, i;
	size_t k;

	memset(r, 0, sizeof(*r));
	if (strlen(line) > RULE_LINE_MAX)
		return fail(err, errlen, "line too long (max %d bytes)",
		    RULE_LINE_MAX);
	if ((nt = tokenize(line, buf, sizeof(buf), tok, err, errlen)) <= 0)
		return nt;
	if (!valid_word(tok[0], sizeof(r->name), ".-"))
		return fail(err, errlen, "bad rule name '%.64s': use letters, "
		    "digits, '_', '.' and '-' (at most %d)", tok[0],
		    RULE_NAME_MAX - 1);
	snprintf(r->name, sizeof(r->name), "%s", tok[0]);
	if (nt < 2)
		return fail(err, errlen, "missing source after '%s'", r->name);
	i = 2;
	if (strcmp(tok[1], "sample") == 0) {
		r->src = SRC_SAMPLE;
		if (nt < 3)
			return fail(err, errlen, "sample: missing field");
		if (!valid_word(tok[2], sizeof(r->field), ""))
			return fail(err, errlen, "sample: bad field '%.64s'",
			    tok[2]);
		snprintf(r->field, sizeof(r->field), "%s", tok[2]);
		i = 3;
	} else if (strcmp(tok[1], "inventory") == 0) {
		r->src = SRC_INVENTORY;
		snprintf(r->field, sizeof(r->field), "days_left");
		snprintf(r->file, sizeof(r->file),
		    "product_inventory_usage.csv");
	} else {
		if (strcmp(tok[1], "row") == 0) {
			r->src = SRC_ROW;
		} else {
			for (k = 0; k < NELEM(aggs); k++)
				if (strcmp(tok[1], aggs[k]) == 0)
					break;
			if (k == NELEM(aggs))
				return fail(err, errlen, "unknown source "
				    "'%.64s': want sample, row, sum, mean, "
				    "median, min, max, count or inventory",
				    tok[1]);
			r->src = SRC_AGG;
			r->agg = stat_lookup(aggs[k]);
		}
		if (nt < 4)
			return fail(err, errlen, "%s: want FILE COLUMN",
			    tok[1]);
		if (!valid_word(tok[2], sizeof(r->file), ".-") ||
		    strcmp(tok[2], ".") == 0 || strcmp(tok[2], "..") == 0)
			return fail(err, errlen, "%s: bad file name '%.64s': "
			    "a file of the snapshot directory", tok[1], tok[2]);
		if (strlen(tok[3]) == 0 || strlen(tok[3]) >= sizeof(r->field))
			return fail(err, errlen, "%s: bad column '%.64s'",
			    tok[1], tok[3]);
		snprintf(r->file, sizeof(r->file), "%s", tok[2]);
		snprintf(r->field, sizeof(r->field), "%s", tok[3]);
		i = 4;
	}
	for (; i < nt; i++) {
		char *t = tok[i], *eq;
		int crit = strncmp(t, "crit", 4) == 0;
		size_t kwl = 4;

		if (strncmp(t, "critical", 8) == 0)
			kwl = 8;
		else if (strncmp(t, "warning", 7) == 0)
			kwl = 7;
		if (crit || strncmp(t, "warn", 4) == 0) {
			struct test *ts = crit ? &r->crit : &r->warn;
			char spec[RULE_TEXT_MAX * 2];
			const char *kw = crit ? "crit" : "warn";

			if (ts->kind != TEST_NONE)
				return fail(err, errlen, "%s given twice", kw);
			/* "warn>70", "warn >70" and "warn > 70" all work. */
			snprintf(spec, sizeof(spec), "%s", t + kwl);
			if (spec[0] == '\0' && i + 1 < nt)
				snprintf(spec, sizeof(spec), "%s", tok[++i]);
			if ((strcmp(spec, ">") == 0 || strcmp(spec, "<") == 0 ||
			    strcmp(spec, ">=") == 0 || strcmp(spec, "<=") == 0 ||
			    strcmp(spec, "=") == 0) && i + 1 < nt) {
				size_t l = strlen(spec);
				snprintf(spec + l, sizeof(spec) - l, "%s",
				    tok[++i]);
			}
			if (parse_test(kw, spec, ts, err, errlen) == -1)
				return -1;
			if (ts->kind == TEST_CMP && ts->stat != STAT_NONE &&
			    r->src != SRC_ROW)
				return fail(err, errlen, "%s: statistic '%s' "
				    "needs a row source", kw,
				    stat_name(ts->stat));
			continue;
		}
		if ((eq = strchr(t, '=')) == NULL)
			return fail(err, errlen, "unexpected '%.64s': want warn, "
			    "crit or OPTION=VALUE", t);
		*eq++ = '\0';
		if (parse_option(r, t, eq, err, errlen) == -1)
			return -1;
	}
	if (r->warn.kind == TEST_NONE && r->crit.kind == TEST_NONE)
		return fail(err, errlen, "no warn or crit test");
	if (r->src == SRC_INVENTORY && r->span_s == 0 && r->window_s == 0)
		r->window_s = 86400;
	return 1;
}

long
rules_parse_buf(const char *name, const char *buf, size_t len,
    struct rule **rules, char *err, size_t errlen)
{
	char line[RULE_LINE_MAX + 1], e[256];
	struct rule *v = NULL, r;
	size_t n = 0, cap = 0, i, off = 0;
	unsigned lineno = 0;
	int rc;

	*rules = NULL;
	while (off < len) {
		const char *p = buf + off, *nl = memchr(p, '\n', len - off);
		size_t ll = nl != NULL ? (size_t)(nl - p) : len - off;

		off += ll + (nl != NULL);
		lineno++;
		/* A NUL byte would cut the line short unseen. */
		if (memchr(p, '\0', ll) != NULL) {
			fail(err, errlen, "%s:%u: NUL byte in the line", name,
			    lineno);
			goto bad;
		}
		if (ll > RULE_LINE_MAX) {
			fail(err, errlen, "%s:%u: line too long (max %d bytes)",
			    name, lineno, RULE_LINE_MAX);
			goto bad;
		}
		memcpy(line, p, ll);
		line[ll] = '\0';
		if ((rc = rule_parse_line(line, &r, e, sizeof(e))) == -1) {
			fail(err, errlen, "%s:%u: %s", name, lineno, e);
			goto bad;
		}
		if (rc == 0)
			continue;
		r.line = lineno;
		for (i = 0; i < n; i++)
			if (strcmp(v[i].name, r.name) == 0) {
				fail(err, errlen, "%s:%u: rule '%s' already "
				    "defined on line %u", name, lineno, r.name,
				    v[i].line);
				goto bad;
			}
		if (n == RULES_MAX) {
			fail(err, errlen, "%s:%u: too many rules (max %d)",
			    name, lineno, RULES_MAX);
			goto bad;
		}
		if (n == cap) {
			struct rule *nv;
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				fail(err, errlen, "%s: %s", name,
				    strerror(errno));
				goto bad;
			}
			v = nv;
		}
		v[n++] = r;
	}
	if (n == 0) {
		free(v);
		return fail(err, errlen, "%s: no rules", name);
	}
	*rules = v;
	return (long)n;
bad:
	free(v);
	return -1;
}

long
rules_load(const char *path, struct rule **rules, char *err, size_t errlen)
{
	char e[128];
	size_t len;
	char *buf;
	long n;

	*rules = NULL;
	/* A regular file only, opened without blocking and read with a cap:
	 * a FIFO or /dev/zero named as the rules never hangs alertd. */
	if ((buf = li_read_file(path, RULES_FILE_MAX, &len, e,
	    sizeof(e))) == NULL)
		return fail(err, errlen, "%s: %s", path, e);
	n = rules_parse_buf(path, buf, len, rules, err, errlen);
	free(buf);
	return n;
}

/*=== evaluation ===============================================================*/

int
test_eval(const struct test *t, double v, const double *st, size_t n,
    int skip_one, double *thr)
{
	double x;

	*thr = NAN;
	switch (t->kind) {
	case TEST_NONE:
		return 0;
	case TEST_RANGE:
		return nrange_alert(&t->range, v);
	case TEST_CMP:
		break;
	}
	if (t->stat == STAT_NONE) {
		x = t->num;
	} else {
		if (stat_sorted(t->stat, st, n, skip_one, v, &x) == -1)
			return -1;
		x *= t->factor;
	}
	*thr = x;
	switch (t->op) {
	case CMP_GT:
		return v > x;
	case CMP_GE:
		return v >= x;
	case CMP_LT:
		return v < x;
	case CMP_LE:
		return v <= x;
	}
	return 0;
}

/* 1 when the statistic test t compares with is below r's min_stat=. */
static int
below_min(const struct rule *r, const struct test *t, double thr)
{
	return t->kind == TEST_CMP && t->stat != STAT_NONE && t->factor != 0 &&
	    isfinite(thr) && thr / t->factor < r->min_stat;
}

int
rule_level(const struct rule *r, double v, const double *st, size_t n,
    double *thr_warn, double *thr_crit)
{
	int c, w;

	c = test_eval(&r->crit, v, st, n, r->others, thr_crit);
	w = test_eval(&r->warn, v, st, n, r->others, thr_warn);
	/* min_stat=: too little data to judge yet (unknown). */
	if (r->min_stat > 0 && (below_min(r, &r->crit, *thr_crit) ||
	    below_min(r, &r->warn, *thr_warn)))
		return -1;
	if (c == 1)
		return 2;
	if (w == 1)
		return 1;
	if (c == -1 || w == -1)
		return -1;
	return 0;
}
