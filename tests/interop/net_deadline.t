#!/bin/bash
# --timeout is one deadline for the whole command: every source, retries and name resolution
# included (--wait-network S likewise). getaddrinfo has no timeout of its own, so a resolver that
# never answers is tested in private mount + network + PID namespaces: /etc/resolv.conf bind-mounted
# to name 127.0.0.1, where a silent DNS server listens; loopback only.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need openssl python3

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
k1=$(ssh-keygen -q -t ed25519 -N '' -C one@test -f "$TAP_TMP/k1" && cat "$TAP_TMP/k1.pub")
cat > "$TAP_TMP/routes.json" <<JSON
{"/late": [{"delay": 2, "body": "$k1\n"}], "/ok": [{"body": "$k1\n"}]}
JSON
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening"
U=https://localhost:$HTTPS_PORT
F=(--cacert "$P/root.pem" --retry 0)

# one deadline over all sources: each answers within 3 s, both together do not
t0=$(now_ms)
run "$KEYDROP" fetch "${F[@]}" --timeout 3 "$U/late" "$U/late"
t1=$(now_ms)
is "$RC" 1 "two 2-second sources under --timeout 3: exit 1"
like "$ERR" "^keydrop: fetch: $U/late: timed out" "the second source runs out of the shared deadline"
ok $(( (t1 - t0) >= 2900 && (t1 - t0) < 3800 ? 0 : 1 )) "--timeout 3 over both sources: gave up after $((t1 - t0)) ms"
run "$KEYDROP" fetch "${F[@]}" --timeout 5 "$U/late" "$U/late"
is "$RC:$OUT" "0:$k1" "both within --timeout 5: ok"

# --wait-network S: one deadline too (a 2 s source, then a refused port, under --wait-network 3)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
t0=$(now_ms)
run "$KEYDROP" fetch --cacert "$P/root.pem" --retry-delay 100 --wait-network 3 "$U/late" "https://localhost:$port/x"
t1=$(now_ms)
is "$RC" 1 "--wait-network 3 with a refused second source: exit 1"
ok $(( (t1 - t0) >= 2900 && (t1 - t0) < 3800 ? 0 : 1 )) "--wait-network 3 over both sources: gave up after $((t1 - t0)) ms"

# name resolution is bounded by the deadline
if [ "$(id -u)" -ne 0 ] || ! unshare -mnpf --mount-proc true 2>/dev/null; then
	skip "resolver deadline: needs root and unshare (mount, network, PID namespaces)"
	done_testing
fi
printf 'nameserver 127.0.0.1\n' > "$TAP_TMP/resolv.conf"
cat > "$TAP_TMP/ns.sh" <<'SH'
# runs inside the namespaces: $1 resolv.conf, $2 silent_dns.py, $3 keydrop, $4 timeout, $5 retries
set -u
ip link set lo up || exit 90
mount --bind "$1" /etc/resolv.conf || exit 91
exec {dns}< <(exec python3 "$2")
IFS= read -r -t 30 line <&$dns && [ "$line" = "listening 53" ] || exit 92
t0=$(date +%s%3N)
"$3" fetch --retry "$5" --retry-delay 100 --timeout "$4" https://keys.example.com/alice.keys 2>"$TMPDIR/err"
rc=$?
t1=$(date +%s%3N)
IFS= read -r -t 5 line <&$dns   # the resolver did ask (the server saw a query)
echo "rc=$rc ms=$((t1 - t0)) dns=${line:-none} left=$(ps -e -o comm= | grep -c keydrop)"
SH
for case in "1 0" "2 5"; do
	read -r to retries <<<"$case"
	res=$(TMPDIR=$TAP_TMP unshare -mnpf --mount-proc bash "$TAP_TMP/ns.sh" "$TAP_TMP/resolv.conf" \
		"$NET_LIB/silent_dns.py" "$KEYDROP" "$to" "$retries")
	diag "$res"
	[[ $res =~ rc=([0-9]+)\ ms=([0-9]+)\ dns=(.*)\ left=([0-9]+) ]] || { ok 1 "namespace run ($res)"; continue; }
	m=("${BASH_REMATCH[@]}")
	is "${m[1]}" 1 "silent DNS, --timeout $to --retry $retries: exit 1"
	ok $(( m[2] >= to * 1000 - 100 && m[2] < to * 1000 + 700 ? 0 : 1 )) "silent DNS: gave up after ${m[2]} ms (deadline $to s)"
	like "${m[3]}" "^query " "silent DNS: the resolver really asked the stub"
	is "${m[4]}" 0 "silent DNS: no resolver child left behind"
	like "$(tail -1 "$TAP_TMP/err")" "^keydrop: fetch: https://keys.example.com/alice.keys: timed out resolving keys.example.com$" \
		"silent DNS: says it timed out resolving the name"
done
done_testing
