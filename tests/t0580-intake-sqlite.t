#!/bin/sh
# hcp-intake on SQLite (a county): registry, exactly-once loading,
# receipts, refusals with reasons, gaps, key rotation, two runs on one
# inbox, kill -9 mid-load (the cases of tests/intake-cases.sh), and the
# inbox lock.
. "$(dirname "$0")/lib.sh"

INTAKE_OPT=-d INTAKE_ARG=county.db
q() {
	sqlite3 county.db "$1"
}
settle() {
	:
}

. "$HCP_SRC/tests/intake-cases.sh"

test_expect_success 'a run finding the inbox locked leaves it alone' '
	batch s2.db $E1 5 P12 &&
	cp out/hcp-33052302-000004.tar.gz inbox/ &&
	flock inbox/.hcp-intake.lock sh -c \
		"SOURCE_DATE_EPOCH=$NOW hcp-intake -d county.db -K recv.pem inbox" \
		>out.txt 2>err.txt &&
	test_grep err.txt "another hcp-intake is at work on this inbox" &&
	test -e inbox/hcp-33052302-000004.tar.gz &&
	take && ! test -e inbox/hcp-33052302-000004.tar.gz
'

test_expect_success 'the receiving db is private (0600)' '
	test "$(stat -c %a county.db)" = 600
'

test_done
