/* reduce's Kafka input: the instance's checkpoint, and with --state-dir
 * a state, a lock and a checkpoint per partition, handed over between the
 * members of a group. */
#include "kafkain_int.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glob.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "util.h"

/* The state that rows of partition part go to. */
struct agg *
kin_agg(struct kin *K, int32_t part)
{
	return K->c->state_dir != NULL ? K->p[part].agg : K->agg;
}


void
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
int64_t
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
void
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



/* With --state-dir: save the changed partitions' checkpoints and make
 * the instance's state again from the owned partitions'.  Returns 1 when
 * the snapshot must be written. */
int
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

