#!/bin/sh
# Install the Debian packages LiveInsight needs to build, test, benchmark
# and run its demo.  Installs only what is missing; needs root (or sudo).
#   ./deps.sh           build, tests, demo
#   ./deps.sh --bench   also the benchmark peers: Node.js with DuckDB's
#                       @duckdb/node-api from npm, in $LI_BENCH_CACHE
#                       (default ~/.cache/liveinsight-bench), and
#                       matplotlib (render's pictures)
set -e
PKGS="build-essential pkg-config
libcsv-dev libsensors-dev lm-sensors libpaho-mqtt-dev librdkafka-dev
libbson-dev libcmocka-dev
mosquitto mosquitto-clients kcat mandoc tmux python3 python3-numpy
miller datamash sqlite3 mawk util-linux procps python3-psutil python3-pandas bsdextrautils openssl python3-bson
clang libclang-rt-14-dev clang-tools-14 cppcheck
libcairo2-dev libpango1.0-dev libpng-dev libmicrohttpd-dev fonts-dejavu-core
chromium poppler-utils libxml2-utils curl"
bench=0
case ${1:-} in
--bench) bench=1 ;;
"") ;;
*) echo "usage: ./deps.sh [--bench]" >&2; exit 2 ;;
esac
[ "$bench" -eq 1 ] && PKGS="$PKGS python3-matplotlib"
[ "$bench" -eq 1 ] && ! command -v npm >/dev/null 2>&1 && PKGS="$PKGS nodejs npm"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ -n "$missing" ]; then
	echo "deps.sh: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ "$bench" -eq 1 ]; then
	cache=${LI_BENCH_CACHE:-$HOME/.cache/liveinsight-bench}
	if [ ! -d "$cache/node_modules/@duckdb/node-api" ]; then
		echo "deps.sh: installing @duckdb/node-api into $cache" >&2
		mkdir -p "$cache"
		npm install --silent --prefix "$cache" @duckdb/node-api >/dev/null
	fi
fi
exit 0
