/* Numbers, JSON and the Nagios status line, always well formed; see
 * outfmt.h. */
#include "outfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*=== numbers and UTF-8 =======================================================*/

const char *
out_num(double v, char *buf, size_t cap)
{
	char *p;

	if (cap == 0)
		return buf;
	if (isnan(v)) {
		buf[0] = '\0';
		return buf;
	}
	if (isinf(v)) {
		snprintf(buf, cap, "%s", v > 0 ? "inf" : "-inf");
		return buf;
	}
	if (fabs(v) >= 1e15) {
		/* %.2f of 1e300 is 304 characters: never cut a number. */
		snprintf(buf, cap, "%.17g", v);
		return buf;
	}
	snprintf(buf, cap, "%.2f", v);
	if ((p = strchr(buf, '.')) != NULL) {
		p += strlen(p) - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, cap, "0");
	return buf;
}

static int
is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t
out_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)		/* a continuation byte, or an overlong lead */
		return 0;
	if (c < 0xE0)
		return n >= 2 && is_cont(s[1]) ? 2 : 0;
	if (c < 0xF0) {
		if (n < 3 || !is_cont(s[1]) || !is_cont(s[2]))
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) ||	/* overlong */
		    (c == 0xED && s[1] >= 0xA0))	/* a surrogate */
			return 0;
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || !is_cont(s[1]) || !is_cont(s[2]) ||
		    !is_cont(s[3]))
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) ||	/* overlong */
		    (c == 0xF4 && s[1] >= 0x90))	/* above U+10FFFF */
			return 0;
		return 4;
	}
	return 0;
}

int
out_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = out_utf8_seq(p + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

size_t
out_utf8_cut(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = len, want;

	/* Back over at most three continuation bytes to their lead. */
	while (i > 0 && len - i < 3 && is_cont(p[i - 1]))
		i--;
	if (i == 0 || p[i - 1] < 0xC2 || p[i - 1] >= 0xF5)
		return len;
	i--;
	want = p[i] < 0xE0 ? 2 : p[i] < 0xF0 ? 3 : 4;
	return i + want > len ? i : len;
}

void
out_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (cap == 0)
		return;
	if (n >= cap)
		n = out_utf8_cut(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*=== JSON ======================================================================*/

int
out_json_str(char *buf, size_t cap, size_t *len, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = *len, n = strlen(s), i = 0, k;

	/* Worst case per input byte: \u00XX. */
	if (o >= cap || cap - o < 3)
		return -1;
	if (n < (cap - o - 3) / 6)
		goto fits;
	{
		/* Measure first: never leave half a string behind. */
		size_t need = 2;
		while (i < n) {
			k = out_utf8_seq(p + i, n - i);
			if (k == 0) {
				need += 3;
				k = 1;
			} else if (k == 1) {
				need += p[i] < 0x20 || p[i] == 0x7F ? 6 :
				    p[i] == '"' || p[i] == '\\' ? 2 : 1;
			} else {
				need += k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0 ?
				    6 : k;
			}
			i += k;
		}
		if (o + need + 1 > cap)
			return -1;
		i = 0;
	}
fits:
	buf[o++] = '"';
	while (i < n) {
		unsigned c = p[i];

		k = out_utf8_seq(p + i, n - i);
		if (k == 0) {
			/* Not UTF-8: U+FFFD REPLACEMENT CHARACTER. */
			memcpy(buf + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		if (k == 2 && c == 0xC2 && p[i + 1] < 0xA0)
			c = p[i + 1];	/* a C1 control: escaped below */
		else if (k > 1) {
			memcpy(buf + o, p + i, k);
			o += k;
			i += k;
			continue;
		}
		i += k;
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			buf[o++] = '\\';
			buf[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c >= 0x7F) {
			memcpy(buf + o, "\\u00", 4);
			buf[o + 4] = hex[c >> 4];
			buf[o + 5] = hex[c & 15];
			o += 6;
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	*len = o;
	return 0;
}

/* 1 when s is a JSON number. */
static int
json_number(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (*p >= '0' && *p <= '9')
			p++;
	else
		return 0;
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static int
lit(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > cap)
		return -1;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return 0;
}

size_t
out_json_event(const struct hook_event *ev, char *buf, size_t cap)
{
	size_t n = 0;

	if (lit(buf, cap, &n, "{\"time\":") == -1 ||
	    out_json_str(buf, cap, &n, ev->time) == -1 ||
	    lit(buf, cap, &n, ",\"status\":") == -1 ||
	    out_json_str(buf, cap, &n, ev->status) == -1 ||
	    lit(buf, cap, &n, ",\"alert\":") == -1 ||
	    out_json_str(buf, cap, &n, ev->name) == -1 ||
	    lit(buf, cap, &n, ",\"severity\":") == -1 ||
	    out_json_str(buf, cap, &n, ev->severity) == -1 ||
	    lit(buf, cap, &n, ",\"key\":") == -1 ||
	    out_json_str(buf, cap, &n, ev->key) == -1 ||
	    lit(buf, cap, &n, ",\"value\":") == -1 ||
	    lit(buf, cap, &n, json_number(ev->value) ? ev->value : "null") ==
	    -1 ||
	    lit(buf, cap, &n, ",\"message\":") == -1 ||
	    out_json_str(buf, cap, &n, ev->message) == -1 ||
	    lit(buf, cap, &n, "}\n") == -1) {
		if (cap > 0)
			buf[0] = '\0';
		return 0;
	}
	return n;
}

/*=== the Nagios status line ==================================================*/

#define NAG_LABEL_MAX	400	/* bytes of a label's text, before quoting */

struct nagios {
	char *list, *perf, *line, *notes;
	size_t llen, plen, nlen, cap;
	int lcut;
	size_t cnt[4];
};

struct nagios *
nag_new(size_t max)
{
	struct nagios *n = calloc(1, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->cap = max / 2 > 256 ? max / 2 : 256;
	n->list = malloc(n->cap);
	n->perf = malloc(n->cap);
	n->notes = malloc(n->cap);
	if (n->list == NULL || n->perf == NULL || n->notes == NULL) {
		nag_free(n);
		return NULL;
	}
	n->list[0] = n->perf[0] = n->notes[0] = '\0';
	return n;
}

void
nag_free(struct nagios *n)
{
	if (n == NULL)
		return;
	free(n->list);
	free(n->perf);
	free(n->notes);
	free(n->line);
	free(n);
}

/* Append src to dst (length *len, capacity cap) for the Nagios line:
 * control characters, '|' (and '=' when label) become '_', invalid UTF-8
 * U+FFFD; stops at a character boundary when full. */
static void
nag_clean(char *dst, size_t cap, size_t *len, const char *src, int label)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t n = strlen(src), i = 0, o = *len, k;

	while (i < n) {
		k = out_utf8_seq(p + i, n - i);
		if (k == 0) {
			if (o + 3 >= cap)
				break;
			memcpy(dst + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
			continue;
		}
		if (o + k >= cap)
			break;
		if ((k == 1 && (p[i] < 0x20 || p[i] == 0x7F || p[i] == '|' ||
		    (label && p[i] == '='))) ||
		    (k == 2 && p[i] == 0xC2 && p[i + 1] < 0xA0)) {
			dst[o++] = '_';
		} else {
			memcpy(dst + o, p + i, k);
			o += k;
		}
		i += k;
	}
	dst[o] = '\0';
	*len = o;
}

/* "NAME" or "NAME[KEY]", cleaned. */
static void
nag_label(char *buf, size_t cap, const char *name, const char *key,
    int label)
{
	size_t o = 0;

	/* Room kept for the brackets: nag_clean leaves o below its cap. */
	nag_clean(buf, cap - 2, &o, name, label);
	if (o == 0) {
		/* Never an empty label (rule names are never empty). */
		buf[o++] = '_';
		buf[o] = '\0';
	}
	if (key[0] != '\0') {
		buf[o++] = '[';
		nag_clean(buf, cap - 1, &o, key, label);
		buf[o++] = ']';
		buf[o] = '\0';
	}
}

/* The label quoted for the perfdata when it must be. */
static void
nag_quote(char *dst, size_t cap, const char *src)
{
	const char *p;
	size_t o = 0;

	for (p = src; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("_.-/[]:", *p) != NULL))
			break;
	if (*p == '\0' && src[0] != '\0') {
		/* ASCII only: no character to cut in two (and a label, cut
		 * to NAG_LABEL_MAX by nag_label, fits anyway). */
		snprintf(dst, cap, "%s", src);
		return;
	}
	dst[o++] = '\'';
	for (p = src; *p != '\0' && o + 4 < cap; p++) {
		if (*p == '\'')
			dst[o++] = '\'';
		dst[o++] = *p;
	}
	dst[o++] = '\'';
	dst[o] = '\0';
}

/* A perfdata number: [-0-9.] only. */
static const char *
perf_num(double v, char *buf, size_t cap)
{
	if (!isfinite(v))
		buf[0] = '\0';
	else if (fabs(v) < 1e15)
		out_num(v, buf, cap);
	else
		snprintf(buf, cap, "%.0f", v);
	return buf;
}

static void
perf_thr(const struct nag_thr *t, char *buf, size_t cap)
{
	char lo[400], hi[400];

	buf[0] = '\0';
	if (t == NULL || t->kind == NAG_THR_NONE)
		return;
	if (t->kind == NAG_THR_NUM) {
		perf_num(t->num, buf, cap);
		return;
	}
	if (isnan(t->lo) || isnan(t->hi) || t->lo == INFINITY ||
	    t->hi == -INFINITY || t->lo > t->hi)
		return;
	if (t->lo == -INFINITY)
		snprintf(lo, sizeof(lo), "~");
	else
		perf_num(t->lo, lo, sizeof(lo));
	if (t->hi == INFINITY)
		hi[0] = '\0';
	else
		perf_num(t->hi, hi, sizeof(hi));
	if (t->lo == 0 && hi[0] != '\0')
		snprintf(buf, cap, "%s%s", t->inside ? "@" : "", hi);
	else
		snprintf(buf, cap, "%s%s:%s", t->inside ? "@" : "", lo, hi);
}

static int
append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > cap)
		return -1;
	memcpy(buf + *len, s, n + 1);
	*len += n;
	return 0;
}

static const char *const nag_names[] = { "OK", "WARNING", "CRITICAL",
	"UNKNOWN" };

void
nag_add(struct nagios *n, const char *name, const char *key, int level,
    double value, const struct nag_thr *warn, const struct nag_thr *crit)
{
	char lb[2 * NAG_LABEL_MAX + 8], q[4 * NAG_LABEL_MAX + 16];
	char v[400], w[1000], c[1000];
	char item[sizeof(q) + sizeof(v) + sizeof(w) + sizeof(c) + 16];

	if (level < NAG_OK || level > NAG_UNKNOWN)
		level = NAG_UNKNOWN;
	n->cnt[level]++;
	if (level != NAG_OK) {
		nag_label(lb, NAG_LABEL_MAX, name, key, 0);
		if (level == NAG_UNKNOWN)
			snprintf(item, sizeof(item), "%s%s=unknown",
			    n->llen ? ", " : "", lb);
		else
			snprintf(item, sizeof(item), "%s%s=%s %s",
			    n->llen ? ", " : "", lb, out_num(value, v,
			    sizeof(v)), nag_names[level]);
		if (n->lcut || append(n->list, n->cap, &n->llen, item) == -1)
			n->lcut = 1;
	}
	if (level == NAG_UNKNOWN || !isfinite(value))
		return;
	nag_label(lb, NAG_LABEL_MAX, name, key, 1);
	nag_quote(q, sizeof(q), lb);
	perf_thr(warn, w, sizeof(w));
	perf_thr(crit, c, sizeof(c));
	snprintf(item, sizeof(item), "%s%s=%s;%s;%s", n->plen ? " " : "", q,
	    perf_num(value, v, sizeof(v)), w, c);
	append(n->perf, n->cap, &n->plen, item);	/* whole, or not */
}

void
nag_nodata(struct nagios *n, const char *name)
{
	char lb[NAG_LABEL_MAX + 8], item[NAG_LABEL_MAX + 32];

	n->cnt[NAG_UNKNOWN]++;
	nag_label(lb, NAG_LABEL_MAX, name, "", 0);
	snprintf(item, sizeof(item), "%s%s=no data", n->llen ? ", " : "", lb);
	if (n->lcut || append(n->list, n->cap, &n->llen, item) == -1)
		n->lcut = 1;
}

void
nag_absent(struct nagios *n, const char *name, const char *key)
{
	char lb[2 * NAG_LABEL_MAX + 8], item[2 * NAG_LABEL_MAX + 32];

	nag_label(lb, NAG_LABEL_MAX, name, key, 0);
	snprintf(item, sizeof(item), "%s%s: not present", n->nlen ? ", " : "",
	    lb);
	append(n->notes, n->cap, &n->nlen, item);	/* whole, or not */
}

int
nag_line(struct nagios *n, const char *service, const char **line)
{
	size_t total = n->cnt[0] + n->cnt[1] + n->cnt[2] + n->cnt[3];
	size_t cap = 2 * n->cap + 256, o = 0, i;
	static const char *const words[] = { "ok", "warning", "critical",
	    "unknown" };
	static const int order[] = { NAG_CRITICAL, NAG_WARNING, NAG_UNKNOWN,
	    NAG_OK };
	const char *sep = "";
	int worst;
	char *b;

	free(n->line);
	if ((n->line = b = malloc(cap)) == NULL) {
		*line = "";
		return NAG_UNKNOWN;
	}
	worst = n->cnt[NAG_CRITICAL] ? NAG_CRITICAL : n->cnt[NAG_WARNING] ?
	    NAG_WARNING : n->cnt[NAG_UNKNOWN] ? NAG_UNKNOWN : NAG_OK;
	if (total == 0) {
		if (n->nlen > 0)
			snprintf(b, cap, "%s UNKNOWN - nothing present to "
			    "check; %s\n", service, n->notes);
		else
			snprintf(b, cap, "%s UNKNOWN - no rule applies (no "
			    "samples, no snapshot)\n", service);
		*line = b;
		return NAG_UNKNOWN;
	}
	o += (size_t)snprintf(b + o, cap - o, "%s %s - ", service,
	    nag_names[worst]);
	for (i = 0; i < 4; i++) {
		if (n->cnt[order[i]] == 0)
			continue;
		o += (size_t)snprintf(b + o, cap - o, "%s%zu %s", sep,
		    n->cnt[order[i]], words[order[i]]);
		sep = ", ";
	}
	if (n->llen > 0 || n->lcut)
		o += (size_t)snprintf(b + o, cap - o, ": %s%s", n->list,
		    n->lcut ? (n->llen ? ", ..." : "...") : "");
	if (n->nlen > 0)
		o += (size_t)snprintf(b + o, cap - o, "; %s", n->notes);
	if (n->plen > 0)
		o += (size_t)snprintf(b + o, cap - o, " | %s", n->perf);
	snprintf(b + o, cap - o, "\n");
	*line = b;
	return worst;
}
