#ifndef REPLAY_OPTS_H
#define REPLAY_OPTS_H
/* Command-line options of replay: parsing and the cross-option rules,
 * kept free of I/O so that the unit tests can drive them (the one
 * exception: a -F file that others can read is warned about, through
 * lib/cli's cli_log). */
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "kafkaconf.h"
#include "mqttconf.h"
#include "timefield.h"

enum replay_synth {
	RS_NONE = 0,
	RS_STORE,
	RS_INVOICES,
};

struct replay_opts {
	char **files;		/* borrowed from argv; nfiles 0 means stdin */
	int nfiles;
	int lines;		/* plain lines instead of CSV records */
	size_t max_record;	/* bytes in one record or line */

	/* Output. */
	const char *out_path;	/* -o: a FIFO (made if missing) or a file */
	int reopen;
	const char *listen;	/* HOST:PORT */
	size_t client_buffer;	/* --listen: bytes queued per client */
	int max_clients;	/* --listen: clients at once */
	struct mqtt_opts mqtt;	/* -u, --mqtt-topic, credentials, TLS */
	int max_inflight;	/* --max-inflight; 0: by QoS */
	struct kafka_opts kafka;	/* -b, -t, -X, -F (owns -X/-F) */
	const char *kafka_key;	/* --kafka-key: the column that keys
				   messages */

	/* Pace and order. */
	double rate;		/* rows per second, 0: as fast as possible */
	double speedup;		/* event-time replay, 0: off */
	double jitter;		/* 0..1 */
	const char *time_col;
	int sort;		/* --sort: all rows, by event time */
	double reorder;		/* --reorder window in seconds, 0: off */
	int loop;
	int shuffle;
	uint64_t seed;
	int64_t count;		/* -1: no limit */

	/* Cleaning. */
	int clean;
	const char *reject_empty;

	/* Synthesis. */
	enum replay_synth synth;
	uint64_t rows;		/* also --invoices */
	int rows_set;
	int days;
	struct li_tm start;
	int start_set;
	int dirty;
	uint64_t empty_rows;
	int weak_branch;	/* 1-based, 0 none */
	double weak_factor;
	int hot_product;
	double hot_factor;
	int customers;
	int segments;		/* shared tastes among customers */
	int years;
	int json;		/* --format json */

	/* From -q and -v (cli_verbosity): quiet below warnings, verbose
	 * at information and above. */
	int quiet, verbose;
};

/* The help text (--help), beginning with "Usage:". */
extern const char replay_help_text[];

/* Parse argv into o (which it initialises; call replay_opts_free after).
 * Sets cli_verbosity from -q and -v.  Returns CLI_RUN, CLI_HELP,
 * CLI_VERSION or CLI_BAD with err holding the reason, without the program
 * name (main prints it with cli_usage_error).  Safe to call more than
 * once (it resets getopt). */
enum cli_result replay_opts_parse(int argc, char **argv,
    struct replay_opts *o, char *err, size_t errlen);

/* Free what o owns (the -X and -F properties, the MQTT password). */
void replay_opts_free(struct replay_opts *o);

/* Map NAME[:FACTOR] to a 1-based index into names[0..n-1] (names compared
 * case-insensitively; a number 1..n is accepted too) and a factor (def when
 * not given).  Returns 0 or -1. */
int replay_parse_pick(const char *arg, const char *const *names, size_t n,
    double def, int *index, double *factor);

/* Split HOST:PORT (HOST may be empty or [v6]).  host gets at most hostlen
 * bytes.  Returns 0 or -1. */
int replay_parse_hostport(const char *arg, char *host, size_t hostlen,
    char *port, size_t portlen);

#endif
