TOOLS += reduce
reduce_SRCS := reduce/reduce.c reduce/spec.c reduce/spec_win.c reduce/agg.c reduce/state.c \
	reduce/window.c reduce/pop.c reduce/history.c reduce/kafkain.c
reduce_LDLIBS := $(LIBRDKAFKA)
