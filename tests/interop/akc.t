#!/bin/bash
# keydrop authorized-keys (sshd's AuthorizedKeysCommand) against the HTTPS test server: the cache
# answers within --ttl without a request, revalidates with ETag after it, serves the last good copy
# up to --max-stale when the server fails, remembers a 404; one deadline; a failure is no keys and
# exit 0 with one stderr line; a user name is checked before it reaches a URL; --chain merges
# another command's keys; --config holds the options. The server's log says which requests came.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need openssl python3 ssh-keygen pgrep

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
D=$TAP_TMP/keys
mkdir -p "$D"
for k in a b c d; do ssh-keygen -q -t ed25519 -N '' -C "$k@test" -f "$TAP_TMP/$k"; done
ka=$(cat "$TAP_TMP/a.pub") kb=$(cat "$TAP_TMP/b.pub") kc=$(cat "$TAP_TMP/c.pub") kd=$(cat "$TAP_TMP/d.pub")
blob() { cut -d' ' -f2 "$TAP_TMP/$1.pub"; }
echo "$ka" > "$D/alice.keys"
cat > "$TAP_TMP/routes.json" <<JSON
{"/users/html.keys": [{"status": 200, "headers": [["Content-Type", "text/html"]], "body": "<html>login</html>"}],
 "/slow/x.keys": [{"mode": "slow", "body": "$ka\n"}],
 "*": [{"body_dir": "$D"}]}
JSON
LOG=$TAP_TMP/server.log
: > "$LOG"
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key" --log "$LOG"
ok $? "HTTPS server listening"
PORT=$HTTPS_PORT
C=$TAP_TMP/cache
U="https://localhost:$PORT/users/%u.keys"
A=(authorized-keys --cacert "$P/root.pem" --cache "$C")
requests() { wc -l < "$LOG"; }
entry() { ls "$C"/*.cache 2>/dev/null | head -1; }
# stale: every entry past --ttl, no failure remembered (the next call asks the server)
stale() { touch -d '-2 min' "$C"/*.cache; rm -f "$C"/*.fail; }

# ---- first call, then the cache within --ttl -------------------------------------------------
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$RC:$OUT:$ERR" "0:$ka:" "first call: the user's keys, nothing on stderr"
is "$(requests)" 1 "first call: one request"
like "$(head -1 "$LOG")" "^/users/alice.keys" "%u expanded in the URL"
is "$(stat -c %a "$C")" 700 "cache directory made 0700"
n=$(requests)
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$RC:$OUT:$(requests)" "0:$ka:$n" "within --ttl: the cached answer, no request at all"
# ---- after --ttl: a conditional request; 304 keeps the copy and makes it fresh again -----------
stale
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$RC:$OUT" "0:$ka" "after --ttl: same keys"
like "$(tail -1 "$LOG")" "If-None-Match: \"" "after --ttl: revalidated with the ETag"
age=$(( $(date +%s) - $(stat -c %Y "$(entry)") ))
ok $([ "$age" -lt 60 ] && echo 0 || echo 1) "a 304 makes the entry fresh again (age $age s)"
n=$(requests)
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$(requests)" "$n" "after the 304: within --ttl again, no request"
# --ttl 0: every call revalidates
run "$KEYDROP" "${A[@]}" --ttl 0 --user alice "$U"
is "$RC:$OUT:$(requests)" "0:$ka:$((n + 1))" "--ttl 0: one conditional request per call"

# ---- a key added on the server: the offered key (--key) missing from the cached answer asks again
echo "$kb" >> "$D/alice.keys"
n=$(requests)
run "$KEYDROP" "${A[@]}" --user alice --key-type ssh-ed25519 --key "$(blob a)" "$U"
is "$RC:$OUT:$(requests)" "0:$ka:$n" "--key present in the cached answer: only its line, no request"
run "$KEYDROP" "${A[@]}" --user alice --key-type ssh-ed25519 --key "$(blob b)" "$U"
is "$RC:$OUT:$(requests)" "0:$kb:$((n + 1))" "--key of a newly added key: asked the server at once, printed"
run "$KEYDROP" "${A[@]}" --user alice --key "$(blob c)" "$U"
is "$RC:$OUT" "0:" "--key of a key nobody listed: nothing printed"
# a key removed on the server stays served until --ttl, then goes
printf '%s\n' "$kb" > "$D/alice.keys"
run "$KEYDROP" "${A[@]}" --user alice --key "$(blob a)" "$U"
is "$OUT" "$ka" "removed on the server: still served within --ttl (the cached answer has it)"
stale
run "$KEYDROP" "${A[@]}" --user alice --key "$(blob a)" "$U"
is "$RC:$OUT" "0:" "removed on the server: gone once --ttl has passed"

# ---- the server fails: the last good copy up to --max-stale -----------------------------------
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$OUT" "$kb" "current answer cached"
cp "$D/alice.keys" "$TAP_TMP/alice.saved"
echo '<html>oops</html>' > "$D/alice.keys"
stale
before=$(sha256sum < "$(entry)")
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$(sha256sum < "$(entry)")" "$before" "an HTML answer: the cache entry is byte for byte unchanged"
is "$RC:$OUT" "0:$kb" "an HTML answer: the last good copy served"
like "$ERR" "^keydrop: authorized-keys: https://localhost:$PORT/users/alice.keys: server returned an HTML page.*; serving the copy cached 2 min ago \(--max-stale\)$" \
	"said on stderr, one line"
printf '%s\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDtruncated x\n' "$kb" > "$D/alice.keys"
stale
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$RC:$OUT" "0:$kb" "an answer with a broken key: refused whole, the last good copy served"
like "$ERR" "response refused; serving the copy cached" "said on stderr"
n=$(requests)
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$RC:$OUT:$(requests)" "0:$kb:$n" "a refused answer is remembered for --ttl like a server that is down: no request"
cp "$TAP_TMP/alice.saved" "$D/alice.keys"
net_stop "$HTTPS_PID"
t0=$(now_ms)
run "$KEYDROP" "${A[@]}" --user alice "$U"
t1=$(now_ms)
is "$RC:$OUT" "0:$kb" "server down: the cached copy served"
like "$ERR" "serving the copy cached 2 min ago \(--max-stale\)$" "server down: said on stderr"
ok $([ $((t1 - t0)) -lt 1500 ] && echo 0 || echo 1) "server down (connection refused): answered at once ($((t1 - t0)) ms; --retry 0)"
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$RC:$OUT" "0:$kb" "server down, second call: the cached copy"
like "$ERR" "failed [0-9]+ s ago, not asked again within --ttl; serving the copy cached 2 min ago" \
	"server down, second call: not asked again within --ttl (a dead server costs one deadline per --ttl)"
touch -d '-8 days' "$(entry)"
rm -f "$C"/*.fail
run "$KEYDROP" "${A[@]}" --user alice "$U"
is "$RC:$OUT" "0:" "server down, copy older than --max-stale (7d): no keys, exit 0"
like "$ERR" "^keydrop: authorized-keys: https://localhost:$PORT/users/alice.keys: .*; no keys from it$" "one line on stderr"
run "$KEYDROP" "${A[@]}" --max-stale 9d --user alice "$U"
is "$RC:$OUT" "0:$kb" "--max-stale 9d: the 8-day-old copy served"
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key" --log "$LOG"
ok $? "HTTPS server back"
PORT2=$HTTPS_PORT
U2="https://localhost:$PORT2/users/%u.keys"

# ---- 404 is an answer: remembered for --ttl, never replaced by an older copy ---------------------
n=$(requests)
run "$KEYDROP" "${A[@]}" --user nobodyhere "$U2"
is "$RC:$OUT:$(requests)" "0::$((n + 1))" "404: no keys, one request"
like "$ERR" "HTTP 404.*no keys from it" "404: one line on stderr"
run "$KEYDROP" "${A[@]}" --user nobodyhere "$U2"
is "$RC:$OUT:$(requests)" "0::$((n + 1))" "404 remembered within --ttl: no request"
# a user whose keys were cached and who is then deleted on the server: the copy is not served
run "$KEYDROP" "${A[@]}" --user alice "$U2"
is "$OUT" "$kb" "alice cached from the new server"
mv "$D/alice.keys" "$TAP_TMP/alice.gone"
stale
run "$KEYDROP" "${A[@]}" --user alice "$U2"
is "$RC:$OUT" "0:" "user deleted on the server (404): the older copy is not served"
mv "$TAP_TMP/alice.gone" "$D/alice.keys"
run "$KEYDROP" "${A[@]}" --user alice "$U2"
is "$RC:$OUT" "0:" "the 404 is remembered for --ttl"
stale
run "$KEYDROP" "${A[@]}" --user alice "$U2"
is "$RC:$OUT" "0:$kb" "after --ttl: asked again, keys back"
# an empty answer is an answer too (the user removed every key): cached, no keys
: > "$D/emptyuser.keys"
run "$KEYDROP" "${A[@]}" --user emptyuser "$U2"
is "$RC:$OUT:$ERR" "0::" "empty answer: no keys, nothing on stderr"

# ---- a cached copy that no longer passes is no failure of the server's (review) ------------------
stale
run "$KEYDROP" "${A[@]}" --user alice "$U2"
is "$RC:$OUT" "0:$kb" "alice cached again"
e=$(ls -t "$C"/*.cache | head -1) # the entry just revalidated (others of alice's are 2 min old)
sed -i "s|^ssh-ed25519 |expiry-time=\"20000101\" ssh-ed25519 |" "$e"
run "$KEYDROP" "${A[@]}" --user alice "$U2"
is "$RC:$OUT" "0:" "within --ttl the cached copy, now refused (its expiry-time past): no keys"
# (the server has changed since: its validator no longer matches, so it answers 200)
sed -i '/^etag: /d' "$e"
touch -d '-2 min' "$e"
n=$(requests)
run "$KEYDROP" "${A[@]}" --user alice "$U2"
is "$RC:$OUT:$(requests)" "0:$kb:$((n + 1))" "after --ttl the server is asked again (no failure was remembered): keys back"

# ---- a miss asks again only the sources that answered from the cache -------------------------------
echo "$kc" > "$D/second.keys"
S2="https://localhost:$PORT2/fixed/second.keys"
stale
run "$KEYDROP" "${A[@]}" --user alice "$U2" "$S2"
is "$RC:$OUT" "0:$kb
$kc" "two sources: both answers"
e2=$(ls -t "$C"/*.cache | head -1)
grep -q "$kc" "$e2" && touch -d '-2 min' "$e2"
ok $? "the second source's entry made stale, the first still fresh"
n=$(requests)
run "$KEYDROP" "${A[@]}" --user alice --key "$(blob d)" "$U2" "$S2"
is "$RC:$OUT:$(requests)" "0::$((n + 2))" \
	"--key missing: the stale source asked once, the fresh one asked again once (2 requests, not 3)"

# ---- the user name is checked before any use -----------------------------------------------------
n=$(requests)
long=$(printf 'a%.0s' $(seq 300))
for bad in "../etc" "a/b" ".." "." "x%y" "a b" "-x" "$long" "ä" ""; do
	run "$KEYDROP" "${A[@]}" --ttl 0 --user "$bad" "$U2" gh:%u
	is "$RC:$OUT" "0:" "user name '${bad:0:20}': no keys, exit 0"
	like "$ERR" "^keydrop: authorized-keys: user name '.*' is not a portable user name" "user name '${bad:0:20}': one line"
done
is "$(requests)" "$n" "no request reached the server for any of them"

# ---- one deadline: a slow server costs at most --timeout ------------------------------------------
t0=$(now_ms)
run "$KEYDROP" "${A[@]}" --user x "https://localhost:$PORT2/slow/%u.keys"
t1=$(now_ms)
is "$RC:$OUT" "0:" "slow server: no keys, exit 0"
ok $([ $((t1 - t0)) -lt 4500 ] && echo 0 || echo 1) "slow server (1 byte/s): cut at the 2 s deadline ($((t1 - t0)) ms; 2.5 s of margin for a busy machine, the body alone would take minutes)"

# ---- --chain: another AuthorizedKeysCommand's keys merged --------------------------------------
S=$TAP_TMP/scripts
mkdir -p "$S"
cat > "$S/other" <<EOF
#!/bin/sh
[ "\$1" = alice ] || exit 1
echo '$kc'
echo '$kb'
echo 'not a key'
EOF
printf '#!/bin/sh\nexec sleep 30\n' > "$S/hang"
printf '#!/bin/sh\necho "%s"\nexit 3\n' "$kd" > "$S/fails"
chmod 755 "$S"/*
run "$KEYDROP" "${A[@]}" --user alice --chain "$S/other %u" "$U2"
is "$RC:$OUT" "0:$kb
$kc" "--chain: both sources' keys, the duplicate once"
like "$ERR" "line 3: skipped" "--chain: a bad line of the other command is skipped, said"
t0=$(now_ms)
run "$KEYDROP" "${A[@]}" --user alice --chain "$S/hang" --chain-timeout 1 "$U2"
t1=$(now_ms)
is "$RC:$OUT" "0:$kb" "--chain hanging: our keys still printed"
like "$ERR" "no answer within --chain-timeout; killed" "--chain hanging: said"
ok $([ $((t1 - t0)) -lt 4000 ] && echo 0 || echo 1) "--chain hanging: cut at its 1 s deadline ($((t1 - t0)) ms; it would run 30 s)"
ok $(pgrep -f "$S/hang" >/dev/null && echo 1 || echo 0) "--chain hanging: nothing left running"
run "$KEYDROP" "${A[@]}" --user alice --chain "$S/fails" "$U2"
is "$RC:$OUT" "0:$kb" "--chain exiting 3: its output is not used (as sshd)"
like "$ERR" "failed \(exit status 3\)" "--chain exiting 3: said"
run "$KEYDROP" "${A[@]}" --user alice --chain "$S/other %u" --key "$(blob c)" "$U2"
is "$OUT" "$kc" "--chain with --key: only the offered key"
run "$KEYDROP" authorized-keys --user alice --chain "relative/path"
is "$RC" 2 "--chain without an absolute path: usage error"

# ---- --config ------------------------------------------------------------------------------------
cat > "$TAP_TMP/akc.conf" <<EOF
# keydrop authorized-keys
cacert $P/root.pem
cache $C
ttl 0
source $U2
chain $S/other %u
EOF
chmod 600 "$TAP_TMP/akc.conf"
n=$(requests)
run "$KEYDROP" authorized-keys --config "$TAP_TMP/akc.conf" --user alice
is "$RC:$OUT:$(requests)" "0:$kb
$kc:$((n + 1))" "--config: sources, chain and options from the file"
run "$KEYDROP" authorized-keys --config "$TAP_TMP/akc.conf" --ttl 60 --user alice
is "$(requests)" "$((n + 1))" "--config: an option on the command line wins (--ttl 60: no request)"
chmod 620 "$TAP_TMP/akc.conf"
run "$KEYDROP" authorized-keys --config "$TAP_TMP/akc.conf" --user alice
like "$RC:$OUT:$ERR" "^2::keydrop: authorized-keys: --config .*writable only by its owner" "group-writable --config: refused"
chmod 600 "$TAP_TMP/akc.conf"
echo "Bad_Name here" >> "$TAP_TMP/akc.conf"
run "$KEYDROP" authorized-keys --config "$TAP_TMP/akc.conf" --user alice
like "$RC:$ERR" "^2:keydrop: authorized-keys: --config .*: line 7: not 'name value'" "bad config line: usage error naming the line"

# ---- stdout that cannot be written: still exit 0, one line (sshd falls back) ----------------------
"$KEYDROP" "${A[@]}" --user alice "$U2" > /dev/full 2> "$TAP_TMP/full.err"
is "$?:$(wc -l < "$TAP_TMP/full.err")" "0:1" "stdout /dev/full: exit 0 and one line on stderr"

# ---- usage errors are still exit 2 (a broken sshd_config line must be loud) -----------------------
run "$KEYDROP" authorized-keys "$U2"
like "$RC:$ERR" "^2:.*--user USER is required" "no --user: usage error"
run "$KEYDROP" authorized-keys --user alice -
like "$RC:$ERR" "^2:.*stdin and env: are not sources" "stdin as a source: usage error"
run "$KEYDROP" authorized-keys --user alice "https://x/%h"
like "$RC:$ERR" "^2:.*only %u and %% may appear" "unknown token: usage error"
run "$KEYDROP" authorized-keys --user alice --ttl 2d "$U2"
is "$RC" 2 "--ttl over 1d: usage error"
run "$KEYDROP" authorized-keys --user alice --no-cache --cache "$C" "$U2"
is "$RC" 2 "--cache with --no-cache: usage error"

# ---- --run-as: started as root, becomes that user before the cache, the network, --chain ---------
run "$KEYDROP" authorized-keys --user alice --run-as root "$U2"
like "$RC:$ERR" "^2:.*--run-as wants a user name other than root" "--run-as root: usage error"
n=$(requests)
run "$KEYDROP" "${A[@]}" --user alice --run-as nosuchuser0 "$U2"
like "$RC:$OUT:$ERR" "^0::keydrop: authorized-keys: --run-as nosuchuser0: no such user" "--run-as a missing user: no keys, one line"
is "$(requests)" "$n" "... and no request"

# ---- the cache belongs to the command's user ---------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
	chown nobody "$C"
	n=$(requests)
	run "$KEYDROP" "${A[@]}" --user alice "$U2"
	is "$RC:$OUT:$(requests)" "0:$kb:$((n + 1))" "cache of another user: not used, keys fetched"
	like "$ERR" "cache $C not used: not owned by the user running keydrop" "said once"
	chown 0 "$C"
else
	skip "other owners need root"
fi
done_testing
