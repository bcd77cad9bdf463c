/* --clean: timestamps to one canonical form, float-looking integers to
 * integers, empty rows recognised.  No I/O here. */
#include "clean.h"

#include <string.h>

#include "money.h"
#include "timefield.h"

int
clean_is_empty(const struct csvio_field *f, size_t nf)
{
	size_t i;

	for (i = 0; i < nf; i++)
		if (f[i].len != 0)
			return 0;
	return 1;
}

size_t
clean_float_int(const char *s, size_t len, char *out)
{
	size_t i = 0, digits = 0;
	int64_t v;

	if (len > 0 && s[0] == '-')
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		i++;
		digits++;
	}
	if (digits == 0 || digits > 18 || len - i != 2 || s[i] != '.' ||
	    s[i + 1] != '0')
		return 0;
	if (int_parse(s, len, &v) == -1)
		return 0;
	return int_format(v, out);
}

size_t
clean_timestamp(const char *s, size_t len, char *out)
{
	struct li_tm t;

	if (len == 0 || len >= TM_BUFSZ * 2 || tm_parse(s, len, &t) == -1)
		return 0;
	return tm_fmt_iso(&t, out);
}

int
clean_record(const struct csvio_field *f, size_t nf, long tcol, char *buf,
    size_t cap, size_t *len, int *bad_ts)
{
	char tmp[TM_BUFSZ > MONEY_BUFSZ ? TM_BUFSZ : MONEY_BUFSZ];
	size_t i, n = 0, l;

	if (clean_is_empty(f, nf))
		return CLEAN_EMPTY;
	for (i = 0; i < nf; i++) {
		const char *p = f[i].p;
		size_t pl = f[i].len;

		if (i > 0) {
			if (n + 1 > cap)
				return CLEAN_TOOLONG;
			buf[n++] = ',';
		}
		if (tcol >= 0 && (size_t)tcol == i) {
			if ((l = clean_timestamp(p, pl, tmp)) > 0) {
				p = tmp;
				pl = l;
			} else {
				*bad_ts = 1;
			}
		} else if ((l = clean_float_int(p, pl, tmp)) > 0) {
			p = tmp;
			pl = l;
		}
		if (csvio_append_field(buf, cap, &n, p, pl, ',') == -1)
			return CLEAN_TOOLONG;
	}
	*len = n;
	return CLEAN_OK;
}
