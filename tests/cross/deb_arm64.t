#!/bin/bash
# make check-aarch64: the arm64 .deb (make ARCH=aarch64 deb, part of make dist): Debian's name for the
# architecture, the aarch64 binary itself in /usr/bin, the pinned musl in Built-Using, and lintian
# without errors or warnings (KEYDROP_DEB names the package).
source "$(dirname "$0")/../lib/tap.sh"
need dpkg-deb lintian
root=$(cd "$(dirname "$0")/../.." && pwd)
deb=${KEYDROP_DEB:?KEYDROP_DEB names the arm64 .deb (make check-aarch64)}
elf=${KEYDROP_ELF:?KEYDROP_ELF names the aarch64 binary}
version=$(sed -n 's/^VERSION *:= *//p' "$root/Makefile")
musl=$(awk '$1 == "package" { print $3 }' "$root/vendor/musl.pin")

field() { dpkg-deb -f "$deb" "$1"; }
is "$(field Package):$(field Version):$(field Architecture)" "keydrop:$version:arm64" "Package, Version, Architecture arm64"
like "$(field Built-Using)" "^musl \\(= ${musl//+/\\+}\\), " "Built-Using names the pinned musl ($musl)"
dpkg-deb -x "$deb" "$TAP_TMP/x"
cmp -s "$TAP_TMP/x/usr/bin/keydrop" "$elf"; ok $? "usr/bin/keydrop is the aarch64 binary, byte for byte"
like "$(dpkg-deb --fsys-tarfile "$deb" | tar -tv ./usr/bin/keydrop)" '^-rwxr-xr-x root/root ' "usr/bin/keydrop 0755 root:root"
like "$(cat "$TAP_TMP/x/usr/share/doc/keydrop/copyright")" $'Files: musl/\\*\nCopyright: [0-9]' "copyright: musl's holders from its Debian source"
run lintian --pedantic -I "$deb"
printf '%s\n' "$OUT" | sed 's/^/#   /'
is "$(grep '^E:' <<<"$OUT")" "" "lintian: no error"
is "$(grep '^W:' <<<"$OUT")" "" "lintian: no warning"
done_testing
