/* Rows held in memory for --shuffle, --sort and --reorder. */
#include "hold.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int
hold_add(struct hold *h, const char *p, size_t len, double ev)
{
	if (h->len + len > h->cap) {
		size_t ncap = h->cap ? h->cap : 65536;
		char *n;
		while (ncap < h->len + len)
			ncap *= 2;
		if ((n = realloc(h->buf, ncap)) == NULL)
			return -1;
		h->buf = n;
		h->cap = ncap;
	}
	if (h->n == h->vcap) {
		size_t ncap = h->vcap ? h->vcap * 2 : 4096;
		struct hold_rec *n = realloc(h->v, ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		h->v = n;
		h->vcap = ncap;
	}
	if (len > 0)
		memcpy(h->buf + h->len, p, len);
	h->v[h->n].off = h->len;
	h->v[h->n].len = len;
	h->v[h->n].p = NULL;
	h->v[h->n].ev = ev;
	h->v[h->n].seq = h->seq++;
	h->n++;
	h->len += len;
	return 0;
}

static int
rec_cmp(const struct hold_rec *a, const struct hold_rec *b)
{
	if (a->ev < b->ev)
		return -1;
	if (a->ev > b->ev)
		return 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
rec_qcmp(const void *a, const void *b)
{
	return rec_cmp(a, b);
}

void
hold_sort(struct hold *h)
{
	double prev = -INFINITY;
	size_t i;

	for (i = 0; i < h->n; i++) {
		if (isnan(h->v[i].ev))
			h->v[i].ev = prev;
		prev = h->v[i].ev;
	}
	/* The arrival number breaks ties: qsort is stable this way. */
	if (h->n > 1)
		qsort(h->v, h->n, sizeof(*h->v), rec_qcmp);
}

void
hold_shuffle(struct hold *h, struct rng *r)
{
	size_t i;

	for (i = h->n; i > 1; i--) {
		size_t j = (size_t)rng_below(r, i);
		struct hold_rec t = h->v[i - 1];
		h->v[i - 1] = h->v[j];
		h->v[j] = t;
	}
}

const char *
hold_row(const struct hold *h, size_t i)
{
	return h->buf + h->v[i].off;
}

void
hold_free(struct hold *h)
{
	free(h->buf);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* ==== the --reorder heap ================================================ */

int
rheap_push(struct rheap *h, const char *p, size_t len, double ev)
{
	struct hold_rec r;
	size_t i;

	if (h->n == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 1024;
		struct hold_rec *n = realloc(h->v, ncap * sizeof(*n));
		if (n == NULL)
			return -1;
		h->v = n;
		h->cap = ncap;
	}
	memset(&r, 0, sizeof(r));
	if ((r.p = malloc(len ? len : 1)) == NULL)
		return -1;
	if (len > 0)
		memcpy(r.p, p, len);
	r.len = len;
	r.ev = ev;
	r.seq = h->seq++;
	/* Sift up. */
	for (i = h->n++; i > 0; i = (i - 1) / 2) {
		size_t up = (i - 1) / 2;
		if (rec_cmp(&h->v[up], &r) <= 0)
			break;
		h->v[i] = h->v[up];
	}
	h->v[i] = r;
	h->bytes += len;
	return 0;
}

const struct hold_rec *
rheap_top(const struct rheap *h)
{
	return h->n > 0 ? &h->v[0] : NULL;
}

int
rheap_pop(struct rheap *h, struct hold_rec *out)
{
	struct hold_rec last;
	size_t i = 0, n;

	if (h->n == 0)
		return -1;
	*out = h->v[0];
	h->bytes -= out->len;
	last = h->v[--h->n];
	n = h->n;
	/* Sift the last element down from the root. */
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		const struct hold_rec *best = &last;
		if (l < n && rec_cmp(&h->v[l], best) < 0) {
			m = l;
			best = &h->v[l];
		}
		if (l + 1 < n && rec_cmp(&h->v[l + 1], best) < 0)
			m = l + 1;
		if (m == i)
			break;
		h->v[i] = h->v[m];
		i = m;
	}
	if (n > 0)
		h->v[i] = last;
	return 0;
}

void
rheap_free(struct rheap *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i].p);
	free(h->v);
	memset(h, 0, sizeof(*h));
}
