# Unit tests of lib/ modules that need more than libcommon.a.
test_csvio_LDLIBS := $(LIBCSV)
