#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
fsync_dir_of(const char *path)
{
	char *copy, *dir;
	int fd, rc = 0, saved;

	if ((copy = strdup(path)) == NULL)
		return -1;
	dir = dirname(copy);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd == -1) {
		saved = errno;
		free(copy);
		errno = saved;
		return -1;
	}
	/* Some file systems refuse fsync on a directory; that is not an error. */
	if (fsync(fd) == -1 && errno != EINVAL && errno != EROFS)
		rc = -1;
	saved = errno;
	close(fd);
	free(copy);
	errno = saved;
	return rc;
}

/* Fill the last 6 characters of tmpl (XXXXXX) with letters and digits. */
static void
tmp_name(char *tmpl)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned long long counter;
	struct timespec ts;
	unsigned long long x;
	char *p = tmpl + strlen(tmpl) - 6;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = ((unsigned long long)ts.tv_nsec << 20) ^
	    (unsigned long long)ts.tv_sec ^
	    ((unsigned long long)getpid() << 40) ^
	    (++counter * 0x9E3779B97F4A7C15ull);
	/* splitmix64's finaliser: every input bit moves every output bit. */
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	for (i = 0; i < 6; i++) {
		p[i] = set[x % (sizeof(set) - 1)];
		x /= sizeof(set) - 1;
	}
}

int
atomic_open_mode(struct atomic_file *af, const char *path, mode_t mode)
{
	size_t n = strlen(path);
	struct stat st;
	int fd = -1, tries, saved;

	memset(af, 0, sizeof(*af));
	mode &= 0777;
	af->path = strdup(path);
	af->tmp = malloc(n + sizeof(".tmp.XXXXXX"));
	if (af->path == NULL || af->tmp == NULL)
		goto fail;
	/* Not mkstemp: it makes 0600 whatever the umask.  open(2) with
	 * O_EXCL is as safe, and the kernel applies the umask to mode. */
	for (tries = 0; tries < 100; tries++) {
		memcpy(af->tmp, path, n);
		memcpy(af->tmp + n, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
		tmp_name(af->tmp);
		fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOCTTY, mode);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd == -1)
		goto fail;
	/* Replacing a file: keep its permissions, as an editor does, but
	 * never more than mode allows.  A file system without Unix
	 * permissions (EPERM, ENOTSUP) leaves the mode it gives. */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    fchmod(fd, st.st_mode & mode) == -1 && errno != EPERM &&
	    errno != ENOTSUP)
		goto fail_fd;
	if ((af->fp = fdopen(fd, "w")) == NULL)
		goto fail_fd;
	return 0;
fail_fd:
	saved = errno;
	close(fd);
	unlink(af->tmp);
	errno = saved;
fail:
	saved = errno;
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
	errno = saved;
	return -1;
}

int
atomic_open(struct atomic_file *af, const char *path)
{
	return atomic_open_mode(af, path, ATOMIC_MODE);
}

void
atomic_abort(struct atomic_file *af)
{
	if (af->fp != NULL)
		fclose(af->fp);
	if (af->tmp != NULL)
		unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
}

int
atomic_commit(struct atomic_file *af)
{
	int saved;

	if (fflush(af->fp) == EOF || ferror(af->fp))
		goto fail;
	if (!af->nosync && fsync(fileno(af->fp)) == -1)
		goto fail;
	if (fclose(af->fp) == EOF) {
		af->fp = NULL;
		goto fail;
	}
	af->fp = NULL;
	if (rename(af->tmp, af->path) == -1)
		goto fail;
	if (!af->nosync && fsync_dir_of(af->path) == -1)
		goto fail_renamed;
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
	return 0;
fail_renamed:
	saved = errno;
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof(*af));
	errno = saved;
	return -1;
fail:
	saved = errno ? errno : EIO;
	atomic_abort(af);
	errno = saved;
	return -1;
}

int
atomic_write_mode(const char *path, const void *buf, size_t len, mode_t mode)
{
	struct atomic_file af;

	if (atomic_open_mode(&af, path, mode) == -1)
		return -1;
	if (len > 0 && fwrite(buf, 1, len, af.fp) != len) {
		int saved = errno ? errno : EIO;
		atomic_abort(&af);
		errno = saved;
		return -1;
	}
	return atomic_commit(&af);
}

int
atomic_write(const char *path, const void *buf, size_t len)
{
	return atomic_write_mode(path, buf, len, ATOMIC_MODE);
}
