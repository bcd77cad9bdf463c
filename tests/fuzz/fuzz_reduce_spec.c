/* reduce/spec.c: any text either fails with a message or parses into a
 * spec whose canonical text parses back to the same canonical text. */
#include "fuzz.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spec sp, sp2;
	char err[256], *text, *out, *out2;
	size_t n, n2;

	text = fuzz_str(data, size);
	memset(&sp, 0, sizeof(sp));
	err[0] = '\0';
	if (spec_parse_text(&sp, text, "fuzz", err, sizeof(err)) != 0) {
		FUZZ_ASSERT(err[0] != '\0' && strncmp(err, "fuzz:", 5) == 0);
		goto out;
	}
	FUZZ_ASSERT(sp.naggs <= SPEC_MAXAGGS);
	n = spec_format(&sp, NULL, 0);
	if ((out = malloc(n + 1)) == NULL)
		abort();
	FUZZ_ASSERT(spec_format(&sp, out, n + 1) == n);
	FUZZ_ASSERT(strlen(out) == n);
	memset(&sp2, 0, sizeof(sp2));
	if (spec_parse_text(&sp2, out, "canon", err, sizeof(err)) != 0) {
		fprintf(stderr, "canonical text does not parse: %s\n%s", err,
		    out);
		abort();
	}
	n2 = spec_format(&sp2, NULL, 0);
	if ((out2 = malloc(n2 + 1)) == NULL)
		abort();
	spec_format(&sp2, out2, n2 + 1);
	FUZZ_ASSERT(n2 == n && strcmp(out, out2) == 0);
	free(out2);
	free(out);
out:
	free(text);
	return 0;
}
