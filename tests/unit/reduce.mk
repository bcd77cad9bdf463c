# Unit tests of reduce's private modules.
test_reduce_spec_SRCS := reduce/spec.c
test_reduce_agg_SRCS := reduce/spec.c reduce/agg.c reduce/aggsetup.c reduce/state.c reduce/snapshot.c
