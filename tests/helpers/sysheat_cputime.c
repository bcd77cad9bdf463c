/*
 * sysheat_cputime -o FILE CMD [ARG]...: run CMD, wait for it, and write
 * "USER SYS WALL" (seconds, microsecond resolution, from wait4's rusage
 * and the monotonic clock) to FILE.  Exits with CMD's status.  Used by
 * tests/bench/sysheat.sh, where /usr/bin/time's 10 ms steps are too coarse.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

int
main(int argc, char **argv)
{
	struct rusage ru;
	const char *out;
	double t0, wall;
	pid_t pid;
	FILE *fp;
	int st;

	if (argc < 4 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: sysheat_cputime -o file cmd [arg]...\n");
		return 2;
	}
	out = argv[2];
	t0 = now_mono();
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		err(127, "%s", argv[3]);
	}
	if (wait4(pid, &st, 0, &ru) == -1)
		err(1, "wait4");
	wall = now_mono() - t0;
	if ((fp = fopen(out, "w")) == NULL)
		err(1, "%s", out);
	fprintf(fp, "%.6f %.6f %.6f\n",
	    (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	    wall);
	if (fclose(fp) == EOF)
		err(1, "%s", out);
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}
