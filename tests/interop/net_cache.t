#!/bin/bash
# --cache DIR is trusted only like sshd's StrictModes trusts authorized_keys: a cached body is
# installed on a 304 without being fetched again, so a directory or entry that someone else could
# have written (group/other-writable, another owner, a symlink) is not used: one warning, and the
# fetch proceeds without it. The server revalidates like a real one (304 only for a matching ETag).
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need openssl python3

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
k1=$(ssh-keygen -q -t ed25519 -N '' -C one@test -f "$TAP_TMP/k1" && cat "$TAP_TMP/k1.pub")
k2=$(ssh-keygen -q -t ed25519 -N '' -C planted@test -f "$TAP_TMP/k2" && cat "$TAP_TMP/k2.pub")
cat > "$TAP_TMP/routes.json" <<JSON
{"/keys": [{"headers": [["ETag", "\"v1\""]], "body": "$k1\n", "conditional": true}],
 "/expired": [{"headers": [["ETag", "\"x1\""]], "body": "expiry-time=\\"20000101\\" $k1\n", "conditional": true}],
 "/partly": [{"headers": [["ETag", "\"p1\""]], "body": "expiry-time=\\"20000101\\" $k2\n$k1\n", "conditional": true}]}
JSON
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key" --log "$TAP_TMP/server.log"
ok $? "HTTPS server listening"
U=https://localhost:$HTTPS_PORT/keys
C=$TAP_TMP/cache
F=(--cacert "$P/root.pem" --retry 0 --cache "$C")

run "$KEYDROP" fetch "${F[@]}" "$U"
is "$RC:$OUT:$ERR" "0:$k1:" "first fetch stores the body"
is "$(stat -c %a "$C")" 700 "a new cache directory is made 0700"
entry=$(ls "$C")
is "$(stat -c %a "$C/$entry")" 600 "the entry is 0600"
run "$KEYDROP" -v fetch "${F[@]}" "$U"
is "$RC:$OUT" "0:$k1" "revalidated: 304 answered from the cache"
like "$ERR" "not modified \(HTTP 304\)" "-v says 304"

# plant: the entry keeps the server's real ETag but holds another key
plant() { sed -i "s|^ssh-ed25519 .*|$k2|" "$C/$entry"; grep -q planted@test "$C/$entry"; }
# unsafe CASE: the planted body is not used, one warning, the fresh body is fetched (no If-None-Match)
unsafe() {
	local what=$1 re=$2 # $4: the path the warning names
	n0=$(grep -c 'If-None-Match' "$TAP_TMP/server.log")
	run "$KEYDROP" fetch "${F[@]}" "$U"
	is "$RC:$OUT" "0:$k1" "$what: planted entry not used, fresh keys fetched"
	like "$ERR" "^keydrop: fetch: $4 not used: $re\$" "$what: one warning line"
	is "$(grep -c 'If-None-Match' "$TAP_TMP/server.log")" "$n0" "$what: no conditional request sent"
}
plant; ok $? "planted a key under the server's ETag"
chmod 0770 "$C"
unsafe "group-writable directory" "writable by group or others" - "cache $C"
chmod 0700 "$C"; plant
chmod 0622 "$C/$entry"
unsafe "other-writable entry" "writable by group or others" - "cache $C/$entry"
chmod 0600 "$C/$entry"; plant
ln -s "$C" "$TAP_TMP/cachelink"
F=(--cacert "$P/root.pem" --retry 0 --cache "$TAP_TMP/cachelink")
unsafe "cache directory is a symlink" "a symlink or not a directory" - "cache $TAP_TMP/cachelink"
F=(--cacert "$P/root.pem" --retry 0 --cache "$C")
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$C/$entry"
	unsafe "entry owned by another user" "not owned by the user running keydrop" - "cache $C/$entry"
	chown 0 "$C/$entry"; chown nobody "$C"
	unsafe "directory owned by another user" "not owned by the user running keydrop" - "cache $C"
	chown 0 "$C"
else
	skip "other owners need root"
fi
# a safe entry is used again (this is the owner's own cache)
rm -f "$C/$entry"
run "$KEYDROP" fetch "${F[@]}" "$U"
run "$KEYDROP" -v fetch "${F[@]}" "$U"
is "$RC:$OUT" "0:$k1" "safe cache: used"
like "$ERR" "not modified \(HTTP 304\)" "safe cache: 304 from the cache"

# Only a body the command accepted is kept: one whose entry sshd refuses as expired is refused
# (exit 3) and never cached, so no later 304 can answer with it. The command's one parse decides.
C2=$TAP_TMP/cache2
run "$KEYDROP" fetch --cacert "$P/root.pem" --retry 0 --cache "$C2" "https://localhost:$HTTPS_PORT/expired"
like "$RC:$ERR" "^3:keydrop: fetch: https://localhost:$HTTPS_PORT/expired: line 1: expiry-time is already past" \
	"expired entry: refused"
is "$(ls -A "$C2" 2>/dev/null | wc -l)" 0 "expired entry: the refused body is not cached"
# --skip-invalid keeps the good key of a body with an expired entry, but that body was not accepted
# as a whole: it is not cached either
C3=$TAP_TMP/cache3
run "$KEYDROP" fetch --cacert "$P/root.pem" --retry 0 --skip-invalid --cache "$C3" "https://localhost:$HTTPS_PORT/partly"
is "$RC:$OUT" "0:$k1" "--skip-invalid: the good key of a body with an expired entry"
like "$ERR" "skipped: expiry-time is already past" "... the expired one is skipped, said"
is "$(ls -A "$C3" 2>/dev/null | wc -l)" 0 "... and the body is not cached"
# install reads through the same collection: a good body is validated once and cached
H=$TAP_TMP/home; mkdir -p "$H"
run "$KEYDROP" install --file "$H/ak" --cacert "$P/root.pem" --retry 0 --cache "$C2" "$U"
is "$RC" 0 "install through --cache: ok"
is "$(ls -A "$C2" | wc -l)" 1 "install: the good body is cached"
run "$KEYDROP" -v install --file "$H/ak" --cacert "$P/root.pem" --retry 0 --cache "$C2" "$U"
like "$RC:$ERR" "^0:.*not modified \(HTTP 304\)" "install: the next run revalidates from the cache"
done_testing
