/* A character-cell canvas and its output with minimal escapes. */
#include "canvas.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

const struct glyphs glyphs_utf8 = {
	.h = "─", .v = "│", .tl = "╭", .tr = "╮", .bl = "╰", .br = "╯",
	.ellipsis = "…",
	.bar_eighths = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█" },
	.col_eighths = { " ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" },
	.spark = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" },
	.nspark = 8,
	.fills = { "█", "▓", "▒", "░", "▚", "▞", "▙", "▟" },
	.marks = { "•", "×", "+", "○", "◆", "■" },
	.axis_h = "─", .axis_v = "│", .axis_corner = "└", .zero = "┈",
	.up = "▲", .down = "▼", .dot = "·",
	.braille = 1,
};

const struct glyphs glyphs_ascii = {
	.h = "-", .v = "|", .tl = "+", .tr = "+", .bl = "+", .br = "+",
	.ellipsis = "~",
	.bar_eighths = { "", "", "", "", "#", "#", "#", "#", "#" },
	.col_eighths = { " ", " ", " ", " ", "#", "#", "#", "#", "#" },
	.spark = { "_", ".", ",", "-", "=", "+", "*", "#" },
	.nspark = 8,
	.fills = { "#", "=", "+", "*", "%", "@", "o", ":" },
	.marks = { "*", "+", "o", "x", "#", "@" },
	.axis_h = "-", .axis_v = "|", .axis_corner = "+", .zero = ".",
	.up = "^", .down = "v", .dot = ".",
	.braille = 0,
};

const struct glyphs *G = &glyphs_utf8;

/* ---- growing buffer ----------------------------------------------------- */

/* Room for n more bytes and a NUL; -1 once the buffer has failed. */
static int
sb_room(struct strbuf *b, size_t n)
{
	if (b->cap == (size_t)-1)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->cap = (size_t)-1;
			return -1;
		}
		b->p = p;
		b->cap = cap;
	}
	return 0;
}

int
sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (sb_room(b, n) == -1)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
sb_printf(struct strbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	return sb_add(b, tmp, (size_t)n);
}

void
sb_free(struct strbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- canvas ------------------------------------------------------------- */

struct canvas *
cv_new(int w, int h)
{
	struct canvas *cv;

	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	if ((cv = malloc(sizeof(*cv))) == NULL)
		return NULL;
	cv->w = w;
	cv->h = h;
	if ((cv->c = malloc((size_t)w * (size_t)h * sizeof(*cv->c))) == NULL) {
		free(cv);
		return NULL;
	}
	cv_clear(cv);
	return cv;
}

void
cv_free(struct canvas *cv)
{
	if (cv == NULL)
		return;
	free(cv->c);
	free(cv);
}

void
cv_clear(struct canvas *cv)
{
	size_t i, n = (size_t)cv->w * (size_t)cv->h;

	for (i = 0; i < n; i++) {
		cv->c[i].b[0] = ' ';
		cv->c[i].n = 1;
		cv->c[i].style = 0;
	}
}

static struct cell *
cv_at(struct canvas *cv, int x, int y)
{
	return &cv->c[(size_t)y * (size_t)cv->w + (size_t)x];
}

/* Blank the cell at x,y, and the other half of a wide character there. */
static void
cv_unwide(struct canvas *cv, int x, int y)
{
	struct cell *c = cv_at(cv, x, y);

	if (c->n == 0 && x > 0) {
		struct cell *l = cv_at(cv, x - 1, y);
		l->b[0] = ' ';
		l->n = 1;
	} else if (x + 1 < cv->w && cv_at(cv, x + 1, y)->n == 0) {
		struct cell *r = cv_at(cv, x + 1, y);
		r->b[0] = ' ';
		r->n = 1;
	}
}

int
cv_put(struct canvas *cv, int x, int y, uint32_t cp, uint8_t style)
{
	struct cell *c;
	int w;

	/* Never let data put control characters on the terminal. */
	cp = cp_shown(cp);
	w = cp_width(cp);
	if (y < 0 || y >= cv->h || x >= cv->w)
		return w;
	if (w == 0) {	/* a combining mark joins the character before */
		if (x > 0 && x <= cv->w) {
			c = cv_at(cv, x - 1, y);
			if (c->n == 0 && x > 1)
				c = cv_at(cv, x - 2, y);
			if (c->n > 0 && c->n + 4 <= (int)sizeof(c->b))
				c->n += (uint8_t)u8_encode(cp, c->b + c->n);
		}
		return 0;
	}
	if (x < 0)
		return w;
	if (w == 2 && x + 1 >= cv->w) {
		cp = ' ';	/* half a wide character does not fit */
		w = 1;
	}
	cv_unwide(cv, x, y);
	c = cv_at(cv, x, y);
	c->n = (uint8_t)u8_encode(cp, c->b);
	c->style = style;
	if (w == 2) {
		cv_unwide(cv, x + 1, y);
		c[1].n = 0;
		c[1].style = style;
	}
	return w;
}

int
cv_glyph(struct canvas *cv, int x, int y, const char *g, uint8_t style)
{
	uint32_t cp;

	if (*g == '\0')
		return 0;
	u8_decode(g, strlen(g), &cp);
	return cv_put(cv, x, y, cp, style);
}

void
cv_hline(struct canvas *cv, int x, int y, int n, const char *g,
    uint8_t style)
{
	uint32_t cp;
	int i;

	if (*g == '\0' || y < 0 || y >= cv->h)
		return;
	u8_decode(g, strlen(g), &cp);	/* once, not per cell */
	for (i = 0; i < n && x + i < cv->w; i++)
		cv_put(cv, x + i, y, cp, style);
}

/* Draw s (no wider than maxw is not checked here); returns the width. */
static int
cv_raw(struct canvas *cv, int x, int y, const char *s, size_t len,
    uint8_t style)
{
	size_t i = 0;
	uint32_t cp;
	int used = 0;

	while (i < len) {
		i += u8_decode(s + i, len - i, &cp);
		/* Marks before the first character would join whatever is
		 * left of x: they are dropped. */
		if (used == 0 && cp_width(cp) == 0)
			continue;
		used += cv_put(cv, x + used, y, cp, style);
	}
	return used;
}

int
cv_text(struct canvas *cv, int x, int y, int maxw, const char *s,
    size_t len, uint8_t style)
{
	size_t w, keep;
	int used;

	if (maxw <= 0)
		return 0;
	w = u8_width(s, len);
	if (w <= (size_t)maxw)
		return cv_raw(cv, x, y, s, len, style);
	keep = u8_prefix(s, len, (size_t)maxw - 1);
	used = cv_raw(cv, x, y, s, keep, style);
	used += cv_glyph(cv, x + used, y, G->ellipsis, style);
	return used;
}

int
cv_rtext(struct canvas *cv, int xr, int y, int maxw, const char *s,
    size_t len, uint8_t style)
{
	size_t w = u8_width(s, len);

	if (maxw <= 0)
		return 0;
	if (w > (size_t)maxw)
		w = (size_t)maxw;
	return cv_text(cv, xr - (int)w, y, maxw, s, len, style);
}

int
cv_ctext(struct canvas *cv, int x, int y, int w, const char *s, size_t len,
    uint8_t style)
{
	size_t tw = u8_width(s, len);

	if (w <= 0)
		return 0;
	if (tw > (size_t)w)
		tw = (size_t)w;
	return cv_text(cv, x + (w - (int)tw) / 2, y, w, s, len, style);
}

void
cv_box(struct canvas *cv, int x, int y, int w, int h, const char *title,
    uint8_t border, uint8_t tstyle)
{
	int i;

	if (w < 2 || h < 2)
		return;
	cv_glyph(cv, x, y, G->tl, border);
	cv_hline(cv, x + 1, y, w - 2, G->h, border);
	cv_glyph(cv, x + w - 1, y, G->tr, border);
	for (i = 1; i < h - 1; i++) {
		cv_glyph(cv, x, y + i, G->v, border);
		cv_glyph(cv, x + w - 1, y + i, G->v, border);
	}
	cv_glyph(cv, x, y + h - 1, G->bl, border);
	cv_hline(cv, x + 1, y + h - 1, w - 2, G->h, border);
	cv_glyph(cv, x + w - 1, y + h - 1, G->br, border);
	if (title && *title && w > 6) {
		int used;

		cv_put(cv, x + 2, y, ' ', border);
		used = cv_text(cv, x + 3, y, w - 6, title, strlen(title),
		    tstyle);
		cv_put(cv, x + 3 + used, y, ' ', border);
	}
}

int
cv_wrap(struct canvas *cv, int x, int y, int w, int h, const char *msg,
    uint8_t style)
{
	const char *p = msg;
	int line = 0;

	if (w <= 0)
		return 0;
	while (*p && line < h) {
		size_t len = strlen(p), fit, cut;

		while (*p == ' ')
			p++, len--;
		if (len == 0)
			break;
		fit = u8_prefix(p, len, (size_t)w);
		cut = fit;
		if (fit < len) {	/* break at the last space if any */
			size_t k = fit;
			while (k > 0 && p[k] != ' ')
				k--;
			if (k > 0)
				cut = k;
			if (line == h - 1)
				cut = len;	/* last line: ellipsis */
		}
		cv_text(cv, x, y + line, w, p, cut, style);
		p += cut;
		line++;
	}
	return line;
}

/* ---- output ------------------------------------------------------------- */

static int
cv_sgr(struct strbuf *out, uint8_t st)
{
	char tmp[32];
	int n = 0, col = st & 0x0f;

	n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, "\033[0");
	if (st & ST_BOLD)
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ";1");
	if (st & ST_DIM)
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ";2");
	if (st & ST_REV)
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ";7");
	if (col >= 1 && col <= 7)
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ";%d",
		    30 + col);
	else if (col >= 8)
		n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, ";%d",
		    90 + col - 8);
	n += snprintf(tmp + n, sizeof(tmp) - (size_t)n, "m");
	return sb_add(out, tmp, (size_t)n);
}

static int
cv_blank(const struct cell *c, int color)
{
	return c->n == 1 && c->b[0] == ' ' &&
	    (!color || (c->style & ST_REV) == 0);
}

int
cv_output(const struct canvas *cv, struct strbuf *out, int color, int live)
{
	int x, y, end;
	uint8_t cur;

	for (y = 0; y < cv->h; y++) {
		const struct cell *row = &cv->c[(size_t)y * (size_t)cv->w];

		end = cv->w;
		while (end > 0 && cv_blank(&row[end - 1], color))
			end--;
		/* Room for the whole line, escapes included: the cells are
		 * copied without a check each. */
		if (sb_room(out, (size_t)end * (sizeof(row->b) + 32) + 32) == -1)
			return -1;
		cur = 0;
		for (x = 0; x < end; x++) {
			const struct cell *c = &row[x];

			if (c->n == 0)
				continue;
			if (color && c->style != cur) {
				cv_sgr(out, c->style);
				cur = c->style;
			}
			memcpy(out->p + out->len, c->b, c->n);
			out->len += c->n;
		}
		out->p[out->len] = '\0';
		if (color && cur != 0)
			sb_add(out, "\033[0m", 4);
		if (live) {
			if (end < cv->w)
				sb_add(out, "\033[K", 3);
			if (y + 1 < cv->h)
				sb_add(out, "\r\n", 2);
		} else
			sb_add(out, "\n", 1);
	}
	return out->cap == (size_t)-1 ? -1 : 0;
}
