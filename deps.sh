#!/bin/sh
# Install the Debian packages LiveInsight needs to build, test, benchmark
# and run its demo.  Installs only what is missing; needs root (or sudo).
set -e
PKGS="build-essential pkg-config
libcsv-dev libsensors-dev lm-sensors libpaho-mqtt-dev librdkafka-dev
libbson-dev libcmocka-dev
mosquitto mosquitto-clients kcat mandoc tmux python3 python3-numpy
miller datamash sqlite3 mawk util-linux procps python3-psutil python3-pandas bsdextrautils openssl"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
