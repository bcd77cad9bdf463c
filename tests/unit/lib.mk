# Unit tests of lib/ modules that need more than libcommon.a.
test_csvio_SRCS := tests/common/csvref.c
test_csvio_LDLIBS := $(LIBCSV)
test_kafkaconf_LDLIBS := $(LIBRDKAFKA)
