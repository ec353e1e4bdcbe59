#!/bin/bash
# A real sshd on 127.0.0.1 whose AuthorizedKeysCommand is keydrop authorized-keys, run as a
# dedicated unprivileged user, against the HTTPS test server (a test CA made now): a key the server
# lists logs in; a key added on the server logs in at the next attempt (no sync); a key removed on
# the server is refused once --ttl has passed; with the server down the cached key and the
# authorized_keys key still log in; a slow server does not hold the login past the deadline;
# --chain merges a second command's keys and a hanging one is cut at its deadline.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/sshd.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "sshd login test needs root (throwaway users, privilege separation)"
	done_testing
fi
need ssh ssh-keygen openssl python3 pgrep "$SSHD_BIN"

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
user_create kdsvc; ok $? "AuthorizedKeysCommandUser created"
SVC=$TUSER
user_create kdakc; ok $? "login user created"
for k in a b c f; do ssh-keygen -q -t ed25519 -N '' -C "$k@test" -f "$TAP_TMP/$k"; done
install -d -m 0700 -o "$TUSER" "$THOME/.ssh"
install -m 0600 -o "$TUSER" "$TAP_TMP/f.pub" "$THOME/.ssh/authorized_keys"

# sshd runs an AuthorizedKeysCommand only from a root-owned path no one else can write: not /tmp.
R=$(mktemp -d -p /run keydrop-akc.XXXXXX) && chmod 755 "$R"
on_exit "rm -rf '$R'"
install -m 755 "$KEYDROP" "$R/keydrop"
install -m 644 "$P/root.pem" "$R/root.pem"
D=$R/keys
mkdir -p "$D"
cat "$TAP_TMP/a.pub" > "$D/$TUSER.keys"
echo '{"*": [{"body_dir": "'"$D"'"}]}' > "$TAP_TMP/routes.json"
echo '{"*": [{"body_dir": "'"$D"'", "mode": "slow"}]}' > "$TAP_TMP/slow.json"
LOG=$TAP_TMP/server.log
: > "$LOG"
serve() { https_start "$1" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key" --log "$LOG" ${PORT:+--port "$PORT"}; }
serve "$TAP_TMP/routes.json"
ok $? "HTTPS key server listening"
PORT=$HTTPS_PORT
hostkey=$TAP_TMP/hostkey
"$KEYDROP" keygen -q -f "$hostkey" -N '' >/dev/null
d=$TAP_TMP/sshd
mkdir -p "$d/conf.d"
# the AuthorizedKeysCommand lines come from the drop-in `keydrop sshd-config --write` makes (checked
# by it with sshd -t/-T against a config that includes the drop-in directory, as Debian's does)
printf 'Include %s/conf.d/*.conf\nHostKey %s\n' "$d" "$hostkey" > "$d/staging_config"
dropin() {
	"$R/keydrop" sshd-config -q --write --sshd-config "$d/staging_config" --user-akc "$SVC" \
		--cacert "$R/root.pem" --cache "$R/cache" "$@" "https://localhost:$PORT/users/%u.keys"
}
dropin
ok $? "sshd-config --write made the drop-in"
is "$(stat -c '%U %a' "$R/cache")" "$SVC 700" "sshd-config made the cache directory, the AuthorizedKeysCommandUser's, 0700"
grep -q "^AuthorizedKeysCommand $R/keydrop authorized-keys --user %u --key-type %t --key %k .*https://localhost:$PORT/users/%%u.keys" \
	"$d/conf.d/00-keydrop.conf"
ok $? "the drop-in's command: %u doubled for sshd"
sshd_start "$d" "$hostkey" "Include $d/conf.d/*.conf" "AuthorizedKeysFile .ssh/authorized_keys"
ok $? "sshd with keydrop's AuthorizedKeysCommand listening"
age_cache() { find "$R/cache" -name '*.cache' -exec touch -d '-2 min' {} +; find "$R/cache" -name '*.fail' -delete; }
login() { ssh_login "$d" "$TAP_TMP/$1" "$TUSER"; }

login a
is "$RC:$OUT" "0:keydrop-login-ok" "a key the server lists logs in"
is "$(grep -c "/users/$TUSER.keys" "$LOG")" 1 "one request to the key server"
is "$(stat -c %U "$(find "$R/cache" -name '*.cache' | head -1)")" "$SVC" "the cache entry belongs to the AuthorizedKeysCommandUser"
login a
is "$RC:$(grep -c "/users/$TUSER.keys" "$LOG")" "0:1" "second login within --ttl: no request"
cat "$TAP_TMP/b.pub" >> "$D/$TUSER.keys"
login b
is "$RC:$OUT" "0:keydrop-login-ok" "a key added on the server logs in at the next attempt, without any sync"
printf '%s\n' "$(cat "$TAP_TMP/b.pub")" > "$D/$TUSER.keys"
login a
is "$RC" 0 "a key removed on the server: still served within --ttl"
age_cache
login a
is "$RC" 255 "a key removed on the server: refused once --ttl has passed"
login f
is "$RC" 0 "the authorized_keys key logs in"

# the server down: the cached answer (up to --max-stale) and authorized_keys still let users in
net_stop "$HTTPS_PID"
age_cache
login b
is "$RC:$OUT" "0:keydrop-login-ok" "server down: the cached key still logs in"
login f
is "$RC:$OUT" "0:keydrop-login-ok" "server down: the authorized_keys key still logs in"
login a
is "$RC" 255 "server down: a key not in the cached answer is refused"

# a slow server (1 byte/s): the login waits at most the 2 s deadline, then the cached copy
serve "$TAP_TMP/slow.json"
ok $? "slow key server on the same port"
# a login's own cost, measured now (the machine may be busy): within --ttl, no request
t0=$(now_ms); login b; t1=$(now_ms)
base=$((t1 - t0))
age_cache
t0=$(now_ms)
login b
t1=$(now_ms)
is "$RC" 0 "slow server: the cached key logs in"
# sshd runs the command twice per key (query, then signature): the first waits the 2 s deadline
# and remembers the failure, the second serves the copy at once; 3 s of margin for a busy
# machine (without the deadline the server would hold the login for a minute)
ok $([ $((t1 - t0 - base)) -lt 5000 ] && echo 0 || echo 1) \
	"slow server: the login took $((t1 - t0)) ms, $((t1 - t0 - base)) ms more than a cached one (deadline 2000 ms)"
net_stop "$HTTPS_PID"

# names sshd would pass are checked again; sshd itself never runs the command for unknown users
n=$(wc -l < "$LOG")
ssh_login "$d" "$TAP_TMP/a" "../etc"
is "$RC:$(wc -l < "$LOG")" "255:$n" "login as '../etc': refused, no request reached the key server"

# --chain: a second AuthorizedKeysCommand's keys log in too; a hanging one is cut at its deadline
serve "$TAP_TMP/routes.json"
ok $? "key server back"
# removals that stick bind the AuthorizedKeysCommand too: it starts as root, reads the user's
# authorized_keys (its "# keydrop:denied" lines), then runs as the AuthorizedKeysCommandUser
cat "$TAP_TMP/a.pub" "$TAP_TMP/b.pub" > "$D/$TUSER.keys"
age_cache
"$KEYDROP" sync -q --user "$TUSER" --source account --cacert "$P/root.pem" "https://localhost:$PORT/users/$TUSER.keys"
ok $? "sync: block 'account' holds the server's keys"
login a
is "$RC" 0 "key a logs in"
fp_a=$(ssh-keygen -lf "$TAP_TMP/a.pub" | cut -d' ' -f2)
run "$KEYDROP" remove --user "$TUSER" "$fp_a"
like "$RC:$OUT$ERR" "^0:.*block account" "remove key a: denied in block account"
login a
is "$RC" 255 "removed key a: refused, though the server still lists it and authorized-keys serves the user"
login b
is "$RC:$OUT" "0:keydrop-login-ok" "key b still logs in"
"$KEYDROP" install -q --user "$TUSER" "$TAP_TMP/a.pub"
ok $? "install a again (lifts the denial)"
install -m 600 -o "$TUSER" /dev/null "$THOME/.ssh/authorized_keys.tmp" && sed '/^ssh-ed25519 .* a@test$/d' "$THOME/.ssh/authorized_keys" > "$THOME/.ssh/authorized_keys.tmp" && mv "$THOME/.ssh/authorized_keys.tmp" "$THOME/.ssh/authorized_keys"
grep -q "keydrop:denied" "$THOME/.ssh/authorized_keys"
is "$?" 1 "no denial left; key a taken out of the file by hand: only authorized-keys can let it in now"
login a
is "$RC:$OUT" "0:keydrop-login-ok" "key a logs in again, served by authorized-keys"
# a removal in a fragment (~/.ssh/authorized_keys.d/NAME) binds it as well
cat "$TAP_TMP/a.pub" "$TAP_TMP/b.pub" "$TAP_TMP/c.pub" > "$D/$TUSER.keys"
age_cache
"$KEYDROP" sync -q --user "$TUSER" --fragment team --cacert "$P/root.pem" "https://localhost:$PORT/users/$TUSER.keys"
ok $? "sync --fragment team"
run "$KEYDROP" remove --user "$TUSER" --fragment team "$(ssh-keygen -lf "$TAP_TMP/c.pub" | cut -d' ' -f2)"
like "$RC:$OUT$ERR" "^0:.*block team" "remove key c from the fragment: denied there"
login c
is "$RC" 255 "key c, removed in a fragment: refused, though the server lists it"
"$KEYDROP" install -q --user "$TUSER" --fragment team "$TAP_TMP/c.pub"
ok $? "install c into the fragment again (lifts the denial)"
cat > "$R/other" <<EOF
#!/bin/sh
[ "\$1" = "$TUSER" ] && cat '$R/other.keys'
EOF
cat "$TAP_TMP/c.pub" "$TAP_TMP/b.pub" > "$R/other.keys"
printf '#!/bin/sh\nexec sleep 60\n' > "$R/hang"
chmod 755 "$R/other" "$R/hang"
chmod 644 "$R/other.keys"
kill "$SSHD_PID"; wait "$SSHD_PID" 2>/dev/null; : > "$d/sshd.log"
dropin --chain "$R/other %u" --chain "$R/hang" --chain-timeout 1
ok $? "sshd-config --write: the drop-in with two --chain commands"
sshd_start "$d" "$hostkey" "Include $d/conf.d/*.conf" "AuthorizedKeysFile .ssh/authorized_keys"
ok $? "sshd with --chain listening"
login c
is "$RC:$OUT" "0:keydrop-login-ok" "--chain: the other command's key logs in"
t0=$(now_ms)
login b
t1=$(now_ms)
is "$RC:$OUT" "0:keydrop-login-ok" "--chain: the server's key logs in while the third command hangs"
# twice per key (query, signature), each cut at the 1 s --chain-timeout
ok $([ $((t1 - t0 - base)) -lt 5000 ] && echo 0 || echo 1) \
	"--chain: the hanging command cost $((t1 - t0 - base)) ms over a plain login (2 runs x 1 s deadline)"
ok $(pgrep -f "$R/hang" >/dev/null && echo 1 || echo 0) "--chain: nothing of the hanging command left running"
done_testing
