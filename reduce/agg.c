/* The aggregate engine: interned keys, groups and rows.  Setup is in
 * aggsetup.c, snapshots and checkpoints in state.c. */
#include "agg_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "timefield.h"

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
	for (k = KS_DATE; k < KS_NKINDS; k++) {
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
		case KS_ISOWEEK:
			n = tm_fmt_isoweek(tm, buf);
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
	/* The date cached (its 10 bytes), then nothing, or " H:MM",
	 * " HH:MM", " H:MM:SS" or " HH:MM:SS" (or 'T' for the space). */
	if (c->valid && n >= 10 && w0 == w1 && x0 == x1 &&
	    (n == 10 || ((p[10] == ' ' || p[10] == 'T') && n >= 15))) {
		if (n > 10) {
			size_t o = p[12] == ':' ? 12 : 13;	/* after H */
			if (o == 12) {
				h = (unsigned char)p[11] - '0';
				if (h < 0 || h > 9)
					goto slow;
			} else
				h = dig2(p + 11);
			if (n != o + 3 && n != o + 6)
				goto slow;
			mi = dig2(p + o + 1);
			if (h < 0 || h > 23 || p[o] != ':' || mi < 0 || mi > 59)
				goto slow;
			if (n == o + 6) {
				s = dig2(p + o + 4);
				if (p[o + 3] != ':' || s < 0 || s > 60)
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
		if (n < 10 || (n > 10 && p[10] != ' ' && p[10] != 'T'))
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

/* csvio_field_trim, without the call for a field with nothing to trim
 * (nearly all of them). */
static inline void
trim(const struct csvio_record *rec, struct csvio_field *f)
{
	/* Blanks (' ', '\t') are at most ' ': two compares for a field
	 * that begins and ends with anything else. */
	if (f->len == 0 || ((unsigned char)f->p[0] > ' ' &&
	    (unsigned char)f->p[f->len - 1] > ' '))
		return;
	csvio_field_trim(rec, f);
}

/* Parse the row's timestamp and numbers into a (cur_time, v[]) before any
 * state is touched, so that a rejected row changes nothing but the reject
 * count.  Returns 0, or -1 when rejected (counted, why set). */
static inline int
row_values(struct agg *a, const struct csvio_record *rec, char *why,
    size_t whylen)
{
	const struct csvio_field *f = rec->f;
	size_t i;
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
	if (a->need_time) {
		struct csvio_field tf = f[a->tscol];
		trim(rec, &tf);
		rc = parse_time(a, tf.p, tf.len);
		if (rc == -2)
			return oom(a, why, whylen);
		if (rc == -1) {
			a->rejected++;
			show(why, whylen, "bad timestamp", a->tsname, &tf);
			return -1;
		}
	}
	for (i = 0; i < a->nval; i++) {
		struct csvio_field v = f[a->val[i].col];
		trim(rec, &v);
		if (money_parse(v.p, v.len, &a->v[i]) == -1) {
			a->rejected++;
			show(why, whylen, "bad number", a->val[i].name, &v);
			return -1;
		}
		if (a->val[i].whole && a->v[i] % MONEY_SCALE != 0) {
			/* A count of units ("2.5" of a product) is neither
			 * summed as it is nor rounded: the row is wrong. */
			a->rejected++;
			show(why, whylen, "fractional quantity",
			    a->val[i].name, &v);
			return -1;
		}
	}
	return 0;
}

/* The key id of every source for the row (a->kid[]).  Returns 0, or -1
 * on ENOMEM. */
static inline int
row_keys(struct agg *a, const struct csvio_record *rec)
{
	size_t i;

	for (i = 0; i < a->nsrc; i++) {
		const struct src *s = &a->src[i];
		struct csvio_field kf;
		long id;
		switch (s->kind) {
		case KS_COL:
			kf = rec->f[s->col];
			trim(rec, &kf);
			if ((id = intern_cached(a, (int)i, kf.p, kf.len)) < 0)
				return -1;
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
	return 0;
}

/* Add the row to the cells of group g of table t.  Returns 0, or -1 on
 * ENOMEM. */
static inline __attribute__((always_inline)) int
row_cells(struct agg *a, struct table *t, long g)
{
	struct cell *c = t->cells + (size_t)g * t->m;
	size_t j;
	int rc;

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
		case SF_MINTIME:
			if (c->cnt++ == 0 || a->cur_time < c->min)
				c->min = a->cur_time;
			break;
		case SF_MAXTIME:
		case SF_IDLE:
			if (c->cnt++ == 0 || a->cur_time > c->max)
				c->max = a->cur_time;
			break;
		case SF_POP:
			if (pop_add(a, m, (size_t)g, a->v[m->vi]) == -1)
				return -1;
			c->cnt++;
			break;
		case SF_DISTINCT:
			rc = u64set_add(&m->set, (uint64_t)g << 32 |
			    a->kid[m->si]);
			if (rc < 0)
				return -1;
			c->cnt += rc;
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
	long g = group_get(t, ids);

	return g < 0 ? -1 : row_cells(a, t, g);
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
	return agg_day(x) * 86400;
}

/* --since, --until: 1 when the row is left out (counted). */
static int
row_filtered(struct agg *a)
{
	int64_t x = a->cur_time;

	if ((a->since_on && (a->since_tod ? x - floor_day(x) : x) <
	    a->since) || (a->until_on && (a->until_tod ? x - floor_day(x) :
	    x) >= a->until)) {
		a->filtered++;
		return 1;
	}
	return 0;
}

/* 1 when the row falls in a closed window of a windowed table whose
 * where clause it passes (rejected as late, counted, why set). */
static int
row_late(struct agg *a, char *why, size_t whylen)
{
	size_t i;

	for (i = 0; i < a->ntab; i++) {
		const struct table *t = &a->tab[i];
		if (t->win != NULL && where_ok(a, t) && win_is_late(a, t)) {
			a->rejected++;
			a->late++;
			snprintf(why, whylen, "late: in a closed window of %s",
			    t->sa->file);
			return 1;
		}
	}
	return 0;
}

int
agg_row(struct agg *a, const struct csvio_record *rec, char *why,
    size_t whylen)
{
	size_t i, j;

	if (row_values(a, rec, why, whylen) == -1)
		return -1;
	if (row_keys(a, rec) == -1)
		return oom(a, why, whylen);
	if (__builtin_expect(a->since_on || a->until_on, 0) && row_filtered(a))
		return 1;
	if (__builtin_expect(a->nwin > 0, 0) && a->wm_has &&
	    row_late(a, why, whylen))
		return -1;
	for (i = 0; i < a->ntab; i++) {
		struct table *t = &a->tab[i];
		uint32_t ids[SPEC_MAXKEYS];
		long g;

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
		if ((g = group_get(t, ids)) < 0 || row_cells(a, t, g) == -1)
			return oom(a, why, whylen);
	}
	a->rows++;
	if (a->need_time) {
		agg_fold_day(a, a->cur_time, a->cur_time);
		if (!a->has_last || a->cur_time > a->max_time)
			a->max_time = a->cur_time;
		a->last_time = a->cur_time;
		a->has_last = 1;
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

/* Called before a->max_time takes max_time into account. */
void
agg_fold_day(struct agg *a, int64_t max_time, int64_t day_first)
{
	int64_t d, nd;

	if (!a->has_last) {
		a->day_first = day_first;
		return;
	}
	if (max_time <= a->max_time && day_first >= a->day_first)
		return;		/* the common case: nothing earlier, nothing newer */
	d = agg_day(a->max_time);
	nd = agg_day(max_time);
	if (nd > d)
		a->day_first = day_first;
	else if (nd == d && day_first < a->day_first)
		a->day_first = day_first;
}

int
agg_max_time(const struct agg *a, int64_t *secs)
{
	if (!a->has_last)
		return 0;
	*secs = a->max_time;
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
