#ifndef REPLAY_REPLAY_H
#define REPLAY_REPLAY_H
/* What replay's main loop (replay.c) and its readers of inputs (input.c)
 * share: the run's context, and the functions each side calls. */
#include <stddef.h>
#include <stdio.h>

#include "csvio.h"
#include "hold.h"
#include "opts.h"
#include "pace.h"
#include "rng.h"
#include "sink.h"

#define ROWBUF		8192	/* one synthesised row or invoice */

enum { RUN_OK = 0, RUN_DONE, RUN_FAIL, RUN_SKIP };

struct ctx {
	const struct replay_opts *o;
	struct sink *sink;
	int started;
	int batch_ok;		/* no pacing, no reopen: gather writes */
	struct pace pace;
	struct rng shuf_rng;
	FILE *rej;

	char *hdr;		/* CSV header of the first input */
	size_t hdrlen;
	long tcol;		/* index of --time-col, -1 none */

	char *cbuf;		/* a cleaned row */
	size_t ccap;

	struct hold held;	/* --shuffle, --sort: every row of the pass */
	struct rheap window;	/* --reorder */
	double newest;		/* --reorder: the newest event time seen */
	int have_newest;

	/* A pipe through which synthesised rows reach csvio (for --clean
	 * and --speedup, which need the fields). */
	int pfd[2];
	struct csvio_reader *prd;

	unsigned long long sent, empty, malformed, bad_ts, too_late;
	int warned;
	int failed;		/* exit 1 at the end */
};

/* replay.c: the output side. */
int sink_rc(struct ctx *c, int rc);
int ensure_started(struct ctx *c);
/* A row is ready (ev: its event time, NAN when none): send it now, or
 * hold it for --shuffle, --sort or --reorder. */
int emit(struct ctx *c, const char *p, size_t len, double ev);

/* input.c: one pass over the inputs, the store or the invoices. */
int files_pass(struct ctx *c);
int store_pass(struct ctx *c);
int invoices_pass(struct ctx *c);

#endif
