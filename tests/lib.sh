# Shared helpers for end-to-end tests: TAP output, a scratch directory,
# and cleanup.  Source it first:  . "$LI_TOP/tests/lib.sh"
#
#   check NAME CMD...            ok when CMD exits 0
#   check_fail NAME STATUS [--msg REGEX] CMD...
#                                ok when CMD exits with STATUS (and, with
#                                --msg, its output has a line matching REGEX)
#   check_same NAME EXPECTED ACTUAL   ok when the two files are identical
#   check_grep NAME PATTERN FILE  ok when FILE has a line matching PATTERN
#   skip NAME REASON
#   at_exit CMD                  run CMD (e.g. kill a server) when done
# The script ends with `done_testing`.
LC_ALL=C; export LC_ALL
set -u
: "${LI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${LI_BUILD:=$LI_TOP/build}"
case :$PATH: in *":$LI_BUILD/bin:"*) ;; *) PATH=$LI_BUILD/bin:$LI_BUILD/tests:$PATH ;; esac
export PATH LI_TOP LI_BUILD

_n=0 _fails=0 _cleanup=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/li-test.XXXXXX") || exit 1
_on_exit() { eval "$_cleanup"; cd / && rm -rf "$WORK"; }
trap _on_exit EXIT
trap 'exit 130' INT TERM
cd "$WORK" || exit 1

at_exit() { _cleanup="$*; $_cleanup"; }

_ok() { _n=$((_n + 1)); echo "ok $_n - $1"; }
_notok() {
	_n=$((_n + 1)); _fails=$((_fails + 1)); echo "not ok $_n - $1"
	shift; [ $# -gt 0 ] && printf '#   %s\n' "$@"
	return 0
}

check() {
	_name=$1; shift
	if "$@" >"$WORK/.out" 2>&1; then _ok "$_name"
	else _notok "$_name" "command failed: $*" "$(head -c 2000 "$WORK/.out")"; fi
}

check_fail() {
	_name=$1 _want=$2 _msg=; shift 2
	if [ "${1:-}" = --msg ]; then _msg=$2; shift 2; fi
	"$@" >"$WORK/.out" 2>&1; _rc=$?
	if [ "$_rc" -ne "$_want" ]; then
		_notok "$_name" "exit status $_rc, wanted $_want: $*" "$(head -c 2000 "$WORK/.out")"
	elif [ -n "$_msg" ] && ! grep -Eq -- "$_msg" "$WORK/.out"; then
		_notok "$_name" "no line matches /$_msg/: $*" "$(head -c 2000 "$WORK/.out")"
	else _ok "$_name"; fi
}

check_same() {
	if cmp -s "$2" "$3"; then _ok "$1"
	else _notok "$1" "$(diff -u "$2" "$3" | head -n 40)"; fi
}

check_grep() {
	if grep -Eq -- "$2" "$3"; then _ok "$1"
	else _notok "$1" "no line matches /$2/ in $3:" "$(head -c 1500 "$3")"; fi
}

skip() { _n=$((_n + 1)); echo "ok $_n - $1 # SKIP $2"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	_t=$(( $1 * 10 )); shift
	while [ "$_t" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1; _t=$((_t - 1))
	done
	return 1
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
	python3 - <<'PY' 2>/dev/null || echo $((20000 + $$ % 20000))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
PY
}

done_testing() {
	echo "1..$_n"
	[ "$_fails" -eq 0 ]
}
