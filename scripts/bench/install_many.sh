#!/bin/bash
# scripts/bench/install_many.sh: `keydrop install` of 4,096 keys into an authorized_keys file of
# 200,000 keys (issue 7, "Scale"): all new (one write), and all already present (no write).
# hyperfine -N, median of RUNS runs, the file restored before each run (--prepare); with KEYDROP_BASE,
# both binaries in the same hyperfine run and the ratio this/base.
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

BENCH_TMP=$work
source "$root/scripts/bench/lib.sh"
echo "install of $KEYS keys into a file of $LINES keys ($(stat -c %s "$work/ak.orig") bytes; $RUNS runs each)"
for keys in new.pub present.pub; do
	echo "== ${keys%.pub}"
	if [ -n "${KEYDROP_BASE:-}" ]; then
		hf_pair "$RUNS" "cp $work/ak.orig $work/h/.ssh/authorized_keys" \
			"this: install ${keys%.pub}" "$KEYDROP -q install --home $work/h $work/$keys" \
			"base: install ${keys%.pub}" "$KEYDROP_BASE -q install --home $work/h $work/$keys"
	else
		hf_one "$RUNS" "cp $work/ak.orig $work/h/.ssh/authorized_keys" \
			"install ${keys%.pub}" "$KEYDROP -q install --home $work/h $work/$keys"
	fi
done
