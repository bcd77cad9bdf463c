/*
 * kafka_mock: a librdkafka mock cluster on loopback for tests.
 *
 *   kafka_mock [-b BROKERS] [-p PARTITIONS] [-t TOPIC]... [-c FIFO]
 *
 * Prints the bootstrap address on stdout (one line, flushed) and runs until
 * SIGTERM or SIGINT.  With -c it reads commands from FIFO (created when
 * absent), one per line, and answers nothing:
 *   down N | down all    take broker N (1-based) or every broker down
 *   up N | up all        bring it back
 *   rtt N MS             set broker N's round-trip time in milliseconds
 * Unknown commands are reported on stderr.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "util.h"

#define MAXTOPICS	16

static int nbrokers = 3;

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout, "Usage: kafka_mock [-b BROKERS] "
	    "[-p PARTITIONS] [-t TOPIC]... [-c FIFO]\n");
	exit(rc);
}

static void
each_broker(rd_kafka_mock_cluster_t *mc, const char *which, int up)
{
	long long id;
	int i;

	if (strcmp(which, "all") == 0) {
		for (i = 1; i <= nbrokers; i++) {
			if (up)
				rd_kafka_mock_broker_set_up(mc, i);
			else
				rd_kafka_mock_broker_set_down(mc, i);
		}
		return;
	}
	if (parse_long(which, 1, nbrokers, &id) == -1) {
		warnx("no such broker: %s", which);
		return;
	}
	if (up)
		rd_kafka_mock_broker_set_up(mc, (int32_t)id);
	else
		rd_kafka_mock_broker_set_down(mc, (int32_t)id);
}

static void
command(rd_kafka_mock_cluster_t *mc, char *line)
{
	char *verb, *arg, *arg2, *save;
	long long id, ms;

	verb = strtok_r(line, " \t\r", &save);
	if (verb == NULL)
		return;
	arg = strtok_r(NULL, " \t\r", &save);
	arg2 = strtok_r(NULL, " \t\r", &save);
	if (strcmp(verb, "down") == 0 && arg != NULL)
		each_broker(mc, arg, 0);
	else if (strcmp(verb, "up") == 0 && arg != NULL)
		each_broker(mc, arg, 1);
	else if (strcmp(verb, "rtt") == 0 && arg != NULL && arg2 != NULL &&
	    parse_long(arg, 1, nbrokers, &id) == 0 &&
	    parse_long(arg2, 0, 600000, &ms) == 0)
		rd_kafka_mock_broker_set_rtt(mc, (int32_t)id, (int)ms);
	else
		warnx("unknown command: %s", verb);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "brokers", required_argument, NULL, 'b' },
		{ "control", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "partitions", required_argument, NULL, 'p' },
		{ "topic", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *topics[MAXTOPICS], *fifo = NULL;
	int ntopics = 0, partitions = 6, ch, i, fd = -1;
	long long v;
	char errstr[512], buf[4096];
	size_t have = 0;
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;
	rd_kafka_mock_cluster_t *mc;

	while ((ch = getopt_long(argc, argv, "b:c:hp:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			if (parse_long(optarg, 1, 64, &v) == -1)
				errx(2, "-b: bad broker count: %s", optarg);
			nbrokers = (int)v;
			break;
		case 'c':
			fifo = optarg;
			break;
		case 'h':
			usage(0);
			break;
		case 'p':
			if (parse_long(optarg, 1, 1024, &v) == -1)
				errx(2, "-p: bad partition count: %s", optarg);
			partitions = (int)v;
			break;
		case 't':
			if (ntopics == MAXTOPICS)
				errx(2, "-t: at most %d topics", MAXTOPICS);
			topics[ntopics++] = optarg;
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (sig_install() == -1)
		err(1, "sigaction");
	if (fifo != NULL) {
		if (mkfifo(fifo, 0600) == -1 && errno != EEXIST)
			err(1, "%s", fifo);
		/* O_RDWR: the FIFO never reports end of file. */
		if ((fd = open(fifo, O_RDWR | O_NONBLOCK)) == -1)
			err(1, "%s", fifo);
	}

	conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "log_level", "3", errstr,
	    sizeof(errstr)) != RD_KAFKA_CONF_OK)
		errx(1, "%s", errstr);
	if ((rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(1, "rd_kafka_new: %s", errstr);
	if ((mc = rd_kafka_mock_cluster_new(rk, nbrokers)) == NULL)
		errx(1, "cannot start the mock cluster");
	for (i = 0; i < ntopics; i++) {
		rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc,
		    topics[i], partitions, nbrokers < 3 ? nbrokers : 3);
		if (e)
			errx(1, "%s: %s", topics[i], rd_kafka_err2str(e));
	}
	if (printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc)) < 0 ||
	    fflush(stdout) == EOF)
		err(1, "stdout");

	while (!sig_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&pfd, fd >= 0 ? 1 : 0, 200) <= 0)
			continue;
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			continue;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			*nl = '\0';
			command(mc, buf);
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
		}
		if (have == sizeof(buf) - 1)
			have = 0;	/* an over-long line: drop it */
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	if (fd >= 0)
		close(fd);
	return 0;
}
