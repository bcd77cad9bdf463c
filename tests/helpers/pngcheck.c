/* pngcheck: decode a PNG with cairo and report what the render tests
 * check.
 *   pngcheck size FILE                  "W H"
 *   pngcheck ink FILE X Y W H           pixels of the rectangle that differ
 *                                       from its top-left pixel
 *   pngcheck count FILE X Y W H RRGGBB  pixels of about that colour
 *   pngcheck bars FILE RRGGBB           the horizontal bars of that colour,
 *                                       top to bottom: "y length" each
 *   pngcheck runs FILE MINLEN           on each line, the runs of one
 *                                       colour (not a grey) at least MINLEN
 *                                       long: "y x length RRGGBB" each
 * Exit 0, or 1 with a message when the file is not a PNG. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

static cairo_surface_t *img;
static int W, H, stride;
static unsigned char *px;

static unsigned
rgb_at(int x, int y)
{
	unsigned v;

	memcpy(&v, px + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
	return v & 0xffffff;	/* ARGB32, native endian: alpha dropped */
}

static int
near(unsigned a, unsigned b)
{
	int i, d;

	for (i = 0; i < 24; i += 8) {
		d = (int)(a >> i & 0xff) - (int)(b >> i & 0xff);
		if (d > 10 || d < -10)
			return 0;
	}
	return 1;
}

static void
clip_rect(int *x, int *y, int *w, int *h)
{
	if (*x < 0)
		*x = 0;
	if (*y < 0)
		*y = 0;
	if (*x + *w > W)
		*w = W - *x;
	if (*y + *h > H)
		*h = H - *y;
}

int
main(int argc, char **argv)
{
	int x, y, rx, ry, rw, rh;
	long n = 0;
	unsigned c, bg;

	if (argc < 3) {
		fprintf(stderr, "usage: pngcheck size|ink|count|bars|runs FILE ...\n");
		return 2;
	}
	img = cairo_image_surface_create_from_png(argv[2]);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "pngcheck: %s: %s\n", argv[2],
		    cairo_status_to_string(cairo_surface_status(img)));
		return 1;
	}
	W = cairo_image_surface_get_width(img);
	H = cairo_image_surface_get_height(img);
	stride = cairo_image_surface_get_stride(img);
	px = cairo_image_surface_get_data(img);
	if (strcmp(argv[1], "size") == 0) {
		printf("%d %d\n", W, H);
	} else if ((strcmp(argv[1], "ink") == 0 && argc == 7) ||
	    (strcmp(argv[1], "count") == 0 && argc == 8)) {
		rx = atoi(argv[3]), ry = atoi(argv[4]);
		rw = atoi(argv[5]), rh = atoi(argv[6]);
		clip_rect(&rx, &ry, &rw, &rh);
		if (rw <= 0 || rh <= 0) {
			puts("0");
			goto out;
		}
		bg = argc == 8 ? (unsigned)strtoul(argv[7], NULL, 16) :
		    rgb_at(rx, ry);
		for (y = ry; y < ry + rh; y++)
			for (x = rx; x < rx + rw; x++) {
				c = rgb_at(x, y);
				n += argc == 8 ? near(c, bg) : !near(c, bg);
			}
		printf("%ld\n", n);
	} else if (strcmp(argv[1], "bars") == 0 && argc == 4) {
		int in = 0, best = 0, top = 0;

		c = (unsigned)strtoul(argv[3], NULL, 16);
		for (y = 0; y <= H; y++) {
			int run = 0, longest = 0;
			for (x = 0; y < H && x < W; x++) {
				if (near(rgb_at(x, y), c)) {
					if (++run > longest)
						longest = run;
				} else
					run = 0;
			}
			if (longest >= 3) {	/* not an edge or a swatch */
				if (!in)
					top = y, best = 0;
				in = 1;
				if (longest > best)
					best = longest;
			} else if (in) {
				if (y - top >= 3)
					printf("%d %d\n", top, best);
				in = 0;
			}
		}
	} else if (strcmp(argv[1], "runs") == 0 && argc == 4) {
		int min = atoi(argv[3]);

		for (y = 0; y < H; y++)
			for (x = 0; x < W; ) {
				int x1 = x + 1, hi, lo, i;
				c = rgb_at(x, y);
				while (x1 < W && near(rgb_at(x1, y), c))
					x1++;
				for (i = 0, hi = 0, lo = 255; i < 24; i += 8) {
					int ch = (int)(c >> i & 0xff);
					hi = ch > hi ? ch : hi;
					lo = ch < lo ? ch : lo;
				}
				if (x1 - x >= min && hi - lo > 24)
					printf("%d %d %d %06X\n", y, x, x1 - x, c);
				x = x1;
			}
	} else {
		fprintf(stderr, "pngcheck: bad arguments\n");
		cairo_surface_destroy(img);
		return 2;
	}
out:
	cairo_surface_destroy(img);
	return 0;
}
