#ifndef RENDER_LAYOUT_H
#define RENDER_LAYOUT_H
/* Dashboard layout files: rows of panels, each panel a chart of a file.
 *
 *	# comment
 *	title "LiveInsight"
 *	grouping indian
 *	row height=7
 *	kpi   file=kpis.csv value=TotalRevenue title="Revenue" prefix=₹
 *	row weight=2
 *	hbar  file=branch_sales.csv label=BranchName value=TotalRevenue
 *
 * A line is a keyword and key=value pairs; a value with blanks is quoted
 * with "..." (\" and \\ inside).  See render(1). */
#include <stddef.h>

#include "chart.h"

#define LAYOUT_MAX_PANELS	64
#define LAYOUT_MAX_ROWS		16

struct layout_row {
	int height;		/* fixed lines, or 0 */
	int weight;		/* share of the lines left, when height is 0 */
	int first, n;		/* its panels */
};

struct layout {
	char *title;
	int grouping;		/* enum fmt_grouping, or -1: not set */
	struct layout_row rows[LAYOUT_MAX_ROWS];
	int nrows;
	struct chart_spec panels[LAYOUT_MAX_PANELS];
	int npanels;
};

/* Parse the layout file at path.  Returns NULL with "path:line: reason"
 * in err. */
struct layout *layout_load(const char *path, char *err, size_t errlen);

/* Parse layout text (name is used in messages). */
struct layout *layout_parse(const char *text, const char *name, char *err,
    size_t errlen);

void layout_free(struct layout *l);

/* Fill a chart spec's option key with val (shared with the command line
 * for the keys both have).  Returns 0, or -1 with a reason in err. */
int layout_set(struct chart_spec *s, const char *key, const char *val,
    char *err, size_t errlen);

void chart_spec_free(struct chart_spec *s);

#endif
