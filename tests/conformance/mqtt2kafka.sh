# mqtt2kafka's rows of the conformance matrix (tests/e2e/conformance.sh
# sources this after tests/lib.sh, in a scratch directory, with build/bin
# and build/tests on PATH).  conf_mqtt2kafka_flag FLAG runs the checks that
# FLAG means in mqtt2kafka what docs/conventions.md says it means.

CONF_TOOL=mqtt2kafka
# None: a valid bridge runs until it is stopped (the flags below start one
# against mosquitto and the mock Kafka cluster).
CONF_ARGS_OK=""
# The shared flags mqtt2kafka has (conventions.md's tables).
CONF_FLAGS="-h --help --version -q -v -b -t -X -F -u --state-dir --format --mqtt-topic --mqtt-user --mqtt-password-file"

# One bridge run against mosquitto and the mock cluster, made once, with
# -v, -b, -t, -u, --mqtt-topic and --state-dir: one invoice and one dead
# letter go through; then the same with -q.  Sets CONF_M2K_OK=1.
_conf_m2k_run() {
	[ -n "${CONF_M2K_OK:-}" ] && return 0
	# shellcheck source=/dev/null
	. "$LI_TOP/tests/helpers/mqtt2kafka_env.sh"
	m2k_mosquitto_start || return 1
	m2k_mock_start 1 || return 1
	for _m in v q; do
		mqtt2kafka -$_m -b "$KAFKA" -t conf-m2k \
		    -u "tcp://127.0.0.1:$MQ_PORT" --mqtt-topic "conf/$_m" \
		    --client-id "conf-$_m" --state-dir "conf-st-$_m" \
		    --archive "conf-$_m.bson" --dlq-file "conf-$_m.jsonl" \
		    2>"conf-m2k-$_m.err" &
		_p=$!
		if [ $_m = v ]; then
			m2k_subscribed $_p conf-m2k-v.err conf/v || return 1
		else
			# -q prints nothing: wait until a ping is received.
			wait_for 20 sh -c "mosquitto_pub -p $MQ_PORT -t conf/q \
			    -q 1 -m 'Ping Ping 6000000000 book #q' &&
			    test -s conf-q.bson" || return 1
		fi
		mosquitto_pub -p "$MQ_PORT" -t "conf/$_m" -q 1 \
		    -m 'Conf Test 6100000009 book'
		mosquitto_pub -p "$MQ_PORT" -t "conf/$_m" -q 1 -m 'garbage'
		wait_for 20 test -s "conf-$_m.jsonl"
		wait_for 20 sh -c "test \$(mqtt2kafka --dump conf-$_m.bson |
		    grep -c ',Conf,') -ge 1"
		kill $_p
		wait $_p
	done
	CONF_M2K_OK=1
}

conf_mqtt2kafka_flag() {
	case $1 in
	-h|--help)
		mqtt2kafka "$1" >conf.out 2>conf.err
		check "mqtt2kafka $1: exit 0" test $? -eq 0
		check_grep "mqtt2kafka $1: Usage: on stdout" \
		    '^Usage: mqtt2kafka \[-qv\]' conf.out
		check_fail "mqtt2kafka $1 >/dev/full: exit 1" 1 \
		    --msg "^mqtt2kafka: write error" \
		    sh -c "mqtt2kafka $1 >/dev/full"
		return 0 ;;
	--version)
		check_fail "mqtt2kafka --version: mqtt2kafka X.Y.Z" 0 \
		    --msg '^mqtt2kafka [0-9]+\.[0-9]+\.[0-9]+$' \
		    mqtt2kafka --version
		return 0 ;;
	-X)
		check_fail "mqtt2kafka -X: a property librdkafka lacks: exit 2" \
		    2 --msg "^mqtt2kafka: -X no.such.prop=1: " \
		    mqtt2kafka -X no.such.prop=1 --state-dir conf-st-x
		check "mqtt2kafka -X: refused before any state is made" \
		    test ! -e conf-st-x
		return 0 ;;
	-F)
		printf '# librdkafka properties\nno.such.prop=1\n' >conf-m2k.conf
		chmod 600 conf-m2k.conf
		check_fail "mqtt2kafka -F: properties from the file, by line: exit 2" \
		    2 --msg "^mqtt2kafka: conf-m2k.conf:2: " \
		    mqtt2kafka -F conf-m2k.conf --state-dir conf-st-x
		return 0 ;;
	--format)
		;;
	--mqtt-user|--mqtt-password-file)
		printf 'user\nsecret\n' >conf-pw2 && chmod 600 conf-pw2
		printf 'secret\n' >conf-pw1 && chmod 600 conf-pw1
		check_fail "mqtt2kafka $1: a password file of two lines: exit 2" \
		    2 --msg "^mqtt2kafka: conf-pw2: a second line" \
		    mqtt2kafka --mqtt-user u --mqtt-password-file conf-pw2 \
		    --state-dir conf-st-x
		check_fail "mqtt2kafka $1: the file needs a user: exit 2" \
		    2 --msg "^mqtt2kafka: --mqtt-password-file needs --mqtt-user" \
		    env -u MQTT_USERNAME mqtt2kafka \
		    --mqtt-password-file conf-pw1 --state-dir conf-st-x
		# Both right: the bridge goes on to connect (refused: exit 1).
		check_fail "mqtt2kafka $1: user and password file accepted" 1 \
		    --msg "^mqtt2kafka: tcp://127.0.0.1:1: " \
		    mqtt2kafka -q --mqtt-user u --mqtt-password-file conf-pw1 \
		    -u tcp://127.0.0.1:1 -b 127.0.0.1:1 --state-dir conf-st-pw
		return 0 ;;
	-q|-v|-b|-t|-u|--state-dir|--mqtt-topic)
		;;
	*)
		skip "mqtt2kafka $1" "not an mqtt2kafka flag"
		return 0 ;;
	esac
	if ! _conf_m2k_run; then
		check "mqtt2kafka $1: the bridge ran" false
		return 0
	fi
	case $1 in
	-q)
		check_grep "mqtt2kafka without -q: progress and counters" \
		    '^mqtt2kafka: received [0-9]+,' conf-m2k-v.err
		check "mqtt2kafka -q: nothing on stderr" test ! -s conf-m2k-q.err ;;
	-v)
		# With a dead-letter file, a dead letter is said only with -v.
		check_grep "mqtt2kafka -v: every dead letter said" \
		    '^mqtt2kafka: conf/v: dead letter [0-9a-f]+: ' conf-m2k-v.err ;;
	-b|-t)
		timeout 30 kcat -C -q -b "$KAFKA" -t conf-m2k -e -o beginning \
		    -f '%k\n' >conf-m2k.keys 2>/dev/null
		check "mqtt2kafka $1: the invoices reach topic conf-m2k of the brokers" \
		    test "$(grep -c '^6100000009$' conf-m2k.keys)" -eq 2 ;;
	-u|--mqtt-topic)
		check_grep "mqtt2kafka $1: subscribed to that filter at that broker" \
		    "^mqtt2kafka: subscribed to conf/v at tcp://127.0.0.1:$MQ_PORT\$" \
		    conf-m2k-v.err ;;
	--state-dir)
		check "mqtt2kafka --state-dir DIR: its state is there" \
		    test -s conf-st-v/invoice-no ;;
	--format)
		mqtt2kafka --dump conf-v.bson --format json >conf.out
		check_grep "mqtt2kafka --dump --format json: JSON lines" \
		    '^\{"InvoiceNo":[0-9]+,.*"FirstName":"Conf"' conf.out ;;
	esac
}
