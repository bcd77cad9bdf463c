/*
 * replay: stream the rows of a CSV file (or the lines of any file), or a
 * synthesised store, at a controlled pace to stdout, a FIFO, a TCP client or
 * an MQTT topic, like a live till.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean.h"
#include "csvio.h"
#include "linerd.h"
#include "mqttout.h"
#include "opts.h"
#include "pace.h"
#include "readfile.h"
#include "rng.h"
#include "sink.h"
#include "synth.h"
#include "timefield.h"
#include "util.h"

#define MAX_ROW_WARNINGS	50
#define ROWBUF			8192	/* one synthesised row or invoice */

enum { RUN_OK = 0, RUN_DONE, RUN_FAIL, RUN_SKIP };

struct shufrec {
	size_t off, len;
};

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

	char *sbuf;		/* --shuffle: every row of the pass */
	size_t slen, scap;
	struct shufrec *sv;
	size_t sn, svcap;

	/* A pipe through which synthesised rows reach csvio (for --clean
	 * and --speedup, which need the fields). */
	int pfd[2];
	struct csvio_reader *prd;

	unsigned long long sent, empty, malformed, bad_ts;
	int warned;
	int failed;		/* exit 1 at the end */
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "Usage: replay [-qv] [-n count] [-o path | --listen host:port |\n"
	    "              --mqtt url --topic topic |\n"
	    "              -b brokers -t topic [--key col] [-X key=value]...]\n"
	    "              [-r rate | --speedup x]\n"
	    "              [--clean] [--lines] [--loop] [--shuffle] [--seed n]\n"
	    "              [file ...]\n"
	    "       replay --synth[=store|invoices] [options]\n");
}

static void
help(void)
{
	usage(stdout);
	fputs(
"\nStream CSV rows (or lines) at a controlled pace, like a live till.\n"
"\n"
"Input:\n"
"      --lines             plain lines, no header (default: CSV records)\n"
"      --max-record N      longest record or line in bytes (default 1048576)\n"
"      --synth[=store]     synthesise the store: --rows N (0 = endless),\n"
"                          --days N, --start YYYY-MM-DD, --dirty,\n"
"                          --empty-rows N, --weak-branch NAME[:F],\n"
"                          --hot-product NAME[:F]\n"
"      --synth=invoices    synthesise till invoices: --invoices N,\n"
"                          --customers N, --segments N, --years N,\n"
"                          --start, --format text|json\n"
"      --seed N            seed for --synth, --shuffle, --jitter (default 1)\n"
"Output (default stdout):\n"
"  -o, --output PATH       a FIFO (made if missing) or a file\n"
"      --reopen            wait for the FIFO's next reader when one leaves\n"
"      --listen HOST:PORT  serve TCP clients, several at once:\n"
"                          --max-clients N (64), --client-buffer BYTES\n"
"                          (1048576 queued for one that falls behind)\n"
"      --mqtt URL          publish each row to an MQTT broker; with --topic T,\n"
"                          --qos 0|1|2 (1), --client-id ID, --mqtt-user U,\n"
"                          --mqtt-password-file F (or MQTT_PASSWORD),\n"
"                          --cafile F, --max-inflight N (1000;\n"
"                          20 at QoS 2)\n"
"  -b, --kafka BROKERS     produce each row to a Kafka topic (-t, --topic T),\n"
"                          idempotent, acks=all; the header goes in each\n"
"                          message's li.header header\n"
"      --key COLUMN        key messages by this column (same key, same\n"
"                          partition)\n"
"  -X KEY=VALUE            a librdkafka setting, as kcat's -X\n"
"Pace and order:\n"
"  -r, --rate N            rows per second (0 = as fast as possible, default)\n"
"      --speedup X         replay by event time, X times faster\n"
"      --time-col NAME     the event time column (default Timestamp)\n"
"      --jitter FRAC       vary each gap by +-FRAC (0..1)\n"
"      --loop              repeat the input\n"
"      --shuffle           send the rows in a random order\n"
"  -n, --count N           stop after N rows\n"
"Cleaning:\n"
"      --clean             canonical timestamps, integers without .0, skip\n"
"                          empty rows\n"
"      --reject-empty FILE write the empty rows there\n"
"  -q, --quiet             no warnings or summary\n"
"  -v, --verbose           a summary and connection events on stderr\n"
"      --help, --version\n", stdout);
}

/* ==== output ============================================================= */

static int
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

static int
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

/* A row is ready: keep it for --shuffle or send it now. */
static int
emit(struct ctx *c, const char *p, size_t len, double ev)
{
	if (!c->o->shuffle)
		return deliver(c, p, len, ev);
	if (c->slen + len > c->scap) {
		size_t ncap = c->scap ? c->scap : 65536;
		char *n;
		while (ncap < c->slen + len)
			ncap *= 2;
		if ((n = realloc(c->sbuf, ncap)) == NULL)
			err(1, "shuffle: out of memory");
		c->sbuf = n;
		c->scap = ncap;
	}
	if (c->sn == c->svcap) {
		size_t ncap = c->svcap ? c->svcap * 2 : 4096;
		struct shufrec *n = realloc(c->sv, ncap * sizeof(*n));
		if (n == NULL)
			err(1, "shuffle: out of memory");
		c->sv = n;
		c->svcap = ncap;
	}
	memcpy(c->sbuf + c->slen, p, len);
	c->sv[c->sn].off = c->slen;
	c->sv[c->sn].len = len;
	c->sn++;
	c->slen += len;
	return RUN_OK;
}

/* Shuffle the kept rows (Fisher-Yates) and send them. */
static int
deliver_shuffled(struct ctx *c)
{
	size_t i;
	int rc;

	for (i = c->sn; i > 1; i--) {
		size_t j = (size_t)rng_below(&c->shuf_rng, i);
		struct shufrec t = c->sv[i - 1];
		c->sv[i - 1] = c->sv[j];
		c->sv[j] = t;
	}
	for (i = 0; i < c->sn; i++)
		if ((rc = deliver(c, c->sbuf + c->sv[i].off, c->sv[i].len,
		    NAN)) != RUN_OK)
			return rc;
	return RUN_OK;
}

/* ==== rows =============================================================== */

/* Report a problem with one row, as FILE:LINE: MSG; after
 * MAX_ROW_WARNINGS only the counts at the end say more. */
static void
row_warn(struct ctx *c, const char *name, unsigned long long line,
    const char *msg)
{
	if (c->o->quiet || c->warned > MAX_ROW_WARNINGS)
		return;
	if (c->warned++ == MAX_ROW_WARNINGS) {
		warnx("further row warnings not shown (counted at the end)");
		return;
	}
	warnx("%s:%llu: %s", name, line, msg);
}

/* One CSV record of the data (not the header). */
static int
csv_row(struct ctx *c, const struct csvio_record *rec, const char *name)
{
	const char *out = rec->raw;
	size_t len = rec->rawlen;
	double ev = NAN;
	int bad = 0;

	if (c->o->clean) {
		switch (clean_record(rec->f, rec->nf, c->tcol, c->cbuf, c->ccap,
		    &len, &bad)) {
		case CLEAN_EMPTY:
			c->empty++;
			/* A rejects file that cannot be written stops the
			 * run: rows set aside must not vanish. */
			if (c->rej != NULL && (fwrite(rec->raw, 1, rec->rawlen,
			    c->rej) != rec->rawlen || putc('\n', c->rej) == EOF)) {
				warn("%s", c->o->reject_empty);
				fclose(c->rej);
				c->rej = NULL;
				c->failed = 1;
				return RUN_FAIL;
			}
			return RUN_OK;
		case CLEAN_TOOLONG:
			c->malformed++;
			row_warn(c, name, rec->line,
			    "record too long after cleaning");
			return RUN_OK;
		default:
			out = c->cbuf;
			break;
		}
	}
	if (c->o->speedup > 0 && !bad && !clean_is_empty(rec->f, rec->nf)) {
		struct li_tm t;
		if (c->tcol >= 0 && (size_t)c->tcol < rec->nf &&
		    tm_parse(rec->f[c->tcol].p, rec->f[c->tcol].len, &t) == 0)
			ev = (double)tm_epoch(&t);
		else
			bad = 1;
	}
	if (bad) {
		char msg[96];
		const char *v = "";
		size_t vl = 0;
		c->bad_ts++;
		if (c->tcol >= 0 && (size_t)c->tcol < rec->nf) {
			v = rec->f[c->tcol].p;
			vl = rec->f[c->tcol].len < 40 ? rec->f[c->tcol].len : 40;
		}
		snprintf(msg, sizeof(msg), "unparsable timestamp '%.*s'",
		    (int)vl, v);
		row_warn(c, name, rec->line, msg);
	}
	return emit(c, out, len, ev);
}

/* The first record of an input: the header. */
static int
csv_header(struct ctx *c, const struct csvio_record *rec, const char *name)
{
	if (c->hdr == NULL) {
		if ((c->hdr = xstrndup(rec->raw, rec->rawlen)) == NULL)
			err(1, "malloc");
		c->hdrlen = rec->rawlen;
		c->tcol = csvio_find(rec, c->o->time_col);
		if (c->tcol < 0 && c->o->speedup > 0) {
			warnx("%s: no column '%s' in the header", name,
			    c->o->time_col);
			c->failed = 1;
			return RUN_FAIL;
		}
		return ensure_started(c);
	}
	if (rec->rawlen != c->hdrlen || memcmp(rec->raw, c->hdr, c->hdrlen)) {
		warnx("%s: header differs from the first input's: file skipped",
		    name);
		c->failed = 1;
		return RUN_SKIP;
	}
	return RUN_OK;
}

/* Stream one CSV input. */
static int
csv_input(struct ctx *c, int fd, const char *name)
{
	struct csvio_reader *r = csvio_reader_new(fd, ',', c->o->max_record);
	struct csvio_record rec;
	int first = 1, rc = RUN_OK, n;

	if (r == NULL)
		err(1, "malloc");
	while (rc == RUN_OK) {
		n = csvio_next(r, &rec);
		if (n == 0)
			break;
		if (n < 0) {
			if (rec.err == CSVIO_EINTR) {
				if (sig_stop)
					rc = RUN_DONE;
				continue;
			}
			if (rec.err == CSVIO_EAGAIN) {
				rc = sink_rc(c, sink_wait_input(c->sink, fd));
				continue;
			}
			if (rec.err == CSVIO_EIO) {
				warn("%s", name);
				c->failed = 1;
				break;
			}
			if (rec.err == CSVIO_ENOMEM)
				errx(1, "%s: out of memory", name);
			c->malformed++;
			row_warn(c, name, rec.line, csvio_strerror(rec.err));
			continue;
		}
		if (first) {
			first = 0;
			if ((rc = csv_header(c, &rec, name)) == RUN_SKIP) {
				rc = RUN_OK;
				break;
			}
			continue;
		}
		rc = csv_row(c, &rec, name);
	}
	csvio_reader_free(r);
	return rc;
}

static int
lines_input(struct ctx *c, int fd, const char *name)
{
	struct linerd *r = linerd_new(fd, c->o->max_record);
	const char *p;
	size_t len;
	uint64_t line;
	int rc = RUN_OK, n;

	if (r == NULL)
		err(1, "malloc");
	if ((rc = ensure_started(c)) != RUN_OK)
		goto out;
	while (rc == RUN_OK) {
		n = linerd_next(r, &p, &len, &line);
		if (n == LINERD_EOF)
			break;
		if (n == LINERD_EIO) {
			if (errno == EINTR) {
				if (sig_stop)
					rc = RUN_DONE;
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				rc = sink_rc(c, sink_wait_input(c->sink, fd));
				continue;
			}
			warn("%s", name);
			c->failed = 1;
			break;
		}
		if (n == LINERD_TOOLONG) {
			c->malformed++;
			row_warn(c, name, (unsigned long long)line,
			    "line too long");
			continue;
		}
		rc = emit(c, p, len, NAN);
	}
out:
	linerd_free(r);
	return rc;
}

/* ==== inputs ============================================================= */

static int
files_pass(struct ctx *c)
{
	const struct replay_opts *o = c->o;
	int i, n = o->nfiles ? o->nfiles : 1, rc = RUN_OK;

	for (i = 0; i < n && rc == RUN_OK; i++) {
		const char *path = o->nfiles ? o->files[i] : "-";
		const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
		char why[128];
		struct stat st;
		int fd, regular, fl = -1;

		/* A regular file or a FIFO: opening never blocks, and a
		 * device such as /dev/zero or a directory is refused. */
		if (strcmp(path, "-") == 0) {
			fd = STDIN_FILENO;
		} else if ((fd = li_open_input(path, LI_IN_FIFO, why,
		    sizeof(why))) == -1) {
			warnx("%s: %s", path, why);
			c->failed = 1;
			continue;
		}
		if (fstat(fd, &st) == -1) {
			warn("%s", name);
			c->failed = 1;
			if (fd != STDIN_FILENO)
				close(fd);
			continue;
		}
		regular = S_ISREG(st.st_mode);
		if (S_ISDIR(st.st_mode)) {
			warnx("%s: is a directory", name);
			c->failed = 1;
			continue;
		}
		/* A named FIFO opened without blocking reads as empty until
		 * its writer comes: wait for its first data (or its end). */
		if (fd != STDIN_FILENO && S_ISFIFO(st.st_mode) &&
		    (rc = sink_rc(c, sink_wait_input(c->sink, fd))) != RUN_OK) {
			close(fd);
			break;
		}
		/* With clients to serve (--listen), a pipe or FIFO that has
		 * nothing to say must not block the stream: read it without
		 * blocking and poll it along with the clients. */
		if ((S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) &&
		    sink_wants_nonblocking_input(c->sink) &&
		    (fl = fcntl(fd, F_GETFL)) != -1 &&
		    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
			fl = -1;
		if ((rc = sink_rc(c, sink_set_batch(c->sink, c->batch_ok &&
		    regular))) == RUN_OK)
			rc = o->lines ? lines_input(c, fd, name) :
			    csv_input(c, fd, name);
		if (fl != -1)
			(void)fcntl(fd, F_SETFL, fl);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	return rc;
}

/* Parse one synthesised row through the pipe into csvio. */
static int
synth_csv(struct ctx *c, const char *row, size_t len,
    struct csvio_record *rec)
{
	char tmp[ROWBUF + 1];
	int n;

	memcpy(tmp, row, len);
	tmp[len] = '\n';
	if (writeall(c->pfd[1], tmp, len + 1) == -1)
		err(1, "pipe");
	do
		n = csvio_next(c->prd, rec);
	while (n == -1 && rec->err == CSVIO_EINTR);
	if (n != 1)
		errx(1, "synth: internal: row does not parse");
	return 0;
}

static int
store_pass(struct ctx *c)
{
	const struct replay_opts *o = c->o;
	struct synth_store_opts so;
	struct synth_store *s;
	struct csvio_record rec;
	char row[ROWBUF];
	size_t len;
	int rc = RUN_OK, fields = o->clean || o->speedup > 0;

	synth_store_defaults(&so);
	so.seed = o->seed;
	so.rows = o->rows;
	so.days = o->days;
	if (o->start_set)
		so.start = o->start;
	so.flags = o->dirty ? SYNTH_TS_DMY | SYNTH_FLOAT_INTS : 0;
	so.empty_rows = o->empty_rows;
	so.weak_branch = o->weak_branch;
	so.weak_factor = o->weak_factor;
	so.hot_product = o->hot_product;
	so.hot_factor = o->hot_factor;
	if ((s = synth_store_new(&so)) == NULL)
		errx(1, "synth: cannot make the store");
	if (c->hdr == NULL) {
		if ((c->hdr = xstrndup(SYNTH_HEADER, strlen(SYNTH_HEADER))) ==
		    NULL)
			err(1, "malloc");
		c->hdrlen = strlen(SYNTH_HEADER);
		if (fields) {
			if (pipe2(c->pfd, O_CLOEXEC) == -1)
				err(1, "pipe");
			if ((c->prd = csvio_reader_new(c->pfd[0], ',', 0)) == NULL)
				err(1, "malloc");
			synth_csv(c, c->hdr, c->hdrlen, &rec);
			c->tcol = csvio_find(&rec, o->time_col);
		}
	}
	if ((rc = sink_rc(c, sink_set_batch(c->sink, c->batch_ok))) != RUN_OK ||
	    (rc = ensure_started(c)) != RUN_OK)
		goto out;
	while (rc == RUN_OK && (len = synth_store_next(s, row, sizeof(row))) > 0) {
		if (fields) {
			synth_csv(c, row, len, &rec);
			rc = csv_row(c, &rec, "synth");
		} else {
			rc = emit(c, row, len, NAN);
		}
	}
out:
	synth_store_free(s);
	return rc;
}

static int
invoices_pass(struct ctx *c)
{
	const struct replay_opts *o = c->o;
	struct synth_invoice_opts io;
	struct synth_invoices *s;
	struct synth_invoice inv;
	char buf[ROWBUF];
	size_t len;
	int rc;

	synth_invoice_defaults(&io);
	io.seed = o->seed;
	io.invoices = o->rows;
	io.customers = o->customers;
	io.segments = o->segments;
	io.years = o->years;
	if (o->start_set)
		io.start = o->start;
	if ((s = synth_invoices_new(&io)) == NULL)
		errx(1, "synth: cannot make the invoices");
	if ((rc = sink_rc(c, sink_set_batch(c->sink, c->batch_ok))) != RUN_OK ||
	    (rc = ensure_started(c)) != RUN_OK)
		goto out;
	while (rc == RUN_OK && synth_invoices_next(s, &inv)) {
		len = o->json ? synth_invoice_json(s, &inv, buf, sizeof(buf)) :
		    synth_invoice_text(s, &inv, buf, sizeof(buf));
		if (len == 0) {
			c->malformed++;
			continue;
		}
		rc = emit(c, buf, len, NAN);
	}
out:
	synth_invoices_free(s);
	return rc;
}

/* ==== main =============================================================== */

#define MAX_SECRET_FILE	65536

/* The MQTT password: from a file (first line) or MQTT_PASSWORD. */
static char *
mqtt_password(const struct replay_opts *o)
{
	const char *env;
	char why[128], *buf;
	size_t n;

	if (o->mqtt_password_file != NULL) {
		/* A regular file, read whole with a cap: a FIFO or a device
		 * named by mistake never blocks or fills memory. */
		if ((buf = li_read_file(o->mqtt_password_file, MAX_SECRET_FILE,
		    NULL, why, sizeof(why))) == NULL)
			errx(1, "%s: %s", o->mqtt_password_file, why);
		n = strcspn(buf, "\r\n");
		buf[n] = '\0';
		return buf;
	}
	if ((env = getenv("MQTT_PASSWORD")) != NULL && o->mqtt_user != NULL)
		return strdup(env);
	return NULL;
}

static struct sink *
open_sink(const struct replay_opts *o, struct ctx *c, char **pw)
{
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
	if (o->brokers != NULL) {
		struct kout_conf kc;
		memset(&kc, 0, sizeof(kc));
		kc.brokers = o->brokers;
		kc.topic = o->topic;
		kc.keycol = o->key;
		kc.props = o->kprops;
		kc.nprops = o->nkprops;
		kc.verbose = o->verbose;
		return sink_kafka(&kc);
	}
	if (o->mqtt_url != NULL) {
		struct mqttout_conf mc;
		memset(&mc, 0, sizeof(mc));
		mc.url = o->mqtt_url;
		mc.topic = o->topic;
		mc.client_id = o->client_id;
		mc.user = o->mqtt_user;
		mc.password = *pw = mqtt_password(o);
		mc.cafile = o->cafile;
		if (o->cafile != NULL) {
			/* paho would block on a FIFO, or read a device for
			 * ever: check it is a file first. */
			char why[128];
			int fd = li_open_input(o->cafile, 0, why, sizeof(why));
			if (fd == -1)
				errx(1, "%s: %s", o->cafile, why);
			close(fd);
		}
		mc.qos = o->qos;
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
		warnx("%llu rows sent, %llu empty rows skipped, %llu malformed "
		    "records skipped, %llu unparsable timestamps", c->sent,
		    c->empty, c->malformed, c->bad_ts);
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

int
main(int argc, char *argv[])
{
	struct replay_opts o;
	struct ctx c;
	char errbuf[256], *pw = NULL;
	int rc;

	switch (replay_opts_parse(argc, argv, &o, errbuf, sizeof(errbuf))) {
	case OPTS_HELP:
		help();
		return close_stdout() == 0 ? 0 : 1;
	case OPTS_VERSION:
		printf("replay %s\n", LI_VERSION);
		return close_stdout() == 0 ? 0 : 1;
	case OPTS_BAD:
		warnx("%s", errbuf);
		usage(stderr);
		fprintf(stderr, "Try 'replay --help'.\n");
		return 2;
	default:
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
	if ((c.sink = open_sink(&o, &c, &pw)) == NULL)
		return 1;

	do {
		if (o.shuffle && c.sn > 0)
			rc = RUN_OK;	/* the rows are in memory already */
		else if (o.synth == RS_STORE)
			rc = store_pass(&c);
		else if (o.synth == RS_INVOICES)
			rc = invoices_pass(&c);
		else
			rc = files_pass(&c);
		if (rc == RUN_OK && o.shuffle)
			rc = deliver_shuffled(&c);
		if (rc == RUN_OK && o.shuffle && c.sn == 0)
			break;	/* nothing to repeat */
	} while (rc == RUN_OK && o.loop && !sig_stop);

	if (rc != RUN_FAIL && (rc = ensure_started(&c)) != RUN_FAIL &&
	    sink_finish(c.sink) == SINK_ERR) {
		c.failed = 1;
	}
	if (c.rej != NULL) {
		int bad;
		errno = 0;
		bad = fflush(c.rej) == EOF || ferror(c.rej);
		int e = errno ? errno : EIO;
		if (fclose(c.rej) == EOF && !bad) {
			bad = 1;
			e = errno;
		}
		if (bad) {
			errno = e;
			warn("%s", o.reject_empty);
			c.failed = 1;
		}
	}
	summary(&c);
	sink_free(c.sink);
	csvio_reader_free(c.prd);
	if (c.pfd[0] >= 0) {
		close(c.pfd[0]);
		close(c.pfd[1]);
	}
	free(c.hdr);
	free(c.cbuf);
	free(c.sbuf);
	free(c.sv);
	free(pw);
	if (close_stdout() == -1 && errno != EPIPE && errno != EBADF &&
	    !c.failed) {
		warn("stdout");
		c.failed = 1;
	}
	return c.failed ? 1 : 0;
}
