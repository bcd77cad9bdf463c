/* Tables (and alert lists) and KPI cards. */
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

int
chart_table(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	char buf[4096], *names[64], nb[FMT_BUFSZ];
	long cols[64], vc = -1, sc = -1;
	int ncols, i, num[64], dec[64], wid[64], total, row;
	size_t *order = NULL, n = 0, r, from = chart_first_row(s, t), shown;
	struct fmt_num f;
	int rc = -1, alerts = s->kind == CH_ALERTS, rule;

	if (s->columns) {
		if ((ncols = chart_split_names(s->columns, buf, sizeof(buf),
		    names,
		    64)) < 1) {
			snprintf(err, errlen, "%s: bad column list '%s'",
			    t->name, s->columns);
			return -1;
		}
		for (i = 0; i < ncols; i++)
			if (chart_need_col(t, names[i], &cols[i], err,
			    errlen) == -1)
				return -1;
	} else if (alerts) {
		static const char *const want[] = { "time", "status",
		    "severity", "alert", "key", "value", "message" };
		/* Narrow: leave out severity and value (the colour and the
		 * message tell them), then the key. */
		static const unsigned wide = 0x7f, mid = 0x5b, narrow = 0x4b,
		    tiny = 0x0b;
		unsigned use = w >= 100 ? wide : w >= 64 ? mid : w >= 48 ?
		    narrow : tiny;
		ncols = 0;
		for (i = 0; i < 7; i++) {
			long c = dtab_col(t, want[i]);
			if (c >= 0 && (use >> i & 1))
				cols[ncols++] = c;
		}
		if (ncols == 0) {
			snprintf(err, errlen, "%s: not an alert events file "
			    "(no time,status,alert,... columns)", t->name);
			return -1;
		}
		sc = dtab_col(t, "status");
	} else {
		ncols = t->ncol > 64 ? 64 : (int)t->ncol;
		for (i = 0; i < ncols; i++)
			cols[i] = i;
	}
	if (s->value && chart_need_col(t, s->value, &vc, err, errlen) == -1)
		return -1;
	if (h < 2) {
		snprintf(err, errlen, "%s: too low for a table", t->name);
		return -1;
	}
	/* Which rows, in which order. */
	if ((order = malloc((t->nrow + 1) * sizeof(*order))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (r = from; r < t->nrow; r++)
		order[n++] = r;
	if (vc >= 0 && s->sort != SORT_NONE) {
		struct rowval *rv = malloc((n + 1) * sizeof(*rv));
		double v;

		if (rv == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (r = 0; r < n; r++) {
			int k;
			if (chart_stopped(r, t, err, errlen)) {
				free(rv);
				goto out;
			}
			k = dtab_num(t, order[r], (size_t)vc, &v, err, errlen);
			if (k < 0) {
				free(rv);
				goto out;
			}
			/* Unknown values go last either way. */
			rv[r].v = k == 1 ? NAN : s->sort == SORT_ASC ? v : -v;
			rv[r].row = order[r];
		}
		qsort(rv, n, sizeof(*rv), cmp_rowval);
		for (r = 0; r < n; r++)
			order[r] = rv[r].row;
		free(rv);
	}
	if (s->reverse || alerts)
		for (r = 0; r < n / 2; r++) {
			size_t tmp = order[r];
			order[r] = order[n - 1 - r];
			order[n - 1 - r] = tmp;
		}
	if (s->top > 0 && n > (size_t)s->top)
		n = (size_t)s->top;
	/* The header and its rule take 2 lines, "N more rows" one; in 2
	 * lines the rule gives way to it. */
	rule = h >= 3 || n == 0;
	shown = h - 2 >= (int)n ? n : (size_t)(h > 3 ? h - 3 : 0);
	/* Column kinds and natural widths. */
	f.grouping = env->grouping;
	f.prefix = f.suffix = NULL;
	for (i = 0; i < ncols; i++) {
		size_t c = (size_t)cols[i], k;
		num[i] = dtab_numeric(t, c);
		dec[i] = chart_col_decimals(s, t, cols[i], from);
		wid[i] = (int)u8_width(t->hdr[c], strlen(t->hdr[c]));
		for (r = 0; r < shown; r++) {
			const char *v = dtab_get(t, order[r], c);
			double d;
			if (num[i] && fmt_parse_num(v, &d) == 0) {
				f.decimals = dec[i];
				f.prefix = cols[i] == vc ? s->prefix : NULL;
				f.suffix = cols[i] == vc ? s->suffix : NULL;
				k = u8_width(nb, fmt_number(d, &f, nb,
				    sizeof(nb)));
			} else if (alerts && strcmp(t->hdr[c], "time") == 0 &&
			    strlen(v) >= 19 && v[10] == 'T')
				k = 8;
			else
				k = u8_width(v, strlen(v));
			if ((int)k > wid[i])
				wid[i] = (int)k;
		}
		/* No column is drawn wider than the table (and the
		 * shrinking below takes a step per column). */
		if (wid[i] > w)
			wid[i] = w > 0 ? w : 0;
	}
	/* Shrink until the table fits: the last column first (a message),
	 * then the widest, but not under its header (or 5) at first. */
	for (int pass = 0; pass < 3; pass++) {
		for (;;) {
			int widest = -1, floor;
			total = 0;
			for (i = 0; i < ncols; i++)
				total += wid[i] + (i ? TABLE_GAP : 0);
			if (total <= w)
				break;
			if (pass == 0) {
				if (ncols > 1 && !num[ncols - 1] &&
				    wid[ncols - 1] > 12)
					wid[ncols - 1]--;
				else
					break;
				continue;
			}
			for (i = 0; i < ncols; i++) {
				size_t hl = strlen(t->hdr[cols[i]]);
				floor = pass == 1 ? (hl > 5 ? (int)hl : 5) : 3;
				/* An alert's time and status stay whole. */
				if (alerts && i < 2 && pass == 1)
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
	/* Header, rule, rows. */
	{
		int cx = x;
		for (i = 0; i < ncols && cx < x + w; i++) {
			const char *hn = t->hdr[cols[i]];
			int cw = wid[i] < x + w - cx ? wid[i] : x + w - cx;
			if (num[i])
				cv_rtext(cv, cx + cw, y, cw, hn, strlen(hn),
				    ST_BOLD);
			else
				cv_text(cv, cx, y, cw, hn, strlen(hn), ST_BOLD);
			if (rule)
				cv_hline(cv, cx, y + 1, cw, G->h, ST_GREY);
			cx += wid[i] + TABLE_GAP;
		}
	}
	row = y + 1 + rule;
	for (r = 0; r < shown; r++, row++) {
		int cx = x;
		uint8_t rs = 0;

		if (alerts && sc >= 0) {
			const char *st = dtab_get(t, order[r], (size_t)sc);
			long sev = dtab_col(t, "severity");
			const char *sv = sev >= 0 ? dtab_get(t, order[r],
			    (size_t)sev) : "";
			if (strcmp(st, "firing") == 0)
				rs = strcmp(sv, "critical") == 0 ?
				    (ST_RED | ST_BOLD) : ST_YELLOW;
			else if (strcmp(st, "resolved") == 0)
				rs = ST_GREEN;
		}
		for (i = 0; i < ncols && cx < x + w; i++) {
			size_t c = (size_t)cols[i];
			const char *v = dtab_get(t, order[r], c);
			int cw = wid[i] < x + w - cx ? wid[i] : x + w - cx;
			double d;

			if (num[i] && fmt_parse_num(v, &d) == 0) {
				size_t k;
				f.decimals = dec[i];
				f.prefix = cols[i] == vc ? s->prefix : NULL;
				f.suffix = cols[i] == vc ? s->suffix : NULL;
				k = fmt_number(d, &f, nb, sizeof(nb));
				cv_rtext(cv, cx + cw, row, cw, nb, k, rs);
			} else if (alerts && strcmp(t->hdr[c], "time") == 0 &&
			    strlen(v) >= 19 && v[10] == 'T')
				cv_text(cv, cx, row, cw, v + 11, 8, rs);
			else
				cv_text(cv, cx, row, cw, v, strlen(v), rs);
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
		cv_text(cv, x, row++, w, alerts ? "no alerts" : "no rows",
		    alerts ? 9 : 7, ST_DIM);
	rc = row - y;
out:
	free(order);
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

int
chart_kpi(struct canvas *cv, int x, int y, int w, int h,
    struct chart_spec *s, const struct dtab *t, const struct chart_env *env,
    char *err, size_t errlen)
{
	char buf[1024], *names[CHART_MAX_CARDS];
	const char *labels[CHART_MAX_CARDS];
	double vals[CHART_MAX_CARDS];
	int known[CHART_MAX_CARDS], decs[CHART_MAX_CARDS];
	long vcs[CHART_MAX_CARDS], lc = -1;
	int n = 0, i, k, cw;
	size_t r;
	struct fmt_num f;

	if (s->label) {	/* a card per row: label column, value column */
		if (chart_label_value(s, t, &lc, &vcs[0], err, errlen) == -1)
			return -1;
		for (r = chart_first_row(s, t); r < t->nrow &&
		    n < CHART_MAX_CARDS;
		    r++, n++) {
			labels[n] = dtab_get(t, r, (size_t)lc);
			if ((k = dtab_num(t, r, (size_t)vcs[0], &vals[n], err,
			    errlen)) < 0)
				return -1;
			known[n] = k == 0;
			decs[n] = chart_col_decimals(s, t, vcs[0], 0);
		}
	} else {	/* a card per value column, from the last row */
		int nv;
		if (s->value) {
			if ((nv = chart_split_names(s->value, buf, sizeof(buf),
			    names,
			    CHART_MAX_CARDS)) < 1) {
				snprintf(err, errlen, "%s: bad value column "
				    "list '%s'", t->name, s->value);
				return -1;
			}
			for (i = 0; i < nv; i++)
				if (chart_need_col(t, names[i], &vcs[i], err,
				    errlen) == -1)
					return -1;
		} else {
			for (r = 0, nv = 0; r < t->ncol && nv < CHART_MAX_CARDS;
			    r++)
				if (dtab_numeric(t, r) || t->nrow == 0)
					vcs[nv++] = (long)r;
		}
		for (i = 0; i < nv; i++, n++) {
			labels[n] = nv == 1 && s->title ? s->title :
			    t->hdr[vcs[i]];
			known[n] = 0;
			decs[n] = chart_col_decimals(s, t, vcs[i], 0);
			if (t->nrow > 0) {
				if ((k = dtab_num(t, t->nrow - 1,
				    (size_t)vcs[i], &vals[n], err, errlen)) < 0)
					return -1;
				known[n] = k == 0;
			}
		}
	}
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
		int cy = y + 1, bw;
		char b[FMT_BUFSZ];
		size_t len;
		uint8_t vst = ST_BOLD | chart_pal(i);

		if (i == n - 1)
			iw = x + w - cx - 2;
		cv_box(cv, cx, y, iw + 2, ih + 2, labels[i], ST_GREY, ST_BOLD);
		if (!known[i]) {
			cv_ctext(cv, cx + 1, cy + (ih - 1) / 2, iw, "-", 1,
			    ST_DIM);
			continue;
		}
		f.decimals = decs[i];
		len = fmt_number(vals[i], &f, b, sizeof(b));
		bw = big_width(b, len);
		if (ih >= 3 && bw > iw) {	/* try a short form */
			len = fmt_compact(vals[i], &f, b, sizeof(b));
			bw = big_width(b, len);
		}
		if (ih >= 3 && bw <= iw) {
			int top = cy + (ih - 3 - (ih >= 4)) / 2;
			big_draw(cv, cx + 1 + (iw - bw) / 2, top, b, len, vst);
			cy = top + 3;
		} else {
			len = fmt_number(vals[i], &f, b, sizeof(b));
			if ((int)u8_width(b, len) > iw)
				len = fmt_compact(vals[i], &f, b, sizeof(b));
			cy += (ih - 1 - (ih >= 2)) / 2;
			cv_ctext(cv, cx + 1, cy, iw, b, len, vst);
			cy++;
		}
		/* The change since the previous frame. */
		if (cy < y + ih + 1 && s->nprev == n && isfinite(s->prev[i]) &&
		    vals[i] != s->prev[i]) {
			char d[FMT_BUFSZ + 16];
			double dv = vals[i] - s->prev[i];
			size_t dl;
			struct fmt_num fd = f;

			fd.prefix = NULL;
			fd.suffix = NULL;
			dl = fmt_compact(fabs(dv), &fd, b, sizeof(b));
			dl = (size_t)snprintf(d, sizeof(d), "%s %s%.*s",
			    dv > 0 ? G->up : G->down, dv > 0 ? "+" : "-",
			    (int)dl, b);
			cv_ctext(cv, cx + 1, cy, iw, d, dl,
			    dv > 0 ? ST_GREEN : ST_RED);
		}
	}
	s->nprev = n;
	for (i = 0; i < n; i++)
		s->prev[i] = known[i] ? vals[i] : NAN;
	return h > 7 ? 7 : h;
}

