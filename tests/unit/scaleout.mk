# Unit tests of reduce's Kafka input (partition lists, the merge check) and
# of exact merging of partial states.
test_scaleout_SRCS := reduce/kafkain.c reduce/kafkapart.c reduce/kafkaext.c \
	reduce/ticks.c reduce/agg.c reduce/aggsetup.c reduce/state.c reduce/snapshot.c reduce/spec.c \
	reduce/spec_win.c reduce/window.c reduce/wincsv.c reduce/winstate.c reduce/pop.c
test_scaleout_LDLIBS := $(LIBRDKAFKA)
