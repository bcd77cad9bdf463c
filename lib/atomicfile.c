#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
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

int
atomic_open(struct atomic_file *af, const char *path)
{
	size_t n = strlen(path);
	int fd;

	memset(af, 0, sizeof(*af));
	af->path = strdup(path);
	af->tmp = malloc(n + sizeof(".tmp.XXXXXX"));
	if (af->path == NULL || af->tmp == NULL)
		goto fail;
	memcpy(af->tmp, path, n);
	memcpy(af->tmp + n, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	if ((fd = mkstemp(af->tmp)) == -1)
		goto fail;
	/* mkstemp makes 0600; snapshots are for other readers too. */
	(void)fchmod(fd, 0644);
	if ((af->fp = fdopen(fd, "w")) == NULL) {
		int saved = errno;
		close(fd);
		unlink(af->tmp);
		errno = saved;
		goto fail;
	}
	return 0;
fail:
	{
		int saved = errno;
		free(af->path);
		free(af->tmp);
		memset(af, 0, sizeof(*af));
		errno = saved;
	}
	return -1;
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
atomic_write(const char *path, const void *buf, size_t len)
{
	struct atomic_file af;

	if (atomic_open(&af, path) == -1)
		return -1;
	if (len > 0 && fwrite(buf, 1, len, af.fp) != len) {
		int saved = errno ? errno : EIO;
		atomic_abort(&af);
		errno = saved;
		return -1;
	}
	return atomic_commit(&af);
}
