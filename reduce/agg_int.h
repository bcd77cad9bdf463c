#ifndef REDUCE_AGG_INT_H
#define REDUCE_AGG_INT_H
/* The aggregate engine's insides, shared by agg.c (setup, rows, groups)
 * and state.c (snapshots, checkpoints).  Not for the rest of reduce. */
#include "agg.h"

#include <stdint.h>

#include "strmap.h"

#define MAXSRC		(SPEC_MAXAGGS * (SPEC_MAXKEYS + SPEC_MAXMEAS))

/* Where a key comes from. */
enum src_kind {
	KS_COL, KS_DATE, KS_HOUR, KS_DOW, KS_SLOT, KS_WEEK, KS_MONTH,
	KS_ISOWEEK, KS_NKINDS,
};

static const char *const kind_names[KS_NKINDS] = { "", "Date", "Hour",
    "DayOfWeek", "TimeSlot", "Week", "Month", "IsoWeek" };

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
	int whole;		/* a ":int" measure reads it: whole numbers only */
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
	uint32_t id[KS_NKINDS];	/* by src_kind, for the date-derived kinds */
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
	int derived_srcs[KS_NKINDS];	/* source index by kind, or -1 */
	int need_time;
	int uses_time;		/* a mintime() or maxtime() measure */
	long tscol;
	char tsname[SPEC_MAXNAME];
	size_t hdr_nf;
	long maxcol;
	int bound;
	uint64_t rows, rejected;
	int64_t last_time;	/* of the last accepted row */
	int64_t max_time;	/* the newest accepted row's (has_last) */
	int64_t cur_time;	/* of the row being added */
	int cur_hour;
	int has_last;
	int overflow;		/* a sum saturated */
	struct tcache tc;
	uint32_t kid[MAXSRC];
	int64_t v[MAXSRC];
	uint32_t spec_crc;
	/* The identities of the runs whose counts the state holds (one for
	 * a plain run, every part's for a merge), saved in checkpoints. */
	char (*ids)[AGG_IDLEN + 1];
	size_t nids, idcap;
};

/* Add id (AGG_IDLEN hex digits) to a's identities.  0, or -1 (ENOMEM). */
int agg_add_id(struct agg *a, const char *id);

/* Intern s as a key of source si; its id, or -1 on ENOMEM. */
long agg_intern(struct agg *a, int si, const char *s, size_t n);
/* The group of key ids in t, made when new; -1 on ENOMEM. */
long agg_group(struct table *t, const uint32_t *ids);
/* Insert x into s: 1 when new, 0 when there, -1 on ENOMEM. */
int agg_set_add(struct u64set *s, uint64_t x);
/* Note a saturated sum; the end of the range on the side of added. */
int64_t agg_saturate(struct agg *a, int64_t added);

#endif
