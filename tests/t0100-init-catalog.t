#!/bin/sh
# hcp-init: a station db from the sample catalogue; refreshing it; bad
# catalogue rows named by file:line with nothing half-loaded.
. "$(dirname "$0")/lib.sh"

count() {
	sqlite3 "${2:-hcp.db}" "SELECT count(*) FROM $1"
}

test_expect_success 'init creates a 0600 db holding the sample catalogue' '
	hcp-init -d hcp.db --catalog "$SAMPLE" >out &&
	test "$(stat -c %a hcp.db)" = 600 &&
	test "$(count departments)" = "$(($(wc -l <"$SAMPLE/departments.csv") - 1))" &&
	test "$(count items)" = "$(($(wc -l <"$SAMPLE/items.csv") - 1))" &&
	test "$(count windows)" = 12 && test "$(count staff)" = 30 &&
	test "$(count eval_codes)" -gt 0 &&
	test "$(sqlite3 hcp.db "SELECT value FROM settings WHERE key = \"region\"")" = 330523 &&
	test "$(sqlite3 hcp.db "PRAGMA journal_mode")" = wal &&
	test "$(sqlite3 hcp.db "PRAGMA user_version")" -ge 1
'

test_expect_success 'init makes the station keys once, mode 0600' '
	test "$(stat -c %a hcp.db.sm2.pem)" = 600 &&
	test "$(stat -c %a hcp.db.qr.secret)" = 600 &&
	cp hcp.db.sm2.pem key.before &&
	hcp-init -q -d hcp.db --catalog "$SAMPLE" &&
	cmp key.before hcp.db.sm2.pem
'

test_expect_success '--print-pubkey prints the public half of the key' '
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	openssl pkey -in hcp.db.sm2.pem -pubout >expect.pem &&
	test_cmp expect.pem pub.pem &&
	echo hello >msg &&
	openssl dgst -sm3 -sign hcp.db.sm2.pem -out sig msg &&
	openssl dgst -sm3 -verify pub.pem -signature sig msg
'

test_expect_success 'the same init twice changes nothing' '
	sqlite3 hcp.db .dump >before.sql &&
	hcp-init -d hcp.db --catalog "$SAMPLE" >out &&
	test_grep out "catalogue unchanged" &&
	sqlite3 hcp.db .dump >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'an edited catalogue adds, updates and retires' '
	cp -R "$SAMPLE" cat &&
	sed -i "s/^A02,[^,]*,/A02,综合受理二号窗口,/" cat/windows.csv &&
	echo "C01,新设窗口," >>cat/windows.csv &&
	grep -v "^AJ0030," "$SAMPLE/staff.csv" >cat/staff.csv &&
	hcp-init -d hcp.db --catalog cat >out &&
	test_grep out "^windows .* 1 added, 1 updated, 0 retired" &&
	test_grep out "^staff .* 0 added, 0 updated, 1 retired" &&
	test "$(sqlite3 hcp.db "SELECT name FROM windows WHERE id = \"A02\"")" = 综合受理二号窗口 &&
	test "$(sqlite3 hcp.db "SELECT retired FROM staff WHERE id = \"AJ0030\"")" = 1 &&
	test "$(count staff)" = 30
'

test_expect_success 'a retired code that comes back is restored' '
	hcp-init -d hcp.db --catalog "$SAMPLE" >out &&
	test_grep out "^staff .* 1 updated" &&
	test "$(sqlite3 hcp.db "SELECT retired FROM staff WHERE id = \"AJ0030\"")" = 0
'

test_expect_success 'a malformed code fails with file:line and loads nothing' '
	sqlite3 hcp.db .dump >before.sql &&
	cp -R "$SAMPLE" bad &&
	sed -i "3s/^[^,]*,/11330523MB1D2937,/" bad/departments.csv &&
	echo "C02,又一个窗口," >>bad/windows.csv &&
	test_expect_code_ 1 hcp-init -d hcp.db --catalog bad 2>err &&
	test_grep err "bad/departments.csv:3: code \"11330523MB1D2937\" is not a unified social credit code" &&
	test_grep err "nothing was loaded" &&
	sqlite3 hcp.db .dump >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'every bad row is reported, not just the first' '
	cp -R "$SAMPLE" bad2 &&
	printf "X99,,\nA01,重复的窗口,\nB07,窗口,NOSUCHDEPT\n" >>bad2/windows.csv &&
	printf "AJ0099,某人,Z99\n" >>bad2/staff.csv &&
	test_expect_code_ 1 hcp-init -d hcp.db --catalog bad2 2>err &&
	n=$(wc -l <"$SAMPLE/windows.csv") &&
	test_grep err "bad2/windows.csv:$((n + 1)): name \"\" is empty" &&
	test_grep err "bad2/windows.csv:$((n + 2)): id \"A01\" already appears on line 2" &&
	test_grep err "bad2/windows.csv:$((n + 3)): dept_code \"NOSUCHDEPT\" is not a department" &&
	test_grep err "bad2/staff.csv:[0-9]*: window_id \"Z99\" is not a window"
'

test_expect_success 'a failed credit-code check is only a warning' '
	cp -R "$SAMPLE" warn &&
	code=$(sed -n 2p warn/departments.csv | cut -d, -f1) &&
	last=$(printf %s "$code" | cut -c18) &&
	if [ "$last" = 0 ]; then new=1; else new=0; fi &&
	bad=$(printf %s "$code" | cut -c1-17)$new &&
	sed -i "s/$code/$bad/g" warn/*.csv &&
	hcp-init -d w.db --catalog warn >out 2>err &&
	test_grep err "warning: .*departments.csv:2: code \"$bad\": the check character does not match" &&
	test "$(count departments w.db)" = "$(count departments)"
'

test_expect_success 'Chinese headers in any order and GBK files are accepted' '
	cp -R "$SAMPLE" zh &&
	{ echo "名称,窗口编号,部门代码"; tail -n +2 "$SAMPLE/windows.csv" |
	  awk -F, "{ print \$2 \",\" \$1 \",\" \$3 }"; } |
	  iconv -f UTF-8 -t GB18030 >zh/windows.csv &&
	hcp-init -d zh.db --catalog zh >out &&
	test "$(sqlite3 zh.db "SELECT name FROM windows WHERE id = \"A01\"")" = \
	     "$(sqlite3 hcp.db "SELECT name FROM windows WHERE id = \"A01\"")"
'

test_expect_success 'an unknown or missing column is an error' '
	cp -R "$SAMPLE" cols &&
	sed -i "1s/^code,name,dept_code/code,title,dept_code/" cols/items.csv &&
	test_expect_code_ 1 hcp-init -d c.db --catalog cols 2>err &&
	test_grep err "cols/items.csv:1: unknown column \"title\"" &&
	test_grep err "cols/items.csv:1: column \"name\" is missing"
'

test_expect_success 'empty columns a spreadsheet adds are ignored; a value in one is not' '
	cp -R "$SAMPLE" trail &&
	sed -i "s/\$/,,/" trail/windows.csv &&
	hcp-init -q -d t.db --catalog trail &&
	test "$(sqlite3 t.db "SELECT count(*) FROM windows")" = \
	     $(($(wc -l <"$SAMPLE/windows.csv") - 1)) &&
	sqlite3 t.db .dump >before.sql &&
	sed -i "3s/,,\$/,x,/" trail/windows.csv &&
	echo "Z01,新窗口,,,,y" >>trail/windows.csv &&
	test_expect_code_ 1 hcp-init -d t.db --catalog trail 2>err &&
	test_grep err "trail/windows.csv:3:4: a value under a column without a name" &&
	test_grep err "trail/windows.csv:[0-9]*:6: a value right of the last column" &&
	sqlite3 t.db .dump >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'a NUL byte in a catalogue file is an error, not part of a name' '
	cp -R "$SAMPLE" nul &&
	printf "Z01,坏\000窗口,\n" >>nul/windows.csv &&
	test_expect_code_ 1 hcp-init -d nul.db --catalog nul 2>err &&
	test_grep err "nul/windows.csv:[0-9]*: the cell holds a NUL byte"
'

test_expect_success 'a missing catalogue file is named, exit 2' '
	mkdir empty &&
	test_expect_code_ 2 hcp-init -d e.db --catalog empty --set region=330523 \
		2>err &&
	test_grep err "empty/regions.csv" &&
	test_grep err "empty/eval_codes.csv"
'

test_expect_success '--set checks values and station.conf errors name file:line' '
	test_expect_code_ 2 hcp-init -d hcp.db --set region=12345 2>err &&
	test_grep err "region" &&
	test_expect_code_ 2 hcp-init -d hcp.db --set no_such_key=1 2>err &&
	test_grep err "unknown setting" &&
	name=$(sqlite3 hcp.db "SELECT value FROM settings WHERE key = \"name\"") &&
	test_expect_code_ 2 hcp-init -d hcp.db \
		--set name="$(printf "安吉县\\nHcp-Station: 11010101")" 2>err &&
	test_grep err "name.*must be one line of text" &&
	test_expect_code_ 2 hcp-init -d hcp.db \
		--set qr_url="$(printf "https://a.example/\\tx")" 2>err &&
	test "$(sqlite3 hcp.db "SELECT value FROM settings WHERE key = \"name\"")" = "$name" &&
	hcp-init -d hcp.db --set issuer=02 &&
	test "$(sqlite3 hcp.db "SELECT value FROM settings WHERE key = \"issuer\"")" = 02 &&
	cp -R "$SAMPLE" conf && echo "paper_channel = 9" >>conf/station.conf &&
	test_expect_code_ 2 hcp-init -d hcp.db --catalog conf 2>err &&
	test_grep err "conf/station.conf:[0-9]*: setting paper_channel"
'

test_expect_success 'a comment after a value in station.conf is said to go on its own line' '
	cp -R "$SAMPLE" cmt &&
	echo "revisit_days = 2  # two days" >>cmt/station.conf &&
	test_expect_code_ 2 hcp-init -d cmt.db --catalog cmt 2>err &&
	test_grep err "cmt/station.conf:[0-9]*: setting revisit_days = \"2  # two days\" must be a number of days, 0 to 366 (a comment goes on a line of its own, starting with #)"
'

test_expect_success 'station.conf and --set change every setting or none, and say each bad line' '
	cp -R "$SAMPLE" half &&
	hcp-init -q -d half.db --catalog half &&
	sqlite3 half.db "SELECT key, value FROM settings ORDER BY key" >before &&
	printf "revisit_days = 3\nrectify_workdays = abc\nno equals sign\n" \
		>>half/station.conf &&
	n=$(wc -l <"$SAMPLE/station.conf") &&
	test_expect_code_ 2 hcp-init -d half.db --catalog half 2>err &&
	test_grep err "half/station.conf:$((n + 2)): setting rectify_workdays" &&
	test_grep err "half/station.conf:$((n + 3)): expected \"key = value\"" &&
	test_grep err "no setting was changed" &&
	test_expect_code_ 2 hcp-init -d half.db --set revisit_days=4 \
		--set rectify_workdays=abc 2>err &&
	test_grep err "no setting was changed" &&
	sqlite3 half.db "SELECT key, value FROM settings ORDER BY key" >after &&
	test_cmp before after
'

test_expect_success 'a catalogue refused undoes the settings of its station.conf too' '
	cp -R "$SAMPLE" both &&
	hcp-init -q -d both.db --catalog both &&
	sqlite3 both.db .dump >before.sql &&
	echo "revisit_days = 3" >>both/station.conf &&
	echo "X99,," >>both/windows.csv &&
	test_expect_code_ 1 hcp-init -d both.db --catalog both 2>err &&
	test_grep err "nothing was loaded" &&
	sqlite3 both.db .dump >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'a new db without a region is refused' '
	test_expect_code_ 2 hcp-init -d none.db 2>err &&
	test_grep err "region is not set"
'

test_expect_success 'two tools can work on one db at once' '
	for i in 1 2 3 4; do
		hcp-init -q -d hcp.db --catalog "$SAMPLE" & 
	done; wait &&
	hcp-init -q -d hcp.db --catalog "$SAMPLE" &&
	test "$(count windows)" -ge 12
'

test_expect_success 'hcp dispatches to the tools and lists them' '
	hcp init --show -d hcp.db >out && test_grep out "^region = 330523" &&
	hcp >list && test_grep list "^  init" &&
	! hcp no-such-tool 2>err && test_grep err "no such command"
'

test_expect_success 'hcp lists every tool; hcp help TOOL is its --help' '
	hcp help >list &&
	for t in "$HCP_SRC"/cmd/hcp-*.c; do
		t=${t##*/hcp-} && t=${t%.c} &&
		test_grep list "^  $t  *[a-z]" || return 1
	done &&
	hcp help intake >help.txt && hcp-intake --help >want.txt &&
	test_cmp want.txt help.txt &&
	test_expect_code_ 2 hcp help intake report
'

test_done
