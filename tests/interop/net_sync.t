#!/bin/bash
# sync against a loopback HTTPS server whose answer changes between runs: keys added upstream
# appear, keys deleted upstream disappear, an upstream failure or an empty answer changes nothing,
# keys outside the block are never touched; then a real sshd accepts a newly synced key and refuses
# a removed one.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/sshd.sh"
command -v openssl >/dev/null && command -v python3 >/dev/null || { skip "openssl/python3 missing"; done_testing; }

P=$TAP_TMP/pki
mkdir -p "$P"
pki_root "$P" root ec && pki_sign "$P" root leaf ec leaf
ok $? "test PKI"
for n in 1 2 3; do ssh-keygen -q -t ed25519 -N '' -C "k$n@test" -f "$TAP_TMP/k$n"; done
k1=$(cat "$TAP_TMP/k1.pub"); k2=$(cat "$TAP_TMP/k2.pub"); k3=$(cat "$TAP_TMP/k3.pub")
# One answer per request, in order: [k1], [k1 k2], [k2], 500, empty, empty
cat > "$TAP_TMP/routes.json" <<JSON
{"/team.keys": [{"body": "$k1\n"}, {"body": "$k1\n$k2\n"}, {"body": "$k2\n"}, {"status": 500}, {"body": ""}, {"body": ""}]}
JSON
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening"
U=https://localhost:$HTTPS_PORT/team.keys

as_root=0
[ "$(id -u)" -eq 0 ] && user_create kdsync && as_root=1
if [ $as_root -eq 1 ]; then
	T=(--user "$TUSER"); ak=$THOME/.ssh/authorized_keys
	install -d -m 0700 -o "$TUSER" "$THOME/.ssh"
	printf '%s\n' "$k3" > "$ak"; chown "$TUSER" "$ak"; chmod 0600 "$ak"
else
	T=(--file "$TAP_TMP/ak"); ak=$TAP_TMP/ak
	printf '%s\n' "$k3" > "$ak"
fi
S=(sync "${T[@]}" --source team --cacert "$P/root.pem" --retry 0)
outside() { sed '/^# keydrop:begin team$/,/^# keydrop:end team$/d' "$ak"; }
block() { sed -n '/^# keydrop:begin team$/,/^# keydrop:end team$/p' "$ak" | sed '1d;$d'; }

run "$KEYDROP" "${S[@]}" "$U"
is "$RC" 0 "sync 1 (upstream: k1): exit 0"
is "$(block)" "$k1" "block holds k1"
is "$(outside)" "$k3" "key outside the block untouched"
like "$OUT" "added 256 SHA256:.* k1@test \(ED25519\) \[team\]" "reports the added key"

run "$KEYDROP" "${S[@]}" "$U"
is "$(block)" "$k1"$'\n'"$k2" "sync 2 (upstream: k1 k2): k2 added"

if [ $as_root -eq 1 ]; then
	mkdir -p "$TAP_TMP/hk"
	"$KEYDROP" hostkeys -q --root "$TAP_TMP/hk" -t ed25519 >/dev/null
	mkdir -p "$TAP_TMP/sshd"
	sshd_start "$TAP_TMP/sshd" "$TAP_TMP/hk/etc/ssh/ssh_host_ed25519_key"
	ok $? "sshd listening"
	ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k2" "$TUSER"
	is "$RC:$OUT" "0:keydrop-login-ok" "sshd: newly synced k2 logs in"
fi

run "$KEYDROP" "${S[@]}" "$U"
is "$RC" 0 "sync 3 (upstream: k2): exit 0"
is "$(block)" "$k2" "k1, deleted upstream, is removed"
like "$OUT" "removed 256 SHA256:.* k1@test" "reports the removed key"
is "$(outside)" "$k3" "key outside the block still untouched"
if [ $as_root -eq 1 ]; then
	ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k1" "$TUSER"
	ok $(( RC == 0 )) "sshd: removed k1 no longer logs in"
	ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k3" "$TUSER"
	is "$RC:$OUT" "0:keydrop-login-ok" "sshd: the key outside the block still logs in"
	h0=$(tree_hash "$THOME")
else
	h0=$(sha256sum < "$ak")
fi
snap() { if [ $as_root -eq 1 ]; then tree_hash "$THOME"; else sha256sum < "$ak"; fi; }
mt0=$(stat -c %Y.%i "$ak")

run "$KEYDROP" "${S[@]}" "$U"
is "$RC" 1 "sync 4 (upstream 500): exit 1"
is "$ERR" "keydrop: sync: $U: HTTP 500 (server error)" "upstream failure: message"
is "$(snap)" "$h0" "upstream failure: nothing changed"

run "$KEYDROP" "${S[@]}" "$U"
is "$RC" 3 "sync 5 (upstream empty): refused, exit 3"
like "$ERR" "refusing to empty block 'team' \(--allow-empty to allow\)" "empty upstream: message"
is "$(snap)" "$h0" "empty upstream: nothing changed"
is "$(stat -c %Y.%i "$ak")" "$mt0" "no write at all (same inode and mtime)"

run "$KEYDROP" "${S[@]}" --allow-empty "$U"
is "$RC" 0 "sync 6 (empty, --allow-empty): exit 0"
is "$(block)" "" "block emptied"
is "$(outside)" "$k3" "key outside the block survives an emptied block"
if [ $as_root -eq 1 ]; then
	ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k2" "$TUSER"
	ok $(( RC == 0 )) "sshd: k2 no longer logs in after the block was emptied"
	stat -c '%U %a' "$ak" > "$TAP_TMP/st"
	is "$(cat "$TAP_TMP/st")" "$TUSER 600" "file still owned by the user, 0600"
fi

# usage errors
run "$KEYDROP" sync "${T[@]}" "$U"
is "$RC" 2 "sync without --source: usage error"
run "$KEYDROP" sync "${T[@]}" --source 'bad name' "$U"
is "$RC" 2 "sync with a bad block name: usage error"
done_testing
