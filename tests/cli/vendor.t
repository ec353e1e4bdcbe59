#!/bin/bash
# vendor/fetch.sh: a hash mismatch stops with a clear message and leaves no tree, half or whole.
# Uses the verified downloads in build/dl (no network).
source "$(dirname "$0")/../lib/tap.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -d "$root/build/dl" ] || { ok 1 "build/dl exists (run make first)"; done_testing; }

cache=$TAP_TMP/cache
mkdir -p "$cache" "$TAP_TMP/out"
cp "$root"/build/dl/bearssl_* "$cache/"
run env KEYDROP_VENDOR_CACHE="$cache" sh "$root/vendor/fetch.sh" "$root/vendor/bearssl.pin" "$TAP_TMP/out/bearssl"
is "$RC" 0 "fetch from a verified cache works offline"
[ -f "$TAP_TMP/out/bearssl/inc/bearssl.h" ]; ok $? "tree unpacked"
rm -rf "$TAP_TMP/out/bearssl"

# One flipped byte in the orig tarball.
f=$(ls "$cache"/bearssl_*.orig.tar.xz)
printf '\x00' | dd of="$f" bs=1 seek=1000 conv=notrunc 2>/dev/null
run env KEYDROP_VENDOR_CACHE="$cache" sh "$root/vendor/fetch.sh" "$root/vendor/bearssl.pin" "$TAP_TMP/out/bearssl"
ok $(( RC == 0 )) "a damaged source file stops the fetch"
like "$ERR" "SHA-256 mismatch for bearssl" "the message names the mismatch and the package"
[ ! -e "$TAP_TMP/out/bearssl" ]; ok $? "no tree left behind"
[ -z "$(ls -A "$TAP_TMP/out")" ]; ok $? "no temporary folder left behind"

# A pin that does not match the (intact) file.
cp "$root"/build/dl/bearssl_* "$cache/"
sed 's/^sha256 1/sha256 2/' "$root/vendor/bearssl.pin" > "$TAP_TMP/bad.pin"
grep -q '^sha256 2' "$TAP_TMP/bad.pin"; ok $? "test pin altered"
run env KEYDROP_VENDOR_CACHE="$cache" sh "$root/vendor/fetch.sh" "$TAP_TMP/bad.pin" "$TAP_TMP/out/bearssl"
ok $(( RC == 0 )) "a wrong pin stops the fetch"
like "$ERR" "SHA-256 mismatch" "wrong pin: clear message"
[ -z "$(ls -A "$TAP_TMP/out")" ]; ok $? "wrong pin: nothing left behind"

# musl (vendor/musl.pin, issue 13): its pinned files, verified offline from the cache, unpack into a
# tree with musl's configure and Debian's copyright file (which the .deb's copyright reads).
cp "$root"/build/dl/musl_* "$cache/"
run env KEYDROP_VENDOR_CACHE="$cache" sh "$root/vendor/fetch.sh" "$root/vendor/musl.pin" "$TAP_TMP/out/musl"
is "$RC" 0 "musl: fetch from a verified cache works offline"
[ -x "$TAP_TMP/out/musl/configure" ] && [ -f "$TAP_TMP/out/musl/debian/copyright" ]; ok $? "musl: tree unpacked (configure, debian/copyright)"
is "$(cat "$TAP_TMP/out/musl/VERSION")" "$(awk '$1 == "package" { v = $3; sub(/-[^-]*$/, "", v); print v }' "$root/vendor/musl.pin")" \
	"musl: the tree's VERSION is the pin's upstream version"
done_testing
