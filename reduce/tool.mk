TOOLS += reduce
reduce_SRCS := reduce/reduce.c reduce/opts.c reduce/input.c reduce/ticks.c \
	reduce/spec.c reduce/spec_win.c reduce/agg.c reduce/aggsetup.c reduce/state.c \
	reduce/snapshot.c reduce/window.c reduce/wincsv.c reduce/winstate.c reduce/pop.c reduce/history.c \
	reduce/kafkain.c reduce/kafkapart.c reduce/kafkaext.c
reduce_LDLIBS := $(LIBRDKAFKA)
