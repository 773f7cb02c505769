#!/bin/sh
# SPDX-License-Identifier: ISC
#
# verify.sh [DIR]: hcp-verify on the batch pack.sh left in DIR versus
# what a receiver would do with stock tools: tar xzf, then sha256sum -c
# of the payload manifest.  One run of each, side by side.  hcp-verify
# also checks SM3, the signature and every record; -d adds the
# catalogue.  Then bombs made by tests/hostile-batch.py from a small
# batch, refused, where peak memory is the figure (bounded, under 64 MB):
# a 1 MB .tar.gz whose CSV holds one 1 GiB field, a row of 16 MiB of
# commas, 16 MiB of zeros after the tar.
set -eu
dir=${1:-${TMPDIR:-/tmp}/hcp-bench}
bench=$(cd "$(dirname "$0")" && pwd)
: "${HCP_DATADIR:=$bench/../../share}"
export HCP_DATADIR
cd "$dir"
batch=$(ls out/*.tar.gz | head -n 1)
name=$(basename "$batch" .tar.gz)
hcp-init -d hcp.db --print-pubkey >pub.pem
rm -rf stock && mkdir stock

measure() {
	name_=$1
	shift
	/usr/bin/time -v -o "time.$name_" "$@" >/dev/null || :
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
		"time.$name_" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' \
		"time.$name_")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "time.$name_")
	eval "wall_$name_=$wall"
	printf '%-34s %7.2f s wall %7.2f s cpu %7d KB peak\n' "$name_" \
		"$wall" "$cpu" "$rss"
}

cat "$batch" >/dev/null
measure stock sh -c "tar xzf '$batch' -C stock &&
	cd 'stock/$name' && sha256sum -c manifest-sha256.txt"
rm -rf stock
measure hcp_verify hcp-verify -q -k pub.pem "$batch"
measure hcp_verify_catalogue hcp-verify -q -d hcp.db "$batch"
echo
awk -v a="$wall_hcp_verify" -v b="$wall_stock" \
    -v c="$wall_hcp_verify_catalogue" 'BEGIN {
	printf "time  hcp-verify / tar xzf + sha256sum -c        %.2f  (target <= 1.2)\n", a / b
	printf "time  hcp-verify -d db / tar xzf + sha256sum -c  %.2f\n", c / b
}'

# The bombs, from a one-record batch of a station of their own.
echo
rm -rf hostile && mkdir -p hostile/st && (cd hostile/st &&
	hcp-init -q -d hcp.db --catalog "$HCP_DATADIR/sample" &&
	printf '%s\n' project_no,item_code,dept_code,area_code,window,staff,channel,satisfaction,eval_detail,service_time,assess_time \
	    'P1,11330523002572643X200016010000001,11330523002572643X,330523,A01,AJ0001,4,5,501,2026-11-20 09:00,2026-11-20 10:00' \
	    >in.csv &&
	HCP_OPERATOR=bench hcp-import -q -d hcp.db in.csv &&
	hcp-pack -q -d hcp.db -o . &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	HOSTILE_FIELD_MIB=1024 python3 "$bench/../hostile-batch.py" \
	    hcp-*.tar.gz hcp.db.sm2.pem ..)
for c in field-bomb row-bomb padding-bomb; do
	printf '%s: %d KB compressed\n' "$c" \
		$(($(stat -c %s "hostile/$c.tar.gz") / 1024))
	measure "bomb_$(echo $c | tr - _)" hcp-verify -q -k hostile/st/pub.pem \
		"hostile/$c.tar.gz"
done

# A batch of paper records, two keys each (serial and project number),
# as many as the batch above holds: the forms issued 200 days before,
# keyed rows from gen-keyed.sh, imported and packed.  Peak memory is the
# figure (the key table grows once, in place, to what they need).
echo
n=$(tar xzf "$batch" -O "$name/bag-info.txt" | sed -n 's/^Hcp-Records: //p')
rm -rf paper && mkdir -p paper && (cd paper &&
	e=${SOURCE_DATE_EPOCH:-1795348800} &&
	hcp-init -q -d hcp.db --catalog "$HCP_DATADIR/sample" &&
	SOURCE_DATE_EPOCH=$((e - 200 * 86400)) hcp-form -d hcp.db \
	    --issue "$n" >serials &&
	SOURCE_DATE_EPOCH=$e sh "$bench/gen-keyed.sh" -s serials "$n" >k.csv &&
	SOURCE_DATE_EPOCH=$e HCP_OPERATOR=bench hcp-import -q -d hcp.db k.csv &&
	SOURCE_DATE_EPOCH=$e hcp-pack -q -d hcp.db -o out &&
	hcp-init -d hcp.db --print-pubkey >pub.pem)
printf 'paper batch: %s records\n' "$n"
measure paper_verify hcp-verify -q -k paper/pub.pem paper/out/*.tar.gz
