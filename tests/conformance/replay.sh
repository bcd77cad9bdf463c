# replay's rows of the conformance matrix (tests/e2e/conformance.sh sources
# this after tests/lib.sh, in a scratch directory, with build/bin and
# build/tests on PATH).  conf_replay_flag FLAG runs one test that FLAG
# means in replay what docs/conventions.md says it means.

CONF_TOOL=replay
CONF_ARGS_OK="--synth --rows 1"
CONF_FLAGS="-h -q -v -o -b -t -X -F -u -n --time-col --seed --max-record --mqtt-topic"

# A mock Kafka cluster for -b, -t, -X and -F, started once.
_conf_replay_kafka() {
	[ -n "${CONF_REPLAY_B:-}" ] && return 0
	kafka_mock -b 1 -p 1 -t conf >conf_replay.addr 2>conf_replay.mock &
	CONF_REPLAY_MOCK=$!
	at_exit "kill $CONF_REPLAY_MOCK 2>/dev/null"
	wait_for 20 test -s conf_replay.addr || return 1
	CONF_REPLAY_B=$(cat conf_replay.addr)
}

# The messages on topic conf of the mock: their count.
_conf_replay_count() {
	timeout 20 kcat -b "$CONF_REPLAY_B" -C -t conf -o beginning -e -q \
	    2>/dev/null | wc -l
}

conf_replay_flag() {
	case $1 in
	-h)
		check "replay -h prints the help on stdout" \
		    sh -c 'replay -h | head -n 1 | grep -q "^Usage: replay"'
		;;
	-q)
		# A row with a bad timestamp is a warning; -q silences it.
		printf 'Timestamp,x\nnot a time,1\n' > cq.csv
		replay --speedup 1000 cq.csv >/dev/null 2>cq.plain
		replay -q --speedup 1000 cq.csv >/dev/null 2>cq.quiet
		check "replay -q silences the warning a plain run prints" \
		    sh -c 'grep -q "unparsable timestamp" cq.plain &&
		    test ! -s cq.quiet'
		;;
	-v)
		timeout 20 replay -v --synth --rows 3 >/dev/null 2>cv.err
		check_grep "replay -v adds a summary" \
		    '^replay: 3 rows sent, ' cv.err
		;;
	-o)
		: > co.csv	# a path that does not exist is made a FIFO
		timeout 20 replay --synth --rows 5 -o co.csv >co.stdout
		check "replay -o writes the rows there, not to stdout" \
		    sh -c 'test "$(wc -l < co.csv)" -eq 6 && test ! -s co.stdout'
		;;
	-b|-t)
		if ! command -v kcat >/dev/null 2>&1; then
			skip "replay $1 reaches the Kafka cluster" "no kcat"
			return 0
		fi
		_conf_replay_kafka
		before=$(_conf_replay_count)
		timeout 60 replay -q --synth --rows 7 -b "$CONF_REPLAY_B" -t conf
		check "replay $1: 7 rows reach topic conf of the brokers" \
		    test "$(_conf_replay_count)" -eq $((before + 7))
		;;
	-X)
		check_fail "replay -X: a librdkafka property it does not take: exit 2" \
		    2 --msg "^replay: -X no.such.prop=1: " \
		    replay --synth --rows 1 -b 127.0.0.1:1 -t conf -X no.such.prop=1
		;;
	-F)
		printf '# librdkafka properties\nno.such.prop=1\n' > cf.conf
		chmod 600 cf.conf
		check_fail "replay -F: properties from the file, errors by line: exit 2" \
		    2 --msg "^replay: cf.conf:2: " \
		    replay --synth --rows 1 -b 127.0.0.1:1 -t conf -F cf.conf
		;;
	-u|--mqtt-topic)
		if ! command -v mosquitto >/dev/null 2>&1 &&
		    ! [ -x /usr/sbin/mosquitto ]; then
			skip "replay $1 publishes to the broker" "no mosquitto"
			return 0
		fi
		if [ -z "${CONF_REPLAY_MQ:-}" ]; then
			CONF_REPLAY_MQ=$(free_port)
			chmod 711 .
			printf 'listener %s 127.0.0.1\nallow_anonymous true\n' \
			    "$CONF_REPLAY_MQ" > cu.conf
			"$(command -v mosquitto || echo /usr/sbin/mosquitto)" \
			    -c cu.conf >cu.log 2>&1 &
			at_exit "kill $! 2>/dev/null"
			wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 \
			    -p $CONF_REPLAY_MQ -t probe -E -W 2"
		fi
		mosquitto_sub -h 127.0.0.1 -p "$CONF_REPLAY_MQ" -t conf/rows \
		    -C 4 -W 20 >cu.out 2>/dev/null &
		sub=$!
		wait_for 10 sh -c "mosquitto_pub -h 127.0.0.1 \
		    -p $CONF_REPLAY_MQ -t probe -m x" >/dev/null
		# Until the subscriber is in, publish again (retain would
		# change what is tested).
		n=0
		while kill -0 $sub 2>/dev/null && [ $n -lt 50 ]; do
			timeout 20 replay -q --synth --rows 3 \
			    -u "tcp://127.0.0.1:$CONF_REPLAY_MQ" \
			    --mqtt-topic conf/rows
			n=$((n + 1))
			wait_for 1 sh -c "! kill -0 $sub" && break
		done
		wait $sub
		check "replay $1: rows published to the MQTT topic" \
		    test "$(wc -l < cu.out)" -eq 4
		;;
	-n)
		check "replay -n 4 sends 4 rows after the header" \
		    test "$(replay --synth -n 4 | wc -l)" -eq 5
		;;
	--time-col)
		printf 'when,x\nnot a time,1\n' > ct.csv
		check_fail "replay --time-col names the event-time column" 1 \
		    --msg "^replay: ct.csv: no column 'Timestamp'" \
		    replay --speedup 1000 ct.csv
		check "... and a column so named is used" \
		    sh -c 'replay --speedup 1000 --time-col when ct.csv 2>&1 |
		    grep -q "unparsable timestamp .not a time"'
		;;
	--seed)
		check "replay --seed: same seed, same rows; another, others" \
		    sh -c 'a=$(replay --synth --rows 20 --seed 3 | cksum)
		    b=$(replay --synth --rows 20 --seed 3 | cksum)
		    c=$(replay --synth --rows 20 --seed 4 | cksum)
		    test "$a" = "$b" && test "$a" != "$c"'
		;;
	--max-record)
		{ echo x; head -c 2000 /dev/zero | tr '\0' a; echo; echo b; } > cm.csv
		check "replay --max-record 1K skips a longer record" \
		    sh -c 'replay -q --max-record 1K cm.csv | tr "\n" " " |
		    grep -qx "x b "'
		;;
	*)
		skip "replay $1" "no test for this flag"
		;;
	esac
}
