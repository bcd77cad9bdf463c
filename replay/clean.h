#ifndef REPLAY_CLEAN_H
#define REPLAY_CLEAN_H
/* --clean: the original stream server's tidying of the sales data, as pure
 * functions over one parsed record. */
#include <stddef.h>

#include "csvio.h"

enum {
	CLEAN_OK = 0,
	CLEAN_EMPTY,		/* every field empty: skip the row */
	CLEAN_TOOLONG,		/* the cleaned row does not fit in buf */
};

/* 1 when every one of the nf fields is empty (",,,,,"), else 0. */
int clean_is_empty(const struct csvio_field *f, size_t nf);

/* When s[0..len) is an integer written as a float with one zero decimal
 * ("4.0", "-12.0", "1010876.0"), write the integer into out (MONEY_BUFSZ
 * bytes) and return its length; otherwise return 0.  Two or more decimals
 * ("649.00") are money and are left alone. */
size_t clean_float_int(const char *s, size_t len, char *out);

/* Parse a timestamp in any form tm_parse() takes and write it as
 * "YYYY-MM-DD HH:MM:SS" into out (TM_BUFSZ bytes).  Returns the length, or 0
 * when it does not parse. */
size_t clean_timestamp(const char *s, size_t len, char *out);

/* Rebuild one record into buf (capacity cap), without a line break:
 * the field at index tcol (-1: none) is normalised with clean_timestamp()
 * (kept as it was, and *bad_ts set to 1, when it does not parse), every
 * other field with clean_float_int(), and fields are quoted as needed.
 * Returns CLEAN_OK with *len set, CLEAN_EMPTY, or CLEAN_TOOLONG. */
int clean_record(const struct csvio_field *f, size_t nf, long tcol,
    char *buf, size_t cap, size_t *len, int *bad_ts);

#endif
