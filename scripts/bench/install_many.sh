#!/bin/bash
# scripts/bench/install_many.sh: `keydrop install` of 4,096 keys into an authorized_keys file of
# 200,000 keys (issue 7, "Scale"): all new (one write), and all already present (no write).
# hyperfine -N, median of RUNS runs, the file restored before each run (--prepare).
# Usage: scripts/bench/install_many.sh [RUNS]   (default 5)
#   KEYDROP=path        the binary to measure (default build/keydrop)
#   KEYDROP_BASE=path   a second binary (e.g. one built from an older commit) measured the same way
# Not part of the test suite: timings are printed, never asserted.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-5}
LINES=${LINES:-200000}
KEYS=${KEYS:-4096}
command -v hyperfine >/dev/null || { echo "needs hyperfine (scripts/bootstrap.sh bench installs it)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/keydrop-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Synthetic ed25519 keys: distinct 32-byte bodies (keydrop checks the blob's shape, not the point).
python3 - "$work" "$LINES" "$KEYS" <<'PY'
import base64, struct, sys
work, nlines, nkeys = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def s(b): return struct.pack('>I', len(b)) + b
def line(i, tag):
    blob = s(b'ssh-ed25519') + s(i.to_bytes(8, 'big') + tag * 24)
    return 'ssh-ed25519 %s user%d@example\n' % (base64.b64encode(blob).decode(), i)
with open(work + '/ak.orig', 'w') as f:
    f.writelines(line(i, b'\x01') for i in range(nlines))
with open(work + '/new.pub', 'w') as f:
    f.writelines(line(i, b'\x02') for i in range(nkeys))
with open(work + '/present.pub', 'w') as f:
    f.writelines(line(i * (nlines // nkeys), b'\x01') for i in range(nkeys))
PY
mkdir -p "$work/h/.ssh"
chmod 700 "$work/h/.ssh"

# one LABEL BINARY CASE: median seconds of RUNS runs.
one() {
	local label=$1 bin=$2 keys=$3
	local cmd="$bin -q install --home $work/h $work/$keys"
	hyperfine -N --style none --runs "$RUNS" --prepare "cp $work/ak.orig $work/h/.ssh/authorized_keys" \
		--export-json "$work/out.json" "$cmd" >/dev/null
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%-8s %-8s median %8.3f s  (min %.3f, max %.3f, %d runs)" % (sys.argv[2], sys.argv[3], r["median"], r["min"], r["max"], len(r["times"])))' \
		"$work/out.json" "$label" "${keys%.pub}"
	echo "         command: hyperfine -N --runs $RUNS --prepare 'cp ak.orig h/.ssh/authorized_keys' '$bin -q install --home h $keys'"
}

echo "install of $KEYS keys into a file of $LINES keys ($(stat -c %s "$work/ak.orig") bytes)"
for keys in new.pub present.pub; do
	one this "$KEYDROP" "$keys"
	if [ -n "${KEYDROP_BASE:-}" ]; then
		one base "$KEYDROP_BASE" "$keys"
	fi
done
