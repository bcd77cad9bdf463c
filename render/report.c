/* Pictures of a chart or a layout, and the daily report: one
 * self-contained HTML (or PDF) file for a mail or a printer. */
#include <err.h>
#include <limits.h>
#include <stdint.h>
#include <strings.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "canvas.h"
#include "chartint.h"
#include "fmt.h"
#include "gfx.h"
#include "layout.h"
#include "util.h"
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

/* CPU seconds used so far. */
static double
cpu_now(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
web_dash(const struct web_opts *o)
{
	struct strbuf out = { 0 };
	struct chart_env env;
	struct layout *l;
	char err[1024], st[128];
	double w0 = 0, c0 = 0, w1 = 0, c1 = 0;
	long i, n = o->frames > 0 ? o->frames : 1;
	int rc = 0;

	if ((l = load_layout(o, &env)) == NULL)
		return 2;
	stamp(st, sizeof(st), "drawn");
	for (i = 0; i < n && rc == 0 && !sig_stop; i++) {
		if (i == 1) {	/* the first picture loads the fonts */
			w0 = now_mono();
			c0 = cpu_now();
		}
		sb_free(&out);
		rc = gfx_layout((enum gfx_format)o->format, o->w ? o->w :
		    GFX_DASH_W, o->h ? o->h : GFX_DASH_H, l, o->dir, &env, st,
		    &out, err, sizeof(err));
	}
	w1 = now_mono();
	c1 = cpu_now();
	layout_free(l);
	gfx_cleanup();
	if (rc == -1) {
		fmt_printable(err);
		warnx("%s", err);
		sb_free(&out);
		return 1;
	}
	if (n > 1)
		fprintf(stderr, "render: %ld pictures after the first: "
		    "%.2f ms wall, %.2f ms CPU each (%zu bytes)\n", n - 1,
		    (w1 - w0) * 1000 / (double)(n - 1), (c1 - c0) * 1000 /
		    (double)(n - 1), out.len);
	return put(o, &out);
}

/* ---- the daily report --------------------------------------------------- */

#define REPORT_CHART_W	760
#define REPORT_CHART_H	400
#define REPORT_ACTIVE	"alerts.active.csv"

static void
base64(struct strbuf *b, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
		q[2] = tab[(p[i + 1] & 15) << 2 | p[i + 2] >> 6];
		q[3] = tab[p[i + 2] & 63];
		sb_add(b, q, 4);
	}
	if (n - i == 1) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4];
		q[2] = q[3] = '=';
		sb_add(b, q, 4);
	} else if (n - i == 2) {
		q[0] = tab[p[i] >> 2];
		q[1] = tab[(p[i] & 3) << 4 | p[i + 1] >> 4];
		q[2] = tab[(p[i + 1] & 15) << 2];
		q[3] = '=';
		sb_add(b, q, 4);
	}
}

/* The cards of a KPI panel as <div class="kpi">s. */
static void
html_kpi(struct strbuf *b, struct chart_spec *s, const struct dtab *t,
    const struct chart_env *env)
{
	char buf[1024], *names[CHART_MAX_CARDS] = { 0 }, v[FMT_BUFSZ], e[256];
	long cols[CHART_MAX_CARDS];
	int n = 0, i;
	size_t c;
	struct fmt_num f;
	double d;

	if (s->value)
		n = chart_split_names(s->value, buf, sizeof(buf), names,
		    CHART_MAX_CARDS);
	for (i = 0; i < n; i++)
		cols[i] = dtab_col(t, names[i]);
	if (n <= 0)
		for (c = 0, n = 0; c < t->ncol && n < CHART_MAX_CARDS; c++)
			if (dtab_numeric(t, c))
				cols[n++] = (long)c;
	for (i = 0; i < n; i++) {
		const char *label = cols[i] < 0 ? names[i] : n == 1 &&
		    s->title ? s->title : t->hdr[cols[i]];
		if (cols[i] < 0 || t->nrow == 0 || dtab_num(t, t->nrow - 1,
		    (size_t)cols[i], &d, e, sizeof(e)) != 0)
			snprintf(v, sizeof(v), "–");
		else {
			chart_numfmt(s, env, chart_col_decimals(s, t, cols[i],
			    0), &f);
			fmt_number(d, &f, v, sizeof(v));
		}
		sb_printf(b, "<div class=\"kpi\"><div class=\"l\">");
		web_html(b, label);
		sb_printf(b, "</div><div class=\"v\">");
		web_html(b, v);
		sb_printf(b, "</div></div>\n");
	}
}

/* Rows of t (all, or those whose column col is / is not want) as a
 * table; the count. */
static int
html_table(struct strbuf *b, const struct dtab *t, long col,
    const char *want, int is)
{
	size_t r, c;
	int n = 0;

	for (r = 0; r < t->nrow; r++) {
		if (col >= 0 && (strcmp(dtab_get(t, r, (size_t)col), want) ==
		    0) != is)
			continue;
		if (n++ == 0) {
			sb_printf(b, "<table><thead><tr>");
			for (c = 0; c < t->ncol; c++) {
				sb_printf(b, "<th>");
				web_html(b, t->hdr[c]);
				sb_printf(b, "</th>");
			}
			sb_printf(b, "</tr></thead><tbody>\n");
		}
		sb_printf(b, "<tr>");
		for (c = 0; c < t->ncol; c++) {
			sb_printf(b, "<td>");
			web_html(b, dtab_get(t, r, c));
			sb_printf(b, "</td>");
		}
		sb_printf(b, "</tr>\n");
	}
	if (n)
		sb_printf(b, "</tbody></table>\n");
	return n;
}

static const char report_css[] =
"body{font-family:'DejaVu Sans',Verdana,sans-serif;color:#222;"
"max-width:1560px;margin:1em auto;padding:0 1em}"
"h1{margin-bottom:0}p.date{color:#555;margin-top:.2em}"
".kpis{display:flex;flex-wrap:wrap;gap:12px}"
".kpi{border:1px solid #ccc;padding:.6em 1.2em;min-width:10em}"
".kpi .l{color:#555}.kpi .v{font-size:1.8em;font-weight:bold}"
"figure{display:inline-block;margin:0 12px 12px 0;border:1px solid #ccc}"
"figure img{display:block;max-width:100%;height:auto}"
"table{border-collapse:collapse;margin:.5em 0}"
"th,td{border-bottom:1px solid #ddd;padding:.25em .8em;text-align:left}"
"th{background:#f2f2f5}p.none{color:#555}";

static int
report_html(const struct web_opts *o, struct layout *l,
    const struct chart_env *env, const char *when, const struct dtab *act,
    const char *acterr, struct strbuf *b)
{
	const char *title = l->title ? l->title : "LiveInsight";
	char err[1024];
	int i, nk = 0;
	long ac = act ? dtab_col(act, "alert") : -1;

	sb_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; img-src data: cid:; style-src "
	    "'unsafe-inline'\">\n<title>");
	web_html(b, title);
	sb_printf(b, " · ");
	web_html(b, when);
	/* sb_printf cuts at 512 bytes: the style goes in by sb_add. */
	sb_printf(b, "</title>\n<style>");
	sb_add(b, report_css, sizeof(report_css) - 1);
	sb_printf(b, "</style></head>\n<body>\n<h1>");
	web_html(b, title);
	sb_printf(b, "</h1>\n<p class=\"date\">");
	web_html(b, when);
	sb_printf(b, "</p>\n<h2>Key figures</h2>\n<div class=\"kpis\">\n");
	for (i = 0; i < l->npanels; i++) {
		struct chart_spec *s = &l->panels[i];
		struct dtab *t;
		if (s->kind != CH_KPI)
			continue;
		nk++;
		if ((t = gfx_load(o->dir, s, err, sizeof(err))) == NULL) {
			sb_printf(b, "<div class=\"kpi\"><div class=\"l\">");
			web_html(b, s->title ? s->title : s->file);
			sb_printf(b, "</div><div class=\"err\">");
			web_html(b, err);
			sb_printf(b, "</div></div>\n");
			continue;
		}
		html_kpi(b, s, t, env);
		dtab_free(t);
	}
	if (nk == 0)
		sb_printf(b, "<p class=\"none\">The layout has no KPI.</p>\n");
	sb_printf(b, "</div>\n<h2>Charts</h2>\n");
	for (i = 0; i < l->npanels; i++) {
		struct chart_spec *s = &l->panels[i];
		struct strbuf png = { 0 };
		struct dtab *t;
		if (s->kind == CH_KPI)
			continue;
		err[0] = '\0';
		t = gfx_load(o->dir, s, err, sizeof(err));
		if (gfx_panel(GFX_PNG, REPORT_CHART_W, REPORT_CHART_H, s, t,
		    err, env, &png, err, sizeof(err)) == -1) {
			dtab_free(t);
			sb_free(&png);
			fmt_printable(err);
			warnx("%s", err);
			return -1;
		}
		dtab_free(t);
		sb_printf(b, "<figure><img width=\"%d\" height=\"%d\" alt=\"",
		    REPORT_CHART_W, REPORT_CHART_H);
		web_html(b, s->title ? s->title : s->file);
		/* On a line of its own: examples/daily-report.sh turns it
		 * into a MIME part. */
		sb_printf(b, "\"\nsrc=\"data:image/png;base64,");
		base64(b, (const unsigned char *)png.p, png.len);
		sb_printf(b, "\"\n></figure>\n");
		sb_free(&png);
	}
	sb_printf(b, "<h2>Active alerts</h2>\n");
	if (act == NULL) {
		sb_printf(b, "<p class=\"none\">");
		web_html(b, acterr);
		sb_printf(b, "</p>\n");
	} else if (html_table(b, act, ac, "reorder", 0) == 0)
		sb_printf(b, "<p class=\"none\">None.</p>\n");
	if (act && ac >= 0) {
		struct strbuf rb = { 0 };
		if (html_table(&rb, act, ac, "reorder", 1) > 0) {
			sb_printf(b, "<h2>Reorder list</h2>\n");
			sb_add(b, rb.p, rb.len);
		}
		sb_free(&rb);
	}
	sb_printf(b, "</body></html>\n");
	if (b->len > 0 && b->p == NULL)
		return -1;
	return 0;
}

/* The rows of t whose alert column is (is) or is not "reorder", as a
 * new table: the PDF draws each list by itself. */
static struct dtab *
subset(const struct dtab *t, int is)
{
	struct dtab *n;
	long ac = dtab_col(t, "alert");
	size_t r, k = 0;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	*n = *t;
	n->name = NULL;
	n->cell = malloc((t->nrow * t->ncol + 1) * sizeof(char *));
	n->line = malloc((t->nrow + 1) * sizeof(uint64_t));
	if (n->cell == NULL || n->line == NULL) {
		free(n->cell);
		free(n->line);
		free(n);
		return NULL;
	}
	for (r = 0; r < t->nrow; r++) {
		if (ac >= 0 && (strcmp(dtab_get(t, r, (size_t)ac), "reorder") ==
		    0) != is)
			continue;
		memcpy(&n->cell[k * t->ncol], &t->cell[r * t->ncol],
		    t->ncol * sizeof(char *));
		n->line[k++] = t->line[r];
	}
	n->nrow = k;
	n->name = t->name;
	return n;
}

/* Free a subset: its arrays only, the strings are the table's. */
static void
subset_free(struct dtab *n)
{
	if (n == NULL)
		return;
	free(n->cell);
	free(n->line);
	free(n);
}

int
report_run(const struct web_opts *o)
{
	struct strbuf out = { 0 };
	struct chart_env env;
	struct layout *l;
	struct dtab *act = NULL, *lists[2] = { NULL, NULL };
	char err[1024], acterr[1024], when[128], path[PATH_MAX];
	const char *dot;
	int pdf, rc = 1;

	if (o->output == NULL) {
		warnx("report: -o FILE is required (.html or .pdf)");
		return 2;
	}
	dot = strrchr(o->output, '.');
	if (o->format == GFX_PDF || (o->format < 0 && dot &&
	    strcasecmp(dot, ".pdf") == 0))
		pdf = 1;
	else if (o->format < 0 && dot && (strcasecmp(dot, ".html") == 0 ||
	    strcasecmp(dot, ".htm") == 0))
		pdf = 0;
	else {
		warnx("report: -o %s: .html or .pdf (or --format pdf)",
		    o->output);
		return 2;
	}
	if ((l = load_layout(o, &env)) == NULL)
		return 2;
	stamp(when, sizeof(when), "Report of");
	snprintf(path, sizeof(path), "%s/%s", o->dir, REPORT_ACTIVE);
	if ((act = dtab_read_path(path, REPORT_ACTIVE, 0, 0, acterr,
	    sizeof(acterr))) == NULL && errno == ENOENT)
		snprintf(acterr, sizeof(acterr), "No %s in %s.", REPORT_ACTIVE,
		    o->dir);
	if (pdf) {
		const char *titles[2] = { "Active alerts", "Reorder list" };
		const struct dtab *tabs[2];
		if (act) {
			lists[0] = subset(act, 0);
			lists[1] = subset(act, 1);
		}
		tabs[0] = lists[0];
		tabs[1] = lists[1];
		if (gfx_report_pdf(o->w ? o->w : 1190, o->h ? o->h : 842, l,
		    o->dir, &env, when, titles, tabs, 2, &out, err,
		    sizeof(err)) == -1) {
			fmt_printable(err);
			warnx("%s", err);
			goto out;
		}
	} else if (report_html(o, l, &env, when, act, acterr, &out) == -1)
		goto out;
	if (out.p == NULL) {
		warnx("report: out of memory");
		goto out;
	}
	rc = put(o, &out);
out:
	sb_free(&out);
	subset_free(lists[0]);
	subset_free(lists[1]);
	dtab_free(act);
	layout_free(l);
	gfx_cleanup();
	return rc;
}
