/* Option parsing for replay: the option table, value checks (lib/cli),
 * the Kafka and MQTT options (lib/kafkaconf, lib/mqttconf) and the
 * cross-option rules. */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "synth.h"
#include "tcpout.h"
#include "util.h"

const char replay_help_text[] =
"Usage: replay [-qv] [-n count] [-o path | --listen host:port |\n"
"              -u url --mqtt-topic topic]\n"
"              [--rate n | --speedup x [--sort | --reorder duration]]\n"
"              [--clean] [--lines] [--loop] [--shuffle] [--seed n] [file ...]\n"
"       replay --synth[=store|invoices] [options]\n"
"       replay -b brokers -t topic [--kafka-key column] [-X key=value]...\n"
"              [-F file]... [options] [file ...]\n"
"\n"
"Stream CSV rows (or lines) at a controlled pace, like a live till.\n"
"\n"
"Input:\n"
"      --lines             plain lines, no header (default: CSV records)\n"
"      --max-record SIZE   longest record or line (default 1M)\n"
"      --synth[=store]     synthesise the store: --rows N (0 = endless),\n"
"                          --days N, --start YYYY-MM-DD, --dirty,\n"
"                          --empty-rows N, --weak-branch NAME[:F],\n"
"                          --hot-product NAME[:F]\n"
"      --synth=invoices    synthesise till invoices: --invoices N,\n"
"                          --customers N, --segments N, --years N,\n"
"                          --start, --format text|json\n"
"      --seed N            seed for --synth, --shuffle, --jitter (default 1)\n"
"Output (default stdout):\n"
"  -o, --output PATH       a FIFO (made if missing) or a file\n"
"      --reopen            wait for the FIFO's next reader when one leaves\n"
"      --listen HOST:PORT  serve TCP clients, several at once:\n"
"                          --max-clients N (64), --client-buffer SIZE\n"
"                          (1M queued for one that falls behind)\n"
"  -u, --mqtt URL          publish each row to an MQTT broker, with\n"
"                          --mqtt-topic T, --qos 0|1|2 (1), --client-id ID,\n"
"                          --keepalive DURATION (30s), --mqtt-user U,\n"
"                          --mqtt-password-file F (the password alone; or\n"
"                          MQTT_PASSWORD), --cafile F, --cert F, --key F,\n"
"                          --max-inflight N (1000; 20 at QoS 2)\n"
"  -b, --brokers LIST      produce each row to a Kafka topic (-t, --topic T),\n"
"                          idempotent, acks=all; the header goes in each\n"
"                          message's li.header header\n"
"      --kafka-key COLUMN  key messages by this column (same key, same\n"
"                          partition)\n"
"  -X KEY=VALUE            a librdkafka property, as kcat's -X\n"
"  -F, --kafka-config FILE librdkafka properties from FILE (key=value lines)\n"
"Pace and order:\n"
"      --rate N            rows per second (0 = as fast as possible, default)\n"
"      --speedup X         replay by event time, X times faster; a row older\n"
"                          than the newest so far is sent at once\n"
"      --sort              read all the input, sort it by event time, then\n"
"                          stream it (needs --speedup; held in memory)\n"
"      --reorder DURATION  hold rows up to DURATION of event time and send\n"
"                          them in time order (needs --speedup)\n"
"      --time-col NAME     the event time column (default Timestamp)\n"
"      --jitter FRAC       vary each gap by +-FRAC (0..1)\n"
"      --loop              repeat the input\n"
"      --shuffle           send the rows in a random order\n"
"  -n, --count N           stop after N rows\n"
"Cleaning:\n"
"      --clean             canonical timestamps, integers without .0, skip\n"
"                          empty rows\n"
"      --reject-empty FILE write the empty rows there\n"
"  -q, --quiet             no warnings or summary (-qq: errors only)\n"
"  -v, --verbose           a summary and connection events on stderr\n"
"  -h, --help              this help\n"
"      --version           the version\n";

enum {
	O_CLEAN = 256, O_CLIENT_BUFFER, O_CUSTOMERS, O_DAYS, O_DIRTY,
	O_EMPTY_ROWS, O_FORMAT, O_HOT, O_INVOICES, O_JITTER, O_KAFKA_KEY,
	O_LINES, O_LISTEN, O_LOOP, O_MAX_CLIENTS, O_MAX_INFLIGHT,
	O_MAX_RECORD, O_RATE, O_REJECT_EMPTY, O_REOPEN, O_REORDER, O_ROWS,
	O_SEED, O_SEGMENTS, O_SHUFFLE, O_SORT, O_SPEEDUP, O_START, O_SYNTH,
	O_TIME_COL, O_VERSION, O_WEAK, O_YEARS,
};

static const char shortopts[] = ":" KAFKA_SHORTOPTS MQTT_SHORTOPTS "hn:o:qv";

static const struct option longopts[] = {
	KAFKA_LONGOPTS,
	MQTT_LONGOPTS,
	{ "clean",		no_argument,		NULL, O_CLEAN },
	{ "client-buffer",	required_argument,	NULL, O_CLIENT_BUFFER },
	{ "count",		required_argument,	NULL, 'n' },
	{ "customers",		required_argument,	NULL, O_CUSTOMERS },
	{ "days",		required_argument,	NULL, O_DAYS },
	{ "dirty",		no_argument,		NULL, O_DIRTY },
	{ "empty-rows",		required_argument,	NULL, O_EMPTY_ROWS },
	{ "format",		required_argument,	NULL, O_FORMAT },
	{ "help",		no_argument,		NULL, 'h' },
	{ "hot-product",	required_argument,	NULL, O_HOT },
	{ "invoices",		required_argument,	NULL, O_INVOICES },
	{ "jitter",		required_argument,	NULL, O_JITTER },
	{ "kafka-key",		required_argument,	NULL, O_KAFKA_KEY },
	{ "lines",		no_argument,		NULL, O_LINES },
	{ "listen",		required_argument,	NULL, O_LISTEN },
	{ "loop",		no_argument,		NULL, O_LOOP },
	{ "max-clients",	required_argument,	NULL, O_MAX_CLIENTS },
	{ "max-inflight",	required_argument,	NULL, O_MAX_INFLIGHT },
	{ "max-record",		required_argument,	NULL, O_MAX_RECORD },
	{ "output",		required_argument,	NULL, 'o' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "rate",		required_argument,	NULL, O_RATE },
	{ "reject-empty",	required_argument,	NULL, O_REJECT_EMPTY },
	{ "reopen",		no_argument,		NULL, O_REOPEN },
	{ "reorder",		required_argument,	NULL, O_REORDER },
	{ "rows",		required_argument,	NULL, O_ROWS },
	{ "seed",		required_argument,	NULL, O_SEED },
	{ "segments",		required_argument,	NULL, O_SEGMENTS },
	{ "shuffle",		no_argument,		NULL, O_SHUFFLE },
	{ "sort",		no_argument,		NULL, O_SORT },
	{ "speedup",		required_argument,	NULL, O_SPEEDUP },
	{ "start",		required_argument,	NULL, O_START },
	{ "synth",		optional_argument,	NULL, O_SYNTH },
	{ "time-col",		required_argument,	NULL, O_TIME_COL },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, O_VERSION },
	{ "weak-branch",	required_argument,	NULL, O_WEAK },
	{ "years",		required_argument,	NULL, O_YEARS },
	{ NULL,			0,			NULL, 0 },
};

/* The spellings that changed in 0.2.0 (docs/conventions.md).  --key and
 * --topic still exist with their conventional meaning; their old use is
 * caught by the cross-option rules. */
static const struct cli_retired retired[] = {
	{ "-r", "use --rate (-r is alertd's rules file)" },
	{ "--kafka", "use -b, --brokers" },
	{ NULL, NULL },
};

#define MAX_RECORD_LIMIT	(64ULL * 1024 * 1024)

/* Which options need which mode, for the cross-option rules. */
enum {
	G_STORE = 1 << 0,	/* --synth=store */
	G_INV = 1 << 1,		/* --synth=invoices */
	G_TCP = 1 << 2,		/* --listen */
	G_MQTT = 1 << 3,	/* --mqtt */
};

/* Options that only store a checked value: one table instead of a case
 * each. */
enum vkind { V_FLAG, V_STR, V_INT, V_I64, V_U64, V_DBL, V_DUR, V_SIZE };

struct vopt {
	int code;
	enum vkind kind;
	size_t off;		/* in struct replay_opts */
	double min, max;
	unsigned group;		/* G_* the option marks as used */
};

#define OFF(f)	offsetof(struct replay_opts, f)

static const struct vopt vopts[] = {
	{ 'n', V_I64, OFF(count), 0, 9.2e18, 0 },
	{ 'o', V_STR, OFF(out_path), 0, 0, 0 },
	{ O_CLEAN, V_FLAG, OFF(clean), 0, 0, 0 },
	{ O_CLIENT_BUFFER, V_SIZE, OFF(client_buffer), 4096, 1 << 30, G_TCP },
	{ O_CUSTOMERS, V_INT, OFF(customers), 1, 1000000, G_INV },
	{ O_DAYS, V_INT, OFF(days), 1, 36500, G_STORE },
	{ O_DIRTY, V_FLAG, OFF(dirty), 0, 0, G_STORE },
	{ O_EMPTY_ROWS, V_U64, OFF(empty_rows), 0, 9.2e18, G_STORE },
	{ O_JITTER, V_DBL, OFF(jitter), 0, 1, 0 },
	{ O_LINES, V_FLAG, OFF(lines), 0, 0, 0 },
	{ O_LISTEN, V_STR, OFF(listen), 0, 0, 0 },
	{ O_LOOP, V_FLAG, OFF(loop), 0, 0, 0 },
	{ O_MAX_CLIENTS, V_INT, OFF(max_clients), 1, TCPOUT_CLIENTS_LIMIT,
	    G_TCP },
	{ O_MAX_INFLIGHT, V_INT, OFF(max_inflight), 1, 65535, G_MQTT },
	{ O_MAX_RECORD, V_SIZE, OFF(max_record), 1024, MAX_RECORD_LIMIT, 0 },
	{ O_RATE, V_DBL, OFF(rate), 0, 1e9, 0 },
	{ O_REJECT_EMPTY, V_STR, OFF(reject_empty), 0, 0, 0 },
	{ O_REOPEN, V_FLAG, OFF(reopen), 0, 0, 0 },
	{ O_REORDER, V_DUR, OFF(reorder), 0.001, 366 * 86400.0, 0 },
	{ O_SEED, V_U64, OFF(seed), 0, 9.2e18, 0 },
	{ O_SEGMENTS, V_INT, OFF(segments), 0, 1000000, G_INV },
	{ O_SHUFFLE, V_FLAG, OFF(shuffle), 0, 0, 0 },
	{ O_SORT, V_FLAG, OFF(sort), 0, 0, 0 },
	{ O_SPEEDUP, V_DBL, OFF(speedup), 1e-6, 1e9, 0 },
	{ O_TIME_COL, V_STR, OFF(time_col), 0, 0, 0 },
	{ O_YEARS, V_INT, OFF(years), 1, 100, G_INV },
};

/* The spelling of option code c, for messages ("--rate", "-n"). */
static const char *
opt_name(int c, char *buf, size_t len)
{
	const struct option *l;

	for (l = longopts; l->name != NULL; l++)
		if (l->val == c) {
			snprintf(buf, len, "--%s", l->name);
			return buf;
		}
	snprintf(buf, len, "-%c", c);
	return buf;
}

/* Set a table option.  Returns 0, or -1 with err set. */
static int
set_vopt(struct replay_opts *o, const struct vopt *v, const char *a,
    char *err, size_t errlen)
{
	char *base = (char *)o + v->off, name[32];
	long long ll;
	unsigned long long ull;
	double d;

	opt_name(v->code, name, sizeof(name));
	switch (v->kind) {
	case V_FLAG:
		*(int *)(void *)base = 1;
		return 0;
	case V_STR:
		if (*a == '\0') {
			snprintf(err, errlen, "%s: the value is empty", name);
			return -1;
		}
		*(const char **)(void *)base = a;
		return 0;
	case V_INT: case V_I64: case V_U64:
		if (cli_count(name, a, (long long)v->min, v->max > 9e18 ?
		    INT64_MAX : (long long)v->max, &ll, err, errlen) == -1)
			return -1;
		if (v->kind == V_INT)
			*(int *)(void *)base = (int)ll;
		else if (v->kind == V_I64)
			*(int64_t *)(void *)base = ll;
		else
			*(uint64_t *)(void *)base = (uint64_t)ll;
		return 0;
	case V_DBL:
		if (cli_number(name, a, v->min, v->max, &d, err, errlen) == -1)
			return -1;
		*(double *)(void *)base = d;
		return 0;
	case V_DUR:
		if (cli_duration(name, a, v->min, v->max, &d, err,
		    errlen) == -1)
			return -1;
		*(double *)(void *)base = d;
		return 0;
	case V_SIZE:
		if (cli_size(name, a, (unsigned long long)v->min,
		    (unsigned long long)v->max, &ull, err, errlen) == -1)
			return -1;
		*(size_t *)(void *)base = (size_t)ull;
		return 0;
	}
	return -1;
}

static int
bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
int
replay_parse_pick(const char *arg, const char *const *names, size_t n,
    double def, int *index, double *factor)
{
	const char *colon = strrchr(arg, ':');
	size_t nlen = strlen(arg), i;
	double f = def;
	long long num;

	if (colon != NULL &&
	    parse_double(colon + 1, 0, 1e6, &f) == 0) {
		if (f <= 0)
			return -1;
		nlen = (size_t)(colon - arg);
	} else {
		f = def;
	}
	if (nlen == 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (strlen(names[i]) == nlen &&
		    strncasecmp(names[i], arg, nlen) == 0) {
			*index = (int)i + 1;
			*factor = f;
			return 0;
		}
	}
	{
		char tmp[32];
		if (nlen < sizeof(tmp)) {
			memcpy(tmp, arg, nlen);
			tmp[nlen] = '\0';
			if (parse_long(tmp, 1, (long long)n, &num) == 0) {
				*index = (int)num;
				*factor = f;
				return 0;
			}
		}
	}
	return -1;
}

int
replay_parse_hostport(const char *arg, char *host, size_t hostlen,
    char *port, size_t portlen)
{
	const char *colon, *h = arg;
	size_t hl;
	long long p;

	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		h = arg + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		if ((colon = strrchr(arg, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - arg);
	}
	if (hl >= hostlen || strlen(colon + 1) >= portlen ||
	    parse_long(colon + 1, 0, 65535, &p) == -1)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static void
defaults(struct replay_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_record = 1024 * 1024;
	o->client_buffer = TCPOUT_BUFFER;
	o->max_clients = TCPOUT_MAX_CLIENTS;
	mqtt_opts_init(&o->mqtt);
	o->max_inflight = 0;	/* by QoS, after parsing */
	o->time_col = "Timestamp";
	o->seed = 1;
	o->count = -1;
	o->days = 30;
	o->weak_factor = 1;
	o->hot_factor = 1;
	o->customers = 200;
	o->segments = 8;
	o->years = 3;
}

void
replay_opts_free(struct replay_opts *o)
{
	kafka_opts_free(&o->kafka);
	mqtt_opts_free(&o->mqtt);
}

/* The options that are not in the table.  Returns 0, or -1 with err
 * set; *group gets the G_* bits of what was used. */
static int
set_special(struct replay_opts *o, int c, const char *a, int argc,
    char **argv, unsigned *group, char *err, size_t errlen)
{
	const char *product_names[NELEM(synth_products)];
	char warn[160] = "";
	size_t i;
	int r;

	switch (c) {
	case O_FORMAT:
		if (strcmp(a, "json") != 0 && strcmp(a, "text") != 0)
			return bad(err, errlen, "--format: '%s' is not text or "
			    "json", a);
		o->json = strcmp(a, "json") == 0;
		*group |= G_INV;
		return 0;
	case O_HOT:
		for (i = 0; i < NELEM(synth_products); i++)
			product_names[i] = synth_products[i].name;
		if (replay_parse_pick(a, product_names, NELEM(product_names),
		    4.0, &o->hot_product, &o->hot_factor) == -1)
			return bad(err, errlen, "--hot-product: '%s' is not a "
			    "product", a);
		*group |= G_STORE;
		return 0;
	case O_WEAK:
		if (replay_parse_pick(a, synth_branches, NELEM(synth_branches),
		    0.25, &o->weak_branch, &o->weak_factor) == -1)
			return bad(err, errlen, "--weak-branch: '%s' is not a "
			    "branch", a);
		*group |= G_STORE;
		return 0;
	case O_INVOICES:
	case O_ROWS: {
		long long v;
		if (cli_count(c == O_ROWS ? "--rows" : "--invoices", a, 0,
		    INT64_MAX, &v, err, errlen) == -1)
			return -1;
		o->rows = (uint64_t)v;
		o->rows_set = 1;
		return 0;
	}
	case O_KAFKA_KEY:
		if (*a == '\0')
			return bad(err, errlen, "--kafka-key: the value is "
			    "empty");
		o->kafka_key = a;
		return 0;
	case O_START:
		if (strlen(a) != 10 || tm_parse(a, strlen(a), &o->start) == -1)
			return bad(err, errlen, "--start: '%s' is not a date "
			    "(YYYY-MM-DD)", a);
		o->start_set = 1;
		return 0;
	case O_SYNTH:
		if (a == NULL && optind < argc &&
		    (strcmp(argv[optind], "store") == 0 ||
		    strcmp(argv[optind], "invoices") == 0))
			a = argv[optind++];
		if (a == NULL || strcmp(a, "store") == 0)
			o->synth = RS_STORE;
		else if (strcmp(a, "invoices") == 0)
			o->synth = RS_INVOICES;
		else
			return bad(err, errlen, "--synth: '%s' is not store or "
			    "invoices", a);
		return 0;
	}
	if ((r = kafka_opts_set(&o->kafka, c, a, err, errlen, warn,
	    sizeof(warn))) != 1) {
		if (warn[0] != '\0')
			cli_log(CLI_WARN, "%s", warn);
		return r;
	}
	if ((r = mqtt_opts_set(&o->mqtt, c, a, err, errlen)) != 1)
		return r;
	return bad(err, errlen, "internal: option %d not handled", c);
}

/* Where the rows go and how they are paced, once all options are in.
 * Returns 0, or -1 with err set. */
static int
check_output(struct replay_opts *o, unsigned group, char *err, size_t errlen)
{
	const struct kafka_opts *k = &o->kafka;
	const struct mqtt_opts *m = &o->mqtt;

	if ((o->out_path != NULL) + (o->listen != NULL) +
	    (m->url != NULL) > 1)
		return bad(err, errlen,
		    "-o, --listen and --mqtt exclude each other");
	if (k->brokers != NULL && (o->out_path != NULL || o->listen != NULL ||
	    m->url != NULL))
		return bad(err, errlen, "-b excludes -o, --listen and --mqtt");
	/* Before 0.2.0, --topic named the MQTT topic and --key the Kafka
	 * message key: say so rather than fail obscurely. */
	if (k->brokers == NULL && m->url != NULL && k->topic != NULL)
		return bad(err, errlen, "--topic is the Kafka topic: use "
		    "--mqtt-topic for MQTT");
	if (m->url == NULL && m->key != NULL)
		return bad(err, errlen, "--key is the TLS key of --mqtt: the "
		    "Kafka message key is --kafka-key");
	if (k->brokers == NULL && (o->kafka_key != NULL || k->topic != NULL ||
	    k->nprops > 0))
		return bad(err, errlen, "-t, --kafka-key, -X and -F need -b");
	if (k->brokers != NULL && k->topic == NULL)
		return bad(err, errlen, "-b needs -t, --topic");
	if (mqtt_opts_check(m, err, errlen) == -1)
		return -1;
	if (m->url == NULL && (group & G_MQTT))
		return bad(err, errlen, "--max-inflight needs --mqtt");
	if (m->url != NULL && m->topic == NULL)
		return bad(err, errlen, "--mqtt needs --mqtt-topic");
	if (m->topic != NULL) {
		char why[96];
		if (mqtt_topic_check(m->topic, 0, why, sizeof(why)) == -1)
			return bad(err, errlen, "--mqtt-topic: %s", why);
	}
	if (o->reopen && o->out_path == NULL)
		return bad(err, errlen, "--reopen needs -o");
	if ((group & G_TCP) && o->listen == NULL)
		return bad(err, errlen,
		    "--client-buffer and --max-clients need --listen");
	if (o->listen != NULL) {
		char h[256], p[8];
		if (replay_parse_hostport(o->listen, h, sizeof(h), p,
		    sizeof(p)) == -1)
			return bad(err, errlen, "--listen: '%s' is not "
			    "HOST:PORT", o->listen);
	}
	return 0;
}

/* The rules between the input, pace and synthesis options.  Returns 0,
 * or -1 with err set. */
static int
check_input(struct replay_opts *o, unsigned group, char *err, size_t errlen)
{
	int k;

	if (o->synth != RS_NONE && o->nfiles > 0)
		return bad(err, errlen, "--synth takes no input files");
	if (o->synth != RS_STORE && (group & G_STORE))
		return bad(err, errlen,
		    "--days, --dirty, --empty-rows, --weak-branch and "
		    "--hot-product need --synth");
	if (o->synth != RS_INVOICES && (group & G_INV))
		return bad(err, errlen,
		    "--customers, --segments, --years and --format need "
		    "--synth=invoices");
	if (o->synth == RS_NONE && (o->rows_set || o->start_set))
		return bad(err, errlen, "--rows, --invoices and --start need "
		    "--synth");
	if (o->synth == RS_INVOICES && (o->clean || o->lines ||
	    o->speedup > 0))
		return bad(err, errlen, "invoices are plain lines: --clean, "
		    "--lines and --speedup do not apply");
	if (o->lines && (o->clean || o->speedup > 0))
		return bad(err, errlen, "--clean and --speedup need CSV input, "
		    "not --lines");
	if (o->rate > 0 && o->speedup > 0)
		return bad(err, errlen, "--rate and --speedup exclude each other");
	if (o->jitter > 0 && o->rate == 0 && o->speedup == 0)
		return bad(err, errlen, "--jitter needs --rate or --speedup");
	if ((o->sort || o->reorder > 0) && o->speedup == 0)
		return bad(err, errlen, "--sort and --reorder need --speedup");
	if (o->sort && o->reorder > 0)
		return bad(err, errlen, "--sort and --reorder exclude each "
		    "other");
	if (o->shuffle && o->speedup > 0)
		return bad(err, errlen,
		    "--shuffle and --speedup exclude each other");
	if (o->synth != RS_NONE && o->rows_set && o->rows == 0 &&
	    (o->shuffle || o->loop || o->sort))
		return bad(err, errlen, "endless --synth (--rows 0) cannot be "
		    "shuffled, sorted or looped");
	if (o->loop && o->synth == RS_NONE) {
		if (o->nfiles == 0)
			return bad(err, errlen,
			    "--loop cannot repeat standard input");
		for (k = 0; k < o->nfiles; k++)
			if (strcmp(o->files[k], "-") == 0)
				return bad(err, errlen,
				    "--loop cannot repeat standard input");
	}
	if (o->reject_empty != NULL && !o->clean)
		return bad(err, errlen, "--reject-empty needs --clean");
	return 0;
}

enum cli_result
replay_opts_parse(int argc, char **argv, struct replay_opts *o, char *err,
    size_t errlen)
{
	struct cli_getopt g = { shortopts, longopts, retired, "" };
	int c, help = 0, version = 0;
	unsigned group = 0;
	size_t i;

	defaults(o);
	cli_verbosity = CLI_WARN;
	optind = 0;	/* GNU: full reinitialisation */
	while ((c = cli_getopt(&g, argc, argv)) != -1) {
		switch (c) {
		case '?':
			snprintf(err, errlen, "%s", g.err);
			return CLI_BAD;
		case 'h':
			help = 1;
			continue;
		case O_VERSION:
			version = 1;
			continue;
		case 'q':
			cli_quieter();
			continue;
		case 'v':
			cli_louder();
			continue;
		}
		for (i = 0; i < NELEM(vopts); i++)
			if (vopts[i].code == c)
				break;
		if (i < NELEM(vopts)) {
			if (set_vopt(o, &vopts[i], optarg, err, errlen) == -1)
				return CLI_BAD;
			group |= vopts[i].group;
		} else if (set_special(o, c, optarg, argc, argv, &group, err,
		    errlen) == -1) {
			return CLI_BAD;
		}
	}
	if (help)
		return CLI_HELP;
	if (version)
		return CLI_VERSION;
	o->files = argv + optind;
	o->nfiles = argc - optind;
	o->quiet = cli_verbosity < CLI_WARN;
	o->verbose = cli_verbosity >= CLI_INFO;
	if (check_input(o, group, err, errlen) == -1 ||
	    check_output(o, group, err, errlen) == -1)
		return CLI_BAD;
	if (o->max_inflight == 0)
		o->max_inflight = o->mqtt.qos == 2 ? 20 : 1000;
	if (o->synth == RS_STORE && !o->rows_set)
		o->rows = 25003;
	if (o->synth == RS_INVOICES && !o->rows_set)
		o->rows = 1000;
	return CLI_RUN;
}
