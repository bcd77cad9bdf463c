#include "pstore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "atomicfile.h"
#include "util.h"

#define PS_HDR		7	/* op, key length (2), data length (4) */
#define PS_MAXLOG	(64 << 20)
#define PS_ERR		MQTTCLIENT_PERSISTENCE_ERROR
#define PS_RBUF		4096	/* removes of received messages held back */

struct pentry {
	char *key;
	char *data;
	uint32_t len;
};

struct pstore {
	const char *path;
	int fd;
	struct pentry *e;
	size_t n, cap;
	off_t size;
	unsigned char rbuf[PS_RBUF];	/* 'R' records not yet written */
	size_t rlen;
};

static long
find(struct pstore *s, const char *key)
{
	size_t i;

	for (i = s->n; i-- > 0;)
		if (strcmp(s->e[i].key, key) == 0)
			return (long)i;
	return -1;
}

static void
drop(struct pstore *s, long i)
{
	free(s->e[i].key);
	free(s->e[i].data);
	s->e[i] = s->e[--s->n];
}

/* Set key to data (owned afterwards).  Returns 0 or -1. */
static int
set(struct pstore *s, const char *key, char *data, uint32_t len)
{
	long i = find(s, key);

	if (i >= 0) {
		free(s->e[i].data);
		s->e[i].data = data;
		s->e[i].len = len;
		return 0;
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct pentry *ne = realloc(s->e, nc * sizeof(*ne));
		if (ne == NULL)
			return -1;
		s->e = ne;
		s->cap = nc;
	}
	if ((s->e[s->n].key = strdup(key)) == NULL)
		return -1;
	s->e[s->n].data = data;
	s->e[s->n].len = len;
	s->n++;
	return 0;
}

/* Append one record, after pre[0..prelen) (held-back records), in one
 * writev.  Returns the bytes written, or -1. */
static int
put_record(int fd, const void *pre, size_t prelen, char op, const char *key,
    char *const *bufs, const int *lens, int nbufs)
{
	unsigned char hdr[PS_HDR];
	struct iovec iov[3 + 8];
	uint16_t kl = (uint16_t)strlen(key);
	uint32_t dl = 0;
	size_t total;
	int i, n = 0;

	if (nbufs > 8)
		return -1;
	for (i = 0; i < nbufs; i++)
		dl += (uint32_t)lens[i];
	hdr[0] = (unsigned char)op;
	memcpy(hdr + 1, &kl, 2);
	memcpy(hdr + 3, &dl, 4);
	if (prelen > 0) {
		iov[n].iov_base = (void *)pre;
		iov[n++].iov_len = prelen;
	}
	iov[n].iov_base = hdr;
	iov[n++].iov_len = PS_HDR;
	iov[n].iov_base = (void *)key;
	iov[n++].iov_len = kl;
	for (i = 0; i < nbufs; i++) {
		iov[n].iov_base = bufs[i];
		iov[n++].iov_len = (size_t)lens[i];
	}
	total = prelen + PS_HDR + kl + dl;
	/* One writev; a short write leaves a torn tail, ignored at load. */
	if (writev(fd, iov, n) != (ssize_t)total)
		return -1;
	return (int)total;
}

/* Rewrite the log from the live entries. */
static int
compact(struct pstore *s)
{
	struct atomic_file af;
	size_t i;
	int fd;

	if (atomic_open(&af, s->path) == -1)
		return -1;
	af.nosync = 1;
	fd = fileno(af.fp);
	for (i = 0; i < s->n; i++) {
		char *b = s->e[i].data;
		int l = (int)s->e[i].len;
		if (put_record(fd, NULL, 0, 'P', s->e[i].key, &b, &l, 1) < 0) {
			atomic_abort(&af);
			return -1;
		}
	}
	if (atomic_commit(&af) == -1)
		return -1;
	s->rlen = 0;	/* the new log holds only live entries */
	if (s->fd >= 0)
		close(s->fd);
	s->fd = open(s->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	s->size = 0;
	if (s->fd >= 0) {
		struct stat st;
		if (fstat(s->fd, &st) == 0)
			s->size = st.st_size;
	}
	return s->fd >= 0 ? 0 : -1;
}

static int
ps_open(void **handle, const char *client, const char *uri, void *ctx)
{
	struct pstore *s = ctx;
	FILE *fp;
	unsigned char hdr[PS_HDR];

	*handle = s;
	if ((fp = fopen(s->path, "rb")) != NULL) {
		for (;;) {
			uint16_t kl;
			uint32_t dl;
			char key[65536], *data;

			if (fread(hdr, 1, PS_HDR, fp) != PS_HDR)
				break;
			memcpy(&kl, hdr + 1, 2);
			memcpy(&dl, hdr + 3, 4);
			if (fread(key, 1, kl, fp) != kl || dl > (256U << 20))
				break;
			key[kl] = '\0';
			if ((data = malloc(dl ? dl : 1)) == NULL)
				break;
			if (fread(data, 1, dl, fp) != dl) {
				free(data);
				break;
			}
			if (hdr[0] == 'P') {
				if (set(s, key, data, dl) == -1) {
					free(data);
					break;
				}
			} else {
				long i = find(s, key);
				free(data);
				if (i >= 0)
					drop(s, i);
			}
		}
		fclose(fp);
	}
	/* Start from a compact log holding only what is live. */
	return compact(s) == 0 ? 0 : PS_ERR;
}

/* Write the held-back removes.  Returns 0 or -1. */
static int
flush_removes(struct pstore *s)
{
	if (s->rlen == 0 || s->fd < 0)
		return 0;
	if (writeall(s->fd, s->rbuf, s->rlen) == -1)
		return -1;
	s->size += (off_t)s->rlen;
	s->rlen = 0;
	return 0;
}

static int
ps_close(void *h)
{
	struct pstore *s = h;
	int rc = flush_removes(s) == 0 ? 0 : PS_ERR;

	while (s->n > 0)
		drop(s, (long)s->n - 1);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return rc;
}

static int
ps_put(void *h, char *key, int nbufs, char *bufs[], int lens[])
{
	struct pstore *s = h;
	uint32_t total = 0, off = 0;
	char *data;
	int i, w;

	for (i = 0; i < nbufs; i++)
		total += (uint32_t)lens[i];
	if ((data = malloc(total ? total : 1)) == NULL)
		return PS_ERR;
	for (i = 0; i < nbufs; i++) {
		memcpy(data + off, bufs[i], (size_t)lens[i]);
		off += (uint32_t)lens[i];
	}
	/* Held-back removes go first, in the same writev: a key paho
	 * reuses is removed before it is put again. */
	if (nbufs > 8) {
		char *b = data;
		int l = (int)total;
		w = put_record(s->fd, s->rbuf, s->rlen, 'P', key, &b, &l, 1);
	} else
		w = put_record(s->fd, s->rbuf, s->rlen, 'P', key, bufs, lens,
		    nbufs);
	if (w < 0 || set(s, key, data, total) == -1) {
		free(data);
		return PS_ERR;
	}
	s->rlen = 0;
	s->size += w;
	return 0;
}

static int
ps_get(void *h, char *key, char **buf, int *len)
{
	struct pstore *s = h;
	long i = find(s, key);

	if (i < 0 || (*buf = malloc(s->e[i].len ? s->e[i].len : 1)) == NULL)
		return PS_ERR;
	memcpy(*buf, s->e[i].data, s->e[i].len);
	*len = (int)s->e[i].len;
	return 0;
}

static int
ps_remove(void *h, char *key)
{
	struct pstore *s = h;
	long i = find(s, key);
	size_t kl;
	int w;

	if (i < 0)
		return 0;
	drop(s, i);
	if (s->n == 0 && s->size > (1 << 20)) {
		/* Nothing live: start the log over. */
		if (ftruncate(s->fd, 0) == 0) {
			s->size = 0;
			s->rlen = 0;
			return 0;
		}
	}
	kl = strlen(key);
	if (key[0] == 'q' && kl <= 64) {
		/* A message handed to the callback (paho's "q-" keys):
		 * forgetting it may wait for the next put or a full buffer.
		 * A crash before that delivers it again: a duplicate with
		 * the same MessageId, never a loss. */
		unsigned char *r;
		uint16_t k16 = (uint16_t)kl;
		uint32_t zero = 0;

		if (s->rlen + PS_HDR + kl > sizeof(s->rbuf) &&
		    flush_removes(s) == -1)
			return PS_ERR;
		r = s->rbuf + s->rlen;
		r[0] = 'R';
		memcpy(r + 1, &k16, 2);
		memcpy(r + 3, &zero, 4);
		memcpy(r + PS_HDR, key, kl);
		s->rlen += PS_HDR + kl;
	} else {
		if ((w = put_record(s->fd, s->rbuf, s->rlen, 'R', key, NULL,
		    NULL, 0)) < 0)
			return PS_ERR;
		s->rlen = 0;
		s->size += w;
	}
	if (s->size > PS_MAXLOG && compact(s) == -1)
		return PS_ERR;
	return 0;
}

static int
ps_keys(void *h, char ***keys, int *nkeys)
{
	struct pstore *s = h;
	size_t i;

	*keys = NULL;
	*nkeys = 0;
	if (s->n == 0)
		return 0;
	if ((*keys = calloc(s->n, sizeof(char *))) == NULL)
		return PS_ERR;
	for (i = 0; i < s->n; i++)
		if (((*keys)[i] = strdup(s->e[i].key)) == NULL)
			return PS_ERR;
	*nkeys = (int)s->n;
	return 0;
}

static int
ps_clear(void *h)
{
	struct pstore *s = h;

	while (s->n > 0)
		drop(s, (long)s->n - 1);
	s->rlen = 0;
	if (s->fd >= 0 && ftruncate(s->fd, 0) == -1)
		return PS_ERR;
	s->size = 0;
	return 0;
}

static int
ps_containskey(void *h, char *key)
{
	return find(h, key) >= 0 ? 0 : PS_ERR;
}

int
pstore_init(MQTTClient_persistence *p, const char *path)
{
	struct pstore *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	s->path = path;
	s->fd = -1;
	memset(p, 0, sizeof(*p));
	p->context = s;
	p->popen = ps_open;
	p->pclose = ps_close;
	p->pput = ps_put;
	p->pget = ps_get;
	p->premove = ps_remove;
	p->pkeys = ps_keys;
	p->pclear = ps_clear;
	p->pcontainskey = ps_containskey;
	return 0;
}

void
pstore_fini(MQTTClient_persistence *p)
{
	struct pstore *s = p->context;

	if (s == NULL)
		return;
	ps_close(s);
	free(s->e);
	free(s);
	p->context = NULL;
}
