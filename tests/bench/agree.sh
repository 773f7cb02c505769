#!/bin/sh
# SPDX-License-Identifier: ISC
#
# agree.sh DIR [N]: the agreement of station and receiver at scale.  N
# random keyed rows (default 1,000,000; gen-random.sh: every kind of row,
# good and bad, dates alone and with times at every edge) over a station
# whose settings are not the defaults (supplement_days 10, paper channel
# 4, in Asia/Shanghai), imported, packed in batches of 100,000 and
# verified as a receiver does, with the station's public key alone and
# in UTC.  Prints the counts and the number of batches refused (must be
# 0) and exits 1 if any is.  Not a timing: the figures it prints (wall
# seconds of each step) are for reading, not for comparing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
d=${1:-build/bench/agree}
n=${2:-1000000}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795348800}
rm -rf "$d"
mkdir -p "$d/out"
cd "$d"
now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

export TZ=Asia/Shanghai
hcp-init -q -d hcp.db -c "${HCP_DATADIR:-$here/../../share}/sample" \
	--set supplement_days=10 --set paper_channel=4
hcp-init -d hcp.db --print-pubkey >pub.pem
t=$(now)
{
	SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - 45 * 86400)) \
		hcp-form -d hcp.db --issue $((n * 6 / 10))
	SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - 45 * 86400)) \
		hcp-form -d hcp.db -w A02 --issue $((n * 3 / 10))
	SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - 3 * 86400)) \
		hcp-form -d hcp.db --issue $((n - n * 6 / 10 - n * 3 / 10))
} >serials
echo "agree: $n serials issued ($(el "$t"))"
t=$(now)
sh "$here/gen-random.sh" -r 7 -d 10 -s serials "$n" >keyed.csv
echo "agree: $n random rows made ($(el "$t"))"
t=$(now)
rc=0
hcp-import -d hcp.db --operator bench keyed.csv >import.out 2>/dev/null ||
	rc=$?
[ $rc -le 1 ] || { echo "agree: hcp-import failed ($rc)" >&2; exit 2; }
echo "agree: $(head -n 1 import.out) ($(el "$t"))"
accepted=$(sed -n 's/.*rows read: \([0-9]*\) accepted.*/\1/p' import.out)
t=$(now)
hcp-pack -q -d hcp.db -M 100000 -o out
echo "agree: $(ls out | wc -l) batches packed ($(el "$t"))"
t=$(now)
rc=0
TZ=UTC hcp-verify -k pub.pem out/*.tar.gz >verify.out 2>verify.err || rc=$?
ok=$(grep -c ': OK: ' verify.out || true)
bad=$(grep -c ': BAD: ' verify.err || true)
records=$(sed -n 's/.*: OK: batch [^,]*, \([0-9]*\) records$/\1/p' verify.out |
	awk '{ n += $1 } END { print n + 0 }')
echo "agree: hcp-verify in UTC with the public key alone: $ok batches OK," \
	"$bad refused, $records records ($(el "$t"))"
if [ "$rc" != 0 ] || [ "$bad" != 0 ] || [ "$records" != "$accepted" ]; then
	grep -v warning verify.err | head -n 20 >&2
	echo "agree: FAILED: $accepted accepted, $records verified" >&2
	exit 1
fi
echo "agree: every one of the $accepted accepted records verified"
