#include "pstore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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
#define PS_MAXREC	(256U << 20)
#define PS_MAXBUFS	16
#define PS_ERR		MQTTCLIENT_PERSISTENCE_ERROR

struct pentry {
	char *key;
	char *data;
	uint32_t len;
};

struct pstore {
	/* paho's MQTTAsync calls the store from more than one thread under
	 * different locks of its own (a subscribe's command is put by the
	 * calling thread under its command lock while the receive thread
	 * puts and removes QoS 2 state under its client lock), so every
	 * call takes this. */
	pthread_mutex_t mu;
	enum pstore_kind kind;
	const char *path;
	struct pstore_hooks hooks;
	int fd;			/* PSTORE_LOG: the log, appending */
	struct pentry *e;
	size_t n, cap;
	off_t size;
	int has_err;
	char err[4400];
};

/* Remember a failure on file (errno e). */
static void
note(struct pstore *s, const char *file, int e)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", file, strerror(e));
	s->has_err = 1;
}

/* A write failed: tell the hook (which may not return). */
static void
write_failed(struct pstore *s, const char *file, int e, int unacked)
{
	note(s, file, e);
	if (s->hooks.failed != NULL)
		s->hooks.failed(s->hooks.ctx, file, e, unacked);
	errno = e;
}

static int
is_queue_key(const char *key)
{
	return strncmp(key, "q-", 2) == 0 || strncmp(key, "qv5-", 4) == 0;
}

/* ==== the in-memory map ================================================= */

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

static void
drop_all(struct pstore *s)
{
	while (s->n > 0)
		drop(s, (long)s->n - 1);
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

/* writev all of iov[0..n), going on after a short write (so that a
 * failure reports its own errno).  Returns 0 or -1 with errno set. */
static int
writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* ==== PSTORE_LOG: one append-only file ================================== */

/* Append one record in one writev.  Returns the bytes written, or -1. */
static int
put_record(int fd, char op, const char *key, char *const *bufs,
    const int *lens, int nbufs)
{
	unsigned char hdr[PS_HDR];
	struct iovec iov[2 + PS_MAXBUFS];
	uint16_t kl = (uint16_t)strlen(key);
	uint32_t dl = 0;
	size_t total;
	int i, n = 0;

	if (nbufs > PS_MAXBUFS) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < nbufs; i++)
		dl += (uint32_t)lens[i];
	hdr[0] = (unsigned char)op;
	memcpy(hdr + 1, &kl, 2);
	memcpy(hdr + 3, &dl, 4);
	iov[n].iov_base = hdr;
	iov[n++].iov_len = PS_HDR;
	iov[n].iov_base = (void *)key;
	iov[n++].iov_len = kl;
	for (i = 0; i < nbufs; i++) {
		iov[n].iov_base = bufs[i];
		iov[n++].iov_len = (size_t)lens[i];
	}
	total = PS_HDR + kl + dl;
	/* One writev; a failure leaves a torn tail, ignored at load (and
	 * the bridge stops: nothing is appended after it). */
	if (writev_all(fd, iov, n) == -1)
		return -1;
	return (int)total;
}

/* Rewrite the log from the live entries and reopen it for appending.
 * Returns 0, or -1 with the failure noted. */
static int
compact(struct pstore *s)
{
	struct atomic_file af;
	struct stat st;
	size_t i;
	int fd;

	if (atomic_open(&af, s->path) == -1) {
		note(s, s->path, errno);
		return -1;
	}
	af.nosync = 1;
	fd = fileno(af.fp);
	(void)fchmod(fd, 0600);
	for (i = 0; i < s->n; i++) {
		char *b = s->e[i].data;
		int l = (int)s->e[i].len;
		if (put_record(fd, 'P', s->e[i].key, &b, &l, 1) < 0) {
			note(s, s->path, errno);
			atomic_abort(&af);
			return -1;
		}
	}
	if (atomic_commit(&af) == -1) {
		note(s, s->path, errno);
		return -1;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->size = 0;
	if ((s->fd = open(s->path, O_WRONLY | O_APPEND | O_CLOEXEC)) == -1 ||
	    fstat(s->fd, &st) == -1) {
		note(s, s->path, errno);
		return -1;
	}
	s->size = st.st_size;
	return 0;
}

/* Load the log (absent: empty).  Returns 0, or -1 with the failure
 * noted.  A torn or corrupt record ends it. */
static int
load_log(struct pstore *s)
{
	unsigned char hdr[PS_HDR];
	char *key = NULL;
	FILE *fp;
	int rc = 0, fd;

	if ((fd = open(s->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		note(s, s->path, errno);
		return -1;
	}
	if ((fp = fdopen(fd, "rb")) == NULL || (key = malloc(65536)) == NULL) {
		note(s, s->path, errno);
		if (fp != NULL)
			fclose(fp);
		else
			close(fd);
		free(key);
		return -1;
	}
	for (;;) {
		uint16_t kl;
		uint32_t dl;
		char *data;

		if (fread(hdr, 1, PS_HDR, fp) != PS_HDR)
			break;
		memcpy(&kl, hdr + 1, 2);
		memcpy(&dl, hdr + 3, 4);
		if ((hdr[0] != 'P' && hdr[0] != 'R') || dl > PS_MAXREC ||
		    fread(key, 1, kl, fp) != kl)
			break;
		key[kl] = '\0';
		if ((data = malloc(dl ? dl : 1)) == NULL) {
			note(s, s->path, ENOMEM);
			rc = -1;
			break;
		}
		if (fread(data, 1, dl, fp) != dl) {
			free(data);
			break;
		}
		if (hdr[0] == 'P') {
			if (set(s, key, data, dl) == -1) {
				free(data);
				note(s, s->path, ENOMEM);
				rc = -1;
				break;
			}
		} else {
			long i = find(s, key);
			free(data);
			if (i >= 0)
				drop(s, i);
		}
	}
	if (rc == 0 && ferror(fp)) {
		note(s, s->path, errno ? errno : EIO);
		rc = -1;
	}
	fclose(fp);
	free(key);
	return rc;
}

/* ==== PSTORE_DIR: a file per key ======================================== */

static int
key_path(const struct pstore *s, const char *key, const char *suffix,
    char *buf, size_t cap)
{
	if (key[0] == '\0' || key[0] == '.' || strchr(key, '/') != NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((size_t)snprintf(buf, cap, "%s/%s%s", s->path, key, suffix) >=
	    cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Write a key's file: a temp file renamed over it (not synced, like
 * paho's own store).  Returns 0, or -1 with errno and the file in bad. */
static int
dir_put(struct pstore *s, const char *key, char *const *bufs,
    const int *lens, int nbufs, char *bad, size_t badlen)
{
	char path[4096], tmp[4200];
	struct iovec iov[PS_MAXBUFS];
	int fd, i, e;

	if (key_path(s, key, "", path, sizeof(path)) == -1 ||
	    key_path(s, key, ".tmp", tmp, sizeof(tmp)) == -1 ||
	    nbufs > PS_MAXBUFS) {
		snprintf(bad, badlen, "%s/%s", s->path, key);
		if (nbufs > PS_MAXBUFS)
			errno = EINVAL;
		return -1;
	}
	snprintf(bad, badlen, "%s", tmp);
	for (i = 0; i < nbufs; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = (size_t)lens[i];
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	if (writev_all(fd, iov, nbufs) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		snprintf(bad, badlen, "%s", path);
		errno = e;
		return -1;
	}
	return 0;
}

static int
load_dir(struct pstore *s)
{
	DIR *d;
	struct dirent *de;
	char path[4096];

	if (mkdir(s->path, 0700) == -1 && errno != EEXIST) {
		note(s, s->path, errno);
		return -1;
	}
	if ((d = opendir(s->path)) == NULL) {
		note(s, s->path, errno);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		size_t len = strlen(de->d_name);
		char *data;
		ssize_t r;
		int fd;

		if (de->d_name[0] == '.' || (len > 4 &&
		    strcmp(de->d_name + len - 4, ".tmp") == 0) ||
		    key_path(s, de->d_name, "", path, sizeof(path)) == -1)
			continue;
		if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1 ||
		    fstat(fd, &st) == -1) {
			note(s, path, errno);
			goto fail;
		}
		if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > PS_MAXREC) {
			close(fd);
			continue;
		}
		if ((data = malloc(st.st_size ? (size_t)st.st_size : 1)) ==
		    NULL) {
			close(fd);
			note(s, path, ENOMEM);
			goto fail;
		}
		r = read(fd, data, (size_t)st.st_size);
		close(fd);
		if (r != st.st_size || set(s, de->d_name, data,
		    (uint32_t)r) == -1) {
			free(data);
			note(s, path, r == -1 ? errno : r != st.st_size ? EIO :
			    ENOMEM);
			goto fail;
		}
	}
	closedir(d);
	return 0;
fail:
	closedir(d);
	return -1;
}

/* ==== paho's interface =================================================== */

static int
open_locked(void **handle, const char *client, const char *uri, void *ctx)
{
	struct pstore *s = ctx;

	(void)client;
	(void)uri;
	*handle = s;
	s->has_err = 0;
	drop_all(s);
	switch (s->kind) {
	case PSTORE_LOG:
		/* Start from a compact log holding only what is live. */
		if (load_log(s) == -1 || compact(s) == -1)
			return PS_ERR;
		break;
	case PSTORE_DIR:
		if (load_dir(s) == -1)
			return PS_ERR;
		break;
	case PSTORE_MEM:
		break;
	}
	return 0;
}

static int
close_locked(void *h)
{
	struct pstore *s = h;
	int rc = 0;

	drop_all(s);
	if (s->fd >= 0 && close(s->fd) == -1) {
		note(s, s->path, errno);
		rc = PS_ERR;
	}
	s->fd = -1;
	return rc;
}

static int
put_locked(void *h, char *key, int nbufs, char *bufs[], int lens[])
{
	struct pstore *s = h;
	char bad[4300];
	uint32_t total = 0, off = 0;
	char *data;
	int i, w;

	for (i = 0; i < nbufs; i++)
		total += (uint32_t)lens[i];
	if ((data = malloc(total ? total : 1)) == NULL) {
		write_failed(s, s->path, ENOMEM, 1);
		return PS_ERR;
	}
	for (i = 0; i < nbufs; i++) {
		memcpy(data + off, bufs[i], (size_t)lens[i]);
		off += (uint32_t)lens[i];
	}
	switch (s->kind) {
	case PSTORE_LOG:
		if (nbufs > PS_MAXBUFS) {
			char *b = data;
			int l = (int)total;
			w = put_record(s->fd, 'P', key, &b, &l, 1);
		} else
			w = put_record(s->fd, 'P', key, bufs, lens, nbufs);
		if (w < 0) {
			free(data);
			write_failed(s, s->path, errno, 1);
			return PS_ERR;
		}
		s->size += w;
		break;
	case PSTORE_DIR:
		if (dir_put(s, key, bufs, lens, nbufs, bad, sizeof(bad)) ==
		    -1) {
			free(data);
			write_failed(s, bad, errno, 1);
			return PS_ERR;
		}
		break;
	case PSTORE_MEM:
		break;
	}
	if (set(s, key, data, total) == -1) {
		free(data);
		write_failed(s, s->path, ENOMEM, 1);
		return PS_ERR;
	}
	return 0;
}

/* Memory handed to paho, which frees it (pstore.h). */
static void *
ps_alloc(const struct pstore *s, size_t size)
{
	return s->hooks.alloc != NULL ? s->hooks.alloc(size) : malloc(size);
}

static void
ps_release(const struct pstore *s, void *ptr)
{
	if (s->hooks.release != NULL)
		s->hooks.release(ptr);
	else
		free(ptr);
}

static int
get_locked(void *h, char *key, char **buf, int *len)
{
	struct pstore *s = h;
	long i = find(s, key);

	if (i < 0 || (*buf = ps_alloc(s, s->e[i].len ? s->e[i].len : 1)) ==
	    NULL)
		return PS_ERR;
	memcpy(*buf, s->e[i].data, s->e[i].len);
	*len = (int)s->e[i].len;
	return 0;
}

static int
remove_locked(void *h, char *key)
{
	struct pstore *s = h;
	char path[4096];
	long i = find(s, key);
	int w;

	if (i < 0)
		return 0;
	drop(s, i);
	switch (s->kind) {
	case PSTORE_LOG:
		if (s->n == 0 && s->size > (1 << 20) &&
		    ftruncate(s->fd, 0) == 0) {
			/* Nothing live: start the log over. */
			s->size = 0;
			return 0;
		}
		if ((w = put_record(s->fd, 'R', key, NULL, NULL, 0)) < 0) {
			write_failed(s, s->path, errno, 0);
			return PS_ERR;
		}
		s->size += w;
		if (s->size > PS_MAXLOG && compact(s) == -1) {
			write_failed(s, s->path, errno, 0);
			return PS_ERR;
		}
		break;
	case PSTORE_DIR:
		if (key_path(s, key, "", path, sizeof(path)) == 0 &&
		    unlink(path) == -1 && errno != ENOENT) {
			write_failed(s, path, errno, 0);
			return PS_ERR;
		}
		break;
	case PSTORE_MEM:
		break;
	}
	return 0;
}

static int
keys_locked(void *h, char ***keys, int *nkeys)
{
	struct pstore *s = h;
	size_t i;

	*keys = NULL;
	*nkeys = 0;
	if (s->n == 0)
		return 0;
	if ((*keys = ps_alloc(s, s->n * sizeof(char *))) == NULL)
		return PS_ERR;
	for (i = 0; i < s->n; i++) {
		size_t kl = strlen(s->e[i].key) + 1;

		if (((*keys)[i] = ps_alloc(s, kl)) == NULL) {
			while (i-- > 0)
				ps_release(s, (*keys)[i]);
			ps_release(s, *keys);
			*keys = NULL;
			return PS_ERR;
		}
		memcpy((*keys)[i], s->e[i].key, kl);
	}
	*nkeys = (int)s->n;
	return 0;
}

static int
clear_locked(void *h)
{
	struct pstore *s = h;
	char path[4096];
	int rc = 0;

	switch (s->kind) {
	case PSTORE_LOG:
		if (s->fd >= 0 && ftruncate(s->fd, 0) == -1) {
			note(s, s->path, errno);
			rc = PS_ERR;
		} else
			s->size = 0;
		break;
	case PSTORE_DIR:
		for (size_t i = 0; i < s->n; i++)
			if (key_path(s, s->e[i].key, "", path,
			    sizeof(path)) == 0 && unlink(path) == -1 &&
			    errno != ENOENT) {
				note(s, path, errno);
				rc = PS_ERR;
			}
		break;
	case PSTORE_MEM:
		break;
	}
	drop_all(s);
	return rc;
}

static int
containskey_locked(void *h, char *key)
{
	return find(h, key) >= 0 ? 0 : PS_ERR;
}

/* paho's entry points: each call under the store's lock. */
static int
ps_open(void **handle, const char *client, const char *uri, void *ctx)
{
	struct pstore *s = ctx;
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = open_locked(handle, client, uri, ctx);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
ps_close(void *h)
{
	struct pstore *s = h;
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = close_locked(h);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
ps_put(void *h, char *key, int nbufs, char *bufs[], int lens[])
{
	struct pstore *s = h;
	int rc;

	/* A received message: to the hook, which may wait (back-pressure)
	 * and needs no lock, as nothing of the store is touched. */
	if (is_queue_key(key) && s->hooks.queue != NULL)
		return s->hooks.queue(s->hooks.ctx, nbufs, bufs, lens) == 0 ?
		    0 : PS_ERR;
	pthread_mutex_lock(&s->mu);
	rc = put_locked(h, key, nbufs, bufs, lens);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
ps_get(void *h, char *key, char **buf, int *len)
{
	struct pstore *s = h;
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = get_locked(h, key, buf, len);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
ps_remove(void *h, char *key)
{
	struct pstore *s = h;
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = remove_locked(h, key);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
ps_keys(void *h, char ***keys, int *nkeys)
{
	struct pstore *s = h;
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = keys_locked(h, keys, nkeys);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
ps_clear(void *h)
{
	struct pstore *s = h;
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = clear_locked(h);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

static int
ps_containskey(void *h, char *key)
{
	struct pstore *s = h;
	int rc;

	pthread_mutex_lock(&s->mu);
	rc = containskey_locked(h, key);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int
pstore_init(MQTTClient_persistence *p, enum pstore_kind kind,
    const char *path, const struct pstore_hooks *hooks)
{
	struct pstore *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	pthread_mutex_init(&s->mu, NULL);
	s->kind = kind;
	s->path = path;
	s->fd = -1;
	if (hooks != NULL)
		s->hooks = *hooks;
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

const char *
pstore_error(const MQTTClient_persistence *p)
{
	const struct pstore *s = p->context;

	return s != NULL && s->has_err ? s->err : NULL;
}

void
pstore_fini(MQTTClient_persistence *p)
{
	struct pstore *s = p->context;

	if (s == NULL)
		return;
	ps_close(s);
	pthread_mutex_destroy(&s->mu);
	free(s->e);
	free(s);
	p->context = NULL;
}
