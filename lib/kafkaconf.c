/* Kafka client configuration: -b, -t, -X and -F.  See kafkaconf.h. */
#include "kafkaconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "readfile.h"
#include "util.h"

void
kafka_opts_free(struct kafka_opts *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nprops; i++) {
		free(k->props[i].key);
		free(k->props[i].value);
		free(k->props[i].origin);
	}
	free(k->props);
	k->props = NULL;
	k->nprops = k->cap = 0;
}

/* Append key[0..klen) = value[0..vlen) from origin.  Returns 0 or -1
 * (ENOMEM). */
static int
push(struct kafka_opts *k, const char *key, size_t klen, const char *value,
    size_t vlen, const char *origin)
{
	struct kafka_prop *p;

	if (k->nprops == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 8;
		if ((p = realloc(k->props, ncap * sizeof(*p))) == NULL)
			return -1;
		k->props = p;
		k->cap = ncap;
	}
	p = &k->props[k->nprops];
	p->key = xstrndup(key, klen);
	p->value = xstrndup(value, vlen);
	p->origin = strdup(origin);
	if (p->key == NULL || p->value == NULL || p->origin == NULL) {
		free(p->key);
		free(p->value);
		free(p->origin);
		errno = ENOMEM;
		return -1;
	}
	k->nprops++;
	return 0;
}

/* Drop the properties past n (those of a file that failed). */
static void
truncate_to(struct kafka_opts *k, size_t n)
{
	while (k->nprops > n) {
		struct kafka_prop *p = &k->props[--k->nprops];
		free(p->key);
		free(p->value);
		free(p->origin);
	}
}

int
kafka_opts_add_x(struct kafka_opts *k, const char *arg, char *err,
    size_t errlen)
{
	const char *eq = strchr(arg, '=');
	char origin[300];

	if (eq == NULL || eq == arg) {
		snprintf(err, errlen, "-X %.256s: expected KEY=VALUE", arg);
		errno = EINVAL;
		return -1;
	}
	snprintf(origin, sizeof(origin), "-X %.256s", arg);
	if (push(k, arg, (size_t)(eq - arg), eq + 1, strlen(eq + 1),
	    origin) == -1) {
		snprintf(err, errlen, "-X: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

int
kafka_opts_add_file(struct kafka_opts *k, const char *path, char *err,
    size_t errlen, char *warn, size_t warnlen)
{
	char why[128], origin[300];
	size_t len, n0 = k->nprops, lineno = 0;
	char *buf, *line, *next, *end;
	struct stat st;
	int saved;

	if (warnlen > 0)
		warn[0] = '\0';
	if ((buf = li_read_file(path, KAFKA_CONF_FILE_MAX, &len, why,
	    sizeof(why))) == NULL) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, why);
		errno = saved;
		return -1;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: holds a NUL byte", path);
		saved = EINVAL;
		goto fail;
	}
	for (line = buf; line < buf + len; line = next) {
		char *key, *kend, *eq;

		lineno++;
		end = memchr(line, '\n', (size_t)(buf + len - line));
		if (end == NULL)
			end = buf + len;
		next = end + (end < buf + len);
		if (end > line && end[-1] == '\r')
			end--;
		*end = '\0';
		for (key = line; is_blank(*key); key++)
			;
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "%s:%zu: expected KEY=VALUE",
			    path, lineno);
			saved = EINVAL;
			goto fail;
		}
		for (kend = eq; kend > key && is_blank(kend[-1]); kend--)
			;
		if (kend == key) {
			snprintf(err, errlen, "%s:%zu: expected KEY=VALUE",
			    path, lineno);
			saved = EINVAL;
			goto fail;
		}
		snprintf(origin, sizeof(origin), "%.256s:%zu", path, lineno);
		if (push(k, key, (size_t)(kend - key), eq + 1, strlen(eq + 1),
		    origin) == -1) {
			saved = errno;
			snprintf(err, errlen, "%s: %s", path, strerror(saved));
			goto fail;
		}
	}
	free(buf);
	if (warnlen > 0 && stat(path, &st) == 0 &&
	    (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		snprintf(warn, warnlen, "%s: readable by group or others "
		    "(mode %04o)", path, (unsigned)(st.st_mode & 07777));
	return 0;
fail:
	free(buf);
	truncate_to(k, n0);
	errno = saved;
	return -1;
}

int
kafka_topic_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 249)
		return -1;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n ? 0 : -1;
}

int
kafka_opts_set(struct kafka_opts *k, int c, const char *arg, char *err,
    size_t errlen, char *warn, size_t warnlen)
{
	if (warnlen > 0)
		warn[0] = '\0';
	switch (c) {
	case 'b':
		if (*arg == '\0') {
			snprintf(err, errlen, "-b: the broker list is empty");
			errno = EINVAL;
			return -1;
		}
		k->brokers = arg;
		return 0;
	case 't':
		if (kafka_topic_ok(arg) == -1) {
			snprintf(err, errlen, "--topic: '%.64s' is not a Kafka "
			    "topic name (1 to 249 letters, digits, '.', '_', "
			    "'-')", arg);
			errno = EINVAL;
			return -1;
		}
		k->topic = arg;
		return 0;
	case 'X':
		return kafka_opts_add_x(k, arg, err, errlen);
	case 'F':
		return kafka_opts_add_file(k, arg, err, errlen, warn, warnlen);
	default:
		return 1;
	}
}

rd_kafka_conf_t *
kafka_conf_build(const struct kafka_opts *k, const char *const *defaults,
    char *err, size_t errlen)
{
	rd_kafka_conf_t *conf;
	char why[512];
	size_t i;

	if ((conf = rd_kafka_conf_new()) == NULL) {
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return NULL;
	}
	for (i = 0; defaults != NULL && defaults[i] != NULL &&
	    defaults[i + 1] != NULL; i += 2) {
		if (rd_kafka_conf_set(conf, defaults[i], defaults[i + 1], why,
		    sizeof(why)) != RD_KAFKA_CONF_OK) {
			snprintf(err, errlen, "default %s: %s", defaults[i],
			    why);
			goto fail;
		}
	}
	if (k->brokers != NULL && rd_kafka_conf_set(conf, "bootstrap.servers",
	    k->brokers, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
		snprintf(err, errlen, "-b: %s", why);
		goto fail;
	}
	for (i = 0; i < k->nprops; i++) {
		const struct kafka_prop *p = &k->props[i];
		if (rd_kafka_conf_set(conf, p->key, p->value, why,
		    sizeof(why)) != RD_KAFKA_CONF_OK) {
			snprintf(err, errlen, "%s: %s", p->origin, why);
			goto fail;
		}
	}
	return conf;
fail:
	rd_kafka_conf_destroy(conf);
	return NULL;
}
