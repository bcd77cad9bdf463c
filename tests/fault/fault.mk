# Fault-injection copies of the tools in $(B)/fault/: the same objects,
# linked with tests/fault/faultinj.c behind -Wl,--wrap, so that the Nth
# open, write, fsync, rename or close of a chosen file fails on demand.
# tests/fault/lib.sh drives them; docs/fuzzing.md ("Fault injection").
FAULT_WRAP := open openat fopen fdopen mkstemp write writev ftruncate fallocate \
	fwrite fputs fputc putc puts putchar vfprintf fprintf printf fflush \
	ferror fsync fdatasync rename close fclose
FAULT_LDFLAGS := $(FAULT_WRAP:%=-Wl,--wrap=%)
FAULT_OBJ := $(B)/obj/tests/fault/faultinj.o
FAULT_BINS := $(TOOLS:%=$(B)/fault/%)

define fault_rule
$(B)/fault/$(1): $$($(1)_OBJS) $(LIBCOMMON) $(FAULT_OBJ)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) $(FAULT_LDFLAGS) -o $$@ $$($(1)_OBJS) $(FAULT_OBJ) $(LIBCOMMON) $$($(1)_LDLIBS) $$(LDLIBS_BASE)
endef
$(foreach t,$(TOOLS),$(eval $(call fault_rule,$(t))))
