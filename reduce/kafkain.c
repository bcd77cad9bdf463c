/* reduce's Kafka input: consume rows, drop duplicates, aggregate, and save
 * the offsets with the state in one checkpoint per tick. */
#include "kafkain.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "agg.h"
#include "csvio.h"
#include "money.h"
#include "synth.h"
#include "timefield.h"
#include "util.h"

#define KIN_HEADER_KEY	"li.header"	/* as replay/kafkaout.h */
#define KIN_BATCH	4096		/* messages split at once */
#define KIN_SHOW	10		/* rejects shown before hushing */
#define KIN_CLOSE_WAIT	0.5		/* s to leave the group on a signal */

struct kpart {
	int64_t last;		/* offset of the last message counted, -1 */
	int64_t hwm;		/* highest message id seen */
	int has_hwm;
	uint64_t dups;		/* duplicates dropped */
	int owned;		/* assigned to us now */
	int eof;		/* at the end of the partition */
	/* With --state-dir: */
	struct agg *agg;	/* this partition's state while owned */
	int lockfd;		/* its lock file, flocked while owned; -1 */
	int dirty;		/* counted since its checkpoint was saved */
};

struct kin {
	const struct kin_conf *c;
	const struct spec *sp;
	/* The state counted into; with --state-dir, the merge of the owned
	 * partitions' states, made again at each tick that needs it. */
	struct agg *agg;
	int rebind;		/* a partition state lacks the header */
	int moved;		/* partitions taken or given up since the tick */
	rd_kafka_t *rk;
	struct kpart p[KIN_MAXPARTS];
	rd_kafka_message_t *batch[KIN_BATCH];
	size_t nb;
	uint32_t *msgof;	/* message index of each fed row */
	uint64_t *start;	/* its byte offset in buf */
	const char *pre[KIN_BATCH];	/* why a message was turned down */
	char *buf;
	size_t len, cap;
	int mfd;
	struct csvio_reader *rd;
	char *hdr;		/* the header bound now */
	size_t hdrlen;
	long dedup_idx;
	char input[300];	/* "kafka:TOPIC" in the checkpoint */
	uint64_t dups, shown, since_tick, tickno, counted;
	uint64_t written_rows, written_rej, written_counted;
	int written;
	double next_tick;
};

/* ==== partitions and names ============================================== */

int
kin_topic_ok(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > 249)
		return -1;
	return strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") == n ? 0 : -1;
}

int
kin_parse_partitions(const char *s, int32_t *parts, size_t *n)
{
	static unsigned char seen[KIN_MAXPARTS];
	char buf[32];
	size_t i;

	memset(seen, 0, sizeof(seen));
	*n = 0;
	while (*s != '\0') {
		size_t len = strcspn(s, ",");
		long long lo, hi;
		char *dash;
		if (len == 0 || len >= sizeof(buf))
			return -1;
		memcpy(buf, s, len);
		buf[len] = '\0';
		if ((dash = strchr(buf + 1, '-')) != NULL) {
			*dash = '\0';
			if (parse_long(buf, 0, KIN_MAXPARTS - 1, &lo) == -1 ||
			    parse_long(dash + 1, lo, KIN_MAXPARTS - 1, &hi) == -1)
				return -1;
		} else {
			if (parse_long(buf, 0, KIN_MAXPARTS - 1, &lo) == -1)
				return -1;
			hi = lo;
		}
		for (; lo <= hi; lo++)
			seen[lo] = 1;
		s += len;
		if (*s == ',' && *++s == '\0')
			return -1;
	}
	for (i = 0; i < KIN_MAXPARTS; i++)
		if (seen[i])
			parts[(*n)++] = (int32_t)i;
	return *n > 0 ? 0 : -1;
}

/* ==== checkpoint ======================================================== */

/* The state that rows of partition part go to. */
static struct agg *
kin_agg(struct kin *K, int32_t part)
{
	return K->c->state_dir != NULL ? K->p[part].agg : K->agg;
}

/* The ext lines of the partitions counted so far (only: all, or just
 * that one). */
static char *
kin_ext(struct kin *K, int only, size_t *len)
{
	char *buf = NULL;
	FILE *fp = open_memstream(&buf, len);
	size_t i;

	if (fp == NULL)
		err(1, "malloc");
	for (i = 0; i < KIN_MAXPARTS; i++) {
		struct kpart *p = &K->p[i];
		if (p->last < 0 || (only >= 0 && (size_t)only != i))
			continue;
		fprintf(fp, "ext,kafka,%s,%zu,%" PRId64 ",", K->c->topic, i,
		    p->last);
		if (p->has_hwm)
			fprintf(fp, "%" PRId64, p->hwm);
		fprintf(fp, ",%" PRIu64 "\n", p->dups);
	}
	if (fclose(fp) == EOF)
		err(1, "malloc");
	return buf;
}

/* One "ext,kafka,..." line (NUL-terminated, no line break) into its
 * fields.  Returns 0, 1 for an ext line of another kind, -1 when bad. */
static int
ext_parse(char *line, char **topic, long long *part, long long *last,
    long long *hwm, int *has_hwm, long long *dups)
{
	char *f[8], *save = NULL, *s = line;
	int n = 0;

	/* Fields may be empty: split by hand. */
	while (n < 8) {
		f[n++] = s;
		if ((save = strchr(s, ',')) == NULL)
			break;
		*save = '\0';
		s = save + 1;
	}
	if (n < 2 || strcmp(f[0], "ext") != 0)
		return -1;
	if (strcmp(f[1], "kafka") != 0)
		return 1;
	if (n != 7 || kin_topic_ok(f[2]) == -1 ||
	    parse_long(f[3], 0, KIN_MAXPARTS - 1, part) == -1 ||
	    parse_long(f[4], -1, INT64_MAX, last) == -1 ||
	    parse_long(f[6], 0, INT64_MAX, dups) == -1)
		return -1;
	*has_hwm = f[5][0] != '\0';
	if (*has_hwm && parse_long(f[5], INT64_MIN, INT64_MAX, hwm) == -1)
		return -1;
	*topic = f[2];
	return 0;
}

/* Apply the ext lines of a loaded checkpoint. */
static void
kin_restore(struct kin *K, char *ext, size_t extlen)
{
	char *line = ext, *end = ext + extlen;

	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *topic;
		long long part, last, hwm = 0, dups;
		int has_hwm, rc;
		if (nl == NULL)
			break;
		*nl = '\0';
		rc = ext_parse(line, &topic, &part, &last, &hwm, &has_hwm,
		    &dups);
		if (rc == -1)
			errx(1, "%s: corrupt Kafka position", K->c->ckpt);
		if (rc == 0) {
			struct kpart *p = &K->p[part];
			if (strcmp(topic, K->c->topic) != 0)
				errx(1, "%s: checkpoint is for topic '%s'",
				    K->c->ckpt, topic);
			p->last = last;
			p->hwm = hwm;
			p->has_hwm = has_hwm;
			p->dups = (uint64_t)dups;
			K->dups += (uint64_t)dups;
		}
		line = nl + 1;
	}
}

static void
kin_save(struct kin *K)
{
	struct agg_pos pos;

	memset(&pos, 0, sizeof(pos));
	snprintf(pos.input, sizeof(pos.input), "%s", K->input);
	pos.line = 1;
	pos.ext = kin_ext(K, -1, &pos.extlen);
	if (agg_save(K->agg, &pos, K->c->ckpt, K->c->nosync) == -1)
		err(1, "%s", K->c->ckpt);
	free(pos.ext);
}

/* ==== partition checkpoints (--state-dir) =============================== */

int
kin_part_ext(const char *ext, size_t extlen, const char *topic, int32_t part,
    int64_t *last, int64_t *hwm, int *has_hwm, uint64_t *dups, char *errs,
    size_t errlen)
{
	char *copy, *line, *end;
	int found = 0, rc = -1;

	if ((copy = malloc(extlen + 1)) == NULL) {
		snprintf(errs, errlen, "out of memory");
		return -1;
	}
	if (extlen > 0)
		memcpy(copy, ext, extlen);
	copy[extlen] = '\0';
	end = copy + extlen;
	for (line = copy; line < end; ) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *t;
		long long p, l, h = 0, d;
		int hh, k;
		if (nl == NULL)
			break;
		*nl = '\0';
		k = ext_parse(line, &t, &p, &l, &h, &hh, &d);
		line = nl + 1;
		if (k == 1)
			continue;
		if (k == -1 || l < 0) {
			snprintf(errs, errlen, "corrupt Kafka position");
			goto out;
		}
		if (found++) {
			snprintf(errs, errlen, "more than one Kafka position "
			    "(not a partition checkpoint)");
			goto out;
		}
		if (strcmp(t, topic) != 0 || p != part) {
			snprintf(errs, errlen, "holds %s[%lld], not %s[%"
			    PRId32 "]", t, p, topic, part);
			goto out;
		}
		*last = l;
		*hwm = h;
		*has_hwm = hh;
		*dups = (uint64_t)d;
	}
	if (!found) {
		snprintf(errs, errlen, "no Kafka position");
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

/* DIR/TOPIC.PART.SUFFIX into buf. */
static void
kin_ppath(const struct kin *K, int32_t part, const char *suffix, char *buf,
    size_t len)
{
	if ((size_t)snprintf(buf, len, "%s/%s.%" PRId32 ".%s",
	    K->c->state_dir, K->c->topic, part, suffix) >= len)
		errx(1, "%s: name too long", K->c->state_dir);
}

/* Save partition part's checkpoint: its state and its position. */
static void
kin_psave(struct kin *K, int32_t part)
{
	struct agg_pos pos;
	char path[4096];

	kin_ppath(K, part, "ckpt", path, sizeof(path));
	memset(&pos, 0, sizeof(pos));
	snprintf(pos.input, sizeof(pos.input), "%s", K->input);
	pos.line = 1;
	pos.ext = kin_ext(K, part, &pos.extlen);
	if (agg_save(K->p[part].agg, &pos, path, K->c->nosync) == -1)
		err(1, "%s", path);
	free(pos.ext);
	K->p[part].dirty = 0;
}

/* Remove the temp files a killed owner left beside name in dir. */
static void
kin_clean_temps(const char *dir, const char *name)
{
	char path[4096], pat[512];
	glob_t g;
	size_t i;

	if ((size_t)snprintf(pat, sizeof(pat), "%s.tmp.??????", name) >=
	    sizeof(pat) || (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
	    pat) >= sizeof(path))
		return;
	if (glob(path, GLOB_NOSORT, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++)
		(void)unlink(g.gl_pathv[i]);
	globfree(&g);
}

/* Take partition part over: lock it (waiting while another reduce holds
 * it), then load its checkpoint.  Returns the offset to read from. */
static int64_t
kin_take(struct kin *K, int32_t part)
{
	struct kpart *p = &K->p[part];
	char path[4096], lpath[4096], errb[4200];
	struct agg_pos pos;
	int fd, waited = 0;

	if (p->agg != NULL)
		return p->last >= 0 ? p->last + 1 : RD_KAFKA_OFFSET_BEGINNING;
	kin_ppath(K, part, "lock", lpath, sizeof(lpath));
	kin_ppath(K, part, "ckpt", path, sizeof(path));
	if ((fd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) == -1)
		err(1, "%s", lpath);
	/* A member that left the group but still runs holds its
	 * partitions' locks until it lets them go (or dies): never count
	 * beside it. */
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK)
			err(1, "%s: lock", lpath);
		if (!waited++ && !K->c->quiet)
			warnx("%s[%" PRId32 "]: held by another reduce (%s); "
			    "waiting for it to let go", K->c->topic, part,
			    lpath);
		if (sig_stop)
			errx(1, "%s[%" PRId32 "]: stopped while waiting for "
			    "%s", K->c->topic, part, lpath);
		sleep_sec(0.1);
	}
	if (waited && !K->c->quiet)
		warnx("%s[%" PRId32 "]: lock taken", K->c->topic, part);
	p->lockfd = fd;
	kin_clean_temps(K->c->state_dir, strrchr(path, '/') + 1);
	if ((p->agg = agg_new(K->sp)) == NULL)
		err(1, "malloc");
	p->last = -1;
	p->hwm = 0;
	p->has_hwm = 0;
	p->dups = 0;
	p->dirty = 0;
	if (access(path, F_OK) == 0) {
		memset(&pos, 0, sizeof(pos));
		if (agg_load(p->agg, path, &pos, errb, sizeof(errb)) == -1)
			errx(1, "%s", errb);
		if (strcmp(pos.input, K->input) != 0)
			errx(1, "%s: checkpoint is for input '%s'", path,
			    pos.input);
		if (kin_part_ext(pos.ext, pos.extlen, K->c->topic, part,
		    &p->last, &p->hwm, &p->has_hwm, &p->dups, errb,
		    sizeof(errb)) == -1)
			errx(1, "%s: %s", path, errb);
		free(pos.ext);
		K->dups += p->dups;
	} else if (errno != ENOENT)
		err(1, "%s", path);
	K->rebind = 1;
	K->moved = 1;
	return p->last >= 0 ? p->last + 1 : RD_KAFKA_OFFSET_BEGINNING;
}

/* Give partition part up: save its checkpoint if it changed, then let its
 * lock go. */
static void
kin_give_up(struct kin *K, int32_t part)
{
	struct kpart *p = &K->p[part];

	if (p->agg == NULL)
		return;
	if (p->dirty)
		kin_psave(K, part);
	agg_free(p->agg);
	p->agg = NULL;
	close(p->lockfd);	/* releases the flock */
	p->lockfd = -1;
	K->moved = 1;
}

/* ==== ticks ============================================================= */

/* With --state-dir: save the changed partitions' checkpoints and make
 * the instance's state again from the owned partitions'.  Returns 1 when
 * the snapshot must be written. */
static int
kin_tick_parts(struct kin *K)
{
	int changed = K->moved || !K->written;
	size_t i;

	for (i = 0; i < KIN_MAXPARTS; i++) {
		if (K->p[i].agg != NULL && K->p[i].dirty) {
			kin_psave(K, (int32_t)i);
			changed = 1;
		}
	}
	if (!changed)
		return 0;
	agg_free(K->agg);
	if ((K->agg = agg_new(K->sp)) == NULL)
		err(1, "malloc");
	for (i = 0; i < KIN_MAXPARTS; i++)
		if (K->p[i].agg != NULL && agg_merge(K->agg, K->p[i].agg) == -1)
			err(1, "merge");
	K->moved = 0;
	return 1;
}

static void
kin_tick(struct kin *K)
{
	uint64_t rows, rej;
	char ts[TM_BUFSZ], errb[4200];
	int64_t last;
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
			kin_save(K);
		K->written = 1;
		K->written_rows = rows;
		K->written_rej = rej;
		K->written_counted = K->counted;
	}
	tm_now_rfc3339(ts);
	printf("%llu,%s,%llu,%llu,", (unsigned long long)++K->tickno, ts,
	    (unsigned long long)rows, (unsigned long long)rej);
	if (agg_last_time(K->agg, &last)) {
		time_t now = time(NULL);
		struct tm lt;
		localtime_r(&now, &lt);
		printf("%.1f", now_wall() - (double)(last - lt.tm_gmtoff));
	}
	putchar('\n');
	if (fflush(stdout) == EOF)
		err(1, "stdout");
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
	    rd_kafka_header_get_last(hdrs, KIN_HEADER_KEY, &v, &n) ==
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
			if (rec.err == CSVIO_EIO || rec.err == CSVIO_ENOMEM ||
			    rec.err == CSVIO_EINTR)
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

static void
conf_set(rd_kafka_conf_t *conf, const char *key, const char *val)
{
	char errstr[512];

	if (rd_kafka_conf_set(conf, key, val, errstr, sizeof(errstr)) !=
	    RD_KAFKA_CONF_OK)
		errx(2, "kafka: %s: %s", key, errstr);
}

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

static rd_kafka_t *
kin_consumer(struct kin *K)
{
	const struct kin_conf *c = K->c;
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char errstr[512];
	rd_kafka_t *rk;
	size_t i;

	conf_set(conf, "bootstrap.servers", c->brokers);
	/* librdkafka 2.0 wants a group.id even for rd_kafka_assign(). */
	conf_set(conf, "group.id", c->group ? c->group : "reduce");
	conf_set(conf, "enable.auto.commit", "false");
	conf_set(conf, "enable.auto.offset.store", "false");
	/* A checkpoint's offset that the cluster no longer has means rows
	 * lost to retention: stop, rather than skip them silently. */
	conf_set(conf, "auto.offset.reset", "error");
	conf_set(conf, "enable.partition.eof", "true");
	/* Prefetch more and wait less for a fetch: 3-4x the default's rate
	 * on the mock cluster (tests/bench/scaleout.sh). */
	conf_set(conf, "queued.min.messages", "1000000");
	conf_set(conf, "fetch.wait.max.ms", "100");
	conf_set(conf, "log_level", c->verbose ? "6" : "3");
	for (i = 0; i < c->nprops; i++) {
		char *kv = strdup(c->props[i]), *eq;
		if (kv == NULL)
			err(1, "malloc");
		if ((eq = strchr(kv, '=')) == NULL || eq == kv)
			errx(2, "kafka: -X %s: not key=value", kv);
		*eq = '\0';
		if (strcmp(kv, "enable.auto.commit") == 0 ||
		    strcmp(kv, "enable.auto.offset.store") == 0)
			errx(2, "kafka: -X %s: reduce keeps its offsets in "
			    "its checkpoint", kv);
		conf_set(conf, kv, eq + 1);
		free(kv);
	}
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

int
kin_run(const struct kin_conf *c, const struct spec *sp)
{
	struct kin *K = calloc(1, sizeof(*K));
	struct agg_pos pos;
	char errb[4200];
	size_t i;
	rd_kafka_resp_err_t e;

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
	} else if (c->ckpt != NULL) {
		if (access(c->ckpt, F_OK) == 0) {
			if (agg_load(K->agg, c->ckpt, &pos, errb,
			    sizeof(errb)) == -1)
				errx(1, "%s", errb);
			if (strcmp(pos.input, K->input) != 0)
				errx(1, "%s: checkpoint is for input '%s'",
				    c->ckpt, pos.input);
			kin_restore(K, pos.ext, pos.extlen);
			free(pos.ext);
		} else if (errno != ENOENT)
			err(1, "%s", c->ckpt);
	}
	K->rk = kin_consumer(K);
	if (c->group != NULL) {
		rd_kafka_topic_partition_list_t *l =
		    rd_kafka_topic_partition_list_new(1);
		rd_kafka_topic_partition_list_add(l, c->topic,
		    RD_KAFKA_PARTITION_UA);
		e = rd_kafka_subscribe(K->rk, l);
		rd_kafka_topic_partition_list_destroy(l);
		if (e)
			errx(1, "kafka: subscribe %s: %s", c->topic,
			    rd_kafka_err2str(e));
	} else {
		rd_kafka_topic_partition_list_t *l =
		    rd_kafka_topic_partition_list_new((int)c->nparts);
		rd_kafka_topic_t *rkt = rd_kafka_topic_new(K->rk, c->topic,
		    NULL);
		const struct rd_kafka_metadata *md = NULL;
		/* Know the leaders before assigning: else librdkafka retries
		 * its first offset query only after 500 ms. */
		if (rkt != NULL && rd_kafka_metadata(K->rk, 0, rkt, &md,
		    10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
			if (md->topic_cnt == 1 && md->topics[0].err)
				errx(1, "kafka: %s: %s", c->topic,
				    rd_kafka_err2str(md->topics[0].err));
			for (i = 0; md->topic_cnt == 1 && i < c->nparts; i++)
				if (c->parts[i] >= md->topics[0].partition_cnt)
					errx(1, "kafka: %s: no partition %"
					    PRId32 " (the topic has %d)",
					    c->topic, c->parts[i],
					    md->topics[0].partition_cnt);
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
			errx(1, "kafka: assign %s: %s", c->topic,
			    rd_kafka_err2str(e));
	}
	if (printf("tick,time,rows,rejected,lag_s\n") < 0 ||
	    fflush(stdout) == EOF)
		err(1, "stdout");
	K->next_tick = now_mono() + c->tick;
	while (!sig_stop) {
		double wait = K->next_tick - now_mono();
		rd_kafka_message_t *m;
		int ms = wait <= 0 ? 0 : wait > 0.1 ? 100 : (int)(wait * 1000);

		while (K->nb < KIN_BATCH &&
		    (m = rd_kafka_consumer_poll(K->rk, K->nb ? 0 : ms)) != NULL) {
			if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
				if (m->partition >= 0 &&
				    m->partition < KIN_MAXPARTS)
					K->p[m->partition].eof = 1;
				rd_kafka_message_destroy(m);
				break;
			}
			if (m->err) {
				if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET)
					errx(1, "kafka: %s[%" PRId32 "]: %s (rows "
					    "gone before they were read; -X "
					    "auto.offset.reset=earliest skips "
					    "them)", c->topic, m->partition,
					    rd_kafka_message_errstr(m));
				int fatal = m->err ==
				    RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
				    m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
				    m->err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED;
				if (fatal)
					errx(1, "kafka: %s: %s", c->topic,
					    rd_kafka_message_errstr(m));
				if (c->verbose)
					warnx("kafka: %s",
					    rd_kafka_message_errstr(m));
				rd_kafka_message_destroy(m);
				break;
			}
			if (m->partition < 0 || m->partition >= KIN_MAXPARTS)
				errx(1, "%s: partition %" PRId32 " is beyond %d",
				    c->topic, m->partition, KIN_MAXPARTS - 1);
			if (c->state_dir != NULL && K->p[m->partition].agg ==
			    NULL) {
				/* Given up already: its next owner counts it. */
				rd_kafka_message_destroy(m);
				continue;
			}
			K->p[m->partition].eof = 0;
			K->batch[K->nb++] = m;
		}
		kin_process(K);
		kin_maybe_tick(K);
		if (c->exit_eof && kin_all_eof(K))
			break;
	}
	kin_process(K);
	kin_tick(K);
	kin_close(K);
	for (i = 0; i < KIN_MAXPARTS; i++)
		kin_give_up(K, (int32_t)i);
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
	return 0;
}

/* ==== merge ============================================================= */

struct kin_seen {
	char topic[256];
	int32_t part;
	char *path;
};

struct kin_merge {
	struct kin_seen *v;
	size_t n, cap;
	char *ext;
	size_t extlen;
};

struct kin_merge *
kin_merge_new(void)
{
	return calloc(1, sizeof(struct kin_merge));
}

int
kin_merge_note(struct kin_merge *m, const char *path, const char *ext,
    size_t extlen, char *errs, size_t errlen)
{
	char *copy, *line, *end;
	size_t i;
	int rc = 0;

	if (ext == NULL || extlen == 0)
		return 0;
	if ((copy = malloc(extlen + 1)) == NULL)
		err(1, "malloc");
	memcpy(copy, ext, extlen);
	copy[extlen] = '\0';
	line = copy;
	end = copy + extlen;
	while (rc == 0 && line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line)), *topic;
		long long part, last, hwm, dups;
		int has_hwm, k;
		if (nl == NULL)
			break;
		*nl = '\0';
		k = ext_parse(line, &topic, &part, &last, &hwm, &has_hwm,
		    &dups);
		if (k == -1) {
			snprintf(errs, errlen, "%s: corrupt Kafka position",
			    path);
			rc = -1;
			break;
		}
		line = nl + 1;
		if (k == 1)
			continue;
		for (i = 0; i < m->n; i++) {
			if (m->v[i].part == part &&
			    strcmp(m->v[i].topic, topic) == 0) {
				snprintf(errs, errlen, "%s: partition %s[%lld] "
				    "is counted in %s too", path, topic, part,
				    m->v[i].path);
				rc = -1;
				break;
			}
		}
		if (rc == -1)
			break;
		if (m->n == m->cap) {
			size_t nc = m->cap ? m->cap * 2 : 16;
			struct kin_seen *nv = realloc(m->v, nc * sizeof(*nv));
			if (nv == NULL)
				err(1, "malloc");
			m->v = nv;
			m->cap = nc;
		}
		snprintf(m->v[m->n].topic, sizeof(m->v[m->n].topic), "%s",
		    topic);
		m->v[m->n].part = (int32_t)part;
		if ((m->v[m->n].path = strdup(path)) == NULL)
			err(1, "malloc");
		m->n++;
	}
	free(copy);
	if (rc == 0) {
		char *nx = realloc(m->ext, m->extlen + extlen);
		if (nx == NULL)
			err(1, "malloc");
		memcpy(nx + m->extlen, ext, extlen);
		m->ext = nx;
		m->extlen += extlen;
	}
	return rc;
}

const char *
kin_merge_ext(const struct kin_merge *m, size_t *len)
{
	*len = m->extlen;
	return m->ext;
}

void
kin_merge_free(struct kin_merge *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		free(m->v[i].path);
	free(m->v);
	free(m->ext);
	free(m);
}
