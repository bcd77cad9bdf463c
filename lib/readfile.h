#ifndef LI_READFILE_H
#define LI_READFILE_H
/* Bounded input: open a file named by a user without blocking on it, refuse
 * what is not a regular file (a FIFO, a device such as /dev/zero, a
 * directory) unless the caller allows it, and read whole files with a cap.
 * Errors fill errstr with the reason alone ("not a regular file", "larger
 * than 1048576 bytes", or strerror); the caller adds the path. */
#include <stddef.h>

#define LI_IN_FIFO	1	/* a FIFO is allowed too (opened O_NONBLOCK,
				   then switched back to blocking reads) */

/* Open path read-only, close-on-exec, never blocking in open(2).  Returns
 * the descriptor (blocking mode), or -1 with errno set and errstr filled. */
int li_open_input(const char *path, int flags, char *errstr, size_t errlen);

/* A FIFO that li_open_input opened reads as empty (end of file) until a
 * writer opens it.  Wait at most timeout_ms (-1: no limit) for the FIFO
 * behind fd to have data or to have had a writer that closed.  Returns 1
 * when a read will not report a false end, 0 on timeout, -1 with errno set
 * (EINTR when a signal came: the caller checks its stop flag and calls
 * again).  Returns 1 at once for what is not a FIFO. */
int li_fifo_wait(int fd, int timeout_ms);

/* Read the whole regular file path, at most max bytes.  Returns a buffer
 * the caller frees, NUL-terminated (*len excludes the NUL), or NULL with
 * errno set (EFBIG when over max) and errstr filled. */
char *li_read_file(const char *path, size_t max, size_t *len,
    char *errstr, size_t errlen);

#endif
