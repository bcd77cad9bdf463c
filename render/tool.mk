TOOLS += render
render_SRCS := render/render.c render/bars.c render/canvas.c render/chart.c \
	render/alerts.c render/dash.c render/dashrun.c render/plot.c render/table.c \
	render/term.c \
	render/data.c render/fmt.c render/layout.c
render_LDLIBS :=
