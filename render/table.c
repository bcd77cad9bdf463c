/* Tables and KPI cards. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chartint.h"

/* ---- table -------------------------------------------------------------- */

#define TABLE_GAP	2

struct rowval {
	double v;		/* NaN: unknown */
	size_t row;
};

/* By value, unknown last, then by row: a stable order. */
static int
cmp_rowval(const void *a, const void *b)
{
	const struct rowval *x = a, *y = b;

	if (isnan(x->v) != isnan(y->v))
		return isnan(x->v) ? 1 : -1;
	if (!isnan(x->v) && x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* Natural widths of the columns of v, then shrunk until the table fits
 * in w: the last column first (a message), then the widest, but not under
 * its header (or 5) at first, nor the first v->keep columns. */
static void
table_widths(const struct chart_spec *s, const struct dtab *t,
    const struct chart_env *env, const struct table_view *v, size_t shown,
    int w, int *num, int *dec, int *wid)
{
	char nb[FMT_BUFSZ];
	struct fmt_num f = { env->grouping, 0, NULL, NULL };
	int i, total;
	size_t r;

	for (i = 0; i < v->ncols; i++) {
		size_t c = (size_t)v->cols[i], k;
		num[i] = dtab_numeric(t, c);
		dec[i] = chart_col_decimals(s, t, v->cols[i],
		    chart_first_row(s, t));
		wid[i] = (int)u8_width(t->hdr[c], strlen(t->hdr[c]));
		for (r = 0; r < shown; r++) {
			const char *cell = dtab_get(t, v->order[r], c);
			double d;
			if (num[i] && fmt_parse_num(cell, &d) == 0) {
				f.decimals = dec[i];
				f.prefix = v->cols[i] == v->vc ? s->prefix : NULL;
				f.suffix = v->cols[i] == v->vc ? s->suffix : NULL;
				k = u8_width(nb, fmt_number(d, &f, nb,
				    sizeof(nb)));
			} else
				k = u8_width(cell, strlen(cell));
			if ((int)k > wid[i])
				wid[i] = (int)k;
		}
		/* No column is drawn wider than the table (and the
		 * shrinking below takes a step per column). */
		if (wid[i] > w)
			wid[i] = w > 0 ? w : 0;
	}
	for (int pass = 0; pass < 3; pass++) {
		for (;;) {
			int widest = -1, floor;
			total = 0;
			for (i = 0; i < v->ncols; i++)
				total += wid[i] + (i ? TABLE_GAP : 0);
			if (total <= w)
				break;
			if (pass == 0) {
				int l = v->ncols - 1;
				if (v->ncols > 1 && !num[l] && wid[l] > 12)
					wid[l]--;
				else
					break;
				continue;
			}
			for (i = 0; i < v->ncols; i++) {
				size_t hl = strlen(t->hdr[v->cols[i]]);
				floor = pass == 1 ? (hl > 5 ? (int)hl : 5) : 3;
				if (i < v->keep && pass == 1)
					floor = wid[i];
				if (wid[i] > floor &&
				    (widest < 0 || wid[i] > wid[widest]))
					widest = i;
			}
			if (widest < 0)
				break;
			wid[widest]--;
		}
	}
}

int
table_draw(struct canvas *cv, int x, int y, int w, int h,
    const struct chart_spec *s, const struct dtab *t,
    const struct chart_env *env, const struct table_view *v)
{
	char nb[FMT_BUFSZ];
	int i, num[64], dec[64], wid[64], row, rule;
	size_t r, shown, n = v->n;
	struct fmt_num f = { env->grouping, 0, NULL, NULL };

	/* The header and its rule take 2 lines, "N more rows" one; in 2
	 * lines the rule gives way to it. */
	rule = h >= 3 || n == 0;
	shown = h - 2 >= (int)n ? n : (size_t)(h > 3 ? h - 3 : 0);
	table_widths(s, t, env, v, shown, w, num, dec, wid);
	for (i = 0, row = x; i < v->ncols && row < x + w; i++) {
		const char *hn = t->hdr[v->cols[i]];
		int cw = wid[i] < x + w - row ? wid[i] : x + w - row;
		if (num[i])
			cv_rtext(cv, row + cw, y, cw, hn, strlen(hn), ST_BOLD);
		else
			cv_text(cv, row, y, cw, hn, strlen(hn), ST_BOLD);
		if (rule)
			cv_hline(cv, row, y + 1, cw, G->h, ST_GREY);
		row += wid[i] + TABLE_GAP;
	}
	row = y + 1 + rule;
	for (r = 0; r < shown; r++, row++) {
		int cx = x;
		uint8_t rs = v->style ? v->style[r] : 0;

		for (i = 0; i < v->ncols && cx < x + w; i++) {
			size_t c = (size_t)v->cols[i];
			const char *cell = dtab_get(t, v->order[r], c);
			int cw = wid[i] < x + w - cx ? wid[i] : x + w - cx;
			double d;

			if (num[i] && fmt_parse_num(cell, &d) == 0) {
				size_t k;
				f.decimals = dec[i];
				f.prefix = v->cols[i] == v->vc ? s->prefix : NULL;
				f.suffix = v->cols[i] == v->vc ? s->suffix : NULL;
				k = fmt_number(d, &f, nb, sizeof(nb));
				cv_rtext(cv, cx + cw, row, cw, nb, k, rs);
			} else
				cv_text(cv, cx, row, cw, cell, strlen(cell), rs);
			cx += wid[i] + TABLE_GAP;
		}
	}
	if (shown < n) {
		char more[64];
		snprintf(more, sizeof(more), "%s %zu more row%s", G->ellipsis,
		    n - shown, n - shown == 1 ? "" : "s");
		cv_text(cv, x, row++, w, more, strlen(more), ST_DIM);
	}
	if (n == 0 && h > 2)
		cv_text(cv, x, row++, w, v->empty, strlen(v->empty), ST_DIM);
	return row - y;
}

/* The rows of a table in the order shown: last=, sorted by the value
 * column, reversed, top=.  Returns 0 with v->order (the caller frees) and
 * v->n set, or -1 with a message in err. */
static int
table_rows(const struct chart_spec *s, const struct dtab *t,
    struct table_view *v, char *err, size_t errlen)
{
	struct rowval *rv;
	size_t r, n = 0;
	double d;

	if ((v->order = malloc((t->nrow + 1) * sizeof(*v->order))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r = chart_first_row(s, t); r < t->nrow; r++)
		v->order[n++] = r;
	if (v->vc >= 0 && s->sort != SORT_NONE) {
		if ((rv = malloc((n + 1) * sizeof(*rv))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		for (r = 0; r < n; r++) {
			int k;
			if (chart_stopped(r, t, err, errlen) ||
			    (k = dtab_num(t, v->order[r], (size_t)v->vc, &d,
			    err, errlen)) < 0) {
				free(rv);
				return -1;
			}
			/* Unknown values go last either way. */
			rv[r].v = k == 1 ? NAN : s->sort == SORT_ASC ? d : -d;
			rv[r].row = v->order[r];
		}
		qsort(rv, n, sizeof(*rv), cmp_rowval);
		for (r = 0; r < n; r++)
			v->order[r] = rv[r].row;
		free(rv);
	}
	if (s->reverse)
		for (r = 0; r < n / 2; r++) {
			size_t tmp = v->order[r];
			v->order[r] = v->order[n - 1 - r];
			v->order[n - 1 - r] = tmp;
		}
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	v->n = n;
	return 0;
}

int
chart_table(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	char buf[4096], *names[64];
	struct table_view v;
	int i, rc = -1;

	memset(&v, 0, sizeof(v));
	v.vc = -1;
	v.empty = "no rows";
	if (s->columns) {
		if ((v.ncols = chart_split_names(s->columns, buf, sizeof(buf),
		    names, 64)) < 1) {
			snprintf(err, errlen, "%s: bad column list '%s'",
			    t->name, s->columns);
			return -1;
		}
		for (i = 0; i < v.ncols; i++)
			if (chart_need_col(t, names[i], &v.cols[i], err,
			    errlen) == -1)
				return -1;
	} else {
		v.ncols = t->ncol > 64 ? 64 : (int)t->ncol;
		for (i = 0; i < v.ncols; i++)
			v.cols[i] = i;
	}
	if (s->value && chart_need_col(t, s->value, &v.vc, err, errlen) == -1)
		return -1;
	if (h < 2) {
		snprintf(err, errlen, "%s: too low for a table", t->name);
		return -1;
	}
	if (table_rows(s, t, &v, err, errlen) == 0)
		rc = table_draw(cv, x, y, w, h, s, t, env, &v);
	free(v.order);
	return rc;
}

/* ---- kpi ---------------------------------------------------------------- */

/* A 3-line font for digits: box drawing or seven-segment ASCII. */
static const char *const big_utf8[13][3] = {
	{ "┌─┐", "│ │", "└─┘" }, { "  ╷", "  │", "  ╵" },
	{ "╶─┐", "┌─┘", "└─╴" }, { "╶─┐", " ─┤", "╶─┘" },
	{ "╷ ╷", "└─┤", "  ╵" }, { "┌─╴", "└─┐", "╶─┘" },
	{ "┌─╴", "├─┐", "└─┘" }, { "╶─┐", "  │", "  ╵" },
	{ "┌─┐", "├─┤", "└─┘" }, { "┌─┐", "└─┤", "╶─┘" },
	{ " ", " ", "," }, { " ", " ", "." }, { "   ", "╶─╴", "   " },
};
static const char *const big_ascii[13][3] = {
	{ " _ ", "| |", "|_|" }, { "   ", "  |", "  |" },
	{ " _ ", " _|", "|_ " }, { " _ ", " _|", " _|" },
	{ "   ", "|_|", "  |" }, { " _ ", "|_ ", " _|" },
	{ " _ ", "|_ ", "|_|" }, { " _ ", "  |", "  |" },
	{ " _ ", "|_|", "|_|" }, { " _ ", "|_|", " _|" },
	{ " ", " ", "," }, { " ", " ", "." }, { "   ", " _ ", "   " },
};

static int
big_index(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c == ',' ? 10 : c == '.' ? 11 : c == '-' ? 12 : -1;
}

/* Width of s in the big font (other characters are drawn plainly). */
static int
big_width(const char *s, size_t len)
{
	size_t i = 0;
	int w = 0;
	uint32_t cp;

	while (i < len) {
		int bi = big_index(s[i]);
		if (bi >= 0) {
			w += bi == 10 || bi == 11 ? 2 : 4;
			i++;
			continue;
		}
		i += u8_decode(s + i, len - i, &cp);
		w += cp_width(cp);
	}
	return w;
}

static void
big_draw(struct canvas *cv, int x, int y, const char *s, size_t len,
    uint8_t st)
{
	const char *const (*font)[3] = G->braille ? big_utf8 : big_ascii;
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		int bi = big_index(s[i]), r;
		if (bi >= 0) {
			for (r = 0; r < 3; r++)
				cv_text(cv, x, y + r, 3, font[bi][r],
				    strlen(font[bi][r]), st);
			x += bi == 10 || bi == 11 ? 2 : 4;
			i++;
			continue;
		}
		i += u8_decode(s + i, len - i, &cp);
		x += cv_put(cv, x, y + 1, cp, st);
	}
}

/* The text of a card's value that fits in iw columns: the whole number
 * or a short form of 4 significant digits (65.69L, 6.569M), in big digits
 * when big allows and they fit, else plain; only then 3 digits, then
 * fmt_compact's.  Returns its length, *isbig set. */
static size_t
kpi_text(double v, const struct fmt_num *f, int iw, int big, char *b,
    size_t cap, int *isbig)
{
	static const struct { int sig, big; } tries[] = {
		{ -1, 1 }, { 4, 1 }, { -1, 0 }, { 4, 0 }, { 3, 1 }, { 3, 0 },
		{ 0, 1 }, { 0, 0 },
	};
	size_t len = 0, i;
	int w;

	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		if (tries[i].big && !big)
			continue;
		len = tries[i].sig < 0 ? fmt_number(v, f, b, cap) :
		    fmt_compact_sig(v, f, tries[i].sig, b, cap);
		*isbig = tries[i].big;
		w = *isbig ? big_width(b, len) : (int)u8_width(b, len);
		if (w <= iw)
			return len;
	}
	return len;	/* the shortest, plain: cut by the card */
}

/* "▲ +1.2K": the change dv since the last frame, centred in iw. */
static void
kpi_change(struct canvas *cv, int x, int y, int iw, double dv,
    const struct fmt_num *f)
{
	char b[FMT_BUFSZ], d[FMT_BUFSZ + 16];
	struct fmt_num fd = *f;
	size_t dl;

	fd.prefix = NULL;
	fd.suffix = NULL;
	dl = fmt_compact(fabs(dv), &fd, b, sizeof(b));
	dl = (size_t)snprintf(d, sizeof(d), "%s %s%.*s", dv > 0 ? G->up :
	    G->down, dv > 0 ? "+" : "-", (int)dl, b);
	cv_ctext(cv, x, y, iw, d, dl, dv > 0 ? ST_GREEN : ST_RED);
}

int
chart_kpi_cards(const struct chart_spec *s, const struct dtab *t,
    struct kpi_cards *c, char *err, size_t errlen)
{
	long vcs[CHART_MAX_CARDS], lc = -1;
	int n = 0, i, k;
	size_t r;

	if (s->label) {	/* a card per row: label column, value column */
		if (chart_label_value(s, t, &lc, &vcs[0], err, errlen) == -1)
			return -1;
		for (r = chart_first_row(s, t); r < t->nrow &&
		    n < CHART_MAX_CARDS;
		    r++, n++) {
			c->labels[n] = dtab_get(t, r, (size_t)lc);
			if ((k = dtab_num(t, r, (size_t)vcs[0], &c->vals[n], err,
			    errlen)) < 0)
				return -1;
			c->known[n] = k == 0;
			c->decs[n] = chart_col_decimals(s, t, vcs[0], 0);
		}
	} else {	/* a card per value column, from the last row */
		int nv;
		if (s->value) {
			if ((nv = chart_split_names(s->value, c->buf, sizeof(c->buf),
			    c->names,
			    CHART_MAX_CARDS)) < 1) {
				snprintf(err, errlen, "%s: bad value column "
				    "list '%s'", t->name, s->value);
				return -1;
			}
			for (i = 0; i < nv; i++)
				if (chart_need_col(t, c->names[i], &vcs[i], err,
				    errlen) == -1)
					return -1;
		} else {
			for (r = 0, nv = 0; r < t->ncol && nv < CHART_MAX_CARDS;
			    r++)
				if (dtab_numeric(t, r) || t->nrow == 0)
					vcs[nv++] = (long)r;
		}
		for (i = 0; i < nv; i++, n++) {
			c->labels[n] = nv == 1 && s->title ? s->title :
			    t->hdr[vcs[i]];
			c->known[n] = 0;
			c->decs[n] = chart_col_decimals(s, t, vcs[i], 0);
			if (t->nrow > 0) {
				if ((k = dtab_num(t, t->nrow - 1,
				    (size_t)vcs[i], &c->vals[n], err, errlen)) < 0)
					return -1;
				c->known[n] = k == 0;
			}
		}
	}
	return n;
}

int
chart_kpi(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	struct kpi_cards c;
	int n, i, cw;
	struct fmt_num f;

	if ((n = chart_kpi_cards(s, t, &c, err, errlen)) == -1)
		return -1;
	if (n == 0) {
		int used = chart_no_data(cv, x, y, w, h, "no data yet");
		return used;
	}
	if (h < 3) {
		snprintf(err, errlen, "%s: too low for KPI cards (%d lines)",
		    t->name, h);
		return -1;
	}
	cw = w / n;
	if (cw < 8) {
		snprintf(err, errlen, "%s: too narrow for %d KPI cards (%d "
		    "columns)", t->name, n, w);
		return -1;
	}
	chart_numfmt(s, env, -1, &f);
	for (i = 0; i < n; i++) {
		int cx = x + i * cw, iw = cw - 2, ih = (h > 7 ? 7 : h) - 2;
		int cy = y + 1, bw, isbig = 0;
		char b[FMT_BUFSZ];
		size_t len;
		uint8_t vst = ST_BOLD | chart_pal(i);

		if (i == n - 1)
			iw = x + w - cx - 2;
		cv_box(cv, cx, y, iw + 2, ih + 2, c.labels[i], ST_GREY, ST_BOLD);
		if (!c.known[i]) {
			cv_ctext(cv, cx + 1, cy + (ih - 1) / 2, iw, "-", 1,
			    ST_DIM);
			continue;
		}
		f.decimals = c.decs[i];
		len = kpi_text(c.vals[i], &f, iw, ih >= 3, b, sizeof(b), &isbig);
		if (isbig) {
			int top = cy + (ih - 3 - (ih >= 4)) / 2;
			bw = big_width(b, len);
			big_draw(cv, cx + 1 + (iw - bw) / 2, top, b, len, vst);
			cy = top + 3;
		} else {
			cy += (ih - 1 - (ih >= 2)) / 2;
			cv_ctext(cv, cx + 1, cy, iw, b, len, vst);
			cy++;
		}
		/* The change since the previous frame. */
		if (cy < y + ih + 1 && s->nprev == n && isfinite(s->prev[i]) &&
		    c.vals[i] != s->prev[i])
			kpi_change(cv, cx + 1, cy, iw, c.vals[i] - s->prev[i], &f);
	}
	s->nprev = n;
	for (i = 0; i < n; i++)
		s->prev[i] = c.known[i] ? c.vals[i] : NAN;
	return h > 7 ? 7 : h;
}

