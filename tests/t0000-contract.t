#!/bin/sh
# Every tool keeps the common contract: --help to stdout with exit 0,
# --version, an unknown option exits 2 with usage on stderr, a missing
# input file is an error naming the file, and the usage text equals the
# SYNOPSIS of the tool's man page.
. "$(dirname "$0")/lib.sh"

tools=$(cd "$HCP_BUILD/bin" && ls)
[ -n "$tools" ] || { echo "Bail out! no tools built"; exit 1; }

# One line a synopsis form, words separated by single blanks.
synopsis_of_man() {
	MANWIDTH=200 mandoc -Tascii "$HCP_SRC/man/$1.1" | col -bx |
	awk '/^SYNOPSIS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
	tr -s ' \n' '  ' | sed "s/^ *//; s/ *\$//; s/ $1 /\n$1 /g"
	echo
}

synopsis_of_help() {
	"$1" --help | awk '/^$/ { exit } { print }' |
	sed 's/^usage: //; s/^       //' | tr -s ' \n' '  ' |
	sed "s/^ *//; s/ *\$//; s/ $1 /\n$1 /g"
	echo
}

for t in $tools; do
	test_expect_success "$t --help prints usage to stdout, exit 0" "
		$t --help >out 2>err &&
		test_grep out '^usage: $t' && ! test -s err
	"
	test_expect_success "$t --version names the tool" "
		$t --version >out && test_grep out '^$t (hcp) [0-9]'
	"
	test_expect_code 2 "$t rejects an unknown option" "
		$t --no-such-option >out 2>err; rc=\$?
		test_grep err 'usage: $t' && ! test -s out && exit \$rc || exit 99
	"
	test_expect_success "$t has a man page that lints clean" "
		test -f '$HCP_SRC/man/$t.1' &&
		mandoc -Tlint -Wwarning '$HCP_SRC/man/$t.1'
	"
	test_expect_success "$t usage equals its man page SYNOPSIS" "
		synopsis_of_man $t >man.txt &&
		synopsis_of_help $t >help.txt &&
		test_cmp man.txt help.txt
	"
done

setup_station
for t in $tools; do
	case $t in
	hcp) continue ;;
	hcp-check|hcp-import) args="-d hcp.db missing.csv" ;;
	hcp-compare) args="missing.csv missing.csv" ;;
	hcp-verify) args="missing.tar.gz" ;;
	hcp-intake) args="-d nowhere/missing.db --gaps" ;;
	hcp-pack) args="-d nowhere/missing.db -o ." ;;
	hcp-qr) args="-d nowhere/missing.db --all" ;;
	hcp-form) args="-d nowhere/missing.db --issue 1" ;;
	hcp-amend) args="-d nowhere/missing.db --list" ;;
	*) args="-d nowhere/missing.db" ;;
	esac
	test_expect_success "$t names a missing file" "
		! $t $args >out 2>err </dev/null &&
		test_grep err 'missing' && ! test_grep err '^usage'
	"
done

test_expect_success 'hcp-csv.5 and hcp.7 lint clean' '
	mandoc -Tlint -Wwarning "$HCP_SRC/man/hcp-csv.5" "$HCP_SRC/man/hcp.7"
'

test_done
