#ifndef REDUCE_INPUT_H
#define REDUCE_INPUT_H
/* reduce's input from a file, a FIFO or the standard input (o->args[0],
 * or stdin when absent or "-"), with the rejects file, the checkpoint and
 * follow mode of o. */
#include "agg.h"
#include "opts.h"
#include "spec.h"

/* Read the input to its end (or until SIGINT/SIGTERM: sig_stop), writing
 * the snapshot and a tick line every tick and at the end.  Exits with a
 * message on failure (err/errx); returns 0. */
int input_run(const struct opts *o, const struct spec *sp);

/* Windows and filters on engine a: the watermark, --since, --until, the
 * closed-windows files (cut back to the checkpoint's lengths when
 * resumed).  Exits on an error. */
void input_setup_windows(struct agg *a, const struct opts *o, int resumed);

#endif
