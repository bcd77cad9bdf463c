/* render/layout.c: layout_parse on hostile layout text.  A layout it
 * takes is one the dashboard can draw: rows cover the panels in order,
 * every panel has a file and a kind, and the numbers are in range. */
#include "fuzz.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct layout *l;
	char err[512], *text;
	int i, n;

	text = fuzz_str(data, size);
	err[0] = '\0';
	if ((l = layout_parse(text, "fuzz", err, sizeof(err))) == NULL) {
		FUZZ_ASSERT(err[0] != '\0');
		FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL);
	} else {
		FUZZ_ASSERT(l->nrows >= 1 && l->nrows <= LAYOUT_MAX_ROWS);
		FUZZ_ASSERT(l->npanels >= 1 && l->npanels <= LAYOUT_MAX_PANELS);
		FUZZ_ASSERT(l->grouping >= -1 && l->grouping <= FMT_NONE);
		for (i = n = 0; i < l->nrows; i++) {
			FUZZ_ASSERT(l->rows[i].first == n);
			FUZZ_ASSERT(l->rows[i].n >= 0);
			FUZZ_ASSERT(l->rows[i].height >= 0 &&
			    l->rows[i].height <= 1000);
			FUZZ_ASSERT(l->rows[i].height > 0 ||
			    (l->rows[i].weight >= 1 &&
			    l->rows[i].weight <= 1000));
			n += l->rows[i].n;
		}
		FUZZ_ASSERT(n == l->npanels);
		for (i = 0; i < l->npanels; i++) {
			const struct chart_spec *s = &l->panels[i];
			FUZZ_ASSERT(s->kind >= 0 && s->kind < CH_NKIND);
			FUZZ_ASSERT(s->file != NULL && *s->file != '\0');
			FUZZ_ASSERT(s->weight >= 1 && s->weight <= 100);
			FUZZ_ASSERT(s->top >= 0 && s->top <= 10000);
			FUZZ_ASSERT(s->last >= 0 && s->last <= 1000000);
			FUZZ_ASSERT(s->decimals >= -1 && s->decimals <= 6);
			FUZZ_ASSERT(!(s->has_min && s->has_max) ||
			    s->min < s->max);
		}
		layout_free(l);
	}
	free(text);
	return 0;
}
