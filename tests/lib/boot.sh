# tests/lib/boot.sh: boot a Debian root under qemu (TCG) for keydrop's boot tests (tests/boot/*.t).
# Source after tap.sh; needs root (debootstrap, chroot, mkfs.ext4 -d of a root-owned tree).
#
# The pieces, in the order a test uses them:
#   boot_root_tarball NAME PKG,PKG...  a debootstrap root (minbase + the packages), cached as a tarball
#   boot_unpack TARBALL DIR            a fresh copy of it for this run
#   boot_chroot DIR LOG CMD            a command inside it (proc, dev, run mounted in a private namespace)
#   boot_install_deb DIR               keydrop's .deb installed into it by its own dpkg
#   boot_image DIR IMG                 an ext4 disk image holding DIR (mkfs.ext4 -d)
#   boot_start DIR IMG CONSOLE APPEND  qemu with the root's own kernel and initrd; user networking only
#   boot_qemu KERNEL INITRD CONSOLE CMDLINE [FWD [ARGS]]  the same with any kernel, initrd, command line
#   boot_wait_console REGEX SECONDS    wait for a console line (no sleeps: a deadline on a poll)
#   boot_ssh KEY CMD...                ssh into the guest as root, host key checked
#   boot_stop                          poweroff, then qemu gone (also on exit)
# Everything that costs minutes and is the same between runs (the debootstrap, the .deb downloads)
# lives in KEYDROP_CI_CACHE (default /var/cache/keydrop-ci), outside the clone; a run never changes it
# except to add to it. The guest sees only what a test forwards into it (restrict=on).

BOOT_CACHE=${KEYDROP_CI_CACHE:-/var/cache/keydrop-ci}
BOOT_PID=
BOOT_CONSOLE=
# The root of the initramfs tests (tests/boot/initramfs.t, dracut.t): one package list, so both use
# one cached tarball. The cloud kernel's initrd is built by initramfs-tools (dracut-core installs no
# kernel hook); dropbear-initramfs is what Debian users unlock encrypted disks with; dracut's
# network-legacy module needs procps (pgrep).
BOOT_INITRD_PKGS=linux-image-cloud-amd64,initramfs-tools,dropbear-initramfs,busybox,udev,dracut-core,dracut-network,openssh-client,procps

boot_secs() { echo $(( $(date +%s) - $1 )); }
# boot_log_tail FILE [N]: its last N lines as TAP comments (a console's last line has no newline:
# awk ends every line, so the next TAP line stays a line of its own).
boot_log_tail() { diag "last lines of $1:"; tail -n "${2:-25}" "$1" | awk '{ print "#   " $0 }'; }

# boot_site_of RELEASE: the mirror this machine's own apt uses for RELEASE (as apt parsed it).
boot_site_of() {
	apt-get indextargets --format '$(TARGET_OF) $(RELEASE) $(SITE)' 2>/dev/null |
		awk -v r="$1" '$1=="deb" && $2==r {print $3; exit}'
}

# boot_root_tarball NAME PKGS: sets BOOT_TARBALL to a tarball of a bookworm root made by
# `debootstrap --variant=minbase --include=PKGS` (comma-separated), built only when the cache lacks
# it. The tarball's name carries a hash of PKGS, so another package list is another root. The .debs
# debootstrap fetches stay in BOOT_CACHE/boot-debs for the next cold build. The root holds no ssh
# host keys (openssh-server's postinst made some: an image must not carry them) and no apt lists.
boot_root_tarball() {
	local name=$1 pkgs=$2 mirror mk rc t0
	BOOT_TARBALL=$BOOT_CACHE/$name-$(printf '%s' "$pkgs" | sha256sum | cut -c1-12).tar
	[ -s "$BOOT_TARBALL" ] && { diag "reusing $BOOT_TARBALL (remove it to rebuild the root)"; return 0; }
	mirror=${KEYDROP_CI_MIRROR:-$(boot_site_of bookworm)}
	[ -n "$mirror" ] || { diag "this machine's apt names no bookworm mirror"; return 1; }
	mkdir -p "$BOOT_CACHE/boot-debs" || return 1
	mk=$(mktemp -d /var/tmp/keydrop-boot-debootstrap.XXXXXX) || return 1
	on_exit "rm_unless_mounted '$mk'" # an interrupted debootstrap leaves no half root (nor its mounts)
	t0=$(date +%s)
	debootstrap --variant=minbase --include="$pkgs" --cache-dir="$BOOT_CACHE/boot-debs" \
		bookworm "$mk/root" "$mirror" >"$TAP_TMP/debootstrap.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		boot_log_tail "$TAP_TMP/debootstrap.log"
		rm -rf "$mk"
		return $rc
	fi
	rm -f "$mk/root/etc/ssh/ssh_host_"*
	rm -rf "$mk/root/var/lib/apt/lists/"* "$mk/root/var/cache/apt/archives/"*.deb
	tar --numeric-owner -C "$mk/root" -cf "$BOOT_TARBALL.tmp" . && mv "$BOOT_TARBALL.tmp" "$BOOT_TARBALL"
	rc=$?
	rm -rf "$mk"
	diag "timing: debootstrap ($pkgs) and tarball $(boot_secs "$t0") s (no cached root)"
	return $rc
}

# boot_unpack TARBALL DIR: DIR (made here, outside TAP_TMP: /var/tmp) gets a copy of the root;
# removed on exit unless a mount is left in it.
boot_unpack() {
	local tarball=$1
	BOOT_ROOT=$(mktemp -d /var/tmp/keydrop-boot-root.XXXXXX) || return 1
	on_exit "rm_unless_mounted '$BOOT_ROOT'"
	tar --numeric-owner -C "$BOOT_ROOT" -xpf "$tarball"
}

# boot_chroot DIR LOG COMMAND: COMMAND (a bash string) as root inside DIR with a clean environment,
# /proc, /dev and a tmpfs /run, all mounted in a private mount namespace that ends with it.
boot_chroot() {
	local dir=$1 log=$2; shift 2
	unshare --mount --propagation private /bin/bash -c '
		set -e
		r=$1; shift
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mount -t tmpfs tmpfs "$r/run"
		exec chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root TERM=dumb /bin/bash -c "$*"' boot_chroot "$dir" "$@" </dev/null >"$log" 2>&1
}

# boot_install_deb DIR: keydrop's .deb (KEYDROP_DEB, which `make check-boot` passes; else the one
# beside KEYDROP) installed into the root DIR by its own dpkg, as a user would. Two assertions; the
# test ends (done_testing) when there is no .deb.
boot_install_deb() {
	local dir=$1 deb rc
	deb=${KEYDROP_DEB:-$(ls "$(dirname "$KEYDROP")"/keydrop_*.deb 2>/dev/null | tail -n 1)}
	[ -n "$deb" ] && [ -s "$deb" ]
	ok $? "the .deb to install: ${deb:-none (make deb)}"
	[ -n "$deb" ] && [ -s "$deb" ] || done_testing
	cp "$deb" "$dir/tmp/keydrop.deb" && boot_chroot "$dir" "$TAP_TMP/dpkg.log" 'dpkg -i /tmp/keydrop.deb && rm /tmp/keydrop.deb'
	rc=$?
	ok $rc "dpkg -i ${deb##*/} in the root"
	[ $rc -eq 0 ] || boot_log_tail "$TAP_TMP/dpkg.log"
	return $rc
}

# boot_image DIR IMG: an ext4 image of DIR (its size: DIR's plus 256 MiB free for the guest).
boot_image() {
	local dir=$1 img=$2 mib
	mib=$(( $(du -sm "$dir" | cut -f1) + 256 ))
	rm -f "$img" && truncate -s "${mib}M" "$img" &&
		mkfs.ext4 -q -F -L root -E root_owner=0:0 -d "$dir" "$img" >"$TAP_TMP/mkfs.log" 2>&1 ||
		{ boot_log_tail "$TAP_TMP/mkfs.log"; return 1; }
}

# boot_free_port: a free TCP port on 127.0.0.1 (the kernel picks; a tiny race accepted).
boot_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# boot_start DIR IMG CONSOLE APPEND [NETDEV-SUFFIX]: starts qemu (TCG) on IMG with DIR's
# /boot/vmlinuz-* and /boot/initrd.img-*, the serial console written to CONSOLE, the kernel command
# line "root=/dev/vda rw console=ttyS0 panic=-1 APPEND". User networking with restrict=on (the guest
# reaches nothing outside but what NETDEV-SUFFIX forwards, e.g. ",guestfwd=tcp:10.0.2.100:443-
# cmd:python3 $NET_LIB/tcp_relay.py 127.0.0.1 PORT": the cmd: form, once per guest connection; the
# -tcp:HOST:PORT form forwards a single connection); its port 22 is forwarded from
# 127.0.0.1:BOOT_SSH_PORT. Sets BOOT_PID;
# qemu is killed on exit if still there. -no-reboot and panic=-1: a guest that panics or reboots
# ends qemu, so a test waiting on it fails early.
boot_start() {
	local dir=$1 img=$2 console=$3 append=$4 fwd=${5:-} kernel initrd
	kernel=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | tail -n 1)
	initrd=$(ls "$dir"/boot/initrd.img-* 2>/dev/null | tail -n 1)
	[ -n "$kernel" ] && [ -n "$initrd" ] || { diag "no kernel or initrd in $dir/boot"; return 1; }
	boot_qemu "$kernel" "$initrd" "$console" "root=/dev/vda rw console=ttyS0 panic=-1 $append" "$fwd" \
		-drive "file=$img,if=virtio,format=raw"
}

# boot_qemu KERNEL INITRD CONSOLE CMDLINE [NETDEV-SUFFIX [QEMU-ARGS...]]: qemu (TCG) with that kernel,
# initrd and whole kernel command line, the serial console written to CONSOLE, the user network
# (restrict=on, hostfwd 127.0.0.1:BOOT_SSH_PORT -> guest port 22, plus NETDEV-SUFFIX) and any further
# qemu arguments (a disk, -rtc ...). Sets BOOT_PID and BOOT_SSH_PORT; qemu is killed on exit.
boot_qemu() {
	local kernel=$1 initrd=$2 console=$3 cmdline=$4 fwd=${5:-}
	shift 5 2>/dev/null || shift $#
	BOOT_SSH_PORT=$(boot_free_port) || return 1
	BOOT_CONSOLE=$console
	: > "$console"
	qemu-system-x86_64 -accel tcg -m 1024 -smp "${KEYDROP_BOOT_SMP:-2}" -nographic -no-reboot \
		-monitor none -serial "file:$console" \
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" "$@" \
		-netdev "user,id=n,restrict=on,hostfwd=tcp:127.0.0.1:$BOOT_SSH_PORT-:22$fwd" \
		-device virtio-net-pci,netdev=n </dev/null >"$TAP_TMP/qemu.log" 2>&1 &
	BOOT_PID=$!
	on_exit "boot_kill"
}
boot_kill() {
	[ -n "$BOOT_PID" ] || return 0
	kill "$BOOT_PID" 2>/dev/null
	wait "$BOOT_PID" 2>/dev/null
	BOOT_PID=
}
boot_alive() { [ -n "$BOOT_PID" ] && kill -0 "$BOOT_PID" 2>/dev/null; }

# boot_console: the console so far as plain lines: no CR, no colour escapes, and without the prefix
# journald puts on a service's line when it copies it to the console ("[   28.06] keydrop[222]: ",
# StandardOutput=journal+console) and whatever another writer left before it on the same line, so
# a unit's output reads as the unit wrote it.
boot_console() {
	tr -d '\r' < "$BOOT_CONSOLE" | sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g; s/^.*\[ *[0-9]+\.[0-9]+\] [^ :]+\[[0-9]+\]: //'
}

# boot_block NAME: the lines of the raw console's last -----BEGIN SSH HOST KEY NAME----- block
# (cloud-init's format: NAME is FINGERPRINTS or KEYS), without the markers; each line must start at
# the beginning of a console line, as tools that cut the block out of a console log need it. The console is shared: another
# writer's text may end up on a marker's line or between the block's lines, so a marker is found at
# the end of its line and, inside the block, only the lines that have the block's form are kept
# ("BITS SHA256:... COMMENT (TYPE)" or "TYPE BASE64 [COMMENT]").
boot_block() {
	# the raw console (keydrop-hostkeys.service writes its blocks to it as they are): a key line
	# with any prefix would not count
	tr -d '\r' < "$BOOT_CONSOLE" | sed -E 's/\x1b\[[0-9;]*[A-Za-z]//g' | awk -v n="$1" '
		$0 ~ "-----BEGIN SSH HOST KEY " n "-----$" { inb = 1; got = ""; next }
		$0 ~ "-----END SSH HOST KEY " n "-----$" { if (inb) last = got; inb = 0; next }
		inb && n == "FINGERPRINTS" && /^[0-9]+ SHA256:[A-Za-z0-9+\/]+ .* \([A-Z0-9]+\)$/ { got = got $0 "\n" }
		inb && n == "KEYS" && /^(ssh-|ecdsa-|sk-)[a-z0-9@.-]+ [A-Za-z0-9+\/]+=* ?/ { got = got $0 "\n" }
		END { printf "%s", last }'
}

# boot_wait_console REGEX SECONDS: returns 0 once a line of boot_console matches REGEX (grep -E), 1
# when the deadline passes or qemu ended first (a poll of the console file with a deadline, not a
# sleep standing in for an event).
boot_wait_console() {
	local re=$1 end=$(( $(date +%s) + $2 ))
	while :; do
		boot_console | grep -qE -- "$re" && return 0
		boot_alive || { diag "qemu ended (console: $BOOT_CONSOLE)"; return 1; }
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.5
	done
}

# boot_ssh KEY KNOWN_HOSTS CMD...: ssh as root into the guest with KEY only, the host key checked
# against KNOWN_HOSTS (StrictHostKeyChecking yes). Output in OUT/ERR, status in RC.
boot_ssh() {
	local key=$1 kh=$2; shift 2
	run ssh -F /dev/null -p "$BOOT_SSH_PORT" -i "$key" -o IdentitiesOnly=yes -o IdentityAgent=none \
		-o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$kh" \
		-o ConnectTimeout=30 -o ServerAliveInterval=15 -o LogLevel=ERROR "${BOOT_SSH_USER:-root}@127.0.0.1" "$@"
}

# boot_ssh_until SECONDS KEY KNOWN_HOSTS CMD...: boot_ssh until it succeeds or the deadline passes
# (for a login that becomes possible after an event inside the guest, e.g. a timer's run).
boot_ssh_until() {
	local end=$(( $(date +%s) + $1 )); shift
	while :; do
		boot_ssh "$@"
		[ "$RC" -eq 0 ] && return 0
		boot_alive || return 1
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 1
	done
}

# boot_stop KEY KNOWN_HOSTS [SECONDS]: systemctl poweroff over ssh, then wait for qemu to end
# (killed at the deadline; returns 1 then).
boot_stop() {
	local end=$(( $(date +%s) + ${3:-120} ))
	boot_alive || return 1
	boot_ssh "$1" "$2" systemctl poweroff
	while boot_alive; do
		if [ "$(date +%s)" -ge "$end" ]; then boot_kill; return 1; fi
		sleep 0.5
	done
	wait "$BOOT_PID" 2>/dev/null
	BOOT_PID=
	return 0
}
