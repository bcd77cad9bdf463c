#include "invno.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "readfile.h"
#include "util.h"

int
invno_open(struct invno *n, const char *path, int64_t block, char *err,
    size_t errlen)
{
	char why[128], *buf;
	long long v = 1;
	size_t len;

	memset(n, 0, sizeof(*n));
	if ((n->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if ((buf = li_read_file(path, 64, &len, why, sizeof(why))) != NULL) {
		if (len > 0 && buf[len - 1] == '\n')
			buf[--len] = '\0';
		if (strlen(buf) != len || parse_long(buf, 1, INT64_MAX / 2,
		    &v) == -1) {
			free(buf);
			snprintf(err, errlen, "%s: not an invoice number", path);
			goto fail;
		}
		free(buf);
	} else if (errno == EFBIG) {
		snprintf(err, errlen, "%s: not an invoice number", path);
		goto fail;
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto fail;
	}
	n->next = n->limit = v;
	n->block = block > 0 ? block : 1;
	return 0;
fail:
	free(n->path);
	n->path = NULL;
	return -1;
}

int
invno_reserve(struct invno *n)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lld\n",
	    (long long)(n->limit + n->block));

	if (atomic_write(n->path, buf, (size_t)len) == -1)
		return -1;
	n->limit += n->block;
	return 0;
}

int
invno_low(const struct invno *n)
{
	return n->limit - n->next < (n->block + 1) / 2;
}

int64_t
invno_next(struct invno *n)
{
	if (n->next >= n->limit && invno_reserve(n) == -1)
		return -1;
	return n->next++;
}

void
invno_close(struct invno *n)
{
	free(n->path);
	n->path = NULL;
}
