#!/bin/sh
# share/examples/upload.sh against a real nginx (WebDAV PUT) on
# 127.0.0.1 started here: batches arrive intact and verify, a link that
# is down is retried and caught up later, receipts the receiving side
# issues are fetched and recorded, and running again sends nothing twice.
. "$(dirname "$0")/lib.sh"

SOURCE_DATE_EPOCH=1795300000
export SOURCE_DATE_EPOCH
UPLOAD="$HCP_SRC/share/examples/upload.sh"

NGINX=$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null)
if [ -z "$NGINX" ]; then
	echo "1..0 # SKIP nginx is not installed"
	exit 0
fi

# start_nginx: serves www/ with PUT on a free port; sets PORT.
start_nginx() {
	mkdir -p www ngx/tmp &&
	for try in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$((20000 + ($$ * 7 + try * 131) % 30000))
		cat >ngx/nginx.conf <<-EOF
		daemon on;
		worker_processes 1;
		pid $TEST_DIR/ngx/nginx.pid;
		error_log $TEST_DIR/ngx/error.log;
		events { worker_connections 64; }
		http {
			access_log $TEST_DIR/ngx/access.log;
			client_body_temp_path $TEST_DIR/ngx/tmp;
			proxy_temp_path $TEST_DIR/ngx/tmp;
			fastcgi_temp_path $TEST_DIR/ngx/tmp;
			uwsgi_temp_path $TEST_DIR/ngx/tmp;
			scgi_temp_path $TEST_DIR/ngx/tmp;
			server {
				listen 127.0.0.1:$PORT;
				root $TEST_DIR/www;
				location / {
					dav_methods PUT;
					create_full_put_path on;
					client_max_body_size 64m;
				}
			}
		}
		EOF
		if [ "$(id -u)" = 0 ]; then
			sed -i "1i user root;" ngx/nginx.conf
		fi
		"$NGINX" -p "$TEST_DIR/ngx" -c "$TEST_DIR/ngx/nginx.conf" \
			2>>ngx/start.log && break
	done &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
		sleep 0.2
	done
	return 1
}

stop_nginx() {
	if [ -s ngx/nginx.pid ]; then
		kill "$(cat ngx/nginx.pid)"
		for i in 1 2 3 4 5 6 7 8 9 10; do
			[ -e ngx/nginx.pid ] || break
			sleep 0.1
		done
	fi
}
trap 'stop_nginx; rm -rf "$TEST_DIR"' EXIT

test_expect_success 'setup: a station with imported records, a receiver key' '
	setup_station &&
	sh "$HCP_SRC/tests/bench/populate.sh" hcp.db 300 >/dev/null &&
	hcp-init -d hcp.db --print-pubkey >pub.pem &&
	openssl genpkey -algorithm SM2 -out recv.pem 2>/dev/null &&
	openssl pkey -in recv.pem -pubout -out hcp.db.receiver.pem
'

test_expect_success 'with the link down, upload retries, then gives up' '
	PORT=$((20000 + ($$ * 11) % 30000)) &&
	HCP_UPLOAD_TRIES=3 HCP_UPLOAD_WAIT=0 test_expect_code_ 1 \
		sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" \
		>out 2>err &&
	test "$(grep -c "attempt .* failed" err)" = 2 &&
	test_grep err "not sent; will try again" &&
	test -f outbox/hcp-33052301-000001.tar.gz &&
	hcp-pack -d hcp.db -p -l >pending && test "$(wc -l <pending)" = 1
'

# Started here, not inside a test: tests run in subshells.
start_nginx >ngx-start.out 2>&1
started=$?

test_expect_success 'nginx with WebDAV PUT starts on 127.0.0.1' '
	cat ngx-start.out ngx/start.log ngx/error.log 2>/dev/null;
	test $started = 0 && say "nginx on port $PORT"
'

test_expect_success 'upload.sh sends what waits; the copies are identical' '
	sh "$HCP_SRC/tests/bench/populate.sh" hcp.db 200 300 >/dev/null &&
	sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" >out &&
	test_grep out "hcp-33052301-000001: sent" &&
	test_grep out "hcp-33052301-000002: sent" &&
	for f in outbox/*.tar.gz; do
		cmp "$f" "www/in/${f#outbox/}" || return 1
	done &&
	test "$(ls www/in | wc -l)" = 2 &&
	test -e outbox/.sent/hcp-33052301-000001
'

test_expect_success 'the server copies verify' '
	hcp-verify -k pub.pem www/in/*.tar.gz
'

test_expect_success 'the receiver issues receipts; upload.sh records them' '
	hcp-verify -q -k pub.pem --receipt recv.pem www/in/*.tar.gz &&
	ls www/in/*.receipt >/dev/null &&
	sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" >out &&
	test_grep out "hcp-33052301-000001: acknowledged" &&
	test_grep out "hcp-33052301-000002: acknowledged" &&
	! grep sent out &&
	test "$(sqlite3 hcp.db "SELECT group_concat(state) FROM batches")" = acknowledged,acknowledged &&
	cmp www/in/hcp-33052301-000001.receipt outbox/receipts/hcp-33052301-000001.receipt &&
	! test -e outbox/.sent/hcp-33052301-000001
'

test_expect_success 'running again sends nothing, new records go in a new batch' '
	sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" >out &&
	! test -s out &&
	sh "$HCP_SRC/tests/bench/populate.sh" hcp.db 50 500 >/dev/null &&
	: >ngx/access.log &&
	sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" >out &&
	echo "hcp-33052301-000003: sent" >expect && test_cmp expect out &&
	test "$(grep -c "PUT " ngx/access.log)" = 1 &&
	cmp outbox/hcp-33052301-000003.tar.gz www/in/hcp-33052301-000003.tar.gz
'

test_expect_success 'forged or misplaced receipts on the server are not recorded' '
	sh "$HCP_SRC/tests/bench/populate.sh" hcp.db 20 600 >/dev/null &&
	sed "s/^Batch: .*/Batch: hcp-33052301-000004/" \
		www/in/hcp-33052301-000001.receipt >www/in/hcp-33052301-000004.receipt &&
	cp www/in/hcp-33052301-000001.receipt www/in/hcp-33052301-000003.receipt &&
	sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" >out 2>err &&
	test_grep out "hcp-33052301-000003: sent" &&
	test_grep out "hcp-33052301-000004: sent" &&
	test_grep err "not a receipt for hcp-33052301-000003" &&
	test_grep err "signature is not good" &&
	test "$(sqlite3 hcp.db "SELECT group_concat(state) FROM batches WHERE seq > 2")" = packed,packed
'

test_expect_success 'a batch damaged in the outbox is written again, not sent' '
	sh "$HCP_SRC/tests/bench/populate.sh" hcp.db 10 700 >/dev/null &&
	hcp-pack -q -d hcp.db -o outbox &&
	f=outbox/hcp-33052301-000005.tar.gz && cp $f good.tar.gz &&
	printf "\\377" | dd of=$f bs=1 seek=300 conv=notrunc 2>/dev/null &&
	! cmp -s $f good.tar.gz &&
	sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" >out 2>err &&
	test_grep err "hcp-33052301-000005.tar.gz: damaged here" &&
	cmp good.tar.gz www/in/hcp-33052301-000005.tar.gz &&
	cmp good.tar.gz $f && test -f outbox/damaged/hcp-33052301-000005.tar.gz
'

test_expect_success 'a batch the receiving side refused: why is said, exit 3; sent again a day after its last sending' '
	mkdir county-in &&
	cp www/in/hcp-33052301-000005.tar.gz county-in/ &&
	openssl genpkey -algorithm SM2 -out other.pem 2>/dev/null &&
	openssl pkey -in other.pem -pubout -out other.pub &&
	hcp-intake -d county.db --register 33052301 --pubkey other.pub &&
	test_expect_code_ 1 hcp-intake -q -d county.db -K recv.pem county-in \
		2>/dev/null &&
	cp county-in/hcp-33052301-000005.refused www/in/ &&
	: >ngx/access.log &&
	test_expect_code_ 3 sh "$UPLOAD" -d hcp.db -o outbox \
		"http://127.0.0.1:$PORT/in/" >out 2>err &&
	test_grep err "hcp-33052301-000005.refused: batch 5 (hcp-33052301-000005) was refused by the receiving side on " &&
	test_grep err "^  signature.sm2: the signature is not good for this station.s key" &&
	test_grep err "hcp-33052301-000005.tar.gz: refused by the receiving side (hcp-pack -l says why)" &&
	test_grep err "hcp-33052301-000005.tar.gz: sent again once its last sending is 86400s old" &&
	! grep "hcp-33052301-000005: sent" out &&
	! grep "PUT /in/hcp-33052301-000005.tar.gz " ngx/access.log &&
	touch -d "25 hours ago" outbox/.sent/hcp-33052301-000005 &&
	test_expect_code_ 3 sh "$UPLOAD" -d hcp.db -o outbox \
		"http://127.0.0.1:$PORT/in/" >out 2>err &&
	test_grep err "hcp-33052301-000005.tar.gz: refused by the receiving side" &&
	! grep "signature.sm2" err &&
	test_grep out "hcp-33052301-000005: sent" &&
	test_grep ngx/access.log "PUT /in/hcp-33052301-000005.tar.gz " &&
	test "$(stat -c %Y outbox/.sent/hcp-33052301-000005)" -gt "$(($(date +%s) - 60))" &&
	hcp-pack -d hcp.db -l >list &&
	test_grep list "^ *5  hcp-33052301-000005  refused " &&
	test_expect_code_ 1 hcp-pack -q -d hcp.db \
		--ack outbox/receipts/hcp-33052301-000005.refused 2>ack.err &&
	test_grep ack.err "refusal of batch hcp-33052301-000005 (.*), not a receipt"
'

test_expect_success 'a refusal under another batch name, or signed by another key, is passed over' '
	cp www/in/hcp-33052301-000005.refused www/in/hcp-33052301-000004.refused &&
	hcp-intake -q -d county2.db --register 33052301 --pubkey other.pub &&
	rm -f county-in/*.refused && cp www/in/hcp-33052301-000005.tar.gz county-in/ &&
	test_expect_code_ 1 hcp-intake -q -d county2.db -K other.pem county-in \
		2>/dev/null &&
	cp county-in/hcp-33052301-000005.refused www/in/ &&
	sh "$UPLOAD" -d hcp.db -o outbox "http://127.0.0.1:$PORT/in/" >out 2>err &&
	test_grep err "hcp-33052301-000004.refused: not a refusal of hcp-33052301-000004" &&
	test_grep err "hcp-33052301-000005.refused: the refusal.s signature is not good" &&
	! grep "refused by the receiving side" err &&
	test_grep out "hcp-33052301-000004: sent" &&
	test_grep out "hcp-33052301-000005: sent"
'

test_expect_success 'nginx stops' '
	stop_nginx && ! test -e ngx/nginx.pid
'

test_done
