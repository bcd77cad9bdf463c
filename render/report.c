/* Pictures of a chart or a layout, and the daily report: one
 * self-contained HTML (or PDF) file for a mail or a printer. */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canvas.h"
#include "fmt.h"
#include "gfx.h"
#include "layout.h"
#include "web.h"

int
web_picture_opts(struct web_opts *o, char *err, size_t errlen)
{
	if (o->output == NULL) {
		snprintf(err, errlen, "a picture needs -o FILE");
		return -1;
	}
	if (o->format < 0 && (o->format = gfx_format_of_path(o->output)) < 0) {
		snprintf(err, errlen, "-o %s: give --format png, svg or pdf",
		    o->output);
		return -1;
	}
	return 0;
}

/* Write the picture in buf to o->output; the exit status. */
static int
put(const struct web_opts *o, struct strbuf *buf)
{
	char err[1024];
	int rc = 0;

	if (gfx_write(o->output, buf, err, sizeof(err)) == -1) {
		fmt_printable(err);
		warnx("%s", err);
		rc = 1;
	}
	sb_free(buf);
	return rc;
}

int
web_chart(const struct web_opts *o, struct chart_spec *s,
    const struct dtab *t, const struct chart_env *env)
{
	struct strbuf out = { 0 };
	char err[1024];
	int rc;

	rc = gfx_chart((enum gfx_format)o->format, o->w ? o->w : GFX_CHART_W,
	    o->h ? o->h : GFX_CHART_H, s, t, env, &out, err, sizeof(err));
	gfx_cleanup();
	if (rc == -1) {
		fmt_printable(err);
		warnx("%s", err);
		sb_free(&out);
		return 1;
	}
	return put(o, &out);
}

/* "generated 2026-12-03 14:02 IST", in local time. */
static void
stamp(char *b, size_t cap, const char *what)
{
	time_t now = time(NULL);
	struct tm tm;
	char d[64];

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(d, sizeof(d), "%Y-%m-%d %H:%M %Z", &tm) == 0)
		snprintf(d, sizeof(d), "?");
	snprintf(b, cap, "%s %s", what, d);
}

/* The layout, with --grouping beating the layout's. */
static struct layout *
load_layout(const struct web_opts *o, struct chart_env *env)
{
	struct layout *l;
	char err[1024];

	if ((l = layout_load(o->layout, err, sizeof(err))) == NULL) {
		fmt_printable(err);
		warnx("%s", err);
		return NULL;
	}
	*env = o->env;
	if (!o->grouping_set && l->grouping >= 0)
		env->grouping = (enum fmt_grouping)l->grouping;
	return l;
}

int
web_dash(const struct web_opts *o)
{
	struct strbuf out = { 0 };
	struct chart_env env;
	struct layout *l;
	char err[1024], st[128];
	int rc;

	if ((l = load_layout(o, &env)) == NULL)
		return 2;
	stamp(st, sizeof(st), "drawn");
	rc = gfx_layout((enum gfx_format)o->format, o->w ? o->w : GFX_DASH_W,
	    o->h ? o->h : GFX_DASH_H, l, o->dir, &env, st, &out, err,
	    sizeof(err));
	layout_free(l);
	gfx_cleanup();
	if (rc == -1) {
		fmt_printable(err);
		warnx("%s", err);
		sb_free(&out);
		return 1;
	}
	return put(o, &out);
}

int
report_run(const struct web_opts *o)
{
	(void)o;
	warnx("report: not yet");
	return 1;
}
