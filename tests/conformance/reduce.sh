# reduce's rows of the conformance matrix (tests/e2e/conformance.sh sources
# this file after tests/lib.sh, in its scratch directory).  See
# docs/conventions.md.
CONF_TOOL=reduce
# A minimal valid invocation (no input needed, no side effect).
CONF_ARGS_OK="--print-spec"
# The shared flags reduce has; conf_reduce_flag proves each.
CONF_FLAGS="-o --snapshots -q -v -b -t -X -F --time-col --state-dir --max-record --rejects"
# An invocation with a bad -X property: exit 2, the message names it.
CONF_BAD_X="-b 127.0.0.1:9 -t sales --partitions 0 -o conf-reduce-x -X no.such.property=1"
CONF_BAD_X_MSG="^reduce: kafka: -X no.such.property=1: "

_CONF_RHDR=TransactionID,Timestamp,StoreName,BranchName,BranchID,TotalBranches,CustomerID,Category,Product,Quantity,UnitPrice,TotalAmount,Discount,FinalAmount,LoyaltyPoints,PaymentType
_CONF_RROW='1,2024-01-06 09:15:00,LiveInsight Mart,Indiranagar,1,5,10001,Electronics,Smartphone,1,15999.00,15999.00,0.00,15999.00,159,UPI'

# A CSV of the 16 standard columns: the header, N good rows, B bad ones.
_conf_reduce_csv() {
	echo "$_CONF_RHDR"
	_i=0; while [ $_i -lt "$1" ]; do echo "$_CONF_RROW"; _i=$((_i + 1)); done
	_i=0; while [ $_i -lt "$2" ]; do echo 'x,y'; _i=$((_i + 1)); done
}

# A mock Kafka cluster with topic "sales" holding 3 rows (no li.header:
# the standard columns), started once; its address in _conf_rb.
_conf_reduce_kafka() {
	[ -n "${_conf_rb:-}" ] && return 0
	kafka_mock -b 1 -p 1 -t sales >conf-reduce-addr 2>/dev/null &
	_conf_rmock=$!
	at_exit "kill $_conf_rmock 2>/dev/null"
	wait_for 20 test -s conf-reduce-addr || return 1
	_conf_rb=$(cat conf-reduce-addr)
	_conf_reduce_csv 3 0 | sed 1d |
	    timeout 20 kcat -b "$_conf_rb" -P -t sales -p 0 2>/dev/null
}

# conf_reduce_flag FLAG: one test proving FLAG means the conventional thing.
conf_reduce_flag() {
	case $1 in
	-o|--snapshots)
		rm -rf conf-reduce-o
		_conf_reduce_csv 2 0 | reduce -q "$1" conf-reduce-o >/dev/null
		check_grep "reduce $1 DIR: the snapshot is written there" \
		    '^Indiranagar,31998.00$' \
		    conf-reduce-o/branch_sales.csv ;;
	-q)
		_conf_reduce_csv 1 1 | reduce -q -o conf-reduce-q \
		    >/dev/null 2>conf-reduce-q.err
		check_same "reduce -q: the reject warning is silenced" \
		    /dev/null conf-reduce-q.err ;;
	-v)
		_conf_reduce_csv 1 12 >conf-reduce-v.csv
		reduce -o conf-reduce-v conf-reduce-v.csv >/dev/null 2>conf-reduce-p.err
		reduce -v -o conf-reduce-v conf-reduce-v.csv >/dev/null 2>conf-reduce-v.err
		check "reduce -v: every reject shown (12 and the count, not 10)" sh -c \
		    'test $(wc -l <conf-reduce-v.err) -eq 13 && test $(grep -c ": wrong field count" conf-reduce-p.err) -eq 10' ;;
	--time-col)
		_conf_reduce_csv 1 0 | sed '1s/Timestamp/When/' |
		    reduce -q --time-col When -a 'd.csv: Date -> n=count()' \
		    -o conf-reduce-tc >/dev/null
		check_grep "reduce --time-col COL: the time fields come from COL" \
		    '^2024-01-06,1$' conf-reduce-tc/d.csv ;;
	--rejects)
		_conf_reduce_csv 1 1 | reduce -q --rejects conf-reduce.rej \
		    -o conf-reduce-r >/dev/null
		check_grep "reduce --rejects FILE: the rejected row is there" \
		    '^3,"wrong field count: 2, expected 16",' conf-reduce.rej ;;
	--max-record)
		{ _conf_reduce_csv 1 0; echo "$_CONF_RROW,$_CONF_RROW$_CONF_RROW"; } |
		    reduce --max-record 200 -o conf-reduce-m >/dev/null 2>conf-reduce-m.err
		check_grep "reduce --max-record BYTES: a longer record is rejected" \
		    '^reduce: stdin:3: record too long$' conf-reduce-m.err ;;
	-b|-t)
		if ! _conf_reduce_kafka; then
			skip "reduce $1" "no mock Kafka cluster"
			return 0
		fi
		timeout 30 reduce -q -b "$_conf_rb" -t sales --partitions 0 -e \
		    -o conf-reduce-k >/dev/null 2>&1
		check_grep "reduce $1: -b BROKERS -t TOPIC reads the topic's rows" \
		    '^47997.00,3,3,' conf-reduce-k/kpis.csv ;;
	-X)
		if ! _conf_reduce_kafka; then
			skip "reduce -X" "no mock Kafka cluster"
			return 0
		fi
		check_fail "reduce -X KEY=VALUE reaches librdkafka (a bad one: exit 2)" 2 \
		    --msg "^reduce: kafka: -X fetch.wait.max.ms=abc: " \
		    reduce -b "$_conf_rb" -t sales --partitions 0 -e \
		    -X fetch.wait.max.ms=abc -o conf-reduce-x2 ;;
	-F)
		printf '# reduce\nfetch.wait.max.ms=10\nno.such.property=1\n' >conf-reduce.props
		chmod 600 conf-reduce.props
		check_fail "reduce -F FILE: its properties reach librdkafka, named FILE:LINE" 2 \
		    --msg "^reduce: kafka: conf-reduce.props:3: " \
		    reduce -b 127.0.0.1:9 -t sales --partitions 0 \
		    -F conf-reduce.props -o conf-reduce-f ;;
	--state-dir)
		if ! _conf_reduce_kafka; then
			skip "reduce --state-dir" "no mock Kafka cluster"
			return 0
		fi
		timeout 30 reduce -q -b "$_conf_rb" -t sales --partitions 0 -e \
		    --state-dir conf-reduce-sd -o conf-reduce-s >/dev/null 2>&1
		check "reduce --state-dir DIR: the partition's state is kept there" \
		    test -s conf-reduce-sd/sales.0.ckpt ;;
	*)
		skip "reduce $1" "not a flag of reduce" ;;
	esac
}
