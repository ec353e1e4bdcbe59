#!/bin/bash
# scripts/bench/keygen.sh: keydrop vs ssh-keygen in the same hyperfine run on the same machine.
#   ed25519 key generation on tmpfs (the key, its .pub, fsyncs): target <= 0.2x ssh-keygen
#   host keys ed25519 + ecdsa + rsa-3072 into an empty root: target no slower than `ssh-keygen -A`
#   an encrypted ed25519 key (-N pass -a 16, bcrypt + aes256-ctr): target no slower than ssh-keygen
# Usage: scripts/bench/keygen.sh [RUNS]  (default 50; host keys use RUNS/2, at least 20: RSA prime
# search time varies a lot run to run). KEYDROP overrides the binary; KEYDROP_BASE adds this binary
# vs that one in the same hyperfine runs. Exit 1 when a target is missed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KD=${KEYDROP:-$root/build/keydrop}
N=${1:-50}
H=$(( N / 2 > 20 ? N / 2 : 20 ))
# tmpfs: keydrop fsyncs the key, its .pub and the directory (ssh-keygen does not); on a disk that
# dominates both and measures the disk, not the programs.
[ -d /dev/shm ] && [ -w /dev/shm ] || { echo "bench: needs a writable tmpfs at /dev/shm" >&2; exit 1; }
BENCH_TMP=$(mktemp -d /dev/shm/keydrop-bench.XXXXXX)
trap 'rm -rf "$BENCH_TMP"' EXIT
source "$root/scripts/bench/lib.sh"
k=$BENCH_TMP/k r=$BENCH_TMP/r

echo "== ed25519 key generation on tmpfs ($N runs each)"
hf_pair "$N" "rm -f $k $k.pub" \
	"keydrop keygen -t ed25519" "$KD keygen -q -t ed25519 -N '' -f $k -C bench" \
	"ssh-keygen -t ed25519" "ssh-keygen -q -t ed25519 -N '' -f $k -C bench"
keygen_ratio=$HF_RATIO
if [ -n "${KEYDROP_BASE:-}" ]; then
	hf_pair "$N" "rm -f $k $k.pub" \
		"this: keygen -t ed25519" "$KD keygen -q -t ed25519 -N '' -f $k -C bench" \
		"base: keygen -t ed25519" "$KEYDROP_BASE keygen -q -t ed25519 -N '' -f $k -C bench"
fi

echo "== encrypted ed25519 key, -N pass -a 16, on tmpfs ($N runs each)"
hf_pair "$N" "rm -f $k $k.pub" \
	"keydrop keygen -N pass -a 16" "$KD keygen -q -t ed25519 -N pass -a 16 -f $k -C bench" \
	"ssh-keygen -N pass -a 16" "ssh-keygen -q -t ed25519 -N pass -a 16 -f $k -C bench"
enc_ratio=$HF_RATIO

echo "== host keys ed25519 + ecdsa + rsa-3072 into an empty root on tmpfs ($H runs each)"
hf_pair "$H" "sh -c 'rm -rf $r && mkdir -p $r/etc/ssh'" \
	"keydrop hostkeys -t ed25519,ecdsa,rsa" "$KD hostkeys -q --root $r -t ed25519,ecdsa,rsa" \
	"ssh-keygen -A" "ssh-keygen -A -f $r"
hostkeys_ratio=$HF_RATIO
if [ -n "${KEYDROP_BASE:-}" ]; then
	hf_pair "$H" "sh -c 'rm -rf $r && mkdir -p $r/etc/ssh'" \
		"this: hostkeys" "$KD hostkeys -q --root $r -t ed25519,ecdsa,rsa" \
		"base: hostkeys" "$KEYDROP_BASE hostkeys -q --root $r -t ed25519,ecdsa,rsa"
fi

echo "== size"
kd_size=$(stat -c %s "$KD")
sk_bin=$(command -v ssh-keygen)
sk_size=$(stat -L -c %s "$sk_bin")
libs=$(ldd "$sk_bin" | awk '/=>/ && $3 ~ /^\// {print $3} /^\t\/lib/ {print $1}' | sort -u)
lib_size=0
for l in $libs; do lib_size=$((lib_size + $(stat -L -c %s "$l"))); done
printf '  %-44s %8d bytes (%d KiB), static, no shared libraries\n' "keydrop" "$kd_size" $((kd_size / 1024))
printf '  %-44s %8d bytes + %d bytes in %d shared libraries = %d KiB\n' "ssh-keygen" "$sk_size" "$lib_size" "$(echo "$libs" | wc -w)" $(((sk_size + lib_size) / 1024))

echo "== targets"
target "ed25519 keygen, keydrop/ssh-keygen median ratio" "$keygen_ratio" 0.2
target "hostkeys, keydrop/ssh-keygen -A median ratio" "$hostkeys_ratio" 1.0
target "encrypted keygen -a 16, keydrop/ssh-keygen median ratio" "$enc_ratio" 1.0
target "binary size in bytes" "$kd_size" 524288
exit "$BENCH_MISSED"
