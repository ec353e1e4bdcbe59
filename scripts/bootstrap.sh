#!/bin/bash
# scripts/bootstrap.sh GROUP... (build, test, bench, ci, boot, cross; default build)
# Installs, with apt, whatever the build (or the test suite) needs and this machine lacks. As root it
# installs; otherwise it prints the one apt-get command to run and stops. Never touches apt sources.
# The Makefile runs it before it reads anything else (its outer pass), so every file test and $(shell)
# of the build sees the installed packages: `make` works the first time on a fresh machine.
set -euo pipefail
[ $# -gt 0 ] || set -- build

# command-or-file -> Debian package
build_needs=(
	# musl is built from its pinned Debian source (vendor/musl.pin) with gcc: its configure and
	# Makefile need only a shell, make, gcc and binutils (no musl-tools)
	"dpkg-source:dpkg-dev"
	# make deb
	"dpkg-deb:dpkg"
	"xz:xz-utils"
	"apt-get:apt"
	"sha256sum:coreutils"
	"ar:binutils"
	"gcc:gcc"
	"clang:clang"
	"/usr/include/jsmn.h:libjsmn-dev"
	"/etc/ssl/certs/ca-certificates.crt:ca-certificates"
	# the build date (SOURCE_DATE_EPOCH) is the last commit's: without git the first build would get
	# the fallback date and the next make, after git arrived with the test tools, rebuild everything
	"git:git"
)
test_needs=(
	"clang:clang"
	"/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a:libclang-rt-14-dev"
	"git:git"
	"ssh-keygen:openssh-client"
	"ssh:openssh-client"
	"/usr/sbin/sshd:openssh-server"
	"prove:perl"
	"/usr/bin/python3:python3"
	"openssl:openssl"
	# tests/interop/foreign_keys.t: PuTTY .ppk files made at test time
	"puttygen:putty-tools"
	"strace:strace"
	"/usr/bin/time:time"
	"useradd:passwd"
	# tests/interop/akc.t, sshd_akc.t: nothing of a killed --chain left running
	"pgrep:procps"
	"mkfs.ext4:e2fsprogs"
	"flock:util-linux"
	"curl:curl"
	"gpg:gnupg"
	# tests/cli/install.t, deb.t: systemd-analyze verify and systemctl --root on the units, lintian
	# on the .deb (dpkg-deb and dpkg --root come with dpkg)
	"systemd-analyze:systemd"
	"lintian:lintian"
	# tests/cli/manpage.t: doc/keydrop.1 renders with groff -ww and man -l without a warning
	"groff:groff-base"
	"man:man-db"
	# tests/interop/dropbear.t: the real dropbear and tinysshd servers take keydrop's host keys
	"dropbear:dropbear-bin"
	"dropbearkey:dropbear-bin"
	"tinysshd:tinysshd"
	"tinysshd-printkey:tinysshd"
	# tcpserver: the accept loop tinysshd runs under (one process per connection; tinysshd(8)'s own
	# example; Debian's busybox-static has no tcpsvd)
	"tcpserver:ucspi-tcp"
)
# scripts/bench/fetch.sh compares against Debian's ssh-import-id
bench_needs=(
	"hyperfine:hyperfine"
	"ssh-import-id:ssh-import-id"
	"curl:curl"
)

# scripts/check-fresh.sh (run by .ci/run) builds a minimal Debian root and runs make inside it
ci_needs=(
	"debootstrap:debootstrap"
	"git:git"
	"unshare:util-linux"
	"tar:tar"
)

# tests/boot/*.t (make check-boot, run by .ci/run): a debootstrap root booted under qemu, keys served
# over HTTPS by tests/lib/netserver.py, logins with the real ssh
boot_needs=(
	"qemu-system-x86_64:qemu-system-x86"
	"debootstrap:debootstrap"
	"mkfs.ext4:e2fsprogs"
	"unshare:util-linux"
	"tar:tar"
	"systemctl:systemd"
	"ssh:openssh-client"
	"ssh-keygen:openssh-client"
	"ssh-keyscan:openssh-client"
	"/usr/bin/python3:python3"
	"openssl:openssl"
	"prove:perl"
)

# make ARCH=aarch64, make cross, make dist, make check-aarch64: the cross compiler (musl, BearSSL,
# libsodium and keydrop for aarch64) and qemu-user to run the aarch64 builds in the tests (called by
# name: no binfmt registration needed)
cross_needs=(
	"aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu"
	"aarch64-linux-gnu-objdump:binutils-aarch64-linux-gnu"
	"qemu-aarch64-static:qemu-user-static"
	"file:file"
)

needs=("${build_needs[@]}")
for what in "$@"; do
	case "$what" in
	build) ;;
	test) needs+=("${test_needs[@]}") ;;
	bench) needs+=("${bench_needs[@]}") ;;
	ci) needs+=("${ci_needs[@]}") ;;
	boot) needs+=("${boot_needs[@]}") ;;
	cross) needs+=("${cross_needs[@]}") ;;
	*) echo "usage: $0 [build|test|bench|ci|boot|cross]..." >&2; exit 2 ;;
	esac
done

missing=()
for pair in "${needs[@]}"; do
	thing=${pair%%:*}
	pkg=${pair##*:}
	if [[ $thing == /* ]]; then
		compgen -G "$thing" >/dev/null && continue
	else
		command -v "$thing" >/dev/null 2>&1 && continue
		[[ -x /usr/sbin/$thing || -x /sbin/$thing ]] && continue
	fi
	[[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	echo "keydrop bootstrap: missing build tools; run as root:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
echo "keydrop bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
