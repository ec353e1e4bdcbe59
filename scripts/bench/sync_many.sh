#!/bin/bash
# scripts/bench/sync_many.sh: `keydrop sync` of a block of KEYS keys that is already current (compare,
# no write), and `keydrop fetch` of the same keys given twice (the duplicate check): both were
# keys x lines / keys x keys before issue 7's review. hyperfine -N, median of RUNS runs; with
# KEYDROP_BASE, both binaries in the same hyperfine run and the ratio this/base.
# Usage: scripts/bench/sync_many.sh [RUNS]   (default 5)
#   KEYDROP=path        the binary to measure (default build/keydrop)
#   KEYDROP_BASE=path   a second binary measured the same way (ratio printed)
# Not part of the test suite: timings are printed, never asserted.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-5}
KEYS=${KEYS:-4000}
work=$(mktemp -d "${TMPDIR:-/tmp}/keydrop-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$KEYS" <<'PY'
import base64, struct, sys
work, n = sys.argv[1], int(sys.argv[2])
def s(b): return struct.pack('>I', len(b)) + b
with open(work + '/keys', 'w') as f:
    for i in range(n):
        blob = s(b'ssh-ed25519') + s(i.to_bytes(8, 'big') + b'\x05' * 24)
        f.write('ssh-ed25519 %s k%d@example\n' % (base64.b64encode(blob).decode(), i))
PY
mkdir -p "$work/h/.ssh"; chmod 700 "$work/h/.ssh"
"$KEYDROP" -q sync --home "$work/h" --source many "$work/keys"
cp "$work/h/.ssh/authorized_keys" "$work/ak.synced"

BENCH_TMP=$work
source "$root/scripts/bench/lib.sh"
for case in sync fetch; do
	if [ "$case" = sync ]; then args="-q sync --home $work/h --source many $work/keys"; else args="-q fetch $work/keys $work/keys"; fi
	echo "== $case of $KEYS keys ($RUNS runs each)"
	if [ -n "${KEYDROP_BASE:-}" ]; then
		hf_pair "$RUNS" "cp $work/ak.synced $work/h/.ssh/authorized_keys" "this: $case" "$KEYDROP $args" "base: $case" "$KEYDROP_BASE $args"
	else
		hf_one "$RUNS" "cp $work/ak.synced $work/h/.ssh/authorized_keys" "$case" "$KEYDROP $args"
	fi
done
