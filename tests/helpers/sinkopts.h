/*
 * The command line and the counting loop shared by paho_sink and
 * paho_asink (two programs: paho's MQTTClient and MQTTAsync libraries
 * cannot be linked into one):
 *
 *   NAME -u URL --topic FILTER -n COUNT [--persistence none|DIR]
 *       [--max-time SECONDS]
 */
#ifndef SINKOPTS_H
#define SINKOPTS_H

#include <err.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

struct sinkopts {
	const char *url, *filter, *pdir;	/* pdir NULL: no persistence */
	long long want;				/* 0: no count */
	double maxtime;				/* 0: no limit */
};

static void
sinkopts_parse(const char *name, int argc, char **argv, struct sinkopts *o)
{
	static const struct option longopts[] = {
		{ "max-time", required_argument, NULL, 'T' + 1 },
		{ "persistence", required_argument, NULL, 'p' },
		{ "topic", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	o->url = "tcp://127.0.0.1:1883";
	o->filter = "invoices";
	o->pdir = NULL;
	o->want = 0;
	o->maxtime = 0;
	while ((ch = getopt_long(argc, argv, "n:u:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (parse_long(optarg, 1, 1LL << 40, &o->want) == -1)
				errx(2, "-n: bad count");
			break;
		case 'p':
			o->pdir = strcmp(optarg, "none") == 0 ? NULL : optarg;
			break;
		case 'T' + 1:
			if (parse_double(optarg, 0, 3600, &o->maxtime) == -1)
				errx(2, "--max-time: bad seconds");
			break;
		case 'u': o->url = optarg; break;
		case 'T': o->filter = optarg; break;
		default:
			errx(2, "usage: %s -u URL --topic F -n N "
			    "[--persistence none|DIR] [--max-time S]", name);
		}
	}
}

/* Wait until *done reaches the count or the time is up; print
 * "COUNT SECONDS". */
static void
sinkopts_wait(const struct sinkopts *o, atomic_llong *done)
{
	double t0 = now_mono();

	while ((o->want == 0 || *done < o->want) && (o->maxtime == 0 ||
	    now_mono() - t0 < o->maxtime))
		sleep_sec(0.001);
	printf("%lld %.3f\n", (long long)*done, now_mono() - t0);
}

#endif
