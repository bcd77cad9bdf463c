/* A bounded line reader for --lines. */
#include "linerd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct linerd {
	int fd;
	int eof;
	int skipping;		/* inside an over-long line */
	size_t max;
	char *buf;
	size_t cap, start, end;
	uint64_t line;		/* number of the next line */
};

struct linerd *
linerd_new(int fd, size_t max)
{
	struct linerd *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->fd = fd;
	r->max = max;
	r->cap = max + 65536;
	r->line = 1;
	if ((r->buf = malloc(r->cap)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
linerd_free(struct linerd *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

int
linerd_next(struct linerd *r, const char **p, size_t *len, uint64_t *line)
{
	for (;;) {
		char *s = r->buf + r->start;
		size_t avail = r->end - r->start;
		char *nl = avail ? memchr(s, '\n', avail) : NULL;
		ssize_t got;

		if (nl != NULL || (r->eof && avail > 0)) {
			size_t l = nl ? (size_t)(nl - s) : avail;
			int skipped = r->skipping;

			r->start += nl ? l + 1 : l;
			*line = r->line++;
			r->skipping = 0;
			if (skipped || l > r->max)
				return LINERD_TOOLONG;
			if (l > 0 && s[l - 1] == '\r')
				l--;
			*p = s;
			*len = l;
			return LINERD_LINE;
		}
		if (r->eof && r->skipping) {
			r->skipping = 0;
			*line = r->line++;
			return LINERD_TOOLONG;
		}
		if (r->eof)
			return LINERD_EOF;
		if (avail > r->max) {
			/* Over-long: drop what we have, keep looking for
			 * its end.  From the second buffer on, hand control
			 * back between buffers (EINTR: call again), so that
			 * an endless line never hides a stop signal. */
			int again = r->skipping;
			r->skipping = 1;
			r->start = r->end = 0;
			avail = 0;
			if (again) {
				errno = EINTR;
				return LINERD_EIO;
			}
		}
		if (r->start > 0) {
			memmove(r->buf, s, avail);
			r->start = 0;
			r->end = avail;
		}
		got = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0)
			return LINERD_EIO;
		if (got == 0)
			r->eof = 1;
		else
			r->end += (size_t)got;
	}
}
