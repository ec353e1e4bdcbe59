#!/bin/bash
# Runs every libFuzzer target briefly (FUZZ_SECONDS, default 5 each) from its seed corpus, with
# tests/fuzz/NAME.dict when there is one.
# A crash, leak or sanitizer report fails the test. `make fuzz` runs the same targets for longer.
source "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-5}
shopt -s nullglob
bins=("$root"/build/fuzz/fuzz_*)
[ ${#bins[@]} -gt 0 ]; ok $? "fuzz targets were built"
for bin in "${bins[@]}"; do
	name=$(basename "$bin")
	corpus=$root/tests/fuzz/corpus/${name#fuzz_}
	work=$TAP_TMP/$name
	mkdir -p "$work"
	[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
	dict=()
	if [ -f "$root/tests/fuzz/${name#fuzz_}.dict" ]; then
		dict=(-dict="$root/tests/fuzz/${name#fuzz_}.dict")
	fi
	"$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 "${dict[@]}" "$work" \
		>"$TAP_TMP/$name.log" 2>&1
	rc=$?
	ok $rc "$name ran ${secs}s without a crash"
	if [ ${#dict[@]} -gt 0 ]; then
		# a dictionary libFuzzer cannot parse is an error it reports and then ignores
		grep -q "^Dictionary: [1-9][0-9]* entries" "$TAP_TMP/$name.log"
		ok $? "$name loaded its dictionary ${name#fuzz_}.dict"
	fi
	[ $rc -eq 0 ] || tail -30 "$TAP_TMP/$name.log" | sed 's/^/#   /'
done
done_testing
