#!/bin/sh
# SPDX-License-Identifier: ISC
#
# verify.sh [DIR]: hcp-verify on the batch pack.sh left in DIR versus
# what a receiver would do with stock tools: tar xzf, then sha256sum -c
# of the payload manifest.  One run of each, side by side.  hcp-verify
# also checks SM3, the signature and every record; -d adds the
# catalogue.
set -eu
dir=${1:-${TMPDIR:-/tmp}/hcp-bench}
cd "$dir"
batch=$(ls out/*.tar.gz | head -n 1)
name=$(basename "$batch" .tar.gz)
hcp-init -d hcp.db --print-pubkey >pub.pem
rm -rf stock && mkdir stock

measure() {
	name_=$1
	shift
	/usr/bin/time -v -o "time.$name_" "$@" >/dev/null
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
