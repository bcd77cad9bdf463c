# Unit tests of sysheat's private modules.
test_sysheat_procstat_SRCS := sysheat/procstat.c
test_sysheat_output_SRCS := sysheat/output.c
test_sysheat_hwsens_SRCS := sysheat/hwsens.c
test_sysheat_hwsens_LDLIBS := $(LIBSENSORS)
test_sysheat_sched_SRCS := sysheat/sched.c
