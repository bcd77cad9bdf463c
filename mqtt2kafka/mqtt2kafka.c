/*
 * mqtt2kafka: bridge checkout invoices from an MQTT topic to a Kafka topic,
 * enriched into invoice documents, at least once.
 *
 * Delivery: paho acknowledges a QoS 1 message before it calls
 * messageArrived, but after it puts the message in its persistence store.
 * Our store (pstore.c) hands that put to stage(), which numbers the
 * message and appends it, raw, to a journal segment in the state
 * directory; if that fails the process ends there, before the PUBACK, and
 * the broker sends the message again.  The journal reserves its space
 * ahead (fallocate), so a full disk stops intake cleanly while there is
 * still room.  A segment is deleted only once every message in it has a
 * Kafka delivery report (idempotent producer, acks=all, no message
 * timeout).  Segments left by a crash are replayed at start.  Replays and
 * broker redeliveries are duplicates with the same MessageId; the archive
 * writer drops them.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "m2k.h"
#include "pstore.h"
#include "readfile.h"
#include "util.h"

/* Check a file paho or OpenSSL will read by name: a regular file (a FIFO
 * would block them), at most max bytes.  Exits 1 when it is not. */
static void
check_input(const char *path, size_t max)
{
	char why[128];
	struct stat st;
	int fd;

	if ((fd = li_open_input(path, 0, why, sizeof(why))) == -1)
		errx(1, "%s: %s", path, why);
	if (fstat(fd, &st) == -1)
		err(1, "%s", path);
	close(fd);
	if ((uint64_t)st.st_size > max)
		errx(1, "%s: larger than %zu bytes", path, max);
}

/* ==== stopping =========================================================== */

void
m2k_doing(struct m2k *m, const char *what)
{
	atomic_store(&m->since, (long long)(now_mono() * 1e6));
	atomic_store(&m->doing, what);
}

/* After SIGINT or SIGTERM the bridge stops within a second (plus a
 * --drain longer than its default): when the main thread is inside a paho
 * call that does not return on a signal (connect waits up to its timeout
 * for a silent broker) for 0.3 s after the signal, or the whole stop takes
 * longer than that, this ends the process.  That is as safe as a kill -9:
 * whatever was acknowledged is in the journal. */
static void *
watchdog_run(void *arg)
{
	struct m2k *m = arg;
	double seen = 0, limit = 0.85 + (m->o->drain > 0.5 ?
	    m->o->drain - 0.5 : 0);

	for (;;) {
		const char *what;
		double t, since;

		sleep_sec(0.02);
		if (!sig_stop)
			continue;
		t = now_mono();
		if (seen == 0)
			seen = t;
		what = atomic_load(&m->doing);
		since = (double)atomic_load(&m->since) / 1e6;
		if ((what != NULL &&
		    t - (since > seen ? since : seen) >= 0.3) ||
		    t - seen >= limit) {
			m2k_warnx("stopping: %s did not finish in time; exiting, "
			    "undelivered invoices stay in the journal",
			    what != NULL ? what : "shutdown");
			_exit(m->fatal ? 1 : 0);
		}
	}
	return NULL;
}

/* ==== files ============================================================== */

/* Open --dlq-file for appending (created under the umask), never blocking
 * on a FIFO; a regular file that ends in half a line (a write cut short)
 * loses that half.  Returns 0, or -1 with "file: reason" in err. */
static int
dlq_open(struct m2k *m, char *err, size_t errlen)
{
	struct stat st;
	char buf[4096], why[128];
	off_t end, pos;
	int fd, fl;

	m->dlq = open(m->o->dlq_path, O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0666);
	if (m->dlq == -1 || fstat(m->dlq, &st) == -1)
		goto fail;
	if ((fl = fcntl(m->dlq, F_GETFL)) == -1 ||
	    fcntl(m->dlq, F_SETFL, fl & ~O_NONBLOCK) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode))
		return 0;
	m->dlq_reg = 1;
	if (st.st_size == 0)
		return 0;
	if ((fd = li_open_input(m->o->dlq_path, 0, why, sizeof(why))) == -1)
		goto fail;
	for (end = st.st_size; end > 0; end = pos) {
		ssize_t r, i;

		pos = end > (off_t)sizeof(buf) ? end - (off_t)sizeof(buf) : 0;
		if ((r = pread(fd, buf, (size_t)(end - pos), pos)) !=
		    end - pos) {
			if (r >= 0)
				errno = EIO;
			close(fd);
			goto fail;
		}
		for (i = r; i-- > 0;)
			if (buf[i] == '\n')
				break;
		if (i >= 0) {
			end = pos + i + 1;
			break;
		}
	}
	close(fd);
	if (end != st.st_size && ftruncate(m->dlq, end) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", m->o->dlq_path, strerror(errno));
	return -1;
}

/* The periodic fdatasync of the journal, the archive and --dlq-file. */
static void
sync_files(struct m2k *m)
{
	if (journal_sync(m->jr) == -1) {
		m2k_warn("%s", journal_error(m->jr));
		m->fatal = 1;
	}
	if (m->ar != NULL && archive_sync(m->ar) == -1) {
		m2k_warn("%s", m->o->archive_path);
		m->fatal = 1;
	}
	if (m->dlq >= 0 && m->dlq_reg && atomic_exchange(&m->dlq_dirty, 0) &&
	    fdatasync(m->dlq) == -1) {
		m2k_warn("%s", m->o->dlq_path);
		m->fatal = 1;
	}
}

static void setup_failed(struct m2k *, const char *);

/* The state directory must take new messages before any is taken: the
 * first InvoiceNo block and journal segment are reserved now, so that a
 * full, read-only or missing directory is said before subscribing.  When
 * the disk is full and the journal has a backlog (replayed), the backlog
 * is delivered first, which frees its segments.  Exits 1 on failure. */
static void
reserve_first(struct m2k *m)
{
	char msg[4200];
	const char *file;
	int waited = 0;

	for (;;) {
		file = m->inv_no.path;
		if (invno_reserve(&m->inv_no) == 0) {
			if (journal_prepare(m->jr) == 0)
				return;
			file = journal_error(m->jr);
		}
		if (errno != ENOSPC || waited || rd_kafka_outq_len(m->rk) == 0)
			break;
		m2k_warn("%s: delivering the journal's backlog first", file);
		while (rd_kafka_outq_len(m->rk) > 0 && !m2k_halted(m)) {
			rd_kafka_poll(m->rk, 100);
			sync_files(m);
		}
		if (m2k_halted(m))
			return;
		waited = 1;
	}
	snprintf(msg, sizeof(msg), "%s: %s", file, strerror(errno));
	setup_failed(m, msg);
}

/* ==== main =============================================================== */

/* --dump FILE: print an archive.  Returns the exit status. */
static int
dump(const struct m2k_opts *o)
{
	char errbuf[4700];

	if (archive_dump(o->dump, o->dump_json, stdout, errbuf,
	    sizeof(errbuf)) < 0) {
		fflush(stdout);
		m2k_warnx("%s", errbuf);
		return 1;
	}
	if (close_stdout() == -1) {
		m2k_warn("stdout");
		return 1;
	}
	return 0;
}

/* MQTT2KAFKA_TEST_NOW=SECONDS (since the epoch) stamps every message
 * received with that time instead of the clock's: for tests of the dates
 * of text invoices across local midnight.  Not for production. */
static void
test_clock(struct m2k *m)
{
	const char *e = getenv("MQTT2KAFKA_TEST_NOW");
	long long v;

	m->test_now_ns = -1;
	if (e == NULL || *e == '\0')
		return;
	if (parse_long(e, 0, 4102444800LL, &v) == -1)
		errx(2, "MQTT2KAFKA_TEST_NOW: '%s' is not seconds since the "
		    "epoch", e);
	m->test_now_ns = (int64_t)v * 1000000000;
}

/* The catalogue, the credentials and the TLS files: what a bad value
 * makes a configuration error (exit 2) or a missing file a failure (exit
 * 1) before anything starts. */
static void
setup_inputs(struct m2k *m, struct m2k_opts *o)
{
	char errbuf[4700], warnmsg[256];

	/* A file that cannot be read exits 1; one that reads but is wrong
	 * (a bad catalogue, a password file of two lines) is a
	 * configuration error, exit 2. */
	if (o->catalog_path != NULL) {
		check_input(o->catalog_path, 16U << 20);
		if ((m->owncat = catalog_load(o->catalog_path, errbuf,
		    sizeof(errbuf))) == NULL)
			errx(2, "%s", errbuf);
		m->cat = m->owncat;
	} else
		m->cat = catalog_builtin();
	if (o->mqtt.password_file != NULL)
		check_input(o->mqtt.password_file, MQTT_PASSWORD_FILE_MAX);
	warnmsg[0] = '\0';
	if (mqtt_opts_load_credentials(&o->mqtt, errbuf, sizeof(errbuf),
	    warnmsg, sizeof(warnmsg)) == -1)
		errx(2, "%s", errbuf);
	if (warnmsg[0] != '\0')
		cli_log(CLI_WARN, "%s", warnmsg);
	if (o->mqtt.cafile != NULL)
		check_input(o->mqtt.cafile, M2K_TLSMAX);
	if (o->mqtt.cert != NULL)
		check_input(o->mqtt.cert, M2K_TLSMAX);
	if (o->mqtt.key != NULL)
		check_input(o->mqtt.key, M2K_TLSMAX);
}

/* A file of the state could not be opened: say so and exit 1, with the
 * producer closed first (its threads gone, so that a leak check at exit,
 * as under make check SANITIZE=address, sees no memory in flight). */
static void
setup_failed(struct m2k *m, const char *msg)
{
	rd_kafka_destroy(m->rk);
	errx(1, "%s", msg);
}

/* Everything up to the replay of the journal: threads, buffers, the
 * state directory, the archive, --dlq-file and the producer.  Exits on
 * failure. */
static void
setup(struct m2k *m, pthread_t *wd)
{
	const struct m2k_opts *o = m->o;
	char errbuf[4700], path[4096];

	if (sig_install() == -1)
		err(1, "sigaction");
	pthread_mutex_init(&m->dlq_mu, NULL);
	pthread_mutex_init(&m->q_mu, NULL);
	pthread_mutex_init(&m->st_mu, NULL);
	pthread_cond_init(&m->q_nonempty, NULL);
	pthread_cond_init(&m->q_nonfull, NULL);
	if ((errno = pthread_create(wd, NULL, watchdog_run, m)) != 0)
		err(1, "pthread_create");
	if ((m->inv = malloc(sizeof(*m->inv))) == NULL ||
	    (m->jbuf = malloc(M2K_JBUFSZ)) == NULL)
		err(1, NULL);
	/* A dead letter: its payload and topic escaped, and the rest. */
	m->dbufsz = (o->max_size + 65536) * 6 + 4096;
	if ((m->dbuf = malloc(m->dbufsz)) == NULL)
		err(1, NULL);

	/* A bad -X or -F property is said before any state is made. */
	if ((m->rk = m2k_kafka_new(m, errbuf, sizeof(errbuf))) == NULL)
		errx(2, "%s", errbuf);

	if (mkdir(o->state_dir, 0700) == -1 && errno != EEXIST) {
		snprintf(errbuf, sizeof(errbuf), "%s: %s", o->state_dir,
		    strerror(errno));
		setup_failed(m, errbuf);
	}
	snprintf(path, sizeof(path), "%s/invoice-no", o->state_dir);
	if (invno_open(&m->inv_no, path, M2K_INVBLOCK, errbuf,
	    sizeof(errbuf)) == -1)
		setup_failed(m, errbuf);
	if ((m->jr = journal_open(o->state_dir, M2K_SEGBYTES, errbuf,
	    sizeof(errbuf))) == NULL)
		setup_failed(m, errbuf);
	if (o->archive_path != NULL && (m->ar = archive_open(o->archive_path,
	    errbuf, sizeof(errbuf))) == NULL)
		setup_failed(m, errbuf);
	m->dlq = -1;
	if (o->dlq_path != NULL && dlq_open(m, errbuf, sizeof(errbuf)) == -1)
		setup_failed(m, errbuf);
}

/* Create the MQTT client, connect and subscribe.  Returns 0, or 1 when
 * the broker could not be reached (the bridge stops). */
static int
start_mqtt(struct m2k *m)
{
	static const enum pstore_kind kinds[] = { PSTORE_MEM, PSTORE_DIR,
	    PSTORE_LOG };
	const struct m2k_opts *o = m->o;
	/* What the store hands paho comes from paho's allocator (pstore.h). */
	struct pstore_hooks hooks = { m2k_stage, m2k_store_failed, m,
	    MQTTAsync_malloc, MQTTAsync_free };
	int crc;

	snprintf(m->pspath, sizeof(m->pspath), o->persist ==
	    M2K_PERSIST_FILE ? "%s/paho" : "%s/paho.log", o->state_dir);
	if (pstore_init(&m->pstore, kinds[o->persist], m->pspath,
	    &hooks) == -1)
		err(1, NULL);
	crc = MQTTAsync_create(&m->mc, o->mqtt.url, o->mqtt.client_id,
	    MQTTCLIENT_PERSISTENCE_USER, &m->pstore);
	if (crc != MQTTASYNC_SUCCESS) {
		/* Stopped the usual way (stop_intake destroys what paho made
		 * of the client), which also closes the producer. */
		m->stopping = 1;
		m->lost = 1;
		if (pstore_error(&m->pstore) != NULL) {
			m2k_warnx("%s", pstore_error(&m->pstore));
			m->fatal = 1;
			return 1;
		}
		m2k_warnx("%s: cannot create client: %s", o->mqtt.url,
		    MQTTAsync_strerror(crc));
		return 2;
	}
	MQTTAsync_setCallbacks(m->mc, m, m2k_on_lost, m2k_on_message, NULL);
	m2k_doing(m, "connecting to the MQTT broker");
	crc = m2k_mqtt_connect(m);
	m2k_doing(m, NULL);
	if (crc == 0) {
		cli_log(CLI_WARN, "subscribed to %s at %s", o->mqtt.topic,
		    o->mqtt.url);
		return 0;
	}
	m->stopping = 1;
	if (sig_stop)
		return 0;	/* interrupted: a clean stop */
	m2k_mqtt_connect_failed(m, crc);
	return 1;
}

/* The main thread's loop: Kafka's callbacks, the periodic sync, SIGUSR1,
 * reconnecting to MQTT. */
static void
run(struct m2k *m)
{
	double next_sync, next_try = 0, backoff = 0.5;
	int crc;

	next_sync = now_mono() + m->o->sync_interval;
	while (!m2k_halted(m)) {
		double t;

		rd_kafka_poll(m->rk, 50);
		t = now_mono();
		if (t >= next_sync) {
			sync_files(m);
			next_sync = t + m->o->sync_interval;
		}
		if (sig_usr1) {
			sig_usr1 = 0;
			m2k_stats(m);
		}
		if (!m->lost || t < next_try || m2k_halted(m))
			continue;
		m2k_doing(m, "connecting to the MQTT broker");
		crc = m2k_mqtt_connect(m);
		m2k_doing(m, NULL);
		if (crc == 0) {
			m->lost = 0;
			backoff = 0.5;
			cli_log(CLI_WARN, "mqtt: reconnected");
		} else {
			next_try = t + backoff;
			if (backoff < 5)
				backoff *= 2;
		}
	}
}

static void
on_disconnected(void *ctx, MQTTAsync_successData *r)
{
	((struct m2k *)ctx)->mq_disc = 1;
}

static void
on_disconnect_failed(void *ctx, MQTTAsync_failureData *r)
{
	((struct m2k *)ctx)->mq_disc = -1;
}

/* Stop intake, let the worker hand over what it holds, drain Kafka for
 * --drain; what is left stays in the journal. */
static void
stop_intake(struct m2k *m)
{
	double end;

	m->stopping = 1;
	if (m->mc != NULL) {
		struct m2k_qent *e, *next;

		m2k_doing(m, "disconnecting from the MQTT broker");
		if (!m->lost) {
			MQTTAsync_disconnectOptions d =
			    MQTTAsync_disconnectOptions_initializer;
			double until = now_mono() + 0.6;

			d.timeout = 500;
			d.onSuccess = on_disconnected;
			d.onFailure = on_disconnect_failed;
			d.context = m;
			m->mq_disc = 0;
			if (MQTTAsync_disconnect(m->mc, &d) == MQTTASYNC_SUCCESS)
				while (m->mq_disc == 0 && now_mono() < until)
					sleep_sec(0.002);
		}
		MQTTAsync_destroy(&m->mc);
		m2k_doing(m, NULL);
		/* Staged but never handed over: they stay journaled. */
		for (e = m->st_head; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
		m->st_head = m->st_tail = NULL;
	}
	/* The worker hands what is queued to librdkafka and stops. */
	pthread_mutex_lock(&m->q_mu);
	m->q_done = 1;
	pthread_cond_signal(&m->q_nonempty);
	pthread_mutex_unlock(&m->q_mu);
	pthread_join(m->worker, NULL);
	pstore_fini(&m->pstore);
	end = now_mono() + m->o->drain;
	while (rd_kafka_outq_len(m->rk) > 0 && now_mono() < end && !m->kfatal)
		rd_kafka_poll(m->rk, 20);
	if (rd_kafka_outq_len(m->rk) > 0)
		cli_log(CLI_WARN, "kafka: %d messages not delivered; kept in "
		    "the journal", rd_kafka_outq_len(m->rk));
}

/* Close the producer and the files.  Returns 1 when one failed, else 0. */
static int
close_all(struct m2k *m, rd_kafka_topic_t *ktopic, rd_kafka_topic_t *dtopic)
{
	const struct m2k_opts *o = m->o;
	char errbuf[4700];
	int rc = 0;

	m2k_doing(m, "closing the Kafka producer");
	rd_kafka_purge(m->rk, RD_KAFKA_PURGE_F_QUEUE |
	    RD_KAFKA_PURGE_F_INFLIGHT | RD_KAFKA_PURGE_F_NON_BLOCKING);
	rd_kafka_poll(m->rk, 0);
	if (ktopic != NULL)
		rd_kafka_topic_destroy(ktopic);
	if (dtopic != NULL)
		rd_kafka_topic_destroy(dtopic);
	rd_kafka_destroy(m->rk);
	m2k_doing(m, NULL);
	if (m->ar != NULL && archive_close(m->ar) == -1) {
		m2k_warn("%s", o->archive_path);
		rc = 1;
	}
	m->ar = NULL;
	if (journal_close(m->jr, errbuf, sizeof(errbuf)) == -1) {
		m2k_warnx("%s", errbuf);
		rc = 1;
	}
	m->jr = NULL;
	if (m->dlq >= 0 && ((m->dlq_reg && m->dlq_dirty &&
	    fdatasync(m->dlq) == -1) || close(m->dlq) == -1)) {
		m2k_warn("%s", o->dlq_path);
		rc = 1;
	}
	invno_close(&m->inv_no);
	if (cli_verbosity >= CLI_WARN)
		m2k_stats(m);
	catalog_free(m->owncat);
	free(m->inv);
	free(m->jbuf);
	free(m->dbuf);
	return rc;
}

/* The bridge, once the options are read.  Returns the exit status. */
static int
bridge(struct m2k *m)
{
	rd_kafka_topic_t *ktopic, *dtopic;
	pthread_t wd;
	long nrep;
	int rc = 0;

	setup(m, &wd);
	/* Known topics get their metadata when librdkafka connects, not at
	 * the first invoice (which then waited about 0.8 s on the mock). */
	ktopic = rd_kafka_topic_new(m->rk, m->o->kafka.topic, NULL);
	dtopic = m->o->dlq_topic ? rd_kafka_topic_new(m->rk,
	    m->o->dlq_topic, NULL) : NULL;

	/* Replay what a previous run left in the journal. */
	m->in_main = 1;
	nrep = journal_replay(m->jr, m2k_replay_one, m);
	m->in_main = 0;
	if (nrep == -1 && errno != EINTR) {
		m2k_warn("%s", journal_error(m->jr));
		m->fatal = 1;
	} else if (nrep > 0)
		cli_log(CLI_INFO, "replaying %ld journaled messages", nrep);
	if (!m2k_halted(m))
		reserve_first(m);

	if ((errno = pthread_create(&m->worker, NULL, m2k_worker_run, m)) !=
	    0)
		err(1, "pthread_create");
	if (!m2k_halted(m))
		rc = start_mqtt(m);
	run(m);
	if (m->fatal)
		rc = 1;
	stop_intake(m);
	if (close_all(m, ktopic, dtopic) != 0)
		rc = 1;
	if (close_stdout() == -1) {
		m2k_warn("stdout");
		rc = 1;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	/* Static: the watchdog thread may outlive main's frame. */
	static struct m2k m;
	static struct m2k_opts o;
	int rc;

	m2k_opts_init(&o);
	switch (m2k_parse_args(argc, argv, &o)) {
	case CLI_HELP:
		rc = cli_help(stdout, m2k_help);
		goto out;
	case CLI_VERSION:
		rc = cli_version(stdout);
		goto out;
	case CLI_BAD:
		rc = 2;
		goto out;
	case CLI_RUN:
		break;
	}
	if (o.dump != NULL) {
		rc = dump(&o);
		goto out;
	}
	m.o = &o;
	test_clock(&m);
	setup_inputs(&m, &o);
	rc = bridge(&m);
out:
	m2k_opts_free(&o);
	return rc;
}
