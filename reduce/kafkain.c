/* reduce's Kafka input: consume rows, drop duplicates, aggregate, and save
 * the offsets with the state in one checkpoint per tick. */
#include "kafkain_int.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "contract.h"
#include "kafkaconf.h"
#include "money.h"
#include "opts.h"
#include "ticks.h"
#include "util.h"

/* ==== ticks ============================================================= */

/* Append the windows that closed to their files (a --state-dir keeps
 * none: windows are refused there).  Exits on failure. */
static void
kin_flush_closed(struct kin *K)
{
	if (K->c->state_dir == NULL &&
	    agg_flush_closed(K->agg, K->c->nosync) == -1)
		err(1, "%s", K->c->opts != NULL ? K->c->opts->closed_dir :
		    "closed windows");
}

static void
kin_tick(struct kin *K)
{
	uint64_t rows, rej;
	char errb[4200];
	int parts_changed = K->c->state_dir != NULL && kin_tick_parts(K);

	rows = agg_rows(K->agg);
	rej = agg_rejected(K->agg);
	if (parts_changed || (K->c->state_dir == NULL && (!K->written ||
	    rows != K->written_rows || rej != K->written_rej ||
	    K->counted != K->written_counted))) {
		if (agg_write_snapshot(K->agg, K->c->outdir, K->c->nosync,
		    errb, sizeof(errb)) == -1)
			err(1, "%s", errb);
		if (K->c->ckpt != NULL && K->c->state_dir == NULL)
			kin_save(K);	/* with the closed windows */
		else
			kin_flush_closed(K);
		K->written = 1;
		K->written_rows = rows;
		K->written_rej = rej;
		K->written_counted = K->counted;
	}
	ticks_print(++K->tickno, K->agg);
	K->since_tick = 0;
}

static void
kin_maybe_tick(struct kin *K)
{
	double now = now_mono();

	if (now >= K->next_tick ||
	    (K->c->tick_rows && K->since_tick >= K->c->tick_rows)) {
		kin_tick(K);
		K->next_tick += K->c->tick;
		if (K->next_tick <= now)
			K->next_tick = now + K->c->tick;
	}
}

/* ==== rows ============================================================== */

static void
kin_reject(struct kin *K, const rd_kafka_message_t *m, const char *why)
{
	if (K->c->quiet)
		return;
	if (K->c->verbose || K->shown < KIN_SHOW)
		warnx("%s[%" PRId32 "]@%" PRId64 ": %s", K->c->topic,
		    m->partition, m->offset, why);
	else if (K->shown == KIN_SHOW)
		warnx("%s: more rejects not shown", K->c->topic);
	K->shown++;
}

/* Put text (with line breaks) into the memfd for the reader. */
static void
kin_feed(struct kin *K, const char *text, size_t len)
{
	if (ftruncate(K->mfd, 0) == -1 || lseek(K->mfd, 0, SEEK_SET) == -1 ||
	    writeall(K->mfd, text, len) == -1 ||
	    lseek(K->mfd, 0, SEEK_SET) == -1)
		err(1, "memfd");
	csvio_reader_seek(K->rd, 0, 1);
}

/* Bind the header hdr[0..len) unless it is bound already.  Returns 0, or
 * -1 with the reason in why (then nothing is bound). */
static int
kin_bind(struct kin *K, const char *hdr, size_t len, char *why, size_t wlen)
{
	struct csvio_record rec;
	char errb[512];
	char *line;

	if (K->hdr != NULL && K->hdrlen == len && !K->rebind &&
	    memcmp(K->hdr, hdr, len) == 0)
		return 0;
	free(K->hdr);
	K->hdr = NULL;
	if (len == 0 || len > K->c->max_record) {
		snprintf(why, wlen, "bad header: %s", len ? "too long" :
		    "empty");
		return -1;
	}
	if ((line = malloc(len + 1)) == NULL)
		err(1, "malloc");
	memcpy(line, hdr, len);
	line[len] = '\n';
	kin_feed(K, line, len + 1);
	if (csvio_next(K->rd, &rec) != 1) {
		snprintf(why, wlen, "bad header: does not parse");
		goto fail;
	}
	if (K->c->state_dir == NULL) {
		if (agg_bind(K->agg, &rec, K->c->tscol, errb,
		    sizeof(errb)) == -1) {
			snprintf(why, wlen, "bad header: %s", errb);
			goto fail;
		}
	} else {
		size_t i;
		for (i = 0; i < KIN_MAXPARTS; i++) {
			if (K->p[i].agg != NULL && agg_bind(K->p[i].agg, &rec,
			    K->c->tscol, errb, sizeof(errb)) == -1) {
				snprintf(why, wlen, "bad header: %s", errb);
				goto fail;
			}
		}
	}
	K->dedup_idx = -1;
	if (K->c->dedup_col != NULL &&
	    (K->dedup_idx = csvio_find(&rec, K->c->dedup_col)) < 0) {
		snprintf(why, wlen, "bad header: no column '%s' for "
		    "--dedup-col", K->c->dedup_col);
		goto fail;
	}
	K->hdr = line;
	K->hdrlen = len;
	K->rebind = 0;
	return 0;
fail:
	free(line);
	return -1;
}

static void
msg_header(struct kin *K, const rd_kafka_message_t *m, const char **h,
    size_t *hl)
{
	rd_kafka_headers_t *hdrs;
	const void *v;
	size_t n;

	if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR &&
	    rd_kafka_header_get_last(hdrs, CONTRACT_KAFKA_HEADER_KEY, &v, &n) ==
	    RD_KAFKA_RESP_ERR_NO_ERROR && v != NULL) {
		*h = v;
		*hl = n;
		return;
	}
	*h = K->c->header;
	*hl = strlen(K->c->header);
}

/* The duplicate filter: 1 to count the row, 0 to drop it, -1 when its id
 * is not an integer. */
static int
kin_dedup(struct kin *K, const rd_kafka_message_t *m,
    const struct csvio_record *rec)
{
	struct kpart *p = &K->p[m->partition];
	int64_t id;

	if (K->dedup_idx < 0)
		return 1;
	if ((size_t)K->dedup_idx >= rec->nf ||
	    int_parse(rec->f[K->dedup_idx].p, rec->f[K->dedup_idx].len,
	    &id) == -1)
		return -1;
	if (p->has_hwm && id <= p->hwm) {
		p->dups++;
		K->dups++;
		return 0;
	}
	p->hwm = id;
	p->has_hwm = 1;
	return 1;
}

static void
kin_grow(struct kin *K, size_t need)
{
	size_t ncap = K->cap ? K->cap : 1 << 20;
	char *n;

	if (need <= K->cap)
		return;
	while (ncap < need)
		ncap *= 2;
	if ((n = realloc(K->buf, ncap)) == NULL)
		err(1, "malloc");
	K->buf = n;
	K->cap = ncap;
}

/* Reject, in offset order, the messages before batch index upto that the
 * checks before splitting turned down. */
static void
kin_pre_rejects(struct kin *K, size_t *next, size_t upto)
{
	for (; *next < upto; (*next)++) {
		if (K->pre[*next] == NULL)
			continue;
		agg_count_reject(kin_agg(K, K->batch[*next]->partition));
		kin_reject(K, K->batch[*next], K->pre[*next]);
	}
}

/* Count messages batch[from..to), all with the same header. */
static void
kin_segment(struct kin *K, size_t from, size_t to)
{
	struct csvio_record rec;
	size_t i, nfed = 0, cur = 0, next = from;
	char why[256];
	int n;

	K->len = 0;
	for (i = from; i < to; i++) {
		const rd_kafka_message_t *m = K->batch[i];
		const char *p = m->payload;
		size_t len = m->payload ? m->len : 0, q, quotes = 0;
		while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
			len--;
		for (q = 0; q < len; q++)
			quotes += p[q] == '"';
		/* A message is a row: never let one run into the next. */
		K->pre[i] = len == 0 ? "empty message" :
		    len > K->c->max_record ? "message too long" :
		    quotes % 2 ? "unterminated quoted field" : NULL;
		if (K->pre[i] != NULL)
			continue;
		kin_grow(K, K->len + len + 1);
		K->start[nfed] = K->len;
		K->msgof[nfed++] = (uint32_t)i;
		memcpy(K->buf + K->len, p, len);
		K->len += len;
		K->buf[K->len++] = '\n';
	}
	if (nfed > 0)
		kin_feed(K, K->buf, K->len);
	while (nfed > 0 && (n = csvio_next(K->rd, &rec)) != 0) {
		const rd_kafka_message_t *m;
		int d;
		while (cur + 1 < nfed && K->start[cur + 1] <= rec.offset)
			cur++;
		kin_pre_rejects(K, &next, K->msgof[cur]);
		m = K->batch[K->msgof[cur]];
		if (n == -1) {
			if (rec.err == CSVIO_EINTR)
				continue;	/* call again: nothing lost */
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM)
				err(1, "memfd");
			agg_count_reject(kin_agg(K, m->partition));
			kin_reject(K, m, csvio_strerror(rec.err));
			continue;
		}
		if ((d = kin_dedup(K, m, &rec)) == 0)
			continue;
		if (d == -1) {
			agg_count_reject(kin_agg(K, m->partition));
			kin_reject(K, m, "message id is not an integer");
			continue;
		}
		if (agg_row(kin_agg(K, m->partition), &rec, why,
		    sizeof(why)) == -1)
			kin_reject(K, m, why);
		K->since_tick++;
	}
	kin_pre_rejects(K, &next, to);
}

/* Count every message gathered, then note their offsets. */
static void
kin_process(struct kin *K)
{
	size_t i, from = 0;
	const char *h, *h2;
	size_t hl, hl2;
	char why[700];

	if (K->nb == 0)
		return;
	while (from < K->nb) {
		size_t to = from + 1;
		msg_header(K, K->batch[from], &h, &hl);
		while (to < K->nb) {
			msg_header(K, K->batch[to], &h2, &hl2);
			if (hl2 != hl || memcmp(h, h2, hl) != 0)
				break;
			to++;
		}
		/* A header that does not bind turns its messages down: a
		 * poisoned message must not stop every restart. */
		if (kin_bind(K, h, hl, why, sizeof(why)) == -1) {
			for (i = from; i < to; i++) {
				agg_count_reject(kin_agg(K,
				    K->batch[i]->partition));
				kin_reject(K, K->batch[i], why);
			}
		} else
			kin_segment(K, from, to);
		from = to;
	}
	for (i = 0; i < K->nb; i++) {
		rd_kafka_message_t *m = K->batch[i];
		K->p[m->partition].last = m->offset;
		K->p[m->partition].dirty = 1;
		K->counted++;
		rd_kafka_message_destroy(m);
	}
	K->nb = 0;
}

/* ==== consumer ========================================================== */

/* Where partition part starts: after the checkpoint's last, else at the
 * beginning. */
static int64_t
kin_start(const struct kin *K, int32_t part)
{
	if (part >= 0 && part < KIN_MAXPARTS && K->p[part].last >= 0)
		return K->p[part].last + 1;
	return RD_KAFKA_OFFSET_BEGINNING;
}

static void
kin_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t e,
    rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	struct kin *K = opaque;
	int coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	rd_kafka_error_t *ke = NULL;
	rd_kafka_resp_err_t re = RD_KAFKA_RESP_ERR_NO_ERROR;
	int i;

	if (e == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		for (i = 0; i < parts->cnt; i++) {
			rd_kafka_topic_partition_t *tp = &parts->elems[i];
			if (tp->partition < 0 || tp->partition >= KIN_MAXPARTS)
				errx(1, "%s: partition %" PRId32 " is beyond "
				    "%d", tp->topic, tp->partition,
				    KIN_MAXPARTS - 1);
			tp->offset = K->c->state_dir != NULL ?
			    kin_take(K, tp->partition) :
			    kin_start(K, tp->partition);
			K->p[tp->partition].owned = 1;
			K->p[tp->partition].eof = 0;
			if (K->c->verbose && tp->offset >= 0)
				warnx("kafka: assigned %s[%" PRId32 "] from "
				    "offset %" PRId64, tp->topic, tp->partition,
				    tp->offset);
			else if (K->c->verbose)
				warnx("kafka: assigned %s[%" PRId32 "] from "
				    "the beginning", tp->topic, tp->partition);
		}
		if (coop)
			ke = rd_kafka_incremental_assign(rk, parts);
		else
			re = rd_kafka_assign(rk, parts);
	} else {
		/* Count what is gathered and save it before letting go. */
		kin_process(K);
		kin_tick(K);
		for (i = 0; i < parts->cnt; i++) {
			int32_t p = parts->elems[i].partition;
			if (p >= 0 && p < KIN_MAXPARTS) {
				K->p[p].owned = 0;
				kin_give_up(K, p);
			}
			if (K->c->verbose)
				warnx("kafka: revoked %s[%" PRId32 "]",
				    parts->elems[i].topic, p);
		}
		if (coop)
			ke = rd_kafka_incremental_unassign(rk, parts);
		else
			re = rd_kafka_assign(rk, NULL);
	}
	if (ke != NULL) {
		warnx("kafka: rebalance: %s", rd_kafka_error_string(ke));
		rd_kafka_error_destroy(ke);
	} else if (re != RD_KAFKA_RESP_ERR_NO_ERROR)
		warnx("kafka: rebalance: %s", rd_kafka_err2str(re));
}

static void
kin_error(rd_kafka_t *rk, int e, const char *reason, void *opaque)
{
	struct kin *K = opaque;

	(void)rk;
	if (e == RD_KAFKA_RESP_ERR__FATAL)
		errx(1, "kafka: %s", reason);
	if (K->c->verbose)
		warnx("kafka: %s", reason);
}

/* librdkafka's own log lines (from its threads): only with -v; errors
 * that matter come through kin_error or a message's error. */
static void
kin_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	const struct kin *K = rd_kafka_opaque(rk);

	(void)level;
	if (K != NULL && K->c->verbose)
		warnx("kafka: %s: %s", fac, buf);
}

rd_kafka_conf_t *
kin_conf(const struct kin_conf *c)
{
	const char *defaults[] = {
		/* librdkafka 2.0 wants a group.id even for assign(). */
		"group.id", c->group ? c->group : "reduce",
		"enable.auto.commit", "false",
		"enable.auto.offset.store", "false",
		/* A checkpoint's offset that the cluster no longer has means
		 * rows lost to retention: stop, rather than skip them. */
		"auto.offset.reset", "error",
		"enable.partition.eof", "true",
		/* Prefetch more and wait less for a fetch: 3-4x the
		 * default's rate on the mock cluster
		 * (tests/bench/scaleout.sh). */
		"queued.min.messages", "1000000",
		"fetch.wait.max.ms", "100",
		"log_level", c->debug ? "7" : c->verbose ? "6" : "3",
		NULL,
	};
	rd_kafka_conf_t *conf;
	char errb[1024];
	size_t i;

	/* The offsets are the checkpoint's: never Kafka's. */
	for (i = 0; i < c->kafka->nprops; i++) {
		const struct kafka_prop *p = &c->kafka->props[i];
		if (strcmp(p->key, "enable.auto.commit") == 0 ||
		    strcmp(p->key, "enable.auto.offset.store") == 0)
			errx(2, "kafka: %s: reduce keeps its offsets in its "
			    "checkpoint", p->origin);
	}
	if ((conf = kafka_conf_build(c->kafka, defaults, errb,
	    sizeof(errb))) == NULL)
		errx(2, "kafka: %s", errb);
	return conf;
}

static rd_kafka_t *
kin_consumer(struct kin *K)
{
	const struct kin_conf *c = K->c;
	rd_kafka_conf_t *conf = kin_conf(c);
	char errstr[512];
	rd_kafka_t *rk;

	rd_kafka_conf_set_opaque(conf, K);
	rd_kafka_conf_set_error_cb(conf, kin_error);
	rd_kafka_conf_set_log_cb(conf, kin_log);
	if (c->group != NULL)
		rd_kafka_conf_set_rebalance_cb(conf, kin_rebalance);
	if ((rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr,
	    sizeof(errstr))) == NULL)
		errx(1, "kafka: %s", errstr);
	rd_kafka_poll_set_consumer(rk);
	return rk;
}

/* 1 when every partition we own is at its end. */
static int
kin_all_eof(const struct kin *K)
{
	size_t i, owned = 0;

	for (i = 0; i < KIN_MAXPARTS; i++) {
		if (!K->p[i].owned)
			continue;
		owned++;
		if (!K->p[i].eof)
			return 0;
	}
	return owned > 0;
}

/* Leave the group and end the consumer.  Stopped by a signal, reduce
 * must end within a second whatever the brokers do, and a coordinator
 * that does not answer holds rd_kafka_consumer_close and then
 * rd_kafka_destroy for seconds (measured: 5 s at a 20 s round trip on the
 * mock cluster).  So the close is given KIN_CLOSE_WAIT; when it has not
 * ended by then the handle is left to the process's exit (the group
 * notices the member gone after its session timeout).  The owned
 * partitions are saved after this (kin_give_up) in either case; nothing
 * is committed to Kafka. */
static void
kin_close(struct kin *K)
{
	rd_kafka_queue_t *q;
	rd_kafka_error_t *e;
	double until = now_mono() + KIN_CLOSE_WAIT;
	int closed = 0;

	if (K->c->group == NULL || !sig_stop) {
		if (K->c->group != NULL)
			rd_kafka_consumer_close(K->rk);
		rd_kafka_destroy(K->rk);
		K->rk = NULL;
		return;
	}
	if ((q = rd_kafka_queue_new(K->rk)) == NULL)
		err(1, "malloc");
	if ((e = rd_kafka_consumer_close_queue(K->rk, q)) != NULL) {
		rd_kafka_error_destroy(e);
	} else {
		while (!(closed = rd_kafka_consumer_closed(K->rk)) &&
		    now_mono() < until) {
			rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 50);
			if (ev == NULL)
				continue;
			if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE)
				kin_rebalance(K->rk, rd_kafka_event_error(ev),
				    rd_kafka_event_topic_partition_list(ev), K);
			rd_kafka_event_destroy(ev);
		}
	}
	rd_kafka_queue_destroy(q);
	if (closed) {
		rd_kafka_destroy(K->rk);
	} else if (!K->c->quiet)
		warnx("kafka: the group did not answer within %.1f s; "
		    "leaving it without a goodbye", KIN_CLOSE_WAIT);
	K->rk = NULL;
}

/* A new Kafka input, from the checkpoint when there is one. */
static struct kin *
kin_new(const struct kin_conf *c, const struct spec *sp)
{
	struct kin *K = calloc(1, sizeof(*K));
	struct agg_pos pos;
	char errb[4200];
	size_t i;
	int resumed = 0;

	if (K == NULL || (K->msgof = malloc(KIN_BATCH * sizeof(*K->msgof))) ==
	    NULL || (K->start = malloc(KIN_BATCH * sizeof(*K->start))) == NULL)
		err(1, "malloc");
	K->c = c;
	K->sp = sp;
	K->dedup_idx = -1;
	for (i = 0; i < KIN_MAXPARTS; i++) {
		K->p[i].last = -1;
		K->p[i].lockfd = -1;
	}
	snprintf(K->input, sizeof(K->input), "kafka:%s", c->topic);
	if ((K->agg = agg_new(sp)) == NULL)
		err(1, "malloc");
	if ((K->mfd = memfd_create("kafkain", MFD_CLOEXEC)) == -1)
		err(1, "memfd");
	if ((K->rd = csvio_reader_new(K->mfd, ',', c->max_record)) == NULL)
		err(1, "malloc");
	memset(&pos, 0, sizeof(pos));
	if (c->state_dir != NULL) {
		if (mkdir(c->state_dir, 0777) == -1 && errno != EEXIST)
			err(1, "%s", c->state_dir);
		return K;
	}
	if (c->ckpt != NULL) {
		if (access(c->ckpt, F_OK) == 0) {
			if (agg_load(K->agg, c->ckpt, &pos, errb,
			    sizeof(errb)) == -1)
				errx(1, "%s", errb);
			if (strcmp(pos.input, K->input) != 0)
				errx(1, "%s: checkpoint is for input '%s'",
				    c->ckpt, pos.input);
			kin_restore(K, pos.ext, pos.extlen);
			free(pos.ext);
			resumed = 1;
		} else if (errno != ENOENT)
			err(1, "%s", c->ckpt);
	}
	/* Windows and filters read each message's row time, as from a file:
	 * the watermark and the windows are in the state, saved with the
	 * offsets in one checkpoint. */
	if (c->setup_windows != NULL)
		c->setup_windows(K->agg, c->opts, resumed);
	return K;
}

/* Check the partitions asked for against the topic's, then assign them
 * (--partitions). */
static void
kin_assign(struct kin *K)
{
	const struct kin_conf *c = K->c;
	rd_kafka_topic_partition_list_t *l =
	    rd_kafka_topic_partition_list_new((int)c->nparts);
	rd_kafka_topic_t *rkt = rd_kafka_topic_new(K->rk, c->topic, NULL);
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t e;
	size_t i;

	/* Know the leaders before assigning: else librdkafka retries its
	 * first offset query only after 500 ms. */
	if (rkt != NULL && rd_kafka_metadata(K->rk, 0, rkt, &md,
	    10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (md->topic_cnt == 1 && md->topics[0].err)
			errx(1, "kafka: %s: %s", c->topic,
			    rd_kafka_err2str(md->topics[0].err));
		for (i = 0; md->topic_cnt == 1 && i < c->nparts; i++)
			if (c->parts[i] >= md->topics[0].partition_cnt)
				errx(1, "kafka: %s: no partition %" PRId32
				    " (the topic has %d)", c->topic,
				    c->parts[i], md->topics[0].partition_cnt);
		rd_kafka_metadata_destroy(md);
	}
	if (rkt != NULL)
		rd_kafka_topic_destroy(rkt);
	for (i = 0; i < c->nparts; i++) {
		rd_kafka_topic_partition_list_add(l, c->topic,
		    c->parts[i])->offset = c->state_dir != NULL ?
		    kin_take(K, c->parts[i]) : kin_start(K, c->parts[i]);
		K->p[c->parts[i]].owned = 1;
	}
	e = rd_kafka_assign(K->rk, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (e)
		errx(1, "kafka: assign %s: %s", c->topic, rd_kafka_err2str(e));
}

/* Join the group (-G), or assign the partitions. */
static void
kin_subscribe(struct kin *K)
{
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t e;

	if (K->c->group == NULL) {
		kin_assign(K);
		return;
	}
	l = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(l, K->c->topic,
	    RD_KAFKA_PARTITION_UA);
	e = rd_kafka_subscribe(K->rk, l);
	rd_kafka_topic_partition_list_destroy(l);
	if (e)
		errx(1, "kafka: subscribe %s: %s", K->c->topic,
		    rd_kafka_err2str(e));
}

/* Take one message or event of the consumer: 1 to go on gathering, 0 to
 * stop the batch (an end of partition, an error). */
static int
kin_take_message(struct kin *K, rd_kafka_message_t *m)
{
	const struct kin_conf *c = K->c;

	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
		if (m->partition >= 0 && m->partition < KIN_MAXPARTS)
			K->p[m->partition].eof = 1;
		rd_kafka_message_destroy(m);
		return 0;
	}
	if (m->err) {
		if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET)
			errx(1, "kafka: %s[%" PRId32 "]: %s (rows gone before "
			    "they were read; -X auto.offset.reset=earliest "
			    "skips them)", c->topic, m->partition,
			    rd_kafka_message_errstr(m));
		if (m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
		    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
		    m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
			errx(1, "kafka: %s: %s", c->topic,
			    rd_kafka_message_errstr(m));
		if (c->verbose)
			warnx("kafka: %s", rd_kafka_message_errstr(m));
		rd_kafka_message_destroy(m);
		return 0;
	}
	if (m->partition < 0 || m->partition >= KIN_MAXPARTS)
		errx(1, "%s: partition %" PRId32 " is beyond %d", c->topic,
		    m->partition, KIN_MAXPARTS - 1);
	if (c->state_dir != NULL && K->p[m->partition].agg == NULL) {
		/* Given up already: its next owner counts it. */
		rd_kafka_message_destroy(m);
		return 1;
	}
	K->p[m->partition].eof = 0;
	K->batch[K->nb++] = m;
	return 1;
}

/* The end: the last tick, leaving the group, the partitions saved. */
static void
kin_finish(struct kin *K)
{
	const struct kin_conf *c = K->c;
	size_t i;

	kin_process(K);
	kin_tick(K);
	kin_close(K);
	for (i = 0; i < KIN_MAXPARTS; i++)
		kin_give_up(K, (int32_t)i);
	kin_flush_closed(K);
	if (c->verbose && (agg_late(K->agg) > 0 || agg_filtered(K->agg) > 0))
		warnx("%s: %llu late, %llu left out by --since/--until",
		    c->topic, (unsigned long long)agg_late(K->agg),
		    (unsigned long long)agg_filtered(K->agg));
	if (agg_overflowed(K->agg))
		warnx("%s: a sum went past +-92233720368547758.07 and was "
		    "held there", c->topic);
	if (!c->quiet && (c->verbose || K->shown > 0) &&
	    agg_rejected(K->agg) > 0)
		warnx("%s: %llu row%s rejected", c->topic,
		    (unsigned long long)agg_rejected(K->agg),
		    agg_rejected(K->agg) == 1 ? "" : "s");
	if (c->verbose)
		warnx("%s: %llu duplicate%s dropped", c->topic,
		    (unsigned long long)K->dups, K->dups == 1 ? "" : "s");
	csvio_reader_free(K->rd);
	close(K->mfd);
	agg_free(K->agg);
	free(K->hdr);
	free(K->buf);
	free(K->msgof);
	free(K->start);
	free(K);
}

int
kin_run(const struct kin_conf *c, const struct spec *sp)
{
	struct kin *K = kin_new(c, sp);

	K->rk = kin_consumer(K);
	kin_subscribe(K);
	ticks_header();
	K->next_tick = now_mono() + c->tick;
	while (!sig_stop) {
		double wait = K->next_tick - now_mono();
		rd_kafka_message_t *m;
		int ms = wait <= 0 ? 0 : wait > 0.1 ? 100 : (int)(wait * 1000);

		while (K->nb < KIN_BATCH &&
		    (m = rd_kafka_consumer_poll(K->rk, K->nb ? 0 : ms)) != NULL)
			if (!kin_take_message(K, m))
				break;
		kin_process(K);
		kin_maybe_tick(K);
		if (c->exit_eof && kin_all_eof(K))
			break;
	}
	kin_finish(K);
	return 0;
}

