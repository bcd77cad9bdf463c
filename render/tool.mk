TOOLS += render
render_SRCS := render/render.c render/alerts.c render/bars.c \
	render/canvas.c render/chart.c render/dash.c render/dashrun.c \
	render/data.c render/fmt.c render/layout.c render/plot.c \
	render/series.c render/table.c render/term.c
render_LDLIBS :=
