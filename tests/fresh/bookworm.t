#!/bin/bash
# tests/fresh/bookworm.t: `make` from zero. A minimal Debian bookworm root (debootstrap
# --variant=minbase, laid out as the debian:bookworm image: deb822 sources only, no sources.list),
# with nothing added but `make`, gets a clone of the commit under test; inside it, as root, the first
# `make` must succeed, then `make check-unit` and `make check-cli` must pass. Run by `make check-fresh`
# (and .ci/run). Needs root (chroot, mount namespace) and the network for apt only: the tests inside
# stay on loopback, as everywhere.
#
# The root is cached as a tarball outside the clone, in KEYDROP_CI_CACHE (default
# /var/cache/keydrop-ci), and so are the .deb files apt downloads inside it: a later run on the same
# machine skips debootstrap and the downloads (never the installs, the fetch of the vendored sources
# or the build). KEYDROP_FRESH_COMMIT tests another commit of this repository (e.g. the one before a
# fix, to see this test fail there).
source "$(dirname "$0")/../lib/tap.sh"
repo=$(cd "$(dirname "$0")/../.." && pwd)

[ "$(id -u)" -eq 0 ] || { ok 1 "runs as root (chroot, mount namespace: make check-fresh is for CI, which is root)"; done_testing; }
for t in debootstrap git unshare chroot tar; do
	command -v "$t" >/dev/null || { ok 1 "$t is installed (make check-fresh: bootstrap group ci)"; done_testing; }
done

cache=${KEYDROP_CI_CACHE:-/var/cache/keydrop-ci}
tarball=$cache/bookworm-minbase.tar
debs=$cache/apt-archives
commit=$(git -C "$repo" rev-parse --verify "${KEYDROP_FRESH_COMMIT:-HEAD}^{commit}")
ok $? "commit under test: ${commit:0:12}"
[ -z "${KEYDROP_FRESH_COMMIT:-}" ] && [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ] &&
	diag "the work tree has uncommitted changes: they are not tested (the root gets a clone of HEAD)"
mkdir -p "$cache" "$debs"

# The mirror this machine's own apt uses for bookworm (and bookworm-security), as apt parsed it.
site_of() { apt-get indextargets --format '$(TARGET_OF) $(RELEASE) $(SITE)' 2>/dev/null | awk -v r="$1" '$1=="deb" && $2==r {print $3; exit}'; }
mirror=${KEYDROP_CI_MIRROR:-$(site_of bookworm)}
security=$(site_of bookworm-security)
[ -n "$mirror" ]; ok $? "this machine's apt has a bookworm mirror ($mirror)"

# A fresh root lives outside the clone and outside TAP_TMP; removed only when no mount is left in it
# (all mounts are made in a private mount namespace, which ends with the chroot's commands).
root=$(mktemp -d /var/tmp/keydrop-fresh.XXXXXX)
cleanup_root() { rm_unless_mounted "$root"; }
# Keep what apt downloaded in the root for the next run (a cache only: every run installs again),
# also when a step failed; before the root goes.
save_debs() {
	[ -d "$root/var/cache/apt/archives" ] &&
		find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' -exec cp -n -t "$debs/" {} +
}
on_exit save_debs
on_exit cleanup_root

secs() { echo $(( $(date +%s) - $1 )); }
log_tail() { diag "last lines of $1:"; tail -n "${2:-25}" "$1" | sed 's/^/#   /'; }

# ---- the minimal root, cached ------------------------------------------------------------------
if [ ! -s "$tarball" ]; then
	t0=$(date +%s)
	mk=$(mktemp -d /var/tmp/keydrop-debootstrap.XXXXXX)
	on_exit "rm -rf '$mk'"
	debootstrap --variant=minbase bookworm "$mk/root" "$mirror" >"$TAP_TMP/debootstrap.log" 2>&1
	rc=$?
	ok $rc "debootstrap --variant=minbase bookworm from $mirror"
	[ $rc -eq 0 ] || { log_tail "$TAP_TMP/debootstrap.log"; done_testing; }
	# As the debian:bookworm image: deb822 sources only, no /etc/apt/sources.list.
	rm -f "$mk/root/etc/apt/sources.list"
	{
		printf 'Types: deb\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror"
		[ -z "$security" ] || printf '\nTypes: deb\nURIs: %s\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security"
	} > "$mk/root/etc/apt/sources.list.d/debian.sources"
	rm -rf "$mk/root/var/lib/apt/lists/"* "$mk/root/var/cache/apt/archives/"*.deb
	tar --numeric-owner -C "$mk/root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
	ok $? "root cached as $tarball"
	rm -rf "$mk"
	diag "timing: debootstrap and tarball $(secs "$t0") s (cold cache)"
else
	diag "reusing $tarball (remove it to rebuild the root)"
fi

t0=$(date +%s)
tar --numeric-owner -C "$root" -xpf "$tarball"
ok $? "root unpacked"
[ ! -e "$root/etc/apt/sources.list" ] && grep -q '^Types: deb$' "$root/etc/apt/sources.list.d/debian.sources"
ok $? "the root's apt has deb822 sources only"
[ ! -e "$root/usr/bin/make" ] && [ ! -e "$root/usr/bin/gcc" ] && [ ! -e "$root/usr/include/jsmn.h" ] &&
	[ ! -e "$root/etc/ssl/certs/ca-certificates.crt" ]
ok $? "the root has no make, gcc, jsmn.h or CA bundle yet"
# The machine's network settings for apt (e.g. a snapshot mirror whose Release files are past their
# Valid-Until), name resolution, and the .deb files earlier runs downloaded.
apt-config dump | grep -iE '^Acquire::(check-valid-until|check-date|https?::proxy|ftp::proxy|retries) ' \
	> "$root/etc/apt/apt.conf.d/00keydrop-ci-host" || true
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# What a container runtime or an installer writes and debootstrap does not: localhost in /etc/hosts
# (the tests' loopback servers are named "localhost").
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
find "$debs" -maxdepth 1 -name '*.deb' -exec cp -t "$root/var/cache/apt/archives/" {} +
git clone -q --no-hardlinks "$repo" "$root/root/keydrop" && git -C "$root/root/keydrop" checkout -q --detach "$commit"
ok $? "clone of ${commit:0:12} in the root (/root/keydrop)"
diag "timing: unpack and clone $(secs "$t0") s"

# in_root LOG COMMAND: COMMAND as root inside the root, with a clean environment, /proc and /dev.
in_root() {
	local log=$1; shift
	unshare --mount --propagation private /bin/bash -c '
		set -e
		r=$1; shift
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mount -t tmpfs tmpfs "$r/run"
		exec chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TERM=dumb /bin/bash -c "$*"' in_root "$root" "$@" </dev/null >"$log" 2>&1
}

t0=$(date +%s)
in_root "$TAP_TMP/make-install.log" 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make'
rc=$?
ok $rc "apt-get install make (the only package a new user adds)"
[ $rc -eq 0 ] || { log_tail "$TAP_TMP/make-install.log"; done_testing; }
diag "timing: apt-get update + install make $(secs "$t0") s"

# The first command of a new user: it must not be the one that fails.
t0=$(date +%s)
in_root "$TAP_TMP/make.log" 'cd /root/keydrop && make'
rc=$?
ok $rc "the first 'make' in a fresh clone succeeds"
diag "timing: first make (bootstrap of the build group, vendor fetch, build) $(secs "$t0") s"
[ $rc -eq 0 ] || { log_tail "$TAP_TMP/make.log" 40; done_testing; }
if [ $rc -eq 0 ]; then
	in_root "$TAP_TMP/version.log" 'cd /root/keydrop && ./build/keydrop version'
	ok $? "build/keydrop runs in the root"
	like "$(cat "$TAP_TMP/version.log")" "ca-certificates" "keydrop version names the embedded CA set"
	grep -q "keydrop bootstrap: installing .*libjsmn-dev" "$TAP_TMP/make.log"
	ok $? "the bootstrap installed libjsmn-dev in the same make"
	grep -q "vendor: bearssl .* verified and unpacked" "$TAP_TMP/make.log"
	ok $? "vendor/fetch.sh fetched BearSSL through the root's deb822-only apt"
	grep -q "vendor: musl .* verified and unpacked" "$TAP_TMP/make.log"
	ok $? "vendor/fetch.sh fetched musl (vendor/musl.pin) through the root's deb822-only apt"
	like "$(cat "$TAP_TMP/version.log")" $'\nmusl [0-9.]+-[0-9]+ \\(Debian source\\)' "keydrop version names the pinned musl"
	# the C library is the pinned one, built by the Makefile: nothing installed a system musl
	in_root "$TAP_TMP/musl-tools.log" '! command -v musl-gcc && ! ls /usr/lib/*-linux-musl/libc.a'
	ok $? "no musl-gcc and no system musl libc.a in the root (musl-tools not installed)"
fi

t0=$(date +%s)
in_root "$TAP_TMP/check-unit.log" 'cd /root/keydrop && make -j2 check-unit'
rc=$?
ok $rc "make check-unit in the root"
[ $rc -eq 0 ] || log_tail "$TAP_TMP/check-unit.log" 40
diag "timing: make check-unit (bootstrap of the test group, host build, unit tests) $(secs "$t0") s"

t0=$(date +%s)
in_root "$TAP_TMP/check-cli.log" 'cd /root/keydrop && make check-cli'
rc=$?
ok $rc "make check-cli in the root"
[ $rc -eq 0 ] || log_tail "$TAP_TMP/check-cli.log" 40
grep -E '^(Files=|Result:)' "$TAP_TMP/check-cli.log" | sed 's/^/# /'
diag "timing: make check-cli $(secs "$t0") s"

done_testing
