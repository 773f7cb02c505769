#!/bin/sh
# SPDX-License-Identifier: ISC
#
# run.sh DIR: every benchmark, one run each, side by side with the tool a
# user would otherwise use; prints ratios.  Run by "make bench" (not by
# make check: timings on a shared machine are not tests).  Takes several
# minutes and a few GB of disk under DIR.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
d=${1:-build/bench}
mkdir -p "$d"
d=$(cd "$d" && pwd)
sh "$here/import.sh" "$d/import" 100000 1000000
sh "$here/pack.sh" 1000000 "$d/pack"
sh "$here/verify.sh" "$d/pack"
for b in qr forms report; do
	[ -f "$here/$b.sh" ] && sh "$here/$b.sh" "$d/$b"
done
exit 0
