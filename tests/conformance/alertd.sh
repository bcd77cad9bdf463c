# alertd's rows of the conformance matrix (tests/e2e/conformance.sh sources
# this after tests/lib.sh; it runs in $WORK).  Each conf_alertd_flag FLAG
# runs checks proving FLAG means in alertd what docs/conventions.md says.

CONF_TOOL=alertd
# A minimal valid run: the shipped rules over the shipped samples.
CONF_ARGS_OK="-r $LI_TOP/examples/liveinsight.rules --clock=input --input $LI_TOP/examples/alertd-samples.csv"
# The shared flags alertd has (conventions.md's tables).
CONF_FLAGS="-h --help --version -q -v -d --snapshots -r --rules --format --once"

# A rules file, samples and a snapshot directory, made once.
_conf_alertd_files() {
	[ -f conf-alertd.rules ] && return 0
	printf '%s\n' 'cpu_temp sample cpu_temp warn>70 crit>80' \
	    'weak row branch_sales.csv TotalRevenue warn<0.7*mean' \
	    >conf-alertd.rules
	printf '%s\n' 'time,cpu_temp' '2026-11-23T10:00:00Z,60' \
	    '2026-11-23T10:00:05Z,85' 'not,a,sample' >conf-alertd.csv
	mkdir -p conf-alertd-snap
	printf '%s\n' 'BranchName,TotalRevenue' 'Hebbal,1000' 'Yelahanka,300' \
	    'Indiranagar,1000' >conf-alertd-snap/branch_sales.csv
}

conf_alertd_flag() {
	_conf_alertd_files
	case $1 in
	-h|--help)
		alertd "$1" >conf.out 2>conf.err
		check "alertd $1: exit 0" test $? -eq 0
		check_grep "alertd $1: Usage: on stdout" '^Usage: alertd -r rules' conf.out
		check_fail "alertd $1 >/dev/full: exit 1" 1 \
		    --msg "^alertd: write error" sh -c "alertd $1 >/dev/full" ;;
	--version)
		check_fail "alertd --version: alertd X.Y.Z" 0 \
		    --msg '^alertd [0-9]+\.[0-9]+\.[0-9]+$' alertd --version ;;
	-q)
		# The plain run warns about the malformed line; -q does not.
		alertd -r conf-alertd.rules --clock=input --input conf-alertd.csv \
		    >conf.out 2>conf.err
		check_grep "alertd without -q: warns" '^alertd: conf-alertd.csv:4: ' conf.err
		alertd -q -r conf-alertd.rules --clock=input \
		    --input conf-alertd.csv >conf.out 2>conf.err
		check "alertd -q: the warning is gone" test ! -s conf.err ;;
	-v)
		alertd -v -r conf-alertd.rules --clock=input \
		    --input conf-alertd.csv >conf.out 2>conf.err
		check_grep "alertd -v: counts at exit" \
		    '^alertd: conf-alertd.csv: 2 records, 1 malformed$' conf.err ;;
	-d|--snapshots)
		check_fail "alertd $1 DIR: reads the snapshot" 1 \
		    --msg '^LIVEINSIGHT WARNING - .*weak\[Yelahanka\]' \
		    alertd -r conf-alertd.rules "$1" conf-alertd-snap --once ;;
	-r|--rules)
		alertd "$1" conf-alertd.rules --clock=input \
		    --input conf-alertd.csv >conf.out 2>/dev/null
		check_grep "alertd $1 FILE: its rules fire" \
		    ',firing,cpu_temp,critical,cpu_temp,85,' conf.out ;;
	--format)
		alertd --format json -r conf-alertd.rules --clock=input \
		    --input conf-alertd.csv >conf.out 2>/dev/null
		check_grep "alertd --format json: JSON lines" \
		    '^\{"time":.*"status":"firing"' conf.out ;;
	--once)
		check_fail "alertd --once: a Nagios line, CRITICAL exits 2" 2 \
		    --msg '^LIVEINSIGHT CRITICAL - ' alertd -r conf-alertd.rules \
		    --once --input conf-alertd.csv ;;
	*)
		skip "alertd $1" "not an alertd flag" ;;
	esac
}
