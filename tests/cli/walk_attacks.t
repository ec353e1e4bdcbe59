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
for form in "--user $U" "--user $U --home $UH" "--user $U --file $UH/.ssh/authorized_keys"; do
	for cmd in "install $KF" "remove $FP" "sync --source acct $KF"; do
		# shellcheck disable=SC2086
		run "$KEYDROP" ${cmd%% *} $form ${cmd#* }
		is "$RC" 1 "root-owned 0600 file in the user's .ssh, ${form%% $UH*}: ${cmd%% *} refuses (exit 1)"
		like "$ERR" "owned by uid 0 with mode 0600, which $U cannot read: refusing to copy its bytes" "... naming owner and mode"
		is "$(lsnap)" "$before" "... the file keeps its bytes, owner, mode and inode"
	done
	# shellcheck disable=SC2086
	run "$KEYDROP" check --fix $form
	is "$RC" 4 "check --fix $form reports it (exit 4)"
	like "$OUT" "owned by uid 0 with mode 0600: $U cannot read it, so sshd ignores it; not changed by --fix" "... and says why it leaves it"
	is "$(lsnap)" "$before" "... unchanged"
done
# --root: the same leftover inside an image, for the image's user.
ri=$TAP_TMP/img-launder
mkdir -p "$ri/etc" "$ri/home/$U/.ssh"; chown -R "$U" "$ri/home/$U"; chmod 700 "$ri/home/$U/.ssh"
echo "$U:x:$uid:$gid::/home/$U:/bin/sh" > "$ri/etc/passwd"
printf 'image root secret\n' > "$ri/home/$U/.ssh/authorized_keys"; chmod 600 "$ri/home/$U/.ssh/authorized_keys"
rsum=$(sha256sum < "$ri/home/$U/.ssh/authorized_keys")
for cmd in "install $KF" "remove $FP" "sync --source acct $KF" "check --fix"; do
	# shellcheck disable=SC2086
	run "$KEYDROP" ${cmd%% *} --root "$ri" --user "$U" ${cmd#* }
	ok $(( RC == 0 )) "--root: root-owned 0600 file of the image user: ${cmd%% *} refuses (exit $RC)"
	like "$ERR$OUT" "owned by uid 0 with mode 0600.*cannot read" "... naming owner and mode"
	is "$(sha256sum < "$ri/home/$U/.ssh/authorized_keys"):$(stat -c '%U %a' "$ri/home/$U/.ssh/authorized_keys")" "$rsum:root 600" "... unchanged"
done
as_user cat "$UH/.ssh/authorized_keys" >/dev/null 2>&1; ok $(( ! $? )) "... and the user still cannot read it"
# A root-owned file the user can read (0644) is fine: its bytes are no secret from the user.
chmod 644 "$UH/.ssh/authorized_keys"
run "$KEYDROP" install --user "$U" --key "$K"
is "$RC:$(stat -c '%U %a' "$UH/.ssh/authorized_keys")" "0:$U 600" "a root-owned 0644 file: installed, now the user's 0600"

# ---- review (walkreview): a root-owned link below a directory the user owns --------------------------------------
# The user cannot make a root-owned link, but she chooses which root-owned directory sits at a name in her own
# directory (rename within a parent she owns needs no right on the directory moved), so a root-owned link below
# her directory is hers to aim: `sudo tar x` of her archive, `sudo git clone` of her repository or `sudo cp -a`
# leave exactly that. Here a root-owned dotfiles/ holding keys -> root's .ssh is moved into place as ~/.ssh.
reset_home; rm -rf "$UH/dotfiles"
V2=$TAP_TMP/rootssh2
mkdir -m 700 "$V2"; echo "# root's keys (world-readable)" > "$V2/authorized_keys"; chmod 644 "$V2/authorized_keys"
mkdir -m 755 "$UH/dotfiles"; ln -s "$V2" "$UH/dotfiles/keys"
as_user mv "$UH/dotfiles" "$UH/.ssh"
v2snap() { tree_hash "$V2"; }
for cmd in "install $KF" "check --fix"; do
	before=$(v2snap)
	# shellcheck disable=SC2086
	run "$KEYDROP" ${cmd%% *} --user "$U" --file "$UH/.ssh/keys/authorized_keys" ${cmd#* }
	ok $(( RC == 0 )) "root's link below the user's home, moved there by her: ${cmd%% *} --file refused (exit $RC)"
	like "$ERR$OUT" "keys is a symlink in $UH/.ssh, which lies below $UH \\(owned by uid $uid, .*\\): refusing to follow it" "... says why"
	is "$(v2snap)" "$before" "... root's .ssh unchanged"
done
before=$(v2snap)
run "$KEYDROP" keygen -q -f "$UH/.ssh/keys/id_new"
ok $(( RC == 0 )) "keygen -f through root's link below the user's home: refused (exit $RC)"
is "$(v2snap)" "$before" "... no key created in root's .ssh"
rm -rf "$UH/.ssh"

# ---- review: a directory the user swaps in while .ssh is being created is never given to her -------------------
# Between keydrop's "no .ssh" and its mkdir (or between its mkdir and its open), the user renames a root-owned
# directory of her home (~/.gnupg left by `sudo gpg`) to .ssh. gdb stops keydrop at mkdirat to make the
# user's move at exactly that point: a real interleaving, not an injected result.
swap_at_mkdir() { # swap_at_mkdir STOP(1: before mkdirat, 2: after it) MOVE-COMMAND
	local stop=$1 move=$2
	cat > "$TAP_TMP/swap.gdb" <<-EOF
	set pagination off
	set \$n = 0
	catch syscall mkdirat
	commands
	silent
	set \$n = \$n + 1
	if \$n == $stop
	shell runuser -u $U -- sh -c '$move' && echo MOVED
	end
	continue
	end
	run
	EOF
	run gdb -q -batch -x "$TAP_TMP/swap.gdb" --args "$KEYDROP" install --user "$U" --key "$K"
}
if ! command -v gdb >/dev/null; then
	skip "gdb not installed: cannot order the user's move against keydrop's mkdir"
else
	for stop in 1 2; do
		reset_home; rm -rf "$UH/.gnupg" "$UH/.ssh.mine"
		mkdir -m 755 "$UH/.gnupg"; echo "root's gpg secret" > "$UH/.gnupg/secring"; chmod 600 "$UH/.gnupg/secring"
		if [ $stop = 1 ]; then move="mv $UH/.gnupg $UH/.ssh"; when=before; else
			move="mv $UH/.ssh $UH/.ssh.mine && mv $UH/.gnupg $UH/.ssh"; when=after; fi
		swap_at_mkdir $stop "$move"
		if [[ $ERR$OUT == *"Operation not permitted"* && $OUT != *MOVED* ]]; then
			skip "ptrace not permitted here"; continue
		fi
		like "$OUT" "MOVED" "the user renamed root's ~/.gnupg to .ssh $when keydrop's mkdir"
		is "$(stat -c '%U %a' "$UH/.ssh")" "root 755" "... the directory she moved in is still root's, mode unchanged"
		is "$(stat -c '%U %a' "$UH/.ssh/secring")" "root 600" "... and so is root's file in it"
	done
	rm -rf "$UH/.gnupg" "$UH/.ssh.mine"
fi

# ---- review: the writers' lock holds between root's keydrop and the user's own ---------------------------------
# Root's keydrop (here: a root process holding the 0600 lock file as keydrop does) is writing the user's file;
# the user's own keydrop cannot open that lock file (EACCES) and used to fall back to locking the directory,
# which nobody else locks: both wrote at once, one update lost.
reset_home; as_user mkdir -m 700 "$UH/.ssh"; as_user cp "$KF" "$UH/.ssh/authorized_keys"
touch "$UH/.ssh/.keydrop.lock"; chmod 600 "$UH/.ssh/.keydrop.lock"
coproc LOCKR { flock "$UH/.ssh/.keydrop.lock" -c 'echo held; read -r x'; }
read -r line <&"${LOCKR[0]}"
is "$line" held "root holds the writers' lock in the user's .ssh"
ssh-keygen -q -t ed25519 -N '' -C second -f k2; chmod 644 k2.pub; cp k2.pub /tmp/kd-walk-$$.2.pub
on_exit "rm -f /tmp/kd-walk-$$.2.pub"
before=$(sha256sum < "$UH/.ssh/authorized_keys")
user_binary
run env KEYDROP_LOCK_TIMEOUT_MS=300 runuser -u "$U" -- "$UBIN" install --key "$(cat k2.pub)"
is "$RC" 1 "the user's keydrop waits for root's lock and times out (exit 1)"
like "$ERR" "locked by another keydrop" "... saying so"
is "$(sha256sum < "$UH/.ssh/authorized_keys")" "$before" "... and did not write meanwhile"
echo go >&"${LOCKR[1]}"; wait "$LOCKR_PID" 2>/dev/null
rm -f "$UH/.ssh/.keydrop.lock"

# ---- review: the user removes her (empty) .ssh while keydrop holds it open: no false "locked" ----------------
# The lock file cannot be created in a removed directory (ENOENT); the retry loop took that for a lock file
# "removed by its holder", spun 2 x 1000 times and blamed "another keydrop (waited 10000 ms)" at once.
if ! command -v gdb >/dev/null; then
	skip "gdb not installed: cannot order the user's rmdir against keydrop's lock"
else
	reset_home; as_user mkdir -m 700 "$UH/.ssh"
	cat > "$TAP_TMP/rmdir.gdb" <<-EOF
	set pagination off
	catch syscall openat
	condition 1 \$_streq((char*)\$rsi, ".keydrop.lock")
	commands
	silent
	shell runuser -u $U -- rmdir $UH/.ssh && echo REMOVED
	delete 1
	continue
	end
	run
	EOF
	SECONDS=0
	run gdb -q -batch -x "$TAP_TMP/rmdir.gdb" --args "$KEYDROP" install --user "$U" --key "$K"
	like "$OUT" REMOVED "the user removed her empty .ssh just before keydrop's lock"
	like "$ERR" "No such file or directory" "... keydrop says the lock file cannot be made there"
	ok $(( SECONDS >= 5 )) "... at once (${SECONDS}s)"
	[[ $ERR != *"locked by another keydrop"* && $ERR != *"waiting up to"* ]]; ok $? "... and blames no other keydrop"
fi

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
# --home without a passwd entry: the user is the home's owner; a root-owned directory below the
# user's own must not make that "user" root (keys written root's below a directory she controls).
mkdir -p "$UH/rootx"; chown root "$UH/rootx"
run "$KEYDROP" install --home "$UH/rootx" "$KF"
is "$RC" 1 "--home: a root-owned directory below the user's home is not a home of root's"
like "$ERR" "rootx is owned by uid 0, but a directory above it by uid $uid: refusing" "... says why"
[ ! -e "$UH/rootx/.ssh" ]; ok $? "... nothing created in it"
rm -rf "$UH/rootx"
# --root passwd numbers are parsed strictly: a uid that would wrap to 0 (root) is refused, the image
# is left as it was.
wi=$TAP_TMP/img-wrap
mkdir -p "$wi/etc" "$wi/home/w"
echo "w:x:4294967296:4343::/home/w:/bin/sh" > "$wi/etc/passwd"
before=$(tree_hash "$wi")
run "$KEYDROP" install --root "$wi" --user w "$KF"
is "$RC" 1 "--root with uid 4294967296 in the image's passwd: refused (no wrap to root)"
like "$ERR" "user 'w': its uid or gid is not a plain decimal number below 4294967295" "... says why"
is "$(tree_hash "$wi")" "$before" "... the image unchanged"
# --root / is the machine itself: messages show plain paths.
run "$KEYDROP" list --root / --home /nonexistent-kd-home
like "$ERR" "^keydrop: list: /nonexistent-kd-home: No such file" "--root / names paths without a doubled slash"
# The natural command without --user: root is the user then, so the user's directory is refused
# with a hint that names --user.
before=$(tree_hash "$UH")
run "$KEYDROP" install --file "$UH/.ssh/authorized_keys" "$KF"
is "$RC" 1 "--file into a user's .ssh without --user: refused (the target user would be root)"
is "$(tree_hash "$UH")" "$before" "... the user's home unchanged"
like "$ERR" "owned by uid $uid, not the user \(uid 0\) or root: refusing to write below it \(for another user's file, name them: --user NAME\)" \
	"... and the message says to name the user"
done_testing
