/* Option parsing for replay: the option table, number checks and the
 * cross-option rules, all in one place. */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "synth.h"
#include "tcpout.h"
#include "util.h"

enum {
	O_CAFILE = 256, O_CLEAN, O_CLIENT_ID, O_CUSTOMERS, O_DAYS, O_DIRTY,
	O_EMPTY_ROWS, O_FORMAT, O_HELP, O_HOT, O_INVOICES, O_JITTER, O_LINES,
	O_LISTEN, O_LOOP, O_MAX_INFLIGHT, O_MAX_RECORD, O_MQTT, O_MQTT_PWFILE,
	O_MQTT_USER, O_QOS, O_REJECT_EMPTY, O_REOPEN, O_ROWS, O_SEED,
	O_SEGMENTS, O_SHUFFLE, O_SPEEDUP, O_START, O_SYNTH, O_TIME_COL, O_TOPIC, O_VERSION,
	O_WEAK, O_YEARS, O_KEY, O_CLIENT_BUFFER, O_MAX_CLIENTS,
};

static const char shortopts[] = ":b:n:o:qr:t:vX:";

static const struct option longopts[] = {
	{ "cafile",		required_argument,	NULL, O_CAFILE },
	{ "clean",		no_argument,		NULL, O_CLEAN },
	{ "client-buffer",	required_argument,	NULL, O_CLIENT_BUFFER },
	{ "client-id",		required_argument,	NULL, O_CLIENT_ID },
	{ "count",		required_argument,	NULL, 'n' },
	{ "customers",		required_argument,	NULL, O_CUSTOMERS },
	{ "days",		required_argument,	NULL, O_DAYS },
	{ "dirty",		no_argument,		NULL, O_DIRTY },
	{ "empty-rows",		required_argument,	NULL, O_EMPTY_ROWS },
	{ "format",		required_argument,	NULL, O_FORMAT },
	{ "help",		no_argument,		NULL, O_HELP },
	{ "hot-product",	required_argument,	NULL, O_HOT },
	{ "invoices",		required_argument,	NULL, O_INVOICES },
	{ "kafka",		required_argument,	NULL, 'b' },
	{ "key",		required_argument,	NULL, O_KEY },
	{ "jitter",		required_argument,	NULL, O_JITTER },
	{ "lines",		no_argument,		NULL, O_LINES },
	{ "listen",		required_argument,	NULL, O_LISTEN },
	{ "loop",		no_argument,		NULL, O_LOOP },
	{ "max-clients",	required_argument,	NULL, O_MAX_CLIENTS },
	{ "max-inflight",	required_argument,	NULL, O_MAX_INFLIGHT },
	{ "max-record",		required_argument,	NULL, O_MAX_RECORD },
	{ "mqtt",		required_argument,	NULL, O_MQTT },
	{ "mqtt-password-file",	required_argument,	NULL, O_MQTT_PWFILE },
	{ "mqtt-user",		required_argument,	NULL, O_MQTT_USER },
	{ "output",		required_argument,	NULL, 'o' },
	{ "qos",		required_argument,	NULL, O_QOS },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "rate",		required_argument,	NULL, 'r' },
	{ "reject-empty",	required_argument,	NULL, O_REJECT_EMPTY },
	{ "reopen",		no_argument,		NULL, O_REOPEN },
	{ "rows",		required_argument,	NULL, O_ROWS },
	{ "seed",		required_argument,	NULL, O_SEED },
	{ "segments",		required_argument,	NULL, O_SEGMENTS },
	{ "shuffle",		no_argument,		NULL, O_SHUFFLE },
	{ "speedup",		required_argument,	NULL, O_SPEEDUP },
	{ "start",		required_argument,	NULL, O_START },
	{ "synth",		optional_argument,	NULL, O_SYNTH },
	{ "time-col",		required_argument,	NULL, O_TIME_COL },
	{ "topic",		required_argument,	NULL, O_TOPIC },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, O_VERSION },
	{ "weak-branch",	required_argument,	NULL, O_WEAK },
	{ "years",		required_argument,	NULL, O_YEARS },
	{ NULL,			0,			NULL, 0 },
};

#define MAX_RECORD_LIMIT	(64L * 1024 * 1024)

static int
bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return OPTS_BAD;
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

static int
num(const char *arg, long long min, long long max, long long *v)
{
	return parse_long(arg, min, max, v);
}

static void
defaults(struct replay_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_record = 1024 * 1024;
	o->client_buffer = TCPOUT_BUFFER;
	o->max_clients = TCPOUT_MAX_CLIENTS;
	o->qos = 1;
	o->max_inflight = 0;	/* by QoS, below */
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

int
replay_opts_parse(int argc, char **argv, struct replay_opts *o, char *err,
    size_t errlen)
{
	const char *product_names[NELEM(synth_products)];
	long long v;
	double d;
	int c, inv_opt = 0, store_opt = 0, mqtt_opt = 0, tcp_opt = 0;
	int help = 0, version = 0;
	size_t i;

	defaults(o);
	for (i = 0; i < NELEM(synth_products); i++)
		product_names[i] = synth_products[i].name;
	optind = 0;	/* GNU: full reinitialisation */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const char *a = optarg;
		switch (c) {
		case 'b':
			if (*a == '\0')
				return bad(err, errlen, "empty broker list");
			o->brokers = a;
			break;
		case 't':
			if (*a == '\0')
				return bad(err, errlen, "empty topic");
			o->topic = a;
			break;
		case 'X':
			if (strchr(a, '=') == NULL || *a == '=')
				return bad(err, errlen,
				    "-X wants key=value: '%s'", a);
			if (o->nkprops == NELEM(o->kprops))
				return bad(err, errlen, "too many -X settings");
			o->kprops[o->nkprops++] = optarg;
			break;
		case O_KEY:
			if (*a == '\0')
				return bad(err, errlen, "empty key column");
			o->key = a;
			break;
		case 'n':
			if (num(a, 0, INT64_MAX, &v) == -1)
				return bad(err, errlen, "invalid count: '%s'", a);
			o->count = v;
			break;
		case 'o':
			o->out_path = a;
			break;
		case 'q':
			o->quiet = 1;
			o->verbose = 0;
			break;
		case 'r':
			if (parse_double(a, 0, 1e9, &d) == -1)
				return bad(err, errlen, "invalid rate: '%s'", a);
			o->rate = d;
			break;
		case 'v':
			o->verbose = 1;
			o->quiet = 0;
			break;
		case O_CAFILE:
			o->cafile = a;
			mqtt_opt = 1;
			break;
		case O_CLEAN:
			o->clean = 1;
			break;
		case O_CLIENT_ID:
			if (*a == '\0' || strlen(a) > 65535)
				return bad(err, errlen, "invalid client id");
			o->client_id = a;
			mqtt_opt = 1;
			break;
		case O_CUSTOMERS:
			if (num(a, 1, 1000000, &v) == -1)
				return bad(err, errlen,
				    "invalid number of customers: '%s'", a);
			o->customers = (int)v;
			inv_opt = 1;
			break;
		case O_SEGMENTS:
			if (num(a, 0, 1000000, &v) == -1)
				return bad(err, errlen,
				    "invalid number of segments: '%s'", a);
			o->segments = (int)v;
			inv_opt = 1;
			break;
		case O_DAYS:
			if (num(a, 1, 36500, &v) == -1)
				return bad(err, errlen,
				    "invalid number of days: '%s'", a);
			o->days = (int)v;
			store_opt = 1;
			break;
		case O_DIRTY:
			o->dirty = 1;
			store_opt = 1;
			break;
		case O_EMPTY_ROWS:
			if (num(a, 0, INT64_MAX, &v) == -1)
				return bad(err, errlen,
				    "invalid number of empty rows: '%s'", a);
			o->empty_rows = (uint64_t)v;
			store_opt = 1;
			break;
		case O_FORMAT:
			if (strcmp(a, "json") == 0)
				o->json = 1;
			else if (strcmp(a, "text") == 0)
				o->json = 0;
			else
				return bad(err, errlen, "invalid format: '%s'", a);
			inv_opt = 1;
			break;
		case O_HELP:
			help = 1;
			break;
		case O_HOT:
			if (replay_parse_pick(a, product_names,
			    NELEM(product_names), 4.0, &o->hot_product,
			    &o->hot_factor) == -1)
				return bad(err, errlen, "invalid product: '%s'", a);
			store_opt = 1;
			break;
		case O_INVOICES:
			if (num(a, 0, INT64_MAX, &v) == -1)
				return bad(err, errlen,
				    "invalid number of invoices: '%s'", a);
			o->rows = (uint64_t)v;
			o->rows_set = 1;
			break;
		case O_JITTER:
			if (parse_double(a, 0, 1, &d) == -1)
				return bad(err, errlen, "invalid jitter: '%s'", a);
			o->jitter = d;
			break;
		case O_LINES:
			o->lines = 1;
			break;
		case O_LISTEN:
			o->listen = a;
			break;
		case O_CLIENT_BUFFER:
			if (num(a, 4096, 1LL << 30, &v) == -1)
				return bad(err, errlen, "invalid client buffer: "
				    "'%s' (4096 to 1073741824 bytes)", a);
			o->client_buffer = (size_t)v;
			tcp_opt = 1;
			break;
		case O_MAX_CLIENTS:
			if (num(a, 1, TCPOUT_CLIENTS_LIMIT, &v) == -1)
				return bad(err, errlen, "invalid number of clients: "
				    "'%s' (1 to %d)", a, TCPOUT_CLIENTS_LIMIT);
			o->max_clients = (int)v;
			tcp_opt = 1;
			break;
		case O_LOOP:
			o->loop = 1;
			break;
		case O_MAX_INFLIGHT:
			if (num(a, 1, 65535, &v) == -1)
				return bad(err, errlen,
				    "invalid number of messages in flight: '%s'", a);
			o->max_inflight = (long)v;
			mqtt_opt = 1;
			break;
		case O_MAX_RECORD:
			if (num(a, 1024, MAX_RECORD_LIMIT, &v) == -1)
				return bad(err, errlen,
				    "invalid record size: '%s'", a);
			o->max_record = (size_t)v;
			break;
		case O_MQTT:
			o->mqtt_url = a;
			break;
		case O_MQTT_PWFILE:
			o->mqtt_password_file = a;
			mqtt_opt = 1;
			break;
		case O_MQTT_USER:
			o->mqtt_user = a;
			mqtt_opt = 1;
			break;
		case O_QOS:
			if (num(a, 0, 2, &v) == -1)
				return bad(err, errlen, "invalid qos: '%s'", a);
			o->qos = (int)v;
			mqtt_opt = 1;
			break;
		case O_REJECT_EMPTY:
			o->reject_empty = a;
			break;
		case O_REOPEN:
			o->reopen = 1;
			break;
		case O_ROWS:
			if (num(a, 0, INT64_MAX, &v) == -1)
				return bad(err, errlen,
				    "invalid number of rows: '%s'", a);
			o->rows = (uint64_t)v;
			o->rows_set = 1;
			break;
		case O_SEED:
			if (num(a, 0, INT64_MAX, &v) == -1)
				return bad(err, errlen, "invalid seed: '%s'", a);
			o->seed = (uint64_t)v;
			break;
		case O_SHUFFLE:
			o->shuffle = 1;
			break;
		case O_SPEEDUP:
			if (parse_double(a, 1e-6, 1e9, &d) == -1)
				return bad(err, errlen, "invalid speedup: '%s'", a);
			o->speedup = d;
			break;
		case O_START:
			if (tm_parse(a, strlen(a), &o->start) == -1 ||
			    strlen(a) != 10)
				return bad(err, errlen,
				    "invalid start date: '%s'", a);
			o->start_set = 1;
			break;
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
				return bad(err, errlen,
				    "invalid generator: '%s'", a);
			break;
		case O_TIME_COL:
			o->time_col = a;
			break;
		case O_TOPIC:
			if (*a == '\0')
				return bad(err, errlen, "empty topic");
			o->topic = a;
			break;
		case O_VERSION:
			version = 1;
			break;
		case O_WEAK:
			if (replay_parse_pick(a, synth_branches,
			    NELEM(synth_branches), 0.25, &o->weak_branch,
			    &o->weak_factor) == -1)
				return bad(err, errlen, "invalid branch: '%s'", a);
			store_opt = 1;
			break;
		case O_YEARS:
			if (num(a, 1, 100, &v) == -1)
				return bad(err, errlen,
				    "invalid number of years: '%s'", a);
			o->years = (int)v;
			inv_opt = 1;
			break;
		case ':':
			return bad(err, errlen, "option requires an argument: %s",
			    argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < 256)
				return bad(err, errlen, "invalid option: -%c",
				    optopt);
			return bad(err, errlen, "unrecognized option: %s",
			    argv[optind - 1]);
		}
	}
	if (help)
		return OPTS_HELP;
	if (version)
		return OPTS_VERSION;
	o->files = argv + optind;
	o->nfiles = argc - optind;

	/* Cross-option rules. */
	if (o->synth != RS_NONE && o->nfiles > 0)
		return bad(err, errlen, "--synth takes no input files");
	if (o->synth != RS_STORE && store_opt)
		return bad(err, errlen,
		    "--days, --dirty, --empty-rows, --weak-branch and "
		    "--hot-product need --synth");
	if (o->synth != RS_INVOICES && inv_opt)
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
	if (o->shuffle && o->speedup > 0)
		return bad(err, errlen,
		    "--shuffle and --speedup exclude each other");
	if (o->synth != RS_NONE && o->rows_set && o->rows == 0 &&
	    (o->shuffle || o->loop))
		return bad(err, errlen, "endless --synth (--rows 0) cannot be "
		    "shuffled or looped");
	if (o->loop && o->synth == RS_NONE) {
		int k;
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
	if ((o->out_path != NULL) + (o->listen != NULL) +
	    (o->mqtt_url != NULL) > 1)
		return bad(err, errlen,
		    "-o, --listen and --mqtt exclude each other");
	if (o->brokers != NULL && (o->out_path != NULL || o->listen != NULL ||
	    o->mqtt_url != NULL))
		return bad(err, errlen, "-b excludes -o, --listen and --mqtt");
	if (o->brokers == NULL && (o->key != NULL || o->nkprops > 0))
		return bad(err, errlen, "--key and -X need -b");
	if (o->brokers != NULL && o->topic == NULL)
		return bad(err, errlen, "-b needs --topic");
	if (o->reopen && o->out_path == NULL)
		return bad(err, errlen, "--reopen needs -o");
	if (tcp_opt && o->listen == NULL)
		return bad(err, errlen,
		    "--client-buffer and --max-clients need --listen");
	if (o->mqtt_url == NULL && (mqtt_opt || (o->topic != NULL &&
	    o->brokers == NULL)))
		return bad(err, errlen, "--topic, --qos, --client-id, "
		    "--mqtt-user, --mqtt-password-file, --cafile and "
		    "--max-inflight need --mqtt");
	if (o->mqtt_url != NULL && o->topic == NULL)
		return bad(err, errlen, "--mqtt needs --topic");
	if (o->mqtt_password_file != NULL && o->mqtt_user == NULL)
		return bad(err, errlen, "--mqtt-password-file needs --mqtt-user");
	if (o->listen != NULL) {
		char h[256], p[8];
		if (replay_parse_hostport(o->listen, h, sizeof(h), p,
		    sizeof(p)) == -1)
			return bad(err, errlen, "invalid address: '%s'",
			    o->listen);
	}
	if (o->max_inflight == 0)
		o->max_inflight = o->qos == 2 ? 20 : 1000;
	if (o->synth == RS_STORE && !o->rows_set)
		o->rows = 25003;
	if (o->synth == RS_INVOICES && !o->rows_set)
		o->rows = 1000;
	return OPTS_RUN;
}
