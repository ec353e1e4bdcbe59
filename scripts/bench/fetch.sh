#!/bin/bash
# scripts/bench/fetch.sh: one run against the same loopback HTTPS server (tests/lib/netserver.py,
# test CA made here): `keydrop fetch` vs `curl -s` (wall time, peak RSS), and `keydrop install URL`
# vs Debian's `ssh-import-id` (its URL setting pointed at the server). Prints a table and checks the
# targets from issue 4. Loopback only. Usage: scripts/bench/fetch.sh [RUNS] (default 30).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-30}
TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/keydrop-bench.XXXXXX")
TAP_CLEANUPS=()
on_exit() { TAP_CLEANUPS+=("$1"); }
cleanup() { local c; for c in "${TAP_CLEANUPS[@]+"${TAP_CLEANUPS[@]}"}"; do eval "$c" || true; done; rm -rf "$TAP_TMP"; }
trap cleanup EXIT
source "$root/tests/lib/net.sh"

[ -x "$KEYDROP" ] || { echo "build keydrop first (make)" >&2; exit 1; }
P=$TAP_TMP/pki
mkdir -p "$P"
pki_root "$P" root ec && pki_sign "$P" root leaf ec leaf || { echo "cannot make the test PKI" >&2; exit 1; }
cat "$P/leaf.pem" "$P/root.pem" > "$P/chain.pem"
keys=""
for n in 1 2 3; do
	ssh-keygen -q -t ed25519 -N '' -C "bench$n@example" -f "$TAP_TMP/k$n"
	keys+="$(cat "$TAP_TMP/k$n.pub")\\n"
done
printf '{"/alice.keys": [{"body": "%s"}], "/~alice/+sshkeys": [{"body": "%s"}]}\n' "$keys" "$keys" > "$TAP_TMP/routes.json"
https_start "$TAP_TMP/routes.json" "$P/chain.pem" "$P/leaf.key" || { echo "server did not start" >&2; exit 1; }
U=https://localhost:$HTTPS_PORT

# bench NAME CMD...: RUNS runs; prints mean ms per run and the highest peak RSS (KiB).
declare -A MS RSS
bench() {
	local name=$1 t0 t1 i max=0 r
	shift
	"$@" >/dev/null 2>&1 || { echo "$name: command failed: $*" >&2; MS[$name]=NA; RSS[$name]=NA; return; }
	t0=$(date +%s%N)
	for ((i = 0; i < RUNS; i++)); do : > "$TAP_TMP/ak"; "$@" >/dev/null 2>&1; done
	t1=$(date +%s%N)
	for ((i = 0; i < 5; i++)); do
		: > "$TAP_TMP/ak" # install targets start empty each run (builtin: no extra process timed)
		r=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1)
		[ "$r" -gt "$max" ] 2>/dev/null && max=$r
	done
	MS[$name]=$(( (t1 - t0) / RUNS / 1000 ))
	RSS[$name]=$max
}

# Environment set here, not with env(1): a wrapper's own RSS would count in the peak (maxrss survives exec).
export SSL_CERT_FILE="$P/root.pem" URL="$U/~%s/+sshkeys" REQUESTS_CA_BUNDLE="$P/root.pem"
bench "keydrop fetch" "$KEYDROP" fetch --cacert "$P/root.pem" "$U/alice.keys"
bench "curl -s" curl -s --cacert "$P/root.pem" "$U/alice.keys"
bench "keydrop install URL" "$KEYDROP" install -q --file "$TAP_TMP/ak" "$U/alice.keys"
if command -v ssh-import-id >/dev/null; then
	bench "ssh-import-id" ssh-import-id -o "$TAP_TMP/ak" lp:alice
else
	MS["ssh-import-id"]=NA; RSS["ssh-import-id"]=NA
fi

size=$(stat -c %s "$KEYDROP")
printf '%-22s %12s %14s\n' "command ($RUNS runs)" "mean (us)" "peak RSS (KiB)"
for n in "keydrop fetch" "curl -s" "keydrop install URL" "ssh-import-id"; do
	printf '%-22s %12s %14s\n' "$n" "${MS[$n]}" "${RSS[$n]}"
done
printf 'binary: %s bytes (%s KiB)\n' "$size" "$((size / 1024))"

fail=0
check() { if eval "$2"; then echo "target met:    $1"; else echo "target missed: $1"; fail=1; fi; }
check "keydrop fetch no slower than curl -s" '[ "${MS[keydrop fetch]}" != NA ] && [ "${MS[keydrop fetch]}" -le "${MS[curl -s]}" ]'
if [ "${MS[ssh-import-id]}" != NA ]; then
	check "keydrop install >= 20x faster than ssh-import-id ($(( ${MS[ssh-import-id]} / (${MS[keydrop install URL]} > 0 ? ${MS[keydrop install URL]} : 1) ))x)" \
		'[ $(( ${MS[keydrop install URL]} * 20 )) -le "${MS[ssh-import-id]}" ]'
else
	echo "target unchecked: ssh-import-id not installed (bash scripts/bootstrap.sh bench)"
fi
check "peak RSS <= 1024 KiB (fetch ${RSS[keydrop fetch]}, install ${RSS[keydrop install URL]})" \
	'[ "${RSS[keydrop fetch]}" -le 1024 ] && [ "${RSS[keydrop install URL]}" -le 1024 ]'
check "binary <= 320 KiB" '[ "$size" -le 327680 ]'
exit $fail
