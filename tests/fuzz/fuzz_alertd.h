#ifndef LI_FUZZ_ALERTD_H
#define LI_FUZZ_ALERTD_H
/* Independent checkers for what alertd writes, shared by
 * fuzz_alertd_eval.c and fuzz_alertd_writers.c: a strict JSON line parser
 * (RFC 8259, UTF-8 checked byte by byte, top-level string members
 * decoded), the Nagios plugin output grammar of a status line, and a
 * reference for alertd's number syntax and its U+FFFD replacement.  They
 * share no code with alertd/outfmt.c or alertd/num.c on purpose. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/*=== UTF-8, by code point ===================================================*/

/* Decode one UTF-8 character at s[0..n): its length, or 0 when invalid;
 * *cp gets the code point. */
static inline size_t
ref_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		len = 2; c = s[0] & 0x1F; min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3; c = s[0] & 0x0F; min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4; c = s[0] & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

static inline int
ref_utf8_valid(const char *s, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if ((k = ref_utf8((const unsigned char *)s + i, n - i, &cp)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

/* s with every byte that is not part of valid UTF-8 replaced by U+FFFD,
 * as alertd's JSON promises (malloc'd, *len set). */
static inline char *
ref_replace(const char *s, size_t n, size_t *len)
{
	char *o = malloc(3 * n + 1);
	size_t i = 0, j = 0, k;
	uint32_t cp;

	if (o == NULL)
		abort();
	while (i < n) {
		if ((k = ref_utf8((const unsigned char *)s + i, n - i, &cp)) ==
		    0) {
			memcpy(o + j, "\xEF\xBF\xBD", 3);
			j += 3;
			i++;
		} else {
			memcpy(o + j, s + i, k);
			j += k;
			i += k;
		}
	}
	o[j] = '\0';
	*len = j;
	return o;
}

/*=== a strict JSON line ======================================================*/

#define JSON_MEMBERS	16

struct json_line {
	size_t n;				/* top-level members */
	char *name[JSON_MEMBERS];		/* decoded (malloc'd) */
	char *str[JSON_MEMBERS];		/* decoded string, or NULL */
	size_t slen[JSON_MEMBERS];
};

struct jp {
	const unsigned char *s;
	size_t n, i;
	int depth;
};

static inline void
json_line_free(struct json_line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->name[i]);
		free(l->str[i]);
	}
	l->n = 0;
}

static inline void
jp_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	    p->s[p->i] == '\r' || p->s[p->i] == '\n'))
		p->i++;
}

static inline int
jp_hex4(struct jp *p, uint32_t *v)
{
	size_t k;

	*v = 0;
	if (p->n - p->i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		unsigned char c = p->s[p->i++];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static inline size_t
put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3F));
	o[2] = (char)(0x80 | (c >> 6 & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* A string; its decoded bytes in *out (malloc'd) when out is not NULL. */
static inline int
jp_string(struct jp *p, char **out, size_t *olen)
{
	char *o = NULL;
	size_t j = 0, k;
	uint32_t c, lo;

	if (p->i >= p->n || p->s[p->i] != '"')
		return -1;
	p->i++;
	if ((o = malloc(p->n - p->i + 1)) == NULL)
		abort();
	for (;;) {
		if (p->i >= p->n)
			goto bad;
		c = p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c < 0x20)
			goto bad;	/* raw control characters */
		if (c != '\\') {
			if ((k = ref_utf8(p->s + p->i, p->n - p->i, &c)) == 0)
				goto bad;	/* not UTF-8 */
			memcpy(o + j, p->s + p->i, k);
			j += k;
			p->i += k;
			continue;
		}
		if (++p->i >= p->n)
			goto bad;
		switch (p->s[p->i++]) {
		case '"': o[j++] = '"'; break;
		case '\\': o[j++] = '\\'; break;
		case '/': o[j++] = '/'; break;
		case 'b': o[j++] = '\b'; break;
		case 'f': o[j++] = '\f'; break;
		case 'n': o[j++] = '\n'; break;
		case 'r': o[j++] = '\r'; break;
		case 't': o[j++] = '\t'; break;
		case 'u':
			if (jp_hex4(p, &c) == -1)
				goto bad;
			if (c >= 0xDC00 && c <= 0xDFFF)
				goto bad;	/* a lone low surrogate */
			if (c >= 0xD800 && c <= 0xDBFF) {
				if (p->n - p->i < 6 || p->s[p->i] != '\\' ||
				    p->s[p->i + 1] != 'u')
					goto bad;
				p->i += 2;
				if (jp_hex4(p, &lo) == -1 || lo < 0xDC00 ||
				    lo > 0xDFFF)
					goto bad;
				c = 0x10000 + ((c - 0xD800) << 10) +
				    (lo - 0xDC00);
			}
			/* Decoded \u escapes can be longer than the six
			 * bytes they took: room was kept (n - i + 1). */
			j += put_utf8(o + j, c);
			break;
		default:
			goto bad;
		}
	}
	o[j] = '\0';
	if (out != NULL) {
		*out = o;
		*olen = j;
	} else {
		free(o);
	}
	return 0;
bad:
	free(o);
	return -1;
}

static inline int
jp_number(struct jp *p)
{
	size_t d;

	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0') {
		p->i++;
	} else {
		for (d = 0; p->i < p->n && p->s[p->i] >= '0' &&
		    p->s[p->i] <= '9'; p->i++)
			d++;
		if (d == 0)
			return -1;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		for (d = 0; p->i < p->n && p->s[p->i] >= '0' &&
		    p->s[p->i] <= '9'; p->i++)
			d++;
		if (d == 0)
			return -1;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		for (d = 0; p->i < p->n && p->s[p->i] >= '0' &&
		    p->s[p->i] <= '9'; p->i++)
			d++;
		if (d == 0)
			return -1;
	}
	return 0;
}

static int jp_value(struct jp *p, char **out, size_t *olen);

static inline int
jp_lit(struct jp *p, const char *w)
{
	size_t n = strlen(w);

	if (p->n - p->i < n || memcmp(p->s + p->i, w, n) != 0)
		return -1;
	p->i += n;
	return 0;
}

static inline int
jp_value(struct jp *p, char **out, size_t *olen)
{
	if (out != NULL)
		*out = NULL;
	jp_ws(p);
	if (p->i >= p->n || ++p->depth > 64)
		return -1;
	switch (p->s[p->i]) {
	case '"':
		if (jp_string(p, out, olen) == -1)
			return -1;
		break;
	case '{':
	case '[': {
		unsigned char close = p->s[p->i] == '{' ? '}' : ']';
		int obj = close == '}', first = 1;
		p->i++;
		for (;;) {
			jp_ws(p);
			if (p->i < p->n && p->s[p->i] == close && first) {
				p->i++;
				break;
			}
			if (obj) {
				if (jp_string(p, NULL, NULL) == -1)
					return -1;
				jp_ws(p);
				if (p->i >= p->n || p->s[p->i++] != ':')
					return -1;
			}
			if (jp_value(p, NULL, NULL) == -1)
				return -1;
			jp_ws(p);
			first = 0;
			if (p->i < p->n && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->n && p->s[p->i] == close) {
				p->i++;
				break;
			}
			return -1;
		}
		break;
	}
	case 't':
		if (jp_lit(p, "true") == -1)
			return -1;
		break;
	case 'f':
		if (jp_lit(p, "false") == -1)
			return -1;
		break;
	case 'n':
		if (jp_lit(p, "null") == -1)
			return -1;
		break;
	default:
		if (jp_number(p) == -1)
			return -1;
	}
	p->depth--;
	return 0;
}

/* s[0..n) is one JSON object followed by exactly one '\n' and nothing
 * else; top-level members are recorded in l.  Returns 0 or -1. */
static inline int
json_check_line(const char *s, size_t n, struct json_line *l)
{
	struct jp p = { (const unsigned char *)s, n, 0, 0 };

	memset(l, 0, sizeof(*l));
	if (n == 0 || s[n - 1] != '\n' || memchr(s, '\n', n - 1) != NULL)
		return -1;
	p.n = n - 1;
	if (p.i >= p.n || p.s[p.i] != '{')
		return -1;
	p.i++;
	jp_ws(&p);
	if (p.i < p.n && p.s[p.i] == '}') {
		p.i++;
		return p.i == p.n ? 0 : -1;
	}
	for (;;) {
		size_t k = l->n;
		jp_ws(&p);
		if (k == JSON_MEMBERS)
			goto bad;
		if (jp_string(&p, &l->name[k], &l->slen[k]) == -1)
			goto bad;
		l->n++;
		jp_ws(&p);
		if (p.i >= p.n || p.s[p.i++] != ':')
			goto bad;
		if (jp_value(&p, &l->str[k], &l->slen[k]) == -1)
			goto bad;
		jp_ws(&p);
		if (p.i < p.n && p.s[p.i] == ',') {
			p.i++;
			continue;
		}
		if (p.i < p.n && p.s[p.i] == '}') {
			p.i++;
			break;
		}
		goto bad;
	}
	if (p.i != p.n)
		goto bad;
	return 0;
bad:
	json_line_free(l);
	return -1;
}

/* The decoded string member name, or NULL. */
static inline const char *
json_member(const struct json_line *l, const char *name, size_t *len)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->name[i], name) == 0 && l->str[i] != NULL) {
			*len = l->slen[i];
			return l->str[i];
		}
	return NULL;
}

/*=== a Nagios status line ===================================================*/

/* NUM of the perfdata: -?[0-9]+(\.[0-9]+)?  Advances *i. */
static inline int
nag_num(const char *s, size_t n, size_t *i)
{
	size_t d = 0;

	if (*i < n && s[*i] == '-')
		(*i)++;
	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		(*i)++;
		d++;
	}
	if (d == 0)
		return -1;
	if (*i < n && s[*i] == '.') {
		(*i)++;
		d = 0;
		while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
			(*i)++;
			d++;
		}
		if (d == 0)
			return -1;
	}
	return 0;
}

/* A threshold: empty, or [@](NUM | NUM: | ~:NUM | NUM:NUM | ~:), ending at
 * ';', ' ' or the end. */
static inline int
nag_thr(const char *s, size_t n, size_t *i)
{
	if (*i >= n || s[*i] == ';' || s[*i] == ' ')
		return 0;
	if (s[*i] == '@')
		(*i)++;
	if (*i < n && s[*i] == '~') {
		(*i)++;
		if (*i >= n || s[*i] != ':')
			return -1;
	} else if (nag_num(s, n, i) == -1) {
		return -1;
	}
	if (*i < n && s[*i] == ':') {
		(*i)++;
		if (*i < n && s[*i] != ';' && s[*i] != ' ' &&
		    nag_num(s, n, i) == -1)
			return -1;
	}
	return 0;
}

/* s[0..n) is exactly one status line of the Nagios plugin guidelines
 * from service svc: "SVC STATUS - text[ | perfdata]\n", valid UTF-8, no
 * control character, the text without '|', each perfdata item
 * label=value;warn;crit with the label quoted ('...', '' for a quote) or
 * made of characters other than blanks, quotes, '=' and '|'.  Returns the
 * status (0 to 3) or -1. */
static inline int
nagios_check_line(const char *s, size_t n, const char *svc)
{
	static const char *const st[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	size_t i, k, sl = strlen(svc);
	const char *bar;
	int status = -1;

	if (n == 0 || s[n - 1] != '\n')
		return -1;
	n--;
	if (!ref_utf8_valid(s, n))
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return -1;	/* a second line, a control character */
	if (n < sl + 1 || memcmp(s, svc, sl) != 0 || s[sl] != ' ')
		return -1;
	i = sl + 1;
	for (k = 0; k < 4; k++) {
		size_t wl = strlen(st[k]);
		if (n - i >= wl + 3 && memcmp(s + i, st[k], wl) == 0 &&
		    memcmp(s + i + wl, " - ", 3) == 0) {
			status = (int)k;
			i += wl + 3;
			break;
		}
	}
	if (status < 0)
		return -1;
	if ((bar = memchr(s + i, '|', n - i)) == NULL)
		return status;
	/* " | " then items, one blank apart. */
	k = (size_t)(bar - s);
	if (k == i || s[k - 1] != ' ' || k + 2 > n || s[k + 1] != ' ')
		return -1;
	i = k + 2;
	if (i >= n)
		return -1;
	for (;;) {
		size_t l0 = i;
		if (s[i] == '\'') {
			for (i++;; i++) {
				if (i >= n)
					return -1;
				if (s[i] == '\'') {
					if (i + 1 < n && s[i + 1] == '\'') {
						i++;
						continue;
					}
					i++;
					break;
				}
			}
			if (i - l0 == 2)
				return -1;	/* '' is no label */
		} else {
			while (i < n && s[i] != '=' && s[i] != ' ' &&
			    s[i] != '\'' && s[i] != '|')
				i++;
			if (i == l0)
				return -1;
		}
		if (i >= n || s[i++] != '=')
			return -1;
		if (nag_num(s, n, &i) == -1)
			return -1;
		if (i >= n || s[i++] != ';')
			return -1;
		if (nag_thr(s, n, &i) == -1)
			return -1;
		if (i >= n || s[i++] != ';')
			return -1;
		if (nag_thr(s, n, &i) == -1)
			return -1;
		if (i == n)
			return status;
		if (s[i++] != ' ' || i >= n)
			return -1;
	}
}

/*=== the number syntax, by a state machine ==================================*/

/* 1 when s[0..n) is a number of alertd's syntax (alertd(1), NUMBERS):
 * blanks, [sign], digits with an optional point (a digit on some side),
 * an optional exponent with digits, blanks. */
static inline int
ref_number(const char *s, size_t n)
{
	enum { LEAD, SIGN, INT, POINT0, FRAC, EXP, ESIGN, EDIG, TRAIL } q =
	    LEAD;
	size_t i, body = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		int dig = c >= '0' && c <= '9', bl = c == ' ' || c == '\t';

		switch (q) {
		case LEAD:
			if (bl) break;
			if (c == '+' || c == '-') { q = SIGN; body++; break; }
			/* FALLTHROUGH */
		case SIGN:
			if (dig) q = INT;
			else if (c == '.') q = POINT0;
			else return 0;
			body++;
			break;
		case INT:
			if (dig) ;
			else if (c == '.') q = FRAC;
			else if (c == 'e' || c == 'E') q = EXP;
			else if (bl) { q = TRAIL; break; }
			else return 0;
			body++;
			break;
		case POINT0:	/* "." with no digit yet */
			if (!dig) return 0;
			q = FRAC;
			body++;
			break;
		case FRAC:
			if (dig) ;
			else if (c == 'e' || c == 'E') q = EXP;
			else if (bl) { q = TRAIL; break; }
			else return 0;
			body++;
			break;
		case EXP:
			if (c == '+' || c == '-') q = ESIGN;
			else if (dig) q = EDIG;
			else return 0;
			body++;
			break;
		case ESIGN:
			if (!dig) return 0;
			q = EDIG;
			body++;
			break;
		case EDIG:
			if (dig) { body++; break; }
			if (bl) { q = TRAIL; break; }
			return 0;
		case TRAIL:
			if (!bl) return 0;
			break;
		}
	}
	return (q == INT || q == FRAC || q == EDIG || q == TRAIL) &&
	    body <= 100;
}

#endif
