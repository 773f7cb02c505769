#!/bin/sh
# Option letters: a letter means one thing in every tool (the same long
# option wherever it is), hcp(7) lists them as the tools' --help gives
# them, and a letter renamed for that still works for a release, as the
# new option, with one warning.
. "$(dirname "$0")/lib.sh"

TOOLS="hcp hcp-amend hcp-check hcp-compare hcp-form hcp-import hcp-init
hcp-intake hcp-pack hcp-qr hcp-report hcp-review hcp-scan hcp-verify"

test_expect_success 'every tool lists its options in --help' '
	for t in $TOOLS; do
		$t --help >help.$t || { echo "$t --help failed"; exit 1; }
		test "$t" = hcp && continue
		grep -q "^  -h, --help  " help.$t &&
		grep -q "^  -V, --version  " help.$t &&
		# every option line says what it does
		! sed -n "/^options:/,\$p" help.$t |
		grep -E "^ +(-., )?--[a-z-]+( [a-z=A-Z-]+)? *\$" ||
		{ echo "$t:"; cat help.$t; exit 1; }
	done
'

test_expect_success 'a letter has one long option across all the tools' '
	for t in $TOOLS; do
		sed -n "s/^  -\(.\), --\([a-z-]*\).*/\1 \2 $t/p" help.$t
	done | LC_ALL=C sort -u >letters &&
	test -s letters &&
	awk "{ if (\$1 in long && long[\$1] != \$2) {
			print \"-\" \$1 \": --\" long[\$1] \" (\" tool[\$1] \") and --\" \$2 \" (\" \$3 \")\"; bad = 1 }
		long[\$1] = \$2; tool[\$1] = \$3 }
		END { exit bad }" letters
'

test_expect_success 'hcp(7) lists the letters as the tools have them' '
	sed -n "s/^\.It Fl \(.\) Ta Fl -\([a-z-]*\) Ta .*/\1 \2/p" \
		"$HCP_SRC/man/hcp.7" | LC_ALL=C sort -u >man.letters &&
	cut -d" " -f1,2 letters | LC_ALL=C sort -u >help.letters &&
	test_cmp help.letters man.letters
'

test_expect_success 'set up: a station' '
	setup_station
'

test_expect_success 'hcp-form -n still issues forms, as -N, and warns once' '
	hcp-form -d hcp.db -n 1 -o old.pdf 2>err &&
	test "$(head -c 4 old.pdf)" = %PDF &&
	test "$(cat err)" = "hcp-form: -n is now -N (--count); -n will be removed in the next release" &&
	hcp-form -d hcp.db -N 1 -o new.pdf 2>err && ! test -s err &&
	hcp-form -d hcp.db -n 1 -n 2 -o twice.pdf 2>err &&
	test "$(grep -c "is now" err)" = 1
'

test_expect_success 'hcp-qr -t, -l, -m, -s still work as -T, --level, --margin, --size' '
	hcp-qr -d hcp.db -w A01 -T utf8 --level H --margin 0 >new.txt 2>err &&
	! test -s err &&
	hcp-qr -d hcp.db -w A01 -t utf8 -l H -m 0 >old.txt 2>err &&
	test_cmp new.txt old.txt &&
	grep -qx "hcp-qr: -t is now -T (--type); -t will be removed in the next release" err &&
	grep -qx "hcp-qr: -l is now --level; -l will be removed in the next release" err &&
	grep -qx "hcp-qr: -m is now --margin; -m will be removed in the next release" err &&
	test "$(wc -l <err)" = 3 &&
	hcp-qr -d hcp.db -w A01 -T png --size 3 -o new.png &&
	hcp-qr -d hcp.db -w A01 -t png -s 3 -o old.png 2>err &&
	cmp new.png old.png &&
	grep -q "^hcp-qr: -s is now --size;" err
'

test_expect_success 'hcp-pack -m and hcp-init -s still work, with a warning' '
	mkdir out &&
	hcp-pack -d hcp.db -m 10 -o out 2>err &&
	# the warning, once; a station with nothing to pack says so too
	grep -qx "hcp-pack: -m is now -M (--max-records); -m will be removed in the next release" err &&
	test "$(grep -c "is now" err)" = 1 &&
	test_expect_code_ 2 hcp-pack -d hcp.db -m 0 -o out 2>err &&
	grep -q -- "--max-records 0" err &&
	hcp-init -q -d hcp.db -s revisit_days=4 2>err &&
	grep -qx "hcp-init: -s is now --set; -s will be removed in the next release" err &&
	hcp-init -d hcp.db --show | grep -q "revisit_days.*4"
'

test_expect_success 'hcp-intake -k, -a, -r and hcp-scan -r are taken as their new options' '
	mkdir inbox &&
	test_expect_code_ 2 hcp-intake -d county.db -k no-such.pem -a arch \
		-r refd inbox 2>err &&
	grep -qx "hcp-intake: -k is now -K (--key); -k will be removed in the next release" err &&
	grep -qx "hcp-intake: -a is now --archive; -a will be removed in the next release" err &&
	grep -qx "hcp-intake: -r is now --refused; -r will be removed in the next release" err &&
	grep -q "no-such.pem" err &&
	test_expect_code_ 2 hcp-scan -d hcp.db -r rev.csv -o scan.csv no-such.pdf 2>err &&
	grep -qx "hcp-scan: -r is now --review; -r will be removed in the next release" err
'

test_expect_success 'a renamed letter is not offered in --help, and is no other option' '
	! grep -q "^  -t," help.hcp-qr && grep -q "^  -T, --type" help.hcp-qr &&
	! grep -q "^  -n," help.hcp-form && grep -q "^  -N, --count" help.hcp-form &&
	! grep -q "^  -m," help.hcp-pack && grep -q "^  -M, --max-records" help.hcp-pack &&
	test_expect_code_ 2 hcp-form -d hcp.db -M 1 -o x.pdf 2>/dev/null &&
	test_expect_code_ 2 hcp-import -d hcp.db -N x.csv 2>/dev/null
'

test_done
