#!/bin/bash
# scripts/bench/keygen.sh: keydrop vs ssh-keygen, measured in the same run on the same machine.
# Targets (issue 2): ed25519 keygen <= 1/5 of ssh-keygen's wall time and <= 1 MiB peak RSS;
# binary <= 320 KiB. Not a test: numbers vary on shared machines; ratios are what count.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KD=${KEYDROP:-$root/build/keydrop}
N=${N:-50}
BENCH_TMP=$(mktemp -d /tmp/keydrop-bench.XXXXXX)
trap 'rm -rf "$BENCH_TMP"' EXIT
source "$root/scripts/bench/lib.sh"
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 1; }
k=$BENCH_TMP/k

echo "== ed25519 key generation (whole process)"
measure "keydrop keygen -t ed25519" "$N" "rm -f $k $k.pub" -- "$KD" keygen -q -t ed25519 -f "$k" -C bench
kd_ms=$MED_MS kd_rss=$RSS_KIB
measure "ssh-keygen -t ed25519" "$N" "rm -f $k $k.pub" -- ssh-keygen -q -t ed25519 -N '' -f "$k" -C bench
sk_ms=$MED_MS sk_rss=$RSS_KIB
# Wall time per run, on the disk and on tmpfs: keydrop fsyncs the key, its .pub and the directory
# (durability on power loss; ssh-keygen does not), which on a disk costs more than the rest.
kd_us=$(per_run_us "$N" "rm -f $k $k.pub" -- "$KD" keygen -q -t ed25519 -f "$k" -C bench)
sk_us=$(per_run_us "$N" "rm -f $k $k.pub" -- ssh-keygen -q -t ed25519 -N '' -f "$k" -C bench)
echo "   wall per run on $(df --output=fstype "$BENCH_TMP" | tail -1) ($N runs): keydrop ${kd_us} us, ssh-keygen ${sk_us} us, ratio $(awk -v a="$kd_us" -v b="$sk_us" 'BEGIN{printf "%.3f", a/b}')"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	m=$(mktemp -d /dev/shm/keydrop-bench.XXXXXX)
	kd_us=$(per_run_us "$N" "rm -f $m/k $m/k.pub" -- "$KD" keygen -q -t ed25519 -f "$m/k" -C bench)
	sk_us=$(per_run_us "$N" "rm -f $m/k $m/k.pub" -- ssh-keygen -q -t ed25519 -N '' -f "$m/k" -C bench)
	rm -rf "$m"
	echo "   wall per run on tmpfs ($N runs): keydrop ${kd_us} us, ssh-keygen ${sk_us} us, ratio $(awk -v a="$kd_us" -v b="$sk_us" 'BEGIN{printf "%.3f", a/b}')"
fi

echo "== host keys ed25519 + ecdsa + rsa-3072"
H=${HN:-5}
measure "keydrop hostkeys -t ed25519,ecdsa,rsa" "$H" "rm -rf $BENCH_TMP/r; mkdir -p $BENCH_TMP/r/etc/ssh" -- "$KD" hostkeys -q --root "$BENCH_TMP/r" -t ed25519,ecdsa,rsa
hk_ms=$MED_MS hk_rss=$RSS_KIB
measure "ssh-keygen -A" "$H" "rm -rf $BENCH_TMP/r; mkdir -p $BENCH_TMP/r/etc/ssh" -- ssh-keygen -A -f "$BENCH_TMP/r"
ha_ms=$MED_MS ha_rss=$RSS_KIB

echo "== size"
kd_size=$(stat -c %s "$KD")
sk_bin=$(command -v ssh-keygen)
sk_size=$(stat -L -c %s "$sk_bin")
libs=$(ldd "$sk_bin" | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/lib/ {print $1}' | sort -u)
lib_size=0
for l in $libs; do lib_size=$((lib_size + $(stat -L -c %s "$l"))); done
printf '%-44s %8d bytes (%d KiB), static, no shared libraries\n' "keydrop" "$kd_size" $((kd_size / 1024))
printf '%-44s %8d bytes + %d bytes in %d shared libraries = %d KiB\n' "ssh-keygen" "$sk_size" "$lib_size" "$(echo "$libs" | wc -w)" $(((sk_size + lib_size) / 1024))

echo "== targets"
ratio=$(awk -v a="$kd_us" -v b="$sk_us" 'BEGIN{printf "%.3f", a/b}')
verdict() { if [ "$1" = 1 ]; then echo PASS; else echo MISS; fi; }
echo "ed25519 keygen time ratio keydrop/ssh-keygen = $ratio (last measurement above; target <= 0.200): $(verdict "$(awk -v r="$ratio" 'BEGIN{print (r<=0.2)}')")"
echo "ed25519 keygen peak RSS = ${kd_rss} KiB (target <= 1024; ssh-keygen ${sk_rss} KiB): $(verdict "$(( kd_rss <= 1024 ))")"
echo "hostkeys vs ssh-keygen -A: ${hk_ms} ms vs ${ha_ms} ms (ratio $(awk -v a="$hk_ms" -v b="$ha_ms" 'BEGIN{ if (b>0) printf "%.2f", a/b; else print "n/a"}')), RSS ${hk_rss} vs ${ha_rss} KiB"
echo "binary size = $((kd_size / 1024)) KiB (target <= 320): $(verdict "$(( kd_size <= 320 * 1024 ))")"
