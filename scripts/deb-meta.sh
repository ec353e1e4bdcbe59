#!/bin/bash
# scripts/deb-meta.sh ROOT VERSION ARCH MAINTAINER BUILT_USING BEARSSL_SRC SODIUM_SRC MUSL_SRC
# (make deb) Writes the Debian metadata into ROOT, a `make install DESTDIR=ROOT PREFIX=/usr` tree:
# DEBIAN/control, usr/share/doc/keydrop/copyright (machine-readable, with the licenses of what the
# static binary carries, taken from the fetched sources) and the changelog, dated by
# SOURCE_DATE_EPOCH (reproducible). No maintainer scripts: the package enables no unit.
set -euo pipefail
root=$1 version=$2 arch=$3 maintainer=$4 built_using=$5 bearssl=$6 sodium=$7 musl=$8
doc=$root/usr/share/doc/keydrop
: "${SOURCE_DATE_EPOCH:?}"
indent() { sed -e 's/^[[:space:]]*$/./' -e 's/^/ /'; } # a DEP-5 / control continuation block

# The changelog: a package version without a Debian revision is a native package, whose changelog
# is changelog.gz (Policy 12.7); with one, changelog.Debian.gz.
name=changelog.Debian.gz
[[ $version == *-* ]] || name=changelog.gz
{
	printf 'keydrop (%s) unstable; urgency=medium\n\n' "$version"
	printf '  * Built from the keydrop source tree with make deb.\n\n'
	printf ' -- %s  %s\n' "$maintainer" "$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n > "$doc/$name"

# ISC text of keydrop's LICENSE: its paragraphs after the copyright line, up to the note on the
# vendored libraries.
isc=$(awk 'NR > 4 && /^BearSSL/ { exit } NR > 4' LICENSE)
mit=$(sed -e '1d' -e '/./,$!d' "$bearssl/LICENSE.txt")
# The other libraries' holders as their own files name them, read at build time (nothing of theirs
# is written into this repository): libsodium's LICENSE ("Copyright (c) YEARS" then the holder on
# the next line), musl's from the Debian copyright file of the pinned musl source the binary was
# linked with (vendor/musl.pin).
sodium_copyright=$(awk '/Copyright \(c\)/ { sub(/.*Copyright \(c\) */, ""); y = $0; getline; sub(/^[ *]*/, ""); print y " " $0; exit }' "$sodium/LICENSE")
musl_copyright=$(awk '/^Files: \*$/ { f = 1; next } f && /^Copyright:/ { sub(/^Copyright: */, ""); print; c = 1; next }
	c && /^ / { sub(/^ +/, "           "); print; next } c { exit }' "$musl/debian/copyright")
[ -n "$sodium_copyright" ] && [ -n "$musl_copyright" ] || { echo "deb-meta: cannot read libsodium's or musl's copyright holders" >&2; exit 1; }
{
	cat <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: keydrop
Comment: keydrop is one static binary. Besides its own code it carries, linked in at build time,
 BearSSL and the Ed25519 part of libsodium (both built from Debian's source packages, versions in
 the Built-Using field and in 'keydrop version'), the musl C library, and the Mozilla CA
 certificates of Debian's ca-certificates package as embedded trust anchors.

Files: *
Copyright: 2026 the keydrop authors
License: ISC

Files: bearssl/*
Copyright: $(sed -n '1s/^Copyright (c) //p' "$bearssl/LICENSE.txt")
License: MIT

Files: libsodium/*
Copyright: $sodium_copyright
License: ISC

Files: musl/*
Copyright: $musl_copyright
License: MIT

Files: ca-certificates/*
Copyright: Mozilla Foundation and the certificate authorities
License: MPL-2.0
 On Debian systems, the complete text of the Mozilla Public License 2.0 can be
 found in /usr/share/common-licenses/MPL-2.0.

License: ISC
COPY
	printf '%s\n' "$isc" | indent
	printf '\nLicense: MIT\n'
	printf '%s\n' "$mit" | sed 's/[[:space:]]*$//' | indent
} > "$doc/copyright"
grep -q 'ISC License' "$sodium/LICENSE" || { echo "deb-meta: $sodium/LICENSE is not the ISC license" >&2; exit 1; }
chmod 0644 "$doc/copyright" "$doc/$name"

# lintian reads keydrop (ET_DYN, no PT_INTERP: a static PIE) as a shared library without libc.
install -d -m 0755 "$root/usr/share/lintian/overrides"
cat > "$root/usr/share/lintian/overrides/keydrop" <<'OVR'
# usr/bin/keydrop is a static PIE (ET_DYN without an interpreter or DT_NEEDED), not a shared library.
keydrop: shared-library-lacks-prerequisites [usr/bin/keydrop]
OVR
chmod 0644 "$root/usr/share/lintian/overrides/keydrop"
find "$root" -type d -exec chmod 0755 {} +

# Installed-Size: KiB of everything but DEBIAN, each file rounded up (as dpkg-gencontrol counts).
size=$(find "$root" -path "$root/DEBIAN" -prune -o \( -type f -o -type l \) -printf '%s\n' |
	awk '{ s += int(($1 + 1023) / 1024) } END { print s }')
dirs=$(find "$root" -path "$root/DEBIAN" -prune -o -type d -print | wc -l)
cat > "$root/DEBIAN/control" <<CTRL
Package: keydrop
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $((size + dirs))
Built-Using: $built_using
Section: admin
Priority: optional
Description: SSH keys for fresh machines: generate, fetch, install safely
 keydrop is one static binary for freshly booted instances, containers and
 initramfs images: it generates SSH keys and sshd host keys, fetches users'
 public keys over HTTPS (GitHub, GitLab, Launchpad, any URL), validates them
 and installs them into authorized_keys atomically, without ever losing or
 leaking a key. It also serves as sshd's AuthorizedKeysCommand and as a
 container entrypoint.
 .
 The systemd units (keydrop-hostkeys.service, keydrop-sync@.timer,
 keydrop-credentials.service) are installed but not enabled.
CTRL
chmod 0644 "$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"
