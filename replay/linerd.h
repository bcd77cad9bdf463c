#ifndef REPLAY_LINERD_H
#define REPLAY_LINERD_H
/* A bounded line reader over a file descriptor, for --lines: every line is
 * at most max bytes; a longer one is skipped and reported. */
#include <stddef.h>
#include <stdint.h>

struct linerd;

/* NULL on ENOMEM.  fd is not closed by the reader. */
struct linerd *linerd_new(int fd, size_t max);
void linerd_free(struct linerd *r);

enum {
	LINERD_EOF = 0,
	LINERD_LINE = 1,
	LINERD_TOOLONG = -1,	/* skipped up to its line break */
	LINERD_EIO = -2,	/* read(2) failed, errno set (EINTR: call
				   again; also returned between the buffers
				   of an over-long line that is skipped) */
};

/* The next line without its LF (or CRLF), in *p (valid until the next
 * call) and *len; *line is its 1-based line number.  Returns LINERD_*. */
int linerd_next(struct linerd *r, const char **p, size_t *len,
    uint64_t *line);

#endif
