#!/bin/bash
# Removals that stick, against a live sshd: a block synced from a loopback HTTPS server, one of its
# keys removed, the server still listing it: after the next sync sshd refuses that key (the other
# still logs in); after `keydrop install` of it, sshd accepts it again. Fragments: a key installed
# with --fragment logs in through `AuthorizedKeysFile .ssh/authorized_keys.d/NAME` (bookworm's sshd
# 9.2 has no globs; the explicit path is the same file an OpenSSH 10 glob reads).
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/sshd.sh"
need openssl python3

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd login test needs root (throwaway user, privilege separation)"
	done_testing
fi

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
for n in 1 2 3; do ssh-keygen -q -t ed25519 -N '' -C "k$n@test" -f "$TAP_TMP/k$n"; done
k1=$(cat "$TAP_TMP/k1.pub"); k2=$(cat "$TAP_TMP/k2.pub")
fp1=$(ssh-keygen -lf "$TAP_TMP/k1.pub" | cut -d' ' -f2)
# The server lists k1 and k2 on every request: only the denial keeps k1 out.
cat > "$TAP_TMP/routes.json" <<JSON
{"/team.keys": [{"body": "$k1\n$k2\n"}]}
JSON
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening"
U=https://localhost:$HTTPS_PORT/team.keys

user_create kddeny; ok $? "throwaway user created"
ak=$THOME/.ssh/authorized_keys
S=(sync --user "$TUSER" --source team --cacert "$P/root.pem" --retry 0 "$U")

mkdir -p "$TAP_TMP/hk" "$TAP_TMP/sshd"
"$KEYDROP" hostkeys -q --root "$TAP_TMP/hk" -t ed25519 >/dev/null
sshd_start "$TAP_TMP/sshd" "$TAP_TMP/hk/etc/ssh/ssh_host_ed25519_key"
ok $? "sshd listening"

run "$KEYDROP" "${S[@]}"
is "$RC" 0 "sync: k1 and k2 into block team"
ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k1" "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "sshd: k1 logs in after the first sync"

run "$KEYDROP" remove --user "$TUSER" "$fp1"
is "$RC" 0 "remove k1"
like "$OUT" "from block team .*sync will not bring it back" "... says which block"
run "$KEYDROP" "${S[@]}"
is "$RC" 0 "sync again (the server still lists k1): exit 0"
[[ $ERR == *"$fp1 is denied in block team"* ]]; ok $? "... says k1 is denied"
grep -qF "$(cut -d' ' -f2 "$TAP_TMP/k1.pub")" "$ak"; ok $(( ! $? )) "... k1 is absent from the file"
is "$(stat -c '%U %a' "$ak")" "$TUSER 600" "... the file still the user's, 0600"
ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k1" "$TUSER"
ok $(( RC == 0 )) "sshd: k1 refused after the second sync"
like "$ERR" "Permission denied \(publickey\)" "... by a live sshd (not a dead one)"
ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k2" "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "sshd: k2 still logs in"
run "$KEYDROP" list --user "$TUSER"
[[ $OUT == *"denied $fp1 [block team]"* ]]; ok $? "list shows k1 denied"

run "$KEYDROP" install --user "$TUSER" --source team "$TAP_TMP/k1.pub"
is "$RC" 0 "install k1 (explicitly)"
ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k1" "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "sshd: k1 logs in again after install"
run "$KEYDROP" "${S[@]}"
is "$RC:$ERR" "0:" "sync after install: nothing denied"
ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k1" "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "sshd: k1 still logs in after the next sync"
kill "$SSHD_PID"; wait "$SSHD_PID" 2>/dev/null

# ---- a fragment, read by sshd through AuthorizedKeysFile ----------------------------------------------------
run "$KEYDROP" install --user "$TUSER" --fragment team "$TAP_TMP/k3.pub"
is "$RC" 0 "install --user --fragment team"
fr=$THOME/.ssh/authorized_keys.d/team
is "$(stat -c '%U %a' "$THOME/.ssh/authorized_keys.d" "$fr")" "$TUSER 700
$TUSER 600" "... authorized_keys.d 0700 and the fragment 0600, both the user's"
mkdir -p "$TAP_TMP/sshd2"
sshd_start "$TAP_TMP/sshd2" "$TAP_TMP/hk/etc/ssh/ssh_host_ed25519_key" "AuthorizedKeysFile .ssh/authorized_keys.d/team"
ok $? "sshd with AuthorizedKeysFile .ssh/authorized_keys.d/team"
ssh_login "$TAP_TMP/sshd2" "$TAP_TMP/k3" "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "sshd: the key installed into the fragment logs in"
ssh_login "$TAP_TMP/sshd2" "$TAP_TMP/k2" "$TUSER"
ok $(( RC == 0 )) "sshd: a key only in authorized_keys is refused there (the fragment is what it reads)"
run "$KEYDROP" sync --user "$TUSER" --fragment team --cacert "$P/root.pem" --retry 0 "$U"
is "$RC" 0 "sync --fragment team from the server"
ssh_login "$TAP_TMP/sshd2" "$TAP_TMP/k2" "$TUSER"
is "$RC:$OUT" "0:keydrop-login-ok" "sshd: a key synced into the fragment logs in"
run "$KEYDROP" remove --user "$TUSER" --fragment team "$(ssh-keygen -lf "$TAP_TMP/k3.pub" | cut -d' ' -f2)"
is "$RC" 0 "remove --fragment the installed key"
ssh_login "$TAP_TMP/sshd2" "$TAP_TMP/k3" "$TUSER"
ok $(( RC == 0 )) "sshd: the removed key is refused"
like "$ERR" "Permission denied \(publickey\)" "... by a live sshd"

done_testing
