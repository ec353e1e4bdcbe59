#!/bin/bash
# scripts/bench/entrypoint.sh: a container start, keydrop entrypoint vs the shell start command it
# replaces (RunPod's: `echo "$PUBLIC_KEY" >> authorized_keys; chmod ...`, plus ssh-keygen for the
# host key), in the same hyperfine run. Both run in fresh mount and PID namespaces (unshare, as a
# runtime starts a container) and exec `true` where sshd would start; keydrop in a chroot holding
# only itself (a scratch image), the shell on a directory of tmpfs (it needs the machine's /bin).
#   restart (host key and PUBLIC_KEY already there): keydrop checks, copies nothing, writes nothing;
#     the shell appends PUBLIC_KEY again (its duplicate per restart) and ssh-keygen -A finds the key
#   first start (empty state): keydrop makes the ed25519 host key and installs PUBLIC_KEY; the
#     shell runs ssh-keygen -t ed25519 for the host key and the echo
# Needs root (namespaces, chroot). Usage: scripts/bench/entrypoint.sh [RUNS] (default 40).
# KEYDROP overrides the binary. Prints medians and ratios; no target (the shell does less: no
# checks, no atomic writes, no fsync).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
KD=${KEYDROP:-$root/build/keydrop}
N=${1:-40}
[ "$(id -u)" -eq 0 ] || { echo "bench: entrypoint.sh needs root (unshare, chroot)" >&2; exit 1; }
[ -d /dev/shm ] && [ -w /dev/shm ] || { echo "bench: needs a writable tmpfs at /dev/shm" >&2; exit 1; }
BENCH_TMP=$(mktemp -d /dev/shm/keydrop-bench.XXXXXX)
trap 'rm -rf "$BENCH_TMP"' EXIT
source "$root/scripts/bench/lib.sh"
S=$BENCH_TMP/scratch P=$BENCH_TMP/shell
mkdir -p "$S" "$P"
cp "$KD" "$S/keydrop"
ssh-keygen -q -t ed25519 -N '' -C bench -f "$BENCH_TMP/user"
export PUBLIC_KEY
PUBLIC_KEY=$(cat "$BENCH_TMP/user.pub")
KDRUN="unshare --mount --pid --fork chroot $S /keydrop entrypoint -q --state /state -- /keydrop version"
# RunPod's start command, with the host key made as its images make it
cat > "$BENCH_TMP/start.sh" <<SH
mkdir -p $P/root/.ssh $P/etc/ssh
echo "\$PUBLIC_KEY" >> $P/root/.ssh/authorized_keys
chmod 700 $P/root/.ssh
chmod 600 $P/root/.ssh/authorized_keys
[ -e $P/etc/ssh/ssh_host_ed25519_key ] || ssh-keygen -q -t ed25519 -N '' -f $P/etc/ssh/ssh_host_ed25519_key
exec true
SH
SHRUN="unshare --mount --pid --fork sh $BENCH_TMP/start.sh"
# first run of each: the state and the key are there from then on
$KDRUN >/dev/null
$SHRUN >/dev/null

echo "== restart: host key and PUBLIC_KEY already in place ($N runs each)"
hf_pair "$N" "true" "keydrop entrypoint (scratch chroot)" "$KDRUN" "shell start command + ssh-keygen" "$SHRUN"
lines=$(wc -l < "$P/root/.ssh/authorized_keys")
echo "  after $((N + 3)) restarts: keydrop's authorized_keys holds the key $(grep -c "${PUBLIC_KEY#* }" "$S/root/.ssh/authorized_keys") time(s), the shell's $lines"

echo "== first start: an empty state, the ed25519 host key made ($N runs each)"
hf_pair "$N" "rm -rf $S/state $S/etc $S/root $P/etc $P/root" "keydrop entrypoint (scratch chroot)" "$KDRUN" \
	"shell start command + ssh-keygen" "$SHRUN"
