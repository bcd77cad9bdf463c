# Unit tests of render's private modules.
test_render_fmt_SRCS := render/fmt.c
test_render_chart_SRCS := render/alerts.c render/chart.c render/bars.c \
	render/plot.c render/series.c render/table.c render/canvas.c \
	render/data.c render/fmt.c render/layout.c render/heat.c
test_render_edge_SRCS := $(test_render_chart_SRCS)
