TOOLS += mqtt2kafka
mqtt2kafka_SRCS := mqtt2kafka/mqtt2kafka.c mqtt2kafka/opts.c mqtt2kafka/deliver.c \
	mqtt2kafka/intake.c mqtt2kafka/invoice.c \
	mqtt2kafka/journal.c mqtt2kafka/invno.c mqtt2kafka/archive.c mqtt2kafka/pstore.c
mqtt2kafka_LDLIBS := -lpaho-mqtt3as $(LIBRDKAFKA) $(LIBBSON)
