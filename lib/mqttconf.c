/* MQTT connection options and credentials.  See mqttconf.h. */
#include "mqttconf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "readfile.h"
#include "util.h"

void
mqtt_opts_init(struct mqtt_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->qos = 1;
	o->keepalive = 30;
}

void
mqtt_opts_free(struct mqtt_opts *o)
{
	if (o == NULL || o->password == NULL)
		return;
	explicit_bzero(o->password, strlen(o->password));
	free(o->password);
	o->password = NULL;
}

/* The spelling of option c, for messages. */
static const char *
opt_name(int c)
{
	static const char *const names[] = {
		[MQTT_OPT_TOPIC - MQTT_OPT_FIRST] = "--mqtt-topic",
		[MQTT_OPT_CLIENT_ID - MQTT_OPT_FIRST] = "--client-id",
		[MQTT_OPT_QOS - MQTT_OPT_FIRST] = "--qos",
		[MQTT_OPT_KEEPALIVE - MQTT_OPT_FIRST] = "--keepalive",
		[MQTT_OPT_USER - MQTT_OPT_FIRST] = "--mqtt-user",
		[MQTT_OPT_PASSWORD_FILE - MQTT_OPT_FIRST] =
		    "--mqtt-password-file",
		[MQTT_OPT_CAFILE - MQTT_OPT_FIRST] = "--cafile",
		[MQTT_OPT_CERT - MQTT_OPT_FIRST] = "--cert",
		[MQTT_OPT_KEY - MQTT_OPT_FIRST] = "--key",
	};

	if (c == 'u')
		return "--mqtt";
	return names[c - MQTT_OPT_FIRST];
}

static int
url_ok(const char *url)
{
	static const char *const schemes[] = {
		"tcp://", "ssl://", "mqtt://", "mqtts://", "ws://", "wss://",
	};
	size_t i, n;

	for (i = 0; i < NELEM(schemes); i++) {
		n = strlen(schemes[i]);
		if (strncmp(url, schemes[i], n) == 0 && url[n] != '\0')
			return 1;
	}
	return 0;
}

int
mqtt_opts_set(struct mqtt_opts *o, int c, const char *arg, char *err,
    size_t errlen)
{
	const char *name;
	long long q;
	double ka;

	if (c != 'u' && (c < MQTT_OPT_FIRST || c > MQTT_OPT_LAST))
		return 1;
	name = opt_name(c);
	if (*arg == '\0') {
		snprintf(err, errlen, "%s: the value is empty", name);
		errno = EINVAL;
		return -1;
	}
	switch (c) {
	case 'u':
		if (!url_ok(arg)) {
			snprintf(err, errlen, "--mqtt: '%.64s' is not an MQTT URL "
			    "(tcp://HOST:PORT or ssl://HOST:PORT)", arg);
			errno = EINVAL;
			return -1;
		}
		o->url = arg;
		o->given |= MQTT_GIVEN_URL;
		return 0;
	case MQTT_OPT_TOPIC:
		if (strlen(arg) > 65535) {
			snprintf(err, errlen, "--mqtt-topic: longer than 65535 "
			    "bytes");
			errno = EINVAL;
			return -1;
		}
		o->topic = arg;
		break;
	case MQTT_OPT_CLIENT_ID:
		if (strlen(arg) > 65535) {
			snprintf(err, errlen, "--client-id: longer than 65535 "
			    "bytes");
			errno = EINVAL;
			return -1;
		}
		o->client_id = arg;
		break;
	case MQTT_OPT_QOS:
		if (cli_count(name, arg, 0, 2, &q, err, errlen) == -1)
			return -1;
		o->qos = (int)q;
		break;
	case MQTT_OPT_KEEPALIVE:
		if (cli_duration(name, arg, 5, 3600, &ka, err, errlen) == -1)
			return -1;
		if (ka != (double)(int)ka) {
			snprintf(err, errlen, "--keepalive: '%.64s' is not a "
			    "whole number of seconds", arg);
			errno = EINVAL;
			return -1;
		}
		o->keepalive = (int)ka;
		break;
	case MQTT_OPT_USER:
		o->user = arg;
		break;
	case MQTT_OPT_PASSWORD_FILE:
		o->password_file = arg;
		break;
	case MQTT_OPT_CAFILE:
		o->cafile = arg;
		break;
	case MQTT_OPT_CERT:
		o->cert = arg;
		break;
	case MQTT_OPT_KEY:
		o->key = arg;
		break;
	}
	o->given |= 1u << (c - MQTT_OPT_FIRST);
	return 0;
}

int
mqtt_opts_check(const struct mqtt_opts *o, char *err, size_t errlen)
{
	int c;

	if (o->url == NULL) {
		for (c = MQTT_OPT_FIRST; c <= MQTT_OPT_LAST; c++) {
			if (o->given & (1u << (c - MQTT_OPT_FIRST))) {
				snprintf(err, errlen, "%s needs --mqtt",
				    opt_name(c));
				errno = EINVAL;
				return -1;
			}
		}
	}
	if (o->key != NULL && o->cert == NULL) {
		snprintf(err, errlen, "--key needs --cert");
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
mqtt_opts_tls(const struct mqtt_opts *o)
{
	return o->cafile != NULL || o->cert != NULL || (o->url != NULL &&
	    (strncmp(o->url, "ssl://", 6) == 0 ||
	    strncmp(o->url, "mqtts://", 8) == 0 ||
	    strncmp(o->url, "wss://", 6) == 0));
}

int
mqtt_topic_check(const char *topic, int filter, char *err, size_t errlen)
{
	const char *level, *end;
	size_t n = strlen(topic);

	if (n == 0) {
		snprintf(err, errlen, "empty");
		return -1;
	}
	if (n > 65535) {
		snprintf(err, errlen, "longer than 65535 bytes");
		return -1;
	}
	for (level = topic;; level = end + 1) {
		size_t len;

		end = strchr(level, '/');
		if (end == NULL)
			end = level + strlen(level);
		len = (size_t)(end - level);
		if (!filter && memchr(level, '+', len) != NULL) {
			snprintf(err, errlen, "'+' is for topic filters only");
			return -1;
		}
		if (!filter && memchr(level, '#', len) != NULL) {
			snprintf(err, errlen, "'#' is for topic filters only");
			return -1;
		}
		if (memchr(level, '+', len) != NULL && len != 1) {
			snprintf(err, errlen, "'+' must fill a whole level");
			return -1;
		}
		if (memchr(level, '#', len) != NULL &&
		    (len != 1 || *end != '\0')) {
			snprintf(err, errlen, "'#' must be the whole last level");
			return -1;
		}
		if (*end == '\0')
			break;
	}
	return 0;
}

/* Read the password from path into o->password.  Returns 0 or -1. */
static int
read_password_file(struct mqtt_opts *o, const char *path, char *err,
    size_t errlen, char *warn, size_t warnlen)
{
	char why[128], *buf, *nl, *rest;
	size_t len, plen;
	struct stat st;
	int saved;

	if ((buf = li_read_file(path, MQTT_PASSWORD_FILE_MAX, &len, why,
	    sizeof(why))) == NULL) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, why);
		errno = saved;
		return -1;
	}
	saved = EINVAL;
	if (len == 0) {
		snprintf(err, errlen, "%s: empty: the file holds the password",
		    path);
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: holds a NUL byte", path);
		goto fail;
	}
	nl = strchr(buf, '\n');
	plen = nl != NULL ? (size_t)(nl - buf) : len;
	if (plen > 0 && buf[plen - 1] == '\r')
		plen--;
	/* Anything after the first line but blank lines is a second line. */
	for (rest = nl; rest != NULL && *rest != '\0'; rest++) {
		if (*rest != '\n' && *rest != '\r') {
			snprintf(err, errlen, "%s: a second line: the file holds "
			    "the password alone; the user goes in --mqtt-user "
			    "or MQTT_USERNAME", path);
			goto fail;
		}
	}
	if (plen == 0) {
		snprintf(err, errlen, "%s: the first line (the password) is "
		    "empty", path);
		goto fail;
	}
	if ((o->password = xstrndup(buf, plen)) == NULL) {
		saved = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		goto fail;
	}
	explicit_bzero(buf, len);
	free(buf);
	if (warnlen > 0 && stat(path, &st) == 0 &&
	    (st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		snprintf(warn, warnlen, "%s: readable by group or others "
		    "(mode %04o)", path, (unsigned)(st.st_mode & 07777));
	return 0;
fail:
	explicit_bzero(buf, len);
	free(buf);
	errno = saved;
	return -1;
}

int
mqtt_opts_load_credentials(struct mqtt_opts *o, char *err, size_t errlen,
    char *warn, size_t warnlen)
{
	const char *env;

	if (warnlen > 0)
		warn[0] = '\0';
	mqtt_opts_free(o);
	if (o->user == NULL && (env = getenv("MQTT_USERNAME")) != NULL &&
	    *env != '\0')
		o->user = env;
	if (o->password_file != NULL) {
		if (o->user == NULL) {
			snprintf(err, errlen, "--mqtt-password-file needs "
			    "--mqtt-user or MQTT_USERNAME");
			errno = EINVAL;
			return -1;
		}
		return read_password_file(o, o->password_file, err, errlen,
		    warn, warnlen);
	}
	if ((env = getenv("MQTT_PASSWORD")) == NULL)
		return 0;
	if (o->user == NULL) {
		if (warnlen > 0)
			snprintf(warn, warnlen, "MQTT_PASSWORD is set but no "
			    "user (--mqtt-user or MQTT_USERNAME): not used");
		return 0;
	}
	if ((o->password = strdup(env)) == NULL) {
		snprintf(err, errlen, "MQTT_PASSWORD: %s", strerror(errno));
		return -1;
	}
	return 0;
}
