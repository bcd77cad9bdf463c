TOOLS += reduce
reduce_SRCS := reduce/reduce.c reduce/spec.c reduce/agg.c reduce/state.c \
	reduce/kafkain.c
reduce_LDLIBS := $(LIBRDKAFKA)
