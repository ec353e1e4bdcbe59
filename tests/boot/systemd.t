#!/bin/bash
# tests/boot/systemd.t: keydrop's systemd units in a real boot. A minimal bookworm root (debootstrap:
# systemd, openssh-server, udev and Debian's cloud kernel, whose initramfs-tools builds the initrd
# inside the root), keydrop installed into it, written to an ext4 image (mkfs.ext4 -d) and booted
# under qemu TCG. The guest's network is qemu's user network with restrict=on: nothing leaves it but
# one guestfwd, 10.0.2.100:443 (keys.test in its /etc/hosts) -> the test key server (HTTPS, a CA
# made here) on the host's loopback. Asserts: the host key keydrop-hostkeys.service made at first
# boot is printed on the console in cloud-init's block and is the one ssh sees; the key the server
# lists logs in (keydrop-sync@root.timer); a key added on the server logs in after the timer's next
# run and a key dropped there is refused after it; a key given on the kernel command line as the
# credential ssh.authorized_keys.root logs in (keydrop-credentials.service). Run by `make check-boot`
# (and .ci/run); root only.
#
# The root (everything but keydrop and this test's configuration) is cached as a tarball in
# KEYDROP_CI_CACHE (default /var/cache/keydrop-ci), with the .debs debootstrap fetched: a later run
# unpacks it, installs keydrop afresh and boots. KEYDROP_BOOT_TIMEOUT (seconds, default 300) bounds
# the boot up to the host key blocks; KEYDROP_BOOT_CONSOLE_COPY=FILE keeps the guest's console.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/boot.sh"

[ "$(id -u)" -eq 0 ] || { ok 1 "runs as root (debootstrap, chroot, mkfs.ext4 -d: make check-boot is for CI, which is root)"; done_testing; }
need qemu-system-x86_64 debootstrap mkfs.ext4 unshare chroot tar systemctl ssh ssh-keygen ssh-keyscan python3 openssl
T_ALL=$(date +%s)
boot_timeout=${KEYDROP_BOOT_TIMEOUT:-300}

# ---- the root: cached debootstrap, then this run's keydrop and configuration --------------------
boot_root_tarball bookworm-boot systemd,systemd-sysv,openssh-server,udev,linux-image-cloud-amd64,initramfs-tools
ok $? "bookworm root with systemd, openssh-server and the cloud kernel (cached: $BOOT_TARBALL)"
[ -s "$BOOT_TARBALL" ] || done_testing
t0=$(date +%s)
boot_unpack "$BOOT_TARBALL"
ok $? "root unpacked"
R=$BOOT_ROOT
compgen -G "$R/boot/vmlinuz-*-cloud-amd64" >/dev/null && compgen -G "$R/boot/initrd.img-*-cloud-amd64" >/dev/null
ok $? "the root holds the cloud kernel and the initrd initramfs-tools built inside it"
! compgen -G "$R/etc/ssh/ssh_host_*" >/dev/null
ok $? "the root holds no ssh host key (the first boot must make them)"

# keydrop from its .deb (make deb; `make check-boot` passes it as KEYDROP_DEB), installed by the
# root's own dpkg, with the units it ships.
boot_install_deb "$R"
for u in keydrop-hostkeys.service keydrop-sync@.service keydrop-sync@.timer keydrop-credentials.service; do
	[ -f "$R/lib/systemd/system/$u" ] || { ok 1 "the .deb ships $u"; done_testing; }
done
[ "$(systemctl --root="$R" is-enabled keydrop-hostkeys.service 2>/dev/null)" = disabled ]
ok $? "the package enabled nothing (keydrop-hostkeys.service disabled until the admin enables it)"

# The machine: a name, keys.test at the guestfwd address, DHCP on the one NIC with networkd (no
# ifupdown in the root), the root file system.
echo kdboot > "$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tkdboot\n10.0.2.100\tkeys.test\n' > "$R/etc/hosts"
printf '/dev/vda\t/\text4\tdefaults\t0\t0\n' > "$R/etc/fstab"
printf '[Match]\nType=ether\n[Network]\nDHCP=ipv4\n' > "$R/etc/systemd/network/50-dhcp.network"

# The test key server: a CA made now, a leaf for keys.test, root.keys read from a file the test edits.
P=$TAP_TMP/pki
mkdir -p "$P" && pki_root "$P" root ec && pki_sign "$P" root keys ec leaf DNS:keys.test
ok $? "test PKI: a CA and a leaf for keys.test"
for n in 1 2 3 4; do ssh-keygen -q -t ed25519 -N '' -C "boot-k$n" -f "$TAP_TMP/k$n" || exit 1; done
mkdir -p "$TAP_TMP/keys"
cat "$TAP_TMP/k1.pub" > "$TAP_TMP/keys/root.keys"
cat "$TAP_TMP/k4.pub" > "$TAP_TMP/keys/alice.keys"
printf '{"/root.keys": [{"body_file": "%s"}], "/alice.keys": [{"body_file": "%s"}]}\n' "$TAP_TMP/keys/root.keys" \
	"$TAP_TMP/keys/alice.keys" > "$TAP_TMP/routes.json"
: > "$TAP_TMP/server.log"
https_start "$TAP_TMP/routes.json" <(cat "$P/keys.pem" "$P/root.pem") "$P/keys.key" --log "$TAP_TMP/server.log"
ok $? "key server listening on 127.0.0.1:$HTTPS_PORT"

# keydrop's configuration for root's sync, and a timer short enough for a test.
install -d -m 0755 "$R/etc/keydrop" "$R/etc/keydrop/sync"
install -m 0644 "$P/root.pem" "$R/etc/keydrop/test-ca.pem"
printf 'block keydrop-sync\ncacert /etc/keydrop/test-ca.pem\ntimeout 20\nsource https://keys.test/root.keys\n' > "$R/etc/keydrop/sync/root.conf"
chmod 0600 "$R/etc/keydrop/sync/root.conf"
mkdir -p "$R/etc/systemd/system/keydrop-sync@root.timer.d"
# An empty OnBootSec= resets every trigger of the unit's timer; AccuracySec: systemd's default
# (1 min) would let the timer fire up to a minute late.
printf '[Timer]\nOnBootSec=\nOnBootSec=3s\nOnUnitActiveSec=8s\nRandomizedDelaySec=0\nAccuracySec=1s\n' \
	> "$R/etc/systemd/system/keydrop-sync@root.timer.d/test.conf"
# A user under /home, synced once at boot by the enabled service (no timer): the unit's sandbox
# (ProtectSystem=strict, ReadWritePaths=/home, its capabilities) must let it write there.
boot_chroot "$R" "$TAP_TMP/useradd.log" "useradd -m -s /bin/sh -p '*' alice"
ok $? "a user alice with a home under /home in the image"
printf 'block keydrop-sync\ncacert /etc/keydrop/test-ca.pem\ntimeout 20\nsource https://keys.test/alice.keys\n' \
	> "$R/etc/keydrop/sync/alice.conf"
chmod 0600 "$R/etc/keydrop/sync/alice.conf"
systemctl --root="$R" enable systemd-networkd.service keydrop-hostkeys.service keydrop-sync@root.timer \
	keydrop-sync@alice.service keydrop-credentials.service ssh.service >"$TAP_TMP/enable.log" 2>&1
rc=$?
ok $rc "units enabled in the image (systemctl --root)"
[ $rc -eq 0 ] || boot_log_tail "$TAP_TMP/enable.log"
# systemd-firstboot would ask on the console for what the image does not set (no machine there).
systemctl --root="$R" mask systemd-firstboot.service >/dev/null 2>&1
diag "timing: unpack, install and configure $(boot_secs "$t0") s"

t0=$(date +%s)
boot_image "$R" "$TAP_TMP/disk.img"
ok $? "ext4 image written (mkfs.ext4 -d, $(du -m --apparent-size "$TAP_TMP/disk.img" | cut -f1) MiB)"
diag "timing: mkfs.ext4 -d $(boot_secs "$t0") s"

# ---- boot -----------------------------------------------------------------------------------------
# The credential travels on the kernel command line: the key for root that no server lists.
k3=$(cut -d' ' -f1,2 "$TAP_TMP/k3.pub")
t_boot=$(date +%s)
boot_start "$R" "$TAP_TMP/disk.img" "$TAP_TMP/console.log" \
	"\"systemd.set_credential=ssh.authorized_keys.root:$k3\"" \
	",guestfwd=tcp:10.0.2.100:443-cmd:python3 '$NET_LIB/tcp_relay.py' 127.0.0.1 $HTTPS_PORT"
ok $? "qemu started (TCG; ssh on 127.0.0.1:$BOOT_SSH_PORT)"
on_exit "cp '$TAP_TMP/console.log' '${KEYDROP_BOOT_CONSOLE_COPY:-/dev/null}' 2>/dev/null"

# keydrop-hostkeys.service (hostkeys -A --console) prints cloud-init's blocks on the console.
boot_wait_console '-----END SSH HOST KEY KEYS-----$' "$boot_timeout"
rc=$?
ok $rc "the console shows the host key blocks (within ${boot_timeout} s)"
[ $rc -eq 0 ] || { boot_log_tail "$TAP_TMP/console.log" 40; done_testing; }
diag "timing: boot to the host key blocks on the console $(boot_secs "$t_boot") s"
boot_block FINGERPRINTS > "$TAP_TMP/console.fps"
boot_block KEYS > "$TAP_TMP/console.keys"
is "$(awk '{print $NF}' "$TAP_TMP/console.fps" | sort | tr '\n' ' ')" "(ECDSA) (ED25519) (RSA) " \
	"the fingerprint block names the three host keys made at first boot (-A)"
is "$(ssh-keygen -lf "$TAP_TMP/console.keys" 2>/dev/null | awk '{print $2}' | sort | tr '\n' ' ')" \
	"$(awk '{print $2}' "$TAP_TMP/console.fps" | sort | tr '\n' ' ')" "the key block's keys have the fingerprint block's fingerprints"
console_fp=$(awk '$NF == "(ED25519)" {print $2}' "$TAP_TMP/console.fps")
[ -n "$console_fp" ] || { diag "the console around the blocks:"; boot_console | grep -a -B2 -A6 'SSH HOST KEY' | awk '{ print "#   " $0 }'; }

# known_hosts from the console's key block only: every login below checks the host key against it.
kh=$TAP_TMP/known_hosts
awk -v p="$BOOT_SSH_PORT" 'NF >= 2 {print "[127.0.0.1]:" p, $1, $2}' "$TAP_TMP/console.keys" > "$kh"
# The host key ssh sees, compared with the console's.
end=$(( $(date +%s) + 150 ))
while :; do
	ssh-keyscan -p "$BOOT_SSH_PORT" -t ed25519 -T 20 127.0.0.1 > "$TAP_TMP/keyscan" 2>/dev/null
	[ -s "$TAP_TMP/keyscan" ] && break
	boot_alive && [ "$(date +%s)" -lt "$end" ] || break
	sleep 1
done
[ -s "$TAP_TMP/keyscan" ]
ok $? "sshd answers on the forwarded port (keydrop-hostkeys.service ran before ssh.service)"
# Without sshd nothing below can pass: stop here rather than wait out every later deadline (CI time).
[ -s "$TAP_TMP/keyscan" ] || { boot_log_tail "$TAP_TMP/console.log" 40; done_testing; }
is "$(ssh-keygen -lf "$TAP_TMP/keyscan" 2>/dev/null | awk '{print $2; exit}')" "$console_fp" \
	"the ED25519 host key ssh sees is the one the console printed"

# guest_diag: what the guest says about the sync (through the credential's key), for a failure.
guest_diag() {
	boot_ssh "$TAP_TMP/k3" "$kh" 'systemctl list-timers --all --no-pager; systemctl cat keydrop-sync@root.timer; journalctl -b --no-pager -u "keydrop-sync@*" | tail -n 30; cat /root/.ssh/authorized_keys'
	printf '%s\n%s\n' "$OUT" "$ERR" | sed 's/^/#   /'
}

# ---- keys -----------------------------------------------------------------------------------------
boot_ssh_until 150 "$TAP_TMP/k1" "$kh" 'echo "$(id -un)@$(hostname)"'
ok $RC "the key the server lists logs in, host key checked against the console's (synced at boot by keydrop-sync@root.timer)"
[ "$RC" -eq 0 ] || { diag "$ERR"; boot_log_tail "$TAP_TMP/console.log" 30; }
is "$OUT" "root@kdboot" "the login is root on the guest"
BOOT_SSH_USER=alice boot_ssh_until 60 "$TAP_TMP/k4" "$kh" 'id -un; stat -c "%U %a" ~/.ssh ~/.ssh/authorized_keys'
is "$RC:$(tr '\n' ' ' <<<"$OUT")" "0:alice alice 700 alice 600 " \
	"alice's key (keydrop-sync@alice.service, enabled: one run at boot) logs in as alice; her ~/.ssh and authorized_keys are hers, 0700/0600"
diag "timing: boot to the first login $(boot_secs "$t_boot") s"

# The host key check is real: the same login against another host key is refused.
ssh-keygen -q -t ed25519 -N '' -f "$TAP_TMP/other_host"
awk -v p="$BOOT_SSH_PORT" '{print "[127.0.0.1]:" p, $1, $2}' "$TAP_TMP/other_host.pub" > "$TAP_TMP/known_hosts.other"
boot_ssh "$TAP_TMP/k1" "$TAP_TMP/known_hosts.other" true
[ "$RC" -ne 0 ] && [[ $ERR == *"HOST IDENTIFICATION HAS CHANGED"* || $ERR == *"verification failed"* ]]
ok $? "the same login is refused against a host key the console did not print"
[ "$RC" -ne 0 ] || diag "$ERR"

boot_ssh "$TAP_TMP/k3" "$kh" true
ok $RC "the key from the kernel command line (credential ssh.authorized_keys.root) logs in"
[ "$RC" -eq 0 ] || diag "$ERR"
# keydrop-credentials.service put it there, in its block: systemd 252's tmpfiles provision.conf
# would also copy the credential into a missing authorized_keys, unchecked and without a block.
boot_ssh "$TAP_TMP/k3" "$kh" "sed -n '/^# keydrop:begin ssh.authorized_keys.root\$/,/^# keydrop:end ssh.authorized_keys.root\$/p' /root/.ssh/authorized_keys"
is "$(sed '1d;$d' <<<"$OUT" | cut -d' ' -f1,2)" "$k3" "the credential's key is in keydrop's block ssh.authorized_keys.root (keydrop-credentials.service)"

# restrict=on: the key server is reachable only through the guestfwd rule, not at the host's
# address in qemu's user network (10.0.2.2 would be the host's loopback without it).
boot_ssh "$TAP_TMP/k3" "$kh" "timeout 10 bash -c 'exec 3<>/dev/tcp/10.0.2.2/$HTTPS_PORT' && echo reached; timeout 20 bash -c 'exec 3<>/dev/tcp/keys.test/443' && echo forwarded"
is "$OUT" "forwarded" "the guest reaches the key server through the guestfwd only (10.0.2.2:$HTTPS_PORT refused)"

boot_ssh "$TAP_TMP/k2" "$kh" true
[ "$RC" -ne 0 ]
ok $? "a key the server does not list yet is refused"

# A key added on the server: in after the timer's next run; the request log shows that run.
requests=$(wc -l < "$TAP_TMP/server.log")
cat "$TAP_TMP/k1.pub" "$TAP_TMP/k2.pub" > "$TAP_TMP/keys/root.keys"
t0=$(date +%s)
boot_ssh_until 120 "$TAP_TMP/k2" "$kh" true
ok $RC "a key added on the server logs in after the timer's next run ($(boot_secs "$t0") s)"
[ "$RC" -eq 0 ] || { diag "$ERR"; guest_diag; }
[ "$(wc -l < "$TAP_TMP/server.log")" -gt "$requests" ]
ok $? "the guest asked the server again (through the guestfwd only)"

# A key dropped on the server: refused after a later run (sync makes the block exactly the source).
cat "$TAP_TMP/k2.pub" > "$TAP_TMP/keys/root.keys"
end=$(( $(date +%s) + 120 ))
while boot_ssh "$TAP_TMP/k1" "$kh" true; [ "$RC" -eq 0 ] && boot_alive && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
[ "$RC" -ne 0 ]
ok $? "a key dropped on the server is refused after a later run"
boot_ssh "$TAP_TMP/k2" "$kh" true
ok $RC "the key still listed still logs in"
boot_ssh "$TAP_TMP/k3" "$kh" true
ok $RC "the credential's key survives the syncs (another block)"

boot_ssh "$TAP_TMP/k3" "$kh" 'stat -c "%a %U %n" /etc/ssh/ssh_host_ed25519_key'
like "$OUT" "600 root /etc/ssh/ssh_host_ed25519_key" "the host key made at boot is 0600 root"

boot_stop "$TAP_TMP/k3" "$kh" 120
ok $? "systemctl poweroff ends the guest (qemu exits)"
diag "timing: whole test $(boot_secs "$T_ALL") s"
done_testing
