/* render serve: the dashboard in a browser.  One page, its script and
 * style, each panel as PNG, the state as JSON, and a server-sent-events
 * stream that pushes the state on every tick line, with the PNGs (in
 * base64) of the panels that changed since the stream's last event: a
 * tick costs the browser no request, and a PNG decodes in a fraction of
 * the time Chromium takes to draw cairo's glyph-outline SVG.  Nothing in
 * a request names a file: the URLs are a fixed table, and panels are
 * chosen by number. */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "canvas.h"
#include "cli.h"
#include "contract.h"
#include "chartint.h"
#include "gfx.h"
#include "layout.h"
#include "readfile.h"
#include "series.h"
#include "util.h"
#include "web.h"

#define SERVE_MAX_CONN		16	/* connections at once */
#define SERVE_MAX_REQUEST	8192	/* bytes of a request's head */
#define SERVE_TIMEOUT		60	/* seconds an idle connection lives */
#define SERVE_KEEPALIVE		15	/* seconds between SSE comments */
#define SERVE_TABLE_ROWS	50	/* rows of a table panel in JSON */
#define TICK_LINE_MAX		4096

/* ---- state -------------------------------------------------------------- */

struct srv {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	unsigned long gen;	/* bumped on every new state */
	int stopping;
	struct strbuf state;	/* the state as JSON, one line */
	struct strbuf png[LAYOUT_MAX_PANELS];	/* each panel */
	struct strbuf png64[LAYOUT_MAX_PANELS];	/* the same, a JSON string */
	unsigned long pver[LAYOUT_MAX_PANELS];	/* gen of each png[] */
	struct strbuf page;	/* the HTML page */
	char host[80], host_lo[80];	/* Host headers taken */
	int any_host;
	/* The main thread's alone: */
	struct layout *l;
	struct chart_env env;
	const struct web_opts *o;
	int pw[LAYOUT_MAX_PANELS], ph[LAYOUT_MAX_PANELS];
	struct contract_tick_reader treader;
	char tick[24], rows[24], ttime[CONTRACT_TIME_MAX];
	unsigned long ver[LAYOUT_MAX_PANELS];	/* gen of each panel's PNG */
	uint64_t hash[LAYOUT_MAX_PANELS];	/* of what it was drawn from */
};

/* FNV-1a over len bytes, from h. */
static uint64_t
fnv(uint64_t h, const void *p, size_t len)
{
	const unsigned char *c = p;

	while (len--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

/* A hash of what panel s is drawn from: its table (or the error), and
 * the KPI values it compares with.  cairo's SVG differs from one drawing
 * to the next (its ids count up), so the input is compared instead. */
static uint64_t
panel_hash(const struct chart_spec *s, const struct dtab *t, const char *err)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	h = fnv(h, &s->nprev, sizeof(s->nprev));
	h = fnv(h, s->prev, sizeof(s->prev[0]) * (size_t)s->nprev);
	if (t == NULL)
		return fnv(h, err, strlen(err) + 1);
	for (i = 0; i < t->ncol; i++)
		h = fnv(h, t->hdr[i], strlen(t->hdr[i]) + 1);
	for (i = 0; i < t->nrow * t->ncol; i++)
		h = fnv(h, t->cell[i], strlen(t->cell[i]) + 1);
	return h;
}

/* Append s as a JSON string: valid UTF-8 (gfx_clean), with quotes,
 * backslashes, controls and '<' escaped. */
static void
json_str(struct strbuf *b, const char *s)
{
	char clean[1024];
	const char *p;
	size_t n = gfx_clean(s, strlen(s), clean, sizeof(clean));

	sb_add(b, "\"", 1);
	for (p = clean; p < clean + n; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			sb_printf(b, "\\u%04x", c);
		else
			sb_add(b, p, 1);
	}
	sb_add(b, "\"", 1);
}

void
web_html(struct strbuf *b, const char *s)
{
	char clean[1024];
	const char *p;
	size_t n = gfx_clean(s, strlen(s), clean, sizeof(clean));

	for (p = clean; p < clean + n; p++)
		switch (*p) {
		case '<':
			sb_add(b, "&lt;", 4);
			break;
		case '>':
			sb_add(b, "&gt;", 4);
			break;
		case '&':
			sb_add(b, "&amp;", 5);
			break;
		case '"':
			sb_add(b, "&quot;", 6);
			break;
		case '\'':
			sb_add(b, "&#39;", 5);
			break;
		default:
			sb_add(b, p, 1);
		}
}

/* Append the len bytes at s as a JSON string in base64. */
static void
json_base64(struct strbuf *b, const unsigned char *s, size_t len)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	char q[4];
	size_t i;

	sb_add(b, "\"", 1);
	for (i = 0; i + 2 < len; i += 3) {
		q[0] = a[s[i] >> 2];
		q[1] = a[(s[i] & 3) << 4 | s[i + 1] >> 4];
		q[2] = a[(s[i + 1] & 15) << 2 | s[i + 2] >> 6];
		q[3] = a[s[i + 2] & 63];
		sb_add(b, q, 4);
	}
	if (i < len) {
		q[0] = a[s[i] >> 2];
		q[1] = a[(s[i] & 3) << 4 | (i + 1 < len ? s[i + 1] >> 4 : 0)];
		q[2] = i + 1 < len ? a[(s[i + 1] & 15) << 2] : '=';
		q[3] = '=';
		sb_add(b, q, 4);
	}
	sb_add(b, "\"", 1);
}

static void
json_num(struct strbuf *b, double v)
{
	if (isfinite(v))
		sb_printf(b, "%.17g", v);
	else
		sb_add(b, "null", 4);
}

/* One labelled value of a panel: {"label":..,"value":..,"text":..}. */
static void
json_item(struct strbuf *b, int first, const char *label, double v,
    const struct fmt_num *f)
{
	char t[FMT_BUFSZ];

	fmt_number(v, f, t, sizeof(t));
	sb_printf(b, "%s{\"label\":", first ? "" : ",");
	json_str(b, label);
	sb_add(b, ",\"value\":", 9);
	json_num(b, v);
	sb_add(b, ",\"text\":", 8);
	json_str(b, t);
	sb_add(b, "}", 1);
}

/* The data of panel s of table t: the numbers the picture shows. */
static int
json_data(struct strbuf *b, struct chart_spec *s, const struct dtab *t,
    const struct chart_env *env, char *err, size_t errlen)
{
	struct fmt_num f;
	size_t i, n, nit;
	int dec, owned;

	switch (s->kind) {
	case CH_BAR:
	case CH_HBAR:
	case CH_SHARE: {
		struct item *it;
		if ((owned = chart_items(s, t, &it, &nit, &dec, err,
		    errlen)) < 0)
			return -1;
		n = s->top > 0 && nit > (size_t)s->top ? (size_t)s->top : nit;
		chart_numfmt(s, env, dec, &f);
		sb_add(b, ",\"items\":[", 10);
		for (i = 0; i < n; i++)
			json_item(b, i == 0, it[i].label, it[i].v, &f);
		sb_add(b, "]", 1);
		chart_items_free(it, nit, owned);
		return 0;
	}
	case CH_LINE:
	case CH_SPARK: {
		struct seriesset ss;
		if (ss_get(s, t, &ss, s->kind == CH_LINE, err, errlen) == -1)
			return -1;
		chart_numfmt(s, env, ss.dec, &f);
		sb_add(b, ",\"items\":[", 10);
		for (i = 0; i < ss.ns; i++) {	/* the last known value */
			double v = NAN;
			size_t j;
			for (j = ss.s[i].n; j > 0; j--)
				if (!isnan(ss.s[i].y[j - 1])) {
					v = ss.s[i].y[j - 1];
					break;
				}
			json_item(b, i == 0, ss.s[i].name, v, &f);
		}
		sb_add(b, "]", 1);
		ss_free(&ss);
		return 0;
	}
	case CH_KPI: {
		char buf[1024], *names[CHART_MAX_CARDS];
		int nv = 0, k;
		long c;
		double v;
		if (s->value)
			nv = chart_split_names(s->value, buf, sizeof(buf),
			    names, CHART_MAX_CARDS);
		sb_add(b, ",\"items\":[", 10);
		for (k = 0; k < nv && t->nrow > 0; k++) {
			if ((c = dtab_col(t, names[k])) < 0)
				continue;
			if (dtab_num(t, t->nrow - 1, (size_t)c, &v, err,
			    errlen) != 0)
				v = NAN;
			chart_numfmt(s, env, chart_col_decimals(s, t, c, 0),
			    &f);
			json_item(b, k == 0, nv == 1 && s->title ? s->title :
			    names[k], v, &f);
		}
		sb_add(b, "]", 1);
		return 0;
	}
	default: {	/* table, alerts: the last rows as text */
		size_t r, c, from = t->nrow > SERVE_TABLE_ROWS ?
		    t->nrow - SERVE_TABLE_ROWS : 0;
		sb_add(b, ",\"columns\":[", 12);
		for (c = 0; c < t->ncol; c++) {
			if (c)
				sb_add(b, ",", 1);
			json_str(b, t->hdr[c]);
		}
		sb_add(b, "],\"rows\":[", 10);
		for (r = from; r < t->nrow; r++) {
			sb_add(b, r == from ? "[" : ",[", r == from ? 1 : 2);
			for (c = 0; c < t->ncol; c++) {
				if (c)
					sb_add(b, ",", 1);
				json_str(b, dtab_get(t, r, c));
			}
			sb_add(b, "]", 1);
		}
		sb_add(b, "]", 1);
		return 0;
	}
	}
}

/* Take a tick line through the tick contract (lib/contract.h), as the
 * terminal dashboard does: 1 when it was a tick, 0 for a header or a
 * blank line, -1 (with a message at -v) for a bad line. */
static int
take_tick(struct srv *v, const char *line)
{
	char buf[TICK_LINE_MAX], err[256];
	struct csvio_field f[32];
	struct contract_tick t;
	size_t nf, len = strlen(line);
	int rc;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, line, len + 1);
	if (contract_split(buf, f, sizeof(f) / sizeof(f[0]), &nf) == -1)
		return -1;
	if (nf == 0)
		return 0;
	rc = contract_tick_read(&v->treader, f, nf, &t, err, sizeof(err));
	if (rc == 1) {
		snprintf(v->tick, sizeof(v->tick), "%llu",
		    (unsigned long long)t.tick);
		if (t.have & (1u << CT_ROWS))
			snprintf(v->rows, sizeof(v->rows), "%llu",
			    (unsigned long long)t.rows);
		else
			v->rows[0] = '\0';
		snprintf(v->ttime, sizeof(v->ttime), "%s", t.time);
	} else if (rc < 0) {
		fmt_printable(err);
		cli_log(CLI_INFO, "ticks: %s", err);
	}
	return rc;
}

/* Read every panel and make the next state: the JSON and the PNGs of the
 * panels whose data changed. */
static void
srv_update(struct srv *v)
{
	struct strbuf js = { 0 }, png[LAYOUT_MAX_PANELS];
	struct strbuf png64[LAYOUT_MAX_PANELS];
	char err[512], status[256];
	int i;

	memset(png, 0, sizeof(png));
	memset(png64, 0, sizeof(png64));
	if (v->tick[0])
		snprintf(status, sizeof(status), "tick %s · %s rows · %s",
		    v->tick, v->rows[0] ? v->rows : "?", v->ttime);
	else
		snprintf(status, sizeof(status), "waiting for ticks");
	sb_add(&js, "{\"tick\":", 8);
	json_str(&js, v->tick);
	sb_add(&js, ",\"status\":", 10);
	json_str(&js, status);
	sb_add(&js, ",\"panels\":[", 11);
	for (i = 0; i < v->l->npanels; i++) {
		struct chart_spec *s = &v->l->panels[i];
		struct dtab *t;
		char perr[512];

		uint64_t h;

		err[0] = '\0';
		t = gfx_load(v->o->dir, s, err, sizeof(err));
		/* A panel of the same data keeps its picture and version: the
		 * page gets only the pictures that changed. */
		h = panel_hash(s, t, err);
		if (v->ver[i] == 0 || h != v->hash[i]) {
			if (gfx_panel(GFX_PNG, v->pw[i], v->ph[i], s, t, err,
			    &v->env, &png[i], perr, sizeof(perr)) == -1) {
				fmt_printable(perr);
				cli_log(CLI_INFO, "panel %d: %s", i, perr);
				sb_free(&png[i]);
			}
			json_base64(&png64[i], (unsigned char *)png[i].p,
			    png[i].len);
			v->ver[i] = v->gen + 1;
			v->hash[i] = h;
		}
		sb_printf(&js, "%s{\"id\":%d,\"v\":%lu,\"kind\":\"%s\","
		    "\"title\":", i ? "," : "", i, v->ver[i],
		    chart_kind_names[s->kind]);
		json_str(&js, s->title ? s->title : s->file);
		if (t && json_data(&js, s, t, &v->env, err, sizeof(err)) == 0)
			err[0] = '\0';
		else if (err[0] == '\0')
			snprintf(err, sizeof(err), "%s: cannot read", s->file);
		if (err[0]) {
			sb_add(&js, ",\"error\":", 9);
			json_str(&js, err);
		}
		sb_add(&js, "}", 1);
		dtab_free(t);
	}
	sb_add(&js, "]", 1);
	pthread_mutex_lock(&v->mu);
	v->gen++;
	sb_printf(&js, ",\"gen\":%lu,\"t\":%.1f}", v->gen, now_wall() * 1000);
	sb_free(&v->state);
	v->state = js;
	for (i = 0; i < v->l->npanels; i++) {
		if (png64[i].p == NULL)
			continue;	/* unchanged */
		sb_free(&v->png[i]);
		v->png[i] = png[i];
		sb_free(&v->png64[i]);
		v->png64[i] = png64[i];
		v->pver[i] = v->gen;
	}
	pthread_cond_broadcast(&v->cond);
	pthread_mutex_unlock(&v->mu);
}

/* ---- the page ----------------------------------------------------------- */

static const char app_js[] =
"'use strict';\n"
"// LiveInsight: the state comes on /events, one JSON object per tick.\n"
"const shown = [];\n"
"window.liShown = shown;\n"
"function cell(tr, text, cls) {\n"
"  const td = document.createElement('td');\n"
"  td.textContent = text;\n"
"  if (cls) td.className = cls;\n"
"  tr.appendChild(td);\n"
"}\n"
"function fill(fig, p) {\n"
"  const tb = fig.querySelector('tbody');\n"
"  const rows = [];\n"
"  if (p.items) for (const it of p.items) {\n"
"    const tr = document.createElement('tr');\n"
"    cell(tr, it.label, 'label');\n"
"    cell(tr, it.text, 'value');\n"
"    tr.dataset.value = it.value === null ? '' : String(it.value);\n"
"    rows.push(tr);\n"
"  }\n"
"  if (p.rows) for (const r of p.rows.slice(-10)) {\n"
"    const tr = document.createElement('tr');\n"
"    for (const c of r) cell(tr, c, '');\n"
"    rows.push(tr);\n"
"  }\n"
"  tb.replaceChildren(...rows);\n"
"  fig.querySelector('.err').textContent = p.error || '';\n"
"}\n"
"const now = () => performance.timeOrigin + performance.now();\n"
"// A changed panel comes in the event as a PNG in base64: shown once\n"
"// decoded, with no request.\n"
"function draw(fig, b64) {\n"
"  const img = fig.querySelector('img');\n"
"  if (b64 === '') { img.removeAttribute('src'); return null; }\n"
"  img.src = 'data:image/png;base64,' + b64;\n"
"  return img.decode().catch(() => {});\n"
"}\n"
"const es = new EventSource('/events');\n"
"es.onmessage = (ev) => {\n"
"  const got = now();\n"
"  const st = JSON.parse(ev.data);\n"
"  document.getElementById('status').textContent = st.status;\n"
"  const loads = [];\n"
"  for (const p of st.panels) {\n"
"    const fig = document.getElementById('p' + p.id);\n"
"    if (!fig) continue;\n"
"    fill(fig, p);\n"
"    if (st.png && typeof st.png[p.id] === 'string')\n"
"      loads.push(draw(fig, st.png[p.id]));\n"
"  }\n"
"  // Shown (window.liShown, which the benchmark reads): the first task\n"
"  // after the rendering step of the frame that follows the decoding.\n"
"  Promise.all(loads).then(() => {\n"
"    const decoded = now();\n"
"    requestAnimationFrame(() => setTimeout(() => {\n"
"      shown.push([st.tick, now(), got, st.t, decoded]);\n"
"      if (st.gen < Number(document.body.dataset.gen || 0)) return;\n"
"      document.body.dataset.gen = String(st.gen);\n"
"      document.body.dataset.tick = st.tick;\n"
"    }, 0));\n"
"  });\n"
"};\n"
"es.onerror = () => { document.getElementById('status').textContent ="
" 'disconnected: retrying'; };\n";

static const char app_css[] =
"body{margin:0;background:#f2f2f5;color:#222;"
"font-family:'DejaVu Sans',sans-serif}\n"
"header{display:flex;justify-content:space-between;align-items:center;"
"background:#222;color:#fff;padding:.5em 1em}\n"
"header h1{font-size:1.3em;margin:0}\n"
"#status{color:#ddd}\n"
".row{display:flex;gap:8px;margin:8px}\n"
"figure{margin:0;background:#fff;min-width:0}\n"
"figure img{width:100%;height:auto;display:block}\n"
"figcaption{position:absolute;left:-10000px}\n"
"details{font-size:.85em;padding:0 .6em .4em}\n"
"td.value{text-align:right;font-variant-numeric:tabular-nums}\n"
".err{color:#d55e00}\n"
".w1{flex:1}.w2{flex:2}.w3{flex:3}.w4{flex:4}.w5{flex:5}.w6{flex:6}"
".w7{flex:7}.w8{flex:8}.w9{flex:9}.w10{flex:10}.w11{flex:11}"
".w12{flex:12}.w13{flex:13}.w14{flex:14}.w15{flex:15}.w16{flex:16}\n";

static void
make_page(struct srv *v)
{
	struct strbuf *b = &v->page;
	const struct layout *l = v->l;
	int i, j;

	sb_printf(b, "%s", "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\"><title>");
	web_html(b, l->title ? l->title : "LiveInsight");
	sb_printf(b, "</title><link rel=\"stylesheet\" href=\"/app.css\">"
	    "<script src=\"/app.js\" defer></script></head>\n<body>"
	    "<header><h1>");
	web_html(b, l->title ? l->title : "LiveInsight");
	sb_printf(b, "</h1><span id=\"status\">connecting</span></header>\n");
	for (i = 0; i < l->nrows; i++) {
		const struct layout_row *r = &l->rows[i];
		sb_printf(b, "<div class=\"row\">\n");
		for (j = 0; j < r->n; j++) {
			int p = r->first + j;
			const struct chart_spec *s = &l->panels[p];
			sb_printf(b, "<figure id=\"p%d\" class=\"w%d\">", p,
			    s->weight < 1 ? 1 : s->weight > 16 ? 16 :
			    s->weight);
			sb_printf(b, "<img width=\"%d\" height=\"%d\" alt=\"",
			    v->pw[p], v->ph[p]);
			web_html(b, s->title ? s->title : s->file);
			sb_printf(b, "\"><details><summary class=\"title\">");
			web_html(b, s->title ? s->title : s->file);
			sb_printf(b, "</summary><table><tbody></tbody></table>"
			    "</details><p class=\"err\"></p></figure>\n");
		}
		sb_printf(b, "</div>\n");
	}
	sb_printf(b, "</body></html>\n");
}

/* Each panel's size in the 1600-wide layout picture: its PNG's. */
static void
panel_sizes(struct srv *v)
{
	const struct layout *l = v->l;
	double fixed = 0, wsum = 0, avail = 900, left;
	int i, j;

	for (i = 0; i < l->nrows; i++) {
		if (l->rows[i].height)
			fixed += l->rows[i].height * 24;
		else
			wsum += l->rows[i].weight;
	}
	left = avail - fixed > 200 ? avail - fixed : 200;
	for (i = 0; i < l->nrows; i++) {
		const struct layout_row *r = &l->rows[i];
		int ws = 0, h = l->rows[i].height ? l->rows[i].height * 24 :
		    (int)(left * l->rows[i].weight / (wsum > 0 ? wsum : 1));
		if (h < 120)
			h = 120;
		for (j = 0; j < r->n; j++)
			ws += l->panels[r->first + j].weight;
		for (j = 0; j < r->n; j++) {
			int p = r->first + j;
			v->pw[p] = (int)(1560.0 * l->panels[p].weight /
			    (ws > 0 ? ws : 1));
			if (v->pw[p] < 160)
				v->pw[p] = 160;
			v->ph[p] = h;
		}
	}
}

/* ---- HTTP --------------------------------------------------------------- */

static const char csp[] = "default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static enum MHD_Result
http_send(struct MHD_Connection *c, unsigned status, const char *type,
    const void *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return http_send(c, status, "text/plain; charset=utf-8", msg, strlen(msg));
}

/* A copy of buf taken under the lock, then sent. */
static enum MHD_Result
send_locked(struct srv *v, struct MHD_Connection *c, const char *type,
    const struct strbuf *buf)
{
	char *copy;
	size_t len;
	enum MHD_Result ret;

	pthread_mutex_lock(&v->mu);
	len = buf->len;
	copy = malloc(len + 1);
	if (copy && len)
		memcpy(copy, buf->p, len);
	pthread_mutex_unlock(&v->mu);
	if (copy == NULL)
		return send_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no memory\n");
	ret = http_send(c, MHD_HTTP_OK, type, copy, len);
	free(copy);
	return ret;
}

/* The event stream of one connection. */
struct stream {
	struct srv *v;
	unsigned long seen;	/* the generation last sent */
	char *msg;		/* what is being sent */
	size_t len, off;
};

/* The event for a stream that has seen generation seen: the state, and
 * "png": each panel that changed since, by number, in base64 (all of
 * them for a new stream).  Called under v->mu.  Returns a string of *len
 * bytes for the caller to free, or NULL on ENOMEM. */
static char *
sse_message(struct srv *v, unsigned long seen, size_t *len)
{
	struct strbuf b = { 0 };
	int i, n = 0;

	sb_add(&b, "data: ", 6);
	sb_add(&b, v->state.p, v->state.len - 1);	/* without its '}' */
	sb_add(&b, ",\"png\":{", 8);
	for (i = 0; i < v->l->npanels; i++) {
		if (v->pver[i] <= seen || v->png64[i].p == NULL)
			continue;
		sb_printf(&b, "%s\"%d\":", n++ ? "," : "", i);
		sb_add(&b, v->png64[i].p, v->png64[i].len);
	}
	if (sb_add(&b, "}}\n\n", 4) == -1) {
		sb_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.p;
}

static ssize_t
sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	struct srv *v = st->v;
	size_t n;

	(void)pos;
	if (st->off == st->len) {
		struct timespec until;

		free(st->msg);
		st->msg = NULL;
		st->len = st->off = 0;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += SERVE_KEEPALIVE;
		pthread_mutex_lock(&v->mu);
		while (!v->stopping && v->gen == st->seen)
			if (pthread_cond_timedwait(&v->cond, &v->mu,
			    &until) == ETIMEDOUT)
				break;
		if (v->stopping) {
			pthread_mutex_unlock(&v->mu);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (v->gen != st->seen) {
			st->msg = sse_message(v, st->seen, &st->len);
			st->seen = v->gen;
		} else if ((st->msg = strdup(": keepalive\n\n")) != NULL)
			st->len = strlen(st->msg);
		pthread_mutex_unlock(&v->mu);
		if (st->msg == NULL)
			return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	n = st->len - st->off < max ? st->len - st->off : max;
	memcpy(buf, st->msg + st->off, n);
	st->off += n;
	return (ssize_t)n;
}

static void
sse_free(void *cls)
{
	struct stream *st = cls;

	free(st->msg);
	free(st);
}

static enum MHD_Result
send_events(struct srv *v, struct MHD_Connection *c)
{
	struct MHD_Response *r;
	struct stream *st;
	enum MHD_Result ret;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		return MHD_NO;
	st->v = v;
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
	    sse_read, st, sse_free);
	if (r == NULL) {
		free(st);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "text/event-stream");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* "/panel/N.png": N, or -1. */
static int
panel_of(const char *url, int npanels)
{
	const char *p = url + 7;
	long n = 0;

	if (strncmp(url, "/panel/", 7) != 0 || *p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9' && n < 1000; p++)
		n = n * 10 + (*p - '0');
	if (strcmp(p, ".png") != 0 || n >= npanels)
		return -1;
	return (int)n;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct srv *v = cls;
	const char *host;
	int p;

	(void)version;
	(void)upload;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "read-only: GET and HEAD only\n");
	if (*con_cls == NULL) {	/* the head: refuse a body */
		*con_cls = v;
		if (MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    "Content-Length") || MHD_lookup_connection_value(c,
		    MHD_HEADER_KIND, "Transfer-Encoding"))
			return send_text(c, MHD_HTTP_CONTENT_TOO_LARGE,
			    "no request body taken\n");
		/* Answered on the next call, once the request is whole: an
		 * answer queued earlier closes the connection. */
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	/* A page on another name (DNS rebinding) gets nothing. */
	host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	if (!v->any_host && (host == NULL || (strcmp(host, v->host) != 0 &&
	    strcmp(host, v->host_lo) != 0)))
		return send_text(c, MHD_HTTP_MISDIRECTED_REQUEST,
		    "unknown host\n");
	if (strcmp(url, "/") == 0)
		return send_locked(v, c, "text/html; charset=utf-8",
		    &v->page);
	if (strcmp(url, "/app.js") == 0)
		return http_send(c, MHD_HTTP_OK, "text/javascript; charset=utf-8",
		    app_js, sizeof(app_js) - 1);
	if (strcmp(url, "/app.css") == 0)
		return http_send(c, MHD_HTTP_OK, "text/css; charset=utf-8",
		    app_css, sizeof(app_css) - 1);
	if (strcmp(url, "/state.json") == 0)
		return send_locked(v, c, "application/json", &v->state);
	if (strcmp(url, "/events") == 0)
		return send_events(v, c);
	if ((p = panel_of(url, v->l->npanels)) >= 0)
		return send_locked(v, c, "image/png", &v->png[p]);
	return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* ---- main loop ---------------------------------------------------------- */

/* "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6) into sa. */
static int
parse_listen(const char *s, struct sockaddr_storage *sa)
{
	char addr[INET6_ADDRSTRLEN + 8];
	const char *colon = strrchr(s, ':'), *a = s;
	size_t len;
	long long port;
	int v6 = s[0] == '[';

	if (colon == NULL)
		return -1;
	len = (size_t)(colon - s);
	if (v6) {	/* "[...]" just before the colon */
		if (len < 2 || s[len - 1] != ']')
			return -1;
		a = s + 1;
		len -= 2;
	}
	if (len >= sizeof(addr))
		return -1;
	memcpy(addr, a, len);
	addr[len] = '\0';
	if (parse_long(colon + 1, 0, 65535, &port) == -1)
		return -1;
	memset(sa, 0, sizeof(*sa));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1 ? 0 : -1;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return inet_pton(AF_INET, addr, &s4->sin_addr) == 1 ? 0 : -1;
	}
}

int
serve_run(const struct web_opts *o)
{
	struct srv v;
	struct sockaddr_storage sa;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *di;
	char ebuf[1024], line[TICK_LINE_MAX], addr[INET6_ADDRSTRLEN];
	size_t fill = 0;
	int fd = -1, i, rc = 1, port, v6;
	const char *listen = o->listen ? o->listen : "127.0.0.1:8080";

	memset(&v, 0, sizeof(v));
	pthread_mutex_init(&v.mu, NULL);
	pthread_cond_init(&v.cond, NULL);
	v.o = o;
	contract_tick_reader_init(&v.treader);
	if (parse_listen(listen, &sa) == -1) {
		warnx("--listen: not ADDR:PORT or [ADDR]:PORT (IPv6): '%s'",
		    listen);
		return 2;
	}
	v6 = sa.ss_family == AF_INET6;
	if ((v.l = layout_load(o->layout, ebuf, sizeof(ebuf))) == NULL) {
		fmt_printable(ebuf);
		warnx("%s", ebuf);
		return 2;
	}
	v.env = o->env;
	if (!o->grouping_set && v.l->grouping >= 0)
		v.env.grouping = (enum fmt_grouping)v.l->grouping;
	/* Ticks: a file or FIFO, '-' or (not a terminal) standard input. */
	if (o->ticks && strcmp(o->ticks, "-") != 0) {
		if ((fd = li_open_input(o->ticks, LI_IN_FIFO, ebuf,
		    sizeof(ebuf))) < 0) {
			fmt_printable(ebuf);
			warnx("%s", ebuf);
			goto out;
		}
	} else if (o->ticks || !isatty(STDIN_FILENO))
		fd = STDIN_FILENO;
	if (fd >= 0)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (sig_install() == -1)
		err(1, "signals");
	panel_sizes(&v);
	make_page(&v);
	srv_update(&v);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL |
	    (v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
	    handle, &v,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONN,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_MAX_REQUEST,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_TIMEOUT,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
	    MHD_OPTION_END);
	if (d == NULL) {
		warnx("--listen %s: cannot listen (in use, or not an "
		    "address of this machine)", listen);
		goto out;
	}
	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (v6) {
		const struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;
		port = di ? di->port : ntohs(s6->sin6_port);
		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		/* The Host header of an IPv6 address is bracketed. */
		snprintf(v.host, sizeof(v.host), "[%s]:%d", addr, port);
		v.any_host = IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr);
	} else {
		const struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
		port = di ? di->port : ntohs(s4->sin_port);
		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		snprintf(v.host, sizeof(v.host), "%s:%d", addr, port);
		v.any_host = s4->sin_addr.s_addr == htonl(INADDR_ANY);
	}
	snprintf(v.host_lo, sizeof(v.host_lo), "localhost:%d", port);
	cli_log(CLI_INFO, "serving http://%s/", v.host);
	while (!sig_stop) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		ssize_t k;
		char *nl;

		if (poll(&pf, fd >= 0 ? 1 : 0, 100) <= 0)
			continue;
		k = read(fd, line + fill, sizeof(line) - 1 - fill);
		if (k == 0) {	/* no more ticks: serve what there is */
			struct stat sb;
			int fifo = fd != STDIN_FILENO && fstat(fd, &sb) == 0 &&
			    S_ISFIFO(sb.st_mode);
			if (fd != STDIN_FILENO)
				close(fd);
			fd = -1;
			fill = 0;
			/* A named FIFO waits for its next writer. */
			if (fifo && (fd = li_open_input(o->ticks, LI_IN_FIFO,
			    ebuf, sizeof(ebuf))) >= 0)
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) |
				    O_NONBLOCK);
			continue;
		}
		if (k < 0)
			continue;
		fill += (size_t)k;
		line[fill] = '\0';
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			if (take_tick(&v, line) == 1)
				srv_update(&v);
			fill -= (size_t)(nl + 1 - line);
			memmove(line, nl + 1, fill + 1);
		}
		if (fill == sizeof(line) - 1)	/* too long: drop it */
			fill = 0;
	}
	rc = 0;
out:
	pthread_mutex_lock(&v.mu);
	v.stopping = 1;
	pthread_cond_broadcast(&v.cond);
	pthread_mutex_unlock(&v.mu);
	if (d)
		MHD_stop_daemon(d);
	if (fd > STDIN_FILENO)
		close(fd);
	for (i = 0; i < LAYOUT_MAX_PANELS; i++) {
		sb_free(&v.png[i]);
		sb_free(&v.png64[i]);
	}
	sb_free(&v.state);
	sb_free(&v.page);
	layout_free(v.l);
	gfx_cleanup();
	return rc;
}
