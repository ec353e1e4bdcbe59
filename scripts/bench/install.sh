#!/bin/bash
# scripts/bench/install.sh: time `keydrop install` of one new key into authorized_keys files of
# 1k, 10k and 100k lines (ed25519 keys, ~90 bytes a line), against an ssh-import-id style
# `cat >>` append. Also the no-op case (key already present: no write). Median of RUNS runs each.
# Usage: scripts/bench/install.sh [RUNS]   (KEYDROP overrides the binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KEYDROP=${KEYDROP:-$root/build/keydrop}
RUNS=${1:-7}
work=$(mktemp -d "${TMPDIR:-/tmp}/keydrop-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 - "$work" <<'PY'
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

now_us() { echo $(( $(date +%s%N) / 1000 )); }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# bench N MODE: median microseconds of RUNS runs, the file restored before each.
bench() {
	local n=$1 mode=$2 i t0 t1
	for ((i = 0; i < RUNS; i++)); do
		mkdir -p "$work/h/.ssh"
		cp "$work/ak.$n" "$work/h/.ssh/authorized_keys"
		[ "$mode" = noop ] && cat "$work/new.pub" >> "$work/h/.ssh/authorized_keys"
		sync -f "$work/h/.ssh/authorized_keys" 2>/dev/null || true
		t0=$(now_us)
		case $mode in
		install | noop) "$KEYDROP" -q install --home "$work/h" "$work/new.pub" ;;
		cat) cat "$work/new.pub" >> "$work/h/.ssh/authorized_keys" ;;
		esac
		t1=$(now_us)
		echo $((t1 - t0))
	done | median
}

# cpu N: median CPU time (perf's task-clock, in us) of an install that writes; immune to a busy machine.
cpu() {
	local n=$1 i
	command -v perf >/dev/null || { echo 0; return; }
	for ((i = 0; i < RUNS; i++)); do
		mkdir -p "$work/h/.ssh"
		cp "$work/ak.$n" "$work/h/.ssh/authorized_keys"
		perf stat -x, -e task-clock -o "$work/perf.out" "$KEYDROP" -q install --home "$work/h" "$work/new.pub" 2>/dev/null || true
		awk -F, '/task-clock/ { printf "%d\n", $1 * 1000 }' "$work/perf.out"
	done | median
}

printf '%-8s %12s %14s %16s %12s %10s\n' lines "install(ms)" "present(ms)" "cat >> (ms)" "cpu(ms)" bytes
for n in 1000 10000 100000; do
	a=$(bench $n install) b=$(bench $n noop) c=$(bench $n cat) d=$(cpu $n)
	awk -v n="$n" -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v bytes="$(stat -c %s "$work/ak.$n")" \
		'BEGIN { printf "%-8s %12.2f %14.2f %16.2f %12.2f %10s\n", n, a / 1000, b / 1000, c / 1000, d / 1000, bytes }'
done
echo "(median of $RUNS runs, wall clock from this shell, so process start-up is included; install includes"
echo " fsync of the file and the directory; present = key already there, no write; cpu = task-clock of an"
echo " install that writes, from perf stat, 0 when perf is missing)"
