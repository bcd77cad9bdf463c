/* Checkpoints of the aggregate engine: save, load, merge.  Snapshot files
 * are in snapshot.c. */
#include "agg_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "money.h"
#include "readfile.h"
#include "timefield.h"

#define STATE_MAGIC	"reduce-checkpoint"
#define STATE_VERSION	2	/* 2 added "id" lines; 1 is still read */
#define STATE_MAX	(1024UL * 1024 * 1024)

/* ==== state ============================================================== */

static void
put_i64(FILE *fp, int64_t v)
{
	char b[MONEY_BUFSZ];

	putc(',', fp);
	fwrite(b, 1, int_format(v, b), fp);
}

static void
put_key(FILE *fp, const struct strmap *m, uint32_t id)
{
	size_t len;
	const char *s = strmap_key(m, id, &len);

	putc(',', fp);
	csvio_put_field(fp, s, len, ',');
}

/* ==== identity ========================================================== */

size_t
agg_nids(const struct agg *a)
{
	return a->nids;
}

const char *
agg_id(const struct agg *a, size_t i)
{
	return i < a->nids ? a->ids[i] : NULL;
}

int
agg_add_id(struct agg *a, const char *id)
{
	if (a->nids == a->idcap) {
		size_t nc = a->idcap ? a->idcap * 2 : 4;
		char (*nv)[AGG_IDLEN + 1] = realloc(a->ids, nc * sizeof(*nv));
		if (nv == NULL)
			return -1;
		a->ids = nv;
		a->idcap = nc;
	}
	memcpy(a->ids[a->nids], id, AGG_IDLEN);
	a->ids[a->nids][AGG_IDLEN] = '\0';
	a->nids++;
	return 0;
}

/* A new random identity for a state saved for the first time. */
static int
new_id(struct agg *a)
{
	unsigned char r[AGG_IDLEN / 2];
	char hex[AGG_IDLEN + 1];
	size_t i;

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		/* No entropy yet (early boot): unique enough here. */
		struct timespec ts;
		uint64_t x;
		clock_gettime(CLOCK_REALTIME, &ts);
		x = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
		    (uint64_t)getpid() << 40 ^ (uint64_t)(uintptr_t)a;
		for (i = 0; i < sizeof(r); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r[i] = (unsigned char)x;
		}
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	return agg_add_id(a, hex);
}

static int
is_id(const struct csvio_field *f)
{
	size_t i;

	if (f->len != AGG_IDLEN)
		return 0;
	for (i = 0; i < f->len; i++)
		if (!((f->p[i] >= '0' && f->p[i] <= '9') ||
		    (f->p[i] >= 'a' && f->p[i] <= 'f')))
			return 0;
	return 1;
}

int
agg_save(struct agg *a, const struct agg_pos *pos, const char *path,
    int nosync)
{
	char *buf = NULL;
	size_t len = 0, i, j, g;
	FILE *fp = open_memstream(&buf, &len);
	struct atomic_file af;
	uint32_t crc;
	int rc = -1, saved;

	if (fp == NULL)
		return -1;
	if (win_flush(a, nosync) == -1) {
		saved = errno;
		fclose(fp);
		free(buf);
		errno = saved;
		return -1;
	}
	if (a->nids == 0 && new_id(a) == -1) {
		fclose(fp);
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	fprintf(fp, "%s,%d\nspec,%08x\n", STATE_MAGIC, STATE_VERSION,
	    (unsigned)a->spec_crc);
	for (i = 0; i < a->nids; i++)
		fprintf(fp, "id,%s\n", a->ids[i]);
	fputs("input", fp);
	putc(',', fp);
	csvio_put_field(fp, pos->input, strlen(pos->input), ',');
	put_i64(fp, (int64_t)pos->offset);
	put_i64(fp, (int64_t)pos->line);
	put_i64(fp, (int64_t)pos->rejects_size);
	fputs("\ntotals", fp);
	put_i64(fp, (int64_t)a->rows);
	put_i64(fp, (int64_t)a->rejected);
	/* The last row's time, the newest row's, the first on its date. */
	if (a->has_last) {
		put_i64(fp, a->last_time);
		put_i64(fp, a->max_time);
		put_i64(fp, a->day_first);
	} else
		fputs(",,,", fp);
	putc('\n', fp);
	for (i = 0; i < a->ntab; i++) {
		struct table *t = &a->tab[i];
		if (t->win != NULL) {
			win_save(a, t, fp);
			continue;
		}
		fputs("table", fp);
		putc(',', fp);
		csvio_put_field(fp, t->sa->file, strlen(t->sa->file), ',');
		put_i64(fp, (int64_t)t->ng);
		putc('\n', fp);
		for (g = 0; g < t->ng; g++) {
			fputs("g", fp);
			for (j = 0; j < t->k; j++)
				put_key(fp, a->src[t->si[j]].map,
				    t->gkeys[g * t->k + j]);
			for (j = 0; j < t->m; j++) {
				const struct cell *c = &t->cells[g * t->m + j];
				put_i64(fp, c->sum);
				put_i64(fp, c->cnt);
				put_i64(fp, c->min);
				put_i64(fp, c->max);
			}
			putc('\n', fp);
		}
		for (j = 0; j < t->m; j++) {
			struct u64set *s = &t->ms[j].set;
			size_t q;
			if (t->ms[j].func != SF_DISTINCT)
				continue;
			for (q = 0; q < s->cap; q++) {
				uint64_t x = s->slot[q];
				if (x == 0)
					continue;
				x--;
				fputs("d", fp);
				put_i64(fp, (int64_t)(x >> 32));
				put_i64(fp, (int64_t)j);
				put_key(fp, a->src[t->ms[j].si].map,
				    (uint32_t)x);
				putc('\n', fp);
			}
		}
		for (j = 0; j < t->m; j++)
			if (t->ms[j].func == SF_POP)
				for (g = 0; g < t->ng; g++)
					pop_save(fp, &t->ms[j], j, g, g);
	}
	win_save_state(a, fp);
	if (pos->ext != NULL)
		fwrite(pos->ext, 1, pos->extlen, fp);
	fputs("end\n", fp);
	if (fflush(fp) == EOF || ferror(fp)) {
		fclose(fp);
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	crc = agg_crc32(0, buf, len);
	fprintf(fp, "crc32,%08x\n", (unsigned)crc);
	if (fclose(fp) == EOF) {
		free(buf);
		errno = ENOMEM;
		return -1;
	}
	if (atomic_open(&af, path) == -1)
		goto out;
	af.nosync = nosync;
	if (fwrite(buf, 1, len, af.fp) != len) {
		saved = errno ? errno : EIO;
		atomic_abort(&af);
		errno = saved;
		goto out;
	}
	rc = atomic_commit(&af);
out:
	saved = errno;
	free(buf);
	errno = saved;
	return rc;
}

/* Parse a whole field as a signed 64-bit integer. */
int
state_field_i64(const struct csvio_field *f, int64_t *v)
{
	char b[32];

	if (f->len == 0 || f->len >= sizeof(b))
		return -1;
	memcpy(b, f->p, f->len);
	b[f->len] = '\0';
	return int_parse(b, f->len, v) == -1 || memchr(b, '.', f->len) ?
	    -1 : 0;
}

int
state_field_is(const struct csvio_field *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

/* Merge cell src into dst for measure m (distinct counts come from the
 * member lines instead). */
void
agg_cell_merge(struct agg *a, const struct meas *m, struct cell *dst,
    const struct cell *src)
{
	switch (m->func) {
	case SF_MIN:
	case SF_MINTIME:
		if (src->cnt > 0 && (dst->cnt == 0 || src->min < dst->min))
			dst->min = src->min;
		dst->cnt += src->cnt;
		break;
	case SF_MAX:
	case SF_MAXTIME:
	case SF_IDLE:
		if (src->cnt > 0 && (dst->cnt == 0 || src->max > dst->max))
			dst->max = src->max;
		dst->cnt += src->cnt;
		break;
	case SF_DISTINCT:
	case SF_REJECTED:
		break;
	default:
		if (__builtin_add_overflow(dst->sum, src->sum, &dst->sum))
			dst->sum = agg_saturate(a, src->sum);
		dst->cnt += src->cnt;
		break;
	}
}

int
agg_merge(struct agg *dst, const struct agg *src)
{
	uint32_t *gmap = NULL;
	size_t i, j, g, q;
	int rc = -1;

	if (dst->spec_crc != src->spec_crc || dst->ntab != src->ntab) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < src->ntab; i++) {
		struct table *dt = &dst->tab[i];
		const struct table *st = &src->tab[i];
		if (dt->win != NULL) {
			if (win_merge(dst, dt, src, st) == -1)
				goto out;
			continue;
		}
		free(gmap);
		if ((gmap = malloc((st->ng ? st->ng : 1) * sizeof(*gmap))) == NULL)
			goto out;
		for (g = 0; g < st->ng; g++) {
			uint32_t ids[SPEC_MAXKEYS];
			long id, dg;
			for (j = 0; j < st->k; j++) {
				size_t len;
				const char *s = strmap_key(src->src[st->si[j]].map,
				    st->gkeys[g * st->k + j], &len);
				if ((id = agg_intern(dst, dt->si[j], s, len)) < 0)
					goto out;
				ids[j] = (uint32_t)id;
			}
			if ((dg = agg_group(dt, ids)) < 0)
				goto out;
			gmap[g] = (uint32_t)dg;
			for (j = 0; j < st->m; j++) {
				agg_cell_merge(dst, &dt->ms[j],
				    &dt->cells[(size_t)dg * dt->m + j],
				    &st->cells[g * st->m + j]);
				if (st->ms[j].func == SF_POP && pop_merge(dst,
				    &dt->ms[j], (size_t)dg, &st->ms[j], g) == -1)
					goto out;
			}
		}
		for (j = 0; j < st->m; j++) {
			const struct u64set *s = &st->ms[j].set;
			if (st->ms[j].func != SF_DISTINCT)
				continue;
			for (q = 0; q < s->cap; q++) {
				uint64_t x = s->slot[q], sg;
				const char *key;
				size_t len;
				long id;
				int added;
				if (x == 0)
					continue;
				x--;
				sg = x >> 32;
				key = strmap_key(src->src[st->ms[j].si].map,
				    (uint32_t)x, &len);
				if ((id = agg_intern(dst, dt->ms[j].si, key,
				    len)) < 0)
					goto out;
				added = agg_set_add(&dt->ms[j].set,
				    (uint64_t)gmap[sg] << 32 | (uint32_t)id);
				if (added < 0)
					goto out;
				dt->cells[(size_t)gmap[sg] * dt->m + j].cnt += added;
			}
		}
	}
	for (i = 0; i < src->nids; i++)
		if (agg_add_id(dst, src->ids[i]) == -1)
			goto out;
	win_merge_state(dst, src);
	dst->rows += src->rows;
	dst->rejected += src->rejected;
	if (src->has_last && (!dst->has_last ||
	    src->last_time > dst->last_time))
		dst->last_time = src->last_time;
	if (src->has_last)
		agg_fold_day(dst, src->max_time, src->day_first);
	if (src->has_last && (!dst->has_last ||
	    src->max_time > dst->max_time))
		dst->max_time = src->max_time;
	if (src->has_last)
		dst->has_last = 1;
	if (src->overflow)
		dst->overflow = 1;
	rc = 0;
out:
	free(gmap);
	if (rc == -1)
		errno = ENOMEM;
	return rc;
}

/* Read the checkpoint on fd and check its last line, "crc32,XXXXXXXX":
 * the checksum of all before it.  Returns 0, or -1 with err set. */
static int
load_check(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL, *tail, *e;
	size_t len = 0;
	ssize_t got;
	unsigned long want;
	int rc = -1;

	if (fstat(fd, &st) == -1 || (size_t)st.st_size > STATE_MAX) {
		snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) :
		    "too large");
		return -1;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	while (len < (size_t)st.st_size &&
	    (got = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)got;
	buf[len] = '\0';
	if (len < 15 || buf[len - 1] != '\n' ||
	    (tail = buf + len - 15, memcmp(tail, "crc32,", 6) != 0) ||
	    (tail > buf && tail[-1] != '\n')) {
		snprintf(err, errlen, "%s: corrupt checkpoint (no checksum)",
		    path);
		goto out;
	}
	want = strtoul(tail + 6, &e, 16);
	if (e != buf + len - 1 ||
	    agg_crc32(0, buf, (size_t)(tail - buf)) != (uint32_t)want) {
		snprintf(err, errlen, "%s: corrupt checkpoint (checksum "
		    "mismatch)", path);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* What agg_load keeps from line to line. */
struct load {
	struct agg *a;
	struct agg_pos *pos;
	struct table *t;	/* the table of the "g" and "d" lines now */
	uint32_t *gmap;		/* group of each "g" line of t */
	size_t gn, gmapcap;
};

#define LOAD_BAD	(-1)
#define LOAD_NOMEM	(-2)

/* "totals,ROWS,REJECTED,LAST[,NEWEST[,DAYFIRST]]" (4 fields before 0.2.0:
 * the last row's time stands for the newest; 5 before 0.2.1, without the
 * first row on the newest row's date). */
static int
load_totals(struct load *L, const struct csvio_field *f, size_t nf)
{
	struct agg *a = L->a;
	int64_t rows, rej, last, max, first;

	if (state_field_i64(&f[1], &rows) == -1 || rows < 0 ||
	    state_field_i64(&f[2], &rej) == -1 || rej < 0)
		return LOAD_BAD;
	if (__builtin_add_overflow(a->rows, (uint64_t)rows, &a->rows) ||
	    __builtin_add_overflow(a->rejected, (uint64_t)rej, &a->rejected))
		return LOAD_BAD;
	if (f[3].len == 0)
		return 0;
	if (state_field_i64(&f[3], &last) == -1)
		return LOAD_BAD;
	max = last;
	if (nf >= 5 && state_field_i64(&f[4], &max) == -1)
		return LOAD_BAD;
	/* Before 0.2.1 the day's first row was not saved: its midnight. */
	first = agg_day(max) * 86400;
	if (nf == 6 && (state_field_i64(&f[5], &first) == -1 || first > max ||
	    agg_day(first) != agg_day(max)))
		return LOAD_BAD;
	if (!a->has_last || last > a->last_time)
		a->last_time = last;
	agg_fold_day(a, max, first);
	if (!a->has_last || max > a->max_time)
		a->max_time = max;
	a->has_last = 1;
	return 0;
}

/* "g,KEY...,SUM,CNT,MIN,MAX..." of table L->t. */
static int
load_group(struct load *L, const struct csvio_field *f)
{
	struct table *t = L->t;
	uint32_t ids[SPEC_MAXKEYS];
	struct cell c, *dst;
	int64_t sum;
	long g, id;
	size_t j;

	for (j = 0; j < t->k; j++) {
		if ((id = agg_intern(L->a, t->si[j], f[1 + j].p,
		    f[1 + j].len)) < 0)
			return LOAD_NOMEM;
		ids[j] = (uint32_t)id;
	}
	if ((g = agg_group(t, ids)) < 0)
		return LOAD_NOMEM;
	for (j = 0; j < t->m; j++) {
		const struct csvio_field *cf = &f[1 + t->k + 4 * j];
		if (state_field_i64(&cf[0], &c.sum) == -1 ||
		    state_field_i64(&cf[1], &c.cnt) == -1 ||
		    state_field_i64(&cf[2], &c.min) == -1 ||
		    state_field_i64(&cf[3], &c.max) == -1 || c.cnt < 0 ||
		    c.cnt > INT64_MAX / 4)
			return LOAD_BAD;
		/* A count past the range (the same group repeated, or many
		 * checkpoints) is corrupt, not a signed overflow. */
		dst = &t->cells[(size_t)g * t->m + j];
		if (__builtin_add_overflow(dst->cnt, c.cnt, &sum))
			return LOAD_BAD;
		agg_cell_merge(L->a, &t->ms[j], dst, &c);
	}
	if (L->gn == L->gmapcap) {
		size_t nc = L->gmapcap ? L->gmapcap * 2 : 64;
		uint32_t *ng = realloc(L->gmap, nc * sizeof(*ng));
		if (ng == NULL)
			return LOAD_NOMEM;
		L->gmap = ng;
		L->gmapcap = nc;
	}
	L->gmap[L->gn++] = (uint32_t)g;
	return 0;
}

/* "d,GROUP,MEASURE,VALUE": a member of a distinct set of table L->t. */
static int
load_member(struct load *L, const struct csvio_field *f)
{
	struct table *t = L->t;
	int64_t gi, mi;
	long id;
	int added;

	if (state_field_i64(&f[1], &gi) == -1 || gi < 0 || (size_t)gi >= L->gn ||
	    state_field_i64(&f[2], &mi) == -1 || mi < 0 || (size_t)mi >= t->m ||
	    t->ms[mi].func != SF_DISTINCT)
		return LOAD_BAD;
	if ((id = agg_intern(L->a, t->ms[mi].si, f[3].p, f[3].len)) < 0)
		return LOAD_NOMEM;
	added = agg_set_add(&t->ms[mi].set, (uint64_t)L->gmap[gi] << 32 |
	    (uint32_t)id);
	if (added < 0)
		return LOAD_NOMEM;
	t->cells[(size_t)L->gmap[gi] * t->m + (size_t)mi].cnt += added;
	return 0;
}

/* "input,NAME,OFFSET,LINE,REJECTS_SIZE" and "ext,..." lines. */
static int
load_position(struct load *L, const struct csvio_record *rec)
{
	const struct csvio_field *f = rec->f;
	struct agg_pos *pos = L->pos;
	int64_t off, ln, rs;
	char *nx;

	if (state_field_is(&f[0], "ext")) {
		/* Position lines of an input kind (Kafka offsets). */
		if (pos == NULL)
			return 0;
		if ((nx = realloc(pos->ext, pos->extlen + rec->rawlen + 1)) ==
		    NULL)
			return LOAD_NOMEM;
		memcpy(nx + pos->extlen, rec->raw, rec->rawlen);
		nx[pos->extlen + rec->rawlen] = '\n';
		pos->ext = nx;
		pos->extlen += rec->rawlen + 1;
		return 0;
	}
	if (rec->nf != 5 || state_field_i64(&f[2], &off) == -1 || off < 0 ||
	    state_field_i64(&f[3], &ln) == -1 || ln < 1 ||
	    state_field_i64(&f[4], &rs) == -1 || rs < 0 ||
	    f[1].len >= sizeof(pos->input))
		return LOAD_BAD;
	if (pos != NULL) {
		memcpy(pos->input, f[1].p, f[1].len);
		pos->input[f[1].len] = '\0';
		pos->offset = (uint64_t)off;
		pos->line = (uint64_t)ln;
		pos->rejects_size = (uint64_t)rs;
	}
	return 0;
}

/* The first line: "reduce-checkpoint,VERSION".  Returns 0, or -1 with err
 * set. */
static int
load_magic(const struct csvio_record *rec, const char *path, char *err,
    size_t errlen)
{
	const struct csvio_field *f = rec->f;
	int64_t v;

	if (rec->nf != 2 || !state_field_is(&f[0], STATE_MAGIC)) {
		snprintf(err, errlen, "%s: not a reduce checkpoint", path);
		return -1;
	}
	if (state_field_i64(&f[1], &v) == -1 || v < 1 || v > STATE_VERSION) {
		snprintf(err, errlen, "%s: unsupported checkpoint version "
		    "'%.*s'", path, (int)(f[1].len > 20 ? 20 : f[1].len),
		    f[1].p);
		return -1;
	}
	return 0;
}

/* "p,G,M,DAY,MIN:SUM...": pop()'s minute sums of group G (pop.c). */
static int
load_pop(struct load *L, const struct csvio_record *rec)
{
	const struct csvio_field *f = rec->f;
	struct table *t = L->t;
	int64_t gi, mi;
	int pr;

	if (state_field_i64(&f[1], &gi) == -1 || gi < 0 || (size_t)gi >= L->gn ||
	    state_field_i64(&f[2], &mi) == -1 || mi < 0 || (size_t)mi >= t->m ||
	    t->ms[mi].func != SF_POP)
		return LOAD_BAD;
	pr = pop_load(L->a, &t->ms[mi], L->gmap[gi], rec);
	return pr == -2 ? LOAD_NOMEM : pr == -1 ? LOAD_BAD : 0;
}

/* One line after the first.  Returns 0, 1 at "end", LOAD_BAD, LOAD_NOMEM,
 * or -3 with err set (another spec). */
static int
load_line(struct load *L, const struct csvio_record *rec, const char *path,
    char *err, size_t errlen)
{
	const struct csvio_field *f = rec->f;
	struct agg *a = L->a;
	char hex[16];
	int64_t ng;
	size_t i;

	if (state_field_is(&f[0], "spec") && rec->nf == 2) {
		snprintf(hex, sizeof(hex), "%08x", (unsigned)a->spec_crc);
		if (state_field_is(&f[1], hex))
			return 0;
		snprintf(err, errlen, "%s: checkpoint was made with a "
		    "different spec", path);
		return -3;
	}
	if (state_field_is(&f[0], "id") && rec->nf == 2) {
		if (!is_id(&f[1]))
			return LOAD_BAD;
		return agg_add_id(a, f[1].p) == -1 ? LOAD_NOMEM : 0;
	}
	if (state_field_is(&f[0], "input") || state_field_is(&f[0], "ext"))
		return load_position(L, rec);
	if (state_field_is(&f[0], "totals") && rec->nf >= 4 && rec->nf <= 6)
		return load_totals(L, f, rec->nf);
	if (state_field_is(&f[0], "table") && rec->nf == 3) {
		L->t = NULL;
		for (i = 0; i < a->ntab; i++)
			if (state_field_is(&f[1], a->tab[i].sa->file))
				L->t = &a->tab[i];
		if (L->t == NULL || state_field_i64(&f[2], &ng) == -1 || ng < 0)
			return LOAD_BAD;
		L->gn = 0;
		if (L->t->win != NULL)
			win_load_begin(L->t);
		return 0;
	}
	if ((state_field_is(&f[0], "g") || state_field_is(&f[0], "d")) && L->t != NULL &&
	    L->t->win != NULL)
		return state_field_is(&f[0], "g") ? win_load_g(a, L->t, rec) :
		    win_load_d(a, L->t, rec);
	if (state_field_is(&f[0], "p") && L->t != NULL && rec->nf >= 4)
		return load_pop(L, rec);
	if (state_field_is(&f[0], "wm") || state_field_is(&f[0], "wclosed") ||
	    state_field_is(&f[0], "wmode"))
		return win_load_line(a, rec) == -1 ? LOAD_BAD : 0;
	if (state_field_is(&f[0], "g") && L->t != NULL &&
	    rec->nf == 1 + L->t->k + 4 * L->t->m)
		return load_group(L, f);
	if (state_field_is(&f[0], "d") && L->t != NULL && rec->nf == 4)
		return load_member(L, f);
	if (state_field_is(&f[0], "end") && rec->nf == 1)
		return 1;
	return LOAD_BAD;
}

int
agg_load(struct agg *a, const char *path, struct agg_pos *pos, char *err,
    size_t errlen)
{
	struct csvio_reader *r = NULL;
	struct csvio_record rec;
	struct load L;
	uint64_t lineno = 0;
	int fd, rc = -1, first = 1, ended = 0, k;

	memset(&L, 0, sizeof(L));
	L.a = a;
	L.pos = pos;
	/* A regular file only: a FIFO would block, /dev/zero never end. */
	if ((fd = li_open_input(path, 0, err, errlen)) == -1) {
		char why[256];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
		return -1;
	}
	if (load_check(fd, path, err, errlen) == -1)
		goto out;
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    (r = csvio_reader_new(fd, ',', 0)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	while (!ended && (k = csvio_next(r, &rec)) != 0) {
		lineno = rec.line;
		if (k < 0)
			goto bad;
		if (state_field_is(&rec.f[0], "crc32"))
			break;	/* the crc line */
		if (first) {
			if (load_magic(&rec, path, err, errlen) == -1)
				goto out;
			first = 0;
			continue;
		}
		switch (load_line(&L, &rec, path, err, errlen)) {
		case 1:
			ended = 1;
			break;
		case LOAD_BAD:
			goto bad;
		case LOAD_NOMEM:
			goto nomem;
		case -3:
			goto out;
		}
	}
	if (!ended) {
		snprintf(err, errlen, "%s: corrupt checkpoint (truncated)", path);
		goto out;
	}
	rc = 0;
	goto out;
bad:
	snprintf(err, errlen, "%s:%llu: corrupt checkpoint", path,
	    (unsigned long long)lineno);
	goto out;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
out:
	csvio_reader_free(r);
	free(L.gmap);
	close(fd);
	return rc;
}
