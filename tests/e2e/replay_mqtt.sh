#!/bin/sh
# replay --mqtt: publishing to a real mosquitto, past the 65,535 message-id
# wrap, with QoS 1 and 2, and the errors.
. "$LI_TOP/tests/lib.sh"

if ! command -v mosquitto > /dev/null 2>&1 &&
    ! [ -x /usr/sbin/mosquitto ]; then
	skip "MQTT tests" "mosquitto is not installed"
	done_testing
	exit 0
fi
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)
# Run as root, mosquitto drops to its own user: let it reach the files it
# reads and writes here (TLS keys, a password file, a persistence dir).
chmod 711 "$WORK"

port=$(free_port)
cat > mosquitto.conf <<EOC
listener $port 127.0.0.1
allow_anonymous true
# Keep every message for the offline persistent subscriber below.
max_queued_messages 0
persistence false
EOC
"$MOSQUITTO" -c mosquitto.conf > mosquitto.log 2>&1 &
mpid=$!
at_exit "kill $mpid 2>/dev/null"
wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $port -t probe -E -W 2"
URL=tcp://127.0.0.1:$port

# A persistent session (clean session off) subscribed before publishing:
# the broker queues everything for it, so nothing depends on timing.
subscribe() {	# client-id topic qos
	mosquitto_sub -h 127.0.0.1 -p $port -c -i "$1" -t "$2" -q "$3" -E -W 10
}
drain() {	# client-id topic qos count
	mosquitto_sub -h 127.0.0.1 -p $port -c -i "$1" -t "$2" -q "$3" \
	    -C "$4" -W 60
}

# ---- 70,000 invoices at QoS 1: past the message-id wrap -------------------
replay --synth=invoices --invoices 70000 > inv.want
check "a subscriber session" subscribe sub-big till/invoices 1
replay -v --synth=invoices --invoices 70000 --mqtt "$URL" \
    --mqtt-topic till/invoices 2> pub.err
check "70,000 invoices at QoS 1: exit 0" test $? -eq 0
drain sub-big till/invoices 1 70000 > inv.got
check_same "70,000 invoices at QoS 1 all arrive, in order" inv.want inv.got
check_grep "-v says all were sent" '^replay: 70000 rows sent,' pub.err

# ---- QoS 2, a CSV with its header, a small window ----------------------------
replay --synth --rows 1500 > store.csv
check "a QoS 2 subscriber session" subscribe sub-q2 till/rows 2
replay --mqtt "$URL" --mqtt-topic till/rows --qos 2 --max-inflight 5 store.csv
check "QoS 2 with a window of 5: exit 0" test $? -eq 0
drain sub-q2 till/rows 2 1501 > store.got
check_same "QoS 2: the header, then every row" store.csv store.got

# ---- the man page's example ---------------------------------------------------
check "an example subscriber session" subscribe sub-ex till/invoices 1
replay --synth=invoices --invoices 100 \
    --mqtt "$URL" --mqtt-topic till/invoices
check "example: 100 invoices to till/invoices" test $? -eq 0
replay --synth=invoices --invoices 100 > ex.want
drain sub-ex till/invoices 1 100 > ex.got
check_same "example: all 100 arrive" ex.want ex.got

# ---- the broker restarts mid-stream --------------------------------------------
# A second broker with persistence, so that its queue survives the restart.
# Whenever the restart falls, every invoice must arrive at least once.
rport=$(free_port)
mkdir db && chmod 777 db
cat > restart.conf <<EOC
listener $rport 127.0.0.1
allow_anonymous true
max_queued_messages 0
persistence true
persistence_location $WORK/db/
EOC
"$MOSQUITTO" -c restart.conf > restart.log 2>&1 &
rpid=$!
at_exit "kill \$rpid 2>/dev/null"
wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $rport -t probe -E -W 2"
mosquitto_sub -h 127.0.0.1 -p $rport -c -i sub-rs -t till/rs -q 1 -E -W 10
replay -v --synth=invoices --invoices 6000 --rate 3000 \
    --mqtt tcp://127.0.0.1:$rport --mqtt-topic till/rs 2> rs.err &
pid=$!
wait_for 10 grep -q 'mqtt: connected' rs.err
sleep 0.5
kill $rpid
wait $rpid
"$MOSQUITTO" -c restart.conf >> restart.log 2>&1 &
rpid=$!
wait $pid
check "a broker restart: replay reconnects and exits 0" test $? -eq 0
check_grep "a broker restart is reported" \
    '^replay: mqtt: connection lost, reconnecting' rs.err
# At least once: duplicates may come, so read until quiet.
mosquitto_sub -h 127.0.0.1 -p $rport -c -i sub-rs -t till/rs -q 1 \
    -C 100000 -W 3 > rs.got 2> /dev/null
replay --synth=invoices --invoices 6000 | sort -u > rs.want
sort -u rs.got | comm -23 rs.want - > rs.missing
check "a broker restart: no invoice lost" test ! -s rs.missing

# ---- TLS with --cafile ------------------------------------------------------
if command -v openssl > /dev/null 2>&1; then
	mkdir tls && chmod 755 tls
	openssl req -x509 -newkey rsa:2048 -nodes -keyout tls/ca.key \
	    -out tls/ca.crt -days 2 -subj /CN=li-test-ca 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -keyout tls/srv.key \
	    -out tls/srv.csr -subj /CN=127.0.0.1 2>/dev/null
	echo 'subjectAltName=IP:127.0.0.1' > tls/ext
	openssl x509 -req -in tls/srv.csr -CA tls/ca.crt -CAkey tls/ca.key \
	    -CAcreateserial -out tls/srv.crt -days 2 -extfile tls/ext 2>/dev/null
	chmod 644 tls/*
	tport=$(free_port)
	cat > tls.conf <<EOC
listener $tport 127.0.0.1
allow_anonymous true
max_queued_messages 0
cafile $WORK/tls/ca.crt
certfile $WORK/tls/srv.crt
keyfile $WORK/tls/srv.key
EOC
	"$MOSQUITTO" -c tls.conf > tls.log 2>&1 &
	tpid=$!
	at_exit "kill \$tpid 2>/dev/null"
	tsub() {
		mosquitto_sub -h 127.0.0.1 -p $tport --cafile tls/ca.crt \
		    -c -i sub-tls -t till/tls -q 1 "$@"
	}
	wait_for 10 tsub -E -W 2
	replay --synth=invoices --invoices 300 --mqtt mqtts://127.0.0.1:$tport \
	    --mqtt-topic till/tls --cafile tls/ca.crt
	check "TLS with --cafile: exit 0" test $? -eq 0
	tsub -C 300 -W 20 > tls.got
	replay --synth=invoices --invoices 300 > tls.want
	check_same "TLS: all 300 arrive" tls.want tls.got
	replay --synth=invoices --invoices 3 --mqtt ssl://127.0.0.1:$tport \
	    --mqtt-topic till/tls 2> tls.err
	check "TLS without the CA: exit 1" test $? -eq 1
	check_grep "TLS without the CA is reported" \
	    "^replay: mqtt: ssl://127.0.0.1:$tport: connect failed: " tls.err
else
	skip "TLS tests" "openssl is not installed"
fi

# ---- credentials -------------------------------------------------------------
# A broker that wants a user name and password.
if command -v mosquitto_passwd > /dev/null 2>&1; then
	mosquitto_passwd -c -b passwd till s3cret
	chmod 644 passwd
	aport=$(free_port)
	cat > auth.conf <<EOC
listener $aport 127.0.0.1
allow_anonymous false
password_file $WORK/passwd
EOC
	"$MOSQUITTO" -c auth.conf > auth.log 2>&1 &
	apid=$!
	at_exit "kill \$apid 2>/dev/null"
	AURL=tcp://127.0.0.1:$aport
	wait_for 10 sh -c "mosquitto_sub -h 127.0.0.1 -p $aport -u till -P s3cret -t probe -E -W 2"
	printf 's3cret\n' > pw.good
	printf 'nope\n' > pw.bad
	check "--mqtt-password-file: the broker accepts it" \
	    replay --synth=invoices --invoices 3 --mqtt "$AURL" --mqtt-topic t \
	    --mqtt-user till --mqtt-password-file pw.good
	check "MQTT_PASSWORD: the broker accepts it" env MQTT_PASSWORD=s3cret \
	    replay --synth=invoices --invoices 3 --mqtt "$AURL" --mqtt-topic t \
	    --mqtt-user till
	MQTT_PASSWORD=s3cret replay --synth=invoices --invoices 3 \
	    --mqtt "$AURL" --mqtt-topic t --mqtt-user till --mqtt-password-file pw.bad \
	    2> auth.err
	check "a wrong password file (it wins over MQTT_PASSWORD): exit 1" \
	    test $? -eq 1
	check_grep "a refused login is reported" \
	    "^replay: mqtt: $AURL: connect failed: refused by the broker: (not authorised|bad user name or password)\$" auth.err
	check_fail "no credentials: exit 1" 1 replay --synth=invoices \
	    --invoices 3 --mqtt "$AURL" --mqtt-topic t
else
	skip "MQTT credentials" "mosquitto_passwd is not installed"
fi
check_fail "a missing password file exits 2" 2 --msg "^replay: nosuch: " \
    replay --synth=invoices --invoices 3 --mqtt "$URL" --mqtt-topic t \
    --mqtt-user u --mqtt-password-file nosuch
printf 'till\ns3cret\n' > pw.two
chmod 600 pw.two
check_fail "a password file of user and password (the old form) exits 2" 2 \
    --msg "^replay: pw.two: a second line" replay --synth=invoices \
    --invoices 3 -u "$URL" --mqtt-topic t --mqtt-user u \
    --mqtt-password-file pw.two
check_fail "--topic with --mqtt and no -b names --mqtt-topic" 2 \
    --msg "^replay: --topic is the Kafka topic: use --mqtt-topic" \
    replay --synth=invoices --invoices 3 --mqtt "$URL" --topic t
check_fail "--key without --mqtt names --kafka-key" 2 \
    --msg "the Kafka message key is --kafka-key" \
    replay --synth --rows 3 -b 127.0.0.1:1 -t sales --key BranchName

# ---- errors ------------------------------------------------------------------
dead=$(free_port)
replay --synth=invoices --invoices 3 --mqtt tcp://127.0.0.1:$dead \
    --mqtt-topic t 2> dead.err
check "no broker: exit 1" test $? -eq 1
check_grep "no broker: the URL is named" \
    "^replay: mqtt: tcp://127.0.0.1:$dead: connect failed: " dead.err
check_fail "a bad URL exits 2" 2 --msg "^replay: --mqtt: " replay \
    --synth=invoices --invoices 3 --mqtt http://127.0.0.1:$port --mqtt-topic t
check_fail "--mqtt without --mqtt-topic exits 2" 2 \
    --msg "^replay: --mqtt needs --mqtt-topic" replay --synth=invoices \
    --mqtt "$URL"
check_fail "--qos 3 exits 2" 2 --msg "^replay: --qos: 3 is out of range" \
    replay --synth=invoices --mqtt "$URL" --mqtt-topic t --qos 3
done_testing
