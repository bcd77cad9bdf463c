#ifndef LI_MQTTCONF_H
#define LI_MQTTCONF_H
/* The MQTT connection options that replay and mqtt2kafka share
 * (docs/conventions.md), and the loading of the credentials: data only, no
 * MQTT library here.
 *
 * A tool puts MQTT_LONGOPTS in its option table and MQTT_SHORTOPTS in its
 * short options, and hands every option it does not know itself to
 * mqtt_opts_set():
 *
 *	static const struct option longopts[] = {
 *		{ "help", no_argument, NULL, 'h' },
 *		MQTT_LONGOPTS,
 *		{ NULL, 0, NULL, 0 },
 *	};
 *	...
 *	default:
 *		switch (mqtt_opts_set(&mo, c, optarg, err, sizeof(err))) {
 *		case 0: break;
 *		case -1: return cli_usage_error("%s", err), CLI_BAD;
 *		default: ...	(not an MQTT option)
 *		}
 *
 * then, after parsing, calls mqtt_opts_check() and, before connecting,
 * mqtt_opts_load_credentials(). */
#include <getopt.h>
#include <stddef.h>

/* The largest password file read (bytes). */
#define MQTT_PASSWORD_FILE_MAX	4096

/* Codes of the long-only options: a range of their own, above every
 * character and clear of the codes tools use (which stay below 0x4d00). */
enum mqtt_opt_code {
	MQTT_OPT_FIRST = 0x4d00,
	MQTT_OPT_TOPIC = MQTT_OPT_FIRST,	/* --mqtt-topic */
	MQTT_OPT_CLIENT_ID,	/* --client-id */
	MQTT_OPT_QOS,		/* --qos */
	MQTT_OPT_KEEPALIVE,	/* --keepalive */
	MQTT_OPT_USER,		/* --mqtt-user */
	MQTT_OPT_PASSWORD_FILE,	/* --mqtt-password-file */
	MQTT_OPT_CAFILE,	/* --cafile */
	MQTT_OPT_CERT,		/* --cert */
	MQTT_OPT_KEY,		/* --key */
	MQTT_OPT_LAST = MQTT_OPT_KEY,
};

/* -u, --mqtt URL is the one with a letter. */
#define MQTT_SHORTOPTS	"u:"
#define MQTT_LONGOPTS \
	{ "cafile", required_argument, NULL, MQTT_OPT_CAFILE }, \
	{ "cert", required_argument, NULL, MQTT_OPT_CERT }, \
	{ "client-id", required_argument, NULL, MQTT_OPT_CLIENT_ID }, \
	{ "keepalive", required_argument, NULL, MQTT_OPT_KEEPALIVE }, \
	{ "key", required_argument, NULL, MQTT_OPT_KEY }, \
	{ "mqtt", required_argument, NULL, 'u' }, \
	{ "mqtt-password-file", required_argument, NULL, \
	    MQTT_OPT_PASSWORD_FILE }, \
	{ "mqtt-topic", required_argument, NULL, MQTT_OPT_TOPIC }, \
	{ "mqtt-user", required_argument, NULL, MQTT_OPT_USER }, \
	{ "qos", required_argument, NULL, MQTT_OPT_QOS }

/* The options.  Strings are borrowed (argv, the environment), except
 * password, which mqtt_opts_load_credentials() allocates. */
struct mqtt_opts {
	const char *url;	/* -u, --mqtt; NULL: MQTT is off */
	const char *topic;	/* --mqtt-topic (a topic or a filter) */
	const char *client_id;	/* --client-id; NULL: the tool's default */
	int qos;		/* --qos 0, 1 or 2; the tool's default */
	int keepalive;		/* --keepalive, in seconds */
	const char *user;	/* --mqtt-user, or MQTT_USERNAME once loaded */
	const char *password_file;	/* --mqtt-password-file */
	const char *cafile, *cert, *key;	/* TLS files */
	char *password;		/* loaded; owned; NULL: none */
	unsigned given;		/* bit (code - MQTT_OPT_FIRST) for each long
				   option given; MQTT_GIVEN_URL for -u */
};

#define MQTT_GIVEN_URL	(1u << 31)

/* Set o to the tools' defaults (QoS 1, keepalive 30 s, nothing else). */
void mqtt_opts_init(struct mqtt_opts *o);

/* Clear and free the password (o stays usable: init it again to reuse).
 * o may be NULL. */
void mqtt_opts_free(struct mqtt_opts *o);

/* Handle option code c (of MQTT_SHORTOPTS/MQTT_LONGOPTS) with value arg,
 * borrowed.  Checks the value: the URL scheme (tcp://, ssl://, mqtt://,
 * mqtts://, ws:// or wss://, and something after it), QoS 0 to 2,
 * keepalive a duration of whole seconds from 5s to 1h, and no empty
 * string.  Returns 0 when handled, 1 when c is not an MQTT option (o
 * unchanged), or -1 with err set to a usage message that names the option
 * ("--qos: 3 is out of range (0 to 2)"). */
int mqtt_opts_set(struct mqtt_opts *o, int c, const char *arg, char *err,
    size_t errlen);

/* The cross-option rules, once parsing is over: without a URL no other
 * MQTT option may be given ("--qos needs --mqtt"); --key needs --cert.
 * Returns 0, or -1 with err set (a usage error). */
int mqtt_opts_check(const struct mqtt_opts *o, char *err, size_t errlen);

/* 1 when the connection uses TLS: an ssl://, mqtts:// or wss:// URL, or a
 * --cafile or --cert. */
int mqtt_opts_tls(const struct mqtt_opts *o);

/* Check an MQTT topic (filter 0: a topic to publish to, without '+' or
 * '#') or topic filter (filter 1: '+' fills a whole level, '#' only the
 * whole last level).  Returns 0, or -1 with err set to the reason alone
 * ("'#' must be the last level"). */
int mqtt_topic_check(const char *topic, int filter, char *err,
    size_t errlen);

/* Load the credentials.  The user is --mqtt-user, else MQTT_USERNAME.
 * The password is the first line of --mqtt-password-file (read with a cap
 * of MQTT_PASSWORD_FILE_MAX; a final LF or CRLF is dropped; the file may
 * not be empty, hold a NUL, or have a second line that is not empty: the
 * user goes in --mqtt-user or MQTT_USERNAME), else MQTT_PASSWORD, else
 * none.  MQTT 3.1.1 sends no password without a user: a password file
 * without a user is an error, MQTT_PASSWORD without one is not used (with
 * a warning).  Sets o->user and o->password (owned by o).  Returns 0, or
 * -1 with errno and err set ("pw.txt: No such file or directory", "pw.txt:
 * a second line: the file holds the password alone; the user goes in
 * --mqtt-user or MQTT_USERNAME"); the tool exits 2.  A password file that
 * its group or others can read is used, with warn set ("pw.txt: readable
 * by group or others (mode 0644)"); warn is "" when all is well. */
int mqtt_opts_load_credentials(struct mqtt_opts *o, char *err,
    size_t errlen, char *warn, size_t warnlen);

#endif
