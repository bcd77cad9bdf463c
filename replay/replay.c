/*
 * replay: stream the rows of a CSV file (or the lines of any file), or a
 * synthesised store, at a controlled pace to stdout, a FIFO, TCP clients,
 * an MQTT topic or a Kafka topic, like a live till.  This file is the
 * output side and main(); input.c reads the inputs.
 */
#include <err.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kafkaout.h"
#include "mqttout.h"
#include "readfile.h"
#include "replay.h"
#include "util.h"

/* ==== output ============================================================= */

int
sink_rc(struct ctx *c, int rc)
{
	switch (rc) {
	case SINK_OK:
		return RUN_OK;
	case SINK_GONE:
	case SINK_STOP:
		return RUN_DONE;
	default:
		c->failed = 1;
		return RUN_FAIL;
	}
}

int
ensure_started(struct ctx *c)
{
	if (c->started)
		return RUN_OK;
	c->started = 1;
	if (c->hdr != NULL && sink_set_header(c->sink, c->hdr, c->hdrlen) == -1)
		err(1, "malloc");
	return sink_rc(c, sink_start(c->sink));
}

/* Wait for the row's due time and send it. */
static int
deliver(struct ctx *c, const char *p, size_t len, double ev)
{
	int rc;

	if (c->o->count >= 0 && c->sent >= (unsigned long long)c->o->count)
		return RUN_DONE;
	if ((rc = ensure_started(c)) != RUN_OK)
		return rc;
	if (pace_active(&c->pace)) {
		double due = pace_next(&c->pace, now_mono(), ev), now;
		while ((now = now_mono()) < due) {
			if (sig_stop)
				return RUN_DONE;
			if ((rc = sink_rc(c, sink_wait(c->sink, due - now))) !=
			    RUN_OK)
				return rc;
		}
	}
	if (sig_stop)
		return RUN_DONE;
	if ((rc = sink_rc(c, sink_send(c->sink, p, len))) != RUN_OK)
		return rc;
	if (sink_took_reader(c->sink))
		pace_rebase(&c->pace, now_mono());
	c->sent++;
	if (c->o->count >= 0 && c->sent >= (unsigned long long)c->o->count)
		return RUN_DONE;
	return RUN_OK;
}

/* --reorder: send the held rows that the window has passed (all of them
 * when flush is set), earliest first. */
static int
release(struct ctx *c, int flush)
{
	const struct hold_rec *top;
	struct hold_rec r;
	int rc = RUN_OK;

	while (rc == RUN_OK && (top = rheap_top(&c->window)) != NULL &&
	    (flush || top->ev <= c->newest - c->o->reorder)) {
		rheap_pop(&c->window, &r);
		rc = deliver(c, r.p, r.len, r.ev);
		free(r.p);
	}
	return rc;
}

/* A row is ready: keep it for --shuffle or --sort, put it in the
 * --reorder window, or send it now. */
int
emit(struct ctx *c, const char *p, size_t len, double ev)
{
	const struct replay_opts *o = c->o;

	if (o->shuffle || o->sort) {
		if (hold_add(&c->held, p, len, ev) == -1)
			err(1, "%s: out of memory", o->sort ? "--sort" :
			    "--shuffle");
		return RUN_OK;
	}
	if (o->reorder <= 0 || isnan(ev))
		return deliver(c, p, len, ev);
	if (!c->have_newest || ev > c->newest) {
		c->newest = ev;
		c->have_newest = 1;
	}
	/* Later than the window: no use holding it, it goes at once. */
	if (ev < c->newest - o->reorder) {
		c->too_late++;
		return deliver(c, p, len, ev);
	}
	if (rheap_push(&c->window, p, len, ev) == -1)
		err(1, "--reorder: out of memory");
	return release(c, 0);
}

/* Send the rows held for --shuffle or --sort, in their new order. */
static int
deliver_held(struct ctx *c)
{
	size_t i;
	int rc;

	for (i = 0; i < c->held.n; i++)
		if ((rc = deliver(c, hold_row(&c->held, i), c->held.v[i].len,
		    c->held.v[i].ev)) != RUN_OK)
			return rc;
	return RUN_OK;
}

/* One pass over the input: read it, then send what was held. */
static int
one_pass(struct ctx *c, int again)
{
	const struct replay_opts *o = c->o;
	int rc;

	pace_new_pass(&c->pace);
	if ((o->shuffle || o->sort) && again) {
		rc = RUN_OK;	/* the rows are in memory already */
	} else {
		if (o->synth == RS_STORE)
			rc = store_pass(c);
		else if (o->synth == RS_INVOICES)
			rc = invoices_pass(c);
		else
			rc = files_pass(c);
		if (rc == RUN_OK && o->sort)
			hold_sort(&c->held);
	}
	if (rc == RUN_OK && o->shuffle)
		hold_shuffle(&c->held, &c->shuf_rng);
	if (rc == RUN_OK && (o->shuffle || o->sort))
		rc = deliver_held(c);
	if (rc == RUN_OK && o->reorder > 0) {
		rc = release(c, 1);
		c->have_newest = 0;
	}
	return rc;
}

/* ==== main =============================================================== */

/* Connect the output.  NULL on failure (printed); exits 2 on a bad
 * configuration (-X, -F, the password file). */
static struct sink *
open_sink(struct replay_opts *o, struct ctx *c)
{
	char why[256], warnbuf[160];

	if (o->out_path != NULL)
		return sink_path(o->out_path, o->reopen, c->batch_ok, o->verbose);
	if (o->listen != NULL) {
		struct tcpout_conf tc;
		memset(&tc, 0, sizeof(tc));
		tc.hostport = o->listen;
		tc.client_buffer = o->client_buffer;
		tc.max_clients = o->max_clients;
		tc.paced = pace_active(&c->pace);
		tc.verbose = o->verbose;
		tc.quiet = o->quiet;
		return sink_tcp(&tc);
	}
	if (o->kafka.brokers != NULL) {
		struct kout_conf kc;
		memset(&kc, 0, sizeof(kc));
		if ((kc.conf = kout_conf_new(&o->kafka, o->verbose, why,
		    sizeof(why))) == NULL)
			errx(2, "%s", why);
		kc.topic = o->kafka.topic;
		kc.keycol = o->kafka_key;
		kc.verbose = o->verbose;
		return sink_kafka(&kc);
	}
	if (o->mqtt.url != NULL) {
		struct mqttout_conf mc;
		const char *tls[3] = { o->mqtt.cafile, o->mqtt.cert,
		    o->mqtt.key };
		int i;

		if (mqtt_opts_load_credentials(&o->mqtt, why, sizeof(why),
		    warnbuf, sizeof(warnbuf)) == -1)
			errx(2, "%s", why);
		if (warnbuf[0] != '\0')
			cli_log(CLI_WARN, "%s", warnbuf);
		/* paho would block on a FIFO, or read a device for ever:
		 * check that each TLS file is a regular file first. */
		for (i = 0; i < 3; i++) {
			int fd;
			if (tls[i] == NULL)
				continue;
			if ((fd = li_open_input(tls[i], 0, why,
			    sizeof(why))) == -1)
				errx(1, "%s: %s", tls[i], why);
			close(fd);
		}
		memset(&mc, 0, sizeof(mc));
		mc.url = o->mqtt.url;
		mc.topic = o->mqtt.topic;
		mc.client_id = o->mqtt.client_id;
		mc.user = o->mqtt.user;
		mc.password = o->mqtt.password;
		mc.cafile = o->mqtt.cafile;
		mc.cert = o->mqtt.cert;
		mc.key = o->mqtt.key;
		mc.keepalive = o->mqtt.keepalive;
		mc.qos = o->mqtt.qos;
		mc.max_inflight = o->max_inflight;
		mc.verbose = o->verbose;
		return sink_mqtt(&mc);
	}
	return sink_stdout(c->batch_ok);
}

static void
summary(const struct ctx *c)
{
	const struct replay_opts *o = c->o;
	struct tcpout_stats ts;
	int tcp = sink_tcp_stats(c->sink, &ts) == 0;

	if (o->verbose) {
		/* MQTT: a row counts as sent once the broker confirmed it. */
		long long conf = sink_confirmed(c->sink);
		warnx("%llu rows sent, %llu empty rows skipped, %llu malformed "
		    "records skipped, %llu unparsable timestamps", conf >= 0 ?
		    (unsigned long long)conf : c->sent, c->empty, c->malformed,
		    c->bad_ts);
		if (o->speedup > 0)
			warnx("%llu rows older than the newest before them "
			    "sent at once%s", (unsigned long long)c->pace.late,
			    o->sort ? " (none after --sort)" : "");
		if (o->reorder > 0)
			warnx("%llu rows later than the --reorder window sent "
			    "at once", c->too_late);
		if (tcp)
			warnx("%llu clients served, %llu went away, %llu "
			    "dropped for falling behind, %llu refused",
			    ts.served, ts.left, ts.dropped, ts.refused);
		return;
	}
	if (o->quiet)
		return;
	if (tcp && ts.dropped > 0)
		warnx("%llu client%s dropped for falling behind", ts.dropped,
		    ts.dropped == 1 ? "" : "s");
	if (tcp && ts.refused > 0)
		warnx("%llu client%s refused", ts.refused,
		    ts.refused == 1 ? "" : "s");
	if (c->empty > 0)
		warnx("%llu empty rows skipped", c->empty);
	if (c->malformed > 0)
		warnx("%llu malformed records skipped", c->malformed);
	if (c->bad_ts > 0)
		warnx("%llu rows with unparsable timestamps", c->bad_ts);
}

static int
finish(struct ctx *c, int rc)
{
	const struct replay_opts *o = c->o;

	if (rc != RUN_FAIL && (rc = ensure_started(c)) != RUN_FAIL &&
	    sink_finish(c->sink) == SINK_ERR) {
		c->failed = 1;
	}
	if (c->rej != NULL) {
		int bad, e;
		errno = 0;
		bad = fflush(c->rej) == EOF || ferror(c->rej);
		e = errno ? errno : EIO;
		if (fclose(c->rej) == EOF && !bad) {
			bad = 1;
			e = errno;
		}
		if (bad) {
			errno = e;
			warn("%s", o->reject_empty);
			c->failed = 1;
		}
	}
	summary(c);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct replay_opts o;
	struct ctx c;
	char errbuf[256];
	int rc, again = 0;

	switch (replay_opts_parse(argc, argv, &o, errbuf, sizeof(errbuf))) {
	case CLI_HELP:
		replay_opts_free(&o);
		return cli_help(stdout, replay_help_text);
	case CLI_VERSION:
		replay_opts_free(&o);
		return cli_version(stdout);
	case CLI_BAD:
		replay_opts_free(&o);
		return cli_usage_error("%s", errbuf);
	case CLI_RUN:
		break;
	}
	/* Writes are checked: a reader going away is EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	if (sig_install() == -1)
		err(1, "sigaction");

	memset(&c, 0, sizeof(c));
	c.o = &o;
	c.tcol = -1;
	c.pfd[0] = c.pfd[1] = -1;
	c.ccap = 2 * o.max_record + 64;
	if ((c.cbuf = malloc(c.ccap)) == NULL)
		err(1, "malloc");
	pace_init(&c.pace, o.rate, o.speedup, o.jitter, o.seed);
	rng_seed(&c.shuf_rng, o.seed);
	c.batch_ok = !pace_active(&c.pace) && !o.reopen;
	if (o.reject_empty != NULL && (c.rej = fopen(o.reject_empty, "w")) ==
	    NULL)
		err(1, "%s", o.reject_empty);
	if ((c.sink = open_sink(&o, &c)) == NULL)
		return 1;

	do {
		rc = one_pass(&c, again);
		again = 1;
		if (rc == RUN_OK && (o.shuffle || o.sort) && c.held.n == 0)
			break;	/* nothing to repeat */
	} while (rc == RUN_OK && o.loop && !sig_stop);

	finish(&c, rc);
	sink_free(c.sink);
	csvio_reader_free(c.prd);
	if (c.pfd[0] >= 0) {
		close(c.pfd[0]);
		close(c.pfd[1]);
	}
	free(c.hdr);
	free(c.cbuf);
	hold_free(&c.held);
	rheap_free(&c.window);
	replay_opts_free(&o);
	if (close_stdout() == -1 && errno != EPIPE && errno != EBADF &&
	    !c.failed) {
		warn("stdout");
		c.failed = 1;
	}
	return c.failed ? 1 : 0;
}
