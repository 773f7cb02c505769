#!/bin/sh
# Careless keyed files lose nothing and store nothing wrong: a quote left
# open swallows no rows, a NUL byte or a value under an empty header is
# rejected, the encoding is chosen over the whole file (a file that mixes
# two is refused before anything is written), Excel's leading apostrophe
# goes, an ID number born after today is wrong, a control character in
# a cell or a header is shown as \xHH (the rejects file keeps the row's
# bytes), a rejects file from an earlier run does not outlive a run
# without rejects, a sheet's title above the header is skipped and
# said, not taken for the header, and a line or a quote left open over
# 64 MB keeps memory bounded.
. "$(dirname "$0")/lib.sh"
. "$HCP_SRC/tests/data/keyed/ledger.sh"

export SOURCE_DATE_EPOCH=1795348800	# 2026-11-22 12:00:00 UTC
H=$(head -n 1 "$HCP_SRC/tests/data/keyed/valid.csv")
ITEM=11330523002572643X200016010000002

# row N COMMENT [EVALUATOR [CERT]]: a valid row with the Nth serial
row() {
	printf '%s,P-%s,%s,11330523002572643X,330523,A01,AJ0003,5,5,501,%s,1,%s,,%s,,2026-11-20 09:00,2026-11-20 10:00,1\n' \
		"$(sed -n "${1}p" serials)" "$1" "$ITEM" "$2" "${3:-}" "${4:-}"
}
count() {
	sqlite3 hcp.db "SELECT count(*) FROM evaluations"
}
comment_of() {
	sqlite3 hcp.db "SELECT comment FROM evaluations
		WHERE serial = '$(sed -n "${1}p" serials)'"
}

test_expect_success 'set up a station with 60 serials' '
	setup_station &&
	issue_serials hcp.db 60 >serials &&
	test "$(wc -l <serials)" = 60
'

# ---- a quote left open ------------------------------------------------

test_expect_success 'a quote left open takes no rows: each is read' '
	{ echo "$H"; row 1 "\"很好"; row 2 ok2; row 3 ok3; row 4 "fine\"";
	  row 5 ok5; } >q.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 q.csv >out &&
	test_grep out "5 rows read: 3 accepted, 2 rejected, 0 duplicates" &&
	test "$(count)" = 3 &&
	test "$(comment_of 2)" = ok2 && test "$(comment_of 3)" = ok3 &&
	test "$(comment_of 5)" = ok5 &&
	grep -c "E_QUOTE_OPEN" q.csv.rejects.csv >n && test "$(cat n)" = 2 &&
	grep "^$(sed -n 1p serials)," q.csv.rejects.csv >r1 &&
	test_grep r1 ",2,.*E_QUOTE_OPEN.*lines 3-5" &&
	grep "^$(sed -n 4p serials)," q.csv.rejects.csv >r4 &&
	test_grep r4 ",5,.*E_QUOTE_OPEN.*line 2"
'

test_expect_code 1 'hcp-check says so too, at the line the quote opened' '
	sed -n "1p;3,6p" q.csv >q2.csv &&
	hcp-check -d hcp.db -f csv -o out.csv q.csv
	rc=$?
	grep -q ",2,,E_QUOTE_OPEN," out.csv || exit 9
	exit $rc
'

test_expect_success 'a quote never closed: the lines after it are rows' '
	{ echo "$H"; row 6 "\"never closed"; row 7 ok7; row 8 ok8; } >open.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 open.csv \
		>out &&
	test_grep out "3 rows read: 2 accepted, 1 rejected" &&
	test "$(comment_of 7)" = ok7 && test "$(comment_of 8)" = ok8 &&
	test_grep open.csv.rejects.csv "E_QUOTE_OPEN.*never closed"
'

test_expect_success 'a line break in a field that holds none is a quote left open' '
	{ echo "$H"; row 9 ok9 "\"张"; row 10 ok10 "三\""; } >ev.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 ev.csv >out &&
	test_grep out "2 rows read: 0 accepted, 2 rejected" &&
	test_grep ev.csv.rejects.csv ",2,.*E_QUOTE_OPEN"
'

test_expect_success 'a comment on two lines is still one comment' '
	{ echo "$H"; row 11 "\"第一行"; echo "第二行, 还有\",1,,,,,2026-11-20 09:00,2026-11-20 10:00,1"; } |
	sed "2s/,\"第一行,1,,,,,2026-11-20 09:00,2026-11-20 10:00,1\$/,\"第一行/" >ml.csv &&
	test "$(wc -l <ml.csv)" = 3 &&
	hcp-import -d hcp.db --operator 李娜 ml.csv >out &&
	test_grep out "1 rows read: 1 accepted" &&
	test "$(comment_of 11)" = "$(printf "第一行\n第二行, 还有")"
'

# ---- cells lost -------------------------------------------------------

test_expect_success 'a NUL byte in a cell is rejected, not cut' '
	{ echo "$H"; row 12 beforeNULAFTER; row 13 ok | sed "s/^\([0-9]*\),/\1NUL999,/"; } |
	sed "s/NUL/\\x00/" >nul.csv &&
	test "$(tr -cd "\\000" <nul.csv | wc -c)" = 2 &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 nul.csv >out &&
	test_grep out "2 rows read: 0 accepted, 2 rejected" &&
	test_grep nul.csv.rejects.csv "before␀AFTER.*,2,文字评价,E_NUL_BYTE," &&
	test_grep nul.csv.rejects.csv ",3,表单编号.*E_NUL_BYTE"
'

test_expect_success 'a value under an empty header is rejected' '
	{ echo "$H" | sed "s/,评价人,/,,/"; row 14 ok 王五; } >eh.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 eh.csv >out &&
	test_grep out "1 rows read: 0 accepted, 1 rejected" &&
	test_grep eh.csv.rejects.csv "E_CELL_NO_HEADER.*column 13"
'

# ---- encodings --------------------------------------------------------

test_expect_success 'a GBK file of short names that are valid UTF-8 is GBK' '
	{ echo "serial,item_code,satisfaction,evaluator,assess_time";
	  for i in 15 16; do
		printf "%s,%s,5,%s,2026-11-20 10:00\n" "$(sed -n ${i}p serials)" \
			$ITEM $(test $i = 15 && echo 卢叶 || echo 郑袁)
	  done; } | iconv -f UTF-8 -t GB18030 >short.csv &&
	iconv -f UTF-8 -t UTF-8 short.csv >/dev/null &&
	hcp-import -d hcp.db --operator 李娜 short.csv >out &&
	test_grep out "2 rows read: 2 accepted" &&
	sqlite3 hcp.db "SELECT evaluator FROM evaluations WHERE serial IN
		('\''$(sed -n 15p serials)'\'', '\''$(sed -n 16p serials)'\'')
		ORDER BY serial" >got &&
	printf "卢叶\n郑袁\n" >want &&
	test_cmp want got
'

test_expect_success 'a file that starts in GBK and goes on in UTF-8 is refused' '
	{ printf "%s\n" "$H"; row 17 "" 卢叶 | iconv -f UTF-8 -t GB18030;
	  row 18 "" 郑袁 | iconv -f UTF-8 -t GB18030; row 19 很满意 王建平;
	  row 20 服务好 李娜; row 21 服务好 刘洋; } >mixed.csv &&
	n=$(count) &&
	test_expect_code_ 2 hcp-import -d hcp.db --operator 李娜 mixed.csv \
		2>err &&
	test_grep err "mixed.csv:2: .*GB18030.*--encoding" &&
	test "$(count)" = "$n" &&
	test_expect_code_ 2 hcp-check -d hcp.db mixed.csv 2>err &&
	test_grep err "mixed.csv:2: "
'

# 3000 rows, a GBK comment on line 2950, commits every 500 rows
test_expect_success 'a bad line late in a file: refused before any commit' '
	{ echo "$H"; awk -v item="$ITEM" "BEGIN { for (i = 0; i < 2999; i++)
		printf \"3305230199%06d,P-x%d,%s,11330523002572643X,330523,A01,AJ0003,1,5,501,%s,1,,,,,2026-11-20 09:00,2026-11-20 10:00,1\\n\",
		i, i, item, i == 2948 ? \"\\272\\303\" : \"好\" }"; } >late.csv &&
	test "$(wc -l <late.csv)" = 3000 &&
	! sed -n 2950p late.csv | grep -q 好 &&
	n=$(count) &&
	test_expect_code_ 2 hcp-import -d hcp.db --operator 李娜 --chunk 500 \
		late.csv 2>err &&
	test_grep err "late.csv:2950: " &&
	test "$(count)" = "$n" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM imports
		WHERE src_file LIKE '\''%late.csv'\''")" = 0
'

test_expect_success '--encoding: the line that does not decode is rejected, the rest counted' '
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 --chunk 500 \
		--encoding utf-8 late.csv >out &&
	test_grep out "2999 rows read: 0 accepted, 2999 rejected" &&
	test_grep late.csv.rejects.csv ",2950,.*E_ENCODING" &&
	test "$(grep -c E_ENCODING late.csv.rejects.csv)" = 1
'

test_expect_success 'a pipe: lines in the other encoding are rejected, not stored' '
	n=$(count) &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 \
		--rejects pipe.rejects.csv - <mixed.csv >out &&
	test_grep out "5 rows read: 3 accepted, 2 rejected" &&
	test "$(count)" = $((n + 3)) &&
	test "$(grep -c "E_ENCODING.*reads as GB18030" pipe.rejects.csv)" = 2 &&
	test_grep pipe.rejects.csv "卢叶" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations
		WHERE evaluator LIKE '\''%¬%'\''")" = 0
'

test_expect_success 'an encoding error in a CR-only file names its line' '
	{ echo "$H" | tr -d "\r"; row 22 CMT; row 23 xBADy; row 24 ok24; } |
	sed "s/CMT/\"两行\\r评论\"/; s/BAD/\\xff/" | tr "\n" "\r" >cr.csv &&
	test "$(tr -cd "\r" <cr.csv | wc -c)" = 5 &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 \
		--encoding utf-8 cr.csv >out &&
	test_grep out "3 rows read: 2 accepted, 1 rejected" &&
	test_grep cr.csv.rejects.csv ",4,,.*E_ENCODING" &&
	test "$(comment_of 22)" = "$(printf "两行\r评论")"
'

# ---- small ones -------------------------------------------------------

test_expect_success 'a leading apostrophe (Excel text mark) goes, but not from a comment' '
	{ echo "$H"; row 25 "'\''quoted" | sed "s/^/'\''/"; } >apos.csv &&
	hcp-import -d hcp.db --operator 李娜 apos.csv >out &&
	test_grep out "1 rows read: 1 accepted" &&
	test "$(comment_of 25)" = "'\''quoted"
'

test_expect_success 'an ID number born after today is wrong' '
	{ echo "$H"; row 26 ok "" 33052320261201001X;
	  row 27 ok "" 330523199001010016; } >id.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 id.csv >out &&
	test_grep out "2 rows read: 1 accepted, 1 rejected" &&
	test_grep id.csv.rejects.csv ",2,证件号码,E_CERT_NO,.*after today"
'

test_expect_success 'a run without rejects removes the older rejects file' '
	test -f id.csv.rejects.csv &&
	{ echo "$H"; row 26 ok "" 330523199001010016; } >id.csv &&
	hcp-import -d hcp.db --operator 李娜 id.csv >out &&
	test_grep out "1 rows read: 1 accepted, 0 rejected" &&
	test_grep out "older rejects file id.csv.rejects.csv was removed" &&
	! test -e id.csv.rejects.csv
'

test_expect_success 'controls in a cell or a header are shown as \xHH; the rejects keep them' '
	bad=$(printf "9\033]0;pwn\007") &&
	{ echo "$H"; row 30 ok | sed "s/,5,5,501,/,5,$bad,501,/"; } >ctl.csv &&
	test_expect_code_ 1 hcp-check -d hcp.db ctl.csv >out &&
	test_grep out "ctl.csv:2: 满意度: E_SATISFACTION: .*(9\\\\x1b]0;pwn\\\\x07)" &&
	! LC_ALL=C grep -q "$(printf "[\033\007]")" out &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 ctl.csv >out &&
	LC_ALL=C grep -q "$bad" ctl.csv.rejects.csv &&
	{ printf "%s,note\033[2J\n" "$(echo "$H" | tr -d "\r")"; row 30 ok; } \
		>hdr.csv &&
	test_expect_code_ 1 hcp-check -d hcp.db hdr.csv >out &&
	test_grep out "hdr.csv:1: note\\\\x1b\\[2J: E_HEADER_UNKNOWN" &&
	! LC_ALL=C grep -q "$(printf "\033")" out
'

# ---- lines past 64 MB ----------------------------------------------------

# lines N: N lines of 60 KiB of x, no comma
lines() {
	awk -v n="$1" "BEGIN { s = \"x\"; while (length(s) < 61440) s = s s;
		s = substr(s, 1, 61440); for (i = 0; i < n; i++) print s }"
}

test_expect_success 'a line over 64 MB fails the file at its line, the rows before counted' '
	{ echo "$H"; row 45 ok45; lines 1100 | tr -d "\n"; echo; row 46 ok46; } >long.csv &&
	test_expect_code_ 2 hcp-check -d hcp.db long.csv >out 2>err &&
	test_grep err "long.csv:3: a line longer than 64 MB: this is no keyed file" &&
	test_grep out "long.csv: 1 rows: 1 valid"
'

test_expect_success 'a quote left open over 64 MB of lines is cut there: the rows after are read' '
	{ echo "$H"; row 47 ok47; row 48 "\"open"; lines 1100; echo "x\",5"; row 49 ok49; } >open.csv &&
	test_expect_code_ 1 hcp-check -d hcp.db -f csv -o out.csv open.csv 2>err &&
	grep ",3,.*E_QUOTE_OPEN" out.csv >q &&
	test_grep q "lines 4-109[0-9]" &&
	! grep -q "E_TOO_LONG" out.csv &&
	! grep -q ",1104," out.csv &&
	test_grep err "open.csv: 1104 rows: 2 valid, 1102 invalid"
'

# ---- a title above the header ----------------------------------------

test_expect_success 'a title above the header is skipped, said, and no row is lost' '
	n0=$(count) &&
	{ echo "安吉县政务服务好差评纸质评价录入表,,,,,"; echo; echo " ,,,填表：李娜,,";
	  echo "$H"; row 40 ok40; row 41 "\"很好"; } >titled.csv &&
	test_expect_code_ 1 hcp-import -d hcp.db --operator 李娜 titled.csv >out 2>&1 &&
	test_grep out "2 rows read: 1 accepted, 1 rejected, 0 duplicates" &&
	test_grep out "titled.csv:1: warning: W_TITLE_ROW: .*(安吉县政务服务好差评纸质评价录入表)" &&
	test_grep out "titled.csv:3: warning: W_TITLE_ROW: .*(填表：李娜)" &&
	test "$(count)" = $((n0 + 1)) && test "$(comment_of 40)" = ok40 &&
	sed -n "1s/^\xef\xbb\xbf//p" titled.csv.rejects.csv | tr -d "\r" >rh &&
	h=$(echo "$H" | tr -d "\r") &&
	case "$(cat rh)" in "$h",*) ;; *) cat rh; false ;; esac &&
	grep "^$(sed -n 41p serials)," titled.csv.rejects.csv >r41 &&
	test_grep r41 ",6,.*E_QUOTE_OPEN"
'

test_expect_success 'a header after a title is checked on its own line; two cells are no title, but the upper row of a header; a title alone is the header' '
	{ echo "录入表"; echo "$H" | sed "s/^/note,/"; row 42 ok; } >t2.csv &&
	test_expect_code_ 1 hcp-check -d hcp.db t2.csv >out &&
	test_grep out "t2.csv:1: warning: W_TITLE_ROW" &&
	test_grep out "t2.csv:2: note: E_HEADER_UNKNOWN" &&
	{ echo "录入表,2026年11月"; echo "$H"; row 42 ok; } >t3.csv &&
	hcp-check -d hcp.db t3.csv >out &&
	test_grep out "t3.csv:1: warning: W_HEADER_TWO_ROWS" &&
	test_grep out "t3.csv: 1 rows: 1 valid" &&
	! grep -q W_TITLE_ROW out &&
	{ echo "录入表"; echo "录入表,"; } >t4.csv &&
	test_expect_code_ 1 hcp-check -d hcp.db t4.csv >out 2>&1 &&
	test_grep out "t4.csv:1: 录入表: E_HEADER_UNKNOWN" &&
	! grep -q W_TITLE_ROW out
'

test_expect_success 'a file that is no rejects file is left alone' '
	echo "my notes" >notes.csv &&
	{ echo "$H"; row 28 ok; } >n.csv &&
	hcp-import -d hcp.db --operator 李娜 --rejects notes.csv n.csv >out &&
	test "$(cat notes.csv)" = "my notes"
'

test_done
