#!/bin/bash
# make install (issue 11): the layout and modes under DESTDIR, PREFIX/BINDIR filled into the units,
# nothing in /etc (no unit enabled), and `systemd-analyze verify` on every installed unit, strict:
# any line it prints (a misspelt key, a bad value: verify only warns and exits 0 on those) or a
# non-zero exit fails. Deliberately broken copies show that the check catches both kinds.
source "$(dirname "$0")/../lib/tap.sh"
need make systemd-analyze systemctl
root=$(cd "$(dirname "$0")/../.." && pwd)
UNITS="keydrop-credentials.service keydrop-hostkeys.service keydrop-sync@.service keydrop-sync@.timer"
EXAMPLES="sshd_config.d-00-keydrop.conf.example sync.conf.example"
# make from the test (make check's jobserver and goals are not this make's)
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$root" "$@"; }

D=$TAP_TMP/dest
run mk install DESTDIR="$D" PREFIX=/usr UNITDIR=/lib/systemd/system
is "$RC" 0 "make install DESTDIR=... PREFIX=/usr UNITDIR=/lib/systemd/system: exit 0"
[ "$RC" -eq 0 ] || printf '%s\n' "$ERR" | tail -5 | sed 's/^/#   /'
want="0755 usr/bin/keydrop"
for u in $UNITS; do want+=$'\n'"0644 lib/systemd/system/$u"; done
for e in $EXAMPLES; do want+=$'\n'"0644 usr/share/keydrop/$e"; done
want+=$'\n'"0644 usr/share/man/man1/keydrop.1"
for f in hooks/keydrop scripts/init-premount/keydrop scripts/init-bottom/keydrop; do
	want+=$'\n'"0755 usr/share/initramfs-tools/$f"
done
want+=$'\n'"0644 usr/share/initramfs-tools/conf-hooks.d/keydrop"
want+=$'\n'"0755 usr/lib/dracut/modules.d/90keydrop/keydrop-online.sh" # the dracut module (issue 12)
want+=$'\n'"0755 usr/lib/dracut/modules.d/90keydrop/module-setup.sh"
is "$(cd "$D" && find . -type f -printf '%m %P\n' | sed 's/^\([0-7]\{3\}\) /0\1 /' | LC_ALL=C sort -k2)" \
	"$(LC_ALL=C sort -k2 <<<"$want")" "DESTDIR install: exactly the binary, the man page, the units, the examples, with their modes"
is "$(cd "$D" && find . -type d ! -perm 0755 -printf '%m %P\n')" "" "every directory 0755"
is "$(find "$D" ! -type f ! -type d)" "" "no symlinks, nothing else"
ok "$([ ! -e "$D/etc" ]; echo $?)" "nothing under etc/: no configuration, no unit enabled"
cmp -s "$root/build/keydrop" "$D/usr/bin/keydrop"; ok $? "the installed binary is build/keydrop"
run "$D/usr/bin/keydrop" version
like "$RC:$OUT" "^0:keydrop [0-9]" "the installed binary runs (keydrop version)"
is "$(grep -h '^ExecStart=' "$D"/lib/systemd/system/*.service | cut -d' ' -f1 | sort -u)" "ExecStart=/usr/bin/keydrop" \
	"every ExecStart= names BINDIR/keydrop"
is "$(grep -l '@[A-Z]*@' -r "$D/lib" "$D/usr/share" "$D/usr/lib")" "" "no @VAR@ left in any installed unit, example, initramfs-tools or dracut script"
grep -qx 'keydrop=/usr/bin/keydrop' "$D/usr/share/initramfs-tools/hooks/keydrop"
ok $? "the initramfs-tools hook copies BINDIR/keydrop into the image"
for f in hooks/keydrop scripts/init-premount/keydrop scripts/init-bottom/keydrop conf-hooks.d/keydrop; do
	sh -n "$D/usr/share/initramfs-tools/$f"
	ok $? "initramfs-tools $f: sh -n"
done
grep -q '^KEYDROP_BIN=/usr/bin/keydrop$' "$D/usr/lib/dracut/modules.d/90keydrop/module-setup.sh"
ok $? "the dracut module copies the keydrop installed with it (BINDIR/keydrop)"
bash -n "$D/usr/lib/dracut/modules.d/90keydrop/module-setup.sh" && sh -n "$D/usr/lib/dracut/modules.d/90keydrop/keydrop-online.sh"
ok $? "dracut module: module-setup.sh (bash, sourced by dracut) and keydrop-online.sh (sh, the image's) parse"
like "$(cat "$D/usr/share/keydrop/sync.conf.example")" "install -D -m 0600 -o root -g root /usr/share/keydrop/sync.conf.example" \
	"the examples name the installed paths"
grep -q '^ExecStart=/usr/bin/keydrop hostkeys -A --console$' "$D/lib/systemd/system/keydrop-hostkeys.service"
ok $? "keydrop-hostkeys.service: hostkeys -A --console (cloud-init's fingerprint block)"
grep -q '^StandardOutput=tty$' "$D/lib/systemd/system/keydrop-hostkeys.service" &&
	grep -q '^TTYPath=/dev/console$' "$D/lib/systemd/system/keydrop-hostkeys.service"
ok $? "keydrop-hostkeys.service: the blocks reach the console as they are (not journald's prefixed copy)"

# BINDIR and MANDIR on their own; PREFIX without DESTDIR (the default UNITDIR follows PREFIX)
run mk install DESTDIR="$TAP_TMP/d2" PREFIX=/usr BINDIR=/opt/kd/bin MANDIR=/opt/kd/man UNITDIR=/etc/systemd/system
is "$RC:$(grep -h '^ExecStart=' "$TAP_TMP/d2"/etc/systemd/system/*.service | cut -d' ' -f1 | sort -u)" "0:ExecStart=/opt/kd/bin/keydrop" \
	"BINDIR=/opt/kd/bin: the binary's place, named by every unit"
ok "$([ -x "$TAP_TMP/d2/opt/kd/bin/keydrop" ] && [ ! -e "$TAP_TMP/d2/usr/bin" ]; echo $?)" "BINDIR: binary there, not in PREFIX/bin"
grep -q "^KEYDROP_BIN=/opt/kd/bin/keydrop\$" "$TAP_TMP/d2/usr/lib/dracut/modules.d/90keydrop/module-setup.sh"
ok $? "BINDIR: the dracut module names the binary there"
ok "$([ -f "$TAP_TMP/d2/opt/kd/man/man1/keydrop.1" ]; echo $?)" "MANDIR: the man page there"
P=$TAP_TMP/prefix
run mk install PREFIX="$P"
is "$RC:$(ls "$P/lib/systemd/system" | tr '\n' ' ')" "0:$UNITS " "PREFIX=DIR without DESTDIR: units in PREFIX/lib/systemd/system"
ok "$([ -x "$P/share/initramfs-tools/hooks/keydrop" ]; echo $?)" "PREFIX=DIR: the initramfs-tools files in PREFIX/share/initramfs-tools (not /etc)"
ok "$([ -x "$P/lib/dracut/modules.d/90keydrop/module-setup.sh" ] && [ -x "$P/lib/dracut/modules.d/90keydrop/keydrop-online.sh" ]; echo $?)" \
	"PREFIX=DIR: the dracut module in PREFIX/lib/dracut/modules.d/90keydrop"
run mk install DESTDIR="$TAP_TMP/d3" PREFIX=/usr/local
is "$RC:$(cd "$TAP_TMP/d3/etc/initramfs-tools" 2>/dev/null && find . -type f | LC_ALL=C sort | tr '\n' ' ')" \
	"0:./conf.d/keydrop ./hooks/keydrop ./scripts/init-bottom/keydrop ./scripts/init-premount/keydrop " \
	"PREFIX=/usr/local: the initramfs-tools files in the admin's /etc/initramfs-tools (conf.d for the conf hook)"
is "$(cd "$TAP_TMP/d3" && find . -path '*dracut*' -type f | LC_ALL=C sort | tr '\n' ' ')" \
	"./usr/lib/dracut/modules.d/90keydrop/keydrop-online.sh ./usr/lib/dracut/modules.d/90keydrop/module-setup.sh " \
	"PREFIX=/usr/local: the dracut module in /usr/lib/dracut/modules.d (the only place dracut reads), not under /usr/local"
grep -q '^KEYDROP_BIN=/usr/local/bin/keydrop$' "$TAP_TMP/d3/usr/lib/dracut/modules.d/90keydrop/module-setup.sh"
ok $? "PREFIX=/usr/local: that module copies /usr/local/bin/keydrop into the image"

# ---- systemd-analyze verify ------------------------------------------------------------------------
# verify_unit ARGS...: 0 only when systemd-analyze verify exits 0 and says nothing at all. The
# Documentation= man pages are checked when they are installed (MANPATH), else not (--man=no).
man_opt=--man=no
if [ -f "$P/share/man/man1/keydrop.1" ] && MANPATH="$P/share/man:" man -w systemd.system-credentials.7 >/dev/null 2>&1; then
	man_opt=--man=yes
fi
verify_unit() {
	local out rc=0
	out=$(MANPATH="$P/share/man:" systemd-analyze verify "$man_opt" "$@" 2>&1) || rc=$?
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
	[ "$rc" -eq 0 ] && [ -z "$out" ]
}
for u in $UNITS; do
	verify_unit "$P/lib/systemd/system/$u"
	ok $? "systemd-analyze verify $u (PREFIX install: its ExecStart exists; $man_opt): no error, no warning"
done
if [ "$man_opt" = --man=no ]; then
	skip "Documentation=man: not checked: systemd's own man pages are not installed here"
fi
# The /usr/bin/keydrop units as the .deb ships them, in a root that also holds systemd's own units.
R=$TAP_TMP/vroot
cp -a "$D" "$R" && mkdir -p "$R/lib/systemd/system" && cp -an /lib/systemd/system/. "$R/lib/systemd/system/"
cp -a /usr/bin/install /usr/bin/touch "$R/usr/bin/" # coreutils, which every Debian has: the credential unit's ExecStartPre
for u in $UNITS; do
	verify_unit --root="$R" "/lib/systemd/system/$u"
	ok $? "systemd-analyze verify --root (BINDIR=/usr/bin) $u: clean"
done
# The check can fail: a misspelt key (verify only warns), a bad value, a binary that is not there.
B=$TAP_TMP/broken
mkdir -p "$B"
sed 's/^RemainAfterExit=yes/RemainAftrExit=yes/' "$P/lib/systemd/system/keydrop-hostkeys.service" > "$B/keydrop-hostkeys.service"
verify_unit "$B/keydrop-hostkeys.service"
ok $(( ! $? )) "the check fails on a broken copy: misspelt key (verify exits 0, says it)"
sed 's/^OnUnitActiveSec=.*/OnUnitActiveSec=often/' "$P/lib/systemd/system/keydrop-sync@.timer" > "$B/keydrop-sync@.timer"
cp "$P/lib/systemd/system/keydrop-sync@.service" "$B/"
verify_unit "$B/keydrop-sync@.timer"
ok $(( ! $? )) "the check fails on a broken copy: a timer value that does not parse"
sed "s|^ExecStart=$P/bin/keydrop|ExecStart=$P/bin/keydrop-missing|" "$P/lib/systemd/system/keydrop-credentials.service" > "$B/keydrop-credentials.service"
verify_unit "$B/keydrop-credentials.service"
ok $(( ! $? )) "the check fails on a broken copy: ExecStart names no binary"

# ---- enabling is the admin's ---------------------------------------------------------------------
for u in keydrop-hostkeys.service keydrop-credentials.service keydrop-sync@.timer keydrop-sync@alice.timer; do
	is "$(systemctl --root="$D" is-enabled "$u" 2>&1)" "disabled" "systemctl --root: $u installed disabled"
done
run systemctl --root="$R" enable keydrop-hostkeys.service keydrop-sync@alice.timer keydrop-credentials.service
is "$RC:$(cd "$R/etc/systemd/system" && find . -type l -printf '%P -> %l\n' | LC_ALL=C sort)" \
	"0:multi-user.target.wants/keydrop-hostkeys.service -> /lib/systemd/system/keydrop-hostkeys.service
sysinit.target.wants/keydrop-credentials.service -> /lib/systemd/system/keydrop-credentials.service
timers.target.wants/keydrop-sync@alice.timer -> /lib/systemd/system/keydrop-sync@.timer" \
	"the admin's systemctl enable: the units' [Install] targets (hostkeys multi-user, credentials sysinit, timer per user)"

# ---- the examples are usable as they are ----------------------------------------------------------
install -m 0600 "$D/usr/share/keydrop/sync.conf.example" "$TAP_TMP/alice.conf"
printf 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl kept\n' > "$TAP_TMP/ak"
h=$(sha256sum < "$TAP_TMP/ak")
run "$KEYDROP" sync --file "$TAP_TMP/ak" --config "$TAP_TMP/alice.conf" --github-url https://localhost:1 --retry 0 --timeout 2
like "$RC:$ERR" "^1:keydrop: sync: gh:alice: " "sync.conf.example parses (its source is asked: a network failure, exit 1, not a usage error)"
is "$(sha256sum < "$TAP_TMP/ak")" "$h" "and the target is unchanged"
mkdir -p "$TAP_TMP/hk"
"$KEYDROP" hostkeys -q --root "$TAP_TMP/hk" -t ed25519 >/dev/null 2>&1
cp "$D/usr/share/keydrop/sshd_config.d-00-keydrop.conf.example" "$TAP_TMP/sshd_config"
[ "$(id -u)" -eq 0 ] && install -d -m 0755 /run/sshd # sshd -t wants its privilege separation directory
run /usr/sbin/sshd -t -f "$TAP_TMP/sshd_config" -h "$TAP_TMP/hk/etc/ssh/ssh_host_ed25519_key"
is "$RC:$ERR" "0:" "the sshd drop-in example passes sshd -t"
run /usr/sbin/sshd -T -f "$TAP_TMP/sshd_config" -h "$TAP_TMP/hk/etc/ssh/ssh_host_ed25519_key" -C user=alice,host=h,addr=127.0.0.1
like "$OUT" $'\n''authorizedkeyscommand /usr/bin/keydrop authorized-keys --user %u --key-type %t --key %k --run-as keydrop ' \
	"sshd reads its AuthorizedKeysCommand naming the installed binary"
# ---- the units' commands, as written, against an image root (--root added) -----------------------
# execstart UNIT: its ExecStart= words, %d (the credentials directory) -> $TAP_TMP/cred
execstart() { sed -n 's/^ExecStart=//p' "$P/lib/systemd/system/$1" | sed "s|%d|$TAP_TMP/cred|g"; }
IR=$TAP_TMP/image
mkdir -p "$IR/etc" "$IR/root" "$TAP_TMP/cred" && chmod 0700 "$IR/root"
echo 'root:x:0:0:root:/root:/bin/sh' > "$IR/etc/passwd"
read -ra cmd <<<"$(execstart keydrop-hostkeys.service)"
run "${cmd[@]}" --root "$IR"
like "$RC:$(sed -n '/^-----BEGIN SSH HOST KEY FINGERPRINTS-----$/,/^-----END SSH HOST KEY FINGERPRINTS-----$/p' <<<"$OUT")" "^0:-----BEGIN SSH HOST KEY FINGERPRINTS-----"$'\n'"256 SHA256:[^ ]+ [^ ]+ \(ECDSA\)"$'\n'"256 SHA256:[^ ]+ [^ ]+ \(ED25519\)"$'\n'"3072 SHA256:[^ ]+ [^ ]+ \(RSA\)"$'\n'"-----END SSH HOST KEY FINGERPRINTS-----$" \
	"keydrop-hostkeys.service's command: the three host keys, cloud-init's fingerprint block on stdout"
ssh-keygen -q -t ed25519 -N '' -C cred@test -f "$TAP_TMP/credkey"
cp "$TAP_TMP/credkey.pub" "$TAP_TMP/cred/ssh.authorized_keys.root"
read -ra cmd <<<"$(execstart keydrop-credentials.service)"
run "${cmd[@]}" --root "$IR"
is "$RC:$(cat "$IR/root/.ssh/authorized_keys")" "0:# keydrop:begin ssh.authorized_keys.root
$(cat "$TAP_TMP/credkey.pub")
# keydrop:end ssh.authorized_keys.root" "keydrop-credentials.service's command: the credential's key for root, in its own block"
h=$(tree_hash "$IR/root")
run "${cmd[@]}" --root "$IR"
is "$RC:$(tree_hash "$IR/root")" "0:$h" "again (every boot): the key once, nothing written"
cp "$TAP_TMP/credkey" "$TAP_TMP/cred/ssh.authorized_keys.root"
run "${cmd[@]}" --root "$IR"
is "$RC:$(tree_hash "$IR/root")" "3:$h" "a private key as the credential: refused (exit 3), root's keys unchanged"
: > "$TAP_TMP/cred/ssh.authorized_keys.root"
run "${cmd[@]}" --root "$IR"
is "$RC:$(tree_hash "$IR/root")" "3:$h" "an empty credential: refused, the key stays"
done_testing
