#!/bin/sh
# SPDX-License-Identifier: ISC
#
# pack.sh [N] [DIR]: hcp-pack on N records (default 1,000,000) versus the
# script a user would write: export the same columns with sqlite3 -csv,
# gzip -6, sha256sum.  One run of each, side by side: wall time, CPU,
# peak memory, compressed size; and the size of gzip -6 of the very CSV
# inside the batch.  hcp-pack's time includes choosing the records and
# recording the batch in the db (one transaction) and syncing the file;
# "--rebuild" times the batch file alone.  Leaves DIR/out/*.tar.gz for
# verify.sh.
set -eu
n=${1:-1000000}
dir=${2:-${TMPDIR:-/tmp}/hcp-bench}
bench=$(cd "$(dirname "$0")" && pwd)
: "${HCP_DATADIR:=$bench/../../share}"
export HCP_DATADIR

rm -rf "$dir" && mkdir -p "$dir/out" "$dir/rebuilt" && cd "$dir"
hcp-init -q -d hcp.db --catalog "$HCP_DATADIR/sample"
t0=$(date +%s.%N)
sh "$bench/populate.sh" hcp.db "$n" >/dev/null
echo "populated $n records in $(awk -v a="$t0" -v b="$(date +%s.%N)" "BEGIN { printf \"%.1f\", b - a }") s"

# The same columns, names and order as data/evaluations.csv.
SQL="SELECT e.project_no AS projectNo, e.item_code AS taskCode,
 e.dept_code AS deptCode, e.area_code || '000000' AS areaCode,
 e.staff_id AS proManager, e.channel AS pf, e.satisfaction,
 e.eval_detail AS evalDetail, e.comment AS writingEvaluation,
 e.user_prop AS userProp, e.evaluator AS userName,
 e.cert_type AS userPageType, e.cert_no AS certKey,
 e.assess_time AS assessTime, e.assess_number AS assessNumber, e.serial,
 e.window_id AS window, e.phone, e.service_time, i.src_file, i.src_hash,
 e.src_line, i.operator, e.entry_method, i.started_at AS imported_at
 FROM evaluations e JOIN imports i ON i.id = e.import_id
 WHERE e.id > (SELECT coalesce(max(last_id), 0) FROM batches)
 ORDER BY e.id"

# measure NAME CMD...: runs CMD under /usr/bin/time -v, prints a line.
measure() {
	name=$1
	shift
	/usr/bin/time -v -o "time.$name" "$@" >/dev/null
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
		"time.$name" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' \
		"time.$name")
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "time.$name")
	eval "wall_$name=$wall"
	printf '%-34s %7.2f s wall %7.2f s cpu %7d KB peak\n' "$name" \
		"$wall" "$cpu" "$rss"
}

sync
measure user sh -c "sqlite3 -csv -header hcp.db \"$SQL\" | gzip -6 >user.csv.gz &&
	sha256sum user.csv.gz"
measure hcp_pack hcp-pack -q -d hcp.db -o out
measure hcp_pack_rebuild hcp-pack -q -d hcp.db -o rebuilt --rebuild 1

batch=$(ls out/*.tar.gz)
name=$(basename "$batch" .tar.gz)
tar xzOf "$batch" "$name/data/evaluations.csv" >batch.csv
gzip -6 <batch.csv >batch.csv.gz
csv=$(stat -c %s batch.csv)
ours=$(stat -c %s "$batch")
g6=$(stat -c %s batch.csv.gz)
user=$(stat -c %s user.csv.gz)
echo
echo "records                 $n"
echo "CSV in the batch        $csv bytes"
echo "gzip -6 of that CSV     $g6 bytes"
echo "user script .csv.gz     $user bytes"
echo "hcp-pack .tar.gz        $ours bytes (whole bag)"
echo
awk -v o="$ours" -v g="$g6" -v a="$wall_hcp_pack" -v b="$wall_user" \
    -v r="$wall_hcp_pack_rebuild" 'BEGIN {
	printf "size  hcp-pack / gzip -6 of the same CSV   %.4f  (target <= 1.03)\n", o / g
	printf "time  hcp-pack / user script              %.2f  (target <= 0.75)\n", a / b
	printf "time  hcp-pack --rebuild / user script    %.2f  (the batch file alone)\n", r / b
}'
cmp "$batch" "rebuilt/$name.tar.gz" && echo "rebuild: identical"
