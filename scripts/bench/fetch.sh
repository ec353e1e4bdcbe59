#!/bin/bash
# scripts/bench/fetch.sh: against one loopback HTTPS server (tests/lib/netserver.py, test CA made
# here), in the same hyperfine run: `keydrop fetch` vs `curl -s` (target <= 0.5x curl), and
# `keydrop install URL` vs Debian's `ssh-import-id` (its URL setting pointed at the server; shown
# when installed). Loopback only. Usage: scripts/bench/fetch.sh [RUNS] (default 30; KEYDROP overrides
# the binary; KEYDROP_BASE adds this binary vs that one, same run). Exit 1 when a target is missed.
# The fetch runs twice: with the test CA alone (--cacert ROOT), and with a full bundle that is not
# the one keydrop embeds (the system bundle without one certificate, plus the test CA: what a static
# binary meets on another distribution or ca-certificates version), curl loading the same file.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-30}
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
cat "$P/leaf.pem" "$P/root.pem" > "$P/chain.pem"
SYS_BUNDLE=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
[ -r "$SYS_BUNDLE" ] || { echo "no system CA bundle ($SYS_BUNDLE): bash scripts/bootstrap.sh bench" >&2; exit 1; }
awk '/-----BEGIN CERTIFICATE-----/ { n++ } n != 5' "$SYS_BUNDLE" > "$P/bundle.pem"
cat "$P/root.pem" >> "$P/bundle.pem"
keys=""
for n in 1 2 3; do
	ssh-keygen -q -t ed25519 -N '' -C "bench$n@example" -f "$TAP_TMP/k$n"
	keys+="$(cat "$TAP_TMP/k$n.pub")\\n"
done
printf '{"/alice.keys": [{"body": "%s"}], "/~alice/+sshkeys": [{"body": "%s"}]}\n' "$keys" "$keys" > "$TAP_TMP/routes.json"
https_start "$TAP_TMP/routes.json" "$P/chain.pem" "$P/leaf.key" || { echo "server did not start" >&2; exit 1; }
U=https://localhost:$HTTPS_PORT
"$KEYDROP" fetch --cacert "$P/root.pem" "$U/alice.keys" >/dev/null || { echo "keydrop fetch failed" >&2; exit 1; }

echo "== fetch of 3 keys over HTTPS on loopback ($RUNS runs each)"
hf_pair "$RUNS" "true" \
	"keydrop fetch" "$KEYDROP fetch --cacert $P/root.pem $U/alice.keys" \
	"curl -s" "curl -s --cacert $P/root.pem $U/alice.keys"
fetch_ratio=$HF_RATIO
nb=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$P/bundle.pem")
echo "== the same fetch, --cacert with a $nb-certificate bundle that is not the embedded one ($RUNS runs each)"
hf_pair "$RUNS" "true" \
	"keydrop fetch (bundle)" "$KEYDROP fetch --cacert $P/bundle.pem $U/alice.keys" \
	"curl -s (bundle)" "curl -s --cacert $P/bundle.pem $U/alice.keys"
bundle_ratio=$HF_RATIO
if [ -n "${KEYDROP_BASE:-}" ]; then
	echo "== the same fetches, this binary vs KEYDROP_BASE ($RUNS runs each)"
	hf_pair "$RUNS" "true" \
		"this: keydrop fetch" "$KEYDROP fetch --cacert $P/root.pem $U/alice.keys" \
		"base: keydrop fetch" "$KEYDROP_BASE fetch --cacert $P/root.pem $U/alice.keys"
	hf_pair "$RUNS" "true" \
		"this: keydrop fetch (bundle)" "$KEYDROP fetch --cacert $P/bundle.pem $U/alice.keys" \
		"base: keydrop fetch (bundle)" "$KEYDROP_BASE fetch --cacert $P/bundle.pem $U/alice.keys"
fi

if command -v ssh-import-id >/dev/null; then
	echo "== install from a URL into an empty file ($RUNS runs each)"
	export URL="$U/~%s/+sshkeys" REQUESTS_CA_BUNDLE="$P/root.pem"
	: > "$TAP_TMP/ak"
	hf_pair "$RUNS" "truncate -s 0 $TAP_TMP/ak" \
		"keydrop install URL" "$KEYDROP install -q --file $TAP_TMP/ak --cacert $P/root.pem $U/alice.keys" \
		"ssh-import-id" "ssh-import-id -o $TAP_TMP/ak lp:alice"
else
	echo "== (ssh-import-id not installed: bash scripts/bootstrap.sh bench)"
fi

echo "== targets"
target "fetch, keydrop/curl median ratio" "$fetch_ratio" 0.5
target "fetch with a full non-embedded bundle, keydrop/curl median ratio" "$bundle_ratio" 0.5
exit "$BENCH_MISSED"
