#!/bin/bash
# tests/boot/initramfs.t: keydrop in an initramfs built by the real mkinitramfs (initramfs-tools,
# dropbear-initramfs, keydrop's hook from its .deb, in a debootstrap root with Debian's cloud
# kernel), booted under qemu TCG with ip=dhcp and break=mount (the init stops where an encrypted
# root would ask for its passphrase: dropbear and keydrop's boot script have run). The guest's
# network is qemu's user network with restrict=on: nothing leaves it but one guestfwd, 10.0.2.100:443
# (keys.test in the root's /etc/hosts, copied in by the hook) -> the test key server on the host's
# loopback (HTTPS, a CA made here). Asserts, from the host, with ssh's host key check against the
# booted system's OpenSSH host keys only:
#   1. the image holds keydrop, its configuration without the hook's own lines, the CA file it names,
#      /etc/hosts and dropbear keys; the initrd file is 0600 (it carries host keys);
#   2. boot: the console shows the initramfs' host key fingerprints, which are the OpenSSH keys'
#      (one identity); a key only the server lists logs in to dropbear; the baked key too;
#   3. boot with the server stopped: the baked key still logs in, the server's key is refused;
#   4. boot with the guest clock at 1970 (-rtc base=1970-01-02, a real unset clock): the fetch still
#      succeeds through keydrop's build-date floor.
# Run by `make check-boot` (and .ci/run); root only. The root is cached as a tarball in
# KEYDROP_CI_CACHE (default /var/cache/keydrop-ci). KEYDROP_BOOT_TIMEOUT (seconds, default 240)
# bounds each boot up to keydrop's console line.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/net.sh"
source "$(dirname "$0")/../lib/boot.sh"

[ "$(id -u)" -eq 0 ] || { ok 1 "runs as root (debootstrap, chroot, mkinitramfs: make check-boot is for CI, which is root)"; done_testing; }
need qemu-system-x86_64 debootstrap unshare chroot tar ssh ssh-keygen python3 openssl
T_ALL=$(date +%s)
boot_timeout=${KEYDROP_BOOT_TIMEOUT:-240}

# ---- the root: cached debootstrap, then this run's keydrop and configuration --------------------
boot_root_tarball bookworm-initrd "$BOOT_INITRD_PKGS"
ok $? "bookworm root with initramfs-tools, dropbear-initramfs and the cloud kernel (cached: $BOOT_TARBALL)"
[ -s "$BOOT_TARBALL" ] || done_testing
t0=$(date +%s)
boot_unpack "$BOOT_TARBALL"
ok $? "root unpacked"
R=$BOOT_ROOT
kernel=$(ls "$R"/boot/vmlinuz-*-cloud-amd64 2>/dev/null | tail -n 1)
kver=${kernel##*/vmlinuz-}
[ -n "$kernel" ] && [ -d "$R/lib/modules/$kver" ]
ok $? "the root holds the cloud kernel ${kver:-(none)} and its modules"
[ -n "$kernel" ] || done_testing

boot_install_deb "$R"
for f in hooks/keydrop scripts/init-premount/keydrop scripts/init-bottom/keydrop conf-hooks.d/keydrop; do
	[ -f "$R/usr/share/initramfs-tools/$f" ] || { ok 1 "the .deb ships /usr/share/initramfs-tools/$f"; done_testing; }
done

# The booted system's identity: OpenSSH host keys made by the real ssh-keygen (sshd's own files).
mkdir -p "$R/etc/ssh" && ssh-keygen -A -f "$R" >/dev/null
ok $? "OpenSSH host keys in the root's /etc/ssh (ssh-keygen -A)"
# One baked key (dropbear-initramfs' authorized_keys), one that only the server lists.
for n in baked server other; do ssh-keygen -q -t ed25519 -N '' -C "initramfs-$n" -f "$TAP_TMP/$n" || exit 1; done
install -m 0600 "$TAP_TMP/baked.pub" "$R/etc/dropbear/initramfs/authorized_keys"

# The key server. Its certificates start a day before keydrop's build date: in the 1970 boot keydrop
# validates at that date (its floor), and a certificate made now would not be valid yet then.
built=$("$KEYDROP" version | sed -n 's/^built \(.*\)$/\1/p')
epoch=$(date -u -d "$built" +%s)
[ -n "$epoch" ]
ok $? "keydrop's build date: ${built:-unknown}"
start=$(date -u -d "@$((epoch - 86400))" '+%Y-%m-%d %H:%M:%S UTC')
P=$TAP_TMP/pki
mkdir -p "$P" && pki_root "$P" root ec "$start" && pki_sign "$P" root keys ec leaf DNS:keys.test "$start"
ok $? "test PKI: a CA and a leaf for keys.test, valid from $start"
mkdir -p "$TAP_TMP/keys"
cat "$TAP_TMP/server.pub" > "$TAP_TMP/keys/root.keys"
printf '{"/root.keys": [{"body_file": "%s"}]}\n' "$TAP_TMP/keys/root.keys" > "$TAP_TMP/routes.json"
: > "$TAP_TMP/server.log"
https_start "$TAP_TMP/routes.json" <(cat "$P/keys.pem" "$P/root.pem") "$P/keys.key" --log "$TAP_TMP/server.log"
ok $? "key server listening on 127.0.0.1:$HTTPS_PORT"

# keydrop's initramfs configuration: sync's lines plus the hook's own (hostkeys, network-wait).
install -d -m 0755 "$R/etc/keydrop"
install -m 0644 "$P/root.pem" "$R/etc/keydrop/test-ca.pem"
cat > "$R/etc/keydrop/initramfs.conf" <<'EOF'
# keys for root in the initramfs
source https://keys.test/root.keys
cacert /etc/keydrop/test-ca.pem
timeout 30
hostkeys same
network-wait 120
EOF
chmod 0600 "$R/etc/keydrop/initramfs.conf"
printf '127.0.0.1\tlocalhost\n10.0.2.100\tkeys.test\n' > "$R/etc/hosts"

# ---- the image: the real mkinitramfs, through update-initramfs ---------------------------------
boot_chroot "$R" "$TAP_TMP/mkinitramfs.log" "update-initramfs -u -k '$kver'"
rc=$?
ok $rc "update-initramfs -u -k $kver (keydrop's hook after dropbear's)"
[ $rc -eq 0 ] || boot_log_tail "$TAP_TMP/mkinitramfs.log"
initrd=$R/boot/initrd.img-$kver
! grep -q 'keydrop: \(ERROR\|WARNING\)' "$TAP_TMP/mkinitramfs.log"
ok $? "keydrop's hook said nothing wrong"
grep 'keydrop' "$TAP_TMP/mkinitramfs.log" | sed 's/^/#   /'
is "$(stat -c %a "$initrd")" 600 "the initrd is 0600: it carries host keys (UMASK from the conf hook)"
boot_chroot "$R" "$TAP_TMP/lsinitramfs" "lsinitramfs /boot/initrd.img-$kver"
for f in bin/keydrop etc/keydrop/initramfs.conf etc/keydrop/test-ca.pem etc/hosts scripts/init-premount/keydrop \
	scripts/init-bottom/keydrop etc/dropbear/dropbear_ed25519_host_key etc/dropbear/dropbear_ecdsa_host_key \
	etc/dropbear/dropbear_rsa_host_key sbin/dropbear; do
	grep -qxE "(usr/)?$f" "$TAP_TMP/lsinitramfs" # merged /usr: bin, sbin are links into usr
	ok $? "the initramfs holds $f"
done
x=$TAP_TMP/unpacked
mkdir -p "$x" && boot_chroot "$R" "$TAP_TMP/unmkinitramfs.log" "unmkinitramfs /boot/initrd.img-$kver /tmp/unpacked" &&
	mv "$R/tmp/unpacked" "$x/"
main=$x/unpacked/main
[ -d "$main" ] || main=$x/unpacked
! grep -qE '^(hostkeys|network-wait|ssh)( |$)' "$main/etc/keydrop/initramfs.conf" &&
	grep -qx 'source https://keys.test/root.keys' "$main/etc/keydrop/initramfs.conf"
ok $? "the image's initramfs.conf holds sync's lines only (the hook's own removed)"
# keydrop's own reading of the dropbear keys it put there: the booted system's fingerprints.
"$KEYDROP" hostkeys --format dropbear --dir "$main/etc/dropbear" --show > "$TAP_TMP/image.fps" 2>&1
is "$(grep -oE 'SHA256:[A-Za-z0-9+/]+' "$TAP_TMP/image.fps" | sort | tr '\n' ' ')" \
	"$(for f in "$R"/etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f" | awk '{print $2}'; done | sort | tr '\n' ' ')" \
	"the image's dropbear host keys are the OpenSSH host keys (same fingerprints)"
diag "timing: unpack, install, configure and mkinitramfs $(boot_secs "$t0") s"

# known_hosts: the booted system's OpenSSH host keys, nothing else.
kh_for() { for f in "$R"/etc/ssh/ssh_host_*_key.pub; do awk -v p="$BOOT_SSH_PORT" '{print "[127.0.0.1]:" p, $1, $2}' "$f"; done > "$TAP_TMP/known_hosts"; }
relay=",guestfwd=tcp:10.0.2.100:443-cmd:python3 '$NET_LIB/tcp_relay.py' 127.0.0.1 $HTTPS_PORT"
cmdline="console=ttyS0 ip=dhcp break=mount"

# boot_initramfs NAME [QEMU-ARGS...]: boots the image (no disk: the init stops at break=mount) and
# waits for keydrop's sync to end (its "block initramfs" line or its error line on the console).
boot_initramfs() {
	local name=$1 t
	shift
	t=$(date +%s)
	boot_qemu "$kernel" "$initrd" "$TAP_TMP/console-$name.log" "$cmdline" "$relay" "$@"
	on_exit "cp '$TAP_TMP/console-$name.log' '${KEYDROP_BOOT_CONSOLE_COPY:-/dev/null}.$name' 2>/dev/null"
	kh_for
	# (the console is shared: another script's text may sit before keydrop's on the same line)
	boot_wait_console '(^block initramfs: |keydrop: sync: .*nothing changed|keydrop: no network)' "$boot_timeout"
	local rc=$?
	ok $rc "$name: keydrop's boot script ended its sync in the initramfs (console; $(boot_secs "$t") s after qemu started)"
	[ $rc -eq 0 ] || boot_log_tail "$BOOT_CONSOLE" 40
	return $rc
}

# ---- boot 1: the server lists a key ---------------------------------------------------------------
if boot_initramfs fetch; then
	boot_console | grep -E '^(Added|block initramfs|keydrop)' | sed 's/^/#   /'
	boot_console | grep -qE 'block initramfs: 1 key \(1 added, 0 removed\)$'
	ok $? "fetch: keydrop says it added the server's key to block initramfs"
	boot_block FINGERPRINTS > "$TAP_TMP/console.fps"
	is "$(awk '{print $2}' "$TAP_TMP/console.fps" | sort | tr '\n' ' ')" \
		"$(for f in "$R"/etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f" | awk '{print $2}'; done | sort | tr '\n' ' ')" \
		"fetch: the console's fingerprint block is the booted system's OpenSSH host keys"
	boot_ssh_until 60 "$TAP_TMP/server" "$TAP_TMP/known_hosts" 'test -e /scripts/functions && echo initramfs; date +%Y'
	ok $RC "fetch: the key only the server lists logs in to dropbear, host key checked against the OpenSSH keys"
	[ "$RC" -eq 0 ] || diag "$ERR"
	like "$OUT" '^initramfs' "fetch: the session runs in the initramfs"
	boot_ssh "$TAP_TMP/baked" "$TAP_TMP/known_hosts" true
	ok $RC "fetch: the baked key logs in too (outside keydrop's block)"
	boot_ssh "$TAP_TMP/other" "$TAP_TMP/known_hosts" true
	[ "$RC" -ne 0 ]
	ok $? "fetch: a key neither baked nor listed is refused"
	boot_ssh "$TAP_TMP/baked" "$TAP_TMP/known_hosts" 'cat ~root/.ssh/authorized_keys'
	[ "$(grep -c '^ssh-ed25519' <<<"$OUT")" -eq 2 ] && grep -qx '# keydrop:begin initramfs' <<<"$OUT"
	ok $? "fetch: root's authorized_keys in the initramfs: the baked key and keydrop's block"
	grep -q '^/root.keys' "$TAP_TMP/server.log"
	ok $? "fetch: the server saw the request (through the guestfwd)"
fi
boot_kill

# ---- boot 2: the server is not there --------------------------------------------------------------
net_stop "$HTTPS_PID"
if boot_initramfs offline; then
	boot_console | grep -qE 'keydrop: sync: .*\(nothing changed\)$'
	ok $? "offline: keydrop's one error line on the console, nothing changed"
	boot_ssh_until 60 "$TAP_TMP/baked" "$TAP_TMP/known_hosts" true
	ok $RC "offline: the baked key still logs in"
	boot_ssh "$TAP_TMP/server" "$TAP_TMP/known_hosts" true
	[ "$RC" -ne 0 ]
	ok $? "offline: the server's key is refused (not baked)"
	boot_ssh "$TAP_TMP/baked" "$TAP_TMP/known_hosts" 'cat ~root/.ssh/authorized_keys'
	is "$OUT" "$(cat "$TAP_TMP/baked.pub")" "offline: root's authorized_keys is byte for byte the baked file (the failed sync wrote nothing)"
fi
boot_kill

# ---- boot 3: the guest clock at 1970 --------------------------------------------------------------
https_start "$TAP_TMP/routes.json" <(cat "$P/keys.pem" "$P/root.pem") "$P/keys.key" --log "$TAP_TMP/server.log"
relay=",guestfwd=tcp:10.0.2.100:443-cmd:python3 '$NET_LIB/tcp_relay.py' 127.0.0.1 $HTTPS_PORT"
if boot_initramfs clock1970 -rtc base=1970-01-02; then
	boot_console | grep -qE 'block initramfs: 1 key \(1 added, 0 removed\)$'
	ok $? "clock1970: the fetch succeeded"
	boot_console | grep -qE "keydrop: sync: system clock \(1970-01-02\) is before keydrop's build date; checking certificates as of "
	ok $? "clock1970: keydrop says it checks certificates at its build date (the clock floor)"
	boot_ssh_until 60 "$TAP_TMP/server" "$TAP_TMP/known_hosts" 'date +%Y'
	ok $RC "clock1970: the key only the server lists logs in"
	is "$OUT" 1970 "clock1970: the guest's clock is in 1970 (no clock sync in the initramfs)"
fi
boot_kill

# ---- other configurations (image builds only) -----------------------------------------------------
conf=$R/etc/keydrop/initramfs.conf
# A wrong hook line: update-initramfs fails, saying which line; the image in /boot stays as it was.
cp "$initrd" "$TAP_TMP/initrd.before"
sed -i 's/^hostkeys same$/hostkeys shared/' "$conf"
boot_chroot "$R" "$TAP_TMP/bad.log" "update-initramfs -u -k '$kver'"
rc=$?
[ $rc -ne 0 ] && grep -q "^keydrop: ERROR: /etc/keydrop/initramfs.conf: 'hostkeys shared': unknown value" "$TAP_TMP/bad.log"
ok $? "'hostkeys shared': update-initramfs fails (exit $rc) with keydrop's one ERROR line naming the line"
[ $rc -ne 0 ] || boot_log_tail "$TAP_TMP/bad.log"
cmp -s "$initrd" "$TAP_TMP/initrd.before"
ok $? "'hostkeys shared': the image in /boot is unchanged"

# bad_build NAME WANT-REGEX: update-initramfs fails with keydrop's ERROR line matching WANT-REGEX and
# the image in /boot is unchanged.
bad_build() {
	boot_chroot "$R" "$TAP_TMP/bad-$1.log" "update-initramfs -u -k '$kver'"
	local rc=$?
	[ $rc -ne 0 ] && grep -qE "^keydrop: ERROR: $2" "$TAP_TMP/bad-$1.log" && cmp -s "$initrd" "$TAP_TMP/initrd.before"
	ok $? "$1: update-initramfs fails (exit $rc) with keydrop's ERROR line, the image in /boot unchanged"
	[ $rc -ne 0 ] || boot_log_tail "$TAP_TMP/bad-$1.log"
}
sed -i 's/^hostkeys shared$/hostkeys same/' "$conf"
# A line keydrop's sync would refuse at boot: keydrop itself checks the image's copy.
echo 'timeot 5' >> "$conf"
bad_build "a misspelt sync line" "/etc/keydrop/initramfs.conf: unknown option '--timeot'"
sed -i '$d' "$conf"
# A configuration others can write would let them choose root's keys: refused as keydrop refuses it.
chmod 0620 "$conf"
bad_build "a group-writable initramfs.conf" "/etc/keydrop/initramfs.conf: writable by group or others"
chmod 0600 "$conf"
# A CA file named by an abbreviation keydrop takes (cace = cacert) is copied in too.
sed -i 's|^cacert |cace |' "$conf"
boot_chroot "$R" "$TAP_TMP/abbr.log" "mkinitramfs -o /tmp/abbr.img '$kver' && lsinitramfs /tmp/abbr.img"
grep -qx 'etc/keydrop/test-ca.pem' "$TAP_TMP/abbr.log"
ok $? "'cace FILE' (getopt's abbreviation of cacert): the file is in the image"
sed -i 's|^cace |cacert |' "$conf"

# hostkeys separate: the initramfs' own keys, made once in /etc/keydrop/initramfs/dropbear and the
# same in the next build; not sshd's.
sed -i 's/^hostkeys same$/hostkeys separate/' "$conf"
fps_of_image() { # IMAGE -> the fingerprints of its dropbear keys, sorted, one line
	rm -rf "$R/tmp/u" && boot_chroot "$R" "$TAP_TMP/unmk.log" "unmkinitramfs '$1' /tmp/u" || return 1
	local m=$R/tmp/u/main
	[ -d "$m" ] || m=$R/tmp/u
	"$KEYDROP" hostkeys --format dropbear --dir "$m/etc/dropbear" --show 2>&1 | grep -oE 'SHA256:[A-Za-z0-9+/]+' | sort | tr '\n' ' '
}
boot_chroot "$R" "$TAP_TMP/sep1.log" "mkinitramfs -o /tmp/sep1.img '$kver'"
ok $? "hostkeys separate: mkinitramfs"
sep1=$(fps_of_image /tmp/sep1.img)
ssh_fps=$(for f in "$R"/etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$f" | awk '{print $2}'; done | sort | tr '\n' ' ')
[ -n "$sep1" ] && [ "$sep1" != "$ssh_fps" ] && ! grep -qF "$(cut -d' ' -f1 <<<"$sep1")" <<<"$ssh_fps"
ok $? "hostkeys separate: the image's host key is not sshd's (${sep1% })"
is "$(stat -c '%a' "$R/etc/keydrop/initramfs/dropbear"/dropbear_ed25519_host_key 2>&1)" 600 \
	"hostkeys separate: kept in /etc/keydrop/initramfs/dropbear, 0600"
boot_chroot "$R" "$TAP_TMP/sep2.log" "mkinitramfs -o /tmp/sep2.img '$kver'"
is "$(fps_of_image /tmp/sep2.img)" "$sep1" "hostkeys separate: the next build has the same key (not regenerated)"

# ssh tinyssh: sshd's ed25519 key as a tinyssh key directory, /etc/keydrop/initramfs/authorized_keys
# baked as root's keys (tinyssh has no packaged initramfs integration that would).
sed -i 's/^hostkeys separate$/hostkeys same/' "$conf"
echo 'ssh tinyssh' >> "$conf"
install -m 0600 "$TAP_TMP/baked.pub" "$R/etc/keydrop/initramfs/authorized_keys"
# dropbear-initramfs' conf hook (UMASK=0077) aside: keydrop's own must keep this image private.
mv "$R/usr/share/initramfs-tools/conf-hooks.d/dropbear" "$TAP_TMP/dropbear.conf-hook"
boot_chroot "$R" "$TAP_TMP/tiny.log" "mkinitramfs -o /tmp/tiny.img '$kver'"
ok $? "ssh tinyssh: mkinitramfs"
is "$(stat -c %a "$R/tmp/tiny.img")" 600 "ssh tinyssh, no dropbear conf hook: the image is 0600 (keydrop's conf hook: UMASK=0077)"
rm -rf "$R/tmp/u" && boot_chroot "$R" "$TAP_TMP/unmk.log" "unmkinitramfs /tmp/tiny.img /tmp/u"
m=$R/tmp/u/main
[ -d "$m" ] || m=$R/tmp/u
is "$("$KEYDROP" hostkeys --format tinyssh --dir "$m/etc/tinyssh/sshkeydir" --show 2>&1 | grep -oE 'SHA256:[A-Za-z0-9+/]+')" \
	"$(ssh-keygen -lf "$R/etc/ssh/ssh_host_ed25519_key.pub" | awk '{print $2}')" \
	"ssh tinyssh: the image's tinyssh key directory holds sshd's ed25519 key"
cmp -s "$m/root/.ssh/authorized_keys" "$TAP_TMP/baked.pub" && [ "$(stat -c %a "$m/root/.ssh/authorized_keys")" = 600 ]
ok $? "ssh tinyssh: /etc/keydrop/initramfs/authorized_keys baked as /root/.ssh/authorized_keys (0600)"

# No /etc/keydrop/initramfs.conf: the hook does nothing (opt-in), and the image keeps
# mkinitramfs' own mode (the conf hook changes nothing either).
rm -f "$conf"
boot_chroot "$R" "$TAP_TMP/none.log" "mkinitramfs -o /tmp/none.img '$kver' && lsinitramfs /tmp/none.img"
rc=$?
! grep -qE '(^|/)(bin/keydrop|etc/keydrop/initramfs.conf)$' "$TAP_TMP/none.log" && [ $rc -eq 0 ]
ok $? "without /etc/keydrop/initramfs.conf: no keydrop in the image (exit $rc)"
is "$(stat -c %a "$R/tmp/none.img")" 644 "without /etc/keydrop/initramfs.conf: the image is 0644 (no UMASK from keydrop)"
mv "$TAP_TMP/dropbear.conf-hook" "$R/usr/share/initramfs-tools/conf-hooks.d/dropbear"
diag "timing: whole test $(boot_secs "$T_ALL") s"
done_testing
