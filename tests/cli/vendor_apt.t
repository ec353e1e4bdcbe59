#!/bin/bash
# vendor/fetch.sh's private apt configuration works wherever the machine's own `apt-get update`
# works: here a machine (a throwaway APT_CONFIG, never this machine's /etc/apt) whose apt has the same
# archive both in sources.list (trusted through trusted.gpg.d) and in a deb822 .sources file with
# Signed-By. apt itself accepts that; deb-src entries copied from both used to clash ("Conflicting
# values set for option Signed-By"). The archive is a signed Debian-style repository served on
# 127.0.0.1, holding the pinned BearSSL source package from build/dl.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
ls "$root"/build/dl/bearssl_*.dsc >/dev/null 2>&1 || { ok 1 "build/dl holds the BearSSL source package (run make first)"; done_testing; }
for t in gpg dpkg-scansources apt-get python3; do
	command -v "$t" >/dev/null || { ok 1 "$t is installed (bootstrap group test)"; done_testing; }
done

# ---- the archive: dists/bookworm/{InRelease, main/source/Sources, main/binary-ARCH/Packages} -----
arch=$(dpkg --print-architecture)
www=$TAP_TMP/www
d=$www/debian
mkdir -p "$d/pool/main/b/bearssl" "$d/dists/bookworm/main/source" "$d/dists/bookworm/main/binary-$arch"
cp "$root"/build/dl/bearssl_* "$d/pool/main/b/bearssl/"
(cd "$d" && dpkg-scansources pool/main 2>/dev/null) > "$d/dists/bookworm/main/source/Sources"
grep -q '^Package: bearssl$' "$d/dists/bookworm/main/source/Sources"; ok $? "archive: Sources index lists bearssl"
: > "$d/dists/bookworm/main/binary-$arch/Packages"
{
	printf 'Origin: keydrop-test\nLabel: keydrop-test\nSuite: bookworm\nCodename: bookworm\n'
	printf 'Date: %s\nArchitectures: %s\nComponents: main\nSHA256:\n' "$(LC_ALL=C date -Ru)" "$arch"
	for f in main/source/Sources "main/binary-$arch/Packages"; do
		printf ' %s %s %s\n' "$(sha256sum < "$d/dists/bookworm/$f" | cut -d' ' -f1)" "$(stat -c %s "$d/dists/bookworm/$f")" "$f"
	done
} > "$d/dists/bookworm/Release"
export GNUPGHOME=$TAP_TMP/gnupg
mkdir -m 700 "$GNUPGHOME"
on_exit "gpgconf --kill all >/dev/null 2>&1"
gpg -q --batch --pinentry-mode loopback --passphrase '' --quick-gen-key 'keydrop test archive <archive@test.invalid>' ed25519 sign never 2>/dev/null &&
	gpg -q --batch --clearsign -o "$d/dists/bookworm/InRelease" "$d/dists/bookworm/Release" 2>/dev/null
ok $? "archive: InRelease signed with a throwaway key"

# A static file server on 127.0.0.1 (prints "listening PORT" once it listens).
_start_listening WWW_PORT WWW_PID python3 -c '
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.func.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
print("listening", s.server_address[1], flush=True)
s.serve_forever()' "$www"
ok $? "archive served on 127.0.0.1:$WWW_PORT"
url=http://127.0.0.1:$WWW_PORT/debian

# ---- the machine: its apt configuration, in a throwaway directory ---------------------------------
m=$TAP_TMP/machine
mkdir -p "$m/sources.list.d" "$m/trusted.gpg.d" "$m/keyrings" "$m/lists/partial" "$m/cache/archives/partial"
gpg -q --batch --export > "$m/keyrings/test-archive.gpg"
cp "$m/keyrings/test-archive.gpg" "$m/trusted.gpg.d/test-archive.gpg"
cat > "$m/apt.conf" <<EOF
Dir::Etc::SourceList "$m/sources.list";
Dir::Etc::SourceParts "$m/sources.list.d";
Dir::Etc::Trusted "$m/trusted.gpg";
Dir::Etc::TrustedParts "$m/trusted.gpg.d";
Dir::State::Lists "$m/lists";
Dir::Cache "$m/cache";
APT::Sandbox::User "root";
EOF
printf '# the same archive as in sources.list.d/debian.sources\ndeb %s bookworm main\n' "$url" > "$m/sources.list"
printf 'Types: deb\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: %s\n' "$url" "$m/keyrings/test-archive.gpg" \
	> "$m/sources.list.d/debian.sources"
export APT_CONFIG=$m/apt.conf

run apt-get update
is "$RC" 0 "the machine's own apt-get update works with the archive listed twice"
diag "apt on the machine: $(echo "$ERR" | grep -m1 -E '^(W|E):' || echo 'no warning')"

# ---- vendor/fetch.sh on that machine --------------------------------------------------------------
cache=$TAP_TMP/dl
mkdir -p "$cache" "$TAP_TMP/out"
run env KEYDROP_VENDOR_CACHE="$cache" sh "$root/vendor/fetch.sh" "$root/vendor/bearssl.pin" "$TAP_TMP/out/bearssl"
is "$RC" 0 "fetch.sh works where the machine's apt works"
[ "$RC" -eq 0 ] || diag "$(echo "$ERR" | grep -E '^(E:|vendor)' | head -3)"
[ -f "$TAP_TMP/out/bearssl/inc/bearssl.h" ]; ok $? "the source package was downloaded, verified and unpacked"
[ -f "$cache/bearssl_0.6+dfsg.1.orig.tar.xz" ]; ok $? "the verified download is kept in the cache"
[ ! -e "$m/lists/partial/.fetch" ] && [ "$(cat "$m/sources.list")" = "$(printf '# the same archive as in sources.list.d/debian.sources\ndeb %s bookworm main' "$url")" ]
ok $? "the machine's apt configuration is left as it was"

# An archive that fails the update (404 on the same server) does not stop the download from the one
# that has the package; a disabled stanza is not used.
printf '\nTypes: deb\nURIs: %s/nowhere\nSuites: bookworm\nComponents: main\n' "http://127.0.0.1:$WWW_PORT" \
	>> "$m/sources.list.d/debian.sources"
printf '\nTypes: deb\nURIs: http://127.0.0.1:9/disabled\nSuites: bookworm\nComponents: main\nEnabled: no\n' \
	>> "$m/sources.list.d/debian.sources"
rm -rf "$TAP_TMP/out/bearssl" "$cache"/*
run env KEYDROP_VENDOR_CACHE="$cache" sh "$root/vendor/fetch.sh" "$root/vendor/bearssl.pin" "$TAP_TMP/out/bearssl"
is "$RC" 0 "an archive without the package that fails the update does not stop the fetch"

# The key only embedded in the .sources file (deb822 Signed-By block), nothing in trusted.gpg.d.
rm -f "$m/sources.list" "$m/trusted.gpg.d/"*
{
	printf 'Types: deb\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By:\n' "$url"
	gpg -q --batch --armor --export | sed -e 's/^$/./' -e 's/^/ /'
} > "$m/sources.list.d/debian.sources"
run apt-get update
is "$RC" 0 "the machine's apt works with the key embedded in its .sources file"
rm -rf "$TAP_TMP/out/bearssl" "$cache"/*
run env KEYDROP_VENDOR_CACHE="$cache" sh "$root/vendor/fetch.sh" "$root/vendor/bearssl.pin" "$TAP_TMP/out/bearssl"
is "$RC" 0 "so does fetch.sh (the embedded key is trusted in the private configuration)"
[ -f "$TAP_TMP/out/bearssl/inc/bearssl.h" ]; ok $? "embedded key: tree unpacked"
done_testing
