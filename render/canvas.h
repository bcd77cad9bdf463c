#ifndef RENDER_CANVAS_H
#define RENDER_CANVAS_H
/* A character-cell canvas: charts draw into it, and it is written to the
 * terminal in one piece, with colour escapes only where the style changes. */
#include <stddef.h>
#include <stdint.h>

/* Styles: a colour in the low 4 bits (0 default, 1-7 normal, 9-15
 * bright), and attributes. */
#define ST_BOLD		0x10
#define ST_DIM		0x20
#define ST_REV		0x40
#define ST_RED		1
#define ST_GREEN	2
#define ST_YELLOW	3
#define ST_BLUE		4
#define ST_MAGENTA	5
#define ST_CYAN		6
#define ST_GREY		8	/* bright black */

struct cell {
	char b[11];		/* the character's UTF-8 bytes (and marks) */
	uint8_t n;		/* bytes in b; 0: right half of a wide one */
	uint8_t style;
};

struct canvas {
	int w, h;
	struct cell *c;
};

/* Drawing characters: Unicode or plain ASCII. */
struct glyphs {
	const char *h, *v, *tl, *tr, *bl, *br;	/* box */
	const char *ellipsis;
	const char *bar_eighths[9];	/* horizontal bar, 0..8 eighths */
	const char *col_eighths[9];	/* vertical bar, 0..8 eighths */
	const char *spark[9];		/* sparkline levels, low to high */
	int nspark;
	const char *fills[8];		/* share chart fills */
	const char *marks[6];		/* line chart series marks */
	const char *axis_h, *axis_v, *axis_corner, *zero;
	const char *up, *down, *dot;
	int braille;			/* line charts may use braille */
};

extern const struct glyphs glyphs_utf8, glyphs_ascii;
extern const struct glyphs *G;		/* the set in use */

struct strbuf {
	char *p;
	size_t len, cap;
};

/* Append to a growing buffer; on ENOMEM the buffer is marked failed
 * (len stays) and later appends do nothing.  Returns 0 or -1. */
int sb_add(struct strbuf *b, const char *s, size_t n);
int sb_printf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *b);

/* A blank canvas of w x h cells; NULL on ENOMEM. */
struct canvas *cv_new(int w, int h);
void cv_free(struct canvas *cv);
void cv_clear(struct canvas *cv);

/* Put one character at x,y (clipped).  Returns its width. */
int cv_put(struct canvas *cv, int x, int y, uint32_t cp, uint8_t style);
/* Put a UTF-8 string of one character (a glyph) at x,y. */
int cv_glyph(struct canvas *cv, int x, int y, const char *g, uint8_t style);
/* Repeat a glyph n times from x. */
void cv_hline(struct canvas *cv, int x, int y, int n, const char *g,
    uint8_t style);

/* Write s (len bytes) from x,y in at most maxw columns; a longer string
 * ends in an ellipsis.  Returns the columns used. */
int cv_text(struct canvas *cv, int x, int y, int maxw, const char *s,
    size_t len, uint8_t style);
/* The same, right-aligned so the text ends just before column xr. */
int cv_rtext(struct canvas *cv, int xr, int y, int maxw, const char *s,
    size_t len, uint8_t style);
/* Centred in [x, x+w). */
int cv_ctext(struct canvas *cv, int x, int y, int w, const char *s,
    size_t len, uint8_t style);

/* A box with a title in its top edge. */
void cv_box(struct canvas *cv, int x, int y, int w, int h, const char *title,
    uint8_t border, uint8_t tstyle);

/* Word-wrap msg into the rectangle; returns the lines used. */
int cv_wrap(struct canvas *cv, int x, int y, int w, int h, const char *msg,
    uint8_t style);

/* Append the canvas to out.  color: emit SGR escapes.  live: end each
 * line with "clear to end of line" and separate lines with CR LF, no
 * line break after the last; otherwise plain lines with trailing blanks
 * trimmed, each ending in LF. */
int cv_output(const struct canvas *cv, struct strbuf *out, int color,
    int live);

#endif
