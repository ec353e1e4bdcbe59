#!/bin/bash
# make fuzz: every target for FUZZ_SECONDS (default 300) each, with tests/fuzz/NAME.dict when present;
# new inputs stay in build/fuzz/corpus.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-300}
rc=0
for bin in "$root"/build/fuzz/fuzz_*; do
	name=$(basename "$bin")
	work=$root/build/fuzz/corpus/$name
	mkdir -p "$work"
	cp -rn "$root/tests/fuzz/corpus/${name#fuzz_}"/. "$work"/ 2>/dev/null
	# tests/fuzz/NAME.dict, when there is one: the format's tokens (libFuzzer -dict)
	dict=()
	[ -f "$root/tests/fuzz/${name#fuzz_}.dict" ] && dict=(-dict="$root/tests/fuzz/${name#fuzz_}.dict")
	echo "== $name for ${secs}s"
	"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
		-artifact_prefix="$root/build/fuzz/$name-" "$work" 2>&1 | tail -3 || rc=1
done
exit $rc
