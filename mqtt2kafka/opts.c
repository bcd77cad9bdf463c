/* mqtt2kafka's command line, by docs/conventions.md: lib/cli for the
 * messages and values, lib/kafkaconf for -b, -t, -X and -F, lib/mqttconf
 * for -u and the MQTT options. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "m2k.h"

enum {
	OPT_ARCHIVE = 256, OPT_DLQT, OPT_DLQF, OPT_DRAIN, OPT_DUMP,
	OPT_FORMAT, OPT_KTOPIC, OPT_MAXSIZE, OPT_MAXSPOOL, OPT_PERSIST,
	OPT_STATE_DIR, OPT_SYNC, OPT_VERSION,
};

const char m2k_help[] =
    "Usage: mqtt2kafka [-qv] [-b brokers] [-t topic] [-X key=value] "
    "[-F file] [-u url]\n"
    "                  [--mqtt-topic filter] [--state-dir dir] "
    "[-c catalog] [--archive file]\n"
    "                  [--dlq-topic topic] [--dlq-file file] "
    "[option ...]\n"
    "       mqtt2kafka --dump file [--format csv | json]\n"
    "\nBridge checkout invoices from MQTT to Kafka, at least once.\n\n"
    "  -b, --brokers LIST         Kafka bootstrap servers "
    "(localhost:9092)\n"
    "  -t, --topic NAME           Kafka topic for invoices (invoices)\n"
    "  -X KEY=VALUE               librdkafka property (repeatable)\n"
    "  -F, --kafka-config FILE    librdkafka properties, KEY=VALUE lines\n"
    "  -u, --mqtt URL             MQTT broker (tcp://127.0.0.1:1883)\n"
    "      --mqtt-topic FILTER    MQTT topic filter (invoices)\n"
    "      --qos 1|2              subscription QoS (1)\n"
    "      --client-id ID         MQTT client id (mqtt2kafka)\n"
    "      --keepalive DURATION   MQTT keepalive (30s)\n"
    "      --mqtt-user USER       MQTT user (or MQTT_USERNAME)\n"
    "      --mqtt-password-file F the MQTT password alone on line 1\n"
    "      --cafile F, --cert F, --key F   MQTT TLS files\n"
    "      --mqtt-persistence log|file|none  paho's QoS 2 state (log)\n"
    "      --state-dir DIR        journal and counters "
    "(mqtt2kafka.state)\n"
    "  -c, --catalog FILE         catalogue CSV Item,Aisle,Price\n"
    "      --archive FILE         append invoices as BSON, deduplicated\n"
    "      --dlq-topic TOPIC      Kafka topic for dead letters\n"
    "      --dlq-file FILE        append dead letters as JSON lines\n"
    "      --max-size SIZE        longest message accepted (64K)\n"
    "      --max-spool SIZE       journal size that stops intake (1G)\n"
    "      --sync-interval DUR    fsync batching (100ms)\n"
    "      --drain DUR            wait for Kafka at exit (500ms)\n"
    "      --dump FILE            print an archive, one invoice a line\n"
    "      --format csv|json      --dump output (csv)\n"
    "  -q, --quiet                one level less on stderr (-qq: errors)\n"
    "  -v, --verbose              one level more on stderr (-vv: debug)\n"
    "  -h, --help                 this help\n"
    "      --version              the version\n";

static const char shortopts[] = ":" KAFKA_SHORTOPTS MQTT_SHORTOPTS "c:hqv";

static const struct option longopts[] = {
	/* Not KAFKA_LONGOPTS: --topic has a code of its own, to refuse it
	 * alone during 0.2.x (it named the MQTT filter before). */
	{ "brokers", required_argument, NULL, 'b' },
	{ "kafka-config", required_argument, NULL, 'F' },
	{ "topic", required_argument, NULL, OPT_KTOPIC },
	MQTT_LONGOPTS,
	{ "archive", required_argument, NULL, OPT_ARCHIVE },
	{ "catalog", required_argument, NULL, 'c' },
	{ "dlq-file", required_argument, NULL, OPT_DLQF },
	{ "dlq-topic", required_argument, NULL, OPT_DLQT },
	{ "drain", required_argument, NULL, OPT_DRAIN },
	{ "dump", required_argument, NULL, OPT_DUMP },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "max-size", required_argument, NULL, OPT_MAXSIZE },
	{ "max-spool", required_argument, NULL, OPT_MAXSPOOL },
	{ "mqtt-persistence", required_argument, NULL, OPT_PERSIST },
	{ "quiet", no_argument, NULL, 'q' },
	{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
	{ "sync-interval", required_argument, NULL, OPT_SYNC },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static const struct cli_retired retired[] = {
	{ "-d", "use --state-dir" },
	{ "--kafka-topic", "use -t, --topic" },
	{ NULL, NULL }
};

void
m2k_opts_init(struct m2k_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->kafka = (struct kafka_opts)KAFKA_OPTS_INIT;
	o->kafka.brokers = "localhost:9092";
	o->kafka.topic = "invoices";
	mqtt_opts_init(&o->mqtt);
	o->state_dir = "mqtt2kafka.state";
	o->persist = M2K_PERSIST_LOG;
	o->max_size = 65536;
	o->max_spool = 1ULL << 30;
	o->sync_interval = 0.1;
	o->drain = 0.5;
}

void
m2k_opts_free(struct m2k_opts *o)
{
	kafka_opts_free(&o->kafka);
	mqtt_opts_free(&o->mqtt);
}

/* One of the tool's own options with a value.  Returns 0, or -1 with err
 * set (a usage error). */
static int
own_opt(struct m2k_opts *o, int c, const char *arg, char *err, size_t elen)
{
	unsigned long long sz;

	switch (c) {
	case 'c': o->catalog_path = arg; return 0;
	case OPT_STATE_DIR: o->state_dir = arg; return 0;
	case OPT_ARCHIVE: o->archive_path = arg; return 0;
	case OPT_DLQT:
		if (kafka_topic_ok(arg) == -1) {
			snprintf(err, elen, "--dlq-topic: '%s' is not a Kafka "
			    "topic name", arg);
			return -1;
		}
		o->dlq_topic = arg;
		return 0;
	case OPT_DLQF: o->dlq_path = arg; return 0;
	case OPT_DUMP: o->dump = arg; return 0;
	case OPT_FORMAT:
		if (strcmp(arg, "csv") != 0 && strcmp(arg, "json") != 0) {
			snprintf(err, elen, "--format: '%s' is not csv or json",
			    arg);
			return -1;
		}
		o->dump_json = strcmp(arg, "json") == 0;
		return 0;
	case OPT_PERSIST:
		if (strcmp(arg, "log") == 0)
			o->persist = M2K_PERSIST_LOG;
		else if (strcmp(arg, "file") == 0)
			o->persist = M2K_PERSIST_FILE;
		else if (strcmp(arg, "none") == 0)
			o->persist = M2K_PERSIST_NONE;
		else {
			snprintf(err, elen, "--mqtt-persistence: '%s' is not "
			    "log, file or none", arg);
			return -1;
		}
		return 0;
	case OPT_MAXSIZE:
		if (cli_size("--max-size", arg, 1, M2K_KEEPMAX, &sz, err,
		    elen) == -1)
			return -1;
		o->max_size = (size_t)sz;
		return 0;
	case OPT_MAXSPOOL:
		if (cli_size("--max-spool", arg, 1, 1ULL << 40, &sz, err,
		    elen) == -1)
			return -1;
		o->max_spool = sz;
		return 0;
	case OPT_SYNC:
		return cli_duration("--sync-interval", arg, 0, 3600,
		    &o->sync_interval, err, elen);
	case OPT_DRAIN:
		return cli_duration("--drain", arg, 0, 3600, &o->drain, err,
		    elen);
	default:
		snprintf(err, elen, "unknown option");
		return -1;
	}
}

/* The rules between options, once all are read. */
static enum cli_result
check_opts(struct m2k_opts *o, int topic_long)
{
	char err[256];

	if (topic_long && !(o->mqtt.given & (1u << (MQTT_OPT_TOPIC -
	    MQTT_OPT_FIRST))))
		return cli_usage_error("option '--topic' without --mqtt-topic: "
		    "--topic named the MQTT filter before 0.2.0; the filter is "
		    "now --mqtt-topic FILTER, the Kafka topic -t, --topic"),
		    CLI_BAD;
	if (mqtt_opts_check(&o->mqtt, err, sizeof(err)) == -1)
		return cli_usage_error("%s", err), CLI_BAD;
	if (o->mqtt.qos < 1)
		return cli_usage_error("--qos: %d is out of range (1 to 2): "
		    "the bridge delivers at least once", o->mqtt.qos), CLI_BAD;
	if (mqtt_topic_check(o->mqtt.topic, 1, err, sizeof(err)) == -1)
		return cli_usage_error("--mqtt-topic: '%s': %s",
		    o->mqtt.topic, err), CLI_BAD;
	return CLI_RUN;
}

enum cli_result
m2k_parse_args(int argc, char *argv[], struct m2k_opts *o)
{
	struct cli_getopt g = { shortopts, longopts, retired, "" };
	char err[4200], warnmsg[256];
	int c, topic_long = 0;

	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		switch (c) {
		case '?':
			return cli_usage_error("%s", g.err), CLI_BAD;
		case 'h':
			return CLI_HELP;
		case OPT_VERSION:
			return CLI_VERSION;
		case 'q':
			cli_quieter();
			continue;
		case 'v':
			cli_louder();
			continue;
		case OPT_KTOPIC:
			topic_long = 1;
			if (kafka_topic_ok(optarg) == -1)
				return cli_usage_error("--topic: '%s' is not a "
				    "Kafka topic name (the MQTT filter is "
				    "--mqtt-topic since 0.2.0)", optarg),
				    CLI_BAD;
			c = 't';
			break;
		default:
			break;
		}
		warnmsg[0] = '\0';
		switch (kafka_opts_set(&o->kafka, c, optarg, err, sizeof(err),
		    warnmsg, sizeof(warnmsg))) {
		case 0:
			if (warnmsg[0] != '\0')
				cli_log(CLI_WARN, "%s", warnmsg);
			continue;
		case -1:
			/* A bad -F file is a configuration error too. */
			return cli_usage_error("%s", err), CLI_BAD;
		default:
			break;
		}
		switch (mqtt_opts_set(&o->mqtt, c, optarg, err, sizeof(err))) {
		case 0:
			continue;
		case -1:
			return cli_usage_error("%s", err), CLI_BAD;
		default:
			break;
		}
		if (own_opt(o, c, optarg, err, sizeof(err)) == -1)
			return cli_usage_error("%s", err), CLI_BAD;
	}
	if (optind != argc)
		return cli_usage_error("unexpected argument '%s'",
		    argv[optind]), CLI_BAD;
	if (o->mqtt.url == NULL)
		o->mqtt.url = "tcp://127.0.0.1:1883";
	if (o->mqtt.topic == NULL)
		o->mqtt.topic = "invoices";
	if (o->mqtt.client_id == NULL)
		o->mqtt.client_id = "mqtt2kafka";
	return check_opts(o, topic_long);
}
