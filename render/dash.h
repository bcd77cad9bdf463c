#ifndef RENDER_DASH_H
#define RENDER_DASH_H
/* The live dashboard: panels from a layout file, redrawn on each tick. */
#include "chart.h"

struct dash_opts {
	const char *layout;	/* layout file */
	const char *dir;	/* snapshot directory */
	const char *ticks;	/* tick source: a file or FIFO, "-" stdin,
				 * NULL: stdin when it is not a terminal */
	double every;		/* redraw period in seconds, 0: ticks only */
	int once;		/* one plain frame, then exit */
	long frames;		/* benchmark: draw this many frames */
	int alt_screen;
	int width, height;	/* 0: the terminal's */
	int color;
	struct chart_env env;
	int grouping_set;	/* --grouping given: it beats the layout's */
};

/* Run the dashboard; returns the exit status. */
int dash_run(const struct dash_opts *o);

#include "term.h"

/* ---- one frame, for dash_run and for tests ---- */

struct dash;
struct dtab;
struct canvas;
struct layout;

/* Reads the table of panel s, whose file is at path; NULL with a message
 * in err.  The table belongs to the dashboard, which frees it. */
typedef struct dtab *(*dash_load_fn)(void *arg, const char *path,
    const struct chart_spec *s, char *err, size_t errlen);

/* A dashboard of layout l with options o (both borrowed and kept; the
 * KPI panels of l keep their last values in it).  load: NULL reads each
 * panel's file under o->dir.  NULL on ENOMEM. */
struct dash *dash_new(const struct dash_opts *o, struct layout *l,
    dash_load_fn load, void *arg);
void dash_free(struct dash *d);

/* The longest tick line taken. */
#define DASH_TICK_LINE_MAX	4096

/* Take one line of the ticks (without its line break), read by header
 * name with lib/contract (a header line binds the columns; a tick before
 * any header is read with the default one).  Returns 1 when it was a
 * tick, which the next frame's top line shows, 0 for a header or an empty
 * line, -1 for a line that is neither: dash_tick_error() says why. */
int dash_tick(struct dash *d, const char *line);
const char *dash_tick_error(const struct dash *d);

/* Say "q quits" on the top line (the keyboard is read). */
void dash_set_keyboard(struct dash *d, int on);

/* Write the last frame to standard output in one write(2): live, with
 * the cursor sent home first and the rest of the screen cleared after.
 * Returns 0, or -1 with errno set. */
int dash_emit(struct dash *d, int live);

/* Bytes of the last frame written. */
size_t dash_frame_bytes(const struct dash *d);

/* Draw a frame of w x h (at least 1 x 1), reading every panel's file.
 * Returns 0, or -1 on ENOMEM. */
int dash_frame(struct dash *d, int w, int h);

/* The canvas of the last frame (NULL before the first). */
const struct canvas *dash_canvas(const struct dash *d);

#endif
