#include "strmap.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	uint64_t hash;
	size_t off;		/* into keys */
	size_t len;
};

struct strmap {
	long *slots;		/* id or -1; power-of-two size */
	size_t nslots;
	struct entry *ent;
	size_t nent, capent;
	char *keys;		/* NUL-separated key bytes */
	size_t klen, kcap;
};

uint64_t
strmap_hash(const char *key, size_t len)
{
	const unsigned char *p = (const unsigned char *)key;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
	uint64_t w = 0;

	while (len > 8) {
		memcpy(&w, p, 8);
		h = (h ^ (w * 0xc4ceb9fe1a85ec53ULL)) * 0x100000001b3ULL;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	/* The last 1 to 8 bytes in one word, from two overlapping loads
	 * (the length is mixed in already, so no byte is lost). */
	if (len >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, p + len - 4, 4);
		w = (uint64_t)hi << 32 | lo;
	} else if (len > 0)
		w = (uint64_t)p[0] << 16 | (uint64_t)p[len / 2] << 8 | p[len - 1];
	else
		w = 0;
	h = (h ^ (w * 0xc4ceb9fe1a85ec53ULL)) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

struct strmap *
strmap_new(void)
{
	struct strmap *m = calloc(1, sizeof(*m));
	size_t i;

	if (m == NULL)
		return NULL;
	m->nslots = 16;
	m->slots = malloc(m->nslots * sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return NULL;
	}
	for (i = 0; i < m->nslots; i++)
		m->slots[i] = -1;
	return m;
}

void
strmap_free(struct strmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m->ent);
	free(m->keys);
	free(m);
}

/* Equality of two byte strings of length len, inline for short keys
 * (the common case: names, codes), memcmp for the rest. */
static inline int
key_eq(const char *a, const char *b, size_t len)
{
	uint64_t x, y, x2, y2;

	if (len > 16)
		return memcmp(a, b, len) == 0;
	if (len >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&x2, a + len - 8, 8);
		memcpy(&y2, b + len - 8, 8);
		return ((x ^ y) | (x2 ^ y2)) == 0;
	}
	while (len-- > 0)
		if (*a++ != *b++)
			return 0;
	return 1;
}

static long
lookup(const struct strmap *m, const char *key, size_t len, uint64_t h,
    size_t *slot)
{
	size_t mask = m->nslots - 1, i = (size_t)h & mask;

	for (;;) {
		long id = m->slots[i];
		if (id < 0) {
			*slot = i;
			return -1;
		}
		if (m->ent[id].hash == h && m->ent[id].len == len &&
		    key_eq(m->keys + m->ent[id].off, key, len)) {
			*slot = i;
			return id;
		}
		i = (i + 1) & mask;
	}
}

static int
grow(struct strmap *m)
{
	size_t n = m->nslots * 2, i;
	long *s = malloc(n * sizeof(*s));

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		s[i] = -1;
	for (i = 0; i < m->nent; i++) {
		size_t j = (size_t)m->ent[i].hash & (n - 1);
		while (s[j] >= 0)
			j = (j + 1) & (n - 1);
		s[j] = (long)i;
	}
	free(m->slots);
	m->slots = s;
	m->nslots = n;
	return 0;
}

long
strmap_find(const struct strmap *m, const char *key, size_t len)
{
	size_t slot;

	return lookup(m, key, len, strmap_hash(key, len), &slot);
}

long
strmap_intern(struct strmap *m, const char *key, size_t len, int *inserted)
{
	uint64_t h = strmap_hash(key, len);
	size_t slot;
	long id = lookup(m, key, len, h, &slot);

	if (inserted != NULL)
		*inserted = 0;
	if (id >= 0)
		return id;
	if ((m->nent + 1) * 4 > m->nslots * 3) {
		if (grow(m) == -1)
			return -1;
		(void)lookup(m, key, len, h, &slot);
	}
	if (m->nent == m->capent) {
		size_t nc = m->capent ? m->capent * 2 : 16;
		struct entry *ne = realloc(m->ent, nc * sizeof(*ne));
		if (ne == NULL)
			return -1;
		m->ent = ne;
		m->capent = nc;
	}
	if (m->klen + len + 1 > m->kcap) {
		size_t nc = m->kcap ? m->kcap : 256;
		char *nk;
		while (nc < m->klen + len + 1)
			nc *= 2;
		if ((nk = realloc(m->keys, nc)) == NULL)
			return -1;
		m->keys = nk;
		m->kcap = nc;
	}
	memcpy(m->keys + m->klen, key, len);
	m->keys[m->klen + len] = '\0';
	m->ent[m->nent].hash = h;
	m->ent[m->nent].off = m->klen;
	m->ent[m->nent].len = len;
	m->klen += len + 1;
	id = (long)m->nent++;
	m->slots[slot] = id;
	if (inserted != NULL)
		*inserted = 1;
	return id;
}

const char *
strmap_key(const struct strmap *m, long id, size_t *len)
{
	if (id < 0 || (size_t)id >= m->nent)
		return NULL;
	if (len != NULL)
		*len = m->ent[id].len;
	return m->keys + m->ent[id].off;
}

size_t
strmap_count(const struct strmap *m)
{
	return m->nent;
}
