#ifndef RENDER_GFX_H
#define RENDER_GFX_H
/* Pictures of the charts and of a whole dashboard layout: PNG, SVG and
 * PDF from one drawing code (cairo, with pango for the text), from the
 * same tables, specs and layout files as the terminal charts. */
#include <stddef.h>

#include "canvas.h"
#include "chart.h"
#include "data.h"
#include "layout.h"

enum gfx_format { GFX_PNG, GFX_SVG, GFX_PDF };

/* Sides of a picture: pixels (PNG) or points (SVG, PDF). */
#define GFX_MIN_SIDE	32
#define GFX_MAX_SIDE	10000
#define GFX_MAX_AREA	25000000L	/* w x h: 100 MB of PNG pixels */
#define GFX_CHART_W	800		/* default size of one chart */
#define GFX_CHART_H	500
#define GFX_DASH_W	1600		/* and of a layout */
#define GFX_DASH_H	1000

#define GFX_NPAL	8

/* The format called name ("png", "svg", "pdf"), or -1. */
int gfx_format_parse(const char *name);

/* The format a path's extension names (.png, .svg, .pdf), or -1. */
int gfx_format_of_path(const char *path);

/* Parse "WxH" into *w, *h (each GFX_MIN_SIDE..GFX_MAX_SIDE, the area at
 * most GFX_MAX_AREA).  Returns 0, or -1 with a reason in err. */
int gfx_size_parse(const char *s, int *w, int *h, char *err, size_t errlen);

/* Colour i of the palette (Okabe-Ito, in an order whose first four are
 * also far apart in grey) as r, g, b in 0..1. */
void gfx_palette(int i, double rgb[3]);

/* Draw chart s of table t as a picture of w x h in format f, appended to
 * out.  s keeps its KPI values, as chart_draw does.  Returns 0, or -1
 * with a message in err (a missing column, a value that is not a number,
 * a drawing failure). */
int gfx_chart(enum gfx_format f, int w, int h, struct chart_spec *s,
    const struct dtab *t, const struct chart_env *env, struct strbuf *out,
    char *err, size_t errlen);

/* Read the table of panel s: its file under dir (or its absolute path),
 * as the terminal dashboard reads it.  NULL with a message in err. */
struct dtab *gfx_load(const char *dir, const struct chart_spec *s, char *err,
    size_t errlen);

/* Draw the whole layout l (its panels' files read under dir) as one
 * picture of w x h; status (may be NULL) is shown at the right of the top
 * line.  A panel whose file cannot be read or drawn shows why.  Returns
 * 0, or -1 with a message in err. */
int gfx_layout(enum gfx_format f, int w, int h, struct layout *l,
    const char *dir, const struct chart_env *env, const char *status,
    struct strbuf *out, char *err, size_t errlen);

/* The report as PDF of pages w x h: the layout as gfx_layout draws it,
 * then a page with the n tables (each under its title; NULL: "no such
 * file").  Returns 0, or -1 with a message in err. */
int gfx_report_pdf(int w, int h, struct layout *l, const char *dir,
    const struct chart_env *env, const char *status,
    const char *const *titles, const struct dtab *const *tables, int n,
    struct strbuf *out, char *err, size_t errlen);

/* Draw panel s of table t alone, as the layout shows it, into a picture
 * of w x h; t NULL shows loaderr instead.  Returns 0, or -1 with a
 * message in err. */
int gfx_panel(enum gfx_format f, int w, int h, struct chart_spec *s,
    const struct dtab *t, const char *loaderr, const struct chart_env *env,
    struct strbuf *out, char *err, size_t errlen);

/* Write buf to path ("-": standard output) in one piece: a file is
 * replaced atomically.  Returns 0, or -1 with "path: reason" in err. */
int gfx_write(const char *path, const struct strbuf *buf, char *err,
    size_t errlen);

/* Copy s (len bytes) into out (cap bytes, at least 8) as valid UTF-8 in
 * which control and bidirectional characters and invalid bytes are
 * U+FFFD; longer text is cut at a character.  Returns the length. */
size_t gfx_clean(const char *s, size_t len, char *out, size_t cap);

/* Free what fontconfig, pango and cairo keep for the process (at exit,
 * so that a leak checker sees only real leaks). */
void gfx_cleanup(void);

#endif
