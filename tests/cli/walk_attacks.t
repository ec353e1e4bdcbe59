#!/bin/bash
# Root writes where a user chose? Never. A throwaway user makes the attacker's moves (runuser) against
# throwaway victim files; every writing command (install, remove, sync, check --fix, hostkeys,
# keygen -f) and every target form (--user, --home, --file, --root) must refuse, and the victims'
# bytes, owners and modes must be unchanged. Also: root-only bytes never land in a user-owned file,
# and a user cannot hold the writers' lock.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/sshd.sh"
cd "$TAP_TMP"

if [ "$(id -u)" -ne 0 ]; then
	skip "attack tests need root (throwaway users, runuser)"
	done_testing
fi
user_create kdwalk; ok $? "throwaway user (attacker) $TUSER"
U=$TUSER UH=$THOME
as_user() { runuser -u "$U" -- "$@"; }
ssh-keygen -q -t ed25519 -N '' -C attacker -f k
K=$(cat k.pub)
cp k.pub /tmp/kd-walk-$$.pub; chmod 644 /tmp/kd-walk-$$.pub; on_exit "rm -f /tmp/kd-walk-$$.pub"
KF=/tmp/kd-walk-$$.pub

# The victim: a root-owned .ssh like /root/.ssh (0700, file 0600), and a root-owned home-like dir.
V=$TAP_TMP/rootssh
mkdir -m 700 "$V"; echo "# root's keys" > "$V/authorized_keys"; chmod 600 "$V/authorized_keys"
echo "root private key" > "$V/id_ed25519"; chmod 600 "$V/id_ed25519"
VH=$TAP_TMP/roothome
mkdir -m 700 "$VH"; ln -s "$V" "$VH/.ssh.real"; mkdir -m 700 "$VH/.ssh"
echo "# root home keys" > "$VH/.ssh/authorized_keys"; chmod 600 "$VH/.ssh/authorized_keys"
vsnap() { echo "$(tree_hash "$V") $(tree_hash "$VH") $(stat -c '%a.%u' "$V" "$VH" | tr '\n' ' ')"; }
FP=$("$KEYDROP" fingerprint k.pub | cut -d' ' -f2)

# attack DESC CMD...: must fail (exit 1, or 4 for check), name the refused link, change no victim.
attack() {
	local desc=$1 before; shift
	before=$(vsnap)
	run "$@"
	ok $(( RC == 0 )) "$desc: refused (exit $RC)"
	like "$ERR$OUT" "symlink in .*refusing to follow it|is a symlink: refusing|is a symlink \\(keydrop refuses to follow it|owned by uid" "$desc: says why"
	is "$(vsnap)" "$before" "$desc: victim unchanged"
}

# ---- ~/.ssh -> root's .ssh, reached through --file (the natural admin command) --------------------------
reset_home() { rm -rf "$UH/.ssh" "$UH/h"; }
reset_home; as_user ln -s "$V" "$UH/.ssh"
for cmd in "install $KF" "remove $FP" "sync --source acct $KF"; do
	# shellcheck disable=SC2086
	attack "--file through ~/.ssh -> root's .ssh: ${cmd%% *}" \
		"$KEYDROP" ${cmd%% *} --user "$U" --file "$UH/.ssh/authorized_keys" ${cmd#* }
done
attack "--file through ~/.ssh -> root's .ssh: check --fix" "$KEYDROP" check --fix --user "$U" --file "$UH/.ssh/authorized_keys"
# The same with no file yet on the far side: nothing may be created there either.
mv "$V/authorized_keys" "$TAP_TMP/ak.saved"
attack "--file, no file yet behind the link: install" "$KEYDROP" install --user "$U" --file "$UH/.ssh/authorized_keys" --key "$K"
[ ! -e "$V/authorized_keys" ]; ok $? "... no authorized_keys created in root's .ssh"
mv "$TAP_TMP/ak.saved" "$V/authorized_keys"
# --file without --user (the file is root's then): still no link the user planted.
attack "--file (no --user) through the user's link" "$KEYDROP" install --file "$UH/.ssh/authorized_keys" --key "$K"

# ---- --user: the link at .ssh itself (below the home nothing is followed) ----------------------------------
for cmd in "install $KF" "remove $FP" "sync --source acct $KF" "check --fix"; do
	# shellcheck disable=SC2086
	attack "--user with ~/.ssh -> root's .ssh: ${cmd%% *}" "$KEYDROP" ${cmd%% *} --user "$U" ${cmd#* }
done

# ---- --home DIR through a link in the user's home ----------------------------------------------------------
reset_home; as_user ln -s "$VH" "$UH/h"
for cmd in "install $KF" "remove $FP" "sync --source acct $KF" "check --fix"; do
	# shellcheck disable=SC2086
	attack "--home through ~/h -> root's home: ${cmd%% *}" "$KEYDROP" ${cmd%% *} --user "$U" --home "$UH/h" ${cmd#* }
done

# ---- --root: a user-owned directory inside an image holding a link to root's home ----------------------
img=$TAP_TMP/img
mkdir -p "$img/etc" "$img/root/.ssh" "$img/home"
echo "# image root" > "$img/root/.ssh/authorized_keys"; chmod 700 "$img/root" "$img/root/.ssh"
chmod 600 "$img/root/.ssh/authorized_keys"
uid=$(id -u "$U"); gid=$(id -g "$U")
echo "$U:x:$uid:$gid::/home/$U/me:/bin/sh" > "$img/etc/passwd"
mkdir "$img/home/$U"; chown "$U" "$img/home/$U"; ln -s /root "$img/home/$U/me"; chown -h "$U" "$img/home/$U/me"
isnap() { tree_hash "$img/root"; }
for cmd in "install $KF" "remove $FP" "sync --source acct $KF" "check --fix"; do
	before=$(isnap)
	# shellcheck disable=SC2086
	run "$KEYDROP" ${cmd%% *} --root "$img" --user "$U" ${cmd#* }
	ok $(( RC == 0 )) "--root, the user's link to /root inside the image: ${cmd%% *} refused (exit $RC)"
	like "$ERR$OUT" "me is a symlink in $img/home/$U, which is not root's: refusing to follow it" "... says why"
	is "$(isnap)" "$before" "... the image's root keys unchanged"
done

# ---- keygen -f as root through the user's link ----------------------------------------------------------------
reset_home; as_user ln -s "$V" "$UH/.ssh"
attack "keygen -f through ~/.ssh -> root's .ssh" "$KEYDROP" keygen -q -f "$UH/.ssh/id_new"
attack "keygen -f --force over root's key through the link" "$KEYDROP" keygen -q -f "$UH/.ssh/id_ed25519" --force
[ ! -e "$V/id_new" ]; ok $? "... no key created in root's .ssh"

# ---- hostkeys --root where the user controls etc/ --------------------------------------------------------------
# (the image tree must be reachable by the user: not below the 0700 test directory)
pub=$(mktemp -d /tmp/kd-walk-img.XXXXXX); chmod 755 "$pub"; on_exit "rm -rf '$pub'"
mkdir -p "$pub/r1/etc" "$pub/sshd"; chown "$U" "$pub/r1/etc"
echo "victim host key" > "$pub/sshd/ssh_host_ed25519_key"; chmod 600 "$pub/sshd/ssh_host_ed25519_key"
as_user ln -s "$pub/sshd" "$pub/r1/etc/ssh"
hsnap() { tree_hash "$pub/sshd"; }
before=$(hsnap)
run "$KEYDROP" hostkeys -q --root "$pub/r1" -t ed25519,ecdsa
ok $(( RC == 0 )) "hostkeys --root, etc/ owned by the user with etc/ssh -> elsewhere: refused (exit $RC)"
like "$ERR" "etc is owned by uid $uid, not the user \(uid 0\) or root: refusing to write below it" "... says why"
is "$(hsnap)" "$before" "... the other directory is unchanged"
mkdir -p "$pub/r2/etc"; chmod 777 "$pub/r2/etc"; as_user ln -s "$pub/sshd" "$pub/r2/etc/ssh"
run "$KEYDROP" hostkeys -q --root "$pub/r2" -t ed25519,ecdsa
ok $(( RC == 0 )) "hostkeys --root, world-writable etc/ with a user's link: refused (exit $RC)"
like "$ERR" "$pub/r2/etc is group or world writable \\(mode 0777\\): refusing to write below it" "... says why"
is "$(hsnap)" "$before" "... the other directory is unchanged"
# A root-owned link in a root-owned directory (a distribution's layout) is followed.
mkdir -p "$pub/r3/etc" "$pub/r3/usr/etc/ssh"; ln -s ../usr/etc/ssh "$pub/r3/etc/ssh"
run "$KEYDROP" hostkeys -q --root "$pub/r3"
ok $(( RC != 0 )) "hostkeys --root with root's own etc/ssh -> ../usr/etc/ssh link works"
[ -s "$pub/r3/usr/etc/ssh/ssh_host_ed25519_key" ]; ok $? "... the key is where the link points"

# ---- the writers' lock: a user cannot hold it -------------------------------------------------------------------
mkdir -p "$pub/r4/etc/ssh"
coproc HOLD { as_user flock "$pub/r4/etc/ssh" -c 'echo held; read -r x'; }
read -r line <&"${HOLD[0]}"
is "$line" held "the user holds a flock on the (world-readable) etc/ssh directory"
SECONDS=0
run timeout 30 "$KEYDROP" hostkeys -q --root "$pub/r4"
is "$RC" 0 "hostkeys is not blocked by it"
ok $(( SECONDS >= 10 )) "... and did not wait for it (${SECONDS}s)"
echo go >&"${HOLD[1]}"; wait "$HOLD_PID" 2>/dev/null
[ ! -e "$pub/r4/etc/ssh/.keydrop.lock" ]; ok $? "... and left no lock file behind"

# ---- root-only bytes renamed into the user's authorized_keys ----------------------------------------------------
reset_home; as_user mkdir -m 700 "$UH/.ssh"
printf "root's secret from sudo vim\n" > "$UH/.viminfo"; chmod 600 "$UH/.viminfo"
as_user mv "$UH/.viminfo" "$UH/.ssh/authorized_keys"
lsnap() { echo "$(sha256sum < "$UH/.ssh/authorized_keys") $(stat -c '%U %a %i' "$UH/.ssh/authorized_keys")"; }
before=$(lsnap)
for cmd in "install $KF" "remove $FP" "sync --source acct $KF"; do
	# shellcheck disable=SC2086
	run "$KEYDROP" ${cmd%% *} --user "$U" ${cmd#* }
	is "$RC" 1 "root-owned 0600 file in the user's .ssh: ${cmd%% *} refuses (exit 1)"
	like "$ERR" "owned by uid 0 with mode 0600, which $U cannot read: refusing to copy its bytes" "... naming owner and mode"
	is "$(lsnap)" "$before" "... the file keeps its bytes, owner, mode and inode"
done
run "$KEYDROP" check --fix --user "$U"
is "$RC" 4 "check --fix reports it (exit 4)"
like "$OUT" "owned by uid 0 with mode 0600: $U cannot read it, so sshd ignores it; not changed by --fix" "... and says why it leaves it"
is "$(lsnap)" "$before" "... unchanged"
as_user cat "$UH/.ssh/authorized_keys" >/dev/null 2>&1; ok $(( ! $? )) "... and the user still cannot read it"
# A root-owned file the user can read (0644) is fine: its bytes are no secret from the user.
chmod 644 "$UH/.ssh/authorized_keys"
run "$KEYDROP" install --user "$U" --key "$K"
is "$RC:$(stat -c '%U %a' "$UH/.ssh/authorized_keys")" "0:$U 600" "a root-owned 0644 file: installed, now the user's 0600"

# ---- the good cases still work ----------------------------------------------------------------------------------
reset_home
run "$KEYDROP" install --user "$U" --file "$UH/.ssh/authorized_keys" --key "$K"
is "$RC" 1 "--file into a missing .ssh: refused (no directory to write in)"
as_user mkdir -m 700 "$UH/.ssh"
run "$KEYDROP" install --user "$U" --file "$UH/.ssh/authorized_keys" --key "$K"
is "$RC" 0 "--user --file into the user's real .ssh works"
run "$KEYDROP" keygen -q -f "$pub/r3/id_ok"
is "$RC" 0 "keygen -f into a root-owned directory works"
mkdir -p "$pub/app/keys"; chown -R "$U" "$pub/app"
run "$KEYDROP" keygen -q -f "$pub/app/keys/id_ed25519"
is "$RC:$(stat -c '%U %a' "$pub/app/keys/id_ed25519")" "0:root 600" "keygen -f as root below a user's directory (an image builder's COPY --chown) works, as ssh-keygen"
done_testing
