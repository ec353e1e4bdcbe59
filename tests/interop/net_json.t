#!/bin/bash
# --format json against hostile bodies from a real HTTPS server: a 128 KiB deeply nested document is
# refused by the depth bound (JSON_DEPTH_MAX, 64) with its own message, inside --timeout 2 (before
# the bound, jsmn's closing-bracket walk made it 12-14 s of CPU, far past the deadline).
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
need openssl python3

P=$TAP_TMP/pki
pki_leaf "$P"
ok $? "test PKI"
k1=$(ssh-keygen -q -t ed25519 -N '' -C one@test -f "$TAP_TMP/k1" && cat "$TAP_TMP/k1.pub")
K1="$k1" python3 - "$TAP_TMP/routes.json" <<'PY'
import json, os, sys
k = os.environ["K1"]
deep = "[" * 65536 + "]" * 65536                               # 128 KiB, 65536 deep
d64 = '{"x": ' + "[" * 63 + "]" * 63 + ', "keys": [' + json.dumps(k) + ']}'   # object + 63 arrays: 64 deep
d65 = '{"x": ' + "[" * 64 + "]" * 64 + ', "keys": [' + json.dumps(k) + ']}'
wide = "[" + ",".join(["[" * 62 + "]" * 62] * 1040) + "]"      # maximal nesting side by side, ~128 KiB
json.dump({"/deep": [{"body": deep}], "/d64": [{"body": d64}], "/d65": [{"body": d65}], "/wide": [{"body": wide}]}, open(sys.argv[1], "w"))
PY
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key"
ok $? "HTTPS server listening"
U=https://localhost:$HTTPS_PORT
F=(--cacert "$P/root.pem" --retry 0 --format json)

t0=$(now_ms)
run "$KEYDROP" fetch "${F[@]}" --timeout 2 --json-path 'a' "$U/deep"
t1=$(now_ms)
is "$RC" 3 "128 KiB nested 65536 deep: rejected (exit 3)"
is "$ERR" "keydrop: fetch: $U/deep: JSON document nested too deeply (more than 64 levels) (--json-path a)" "128 KiB deep: the depth message"
ok $(( (t1 - t0) < 2000 ? 0 : 1 )) "128 KiB deep: decided within --timeout 2 ($((t1 - t0)) ms)"

run "$KEYDROP" fetch "${F[@]}" --timeout 2 --json-path keys "$U/d64"
is "$RC:$OUT" "0:$k1" "64 deep (the limit): the key is selected"
run "$KEYDROP" fetch "${F[@]}" --timeout 2 --json-path 'keys' "$U/d65"
is "$RC" 3 "65 deep: rejected"
like "$ERR" "nested too deeply" "65 deep: the depth message"

t0=$(now_ms)
run "$KEYDROP" fetch "${F[@]}" --timeout 2 --json-path '[][]' "$U/wide"
t1=$(now_ms)
is "$RC" 3 "128 KiB of 63-deep arrays side by side: rejected (no strings)"
like "$ERR" "JSON path selects something other than strings" "wide maximal nesting: walked to the end"
ok $(( (t1 - t0) < 2000 ? 0 : 1 )) "wide maximal nesting: decided within --timeout 2 ($((t1 - t0)) ms)"
net_stop "$HTTPS_PID"
done_testing
