#!/bin/sh
# Messages: every message of the tools is translated in share/po/zh_CN.po,
# and a tool run under a Chinese locale speaks Chinese.
. "$(dirname "$0")/lib.sh"

if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	# make check's deps step generates it; do it here if we can.
	if [ "$(id -u)" = 0 ] && command -v locale-gen >/dev/null; then
		grep -q '^zh_CN.UTF-8' /etc/locale.gen 2>/dev/null ||
			echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
		locale-gen >/dev/null 2>&1
	fi
fi

# True if file $1 holds CJK text (UTF-8 lead bytes of U+4E00..U+9FFF).
has_chinese() {
	LC_ALL=C grep -q "$(printf '[\344-\351]')" "$1"
}

test_expect_success 'zh_CN.UTF-8 locale is available' '
	locale -a | grep -qi "^zh_CN\.utf-\?8\$"
'

test_expect_success 'every message in the sources is translated' '
	cd "$HCP_SRC" &&
	xgettext --from-code=UTF-8 --language=C -k_ -kN_ -o "$TEST_DIR/hcp.pot" \
		src/*.c cmd/*.c &&
	msgmerge -q "$HCP_SRC/share/po/zh_CN.po" "$TEST_DIR/hcp.pot" \
		-o "$TEST_DIR/merged.po" &&
	cd "$TEST_DIR" &&
	msgattrib --untranslated merged.po >untranslated.po &&
	msgattrib --only-fuzzy merged.po >fuzzy.po &&
	if [ -s untranslated.po ] || [ -s fuzzy.po ]; then
		grep "^msgid" untranslated.po fuzzy.po | head -n 20
		false
	fi
'

test_expect_success 'a tool under a Chinese locale speaks Chinese' '
	setup_station &&
	LC_ALL=zh_CN.UTF-8 hcp-init -d hcp.db --catalog "$SAMPLE" >out &&
	has_chinese out &&
	! grep "catalogue unchanged" out
'

test_expect_success 'errors are in Chinese too, still naming file:line' '
	cp -R "$SAMPLE" bad &&
	echo "X99,," >>bad/windows.csv &&
	! LC_ALL=zh_CN.UTF-8 hcp-init -d hcp.db --catalog bad 2>err &&
	test_grep err "bad/windows.csv:[0-9]*:" &&
	has_chinese err
'

test_expect_success 'the C locale stays English' '
	hcp-init -d hcp.db --catalog "$SAMPLE" >out &&
	test_grep out "catalogue unchanged"
'

test_done
