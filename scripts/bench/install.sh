#!/bin/bash
# scripts/bench/install.sh: `keydrop install` of one new key into authorized_keys files of 1k, 10k and
# 100k lines (ed25519 keys, ~90 bytes a line), against the ssh-import-id way, a plain `cat >>`
# append, in the same hyperfine run; also the no-op case (key already present: no write).
# Target: one key into 100k lines <= 50 ms (median, process start-up and fsyncs included).
# Usage: scripts/bench/install.sh [RUNS]  (default 20; KEYDROP overrides the binary). Exit 1 on a miss.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-20}
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/keydrop-bench.XXXXXX")
trap 'rm -rf "$BENCH_TMP"' EXIT
source "$root/scripts/bench/lib.sh"
w=$BENCH_TMP

python3 - "$w" <<'PY'
import base64, struct, sys
def s(b): return struct.pack('>I', len(b)) + b
def line(i, tag):
    blob = s(b'ssh-ed25519') + s(i.to_bytes(8, 'big') + tag * 24)
    return 'ssh-ed25519 %s user%d@example\n' % (base64.b64encode(blob).decode(), i)
for n in (1000, 10000, 100000):
    with open('%s/ak.%d' % (sys.argv[1], n), 'w') as f:
        f.writelines(line(i, b'\x01') for i in range(n))
with open('%s/new.pub' % sys.argv[1], 'w') as f:
    f.write(line(1 << 40, b'\x02'))
PY
mkdir -p "$w/h/.ssh"
chmod 700 "$w/h/.ssh"
ak=$w/h/.ssh/authorized_keys

for n in 1000 10000 100000; do
	echo "== one key into $n lines ($(stat -c %s "$w/ak.$n") bytes; $RUNS runs each, file restored before each)"
	hf_pair "$RUNS" "cp $w/ak.$n $ak" \
		"keydrop install ($n lines)" "$KEYDROP -q install --home $w/h $w/new.pub" \
		"cat >> ($n lines)" "sh -c 'cat $w/new.pub >> $ak'"
	[ "$n" = 100000 ] && install_100k=$HF_A
	cat "$w/ak.$n" "$w/new.pub" > "$w/ak.$n.present"
	hf_one "$RUNS" "cp $w/ak.$n.present $ak" \
		"keydrop install, key present ($n lines)" "$KEYDROP -q install --home $w/h $w/new.pub"
done

echo "== targets"
target "install one key into 100k lines, median ms" "$install_100k" 50
exit "$BENCH_MISSED"
