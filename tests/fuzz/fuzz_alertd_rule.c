/* alertd/rule.c: rules_load on hostile rules files (through a memfd), then
 * every loaded rule is evaluated against a few values and statistics. */
#include <math.h>

#include "fuzz.h"
#include "rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double vals[] = { -1e300, -1, 0, 0.5, 1, 10, 99.5, 1e300,
	    NAN, INFINITY };
	double st[] = { -3, 0, 1, 2, 2, 5, 1e9 };
	struct rule *rules = NULL;
	char err[512], path[64];
	double tw, tc;
	long n, i;
	size_t j;
	int fd, lv;

	fd = fuzz_memfd(data, size);
	fuzz_fdpath(fd, path, sizeof(path));
	err[0] = '\0';
	n = rules_load(path, &rules, err, sizeof(err));
	if (n < 0) {
		FUZZ_ASSERT(err[0] != '\0' && rules == NULL);
		goto out;
	}
	/* A NUL byte never loads: it would cut its line short unseen. */
	FUZZ_ASSERT(memchr(data, 0, size) == NULL);
	FUZZ_ASSERT(n <= RULES_MAX);
	for (i = 0; i < n; i++) {
		const struct rule *r = &rules[i];
		FUZZ_ASSERT(memchr(r->name, 0, sizeof(r->name)) != NULL);
		FUZZ_ASSERT(memchr(r->field, 0, sizeof(r->field)) != NULL);
		FUZZ_ASSERT(memchr(r->file, 0, sizeof(r->file)) != NULL);
		FUZZ_ASSERT(memchr(r->key, 0, sizeof(r->key)) != NULL);
		FUZZ_ASSERT(memchr(r->message, 0, sizeof(r->message)) != NULL);
		for (j = 0; j < sizeof(vals) / sizeof(vals[0]); j++) {
			lv = rule_level(r, vals[j], st, sizeof(st) /
			    sizeof(st[0]), &tw, &tc);
			FUZZ_ASSERT(lv >= -1 && lv <= 2);
			lv = rule_level(r, vals[j], NULL, 0, &tw, &tc);
			FUZZ_ASSERT(lv >= -1 && lv <= 2);
		}
	}
	free(rules);
out:
	close(fd);
	return 0;
}
