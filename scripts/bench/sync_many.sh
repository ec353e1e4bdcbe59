#!/bin/bash
# scripts/bench/sync_many.sh: `keydrop sync` of a block of KEYS keys that is already current (compare,
# no write), and `keydrop fetch` of the same keys given twice (the duplicate check): both were
# keys x lines / keys x keys before issue 7's review. hyperfine -N, median of RUNS runs.
# Usage: scripts/bench/sync_many.sh [RUNS]   (default 5)
#   KEYDROP=path        the binary to measure (default build/keydrop)
#   KEYDROP_BASE=path   a second binary measured the same way (ratio printed)
# Not part of the test suite: timings are printed, never asserted.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-5}
KEYS=${KEYS:-4000}
command -v hyperfine >/dev/null || { echo "needs hyperfine (scripts/bootstrap.sh bench installs it)" >&2; exit 1; }
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

median() { # median CMD: seconds
	hyperfine -N --style none --runs "$RUNS" --prepare "cp $work/ak.synced $work/h/.ssh/authorized_keys" \
		--export-json "$work/out.json" "$1" >/dev/null
	python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' "$work/out.json"
}
for case in sync fetch; do
	for who in this base; do
		bin=$KEYDROP
		if [ "$who" = base ]; then
			[ -n "${KEYDROP_BASE:-}" ] || continue
			bin=$KEYDROP_BASE
		fi
		if [ "$case" = sync ]; then
			cmd="$bin -q sync --home $work/h --source many $work/keys"
		else
			cmd="$bin -q fetch $work/keys $work/keys"
		fi
		m=$(median "$cmd")
		printf '%-6s %-5s %6d keys  median %8s s   (hyperfine -N --runs %d \x27%s\x27)\n' "$case" "$who" "$KEYS" "$m" "$RUNS" "${cmd//$work\//}"
	done
done
