#!/bin/sh
# make demo's script, the README's worked session, runs end to end on the
# sample station: every step exits as it says, and the batch verifies
# with hcp-verify and with stock tools.
. "$(dirname "$0")/lib.sh"

test_expect_success 'the demo runs end to end' '
	sh "$HCP_SRC/share/examples/demo.sh" demo >out 2>&1 ||
		{ tail -n 20 out; false; }
'

test_expect_success 'it imports the good rows and verifies the batch' '
	test_grep out "keyed.csv: 7 rows read: 5 accepted, 2 rejected, 0 duplicates" &&
	test_grep out "fixed.csv: 2 rows read: 2 accepted, 0 rejected, 0 duplicates" &&
	test_grep out "OK: batch hcp-33052301-000001, 7 records" &&
	test_grep out "^Verified OK"
'

test_done
