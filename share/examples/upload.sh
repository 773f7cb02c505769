#!/bin/sh
# SPDX-License-Identifier: ISC
#
# upload.sh: pack what was imported, send every batch the receiving side
# has not acknowledged yet with an HTTP PUT (curl), and record the
# receipts it has issued.  Meant for cron; safe to run again at any time,
# also after a crash or a broken link: batches are immutable, so sending
# one twice only replaces a file with the same bytes.
#
# usage: upload.sh [-d db] [-o outbox] [-k receiver-pubkey] URL
#
#   URL       the receiving directory, ending in "/", where a PUT of
#             NAME.tar.gz stores the batch (e.g. nginx with dav_methods
#             PUT, which writes to a temporary file and renames it, so a
#             broken upload never leaves half a batch under its name).
#   -d db     the station db (default $HCP_DB, else hcp.db)
#   -o dir    where batches are kept (default: outbox)
#   -k file   the receiver's public key for the receipts (default:
#             db.receiver.pem, see hcp-pack(1))
#
# Each batch is checked here before it is sent, two ways:
#
#   damaged   its bytes are not those hcp-pack wrote (the disk, a stray
#             edit): the copy is moved to outbox/damaged/, written again
#             from the db (hcp-pack --rebuild, the same bytes) and sent.
#             A copy damaged in transit is sent again by the next run by
#             itself: a batch is sent until the receiver's receipt for it
#             is recorded.
#   refused   its bytes are right, but the receiver would refuse its
#             records: hcp-verify with the station's public key alone,
#             as a receiver checks it, says BAD.  It is not sent; each
#             record to correct is named (serial, the keyed file and
#             line) with what is wrong.  Correct them (hcp-amend(1)),
#             write the batch again (hcp-pack --repack SEQ), and run
#             upload.sh again.
#
# Receipts: after checking a batch (hcp-verify --receipt), the receiving
# side puts NAME.receipt next to NAME.tar.gz.  Each run fetches the
# receipts of the batches still waiting, records them (hcp-pack --ack,
# which checks the signature, digest and count) and keeps them in
# outbox/receipts/.  A batch with a receipt is not sent again.
#
# Refusals: where the receiving side refused a batch (hcp-intake: a
# station not registered, a key not valid then, a record that conflicts
# with another station's), it puts its signed NAME.refused there
# instead.  Each run fetches it for a batch still waiting and checks it
# (hcp-pack --refusal: the receiver's signature, the batch's bytes as
# they are), which says why (once: the same refusal again is checked
# quietly) and keeps it for hcp-pack -l, and the run ends with 3.  The
# batch is sent again, as the cause may be put right on that side (a
# station registered late), but not on every run: once its last sending
# is HCP_UPLOAD_REFUSED_WAIT seconds old (a day), so that a refused batch
# does not cross a poor link every few minutes.  Once the cause is put
# right the receiving side may also move the batch from its refused/
# directory back into the inbox: the next run then fetches its receipt.
# A refusal of bytes written again since (hcp-pack --repack) is stale:
# it is said and passed over, and the new bytes are sent.
#
# Environment: HCP_UPLOAD_TRIES (5) attempts per file, waiting
# HCP_UPLOAD_WAIT (2) seconds after the first failure, twice as long
# after each next one; HCP_UPLOAD_REFUSED_WAIT (86400) seconds between
# two sendings of a batch the receiving side refused; HCP_CURL_OPTS,
# extra curl options (--cacert, --user, ...).
#
# Exit status: 0 when every pending batch was sent; 1 when one could not
# be sent (the link; it is tried again next run); 2 on a usage error or
# when the station db or the tools fail; 3 when a batch is refused by the
# rules or by the receiving side and waits for a person (see above; this
# outranks 1).
set -u

db=${HCP_DB:-hcp.db}
outbox=outbox
pubkey=
while getopts d:o:k: opt; do
	case $opt in
	d) db=$OPTARG ;;
	o) outbox=$OPTARG ;;
	k) pubkey=$OPTARG ;;
	*) echo "usage: upload.sh [-d db] [-o outbox] [-k pubkey] URL" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then
	echo "usage: upload.sh [-d db] [-o outbox] [-k pubkey] URL" >&2
	exit 2
fi
url=${1%/}/
tries=${HCP_UPLOAD_TRIES:-5}
wait0=${HCP_UPLOAD_WAIT:-2}
refused_wait=${HCP_UPLOAD_REFUSED_WAIT:-86400}

mkdir -p "$outbox/receipts" "$outbox/.check" "$outbox/.sent" || exit 2
station_pub="$outbox/.check/station.pub.pem"
hcp-init -d "$db" --print-pubkey >"$station_pub" || exit 2

# retry CMD...: runs CMD up to $tries times with exponential backoff.
retry() {
	n=1
	w=$wait0
	while :; do
		"$@" && return 0
		[ "$n" -ge "$tries" ] && return 1
		echo "upload.sh: attempt $n failed, trying again in ${w}s" >&2
		sleep "$w"
		n=$((n + 1))
		w=$((w * 2))
	done
}

# shellcheck disable=SC2086
put() {
	curl -sS --fail --connect-timeout 20 $HCP_CURL_OPTS \
		-T "$1" "$url$2" -o /dev/null
}

# fetch NAME [KIND]: gets NAME.KIND (receipt, or refused) if the receiver
# has issued it; 0 if got.
# shellcheck disable=SC2086
fetch() {
	f="$1.${2:-receipt}"
	part="$outbox/receipts/.$f.part"
	code=$(curl -sS --connect-timeout 20 $HCP_CURL_OPTS \
		-o "$part" -w '%{http_code}' "$url$f") ||
		{ rm -f "$part"; return 2; }
	case $code in
	200) mv -f "$part" "$outbox/receipts/$f" ;;
	404) rm -f "$part"; return 1 ;;
	*) rm -f "$part"; return 2 ;;
	esac
}

# refused NAME: 0 if the receiver refused the batch's bytes as they are
# (its signed NAME.refused, checked by hcp-pack --refusal, which says why
# and keeps it for hcp-pack -l).  Why is said once: a refusal fetched
# again unchanged is checked quietly.
refused() {
	r="$outbox/receipts/$1.refused"
	seen=
	[ ! -f "$r" ] || seen=$(cksum <"$r")
	fetch "$1" refused || return 1
	if ! grep -qx "Batch: $1" "$r"; then
		echo "upload.sh: $r: not a refusal of $1" >&2
		return 1
	fi
	q=
	[ "$seen" = "$(cksum <"$r")" ] && q=-q
	if [ -n "$pubkey" ]; then
		hcp-pack $q -d "$db" -k "$pubkey" --refusal "$r" >&2
	else
		hcp-pack $q -d "$db" --refusal "$r" >&2
	fi
}

# sent_lately NAME: 0 if NAME was last sent less than $refused_wait
# seconds ago (outbox/.sent/NAME, touched on each sending).
sent_lately() {
	t=$(stat -c %Y "$outbox/.sent/$1" 2>/dev/null) || return 1
	[ $(($(date +%s) - t)) -lt "$refused_wait" ]
}

# ack NAME: records outbox/receipts/NAME.receipt if it is for NAME.
ack() {
	r="$outbox/receipts/$1.receipt"
	if ! grep -qx "Batch: $1" "$r"; then
		echo "upload.sh: $r: not a receipt for $1" >&2
		return 1
	fi
	if [ -n "$pubkey" ]; then
		hcp-pack -q -d "$db" -k "$pubkey" --ack "$r"
	else
		hcp-pack -q -d "$db" --ack "$r"
	fi && rm -f "$outbox/.sent/$1"
}

# intact FILE SEQ: 0 if FILE has the bytes hcp-pack wrote for batch SEQ
# (written again from the db into .check/ and compared), 1 if not, 2 if
# the batch cannot be written again.
intact() {
	rm -f "$outbox/.check/$(basename "$1")"
	hcp-pack -q -d "$db" -o "$outbox/.check" --rebuild "$2" || return 2
	cmp -s "$1" "$outbox/.check/$(basename "$1")"
}

# explain FILE VERIFY-ERRORS: names each record hcp-verify refused by its
# serial (or project number) and where it was keyed.  hcp-verify gives the
# physical line a record starts on: one awk pass over the batch CSV maps
# those lines to record numbers, and sqlite3's CSV reader, run once,
# answers for all of them.
explain() {
	c="$outbox/.check"
	tar -xzf "$1" -O --wildcards '*/data/evaluations.csv' >"$c/rows.csv" ||
		return 1
	grep -v ': warning: ' "$2" |
	    sed -n 's/.*data\/evaluations\.csv:\([0-9][0-9]*\): \(.*\)/\1	\2/p' \
	    >"$c/errors"
	# "record number<TAB>what is wrong", in file order
	awk -F'\t' 'NR == FNR { what[$1] = what[$1] ? what[$1] "; " $2 : $2
	    next }
	    { if (!q) { n++; if (FNR in what) print n - 1 "\t" what[FNR] }
	      k = gsub(/"/, "&"); if (k % 2) q = !q }' "$c/errors" \
	    "$c/rows.csv" >"$c/bad"
	[ -s "$c/bad" ] || return 0
	sqlite3 -batch -separator '	' :memory: ".import --csv $c/rows.csv t" \
	    "SELECT rowid, coalesce(nullif(serial, ''), projectNo || '/' ||
	     assessNumber) || ' (' || src_file || ':' || src_line || ')'
	     FROM t WHERE rowid IN ($(cut -f1 "$c/bad" | paste -sd, -))" \
	    >"$c/who" || return 1
	awk -F'\t' -v f="$(basename "$1")" 'NR == FNR { who[$1] = $2; next }
	    { print "upload.sh: " f ": correct " who[$1] ": " $2 }' \
	    "$c/who" "$c/bad" >&2
}

HCP_CURL_OPTS=${HCP_CURL_OPTS:-}

# New records into new batches; missing batch files written again.
hcp-pack -q -d "$db" -o "$outbox" || exit 2

failed=0
refused=0
for file in $(hcp-pack -d "$db" -p -l); do
	name=${file%.tar.gz}
	seq=${name##*-}
	seq=$(expr "$seq" + 0)
	# A receipt already there: record it, nothing to send.
	if fetch "$name" && ack "$name"; then
		echo "$name: acknowledged"
		continue
	fi
	# A file damaged here (disk, a stray edit) is written again from
	# the db, the same bytes, rather than sent.
	intact "$outbox/$file" "$seq"
	case $? in
	0) ;;
	1)	echo "upload.sh: $file: damaged here; writing it again" >&2
		mkdir -p "$outbox/damaged" &&
		mv -f "$outbox/$file" "$outbox/damaged/" &&
		mv -f "$outbox/.check/$file" "$outbox/$file" || exit 2 ;;
	*)	echo "upload.sh: $file: cannot be written again from $db" >&2
		exit 2 ;;
	esac
	# Records the receiver would refuse: named, not sent.
	if ! hcp-verify -q -k "$station_pub" "$outbox/$file" \
	    2>"$outbox/.check/verify.err"; then
		echo "upload.sh: $file: refused by the rules; not sent" >&2
		grep -v 'data/evaluations.csv:[0-9]' "$outbox/.check/verify.err" >&2
		explain "$outbox/$file" "$outbox/.check/verify.err"
		echo "upload.sh: $file: correct the records that are wrong" \
		    "(hcp-amend), then write the batch again with the rules the" \
		    "station accepted them under (hcp-pack --repack $seq) and" \
		    "run upload.sh again" >&2
		refused=1
		continue
	fi
	# Refused by the receiver: said, and sent again once its last
	# sending is $refused_wait seconds old (the cause may be put right
	# there, as a station registered late).
	if refused "$name"; then
		echo "upload.sh: $file: refused by the receiving side" \
		    "(hcp-pack -l says why): if its records are the cause," \
		    "correct them (hcp-amend) and write the batch again" \
		    "(hcp-pack --repack $seq)" >&2
		refused=1
		if sent_lately "$name"; then
			echo "upload.sh: $file: sent again once its last" \
			    "sending is ${refused_wait}s old" \
			    "(HCP_UPLOAD_REFUSED_WAIT)" >&2
			continue
		fi
	fi
	if ! retry put "$outbox/$file" "$file"; then
		echo "upload.sh: $file: not sent; will try again" >&2
		failed=1
		continue
	fi
	: >"$outbox/.sent/$name"
	echo "$name: sent"
	if fetch "$name" && ack "$name"; then
		echo "$name: acknowledged"
	fi
done
[ $refused = 1 ] && exit 3
exit $failed
