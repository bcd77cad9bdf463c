/* The rating data set: users and items interned to dense ids, (user, item)
 * aggregates in an open-addressing table, the deterministic split and the
 * CSR/CSC layouts that ALS walks. */
#include "rec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "util.h"

#define DEF_MAX_USERS	10000000ULL
#define DEF_MAX_ITEMS	10000000ULL
#define DEF_MAX_RATINGS	200000000ULL

const char *
rec_agg_name(enum rec_agg a)
{
	switch (a) {
	case REC_AGG_SUM:
		return "sum";
	case REC_AGG_COUNT:
		return "count";
	case REC_AGG_MAX:
		return "max";
	}
	return "?";
}

struct rec_data *
rec_data_new(enum rec_agg agg, const struct rec_limits *lim)
{
	struct rec_data *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->agg = agg;
	if (lim != NULL)
		d->lim = *lim;
	if (d->lim.max_users == 0)
		d->lim.max_users = DEF_MAX_USERS;
	if (d->lim.max_items == 0)
		d->lim.max_items = DEF_MAX_ITEMS;
	if (d->lim.max_ratings == 0)
		d->lim.max_ratings = DEF_MAX_RATINGS;
	/* Ids are uint32_t. */
	if (d->lim.max_users > UINT32_MAX - 1)
		d->lim.max_users = UINT32_MAX - 1;
	if (d->lim.max_items > UINT32_MAX - 1)
		d->lim.max_items = UINT32_MAX - 1;
	if (d->lim.max_ratings > UINT32_MAX - 1)
		d->lim.max_ratings = UINT32_MAX - 1;
	d->users = strmap_new();
	d->items = strmap_new();
	if (d->users == NULL || d->items == NULL) {
		rec_data_free(d);
		return NULL;
	}
	return d;
}

void
rec_data_free(struct rec_data *d)
{
	size_t u, nu;

	if (d == NULL)
		return;
	nu = d->users ? strmap_count(d->users) : 0;
	for (u = 0; u < nu && u < d->ucap; u++) {
		free(d->first[u]);
		free(d->last[u]);
	}
	free(d->first);
	free(d->last);
	strmap_free(d->users);
	strmap_free(d->items);
	free(d->r);
	free(d->hkey);
	free(d->hval);
	free(d);
}

static uint64_t
pair_hash(uint64_t key)
{
	return splitmix64(&key);
}

static int
hash_grow(struct rec_data *d)
{
	size_t ncap = d->hcap ? d->hcap * 2 : 1024, j, k;
	uint64_t *nk;
	uint32_t *nv;

	if ((nk = calloc(ncap, sizeof(*nk))) == NULL)
		return -1;
	if ((nv = malloc(ncap * sizeof(*nv))) == NULL) {
		free(nk);
		return -1;
	}
	for (j = 0; j < d->hcap; j++) {
		if (d->hkey[j] == 0)
			continue;
		k = pair_hash(d->hkey[j]) & (ncap - 1);
		while (nk[k] != 0)
			k = (k + 1) & (ncap - 1);
		nk[k] = d->hkey[j];
		nv[k] = d->hval[j];
	}
	free(d->hkey);
	free(d->hval);
	d->hkey = nk;
	d->hval = nv;
	d->hcap = ncap;
	return 0;
}

static char *
dup_name(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return NULL;
	n = strnlen(s, REC_MAX_KEY);
	return xstrndup(s, n);
}

/* The id of user key, inserting it (with its names) when new. */
static long
user_id(struct rec_data *d, const char *user, size_t ulen, const char *first,
    const char *last, char *err, size_t errlen)
{
	long id;
	int ins = 0;

	if ((id = strmap_find(d->users, user, ulen)) >= 0) {
		if (d->first[id] == NULL && first != NULL && *first != '\0')
			d->first[id] = dup_name(first);
		if (d->last[id] == NULL && last != NULL && *last != '\0')
			d->last[id] = dup_name(last);
		return id;
	}
	if (strmap_count(d->users) >= d->lim.max_users) {
		snprintf(err, errlen, "more than %llu users (--max-users)",
		    (unsigned long long)d->lim.max_users);
		return -1;
	}
	if (strmap_count(d->users) >= d->ucap) {
		size_t nc = d->ucap ? d->ucap * 2 : 256;
		char **nf = realloc(d->first, nc * sizeof(*nf));
		char **nl;
		if (nf == NULL)
			goto nomem;
		d->first = nf;
		if ((nl = realloc(d->last, nc * sizeof(*nl))) == NULL)
			goto nomem;
		d->last = nl;
		d->ucap = nc;
	}
	if ((id = strmap_intern(d->users, user, ulen, &ins)) < 0)
		goto nomem;
	d->first[id] = dup_name(first);
	d->last[id] = dup_name(last);
	return id;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

int
rec_data_add(struct rec_data *d, const char *user, size_t ulen,
    const char *first, const char *last, const char *item, size_t ilen,
    double v, char *err, size_t errlen)
{
	long u, i;
	uint64_t key;
	size_t k;

	if ((u = user_id(d, user, ulen, first, last, err, errlen)) < 0)
		return -1;
	if ((i = strmap_find(d->items, item, ilen)) < 0) {
		if (strmap_count(d->items) >= d->lim.max_items) {
			snprintf(err, errlen, "more than %llu items (--max-items)",
			    (unsigned long long)d->lim.max_items);
			return -1;
		}
		if ((i = strmap_intern(d->items, item, ilen, NULL)) < 0) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	if (d->n * 2 >= d->hcap && hash_grow(d) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	key = ((uint64_t)u << 32 | (uint64_t)i) + 1;
	k = pair_hash(key) & (d->hcap - 1);
	while (d->hkey[k] != 0 && d->hkey[k] != key)
		k = (k + 1) & (d->hcap - 1);
	d->records++;
	if (d->hkey[k] == key) {
		struct rec_rating *r = &d->r[d->hval[k]];
		switch (d->agg) {
		case REC_AGG_SUM:
			r->r += v;
			break;
		case REC_AGG_COUNT:
			r->r += 1;
			break;
		case REC_AGG_MAX:
			if (v > r->r)
				r->r = v;
			break;
		}
		return 0;
	}
	if (d->n >= d->lim.max_ratings) {
		snprintf(err, errlen, "more than %llu ratings (--max-ratings)",
		    (unsigned long long)d->lim.max_ratings);
		return -1;
	}
	if (d->n == d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 1024;
		struct rec_rating *nr = realloc(d->r, nc * sizeof(*nr));
		if (nr == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		d->r = nr;
		d->cap = nc;
	}
	d->r[d->n].u = (uint32_t)u;
	d->r[d->n].i = (uint32_t)i;
	d->r[d->n].r = d->agg == REC_AGG_COUNT ? 1 : v;
	d->hkey[k] = key;
	d->hval[k] = (uint32_t)d->n;
	d->n++;
	d->sorted = 0;
	return 0;
}

/* Sort the pairs by (user, item) with two stable counting sorts (by item,
 * then by user): linear in the pairs, as the ids are dense. */
int
rec_data_sort(struct rec_data *d)
{
	size_t nu = strmap_count(d->users), ni = strmap_count(d->items), k;
	struct rec_rating *tmp = NULL;
	size_t *cnt = NULL;

	if (d->sorted || d->n == 0) {
		d->sorted = 1;
		return 0;
	}
	tmp = malloc(d->n * sizeof(*tmp));
	cnt = malloc(((nu > ni ? nu : ni) + 1) * sizeof(*cnt));
	if (tmp == NULL || cnt == NULL) {
		/* Out of memory: d stays unsorted and usable. */
		free(tmp);
		free(cnt);
		errno = ENOMEM;
		return -1;
	}
	memset(cnt, 0, (ni + 1) * sizeof(*cnt));
	for (k = 0; k < d->n; k++)
		cnt[d->r[k].i + 1]++;
	for (k = 0; k < ni; k++)
		cnt[k + 1] += cnt[k];
	for (k = 0; k < d->n; k++)
		tmp[cnt[d->r[k].i]++] = d->r[k];
	memset(cnt, 0, (nu + 1) * sizeof(*cnt));
	for (k = 0; k < d->n; k++)
		cnt[tmp[k].u + 1]++;
	for (k = 0; k < nu; k++)
		cnt[k + 1] += cnt[k];
	for (k = 0; k < d->n; k++)
		d->r[cnt[tmp[k].u]++] = tmp[k];
	free(tmp);
	free(cnt);
	/* The table's indices changed: rebuild it. */
	if (d->hcap > 0) {
		memset(d->hkey, 0, d->hcap * sizeof(*d->hkey));
		for (k = 0; k < d->n; k++) {
			uint64_t key = ((uint64_t)d->r[k].u << 32 | d->r[k].i) + 1;
			size_t j = pair_hash(key) & (d->hcap - 1);
			while (d->hkey[j] != 0)
				j = (j + 1) & (d->hcap - 1);
			d->hkey[j] = key;
			d->hval[j] = (uint32_t)k;
		}
	}
	d->sorted = 1;
	return 0;
}

int
rec_data_split(const struct rec_data *d, double frac, uint64_t seed,
    struct rec_data **trainp, struct rec_data **testp)
{
	struct rec_data *tr, *te;
	char err[REC_ERRLEN];
	size_t k;
	uint64_t s0 = seed;
	uint64_t salt = splitmix64(&s0);

	*trainp = *testp = NULL;
	tr = rec_data_new(d->agg, &d->lim);
	te = rec_data_new(d->agg, &d->lim);
	if (tr == NULL || te == NULL)
		goto fail;
	/* Values are already aggregated: keep them as they are. */
	tr->agg = te->agg = REC_AGG_MAX;
	for (k = 0; k < d->n; k++) {
		const struct rec_rating *r = &d->r[k];
		size_t ul, il;
		const char *uk = strmap_key(d->users, r->u, &ul);
		const char *ik = strmap_key(d->items, r->i, &il);
		uint64_t h = salt ^ strmap_hash(uk, ul) ^
		    (strmap_hash(ik, il) * 0x9e3779b97f4a7c15ULL);
		double x = (double)(splitmix64(&h) >> 11) * 0x1.0p-53;
		struct rec_data *to = x < frac ? te : tr;

		if (rec_data_add(to, uk, ul, d->first[r->u], d->last[r->u],
		    ik, il, r->r, err, sizeof(err)) == -1)
			goto fail;
	}
	tr->agg = te->agg = d->agg;
	tr->records = tr->n;
	te->records = te->n;
	if (rec_data_sort(tr) == -1 || rec_data_sort(te) == -1)
		goto fail;
	*trainp = tr;
	*testp = te;
	return 0;
fail:
	rec_data_free(tr);
	rec_data_free(te);
	errno = ENOMEM;
	return -1;
}

int
rec_csr_build(const struct rec_data *d, struct rec_csr *bu, struct rec_csr *bi)
{
	uint32_t nu = (uint32_t)strmap_count(d->users);
	uint32_t ni = (uint32_t)strmap_count(d->items);
	uint64_t *fill = NULL;
	size_t k;

	memset(bu, 0, sizeof(*bu));
	memset(bi, 0, sizeof(*bi));
	bu->nrows = nu;
	bi->nrows = ni;
	bu->ptr = calloc((size_t)nu + 1, sizeof(*bu->ptr));
	bi->ptr = calloc((size_t)ni + 1, sizeof(*bi->ptr));
	bu->idx = malloc((d->n + 1) * sizeof(*bu->idx));
	bi->idx = malloc((d->n + 1) * sizeof(*bi->idx));
	bu->val = malloc((d->n + 1) * sizeof(*bu->val));
	bi->val = malloc((d->n + 1) * sizeof(*bi->val));
	fill = calloc((size_t)ni + 1, sizeof(*fill));
	if (bu->ptr == NULL || bi->ptr == NULL || bu->idx == NULL ||
	    bi->idx == NULL || bu->val == NULL || bi->val == NULL ||
	    fill == NULL)
		goto fail;
	/* d->r is sorted by (u, i): the rows come out in order, and a
	 * counting sort by item keeps users ascending within each item. */
	for (k = 0; k < d->n; k++) {
		bu->ptr[d->r[k].u + 1]++;
		bi->ptr[d->r[k].i + 1]++;
	}
	for (k = 0; k < nu; k++)
		bu->ptr[k + 1] += bu->ptr[k];
	for (k = 0; k < ni; k++)
		bi->ptr[k + 1] += bi->ptr[k];
	for (k = 0; k < d->n; k++) {
		const struct rec_rating *r = &d->r[k];
		uint64_t p = bi->ptr[r->i] + fill[r->i]++;
		bu->idx[k] = r->i;
		bu->val[k] = r->r;
		bi->idx[p] = r->u;
		bi->val[p] = r->r;
	}
	free(fill);
	return 0;
fail:
	free(fill);
	rec_csr_free(bu);
	rec_csr_free(bi);
	errno = ENOMEM;
	return -1;
}

void
rec_csr_free(struct rec_csr *c)
{
	if (c == NULL)
		return;
	free(c->ptr);
	free(c->idx);
	free(c->val);
	memset(c, 0, sizeof(*c));
}
