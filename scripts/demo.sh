#!/bin/bash
# make demo: the boot-time job end to end in a throwaway directory (build/demo, recreated each time):
# sshd host keys into build/demo/etc/ssh, a user key pair, fingerprints and randomart, then the user's
# public key installed into build/demo/home/alice/.ssh/authorized_keys and listed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
KD=${KEYDROP:-$root/build/keydrop}
demo=$root/build/demo
rm -rf "$demo"
mkdir -p "$demo/home/alice"
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$KD" version
step "$KD" hostkeys --root "$demo" -t ed25519,ecdsa
step "$KD" keygen -t ed25519 -N '' -f "$demo/home/alice/id_ed25519" -C alice@laptop
step "$KD" fingerprint -v "$demo/home/alice/id_ed25519.pub"
if "$KD" help | grep -q '^  install'; then
	step "$KD" install --home "$demo/home/alice" "$demo/home/alice/id_ed25519.pub"
	step "$KD" install --home "$demo/home/alice" "$demo/home/alice/id_ed25519.pub"
	step "$KD" list --home "$demo/home/alice"
fi
printf '\nEverything above lives in %s:\n' "$demo"
(cd "$demo" && find . -type f -printf '  %m %p\n' | sort -k2)
