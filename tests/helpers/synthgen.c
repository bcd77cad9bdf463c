/* synthgen: write synthetic store transactions (lib/synth.h) to stdout, for
 * the reduce tests and benchmark until replay --synth is on main.
 *   synthgen [-d] [-f] [-e EMPTY] [-s SEED] ROWS
 * -d: DD-MM-YYYY HH:MM timestamps, -f: integers as floats, -e: empty rows
 * appended after the data. */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "synth.h"
#include "util.h"

int
main(int argc, char **argv)
{
	struct synth_store_opts o;
	struct synth_store *s;
	char buf[1024];
	long long v;
	size_t n;
	int c;

	synth_store_defaults(&o);
	while ((c = getopt(argc, argv, "dfe:s:")) != -1) {
		switch (c) {
		case 'd':
			o.flags |= SYNTH_TS_DMY;
			break;
		case 'f':
			o.flags |= SYNTH_FLOAT_INTS;
			break;
		case 'e':
			if (parse_long(optarg, 0, 1LL << 40, &v) == -1)
				errx(2, "bad -e");
			o.empty_rows = (uint64_t)v;
			break;
		case 's':
			if (parse_long(optarg, 0, 1LL << 62, &v) == -1)
				errx(2, "bad -s");
			o.seed = (uint64_t)v;
			break;
		default:
			fprintf(stderr, "usage: synthgen [-df] [-e n] [-s seed] rows\n");
			return 2;
		}
	}
	if (optind != argc - 1 || parse_long(argv[optind], 1, 1LL << 40, &v) == -1)
		errx(2, "usage: synthgen [-df] [-e n] [-s seed] rows");
	o.rows = (uint64_t)v;
	if ((s = synth_store_new(&o)) == NULL)
		err(1, "synth_store_new");
	puts(SYNTH_HEADER);
	while ((n = synth_store_next(s, buf, sizeof(buf))) > 0) {
		buf[n++] = '\n';
		if (fwrite(buf, 1, n, stdout) != n)
			break;
	}
	synth_store_free(s);
	if (close_stdout() == -1)
		err(1, "stdout");
	return 0;
}
