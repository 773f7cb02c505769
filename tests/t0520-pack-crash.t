#!/bin/sh
# hcp-pack killed with SIGKILL at random moments, again and again, with
# records arriving in between; after a final run every record is in
# exactly one batch, every batch file is there and verifies, and no
# temporary file is left.
. "$(dirname "$0")/lib.sh"

populate() {
	sh "$HCP_SRC/tests/bench/populate.sh" hcp.db "$1" "$2" >/dev/null
}

# The first packing is timed: kills are spread over how long a whole
# run takes on this machine now, so a loaded machine or a sanitizer
# build still sees kills before, during and after the work.
test_expect_success 'setup: a station with 1500 records, packed' '
	setup_station && populate 1500 0 &&
	hcp-init -d hcp.db --print-pubkey >pub.pem && mkdir out &&
	t0=$(date +%s.%N) &&
	hcp-pack -q -d hcp.db -o out -M 150 &&
	echo "$(date +%s.%N) $t0" | awk "{ print \$1 - \$2 }" >span &&
	say "a whole run took $(cat span) s"
'

# Each round imports 1500 records, then kills an hcp-pack making ten
# batches of them after a random share of a whole run's time: before,
# during or after step 1, while writing files, between rename and the
# next batch.  After the 16th round the rounds go on, up to 40, with
# ever later kills, until enough were killed and one has left a batch
# to complete.
test_expect_success 'kill -9 at random moments of hcp-pack, 16 times or more' '
	killed=0 incomplete=0 round=0 &&
	while [ $round -lt 16 ] || { [ $round -lt 40 ] &&
	    { [ $killed -lt 8 ] || [ $incomplete -lt 1 ]; }; }; do
		round=$((round + 1))
		populate 1500 $((round * 1500)) || return 1
		delay=$(awk -v s=$round -v t="$(cat span)" "BEGIN { srand(s)
			f = s > 16 ? (s - 12) / 4 : 1
			printf \"%.3f\", rand() * t * f }")
		hcp-pack -q -d hcp.db -o out -M 150 &
		pid=$!
		sleep $delay
		kill -9 $pid 2>/dev/null
		wait $pid
		if [ $? = 137 ]; then
			killed=$((killed + 1))
		fi
		if [ "$(sqlite3 hcp.db "SELECT count(*) FROM batches WHERE sha256 IS NULL")" -gt 0 ]; then
			incomplete=$((incomplete + 1))
		fi
	done &&
	echo $round >rounds &&
	say "$killed of $round runs killed, $incomplete left a batch to complete" &&
	test $killed -ge 8 && test $incomplete -ge 1
'

test_expect_success 'a final run completes what the killed ones left' '
	hcp-pack -q -d hcp.db -o out -M 1000 &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
		WHERE id > (SELECT max(last_id) FROM batches)")" = 0 &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM batches WHERE sha256 IS NULL")" = 0 &&
	! ls -A out | grep "^\\.hcp-.*\\.tar\\.gz\\." &&
	sqlite3 hcp.db "SELECT name || \".tar.gz\" FROM batches ORDER BY seq" >expect &&
	ls out | grep "\\.tar\\.gz\$" >files && test_cmp expect files
'

test_expect_success 'every batch verifies; no gap, no overlap, no record twice' '
	hcp-verify -q -k pub.pem out/*.tar.gz 2>err &&
	! test -s err
'

test_expect_success 'every record is in exactly one batch file' '
	for f in out/*.tar.gz; do
		n=${f#out/} && n=${n%.tar.gz} &&
		tar xzOf $f $n/data/evaluations.csv | tail -n +2 || return 1
	done | cut -d, -f1 | sort >in-batches &&
	sqlite3 hcp.db "SELECT project_no FROM evaluations" | sort >in-db &&
	test_cmp in-db in-batches &&
	test "$(sort -u in-batches | wc -l)" = "$(wc -l <in-batches)" &&
	test "$(wc -l <in-db)" = $((1500 * ($(cat rounds) + 1)))
'

test_expect_success 'the database agrees with the files' '
	for f in out/*.tar.gz; do
		n=${f#out/} && n=${n%.tar.gz} &&
		echo "$n $(sha256sum $f | cut -c1-64)" || return 1
	done >sums &&
	sqlite3 -separator " " hcp.db "SELECT name, sha256 FROM batches ORDER BY seq" >expect &&
	test_cmp expect sums
'

test_done
