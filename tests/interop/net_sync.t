#!/bin/bash
# sync against a loopback HTTPS server whose answer changes between runs: keys added upstream
# appear, keys deleted upstream disappear, an upstream failure or an empty answer changes nothing,
# keys outside the block are never touched; then a real sshd accepts a newly synced key and refuses
# a removed one.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/sshd.sh"
need openssl python3

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
for n in 1 2 3 4; do ssh-keygen -q -t ed25519 -N '' -C "k$n@test" -f "$TAP_TMP/k$n"; done
k1=$(cat "$TAP_TMP/k1.pub"); k2=$(cat "$TAP_TMP/k2.pub"); k3=$(cat "$TAP_TMP/k3.pub"); k4=$(cat "$TAP_TMP/k4.pub")
# /team.keys: one answer per request, in order: [k1], [k1 k2], [k2], 500, empty, empty
cat > "$TAP_TMP/routes.json" <<JSON
{"/team.keys": [{"body": "$k1\n"}, {"body": "$k1\n$k2\n"}, {"body": "$k2\n"}, {"status": 500}, {"body": ""}, {"body": ""}],
 "/one.keys": [{"body": "$k1\n"}], "/two.keys": [{"body": "$k1\n$k2\n"}], "/empty.keys": [{"body": ""}],
 "/bad.keys": [{"body": "not a key\n"}], "/opts.keys": [{"body": "command=\\"echo hi there\\" $k4\n"}]}
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
	like "$ERR" "Permission denied \(publickey\)" "sshd: k1 refused by a live sshd (not a dead one)"
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
is "$ERR" "keydrop: sync: $U: HTTP 500 (server error) (nothing changed)" "upstream failure: message (and that nothing changed)"
is "$(snap)" "$h0" "upstream failure: nothing changed"

run "$KEYDROP" "${S[@]}" "$U"
is "$RC" 3 "sync 5 (upstream empty): refused, exit 3"
is "$ERR" "keydrop: sync: $U: no keys in the response (empty); refusing to remove keys of block 'team' (--allow-empty to allow) (nothing changed)" "empty upstream: message"
is "$(snap)" "$h0" "empty upstream: nothing changed"
is "$(stat -c %Y.%i "$ak")" "$mt0" "no write at all (same inode and mtime)"

run "$KEYDROP" "${S[@]}" --allow-empty "$U"
is "$RC" 0 "sync 6 (empty, --allow-empty): exit 0"
is "$(block)" "" "block emptied"
is "$(outside)" "$k3" "key outside the block survives an emptied block"
if [ $as_root -eq 1 ]; then
	ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k2" "$TUSER"
	ok $(( RC == 0 )) "sshd: k2 no longer logs in after the block was emptied"
	like "$ERR" "Permission denied \(publickey\)" "sshd: k2 refused by a live sshd (not a dead one)"
	ssh_login "$TAP_TMP/sshd" "$TAP_TMP/k3" "$TUSER"
	is "$RC:$OUT" "0:keydrop-login-ok" "sshd: right after, the key outside the block still logs in"
	stat -c '%U %a' "$ak" > "$TAP_TMP/st"
	is "$(cat "$TAP_TMP/st")" "$TUSER 600" "file still owned by the user, 0600"
fi

# Each source on its own: one that is empty, or has no valid key left by --skip-invalid, never
# removes keys, even when the other sources are not empty (exit 3, target byte-for-byte unchanged).
B=https://localhost:$HTTPS_PORT
A2=(--file "$TAP_TMP/ak2" --source acct --cacert "$P/root.pem" --retry 0)
run "$KEYDROP" sync "${A2[@]}" "$B/two.keys"
is "$RC" 0 "two-source block: set up with k1 k2"
cp -p "$TAP_TMP/ak2" "$TAP_TMP/ak2.orig"
mt2=$(stat -c %Y.%i "$TAP_TMP/ak2")
run "$KEYDROP" sync "${A2[@]}" "$B/one.keys" "$B/empty.keys"
is "$RC" 3 "source 2 of 2 empty: refused, exit 3"
is "$ERR" "keydrop: sync: $B/empty.keys: no keys in the response (empty); refusing to remove keys of block 'acct' (--allow-empty to allow) (nothing changed)" "source 2 empty: names the empty source"
cmp -s "$TAP_TMP/ak2" "$TAP_TMP/ak2.orig"; ok $? "source 2 empty: target byte-for-byte unchanged (k2 kept)"
is "$(stat -c %Y.%i "$TAP_TMP/ak2")" "$mt2" "source 2 empty: not written at all"
run "$KEYDROP" sync "${A2[@]}" --skip-invalid "$B/one.keys" "$B/bad.keys"
is "$RC" 3 "--skip-invalid leaving source 2 with no valid key: refused, exit 3"
like "$ERR" "$B/bad.keys: no valid key in the response; refusing to remove keys of block 'acct'" "--skip-invalid: names the source"
cmp -s "$TAP_TMP/ak2" "$TAP_TMP/ak2.orig"; ok $? "--skip-invalid, no valid key: target byte-for-byte unchanged"
run "$KEYDROP" sync "${A2[@]}" "$B/empty.keys" "$B/two.keys"
is "$RC" 3 "source 1 of 2 empty: refused too"
cmp -s "$TAP_TMP/ak2" "$TAP_TMP/ak2.orig"; ok $? "source 1 empty: target unchanged"
run "$KEYDROP" sync "${A2[@]}" --allow-empty "$B/one.keys" "$B/empty.keys"
is "$RC:$(sed -n 2,3p "$TAP_TMP/ak2")" "0:$k1"$'\n'"# keydrop:end acct" "--allow-empty: the empty source's keys are removed (opt-in)"
run "$KEYDROP" sync "${A2[@]}" "$B/one.keys" "$B/one.keys"
is "$RC" 0 "two sources giving the same key: neither counts as empty"

# the "added" report takes the comment from the real parser (options may hold quoted blanks)
run "$KEYDROP" sync --file "$TAP_TMP/ak4" --source o --cacert "$P/root.pem" --retry 0 "$B/opts.keys"
is "$RC" 0 "key line with command=\"...\": synced"
is "$OUT" "added $(ssh-keygen -lf "$TAP_TMP/k4.pub") [o]"$'\n'"block o: 1 key (1 added, 0 removed)" "report names the real comment"

# --config FILE (keydrop-sync@.service: /etc/keydrop/sync/USER.conf): sources, network options and
# the block from the file; refused unless owned by root or the caller and writable only by its owner.
C=$TAP_TMP/sync.conf
cat > "$C" <<EOF
# keys of the team, as keydrop-sync@.service reads them
source $B/two.keys
cacert $P/root.pem
retry 0
block cfg
EOF
chmod 0600 "$C"
printf '%s\n' "$k3" > "$TAP_TMP/ak5"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$C"
is "$RC:$ERR" "0:" "sync --config: exit 0"
is "$(cat "$TAP_TMP/ak5")" "$k3"$'\n'"# keydrop:begin cfg"$'\n'"$k1"$'\n'"$k2"$'\n'"# keydrop:end cfg" \
	"sync --config: the file's source, --cacert and block: k1 k2 in block cfg, k3 kept"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config="$C" --source cfg2 "$B/one.keys"
is "$RC:$(sed -n '/^# keydrop:begin cfg2$/,/^# keydrop:end cfg2$/p' "$TAP_TMP/ak5" | sed '1d;$d')" "0:$k1"$'\n'"$k2" \
	"sync --config=FILE: a --source on the command line wins; its SOURCE adds to the file's"
mkdir -p "$TAP_TMP/fh" && chmod 0755 "$TAP_TMP/fh"
printf 'source %s\ncacert %s\nfragment team\n' "$B/one.keys" "$P/root.pem" > "$TAP_TMP/frag.conf"
chmod 0644 "$TAP_TMP/frag.conf"
run "$KEYDROP" sync --home "$TAP_TMP/fh" --config "$TAP_TMP/frag.conf"
is "$RC:$(grep -v '^#' "$TAP_TMP/fh/.ssh/authorized_keys.d/team" 2>&1)" "0:$k1" "sync --config with 'fragment team': the fragment file"
cp -p "$TAP_TMP/ak5" "$TAP_TMP/ak5.orig"
mt5=$(stat -c %Y.%i "$TAP_TMP/ak5")
unchanged5() { cmp -s "$TAP_TMP/ak5" "$TAP_TMP/ak5.orig" && [ "$(stat -c %Y.%i "$TAP_TMP/ak5")" = "$mt5" ]; }
sed -i "s|two.keys|one.keys|" "$C" # what the refused file says would remove k2
chmod 0620 "$C"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$C"
is "$RC:$OUT:$ERR" "2::keydrop: sync: --config $C: not a regular file owned by root (or you) and writable only by its owner" \
	"group-writable --config: refused, exit 2, one line"
unchanged5; ok $? "group-writable --config: target byte-for-byte unchanged, not written"
chmod 0602 "$C"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$C"
is "$RC" 2 "other-writable --config: refused"
unchanged5; ok $? "other-writable --config: target unchanged"
chmod 0600 "$C"
if [ $as_root -eq 1 ]; then
	chown "$TUSER" "$C"
	run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$C"
	like "$RC:$ERR" "^2:keydrop: sync: --config $C: not a regular file owned by root \(or you\)" \
		"--config owned by another user (root runs it): refused, exit 2"
	unchanged5; ok $? "--config of another owner: target byte-for-byte unchanged, not written"
	chown root "$C"
fi
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --conf "$C"
is "$RC:$(unchanged5; echo $?)" "2:0" "--conf (abbreviated, not read first): usage error, target unchanged"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$C" --config "$C"
is "$RC" 2 "two --config: usage error"
printf 'config %s\n' "$C" > "$TAP_TMP/nested.conf"; chmod 0600 "$TAP_TMP/nested.conf"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$TAP_TMP/nested.conf"
is "$RC:$ERR" "2:keydrop: sync: --config $TAP_TMP/nested.conf: no config line in a config file" "a config line inside --config: refused"
printf 'conf %s\n' "$C" > "$TAP_TMP/nested2.conf"; chmod 0600 "$TAP_TMP/nested2.conf"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$TAP_TMP/nested2.conf"
is "$RC:$ERR" "2:keydrop: sync: --config $TAP_TMP/nested2.conf: no config line in a config file" \
	"'conf FILE' (an abbreviation getopt takes for --config) inside --config: refused too"
run "$KEYDROP" sync --file "$TAP_TMP/ak5" --config "$C"
is "$RC:$(sed -n '/^# keydrop:begin cfg$/,/^# keydrop:end cfg$/p' "$TAP_TMP/ak5" | sed '1d;$d')" "0:$k1" \
	"the same file, mode fixed: accepted (k2, gone upstream, removed)"

# usage errors
run "$KEYDROP" sync "${T[@]}" "$U"
is "$RC" 2 "sync without --source: usage error"
run "$KEYDROP" sync "${T[@]}" --source 'bad name' "$U"
is "$RC" 2 "sync with a bad block name: usage error"
done_testing
