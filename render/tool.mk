TOOLS += render
render_SRCS := render/render.c render/alerts.c render/bars.c \
	render/canvas.c render/chart.c render/dash.c render/dashrun.c \
	render/data.c render/fmt.c render/layout.c render/plot.c \
	render/series.c render/table.c render/term.c render/heat.c \
	render/gfx.c render/report.c render/serve.c
# Pictures: cairo draws PNG, SVG and PDF, pango lays out the text,
# libpng (cairo's own PNG library) writes PNG faster than cairo does;
# render serve speaks HTTP with libmicrohttpd.
RENDER_GFX_PKGS := cairo pangocairo libpng libmicrohttpd
CFLAGS_RENDER_GFX := $(shell $(PKG_CONFIG) --cflags $(RENDER_GFX_PKGS))
render_LDLIBS := $(shell $(PKG_CONFIG) --libs $(RENDER_GFX_PKGS))
$(B)/obj/render/gfx.o $(B)/obj/render/report.o $(B)/obj/render/serve.o: \
	CFLAGS_EXTRA = $(CFLAGS_RENDER_GFX)
# The tests' PNG decoder.
helper_pngcheck_LDLIBS := $(shell $(PKG_CONFIG) --libs cairo)
$(B)/obj/tests/helpers/pngcheck.o: CFLAGS_EXTRA = $(CFLAGS_RENDER_GFX)
