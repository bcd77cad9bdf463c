/* The model file: a fixed 96-byte little-endian header with its own CRC-32,
 * then a payload with its CRC-32 in the header: the factors as IEEE-754
 * doubles, the user ids and names, the item names and each user's training
 * items.  Every field is fixed-width and little-endian whatever the host,
 * and the decoder bounds every length before it trusts it.
 *
 *   off size field
 *     0    8 magic "LIRECMOD"
 *     8    4 format version (1)
 *    12    4 header length (96)
 *    16    4 flags: 1 implicit, 2 non-negative
 *    20    4 rank
 *    24    4 users
 *    28    4 items
 *    32    4 iterations
 *    36    4 rating aggregation (0 sum, 1 count, 2 max)
 *    40    8 seed
 *    48    8 training ratings (nnz)
 *    56    8 lambda (double)
 *    64    8 alpha (double)
 *    72    8 payload length
 *    80    4 payload CRC-32
 *    84    8 reserved, zero
 *    92    4 CRC-32 of bytes 0-91
 *
 * Payload: U (users x rank doubles), V (items x rank doubles); per user
 * three strings (id, first name, last name); per item one string (name);
 * per user a u32 count and that many u32 item indices.  A string is a u32
 * length and its bytes. */
#include "rec.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "readfile.h"
#include "util.h"

/* ==== CRC-32 (IEEE 802.3, reflected, as zlib) ============================ */

uint32_t
rec_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	static int ready;
	const unsigned char *p = buf;
	uint32_t c;
	int i, j;

	if (!ready) {
		/* Idempotent: racing threads write the same values. */
		for (i = 0; i < 256; i++) {
			c = (uint32_t)i;
			for (j = 0; j < 8; j++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[i] = c;
		}
		ready = 1;
	}
	c = crc ^ 0xffffffffu;
	while (len-- > 0)
		c = table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* ==== building and freeing =============================================== */

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

struct rec_model *
rec_model_from(const struct rec_data *d, const struct rec_csr *bu,
    const struct als_params *p, const double *U, const double *V)
{
	struct rec_model *m;
	size_t j, k = (size_t)p->rank;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->rank = (uint32_t)p->rank;
	m->nusers = (uint32_t)strmap_count(d->users);
	m->nitems = (uint32_t)strmap_count(d->items);
	m->iters = (uint32_t)p->iters;
	m->flags = (p->implicit ? REC_MF_IMPLICIT : 0) |
	    (p->nonneg ? REC_MF_NONNEG : 0);
	m->agg = (uint32_t)d->agg;
	m->seed = p->seed;
	m->nnz = bu->ptr[bu->nrows];
	m->lambda = p->lambda;
	m->alpha = p->alpha;
	m->U = malloc((m->nusers * k + 1) * sizeof(double));
	m->V = malloc((m->nitems * k + 1) * sizeof(double));
	m->uid = calloc(m->nusers + 1, sizeof(char *));
	m->first = calloc(m->nusers + 1, sizeof(char *));
	m->last = calloc(m->nusers + 1, sizeof(char *));
	m->item = calloc(m->nitems + 1, sizeof(char *));
	m->own_ptr = malloc((m->nusers + 1) * sizeof(*m->own_ptr));
	m->own_idx = malloc((m->nnz + 1) * sizeof(*m->own_idx));
	if (m->U == NULL || m->V == NULL || m->uid == NULL ||
	    m->first == NULL || m->last == NULL || m->item == NULL ||
	    m->own_ptr == NULL || m->own_idx == NULL)
		goto fail;
	memcpy(m->U, U, m->nusers * k * sizeof(double));
	memcpy(m->V, V, m->nitems * k * sizeof(double));
	for (j = 0; j < m->nusers; j++) {
		m->uid[j] = strdup(strmap_key(d->users, (long)j, NULL));
		m->first[j] = dup_or_empty(d->first[j]);
		m->last[j] = dup_or_empty(d->last[j]);
		if (!m->uid[j] || !m->first[j] || !m->last[j])
			goto fail;
	}
	for (j = 0; j < m->nitems; j++)
		if ((m->item[j] = strdup(strmap_key(d->items, (long)j,
		    NULL))) == NULL)
			goto fail;
	memcpy(m->own_ptr, bu->ptr, (m->nusers + 1) * sizeof(*m->own_ptr));
	memcpy(m->own_idx, bu->idx, m->nnz * sizeof(*m->own_idx));
	return m;
fail:
	rec_model_free(m);
	return NULL;
}

void
rec_model_free(struct rec_model *m)
{
	size_t j;

	if (m == NULL)
		return;
	for (j = 0; m->uid != NULL && j < m->nusers; j++) {
		free(m->uid[j]);
		if (m->first)
			free(m->first[j]);
		if (m->last)
			free(m->last[j]);
	}
	for (j = 0; m->item != NULL && j < m->nitems; j++)
		free(m->item[j]);
	free(m->uid);
	free(m->first);
	free(m->last);
	free(m->item);
	free(m->U);
	free(m->V);
	free(m->own_ptr);
	free(m->own_idx);
	strmap_free(m->umap);
	strmap_free(m->imap);
	free(m->VT);
	free(m);
}

int
rec_model_index(struct rec_model *m)
{
	size_t j;

	if ((m->umap = strmap_new()) == NULL ||
	    (m->imap = strmap_new()) == NULL)
		return -1;
	for (j = 0; j < m->nusers; j++)
		if (strmap_intern(m->umap, m->uid[j], strlen(m->uid[j]),
		    NULL) < 0)
			return -1;
	for (j = 0; j < m->nitems; j++)
		if (strmap_intern(m->imap, m->item[j], strlen(m->item[j]),
		    NULL) < 0)
			return -1;
	if ((m->VT = malloc(((size_t)m->nitems * m->rank + 1) *
	    sizeof(*m->VT))) == NULL)
		return -1;
	for (j = 0; j < m->nitems; j++) {
		uint32_t f;
		for (f = 0; f < m->rank; f++)
			m->VT[(size_t)f * m->nitems + j] =
			    m->V[j * m->rank + f];
	}
	return 0;
}

/* ==== encoding =========================================================== */

struct obuf {
	unsigned char *p;
	size_t len, cap;
	int oom;
};

static void
put(struct obuf *o, const void *src, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n > o->cap) {
		size_t nc = o->cap ? o->cap : 4096;
		unsigned char *np;
		while (nc < o->len + n)
			nc *= 2;
		if ((np = realloc(o->p, nc)) == NULL) {
			o->oom = 1;
			return;
		}
		o->p = np;
		o->cap = nc;
	}
	memcpy(o->p + o->len, src, n);
	o->len += n;
}

static void
le32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)v;
	b[1] = (unsigned char)(v >> 8);
	b[2] = (unsigned char)(v >> 16);
	b[3] = (unsigned char)(v >> 24);
}

static void
le64(unsigned char *b, uint64_t v)
{
	le32(b, (uint32_t)v);
	le32(b + 4, (uint32_t)(v >> 32));
}

static uint32_t
get32(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	    (uint32_t)b[3] << 24;
}

static uint64_t
get64(const unsigned char *b)
{
	return (uint64_t)get32(b) | (uint64_t)get32(b + 4) << 32;
}

static uint64_t
dbits(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof(u));
	return u;
}

static double
bitsd(uint64_t u)
{
	double x;

	memcpy(&x, &u, sizeof(x));
	return x;
}

static void
put32(struct obuf *o, uint32_t v)
{
	unsigned char b[4];

	le32(b, v);
	put(o, b, 4);
}

static void
putd(struct obuf *o, const double *x, size_t n)
{
	unsigned char b[512];
	size_t j, f = 0;

	for (j = 0; j < n; j++) {
		le64(b + f, dbits(x[j]));
		if ((f += 8) == sizeof(b)) {
			put(o, b, f);
			f = 0;
		}
	}
	put(o, b, f);
}

static void
putstr(struct obuf *o, const char *s)
{
	size_t n = strlen(s);

	put32(o, (uint32_t)n);
	put(o, s, n);
}

int
rec_model_encode(const struct rec_model *m, unsigned char **bufp,
    size_t *lenp)
{
	struct obuf o = { 0 };
	unsigned char *h;
	size_t j, k = m->rank;
	uint64_t q;

	put(&o, (unsigned char[REC_MODEL_HDRLEN]){ 0 }, REC_MODEL_HDRLEN);
	putd(&o, m->U, (size_t)m->nusers * k);
	putd(&o, m->V, (size_t)m->nitems * k);
	for (j = 0; j < m->nusers; j++) {
		putstr(&o, m->uid[j]);
		putstr(&o, m->first[j]);
		putstr(&o, m->last[j]);
	}
	for (j = 0; j < m->nitems; j++)
		putstr(&o, m->item[j]);
	for (j = 0; j < m->nusers; j++) {
		put32(&o, (uint32_t)(m->own_ptr[j + 1] - m->own_ptr[j]));
		for (q = m->own_ptr[j]; q < m->own_ptr[j + 1]; q++)
			put32(&o, m->own_idx[q]);
	}
	if (o.oom) {
		free(o.p);
		errno = ENOMEM;
		return -1;
	}
	h = o.p;
	memcpy(h, REC_MODEL_MAGIC, 8);
	le32(h + 8, REC_MODEL_VERSION);
	le32(h + 12, REC_MODEL_HDRLEN);
	le32(h + 16, m->flags);
	le32(h + 20, m->rank);
	le32(h + 24, m->nusers);
	le32(h + 28, m->nitems);
	le32(h + 32, m->iters);
	le32(h + 36, m->agg);
	le64(h + 40, m->seed);
	le64(h + 48, m->nnz);
	le64(h + 56, dbits(m->lambda));
	le64(h + 64, dbits(m->alpha));
	le64(h + 72, o.len - REC_MODEL_HDRLEN);
	le32(h + 80, rec_crc32(0, h + REC_MODEL_HDRLEN,
	    o.len - REC_MODEL_HDRLEN));
	le32(h + 92, rec_crc32(0, h, 92));
	*bufp = o.p;
	*lenp = o.len;
	return 0;
}

/* ==== decoding =========================================================== */

struct ibuf {
	const unsigned char *p, *end;
};

static int
take32(struct ibuf *in, uint32_t *v)
{
	if (in->end - in->p < 4)
		return -1;
	*v = get32(in->p);
	in->p += 4;
	return 0;
}

static char *
takestr(struct ibuf *in)
{
	uint32_t n;
	char *s;

	if (take32(in, &n) == -1 || n > REC_MAX_KEY ||
	    (size_t)(in->end - in->p) < n)
		return NULL;
	if (memchr(in->p, '\0', n) != NULL)
		return NULL;
	if ((s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(s, in->p, n);
	s[n] = '\0';
	in->p += n;
	return s;
}

/* Check a model's header and the payload's length and checksum; set
 * *plenp to the payload's length.  Returns 0, or -1 with err set. */
static int
check_header(const unsigned char *buf, size_t len, uint64_t *plenp,
    char *err, size_t errlen)
{
	uint64_t plen;
	uint32_t v, hlen;

	if (len < 8 || memcmp(buf, REC_MODEL_MAGIC, 8) != 0) {
		snprintf(err, errlen, "not a recommend model (bad magic)");
		return -1;
	}
	if (len < 16) {
		snprintf(err, errlen, "truncated header (%zu bytes)", len);
		return -1;
	}
	if ((v = get32(buf + 8)) != REC_MODEL_VERSION) {
		snprintf(err, errlen, "model format version %lu; this recommend "
		    "reads version %d", (unsigned long)v, REC_MODEL_VERSION);
		return -1;
	}
	hlen = get32(buf + 12);
	if (len < REC_MODEL_HDRLEN) {
		snprintf(err, errlen, "truncated header (%zu bytes)", len);
		return -1;
	}
	if (hlen != REC_MODEL_HDRLEN ||
	    get32(buf + 92) != rec_crc32(0, buf, 92)) {
		snprintf(err, errlen, "corrupt header (checksum mismatch)");
		return -1;
	}
	plen = get64(buf + 72);
	*plenp = plen;
	if (plen > len - REC_MODEL_HDRLEN) {
		snprintf(err, errlen, "truncated: %zu of %llu bytes", len,
		    (unsigned long long)(plen + REC_MODEL_HDRLEN));
		return -1;
	}
	if (plen < len - REC_MODEL_HDRLEN) {
		snprintf(err, errlen, "%llu bytes of trailing garbage",
		    (unsigned long long)(len - REC_MODEL_HDRLEN - plen));
		return -1;
	}
	if (get32(buf + 80) != rec_crc32(0, buf + REC_MODEL_HDRLEN, plen)) {
		snprintf(err, errlen, "corrupt payload (checksum mismatch)");
		return -1;
	}
	return 0;
}

struct rec_model *
rec_model_decode(const unsigned char *buf, size_t len, char *err,
    size_t errlen)
{
	struct rec_model *m = NULL;
	struct ibuf in;
	uint64_t plen, nf, j, q;
	const char *why = "corrupt payload";

	if (check_header(buf, len, &plen, err, errlen) == -1)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto nomem;
	m->flags = get32(buf + 16);
	m->rank = get32(buf + 20);
	m->nusers = get32(buf + 24);
	m->nitems = get32(buf + 28);
	m->iters = get32(buf + 32);
	m->agg = get32(buf + 36);
	m->seed = get64(buf + 40);
	m->nnz = get64(buf + 48);
	m->lambda = bitsd(get64(buf + 56));
	m->alpha = bitsd(get64(buf + 64));
	if (m->rank < 1 || m->rank > REC_MAX_RANK || m->agg > REC_AGG_MAX ||
	    (m->flags & ~(REC_MF_IMPLICIT | REC_MF_NONNEG)) != 0) {
		why = "corrupt header fields";
		goto bad;
	}
	/* The factors alone must fit in the payload before anything is
	 * allocated for them. */
	nf = ((uint64_t)m->nusers + m->nitems) * m->rank;
	if (nf > plen / 8 || m->nnz > plen / 4) {
		why = "sizes do not match the payload";
		goto bad;
	}
	m->U = malloc(((size_t)m->nusers * m->rank + 1) * sizeof(double));
	m->V = malloc(((size_t)m->nitems * m->rank + 1) * sizeof(double));
	m->uid = calloc((size_t)m->nusers + 1, sizeof(char *));
	m->first = calloc((size_t)m->nusers + 1, sizeof(char *));
	m->last = calloc((size_t)m->nusers + 1, sizeof(char *));
	m->item = calloc((size_t)m->nitems + 1, sizeof(char *));
	m->own_ptr = malloc(((size_t)m->nusers + 1) * sizeof(*m->own_ptr));
	m->own_idx = malloc(((size_t)m->nnz + 1) * sizeof(*m->own_idx));
	if (m->U == NULL || m->V == NULL || m->uid == NULL ||
	    m->first == NULL || m->last == NULL || m->item == NULL ||
	    m->own_ptr == NULL || m->own_idx == NULL)
		goto nomem;
	in.p = buf + REC_MODEL_HDRLEN;
	in.end = in.p + plen;
	for (j = 0; j < nf; j++) {
		double x = bitsd(get64(in.p));
		if (!isfinite(x)) {
			why = "a factor is not a finite number";
			goto bad;
		}
		if (j < (uint64_t)m->nusers * m->rank)
			m->U[j] = x;
		else
			m->V[j - (uint64_t)m->nusers * m->rank] = x;
		in.p += 8;
	}
	for (j = 0; j < m->nusers; j++) {
		if ((m->uid[j] = takestr(&in)) == NULL ||
		    (m->first[j] = takestr(&in)) == NULL ||
		    (m->last[j] = takestr(&in)) == NULL)
			goto bad;
	}
	for (j = 0; j < m->nitems; j++)
		if ((m->item[j] = takestr(&in)) == NULL)
			goto bad;
	q = 0;
	m->own_ptr[0] = 0;
	for (j = 0; j < m->nusers; j++) {
		uint32_t c, x;
		if (take32(&in, &c) == -1 || c > m->nnz - q)
			goto bad;
		while (c-- > 0) {
			/* Each customer's items: valid and ascending. */
			if (take32(&in, &x) == -1 || x >= m->nitems ||
			    (q > m->own_ptr[j] && x <= m->own_idx[q - 1]))
				goto bad;
			m->own_idx[q++] = x;
		}
		m->own_ptr[j + 1] = q;
	}
	if (q != m->nnz || in.p != in.end)
		goto bad;
	return m;
bad:
	snprintf(err, errlen, "%s", why);
	rec_model_free(m);
	return NULL;
nomem:
	snprintf(err, errlen, "out of memory");
	rec_model_free(m);
	return NULL;
}

/* ==== files ============================================================== */

int
rec_model_save(const struct rec_model *m, const char *path,
    void (*note_tmp)(const char *tmp), char *err, size_t errlen)
{
	struct atomic_file af;
	unsigned char *buf;
	size_t len;
	int rc = -1;

	if (rec_model_encode(m, &buf, &len) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (atomic_open_mode(&af, path, REC_MODEL_MODE) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (note_tmp != NULL)
		note_tmp(af.tmp);
	if (fwrite(buf, 1, len, af.fp) != len) {
		int saved = errno ? errno : EIO;
		atomic_abort(&af);
		errno = saved;
	} else if (atomic_commit(&af) == 0) {
		rc = 0;
	}
	if (note_tmp != NULL)
		note_tmp(NULL);
	if (rc == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
out:
	free(buf);
	return rc;
}

struct rec_model *
rec_model_load(const char *path, uint64_t max_bytes, char *err,
    size_t errlen)
{
	struct rec_model *m = NULL;
	unsigned char *buf = NULL;
	char why[REC_ERRLEN];
	struct stat sb;
	size_t got = 0;
	int fd;

	/* Never blocks on a FIFO; refuses anything but a regular file. */
	if ((fd = li_open_input(path, 0, why, sizeof(why))) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		return NULL;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((uint64_t)sb.st_size > max_bytes) {
		snprintf(err, errlen, "%s: larger than %llu bytes", path,
		    (unsigned long long)max_bytes);
		goto out;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if ((m = rec_model_decode(buf, got, why, sizeof(why))) == NULL)
		snprintf(err, errlen, "%s: %s", path, why);
out:
	free(buf);
	close(fd);
	return m;
}
