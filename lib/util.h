#ifndef LI_UTIL_H
#define LI_UTIL_H
/* Small helpers shared by every tool: checked writes, number and duration
 * parsing, and stdout shutdown.  Nothing here prints or exits. */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifndef LI_VERSION
#define LI_VERSION "0.0.0"
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Write all of buf to fd, looping over partial writes and EINTR.
 * Returns len, or -1 with errno set (EPIPE when the reader went away). */
ssize_t writeall(int fd, const void *buf, size_t len);

/* Parse a whole string as a base-10 integer in [min, max].
 * Returns 0, or -1 with errno EINVAL (not a number) or ERANGE. */
int parse_long(const char *s, long long min, long long max, long long *out);

/* Parse a whole string as a finite double in [min, max].  Returns 0 or -1. */
int parse_double(const char *s, double min, double max, double *out);

/* Parse a duration: a number with an optional unit ms, s, m, h or d
 * ("1.5s", "250ms", "2m"; a bare number is seconds).  Returns 0 or -1. */
int parse_duration(const char *s, double *seconds);

/* Flush and close stdout, as sbase's fshut: returns 0, or -1 when any
 * buffered write failed (errno set). */
int close_stdout(void);

/* Monotonic and wall clock, in seconds. */
double now_mono(void);
double now_wall(void);

/* Sleep for a (possibly fractional) number of seconds; returns early, with
 * -1 and errno EINTR, when a signal arrives. */
int sleep_sec(double seconds);

/* Set by the handlers that sig_install() installs; tools poll them. */
extern volatile sig_atomic_t sig_stop;	/* SIGINT or SIGTERM seen */
extern volatile sig_atomic_t sig_last;	/* number of the last such signal */
extern volatile sig_atomic_t sig_usr1;	/* SIGUSR1 seen (report counters) */
extern volatile sig_atomic_t sig_winch;	/* SIGWINCH seen (terminal resized) */

/* Install flag-setting handlers for SIGINT, SIGTERM, SIGUSR1 and SIGWINCH,
 * without SA_RESTART so blocking reads return EINTR.  Returns 0 or -1. */
int sig_install(void);

/* Like strdup for a counted string; returns NULL on ENOMEM. */
char *xstrndup(const char *s, size_t n);

#endif
