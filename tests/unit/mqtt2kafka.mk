# Test helpers and unit tests of mqtt2kafka's private modules.
helper_kafka_mock_LDLIBS := $(LIBRDKAFKA)
helper_naive_bridge_LDLIBS := $(LIBPAHO) $(LIBRDKAFKA)
