# SPDX-License-Identifier: ISC
#
# A small TAP library for the hcp CLI tests, after git's t/test-lib.sh.
# A test script sources it, then calls:
#
#   test_expect_success 'what' 'commands'     the commands must succeed
#   test_expect_code N 'what' 'commands'      they must exit with N
#   test_cmp expected actual                  files must be equal (diff)
#   test_done                                 prints the plan, exits
#
# Each script runs in a fresh temporary directory (removed at the end)
# with LC_ALL=C.UTF-8 and TZ=UTC; the tools come from $HCP_BUILD/bin and
# the data from $HCP_DATADIR, as "make check" sets them.

set -u
: "${HCP_SRC:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${HCP_BUILD:=$HCP_SRC/build}"
: "${HCP_DATADIR:=$HCP_SRC/share}"
PATH="$HCP_BUILD/bin:$PATH"
LC_ALL=C.UTF-8
TZ=UTC
HCP_OPERATOR=tester
export PATH HCP_DATADIR HCP_SRC HCP_BUILD LC_ALL TZ HCP_OPERATOR
# under ASan: leaks inside libraries the tools link (tests/lsan.supp)
LSAN_OPTIONS="suppressions=$HCP_SRC/tests/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hcp-test.XXXXXX")
SAN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hcp-test-san.XXXXXX")
trap 'rm -rf "$TEST_DIR" "$SAN_DIR"' EXIT
cd "$TEST_DIR" || exit 1
# under ASan+UBSan a finding (a leak too) exits 86, never 1: a test
# awaiting a tool's 1 (findings in the data) cannot take a memory error
# for it; and the report goes to a file of $SAN_DIR, which test_run_
# looks at after each test: a run whose status a pipe or a ";" drops
# (hcp-x | grep) still fails its test
ASAN_OPTIONS="exitcode=86:log_path=$SAN_DIR/asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
UBSAN_OPTIONS="exitcode=86:print_stacktrace=1:log_path=$SAN_DIR/ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS UBSAN_OPTIONS
unset HCP_DB LANGUAGE LANG

SAMPLE="$HCP_SRC/share/sample"
test_count=0
test_failures=0

say() {
	printf '# %s\n' "$*"
}

test_ok_() {
	test_count=$((test_count + 1))
	printf 'ok %d - %s\n' "$test_count" "$1"
}

test_failure_() {
	test_count=$((test_count + 1))
	test_failures=$((test_failures + 1))
	printf 'not ok %d - %s\n' "$test_count" "$1"
	shift
	printf '%s\n' "$*" | sed 's/^/#	/'
	if [ -s "$TEST_DIR/.out" ]; then
		say "output:"
		tail -n 30 "$TEST_DIR/.out" | sed 's/^/#	/'
	fi
}

test_run_() {
	(eval "$1") >"$TEST_DIR/.out" 2>&1 </dev/null
	rc_=$?
	if ! sanitizer_clean_ >>"$TEST_DIR/.out"; then
		return 86
	fi
	return $rc_
}

# Prints and removes the sanitizers' reports written so far: false if
# there were any.
sanitizer_clean_() {
	set -- "$SAN_DIR"/*
	[ -e "$1" ] || return 0
	cat "$@"
	rm -f "$@"
	return 1
}

test_expect_success() {
	if test_run_ "$2"; then
		test_ok_ "$1"
	else
		test_failure_ "$1" "$2"
	fi
}

# test_expect_code CODE NAME BODY: the test passes when BODY ends with
# status CODE.  A body that runs the tool, then checks what it wrote,
# keeps the tool's status and ends "CHECKS && exit $rc || exit 99": a
# check that fails gives 99, never the status awaited (a failed grep is
# 1, the status of a tool that found problems).
test_expect_code() {
	want=$1
	shift
	test_run_ "$2"
	got=$?
	if [ "$got" = "$want" ]; then
		test_ok_ "$1"
	else
		test_failure_ "$1 (exit $got, wanted $want)" "$2"
	fi
}

test_cmp() {
	diff -u "$@"
}

# Fails unless file $1 contains a line matching the basic regex $2.
test_grep() {
	if ! grep -e "$2" "$1" >/dev/null; then
		echo "no line matching '$2' in $1:"
		head -n 20 "$1"
		return 1
	fi
}

# Makes a station db "hcp.db" from the sample catalogue.
setup_station() {
	hcp-init -q -d "${1:-hcp.db}" --catalog "$SAMPLE"
}

test_done() {
	if ! sanitizer_clean_ >"$TEST_DIR/.out"; then
		test_failure_ "a sanitizer report after the last test" ""
	fi
	printf '1..%d\n' "$test_count"
	[ "$test_failures" -eq 0 ]
	exit
}

# skip_all REASON: the whole file is skipped, before its first test; the
# harness shows the reason ("skipped: REASON").
skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	exit 0
}

# test_expect_code_ N command...: runs the command, fails unless it
# exits with N (for use inside a test body).
test_expect_code_() {
	want_=$1
	shift
	"$@"
	got_=$?
	if [ "$got_" != "$want_" ]; then
		echo "exit $got_, wanted $want_: $*"
		return 1
	fi
}
