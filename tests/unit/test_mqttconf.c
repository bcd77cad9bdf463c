/* Tests of lib/mqttconf.c: the shared options through a real getopt_long
 * loop, their checks, topic filters, and the credentials (password file,
 * MQTT_PASSWORD, MQTT_USERNAME). */
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

#include "cli.h"
#include "mqttconf.h"
#include "util.h"

static char dir[] = "/tmp/test_mqttconf.XXXXXX";

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

static const char *
put_file(const char *name, const char *text, size_t len, mode_t mode)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
	return path;
}

#define PUT(name, text, mode) put_file(name, text, sizeof(text) - 1, mode)

/* Parse args (NULL-terminated) as a tool would: its own -q, then the MQTT
 * options.  Returns 0, or -1 with err set. */
static int
parse(struct mqtt_opts *o, const char *const *args, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		MQTT_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_getopt g = { ":q" MQTT_SHORTOPTS, longopts, NULL, "" };
	char *argv[32];
	int argc = 0, c, rc;

	argv[argc++] = "prog";
	for (; *args != NULL; args++) {
		assert_true(argc < (int)NELEM(argv) - 1);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;
	optind = 0;
	mqtt_opts_init(o);
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		if (c == '?') {
			snprintf(err, errlen, "%s", g.err);
			return -1;
		}
		if (c == 'q')
			continue;
		rc = mqtt_opts_set(o, c, optarg, err, errlen);
		assert_int_not_equal(rc, 1);
		if (rc == -1)
			return -1;
	}
	return mqtt_opts_check(o, err, errlen);
}

static void
test_options(void **state)
{
	static const char *const args[] = { "-u", "ssl://h:8883",
	    "--mqtt-topic", "store/+/till", "--client-id", "bridge-1",
	    "--qos", "2", "--keepalive", "1m", "--mqtt-user", "alice",
	    "--mqtt-password-file", "pw.txt", "--cafile", "ca.pem", "--cert",
	    "c.pem", "--key", "k.pem", "-q", NULL };
	struct mqtt_opts o;
	char err[256];

	(void)state;
	assert_int_equal(parse(&o, args, err, sizeof(err)), 0);
	assert_string_equal(o.url, "ssl://h:8883");
	assert_string_equal(o.topic, "store/+/till");
	assert_string_equal(o.client_id, "bridge-1");
	assert_int_equal(o.qos, 2);
	assert_int_equal(o.keepalive, 60);
	assert_string_equal(o.user, "alice");
	assert_string_equal(o.password_file, "pw.txt");
	assert_string_equal(o.cafile, "ca.pem");
	assert_string_equal(o.cert, "c.pem");
	assert_string_equal(o.key, "k.pem");
	assert_true(mqtt_opts_tls(&o));
	assert_null(o.password);

	/* Defaults. */
	mqtt_opts_init(&o);
	assert_int_equal(o.qos, 1);
	assert_int_equal(o.keepalive, 30);
	assert_null(o.url);
	assert_false(mqtt_opts_tls(&o));
	/* Not an MQTT option: untouched. */
	assert_int_equal(mqtt_opts_set(&o, 'q', "x", err, sizeof(err)), 1);
	assert_int_equal(mqtt_opts_set(&o, MQTT_OPT_FIRST - 1, "x", err,
	    sizeof(err)), 1);
	assert_int_equal(mqtt_opts_set(&o, MQTT_OPT_LAST + 1, "x", err,
	    sizeof(err)), 1);
	assert_int_equal(o.given, 0);
}

static void
test_option_errors(void **state)
{
	static const struct {
		const char *args[6];
		const char *err;
	} t[] = {
		{ { "--qos", "3" }, "--qos: 3 is out of range (0 to 2)" },
		{ { "--qos", "one" }, "--qos: 'one' is not a count" },
		{ { "--keepalive", "2" },
		    "--keepalive: 2 is out of range (5s to 1h)" },
		{ { "--keepalive", "2h" },
		    "--keepalive: 2h is out of range (5s to 1h)" },
		{ { "--keepalive", "10.5s" },
		    "--keepalive: '10.5s' is not a whole number of seconds" },
		{ { "--keepalive", "x" }, "--keepalive: 'x' is not a duration" },
		{ { "--mqtt", "localhost:1883" }, "--mqtt: 'localhost:1883' is "
		    "not an MQTT URL (tcp://HOST:PORT or ssl://HOST:PORT)" },
		{ { "-u", "tcp://" }, "--mqtt: 'tcp://' is not an MQTT URL "
		    "(tcp://HOST:PORT or ssl://HOST:PORT)" },
		{ { "-u", "" }, "--mqtt: the value is empty" },
		{ { "--client-id", "" }, "--client-id: the value is empty" },
		{ { "--mqtt-user=" }, "--mqtt-user: the value is empty" },
		{ { "--qos" }, "option '--qos' needs a value" },
		{ { "--qos", "1" }, "--qos needs --mqtt" },
		{ { "--mqtt-topic", "t", "--cafile", "x" },
		    "--mqtt-topic needs --mqtt" },
		{ { "--key", "k.pem" }, "--key needs --mqtt" },
		{ { "-u", "tcp://h:1", "--key", "k.pem" }, "--key needs --cert" },
	};
	struct mqtt_opts o;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		err[0] = '\0';
		assert_int_equal(parse(&o, t[i].args, err, sizeof(err)), -1);
		assert_string_equal(err, t[i].err);
	}
}

static void
test_topic_check(void **state)
{
	static const struct {
		const char *topic;
		int filter;
		const char *err;	/* NULL: fine */
	} t[] = {
		{ "store/till", 0, NULL },
		{ "store/till", 1, NULL },
		{ "/", 0, NULL },
		{ "store/+/till", 1, NULL },
		{ "store/#", 1, NULL },
		{ "#", 1, NULL },
		{ "+", 1, NULL },
		{ "+/+", 1, NULL },
		{ "", 1, "empty" },
		{ "store/+/till", 0, "'+' is for topic filters only" },
		{ "store/#", 0, "'#' is for topic filters only" },
		{ "store/a+", 1, "'+' must fill a whole level" },
		{ "store/#/x", 1, "'#' must be the whole last level" },
		{ "store/a#", 1, "'#' must be the whole last level" },
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(t); i++) {
		int rc = mqtt_topic_check(t[i].topic, t[i].filter, err,
		    sizeof(err));
		if (t[i].err == NULL) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(err, t[i].err);
		}
	}
}

/* The password file: its first line alone. */
static void
test_password_file(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		mode_t mode;
		const char *password;	/* NULL: an error */
		const char *msg;	/* the error, or the warning, after
					   "PATH: "; NULL: none */
	} t[] = {
		{ "s3cret\n", 7, 0600, "s3cret", NULL },
		{ "s3cret", 6, 0600, "s3cret", NULL },
		{ "s3cret\r\n", 8, 0600, "s3cret", NULL },
		{ " with spaces \n", 14, 0600, " with spaces ", NULL },
		{ "s3cret\n\n\r\n", 10, 0400, "s3cret", NULL },
		{ "s3cret\n", 7, 0640, "s3cret",
		    "readable by group or others (mode 0640)" },
		{ "s3cret\n", 7, 0644, "s3cret",
		    "readable by group or others (mode 0644)" },
		{ "alice\ns3cret\n", 13, 0600, NULL, "a second line: the file "
		    "holds the password alone; the user goes in --mqtt-user "
		    "or MQTT_USERNAME" },
		{ "s3cret\n\nmore", 12, 0600, NULL, "a second line: the file "
		    "holds the password alone; the user goes in --mqtt-user "
		    "or MQTT_USERNAME" },
		{ "", 0, 0600, NULL, "empty: the file holds the password" },
		{ "\n", 1, 0600, NULL, "the first line (the password) is "
		    "empty" },
		{ "\r\n", 2, 0600, NULL, "the first line (the password) is "
		    "empty" },
		{ "pw\0x\n", 5, 0600, NULL, "holds a NUL byte" },
	};
	struct mqtt_opts o;
	char err[256], warn[256], want[512];
	const char *f;
	size_t i;

	(void)state;
	unsetenv("MQTT_USERNAME");
	setenv("MQTT_PASSWORD", "from-env", 1);
	for (i = 0; i < NELEM(t); i++) {
		f = put_file("pw.txt", t[i].text, t[i].len, t[i].mode);
		mqtt_opts_init(&o);
		o.user = "alice";
		o.password_file = f;
		err[0] = warn[0] = '\0';
		if (t[i].password != NULL) {
			if (mqtt_opts_load_credentials(&o, err, sizeof(err),
			    warn, sizeof(warn)) != 0)
				fail_msg("case %zu: %s", i, err);
			assert_string_equal(o.password, t[i].password);
			if (t[i].msg == NULL) {
				assert_string_equal(warn, "");
			} else {
				snprintf(want, sizeof(want), "%s: %s", f,
				    t[i].msg);
				assert_string_equal(warn, want);
			}
		} else {
			assert_int_equal(mqtt_opts_load_credentials(&o, err,
			    sizeof(err), warn, sizeof(warn)), -1);
			assert_int_equal(errno, EINVAL);
			assert_null(o.password);
			snprintf(want, sizeof(want), "%s: %s", f, t[i].msg);
			assert_string_equal(err, want);
		}
		mqtt_opts_free(&o);
		assert_null(o.password);
	}
	unsetenv("MQTT_PASSWORD");
}

static void
test_password_file_errors(void **state)
{
	struct mqtt_opts o;
	char err[256], warn[256], want[512], path[300];
	char *big;
	const char *f;

	(void)state;
	unsetenv("MQTT_USERNAME");
	unsetenv("MQTT_PASSWORD");
	mqtt_opts_init(&o);
	o.user = "alice";
	snprintf(path, sizeof(path), "%s/missing", dir);
	o.password_file = path;
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);

	/* A FIFO is refused without blocking. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	assert_string_equal(err, want);

	/* Over the cap. */
	big = malloc(MQTT_PASSWORD_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, 'p', MQTT_PASSWORD_FILE_MAX + 1);
	f = put_file("big", big, MQTT_PASSWORD_FILE_MAX + 1, 0600);
	free(big);
	o.password_file = f;
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	assert_int_equal(errno, EFBIG);
	snprintf(want, sizeof(want), "%s: larger than %d bytes", f,
	    MQTT_PASSWORD_FILE_MAX);
	assert_string_equal(err, want);

	/* A password file needs a user. */
	f = PUT("pw", "s3cret\n", 0600);
	o.user = NULL;
	o.password_file = f;
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), -1);
	assert_string_equal(err,
	    "--mqtt-password-file needs --mqtt-user or MQTT_USERNAME");
	/* MQTT_USERNAME is a user. */
	setenv("MQTT_USERNAME", "bob", 1);
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_string_equal(o.user, "bob");
	assert_string_equal(o.password, "s3cret");
	/* Loading again replaces the password. */
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_string_equal(o.password, "s3cret");
	mqtt_opts_free(&o);
	unsetenv("MQTT_USERNAME");
}

/* Without a file: MQTT_PASSWORD, and the user from the option or
 * MQTT_USERNAME. */
static void
test_environment(void **state)
{
	struct mqtt_opts o;
	char err[256], warn[256];

	(void)state;
	unsetenv("MQTT_USERNAME");
	unsetenv("MQTT_PASSWORD");
	mqtt_opts_init(&o);
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_null(o.user);
	assert_null(o.password);
	assert_string_equal(warn, "");

	setenv("MQTT_PASSWORD", "env-pw", 1);
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_null(o.password);
	assert_string_equal(warn, "MQTT_PASSWORD is set but no user "
	    "(--mqtt-user or MQTT_USERNAME): not used");

	setenv("MQTT_USERNAME", "carol", 1);
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_string_equal(o.user, "carol");
	assert_string_equal(o.password, "env-pw");
	assert_string_equal(warn, "");
	mqtt_opts_free(&o);

	/* --mqtt-user wins over MQTT_USERNAME. */
	mqtt_opts_init(&o);
	o.user = "dave";
	assert_int_equal(mqtt_opts_load_credentials(&o, err, sizeof(err), warn,
	    sizeof(warn)), 0);
	assert_string_equal(o.user, "dave");
	assert_string_equal(o.password, "env-pw");
	mqtt_opts_free(&o);
	mqtt_opts_free(&o);
	mqtt_opts_free(NULL);
	unsetenv("MQTT_USERNAME");
	unsetenv("MQTT_PASSWORD");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_option_errors),
		cmocka_unit_test(test_topic_check),
		cmocka_unit_test(test_password_file),
		cmocka_unit_test(test_password_file_errors),
		cmocka_unit_test(test_environment),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
