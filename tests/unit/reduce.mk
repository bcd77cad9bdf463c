# Unit tests of reduce's private modules.
test_reduce_spec_SRCS := reduce/spec.c reduce/spec_win.c
test_reduce_agg_SRCS := reduce/spec.c reduce/spec_win.c reduce/agg.c reduce/aggsetup.c \
	reduce/state.c reduce/snapshot.c reduce/window.c reduce/wincsv.c reduce/winstate.c reduce/pop.c
test_reduce_window_SRCS := $(test_reduce_agg_SRCS)
