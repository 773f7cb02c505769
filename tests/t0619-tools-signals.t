#!/bin/sh
# SPDX-License-Identifier: ISC
# A tool stopped by SIGTERM or SIGHUP while it writes dies of that
# signal and leaves no temporary file behind (outfile.h): hcp-qr writing
# thousands of PNG files from several threads at once, hcp-form one large
# PDF, which says which serials it had issued.  Each is stopped at a few
# moments of its run.  (SIGINT is handled alike, but a job started with
# "&" by a script ignores it, and so the tool does.)
. "$(dirname "$0")/lib.sh"

test_expect_success 'setup: a station of 3,000 windows' '
	cp -R "$SAMPLE" cat &&
	awk "BEGIN { print \"id,name,dept_code\"
		for (i = 1; i <= 3000; i++) printf \"W%04d,窗口%d,\\n\", i, i }" \
		>cat/windows.csv &&
	echo "id,name,window_id" >cat/staff.csv &&
	hcp-init -q -d hcp.db --catalog cat
'

# stop SIGNAL DELAY CMD...: runs CMD, sends it SIGNAL after DELAY
# seconds (timeout(1), its parent, so that no other process can have
# taken its pid), and prints how it ended: "killed" by that signal,
# "done" if it finished first, else its status.
stop() {
	sig_=$1 delay_=$2
	shift 2
	timeout --preserve-status -s "$sig_" "$delay_" "$@"
	st_=$?
	case $sig_ in
	TERM) want_=143 ;;
	HUP) want_=129 ;;
	esac
	if [ $st_ = "$want_" ]; then echo killed
	elif [ $st_ = 0 ]; then echo done
	else echo "status $st_"
	fi
}

test_expect_success 'hcp-qr, many files from several threads' '
	killed=0 &&
	for run in TERM:0.2 HUP:0.6 TERM:1.0 HUP:1.5 TERM:2.2; do
		rm -rf qr &&
		how=$(stop ${run%:*} ${run#*:} hcp-qr -d hcp.db --all -T png -o qr) &&
		case $how in
		killed) killed=$((killed + 1)) ;;
		done) ;;
		*) echo "$run: $how"; return 1 ;;
		esac &&
		if ls -A qr 2>/dev/null | grep "^\." >left; then
			echo "$run: left behind:"; head left; return 1
		fi || return 1
	done &&
	test $killed -ge 3
'

test_expect_success 'hcp-form, one large PDF' '
	killed=0 &&
	for run in TERM:0.3 HUP:1.0 TERM:2.0; do
		rm -f forms.pdf &&
		from=$(sqlite3 hcp.db "SELECT coalesce(max(seq), 0) FROM forms") &&
		how=$(stop ${run%:*} ${run#*:} hcp-form -q -d hcp.db -N 4000 \
			-o forms.pdf 2>err) &&
		case $how in
		killed)
			killed=$((killed + 1)) && ! test -e forms.pdf &&
			a=$(sqlite3 hcp.db "SELECT serial FROM forms
			    WHERE seq = $from + 1") &&
			g=$(echo "$a" | sed "s/^\(......\)\(..\)\(.......\)\(.\)\$/\1-\2-\3-\4/") &&
			test_grep err "^hcp-form: serials $g to .* stay issued: print them with --reprint"
			;;
		done) test -s forms.pdf ;;
		*) echo "$run: $how"; false ;;
		esac || return 1
		if ls -A | grep "^\.forms\.pdf\." >left; then
			echo "$run: left behind:"; head left; return 1
		fi
	done &&
	test $killed -ge 2
'

test_done
