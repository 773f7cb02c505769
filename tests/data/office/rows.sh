# Three keyed rows in the keying template's columns, for the workbook
# tests (after lib.sh and ledger.sh, with issued serials in ./serials):
# rows A B C prints the rows of serials A, B and C (lines of ./serials):
# serial, project, item (as "name — code", the name alone, the code),
# window, staff, satisfaction, detail, comment, user type, evaluator,
# cert type, cert no, phone, service time, evaluation time, four answers.
ITEM=11330523002572643X200016010000002

rows() {
	s=$(sed -n "$1p" serials)
	t=$(sed -n "$2p" serials)
	u=$(sed -n "$3p" serials)
	cat <<ROWS
$s,P-$1,居民身份证换领 — $ITEM,A01,AJ0003,满意,,,1,,,,,2026-11-20 09:00,2026-11-20 10:00,是,否,是,是
$t,P-$2,居民身份证换领,A01,AJ0003,非常满意,,办得快,1,,,,,2026-11-20 09:30,2026-11-20 10:30,是,是,是,是
$u,P-$3,$ITEM,A01,AJ0003,基本满意,,,1,,,,,2026-11-21 08:00,2026-11-21 09:00,否,否,否,否
ROWS
}
