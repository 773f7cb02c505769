#!/bin/sh
# Every message a user can see is translatable and translated: each
# msgid of src/ and cmd/ has a zh_CN entry (neither missing nor fuzzy),
# no English sentence reaches an error or output function without _(),
# and the errors a clerk meets most -- no db, a locked db, a db from a
# newer hcp, a bad signature, a usage error -- and the ledger's status
# words come out in Chinese under a Chinese locale.
. "$(dirname "$0")/lib.sh"

for t in xgettext msgmerge msgfmt; do
	if ! command -v $t >/dev/null 2>&1; then
		skip_all "$t is not installed (package gettext)"
	fi
done

ZH=zh_CN.UTF-8
I=11330523002572643X200016010000001

test_expect_success 'msgfmt --statistics: no message untranslated or fuzzy' '
	(cd "$HCP_SRC" && xgettext --from-code=UTF-8 --language=C -k_ -kN_ \
		-o "$TEST_DIR/hcp.pot" src/*.c cmd/*.c) &&
	msgmerge -q "$HCP_SRC/share/po/zh_CN.po" hcp.pot -o merged.po &&
	LC_ALL=C msgfmt --statistics -o /dev/null merged.po 2>stats &&
	cat stats &&
	test_grep stats "^[0-9]* translated messages\.$"
'

# The strings given to the functions that print or carry a message
# (err/warn, the *_seterr of the modules, diag_add, printf...) without
# _(): an English phrase (two words or more) among them is a message
# nobody can translate.  Formats, SQL, file name patterns and the
# machine-readable output (CSV and JSON keys, bag tags) are not phrases
# or are left out here.  xalloc.c's "out of memory" cannot be translated:
# translating may itself need memory.
test_expect_success 'no English phrase reaches an error function without _()' '
	(cd "$HCP_SRC" && xgettext --from-code=UTF-8 --language=C -k \
		-kwarnx:1 -kerrx:2 -kerr:2 -kwarn:1 -kdb_seterr:2 \
		-kdb_sqlerr:2 -kseterr:2 -kseterr:3 -kdiag_add:3 -kfail:2 \
		-kintake_seterr:2 -kproblem:3 -kvev_problem:2 -ktag_err:3 \
		-kfprintf:2 -kprintf:1 -kfputs:1 -kputs:1 -kxasprintf:1 \
		-kxstrdup:1 -kcli_usage_exit:1 -kcheck_sm2:2 \
		-o "$TEST_DIR/calls.pot" $(ls src/*.c cmd/*.c |
		grep -v "^src/xalloc\.c$")) 2>/dev/null &&
	msgattrib --no-wrap -o calls1.pot calls.pot &&
	msgattrib --no-wrap -o hcp1.pot hcp.pot &&
	grep "^msgid \"" calls1.pot | sed "s/^msgid //" | sort -u >calls.ids &&
	grep "^msgid \"" hcp1.pot | sed "s/^msgid //" | sort -u >under.ids &&
	{ comm -23 calls.ids under.ids |
	sed "s/%[-+ #0-9.*]*[hlzjt]*[a-zA-Z]//g" |
	grep -E "[a-z]{2,} [a-z]{2,}" |
	grep -vE "^\"(SELECT|INSERT|UPDATE|DELETE|PRAGMA|ATTACH) " >bare ||
		true; } &&
	if [ -s bare ]; then cat bare; false; fi
'

test_expect_success 'set up: a station, a batch, another station'"'"'s key' '
	setup_station &&
	cat >good.csv <<-EOF &&
	project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time
	P1,$I,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00
	EOF
	hcp-import -q --db hcp.db good.csv &&
	hcp-pack -q --db hcp.db --output . &&
	ls hcp-*.tar.gz >batch && test "$(wc -l <batch)" = 1 &&
	hcp-init -q --db other.db --catalog "$SAMPLE" &&
	hcp-init --db other.db --print-pubkey >other.pem
'

# has_chinese FILE: true if FILE holds CJK text
has_chinese() {
	LC_ALL=C grep -q "$(printf '[\344-\351]')" "$1"
}

test_expect_success 'no db: said in Chinese' '
	test_expect_code_ 2 env LC_ALL=$ZH hcp-check --db no.db good.csv 2>err &&
	test_grep err "no.db：此处没有站点数据库"
'

test_expect_success 'a locked db: the wait and the lock said in Chinese' '
	{ (printf "PRAGMA locking_mode=EXCLUSIVE;\nBEGIN EXCLUSIVE;\nUPDATE settings SET value = value;\n"; sleep 4) |
		sqlite3 hcp.db >/dev/null & } &&
	sleep 1 &&
	test_expect_code_ 2 env LC_ALL=$ZH HCP_DB_TIMEOUT=2 \
		hcp-import --db hcp.db good.csv 2>err &&
	wait &&
	test_grep err "hcp.db：数据库正被另一个程序使用" &&
	test_grep err "hcp.db: 数据库被锁定" &&
	! grep -i "locked" err
'

test_expect_success 'a db of a newer hcp: said in Chinese' '
	cp hcp.db newer.db &&
	sqlite3 newer.db "PRAGMA user_version = 999" &&
	test_expect_code_ 2 env LC_ALL=$ZH hcp-check --db newer.db good.csv 2>err &&
	test_grep err "数据库结构版本 999" &&
	! grep "schema version" err
'

test_expect_success 'a bad signature: said in Chinese' '
	test_expect_code_ 1 env LC_ALL=$ZH \
		hcp-verify --pubkey other.pem "$(cat batch)" 2>err &&
	test_grep err "签名与本站密钥不符" &&
	echo "not a key" >junk.pem &&
	test_expect_code_ 2 env LC_ALL=$ZH \
		hcp-verify --pubkey junk.pem "$(cat batch)" 2>err &&
	test_grep err "无法读取公钥"
'

test_expect_success 'a usage error: the usage line in Chinese' '
	for t in init qr form check import compare pack verify amend report \
	    review scan intake; do
		test_expect_code_ 2 env LC_ALL=$ZH hcp-$t --no-such-option \
			2>err || return 1
		test_grep err "^用法： hcp-$t " || return 1
	done &&
	test_expect_code_ 2 env LC_ALL=$ZH hcp --no-such-option 2>err &&
	test_grep err "^用法： hcp " &&
	test_expect_code_ 2 hcp-check --no-such-option 2>err &&
	test_grep err "^usage: hcp-check "
'

test_expect_success 'a table lines up in Chinese: CJK headers take 2 columns a character' '
	openssl genpkey -algorithm SM2 -out st.pem 2>/dev/null &&
	openssl pkey -in st.pem -pubout -out st.pub &&
	hcp-intake -d county.db --register 33052301 --pubkey st.pub \
		--name 安吉县政务服务中心 &&
	hcp-intake -d county.db --register 33052302 --pubkey st.pub --name A &&
	LC_ALL=$ZH hcp-intake -d county.db --stations >st.txt &&
	test_grep st.txt "^站点 " &&
	python3 -c "
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1 for c in s)
h, a, b = open(\"st.txt\", encoding=\"utf-8\").read().splitlines()
at = [w(h[:h.rindex(\"名称\")]), w(a[:a.rindex(\"安吉县\")]), w(b[:b.rindex(\"A\")])]
sys.exit(0 if len(set(at)) == 1 else \"the name starts at %s\" % at)"
'

test_expect_success 'ledger status words in Chinese' '
	hcp-form --db hcp.db --issue 1 >serial &&
	LC_ALL=$ZH hcp-form --db hcp.db --status "$(cat serial)" >st &&
	test_grep st "已发放" &&
	hcp-form --db hcp.db --status "$(cat serial)" >st &&
	test_grep st "issued"
'

test_done
