#!/bin/sh
# The suite's one convention (docs/conventions.md), checked for every tool:
# -h/--help, --version, usage errors, write errors on stdout, the shared
# letters (a letter a tool does not list must be unknown to it, never
# something else), the help text and man page naming each shared flag, and
# then each tool's own proof that its shared flags mean the conventional
# thing (tests/conformance/TOOL.sh: CONF_TOOL, CONF_FLAGS and
# conf_TOOL_flag FLAG, which for -X also proves that a bad property
# exits 2).
. "${LI_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib.sh"

TOOLS="replay reduce sysheat alertd render mqtt2kafka recommend"
# Letters of docs/conventions.md's first table.
SHARED_LETTERS="-b -t -X -F -o -d -u -n -i -r"

version=$(sed -n 's/^VERSION *= *//p' "$LI_TOP/Makefile")

# help_ok TOOL FLAG: FLAG prints the help on stdout, exit 0, nothing on
# stderr, the first line "Usage: TOOL ..."
help_ok() {
	"$1" "$2" >"$WORK/help.out" 2>"$WORK/help.err" || return 1
	[ ! -s "$WORK/help.err" ] || return 1
	head -n 1 "$WORK/help.out" | grep -q "^Usage: $1\( \|$\)"
}

# usage_err TOOL ARG WHAT: exit 2, "TOOL: unknown option 'WHAT'" then
# "Try 'TOOL --help'.", nothing on stdout, the bare tool name (no path).
usage_err() {
	"$1" "$2" </dev/null >"$WORK/ue.out" 2>"$WORK/ue.err"
	rc=$?
	[ "$rc" -eq 2 ] || { echo "exit $rc"; return 1; }
	[ ! -s "$WORK/ue.out" ] || { echo "stdout not empty"; return 1; }
	printf "%s: unknown option '%s'\nTry '%s --help'.\n" "$1" "$3" "$1" \
	    >"$WORK/ue.want"
	cmp -s "$WORK/ue.want" "$WORK/ue.err" || {
		cat "$WORK/ue.err"; return 1; }
}

# letter_err TOOL -L: exit 2, and the message says -L is unknown or names
# the spelling that replaced it (docs/conventions.md, changed in 0.2.0).
letter_err() {
	"$1" "$2" x </dev/null >"$WORK/ue.out" 2>"$WORK/ue.err"
	rc=$?
	[ "$rc" -eq 2 ] || { echo "exit $rc"; cat "$WORK/ue.err"; return 1; }
	head -n 1 "$WORK/ue.err" | grep -q -e "^$1: .*'$2'" -e "^$1: $2[ :]" || {
		cat "$WORK/ue.err"; return 1; }
	tail -n 1 "$WORK/ue.err" | grep -qx "Try '$1 --help'." || {
		cat "$WORK/ue.err"; return 1; }
}

# missing_arg TOOL FLAG: FLAG last with no value: exit 2,
# "TOOL: option 'FLAG' needs a value" and the hint.
missing_arg() {
	"$1" "$2" </dev/null >"$WORK/ma.out" 2>"$WORK/ma.err"
	rc=$?
	[ "$rc" -eq 2 ] || { echo "exit $rc"; cat "$WORK/ma.err"; return 1; }
	printf "%s: option '%s' needs a value\nTry '%s --help'.\n" "$1" "$2" \
	    "$1" >"$WORK/ma.want"
	cmp -s "$WORK/ma.want" "$WORK/ma.err" || { cat "$WORK/ma.err"; return 1; }
}

# has_flag FLAG: CONF_FLAGS lists FLAG.
has_flag() {
	case " $CONF_FLAGS " in *" $1 "*) return 0 ;; esac
	return 1
}

# full_err TOOL FLAG: FLAG into /dev/full exits 1 with "TOOL: ..." on stderr.
full_err() {
	[ -w /dev/full ] || return 0
	"$1" "$2" >/dev/full 2>"$WORK/full.err"
	rc=$?
	[ "$rc" -eq 1 ] || { echo "exit $rc"; return 1; }
	grep -q "^$1: .*[Nn]o space" "$WORK/full.err" || {
		cat "$WORK/full.err"; return 1; }
}

# manpage TOOL: the man page as plain text.
manpage() {
	mandoc -T utf8 "$LI_TOP/man/$1.1" 2>/dev/null | col -b
}

have_mandoc=0
command -v mandoc >/dev/null 2>&1 && command -v col >/dev/null 2>&1 &&
    have_mandoc=1

for tool in $TOOLS; do
	check "$tool: --help" help_ok "$tool" --help
	cp "$WORK/help.out" "$WORK/help.$tool"
	check "$tool: -h is --help" sh -c \
	    "'$tool' -h | cmp -s - '$WORK/help.$tool'"
	check "$tool: --version prints '$tool $version'" \
	    sh -c "test \"\$('$tool' --version)\" = '$tool $version'"
	check "$tool: --help into /dev/full fails" full_err "$tool" --help
	check "$tool: --version into /dev/full fails" full_err "$tool" --version
	check "$tool: -Z is an unknown option" usage_err "$tool" -Z -Z
	check "$tool: --no-such-option is an unknown option" \
	    usage_err "$tool" --no-such-option --no-such-option

	CONF_FLAGS= CONF_TOOL=
	f=$LI_TOP/tests/conformance/$tool.sh
	if [ ! -f "$f" ]; then
		_notok "$tool: tests/conformance/$tool.sh" "missing"
		continue
	fi
	. "$f"
	check "$tool: tests/conformance/$tool.sh names its tool" \
	    test "$CONF_TOOL" = "$tool"
	for fl in -q -v; do
		check "$tool: has $fl" has_flag "$fl"
	done
	# A shared letter the tool does not list is not silently taken
	# for something else.
	for l in $SHARED_LETTERS; do
		case " $CONF_FLAGS " in *" $l "*) continue ;; esac
		check "$tool: $l is not a $tool option" letter_err "$tool" "$l"
	done
	# A missing value, on the first shared flag that takes one.
	for fl in $CONF_FLAGS; do
		case $fl in -[bdinortuXF]|--time-col)
			check "$tool: $fl without its value" \
			    missing_arg "$tool" "$fl"
			break ;;
		esac
	done
	[ $have_mandoc -eq 1 ] && manpage "$tool" >"$WORK/man.$tool"
	for fl in $CONF_FLAGS; do
		check "$tool: --help names $fl" \
		    grep -q -e "$fl\([^a-z-]\|$\)" "$WORK/help.$tool"
		[ $have_mandoc -eq 1 ] &&
		    check "$tool: the man page names $fl" \
			grep -q -e "$fl\([^a-z-]\|$\)" "$WORK/man.$tool"
		"conf_${tool}_flag" "$fl"
	done
done

done_testing
