/* The KPI history of reduce(1) (history.h). */
#include "history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "timefield.h"

#define HIST_MAXFILES	SPEC_MAXAGGS

struct hfile {
	size_t ti;		/* the aggregate */
	char *path, *old;	/* DIR/FILE and DIR/FILE.1 */
	FILE *fp;
	uint64_t size;
	double first;		/* wall time of the first row, or 0 */
};

struct history {
	struct hfile f[HIST_MAXFILES];
	size_t n;
	uint64_t max_size;
	double max_age;
	int nosync;
};

/* The time of the first row of an existing file ("time" first, RFC 3339
 * UTC), or 0. */
static double
first_time(const char *path)
{
	char buf[512], *nl;
	struct li_tm tm;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) == NULL || strlen(nl + 1) < 20 ||
	    tm_parse(nl + 1, 20, &tm) == -1)
		return 0;
	return (double)tm_epoch(&tm);
}

/* Open (append) the file of f, header first when it is new or empty. */
static int
hopen(struct history *h, struct hfile *f, struct agg *a)
{
	struct stat st;
	int fd;

	fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK |
	    O_CLOEXEC | O_NOCTTY, 0666);
	if (fd == -1 && errno == ENXIO)
		errno = EINVAL;
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		if (errno == 0 || S_ISREG(st.st_mode) == 0)
			errno = EINVAL;
		close(fd);
		return -1;
	}
	if ((f->fp = fdopen(fd, "a")) == NULL) {
		close(fd);
		return -1;
	}
	f->size = (uint64_t)st.st_size;
	f->first = st.st_size > 0 ? first_time(f->path) : 0;
	if (st.st_size == 0) {
		char *buf = NULL, *nl;
		size_t len = 0;
		FILE *mp = open_memstream(&buf, &len);
		if (mp == NULL)
			return -1;
		/* The aggregate's header, from its CSV. */
		if (agg_write_csv(a, f->ti, mp) == -1 || fclose(mp) == EOF) {
			free(buf);
			errno = ENOMEM;
			return -1;
		}
		nl = memchr(buf, '\n', len);
		fputs("time,event_time,", f->fp);
		fwrite(buf, 1, nl ? (size_t)(nl - buf) + 1 : len, f->fp);
		f->size += 16 + (nl ? (size_t)(nl - buf) + 1 : len);
		free(buf);
	}
	(void)h;
	return 0;
}

/* The checkpoint's length and inode of the file named name, from its
 * ext lines.  1 when found, 0 when not, -1 when the line is bad. */
static int
ckpt_len_of(const char *ext, size_t len, const char *name, uint64_t *size,
    uint64_t *ino)
{
	const char *p = ext, *end = ext + len;
	size_t n = strlen(name);

	while (p != NULL && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (ll > 12 + n && memcmp(p, "ext,history,", 12) == 0 &&
		    memcmp(p + 12, name, n) == 0 && p[12 + n] == ',') {
			char b[64], *e;
			size_t bl = ll - 13 - n;
			unsigned long long sz, in;
			if (bl >= sizeof(b))
				return -1;
			memcpy(b, p + 13 + n, bl);
			b[bl] = '\0';
			errno = 0;
			sz = strtoull(b, &e, 10);
			if (e == b || *e != ',' || errno != 0)
				return -1;
			in = strtoull(e + 1, &e, 10);
			if (*e != '\0' || errno != 0)
				return -1;
			*size = sz;
			*ino = in;
			return 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* Cut f back to its length at the checkpoint (history_open).  0, or -1
 * with errno set. */
static int
cut_back(struct hfile *f, const char *name, const char *ext, size_t len)
{
	struct stat st;
	uint64_t size, ino;
	int rc = ckpt_len_of(ext, len, name, &size, &ino);

	if (rc == -1) {
		errno = EINVAL;
		return -1;
	}
	if (rc == 0)
		return 0;	/* not kept at the checkpoint */
	if (stat(f->path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_ino == ino) {
		if ((uint64_t)st.st_size > size && truncate(f->path,
		    (off_t)size) == -1)
			return -1;
		return 0;
	}
	if (stat(f->old, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_ino == ino) {
		/* Rotated after the checkpoint: FILE holds only later
		 * rows. */
		if ((uint64_t)st.st_size > size && truncate(f->old,
		    (off_t)size) == -1)
			return -1;
		return rename(f->old, f->path);
	}
	return 0;
}

int
history_ext(struct history *h, char **ext, size_t *len)
{
	FILE *mp = open_memstream(ext, len);
	size_t i;

	if (mp == NULL)
		return -1;
	for (i = 0; i < h->n; i++) {
		struct stat st;
		const char *name = strrchr(h->f[i].path, '/') + 1;
		if (h->f[i].fp == NULL || fflush(h->f[i].fp) == EOF ||
		    fstat(fileno(h->f[i].fp), &st) == -1) {
			int saved = errno ? errno : EIO;
			fclose(mp);
			free(*ext);
			*ext = NULL;
			errno = saved;
			return -1;
		}
		fprintf(mp, "ext,history,%s,%llu,%llu\n", name,
		    (unsigned long long)st.st_size,
		    (unsigned long long)st.st_ino);
	}
	if (fclose(mp) == EOF) {
		free(*ext);
		*ext = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

struct history *
history_open(struct agg *a, const struct spec *sp, const char *dir,
    const char *files, uint64_t max_size, double max_age, int nosync,
    const char *ckpt_ext, size_t ckpt_len, char *err, size_t errlen)
{
	struct history *h = calloc(1, sizeof(*h));
	size_t i;

	if (h == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->max_size = max_size;
	h->max_age = max_age;
	h->nosync = nosync;
	if (mkdir(dir, 0777) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	for (i = 0; i < sp->naggs; i++) {
		const char *name = sp->aggs[i].file, *p;
		size_t n = strlen(name);
		int want = 0;
		if (*files == '\0')
			want = strcmp(name, "kpis.csv") == 0 ||
			    strcmp(name, "branch_sales.csv") == 0;
		for (p = files; *p != '\0' && !want; p += strcspn(p, ",")) {
			if (*p == ',')
				p++;
			want = strncmp(p, name, n) == 0 && (p[n] == ',' ||
			    p[n] == '\0');
		}
		if (!want)
			continue;
		struct hfile *f = &h->f[h->n++];
		f->ti = i;
		if ((f->path = malloc(strlen(dir) + n + 2)) == NULL ||
		    (f->old = malloc(strlen(dir) + n + 4)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		sprintf(f->path, "%s/%s", dir, name);
		sprintf(f->old, "%s/%s.1", dir, name);
		if (ckpt_ext != NULL && cut_back(f, name, ckpt_ext,
		    ckpt_len) == -1) {
			snprintf(err, errlen, "%s: cutting back to the "
			    "checkpoint: %s", f->path, strerror(errno));
			goto fail;
		}
		if (hopen(h, f, a) == -1) {
			snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
			goto fail;
		}
	}
	/* Every name asked for must be an aggregate of the spec. */
	for (const char *p = files; *p != '\0'; ) {
		size_t n = strcspn(p, ","), j;
		for (j = 0; j < h->n; j++)
			if (strlen(sp->aggs[h->f[j].ti].file) == n &&
			    strncmp(sp->aggs[h->f[j].ti].file, p, n) == 0)
				break;
		if (j == h->n) {
			snprintf(err, errlen, "--history-files: no aggregate "
			    "'%.*s' in the spec", (int)n, p);
			goto fail;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	if (h->n == 0) {
		snprintf(err, errlen, "--history: the spec has neither "
		    "kpis.csv nor branch_sales.csv (name some with "
		    "--history-files)");
		goto fail;
	}
	return h;
fail:
	history_close(h);
	return NULL;
}

/* The CSV of aggregate i without its header, each record prefixed with
 * pre; its length in *outlen.  NULL on ENOMEM. */
static char *
rows_of(struct agg *a, size_t ti, const char *pre, size_t *outlen)
{
	char *buf = NULL, *out = NULL, *p, *e;
	size_t len = 0, olen = 0, plen = strlen(pre);
	FILE *mp = open_memstream(&buf, &len), *op;
	int quoted = 0, start = 0;

	if (mp == NULL)
		return NULL;
	if (agg_write_csv(a, ti, mp) == -1 || fclose(mp) == EOF ||
	    (op = open_memstream(&out, &olen)) == NULL) {
		free(buf);
		return NULL;
	}
	e = buf + len;
	p = memchr(buf, '\n', len);
	p = p ? p + 1 : e;
	/* Records end at a line break outside quotes. */
	for (start = 1; p < e; p++) {
		if (start) {
			fwrite(pre, 1, plen, op);
			start = 0;
		}
		putc(*p, op);
		if (*p == '"')
			quoted = !quoted;
		else if (*p == '\n' && !quoted)
			start = 1;
	}
	free(buf);
	if (fclose(op) == EOF) {
		free(out);
		return NULL;
	}
	*outlen = olen;
	return out;
}

static int
rotate(struct history *h, struct hfile *f, struct agg *a)
{
	if (fclose(f->fp) == EOF) {
		f->fp = NULL;
		return -1;
	}
	f->fp = NULL;
	if (rename(f->path, f->old) == -1)
		return -1;
	return hopen(h, f, a);
}

int
history_tick(struct history *h, struct agg *a, double now, char *err,
    size_t errlen)
{
	char pre[2 * TM_BUFSZ + 4], b[TM_BUFSZ];
	struct li_tm tm;
	int64_t last;
	size_t i, n;

	tm_from_epoch((int64_t)now, &tm);
	n = tm_fmt_rfc3339(&tm, pre);
	pre[n++] = ',';
	if (agg_last_time(a, &last)) {
		size_t m;
		tm_from_epoch(last, &tm);
		m = tm_fmt_iso(&tm, b);
		memcpy(pre + n, b, m);
		n += m;
	}
	pre[n++] = ',';
	pre[n] = '\0';
	for (i = 0; i < h->n; i++) {
		struct hfile *f = &h->f[i];
		size_t len;
		char *rows = rows_of(a, f->ti, pre, &len);
		if (rows == NULL) {
			snprintf(err, errlen, "%s", f->path);
			errno = ENOMEM;
			return -1;
		}
		/* Rotate a file that holds rows, when these would take it
		 * past the size, or its first row is too old. */
		if (f->fp == NULL || (f->first > 0 && ((h->max_size > 0 &&
		    f->size + len > h->max_size) || (h->max_age > 0 &&
		    now - f->first > h->max_age)))) {
			if ((f->fp == NULL ? hopen(h, f, a) : rotate(h, f,
			    a)) == -1)
				goto fail;
		}
		if (f->first == 0 && len > 0)
			f->first = now;
		if (fwrite(rows, 1, len, f->fp) != len || fflush(f->fp) == EOF ||
		    (!h->nosync && fsync(fileno(f->fp)) == -1))
			goto fail;
		f->size += len;
		free(rows);
		continue;
fail:
		free(rows);
		snprintf(err, errlen, "%s", f->path);
		return -1;
	}
	return 0;
}

void
history_close(struct history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++) {
		if (h->f[i].fp != NULL)
			fclose(h->f[i].fp);
		free(h->f[i].path);
		free(h->f[i].old);
	}
	free(h);
}
