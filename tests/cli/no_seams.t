#!/bin/bash
# The release binary reads no test-only variable (issue 7): no KEYDROP_TEST_* name, no other name
# that says TEST, and every KEYDROP_* variable it knows is documented in README.md. The tests make
# real conditions instead (loopback servers named with --github-url, --retry-delay, mount
# namespaces, build/keydrop-future). Looks at the binary's strings, so a seam compiled in is found
# whatever code reads it.
source "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

command -v strings >/dev/null || { ok 1 "strings (binutils) is installed"; done_testing; }
[ -s "$KEYDROP" ]; ok $? "$KEYDROP exists"
strings "$KEYDROP" > "$TAP_TMP/strings"
[ -s "$TAP_TMP/strings" ]; ok $? "strings found text in the binary"
is "$(grep -c KEYDROP_TEST "$TAP_TMP/strings")" 0 "no KEYDROP_TEST string in the release binary"
grep -oE '[A-Za-z0-9_]*(TEST_[A-Z0-9_]+|_TEST)\b' "$TAP_TMP/strings" | sort -u > "$TAP_TMP/test_names"
is "$(tr '\n' ' ' < "$TAP_TMP/test_names")" "" "no other variable name with TEST in it"
# every KEYDROP_* name the binary carries is a documented, user-facing setting
undocumented=
for v in $(grep -oE 'KEYDROP_[A-Z0-9_]+' "$TAP_TMP/strings" | sort -u); do
	grep -q "$v" "$root/README.md" || undocumented+="$v "
	grep -qE "\`$v\`.*(test-only|tests? only)" "$root/README.md" && undocumented+="$v(test-only) "
done
is "$undocumented" "" "every KEYDROP_* variable in the binary is documented in README.md, none as test-only"
# the replacements are real options, listed in --help of every network command
for cmd in fetch install sync; do
	help=$("$KEYDROP" "$cmd" --help)
	for opt in --github-url --gitlab-url --launchpad-url --retry-delay; do
		like "$help" "$opt" "$cmd --help lists $opt"
	done
done
done_testing
