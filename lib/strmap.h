#ifndef LI_STRMAP_H
#define LI_STRMAP_H
/* A string interner: maps byte strings to dense ids 0, 1, 2, ... in order
 * of first insertion.  Callers keep their per-key data in arrays indexed by
 * id, which stay valid as the map grows.  Keys are copied into the map. */
#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap *strmap_new(void);
void strmap_free(struct strmap *m);

/* The id of key, inserting it when absent (*inserted set to 1 then, when
 * inserted is not NULL).  Returns -1 on ENOMEM. */
long strmap_intern(struct strmap *m, const char *key, size_t len,
    int *inserted);

/* The id of key, or -1 when absent. */
long strmap_find(const struct strmap *m, const char *key, size_t len);

/* The key of id (NUL-terminated; borrowed), and its length in *len. */
const char *strmap_key(const struct strmap *m, long id, size_t *len);

size_t strmap_count(const struct strmap *m);

/* A fast 64-bit hash of a byte string. */
uint64_t strmap_hash(const char *key, size_t len);

#endif
