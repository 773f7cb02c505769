#!/bin/sh
# SPDX-License-Identifier: ISC
#
# gen-random.sh [-c catalogue-dir] [-d supplement-days] [-r seed]
#     [-t epoch] -s serials-file N
#
# Writes N keyed rows of every kind a clerk may key, good and bad, to
# standard output (Chinese headers, UTF-8 with BOM, CRLF): dates alone and
# dates with times in every accepted spelling, on the same day as the
# service (before and after its time), at the edge of the supplementary
# window of -d days (default 7) and one day past it, in the future,
# before the forms were issued; all grades as digits and words, detail
# codes of the right and the wrong grade, known and unknown catalogue
# codes, windows printed on the form or not, real-name fields valid and
# not, serials grouped, mistyped, repeated and missing.  It is the input of
# the agreement test (tests/t0560) and benchmark (tests/bench/agree.sh):
# whatever hcp-import accepts of it, hcp-verify must accept at a
# receiver with only the batch and the station's public key.
#
# Serials come one a line from -s (as "hcp-form --issue N" prints them);
# times lie up to 40 days before the epoch (-t, default
# $SOURCE_DATE_EPOCH, else 2026-11-22 12:00 UTC).  The same seed (-r,
# default 1) gives the same rows.
set -eu

cat=${HCP_DATADIR:-$(dirname "$0")/../../share}/sample
serials=
days=7
seed=1
epoch=${SOURCE_DATE_EPOCH:-1795348800}
usage="usage: gen-random.sh [-c dir] [-d days] [-r seed] [-t epoch] -s serials N"
while getopts c:d:r:s:t: opt; do
	case $opt in
	c) cat=$OPTARG ;;
	d) days=$OPTARG ;;
	r) seed=$OPTARG ;;
	s) serials=$OPTARG ;;
	t) epoch=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] && [ -n "$serials" ] || { echo "$usage" >&2; exit 2; }

awk -v n="$1" -v epoch="$epoch" -v serials="$serials" -v cat="$cat" \
    -v days="$days" -v seed="$seed" '
function load(file, what,    line, a, k, first) {
	first = 1
	while ((getline line < file) > 0) {
		if (first) { first = 0; continue }
		sub(/\r$/, "", line)
		split(line, a, ",")
		if (what == "items") { k = ++ni; item[k] = a[1]; idept[k] = a[3] }
		else if (what == "staff") { k = ++ns; staff[k] = a[1] }
		else if (what == "windows") { k = ++nw; win[k] = a[1] }
		else if (what == "codes") {
			k = ++nc; code[k] = a[2]
			g = a[3] <= 2 ? 1 : a[3] == 3 ? 2 : 3
			band[g, ++nb[g]] = a[2]
		}
	}
	close(file)
}
function pick(p) { return rand() < p }
function any(m) { return int(rand() * m) + 1 }
function idcard(birth,    s, i, sum) {
	s = "330523" birth sprintf("%03d", any(999))
	sum = 0
	for (i = 1; i <= 17; i++)
		sum += substr(s, i, 1) * W[i]
	return s substr("10X98765432", sum % 11 + 1, 1)
}
function civil(z,    era, doe, yoe, y, doy, mp, d, m) {
	z += 719468
	era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	if (m <= 2) y++
	CY = y; CM = m; CD = d
}
# a time t (seconds, wall clock) as a clerk may key it: a date alone
# (dateonly) or with its time, in one of the accepted spellings
function when(t, dateonly,    days_, secs, st, h, mi) {
	days_ = int(t / 86400); secs = t - days_ * 86400
	civil(days_)
	h = int(secs / 3600); mi = int(secs % 3600 / 60)
	st = any(4)
	if (dateonly) {
		if (st == 1) return sprintf("%04d-%02d-%02d", CY, CM, CD)
		if (st == 2) return sprintf("%04d/%d/%d", CY, CM, CD)
		if (st == 3) return sprintf("%04d年%d月%d日", CY, CM, CD)
		return sprintf("%04d.%02d.%02d", CY, CM, CD)
	}
	if (st == 1) return sprintf("%04d-%02d-%02d %02d:%02d:%02d", CY, CM, CD, h, mi, secs % 60)
	if (st == 2) return sprintf("%04d/%d/%d %d:%02d", CY, CM, CD, h, mi)
	if (st == 3) return sprintf("%04d年%d月%d日 %d:%02d", CY, CM, CD, h, mi)
	return sprintf("%04d-%02d-%02d %02d:%02d", CY, CM, CD, h, mi)
}
function q(s) {
	if (s ~ /[",\r\n]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
	return s
}
BEGIN {
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", W, " ")
	load(cat "/items.csv", "items")
	load(cat "/staff.csv", "staff")
	load(cat "/windows.csv", "windows")
	load(cat "/eval_codes.csv", "codes")
	split("非常满意 满意 基本满意 不满意 非常不满意 很好 好 一般 差 很差", words, " ")
	split("陈晓燕 王建平 李娜 张伟 刘洋 杨静", names, " ")
	srand(seed)
	printf "\357\273\277表单编号,办件编号,事项编码,部门代码,行政区划代码,窗口编号,工号,评价渠道,满意度,评价详情代码,文字评价,用户类型,评价人,证件类型,证件号码,手机号码,办理时间,评价时间,评价次数\r\n"
	for (r = 1; r <= n; r++) {
		# serial: the next issued one, sometimes grouped, mistyped,
		# repeated or missing
		if ((getline ser < serials) <= 0) {
			print "gen-random.sh: not enough serials in " serials > "/dev/stderr"
			exit 1
		}
		used[r] = ser
		if (pick(0.03) && r > 1) ser = used[any(r - 1)]
		else if (pick(0.02)) ser = substr(ser, 1, 15) ((substr(ser, 16, 1) + 1) % 10)
		else if (pick(0.02)) ser = ""
		if (ser != "" && pick(0.2))
			ser = substr(ser, 1, 6) "-" substr(ser, 7, 2) "-" substr(ser, 9, 7) "-" substr(ser, 16, 1)
		proj = pick(0.9) ? sprintf("P%d-%07d", seed, r) : ""
		if (pick(0.02) && r > 1) proj = sprintf("P%d-%07d", seed, any(r - 1))
		k = any(ni)
		it = pick(0.98) ? item[k] : "11330523002572643X299999999999999"
		dept = pick(0.5) ? "" : pick(0.95) ? idept[k] : idept[any(ni)]
		area = pick(0.7) ? "" : pick(0.9) ? "330523" : "999999"
		w = pick(0.6) ? "" : pick(0.95) ? win[any(nw)] : "Z99"
		if (w != "" && pick(0.1)) w = tolower(w)
		sf = pick(0.5) ? "" : pick(0.97) ? staff[any(ns)] : "XX0000"
		ch = pick(0.7) ? "" : pick(0.95) ? any(7) : 9
		g = any(5)
		sat = pick(0.8) ? g : pick(0.97) ? words[(5 - g) + (pick(0.5) ? 1 : 6)] : "6"
		b = g <= 2 ? 1 : g == 3 ? 2 : 3
		det = pick(0.5) ? band[b, any(nb[b])] : ""
		if (det != "" && pick(0.2)) det = det "," band[b, any(nb[b])]
		if (pick(0.03)) det = code[any(nc)]
		com = pick(0.3) ? "意见" r : ""
		if (pick(0.05)) com = "排队\"很久\",\r\n下次改进"
		up = pick(0.6) ? "" : pick(0.95) ? any(2) : 3
		ev = ""; ct = ""; cn = ""; ph = ""
		if (pick(0.3)) {
			ev = names[any(6)]
			ct = pick(0.8) ? "111" : ""
			cn = idcard(sprintf("19%02d%02d%02d", 50 + any(49), any(12), any(28)))
			if (pick(0.05)) cn = substr(cn, 1, 17) "0"
			ph = pick(0.95) ? sprintf("13%09d", int(rand() * 1000000000)) : "1234"
		}
		# dates: the service up to 40 days back, a date alone or
		# with its time; the evaluation on the same day (before or
		# after the service time), inside the window, at its edge,
		# one day past it, in the future
		t1 = epoch - 86400 * int(rand() * 40) - int(rand() * 86400)
		x = rand()
		if (x < 0.35) off = 0
		else if (x < 0.45) off = days
		else if (x < 0.50) off = days + 1
		else if (x < 0.53) off = -1
		else off = int(rand() * (days + 1))
		t2 = int(t1 / 86400) * 86400 + 86400 * off + int(rand() * 86400)
		if (pick(0.02)) t2 = epoch + 3600 * any(48)
		svc = pick(0.2) ? "" : when(t1, pick(0.4))
		ass = when(t2, pick(0.5))
		if (pick(0.01)) ass = "2026-02-30"
		an = pick(0.9) ? "" : pick(0.9) ? 2 : 3
		printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\r\n", \
		    ser, proj, it, dept, area, w, sf, ch, sat, q(det), q(com), \
		    up, ev, ct, cn, ph, svc, ass, an
	}
}'
