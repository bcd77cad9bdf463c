/* The spec language's event-time windows and where clauses (spec.h):
 *
 *	rev_1h.csv: BranchName, window(1h, 5m) -> Revenue=sum(FinalAmount)
 *	upi.csv: BranchName -> n=count() where PaymentType=UPI
 *	wk.csv: Hour -> n=count() where DayOfWeek in (Saturday, Sunday)
 */
#include "spec.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *
trim_end(const char *p, const char *e)
{
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return e;
}

int
spec_is_window(const char *p, size_t n)
{
	const char *e = p + n;

	p = skip_ws(p, e);
	return (size_t)(e - p) >= 7 && memcmp(p, "window(", 7) == 0;
}

size_t
spec_fmt_secs(int64_t secs, char *buf, size_t cap)
{
	static const struct {
		int64_t n;
		char u;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' } };
	size_t i;
	int r;

	for (i = 0; i < NELEM(units); i++)
		if (secs % units[i].n == 0) {
			r = snprintf(buf, cap, "%lld%c",
			    (long long)(secs / units[i].n), units[i].u);
			return r < 0 ? 0 : (size_t)r;
		}
	r = snprintf(buf, cap, "%llds", (long long)secs);
	return r < 0 ? 0 : (size_t)r;
}

/* A window length: a whole number of seconds, 1s to 366d. */
static int
window_secs(const char *p, const char *e, const char *what, int64_t *out,
    char *err, size_t errlen)
{
	char b[64];
	double d;
	size_t n;

	p = skip_ws(p, e);
	e = trim_end(p, e);
	n = (size_t)(e - p);
	if (n == 0 || n >= sizeof(b)) {
		snprintf(err, errlen, "window: %s: expected a duration "
		    "(1h, 15m, 30s)", what);
		return -1;
	}
	memcpy(b, p, n);
	b[n] = '\0';
	if (parse_duration(b, &d) == -1 || d < 1 || d > 366 * 86400.0 ||
	    d != floor(d)) {
		snprintf(err, errlen, "window: %s '%s' is not a whole number "
		    "of seconds from 1s to 366d", what, b);
		return -1;
	}
	*out = (int64_t)d;
	return 0;
}

int
spec_parse_window(struct spec_agg *a, const char *p, size_t n, char *err,
    size_t errlen)
{
	const char *e = trim_end(p, p + n), *lp, *rp, *c;
	char sz[32], hp[32];
	int64_t size, hop;

	p = skip_ws(p, e);
	if (a->wsize > 0) {
		snprintf(err, errlen, "more than one window key");
		return -1;
	}
	lp = p + 6;
	rp = e - 1;
	if (e - p < 8 || *rp != ')' || memchr(lp + 1, '(', (size_t)(rp -
	    lp - 1)) != NULL || memchr(lp + 1, ')', (size_t)(rp - lp - 1)) !=
	    NULL) {
		snprintf(err, errlen, "expected window(SIZE) or "
		    "window(SIZE, HOP)");
		return -1;
	}
	c = memchr(lp + 1, ',', (size_t)(rp - lp - 1));
	if (window_secs(lp + 1, c ? c : rp, "size", &size, err, errlen) == -1)
		return -1;
	hop = size;
	if (c != NULL && window_secs(c + 1, rp, "hop", &hop, err,
	    errlen) == -1)
		return -1;
	if (hop > size) {
		snprintf(err, errlen, "window: the hop is longer than the size");
		return -1;
	}
	if ((size + hop - 1) / hop > SPEC_MAXWIN) {
		snprintf(err, errlen, "window: a row would fall in more than "
		    "%d windows (SIZE / HOP)", SPEC_MAXWIN);
		return -1;
	}
	spec_fmt_secs(size, sz, sizeof(sz));
	spec_fmt_secs(hop, hp, sizeof(hp));
	if (hop == size)
		snprintf(a->keys[a->nkeys], SPEC_MAXNAME, "window(%s)", sz);
	else
		snprintf(a->keys[a->nkeys], SPEC_MAXNAME, "window(%s,%s)", sz,
		    hp);
	a->wkey = (int)a->nkeys;
	a->wsize = size;
	a->whop = hop;
	return 0;
}

/* ==== where ============================================================== */

const char *
spec_find_where(const char *p, const char *e)
{
	const char *q;
	int depth = 0, quoted = 0, meas = 0;

	/* Only after a whole measure: a measure may be named "where x". */
	for (q = p; q < e; q++) {
		if (*q == '"')
			quoted = !quoted;
		if (quoted)
			continue;
		if (*q == '(')
			depth++;
		else if (*q == ')') {
			if (--depth == 0)
				meas = 1;
		} else if (meas && depth == 0 && e - q >= 5 &&
		    memcmp(q, "where", 5) == 0 &&
		    (e - q == 5 || q[5] == ' ' || q[5] == '\t') && q > p &&
		    (q[-1] == ' ' || q[-1] == '\t' || q[-1] == ')'))
			return q;
	}
	return NULL;
}

static int
add_val(struct spec_agg *a, struct spec_where *w, const char *p, size_t n,
    char *err, size_t errlen)
{
	size_t i;

	if (w->nvals == SPEC_MAXVALS) {
		snprintf(err, errlen, "where: more than %d values for '%s'",
		    SPEC_MAXVALS, w->col);
		return -1;
	}
	if (memchr(p, '\n', n) != NULL || memchr(p, '\r', n) != NULL ||
	    memchr(p, '\0', n) != NULL) {
		snprintf(err, errlen, "where: bad character in a value");
		return -1;
	}
	if (a->wplen + n + 1 > SPEC_WPOOL) {
		snprintf(err, errlen, "where: values longer than %d bytes in "
		    "all", SPEC_WPOOL);
		return -1;
	}
	for (i = 0; i < w->nvals; i++)
		if (strlen(a->wpool + w->off[i]) == n &&
		    memcmp(a->wpool + w->off[i], p, n) == 0)
			return 0;	/* a value twice is once */
	w->off[w->nvals++] = (unsigned short)a->wplen;
	memcpy(a->wpool + a->wplen, p, n);
	a->wpool[a->wplen + n] = '\0';
	a->wplen += n + 1;
	return 0;
}

/* One value at p: "quoted" (no quote inside) or bare (up to a ',', ')'
 * or the end, trimmed).  *pp is moved past it. */
static int
take_val(struct spec_agg *a, struct spec_where *w, const char **pp,
    const char *e, char *err, size_t errlen)
{
	const char *p = skip_ws(*pp, e), *q;

	if (p < e && *p == '"') {
		q = memchr(p + 1, '"', (size_t)(e - p - 1));
		if (q == NULL) {
			snprintf(err, errlen, "where: unterminated quote");
			return -1;
		}
		if (add_val(a, w, p + 1, (size_t)(q - p - 1), err, errlen) == -1)
			return -1;
		*pp = q + 1;
		return 0;
	}
	/* Up to a ',' or ')', or a blank before the word "and". */
	for (q = p; q < e && *q != ',' && *q != ')' && *q != '(' &&
	    *q != '"' && *q != '='; q++)
		if ((*q == ' ' || *q == '\t') && e - q >= 4 &&
		    memcmp(q + 1, "and", 3) == 0 && (e - q == 4 ||
		    q[4] == ' ' || q[4] == '\t'))
			break;
	if (q < e && (*q == '(' || *q == '"' || *q == '=')) {
		snprintf(err, errlen, "where: unexpected '%c' in a value "
		    "(quote it)", *q);
		return -1;
	}
	if (trim_end(p, q) == p) {
		snprintf(err, errlen, "where: empty value for '%s'", w->col);
		return -1;
	}
	if (add_val(a, w, p, (size_t)(trim_end(p, q) - p), err, errlen) == -1)
		return -1;
	*pp = q;
	return 0;
}

/* The next word of p (up to a blank): 1 when it is w (followed by a
 * blank or the end), with *pp moved past it. */
static int
word_is(const char **pp, const char *e, const char *w)
{
	const char *p = skip_ws(*pp, e);
	size_t n = strlen(w);

	if ((size_t)(e - p) < n || memcmp(p, w, n) != 0 ||
	    (p + n < e && p[n] != ' ' && p[n] != '\t' && p[n] != '('))
		return 0;
	*pp = p + n;
	return 1;
}

static int
parse_cond(struct spec_agg *a, const char **pp, const char *e, char *err,
    size_t errlen)
{
	struct spec_where *w;
	const char *p = skip_ws(*pp, e), *q, *ce = NULL;
	size_t n;

	if (a->nwhere == SPEC_MAXWHERE) {
		snprintf(err, errlen, "where: more than %d conditions",
		    SPEC_MAXWHERE);
		return -1;
	}
	w = &a->where[a->nwhere];
	memset(w, 0, sizeof(*w));
	/* COL, up to '=' or a blank and "in". */
	for (q = p; q < e && *q != '='; q++) {
		const char *r;
		if (*q != ' ' && *q != '\t')
			continue;
		r = skip_ws(q, e);
		if (e - r >= 2 && memcmp(r, "in", 2) == 0 && (r + 2 == e ||
		    r[2] == ' ' || r[2] == '\t' || r[2] == '(')) {
			ce = q;
			q = r;
			break;
		}
	}
	if (q < e && *q == '=')
		ce = q;
	else if (q == e)
		ce = p;
	ce = trim_end(p, ce);
	n = (size_t)(ce - p);
	if (n == 0 || q == e) {
		snprintf(err, errlen, "where: expected COL=VALUE or COL in "
		    "(VALUE, ...)");
		return -1;
	}
	if (n >= SPEC_MAXNAME || memchr(p, '"', n) || memchr(p, ',', n) ||
	    memchr(p, '(', n) || memchr(p, ')', n)) {
		snprintf(err, errlen, "where: bad column '%.*s'", (int)n, p);
		return -1;
	}
	memcpy(w->col, p, n);
	w->col[n] = '\0';
	if (*q == '=') {
		q++;
		if (take_val(a, w, &q, e, err, errlen) == -1)
			return -1;
	} else {
		q += 2;
		q = skip_ws(q, e);
		if (q == e || *q != '(') {
			snprintf(err, errlen, "where: expected '(' after '%s in'",
			    w->col);
			return -1;
		}
		q++;
		for (;;) {
			if (take_val(a, w, &q, e, err, errlen) == -1)
				return -1;
			q = skip_ws(q, e);
			if (q < e && *q == ',') {
				q++;
				continue;
			}
			if (q < e && *q == ')') {
				q++;
				break;
			}
			snprintf(err, errlen, "where: expected ',' or ')' in "
			    "the values of '%s'", w->col);
			return -1;
		}
	}
	a->nwhere++;
	*pp = q;
	return 0;
}

int
spec_parse_where(struct spec_agg *a, const char *p, const char *e,
    char *err, size_t errlen)
{
	size_t i, j;

	e = trim_end(p, e);
	if (!word_is(&p, e, "where")) {
		snprintf(err, errlen, "expected 'where'");
		return -1;
	}
	for (;;) {
		if (parse_cond(a, &p, e, err, errlen) == -1)
			return -1;
		p = skip_ws(p, e);
		if (p == e)
			break;
		if (!word_is(&p, e, "and")) {
			snprintf(err, errlen, "where: expected 'and' before "
			    "'%.*s'", (int)(e - p > 20 ? 20 : e - p), p);
			return -1;
		}
	}
	for (i = 0; i < a->nwhere; i++)
		for (j = 0; j < i; j++)
			if (strcmp(a->where[i].col, a->where[j].col) == 0) {
				snprintf(err, errlen, "where: '%s' twice (use "
				    "'%s in (...)')", a->where[i].col,
				    a->where[i].col);
				return -1;
			}
	return 0;
}

const char *
spec_where_val(const struct spec_agg *a, const struct spec_where *w,
    size_t i)
{
	return a->wpool + w->off[i];
}

static size_t
append(char *buf, size_t cap, size_t n, const char *s)
{
	size_t l = strlen(s);

	if (n + l < cap)
		memcpy(buf + n, s, l + 1);
	return n + l;
}

/* A value as written back: bare when it can be read back bare. */
static size_t
append_val(char *buf, size_t cap, size_t n, const char *v)
{
	size_t l = strlen(v);

	if (l > 0 && strpbrk(v, ",()\"=") == NULL && v[0] != ' ' &&
	    v[0] != '\t' && v[l - 1] != ' ' && v[l - 1] != '\t')
		return append(buf, cap, n, v);
	n = append(buf, cap, n, "\"");
	n = append(buf, cap, n, v);
	return append(buf, cap, n, "\"");
}

size_t
spec_format_where(const struct spec_agg *a, char *buf, size_t cap, size_t n)
{
	size_t i, j;

	for (i = 0; i < a->nwhere; i++) {
		const struct spec_where *w = &a->where[i];
		n = append(buf, cap, n, i ? " and " : " where ");
		n = append(buf, cap, n, w->col);
		if (w->nvals == 1) {
			n = append(buf, cap, n, "=");
			n = append_val(buf, cap, n, spec_where_val(a, w, 0));
			continue;
		}
		n = append(buf, cap, n, " in (");
		for (j = 0; j < w->nvals; j++) {
			if (j > 0)
				n = append(buf, cap, n, ",");
			n = append_val(buf, cap, n, spec_where_val(a, w, j));
		}
		n = append(buf, cap, n, ")");
	}
	return n;
}

int
spec_check_window(const struct spec_agg *a, char *err, size_t errlen)
{
	static const char *const cols[] = { "WindowStart", "WindowEnd" };
	size_t i, j;

	if (a->wsize == 0)
		return 0;
	for (i = 0; i < a->nmeas; i++)
		if (a->meas[i].func == SF_POP) {
			snprintf(err, errlen, "pop() in a windowed aggregate");
			return -1;
		}
	for (i = 0; i < NELEM(cols); i++) {
		for (j = 0; j < a->nkeys; j++)
			if (strcmp(a->keys[j], cols[i]) == 0)
				break;
		for (size_t m = 0; j == a->nkeys && m < a->nmeas; m++)
			if (strcmp(a->meas[m].name, cols[i]) == 0)
				j = 0;
		if (j != a->nkeys) {
			snprintf(err, errlen, "duplicate column '%s' (a window "
			    "writes WindowStart,WindowEnd)", cols[i]);
			return -1;
		}
	}
	return 0;
}
