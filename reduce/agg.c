/* The aggregate engine: setup, interned keys, groups and rows.  Snapshots
 * and checkpoints are in state.c. */
#include "agg_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "timefield.h"

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

static long intern(struct agg *a, int si, const char *s, size_t n);

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
		t->k = 0;
		for (j = 0; j < sa->nkeys; j++) {
			if (sa->wsize > 0 && (int)j == sa->wkey)
				continue;	/* the window: window.c */
			if ((t->si[t->k++] = find_src(a, sa->keys[j])) < 0)
				goto fail;
		}
		for (j = 0; j < sa->nwhere; j++) {
			const struct spec_where *sw = &sa->where[j];
			struct wcond *wc = &t->where[j];
			size_t q;
			if ((wc->si = find_src(a, sw->col)) < 0)
				goto fail;
			for (q = 0; q < sw->nvals; q++) {
				const char *v = spec_where_val(sa, sw, q);
				long id = intern(a, wc->si, v, strlen(v));
				if (id < 0)
					goto fail;
				wc->ids[q] = (uint32_t)id;
			}
			wc->nids = sw->nvals;
		}
		t->nwhere = sa->nwhere;
		t->special = sa->nwhere > 0 || sa->wsize > 0;
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
			case SF_POP:
				m->vi = find_val(a, sm->col);
				m->pop_sel = sm->pop_sel;
				a->pop_time = 1;
				break;
			case SF_IDLE:
				a->pop_time = 1;
				break;
			case SF_COUNT: case SF_REJECTED:
				break;
			}
		}
		if (sa->wsize > 0) {
			if (win_setup(a, t) == -1)
				goto fail;
			continue;
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
		win_free(&a->tab[i]);
		agg_table_release(&a->tab[i]);
	}
	(void)j;
	free(a->ids);
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
	if (a->nwin > 0 || a->since_on || a->until_on || a->pop_time)
		a->need_time = 1;
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

void
agg_table_release(struct table *t)
{
	size_t j;

	free(t->gkeys);
	free(t->cells);
	free(t->dmap);
	free(t->slots);
	free(t->mat);
	for (j = 0; j < t->m; j++) {
		free(t->ms[j].set.slot);
		pop_free(&t->ms[j]);
	}
	t->gkeys = NULL;
	t->cells = NULL;
	t->dmap = NULL;
	t->slots = NULL;
	t->mat = NULL;
	for (j = 0; j < t->m; j++)
		memset(&t->ms[j].set, 0, sizeof(t->ms[j].set));
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
	char v[41];
	size_t n = f->len > 40 ? 40 : f->len, i;

	/* At most 40 bytes, control characters shown as '?', so one reject
	 * stays one line of stderr. */
	for (i = 0; i < n; i++)
		v[i] = (unsigned char)f->p[i] < 0x20 || f->p[i] == 0x7f ?
		    '?' : f->p[i];
	v[n] = '\0';
	snprintf(why, whylen, "%s in %s: \"%s\"%s", what, col, v,
	    f->len > 40 ? "..." : "");
}

static int
oom(struct agg *a, char *why, size_t whylen)
{
	a->rejected++;
	snprintf(why, whylen, "out of memory");
	return -1;
}

/* Add the current row to group ids of t (inline in agg_row). */
static inline __attribute__((always_inline)) int
table_add(struct agg *a, struct table *t, const uint32_t *ids)
{
	struct cell *c;
	size_t j;
	long g;
	int rc;

	if ((g = group_get(t, ids)) < 0)
		return -1;
	c = t->cells + (size_t)g * t->m;
	if (t->m == 1 && t->ms[0].func == SF_SUM) {
		/* The common aggregate, without the loop. */
		if (__builtin_add_overflow(c->sum, a->v[t->ms[0].vi], &c->sum))
			c->sum = saturate(a, a->v[t->ms[0].vi]);
		c->cnt++;
		return 0;
	}
	for (j = 0; j < t->m; j++, c++) {
		struct meas *m = &t->ms[j];
		int64_t v;
		switch (m->func) {
		case SF_SUM:
		case SF_MEAN:
			if (__builtin_add_overflow(c->sum, a->v[m->vi], &c->sum))
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
				return -1;
			c->cnt += rc;
			break;
		case SF_POP:
			if (pop_add(a, m, (size_t)g, a->v[m->vi]) == -1)
				return -1;
			c->cnt++;
			break;
		case SF_IDLE:
			if (c->cnt++ == 0 || a->cur_time > c->max)
				c->max = a->cur_time;
			break;
		case SF_REJECTED:
			break;
		}
	}
	return 0;
}

int
agg_table_add(struct agg *a, struct table *t, const uint32_t *ids)
{
	return table_add(a, t, ids);
}

/* 1 when the current row passes t's where clause. */
static inline int
where_ok(const struct agg *a, const struct table *t)
{
	size_t i, j;

	for (i = 0; i < t->nwhere; i++) {
		const struct wcond *w = &t->where[i];
		uint32_t id = a->kid[w->si];
		for (j = 0; j < w->nids && w->ids[j] != id; j++)
			;
		if (j == w->nids)
			return 0;
	}
	return 1;
}

static inline int64_t
floor_day(int64_t x)
{
	return (x >= 0 ? x / 86400 : (x - 86399) / 86400) * 86400;
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
	if (a->since_on || a->until_on) {
		int64_t x = a->cur_time;
		if ((a->since_on && (a->since_tod ? x - floor_day(x) :
		    x) < a->since) || (a->until_on && (a->until_tod ?
		    x - floor_day(x) : x) >= a->until)) {
			a->filtered++;
			return 1;
		}
	}
	if (a->nwin > 0 && a->wm_has) {
		for (i = 0; i < a->ntab; i++) {
			const struct table *t = &a->tab[i];
			if (t->win != NULL && where_ok(a, t) &&
			    win_is_late(a, t)) {
				a->rejected++;
				a->late++;
				snprintf(why, whylen, "late: in a closed window "
				    "of %s", t->sa->file);
				return -1;
			}
		}
	}
	for (i = 0; i < a->ntab; i++) {
		struct table *t = &a->tab[i];
		uint32_t ids[SPEC_MAXKEYS];

		for (j = 0; j < t->k; j++)
			ids[j] = a->kid[t->si[j]];
		if (__builtin_expect(t->special, 0)) {
			/* A where clause, a window. */
			if (t->nwhere > 0 && !where_ok(a, t))
				continue;
			if (t->win != NULL) {
				if (win_add(a, t, ids) == -1)
					return oom(a, why, whylen);
				continue;
			}
		}
		if (table_add(a, t, ids) == -1)
			return oom(a, why, whylen);
	}
	a->rows++;
	if (a->need_time) {
		a->last_time = a->cur_time;
		a->has_last = 1;
		if (!a->has_newest || a->cur_time > a->newest) {
			a->newest = a->cur_time;
			a->has_newest = 1;
		}
	}
	if (__builtin_expect(a->nwin > 0, 0))
		win_advance(a);
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

/* ==== for state.c ======================================================= */

long
agg_intern(struct agg *a, int si, const char *s, size_t n)
{
	return intern(a, si, s, n);
}

long
agg_group(struct table *t, const uint32_t *ids)
{
	return group_get(t, ids);
}

int
agg_set_add(struct u64set *s, uint64_t x)
{
	return u64set_add(s, x);
}

int64_t
agg_saturate(struct agg *a, int64_t added)
{
	return saturate(a, added);
}
