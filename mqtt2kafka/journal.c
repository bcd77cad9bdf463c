#include "journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "util.h"

#define J_MAGIC		0x4a4b324dU	/* "M2KJ" */
#define J_HDR		12		/* magic, body length, checksum */
#define J_FIXED		18		/* invno, recv_ns, topic length */
#define J_MAXREC	(64U << 20)

struct seg {
	uint32_t id;
	long pending;		/* records not yet done */
	int closed;		/* no more appends */
	int unread;		/* found at open, not yet replayed whole */
	uint64_t bytes;
};

struct journal {
	pthread_mutex_t mu;
	char *dir;
	size_t seg_bytes;
	struct seg *segs;
	size_t nsegs, cap;
	int fd;			/* current segment, or -1 */
	uint32_t cur;
	uint64_t cur_bytes;
	uint64_t reserved;	/* bytes of cur reserved from offset 0 */
	int next_fd;		/* a segment made ready ahead, or -1 */
	uint32_t next;
	uint64_t next_reserved;
	uint32_t last;		/* highest segment number used */
	int no_falloc;		/* the file system cannot reserve space */
	int dirty;
	uint64_t live_bytes;
	char errpath[4096];	/* file of the last failure */
};

static uint32_t
checksum(const unsigned char *p, size_t len)
{
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619U;
	}
	return h;
}

static void
seg_path(const struct journal *j, uint32_t id, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/journal.%010u", j->dir, id);
}

static void
set_errpath(struct journal *j, uint32_t id)
{
	seg_path(j, id, j->errpath, sizeof(j->errpath));
}

static struct seg *
seg_find(struct journal *j, uint32_t id)
{
	size_t i;

	for (i = j->nsegs; i-- > 0;)
		if (j->segs[i].id == id)
			return &j->segs[i];
	return NULL;
}

static struct seg *
seg_add(struct journal *j, uint32_t id)
{
	if (j->nsegs == j->cap) {
		size_t nc = j->cap ? j->cap * 2 : 16;
		struct seg *n = realloc(j->segs, nc * sizeof(*n));
		if (n == NULL)
			return NULL;
		j->segs = n;
		j->cap = nc;
	}
	memset(&j->segs[j->nsegs], 0, sizeof(struct seg));
	j->segs[j->nsegs].id = id;
	return &j->segs[j->nsegs++];
}

/* Remove a closed segment with nothing pending.  Called locked. */
static void
seg_reap(struct journal *j, struct seg *s)
{
	char path[4096];

	if (!s->closed || s->pending > 0 || s->unread)
		return;
	seg_path(j, s->id, path, sizeof(path));
	unlink(path);
	j->live_bytes -= s->bytes;
	*s = j->segs[--j->nsegs];
}

/* Reserve want bytes of fd from offset 0 without changing its size, so
 * that appends up to there cannot fail for want of space.  Returns 0 or
 * -1 with errno set. */
static int
reserve(struct journal *j, int fd, uint64_t want)
{
	if (j->no_falloc)
		return 0;
	if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)want) == 0)
		return 0;
	if (errno == EOPNOTSUPP || errno == ENOSYS) {
		/* Some file systems cannot reserve: a full disk is then
		 * found by the write itself. */
		j->no_falloc = 1;
		return 0;
	}
	return -1;
}

/* Create segment number id with want bytes reserved.  Returns its fd, or
 * -1 with errno set and errpath naming it.  Called locked. */
static int
seg_create(struct journal *j, uint32_t id, uint64_t want)
{
	char path[4096];
	int fd, e;

	seg_path(j, id, path, sizeof(path));
	set_errpath(j, id);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return -1;
	if (reserve(j, fd, want) == -1 || fsync_dir_of(path) == -1 ||
	    seg_add(j, id) == NULL) {
		e = errno;
		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	if (id > j->last)
		j->last = id;
	return fd;
}

/* Make the next segment current, with at least need bytes reserved: the
 * one made ready ahead if it is big enough, else a new one.  Returns 0 or
 * -1 with errno set.  Called locked. */
static int
seg_roll(struct journal *j, uint64_t need)
{
	struct seg *s;
	uint64_t want = need > j->seg_bytes ? need : j->seg_bytes;

	if (j->fd >= 0) {
		if (fdatasync(j->fd) == -1) {
			set_errpath(j, j->cur);
			return -1;
		}
		close(j->fd);
		j->fd = -1;
		j->dirty = 0;
		if ((s = seg_find(j, j->cur)) != NULL) {
			s->closed = 1;
			seg_reap(j, s);
		}
	}
	if (j->next_fd >= 0 && j->next_reserved < need) {
		/* Too small for this record: extend it. */
		if (reserve(j, j->next_fd, need) == -1) {
			set_errpath(j, j->next);
			return -1;
		}
		j->next_reserved = need;
	}
	if (j->next_fd >= 0) {
		j->fd = j->next_fd;
		j->cur = j->next;
		j->reserved = j->next_reserved;
		j->next_fd = -1;
	} else {
		if ((j->fd = seg_create(j, j->last + 1, want)) == -1)
			return -1;
		j->cur = j->last;
		j->reserved = want;
	}
	j->cur_bytes = 0;
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

struct journal *
journal_open(const char *dir, size_t seg_bytes, char *err, size_t errlen)
{
	struct journal *j;
	DIR *d = NULL;
	struct dirent *de;
	uint32_t *ids = NULL, maxid = 0;
	size_t nids = 0, capids = 0, i;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->dir = strdup(dir)) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		free(j);
		return NULL;
	}
	pthread_mutex_init(&j->mu, NULL);
	j->fd = -1;
	j->next_fd = -1;
	j->seg_bytes = seg_bytes;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		goto fail;
	if ((d = opendir(dir)) == NULL)
		goto fail;
	while ((de = readdir(d)) != NULL) {
		char *end;
		unsigned long v;

		if (strncmp(de->d_name, "journal.", 8) != 0)
			continue;
		errno = 0;
		v = strtoul(de->d_name + 8, &end, 10);
		if (*end != '\0' || errno || v > UINT32_MAX - 1)
			continue;
		if (nids == capids) {
			uint32_t *n;
			capids = capids ? capids * 2 : 16;
			if ((n = realloc(ids, capids * sizeof(*n))) == NULL)
				goto fail;
			ids = n;
		}
		ids[nids++] = (uint32_t)v;
	}
	closedir(d);
	d = NULL;
	if (nids > 0)
		qsort(ids, nids, sizeof(*ids), cmp_u32);
	for (i = 0; i < nids; i++) {
		struct seg *s;
		struct stat st;
		char path[4096];

		if ((s = seg_add(j, ids[i])) == NULL)
			goto fail;
		s->closed = 1;
		s->unread = 1;
		seg_path(j, ids[i], path, sizeof(path));
		if (stat(path, &st) == -1)
			goto fail;
		s->bytes = (uint64_t)st.st_size;
		j->live_bytes += s->bytes;
		if (ids[i] > maxid)
			maxid = ids[i];
	}
	free(ids);
	ids = NULL;
	j->cur = j->last = maxid;
	return j;
fail:
	snprintf(err, errlen, "%s: %s", dir, strerror(errno));
	if (d != NULL)
		closedir(d);
	free(ids);
	free(j->segs);
	free(j->dir);
	free(j);
	return NULL;
}

long
journal_replay(struct journal *j, int (*fn)(void *, uint32_t,
    const struct jrec *), void *arg)
{
	size_t i, nold = j->nsegs;
	uint32_t *old;
	unsigned char *buf = NULL;
	size_t cap = 0;
	long total = 0;
	int e = 0;

	if ((old = calloc(nold + 1, sizeof(*old))) == NULL)
		return -1;
	for (i = 0; i < nold; i++)
		old[i] = j->segs[i].id;
	for (i = 0; i < nold && e == 0; i++) {
		char path[4096];
		FILE *fp = NULL;
		struct seg *s;
		int fd;

		seg_path(j, old[i], path, sizeof(path));
		if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
		    (fp = fdopen(fd, "rb")) == NULL) {
			/* Never skip a segment: it would be removed unread. */
			e = errno;
			if (fd >= 0)
				close(fd);
			set_errpath(j, old[i]);
			break;
		}
		for (;;) {
			uint32_t hdr[3];
			struct jrec r;
			uint16_t tl;

			if (fread(hdr, sizeof(uint32_t), 3, fp) != 3 ||
			    hdr[0] != J_MAGIC || hdr[1] < J_FIXED ||
			    hdr[1] > J_MAXREC)
				break;
			if (hdr[1] > cap) {
				unsigned char *n = realloc(buf, hdr[1]);
				if (n == NULL) {
					e = ENOMEM;
					break;
				}
				buf = n;
				cap = hdr[1];
			}
			if (fread(buf, 1, hdr[1], fp) != hdr[1] ||
			    checksum(buf, hdr[1]) != hdr[2])
				break;
			memcpy(&r.invno, buf, 8);
			memcpy(&r.recv_ns, buf + 8, 8);
			memcpy(&tl, buf + 16, 2);
			if ((size_t)J_FIXED + tl > hdr[1])
				break;
			r.topic = (const char *)buf + J_FIXED;
			r.topiclen = tl;
			r.payload = r.topic + tl;
			r.len = hdr[1] - J_FIXED - tl;
			pthread_mutex_lock(&j->mu);
			if ((s = seg_find(j, old[i])) != NULL)
				s->pending++;
			pthread_mutex_unlock(&j->mu);
			total++;
			if (fn(arg, old[i], &r) == -1) {
				e = EINTR;
				break;
			}
		}
		/* A torn or corrupt record ends a segment; a read error does
		 * not: the segment stays for the next start. */
		if (e == 0 && ferror(fp)) {
			e = errno ? errno : EIO;
			set_errpath(j, old[i]);
		}
		fclose(fp);
		if (e != 0)
			break;
		/* Read whole: it goes once its records are done.  One whose
		 * replay was cut short stays for the next start. */
		pthread_mutex_lock(&j->mu);
		if ((s = seg_find(j, old[i])) != NULL) {
			s->unread = 0;
			seg_reap(j, s);
		}
		pthread_mutex_unlock(&j->mu);
	}
	free(buf);
	free(old);
	if (e != 0) {
		errno = e;
		return -1;
	}
	return total;
}

int
journal_prepare(struct journal *j)
{
	int rc = 0;

	pthread_mutex_lock(&j->mu);
	if (j->fd < 0)
		rc = seg_roll(j, 0);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int
journal_reserve_ahead(struct journal *j)
{
	int rc = 0;

	pthread_mutex_lock(&j->mu);
	if (j->fd >= 0 && j->next_fd < 0 &&
	    j->reserved - j->cur_bytes < j->seg_bytes / 2) {
		if ((j->next_fd = seg_create(j, j->last + 1, j->seg_bytes)) ==
		    -1)
			rc = -1;
		else {
			j->next = j->last;
			j->next_reserved = j->seg_bytes;
		}
	}
	pthread_mutex_unlock(&j->mu);
	return rc;
}

int64_t
journal_append(struct journal *j, const struct jrec *r)
{
	uint32_t hdr[3];
	uint16_t tl;
	size_t body, need;
	unsigned char *buf;
	struct seg *s;
	int64_t rc = -1;

	if (r->topiclen > UINT16_MAX || r->len > J_MAXREC - J_FIXED -
	    r->topiclen) {
		errno = EMSGSIZE;
		return -1;
	}
	body = J_FIXED + r->topiclen + r->len;
	need = J_HDR + body;
	if ((buf = malloc(need)) == NULL)
		return -1;
	tl = (uint16_t)r->topiclen;
	memcpy(buf + J_HDR, &r->invno, 8);
	memcpy(buf + J_HDR + 8, &r->recv_ns, 8);
	memcpy(buf + J_HDR + 16, &tl, 2);
	memcpy(buf + J_HDR + J_FIXED, r->topic, r->topiclen);
	if (r->len > 0)
		memcpy(buf + J_HDR + J_FIXED + r->topiclen, r->payload, r->len);
	hdr[0] = J_MAGIC;
	hdr[1] = (uint32_t)body;
	hdr[2] = checksum(buf + J_HDR, body);
	memcpy(buf, hdr, J_HDR);

	pthread_mutex_lock(&j->mu);
	if (j->fd >= 0 && j->cur_bytes == 0 && need > j->reserved) {
		/* A record larger than a segment, into an empty one. */
		if (reserve(j, j->fd, need) == -1) {
			set_errpath(j, j->cur);
			goto out;
		}
		j->reserved = need;
	}
	if ((j->fd < 0 || j->cur_bytes + need > j->reserved) &&
	    seg_roll(j, need) == -1)
		goto out;
	if (writeall(j->fd, buf, need) == -1) {
		set_errpath(j, j->cur);
		goto out;
	}
	j->cur_bytes += need;
	j->live_bytes += need;
	j->dirty = 1;
	s = seg_find(j, j->cur);
	s->pending++;
	s->bytes += need;
	rc = j->cur;
out:
	pthread_mutex_unlock(&j->mu);
	free(buf);
	return rc;
}

void
journal_done(struct journal *j, uint32_t seg)
{
	struct seg *s;

	pthread_mutex_lock(&j->mu);
	if ((s = seg_find(j, seg)) != NULL) {
		s->pending--;
		seg_reap(j, s);
	}
	pthread_mutex_unlock(&j->mu);
}

int
journal_sync(struct journal *j)
{
	int rc = 0, fd;

	pthread_mutex_lock(&j->mu);
	fd = j->dirty ? j->fd : -1;
	j->dirty = 0;
	/* fdatasync outside the lock would race with a roll; segments are
	 * small and syncs are batched, so hold it. */
	if (fd >= 0 && (rc = fdatasync(fd)) == -1)
		set_errpath(j, j->cur);
	pthread_mutex_unlock(&j->mu);
	return rc;
}

uint64_t
journal_bytes(struct journal *j)
{
	uint64_t b;

	pthread_mutex_lock(&j->mu);
	b = j->live_bytes;
	pthread_mutex_unlock(&j->mu);
	return b;
}

int
journal_release(struct journal *j)
{
	struct seg *s;
	int rc = 0;

	pthread_mutex_lock(&j->mu);
	if (j->fd >= 0 && j->cur_bytes > 0 &&
	    (s = seg_find(j, j->cur)) != NULL && s->pending == 0)
		rc = seg_roll(j, 0) == -1 ? -1 : 1;
	pthread_mutex_unlock(&j->mu);
	return rc;
}

const char *
journal_error(struct journal *j)
{
	return j->errpath[0] != '\0' ? j->errpath : j->dir;
}

int
journal_close(struct journal *j, char *err, size_t errlen)
{
	size_t i;
	int rc = 0;

	if (j == NULL)
		return 0;
	pthread_mutex_lock(&j->mu);
	if (j->fd >= 0) {
		if ((j->dirty && fdatasync(j->fd) == -1) || close(j->fd) == -1) {
			set_errpath(j, j->cur);
			snprintf(err, errlen, "%s: %s", j->errpath,
			    strerror(errno));
			rc = -1;
		}
	}
	if (j->next_fd >= 0)
		close(j->next_fd);
	for (i = j->nsegs; i-- > 0;) {
		j->segs[i].closed = 1;
		seg_reap(j, &j->segs[i]);
	}
	pthread_mutex_unlock(&j->mu);
	pthread_mutex_destroy(&j->mu);
	free(j->segs);
	free(j->dir);
	free(j);
	return rc;
}
