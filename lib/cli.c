/* Command-line conventions: see cli.h and docs/conventions.md. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int cli_verbosity = CLI_WARN;

/* ==== getopt_long ======================================================= */

/* Quote the option character c for a message: printable as itself, any
 * other byte as \xHH. */
static const char *
optchar(int c, char buf[8])
{
	if (c > 0 && c < 128 && isprint(c))
		snprintf(buf, 8, "%c", c);
	else
		snprintf(buf, 8, "\\x%02x", (unsigned)c & 0xff);
	return buf;
}

/* The option characters of shortopts, past a leading '+' or '-' and ':'. */
static const char *
short_chars(const char *shortopts)
{
	if (*shortopts == '+' || *shortopts == '-')
		shortopts++;
	if (*shortopts == ':')
		shortopts++;
	return shortopts;
}

/* 1 when c is a short option of shortopts that takes a value. */
static int
short_needs_value(const char *shortopts, int c)
{
	const char *p;

	if (c <= 0 || c == ':')
		return 0;
	for (p = short_chars(shortopts); *p != '\0'; p++) {
		if (*p == ':')
			continue;
		if ((unsigned char)*p == (unsigned)c)
			return p[1] == ':' && p[2] != ':';
	}
	return 0;
}

const struct cli_retired *
cli_retired_find(const struct cli_retired *table, const char *spelling)
{
	size_t n = strcspn(spelling, "=");

	if (table == NULL)
		return NULL;
	for (; table->old != NULL; table++)
		if (strlen(table->old) == n &&
		    strncmp(table->old, spelling, n) == 0)
			return table;
	return NULL;
}

/* A retired long spelling that name[0..n) abbreviates, or NULL. */
static const struct cli_retired *
retired_prefix(const struct cli_retired *table, const char *name, size_t n)
{
	if (table == NULL)
		return NULL;
	for (; table->old != NULL; table++)
		if (strncmp(table->old, "--", 2) == 0 &&
		    strlen(table->old + 2) > n &&
		    strncmp(table->old + 2, name, n) == 0)
			return table;
	return NULL;
}

static char *
retired_msg(const struct cli_retired *r, char *buf, size_t len)
{
	snprintf(buf, len, "option '%s' is retired: %s", r->old, r->msg);
	return buf;
}

/* Explain a failed long option elem ("--name" or "--name=value") as
 * getopt_long matches it against longopts. */
static void
long_msg(const char *elem, const struct option *longopts,
    const struct cli_retired *retired, char *buf, size_t len)
{
	const char *name = elem + 2;
	size_t n = strcspn(name, "="), used;
	const struct option *o, *found = NULL;
	int ambiguous = 0;
	const struct cli_retired *r;

	if ((r = cli_retired_find(retired, elem)) != NULL) {
		retired_msg(r, buf, len);
		return;
	}
	for (o = longopts; o != NULL && o->name != NULL; o++) {
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0) {
			found = o;
			ambiguous = 0;
			break;
		}
		if (strncmp(o->name, name, n) != 0)
			continue;
		/* As glibc: prefixes of options that do the same are one. */
		if (found == NULL)
			found = o;
		else if (found->has_arg != o->has_arg ||
		    found->flag != o->flag || found->val != o->val)
			ambiguous = 1;
	}
	if (found == NULL) {
		snprintf(buf, len, "unknown option '--%.*s'",
		    (int)(n > 64 ? 64 : n), name);
		return;
	}
	if (ambiguous) {
		snprintf(buf, len, "option '--%.*s' is ambiguous (",
		    (int)(n > 64 ? 64 : n), name);
		for (o = longopts; o->name != NULL; o++) {
			if (strncmp(o->name, name, n) != 0)
				continue;
			used = strlen(buf);
			if (used + 1 >= len)
				break;
			snprintf(buf + used, len - used, "%s--%s",
			    buf[used - 1] == '(' ? "" : ", ", o->name);
		}
		used = strlen(buf);
		if (used + 1 < len)
			snprintf(buf + used, len - used, ")");
		return;
	}
	if (name[n] == '=' && found->has_arg == no_argument)
		snprintf(buf, len, "option '--%s' takes no value", found->name);
	else if (name[n] != '=' && found->has_arg == required_argument)
		snprintf(buf, len, "option '--%s' needs a value", found->name);
	else
		snprintf(buf, len, "bad option '--%s'", found->name);
}

char *
cli_getopt_msg(int c, int argc, char *const argv[], int before,
    const char *shortopts, const struct option *longopts,
    const struct cli_retired *retired, char *buf, size_t len)
{
	const struct cli_retired *r;
	const char *elem = NULL;
	char ch[8], spelling[16];
	int i;

	if (len == 0)
		return buf;
	if (before < 1)
		before = 1;
	/* getopt_long moves optind past an element once it has taken its
	 * last character (always, for a long option); a short option that
	 * fails inside a cluster ("-Zx") leaves optind on its element.  An
	 * element it skipped over (a non-option) does not begin with '-'. */
	i = optind - 1;
	if (i >= before && i < argc && argv[i][0] == '-' && argv[i][1] != '\0')
		elem = argv[i];
	else if (optind < argc)
		elem = argv[optind];
	if (elem != NULL && elem[0] == '-' && elem[1] == '-' &&
	    elem[2] != '\0') {
		long_msg(elem, longopts, retired, buf, len);
		return buf;
	}
	optchar(optopt, ch);
	snprintf(spelling, sizeof(spelling), "-%s", ch);
	if (c == ':' || short_needs_value(shortopts, optopt))
		snprintf(buf, len, "option '-%s' needs a value", ch);
	else if ((r = cli_retired_find(retired, spelling)) != NULL)
		retired_msg(r, buf, len);
	else
		snprintf(buf, len, "unknown option '-%s'", ch);
	return buf;
}

int
cli_getopt(struct cli_getopt *g, int argc, char *argv[])
{
	const struct cli_retired *r;
	const char *elem;
	int before = optind, li = -1, c;
	size_t n;

	opterr = 0;
	optarg = NULL;
	g->err[0] = '\0';
	c = getopt_long(argc, argv, g->shortopts, g->longopts, &li);
	if (c == '?' || c == ':') {
		cli_getopt_msg(c, argc, argv, before, g->shortopts,
		    g->longopts, g->retired, g->err, sizeof(g->err));
		return '?';
	}
	if (c == -1 || li < 0 || g->retired == NULL)
		return c;
	/* getopt_long takes "--kafka" for "--kafka-key": an abbreviation
	 * that names a retired spelling is refused, never reinterpreted. */
	if (optarg != NULL && optind >= 2 && optarg == argv[optind - 1] &&
	    strncmp(argv[optind - 2], "--", 2) == 0)
		elem = argv[optind - 2];
	else if (optind >= 1)
		elem = argv[optind - 1];
	else
		return c;
	if (strncmp(elem, "--", 2) != 0)
		return c;
	n = strcspn(elem + 2, "=");
	if (strlen(g->longopts[li].name) == n)
		return c;	/* spelled in full */
	if ((r = cli_retired_find(g->retired, elem)) != NULL ||
	    (r = retired_prefix(g->retired, elem + 2, n)) != NULL) {
		retired_msg(r, g->err, sizeof(g->err));
		return '?';
	}
	return c;
}

/* ==== diagnostics and exit statuses ===================================== */

/* One message, whole: stderr's lock is held across the three calls, so
 * that another thread's message cannot land inside it. */
static void
vlog(const char *fmt, va_list ap)
{
	flockfile(stderr);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", program_invocation_short_name);
	return 2;
}

int
cli_retired_error(const struct cli_retired *r)
{
	return cli_usage_error("option '%s' is retired: %s", r->old, r->msg);
}

/* Flush fp and check it; 0, or 1 after the message. */
static int
finish(FILE *fp, int failed, int saved)
{
	if (fflush(fp) == EOF && !failed) {
		failed = 1;
		saved = errno;
	}
	if (ferror(fp) && !failed) {
		failed = 1;
		saved = EIO;
	}
	if (!failed)
		return 0;
	fprintf(stderr, "%s: write error: %s\n", program_invocation_short_name,
	    strerror(saved ? saved : EIO));
	return 1;
}

int
cli_help(FILE *fp, const char *text)
{
	int failed = 0, saved = 0;

	errno = 0;
	if (fputs(text, fp) == EOF) {
		failed = 1;
		saved = errno;
	}
	return finish(fp, failed, saved);
}

int
cli_version(FILE *fp)
{
	int failed = 0, saved = 0;

	errno = 0;
	if (fprintf(fp, "%s %s\n", program_invocation_short_name,
	    LI_VERSION) < 0) {
		failed = 1;
		saved = errno;
	}
	return finish(fp, failed, saved);
}

/* ==== verbosity ========================================================= */

void
cli_quieter(void)
{
	if (cli_verbosity > CLI_ERROR)
		cli_verbosity--;
}

void
cli_louder(void)
{
	if (cli_verbosity < CLI_DEBUG)
		cli_verbosity++;
}

void
cli_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > cli_verbosity && level > CLI_ERROR)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

/* ==== option values ===================================================== */

/* 0 when s may be handed to strtoll/strtod: no leading blank, no
 * hexadecimal, no "inf" or "nan". */
static int
plain_number(const char *s)
{
	const char *p = s;

	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p) && *p != '.')
		return -1;
	return strpbrk(s, "xX") == NULL ? 0 : -1;
}

static int
not_a(const char *opt, const char *arg, const char *what, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "%s: '%.64s' is not %s", opt, arg, what);
	errno = EINVAL;
	return -1;
}

static int
out_of_range(const char *opt, const char *arg, const char *lo,
    const char *hi, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %.64s is out of range (%s to %s)", opt, arg,
	    lo, hi);
	errno = ERANGE;
	return -1;
}

int
cli_count(const char *opt, const char *arg, long long min, long long max,
    long long *out, char *err, size_t errlen)
{
	char lo[32], hi[32];
	const char *p = arg;

	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p) || p[strspn(p, "0123456789")] != '\0')
		return not_a(opt, arg, "a count", err, errlen);
	if (parse_long(arg, min, max, out) == -1) {
		snprintf(lo, sizeof(lo), "%lld", min);
		snprintf(hi, sizeof(hi), "%lld", max);
		return out_of_range(opt, arg, lo, hi, err, errlen);
	}
	return 0;
}

int
cli_number(const char *opt, const char *arg, double min, double max,
    double *out, char *err, size_t errlen)
{
	char lo[32], hi[32];
	double v;

	if (plain_number(arg) == -1 ||
	    parse_double(arg, -HUGE_VAL, HUGE_VAL, &v) == -1)
		return not_a(opt, arg, "a number", err, errlen);
	if (v < min || v > max) {
		snprintf(lo, sizeof(lo), "%g", min);
		snprintf(hi, sizeof(hi), "%g", max);
		return out_of_range(opt, arg, lo, hi, err, errlen);
	}
	*out = v;
	return 0;
}

/* Write seconds s with the largest unit that divides it: "1ms", "90s",
 * "2m", "365d". */
static void
fmt_duration(double s, char *buf, size_t len)
{
	static const struct { const char *unit; double mul; } units[] = {
		{ "d", 86400 }, { "h", 3600 }, { "m", 60 }, { "s", 1 },
	};
	size_t i;

	if (s == 0) {
		snprintf(buf, len, "0");
		return;
	}
	for (i = 0; i < NELEM(units); i++) {
		double q = s / units[i].mul;
		if (q >= 1 && q == floor(q) && q < 1e15) {
			snprintf(buf, len, "%.0f%s", q, units[i].unit);
			return;
		}
	}
	if (s < 1)
		snprintf(buf, len, "%gms", s * 1e3);
	else
		snprintf(buf, len, "%gs", s);
}

int
cli_duration(const char *opt, const char *arg, double min, double max,
    double *out, char *err, size_t errlen)
{
	char lo[32], hi[32];
	double v;

	if (plain_number(arg) == -1 || parse_duration(arg, &v) == -1)
		return not_a(opt, arg, "a duration", err, errlen);
	if (v < min || v > max) {
		fmt_duration(min, lo, sizeof(lo));
		fmt_duration(max, hi, sizeof(hi));
		return out_of_range(opt, arg, lo, hi, err, errlen);
	}
	*out = v;
	return 0;
}

/* Write n bytes with the largest power of 1024 that divides it. */
static void
fmt_size(unsigned long long n, char *buf, size_t len)
{
	static const char units[] = "GMK";
	int i;

	for (i = 0; i < 3; i++) {
		unsigned long long mul = 1ULL << (10 * (3 - i));
		if (n != 0 && n % mul == 0) {
			snprintf(buf, len, "%llu%c", n / mul, units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", n);
}

int
cli_size(const char *opt, const char *arg, unsigned long long min,
    unsigned long long max, unsigned long long *out, char *err,
    size_t errlen)
{
	char num[64], lo[32], hi[32];
	size_t n = strspn(arg, "0123456789."), dots;
	unsigned long long mul = 1, v;
	long double x;
	const char *p;

	/* Digits with at most one point, then at most one unit. */
	for (dots = 0, p = arg; p < arg + n; p++)
		dots += *p == '.';
	if (n == 0 || n >= sizeof(num) || dots > 1 ||
	    (n == 1 && arg[0] == '.'))
		return not_a(opt, arg, "a size", err, errlen);
	switch (arg[n]) {
	case '\0':
		break;
	case 'k': case 'K':
		mul = 1ULL << 10;
		break;
	case 'm': case 'M':
		mul = 1ULL << 20;
		break;
	case 'g': case 'G':
		mul = 1ULL << 30;
		break;
	default:
		return not_a(opt, arg, "a size", err, errlen);
	}
	if (arg[n] != '\0' && arg[n + 1] != '\0')
		return not_a(opt, arg, "a size", err, errlen);
	memcpy(num, arg, n);
	num[n] = '\0';
	x = strtold(num, NULL) * (long double)mul;
	if (x != floorl(x))
		return not_a(opt, arg, "a size", err, errlen);
	if (x > (long double)max || x < (long double)min) {
		fmt_size(min, lo, sizeof(lo));
		fmt_size(max, hi, sizeof(hi));
		return out_of_range(opt, arg, lo, hi, err, errlen);
	}
	v = (unsigned long long)x;
	if (v > max || v < min) {	/* rounding at the edge of the range */
		fmt_size(min, lo, sizeof(lo));
		fmt_size(max, hi, sizeof(hi));
		return out_of_range(opt, arg, lo, hi, err, errlen);
	}
	*out = v;
	return 0;
}
