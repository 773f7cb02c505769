#!/bin/sh
# SPDX-License-Identifier: ISC
#
# gen-keyed.sh [-c catalogue-dir] [-s serials-file] [-t epoch] N
#
# Writes a realistic keyed CSV of N evaluation rows to standard output, as
# a clerk keys paper forms from the keying template: Chinese headers,
# UTF-8 with BOM, CRLF line ends; serials as keyed (bare or grouped
# 330523-01-0000123-7), items with their department, windows with their
# staff, grades mostly good with some bad reviews that carry detail codes
# of their grade or a comment, comments with commas and quotes, real-name
# fields on some rows (valid ID numbers and phones), service and
# evaluation times within the supplementary window before the epoch
# (-t, default $SOURCE_DATE_EPOCH, else 2026-11-22 12:00 UTC).
#
# Serials come one a line from -s (as "hcp-form --issue N" prints them);
# without -s they are 330523-01-<row>, which the caller must issue.  The
# project number is made from the serial, so files made from different
# serials never share one.
# Every row is valid against the sample catalogue (share/sample).
set -eu

cat=${HCP_DATADIR:-$(dirname "$0")/../../share}/sample
serials=
epoch=${SOURCE_DATE_EPOCH:-1795348800}
while getopts c:s:t: opt; do
	case $opt in
	c) cat=$OPTARG ;;
	s) serials=$OPTARG ;;
	t) epoch=$OPTARG ;;
	*) echo "usage: gen-keyed.sh [-c dir] [-s serials] [-t epoch] N" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: gen-keyed.sh [-c dir] [-s serials] [-t epoch] N" >&2; exit 2; }
n=$1

awk -v n="$n" -v epoch="$epoch" -v serials="$serials" -v cat="$cat" '
function csvsplit(line, a,    k) {
	sub(/\r$/, "", line)
	return split(line, a, ",")
}
function load(file, what,    line, a, k, first) {
	first = 1
	while ((getline line < file) > 0) {
		if (first) { first = 0; continue }
		csvsplit(line, a)
		if (what == "items") { k = ++ni; item[k] = a[1]; idept[k] = a[3] }
		else if (what == "staff") {
			if (a[3] == "") continue
			k = ++ns; staff[k] = a[1]; swin[k] = a[3]
		} else if (what == "codes") {
			g = a[3]; nc[g]++; code[g, nc[g]] = a[2]
		}
	}
	close(file)
}
function damm(s,    i, d) {
	d = 0
	for (i = 1; i <= length(s); i++)
		d = D[d * 10 + substr(s, i, 1)]
	return d
}
function idcard(area, birth, seq,    s, i, sum) {
	s = area birth sprintf("%03d", seq)
	sum = 0
	for (i = 1; i <= 17; i++)
		sum += substr(s, i, 1) * W[i]
	return s substr("10X98765432", sum % 11 + 1, 1)
}
# days since 1970-01-01 to y-m-d (Howard Hinnant civil_from_days)
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
function stamp(t, style,    days, secs) {
	days = int(t / 86400); secs = t - days * 86400
	civil(days)
	if (style == 0)
		return sprintf("%04d-%02d-%02d %02d:%02d:%02d", CY, CM, CD,
		    int(secs / 3600), int(secs % 3600 / 60), secs % 60)
	if (style == 1)
		return sprintf("%04d/%d/%d %d:%02d", CY, CM, CD,
		    int(secs / 3600), int(secs % 3600 / 60))
	return sprintf("%04d年%d月%d日", CY, CM, CD)
}
function q(s) {
	if (s ~ /[",\r\n]/) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
	return s
}
BEGIN {
	split("0 3 1 7 5 9 8 6 4 2 7 0 9 2 1 5 4 8 6 3 4 2 0 6 8 7 1 3 5 9 1 7 5 0 9 8 3 4 2 6 6 1 2 3 0 4 5 9 7 8 3 6 7 4 2 0 9 5 8 1 5 8 6 9 7 2 0 1 3 4 8 9 4 5 3 6 2 0 1 7 9 4 3 8 6 1 7 2 0 5 2 5 8 1 4 3 6 7 9 0", t, " ")
	for (i = 1; i <= 100; i++) D[i - 1] = t[i]
	split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", W, " ")
	load(cat "/items.csv", "items")
	load(cat "/staff.csv", "staff")
	load(cat "/eval_codes.csv", "codes")
	split("陈晓燕 王建平 李娜 张伟 刘洋 杨静 赵磊 黄敏 周杰 吴芳 徐明 孙丽", names, " ")
	split("服务很好，谢谢 窗口人员耐心细致 材料一次说清楚了 排队时间有点长 办事效率高 \"一次办成\"，点赞 -", comments, " ")
	split("非常满意 满意 基本满意 很好 好", words, " ")
	srand(20261122)
	printf "\357\273\277表单编号,办件编号,事项编码,部门代码,行政区划代码,窗口编号,工号,评价渠道,满意度,评价详情代码,文字评价,用户类型,评价人,证件类型,证件号码,手机号码,办理时间,评价时间,评价次数\r\n"
	for (r = 1; r <= n; r++) {
		if (serials != "") {
			if ((getline ser < serials) <= 0) {
				print "gen-keyed.sh: not enough serials in " serials > "/dev/stderr"
				exit 1
			}
		} else {
			ser = sprintf("33052301%07d", r)
			ser = ser damm(ser)
		}
		bare = ser
		if (r % 5 == 0)
			ser = substr(ser, 1, 6) "-" substr(ser, 7, 2) "-" substr(ser, 9, 7) "-" substr(ser, 16, 1)
		k = int(rand() * ni) + 1
		s = int(rand() * ns) + 1
		x = rand()
		g = x < 0.70 ? 5 : x < 0.88 ? 4 : x < 0.95 ? 3 : x < 0.98 ? 2 : 1
		sat = g
		if (g >= 3 && rand() < 0.1) sat = words[6 - g > 3 ? 3 : 6 - g]
		det = ""
		com = ""
		if (g <= 2 || rand() < 0.4) {
			det = code[g, int(rand() * nc[g]) + 1]
			if (rand() < 0.3) {
				c2 = code[g, int(rand() * nc[g]) + 1]
				if (c2 != det) det = det "," c2
			}
		}
		if (rand() < 0.25 || (g <= 2 && det == ""))
			com = comments[int(rand() * 7) + 1]
		if (com == "-") com = "-很差，等了两个小时"
		ev = ""; ct = ""; cn = ""; ph = ""; up = 1
		if (rand() < 0.3) {
			ev = names[int(rand() * 12) + 1]
			ct = "111"
			cn = idcard("330523", sprintf("19%02d%02d%02d", 50 + int(rand() * 50), 1 + int(rand() * 12), 1 + int(rand() * 28)), int(rand() * 999) + 1)
			ph = sprintf("13%09d", int(rand() * 1000000000))
		}
		t1 = epoch - 86400 * (4 + int(rand() * 60)) - int(rand() * 28800)
		t2 = t1 + 60 + int(rand() * 86400 * 3)
		svc = stamp(t1, 0)
		st = rand() < 0.1 ? 1 : rand() < 0.05 ? 2 : 0
		ass = stamp(t2, st)
		printf "%s,%s,%s,%s,330523,%s,%s,5,%s,%s,%s,%d,%s,%s,%s,%s,%s,%s,1\r\n", \
		    ser, sprintf("330523%s%s", substr(svc, 1, 4) substr(svc, 6, 2) substr(svc, 9, 2), substr(bare, 7, 9)), \
		    item[k], idept[k], swin[s], staff[s], sat, q(det), q(com), \
		    up, ev, ct, cn, ph, svc, ass
	}
}'
