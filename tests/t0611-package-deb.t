#!/bin/sh
# The Debian package of "make deb" unpacks (dpkg -x) into a scratch root
# and works from there: the tools look for their data under /usr/share/hcp
# (the build recorded PREFIX=/usr), hcp-init makes a station from the
# packaged sample catalogue, hcp-form prints forms and the keying
# template, the man pages and the bash completion are in place.  Building
# the package takes minutes, so this test takes the package "make deb"
# left in the build directory, and is skipped when there is none, or when
# a tracked file is newer than it.
. "$(dirname "$0")/lib.sh"

DEB=$(ls "$HCP_BUILD"/deb/hcp_*_*.deb 2>/dev/null | head -n 1)
if ! command -v dpkg-deb >/dev/null 2>&1 || ! command -v dh >/dev/null 2>&1; then
	say "skipped: dpkg-deb or debhelper is not installed"
	test_done
fi
if [ -z "$DEB" ]; then
	say "skipped: no package; run make deb first"
	test_done
fi
newer=$(cd "$HCP_SRC" && git ls-files -z 2>/dev/null |
	xargs -0 -I{} find {} -newer "$DEB" -print 2>/dev/null | head -n 1)
if [ -n "$newer" ]; then
	say "skipped: $newer is newer than $DEB; run make deb again"
	test_done
fi

R=$TEST_DIR/root

test_expect_success 'the package unpacks into a scratch root' '
	dpkg-deb -x "$DEB" "$R" &&
	for t in hcp hcp-init hcp-qr hcp-form hcp-check hcp-import hcp-compare \
	    hcp-amend hcp-pack hcp-verify; do
		test -x "$R/usr/bin/$t" || { echo "no $t"; exit 1; }
	done &&
	test -f "$R/usr/share/hcp/schema/001-station.sql" &&
	test -f "$R/usr/share/hcp/forms/standard.form" &&
	test -f "$R/usr/share/hcp/sample/windows.csv" &&
	test -f "$R/usr/share/locale/zh_CN/LC_MESSAGES/hcp.mo" &&
	test -f "$R/usr/share/man/man1/hcp-import.1.gz" &&
	test -f "$R/usr/share/man/man7/hcp.7.gz" &&
	test -f "$R/usr/share/bash-completion/completions/hcp" &&
	test "$(readlink "$R/usr/share/bash-completion/completions/hcp-check")" = hcp
'

test_expect_success 'the package depends on the libraries and the font' '
	dpkg-deb -f "$DEB" Depends >deps &&
	test_grep deps "fonts-wqy-microhei" &&
	test_grep deps "libsqlite3" &&
	test_grep deps "libxlsxwriter" &&
	test_grep deps "libexpat1"
'

test_expect_success 'its tools look in /usr/share/hcp' '
	grep -q "/usr/share/hcp" "$R/usr/bin/hcp-init" &&
	! grep -q "/usr/local/share/hcp" "$R/usr/bin/hcp-init"
'

test_expect_success 'hcp-init and hcp-form run from the scratch root' '
	PATH="$R/usr/bin:/usr/bin:/bin" HCP_DATADIR="$R/usr/share/hcp" \
		hcp-init -q -d st.db --catalog "$R/usr/share/hcp/sample" &&
	PATH="$R/usr/bin:/usr/bin:/bin" HCP_DATADIR="$R/usr/share/hcp" \
		hcp-form -q -d st.db -N 2 -o forms.pdf &&
	test "$(head -c 5 forms.pdf)" = "%PDF-" &&
	PATH="$R/usr/bin:/usr/bin:/bin" HCP_DATADIR="$R/usr/share/hcp" \
		hcp-form --csv-template >tpl.csv &&
	grep -q "表单编号" tpl.csv &&
	"$R/usr/bin/hcp" form --help >help &&
	test_grep help "usage: hcp-form"
'

test_expect_success 'the completion loads and completes a tool' '
	bash -c ". \"$R/usr/share/bash-completion/completions/hcp\" &&
		COMP_WORDS=(hcp ch) COMP_CWORD=1 && _hcp && echo \${COMPREPLY[*]}" >out &&
	test "$(cat out)" = check
'

test_done
