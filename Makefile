# LiveInsight — one non-recursive GNU Makefile.
#
#   make                 build every tool into $(B)/bin
#   make check           unit + end-to-end tests, closing "N passed, N failed"
#   make check SANITIZE=address,undefined
#                        the same under ASan+UBSan (built in build-san/)
#   make fuzz            libFuzzer harnesses (clang) into $(B)/fuzz/; their
#                        link lists are in tests/fuzz/fuzz.mk, how to run
#                        them in docs/fuzzing.md
#   make lint            clang's static analyzer (scan-build) and cppcheck;
#                        fails on a finding not in tests/lint/suppressions
#   make bench           benchmarks (tests/bench), side by side with peers
#   make demo            the live pipeline on synthetic data
#   make deps            install the Debian packages the project needs
#   make bench-deps      also the benchmark peers (DuckDB from npm)
#   make install [PREFIX=/usr/local] [DESTDIR=]
#
# Each tool describes itself in <tool>/tool.mk:
#   TOOLS      += name
#   name_SRCS  := name/name.c name/private.c      (first holds main())
#   name_LDLIBS := -lm ...
# and may add unit tests that need its private modules:
#   test_foo_SRCS   := name/private.c
#   test_foo_LDLIBS := -lm
# Unit tests are tests/unit/test_*.c (cmocka); each links lib/libcommon.a.

VERSION    = 0.2.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config

CC        ?= cc
CFLAGS    ?= -O2 -g
override CFLAGS += -std=c17 -Wall -Wextra -Wpedantic -Wstrict-prototypes \
                   -Wshadow -Wno-unused-parameter
override CPPFLAGS += -D_GNU_SOURCE -DLI_VERSION='"$(VERSION)"' -Ilib
LDFLAGS   ?=
override LDLIBS_BASE = -lm -lpthread

ifneq ($(SANITIZE),)
B         ?= build-san
override CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
                    -fno-sanitize-recover=all
override LDFLAGS += -fsanitize=$(SANITIZE)
else
B         ?= build
endif

# Libraries without a .pc file on Debian are named directly.
pkglibs   = $(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null || echo $(2))
pkgcflags = $(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null)
LIBCSV     = -lcsv
LIBSENSORS = -lsensors
LIBPAHO    = -lpaho-mqtt3cs
LIBRDKAFKA = $(call pkglibs,rdkafka,-lrdkafka)
LIBBSON    = $(call pkglibs,libbson-1.0,-lbson-1.0)
CFLAGS_BSON = $(call pkgcflags,libbson-1.0)
LIBCMOCKA  = $(call pkglibs,cmocka,-lcmocka)

TOOLS :=
include $(sort $(wildcard */tool.mk tests/unit/*.mk))

LIB_SRCS := $(sort $(wildcard lib/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
LIBCOMMON := $(B)/lib/libcommon.a

BINS := $(TOOLS:%=$(B)/bin/%)

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_NAMES := $(notdir $(UNIT_SRCS:.c=))
UNIT_BINS  := $(UNIT_NAMES:%=$(B)/tests/%)

HELPER_SRCS := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(patsubst tests/helpers/%.c,$(B)/tests/%,$(HELPER_SRCS))

# The examples need librdkafka's mock cluster too: `make` builds it into
# $(B)/tests, where examples/invoice-pipeline.sh finds it (a test helper,
# not installed).
EXAMPLE_BINS := $(B)/tests/kafka_mock

all: $(LIBCOMMON) $(BINS) $(EXAMPLE_BINS)

include tests/fuzz/fuzz.mk

# ---- objects --------------------------------------------------------------
# Objects compile LI_VERSION in: the stamp changes only when VERSION does,
# so a version bump rebuilds them and nothing else does.
$(B)/version.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@

$(B)/obj/%.o: %.c $(B)/version.stamp
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CFLAGS_EXTRA) -MMD -MP -c -o $@ $<

# libbson's headers live in their own include directory.
$(B)/obj/%.o: CFLAGS_EXTRA = $(CFLAGS_BSON)

$(LIBCOMMON): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# ---- tools ----------------------------------------------------------------
define tool_rule
$(1)_OBJS := $$($(1)_SRCS:%.c=$(B)/obj/%.o)
$(B)/bin/$(1): $$($(1)_OBJS) $(LIBCOMMON)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$($(1)_OBJS) $(LIBCOMMON) $$($(1)_LDLIBS) $$(LDLIBS_BASE)
$(1): $(B)/bin/$(1)
.PHONY: $(1)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rule,$(t))))

# ---- unit tests and test helpers -----------------------------------------
define unit_rule
$(1)_OBJS := $(B)/obj/tests/unit/$(1).o $$($(1)_SRCS:%.c=$(B)/obj/%.o)
$(B)/tests/$(1): $$($(1)_OBJS) $(LIBCOMMON)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$($(1)_OBJS) $(LIBCOMMON) $$($(1)_LDLIBS) $(LIBCMOCKA) $$(LDLIBS_BASE)
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_rule,$(t))))

define helper_rule
$(B)/tests/$(1): $(B)/obj/tests/helpers/$(1).o $(LIBCOMMON)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(LIBCOMMON) $$(helper_$(1)_LDLIBS) $$(LDLIBS_BASE)
endef
$(foreach h,$(notdir $(HELPER_SRCS:.c=)),$(eval $(call helper_rule,$(h))))

include tests/fault/fault.mk

tests: $(BINS) $(UNIT_BINS) $(HELPER_BINS) $(FAULT_BINS)

# T=pattern limits the run to tests whose name contains it (e.g. T=replay).
check: tests
	@B='$(B)' T='$(T)' sh tests/run.sh

lint:
	@MAKE='$(MAKE)' sh tests/lint/run.sh

bench: $(BINS) $(HELPER_BINS)
	@B='$(B)' sh tests/bench/run.sh $(BENCH)

demo: $(BINS)
	@B='$(B)' sh examples/demo.sh

deps:
	sh ./deps.sh

bench-deps:
	sh ./deps.sh --bench

# ---- install --------------------------------------------------------------
MANPAGES := $(sort $(wildcard man/*.[1-8]))

install: $(BINS)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	for b in $(BINS); do cp -f $$b $(DESTDIR)$(BINDIR)/ && chmod 755 $(DESTDIR)$(BINDIR)/$${b##*/}; done
	for m in $(MANPAGES); do s=$${m##*.}; cp -f $$m $(DESTDIR)$(MANDIR)/man$$s/ && chmod 644 $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	for m in $(MANPAGES); do s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

clean:
	rm -rf build build-san build-lint

.PHONY: all tests check lint fuzz bench bench-deps demo deps install uninstall clean
FORCE:

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
