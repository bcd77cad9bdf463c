#ifndef LI_KAFKACONF_H
#define LI_KAFKACONF_H
/* Kafka client configuration as replay, reduce and mqtt2kafka take it
 * (docs/conventions.md): -b BROKERS, -t TOPIC, and librdkafka properties
 * from -X KEY=VALUE and -F FILE, applied in command-line order, as kcat
 * does.  The tool collects them while parsing its options, then builds one
 * rd_kafka_conf_t: its own defaults first, then bootstrap.servers from -b,
 * then the -X and -F properties in the order given, so the user has the
 * last word.
 *
 * Every error names where the property came from ("-X foo=bar: No such
 * configuration property: \"foo\"", "props.conf:3: ...", "props.conf:4:
 * expected KEY=VALUE") and is a configuration error: the tool prints it
 * and exits 2.  Nothing here prints; warnings are returned as strings.
 *
 * Only the tools that use this module link librdkafka (libcommon.a is a
 * static archive). */
#include <getopt.h>
#include <stddef.h>

#include <librdkafka/rdkafka.h>

/* The largest -F file read (bytes). */
#define KAFKA_CONF_FILE_MAX	(1024 * 1024)

/* The options' codes are their letters; -t and -F have long spellings. */
#define KAFKA_SHORTOPTS	"b:F:t:X:"
#define KAFKA_LONGOPTS \
	{ "brokers", required_argument, NULL, 'b' }, \
	{ "kafka-config", required_argument, NULL, 'F' }, \
	{ "topic", required_argument, NULL, 't' }

/* One librdkafka property; all three strings are owned by kafka_opts. */
struct kafka_prop {
	char *key;
	char *value;
	char *origin;	/* "-X KEY=VALUE" or "FILE:LINE", for messages */
};

struct kafka_opts {
	const char *brokers;	/* -b; borrowed (argv), NULL: none */
	const char *topic;	/* -t; borrowed, NULL: none */
	struct kafka_prop *props;	/* -X and -F, in command-line order */
	size_t nprops, cap;
};

/* An empty set: no brokers, no topic, no property. */
#define KAFKA_OPTS_INIT	{ NULL, NULL, NULL, 0, 0 }

/* Free the properties (not brokers or topic, which are borrowed) and
 * leave k empty.  k may be NULL. */
void kafka_opts_free(struct kafka_opts *k);

/* Add the -X argument arg ("KEY=VALUE": a non-empty key, the value may be
 * empty).  arg is copied.  Returns 0, or -1 with errno (EINVAL: "-X foo:
 * expected KEY=VALUE"; ENOMEM) and err filled. */
int kafka_opts_add_x(struct kafka_opts *k, const char *arg, char *err,
    size_t errlen);

/* Read the -F file path now (kcat's format: KEY=VALUE lines; blank lines
 * and lines whose first non-blank is '#' are ignored; blanks around the
 * key are trimmed, the value is kept as written up to the line break, LF
 * or CRLF) and add its properties in file order.  At most
 * KAFKA_CONF_FILE_MAX bytes; a FIFO or device is refused.  Returns 0, or
 * -1 with errno and err filled ("props.conf: No such file or directory",
 * "props.conf: not a regular file", "props.conf:4: expected KEY=VALUE");
 * nothing is added then.  As the file holds secrets, a file that its group
 * or others can read is used, with warn set to "props.conf: readable by
 * group or others (mode 0644)"; warn is "" otherwise. */
int kafka_opts_add_file(struct kafka_opts *k, const char *path, char *err,
    size_t errlen, char *warn, size_t warnlen);

/* 0 when name is a Kafka topic name: 1 to 249 letters, digits, '.', '_'
 * or '-'; else -1. */
int kafka_topic_ok(const char *name);

/* Handle option c of KAFKA_SHORTOPTS/KAFKA_LONGOPTS with its value arg:
 * -b and -t are kept (borrowed; the topic is checked: "--topic: 'a b' is
 * not a Kafka topic name"), -X and -F added as above.  Returns 0 when
 * handled, 1 when c is not a Kafka option (k unchanged), -1 with err set
 * on a bad value (a usage error).  warn as kafka_opts_add_file. */
int kafka_opts_set(struct kafka_opts *k, int c, const char *arg, char *err,
    size_t errlen, char *warn, size_t warnlen);

/* A new configuration: each pair of defaults (a NULL-terminated list of
 * key, value, key, value, ...; defaults may be NULL), then
 * bootstrap.servers = k->brokers when set, then k's properties in order.
 * Returns a conf the caller owns (rd_kafka_new() takes it, or
 * rd_kafka_conf_destroy()), or NULL with err filled: "ORIGIN: librdkafka's
 * reason" (ORIGIN "default KEY" for the tool's own defaults, "-b" for the
 * brokers), or the reason alone when out of memory. */
rd_kafka_conf_t *kafka_conf_build(const struct kafka_opts *k,
    const char *const *defaults, char *err, size_t errlen);

#endif
