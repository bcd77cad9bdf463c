/* render pictures: every chart kind (heat and pop too) drawn by cairo
 * and pango from hostile CSV, with random options, into a small PNG, SVG
 * or PDF.
 *
 * The input is HDR option bytes and then the CSV.  Checked under
 * ASan+UBSan: gfx_chart returns 0 with a picture of the right kind (the
 * PNG signature and size in its header, "<svg", "%PDF-") or -1 with a
 * message; nothing it is given (invalid UTF-8, controls, long labels,
 * huge or tiny numbers, one row, a thousand) crashes it or leaks.
 * fontconfig keeps its configuration for the process: its allocations
 * alone are not leaks (__lsan_default_suppressions). */
#include <locale.h>

#include "fuzz.h"
#include "canvas.h"
#include "chart.h"
#include "data.h"
#include "fmt.h"
#include "gfx.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
const char *__lsan_default_suppressions(void);

#define HDR	12

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static const char *const texts[] = {
	"", "₹", "%", " °C", "T",
	("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
	"日本語日本語日本語日本語日本語日本語",
	"bad \xff\xfe\xc3 utf8 \xe2\x82",
	"ctl \033[2J\r\n\t end",
	"bidi \xe2\x80\xae\xe2\x81\xa6 x",
};
#define NTEXTS	(sizeof(texts) / sizeof(texts[0]))

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	fmt_utf8 = 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chart_spec s;
	struct chart_env env = { .grouping = FMT_WESTERN };
	struct strbuf out = { 0 };
	struct dtab *t;
	char err[1024], v[16];
	int fd, w, h, rc;
	enum gfx_format f;

	if (size < HDR)
		return 0;
	chart_spec_init(&s, (enum chart_kind)(data[0] % CH_NKIND));
	f = (enum gfx_format)(data[1] % 3);
	w = GFX_MIN_SIDE + data[2] % 200;
	h = GFX_MIN_SIDE + data[3] % 150;
	env.grouping = (enum fmt_grouping)(data[4] % 3);
	s.title = (char *)texts[data[5] % NTEXTS];
	s.prefix = (char *)texts[data[6] % NTEXTS];
	s.suffix = data[7] & 1 ? (char *)texts[data[7] / 2 % NTEXTS] : NULL;
	s.sort = (enum chart_sort)(data[8] % 4);
	s.top = data[9] % 4 == 0 ? data[9] / 4 : 0;
	if (data[10] & 1) {
		s.has_min = 1;
		s.min = (double)(data[10] >> 1) - 64;
	}
	if (data[10] & 2) {
		s.has_max = 1;
		s.max = s.has_min ? s.min + (data[11] & 0x3f) : data[11];
	}
	s.last = data[11] & 0x40 ? 5 : 0;
	/* Value columns by name: the second and third, when there are (a
	 * heat map: cells of c, columns by b, rows by a). */
	if (data[11] & 0x80) {
		snprintf(v, sizeof(v), "%s", s.kind == CH_HEAT ? "c" : "b,c");
		s.value = v;
		if (s.kind == CH_HEAT) {
			s.label = (char *)"a";
			s.x = (char *)"b";
		}
	}
	fd = fuzz_memfd(data + HDR, size - HDR);
	t = dtab_read_fd(fd, "fuzz.csv", 0, 0, err, sizeof(err));
	close(fd);
	if (t == NULL)
		return 0;
	rc = gfx_chart(f, w, h, &s, t, &env, &out, err, sizeof(err));
	if (rc == 0) {
		static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G',
		    '\r', '\n', 0x1a, '\n' };
		if (out.p == NULL || out.len < 8)
			abort();
		if (f == GFX_PNG && (memcmp(out.p, sig, 8) != 0 ||
		    out.len < 24 ||
		    (unsigned char)out.p[19] != (unsigned)(w & 0xff) ||
		    (unsigned char)out.p[23] != (unsigned)(h & 0xff)))
			abort();
		if (f == GFX_SVG && strstr(out.p, "<svg") == NULL &&
		    memmem(out.p, out.len, "<svg", 4) == NULL)
			abort();
		if (f == GFX_PDF && memcmp(out.p, "%PDF-", 5) != 0)
			abort();
	} else if (err[0] == '\0')
		abort();
	sb_free(&out);
	dtab_free(t);
	return 0;
}
