#ifndef RENDER_WEB_H
#define RENDER_WEB_H
/* Pictures, the daily report and the dashboard in a browser: what main
 * hands to them. */
#include "chart.h"
#include "data.h"

struct web_opts {
	const char *layout;	/* layout file */
	const char *dir;	/* snapshot directory */
	const char *ticks;	/* serve: tick lines, as render dash reads */
	const char *listen;	/* serve: ADDR:PORT, NULL: 127.0.0.1:8080 */
	const char *output;	/* picture or report file, "-": stdout */
	int format;		/* enum gfx_format, or -1: by -o's name */
	int w, h;		/* --size, or 0 */
	long frames;		/* dash picture: draw it this many times and
				 * report the time per picture (benchmark) */
	struct chart_env env;
	int grouping_set;	/* --grouping given: it beats the layout's */
};

/* Check o->output and o->format for a picture (render KIND or dash):
 * fills o->format from the name.  Returns 0, or -1 with a reason in err. */
int web_picture_opts(struct web_opts *o, char *err, size_t errlen);

/* render KIND --format F -o FILE: the chart s of table t as a picture.
 * Returns the exit status. */
int web_chart(const struct web_opts *o, struct chart_spec *s,
    const struct dtab *t, const struct chart_env *env);

/* render dash --format F -o FILE: one frame of the layout as a picture.
 * Returns the exit status. */
int web_dash(const struct web_opts *o);

struct strbuf;
/* Append s to b as HTML text: valid UTF-8 (gfx_clean), with & < > " '
 * escaped. */
void web_html(struct strbuf *b, const char *s);

/* render report: a self-contained HTML or PDF file.  Exit status. */
int report_run(const struct web_opts *o);

/* render serve: the dashboard over HTTP until SIGINT or SIGTERM.  Exit
 * status. */
int serve_run(const struct web_opts *o);

#endif
