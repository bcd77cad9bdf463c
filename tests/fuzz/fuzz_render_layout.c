/* render/layout.c: layout_parse on hostile layout text. */
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
	} else {
		FUZZ_ASSERT(l->nrows >= 0 && l->nrows <= LAYOUT_MAX_ROWS);
		FUZZ_ASSERT(l->npanels >= 0 && l->npanels <= LAYOUT_MAX_PANELS);
		for (i = n = 0; i < l->nrows; i++) {
			FUZZ_ASSERT(l->rows[i].first >= 0 && l->rows[i].n >= 0);
			FUZZ_ASSERT(l->rows[i].first + l->rows[i].n <=
			    l->npanels);
			n += l->rows[i].n;
		}
		layout_free(l);
	}
	free(text);
	return 0;
}
