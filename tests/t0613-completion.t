#!/bin/sh
# The bash completion (share/completion/hcp) completes every tool and
# subcommand: the commands of hcp, each tool's options (from its --help),
# option values, template ids, window ids from the station db, batch
# numbers, and the files a tool reads.
. "$(dirname "$0")/lib.sh"

if ! command -v bash >/dev/null 2>&1; then
	skip_all "bash is not installed"
fi
export SOURCE_DATE_EPOCH=1795300000

# complete WORD...: what the completion offers for the last word
complete_words() {
	bash -c '. "$HCP_SRC/share/completion/hcp"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		f=$(complete -p "$1" | sed "s/.*-F \([^ ]*\) .*/\1/")
		$f 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort' complete "$@"
}

test_expect_success 'set up: a station with a batch' '
	setup_station &&
	I=11330523002572643X200016010000001 &&
	printf "%s\n%s\n" "project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time" \
		"P1,$I,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00" >in.csv &&
	hcp-import -q -d hcp.db in.csv &&
	hcp-pack -q -d hcp.db -o . &&
	touch keyed.xlsx notes.txt other.pdf
'

test_expect_success 'hcp completes its commands, then the tool' '
	complete_words hcp "" >out &&
	test "$(tr "\n" " " <out)" = "amend check compare form help import init intake pack qr report review scan verify " &&
	complete_words hcp check --enc >out &&
	test "$(cat out)" = --encoding &&
	complete_words hcp help i >out &&
	test "$(tr "\n" " " <out)" = "import init intake " &&
	complete_words hcp help import "" >out &&
	test -z "$(cat out)"
'

test_expect_success 'every tool offers its options, --help among them' '
	for t in init qr form check import scan compare amend review pack \
	    verify report intake; do
		complete_words hcp-$t -- >out &&
		grep -qx -- --help out || { echo "hcp-$t:"; cat out; exit 1; }
	done &&
	complete_words hcp-check --e >out &&
	test "$(tr "\n" " " <out)" = "--encoding --excel " &&
	complete_words hcp-form --x >out &&
	test "$(cat out)" = --xlsx-template
'

test_expect_success 'option values: formats, encodings, templates, types' '
	complete_words hcp-check -f "" >out &&
	test "$(tr "\n" " " <out)" = "csv json text " &&
	complete_words hcp-import --encoding utf >out &&
	test "$(tr "\n" " " <out)" = "utf-16 utf-8 " &&
	complete_words hcp-form -t st >out &&
	test "$(tr "\n" " " <out)" = "standard standard-a5 " &&
	complete_words hcp-qr -T p >out &&
	test "$(tr "\n" " " <out)" = "pdf png poster "
'

test_expect_success 'window ids come from the station db' '
	complete_words hcp-form -d hcp.db -w A0 >out &&
	grep -qx A01 out && grep -qx A02 out &&
	HCP_DB=hcp.db complete_words hcp qr -w A0 >out2 &&
	test_cmp out out2
'

test_expect_success 'batch numbers for --rebuild come from hcp-pack -l' '
	complete_words hcp-pack -d hcp.db --rebuild "" >out &&
	test "$(cat out)" = 1
'

test_expect_success 'files: workbooks and CSV for check, batches for verify' '
	complete_words hcp-check "" >out &&
	grep -qx keyed.xlsx out && grep -qx in.csv out && ! grep -qx other.pdf out &&
	complete_words hcp-verify "" >out &&
	grep -qx "hcp-33052301-000001.tar.gz" out && ! grep -qx in.csv out &&
	complete_words hcp-qr "" >out &&
	test_grep out "^verify$"
'

test_expect_success 'hcp-report: its own formats and its groupings' '
	complete_words hcp-report -f "" >out &&
	test "$(tr "\n" " " <out)" = "csv json pdf table xlsx " &&
	complete_words hcp-report -b we >out &&
	test "$(cat out)" = week &&
	complete_words hcp report --cou >out &&
	test "$(cat out)" = --county
'

test_expect_success 'hcp-scan: the images and documents a scanner writes' '
	touch page.png page.TIF scan.pdf &&
	complete_words hcp-scan "" >out &&
	grep -qx page.png out && grep -qx page.TIF out &&
	grep -qx scan.pdf out && ! grep -qx in.csv out
'

test_expect_success 'hcp-intake: inbox directories' '
	mkdir -p inbox &&
	complete_words hcp-intake -K x.pem in >out &&
	test "$(cat out)" = inbox
'

test_expect_success 'hcp-review: commands, case numbers, outcomes, states' '
	I=11330523002572643X200016010000001 &&
	printf "%s\n%s\n" "project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time" \
		"P2,$I,11330523002572643X,330523,A01,AJ0001,4,1,101,2026-11-20 09:00,2026-11-20 10:00" >bad.csv &&
	hcp-import -q -d hcp.db bad.csv &&
	hcp-review -d hcp.db >/dev/null &&
	complete_words hcp-review re >out &&
	test "$(tr "\n" " " <out)" = "rectify " &&
	complete_words hcp-review -d hcp.db visit "" >out &&
	test "$(cat out)" = 1 &&
	complete_words hcp review -d hcp.db visit 1 "" >out &&
	test "$(tr "\n" " " <out)" = "reached refused unreached " &&
	complete_words hcp-review --state rect >out &&
	test "$(tr "\n" " " <out)" = "rectified rectifying "
'

test_done
