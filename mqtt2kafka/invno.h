#ifndef M2K_INVNO_H
#define M2K_INVNO_H
/* InvoiceNo allocation that stays monotonic across restarts and crashes.
 * The state file holds the end of the block of numbers reserved so far; a
 * new block is reserved (the file replaced atomically, fsynced) before any
 * number in it is handed out, so after a crash numbers resume past the
 * last reserved block: gaps are possible, reuse is not.  The bridge
 * reserves the next block while half of the current one is left, so that
 * a failing disk is found while numbers remain. */
#include <stddef.h>
#include <stdint.h>

struct invno {
	char *path;
	int64_t next;		/* next number to hand out */
	int64_t limit;		/* first number not reserved */
	int64_t block;
};

/* Read the state file at path (absent: numbering starts at 1).  Returns 0,
 * or -1 with a reason in err (unreadable, not a number). */
int invno_open(struct invno *n, const char *path, int64_t block, char *err,
    size_t errlen);

/* Reserve one more block now.  Returns 0, or -1 with errno set. */
int invno_reserve(struct invno *n);

/* Whether less than half a block is left reserved. */
int invno_low(const struct invno *n);

/* The next number, reserving a block first when none is left; -1 with
 * errno set when that fails. */
int64_t invno_next(struct invno *n);

void invno_close(struct invno *n);

#endif
