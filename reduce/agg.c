/* The aggregate engine: interned keys, flat cells, snapshots, state. */
#include "agg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "money.h"
#include "strmap.h"
#include "timefield.h"

#define MAXSRC		(SPEC_MAXAGGS * (SPEC_MAXKEYS + SPEC_MAXMEAS))
#define STATE_MAGIC	"reduce-checkpoint"
#define STATE_VERSION	1
#define STATE_MAX	(1024UL * 1024 * 1024)

/* Where a key comes from. */
enum src_kind {
	KS_COL, KS_DATE, KS_HOUR, KS_DOW, KS_SLOT, KS_WEEK, KS_MONTH,
};

static const char *const kind_names[] = { "", "Date", "Hour", "DayOfWeek",
    "TimeSlot", "Week", "Month" };

/* A direct-mapped cache in front of a source's interner for keys of up
 * to 16 bytes: the length and two overlapping 8-byte words hold the whole
 * key, so a hit needs no hash of the bytes and no compare of them. */
#define IC_BITS		8
struct ic_ent {
	uint64_t w0, w1;
	uint32_t len;		/* key length + 1; 0 is empty */
	uint32_t id;
};

struct src {
	char name[SPEC_MAXNAME];
	enum src_kind kind;
	struct strmap *map;
	long col;		/* input column (KS_COL) */
	struct ic_ent *ic;	/* 1 << IC_BITS entries */
};

/* An input column read as a number. */
struct val {
	char name[SPEC_MAXNAME];
	long col;
};

struct cell {
	int64_t sum, cnt, min, max;
};

/* A set of 64-bit values (distinct members: group << 32 | value id). */
struct u64set {
	uint64_t *slot;		/* value + 1; 0 is empty */
	size_t n, cap;
};

struct meas {
	enum spec_func func;
	int as_int;
	int vi;			/* value index (sum, min, max, mean) */
	int si;			/* source index (distinct) */
	struct u64set set;	/* distinct */
};

struct table {
	const struct spec_agg *sa;
	size_t k, m;
	int si[SPEC_MAXKEYS];	/* key sources */
	struct meas ms[SPEC_MAXMEAS];
	size_t ng, gcap;
	uint32_t *gkeys;	/* ng * k key ids */
	struct cell *cells;	/* ng * m */
	uint32_t *dmap;		/* k == 1: id -> group + 1 */
	size_t dcap;
	uint32_t *slots;	/* k >= 2: group + 1, open addressing */
	size_t nslots;
	uint32_t *mat;		/* k == 2, small ids: [id0 * mcols + id1] */
	size_t mrows, mcols;
	int nomat;		/* ids grew too large for mat */
};

#define MAT_MAX		(1U << 20)	/* cells of the k == 2 matrix */

/* Derived fields of the last date seen. */
struct tcache {
	char date[16];
	size_t dlen;
	int valid;
	int64_t day;		/* days since the epoch */
	uint32_t id[7];		/* by src_kind, for the date-derived kinds */
	uint32_t hour_id[24], slot_id[24];
	uint32_t hour_ok, slot_ok;	/* bit per hour: id known */
};

struct agg {
	struct spec sp;
	struct src src[MAXSRC];
	size_t nsrc;
	struct val val[MAXSRC];
	size_t nval;
	struct table tab[SPEC_MAXAGGS];
	size_t ntab;
	int derived_srcs[7];	/* source index by kind, or -1 */
	int need_time;
	long tscol;
	char tsname[SPEC_MAXNAME];
	size_t hdr_nf;
	long maxcol;
	int bound;
	uint64_t rows, rejected;
	int64_t last_time;	/* of the last accepted row */
	int64_t cur_time;	/* of the row being added */
	int cur_hour;
	int has_last;
	int overflow;		/* a sum saturated */
	struct tcache tc;
	uint32_t kid[MAXSRC];
	int64_t v[MAXSRC];
	uint32_t spec_crc;
};

/* ==== small helpers ====================================================== */

static uint32_t crc_table[256];

uint32_t
agg_crc32(uint32_t crc, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	if (crc_table[1] == 0) {
		for (i = 0; i < 256; i++) {
			uint32_t c = (uint32_t)i;
			int k;
			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

/* Insert x; returns 1 when new, 0 when present, -1 on ENOMEM. */
static int
u64set_add(struct u64set *s, uint64_t x)
{
	size_t mask, i;

	if ((s->n + 1) * 2 > s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64, j;
		uint64_t *ns = calloc(nc, sizeof(*ns));
		if (ns == NULL)
			return -1;
		for (j = 0; j < s->cap; j++) {
			uint64_t y = s->slot[j];
			if (y == 0)
				continue;
			i = (size_t)mix64(y - 1) & (nc - 1);
			while (ns[i] != 0)
				i = (i + 1) & (nc - 1);
			ns[i] = y;
		}
		free(s->slot);
		s->slot = ns;
		s->cap = nc;
	}
	mask = s->cap - 1;
	i = (size_t)mix64(x) & mask;
	while (s->slot[i] != 0) {
		if (s->slot[i] == x + 1)
			return 0;
		i = (i + 1) & mask;
	}
	s->slot[i] = x + 1;
	s->n++;
	return 1;
}

static int
find_src(struct agg *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nsrc; i++)
		if (strcmp(a->src[i].name, name) == 0)
			return (int)i;
	if (a->nsrc == MAXSRC)
		return -1;
	memset(&a->src[a->nsrc], 0, sizeof(a->src[0]));
	snprintf(a->src[a->nsrc].name, SPEC_MAXNAME, "%s", name);
	a->src[a->nsrc].kind = KS_COL;
	a->src[a->nsrc].col = -1;
	if ((a->src[a->nsrc].map = strmap_new()) == NULL ||
	    (a->src[a->nsrc].ic = calloc(1U << IC_BITS,
	    sizeof(struct ic_ent))) == NULL)
		return -1;
	return (int)a->nsrc++;
}

static int
find_val(struct agg *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nval; i++)
		if (strcmp(a->val[i].name, name) == 0)
			return (int)i;
	snprintf(a->val[a->nval].name, SPEC_MAXNAME, "%s", name);
	a->val[a->nval].col = -1;
	return (int)a->nval++;
}

/* ==== setup ============================================================== */

struct agg *
agg_new(const struct spec *sp)
{
	struct agg *a = calloc(1, sizeof(*a));
	char *txt;
	size_t i, j, n;

	if (a == NULL)
		return NULL;
	a->sp = *sp;
	a->tscol = -1;
	for (i = 0; i < 7; i++)
		a->derived_srcs[i] = -1;
	n = spec_format(&a->sp, NULL, 0);
	if ((txt = malloc(n + 1)) == NULL)
		goto fail;
	spec_format(&a->sp, txt, n + 1);
	a->spec_crc = agg_crc32(0, txt, n);
	free(txt);
	for (i = 0; i < a->sp.naggs; i++) {
		const struct spec_agg *sa = &a->sp.aggs[i];
		struct table *t = &a->tab[a->ntab++];
		t->sa = sa;
		t->k = sa->nkeys;
		t->m = sa->nmeas;
		for (j = 0; j < sa->nkeys; j++)
			if ((t->si[j] = find_src(a, sa->keys[j])) < 0)
				goto fail;
		for (j = 0; j < sa->nmeas; j++) {
			const struct spec_meas *sm = &sa->meas[j];
			struct meas *m = &t->ms[j];
			m->func = sm->func;
			m->as_int = sm->as_int;
			m->vi = m->si = -1;
			switch (sm->func) {
			case SF_SUM: case SF_MIN: case SF_MAX: case SF_MEAN:
				m->vi = find_val(a, sm->col);
				break;
			case SF_DISTINCT:
				if ((m->si = find_src(a, sm->col)) < 0)
					goto fail;
				break;
			case SF_COUNT: case SF_REJECTED:
				break;
			}
		}
		/* Group 0 of a table without keys always exists. */
		if (t->k == 0) {
			t->cells = calloc(t->m ? t->m : 1, sizeof(*t->cells));
			if (t->cells == NULL)
				goto fail;
			t->ng = t->gcap = 1;
		}
	}
	return a;
fail:
	agg_free(a);
	return NULL;
}

void
agg_free(struct agg *a)
{
	size_t i, j;

	if (a == NULL)
		return;
	for (i = 0; i < a->nsrc; i++) {
		strmap_free(a->src[i].map);
		free(a->src[i].ic);
	}
	for (i = 0; i < a->ntab; i++) {
		struct table *t = &a->tab[i];
		free(t->gkeys);
		free(t->cells);
		free(t->dmap);
		free(t->slots);
		free(t->mat);
		for (j = 0; j < t->m; j++)
			free(t->ms[j].set.slot);
	}
	free(a);
}

int
agg_bind(struct agg *a, const struct csvio_record *hdr, const char *tscol,
    char *err, size_t errlen)
{
	size_t i;
	int k;

	a->hdr_nf = hdr->nf;
	a->maxcol = -1;
	a->need_time = 0;
	snprintf(a->tsname, sizeof(a->tsname), "%s", tscol);
	for (i = 0; i < a->nsrc; i++) {
		struct src *s = &a->src[i];
		s->col = csvio_find(hdr, s->name);
		s->kind = KS_COL;
		if (s->col >= 0) {
			if (s->col > a->maxcol)
				a->maxcol = s->col;
			continue;
		}
		for (k = KS_DATE; k <= KS_MONTH; k++)
			if (strcmp(s->name, kind_names[k]) == 0)
				break;
		if (k > KS_MONTH) {
			snprintf(err, errlen, "no column '%s' in the header",
			    s->name);
			return -1;
		}
		s->kind = (enum src_kind)k;
		a->derived_srcs[k] = (int)i;
		a->need_time = 1;
	}
	for (i = 0; i < a->nval; i++) {
		a->val[i].col = csvio_find(hdr, a->val[i].name);
		if (a->val[i].col < 0) {
			snprintf(err, errlen, "no column '%s' in the header",
			    a->val[i].name);
			return -1;
		}
		if (a->val[i].col > a->maxcol)
			a->maxcol = a->val[i].col;
	}
	if (a->need_time) {
		a->tscol = csvio_find(hdr, tscol);
		if (a->tscol < 0) {
			snprintf(err, errlen, "no column '%s' in the header "
			    "(needed for time fields)", tscol);
			return -1;
		}
	}
	/* Any later bind (resume, rotation) starts a fresh time cache, but
	 * keeps the interned ids. */
	a->tc.valid = 0;
	a->bound = 1;
	return 0;
}

/* ==== groups ============================================================= */

static int
table_grow(struct table *t)
{
	size_t nc = t->gcap ? t->gcap * 2 : 16;
	struct cell *nc_cells;
	uint32_t *nk;

	nc_cells = realloc(t->cells, nc * (t->m ? t->m : 1) * sizeof(*nc_cells));
	if (nc_cells == NULL)
		return -1;
	t->cells = nc_cells;
	if (t->k > 0) {
		if ((nk = realloc(t->gkeys, nc * t->k * sizeof(*nk))) == NULL)
			return -1;
		t->gkeys = nk;
	}
	t->gcap = nc;
	return 0;
}

static inline uint64_t
keys_hash(const uint32_t *ids, size_t k)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	if (k == 2)
		return mix64(((uint64_t)ids[0] << 32 | ids[1]) * h);
	for (i = 0; i < k; i++)
		h = mix64(h ^ (ids[i] + 0x632be59bd9b4e019ULL * (i + 1)));
	return h;
}

static int
slots_rehash(struct table *t, size_t n)
{
	uint32_t *s = calloc(n, sizeof(*s));
	size_t g;

	if (s == NULL)
		return -1;
	for (g = 0; g < t->ng; g++) {
		size_t i = (size_t)keys_hash(t->gkeys + g * t->k, t->k) & (n - 1);
		while (s[i] != 0)
			i = (i + 1) & (n - 1);
		s[i] = (uint32_t)g + 1;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

static long group_hash(struct table *t, const uint32_t *ids);
static int mat_put(struct table *t, const uint32_t *ids, long g);

/* A new group with key ids; returns its index or -1 (ENOMEM). */
static long
group_new(struct table *t, const uint32_t *ids)
{
	size_t g = t->ng;

	if (g >= UINT32_MAX - 1)
		return -1;
	if (g == t->gcap && table_grow(t) == -1)
		return -1;
	memcpy(t->gkeys + g * t->k, ids, t->k * sizeof(*ids));
	memset(t->cells + g * t->m, 0, t->m * sizeof(*t->cells));
	t->ng++;
	return (long)g;
}

static long group_make(struct table *t, const uint32_t *ids);

/* The group of key ids, made when new; -1 on ENOMEM.  The lookups of one
 * and two keys are inline; anything new goes through group_make. */
static inline long
group_get(struct table *t, const uint32_t *ids)
{
	if (t->k == 0)
		return 0;
	if (t->k == 1) {
		if (ids[0] < t->dcap && t->dmap[ids[0]] != 0)
			return (long)t->dmap[ids[0]] - 1;
	} else if (t->k == 2 && !t->nomat) {
		if (ids[0] < t->mrows && ids[1] < t->mcols) {
			uint32_t g = t->mat[ids[0] * t->mcols + ids[1]];
			if (g != 0)
				return (long)g - 1;
		}
	}
	return group_make(t, ids);
}

static __attribute__((noinline)) long
group_make(struct table *t, const uint32_t *ids)
{
	long g;

	if (t->k == 1) {
		uint32_t id = ids[0];
		if (id >= t->dcap) {
			size_t nc = t->dcap ? t->dcap : 16;
			uint32_t *nd;
			while (nc <= id)
				nc *= 2;
			if ((nd = realloc(t->dmap, nc * sizeof(*nd))) == NULL)
				return -1;
			memset(nd + t->dcap, 0, (nc - t->dcap) * sizeof(*nd));
			t->dmap = nd;
			t->dcap = nc;
		}
		if ((g = group_new(t, ids)) < 0)
			return -1;
		t->dmap[id] = (uint32_t)g + 1;
		return g;
	}
	if (t->k == 2 && !t->nomat) {
		if ((g = group_hash(t, ids)) >= 0 && mat_put(t, ids, g) == -1)
			return -1;
		return g;
	}
	return group_hash(t, ids);
}

/* Keep the k == 2 matrix in step: put group g at ids, growing it while it
 * stays small; past MAT_MAX cells the hash table alone serves. */
static int
mat_put(struct table *t, const uint32_t *ids, long g)
{
	if (ids[0] >= t->mrows || ids[1] >= t->mcols) {
		size_t nr = t->mrows ? t->mrows : 8, nc = t->mcols ? t->mcols : 8;
		size_t r, q;
		uint32_t *nm;
		while (nr <= ids[0])
			nr *= 2;
		while (nc <= ids[1])
			nc *= 2;
		if (nr * nc > MAT_MAX) {
			free(t->mat);
			t->mat = NULL;
			t->nomat = 1;
			return 0;
		}
		if ((nm = calloc(nr * nc, sizeof(*nm))) == NULL)
			return -1;
		for (r = 0; r < t->mrows; r++)
			for (q = 0; q < t->mcols; q++)
				nm[r * nc + q] = t->mat[r * t->mcols + q];
		free(t->mat);
		t->mat = nm;
		t->mrows = nr;
		t->mcols = nc;
	}
	t->mat[ids[0] * t->mcols + ids[1]] = (uint32_t)g + 1;
	return 0;
}

/* The group of key ids (k >= 2) in the hash table, made when new. */
static long
group_hash(struct table *t, const uint32_t *ids)
{
	size_t mask, i;
	uint64_t h;
	long g;

	h = keys_hash(ids, t->k);
	if (t->nslots > 0) {
		mask = t->nslots - 1;
		for (i = (size_t)h & mask; t->slots[i] != 0; i = (i + 1) & mask) {
			size_t cand = t->slots[i] - 1, j;
			const uint32_t *ck = t->gkeys + cand * t->k;
			for (j = 0; j < t->k && ck[j] == ids[j]; j++)
				;
			if (j == t->k)
				return (long)cand;
		}
	}
	if ((t->ng + 1) * 2 > t->nslots &&
	    slots_rehash(t, t->nslots ? t->nslots * 2 : 64) == -1)
		return -1;
	if ((g = group_new(t, ids)) < 0)
		return -1;
	mask = t->nslots - 1;
	for (i = (size_t)h & mask; t->slots[i] != 0; i = (i + 1) & mask)
		;
	t->slots[i] = (uint32_t)g + 1;
	return g;
}

/* ==== rows =============================================================== */

/* A sum past the 64-bit range stays at its end, and is reported. */
static int64_t
saturate(struct agg *a, int64_t added)
{
	a->overflow = 1;
	return added > 0 ? INT64_MAX : INT64_MIN;
}

int
agg_overflowed(const struct agg *a)
{
	return a->overflow;
}

static long
intern(struct agg *a, int si, const char *s, size_t n)
{
	return strmap_intern(a->src[si].map, s, n, NULL);
}

/* Intern a field through the source's cache. */
static inline long
intern_cached(struct agg *a, int si, const char *s, size_t n)
{
	struct src *src = &a->src[si];
	struct ic_ent *e;
	uint64_t w0, w1 = 0;
	long id;

	if (n > 16)
		return strmap_intern(src->map, s, n, NULL);
	if (n >= 8) {
		memcpy(&w0, s, 8);
		memcpy(&w1, s + n - 8, 8);
	} else if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, s, 4);
		memcpy(&hi, s + n - 4, 4);
		w0 = (uint64_t)hi << 32 | lo;
	} else if (n > 0) {
		const unsigned char *u = (const unsigned char *)s;
		w0 = (uint64_t)u[0] | (uint64_t)u[n / 2] << 8 |
		    (uint64_t)u[n - 1] << 16;
	} else
		w0 = 0;
	e = &src->ic[((w0 * 0x9e3779b97f4a7c15ULL) ^ (w1 * 0xc2b2ae3d27d4eb4fULL) ^
	    ((uint64_t)n << 57)) >> (64 - IC_BITS)];
	if (e->len == n + 1 && e->w0 == w0 && e->w1 == w1)
		return e->id;
	if ((id = strmap_intern(src->map, s, n, NULL)) < 0)
		return -1;
	e->w0 = w0;
	e->w1 = w1;
	e->len = (uint32_t)n + 1;
	e->id = (uint32_t)id;
	return id;
}

/* Fill the derived ids for the date part; -1 on ENOMEM. */
static int
tcache_date(struct agg *a, const struct li_tm *tm, const char *p, size_t dlen)
{
	struct tcache *c = &a->tc;
	char buf[TM_BUFSZ];
	size_t n;
	int k;

	c->valid = 0;
	c->day = tm_days(tm->year, tm->mon, tm->day);
	for (k = KS_DATE; k <= KS_MONTH; k++) {
		int si = a->derived_srcs[k];
		long id;
		if (si < 0 || k == KS_HOUR || k == KS_SLOT)
			continue;
		switch (k) {
		case KS_DATE:
			n = tm_fmt_date(tm, buf);
			break;
		case KS_DOW:
			n = strlen(tm_dayname(tm_wday(tm)));
			memcpy(buf, tm_dayname(tm_wday(tm)), n);
			break;
		case KS_WEEK:
			n = tm_fmt_week(tm, buf);
			break;
		default:
			n = tm_fmt_month(tm, buf);
			break;
		}
		if ((id = intern(a, si, buf, n)) < 0)
			return -1;
		c->id[k] = (uint32_t)id;
	}
	memcpy(c->date, p, dlen);
	c->dlen = dlen;
	c->valid = 1;
	return 0;
}

static int
dig2(const char *p)
{
	unsigned d0 = (unsigned char)p[0] - '0', d1 = (unsigned char)p[1] - '0';

	return d0 < 10 && d1 < 10 ? (int)(d0 * 10 + d1) : -1;
}

/* Parse a timestamp field, using the cache for a repeated date.  Returns
 * 0, -1 when invalid, -2 on ENOMEM. */
static int
parse_time(struct agg *a, const char *p, size_t n)
{
	struct tcache *c = &a->tc;
	int h = 0, mi = 0, s = 0, k;
	struct li_tm tm;
	uint64_t w0, w1;
	uint16_t x0, x1;

	if (n >= 10) {
		memcpy(&w0, p, 8);
		memcpy(&w1, c->date, 8);
		memcpy(&x0, p + 8, 2);
		memcpy(&x1, c->date + 8, 2);
	}
	if (c->valid && n >= 10 && w0 == w1 && x0 == x1 &&
	    (n == 10 || n == 16 || n == 19) &&
	    (n == 10 || p[10] == ' ' || p[10] == 'T')) {
		if (n >= 16) {
			h = dig2(p + 11);
			mi = dig2(p + 14);
			if (h < 0 || h > 23 || p[13] != ':' || mi < 0 || mi > 59)
				goto slow;
			if (n == 19) {
				s = dig2(p + 17);
				if (p[16] != ':' || s < 0 || s > 60)
					goto slow;
			}
		}
	} else {
slow:
		if (tm_parse(p, n, &tm) == -1)
			return -1;
		h = tm.hour, mi = tm.min, s = tm.sec;
		if (tcache_date(a, &tm, p, n < 10 ? n : 10) == -1)
			return -2;
		if (n < 10)
			c->valid = 0;	/* not a 10-byte date prefix */
	}
	if (!(c->hour_ok & (1U << h))) {
		char hb[3] = { (char)('0' + h / 10), (char)('0' + h % 10), 0 };
		long id;
		if ((k = a->derived_srcs[KS_HOUR]) >= 0) {
			if ((id = intern(a, k, hb, 2)) < 0)
				return -2;
			c->hour_id[h] = (uint32_t)id;
		}
		if ((k = a->derived_srcs[KS_SLOT]) >= 0) {
			const char *sl = tm_slot(h);
			if ((id = intern(a, k, sl, strlen(sl))) < 0)
				return -2;
			c->slot_id[h] = (uint32_t)id;
		}
		c->hour_ok |= 1U << h;
	}
	a->cur_time = c->day * 86400 + h * 3600 + mi * 60 + s;
	a->cur_hour = h;
	return 0;
}

static void
show(char *why, size_t whylen, const char *what, const char *col,
    const struct csvio_field *f)
{
	int n = f->len > 40 ? 40 : (int)f->len;

	snprintf(why, whylen, "%s in %s: \"%.*s\"%s", what, col, n, f->p,
	    f->len > 40 ? "..." : "");
}

static int
oom(struct agg *a, char *why, size_t whylen)
{
	a->rejected++;
	snprintf(why, whylen, "out of memory");
	return -1;
}

int
agg_row(struct agg *a, const struct csvio_record *rec, char *why,
    size_t whylen)
{
	const struct csvio_field *f = rec->f;
	size_t i, j;
	int rc;

	if (rec->nf != a->hdr_nf) {
		a->rejected++;
		if (rec->rawlen + 1 == rec->nf && rec->nf > 1)
			snprintf(why, whylen, "empty row");
		else
			snprintf(why, whylen, "wrong field count: %zu, "
			    "expected %zu", rec->nf, a->hdr_nf);
		return -1;
	}
	if (rec->rawlen + 1 == rec->nf && rec->nf > 1) {
		a->rejected++;
		snprintf(why, whylen, "empty row");
		return -1;
	}
	/* Parse every number and the timestamp before touching any state,
	 * so a rejected row changes nothing but the reject count. */
	if (a->need_time) {
		rc = parse_time(a, f[a->tscol].p, f[a->tscol].len);
		if (rc == -2)
			return oom(a, why, whylen);
		if (rc == -1) {
			a->rejected++;
			show(why, whylen, "bad timestamp", a->tsname,
			    &f[a->tscol]);
			return -1;
		}
	}
	for (i = 0; i < a->nval; i++) {
		const struct csvio_field *v = &f[a->val[i].col];
		if (money_parse(v->p, v->len, &a->v[i]) == -1) {
			a->rejected++;
			show(why, whylen, "bad number", a->val[i].name, v);
			return -1;
		}
	}
	for (i = 0; i < a->nsrc; i++) {
		const struct src *s = &a->src[i];
		long id;
		switch (s->kind) {
		case KS_COL:
			id = intern_cached(a, (int)i, f[s->col].p, f[s->col].len);
			if (id < 0)
				return oom(a, why, whylen);
			a->kid[i] = (uint32_t)id;
			break;
		case KS_HOUR:
			a->kid[i] = a->tc.hour_id[a->cur_hour];
			break;
		case KS_SLOT:
			a->kid[i] = a->tc.slot_id[a->cur_hour];
			break;
		default:
			a->kid[i] = a->tc.id[s->kind];
			break;
		}
	}
	for (i = 0; i < a->ntab; i++) {
		struct table *t = &a->tab[i];
		uint32_t ids[SPEC_MAXKEYS];
		struct cell *c;
		long g;

		for (j = 0; j < t->k; j++)
			ids[j] = a->kid[t->si[j]];
		if ((g = group_get(t, ids)) < 0)
			return oom(a, why, whylen);
		c = t->cells + (size_t)g * t->m;
		if (t->m == 1 && t->ms[0].func == SF_SUM) {
			/* The common aggregate, without the loop. */
			if (__builtin_add_overflow(c->sum, a->v[t->ms[0].vi],
			    &c->sum))
				c->sum = saturate(a, a->v[t->ms[0].vi]);
			c->cnt++;
			continue;
		}
		for (j = 0; j < t->m; j++, c++) {
			struct meas *m = &t->ms[j];
			int64_t v;
			switch (m->func) {
			case SF_SUM:
			case SF_MEAN:
				if (__builtin_add_overflow(c->sum, a->v[m->vi],
				    &c->sum))
					c->sum = saturate(a, a->v[m->vi]);
				c->cnt++;
				break;
			case SF_COUNT:
				c->cnt++;
				break;
			case SF_MIN:
				v = a->v[m->vi];
				if (c->cnt++ == 0 || v < c->min)
					c->min = v;
				break;
			case SF_MAX:
				v = a->v[m->vi];
				if (c->cnt++ == 0 || v > c->max)
					c->max = v;
				break;
			case SF_DISTINCT:
				rc = u64set_add(&m->set, (uint64_t)g << 32 |
				    a->kid[m->si]);
				if (rc < 0)
					return oom(a, why, whylen);
				c->cnt += rc;
				break;
			case SF_REJECTED:
				break;
			}
		}
	}
	a->rows++;
	if (a->need_time) {
		a->last_time = a->cur_time;
		a->has_last = 1;
	}
	return 0;
}

void
agg_count_reject(struct agg *a)
{
	a->rejected++;
}

uint64_t
agg_rows(const struct agg *a)
{
	return a->rows;
}

uint64_t
agg_rejected(const struct agg *a)
{
	return a->rejected;
}

int
agg_last_time(const struct agg *a, int64_t *secs)
{
	if (!a->has_last)
		return 0;
	*secs = a->last_time;
	return 1;
}

/* ==== snapshots ========================================================== */

static int
cmp_groups(const void *x, const void *y, void *ctx)
{
	const struct agg *a = ((const void **)ctx)[0];
	const struct table *t = ((const void **)ctx)[1];
	uint32_t gx = *(const uint32_t *)x, gy = *(const uint32_t *)y;
	size_t j;

	for (j = 0; j < t->k; j++) {
		const struct strmap *m = a->src[t->si[j]].map;
		size_t lx, ly;
		const char *sx = strmap_key(m, t->gkeys[gx * t->k + j], &lx);
		const char *sy = strmap_key(m, t->gkeys[gy * t->k + j], &ly);
		int c = memcmp(sx, sy, lx < ly ? lx : ly);
		if (c != 0)
			return c;
		if (lx != ly)
			return lx < ly ? -1 : 1;
	}
	return 0;
}

static int
put_num(FILE *fp, int64_t v, int as_int)
{
	char b[MONEY_BUFSZ];
	size_t n;

	if (as_int && v % MONEY_SCALE == 0)
		n = int_format(v / MONEY_SCALE, b);
	else
		n = money_format(v, b);
	return fwrite(b, 1, n, fp) == n ? 0 : -1;
}

static int
put_cell(FILE *fp, const struct agg *a, const struct meas *m,
    const struct cell *c)
{
	char b[MONEY_BUFSZ];
	size_t n;

	switch (m->func) {
	case SF_SUM:
		return put_num(fp, c->sum, m->as_int);
	case SF_COUNT:
	case SF_DISTINCT:
		n = int_format(c->cnt, b);
		break;
	case SF_REJECTED:
		n = int_format((int64_t)a->rejected, b);
		break;
	case SF_MIN:
		return c->cnt ? put_num(fp, c->min, m->as_int) : 0;
	case SF_MAX:
		return c->cnt ? put_num(fp, c->max, m->as_int) : 0;
	case SF_MEAN:
		if (c->cnt == 0)
			return 0;
		n = money_format(money_div(c->sum, c->cnt), b);
		break;
	default:
		return 0;
	}
	return fwrite(b, 1, n, fp) == n ? 0 : -1;
}

int
agg_write_csv(struct agg *a, size_t ti, FILE *fp)
{
	struct table *t = &a->tab[ti];
	const struct spec_agg *sa = t->sa;
	uint32_t *order = NULL;
	const void *ctx[2] = { a, t };
	size_t g, j;
	int rc = -1;

	for (j = 0; j < sa->nkeys; j++) {
		if (j > 0)
			putc(',', fp);
		csvio_put_field(fp, sa->keys[j], strlen(sa->keys[j]), ',');
	}
	for (j = 0; j < sa->nmeas; j++) {
		if (j > 0 || sa->nkeys > 0)
			putc(',', fp);
		csvio_put_field(fp, sa->meas[j].name, strlen(sa->meas[j].name),
		    ',');
	}
	putc('\n', fp);
	if ((order = malloc((t->ng ? t->ng : 1) * sizeof(*order))) == NULL)
		goto out;
	for (g = 0; g < t->ng; g++)
		order[g] = (uint32_t)g;
	qsort_r(order, t->ng, sizeof(*order), cmp_groups, ctx);
	for (g = 0; g < t->ng; g++) {
		size_t gi = order[g];
		for (j = 0; j < t->k; j++) {
			size_t len;
			const char *s = strmap_key(a->src[t->si[j]].map,
			    t->gkeys[gi * t->k + j], &len);
			if (j > 0)
				putc(',', fp);
			csvio_put_field(fp, s, len, ',');
		}
		for (j = 0; j < t->m; j++) {
			if (j > 0 || t->k > 0)
				putc(',', fp);
			put_cell(fp, a, &t->ms[j], &t->cells[gi * t->m + j]);
		}
		putc('\n', fp);
	}
	rc = ferror(fp) ? -1 : 0;
out:
	free(order);
	return rc;
}

int
agg_write_snapshot(struct agg *a, const char *dir, int nosync, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < a->ntab; i++) {
		struct atomic_file af;
		char path[4096];
		int saved;

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    a->tab[i].sa->file) >= sizeof(path)) {
			snprintf(err, errlen, "%s", dir);
			errno = ENAMETOOLONG;
			return -1;
		}
		if (atomic_open(&af, path) == -1)
			goto fail;
		af.nosync = nosync;
		if (agg_write_csv(a, i, af.fp) == -1) {
			saved = errno ? errno : EIO;
			atomic_abort(&af);
			errno = saved;
			goto fail;
		}
		if (atomic_commit(&af) == -1)
			goto fail;
		continue;
fail:
		saved = errno;
		snprintf(err, errlen, "%s", path);
		errno = saved;
		return -1;
	}
	return 0;
}

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
	fprintf(fp, "%s,%d\nspec,%08x\ninput", STATE_MAGIC, STATE_VERSION,
	    (unsigned)a->spec_crc);
	putc(',', fp);
	csvio_put_field(fp, pos->input, strlen(pos->input), ',');
	put_i64(fp, (int64_t)pos->offset);
	put_i64(fp, (int64_t)pos->line);
	put_i64(fp, (int64_t)pos->rejects_size);
	fputs("\ntotals", fp);
	put_i64(fp, (int64_t)a->rows);
	put_i64(fp, (int64_t)a->rejected);
	if (a->has_last)
		put_i64(fp, a->last_time);
	else
		fputs(",", fp);
	putc('\n', fp);
	for (i = 0; i < a->ntab; i++) {
		struct table *t = &a->tab[i];
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
	}
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
static int
field_i64(const struct csvio_field *f, int64_t *v)
{
	char b[32];

	if (f->len == 0 || f->len >= sizeof(b))
		return -1;
	memcpy(b, f->p, f->len);
	b[f->len] = '\0';
	return int_parse(b, f->len, v) == -1 || memchr(b, '.', f->len) ?
	    -1 : 0;
}

static int
field_is(const struct csvio_field *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->p, s, f->len) == 0;
}

/* Merge cell src into dst for measure m (distinct counts come from the
 * member lines instead). */
static void
cell_merge(struct agg *a, const struct meas *m, struct cell *dst,
    const struct cell *src)
{
	switch (m->func) {
	case SF_MIN:
		if (src->cnt > 0 && (dst->cnt == 0 || src->min < dst->min))
			dst->min = src->min;
		dst->cnt += src->cnt;
		break;
	case SF_MAX:
		if (src->cnt > 0 && (dst->cnt == 0 || src->max > dst->max))
			dst->max = src->max;
		dst->cnt += src->cnt;
		break;
	case SF_DISTINCT:
	case SF_REJECTED:
		break;
	default:
		if (__builtin_add_overflow(dst->sum, src->sum, &dst->sum))
			dst->sum = saturate(a, src->sum);
		dst->cnt += src->cnt;
		break;
	}
}

int
agg_load(struct agg *a, const char *path, struct agg_pos *pos, char *err,
    size_t errlen)
{
	struct csvio_reader *r = NULL;
	struct csvio_record rec;
	struct table *t = NULL;
	uint32_t *gmap = NULL;
	size_t gn = 0, gmapcap = 0, i;
	char *buf = NULL, *tail;
	struct stat st;
	uint64_t lineno;
	int fd, rc = -1, state = 0, ended = 0;
	ssize_t got;
	unsigned long want;
	size_t len = 0;

	if ((fd = open(path, O_RDONLY)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || (size_t)st.st_size > STATE_MAX) {
		snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) :
		    "too large");
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (len < (size_t)st.st_size &&
	    (got = read(fd, buf + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)got;
	buf[len] = '\0';
	/* The last line is "crc32,XXXXXXXX": the checksum of all before it. */
	if (len < 15 || buf[len - 1] != '\n' ||
	    (tail = buf + len - 15, memcmp(tail, "crc32,", 6) != 0) ||
	    (tail > buf && tail[-1] != '\n')) {
		snprintf(err, errlen, "%s: corrupt checkpoint (no checksum)",
		    path);
		goto out;
	}
	{
		char *e;
		want = strtoul(tail + 6, &e, 16);
		if (e != buf + len - 1 ||
		    agg_crc32(0, buf, (size_t)(tail - buf)) != (uint32_t)want) {
			snprintf(err, errlen, "%s: corrupt checkpoint "
			    "(checksum mismatch)", path);
			goto out;
		}
	}
	if (lseek(fd, 0, SEEK_SET) == -1 ||
	    (r = csvio_reader_new(fd, ',', 0)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		int n = csvio_next(r, &rec);
		const struct csvio_field *f = rec.f;
		if (n == 0)
			break;
		lineno = rec.line;
		if (n < 0)
			goto bad;
		if (ended || field_is(&f[0], "crc32"))
			break;	/* the crc line */
		if (state == 0) {
			int64_t v;
			if (rec.nf != 2 || !field_is(&f[0], STATE_MAGIC)) {
				snprintf(err, errlen, "%s: not a reduce "
				    "checkpoint", path);
				goto out;
			}
			if (field_i64(&f[1], &v) == -1 || v != STATE_VERSION) {
				snprintf(err, errlen, "%s: unsupported "
				    "checkpoint version '%.*s'", path,
				    (int)(f[1].len > 20 ? 20 : f[1].len), f[1].p);
				goto out;
			}
			state = 1;
		} else if (field_is(&f[0], "spec") && rec.nf == 2) {
			char hex[16];
			snprintf(hex, sizeof(hex), "%08x", (unsigned)a->spec_crc);
			if (!field_is(&f[1], hex)) {
				snprintf(err, errlen, "%s: checkpoint was made "
				    "with a different spec", path);
				goto out;
			}
		} else if (field_is(&f[0], "input") && rec.nf == 5) {
			int64_t off, ln, rs;
			if (field_i64(&f[2], &off) == -1 || off < 0 ||
			    field_i64(&f[3], &ln) == -1 || ln < 1 ||
			    field_i64(&f[4], &rs) == -1 || rs < 0 ||
			    f[1].len >= sizeof(pos->input))
				goto bad;
			if (pos != NULL) {
				memcpy(pos->input, f[1].p, f[1].len);
				pos->input[f[1].len] = '\0';
				pos->offset = (uint64_t)off;
				pos->line = (uint64_t)ln;
				pos->rejects_size = (uint64_t)rs;
			}
		} else if (field_is(&f[0], "totals") && rec.nf == 4) {
			int64_t rows, rej, last;
			if (field_i64(&f[1], &rows) == -1 || rows < 0 ||
			    field_i64(&f[2], &rej) == -1 || rej < 0)
				goto bad;
			a->rows += (uint64_t)rows;
			a->rejected += (uint64_t)rej;
			if (f[3].len > 0) {
				if (field_i64(&f[3], &last) == -1)
					goto bad;
				if (!a->has_last || last > a->last_time)
					a->last_time = last;
				a->has_last = 1;
			}
		} else if (field_is(&f[0], "table") && rec.nf == 3) {
			int64_t ng;
			t = NULL;
			for (i = 0; i < a->ntab; i++)
				if (field_is(&f[1], a->tab[i].sa->file))
					t = &a->tab[i];
			if (t == NULL || field_i64(&f[2], &ng) == -1 || ng < 0)
				goto bad;
			gn = 0;
		} else if (field_is(&f[0], "g") && t != NULL &&
		    rec.nf == 1 + t->k + 4 * t->m) {
			uint32_t ids[SPEC_MAXKEYS];
			struct cell c;
			long g, id;
			size_t j;
			for (j = 0; j < t->k; j++) {
				id = intern(a, t->si[j], f[1 + j].p, f[1 + j].len);
				if (id < 0)
					goto nomem;
				ids[j] = (uint32_t)id;
			}
			if ((g = group_get(t, ids)) < 0)
				goto nomem;
			for (j = 0; j < t->m; j++) {
				const struct csvio_field *cf = &f[1 + t->k + 4 * j];
				if (field_i64(&cf[0], &c.sum) == -1 ||
				    field_i64(&cf[1], &c.cnt) == -1 ||
				    field_i64(&cf[2], &c.min) == -1 ||
				    field_i64(&cf[3], &c.max) == -1 || c.cnt < 0)
					goto bad;
				if (c.cnt > INT64_MAX / 4)
					goto bad;
				cell_merge(a, &t->ms[j],
				    &t->cells[(size_t)g * t->m + j], &c);
			}
			if (gn == gmapcap) {
				size_t nc = gmapcap ? gmapcap * 2 : 64;
				uint32_t *ng = realloc(gmap, nc * sizeof(*ng));
				if (ng == NULL)
					goto nomem;
				gmap = ng;
				gmapcap = nc;
			}
			gmap[gn++] = (uint32_t)g;
		} else if (field_is(&f[0], "d") && t != NULL && rec.nf == 4) {
			int64_t gi, mi;
			long id;
			int added;
			if (field_i64(&f[1], &gi) == -1 || gi < 0 ||
			    (size_t)gi >= gn || field_i64(&f[2], &mi) == -1 ||
			    mi < 0 || (size_t)mi >= t->m ||
			    t->ms[mi].func != SF_DISTINCT)
				goto bad;
			id = intern(a, t->ms[mi].si, f[3].p, f[3].len);
			if (id < 0)
				goto nomem;
			added = u64set_add(&t->ms[mi].set,
			    (uint64_t)gmap[gi] << 32 | (uint32_t)id);
			if (added < 0)
				goto nomem;
			t->cells[(size_t)gmap[gi] * t->m + (size_t)mi].cnt += added;
		} else if (field_is(&f[0], "ext")) {
			/* Position lines of an input kind (Kafka offsets). */
			if (pos != NULL) {
				char *nx = realloc(pos->ext, pos->extlen +
				    rec.rawlen + 1);
				if (nx == NULL)
					goto nomem;
				memcpy(nx + pos->extlen, rec.raw, rec.rawlen);
				nx[pos->extlen + rec.rawlen] = '\n';
				pos->ext = nx;
				pos->extlen += rec.rawlen + 1;
			}
		} else if (field_is(&f[0], "end") && rec.nf == 1) {
			ended = 1;
		} else
			goto bad;
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
	free(gmap);
	free(buf);
	close(fd);
	return rc;
}
