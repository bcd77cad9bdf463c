#!/bin/sh
# sysheat and NVML.  Without libnvidia-ml.so.1 (these machines have no
# NVIDIA GPU and no driver) the GPU is absent ('-') and nothing is said;
# a driver that fails, or a GPU that cannot be read, is unknown (empty).
# The dlopen path itself is exercised with a FAKE libnvidia-ml.so.1 built
# from tests/helpers/sysheat_fakenvml/: a fake is used here only because
# no real NVIDIA GPU or driver exists on the test machines.
. "$LI_TOP/tests/lib.sh"

# No hwmon sensors are visible here either, so any GPU value comes from
# NVML.  Pin /proc fixtures so the other columns are predictable.
mkdir -p proc/net
printf 'cpu  1 0 1 8\n' >proc/stat
printf 'MemTotal: 1000 kB\nMemAvailable: 250 kB\n' >proc/meminfo
printf 'h\nh\n  eth0: 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0\n' >proc/net/dev
SYSHEAT_PROC=$WORK/proc; export SYSHEAT_PROC

gpu_of() {	# the gpu_temp column of the last row of a CSV file
	tail -n 1 "$1" | cut -d, -f3
}

# 1. No libnvidia-ml.so.1 anywhere: empty, silent, exit 0.
if [ -e /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1 ] ||
    ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1'; then
	skip "no nvml: gpu absent" "this machine has a real libnvidia-ml.so.1"
	skip "no nvml: silent" "this machine has a real libnvidia-ml.so.1"
else
	sysheat -n 1 -i 0.05 >none.csv 2>none.err
	check "no nvml: exit 0" test $? -eq 0
	check "no nvml: gpu absent" test "$(gpu_of none.csv)" = "-"
	check "no nvml: silent" test ! -s none.err
	sysheat -v -n 1 -i 0.05 >/dev/null 2>nonev.err
	check_grep "no nvml: -v says why" \
	    '^sysheat: nvml: libnvidia-ml\.so\.1: cannot open shared object file' \
	    nonev.err
fi

# 2. The fake library, found by dlopen through LD_LIBRARY_PATH.
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
	skip "fake nvml" "no C compiler to build the fake libnvidia-ml.so.1"
	done_testing
	exit
fi
mkdir nv
if ! "$cc" -shared -fPIC -o nv/libnvidia-ml.so.1 \
    "$LI_TOP/tests/helpers/sysheat_fakenvml/libnvidia-ml.c" 2>cc.err; then
	check "build the fake libnvidia-ml.so.1" false
	cat cc.err
	done_testing
	exit
fi
LD_LIBRARY_PATH=$WORK/nv${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
FAKE_NVML_LOG=$WORK/nvml.log; export FAKE_NVML_LOG

FAKE_NVML_TEMPS=64 sysheat -n 2 -i 0.05 >one.csv 2>one.err
check "fake nvml: exit 0" test $? -eq 0
check "fake nvml: one gpu at 64" test "$(gpu_of one.csv)" = "64.0"
check "fake nvml: silent" test ! -s one.err
check_same "fake nvml: init and shutdown once" - nvml.log <<'EOF2'
nvmlInit_v2
nvmlDeviceGetCount_v2
nvmlShutdown
EOF2

FAKE_NVML_TEMPS=61,77,x,70 sysheat -n 1 -i 0.05 --format json >many.json
check_grep "fake nvml: hottest of four, a lost one skipped" \
    '"gpu_temp":77\.0,' many.json

FAKE_NVML_TEMPS=none sysheat -n 1 -i 0.05 >zero.csv 2>zero.err
check "fake nvml: no device: absent" test "$(gpu_of zero.csv)" = "-"
FAKE_NVML_TEMPS=x sysheat -n 1 -i 0.05 >lost.csv 2>lost.err
check "fake nvml: every read fails: unknown (empty)" \
    test "$(gpu_of lost.csv)" = ""
check "fake nvml: every read fails: silent" test ! -s lost.err

: >nvml.log
FAKE_NVML_INIT=9 sysheat -v -n 1 -i 0.05 >init.csv 2>init.err
check "fake nvml: init fails: exit 0" test $? -eq 0
check "fake nvml: init fails: unknown (empty)" test "$(gpu_of init.csv)" = ""
check_grep "fake nvml: init fails: -v says so" \
    '^sysheat: nvml: nvmlInit_v2: error 9$' init.err
check "fake nvml: init fails: no shutdown" test "$(cat nvml.log)" = "nvmlInit_v2"

FAKE_NVML_TEMPS=55,58 sysheat --list >list.csv
check_same "fake nvml: --list" - list.csv <<'EOF2'
chip,feature,label,type,value,use
nvml-gpu0,gpu,GPU,temp,55.000,gpu
nvml-gpu1,gpu,GPU,temp,58.000,gpu
EOF2

# A library without the entry points sysheat needs is not NVML.
printf 'int nvmlInit_v2(void) { return 0; }\n' >stub.c
mkdir nv2
"$cc" -shared -fPIC -o nv2/libnvidia-ml.so.1 stub.c
LD_LIBRARY_PATH=$WORK/nv2 sysheat -v -n 1 -i 0.05 >stub.csv 2>stub.err
check "incomplete nvml: exit 0" test $? -eq 0
check "incomplete nvml: not NVML, so no GPU: absent" \
    test "$(gpu_of stub.csv)" = "-"
check_grep "incomplete nvml: -v names the symbol" \
    '^sysheat: nvml: nvmlDeviceGetCount_v2: no such symbol$' stub.err
done_testing
