#ifndef REPLAY_OPTS_H
#define REPLAY_OPTS_H
/* Command-line options of replay: parsing and the cross-option rules,
 * kept free of I/O so that the unit tests can drive them. */
#include <stddef.h>
#include <stdint.h>

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
	const char *mqtt_url;
	const char *topic;
	const char *client_id;
	const char *mqtt_user;
	const char *mqtt_password_file;
	const char *cafile;
	int qos;
	long max_inflight;
	const char *brokers;	/* -b: Kafka bootstrap servers */
	const char *key;	/* --key: the column that keys messages */
	char *kprops[64];	/* -X key=value, borrowed from argv */
	size_t nkprops;

	/* Pace and order. */
	double rate;		/* rows per second, 0: as fast as possible */
	double speedup;		/* event-time replay, 0: off */
	double jitter;		/* 0..1 */
	const char *time_col;
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

	int quiet, verbose;
};

enum {
	OPTS_RUN = 0,		/* options are fine: run */
	OPTS_HELP,		/* --help */
	OPTS_VERSION,		/* --version */
	OPTS_BAD,		/* usage error: err holds the reason */
};

/* Parse argv into o (which it initialises).  Returns one of OPTS_*; on
 * OPTS_BAD err holds a lower-case reason without the program name.  Safe to
 * call more than once (it resets getopt). */
int replay_opts_parse(int argc, char **argv, struct replay_opts *o,
    char *err, size_t errlen);

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
