#!/bin/sh
# hcp-qr verify reads the texts from standard input with "-", one a line,
# and takes zbarimg's "QR-Code:" prefix off, so that a genuine code read
# by zbarimg is genuine and a forged one still is not.
. "$(dirname "$0")/lib.sh"

test_expect_success 'set up: a station and the text of a window code' '
	setup_station &&
	hcp-qr -d hcp.db -T list -w A01 >list &&
	cut -f3 list >url &&
	test -s url
'

test_expect_success 'zbarimg output is genuine, from an argument' '
	hcp-qr -d hcp.db verify "QR-Code:$(cat url)" >out &&
	test_grep out "^genuine	A01	"
'

test_expect_success '- reads the texts from standard input' '
	{
		echo "QR-Code:$(cat url)"
		echo
		cat url
		printf "%s\r\n" "$(cat url)"
	} | hcp-qr -d hcp.db verify - >out &&
	test "$(grep -c "^genuine	A01	" out)" = 3
'

test_expect_success 'a forged code on standard input is still forged (exit 1)' '
	sed "s/win=A01/win=A02/" url | sed "s/^/QR-Code:/" |
		hcp-qr -d hcp.db verify - >out
	test $? = 1 && test_grep out "^forged or altered"
'

test_expect_success 'a sticker text with controls is shown as \xHH, on one line' '
	hcp-qr -d hcp.db verify "$(printf "x\033]0;pwn\007\tTAB")" >out
	test $? = 1 &&
	test "$(cat out)" = "not a window code	x\\x1b]0;pwn\\x07\\x09TAB"
'

if command -v zbarimg >/dev/null 2>&1; then
	test_expect_success 'zbarimg reading a PNG code, piped in' '
		hcp-qr -d hcp.db -T png -o a01.png -w A01 &&
		zbarimg -q a01.png | hcp-qr -d hcp.db verify - >out &&
		test_grep out "^genuine	A01	"
	'
fi

test_done
