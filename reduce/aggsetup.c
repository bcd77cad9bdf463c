/* The aggregate engine: setup (the engine of a spec, binding a header)
 * and the checksum.  Rows are in agg.c, snapshots and checkpoints in
 * state.c. */
#include "agg_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
	for (i = 0; i < KS_NKINDS; i++)
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
				long id = agg_intern(a, wc->si, v, strlen(v));
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
				if (sm->as_int)
					a->val[m->vi].whole = 1;
				break;
			case SF_MINTIME: case SF_MAXTIME:
				a->uses_time = 1;
				break;
			case SF_POP:
				m->vi = find_val(a, sm->col);
				m->pop_sel = sm->pop_sel;
				a->pop_time = 1;
				break;
			case SF_IDLE:
				a->pop_time = 1;
				break;
			case SF_DISTINCT:
				if ((m->si = find_src(a, sm->col)) < 0)
					goto fail;
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

static int bind(struct agg *a, const struct csvio_record *hdr,
    const char *tscol, char *err, size_t errlen);

int
agg_bind(struct agg *a, const struct csvio_record *hdr, const char *tscol,
    char *err, size_t errlen)
{
	struct csvio_field *names;
	struct csvio_record h = *hdr;
	size_t i;
	int rc;

	if ((names = calloc(hdr->nf ? hdr->nf : 1, sizeof(*names))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < hdr->nf; i++) {
		names[i] = hdr->f[i];
		csvio_field_trim(hdr, &names[i]);
	}
	h.f = names;
	rc = bind(a, &h, tscol, err, errlen);
	free(names);
	return rc;
}

static int
bind(struct agg *a, const struct csvio_record *hdr, const char *tscol,
    char *err, size_t errlen)
{
	size_t i;
	int k;

	a->hdr_nf = hdr->nf;
	a->maxcol = -1;
	a->need_time = a->uses_time;
	for (k = 0; k < KS_NKINDS; k++)
		a->derived_srcs[k] = -1;
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
		for (k = KS_DATE; k < KS_NKINDS; k++)
			if (strcmp(s->name, kind_names[k]) == 0)
				break;
		if (k == KS_NKINDS) {
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
