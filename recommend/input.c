/* Input readers: a BSON archive of invoice documents, JSON lines of the same
 * documents (as kcat prints them from Kafka), and CSV rating triples. */
#include "rec.h"

#include <bson.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvio.h"
#include "readfile.h"
#include "util.h"

#define DEF_MAX_RECORD	(16u << 20)	/* BSON's own document limit */
#define MAX_DOC_ITEMS	4096

/* ==== invoice documents ================================================== */

/* A printable, bounded copy of s for messages. */
static const char *
show(const char *s, size_t len, char *buf, size_t cap)
{
	size_t j, o = 0;

	for (j = 0; j < len && o + 4 < cap; j++)
		buf[o++] = isprint((unsigned char)s[j]) ? s[j] : '?';
	if (j < len && o + 4 <= cap) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* The numeric value of the current element, or -1 when it is no number. */
static int
iter_number(const bson_iter_t *it, double *v)
{
	switch (bson_iter_type(it)) {
	case BSON_TYPE_INT32:
		*v = bson_iter_int32(it);
		return 0;
	case BSON_TYPE_INT64:
		*v = (double)bson_iter_int64(it);
		return 0;
	case BSON_TYPE_DOUBLE:
		*v = bson_iter_double(it);
		return isfinite(*v) ? 0 : -1;
	default:
		return -1;
	}
}

struct doc_item {
	const char *name;
	uint32_t len;
	double q;
};

/* The Items of an invoice document at it (a document of quantities, or
 * the till's array of names), repeats added up, into *items (replaced;
 * the caller frees it) and *n.  Returns 0, 1 when the document is rejected
 * (reason in err), -1 on a fatal error. */
static int
doc_items(const bson_iter_t *it, struct doc_item **items, size_t *n,
    char *err, size_t errlen)
{
	bson_iter_t sub;
	char sb[64];
	const char *name;
	uint32_t len;
	size_t k;
	double q;

	if (!BSON_ITER_HOLDS_DOCUMENT(it) && !BSON_ITER_HOLDS_ARRAY(it)) {
		snprintf(err, errlen, "Items is neither a document nor an "
		    "array");
		return 1;
	}
	if (!bson_iter_recurse(it, &sub)) {
		snprintf(err, errlen, "corrupt Items");
		return 1;
	}
	free(*items);
	*items = NULL;
	*n = 0;
	while (bson_iter_next(&sub)) {
		if (BSON_ITER_HOLDS_ARRAY(it)) {
			/* The till's form: a name per unit. */
			if (!BSON_ITER_HOLDS_UTF8(&sub)) {
				snprintf(err, errlen, "Items[%s] is not a "
				    "string", bson_iter_key(&sub));
				return 1;
			}
			name = bson_iter_utf8(&sub, &len);
			q = 1;
		} else {
			name = bson_iter_key(&sub);
			len = bson_iter_key_len(&sub);
			if (iter_number(&sub, &q) == -1) {
				snprintf(err, errlen, "Items.%s: quantity is "
				    "not a number", show(name, len, sb,
				    sizeof(sb)));
				return 1;
			}
		}
		if (len == 0 || len > REC_MAX_KEY) {
			snprintf(err, errlen, "Items: item name empty or "
			    "longer than %d bytes", REC_MAX_KEY);
			return 1;
		}
		/* Repeats within one invoice add up. */
		for (k = 0; k < *n; k++)
			if ((*items)[k].len == len &&
			    memcmp((*items)[k].name, name, len) == 0)
				break;
		if (k < *n) {
			(*items)[k].q += q;
			continue;
		}
		if (*n == MAX_DOC_ITEMS) {
			snprintf(err, errlen, "more than %d distinct items",
			    MAX_DOC_ITEMS);
			return 1;
		}
		if (*n % 64 == 0) {
			struct doc_item *ni = realloc(*items, (*n + 64) *
			    sizeof(*ni));
			if (ni == NULL) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			*items = ni;
		}
		(*items)[*n].name = name;
		(*items)[*n].len = len;
		(*items)[*n].q = q;
		(*n)++;
	}
	return 0;
}

int
rec_add_invoice(struct rec_data *d, const bson_t *doc, char *err,
    size_t errlen)
{
	bson_iter_t it;
	const char *phone = NULL, *first = NULL, *last = NULL;
	char phonebuf[32];
	uint32_t plen = 0;
	struct doc_item *items = NULL;
	size_t n = 0, j;
	int have_items = 0, rc = 1;

	if (!bson_iter_init(&it, doc)) {
		snprintf(err, errlen, "corrupt document");
		return 1;
	}
	while (bson_iter_next(&it)) {
		const char *key = bson_iter_key(&it);
		if (strcmp(key, "PhoneNumber") == 0) {
			if (BSON_ITER_HOLDS_UTF8(&it))
				phone = bson_iter_utf8(&it, &plen);
			else if (BSON_ITER_HOLDS_INT32(&it) ||
			    BSON_ITER_HOLDS_INT64(&it)) {
				plen = (uint32_t)snprintf(phonebuf,
				    sizeof(phonebuf), "%lld",
				    (long long)bson_iter_as_int64(&it));
				phone = phonebuf;
			} else {
				snprintf(err, errlen, "PhoneNumber is not a string");
				goto out;
			}
		} else if (strcmp(key, "FirstName") == 0 &&
		    BSON_ITER_HOLDS_UTF8(&it)) {
			first = bson_iter_utf8(&it, NULL);
		} else if (strcmp(key, "LastName") == 0 &&
		    BSON_ITER_HOLDS_UTF8(&it)) {
			last = bson_iter_utf8(&it, NULL);
		} else if (strcmp(key, "Items") == 0) {
			have_items = 1;
			if ((rc = doc_items(&it, &items, &n, err, errlen)) != 0)
				goto out;
			rc = 1;
		}
	}
	if (phone == NULL || plen == 0) {
		snprintf(err, errlen, "no PhoneNumber");
		goto out;
	}
	if (plen > REC_MAX_KEY) {
		snprintf(err, errlen, "PhoneNumber longer than %d bytes",
		    REC_MAX_KEY);
		goto out;
	}
	if (!have_items) {
		snprintf(err, errlen, "no Items");
		goto out;
	}
	for (j = 0; j < n; j++) {
		if (rec_data_add(d, phone, plen, first, last, items[j].name,
		    items[j].len, items[j].q, err, errlen) == -1) {
			rc = -1;
			goto out;
		}
	}
	rc = 0;
out:
	free(items);
	return rc;
}

/* ==== shared reject handling ============================================= */

/* Count a rejected record; 0 to go on, -1 when past the tolerance (err then
 * holds the message). */
static int
reject(const struct rec_input *in, struct rec_data *d, char *err,
    size_t errlen)
{
	d->rejected++;
	if (d->rejected > in->max_rejects)
		return -1;
	if (in->warn != NULL)
		in->warn(in->ctx, err);
	return 0;
}

static const char *
name_of(const struct rec_input *in)
{
	return strcmp(in->path, "-") == 0 ? "stdin" : in->path;
}

static int
open_input(const struct rec_input *in, char *err, size_t errlen)
{
	int fd;

	struct pollfd pfd;
	struct stat st;
	char why[128];

	if (strcmp(in->path, "-") == 0)
		return STDIN_FILENO;
	/* A regular file or a FIFO (a pipe from <(...) too), read once from
	 * start to end; a device or a directory is refused. */
	if ((fd = li_open_input(in->path, LI_IN_FIFO, why, sizeof(why))) == -1) {
		snprintf(err, errlen, "%s: %s", in->path, why);
		return -1;
	}
	/* A FIFO opened without blocking reads as empty until a writer
	 * comes: wait for its first data or its end, as a blocking open
	 * would have (SIGINT and SIGTERM still end the process). */
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, -1) == -1) {
			if (errno != EINTR) {
				snprintf(err, errlen, "%s: %s", in->path,
				    strerror(errno));
				close(fd);
				return -1;
			}
		}
	}
	return fd;
}

/* Read up to len bytes from a buffered stream; returns the count read
 * (short at end of input) or -1 on a read error. */
static ssize_t
read_full(FILE *fp, void *buf, size_t len)
{
	size_t got = fread(buf, 1, len, fp);

	if (got < len && ferror(fp))
		return -1;
	return (ssize_t)got;
}

/* ==== BSON archive ======================================================= */

/* Documents are framed by their own length prefix, bounded by max_record
 * before anything is allocated, then checked and walked by libbson. */
static int
read_bson(const struct rec_input *in, int fd, struct rec_data *d, char *err,
    size_t errlen)
{
	const char *name = name_of(in);
	size_t max = in->max_record ? in->max_record : DEF_MAX_RECORD;
	uint8_t *buf = NULL;
	uint64_t off = 0, docno = 0;
	char why[REC_ERRLEN];
	FILE *fp;
	int rc = -1, dupfd;

	/* A stream of its own, so that closing it leaves fd to the caller. */
	if ((dupfd = dup(fd)) == -1 || (fp = fdopen(dupfd, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		if (dupfd != -1)
			close(dupfd);
		return -1;
	}
	if ((buf = malloc(max)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto out;
	}
	for (;;) {
		uint8_t lenb[4];
		uint32_t len;
		ssize_t r = read_full(fp, lenb, 4);
		bson_t doc;
		size_t erroff;
		int x;

		if (r == 0)
			break;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			goto out;
		}
		docno++;
		if (r < 4) {
			snprintf(err, errlen, "%s: document %llu at byte %llu: "
			    "truncated", name, (unsigned long long)docno,
			    (unsigned long long)off);
			if (reject(in, d, err, errlen) == -1)
				goto out;
			break;
		}
		len = (uint32_t)lenb[0] | (uint32_t)lenb[1] << 8 |
		    (uint32_t)lenb[2] << 16 | (uint32_t)lenb[3] << 24;
		if (len < 5 || len > max) {
			/* The framing is lost: nothing after this is usable. */
			snprintf(err, errlen, "%s: document %llu at byte %llu: "
			    "bad length %lu (not BSON, or corrupt)", name,
			    (unsigned long long)docno, (unsigned long long)off,
			    (unsigned long)len);
			if (reject(in, d, err, errlen) == -1)
				goto out;
			break;
		}
		memcpy(buf, lenb, 4);
		r = read_full(fp, buf + 4, len - 4);
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			goto out;
		}
		if ((size_t)r < len - 4) {
			snprintf(err, errlen, "%s: document %llu at byte %llu: "
			    "truncated", name, (unsigned long long)docno,
			    (unsigned long long)off);
			if (reject(in, d, err, errlen) == -1)
				goto out;
			break;
		}
		if (!bson_init_static(&doc, buf, len) ||
		    !bson_validate(&doc, BSON_VALIDATE_UTF8 |
		    BSON_VALIDATE_UTF8_ALLOW_NULL, &erroff)) {
			snprintf(err, errlen, "%s: document %llu at byte %llu: "
			    "corrupt BSON", name, (unsigned long long)docno,
			    (unsigned long long)off);
			if (reject(in, d, err, errlen) == -1)
				goto out;
			off += len;
			continue;
		}
		x = rec_add_invoice(d, &doc, why, sizeof(why));
		if (x != 0) {
			snprintf(err, errlen, "%s: document %llu: %s", name,
			    (unsigned long long)docno, why);
			if (x == -1 || reject(in, d, err, errlen) == -1)
				goto out;
		}
		off += len;
	}
	rc = 0;
out:
	free(buf);
	fclose(fp);
	return rc;
}

/* ==== JSON lines ========================================================= */

/* Read one line of at most max bytes into buf (NUL-terminated, without the
 * line break).  Returns 1, 0 at end, 2 for a line that was too long (its
 * rest is skipped), or -1 on a read error. */
static int
get_line(FILE *fp, char *buf, size_t max, size_t *lenp)
{
	size_t n = 0;
	int c, toolong = 0;

	while ((c = getc_unlocked(fp)) != EOF && c != '\n') {
		if (n < max)
			buf[n++] = (char)c;
		else
			toolong = 1;
	}
	if (c == EOF && ferror(fp))
		return -1;
	if (c == EOF && n == 0 && !toolong)
		return 0;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*lenp = n;
	return toolong ? 2 : 1;
}

static int
read_json(const struct rec_input *in, int fd, struct rec_data *d, char *err,
    size_t errlen)
{
	const char *name = name_of(in);
	size_t max = in->max_record ? in->max_record : DEF_MAX_RECORD;
	char *buf = NULL, why[REC_ERRLEN];
	uint64_t line = 0;
	FILE *fp;
	int rc = -1, dupfd;

	if ((dupfd = dup(fd)) == -1 || (fp = fdopen(dupfd, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		if (dupfd != -1)
			close(dupfd);
		return -1;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto out;
	}
	for (;;) {
		size_t len, j;
		bson_error_t berr;
		bson_t *doc;
		int x = get_line(fp, buf, max, &len);

		if (x == 0)
			break;
		if (x < 0) {
			snprintf(err, errlen, "%s: %s", name, strerror(errno));
			goto out;
		}
		line++;
		if (x == 2) {
			snprintf(err, errlen, "%s:%llu: line longer than %zu "
			    "bytes", name, (unsigned long long)line, max);
			if (reject(in, d, err, errlen) == -1)
				goto out;
			continue;
		}
		for (j = 0; j < len && isspace((unsigned char)buf[j]); j++)
			;
		if (j == len)
			continue;
		doc = bson_new_from_json((const uint8_t *)buf, (ssize_t)len,
		    &berr);
		if (doc == NULL) {
			char m[sizeof(berr.message)];
			size_t k;
			snprintf(m, sizeof(m), "%s", berr.message);
			for (k = 0; m[k]; k++)
				m[k] = (char)tolower((unsigned char)m[k]);
			snprintf(err, errlen, "%s:%llu: not a JSON document: %s",
			    name, (unsigned long long)line, m);
			if (reject(in, d, err, errlen) == -1)
				goto out;
			continue;
		}
		x = rec_add_invoice(d, doc, why, sizeof(why));
		bson_destroy(doc);
		if (x != 0) {
			snprintf(err, errlen, "%s:%llu: %s", name,
			    (unsigned long long)line, why);
			if (x == -1 || reject(in, d, err, errlen) == -1)
				goto out;
		}
	}
	rc = 0;
out:
	free(buf);
	fclose(fp);
	return rc;
}

/* ==== CSV rating triples ================================================= */

/* A column given as a 1-based position ("3"), or 0 for a name. */
static long
col_pos(const char *spec)
{
	long long v;

	if (parse_long(spec, 1, 100000, &v) == 0)
		return (long)v;
	return 0;
}

static int
field_number(const struct csvio_field *f, double *v)
{
	char tmp[64];
	size_t a = 0, b = f->len;

	while (a < b && isspace((unsigned char)f->p[a]))
		a++;
	while (b > a && isspace((unsigned char)f->p[b - 1]))
		b--;
	if (b - a == 0 || b - a >= sizeof(tmp))
		return -1;
	memcpy(tmp, f->p + a, b - a);
	tmp[b - a] = '\0';
	return parse_double(tmp, -1e300, 1e300, v);
}

static int
read_csv(const struct rec_input *in, int fd, struct rec_data *d, char *err,
    size_t errlen)
{
	const char *name = name_of(in);
	const char *spec[3] = { in->ucol, in->icol, in->rcol };
	static const char *const what[3] = { "user", "item", "rating" };
	struct csvio_reader *r;
	struct csvio_record rec;
	long col[3];
	int header = in->header, named = 0, first = 1, rc = -1, j, x;
	char sb[64];

	for (j = 0; j < 3; j++)
		if ((col[j] = col_pos(spec[j])) == 0)
			named = 1;
	if (named)
		header = 1;
	r = csvio_reader_new(fd, in->delim ? in->delim : ',',
	    in->max_record ? in->max_record : 0);
	if (r == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	while ((x = csvio_next(r, &rec)) != 0) {
		double v;
		long need;

		if (x < 0) {
			snprintf(err, errlen, "%s:%llu: %s", name,
			    (unsigned long long)rec.line,
			    rec.err == CSVIO_EIO ? strerror(errno) :
			    csvio_strerror(rec.err));
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM ||
			    reject(in, d, err, errlen) == -1)
				goto out;
			continue;
		}
		if (first) {
			first = 0;
			if (header == -1) {
				/* A header when the rating field is no number. */
				header = (long)rec.nf >= col[2] &&
				    field_number(&rec.f[col[2] - 1], &v) == -1;
			}
			if (header) {
				for (j = 0; j < 3; j++) {
					if (col[j] > 0)
						continue;
					if ((col[j] = csvio_find(&rec,
					    spec[j]) + 1) == 0) {
						snprintf(err, errlen, "%s:%llu: "
						    "no %s column '%s' in the "
						    "header", name,
						    (unsigned long long)rec.line,
						    what[j], spec[j]);
						goto out;
					}
				}
				continue;
			}
		}
		need = col[0] > col[1] ? col[0] : col[1];
		if (col[2] > need)
			need = col[2];
		if ((long)rec.nf < need) {
			snprintf(err, errlen, "%s:%llu: %zu fields, wanted at "
			    "least %ld", name, (unsigned long long)rec.line,
			    rec.nf, need);
		} else if (rec.f[col[0] - 1].len == 0 ||
		    rec.f[col[0] - 1].len > REC_MAX_KEY) {
			snprintf(err, errlen, "%s:%llu: user id empty or longer "
			    "than %d bytes", name, (unsigned long long)rec.line,
			    REC_MAX_KEY);
		} else if (rec.f[col[1] - 1].len == 0 ||
		    rec.f[col[1] - 1].len > REC_MAX_KEY) {
			snprintf(err, errlen, "%s:%llu: item empty or longer "
			    "than %d bytes", name, (unsigned long long)rec.line,
			    REC_MAX_KEY);
		} else if (field_number(&rec.f[col[2] - 1], &v) == -1) {
			snprintf(err, errlen, "%s:%llu: rating '%s' is not a "
			    "number", name, (unsigned long long)rec.line,
			    show(rec.f[col[2] - 1].p, rec.f[col[2] - 1].len, sb,
			    sizeof(sb)));
		} else {
			if (rec_data_add(d, rec.f[col[0] - 1].p,
			    rec.f[col[0] - 1].len, NULL, NULL,
			    rec.f[col[1] - 1].p, rec.f[col[1] - 1].len, v, sb,
			    sizeof(sb)) == -1) {
				snprintf(err, errlen, "%s:%llu: %s", name,
				    (unsigned long long)rec.line, sb);
				goto out;
			}
			continue;
		}
		if (reject(in, d, err, errlen) == -1)
			goto out;
	}
	rc = 0;
out:
	csvio_reader_free(r);
	return rc;
}

int
rec_read(const struct rec_input *in, struct rec_data *d, char *err,
    size_t errlen)
{
	int fd, rc = -1;

	if ((fd = open_input(in, err, errlen)) == -1)
		return -1;
	switch (in->fmt) {
	case REC_FMT_BSON:
		rc = read_bson(in, fd, d, err, errlen);
		break;
	case REC_FMT_JSON:
		rc = read_json(in, fd, d, err, errlen);
		break;
	case REC_FMT_CSV:
		rc = read_csv(in, fd, d, err, errlen);
		break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}
