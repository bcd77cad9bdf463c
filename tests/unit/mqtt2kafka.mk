# Test helpers and unit tests of mqtt2kafka's private modules.
helper_kafka_mock_LDLIBS := $(LIBRDKAFKA)
helper_naive_bridge_LDLIBS := $(LIBPAHO) $(LIBRDKAFKA)
helper_paho_sink_LDLIBS := $(LIBPAHO)
helper_paho_asink_LDLIBS := -lpaho-mqtt3as
helper_latprobe_LDLIBS := -lpaho-mqtt3as $(LIBRDKAFKA)
test_mqtt2kafka_invoice_SRCS := mqtt2kafka/invoice.c
test_mqtt2kafka_invoice_LDLIBS := $(LIBBSON)
test_mqtt2kafka_state_SRCS := mqtt2kafka/journal.c mqtt2kafka/invno.c \
	mqtt2kafka/archive.c mqtt2kafka/invoice.c
test_mqtt2kafka_state_LDLIBS := $(LIBBSON)
test_mqtt2kafka_pstore_SRCS := mqtt2kafka/pstore.c
