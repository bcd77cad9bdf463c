#include "invno.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "util.h"

int
invno_open(struct invno *n, const char *path, int64_t block, char *err,
    size_t errlen)
{
	FILE *fp;
	char line[64];
	long long v = 1;
	size_t len;

	memset(n, 0, sizeof(*n));
	if ((n->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if ((fp = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) == NULL)
			line[0] = '\0';
		fclose(fp);
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (parse_long(line, 1, INT64_MAX / 2, &v) == -1) {
			snprintf(err, errlen, "%s: not an invoice number", path);
			free(n->path);
			n->path = NULL;
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(n->path);
		n->path = NULL;
		return -1;
	}
	n->next = n->limit = v;
	n->block = block > 0 ? block : 1;
	return 0;
}

int64_t
invno_next(struct invno *n)
{
	if (n->next >= n->limit) {
		char buf[32];
		int len = snprintf(buf, sizeof(buf), "%lld\n",
		    (long long)(n->limit + n->block));

		if (atomic_write(n->path, buf, (size_t)len) == -1)
			return -1;
		n->limit += n->block;
	}
	return n->next++;
}

void
invno_close(struct invno *n)
{
	free(n->path);
	n->path = NULL;
}
