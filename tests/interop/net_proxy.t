#!/bin/bash
# HTTP CONNECT proxy (tests/lib/connect_proxy.py on loopback): HTTPS_PROXY / https_proxy / --proxy
# go through it (its log shows the tunnel), NO_PROXY bypasses it, a refusing or dead proxy fails
# with its own message.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need openssl python3

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
k1=$(ssh-keygen -q -t ed25519 -N '' -C proxy@test -f "$TAP_TMP/k1" && cat "$TAP_TMP/k1.pub")
printf '{"/k": [{"body": "%s\\n"}]}\n' "$k1" > "$TAP_TMP/routes.json"
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening"
proxy_start "$TAP_TMP/proxy.log"
ok $? "CONNECT proxy listening"
proxy_start "$TAP_TMP/refuse.log" --refuse
REFUSE_PORT=$PROXY_PORT
proxy_start "$TAP_TMP/proxy.log"
: > "$TAP_TMP/proxy.log"
U=https://localhost:$HTTPS_PORT/k
F=(--cacert "$P/root.pem" --retry 0 --timeout 10)
tunnels() { grep -c "^CONNECT localhost:$HTTPS_PORT\$" "$TAP_TMP/proxy.log"; }

run env -u NO_PROXY -u no_proxy HTTPS_PROXY="http://127.0.0.1:$PROXY_PORT" "$KEYDROP" fetch "${F[@]}" "$U"
is "$RC:$OUT" "0:$k1" "HTTPS_PROXY: fetched through the proxy"
is "$(tunnels)" 1 "HTTPS_PROXY: the proxy saw CONNECT localhost:$HTTPS_PORT"

run env -u NO_PROXY -u no_proxy -u HTTPS_PROXY https_proxy="http://127.0.0.1:$PROXY_PORT" "$KEYDROP" fetch "${F[@]}" "$U"
is "$RC:$OUT" "0:$k1" "https_proxy (lower case) works too"
is "$(tunnels)" 2 "https_proxy: tunnel logged"

for np in localhost .localhost '*' 'example.com, localhost:443'; do
	run env HTTPS_PROXY="http://127.0.0.1:$PROXY_PORT" NO_PROXY="$np" "$KEYDROP" fetch "${F[@]}" "$U"
	is "$RC:$OUT" "0:$k1" "NO_PROXY='$np': fetched directly"
	is "$(tunnels)" 2 "NO_PROXY='$np': the proxy was bypassed"
done
run env HTTPS_PROXY="http://127.0.0.1:$PROXY_PORT" NO_PROXY="example.com,otherlocalhost" "$KEYDROP" fetch "${F[@]}" "$U"
is "$(tunnels)" 3 "NO_PROXY without a match (no partial-label match): proxy used"

run env -u HTTPS_PROXY -u https_proxy "$KEYDROP" fetch "${F[@]}" --proxy "http://127.0.0.1:$PROXY_PORT" "$U"
is "$RC:$OUT" "0:$k1" "--proxy URL"
is "$(tunnels)" 4 "--proxy: tunnel logged"

run "$KEYDROP" fetch "${F[@]}" --proxy "http://127.0.0.1:$REFUSE_PORT" "$U"
is "$RC" 1 "refusing proxy: exit 1"
is "$ERR" "keydrop: fetch: $U: proxy refused CONNECT to localhost:$HTTPS_PORT: HTTP 403" "refusing proxy: message"

dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
run "$KEYDROP" fetch "${F[@]}" --proxy "http://127.0.0.1:$dead" "$U"
is "$RC" 1 "dead proxy: exit 1"
like "$ERR" "proxy: cannot connect to 127.0.0.1 \(127.0.0.1 port $dead\): Connection refused" "dead proxy: message"

run "$KEYDROP" fetch "${F[@]}" --proxy "https://127.0.0.1:$PROXY_PORT" "$U"
like "$ERR" "unusable proxy URL" "https:// proxy URL refused"
done_testing
