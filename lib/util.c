#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t sig_stop;
volatile sig_atomic_t sig_last;
volatile sig_atomic_t sig_usr1;
volatile sig_atomic_t sig_winch;

ssize_t
writeall(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t left = len;

	while (left > 0) {
		ssize_t n = write(fd, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	return (ssize_t)len;
}

int
parse_long(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || end == s) {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || end == s || !isfinite(v)) {
		errno = EINVAL;
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_duration(const char *s, double *seconds)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "", 1 }, { "s", 1 }, { "ms", 1e-3 }, { "m", 60 },
		{ "h", 3600 }, { "d", 86400 },
	};
	char *end;
	double v;
	size_t i;

	if (s == NULL || *s == '\0') {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v) || v < 0) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < NELEM(units); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			*seconds = v * units[i].mul;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

int
close_stdout(void)
{
	int bad = 0, saved = 0;

	if (fflush(stdout) == EOF) {
		bad = 1;
		saved = errno;
	}
	if (ferror(stdout) && !bad) {
		bad = 1;
		saved = EIO;
	}
	if (fclose(stdout) == EOF && !bad) {
		bad = 1;
		saved = errno;
	}
	if (bad) {
		errno = saved;
		return -1;
	}
	return 0;
}

double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
sleep_sec(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return 0;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	return nanosleep(&ts, NULL);
}

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGUSR1:
		sig_usr1 = 1;
		break;
	case SIGWINCH:
		sig_winch = 1;
		break;
	default:
		sig_last = sig;
		sig_stop = 1;
		break;
	}
}

int
sig_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGUSR1, SIGWINCH };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: let blocking calls see EINTR */
	for (i = 0; i < NELEM(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			return -1;
	return 0;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
