#!/bin/sh
# The Debian package of "make deb" unpacks (dpkg -x) into a scratch root
# and works from there: the tools look for their data under /usr/share/hcp
# (the build recorded PREFIX=/usr), hcp-init makes a station from the
# packaged sample catalogue, hcp-form prints forms and the keying
# template, the man pages and the bash completion are in place.  The test
# builds the package itself, from the files git tracks as they are in the
# work tree, into its temporary directory: without the -dbgsym package
# and without optimisation (noopt), which roughly halves the compiling; the
# package "make deb" makes is built the same way otherwise.  Skipped only
# when the Debian packaging tools (or git) are missing.
. "$(dirname "$0")/lib.sh"

# The package is built with its own flags, never the sanitizers': the
# run of the suite under ASan+UBSan has nothing to add here.
if [ "${HCP_SANITIZE:-}" = 1 ]; then
	skip_all "the package is not built with the sanitizers"
fi
for t in dpkg-buildpackage dpkg-deb dh fakeroot git; do
	if ! command -v $t >/dev/null 2>&1; then
		skip_all "$t is not installed (dpkg-dev, debhelper, fakeroot)"
	fi
done
if ! git -C "$HCP_SRC" ls-files --error-unmatch Makefile >/dev/null 2>&1; then
	skip_all "$HCP_SRC is not a git work tree"
fi

# The tree is left alone: nothing new or changed in debian/ (where an
# in-tree build writes) and no package beside the tree (where
# dpkg-buildpackage puts it).  Only there: the rest of the tree may be
# edited while the suite runs.
tree_state() {
	git -C "$HCP_SRC" status --porcelain --ignored --untracked-files=all \
		-- debian
	ls "$(dirname "$HCP_SRC")" | grep "^hcp[-_].*\.\(deb\|changes\|buildinfo\)$"
}

test_expect_success 'make deb builds the package without touching the tree' '
	tree_state >before
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$HCP_SRC" deb \
		O="$TEST_DIR/b" \
		DEB_OPTIONS="nocheck parallel=2 noautodbgsym noopt" >make.out &&
	tree_state >after
	test_cmp before after &&
	ls b/deb/hcp_*_*.deb >debs &&
	test "$(wc -l <debs)" = 1
'
DEB=$(cat debs 2>/dev/null)
DEB=$TEST_DIR/${DEB:-none}

R=$TEST_DIR/root

test_expect_success 'Build-Depends names every library the build links' '
	sed -n "/^Build-Depends:/,/^[^ ]/p" "$HCP_SRC/debian/control" |
		tr -s ", " "\n\n" | sed "s/(.*//" >builddeps &&
	pcs=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$HCP_SRC" \
		--no-print-directory \
		--eval "pcs: ; @echo \$(LIB_PC) \$(DRAW_PC) \$(SCAN_PC)" pcs) &&
	test -n "$pcs" &&
	for m in $pcs; do
		pc=$(pkg-config --path $m) &&
		pkg=$(dpkg -S "$pc" | sed "s/[:,].*//") &&
		grep -qx "$pkg" builddeps ||
			{ echo "$m ($pkg) not in Build-Depends"; exit 1; }
	done &&
	grep -qx libcsv-dev builddeps
'

test_expect_success 'the package unpacks into a scratch root' '
	dpkg-deb -x "$DEB" "$R" &&
	for c in "$HCP_SRC"/cmd/hcp*.c; do
		t=$(basename "$c" .c) &&
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

test_expect_success 'its tools say the version of the package' '
	dpkg-deb -f "$DEB" Version >version &&
	test -s version &&
	for c in "$HCP_SRC"/cmd/hcp*.c; do
		t=$(basename "$c" .c) &&
		echo "$t (hcp) $(cat version)" >expect &&
		"$R/usr/bin/$t" --version >out &&
		test_cmp expect out || exit 1
	done
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
