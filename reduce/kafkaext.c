/* reduce's Kafka input: the Kafka positions a checkpoint holds (its ext
 * lines), partition lists, and the checks of --merge. */
#include "kafkain_int.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafkaconf.h"
#include "util.h"

int
kin_parse_partitions(const char *s, int32_t *parts, size_t *n)
{
	static unsigned char seen[KIN_MAXPARTS];
	char buf[32];
	size_t i;

	memset(seen, 0, sizeof(seen));
	*n = 0;
	while (*s != '\0') {
		size_t len = strcspn(s, ",");
		long long lo, hi;
		char *dash;
		if (len == 0 || len >= sizeof(buf))
			return -1;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if ((dash = strchr(buf + 1, '-')) != NULL) {
			*dash = '\0';
			if (parse_long(buf, 0, KIN_MAXPARTS - 1, &lo) == -1 ||
			    parse_long(dash + 1, lo, KIN_MAXPARTS - 1, &hi) == -1)
				return -1;
		} else {
			if (parse_long(buf, 0, KIN_MAXPARTS - 1, &lo) == -1)
				return -1;
			hi = lo;
		}
		for (; lo <= hi; lo++)
			seen[lo] = 1;
		s += len;
		if (*s == ',' && *++s == '\0')
			return -1;
	}
	for (i = 0; i < KIN_MAXPARTS; i++)
		if (seen[i])
			parts[(*n)++] = (int32_t)i;
	return *n > 0 ? 0 : -1;
}


/* The ext lines of the partitions counted so far (only: all, or just
 * that one). */
char *
kin_ext(struct kin *K, int only, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	size_t i;

	if (fp == NULL)
		err(1, "malloc");
	for (i = 0; i < KIN_MAXPARTS; i++) {
		struct kpart *p = &K->p[i];
		if (p->last < 0 || (only >= 0 && (size_t)only != i))
			continue;
		fprintf(fp, "ext,kafka,%s,%zu,%" PRId64 ",", K->c->topic, i,
		    p->last);
		if (p->has_hwm)
			fprintf(fp, "%" PRId64, p->hwm);
		fprintf(fp, ",%" PRIu64 "\n", p->dups);
	}
	if (fclose(fp) == EOF)
		err(1, "malloc");
	return buf;
}

/* One "ext,kafka,..." line (NUL-terminated, no line break) into its
 * fields.  Returns 0, 1 for an ext line of another kind, -1 when bad. */
int
kin_ext_parse(char *line, char **topic, long long *part, long long *last,
    long long *hwm, int *has_hwm, long long *dups)
{
	char *f[8], *save = NULL, *s = line;
	int n = 0;

	/* Fields may be empty: split by hand. */
	while (n < 8) {
		f[n++] = s;
		if ((save = strchr(s, ',')) == NULL)
			break;
		*save = '\0';
		s = save + 1;
	}
	if (n < 2 || strcmp(f[0], "ext") != 0)
		return -1;
	if (strcmp(f[1], "kafka") != 0)
		return 1;
	if (n != 7 || kafka_topic_ok(f[2]) == -1 ||
	    parse_long(f[3], 0, KIN_MAXPARTS - 1, part) == -1 ||
	    parse_long(f[4], -1, INT64_MAX, last) == -1 ||
	    parse_long(f[6], 0, INT64_MAX, dups) == -1)
		return -1;
	*has_hwm = f[5][0] != '\0';
	if (*has_hwm && parse_long(f[5], INT64_MIN, INT64_MAX, hwm) == -1)
		return -1;
	*topic = f[2];
	return 0;
}

/* Apply the ext lines of a loaded checkpoint. */
void
kin_restore(struct kin *K, char *ext, size_t extlen)
{
	char *line = ext, *end = ext + extlen;

	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *topic;
		long long part, last, hwm = 0, dups;
		int has_hwm, rc;
		if (nl == NULL)
			break;
		*nl = '\0';
		rc = kin_ext_parse(line, &topic, &part, &last, &hwm, &has_hwm,
		    &dups);
		if (rc == -1)
			errx(1, "%s: corrupt Kafka position", K->c->ckpt);
		if (rc == 0) {
			struct kpart *p = &K->p[part];
			if (strcmp(topic, K->c->topic) != 0)
				errx(1, "%s: checkpoint is for topic '%s'",
				    K->c->ckpt, topic);
			p->last = last;
			p->hwm = hwm;
			p->has_hwm = has_hwm;
			p->dups = (uint64_t)dups;
			K->dups += (uint64_t)dups;
		}
		line = nl + 1;
	}
}


/* ==== partition checkpoints (--state-dir) =============================== */

int
kin_part_ext(const char *ext, size_t extlen, const char *topic, int32_t part,
    int64_t *last, int64_t *hwm, int *has_hwm, uint64_t *dups, char *errs,
    size_t errlen)
{
	char *copy, *line, *end;
	int found = 0, rc = -1;

	if ((copy = malloc(extlen + 1)) == NULL) {
		snprintf(errs, errlen, "out of memory");
		return -1;
	}
	if (extlen > 0)
		memcpy(copy, ext, extlen);
	copy[extlen] = '\0';
	end = copy + extlen;
	for (line = copy; line < end; ) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *t;
		long long p, l, h = 0, d;
		int hh, k;
		if (nl == NULL)
			break;
		*nl = '\0';
		k = kin_ext_parse(line, &t, &p, &l, &h, &hh, &d);
		line = nl + 1;
		if (k == 1)
			continue;
		if (k == -1 || l < 0) {
			snprintf(errs, errlen, "corrupt Kafka position");
			goto out;
		}
		if (found++) {
			snprintf(errs, errlen, "more than one Kafka position "
			    "(not a partition checkpoint)");
			goto out;
		}
		if (strcmp(t, topic) != 0 || p != part) {
			snprintf(errs, errlen, "holds %s[%lld], not %s[%"
			    PRId32 "]", t, p, topic, part);
			goto out;
		}
		*last = l;
		*hwm = h;
		*has_hwm = hh;
		*dups = (uint64_t)d;
	}
	if (!found) {
		snprintf(errs, errlen, "no Kafka position");
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}


/* ==== merge ============================================================= */

struct kin_seen {
	char topic[256];
	int32_t part;
	char *path;
};

struct kin_merge {
	struct kin_seen *v;
	size_t n, cap;
	char *ext;
	size_t extlen;
};

struct kin_merge *
kin_merge_new(void)
{
	return calloc(1, sizeof(struct kin_merge));
}

int
kin_merge_note(struct kin_merge *m, const char *path, const char *ext,
    size_t extlen, char *errs, size_t errlen)
{
	char *copy, *line, *end;
	size_t i;
	int rc = 0;

	if (ext == NULL || extlen == 0)
		return 0;
	if ((copy = malloc(extlen + 1)) == NULL)
		err(1, "malloc");
	memcpy(copy, ext, extlen);
	copy[extlen] = '\0';
	line = copy;
	end = copy + extlen;
	while (rc == 0 && line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *topic;
		long long part, last, hwm, dups;
		int has_hwm, k;
		if (nl == NULL)
			break;
		*nl = '\0';
		k = kin_ext_parse(line, &topic, &part, &last, &hwm, &has_hwm,
		    &dups);
		if (k == -1) {
			snprintf(errs, errlen, "%s: corrupt Kafka position",
			    path);
			rc = -1;
			break;
		}
		line = nl + 1;
		if (k == 1)
			continue;
		for (i = 0; i < m->n; i++) {
			if (m->v[i].part == part &&
			    strcmp(m->v[i].topic, topic) == 0) {
				snprintf(errs, errlen, "%s: partition %s[%lld] "
				    "is counted in %s too", path, topic, part,
				    m->v[i].path);
				rc = -1;
				break;
			}
		}
		if (rc == -1)
			break;
		if (m->n == m->cap) {
			size_t nc = m->cap ? m->cap * 2 : 16;
			struct kin_seen *nv = realloc(m->v, nc * sizeof(*nv));
			if (nv == NULL)
				err(1, "malloc");
			m->v = nv;
			m->cap = nc;
		}
		snprintf(m->v[m->n].topic, sizeof(m->v[m->n].topic), "%s",
		    topic);
		m->v[m->n].part = (int32_t)part;
		if ((m->v[m->n].path = strdup(path)) == NULL)
			err(1, "malloc");
		m->n++;
	}
	free(copy);
	if (rc == 0) {
		char *nx = realloc(m->ext, m->extlen + extlen);
		if (nx == NULL)
			err(1, "malloc");
		memcpy(nx + m->extlen, ext, extlen);
		m->ext = nx;
		m->extlen += extlen;
	}
	return rc;
}

const char *
kin_merge_ext(const struct kin_merge *m, size_t *len)
{
	*len = m->extlen;
	return m->ext;
}

void
kin_merge_free(struct kin_merge *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m->ext);
	free(m);
}

