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
	uint64_t bytes;
};

struct journal {
	pthread_mutex_t mu;
	char *dir;
	size_t seg_bytes;
	struct seg *segs;
	size_t nsegs, cap;
	int fd;			/* current segment */
	uint32_t cur;
	uint64_t cur_bytes;
	int dirty;
	uint64_t live_bytes;
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

	if (!s->closed || s->pending > 0)
		return;
	seg_path(j, s->id, path, sizeof(path));
	unlink(path);
	j->live_bytes -= s->bytes;
	*s = j->segs[--j->nsegs];
}

static int
seg_open_new(struct journal *j)
{
	char path[4096];
	struct seg *s;

	j->cur++;
	seg_path(j, j->cur, path, sizeof(path));
	if ((s = seg_add(j, j->cur)) == NULL)
		return -1;
	j->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC,
	    0600);
	if (j->fd == -1) {
		j->nsegs--;
		return -1;
	}
	j->cur_bytes = 0;
	return fsync_dir_of(path) == -1 ? -1 : 0;
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
		seg_path(j, ids[i], path, sizeof(path));
		if (stat(path, &st) == 0)
			s->bytes = (uint64_t)st.st_size;
		j->live_bytes += s->bytes;
		if (ids[i] > maxid)
			maxid = ids[i];
	}
	free(ids);
	ids = NULL;
	j->cur = maxid;
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
	long total = 0;

	if ((old = calloc(nold + 1, sizeof(*old))) == NULL)
		return -1;
	for (i = 0; i < nold; i++)
		old[i] = j->segs[i].id;
	for (i = 0; i < nold; i++) {
		char path[4096];
		unsigned char *buf = NULL;
		size_t cap = 0;
		FILE *fp;
		struct seg *s;

		seg_path(j, old[i], path, sizeof(path));
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
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
				if (n == NULL)
					break;
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
				fclose(fp);
				free(buf);
				free(old);
				return -1;
			}
		}
		fclose(fp);
		free(buf);
		pthread_mutex_lock(&j->mu);
		if ((s = seg_find(j, old[i])) != NULL)
			seg_reap(j, s);
		pthread_mutex_unlock(&j->mu);
	}
	free(old);
	return total;
}

int64_t
journal_append(struct journal *j, const struct jrec *r)
{
	uint32_t hdr[3];
	uint16_t tl;
	size_t body;
	unsigned char *buf;
	struct seg *s;
	int64_t rc = -1;

	if (r->topiclen > UINT16_MAX || r->len > J_MAXREC - J_FIXED -
	    r->topiclen) {
		errno = EMSGSIZE;
		return -1;
	}
	body = J_FIXED + r->topiclen + r->len;
	if ((buf = malloc(J_HDR + body)) == NULL)
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
	if (j->fd >= 0 && j->cur_bytes >= j->seg_bytes) {
		if (fdatasync(j->fd) == -1)
			goto out;
		close(j->fd);
		j->fd = -1;
		j->dirty = 0;
		if ((s = seg_find(j, j->cur)) != NULL) {
			s->closed = 1;
			seg_reap(j, s);
		}
	}
	if (j->fd < 0 && seg_open_new(j) == -1)
		goto out;
	if (writeall(j->fd, buf, J_HDR + body) == -1)
		goto out;
	j->cur_bytes += J_HDR + body;
	j->live_bytes += J_HDR + body;
	j->dirty = 1;
	s = seg_find(j, j->cur);
	s->pending++;
	s->bytes += J_HDR + body;
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
	if (fd >= 0)
		rc = fdatasync(fd);
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

void
journal_close(struct journal *j)
{
	size_t i;

	if (j == NULL)
		return;
	pthread_mutex_lock(&j->mu);
	if (j->fd >= 0) {
		fdatasync(j->fd);
		close(j->fd);
	}
	for (i = j->nsegs; i-- > 0;) {
		j->segs[i].closed = 1;
		seg_reap(j, &j->segs[i]);
	}
	pthread_mutex_unlock(&j->mu);
	pthread_mutex_destroy(&j->mu);
	free(j->segs);
	free(j->dir);
	free(j);
}
