#ifndef LI_ATOMICFILE_H
#define LI_ATOMICFILE_H
/* Replace a file atomically: write a temp file beside the target, fflush,
 * fsync, fclose, rename over the target, fsync the directory.  A reader of
 * the target sees either the old file or the new one, never half of one. */
#include <stdio.h>
#include <stddef.h>

struct atomic_file {
	FILE *fp;		/* write the new contents here */
	char *path;		/* target (owned) */
	char *tmp;		/* temp file path (owned) */
	int nosync;		/* skip fsync (tests, tmpfs) */
};

/* Open a temp file for path.  Returns 0, or -1 with errno set. */
int atomic_open(struct atomic_file *af, const char *path);

/* Flush, fsync and rename the temp file over the target; frees af.
 * Returns 0, or -1 with errno set (the temp file is then removed). */
int atomic_commit(struct atomic_file *af);

/* Drop the temp file and free af.  Safe on an unopened (zeroed) af. */
void atomic_abort(struct atomic_file *af);

/* Write buf as the whole new contents of path.  Returns 0 or -1. */
int atomic_write(const char *path, const void *buf, size_t len);

/* fsync the directory that holds path.  Returns 0 or -1. */
int fsync_dir_of(const char *path);

#endif
