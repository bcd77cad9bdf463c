#include "csvio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define READ_CHUNK	(256 * 1024)

struct csvio_reader {
	int fd;
	char delim;
	int follow;
	int eof;		/* read(2) returned 0 */
	int at_start;		/* BOM not yet checked */
	int skipping;		/* discarding the rest of a too-long record */
	size_t max_record;
	size_t nfields;		/* a multi-line record must have this many */
	size_t max_lines;	/* physical lines a record may span (0: any) */

	char *buf;		/* buf[start..end) holds unconsumed input */
	size_t cap, start, end;
	uint64_t base;		/* stream offset of buf[0] */
	uint64_t line;		/* line number at buf[start] */

	struct csvio_field *f;
	size_t *soff;		/* per field: scratch offset, or NOT_QUOTED */
	size_t fcap;
	char *scratch;		/* unquoted copies of quoted fields */
	size_t scap;
	int nl_known;		/* split_fast counted the record's lines */
	uint64_t nl;
	size_t budget;		/* bytes one csvio_next may read (0: any) */
	size_t spent;		/* bytes read by this csvio_next call */
};

#define NOT_QUOTED	((size_t)-1)

struct csvio_reader *
csvio_reader_new(int fd, char delim, size_t max_record)
{
	struct csvio_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->fd = fd;
	r->delim = delim;
	r->max_record = max_record ? max_record : 1024 * 1024;
	r->cap = r->max_record + READ_CHUNK;
	r->buf = malloc(r->cap);
	r->fcap = 64;
	r->f = malloc(r->fcap * sizeof(*r->f));
	r->soff = malloc(r->fcap * sizeof(*r->soff));
	r->scap = 4096;
	r->scratch = malloc(r->scap);
	r->line = 1;
	r->at_start = 1;
	if (r->buf == NULL || r->f == NULL || r->soff == NULL ||
	    r->scratch == NULL) {
		csvio_reader_free(r);
		return NULL;
	}
	return r;
}

void
csvio_reader_free(struct csvio_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->f);
	free(r->soff);
	free(r->scratch);
	free(r);
}

void
csvio_reader_set_follow(struct csvio_reader *r, int follow)
{
	r->follow = follow;
}

void
csvio_reader_set_fields(struct csvio_reader *r, size_t nf)
{
	r->nfields = nf;
}

void
csvio_reader_set_max_lines(struct csvio_reader *r, size_t max_lines)
{
	r->max_lines = max_lines;
}

void
csvio_reader_seek(struct csvio_reader *r, uint64_t off, uint64_t line)
{
	r->start = r->end = 0;
	r->base = off;
	r->line = line ? line : 1;
	r->eof = 0;
	r->skipping = 0;
	r->at_start = (off == 0);
}

uint64_t
csvio_offset(const struct csvio_reader *r)
{
	return r->base + r->start;
}

uint64_t
csvio_line(const struct csvio_reader *r)
{
	return r->line;
}

void
csvio_reader_set_budget(struct csvio_reader *r, size_t bytes)
{
	r->budget = bytes;
}

const char *
csvio_strerror(enum csvio_err e)
{
	switch (e) {
	case CSVIO_OK:		return "no error";
	case CSVIO_ETOOLONG:	return "record too long";
	case CSVIO_EQUOTE:	return "malformed quoted field";
	case CSVIO_ETRUNC:	return "input ends inside a quoted field";
	case CSVIO_EIO:		return "read error";
	case CSVIO_EINTR:	return "interrupted";
	case CSVIO_ENOMEM:	return "out of memory";
	case CSVIO_EAGAIN:	return "no data available";
	case CSVIO_EUNTERM:	return "unterminated quoted field";
	}
	return "unknown error";
}

/* Set field nf: p into the read buffer, or soff into scratch. */
static int
push_field(struct csvio_reader *r, size_t nf, const char *p, size_t len,
    size_t soff)
{
	if (nf == r->fcap) {
		size_t ncap = r->fcap * 2;
		struct csvio_field *nfp = realloc(r->f, ncap * sizeof(*nfp));
		size_t *nso;
		if (nfp == NULL)
			return -1;
		r->f = nfp;
		if ((nso = realloc(r->soff, ncap * sizeof(*nso))) == NULL)
			return -1;
		r->soff = nso;
		r->fcap = ncap;
	}
	r->f[nf].p = p;
	r->f[nf].len = len;
	r->soff[nf] = soff;
	return 0;
}

#ifdef __SSE2__
/*
 * The fast path of split for the common record, ended by a line break well
 * inside p[0..n).  Sixteen bytes at a time, it finds every delimiter,
 * quote, CR and LF with SSE2 compares and a bit mask, and slices the fields
 * in place, quoted ones too when they hold no "" and no line break.
 * Returns 1 with the record as split would make it, or 0 when split must
 * decide (other quoting, a record near the end of p, a CR at the end of p);
 * it has then changed nothing the caller sees.
 * tests/unit/test_csvio.c checks it against libcsv like the rest.
 */
static int
split_fast(struct csvio_reader *r, const char *p, size_t n,
    struct csvio_record *rec, size_t *used)
{
	const __m128i vd = _mm_set1_epi8(r->delim), vq = _mm_set1_epi8('"');
	const __m128i vn = _mm_set1_epi8('\n'), vr = _mm_set1_epi8('\r');
	size_t i = 0, fstart = 0, nf = 0;

	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vq)),
		    _mm_or_si128(_mm_cmpeq_epi8(v, vn), _mm_cmpeq_epi8(v, vr))));
		size_t next = i + 16;

		while (mask != 0) {
			size_t j = i + (size_t)__builtin_ctz(mask);
			char c = p[j];

			if (nf == r->fcap && push_field(r, nf, NULL, 0, 0) == -1)
				return 0;	/* split reports ENOMEM */
			r->f[nf].p = p + fstart;
			r->f[nf].len = j - fstart;
			if (c == '"') {
				/* A quoted field without "" or a line break
				 * inside is its bytes between the quotes, in
				 * place; anything else is split's. */
				const char *q;
				size_t k;
				if (j != fstart || (q = memchr(p + j + 1, '"',
				    n - j - 1)) == NULL)
					return 0;
				k = (size_t)(q - p);
				if (k + 1 >= n || memchr(p + j + 1, '\n',
				    k - j - 1) != NULL)
					return 0;
				c = p[k + 1];
				if (c != r->delim && c != '\n' && c != '\r')
					return 0;	/* "" or text after */
				r->f[nf].p = p + j + 1;
				r->f[nf].len = k - j - 1;
				j = k + 1;
				if (c == r->delim) {
					nf++;
					fstart = j + 1;
					next = j + 1;	/* scan on from there */
					break;
				}
			}
			if (c == r->delim) {
				nf++;
				fstart = j + 1;
				mask &= mask - 1;
				continue;
			}
			/* CR or LF: the record ends. */
			nf++;
			rec->rawlen = j;
			r->nl = 0;
			if (c == '\r') {
				if (j + 1 >= n)
					return 0;	/* CRLF? split waits */
				if (p[j + 1] == '\n')
					j++;
			}
			if (p[j] == '\n')
				r->nl = 1;
			*used = j + 1;
			rec->raw = p;
			rec->nf = nf;
			rec->f = r->f;
			rec->err = CSVIO_OK;
			r->nl_known = 1;
			return 1;
		}
		i = next;
	}
	return 0;
}
#endif

/*
 * Reject the first physical line of the record at p (lf: the offset of its
 * LF) with err, so that the lines after it are read again.  Returns -1.
 */
static int
cut_back(const char *p, size_t lf, enum csvio_err err,
    struct csvio_record *rec, size_t *used)
{
	rec->err = err;
	rec->raw = p;
	rec->rawlen = lf;
	if (lf > 0 && p[lf - 1] == '\r')
		rec->rawlen--;
	*used = lf + 1;
	return -1;
}

/*
 * Split one record from p[0..n).  Returns:
 *   1  a record; *used is its length including the line break
 *   0  more input is needed (the record is not complete yet)
 *  -1  malformed: rec->err set, *used is how much to skip to resync
 * With eof set, the end of p ends the record.
 * It is one state machine over the bytes (field start, unquoted, quoted,
 * quote seen, line end) kept whole on purpose: split across functions its
 * states would travel in a struct and its hot loop would lose them from
 * registers; test_csvio and fuzz_csvio_diff check it against libcsv.
 */
static int
split(struct csvio_reader *r, const char *p, size_t n, int eof,
    struct csvio_record *rec, size_t *used)
{
	const char delim = r->delim;
	size_t i = 0, nf = 0, sused = 0, fstart;
	int quoted_any = 0;

#ifdef __SSE2__
	if (split_fast(r, p, n, rec, used))
		return 1;
#endif
	/* Quoted fields are unquoted into scratch; their pointers are fixed
	 * up at the end, since scratch may move while growing. */
	for (;;) {
		fstart = i;
		if (i < n && p[i] == '"') {
			/* Quoted field. */
			size_t sstart = sused;
			quoted_any = 1;
			i++;
			for (;;) {
				const char *q = i < n ? memchr(p + i, '"', n - i) : NULL;
				size_t chunk;
				if (q == NULL) {
					const char *lf;
					size_t k;
					if (!eof)
						return 0;
					/* The quote never closes: reject the
					 * record's first line and read on from
					 * the next.  "Input ends inside a
					 * quoted field" when nothing follows
					 * but line breaks. */
					if ((lf = memchr(p, '\n', n)) != NULL) {
						for (k = (size_t)(lf - p) + 1;
						    k < n && (p[k] == '\n' ||
						    p[k] == '\r'); k++)
							;
						return cut_back(p, (size_t)(lf - p),
						    k < n ? CSVIO_EUNTERM :
						    CSVIO_ETRUNC, rec, used);
					}
					rec->err = CSVIO_ETRUNC;
					rec->raw = p;
					rec->rawlen = n;
					while (rec->rawlen > 0 &&
					    (p[rec->rawlen - 1] == '\n' ||
					    p[rec->rawlen - 1] == '\r'))
						rec->rawlen--;
					*used = n;
					return -1;
				}
				chunk = (size_t)(q - (p + i));
				if (sused + chunk + 1 > r->scap) {
					size_t ncap = r->scap;
					char *ns;
					while (ncap < sused + chunk + 1)
						ncap *= 2;
					if ((ns = realloc(r->scratch, ncap)) == NULL) {
						rec->err = CSVIO_ENOMEM;
						*used = 0;
						return -1;
					}
					r->scratch = ns;
					r->scap = ncap;
				}
				memcpy(r->scratch + sused, p + i, chunk);
				sused += chunk;
				i += chunk + 1;
				if (i >= n && !eof)
					return 0;
				if (i < n && p[i] == '"') {
					r->scratch[sused++] = '"';
					i++;
					continue;
				}
				break;
			}
			if (push_field(r, nf, NULL, sused - sstart, sstart) == -1)
				goto nomem;
			nf++;
			if (i >= n) {
				/* eof right after the closing quote */
				*used = n;
				goto done;
			}
			if (p[i] == delim) {
				i++;
				continue;
			}
			if (p[i] == '\n' || p[i] == '\r')
				goto eol;
			/* Text after a closing quote. */
			goto bad_quote;
		}
		/* Unquoted field: scan to a delimiter, quote or line break. */
		while (i < n) {
			char c = p[i];
			if (c == delim || c == '\n' || c == '\r' || c == '"')
				break;
			i++;
		}
		if (i >= n) {
			if (!eof)
				return 0;
			if (push_field(r, nf, p + fstart, i - fstart, NOT_QUOTED) == -1)
				goto nomem;
			nf++;
			*used = n;
			goto done;
		}
		if (p[i] == '"')
			goto bad_quote;
		if (push_field(r, nf, p + fstart, i - fstart, NOT_QUOTED) == -1)
			goto nomem;
		nf++;
		if (p[i] == delim) {
			i++;
			continue;
		}
		goto eol;
	}
eol:
	/* p[i] is CR or LF. */
	rec->rawlen = i;
	if (p[i] == '\r') {
		if (i + 1 >= n && !eof)
			return 0;	/* is it CRLF? need one more byte */
		if (i + 1 < n && p[i + 1] == '\n')
			i++;
	}
	*used = i + 1;
	goto fill;
done:
	rec->rawlen = *used;
fill:
	rec->raw = p;
	rec->nf = nf;
	rec->f = r->f;
	if (quoted_any) {
		/* scratch may have moved while growing: point now. */
		size_t k;
		for (k = 0; k < nf; k++)
			if (r->soff[k] != NOT_QUOTED)
				r->f[k].p = r->scratch + r->soff[k];
	}
	rec->err = CSVIO_OK;
	return 1;
nomem:
	rec->err = CSVIO_ENOMEM;
	*used = 0;
	return -1;
bad_quote:
	{
		/* Resync at the end of the record's first physical line.
		 * Past a quoted line break, the error shows that the quote
		 * opened on the first line has no consistent close: the
		 * lines after the first are read again. */
		const char *lf = memchr(p, '\n', n);
		if (lf != NULL && (size_t)(lf - p) < i)
			return cut_back(p, (size_t)(lf - p), CSVIO_EUNTERM, rec,
			    used);
		if (lf == NULL && !eof)
			return 0;
		if (lf != NULL)
			return cut_back(p, (size_t)(lf - p), CSVIO_EQUOTE, rec,
			    used);
		rec->err = CSVIO_EQUOTE;
		rec->raw = p;
		rec->rawlen = n;
		if (n > 0 && p[n - 1] == '\r')
			rec->rawlen--;
		*used = n;
		return -1;
	}
}

/* Whether p[0..n) holds at least k line breaks. */
static int
has_lines(const char *p, size_t n, size_t k)
{
	const char *e = p + n;

	while (k > 0 && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		k--;
		p++;
	}
	return k == 0;
}

static uint64_t
count_lines(const char *p, size_t n)
{
	uint64_t c = 0;
	const char *e = p + n;

	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

/* Read more input; returns 1 data, 0 eof, -1 error (rec->err). */
static int
fill(struct csvio_reader *r, struct csvio_record *rec)
{
	ssize_t got;

	if (r->start > 0 && (r->cap - r->end < READ_CHUNK / 2 ||
	    r->start == r->end)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->base += r->start;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end == r->cap)
		return 1;	/* caller detects too long */
	if (r->budget > 0 && r->spent >= r->budget) {
		/* This call has read its share: back to the caller's poll. */
		rec->err = CSVIO_EAGAIN;
		return -1;
	}
	got = read(r->fd, r->buf + r->end, r->cap - r->end);
	if (got < 0) {
		rec->err = errno == EINTR ? CSVIO_EINTR :
		    errno == EAGAIN || errno == EWOULDBLOCK ? CSVIO_EAGAIN :
		    CSVIO_EIO;
		return -1;
	}
	if (got == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)got;
	r->spent += (size_t)got;
	return 1;
}

/* One loop over the buffer's states (a record in it, more to read, a
 * record to skip past the limit, the end), kept whole so that each
 * return to the caller (EINTR, EAGAIN, a record) is visible in one place. */
int
csvio_next(struct csvio_reader *r, struct csvio_record *rec)
{
	r->spent = 0;
	for (;;) {
		size_t avail = r->end - r->start, used = 0;
		const char *p = r->buf + r->start;
		int rc;

		if (r->skipping) {
			const char *nl = avail ? memchr(p, '\n', avail) : NULL;
			if (nl != NULL) {
				r->start += (size_t)(nl - p) + 1;
				r->line++;
				r->skipping = 0;
				continue;
			}
			r->start = r->end;
			rc = fill(r, rec);
			if (rc > 0) {
				/* Back to the caller after every read, so
				 * that a source that never ends the line
				 * (/dev/zero) cannot keep this call, and the
				 * caller's stop flag, waiting for ever. */
				rec->err = CSVIO_EINTR;
			}
			if (rc != 0) {
				rec->line = rec->last_line = r->line;
				rec->nf = 0;
				rec->raw = NULL;
				rec->rawlen = 0;
				return -1;
			}
			if (r->follow)
				r->eof = 0;
			else
				r->skipping = 0;
			return 0;
		}
		if (r->at_start && (avail >= 3 || r->eof)) {
			r->at_start = 0;
			if (avail >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
				r->start += 3;
				continue;
			}
		}
		/* Empty lines are not records. */
		if (avail > 0 && (*p == '\n' || *p == '\r')) {
			if (*p == '\n')
				r->line++;
			r->start++;
			continue;
		}
		if (avail > 0 && !r->at_start) {
			/* In follow mode a partial record at EOF may still
			 * grow, so it is never taken as final. */
			size_t win = avail > r->max_record ? r->max_record : avail;
			int final = r->eof && !r->follow &&
			    avail <= r->max_record;
			uint64_t nl, inner;
			rc = split(r, p, win, final, rec, &used);
			if (rc == 0 && r->max_lines > 0 &&
			    has_lines(p, win, r->max_lines)) {
				/* Still open after max_lines line breaks. */
				rc = cut_back(p, (size_t)((const char *)memchr(p,
				    '\n', win) - p), CSVIO_EUNTERM, rec, &used);
				r->nl_known = 0;
			}
			if (rc != 0) {
				if (rc == -1 && used == 0)
					return -1;	/* ENOMEM */
				nl = r->nl_known ? r->nl : count_lines(p, used);
				r->nl_known = 0;
				/* Line breaks inside the record. */
				inner = nl - (p[used - 1] == '\n');
				if (rc == 1 && inner > 0 && ((r->nfields > 0 &&
				    rec->nf != r->nfields) || (r->max_lines > 0 &&
				    inner >= r->max_lines))) {
					/* Closed, but not consistently. */
					rc = cut_back(p, (size_t)((const char *)
					    memchr(p, '\n', used) - p),
					    CSVIO_EUNTERM, rec, &used);
					nl = 1;
					inner = 0;
				}
				rec->line = r->line;
				rec->last_line = r->line + inner;
				rec->offset = r->base + r->start;
				rec->end = rec->offset + used;
				r->line += nl;
				r->start += used;
				return rc;
			}
			if (avail >= r->max_record) {
				/* Too long: report it now and discard up to
				 * the next line break, here or in later calls
				 * (a quoted line break too: the lines after
				 * the first are read again). */
				const char *lf = memchr(p, '\n', avail);
				size_t first = lf != NULL ? (size_t)(lf - p) : avail;
				rec->err = CSVIO_ETOOLONG;
				rec->line = rec->last_line = r->line;
				rec->offset = r->base + r->start;
				rec->raw = p;
				rec->rawlen = first < 64 ? first : 64;
				if (first < 64 && first > 0 && p[first - 1] == '\r')
					rec->rawlen--;
				rec->nf = 0;
				used = lf != NULL ? first + 1 : avail;
				r->skipping = lf == NULL;
				r->line += lf != NULL;
				r->start += used;
				rec->end = r->base + r->start;
				return -1;
			}
		}
		if (r->eof) {
			if (r->start == r->end || r->follow) {
				if (r->follow)
					r->eof = 0;
				return 0;
			}
		}
		{
			int frc = fill(r, rec);
			if (frc < 0) {
				rec->line = rec->last_line = r->line;
				rec->nf = 0;
				rec->raw = NULL;
				rec->rawlen = 0;
				return -1;
			}
			if (frc == 0 && r->start == r->end) {
				if (r->follow)
					r->eof = 0;
				return 0;
			}
			if (frc == 0 && r->follow) {
				r->eof = 0;
				return 0;
			}
		}
	}
}

void
csvio_field_trim(const struct csvio_record *rec, struct csvio_field *f)
{
	const char *p = f->p, *e = f->p + f->len;
	uintptr_t at = (uintptr_t)p, raw = (uintptr_t)rec->raw;

	if (f->len == 0 || ((*p != ' ' && *p != '\t') &&
	    (e[-1] != ' ' && e[-1] != '\t')))
		return;
	/* A quoted field keeps its blanks: it was unquoted into scratch
	 * (outside the record's bytes), or sliced in place just after its
	 * opening quote.  An unquoted field starts the record or follows a
	 * delimiter. */
	if (rec->raw == NULL || at < raw || at > raw + rec->rawlen ||
	    (at > raw && p[-1] == '"'))
		return;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	f->p = p;
	f->len = (size_t)(e - p);
}

long
csvio_find(const struct csvio_record *rec, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < rec->nf; i++)
		if (rec->f[i].len == n && memcmp(rec->f[i].p, name, n) == 0)
			return (long)i;
	return -1;
}

int
csvio_needs_quote(const char *s, size_t len, char delim)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i];
		if (c == delim || c == '"' || c == '\n' || c == '\r')
			return 1;
	}
	return 0;
}

int
csvio_append_field(char *buf, size_t cap, size_t *len, const char *s,
    size_t slen, char delim)
{
	size_t o = *len, i;

	if (!csvio_needs_quote(s, slen, delim)) {
		if (o + slen > cap)
			return -1;
		memcpy(buf + o, s, slen);
		*len = o + slen;
		return 0;
	}
	if (o + 2 > cap)
		return -1;
	buf[o++] = '"';
	for (i = 0; i < slen; i++) {
		if (o + 2 > cap)
			return -1;
		if (s[i] == '"')
			buf[o++] = '"';
		buf[o++] = s[i];
	}
	if (o + 1 > cap)
		return -1;
	buf[o++] = '"';
	*len = o;
	return 0;
}

int
csvio_put_field(FILE *fp, const char *s, size_t len, char delim)
{
	size_t i;

	if (!csvio_needs_quote(s, len, delim))
		return fwrite(s, 1, len, fp) == len ? 0 : -1;
	if (putc('"', fp) == EOF)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] == '"' && putc('"', fp) == EOF)
			return -1;
		if (putc(s[i], fp) == EOF)
			return -1;
	}
	return putc('"', fp) == EOF ? -1 : 0;
}
