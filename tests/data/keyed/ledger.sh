# SPDX-License-Identifier: ISC
#
# Serial-ledger helpers for the keyed-CSV tests, sourced after lib.sh.
# They use hcp-form when it is built (hcp-form --issue / --void) and
# otherwise write the same ledger rows with sqlite3, so the import tests
# do not depend on the form tool being present.

# issue_serials DB N: issues N serials and prints them, one a line.  They
# are issued 90 days before "now" (SOURCE_DATE_EPOCH), as forms are printed
# before they are filled in: an evaluation may not predate its form.
issue_serials() {
	if command -v hcp-form >/dev/null 2>&1 &&
	    hcp-form --help 2>/dev/null | grep -q -- '--issue'; then
		SOURCE_DATE_EPOCH=$((${SOURCE_DATE_EPOCH:-$(date +%s)} - 7776000)) \
			hcp-form -d "$1" --issue "$2"
		return
	fi
	sqlite3 "$1" "SELECT (SELECT value FROM settings WHERE key = 'region'),
		coalesce((SELECT value FROM settings WHERE key = 'issuer'), '01'),
		coalesce((SELECT max(seq) FROM forms), 0)" |
	awk -F'|' -v n="$2" 'BEGIN {
		split("0 3 1 7 5 9 8 6 4 2 7 0 9 2 1 5 4 8 6 3 4 2 0 6 8 7 1 3 5 9 1 7 5 0 9 8 3 4 2 6 6 1 2 3 0 4 5 9 7 8 3 6 7 4 2 0 9 5 8 1 5 8 6 9 7 2 0 1 3 4 8 9 4 5 3 6 2 0 1 7 9 4 3 8 6 1 7 2 0 5 2 5 8 1 4 3 6 7 9 0", t, " ")
		for (i = 1; i <= 100; i++) D[i - 1] = t[i]
	}
	{
		print "BEGIN;"
		for (i = 1; i <= n; i++) {
			b = sprintf("%s%s%07d", $1, $2, $3 + i)
			d = 0
			for (k = 1; k <= 15; k++) d = D[d * 10 + substr(b, k, 1)]
			printf "INSERT INTO forms (serial, seq, template, fingerprint, issued_at, operator) VALUES ('\''%s%d'\'', %d, '\''standard'\'', '\''test'\'', '\''2026-11-01 08:00:00'\'', '\''test'\'');\n", b, d, $3 + i
			printf "SELECT '\''%s%d'\'';\n", b, d
		}
		print "COMMIT;"
	}' | sqlite3 "$1"
}

# void_serial DB SERIAL: voids an issued serial.
void_serial() {
	if command -v hcp-form >/dev/null 2>&1 &&
	    hcp-form --help 2>/dev/null | grep -q -- '--void'; then
		hcp-form -d "$1" --void "$2" --reason test
		return
	fi
	sqlite3 "$1" "UPDATE forms SET state = 'voided',
		state_at = '2026-11-21 08:00:00' WHERE serial = '$2'
		AND state = 'issued'"
}
