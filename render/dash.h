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
	int verbose;
	struct chart_env env;
	int grouping_set;	/* --grouping given: it beats the layout's */
};

/* Run the dashboard; returns the exit status. */
int dash_run(const struct dash_opts *o);

/* The terminal's size: COLUMNS/LINES, then TIOCGWINSZ on fd when it is a
 * terminal, else 80x24. */
void term_size(int fd, int *w, int *h);

#endif
