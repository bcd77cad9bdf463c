/*
 * invgen: print synthetic checkout invoices (lib/synth.h), one a line, for
 * the mqtt2kafka tests and benchmark until replay --synth=invoices lands.
 *
 *   invgen [-j] [-S] [-n COUNT] [-s SEED] [-o OFFSET]
 *
 * Text form by default, JSON with -j; -S appends " #SEQ" (the line's number
 * from OFFSET + 1) to text lines so identical purchases stay distinct.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "synth.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct synth_invoice_opts o;
	struct synth_invoices *s;
	struct synth_invoice inv;
	char buf[4096];
	long long v, seq = 0;
	int ch, json = 0, withseq = 0;

	synth_invoice_defaults(&o);
	while ((ch = getopt(argc, argv, "jn:o:s:S")) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'n':
			if (parse_long(optarg, 1, 100000000, &v) == -1)
				errx(2, "-n: bad count");
			o.invoices = (uint64_t)v;
			break;
		case 'o':
			if (parse_long(optarg, 0, 1000000000, &seq) == -1)
				errx(2, "-o: bad offset");
			break;
		case 's':
			if (parse_long(optarg, 0, 1LL << 62, &v) == -1)
				errx(2, "-s: bad seed");
			o.seed = (uint64_t)v;
			break;
		case 'S':
			withseq = 1;
			break;
		default:
			fprintf(stderr, "Usage: invgen [-j] [-S] [-n COUNT] "
			    "[-s SEED] [-o OFFSET]\n");
			return 2;
		}
	}
	if ((s = synth_invoices_new(&o)) == NULL)
		errx(1, "cannot make the generator");
	while (synth_invoices_next(s, &inv)) {
		size_t n = json ? synth_invoice_json(s, &inv, buf, sizeof(buf)) :
		    synth_invoice_text(s, &inv, buf, sizeof(buf));
		seq++;
		if (n == 0)
			errx(1, "invoice too long");
		if (withseq && !json)
			printf("%.*s #%lld\n", (int)n, buf, seq);
		else
			printf("%.*s\n", (int)n, buf);
	}
	synth_invoices_free(s);
	if (close_stdout() == -1)
		err(1, "stdout");
	return 0;
}
