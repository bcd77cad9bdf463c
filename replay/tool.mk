TOOLS += replay
replay_SRCS := replay/replay.c replay/input.c replay/hold.c replay/opts.c replay/clean.c replay/pace.c \
	replay/linerd.c replay/sink.c replay/tcpout.c replay/mqttout.c replay/mqttpaho.c replay/mqttwire.c \
	replay/kafkaout.c
replay_LDLIBS := $(LIBPAHO) $(LIBRDKAFKA)
