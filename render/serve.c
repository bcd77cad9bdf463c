/* render serve: the dashboard in a browser. */
#include <err.h>

#include "web.h"

int
serve_run(const struct web_opts *o)
{
	(void)o;
	warnx("serve: not yet");
	return 1;
}
