# sysheat: machine temperatures and usage, one line per sample.
TOOLS += sysheat
sysheat_SRCS := sysheat/sysheat.c sysheat/procstat.c sysheat/hwsens.c \
	sysheat/nvml.c sysheat/output.c sysheat/sched.c
sysheat_LDLIBS := $(LIBSENSORS) -ldl
