#!/bin/sh
# hcp-report's figures equal those of independent SQL over a generated
# db: every grouping, a period across months with the leap day
# 2024-02-29, empty groups, and records excluded by an accepted appeal
# (they leave every figure; the report says how many).
. "$(dirname "$0")/lib.sh"

GEN="$HCP_SRC/tests/data/report"

# The counts of one grouping as the report gives them (CSV columns by
# name), rows with evaluations only, sorted.
report_counts() {
	awk -F, -v want="$1" '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$1 == want && $(c["evaluations"]) > 0 {
		printf "%s|%s|%s|%s|%s|%s|%s|%s|%s", $2,
		    $(c["evaluations"]), $(c["grade5"]), $(c["grade4"]),
		    $(c["grade3"]), $(c["grade2"]), $(c["grade1"]),
		    $(c["bad_reviews"]), $(c["mean"])
		if ("overdue" in c)
			printf "|%s|%s", $(c["followed_on_time"]),
			    $(c["overdue"])
		printf "\n"
	}' "$2" | sort
}

# The same by SQL.  $1 = key expression, $2 = first day, $3 = last day,
# $4 = 1 when the cases table exists.
sql_counts() {
	if [ "$4" = 1 ]; then
		join="LEFT JOIN cases c ON c.eval_id = e.id"
		excl="coalesce(c.excluded, 0) = 0"
		more=", coalesce(sum(e.satisfaction <= 2 AND
		    c.visited <= c.visit_due), 0),
		    coalesce(sum(e.satisfaction <= 2 AND c.id IS NOT NULL AND
		    (c.closed > c.rectify_due OR (c.closed IS NULL AND
		    c.rectify_due < '2024-03-20'))), 0)"
	else
		join= excl=1 more=
	fi
	sqlite3 hcp.db "SELECT $1 AS k, count(*),
	    sum(satisfaction = 5), sum(satisfaction = 4),
	    sum(satisfaction = 3), sum(satisfaction = 2),
	    sum(satisfaction = 1), sum(satisfaction <= 2),
	    printf('%.2f', avg(satisfaction)) $more
	    FROM evaluations e $join
	    WHERE substr(assess_time, 1, 10) BETWEEN '$2' AND '$3'
	    AND $excl GROUP BY k" | sort
}

test_expect_success 'a generated db of 600 evaluations' '
	setup_station &&
	sqlite3 hcp.db -cmd ".parameter set @n 600" <"$GEN/gen.sql" &&
	test "$(sqlite3 hcp.db "SELECT count(*) FROM evaluations")" = 600
'

check_all() {
	from=$1 to=$2 cases=$3
	# schema 007 makes the table: the follow-up columns are always there
	[ "$(sqlite3 hcp.db "SELECT count(*) FROM sqlite_master
	    WHERE name = 'cases'")" = 1 ] && cases=1
	for g in "dept:e.dept_code" "window:ifnull(e.window_id, char())" \
	    "staff:ifnull(e.staff_id, char())" "item:e.item_code" \
	    "channel:e.channel" "method:e.entry_method" \
	    "region:e.area_code" "day:substr(e.assess_time, 1, 10)" \
	    "month:substr(e.assess_time, 1, 7)" \
	    "week:date(substr(e.assess_time, 1, 10), '-6 days', 'weekday 1')"
	do
		name=${g%%:*} expr=${g#*:}
		report_counts "$name" r.csv >got.$name &&
		sql_counts "$expr" "$from" "$to" "$cases" >want.$name &&
		test -s want.$name &&
		test_cmp want.$name got.$name || return 1
	done
}

test_expect_success 'every grouping over a period across months and 02-29' '
	hcp-report -d hcp.db -b all --from 2024-02-10 --to 2024-03-02 \
		-f csv -o r.csv &&
	check_all 2024-02-10 2024-03-02 0 &&
	grep -q "^day,2024-02-29," r.csv &&
	grep -q "^week,2024-02-26," r.csv &&
	! grep -q "^day,2024-02-09," r.csv && ! grep -q "^day,2024-03-03," r.csv
'

test_expect_success '--month of the leap February is 02-01 to 02-29' '
	hcp-report -d hcp.db -b day,month --month 2024-02 -f csv -o m.csv &&
	grep -q "^day,2024-02-29," m.csv &&
	test "$(grep -c "^month," m.csv)" = 1 &&
	n=$(sqlite3 hcp.db "SELECT count(*) FROM evaluations WHERE
	    assess_time >= '\''2024-02-01'\'' AND assess_time < '\''2024-03-01'\''") &&
	grep -q "^total,,,$n," m.csv
'

test_expect_success '--quarter and --year give the same as --from/--to' '
	hcp-report -d hcp.db -b month --quarter 2024-Q1 -f csv -o q.csv &&
	hcp-report -d hcp.db -b month --from 2024-01-01 --to 2024-03-31 \
		-f csv -o ft.csv &&
	hcp-report -d hcp.db -b month --year 2024 -f csv -o y.csv &&
	test_cmp ft.csv q.csv && test_cmp ft.csv y.csv &&
	grep -q "^total,,,600," y.csv
'

test_expect_success '--from takes the first day of a month or quarter, --to the last' '
	hcp-report -d hcp.db -b month --from 2024-01 --to 2024-02 \
		-f csv -o fm.csv &&
	hcp-report -d hcp.db -b month --from 2024-01-01 --to 2024-02-29 \
		-f csv -o fd.csv &&
	test_cmp fd.csv fm.csv &&
	hcp-report -d hcp.db -b month --from 2024-Q1 --to 2024-Q1 \
		-f csv -o fq.csv &&
	test_cmp ft.csv fq.csv &&
	hcp-report -d hcp.db -b month --to 2024 -f csv -o to.csv &&
	test_cmp y.csv to.csv
'

test_expect_success 'the table heads its period, an open one in words' '
	hcp-report -d hcp.db -b month >t.txt &&
	head -n 1 t.txt | grep -q "  period  all records\$" &&
	hcp-report -d hcp.db -b month --from 2024-02 >t.txt &&
	head -n 1 t.txt | grep -q "  period  from 2024-02-01\$" &&
	hcp-report -d hcp.db -b month --to 2024-02 >t.txt &&
	head -n 1 t.txt | grep -q "  period  up to 2024-02-29\$" &&
	hcp-report -d hcp.db -b month --month 2024-02 >t.txt &&
	head -n 1 t.txt | grep -q "  period  2024-02-01 – 2024-02-29\$"
'

test_expect_success 'a malformed period names the form it wants' '
	test_expect_code_ 2 hcp-report -d hcp.db --quarter 2024-4 2>err &&
	test_grep err "bad quarter \"2024-4\" (YYYY-Qn)" &&
	test_expect_code_ 2 hcp-report -d hcp.db --month 2024-13 2>err &&
	test_grep err "bad month \"2024-13\" (YYYY-MM)" &&
	test_expect_code_ 2 hcp-report -d hcp.db --from 2024-02-30 2>err &&
	test_grep err "bad period \"2024-02-30\"" &&
	test_expect_code_ 2 hcp-report -d hcp.db --as-of 2024-02 2>err &&
	test_grep err "bad day \"2024-02\" (YYYY-MM-DD)"
'

test_expect_success 'a period given two ways is refused, not one of them taken' '
	test_expect_code_ 2 hcp-report -d hcp.db --month 2024-02 --year 2024 \
		-f csv -o two.csv 2>err &&
	test_grep err "give the period one way" &&
	test_expect_code_ 2 hcp-report -d hcp.db --quarter 2024-Q1 \
		--from 2024-02-01 -f csv -o two.csv 2>err &&
	test_grep err "give the period one way" &&
	! test -e two.csv &&
	hcp-report -d hcp.db --month 2024-01 --month 2024-02 -f csv -o last.csv &&
	hcp-report -d hcp.db --month 2024-02 -f csv -o m2.csv &&
	test_cmp m2.csv last.csv
'

test_expect_success 'rates are the formulas of the man page' '
	awk -F, "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
	\$(c[\"evaluations\"]) > 0 {
		n = \$(c[\"evaluations\"])
		good = (\$(c[\"grade5\"]) + \$(c[\"grade4\"])) / n
		bad = (\$(c[\"grade2\"]) + \$(c[\"grade1\"])) / n
		d1 = good - \$(c[\"good_rate\"]); d2 = bad - \$(c[\"bad_rate\"])
		if (d1 < 0) d1 = -d1; if (d2 < 0) d2 = -d2
		if (d1 > 0.00006 || d2 > 0.00006) { print; bad_rows++ }
	} END { exit bad_rows > 0 }" r.csv &&
	real=$(sqlite3 hcp.db "SELECT printf('\''%.4f'\'', avg(evaluator IS
	    NOT NULL OR cert_no IS NOT NULL OR phone IS NOT NULL))
	    FROM evaluations") &&
	grep -q "^total,,,600,.*,$real,[0-9]*,\$" y.csv ||
	grep "^total" y.csv
'

test_expect_success 'empty groups of the catalogue are listed with 0' '
	for d in $(sqlite3 hcp.db "SELECT code FROM departments WHERE code
	    NOT IN (SELECT dept_code FROM evaluations)"); do
		grep -q "^dept,$d,[^,]*,0,0,0,0,0,0,,,,,0," r.csv || return 1
	done &&
	test "$(grep -c "^dept," r.csv)" = \
	    "$(sqlite3 hcp.db "SELECT count(*) FROM departments")"
'

test_expect_success 'no case recorded yet: the bad reviews are not followed up' '
	head -n 1 r.csv | grep -q revisit_rate &&
	awk -F, "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
	\$1 == \"total\" { print (\$(c[\"bad_reviews\"]) > 0),
	    \$(c[\"revisit_rate\"]) }" r.csv >got &&
	echo "1 0.0000" >want &&
	test_cmp want got
'

test_expect_success 'a db without the cases table: the follow-up columns are absent' '
	cp hcp.db old.db &&
	sqlite3 old.db "DROP TABLE cases" &&
	hcp-report -d old.db -b all --from 2024-02-10 --to 2024-03-02 \
		-f csv -o old.csv &&
	! head -n 1 old.csv | grep -q revisit_rate &&
	hcp-report -d old.db >t.txt &&
	test_grep t.txt "follow-up figures not available"
'

test_expect_success 'with cases: follow-up figures and exclusions' '
	sqlite3 hcp.db <"$GEN/cases.sql" &&
	hcp-report -d hcp.db -b all --from 2024-02-10 --to 2024-03-02 \
		--as-of 2024-03-20 -f csv -o r.csv 2>err &&
	head -n 1 r.csv | grep -q revisit_rate,rectify_rate,overdue &&
	check_all 2024-02-10 2024-03-02 1 &&
	x=$(sqlite3 hcp.db "SELECT count(*) FROM cases c JOIN evaluations e
	    ON e.id = c.eval_id WHERE c.excluded = 1 AND
	    substr(e.assess_time, 1, 10) BETWEEN '\''2024-02-10'\''
	    AND '\''2024-03-02'\''") &&
	test "$x" -gt 0 &&
	test_grep err "$x excluded by an accepted appeal"
'

test_expect_success 'revisit and rectification rates by SQL' '
	sqlite3 -csv hcp.db "SELECT printf('\''%.4f'\'',
	    sum(c.visited IS NOT NULL) * 1.0 / count(*)),
	    printf('\''%.4f'\'', sum(c.closed IS NOT NULL) * 1.0 / count(*))
	    FROM evaluations e LEFT JOIN cases c ON c.eval_id = e.id
	    WHERE e.satisfaction <= 2 AND coalesce(c.excluded, 0) = 0 AND
	    substr(e.assess_time, 1, 10) BETWEEN '\''2024-02-10'\''
	    AND '\''2024-03-02'\''" >want &&
	awk -F, "NR == 1 { for (i = 1; i <= NF; i++) c[\$i] = i; next }
	\$1 == \"total\" { print \$(c[\"revisit_rate\"]) \",\" \
	    \$(c[\"rectify_rate\"]) }" r.csv | tr -d "\r" >got &&
	test_cmp want got
'

test_expect_success 'a corrected record counts as corrected' '
	sqlite3 hcp.db "INSERT INTO batches (seq, name, created_at, records)
	    VALUES (1, '\''b1'\'', '\''2024-03-11'\'', 600);
	    INSERT INTO corrections (eval_id, batch_seq, item_code, dept_code,
	    area_code, window_id, staff_id, channel, satisfaction,
	    assess_time, assess_number, row_hash, reason, operator, amended_at)
	    SELECT id, 1, item_code, dept_code, area_code, window_id, staff_id,
	    channel, 6 - satisfaction, assess_time, assess_number, row_hash,
	    '\''keyed wrong'\'', '\''t'\'', '\''2024-03-12'\''
	    FROM evaluations WHERE id % 10 = 0" &&
	hcp-report -d hcp.db -b dept,day --year 2024 -f csv -o c.csv &&
	! cmp -s c.csv y.csv &&
	sqlite3 -csv hcp.db "SELECT e.dept_code, count(*),
	    sum(satisfaction = 5), sum(satisfaction = 1)
	    FROM evaluations_current e LEFT JOIN cases c ON c.eval_id = e.id
	    WHERE coalesce(c.excluded, 0) = 0 GROUP BY 1" >want &&
	awk -F, "\$1 == \"dept\" && \$4 > 0 { print \$2 \",\" \$4 \",\" \$5 \
	    \",\" \$9 }" c.csv >got &&
	test_cmp want got
'

test_expect_success 'the JSON carries the same total' '
	hcp-report -d hcp.db -b dept --year 2024 -f json -o r.json &&
	python3 -c "
import json, sys
d = json.load(open(\"r.json\"))
t = d[\"total\"]
assert d[\"followup_available\"] is True, d
assert t[\"evaluations\"] + d[\"excluded\"] == 600, t
assert sum(r[\"evaluations\"] for r in d[\"groupings\"][\"dept\"][\"rows\"]) \
    == t[\"evaluations\"]
empty = [r for r in d[\"groupings\"][\"dept\"][\"rows\"] if r[\"evaluations\"] == 0]
assert len(empty) == 2 and empty[0][\"good_rate\"] is None, empty
"
'

test_expect_success 'the terminal table aligns Chinese names by width' '
	hcp-report -d hcp.db -b dept --year 2024 >t.txt &&
	grep "^11330523" t.txt >rows &&
	test "$(wc -l <rows)" = 10 &&
	awk "{ print index(\$0, \"%\") }" rows >/dev/null &&
	python3 -c "
import unicodedata, sys
ws = set()
for l in open(\"rows\", encoding=\"utf-8\"):
    l = l.rstrip(\"\n\")
    ws.add(sum(2 if unicodedata.east_asian_width(c) in \"WF\" else 1 for c in l))
assert len(ws) == 1, ws
" &&
	! grep -q "$(printf "\033")" t.txt
'

test_expect_success 'periods that make no sense are usage errors' '
	test_expect_code_ 2 hcp-report -d hcp.db --month 2024-13 &&
	test_expect_code_ 2 hcp-report -d hcp.db --from 2023-02-29 &&
	test_expect_code_ 2 hcp-report -d hcp.db --from 2024-03-01 \
		--to 2024-02-01 &&
	test_expect_code_ 2 hcp-report -d hcp.db -b nothing
'

test_done
