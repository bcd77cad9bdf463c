# Unit tests of replay's private modules.
test_replay_opts_SRCS := replay/opts.c
test_replay_opts_LDLIBS := $(LIBRDKAFKA)
test_replay_hold_SRCS := replay/hold.c
test_replay_clean_SRCS := replay/clean.c
test_replay_pace_SRCS := replay/pace.c
test_replay_linerd_SRCS := replay/linerd.c
test_replay_mqttwire_SRCS := replay/mqttwire.c
