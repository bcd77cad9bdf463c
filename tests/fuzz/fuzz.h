#ifndef LI_FUZZ_H
#define LI_FUZZ_H
/* Helpers shared by the libFuzzer harnesses in tests/fuzz/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* A memfd holding data, positioned at 0; aborts when it cannot be made
 * (a harness without its input is no test). */
static inline int
fuzz_memfd(const void *data, size_t len)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	size_t off = 0;
	ssize_t n;

	if (fd == -1)
		abort();
	while (off < len) {
		if ((n = write(fd, (const char *)data + off, len - off)) <= 0)
			abort();
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* A socket whose every read(2) returns at most chunk bytes of data (one
 * SOCK_SEQPACKET message each), then end of file: how a pipe or a FIFO
 * delivers a record in pieces.  At most 64 messages are queued, so the
 * writes never block. */
static inline int
fuzz_chunked_fd(const void *data, size_t len, size_t chunk)
{
	size_t off = 0, n;
	int sv[2];

	if (chunk < len / 64 + 1)
		chunk = len / 64 + 1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	while (off < len) {
		n = len - off < chunk ? len - off : chunk;
		if (write(sv[1], (const char *)data + off, n) != (ssize_t)n)
			abort();
		off += n;
	}
	close(sv[1]);
	return sv[0];
}

/* The /proc path naming fd, for code that opens a path. */
static inline void
fuzz_fdpath(int fd, char *buf, size_t cap)
{
	snprintf(buf, cap, "/proc/self/fd/%d", fd);
}

/* data as a NUL-terminated string (malloc'd). */
static inline char *
fuzz_str(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, len);
	s[len] = '\0';
	return s;
}

#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: assertion failed: %s\n",	\
		    __FILE__, __LINE__, #c);				\
		abort();						\
	}								\
} while (0)

#endif
