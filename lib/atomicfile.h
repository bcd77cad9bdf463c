#ifndef LI_ATOMICFILE_H
#define LI_ATOMICFILE_H
/* Replace a file atomically: write a temp file beside the target, fflush,
 * fsync, fclose, rename over the target, fsync the directory.  A reader of
 * the target sees either the old file or the new one, never half of one.
 *
 * Permissions follow the rules of open(2) and of editors: a new file gets
 * mode & ~umask (the kernel applies the umask as it creates the temp file);
 * a file that replaces an existing one keeps that file's permission bits,
 * less any that mode lacks, so a mode such as 0660 for files that hold
 * customer data also takes the bits for others away from a file made
 * before.  Owner and group are the writer's, as for any new file. */
#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

#define ATOMIC_MODE	0666	/* the mode of atomic_open and atomic_write */

struct atomic_file {
	FILE *fp;		/* write the new contents here */
	char *path;		/* target (owned) */
	char *tmp;		/* temp file path (owned) */
	int nosync;		/* skip fsync (tests, tmpfs) */
};

/* Open a temp file for path, with the permissions of the rules above for
 * ATOMIC_MODE.  Returns 0, or -1 with errno set. */
int atomic_open(struct atomic_file *af, const char *path);

/* The same with mode (permission bits, such as 0660) for ATOMIC_MODE. */
int atomic_open_mode(struct atomic_file *af, const char *path, mode_t mode);

/* Flush, fsync and rename the temp file over the target; frees af.
 * Returns 0, or -1 with errno set (the temp file is then removed). */
int atomic_commit(struct atomic_file *af);

/* Drop the temp file and free af.  Safe on an unopened (zeroed) af. */
void atomic_abort(struct atomic_file *af);

/* Write buf as the whole new contents of path.  Returns 0 or -1. */
int atomic_write(const char *path, const void *buf, size_t len);

/* The same with mode for ATOMIC_MODE. */
int atomic_write_mode(const char *path, const void *buf, size_t len,
    mode_t mode);

/* fsync the directory that holds path.  Returns 0 or -1. */
int fsync_dir_of(const char *path);

#endif
