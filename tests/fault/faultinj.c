/*
 * Fault injection for the tools' write paths, linked into the copies of the
 * tools in $(B)/fault/ with -Wl,--wrap (see tests/fault/fault.mk).  Every
 * call our code makes to open, write, fsync, rename or close a file goes
 * through a wrapper here; the Nth call that matches the environment fails
 * with the chosen errno instead of reaching libc.  Calls that libc makes
 * internally are not seen, but every stdio call our code makes is, so a
 * snapshot written with fprintf fails just as one written with write(2).
 *
 * Environment (all optional; with none set the wrappers only pass through):
 *   LI_FAULT_OPS    comma list of open,write,fsync,rename,close (default all);
 *                   write covers ftruncate and fallocate too
 *   LI_FAULT_PATH   only files whose path contains this string count
 *                   (default: every file but stdin, stdout and stderr;
 *                   "<stdout>" names standard output)
 *   LI_FAULT_N      fail the Nth matching call (1-based; 0: never)
 *   LI_FAULT_ERRNO  ENOSPC, EIO (default), EACCES, EROFS, EDQUOT or EFBIG
 *   LI_FAULT_STICKY 1: every matching call after the Nth fails too, as on
 *                   a disk that stays full
 *   LI_FAULT_CRASH  1: the Nth matching call does not return: the process
 *                   ends at once with _exit(137), as under kill -9 (no
 *                   stdio buffer flushed, no atexit), to check that what
 *                   was acknowledged before it is on disk
 *   LI_FAULT_REPORT a file: each injection appends "inject OP PATH", and
 *                   a normal exit appends "calls-OP N" for each op, then
 *                   "calls N", the number of matching calls the run made
 *                   (how far a sweep over N must go)
 *
 * tests/fault/lib.sh drives a sweep over N; docs/fuzzing.md ("Fault
 * injection") says what the sweeps check.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

enum { OP_OPEN = 1, OP_WRITE = 2, OP_FSYNC = 4, OP_RENAME = 8, OP_CLOSE = 16 };

#define MAXFD 4096
#define MAXPOISON 64

static pthread_mutex_t fi_lock = PTHREAD_MUTEX_INITIALIZER;
static int fi_ready, fi_ops = 0x1f, fi_errno = EIO, fi_sticky, fi_crash;
static long fi_n, fi_calls, fi_opcalls[5];
static const char *fi_path, *fi_report;
static char *fdpath[MAXFD];
static FILE *poisoned[MAXPOISON];

/* The real functions, which --wrap names __real_*. */
int __real_open(const char *, int, ...);
int __real_openat(int, const char *, int, ...);
FILE *__real_fopen(const char *, const char *);
FILE *__real_fdopen(int, const char *);
int __real_mkstemp(char *);
ssize_t __real_write(int, const void *, size_t);
ssize_t __real_writev(int, const struct iovec *, int);
size_t __real_fwrite(const void *, size_t, size_t, FILE *);
int __real_fputs(const char *, FILE *);
int __real_fputc(int, FILE *);
int __real_putc(int, FILE *);
int __real_puts(const char *);
int __real_putchar(int);
int __real_vfprintf(FILE *, const char *, va_list);
int __real_fflush(FILE *);
int __real_ferror(FILE *);
int __real_fsync(int);
int __real_fdatasync(int);
int __real_ftruncate(int, off_t);
int __real_fallocate(int, int, off_t, off_t);
int __real_rename(const char *, const char *);
int __real_close(int);
int __real_fclose(FILE *);

/* Append one line to the report file, through the real calls only. */
static void
report(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int fd, n, saved = errno;

	if (fi_report == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	fd = __real_open(fi_report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!__real_write(fd, line, (size_t)n);
		__real_close(fd);
	}
	errno = saved;
}

static const char *opname(int op);

static void
fi_exit_report(void)
{
	for (int i = 0; i < 5; i++)
		report("calls-%s %ld\n", opname(1 << i), fi_opcalls[i]);
	report("calls %ld\n", fi_calls);
}

static int
errno_named(const char *s)
{
	static const struct { const char *name; int e; } tab[] = {
		{ "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EACCES", EACCES },
		{ "EROFS", EROFS }, { "EDQUOT", EDQUOT }, { "EFBIG", EFBIG },
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(s, tab[i].name) == 0)
			return tab[i].e;
	return EIO;
}

static void
fi_init(void)
{
	const char *s;

	if (fi_ready)
		return;
	fi_ready = 1;
	if ((s = getenv("LI_FAULT_OPS")) != NULL && *s != '\0' &&
	    strcmp(s, "all") != 0) {
		fi_ops = 0;
		if (strstr(s, "open")) fi_ops |= OP_OPEN;
		if (strstr(s, "write")) fi_ops |= OP_WRITE;
		if (strstr(s, "fsync")) fi_ops |= OP_FSYNC;
		if (strstr(s, "rename")) fi_ops |= OP_RENAME;
		if (strstr(s, "close")) fi_ops |= OP_CLOSE;
	}
	if ((s = getenv("LI_FAULT_N")) != NULL)
		fi_n = strtol(s, NULL, 10);
	if ((s = getenv("LI_FAULT_ERRNO")) != NULL)
		fi_errno = errno_named(s);
	if ((s = getenv("LI_FAULT_STICKY")) != NULL)
		fi_sticky = *s == '1';
	if ((s = getenv("LI_FAULT_CRASH")) != NULL)
		fi_crash = *s == '1';
	if ((s = getenv("LI_FAULT_PATH")) != NULL && *s != '\0')
		fi_path = s;
	if ((s = getenv("LI_FAULT_REPORT")) != NULL && *s != '\0') {
		fi_report = s;
		atexit(fi_exit_report);
	}
}

static const char *
opname(int op)
{
	switch (op) {
	case OP_OPEN: return "open";
	case OP_WRITE: return "write";
	case OP_FSYNC: return "fsync";
	case OP_RENAME: return "rename";
	default: return "close";
	}
}

static int
path_matches(const char *path)
{
	if (path == NULL)
		return 0;
	if (fi_path == NULL)
		return path[0] != '<';	/* not <stdin>, <stdout>, <stderr> */
	return strstr(path, fi_path) != NULL;
}

/* Decide whether this call fails.  Returns the errno to fail with, or 0. */
static int
fi_decide(int op, const char *path)
{
	int e = 0;

	pthread_mutex_lock(&fi_lock);
	fi_init();
	if ((fi_ops & op) && path_matches(path)) {
		fi_calls++;
		for (int i = 0; i < 5; i++)
			if (op == 1 << i)
				fi_opcalls[i]++;
		if (fi_n > 0 && (fi_calls == fi_n || (fi_sticky && fi_calls > fi_n)))
			e = fi_errno;
	}
	pthread_mutex_unlock(&fi_lock);
	if (e != 0)
		report("inject %s %s\n", opname(op), path);
	if (e != 0 && fi_crash)
		_exit(137);
	return e;
}

static const char *
path_of_fd(int fd)
{
	if (fd == 0) return "<stdin>";
	if (fd == 1) return "<stdout>";
	if (fd == 2) return "<stderr>";
	if (fd < 0 || fd >= MAXFD)
		return NULL;
	return fdpath[fd];
}

static void
remember(int fd, const char *path)
{
	if (fd < 3 || fd >= MAXFD)
		return;
	pthread_mutex_lock(&fi_lock);
	free(fdpath[fd]);
	fdpath[fd] = path ? strdup(path) : NULL;
	pthread_mutex_unlock(&fi_lock);
}

static const char *
path_of_file(FILE *f)
{
	int fd = f ? fileno(f) : -1;

	return fd >= 0 ? path_of_fd(fd) : NULL;
}

static int
is_poisoned(FILE *f)
{
	int hit = 0;

	pthread_mutex_lock(&fi_lock);
	for (int i = 0; i < MAXPOISON; i++)
		if (poisoned[i] == f)
			hit = 1;
	pthread_mutex_unlock(&fi_lock);
	return hit;
}

static void
set_poison(FILE *f, int on)
{
	pthread_mutex_lock(&fi_lock);
	for (int i = 0; i < MAXPOISON; i++) {
		if (on && poisoned[i] == NULL) {
			poisoned[i] = f;
			break;
		}
		if (!on && poisoned[i] == f)
			poisoned[i] = NULL;
	}
	pthread_mutex_unlock(&fi_lock);
}

/* A failed stdio write leaves the stream in error, as a real one does. */
static int
file_fails(FILE *f)
{
	int e;

	if (is_poisoned(f)) {
		errno = fi_errno;
		return 1;
	}
	if ((e = fi_decide(OP_WRITE, path_of_file(f))) != 0) {
		set_poison(f, 1);
		errno = e;
		return 1;
	}
	return 0;
}

/* ---- open ---------------------------------------------------------------- */

int
__wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int e, fd;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if ((e = fi_decide(OP_OPEN, path)) != 0) {
		errno = e;
		return -1;
	}
	fd = __real_open(path, flags, mode);
	remember(fd, path);
	return fd;
}

int
__wrap_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int e, fd;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if ((e = fi_decide(OP_OPEN, path)) != 0) {
		errno = e;
		return -1;
	}
	fd = __real_openat(dirfd, path, flags, mode);
	remember(fd, path);
	return fd;
}

FILE *
__wrap_fopen(const char *path, const char *mode)
{
	FILE *f;
	int e;

	if ((e = fi_decide(OP_OPEN, path)) != 0) {
		errno = e;
		return NULL;
	}
	if ((f = __real_fopen(path, mode)) != NULL)
		remember(fileno(f), path);
	return f;
}

FILE *
__wrap_fdopen(int fd, const char *mode)
{
	FILE *f = __real_fdopen(fd, mode);

	if (f != NULL)
		set_poison(f, 0);	/* a recycled FILE * starts clean */
	return f;
}

int
__wrap_mkstemp(char *tmpl)
{
	int e, fd;

	if ((e = fi_decide(OP_OPEN, tmpl)) != 0) {
		errno = e;
		return -1;
	}
	fd = __real_mkstemp(tmpl);
	remember(fd, tmpl);
	return fd;
}

/* ---- write --------------------------------------------------------------- */

ssize_t
__wrap_write(int fd, const void *buf, size_t n)
{
	int e;

	if ((e = fi_decide(OP_WRITE, path_of_fd(fd))) != 0) {
		errno = e;
		return -1;
	}
	return __real_write(fd, buf, n);
}

ssize_t
__wrap_writev(int fd, const struct iovec *iov, int n)
{
	int e;

	if ((e = fi_decide(OP_WRITE, path_of_fd(fd))) != 0) {
		errno = e;
		return -1;
	}
	return __real_writev(fd, iov, n);
}

int
__wrap_ftruncate(int fd, off_t len)
{
	int e;

	if ((e = fi_decide(OP_WRITE, path_of_fd(fd))) != 0) {
		errno = e;
		return -1;
	}
	return __real_ftruncate(fd, len);
}

/* A reservation of space (mqtt2kafka's journal) fails as a write would. */
int
__wrap_fallocate(int fd, int mode, off_t off, off_t len)
{
	int e;

	if ((e = fi_decide(OP_WRITE, path_of_fd(fd))) != 0) {
		errno = e;
		return -1;
	}
	return __real_fallocate(fd, mode, off, len);
}

size_t
__wrap_fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	if (size != 0 && n != 0 && file_fails(f))
		return 0;
	return __real_fwrite(p, size, n, f);
}

int
__wrap_fputs(const char *s, FILE *f)
{
	return file_fails(f) ? EOF : __real_fputs(s, f);
}

int
__wrap_fputc(int c, FILE *f)
{
	return file_fails(f) ? EOF : __real_fputc(c, f);
}

int
__wrap_putc(int c, FILE *f)
{
	return file_fails(f) ? EOF : __real_putc(c, f);
}

int
__wrap_puts(const char *s)
{
	return file_fails(stdout) ? EOF : __real_puts(s);
}

int
__wrap_putchar(int c)
{
	return file_fails(stdout) ? EOF : __real_putchar(c);
}

int
__wrap_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	return file_fails(f) ? -1 : __real_vfprintf(f, fmt, ap);
}

int
__wrap_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (file_fails(f))
		return -1;
	va_start(ap, fmt);
	n = __real_vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (file_fails(stdout))
		return -1;
	va_start(ap, fmt);
	n = __real_vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int
__wrap_fflush(FILE *f)
{
	if (f != NULL && file_fails(f))
		return EOF;
	return __real_fflush(f);
}

int
__wrap_ferror(FILE *f)
{
	return is_poisoned(f) || __real_ferror(f);
}

/* ---- fsync, rename, close ------------------------------------------------ */

int
__wrap_fsync(int fd)
{
	int e;

	if ((e = fi_decide(OP_FSYNC, path_of_fd(fd))) != 0) {
		errno = e;
		return -1;
	}
	return __real_fsync(fd);
}

int
__wrap_fdatasync(int fd)
{
	int e;

	if ((e = fi_decide(OP_FSYNC, path_of_fd(fd))) != 0) {
		errno = e;
		return -1;
	}
	return __real_fdatasync(fd);
}

int
__wrap_rename(const char *from, const char *to)
{
	int e;

	if ((e = fi_decide(OP_RENAME, to)) != 0) {
		errno = e;
		return -1;
	}
	return __real_rename(from, to);
}

int
__wrap_close(int fd)
{
	int e = fi_decide(OP_CLOSE, path_of_fd(fd));

	remember(fd, NULL);
	/* The descriptor is closed either way, as close(2) does on EIO. */
	if (e != 0) {
		__real_close(fd);
		errno = e;
		return -1;
	}
	return __real_close(fd);
}

int
__wrap_fclose(FILE *f)
{
	int fd = fileno(f), bad = is_poisoned(f), e, rc;

	e = fd >= 0 ? fi_decide(OP_CLOSE, path_of_fd(fd)) : 0;
	set_poison(f, 0);
	remember(fd, NULL);
	rc = __real_fclose(f);
	if (bad || e != 0) {
		errno = e ? e : fi_errno;
		return EOF;
	}
	return rc;
}
