#!/bin/bash
# scripts/bench/akc.sh: keydrop authorized-keys (sshd's AuthorizedKeysCommand) against one loopback
# HTTPS server (tests/lib/netserver.py, test CA made here), in the same hyperfine runs:
#   - a cache hit (within --ttl) vs `cat` of the same keys: target <= 2 ms and <= 2x cat;
#   - a live revalidation (--ttl 0: a conditional request answered 304) vs `curl -s` of the URL;
#   - a simulated fleet: 1,000 calls with --ttl 0 cost the server one full body and 999 304s;
#     1,000 calls within the default --ttl make no request at all (counted in the server's log).
# Loopback only. Usage: scripts/bench/akc.sh [RUNS] (default 100; KEYDROP overrides the binary).
# Exit 1 when a target is missed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-100}
TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/keydrop-bench.XXXXXX")
BENCH_TMP=$TAP_TMP
TAP_CLEANUPS=()
on_exit() { TAP_CLEANUPS+=("$1"); }
cleanup() { local c; for c in "${TAP_CLEANUPS[@]+"${TAP_CLEANUPS[@]}"}"; do eval "$c" || true; done; rm -rf "$TAP_TMP"; }
trap cleanup EXIT
source "$root/tests/lib/net.sh"
source "$root/scripts/bench/lib.sh"

[ -x "$KEYDROP" ] || { echo "build keydrop first (make)" >&2; exit 1; }
P=$TAP_TMP/pki
mkdir -p "$P"
pki_root "$P" root ec && pki_sign "$P" root leaf ec leaf || { echo "cannot make the test PKI" >&2; exit 1; }
D=$TAP_TMP/keys
mkdir -p "$D"
for n in 1 2 3; do
	ssh-keygen -q -t ed25519 -N '' -C "bench$n@example" -f "$TAP_TMP/k$n"
	cat "$TAP_TMP/k$n.pub" >> "$D/alice.keys"
done
echo '{"*": [{"body_dir": "'"$D"'"}]}' > "$TAP_TMP/routes.json"
LOG=$TAP_TMP/server.log
https_start "$TAP_TMP/routes.json" <(cat "$P/leaf.pem" "$P/root.pem") "$P/leaf.key" --log "$LOG" ||
	{ echo "server did not start" >&2; exit 1; }
U="https://localhost:$HTTPS_PORT/users/%u.keys"
C=$TAP_TMP/cache
AKC=("$KEYDROP" authorized-keys --cacert "$P/root.pem" --cache "$C" --user alice --key-type ssh-ed25519
	--key "$(cut -d' ' -f2 "$TAP_TMP/k2.pub")" "$U")
"${AKC[@]}" > "$TAP_TMP/out" || { echo "authorized-keys failed" >&2; exit 1; }
cmp -s "$TAP_TMP/out" <(sed -n 2p "$D/alice.keys") || { echo "authorized-keys printed something else" >&2; exit 1; }

echo "== a login's AuthorizedKeysCommand answered from the cache (--ttl 60) vs cat of the keys ($RUNS runs each)"
hf_pair "$RUNS" "true" \
	"keydrop authorized-keys (cache hit)" "${AKC[*]}" \
	"cat (the same 3 keys)" "cat $D/alice.keys"
hit_ms=$HF_A
hit_ratio=$HF_RATIO
echo "== a live revalidation (--ttl 0: If-None-Match answered 304) vs curl -s of the URL ($RUNS runs each)"
hf_pair "$RUNS" "true" \
	"keydrop authorized-keys --ttl 0 (304)" "${AKC[*]} --ttl 0" \
	"curl -s (full body)" "curl -s --cacert $P/root.pem https://localhost:$HTTPS_PORT/users/alice.keys"

echo "== a fleet of 1,000 logins against one server"
rm -rf "$C"
: > "$LOG"
for i in $(seq 1000); do "${AKC[@]}" --ttl 0 >/dev/null; done
full=$(grep -vc 'If-None-Match' "$LOG")
cond=$(grep -c 'If-None-Match' "$LOG")
echo "  --ttl 0: $((full + cond)) requests: $full full bodies, $cond conditional (304)"
: > "$LOG"
for i in $(seq 1000); do "${AKC[@]}" >/dev/null; done
within=$(wc -l < "$LOG")
echo "  --ttl 60 (default), the entry fresh: $within requests for 1,000 logins"

echo "== targets"
target "cache hit, whole process (ms)" "$hit_ms" 2
target "cache hit, keydrop/cat median ratio" "$hit_ratio" 2
target "--ttl 0, full bodies for 1,000 calls" "$full" 1
target "--ttl 0, conditional requests for 1,000 calls (999 expected)" "$(awk -v c="$cond" 'BEGIN { print (c == 999) ? 0 : 1 }')" 0
target "default --ttl, requests for 1,000 calls within it" "$within" 0
exit "$BENCH_MISSED"
