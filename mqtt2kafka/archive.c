#include "archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "invoice.h"
#include "readfile.h"
#include "util.h"

#define AR_MAXDOC	(16U << 20)	/* MongoDB's limit on a document */

/* ==== a set of 64-bit keys (open addressing, 0 means empty) ============== */

struct idset {
	uint64_t *k;
	size_t cap, n;		/* cap is a power of two */
};

static int
idset_add(struct idset *s, uint64_t key)
{
	size_t i;

	if (key == 0)
		key = 1;
	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 1024, j;
		uint64_t *nk = calloc(nc, sizeof(*nk));
		if (nk == NULL)
			return -1;
		for (j = 0; j < s->cap; j++) {
			if (s->k[j] == 0)
				continue;
			for (i = s->k[j] & (nc - 1); nk[i]; i = (i + 1) & (nc - 1))
				;
			nk[i] = s->k[j];
		}
		free(s->k);
		s->k = nk;
		s->cap = nc;
	}
	for (i = key & (s->cap - 1); s->k[i]; i = (i + 1) & (s->cap - 1))
		if (s->k[i] == key)
			return 0;
	s->k[i] = key;
	s->n++;
	return 1;
}

/* ==== the archive ======================================================== */

struct archive {
	char *path;
	int fd;
	int dirty;
	int failed;		/* a write failed: no more writes */
	struct idset ids;
	uint64_t count;
};

uint64_t
archive_key(const char *id, size_t len)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < len && i < 16; i++) {
		char c = id[i];
		v = v << 4 | (uint64_t)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ?
		    c - 'A' + 10 : c - '0');
	}
	return v;
}

/* Read the next document of fp into *buf (grown as needed, at most
 * AR_MAXDOC bytes).  Returns 1 with its length in *len, 0 at the end, -1
 * for a torn or corrupt document, -2 on a read error (errno set). */
static int
read_doc(FILE *fp, uint8_t **buf, size_t *cap, uint32_t *len)
{
	uint8_t h[4];
	size_t r = fread(h, 1, 4, fp);
	uint32_t l;

	if (r < 4)
		return ferror(fp) ? -2 : r == 0 ? 0 : -1;
	l = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
	    (uint32_t)h[3] << 24;
	if (l < 5 || l > AR_MAXDOC)
		return -1;
	if (l > *cap) {
		uint8_t *n = realloc(*buf, l);
		if (n == NULL)
			return -2;
		*buf = n;
		*cap = l;
	}
	memcpy(*buf, h, 4);
	if (fread(*buf + 4, 1, l - 4, fp) != l - 4)
		return ferror(fp) ? -2 : -1;
	if ((*buf)[l - 1] != 0)
		return -1;
	*len = l;
	return 1;
}

struct archive *
archive_open(const char *path, char *err, size_t errlen)
{
	struct archive *a;
	struct stat st;
	FILE *fp = NULL;
	uint8_t *buf = NULL;
	size_t cap = 0;
	uint32_t len;
	off_t good = 0;
	int fd = -1, r, fl;

	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->path = strdup(path)) == NULL) {
		free(a);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	/* Created under the umask; never blocks on a FIFO. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		a->fd = -1;
		goto fail;
	}
	a->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NONBLOCK | O_NOCTTY, 0666);
	if (a->fd == -1 || fstat(a->fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if ((fl = fcntl(a->fd, F_GETFL)) == -1 ||
	    fcntl(a->fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ||
	    (fd = li_open_input(path, 0, err, errlen)) == -1 ||
	    (fp = fdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	while ((r = read_doc(fp, &buf, &cap, &len)) == 1) {
		bson_t doc;
		bson_iter_t it;

		if (!bson_init_static(&doc, buf, len))
			break;
		if (bson_iter_init_find(&it, &doc, "MessageId") &&
		    BSON_ITER_HOLDS_UTF8(&it)) {
			uint32_t n;
			const char *id = bson_iter_utf8(&it, &n);
			if (idset_add(&a->ids, archive_key(id, n)) == -1) {
				snprintf(err, errlen, "%s", strerror(ENOMEM));
				goto fail;
			}
		}
		a->count++;
		good += len;
	}
	if (r == -2) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(fp);
	fp = NULL;
	free(buf);
	buf = NULL;
	if (fstat(a->fd, &st) == -1 || (st.st_size != good &&
	    ftruncate(a->fd, good) == -1)) {
		/* A torn or corrupt document: keep what precedes it. */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return a;
fail:
	if (fp != NULL)
		fclose(fp);
	else if (fd >= 0)
		close(fd);
	free(buf);
	if (a->fd >= 0)
		close(a->fd);
	free(a->ids.k);
	free(a->path);
	free(a);
	return NULL;
}

int
archive_add(struct archive *a, uint64_t key, const bson_t *doc)
{
	int rc;

	if (a->failed) {
		/* After a failed write the file may end in a torn document;
		 * nothing more goes in until a restart cuts it off. */
		errno = EIO;
		return -1;
	}
	if ((rc = idset_add(&a->ids, key)) <= 0)
		return rc;
	if (writeall(a->fd, bson_get_data(doc), doc->len) == -1) {
		a->failed = 1;
		return -1;
	}
	a->dirty = 1;
	a->count++;
	return 1;
}

int
archive_sync(struct archive *a)
{
	if (!a->dirty)
		return 0;
	if (fdatasync(a->fd) == -1) {
		a->failed = 1;
		return -1;
	}
	a->dirty = 0;
	return 0;
}

uint64_t
archive_count(const struct archive *a)
{
	return a->count;
}

int
archive_close(struct archive *a)
{
	int rc = 0;

	if (a == NULL)
		return 0;
	if (archive_sync(a) == -1)
		rc = -1;
	if (close(a->fd) == -1)
		rc = -1;
	free(a->ids.k);
	free(a->path);
	free(a);
	return rc;
}

/* ==== --dump ============================================================= */

/* Append a BSON value as JSON to buf; money (Decimal128) as a number. */
static int
json_value(char *buf, size_t cap, size_t *n, bson_iter_t *it);

static int
jput(char *buf, size_t cap, size_t *n, const char *s)
{
	size_t len = strlen(s);

	if (*n + len >= cap)
		return -1;
	memcpy(buf + *n, s, len + 1);
	*n += len;
	return 0;
}

static int
json_doc(char *buf, size_t cap, size_t *n, bson_iter_t *it, int array)
{
	int first = 1;

	if (jput(buf, cap, n, array ? "[" : "{"))
		return -1;
	while (bson_iter_next(it)) {
		if (!first && jput(buf, cap, n, ","))
			return -1;
		first = 0;
		if (!array) {
			const char *k = bson_iter_key(it);
			if (inv_json_str(buf, cap, n, k, strlen(k)) ||
			    jput(buf, cap, n, ":"))
				return -1;
		}
		if (json_value(buf, cap, n, it))
			return -1;
	}
	return jput(buf, cap, n, array ? "]" : "}");
}

static int
json_value(char *buf, size_t cap, size_t *n, bson_iter_t *it)
{
	char num[BSON_DECIMAL128_STRING];
	bson_iter_t sub;
	bson_decimal128_t d;
	const char *s;
	uint32_t len;

	switch (bson_iter_type(it)) {
	case BSON_TYPE_UTF8:
		s = bson_iter_utf8(it, &len);
		return inv_json_str(buf, cap, n, s, len);
	case BSON_TYPE_INT32:
		snprintf(num, sizeof(num), "%d", bson_iter_int32(it));
		return jput(buf, cap, n, num);
	case BSON_TYPE_INT64:
		snprintf(num, sizeof(num), "%lld",
		    (long long)bson_iter_int64(it));
		return jput(buf, cap, n, num);
	case BSON_TYPE_DOUBLE:
		snprintf(num, sizeof(num), "%.17g", bson_iter_double(it));
		return jput(buf, cap, n, num);
	case BSON_TYPE_DECIMAL128:
		bson_iter_decimal128(it, &d);
		bson_decimal128_to_string(&d, num);
		return jput(buf, cap, n, num);
	case BSON_TYPE_BOOL:
		return jput(buf, cap, n, bson_iter_bool(it) ? "true" : "false");
	case BSON_TYPE_DOCUMENT:
	case BSON_TYPE_ARRAY:
		if (!bson_iter_recurse(it, &sub))
			return -1;
		return json_doc(buf, cap, n, &sub,
		    bson_iter_type(it) == BSON_TYPE_ARRAY);
	default:
		return jput(buf, cap, n, "null");
	}
}

static void
csv_str(FILE *out, const bson_t *doc, const char *key)
{
	bson_iter_t it;
	const char *s = "";
	uint32_t len = 0;

	if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_UTF8(&it))
		s = bson_iter_utf8(&it, &len);
	csvio_put_field(out, s, len, ',');
}

static void
csv_row(FILE *out, const bson_t *doc, char *buf, size_t cap)
{
	static const char *const strs[] = { "MessageId", "FirstName",
	    "LastName", "PhoneNumber", "Date", "Time", "DayOfWeek" };
	bson_iter_t it, sub;
	size_t i, n = 0;
	char num[BSON_DECIMAL128_STRING];
	bson_decimal128_t d;

	if (bson_iter_init_find(&it, doc, "InvoiceNo") &&
	    BSON_ITER_HOLDS_INT(&it))
		fprintf(out, "%lld", (long long)bson_iter_as_int64(&it));
	for (i = 0; i < NELEM(strs); i++) {
		putc(',', out);
		csv_str(out, doc, strs[i]);
	}
	putc(',', out);
	buf[0] = '\0';
	if (bson_iter_init_find(&it, doc, "Items") &&
	    BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &sub)) {
		while (bson_iter_next(&sub)) {
			int m = snprintf(buf + n, cap - n, "%s%s:%lld",
			    n ? ";" : "", bson_iter_key(&sub),
			    (long long)bson_iter_as_int64(&sub));
			if (m < 0 || (size_t)m >= cap - n)
				break;
			n += (size_t)m;
		}
	}
	csvio_put_field(out, buf, n, ',');
	putc(',', out);
	if (bson_iter_init_find(&it, doc, "Total")) {
		if (BSON_ITER_HOLDS_DECIMAL128(&it)) {
			bson_iter_decimal128(&it, &d);
			bson_decimal128_to_string(&d, num);
			fputs(num, out);
		} else if (BSON_ITER_HOLDS_DOUBLE(&it))
			fprintf(out, "%.2f", bson_iter_double(&it));
	}
	putc('\n', out);
}

long
archive_dump(const char *path, int json, FILE *out, char *err,
    size_t errlen)
{
	FILE *fp;
	uint8_t *doc = NULL;
	size_t dcap = 0, cap = 1 << 20;
	uint32_t len;
	long count = 0;
	char *buf;
	int fd, r;

	if ((buf = malloc(cap)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	/* A regular file only: a FIFO or a device would block or never end. */
	if ((fd = li_open_input(path, 0, err, errlen)) == -1 ||
	    (fp = fdopen(fd, "rb")) == NULL) {
		char why[256];
		snprintf(why, sizeof(why), "%s", fd == -1 ? err :
		    strerror(errno));
		snprintf(err, errlen, "%s: %s", path, why);
		if (fd != -1)
			close(fd);
		free(buf);
		return -1;
	}
	if (!json)
		fputs("InvoiceNo,MessageId,FirstName,LastName,PhoneNumber,"
		    "Date,Time,DayOfWeek,Items,Total\n", out);
	while ((r = read_doc(fp, &doc, &dcap, &len)) == 1) {
		bson_t b;

		if (!bson_init_static(&b, doc, len)) {
			r = -1;
			break;
		}
		count++;
		if (json) {
			bson_iter_t it;
			size_t n = 0;

			if (!bson_iter_init(&it, &b) ||
			    json_doc(buf, cap, &n, &it, 0) == -1) {
				snprintf(err, errlen, "%s: document %ld: cannot "
				    "convert to JSON", path, count);
				count = -1;
				break;
			}
			fputs(buf, out);
			putc('\n', out);
		} else
			csv_row(out, &b, buf, cap);
		if (ferror(out)) {
			snprintf(err, errlen, "stdout: %s", strerror(errno));
			count = -1;
			break;
		}
	}
	if (count >= 0 && r == -2) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		count = -1;
	} else if (count >= 0 && r == -1) {
		snprintf(err, errlen, "%s: truncated or corrupt document "
		    "after %ld documents", path, count);
		count = -1;
	}
	fclose(fp);
	free(doc);
	free(buf);
	return count;
}
