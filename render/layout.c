/* Dashboard layout files. */
#include "layout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "readfile.h"
#include "util.h"

#define LAYOUT_MAX_BYTES	(256 * 1024)
#define LAYOUT_MAX_LINE		1024

void
chart_spec_free(struct chart_spec *s)
{
	free(s->title);
	free(s->file);
	free(s->label);
	free(s->value);
	free(s->series);
	free(s->x);
	free(s->columns);
	free(s->prefix);
	free(s->suffix);
}

void
layout_free(struct layout *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < l->npanels; i++)
		chart_spec_free(&l->panels[i]);
	free(l->title);
	free(l);
}

static int
set_str(char **dst, const char *val, char *err, size_t errlen)
{
	char *p = strdup(val);

	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = p;
	return 0;
}

static int
set_int(int *dst, const char *key, const char *val, long long min,
    long long max, char *err, size_t errlen)
{
	long long v;

	if (parse_long(val, min, max, &v) == -1) {
		snprintf(err, errlen,
		    "%.32s: not a number from %lld to %lld: '%.64s'",
		    key, min, max, val);
		return -1;
	}
	*dst = (int)v;
	return 0;
}

int
layout_set(struct chart_spec *s, const char *key, const char *val,
    char *err, size_t errlen)
{
	static const struct { const char *key; size_t off; } strs[] = {
		{ "title", offsetof(struct chart_spec, title) },
		{ "file", offsetof(struct chart_spec, file) },
		{ "label", offsetof(struct chart_spec, label) },
		{ "value", offsetof(struct chart_spec, value) },
		{ "series", offsetof(struct chart_spec, series) },
		{ "x", offsetof(struct chart_spec, x) },
		{ "columns", offsetof(struct chart_spec, columns) },
		{ "prefix", offsetof(struct chart_spec, prefix) },
		{ "suffix", offsetof(struct chart_spec, suffix) },
	};
	size_t i;
	int v;

	for (i = 0; i < NELEM(strs); i++)
		if (strcmp(key, strs[i].key) == 0) {
			if (*val == '\0' && strcmp(key, "prefix") != 0 &&
			    strcmp(key, "suffix") != 0 &&
			    strcmp(key, "title") != 0) {
				snprintf(err, errlen, "%s: empty value", key);
				return -1;
			}
			return set_str((char **)((char *)s + strs[i].off), val,
			    err, errlen);
		}
	if (strcmp(key, "top") == 0)
		return set_int(&s->top, key, val, 1, 10000, err, errlen);
	if (strcmp(key, "weight") == 0 || strcmp(key, "width") == 0)
		return set_int(&s->weight, key, val, 1, 100, err, errlen);
	if (strcmp(key, "decimals") == 0)
		return set_int(&s->decimals, key, val, 0, 6, err, errlen);
	if (strcmp(key, "last") == 0) {
		if (set_int(&v, key, val, 1, 1000000, err, errlen) == -1)
			return -1;
		s->last = v;
		return 0;
	}
	if (strcmp(key, "min") == 0 || strcmp(key, "max") == 0) {
		double d;
		if (parse_double(val, -1e300, 1e300, &d) == -1) {
			snprintf(err, errlen, "%.32s: not a number: '%.64s'",
			    key, val);
			return -1;
		}
		if (key[1] == 'i') {
			s->min = d;
			s->has_min = 1;
		} else {
			s->max = d;
			s->has_max = 1;
		}
		return 0;
	}
	if (strcmp(key, "sort") == 0) {
		if (strcmp(val, "desc") == 0)
			s->sort = SORT_DESC;
		else if (strcmp(val, "asc") == 0)
			s->sort = SORT_ASC;
		else if (strcmp(val, "label") == 0)
			s->sort = SORT_LABEL;
		else if (strcmp(val, "none") == 0)
			s->sort = SORT_NONE;
		else {
			snprintf(err, errlen, "sort: desc, asc, label or none, "
			    "not '%.64s'", val);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "reverse") == 0) {
		if (strcmp(val, "yes") == 0)
			s->reverse = 1;
		else if (strcmp(val, "no") == 0)
			s->reverse = 0;
		else {
			snprintf(err, errlen, "reverse: yes or no, not '%s'",
			    val);
			return -1;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown key '%.64s'", key);
	return -1;
}

/* Next word of a line: a bare word (up to a blank or '=') or a quoted
 * string.  Copies it into out (cap bytes); returns the position after it,
 * or NULL with a reason in err. */
static const char *
next_word(const char *p, char *out, size_t cap, int stop_eq, char *err,
    size_t errlen)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			if (n + 1 >= cap) {
				snprintf(err, errlen, "value too long");
				return NULL;
			}
			out[n++] = *p;
		}
		if (*p != '"') {
			snprintf(err, errlen, "unterminated quoted value");
			return NULL;
		}
		p++;
	} else {
		while (*p && *p != ' ' && *p != '\t' && !(stop_eq &&
		    *p == '=')) {
			if (*p == '"') {
				snprintf(err, errlen, "quote inside a word");
				return NULL;
			}
			if (n + 1 >= cap) {
				snprintf(err, errlen, "word too long");
				return NULL;
			}
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return p;
}

/* The rest p of a "grouping" or "title" line. */
static int
parse_setting(struct layout *l, const char *word, const char *p, char *err,
    size_t errlen)
{
	char val[LAYOUT_MAX_LINE];

	while (*p == ' ' || *p == '\t')
		p++;
	if ((p = next_word(p, val, sizeof(val), 0, err, errlen)) == NULL)
		return -1;
	if (strcmp(word, "grouping") == 0) {
		if (strcmp(val, "western") == 0)
			l->grouping = FMT_WESTERN;
		else if (strcmp(val, "indian") == 0)
			l->grouping = FMT_INDIAN;
		else if (strcmp(val, "none") == 0)
			l->grouping = FMT_NONE;
		else {
			snprintf(err, errlen, "grouping: western, indian or "
			    "none, not '%.64s'", val);
			return -1;
		}
		return 0;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0' && *p != '#') {
		snprintf(err, errlen, "title: quote a title with blanks");
		return -1;
	}
	return set_str(&l->title, val, err, errlen);
}

static int
parse_line(struct layout *l, const char *line, char *err, size_t errlen)
{
	char word[LAYOUT_MAX_LINE], key[LAYOUT_MAX_LINE], val[LAYOUT_MAX_LINE];
	const char *p = line;
	struct chart_spec *s = NULL;
	struct layout_row *row = NULL;
	int kind;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	if ((p = next_word(p, word, sizeof(word), 0, err, errlen)) == NULL)
		return -1;
	if (strcmp(word, "grouping") == 0 || strcmp(word, "title") == 0)
		return parse_setting(l, word, p, err, errlen);
	if (strcmp(word, "row") == 0) {
		if (l->nrows == LAYOUT_MAX_ROWS) {
			snprintf(err, errlen, "more than %d rows",
			    LAYOUT_MAX_ROWS);
			return -1;
		}
		row = &l->rows[l->nrows++];
		row->weight = 1;
		row->first = l->npanels;
	} else if ((kind = chart_kind_parse(word)) >= 0) {
		if (l->npanels == LAYOUT_MAX_PANELS) {
			snprintf(err, errlen, "more than %d panels",
			    LAYOUT_MAX_PANELS);
			return -1;
		}
		if (l->nrows == 0) {	/* an implicit first row */
			l->rows[0].weight = 1;
			l->rows[0].first = 0;
			l->nrows = 1;
		}
		s = &l->panels[l->npanels++];
		chart_spec_init(s, (enum chart_kind)kind);
		l->rows[l->nrows - 1].n++;
	} else {
		snprintf(err, errlen,
		    "unknown keyword '%.64s' (row, title, "
		    "grouping or a chart: bar, hbar, share, line, spark, table, kpi, alerts)",
		    word);
		return -1;
	}
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if ((p = next_word(p, key, sizeof(key), 1, err,
		    errlen)) == NULL)
			return -1;
		if (*p != '=') {
			snprintf(err, errlen, "expected key=value, got '%.64s'",
			    key);
			return -1;
		}
		p++;
		if ((p = next_word(p, val, sizeof(val), 0, err,
		    errlen)) == NULL)
			return -1;
		if (row) {
			int *dst;
			if (strcmp(key, "height") == 0)
				dst = &row->height;
			else if (strcmp(key, "weight") == 0)
				dst = &row->weight;
			else {
				snprintf(err, errlen,
				    "row: unknown key '%.64s' "
				    "(height or weight)", key);
				return -1;
			}
			if (set_int(dst, key, val, 1, 1000, err, errlen) == -1)
				return -1;
		} else {
			char why[256];
			if (layout_set(s, key, val, why, sizeof(why)) == -1) {
				snprintf(err, errlen, "%.32s: %.400s", word,
				    why);
				return -1;
			}
		}
	}
	if (s && s->file == NULL) {
		snprintf(err, errlen, "%.32s: file= is missing", word);
		return -1;
	}
	if (s && s->has_min && s->has_max && !(s->min < s->max)) {
		snprintf(err, errlen, "%.32s: min must be less than max", word);
		return -1;
	}
	return 0;
}

struct layout *
layout_parse(const char *text, const char *name, char *err, size_t errlen)
{
	struct layout *l = calloc(1, sizeof(*l));
	char line[LAYOUT_MAX_LINE + 2], why[512];
	const char *p = text;
	int lineno = 0;

	if (l == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	l->grouping = -1;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		lineno++;
		if (n > LAYOUT_MAX_LINE) {
			snprintf(err, errlen,
			    "%s:%d: line longer than %d bytes",
			    name, lineno, LAYOUT_MAX_LINE);
			goto fail;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (parse_line(l, line, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
			goto fail;
		}
		p += n + (nl != NULL);
	}
	if (l->npanels == 0) {
		snprintf(err, errlen, "%s: no panels", name);
		goto fail;
	}
	return l;
fail:
	layout_free(l);
	return NULL;
}

struct layout *
layout_load(const char *path, char *err, size_t errlen)
{
	struct layout *l;
	char *text, why[128];
	size_t len;

	/* A regular file only, read without blocking and with a cap. */
	if ((text = li_read_file(path, LAYOUT_MAX_BYTES, &len, why,
	    sizeof(why))) == NULL) {
		snprintf(err, errlen, "%s: %s", path, why);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: binary file (NUL byte)", path);
		free(text);
		return NULL;
	}
	l = layout_parse(text, path, err, errlen);
	free(text);
	return l;
}
