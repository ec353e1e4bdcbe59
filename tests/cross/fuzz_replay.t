#!/bin/bash
# make check-aarch64: every fuzz target's seed corpus (tests/fuzz/corpus/NAME) replayed through the
# target built for aarch64 (KEYDROP_REPLAY: build/aarch64/replay/fuzz_NAME, tests/cross/replay_main.c)
# under qemu-user: the parsers' invariants (the targets trap when one breaks) on another
# architecture's alignment and code generation. A target that traps or faults exits on a signal.
source "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${KEYDROP_REPLAY:?KEYDROP_REPLAY names the folder of the replay builds (make check-aarch64)}
runner=${TARGET_RUN:-qemu-aarch64-static}
need "$runner"

for src in "$root"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	corpus=$root/tests/fuzz/corpus/${name#fuzz_}
	files=("$corpus"/*)
	[ -e "${files[0]}" ] || { ok 1 "$name: a seed corpus in $corpus"; continue; }
	run "$runner" "$dir/$name" "${files[@]}"
	is "$RC:$OUT" "0:replayed ${#files[@]} inputs" "$name: ${#files[@]} corpus files replayed on aarch64"
	[ "$RC" -eq 0 ] || printf '%s\n' "$ERR" | tail -5 | sed 's/^/#   /'
done
done_testing
