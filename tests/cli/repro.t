#!/bin/bash
# Reproducible build: scripts/repro.sh builds the tree twice, in two different directories, with the
# same SOURCE_DATE_EPOCH, and compares the binaries (offline, from build/dl).
source "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${KEYDROP_SKIP_REPRO:-}" ]; then skip "KEYDROP_SKIP_REPRO set"; done_testing; fi
run bash "$root/scripts/repro.sh"
is "$RC" 0 "two clean builds give identical binaries"
[ "$RC" -eq 0 ] || printf '%s\n' "$ERR" | tail -20 | sed 's/^/#   /'
like "$OUT" "identical" "repro.sh reports identical"
done_testing
