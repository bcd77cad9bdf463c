/* reduce: streaming group-by aggregates over transaction CSV, written as a
 * snapshot directory every tick, with a crash-safe checkpoint. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agg.h"
#include "cli.h"
#include "csvio.h"
#include "input.h"
#include "kafkain.h"
#include "opts.h"
#include "spec.h"
#include "synth.h"
#include "util.h"
/* One reduce per snapshot directory: a second would remove the first's
 * temp files and interleave its snapshots.  The lock is released with the
 * process, so a run killed with -9 leaves none behind and a rerun resumes;
 * the descriptor stays open until exit. */
static void
lock_outdir(const char *dir)
{
	int fd;

	/* flock(2) on the directory itself: no lock file among the
	 * snapshot's files. */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", dir);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			errx(1, "%s: in use by another reduce", dir);
		err(1, "%s: lock", dir);
	}
}

/* Remove temp files a killed run left beside name in dir. */
static void
clean_temps(const char *dir, const char *name)
{
	size_t n = strlen(name);
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, name, n) == 0 &&
		    strncmp(de->d_name + n, ".tmp.", 5) == 0 &&
		    strlen(de->d_name + n + 5) == 6) {
			char path[4096];
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) < sizeof(path))
				(void)unlink(path);
		}
	}
	closedir(d);
}

static void
clean_ckpt_temps(const char *ckpt)
{
	char *dir = strdup(ckpt), *slash;
	const char *base;

	if (dir == NULL)
		return;
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		base = slash + 1;
		clean_temps(*dir ? dir : "/", base);
	} else
		clean_temps(".", ckpt);
	free(dir);
}

/* ==== modes ============================================================= */

static int
is_ckpt_name(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 5 &&
	    strcmp(de->d_name + n - 5, ".ckpt") == 0;
}

/* The checkpoints a --merge argument stands for: a file itself; a
 * directory its state.ckpt, or when it has none (a --state-dir), every
 * *.ckpt in it, in name order.  The paths and the array are the
 * caller's. */
static void
merge_paths(const char *arg, char ***paths, size_t *n)
{
	struct dirent **de = NULL;
	struct stat st;
	char path[4096];
	int i, nde;

	*n = 0;
	if ((*paths = calloc(1, sizeof(**paths))) == NULL)
		err(1, "malloc");
	if (stat(arg, &st) == -1 || !S_ISDIR(st.st_mode)) {
		if (((*paths)[0] = strdup(arg)) == NULL)
			err(1, "malloc");
		*n = 1;
		return;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/state.ckpt", arg) >=
	    sizeof(path))
		errx(1, "%s: name too long", arg);
	if (access(path, F_OK) == 0) {
		if (((*paths)[0] = strdup(path)) == NULL)
			err(1, "malloc");
		*n = 1;
		return;
	}
	if ((nde = scandir(arg, &de, is_ckpt_name, alphasort)) == -1)
		err(1, "%s", arg);
	if (nde == 0)
		errx(1, "%s: no checkpoint in it (state.ckpt or *.ckpt)", arg);
	free(*paths);
	if ((*paths = calloc((size_t)nde, sizeof(**paths))) == NULL)
		err(1, "malloc");
	for (i = 0; i < nde; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", arg,
		    de[i]->d_name) >= sizeof(path))
			errx(1, "%s: name too long", arg);
		if (((*paths)[i] = strdup(path)) == NULL)
			err(1, "malloc");
		free(de[i]);
	}
	free(de);
	*n = (size_t)nde;
}

/* One checkpoint to merge: its path, the argument it came from, and the
 * file it is. */
struct mpart {
	char *path;
	const char *arg;
	dev_t dev;
	ino_t ino;
	int have_st;
};

/* How a part is named in messages: its argument, and the path when the
 * argument is a directory. */
static const char *
mpart_name(const struct mpart *p, char *buf, size_t len)
{
	if (strcmp(p->arg, p->path) == 0)
		return p->arg;
	snprintf(buf, len, "%s (%s)", p->arg, p->path);
	return buf;
}

/* Load the checkpoint path into the merge engine a.  With windows, each
 * part is loaded apart and added: its open windows are made from its own
 * panes and watermark (agg_set_merging).  Exits on an error. */
static int
merge_load(struct agg *a, const struct spec *sp, const char *path,
    struct agg_pos *pos)
{
	char errb[4200];
	struct agg *p;

	if (agg_nwindowed(a) == 0) {
		if (agg_load(a, path, pos, errb, sizeof(errb)) == -1)
			errx(1, "%s", errb);
		return 0;
	}
	if ((p = agg_new(sp)) == NULL)
		err(1, "malloc");
	if (agg_load(p, path, pos, errb, sizeof(errb)) == -1)
		errx(1, "%s", errb);
	if (agg_merge(a, p) == -1)
		err(1, "merge: %s", path);
	agg_free(p);
	return 0;
}

static int
do_merge(const struct opts *o, const struct spec *sp, int argc, char **argv)
{
	struct agg *a = agg_new(sp);
	struct kin_merge *km = kin_merge_new();
	struct mpart *parts = NULL;
	size_t nparts = 0, *idowner = NULL, *no, nown = 0, i, j, k;
	struct agg_pos pos;
	char errb[4200], n1[4200], n2[4200];
	int ai;

	if (a == NULL || km == NULL)
		err(1, "malloc");
	agg_set_merging(a);
	for (ai = 0; ai < argc; ai++) {
		char **paths = NULL;
		size_t n;
		struct mpart *np;
		merge_paths(argv[ai], &paths, &n);
		if ((np = realloc(parts, (nparts + n) * sizeof(*np))) == NULL)
			err(1, "malloc");
		parts = np;
		for (j = 0; j < n; j++) {
			struct mpart *p = &parts[nparts++];
			struct stat st;
			p->path = paths[j];
			p->arg = argv[ai];
			p->have_st = stat(p->path, &st) == 0;
			p->dev = p->have_st ? st.st_dev : 0;
			p->ino = p->have_st ? st.st_ino : 0;
		}
		free(paths);
	}
	/* The same file twice (a path given twice, DIR and DIR/state.ckpt,
	 * a link): its counts would be added twice. */
	for (i = 0; i < nparts; i++)
		for (j = 0; j < i; j++)
			if (parts[i].have_st && parts[j].have_st &&
			    parts[i].dev == parts[j].dev &&
			    parts[i].ino == parts[j].ino)
				errx(2, "merge: %s and %s are the same "
				    "checkpoint: its counts would be added twice",
				    mpart_name(&parts[j], n1, sizeof(n1)),
				    mpart_name(&parts[i], n2, sizeof(n2)));
	for (i = 0; i < nparts; i++) {
		/* idowner[0..before): the part each identity so far came
		 * from. */
		size_t before = nown, after;
		memset(&pos, 0, sizeof(pos));
		if (merge_load(a, sp, parts[i].path, &pos) == -1)
			errx(1, "%s", errb);
		/* The same state by its identity: a copy of a checkpoint, or
		 * a part given beside a merge that holds it already. */
		after = agg_nids(a);
		for (k = before; k < after; k++)
			for (j = 0; j < before; j++)
				if (strcmp(agg_id(a, k), agg_id(a, j)) == 0)
					errx(2, "merge: %s and %s hold the same "
					    "state (checkpoint id %s): its counts "
					    "would be added twice",
					    mpart_name(&parts[idowner[j]], n1,
					    sizeof(n1)), mpart_name(&parts[i], n2,
					    sizeof(n2)), agg_id(a, k));
		if ((no = realloc(idowner, (after ? after : 1) *
		    sizeof(*idowner))) == NULL)
			err(1, "malloc");
		idowner = no;
		for (k = before; k < after; k++)
			idowner[k] = i;
		nown = after;
		/* A Kafka partition must be counted in one checkpoint
		 * only. */
		if (kin_merge_note(km, parts[i].path, pos.ext, pos.extlen,
		    errb, sizeof(errb)) == -1)
			errx(1, "merge: %s", errb);
		free(pos.ext);
	}
	for (i = 0; i < nparts; i++)
		free(parts[i].path);
	free(parts);
	free(idowner);
	if (agg_overflowed(a))
		warnx("merge: a sum went past +-92233720368547758.07 and was "
		    "held there");
	/* The larger watermark closes what any part had closed. */
	input_setup_windows(a, o, 0);
	if (agg_close_windows(a) == -1 || agg_flush_closed(a, o->nosync) == -1)
		err(1, "%s", o->closed_dir);
	if (agg_write_snapshot(a, o->outdir, o->nosync, errb,
	    sizeof(errb)) == -1)
		err(1, "%s", errb);
	if (o->ckpt != NULL) {
		memset(&pos, 0, sizeof(pos));
		pos.line = 1;
		pos.ext = (char *)kin_merge_ext(km, &pos.extlen);
		if (agg_save(a, &pos, o->ckpt, o->nosync) == -1)
			err(1, "%s", o->ckpt);
	}
	kin_merge_free(km);
	agg_free(a);
	return 0;
}


/* Set the Kafka input's options from reduce's own. */
static void
kafka_setup(struct opts *o)
{
	struct kin_conf *kc = &o->kc;

	kc->kafka = &o->kafka;
	kc->topic = o->kafka.topic;
	kc->outdir = o->outdir;
	kc->ckpt = o->ckpt;
	kc->tscol = o->tscol;
	kc->tick = o->tick;
	kc->tick_rows = o->tick_rows;
	kc->max_record = o->max_record ? o->max_record : 1024 * 1024;
	kc->nosync = o->nosync;
	kc->quiet = o->quiet;
	kc->verbose = o->verbose;
	kc->debug = cli_verbosity >= CLI_DEBUG;
	kc->header = o->header != NULL ? o->header : SYNTH_HEADER;
	kc->opts = o;
	kc->setup_windows = input_setup_windows;
}

int
main(int argc, char **argv)
{
	static struct spec sp;
	struct opts o;
	int rc;

	switch (reduce_opts_parse(argc, argv, &o, &sp)) {
	case CLI_HELP: {
		static char help[8192];
		snprintf(help, sizeof(help), "%s%s", reduce_help,
		    reduce_help_more);
		return cli_help(stdout, help);
	}
	case CLI_VERSION:
		return cli_version(stdout);
	case CLI_BAD:
		return 2;
	case CLI_RUN:
		break;
	}
	if (o.print_spec) {
		if (spec_print(&sp, stdout) == -1 || close_stdout() == -1)
			err(1, "stdout");
		return 0;
	}
	if (o.kafka.brokers != NULL) {
		/* A bad -X or -F property is a configuration error: before
		 * anything is made. */
		kafka_setup(&o);
		rd_kafka_conf_destroy(kin_conf(&o.kc));
	}
	if (mkdir(o.outdir, 0777) == -1 && errno != EEXIST)
		err(1, "%s", o.outdir);
	lock_outdir(o.outdir);
	if (o.closed_dir == NULL) {
		static char cdir[4200];
		if ((size_t)snprintf(cdir, sizeof(cdir), "%s/closed",
		    o.outdir) >= sizeof(cdir))
			errx(1, "%s: name too long", o.outdir);
		o.closed_dir = cdir;
	}
	if (o.merge) {
		rc = do_merge(&o, &sp, o.nargs, o.args);
	} else {
		for (size_t i = 0; i < sp.naggs; i++)
			clean_temps(o.outdir, sp.aggs[i].file);
		if (o.ckpt != NULL)
			clean_ckpt_temps(o.ckpt);
		if (sig_install() == -1)
			err(1, "sigaction");
		if (o.kafka.brokers != NULL) {
			rc = kin_run(&o.kc, &sp);
		} else {
			o.input = o.nargs > 0 ? o.args[0] : "-";
			rc = input_run(&o, &sp);
		}
	}
	kafka_opts_free(&o.kafka);
	if (close_stdout() == -1)
		err(1, "stdout");
	return rc;
}
