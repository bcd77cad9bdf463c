/* Tests of lib/kafkaconf.c against the real librdkafka: the order of
 * defaults, -b, -X and -F, the -F file format, and every error's origin. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kafkaconf.h"
#include "util.h"

static char dir[] = "/tmp/test_kafkaconf.XXXXXX";

/* Write text to dir/name with mode; returns the path (static). */
static const char *
put_file(const char *name, const char *text, size_t len, mode_t mode)
{
	static char path[4][256];
	static int next;
	char *p = path[next++ % 4];
	FILE *fp;

	snprintf(p, 256, "%s/%s", dir, name);
	unlink(p);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

#define PUT(name, text, mode) put_file(name, text, sizeof(text) - 1, mode)

/* The value of key in conf, as a static string. */
static const char *
get(rd_kafka_conf_t *conf, const char *key)
{
	static char buf[512];
	size_t n = sizeof(buf);

	if (rd_kafka_conf_get(conf, key, buf, &n) != RD_KAFKA_CONF_OK)
		return "(unknown)";
	return buf;
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Defaults, then -b, then -X and -F in command-line order. */
static void
test_order(void **state)
{
	static const char *const defaults[] = {
		"client.id", "default-id",
		"bootstrap.servers", "default:9092",
		"linger.ms", "5",
		"acks", "all",
		NULL,
	};
	struct kafka_opts k = KAFKA_OPTS_INIT;
	char err[512], warn[256];
	rd_kafka_conf_t *conf;
	const char *f;

	(void)state;
	f = PUT("props.conf", "# a comment\n"
	    "\n"
	    "   # an indented comment\n"
	    "client.id=from-file\r\n"
	    "  linger.ms\t =7\n"
	    "message.max.bytes=2000000", 0600);
	assert_int_equal(kafka_opts_set(&k, 'b', "h1:9092,h2:9092", err,
	    sizeof(err), warn, sizeof(warn)), 0);
	assert_int_equal(kafka_opts_set(&k, 'X', "client.id=from-x", err,
	    sizeof(err), warn, sizeof(warn)), 0);
	assert_int_equal(kafka_opts_set(&k, 'X', "message.max.bytes=1000000",
	    err, sizeof(err), warn, sizeof(warn)), 0);
	assert_int_equal(kafka_opts_set(&k, 'F', f, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_string_equal(warn, "");
	assert_int_equal(kafka_opts_set(&k, 'X', "linger.ms=9", err,
	    sizeof(err), warn, sizeof(warn)), 0);
	assert_int_equal(k.nprops, 6);
	assert_string_equal(k.props[5].origin, "-X linger.ms=9");
	assert_string_equal(k.props[2].key, "client.id");
	assert_string_equal(k.props[3].key, "linger.ms");
	assert_string_equal(k.props[3].value, "7");
	assert_non_null(strstr(k.props[3].origin, "props.conf:5"));

	conf = kafka_conf_build(&k, defaults, err, sizeof(err));
	assert_non_null(conf);
	assert_string_equal(get(conf, "bootstrap.servers"), "h1:9092,h2:9092");
	assert_string_equal(get(conf, "client.id"), "from-file");
	assert_string_equal(get(conf, "linger.ms"), "9");
	assert_string_equal(get(conf, "message.max.bytes"), "2000000");
	assert_string_equal(get(conf, "acks"), "-1");	/* "all" */
	rd_kafka_conf_destroy(conf);

	/* Without -b the default stays; a later -X may set it too. */
	k.brokers = NULL;
	conf = kafka_conf_build(&k, defaults, err, sizeof(err));
	assert_non_null(conf);
	assert_string_equal(get(conf, "bootstrap.servers"), "default:9092");
	rd_kafka_conf_destroy(conf);
	conf = kafka_conf_build(&k, NULL, err, sizeof(err));
	assert_non_null(conf);
	assert_string_equal(get(conf, "client.id"), "from-file");
	rd_kafka_conf_destroy(conf);
	kafka_opts_free(&k);
	assert_int_equal(k.nprops, 0);
	kafka_opts_free(&k);
	kafka_opts_free(NULL);
}

/* Each error names its origin. */
static void
test_bad_property(void **state)
{
	static const char *const bad_default[] = { "no.such", "1", NULL };
	struct kafka_opts k = KAFKA_OPTS_INIT;
	char err[512], warn[256], want[512];
	rd_kafka_conf_t *conf;
	const char *f;

	(void)state;
	assert_int_equal(kafka_opts_add_x(&k, "foo=bar", err, sizeof(err)), 0);
	assert_null(kafka_conf_build(&k, NULL, err, sizeof(err)));
	assert_string_equal(err,
	    "-X foo=bar: No such configuration property: \"foo\"");
	kafka_opts_free(&k);

	assert_int_equal(kafka_opts_add_x(&k, "acks=banana", err,
	    sizeof(err)), 0);
	assert_null(kafka_conf_build(&k, NULL, err, sizeof(err)));
	assert_true(strncmp(err, "-X acks=banana: ", 16) == 0);
	kafka_opts_free(&k);

	f = PUT("bad.conf", "client.id=x\n# two\nfoo=bar\n", 0600);
	assert_int_equal(kafka_opts_add_file(&k, f, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_null(kafka_conf_build(&k, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:3: No such configuration property: "
	    "\"foo\"", f);
	assert_string_equal(err, want);
	kafka_opts_free(&k);

	assert_null(kafka_conf_build(&k, bad_default, err, sizeof(err)));
	assert_string_equal(err, "default no.such: No such configuration "
	    "property: \"no.such\"");

	/* A -X after a good -F: the first bad one is named. */
	f = PUT("good.conf", "linger.ms=3\n client.id = spaced \n", 0600);
	assert_int_equal(kafka_opts_add_file(&k, f, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_int_equal(kafka_opts_add_x(&k, "linger.ms=-5", err,
	    sizeof(err)), 0);
	/* The value is kept as written, blanks and all. */
	assert_string_equal(k.props[1].key, "client.id");
	assert_string_equal(k.props[1].value, " spaced ");
	conf = kafka_conf_build(&k, NULL, err, sizeof(err));
	assert_null(conf);
	assert_true(strncmp(err, "-X linger.ms=-5: ", 17) == 0);
	kafka_opts_free(&k);
}

static void
test_x_syntax(void **state)
{
	static const struct {
		const char *arg, *err;
	} t[] = {
		{ "foo", "-X foo: expected KEY=VALUE" },
		{ "=bar", "-X =bar: expected KEY=VALUE" },
		{ "", "-X : expected KEY=VALUE" },
	};
	struct kafka_opts k = KAFKA_OPTS_INIT;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		errno = 0;
		assert_int_equal(kafka_opts_add_x(&k, t[i].arg, err,
		    sizeof(err)), -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err, t[i].err);
	}
	assert_int_equal(k.nprops, 0);
	/* An empty value is a value; "=" in the value is kept. */
	assert_int_equal(kafka_opts_add_x(&k, "client.id=", err, sizeof(err)),
	    0);
	assert_int_equal(kafka_opts_add_x(&k, "sasl.password=a=b", err,
	    sizeof(err)), 0);
	assert_string_equal(k.props[0].value, "");
	assert_string_equal(k.props[1].key, "sasl.password");
	assert_string_equal(k.props[1].value, "a=b");
	kafka_opts_free(&k);
}

static void
test_file_errors(void **state)
{
	struct kafka_opts k = KAFKA_OPTS_INIT;
	char err[512], warn[256], want[512], fifo[300];
	const char *f;
	char *big;

	(void)state;
	/* A bad line: nothing of the file is kept. */
	assert_int_equal(kafka_opts_add_x(&k, "linger.ms=1", err, sizeof(err)),
	    0);
	f = PUT("syntax.conf", "client.id=a\n\n# c\nnot a property\n", 0600);
	assert_int_equal(kafka_opts_add_file(&k, f, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	assert_int_equal(errno, EINVAL);
	snprintf(want, sizeof(want), "%s:4: expected KEY=VALUE", f);
	assert_string_equal(err, want);
	assert_int_equal(k.nprops, 1);

	f = PUT("nokey.conf", "  =value\n", 0600);
	assert_int_equal(kafka_opts_add_file(&k, f, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	snprintf(want, sizeof(want), "%s:1: expected KEY=VALUE", f);
	assert_string_equal(err, want);

	f = put_file("nul.conf", "a=b\0c\n", 6, 0600);
	assert_int_equal(kafka_opts_add_file(&k, f, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	snprintf(want, sizeof(want), "%s: holds a NUL byte", f);
	assert_string_equal(err, want);

	snprintf(want, sizeof(want), "%s/missing.conf", dir);
	assert_int_equal(kafka_opts_add_file(&k, want, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	assert_int_equal(errno, ENOENT);
	strcat(want, ": No such file or directory");
	assert_string_equal(err, want);

	/* A FIFO is refused, without blocking on it. */
	snprintf(fifo, sizeof(fifo), "%s/fifo.conf", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(kafka_opts_add_file(&k, fifo, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", fifo);
	assert_string_equal(err, want);

	/* Over the cap. */
	big = malloc(KAFKA_CONF_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, '#', KAFKA_CONF_FILE_MAX + 1);
	f = put_file("big.conf", big, KAFKA_CONF_FILE_MAX + 1, 0600);
	free(big);
	assert_int_equal(kafka_opts_add_file(&k, f, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	assert_int_equal(errno, EFBIG);
	snprintf(want, sizeof(want), "%s: larger than %d bytes", f,
	    KAFKA_CONF_FILE_MAX);
	assert_string_equal(err, want);

	assert_int_equal(k.nprops, 1);
	kafka_opts_free(&k);
}

/* A file others can read is used, with a warning. */
static void
test_file_mode(void **state)
{
	static const struct {
		mode_t mode;
		const char *warn;	/* after the path */
	} t[] = {
		{ 0600, NULL },
		{ 0400, NULL },
		{ 0640, ": readable by group or others (mode 0640)" },
		{ 0604, ": readable by group or others (mode 0604)" },
		{ 0644, ": readable by group or others (mode 0644)" },
	};
	struct kafka_opts k = KAFKA_OPTS_INIT;
	char err[512], warn[256], want[512];
	const char *f;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		f = PUT("mode.conf", "sasl.password=secret\n", t[i].mode);
		assert_int_equal(kafka_opts_add_file(&k, f, err, sizeof(err),
		    warn, sizeof(warn)), 0);
		if (t[i].warn == NULL) {
			assert_string_equal(warn, "");
		} else {
			snprintf(want, sizeof(want), "%s%s", f, t[i].warn);
			assert_string_equal(warn, want);
		}
		chmod(f, 0600);
	}
	assert_int_equal(k.nprops, NELEM(t));
	kafka_opts_free(&k);
}

static void
test_set_dispatch(void **state)
{
	struct kafka_opts k = KAFKA_OPTS_INIT;
	char err[512], warn[256], long_topic[260];

	(void)state;
	assert_int_equal(kafka_opts_set(&k, 'q', "x", err, sizeof(err), warn,
	    sizeof(warn)), 1);
	assert_int_equal(kafka_opts_set(&k, 't', "sales.v1_x-y", err,
	    sizeof(err), warn, sizeof(warn)), 0);
	assert_string_equal(k.topic, "sales.v1_x-y");
	assert_int_equal(kafka_opts_set(&k, 't', "a b", err, sizeof(err),
	    warn, sizeof(warn)), -1);
	assert_string_equal(err, "--topic: 'a b' is not a Kafka topic name "
	    "(1 to 249 letters, digits, '.', '_', '-')");
	assert_int_equal(kafka_opts_set(&k, 't', "", err, sizeof(err), warn,
	    sizeof(warn)), -1);
	memset(long_topic, 'a', 250);
	long_topic[250] = '\0';
	assert_int_equal(kafka_topic_ok(long_topic), -1);
	long_topic[249] = '\0';
	assert_int_equal(kafka_topic_ok(long_topic), 0);
	assert_int_equal(kafka_opts_set(&k, 'b', "", err, sizeof(err), warn,
	    sizeof(warn)), -1);
	assert_string_equal(err, "-b: the broker list is empty");
	assert_string_equal(k.topic, "sales.v1_x-y");
	assert_null(k.brokers);
	kafka_opts_free(&k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_bad_property),
		cmocka_unit_test(test_x_syntax),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_file_mode),
		cmocka_unit_test(test_set_dispatch),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
