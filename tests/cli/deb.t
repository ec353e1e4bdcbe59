#!/bin/bash
# make deb (issue 11): the package's fields and contents, lintian without errors or warnings, the
# same .deb when built twice,
# then `dpkg -i` into a scratch root: `keydrop version` runs from the installed path in a chroot
# holding nothing else, no unit is enabled, and `dpkg -r` takes every file away again.
source "$(dirname "$0")/../lib/tap.sh"
need make dpkg dpkg-deb lintian systemctl chroot
root=$(cd "$(dirname "$0")/../.." && pwd)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$root" "$@"; }
arch=$(dpkg --print-architecture)
version=$(sed -n 's/^VERSION *:= *//p' "$root/Makefile")
deb=$root/build/keydrop_${version}_${arch}.deb

rm -f "$deb"
run mk deb
is "$RC" 0 "make deb: exit 0"
[ "$RC" -eq 0 ] || printf '%s\n' "$ERR" | tail -5 | sed 's/^/#   /'
ok "$([ -f "$deb" ]; echo $?)" "make deb wrote build/keydrop_${version}_${arch}.deb"
field() { dpkg-deb -f "$deb" "$1"; }
is "$(field Package):$(field Version):$(field Architecture)" "keydrop:$version:$arch" \
	"Package, Version, Architecture (dpkg --print-architecture)"
size_k=$(( ($(stat -c %s "$root/build/keydrop") + 1023) / 1024 ))
like "$(field Installed-Size)" '^[0-9]+$' "Installed-Size is a number of KiB"
# little else: units, initramfs-tools scripts, the dracut module, the man page, docs (about 80 KiB)
ok "$(( $(field Installed-Size) < size_k || $(field Installed-Size) > size_k + 96 ))" \
	"Installed-Size ($(field Installed-Size)) covers the binary ($size_k KiB) and little else"
like "$(field Maintainer)" '^[^<>]+ <[^<>@ ]+@[^<>@ ]+>$' "Maintainer: Name <address>"
like "$(field Built-Using)" 'musl \(= [^)]+\).*bearssl \(= [^)]+\), libsodium \(= [^)]+\)' \
	"Built-Using names the statically linked sources with their versions"
is "$(dpkg-deb -f "$deb" Depends Pre-Depends Recommends)" "" "no Depends (a static binary)"
is "$(dpkg-deb --ctrl-tarfile "$deb" | tar -t | LC_ALL=C sort | tr '\n' ' ')" "./ ./control ./md5sums " \
	"control area: control and md5sums only (no maintainer scripts, no conffiles)"

want="drwxr-xr-x root/root ./lib/systemd/system/
-rw-r--r-- root/root ./lib/systemd/system/keydrop-credentials.service
-rw-r--r-- root/root ./lib/systemd/system/keydrop-hostkeys.service
-rw-r--r-- root/root ./lib/systemd/system/keydrop-sync@.service
-rw-r--r-- root/root ./lib/systemd/system/keydrop-sync@.timer
-rwxr-xr-x root/root ./usr/bin/keydrop
-rw-r--r-- root/root ./usr/share/doc/keydrop/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/keydrop/copyright
-rw-r--r-- root/root ./usr/share/initramfs-tools/conf-hooks.d/keydrop
-rwxr-xr-x root/root ./usr/share/initramfs-tools/hooks/keydrop
-rwxr-xr-x root/root ./usr/share/initramfs-tools/scripts/init-bottom/keydrop
-rwxr-xr-x root/root ./usr/share/initramfs-tools/scripts/init-premount/keydrop
-rw-r--r-- root/root ./usr/share/keydrop/sshd_config.d-00-keydrop.conf.example
-rw-r--r-- root/root ./usr/share/keydrop/sync.conf.example
-rw-r--r-- root/root ./usr/share/lintian/overrides/keydrop"
want+=$'\n'"-rw-r--r-- root/root ./usr/share/man/man1/keydrop.1.gz"
# the dracut module (issue 12): scripts dracut runs, 0755
want+=$'\n'"-rwxr-xr-x root/root ./usr/lib/dracut/modules.d/90keydrop/keydrop-online.sh"
want+=$'\n'"-rwxr-xr-x root/root ./usr/lib/dracut/modules.d/90keydrop/module-setup.sh"
is "$(dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' | grep -v '/$' | LC_ALL=C sort -k3)
$(dpkg-deb -c "$deb" | awk '$6 == "./lib/systemd/system/" { print $1, $2, $6 }')" \
	"$(grep -v '/$' <<<"$want" | LC_ALL=C sort -k3)
$(grep '/$' <<<"$want")" "dpkg-deb -c: the files, modes and root ownership; units in /lib/systemd/system"
is "$(dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -E '^\./(etc|usr/local|usr/lib/systemd)/')" "" \
	"nothing in /etc (no conffiles, nothing enabled), /usr/local or /usr/lib/systemd"
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/keydrop | cmp -s - "$root/build/keydrop"
ok $? "the packaged binary is build/keydrop"
like "$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/keydrop/copyright)" \
	'^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "copyright: machine-readable format"
like "$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/doc/keydrop/changelog.gz | gzip -dc)" \
	"^keydrop \\($version\\) unstable; urgency=medium" "changelog.gz: a Debian changelog for this version"

run lintian --pedantic -I "$deb"
diag "lintian: $(grep -c . <<<"$OUT") tags"; printf '%s\n' "$OUT" | sed 's/^/#   /'
is "$(grep '^E:' <<<"$OUT")" "" "lintian: no error"
is "$(grep '^W:' <<<"$OUT")" "" "lintian: no warning"

# Reproducible: every date inside is SOURCE_DATE_EPOCH (the last commit's), not the build's time.
sde=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct)}
is "$(dpkg-deb --fsys-tarfile "$deb" | TZ=UTC tar -tv --full-time | awk '{ print $4 "T" $5 }' | sort -u)" \
	"$(TZ=UTC date -d "@$sde" +%FT%T)" "every file in the data archive dated SOURCE_DATE_EPOCH"
is "$(python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
i, t = 8, set()
while i + 60 <= len(d):
    t.add(int(d[i + 16:i + 28])); i += 60 + int(d[i + 48:i + 58]); i += i % 2
print(*sorted(t))' "$deb")" "$sde" "every ar member of the .deb dated SOURCE_DATE_EPOCH"
sum1=$(sha256sum < "$deb")
run mk deb
is "$RC:$(sha256sum < "$deb")" "0:$sum1" "make deb twice: the same bytes (SOURCE_DATE_EPOCH, gzip -n, root-owned)"

# ---- dpkg -i into a scratch root ---------------------------------------------------------------------
# As root directly; otherwise in a user namespace (root there), as dpkg --root and chroot need.
asroot() { if [ "$(id -u)" -eq 0 ]; then "$@"; else unshare -r "$@"; fi; }
if [ "$(id -u)" -ne 0 ] && ! unshare -r true 2>/dev/null; then
	skip "dpkg -i into a scratch root: not root and no user namespace"
	done_testing
fi
R=$TAP_TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" && : > "$R/var/lib/dpkg/status"
run asroot dpkg --root="$R" -i "$deb"
is "$RC" 0 "dpkg --root=DIR -i: installed"
[ "$RC" -eq 0 ] || printf '%s\n' "$OUT" "$ERR" | tail -5 | sed 's/^/#   /'
is "$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status} ${Version}' keydrop)" "install ok installed $version" \
	"dpkg: keydrop $version installed ok"
run asroot chroot "$R" /usr/bin/keydrop version
like "$RC:$OUT" "^0:keydrop $version"$'\n'"BearSSL " "keydrop version from /usr/bin/keydrop in the installed root (chroot: nothing else there)"
ok "$([ ! -e "$R/etc" ]; echo $?)" "no etc/ in the root after the install: no unit enabled, no configuration"
for u in keydrop-hostkeys.service keydrop-credentials.service keydrop-sync@alice.timer; do
	is "$(systemctl --root="$R" is-enabled "$u" 2>&1)" disabled "systemctl --root: $u disabled after dpkg -i"
done
# the check above can fail: what an enabled unit looks like in the same root
systemctl --root="$R" enable keydrop-hostkeys.service >/dev/null 2>&1
is "$(systemctl --root="$R" is-enabled keydrop-hostkeys.service 2>&1):$(find "$R/etc/systemd/system" -type l | wc -l)" "enabled:1" \
	"(an admin's enable is seen: a symlink under etc/systemd/system)"
systemctl --root="$R" disable keydrop-hostkeys.service >/dev/null 2>&1
run asroot dpkg --root="$R" -r keydrop
is "$RC:$(find "$R" -path "$R/var" -prune -o ! -type d -print)" "0:" "dpkg -r: every file of the package gone again"
done_testing
