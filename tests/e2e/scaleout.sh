#!/bin/sh
# Scale-out on Kafka (librdkafka's mock cluster: 3 brokers, 6 partitions):
# replay produces 1M rows, two reduce instances each read three partitions,
# one is killed with SIGKILL mid-stream and restarted, and the merged
# snapshot equals a single-process batch run byte for byte.  Then the same
# with two instances in one consumer group sharing a state directory
# (partitions handed over between them), duplicates, a partition counted
# twice, a zombie's lock, bad checkpoints, and bad usage.
. "$LI_TOP/tests/lib.sh"

# The mock keeps at most 5 MiB of message sets per partition and drops older
# ones silently.  Keyed by TransactionID the rows spread evenly (167k a
# partition); in 8 MB batches at zstd level 9 they take at most 23 bytes a
# row (measured), 3.9 MiB a partition.  (Keyed by BranchName the busiest
# partition gets 26% of the rows, 5.0 MiB even at level 12: too close.)
N=1000000
PROD="--kafka-key TransactionID -X linger.ms=500 -X batch.num.messages=100000
    -X batch.size=8000000 -X message.max.bytes=10000000
    -X queue.buffering.max.messages=1000000 -X compression.level=9"
echo "# $N rows"

mkfifo ctl
kafka_mock -b 3 -p 6 -t sales -t dup -t grp -t ex -t exg -t bad -t bp -c ctl >addr 2>mock.err &
mock=$!
at_exit "kill $mock 2>/dev/null"
check "mock cluster up" wait_for 20 test -s addr
B=$(cat addr)
X="-X session.timeout.ms=6000"

# ---- produce ------------------------------------------------------------
check "replay produces $N rows to Kafka" \
    timeout 120 replay -q --synth --rows $N -b "$B" -t sales $PROD
total=0 first= hwms=
for p in 0 1 2 3 4 5; do
	end=$(timeout 20 kcat -b "$B" -Q -t "sales:$p:-1" 2>/dev/null |
	    sed -n 's/.* offset //p')
	total=$((total + ${end:-0}))
	hwms="$hwms ${end:-0}"
	[ "${end:-0}" -eq 0 ] && continue
	first="$first$(timeout 20 kcat -b "$B" -C -t sales -p $p -o beginning \
	    -c 1 -e -f '%o' 2>/dev/null);"
done
echo "# rows per partition:$hwms"
check "every row is in a partition" test "$total" -eq "$N"
check "the mock dropped nothing (each partition starts at 0)" \
    test "$first" = "0;0;0;0;0;0;"
kcat -b "$B" -C -t sales -p 0 -o beginning -c 1 -e -f '%h\n' >h.out 2>/dev/null
check_grep "the header travels in li.header" '^li.header=TransactionID,Timestamp,' h.out

replay --synth --rows $N | reduce --no-sync -q -o batch >/dev/null

# ---- two instances, one killed and restarted ----------------------------
inst() {	# name partitions
	# exec reduce itself (not under timeout), so kill -9 $! kills reduce.
	exec reduce --no-sync -q -b "$B" --topic sales \
	    --partitions "$2" -e --tick 0.2 --tick-rows 20000 \
	    --checkpoint "$1/state.ckpt" -o "$1" $X
}
inst s1 0-2 >s1.a 2>s1.err &
p1=$!
inst s2 3-5 >s2.out 2>s2.err &
p2=$!
at_exit "kill -9 $p1 $p2 2>/dev/null"
check "instance 1 checkpoints" wait_for 60 grep -q '^[0-9]*,[^,]*,[1-9]' s1.a
# SIGKILL reduce itself (never a timeout(1) around it, which would leave
# reduce running beside its successor).
r1=$p1	# inst execs reduce: $p1 is reduce itself
kill -9 $r1
wait $p1 2>/dev/null
check "instance 1's reduce is gone" wait_for 10 eval "! kill -0 $r1"
rows=$(tail -n 1 s1.a | cut -d, -f3)
share=$(echo $hwms | awk '{ print $1 + $2 + $3 }')
echo "# instance 1 killed after $rows of its $share rows"
check "instance 1 killed mid-stream" test "$rows" -lt "$share"
check_grep "its checkpoint holds Kafka offsets" '^ext,kafka,sales,[0-2],[0-9]+,,0$' s1/state.ckpt
inst s1 0-2 >s1.b 2>>s1.err &
p1=$!
wait $p1
check "restarted instance 1 exits 0" test $? -eq 0
wait $p2
check "instance 2 exits 0" test $? -eq 0
cat s2.err >>s1.err
check_same "no diagnostics" /dev/null s1.err
reduce --no-sync --merge -o merged s1 s2 2>merge.err
check "merge exits 0" test $? -eq 0
for f in batch/*.csv; do
	check_same "merged ${f#batch/} equals the batch run" "$f" \
	    "merged/${f#batch/}"
done

# ---- two group members sharing a state directory -------------------------
# Each partition has its own state and checkpoint in hs/ (sales.P.ckpt).
# Member a is killed mid-stream; b takes a's partitions over from a's
# checkpoints once a's session times out; a restarted takes some back from
# b's.  Neither uses -e (a member at the end of its partitions would leave
# the group): the test waits until the checkpoints hold every row, then
# stops both with SIGTERM.
hm() {	# name
	exec reduce --no-sync -v -b "$B" --topic sales -G g3 --tick 0.2 \
	    --tick-rows 20000 --state-dir hs -o "$1" $X
}
# counted [PARTITION...]: rows the partition checkpoints in hs/ hold.
counted() {
	_c=0
	for _p in ${*:-0 1 2 3 4 5}; do
		_l=$(sed -n "s/^ext,kafka,sales,$_p,\([0-9]*\),.*/\1/p" \
		    "hs/sales.$_p.ckpt" 2>/dev/null)
		_c=$((_c + ${_l:--1} + 1))
	done
	echo $_c
}
hm ha >ha.a 2>ha.err &
pa=$!
hm hb >hb.out 2>hb.err &
pb=$!
at_exit "kill -9 $pa $pb 2>/dev/null"
check "group: member a counts" wait_for 60 grep -q '^[0-9]*,[^,]*,[1-9]' ha.a
kill -9 $pa
wait $pa 2>/dev/null
nb=$(wc -l <hb.err)
# a's partitions when it died: assigned and not revoked since.
aparts=$(awk -F'[][]' '/^reduce: kafka: revoked sales\[/ { delete own[$2] }
    /^reduce: kafka: assigned sales\[/ { own[$2] = 1 }
    END { for (p in own) print p }' ha.err | sort)
ahwm=0
for p in $aparts; do
	ahwm=$((ahwm + $(echo $hwms | cut -d' ' -f$((p + 1)))))
done
echo "# member a killed after $(tail -n 1 ha.a | cut -d, -f3) rows;" \
    "its partitions:" $aparts "hold $(counted $aparts) of $ahwm rows"
check "group: a killed mid-stream" test "$(counted $aparts)" -lt "$ahwm"
# b is given a's partitions when a's session times out (6 s) and starts
# each one after a's checkpoint.
apat=$(echo $aparts | tr ' ' '|')
check "group: b takes a's partitions over at a's offsets" wait_for 60 \
    eval "tail -n +$((nb + 1)) hb.err | grep -Eq \
    '^reduce: kafka: assigned sales\[($apat)\] from offset [1-9]'"
na=$(grep -c '^reduce: kafka: assigned' ha.err)
hm ha >ha.b 2>>ha.err &
pa=$!
at_exit "kill -9 $pa 2>/dev/null"
check "group: restarted a is given partitions (from b's checkpoints)" \
    wait_for 60 eval "[ \$(grep -c '^reduce: kafka: assigned' ha.err) -gt $na ]"
check "group: the checkpoints reach every row" wait_for 90 \
    eval '[ "$(counted)" -eq "$N" ]'
kill -TERM $pa $pb
wait $pa
check "group: a exits 0 on SIGTERM" test $? -eq 0
wait $pb
check "group: b exits 0 on SIGTERM" test $? -eq 0
cat ha.err hb.err | grep -v '^reduce: kafka: ' | grep -v \
    '^reduce: sales: 0 duplicates dropped$' >h.diag
check_same "group: no diagnostics but the assignments" /dev/null h.diag
reduce --no-sync --merge -o hmerged hs 2>hmerge.err
check "group: merging the state directory exits 0" test $? -eq 0
for f in batch/*.csv; do
	check_same "group: merged ${f#batch/} equals the batch run" "$f" \
	    "hmerged/${f#batch/}"
done
check "group: a partition checkpoint per partition" \
    test "$(ls hs/sales.*.ckpt | wc -l)" -eq 6

# ---- a partition counted twice ------------------------------------------
(inst s3 2-3) >/dev/null 2>&1
reduce --no-sync --merge -o m2 s1 s3 2>merge2.err
check "merge of overlapping instances exits 1" test $? -eq 1
check_grep "and names the partition" \
    '^reduce: merge: s3/state.ckpt: partition sales\[2\] is counted in s1/state.ckpt too$' merge2.err

# ---- duplicates ---------------------------------------------------------
# An at-least-once producer that restarts sends its first rows again.
replay -q --synth --rows 20000 -b "$B" -t dup --kafka-key BranchName
replay -q --synth --rows 20000 -n 5000 -b "$B" -t dup --kafka-key BranchName
replay --synth --rows 20000 | reduce --no-sync -q -o dbatch >/dev/null
timeout 60 reduce --no-sync -v -b "$B" --topic dup --partitions 0-5 -e \
    --dedup-col TransactionID -o dd $X >/dev/null 2>dd.err
check "dedup: exit 0" test $? -eq 0
check "dedup: result equals the run without duplicates" diff -r dbatch dd
check_grep "dedup: the duplicates are counted" '^reduce: dup: 5000 duplicates dropped$' dd.err
timeout 60 reduce --no-sync -q -b "$B" --topic dup --partitions 0-5 -e \
    -o nodd $X >/dev/null
check_grep "without --dedup-col they are counted twice" '^[0-9.]+,[0-9]+,25000,' nodd/kpis.csv

# ---- a consumer group ---------------------------------------------------
replay -q --synth --rows 30000 -b "$B" -t grp --kafka-key BranchName
replay --synth --rows 30000 | reduce --no-sync -q -o gbatch >/dev/null
timeout 60 reduce --no-sync -q -b "$B" --topic grp -G g1 -e \
    --checkpoint g/state.ckpt -o g $X >g.out 2>g.err
check "group: exit 0" test $? -eq 0
check "group: result equals the batch run" diff -r -x state.ckpt gbatch g
check "group: every partition is in the checkpoint" \
    test "$(grep -c '^ext,kafka,grp,' g/state.ckpt)" -eq \
    "$(for p in 0 1 2 3 4 5; do kcat -b "$B" -Q -t "grp:$p:-1"; done 2>/dev/null | grep -vc ' offset 0$')"
# Run again: everything is in the checkpoint, nothing more is counted.
timeout 60 reduce --no-sync -q -b "$B" --topic grp -G g1 -e \
    --checkpoint g/state.ckpt -o g $X >g2.out 2>&1
check "group: a rerun resumes at the checkpoint" diff -r -x state.ckpt gbatch g

# A group member killed with SIGKILL: its successor is given the partitions
# once the old member's session times out (6 s), and starts each one after
# the checkpoint's offset.
gm() {
	# exec reduce itself (not under timeout), so kill -9 $! kills reduce.
	exec reduce --no-sync -q -b "$B" --topic sales -G g2 -e \
	    --tick 0.2 --tick-rows 20000 --checkpoint gm/state.ckpt -o gm $X
}
gm >gm.a 2>gm.err &
pg=$!
at_exit "kill -9 $pg 2>/dev/null"
check "group: the member checkpoints" wait_for 60 grep -q '^[0-9]*,[^,]*,[1-9]' gm.a
rg=$pg	# gm execs reduce: $pg is reduce itself
kill -9 $rg
wait $pg 2>/dev/null
check "group: the member's reduce is gone" wait_for 10 eval "! kill -0 $rg"
rows=$(tail -n 1 gm.a | cut -d, -f3)
echo "# group member killed after $rows rows"
check "group: killed mid-stream" test "$rows" -lt "$N"
gm >gm.b 2>>gm.err &
pg=$!
wait $pg
check "group: the restarted member exits 0" test $? -eq 0
check "group: resumed result equals the batch run" diff -r -x state.ckpt batch gm
check_same "group: no diagnostics" /dev/null gm.err

# ---- partition checkpoints: a zombie's lock, bad files ------------------
# A member that left the group but still runs holds its partitions' locks
# (flock(1) plays it here): a new owner waits instead of counting beside it.
mkdir zs
flock zs/grp.0.lock sleep 2 &
fl=$!
at_exit "kill $fl 2>/dev/null"
wait_for 10 eval '! flock -n zs/grp.0.lock true'
timeout 60 reduce --no-sync -b "$B" --topic grp --partitions 0-5 -e \
    --state-dir zs -o zo $X >zo.out 2>zo.err
check "zombie: exit 0" test $? -eq 0
printf '%s\n' \
    'reduce: grp[0]: held by another reduce (zs/grp.0.lock); waiting for it to let go' \
    'reduce: grp[0]: lock taken' >zo.want
check_same "zombie: the new owner waits for the lock and says so" zo.want zo.err
check "zombie: then counts every row once" diff -r gbatch zo
timeout 60 reduce --no-sync -q -b "$B" --topic grp --partitions 0-5 -e \
    --state-dir zs -o zo $X >/dev/null 2>&1
check "state dir: a rerun resumes at the partitions' checkpoints" diff -r gbatch zo
reduce --no-sync --merge -o zm zs
check "state dir: its merge equals the batch run" diff -r gbatch zm
# Bad partition checkpoints stop reduce with the file and the reason.
badck() {	# name dir partition topic expected-stderr
	timeout 60 reduce --no-sync -q -b "$B" --topic "$4" --partitions "$3" \
	    -e --state-dir "$2" -o "$2.o" $X >/dev/null 2>"$2.err"
	check "$1: exit 1" test $? -eq 1
	echo "$5" >"$2.want"
	check_same "$1: says why" "$2.want" "$2.err"
}
mkdir zt zp zd zi
head -c 100 zs/grp.1.ckpt >zt/grp.1.ckpt
badck "truncated partition checkpoint" zt 1 grp \
    'reduce: zt/grp.1.ckpt: corrupt checkpoint (no checksum)'
cp zs/grp.0.ckpt zp/grp.1.ckpt
badck "another partition's checkpoint" zp 1 grp \
    'reduce: zp/grp.1.ckpt: holds grp[0], not grp[1]'
cp zs/grp.0.ckpt zd/dup.0.ckpt
badck "another topic's checkpoint" zd 0 dup \
    "reduce: zd/dup.0.ckpt: checkpoint is for input 'kafka:grp'"
cp g/state.ckpt zi/grp.0.ckpt
badck "an instance checkpoint as a partition's" zi 0 grp \
    'reduce: zi/grp.0.ckpt: more than one Kafka position (not a partition checkpoint)'
mkdir empty
reduce --no-sync --merge -o em empty 2>em.err
check "merge of a directory without checkpoints: exit 1" test $? -eq 1
check_grep "and says so" '^reduce: empty: no checkpoint in it \(state.ckpt or \*.ckpt\)$' em.err

# ---- bad messages -------------------------------------------------------
# Written by kcat, without an li.header header: the default header applies.
replay --synth --rows 2 | tail -n 2 >two.csv
{
	head -n 1 two.csv
	echo '1000009,"2024-01-01 10:00:00,LiveInsight Mart'
	tail -n 1 two.csv | sed 's/^1000002,/abc,/'
	tail -n 1 two.csv | sed "s/LiveInsight Mart/$(printf '%0300d' 0)/"
} >bad.txt
kcat -b "$B" -P -t bad -p 0 <bad.txt 2>/dev/null
timeout 60 reduce --no-sync -b "$B" --topic bad --partitions 0 -e \
    --dedup-col TransactionID --max-record 256 -o bad $X >bad.out 2>bad.err
check "bad messages: exit 0" test $? -eq 0
printf '%s\n' \
    'reduce: bad[0]@1: unterminated quoted field' \
    'reduce: bad[0]@2: message id is not an integer' \
    'reduce: bad[0]@3: message too long' \
    'reduce: bad: 3 rows rejected' >bad.want
check_same "bad messages: each named by partition and offset" bad.want bad.err
check_grep "bad messages: one row counted, three rejected" '^1,[^,]*,1,3,' bad.out
check_grep "bad messages: RejectedRows in kpis.csv" ',3,[^,]*,[^,]*$' bad/kpis.csv
# A message whose li.header lacks the columns is turned down, not fatal:
# it would stop every restart at the same offset.
tail -n 1 two.csv | kcat -b "$B" -P -t bad -p 1 -H li.header=Foo,Bar 2>/dev/null
tail -n 1 two.csv | kcat -b "$B" -P -t bad -p 1 2>/dev/null
timeout 60 reduce --no-sync -b "$B" --topic bad --partitions 1 -e \
    -o badh $X >badh.out 2>badh.err
check "bad li.header: exit 0" test $? -eq 0
check_grep "bad li.header: rejected by name" "^reduce: bad\[1\]@0: bad header: no column '[A-Za-z]+' in the header$" badh.err
check_grep "bad li.header: the next message is counted" '^1,[^,]*,1,1,' badh.out

# ---- backpressure -------------------------------------------------------
timeout 60 replay -v --synth --rows 20000 -b "$B" -t bp \
    -X queue.buffering.max.messages=100 >/dev/null 2>bp.err
check "a queue of 100 messages: 20000 rows still go" test $? -eq 0
check_grep "and every one is confirmed" '^replay: kafka: bp: 20000 rows confirmed$' bp.err

# ---- the example --------------------------------------------------------
timeout 120 sh "$LI_TOP/examples/scaleout.sh" "$B" ex 20000 $X >ex.out 2>ex.err
check "examples/scaleout.sh: exit 0" test $? -eq 0
check_grep "examples/scaleout.sh: pipe and Kafka agree" '^pipe and Kafka snapshots are identical \(20000 rows, ' ex.out
rm -rf "$(sed -n 's/.*rows, \(.*\))$/\1/p' ex.out)"
timeout 120 sh "$LI_TOP/examples/scaleout.sh" "$B" exg 20000 -G exg $X >exg.out 2>exg.err
check "examples/scaleout.sh -G: exit 0" test $? -eq 0
check_grep "examples/scaleout.sh -G: pipe and the group agree" '^pipe and Kafka snapshots are identical \(20000 rows, ' exg.out
rm -rf "$(sed -n 's/.*rows, \(.*\))$/\1/p' exg.out)"
check_fail "examples/scaleout.sh: usage" 2 sh "$LI_TOP/examples/scaleout.sh"

# ---- usage and errors ---------------------------------------------------
check_fail "-b without --topic is a usage error" 2 reduce -b "$B" -o x --partitions 0
check_fail "-b needs -G or --partitions" 2 reduce -b "$B" --topic sales -o x
check_fail "bad partition list" 2 reduce -b "$B" --topic sales --partitions 3-1 -o x
check_fail "--topic without -b" 2 reduce --topic sales -o x
check_fail "--state-dir without -b" 2 reduce --state-dir sd -o x
check_fail "--state-dir with --checkpoint" 2 reduce -b "$B" --topic sales \
    -G g --state-dir sd --checkpoint x/state.ckpt -o x
timeout 20 reduce -q -b "$B" --topic sales --partitions 5-6 -e -o x >/dev/null 2>p.err
check "a partition the topic lacks: exit 1" test $? -eq 1
check_grep "and says so" '^reduce: kafka: sales: no partition 6 \(the topic has 6\)$' p.err
reduce -b "$B" --topic sales --partitions 0 -o x -X enable.auto.commit=true 2>e.err
check_grep "offsets are reduce's own" "^reduce: kafka: -X enable.auto.commit=true: reduce keeps its offsets in its checkpoint$" e.err
check_fail "replay: --kafka-key needs -b" 2 --msg "^replay: .*--kafka-key.* need -b" \
    replay --synth --rows 1 --kafka-key BranchName
check_fail "replay: -b needs --topic" 2 --msg "^replay: -b needs -t, --topic" \
    replay --synth --rows 1 -b "$B"
replay --synth --rows 10 -b "$B" -t sales --kafka-key Nope 2>k.err
check_grep "replay: an unknown key column is an error" "^replay: kafka: key column 'Nope' is not in the header$" k.err
replay --synth --rows 10 -b "$B" -t sales -X nonsense.setting=1 2>x.err
check "replay: a bad -X setting exits 2" test $? -eq 2
check_grep "replay: a bad -X setting is reported" "^replay: -X nonsense.setting=1: " x.err
# Every broker down: the rows cannot be confirmed, and replay says so.
echo "down all" >ctl
timeout 60 replay --synth --rows 100 -b "$B" -t sales -X message.timeout.ms=1500 2>down.err
check "replay: unconfirmed rows exit 1" test $? -eq 1
check_grep "replay: and are counted" '^replay: kafka: sales: 100 of 100 rows not confirmed$' down.err
echo "up all" >ctl

done_testing
