#!/bin/bash
# tests/boot/dracut.t: keydrop's dracut module (scripts/dracut/90keydrop, issue 12) with the real
# dracut (Debian's dracut-core) in a bookworm root holding the cloud kernel: keydrop's .deb is
# installed by the root's dpkg, /etc/keydrop/initramfs.conf written (a source, cacert, a header
# file, the hook-only lines `hostkeys`, `ssh`, `network-wait`), and `dracut -a keydrop` builds an initramfs for
# the root's kernel. Asserts with `lsinitrd`: keydrop (the installed binary), the hook in
# initqueue/online, the config without the hook-only lines, the files its cacert and header-file
# lines name, /etc/hosts, root in the image's passwd with a 0700 home. Then the hook itself, in the
# unpacked image (chroot, its own /bin/sh and dracut-lib.sh, sourced as the network module sources
# online hooks): with the key server up (HTTPS on the host's loopback; keys.test in the image's
# /etc/hosts; the server answers only with the header file's credential) root's authorized_keys
# gets the server's key in the block "initramfs" and keeps the baked key (dracut-sshd's layout);
# one console line says so; a second online interface does not fetch again; with the server gone,
# one warning line and the file byte-for-byte unchanged; with a server that never answers and a
# `wait-network 600` line, the hook returns at the config's timeout (spelt `timeo 8`, an
# abbreviation getopt takes), or at its own 15 s without one. Opt-in: without the config and
# without -a the module is not in the image (check() 255); with the config it is (0); -a without
# the config includes it (a hook that does nothing). With systemd-networkd as the network handler
# (a stand-in module) the build warns. A config group-writable, not root's, or with a line keydrop
# refuses, and a cacert naming a relative path or a missing file, fail the build, the previous
# image unchanged. Last, a real boot of a dracut image (with the
# kernel's modules) under qemu TCG, restrict=on, the key server reached only through a guestfwd:
# dhclient brings the network up, keydrop's online hook syncs root's block next to the baked key; a
# fixture module made by this test (not shipped) prints the file on the console and powers off.
# Root only; run by `make check-boot`. KEYDROP_BOOT_TIMEOUT (default 300 s) bounds the boot;
# KEYDROP_BOOT_CONSOLE_COPY=FILE keeps the guest's console.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/boot.sh"

[ "$(id -u)" -eq 0 ] || { ok 1 "runs as root (debootstrap, chroot, dracut in the root): make check-boot is for CI, which is root"; done_testing; }
need debootstrap unshare chroot tar python3 openssl ssh-keygen mknod qemu-system-x86_64 truncate
T_ALL=$(date +%s)

# ---- the root: the cached debootstrap shared with initramfs.t, keydrop from its .deb ------------
boot_root_tarball bookworm-initrd "$BOOT_INITRD_PKGS"
ok $? "bookworm root with dracut-core, dracut-network and the cloud kernel (cached: $BOOT_TARBALL)"
[ -s "$BOOT_TARBALL" ] || done_testing
boot_unpack "$BOOT_TARBALL"
ok $? "root unpacked"
R=$BOOT_ROOT
kver=$(ls "$R/boot" | sed -n 's/^vmlinuz-\(.*-cloud-amd64\)$/\1/p' | tail -n 1)
[ -n "$kver" ] && [ -d "$R/lib/modules/$kver" ] && [ -x "$R/usr/bin/dracut" ] && [ -x "$R/usr/bin/lsinitrd" ]
ok $? "the root holds the cloud kernel ($kver), its modules, dracut and lsinitrd"

# dracut's network-legacy module (dhclient; what `depends network` gets in a root without systemd)
# needs pgrep: BOOT_INITRD_PKGS names procps.
[ -x "$R/usr/bin/pgrep" ]
ok $? "the root holds pgrep (procps, for dracut's network-legacy)"

boot_install_deb "$R"
M=/usr/lib/dracut/modules.d/90keydrop
is "$(cd "$R$M" 2>/dev/null && stat -c '%a %U %n' * | tr '\n' ' ')" "755 root keydrop-online.sh 755 root module-setup.sh " \
	"the .deb ships the dracut module in $M, scripts 0755 root"

# ---- the key server and the configuration ---------------------------------------------------------
# The server answers root.keys only to the header file's credential (401 otherwise): a key in
# root's file proves the header file reached the image.
P=$TAP_TMP/pki
mkdir -p "$P" && pki_root "$P" root ec && pki_sign "$P" root keys ec leaf DNS:keys.test
ok $? "test PKI: a CA and a leaf for keys.test"
for n in 0 1; do ssh-keygen -q -t ed25519 -N '' -C "dracut-k$n" -f "$TAP_TMP/k$n" || exit 1; done
token=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
python3 - "$TAP_TMP/k1.pub" "Authorization: Bearer $token" > "$TAP_TMP/routes.json" <<'EOF'
import json, sys
print(json.dumps({"/root.keys": [{"when": sys.argv[2], "status": 200, "body": open(sys.argv[1]).read()}]}))
EOF
: > "$TAP_TMP/server.log"
https_start "$TAP_TMP/routes.json" <(cat "$P/keys.pem" "$P/root.pem") "$P/keys.key" --log "$TAP_TMP/server.log"
ok $? "key server listening on 127.0.0.1:$HTTPS_PORT (keys.test)"

# The image's /etc/hosts comes from the root's: keys.test is the host's loopback here (the hook runs
# in a chroot on this machine, in its network namespace).
printf '127.0.0.1\tlocalhost keys.test\n' > "$R/etc/hosts"
install -d -m 0755 "$R/etc/keydrop"
install -m 0644 "$P/root.pem" "$R/etc/keydrop/test-ca.pem"
(umask 077 && printf 'Authorization: Bearer %s\n' "$token" > "$R/etc/keydrop/token.headers")
# the hook-only lines, as a user writes them: indented, a tab, between the sync lines
conf_keep="# keydrop in the initramfs (dracut.t)
source https://keys.test:$HTTPS_PORT/root.keys
cacert /etc/keydrop/test-ca.pem
header-file /etc/keydrop/token.headers
timeout 10"
(umask 077 && { sed -n 1,2p <<<"$conf_keep"; printf '  hostkeys same\n'; sed -n 3,4p <<<"$conf_keep"; printf 'ssh\tdropbear\n'
	printf 'network-wait 30\n'; sed -n '5,$p' <<<"$conf_keep"; } > "$R/etc/keydrop/initramfs.conf")

# ---- dracut -a keydrop ----------------------------------------------------------------------------
# dracut_build NAME ARGS: `dracut -f ARGS /tmp/NAME.img KVER` in the root; its listing (lsinitrd) in
# TAP_TMP/NAME.ls. Sets RC (dracut's exit status).
dracut_build() {
	local name=$1 t0=$(date +%s); shift
	boot_chroot "$R" "$TAP_TMP/$name.log" "dracut -f $* /tmp/$name.img $kver"
	RC=$?
	[ "$RC" -eq 0 ] || boot_log_tail "$TAP_TMP/$name.log"
	boot_chroot "$R" "$TAP_TMP/$name.ls" "lsinitrd /tmp/$name.img" || boot_log_tail "$TAP_TMP/$name.ls"
	diag "timing: dracut $* $(boot_secs "$t0") s"
}
# in_image NAME FILE: FILE's bytes in image NAME (lsinitrd -f)
in_image() { boot_chroot "$R" "$TAP_TMP/in_image.out" "lsinitrd -f '$2' /tmp/$1.img"; cat "$TAP_TMP/in_image.out"; }
# listed NAME PATH: the mode, owner and group lsinitrd lists for PATH (relative to the image's /)
listed() { awk -v p="$2" 'NF >= 9 && $9 == p { print $1, $3, $4 }' "$TAP_TMP/$1.ls"; }
modules_of() { awk '/^dracut modules:$/ { m = 1; next } /^=+$/ { m = 0 } m' "$TAP_TMP/$1.ls" | tr '\n' ' '; }

dracut_build main -a keydrop --no-hostonly --no-kernel
is "$RC" 0 "dracut -a keydrop --no-hostonly --no-kernel for $kver: exit 0 (the boot below builds one with the kernel's modules)"
ok "$(! grep -q 'keydrop:' "$TAP_TMP/main.log"; echo $?)" "the build says nothing of keydrop's (no warning with network-legacy)"
mods=" $(modules_of main)"
ok "$([[ $mods == *" keydrop "* && $mods == *" network "* ]]; echo $?)" "the image's dracut modules: keydrop and network (its dependency)"
ok "$([[ $mods == *" network-legacy "* ]]; echo $?)" "the network handler: network-legacy (dhclient; it sources the online hooks)"
is "$(listed main usr/bin/keydrop)" "-rwxr-xr-x root root" "lsinitrd: usr/bin/keydrop, 0755"
in_image main usr/bin/keydrop | cmp -s - "$R/usr/bin/keydrop"
ok $? "the image's keydrop is the one the .deb installed"
is "$(listed main usr/lib/dracut/hooks/initqueue/online/90-keydrop-online.sh)" "-rwxr-xr-x root root" \
	"lsinitrd: the hook in initqueue/online (90-keydrop-online.sh)"
in_image main usr/lib/dracut/hooks/initqueue/online/90-keydrop-online.sh | cmp -s - "$R$M/keydrop-online.sh"
ok $? "the hook is the module's keydrop-online.sh"
is "$(listed main etc/keydrop/initramfs.conf)" "-rw------- root root" "lsinitrd: etc/keydrop/initramfs.conf, 0600 root"
is "$(in_image main etc/keydrop/initramfs.conf)" "$conf_keep" \
	"the image's initramfs.conf is the root's without the hook-only lines (hostkeys, ssh, network-wait), the rest byte for byte"
is "$(in_image main etc/keydrop/test-ca.pem)" "$(cat "$P/root.pem")" "the file the cacert line names is in the image"
is "$(listed main etc/keydrop/token.headers) $(in_image main etc/keydrop/token.headers)" \
	"-rw------- root root Authorization: Bearer $token" "the file the header-file line names is in the image, 0600 as in the root"
is "$(in_image main etc/hosts)" "$(cat "$R/etc/hosts")" "the image's /etc/hosts is the root's (keys.test)"
like "$(in_image main etc/passwd)" "(^|"$'\n'")root:[^:]*:0:0:[^:]*:/root:" "the image's passwd has root, home /root (keydrop sync --user root)"
is "$(listed main root)" "drwx------ root root" "the image has /root, 0700"

# ---- the hook, run in the unpacked image ----------------------------------------------------------
I=$R/tmp/ird
boot_chroot "$R" "$TAP_TMP/unpack.log" "mkdir /tmp/ird && cd /tmp/ird && lsinitrd --unpack /tmp/main.img"
ok $? "the image unpacked (lsinitrd --unpack)"
# What dracut-sshd's module does with /etc/dracut-sshd/authorized_keys: the baked key.
install -d -m 0700 "$I/root/.ssh" && install -m 0600 "$TAP_TMP/k0.pub" "$I/root/.ssh/authorized_keys"
AK=$I/root/.ssh/authorized_keys
# hook_run IFACE: the online hooks sourced as dracut's network module sources them (dracut-lib.sh
# loaded, the interface as $1) by the image's /bin/sh in a chroot of the image. Its /dev: null and
# urandom, and kmsg a plain file (TAP_TMP/kmsg) so info/warn reach no real kernel log. OUT: stdout,
# ERR: stderr (the console), RC. Killed after 90 s (RC 124): a hook that lost its bound fails the
# test instead of hanging it.
: > "$TAP_TMP/kmsg"
hook_run() {
	timeout -k 5 90 unshare --mount --propagation private /bin/bash -c '
		set -e
		i=$1 kmsg=$2 iface=$3
		mount -t proc proc "$i/proc"
		mount -t tmpfs -o mode=0755 tmpfs "$i/dev"
		mknod -m 0666 "$i/dev/null" c 1 3
		mknod -m 0666 "$i/dev/urandom" c 1 9
		: > "$i/dev/kmsg"
		mount --bind "$kmsg" "$i/dev/kmsg"
		exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DRACUT_QUIET=no chroot "$i" /bin/sh -c "
			. /lib/dracut-lib.sh
			conf=outer
			source_hook initqueue/online $iface
			echo \"after the hook: \$? conf=\$conf\""' hook_run "$I" "$TAP_TMP/kmsg" "$1" \
		</dev/null >"$TAP_TMP/hook.out" 2>"$TAP_TMP/hook.err"
	RC=$?
	OUT=$(cat "$TAP_TMP/hook.out")
	ERR=$(cat "$TAP_TMP/hook.err")
}

hook_run ens3
is "$RC:$OUT" "0:after the hook: 0 conf=outer" "the hook, sourced: returns 0 and leaves the caller's shell variables alone"
is "$ERR" "dracut: keydrop: root's authorized_keys synced: block initramfs: 1 key (1 added, 0 removed)" \
	"the console: one line, the sync's outcome"
like "$(cat "$TAP_TMP/kmsg")" "^<30>dracut: keydrop: root's authorized_keys synced" "the same line in the kernel log (dracut's info)"
is "$(cat "$AK")" "$(cat "$TAP_TMP/k0.pub")
# keydrop:begin initramfs
$(cat "$TAP_TMP/k1.pub")
# keydrop:end initramfs" "root's authorized_keys: the baked key kept, the server's key in the block initramfs"
is "$(stat -c '%a %u' "$AK")" "600 0" "root's authorized_keys still 0600 root"
like "$(cat "$TAP_TMP/server.log")" "^/root.keys	.*Authorization: Bearer $token" \
	"the request carried the header file's credential (through the image's copy of it)"

requests=$(wc -l < "$TAP_TMP/server.log")
sum=$(sha256sum < "$AK")
hook_run ens4
is "$RC:$ERR:$(wc -l < "$TAP_TMP/server.log"):$(sha256sum < "$AK")" "0::$requests:$sum" \
	"a second interface online: no second fetch, nothing printed, the file unchanged"

# The server gone (connection refused: quick whatever the deadline): one warning, the file unchanged.
net_stop "$HTTPS_PID"
rm -f "$I/tmp/keydrop-online.done"
t0=$(date +%s)
hook_run ens3
secs=$(boot_secs "$t0")
is "$RC:$OUT" "0:after the hook: 0 conf=outer" "server gone: the hook still returns 0 (boot goes on)"
like "$ERR" "^dracut Warning: keydrop: root's authorized_keys not synced \(exit 1; the baked keys stay\): sync: [^"$'\n'"]+$" \
	"server gone: one warning line on the console, keydrop's cause in it"
is "$(sha256sum < "$AK")" "$sum" "server gone: root's authorized_keys byte for byte unchanged (the baked key still there)"
diag "server gone: the hook returned after $secs s"

# A server that takes the connection and never answers: the deadline is what bounds the boot. The
# config holds `wait-network 600` (keydrop's deadline would be that instead of the timeout: the hook
# passes --wait-network 0). The config's own timeout first, spelt as the abbreviation `timeo 8`
# (getopt_long takes it: the hook's 15 s must not override it); then the image's config without a
# timeout line (as a build from such a file makes it): the hook's 15 s, not keydrop's default 30 s.
printf '{"/root.keys": [{"status": 200, "body": "", "delay": 120}]}\n' > "$TAP_TMP/hang.json"
https_start "$TAP_TMP/hang.json" <(cat "$P/keys.pem" "$P/root.pem") "$P/keys.key"
sed -i "s|^source https://keys.test:[0-9]*/|source https://keys.test:$HTTPS_PORT/|; s|^timeout 10\$|timeo 8|" "$I/etc/keydrop/initramfs.conf"
printf 'wait-network 600\n' >> "$I/etc/keydrop/initramfs.conf"
for t in 8 none; do
	[ "$t" = none ] && sed -i '/^timeo /d' "$I/etc/keydrop/initramfs.conf"
	rm -f "$I/tmp/keydrop-online.done"
	t0=$(date +%s)
	hook_run ens3
	secs=$(boot_secs "$t0")
	want=$([ "$t" = none ] && echo 15 || echo "$t")
	ok "$([ "$RC" -eq 0 ] && [ "$secs" -ge $((want - 1)) ] && [ "$secs" -le $((want + 3)) ] &&
		[[ $ERR == "dracut Warning: keydrop: root's authorized_keys not synced (exit 1;"* ]] &&
		[ "$(sha256sum < "$AK")" = "$sum" ]; echo $?)" \
		"server that never answers, wait-network 600, timeout line: $([ "$t" = none ] && echo none || echo "timeo $t"): the hook returns after $secs s (want ${want} s), one warning, the file unchanged"
	[ "$(grep -c . <<<"$ERR")" -eq 1 ] || diag "console: $ERR"
done
net_stop "$HTTPS_PID"

# ---- opt-in: check() ------------------------------------------------------------------------------
# --no-kernel (as above): what is asked here does not depend on the kernel's modules (and it is quicker).
dracut_build conf --no-hostonly --no-kernel
is "$RC:$(listed conf usr/bin/keydrop)" "0:-rwxr-xr-x root root" \
	"with /etc/keydrop/initramfs.conf, without -a: keydrop is in the image (check() 0)"
mv "$R/etc/keydrop/initramfs.conf" "$R/etc/keydrop/initramfs.conf.off"
dracut_build none --no-hostonly --no-kernel
is "$RC" 0 "without /etc/keydrop/initramfs.conf, without -a: dracut exit 0"
unlike_mods=$(modules_of none)
ok "$([[ " $unlike_mods" != *" keydrop "* ]] && [ -z "$(listed none usr/bin/keydrop)" ] &&
	! grep -q 'keydrop' "$TAP_TMP/none.ls"; echo $?)" \
	"without the config and without -a: no keydrop module, binary or hook in the image (check() 255)"
ok "$([[ " $unlike_mods" == *" network "* ]]; echo $?)" "(that image does have dracut's network module: only keydrop is left out)"
dracut_build asked -a keydrop --no-hostonly --no-kernel
is "$RC:$(listed asked usr/lib/dracut/hooks/initqueue/online/90-keydrop-online.sh):$(listed asked etc/keydrop/initramfs.conf)" \
	"0:-rwxr-xr-x root root:" "-a keydrop without the config: module and hook in the image, no config (the hook does nothing)"
mv "$R/etc/keydrop/initramfs.conf.off" "$R/etc/keydrop/initramfs.conf"

# With systemd-networkd as the network handler, the online hooks never run: the build warns. A stand-in
# for dracut's module (the root has no systemd): what matters is that dracut includes it.
SN=$R/usr/lib/dracut/modules.d/01systemd-networkd/module-setup.sh
cp "$SN" "$TAP_TMP/sn.orig" &&
	printf '#!/bin/bash\ncheck() { return 255; }\ndepends() { return 0; }\ninstall() { return 0; }\n' > "$SN"
dracut_build sn -a "'keydrop systemd-networkd'" --no-hostonly --no-kernel
cp "$TAP_TMP/sn.orig" "$SN"
ok "$([ "$RC" -eq 0 ] && [[ " $(modules_of sn)" == *" systemd-networkd "* ]] &&
	[ "$(grep -c 'keydrop: ' "$TAP_TMP/sn.log")" -eq 1 ] &&
	grep -q 'keydrop: .*systemd-networkd.*never run.*network-legacy' "$TAP_TMP/sn.log"; echo $?)" \
	"network handler systemd-networkd: the build succeeds with one warning (the hook never runs; build with network-legacy)"
[ "$RC" -eq 0 ] && grep -q 'keydrop: ' "$TAP_TMP/sn.log" || boot_log_tail "$TAP_TMP/sn.log" 5

# A config keydrop would refuse, or one others could have written, fails the build; the previous
# image stays. Then a file the config names that the image cannot get.
conf_ok=$(cat "$R/etc/keydrop/initramfs.conf")
sum=$(sha256sum < "$R/tmp/conf.img")
for bad in "0664 0|group-writable|/etc/keydrop/initramfs.conf: owner uid 0, mode 664: keydrop takes a config only when root owns it and no one else can write it" \
	"0600 1|owned by uid 1|/etc/keydrop/initramfs.conf: owner uid 1, mode 600: keydrop takes a config only when root owns it and no one else can write it" \
	"0600 0|timeot 5|/etc/keydrop/initramfs.conf: keydrop sync --config refuses it: keydrop: sync: unknown option '--timeot'"; do
	set -- ${bad%%|*}; what=${bad#*|}; what=${what%%|*}
	(umask 077 && { printf '%s\n' "$conf_ok"; [ "$what" = "timeot 5" ] && echo "timeot 5"; } > "$R/etc/keydrop/initramfs.conf")
	chmod "$1" "$R/etc/keydrop/initramfs.conf" && chown "$2" "$R/etc/keydrop/initramfs.conf"
	boot_chroot "$R" "$TAP_TMP/bad.log" "dracut -f --no-hostonly --no-kernel /tmp/conf.img $kver"
	rc=$?
	is "$rc:$(sha256sum < "$R/tmp/conf.img")" "1:$sum" "config $what: dracut fails (exit 1), the previous image unchanged"
	ok "$([ "$(grep -c 'keydrop: ' "$TAP_TMP/bad.log")" -eq 1 ] && grep -qF "keydrop: ${bad##*|}" "$TAP_TMP/bad.log"; echo $?)" \
		"config $what: one line says why (${bad##*|})"
	[ "$rc" -ne 0 ] || boot_log_tail "$TAP_TMP/bad.log" 5
done
chown 0 "$R/etc/keydrop/initramfs.conf"

# A file the config names that the image cannot get fails the build; the previous image stays.
sum=$(sha256sum < "$R/tmp/conf.img") # (again: a module that let the builds above through wrote it)
for bad in "etc/keydrop/test-ca.pem|'etc/keydrop/test-ca.pem': an absolute path is needed" \
	"/etc/keydrop/gone.pem|/etc/keydrop/gone.pem: not a readable file"; do
	(umask 077 && printf 'source https://keys.test/root.keys\ncacert %s\n' "${bad%%|*}" > "$R/etc/keydrop/initramfs.conf")
	boot_chroot "$R" "$TAP_TMP/bad.log" "dracut -f --no-hostonly --no-kernel /tmp/conf.img $kver"
	rc=$?
	is "$rc:$(sha256sum < "$R/tmp/conf.img")" "1:$sum" "cacert ${bad%%|*}: dracut fails (exit 1), the previous image unchanged"
	ok "$([ "$(grep -c 'keydrop: ' "$TAP_TMP/bad.log")" -eq 1 ] &&
		grep -qF "keydrop: /etc/keydrop/initramfs.conf names ${bad#*|}" "$TAP_TMP/bad.log"; echo $?)" \
		"cacert ${bad%%|*}: one line says why (${bad#*|})"
	[ "$rc" -ne 0 ] || boot_log_tail "$TAP_TMP/bad.log" 5
done

# ---- a real boot of a dracut image (qemu TCG) -----------------------------------------------------
# The guest reaches the key server only through the guestfwd 10.0.2.100:443 (keys.test in the
# image's /etc/hosts); network-legacy's dhclient gets the address from qemu's DHCP (ip=dhcp), and
# the online hooks run. A test fixture module (kdtest, made here, not shipped) bakes k0 in as
# dracut-sshd does with /etc/dracut-sshd/authorized_keys, and its online hook, after keydrop's,
# prints root's authorized_keys on the console and powers the guest off (the root holds no init:
# nothing past the initramfs is booted).
https_start "$TAP_TMP/routes.json" <(cat "$P/keys.pem" "$P/root.pem") "$P/keys.key" --log "$TAP_TMP/server.log"
ok $? "key server listening again on 127.0.0.1:$HTTPS_PORT (for the guest)"
printf '127.0.0.1\tlocalhost\n10.0.2.100\tkeys.test\n' > "$R/etc/hosts"
(umask 077 && sed 's|^source https://keys.test:[0-9]*/|source https://keys.test/|; s|^timeout .*|timeout 30|' \
	<<<"$conf_keep" > "$R/etc/keydrop/initramfs.conf")
install -d -m 0755 "$R/etc/dracut-sshd" && install -m 0600 "$TAP_TMP/k0.pub" "$R/etc/dracut-sshd/authorized_keys"
F=$R/usr/lib/dracut/modules.d/99kdtest
mkdir -p "$F"
cat > "$F/module-setup.sh" <<'EOF'
#!/bin/bash
# dracut.t's fixture: the baked key (dracut-sshd's layout) and a report after keydrop's hook.
check() { return 255; }
depends() { echo keydrop; }
install() {
    mkdir -p -m 0700 "$initdir/root/.ssh"
    /usr/bin/install -m 0600 /etc/dracut-sshd/authorized_keys "$initdir/root/.ssh/authorized_keys"
    inst_hook initqueue/online 99 "$moddir/kdtest-report.sh"
}
EOF
cat > "$F/kdtest-report.sh" <<'EOF'
#!/bin/sh
{ sed 's/^/kdtest-ak: /' /root/.ssh/authorized_keys; echo "kdtest: done"; } > /dev/console 2>&1
echo o > /proc/sysrq-trigger
EOF
chmod 0755 "$F"/*.sh
dracut_build boot -a "'keydrop kdtest'" --no-hostonly
is "$RC:$(listed boot usr/lib/dracut/hooks/initqueue/online/90-keydrop-online.sh)" "0:-rwxr-xr-x root root" \
	"dracut -a 'keydrop kdtest': the image for the boot"
cp "$R/tmp/boot.img" "$R/boot/initrd.img-$kver" # what boot_start boots: the root's initrd
truncate -s 1M "$TAP_TMP/empty.img"
requests=$(wc -l < "$TAP_TMP/server.log")
t_boot=$(date +%s)
boot_start "$R" "$TAP_TMP/empty.img" "$TAP_TMP/console.log" "ip=dhcp rd.neednet=1" \
	",guestfwd=tcp:10.0.2.100:443-cmd:python3 '$NET_LIB/tcp_relay.py' 127.0.0.1 $HTTPS_PORT"
ok $? "qemu started with the dracut image (TCG)"
on_exit "cp '$TAP_TMP/console.log' '${KEYDROP_BOOT_CONSOLE_COPY:-/dev/null}' 2>/dev/null"
boot_wait_console '^kdtest: done' "${KEYDROP_BOOT_TIMEOUT:-300}"
rc=$?
ok $rc "the guest's online hooks ran (the fixture's report on the console, $(boot_secs "$t_boot") s after qemu started)"
[ $rc -eq 0 ] || boot_log_tail "$TAP_TMP/console.log" 40
# dracut's info: the kernel log, which the console shows (no `quiet`); warn would also go to stderr
is "$(boot_console | grep -cE "^(\[ *[0-9]+\.[0-9]+\] )?dracut: keydrop: root's authorized_keys synced: block initramfs: 1 key \(1 added, 0 removed\)$")" 1 \
	"the guest's console: keydrop's one line, synced"
is "$(boot_console | sed -n 's/^kdtest-ak: //p')" "$(cat "$TAP_TMP/k0.pub")
# keydrop:begin initramfs
$(cat "$TAP_TMP/k1.pub")
# keydrop:end initramfs" "in the booted initramfs, root's authorized_keys: the baked key, then the server's in the block initramfs"
[ "$(wc -l < "$TAP_TMP/server.log")" -gt "$requests" ]
ok $? "the guest asked the key server (through the guestfwd, with the header file's credential)"
boot_kill

diag "timing: whole test $(boot_secs "$T_ALL") s"
done_testing
