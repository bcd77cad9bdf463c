#!/bin/sh
# sysheat with the real libsensors on a fixture /sys/class/hwmon: in a
# private mount namespace (unshare -m, as root) a tmpfs is mounted over
# /sys/class and filled with hwmon chips the way the kernel lays them out
# (name, tempN_input in millidegrees, tempN_label).  libsensors 3.6 reads
# /sys/class/hwmon/*, needs a "name" file, follows a "device" link when
# there is one (bus type from the device's "subsystem" link: pci, i2c; isa
# without one) and treats a chip without a device (or with a dangling
# link) as a virtual device; virtual and pci chips are tested.  Skipped,
# visibly, where unshare is not permitted.
. "$LI_TOP/tests/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
	skip "libsensors fixture tests" "unshare -m is not permitted here"
	done_testing
	exit
fi

# Keep the /proc side fixed so that only the temperatures vary.
mkdir -p proc/net
printf 'cpu  1 0 1 8\n' >proc/stat
printf 'MemTotal: 1000 kB\nMemAvailable: 250 kB\n' >proc/meminfo
printf 'h\nh\n  eth0: 1 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0\n' >proc/net/dev
SYSHEAT_PROC=$WORK/proc; export SYSHEAT_PROC
# No real NVML may leak a GPU value into these results.
LD_LIBRARY_PATH=$WORK/none; export LD_LIBRARY_PATH

# The part that runs inside the namespace writes its results to files.
cat >inner.sh <<'INNER'
set -u
mount -t tmpfs sysheat-fixture /sys/class || exit 3
H=/sys/class/hwmon

chip() {	# chip N NAME: an empty hwmonN named NAME
	mkdir -p "$H/hwmon$1" && echo "$2" >"$H/hwmon$1/name"
}
temp() {	# temp N I MILLIDEGREES [LABEL]
	echo "$3" >"$H/hwmon$1/temp$2_input"
	[ $# -lt 4 ] || echo "$4" >"$H/hwmon$1/temp$2_label"
}
reset() { rm -rf "${H:?}" /sys/class/.fixture; }
row() {	# one sample into $1.csv, stderr into $1.err, status into $1.rc
	sysheat -n 1 -i 0.05 >"$1.csv" 2>"$1.err"
	echo $? >"$1.rc"
}

# A: AMD CPU (k10temp: Tctl, Tccd1) and an amdgpu (edge, junction), both
# virtual devices.
chip 0 k10temp; temp 0 1 55125 Tctl; temp 0 3 48000 Tccd1
chip 1 amdgpu; temp 1 1 61000 edge; temp 1 2 70000 junction
row amd
sysheat --list >amd.list 2>amd.list.err; echo $? >amd.list.rc
sensors -u >amd.sensors 2>&1

# The temperature moves between samples: replace temp1_input by rename so
# that libsensors never reads a half-written file.
: >move.csv
sysheat -i 0.2 -n 10 >>move.csv 2>move.err &
pid=$!
t=0
while [ "$(wc -l <move.csv)" -lt 3 ] && [ $t -lt 100 ]; do
	sleep 0.05; t=$((t + 1))
done
echo 71500 >"$H/hwmon0/.t" && mv "$H/hwmon0/.t" "$H/hwmon0/temp1_input"
echo 66000 >"$H/hwmon1/.t" && mv "$H/hwmon1/.t" "$H/hwmon1/temp1_input"
wait $pid; echo $? >move.rc

# The man page's pipeline, with a CPU hot enough to alert on.
echo 85000 >"$H/hwmon0/.t" && mv "$H/hwmon0/.t" "$H/hwmon0/temp1_input"
sysheat -n 3 -i 0.1 |
    alertd -r "$LI_TOP/examples/liveinsight.rules" >alert.csv 2>alert.err
echo $? >alert.rc

# B: Intel (coretemp: two packages and their cores), no GPU.
reset
chip 0 coretemp; temp 0 1 47000 "Package id 0"; temp 0 2 52000 "Core 0"
chip 1 coretemp; temp 1 1 65000 "Package id 1"; temp 1 2 90000 "Core 8"
row intel
# No GPU: absent, in each format.
for f in json prom influx; do
	sysheat -n 1 -i 0.05 --format $f >intel.$f 2>>intel.fmt.err
done

# C: neither: the hottest input, but never a disk's.
reset
chip 0 acpitz; temp 0 1 40000
chip 1 nvme; temp 1 1 65000 Composite
chip 2 nct6775; temp 2 1 43500 SYSTIN
# A directory without a name file is not a chip to libsensors.
mkdir "$H/hwmon3"; temp 3 1 99000
row other

# D: a chip with a device link to a PCI device, as the kernel makes it.
reset
d=/sys/class/.fixture/devices/pci0000:00/0000:00:18.3
mkdir -p "$d" /sys/class/.fixture/bus/pci
ln -s ../../../bus/pci "$d/subsystem"
chip 0 k10temp; temp 0 1 58250 Tctl; temp 0 2 60000 Tdie
ln -s ../../.fixture/devices/pci0000:00/0000:00:18.3 "$H/hwmon0/device"
row pci
sysheat --list >pci.list 2>&1

# E: hostile sensor files: no crash, unknown values.
reset
chip 0 k10temp; temp 0 1 garbage Tctl
chip 1 amdgpu; temp 1 1 "" edge
row bad
# Both there, neither readable: unknown, in each format.
for f in json prom influx; do
	sysheat -n 1 -i 0.05 --format $f >bad.$f 2>>bad.fmt.err
done

# Configuration: libsensors' compute and label statements apply, and a
# broken statement is reported with -v only (libsensors goes on).
if [ -f /etc/sensors3.conf ]; then
	reset
	chip 0 k10temp; temp 0 1 50000 Tctl
	printf 'chip "k10temp-*"\n    compute temp1 @+10, @-10\n' >conf.good
	mount --bind conf.good /etc/sensors3.conf && {
		row conf
		sysheat --list >conf.list 2>&1
	}
	printf 'chip "k10temp-*"\n    label temp1 "Tctl\n' >conf.bad
	mount --bind conf.bad /etc/sensors3.conf && {
		row confbad
		sysheat -v -n 1 -i 0.05 >confbadv.csv 2>confbadv.err
	}
fi

# F: no hwmon at all, as on these machines.
reset
row none
sysheat --list >none.list 2>&1

# G: libsensors cannot start (/sys is not sysfs): not fatal, -v says so.
chip 0 k10temp; temp 0 1 55125 Tctl
if mount -t tmpfs sysheat-nosysfs /sys; then
	row nosys
	sysheat -v -n 1 -i 0.05 >nosysv.csv 2>nosysv.err
fi
INNER

unshare -m sh inner.sh >inner.out 2>&1
rc=$?
if [ $rc -eq 3 ]; then
	skip "libsensors fixture tests" "cannot mount a tmpfs over /sys/class"
	done_testing
	exit
fi
check "fixture script ran" test $rc -eq 0

temps() {	# "cpu_temp,gpu_temp" of the last row of $1.csv
	tail -n 1 "$1.csv" | cut -d, -f2,3
}
case_ok() {	# NAME FILE WANT
	check "$1: exit 0" test "$(cat "$2.rc")" = 0
	check "$1: temperatures $3" test "$(temps "$2")" = "$3"
	check "$1: nothing on stderr" test ! -s "$2.err"
	check "$1: the rest still works" \
	    test "$(tail -n 1 "$2.csv" | cut -d, -f5)" = "75.0"
}

case_ok "k10temp Tctl + amdgpu edge" amd "55.1,61.0"
check_grep "sensors sees the fixture" '^Tctl:' amd.sensors
check "--list: exit 0" test "$(cat amd.list.rc)" = 0
check "--list: nothing on stderr" test ! -s amd.list.err
check "--list: header" test "$(head -n 1 amd.list)" = \
    "chip,feature,label,type,value,use"
sed 1d amd.list | sort >amd.sorted
check_same "--list: every chip and feature" - amd.sorted <<'EOF'
amdgpu-virtual-0,temp1,edge,temp,61.000,gpu
amdgpu-virtual-0,temp2,junction,temp,70.000,
k10temp-virtual-0,temp1,Tctl,temp,55.125,cpu
k10temp-virtual-0,temp3,Tccd1,temp,48.000,
EOF

check "moving: exit 0" test "$(cat move.rc)" = 0
check "moving: 10 samples" test "$(sed 1d move.csv | wc -l)" -eq 10
check "moving: starts at 55.1,61.0" \
    test "$(sed -n 2p move.csv | cut -d, -f2,3)" = "55.1,61.0"
check "moving: ends at 71.5,66.0" test "$(temps move)" = "71.5,66.0"
check "moving: nothing else" sh -c \
    "sed 1d move.csv | cut -d, -f2,3 | grep -Ev '^(55.1,61.0|71.5,66.0)\$' | wc -l | grep -qx 0"

check "sysheat | alertd: exit 0" test "$(cat alert.rc)" = 0
check_grep "sysheat | alertd: 85 C fires cpu_temp critical" \
    '^[^,]+,firing,cpu_temp,critical,cpu_temp,85(\.0)?,' alert.csv

# A device that is not there at all is "-" (absent); one that is there
# but cannot be read is empty (unknown).
case_ok "coretemp: hottest package, not a core; no GPU: absent" intel "65.0,-"
check "no GPU: json has no gpu_temp key" sh -c \
    'grep -q "\"cpu_temp\":65.0," intel.json && ! grep -q gpu_temp intel.json'
check "no GPU: prom has no gpu series, not even its HELP" sh -c \
    'grep -q "^sysheat_cpu_temperature_celsius 65$" intel.prom &&
    ! grep -q gpu_temperature intel.prom'
check "no GPU: influx has no gpu_temp field" sh -c \
    'grep -q " cpu_temp=65.0," intel.influx && ! grep -q gpu_temp intel.influx'
check "no GPU: nothing on stderr" test ! -s intel.fmt.err
case_ok "no package sensor: hottest input, not the nvme or a nameless dir" \
    other "43.5,-"
case_ok "pci device link: Tdie over Tctl" pci "60.0,-"
check_same "pci device link: --list names the bus" - pci.list <<'EOF'
chip,feature,label,type,value,use
k10temp-pci-00c3,temp1,Tctl,temp,58.250,
k10temp-pci-00c3,temp2,Tdie,temp,60.000,cpu
EOF
case_ok "unreadable sensor values: unknown, not absent" bad ","
check "unreadable: json null, not left out" \
    grep -q '"cpu_temp":null,"gpu_temp":null,' bad.json
check "unreadable: prom keeps HELP and TYPE, no sample" sh -c \
    'grep -q "^# TYPE sysheat_gpu_temperature_celsius gauge$" bad.prom &&
    ! grep -q "^sysheat_gpu_temperature_celsius " bad.prom'
check "unreadable: influx has no temperature field" \
    sh -c '! grep -q _temp= bad.influx' 
if [ -f conf.rc ] && [ -f confbad.rc ]; then
	case_ok "sensors3.conf compute applies" conf "60.0,-"
	check_grep "sensors3.conf compute: --list too" \
	    '^k10temp-virtual-0,temp1,Tctl,temp,60\.000,cpu$' conf.list
	case_ok "broken sensors3.conf: not fatal" confbad "50.0,-"
	grep libsensors confbadv.err >confbadv.lib
	check_same "broken sensors3.conf: -v names the place, once" - \
	    confbadv.lib <<'EOF'
sysheat: libsensors: /etc/sensors3.conf:2: No matching double quote
EOF
else
	skip "sensors3.conf statements" "no /etc/sensors3.conf to bind over"
fi
case_ok "no hwmon at all: both absent" none "-,-"
check_same "no hwmon: --list has only its header" - none.list <<'EOF'
chip,feature,label,type,value,use
EOF
if [ -f nosys.rc ]; then
	case_ok "libsensors fails to start" nosys ","
	check_grep "libsensors fails: -v warns" \
	    '^sysheat: libsensors: Kernel interface error$' nosysv.err
	check "libsensors fails: -v warns once" \
	    test "$(grep -c libsensors nosysv.err)" -eq 1
else
	skip "libsensors fails to start" "cannot mount a tmpfs over /sys"
fi
[ -s inner.out ] && sed 's/^/# inner: /' inner.out
done_testing
