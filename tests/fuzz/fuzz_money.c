/* lib/money: money_parse and int_parse against a reference reading of the
 * same text, and parse -> format -> parse round trips. */
#include <errno.h>

#include "fuzz.h"
#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A slow, obviously right reading of "[+-]digits[.digits]": the value in
 * hundredths, or -1 (not a number), -2 (inexact), -3 (out of range). */
static int
ref_parse(const char *s, size_t len, int64_t *out)
{
	size_t i = 0, nint = 0, nfrac = 0;
	int neg = 0, frac = 0;
	__int128 v = 0;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, nint++) {
		v = v * 10 + (s[i] - '0');
		if (v > ((__int128)1 << 100))
			v = (__int128)1 << 100;
	}
	v *= 100;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, nfrac++) {
			if (nfrac == 0)
				v += (s[i] - '0') * 10;
			else if (nfrac == 1)
				v += s[i] - '0';
			else if (s[i] != '0')
				frac = 1;
		}
	}
	if (i != len || nint + nfrac == 0)
		return -1;
	if (frac)
		return -2;
	/* The range is symmetric: INT64_MIN hundredths is not a value. */
	if (v > INT64_MAX)
		return -3;
	if (neg)
		v = -v;
	*out = (int64_t)v;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char buf[MONEY_BUFSZ];
	int64_t v, w, r;
	int rc, rrc;
	size_t n;

	rc = money_parse(s, size, &v);
	if (rc == 0) {
		n = money_format(v, buf);
		FUZZ_ASSERT(n < MONEY_BUFSZ && strlen(buf) == n);
		FUZZ_ASSERT(money_parse(buf, n, &w) == 0 && w == v);
	} else {
		FUZZ_ASSERT(errno == EINVAL || errno == ERANGE);
	}
	/* The reference agrees on what is a number and on its value. */
	rrc = ref_parse(s, size, &r);
	if (rrc == 0 && rc == 0)
		FUZZ_ASSERT(r == v);
	if (rc == 0)
		FUZZ_ASSERT(rrc == 0);
	if (rrc == 0 && rc != 0) {
		fprintf(stderr, "money_parse rejects <%.*s> (errno %d)\n",
		    (int)size, s, errno);
		abort();
	}

	rc = int_parse(s, size, &v);
	if (rc == 0) {
		n = int_format(v, buf);
		FUZZ_ASSERT(n < MONEY_BUFSZ && strlen(buf) == n);
		FUZZ_ASSERT(int_parse(buf, n, &w) == 0 && w == v);
		/* An integer is money with a zero fraction. */
		if (v <= INT64_MAX / 100 && v >= INT64_MIN / 100)
			FUZZ_ASSERT(money_parse(s, size, &w) == 0 &&
			    w == v * 100);
	} else {
		FUZZ_ASSERT(errno == EINVAL || errno == ERANGE);
	}
	return 0;
}
