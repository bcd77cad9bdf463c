#include "readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
seterr(char *errstr, size_t errlen, const char *msg)
{
	if (errstr != NULL && errlen > 0)
		snprintf(errstr, errlen, "%s", msg);
}

int
li_open_input(const char *path, int flags, char *errstr, size_t errlen)
{
	struct stat st;
	int fd, fl, saved;

	/* O_NONBLOCK: opening a FIFO with no writer must not hang. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) == -1) {
		seterr(errstr, errlen, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		saved = errno;
		seterr(errstr, errlen, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !((flags & LI_IN_FIFO) && S_ISFIFO(st.st_mode))) {
		saved = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		seterr(errstr, errlen, S_ISDIR(st.st_mode) ? "is a directory" :
		    (flags & LI_IN_FIFO) ? "not a regular file or a FIFO" :
		    "not a regular file");
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		saved = errno;
		seterr(errstr, errlen, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	errno = saved;
	return -1;
}

int
li_fifo_wait(int fd, int timeout_ms)
{
	struct pollfd pfd;
	struct stat st;
	int n;

	if (fstat(fd, &st) == -1)
		return -1;
	if (!S_ISFIFO(st.st_mode))
		return 1;
	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	/* Linux reports neither POLLIN nor POLLHUP on a FIFO no writer has
	 * opened yet; POLLHUP comes once one has opened and closed it. */
	if ((n = poll(&pfd, 1, timeout_ms)) == -1)
		return -1;
	return n > 0 ? 1 : 0;
}

char *
li_read_file(const char *path, size_t max, size_t *len, char *errstr,
    size_t errlen)
{
	char *buf = NULL, *nbuf, msg[64];
	size_t cap = 0, n = 0;
	ssize_t r;
	int fd, saved;

	if ((fd = li_open_input(path, 0, errstr, errlen)) == -1)
		return NULL;
	for (;;) {
		if (n == cap) {
			/* Read one byte past max to tell "exactly max" from "more". */
			size_t ncap = cap ? cap * 2 : 4096;
			if (ncap > max + 1)
				ncap = max + 1;
			if (ncap <= cap) {
				saved = EFBIG;
				snprintf(msg, sizeof(msg), "larger than %zu bytes", max);
				seterr(errstr, errlen, msg);
				goto fail;
			}
			if ((nbuf = realloc(buf, ncap + 1)) == NULL) {
				saved = errno;
				seterr(errstr, errlen, strerror(errno));
				goto fail;
			}
			buf = nbuf;
			cap = ncap;
		}
		r = read(fd, buf + n, cap - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			saved = errno;
			seterr(errstr, errlen, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			saved = EFBIG;
			snprintf(msg, sizeof(msg), "larger than %zu bytes", max);
			seterr(errstr, errlen, msg);
			goto fail;
		}
	}
	close(fd);
	if (buf == NULL && (buf = malloc(1)) == NULL)
		return NULL;
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
fail:
	close(fd);
	free(buf);
	errno = saved;
	return NULL;
}
